"""E-divisive change points: the statistic against a brute-force reference, known shifts found where they are,
stationary noise left alone (false alarms counted over many seeds), determinism and argument checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from perfkit.changepoints import ChangePoint, _best_split, e_divisive, segments
from perfkit.errors import InvalidArgument


def _brute_q(x: np.ndarray, tau: int) -> float:
    left, right = x[:tau], x[tau:]
    m, n = len(left), len(right)
    between = np.mean([abs(a - b) for a in left for b in right])
    within_left = np.mean([abs(a - b) for a, b in itertools.combinations(left, 2)])
    within_right = np.mean([abs(a - b) for a, b in itertools.combinations(right, 2)])
    return m * n / (m + n) * (2 * between - within_left - within_right)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_statistic_matches_its_definition(seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=17)
    d = np.abs(x[:, None] - x[None, :])
    tau, q = _best_split(d, 3)
    brute = {t: _brute_q(x, t) for t in range(3, 17 - 3 + 1)}
    assert tau == max(brute, key=brute.__getitem__)
    assert q == pytest.approx(brute[tau])


@pytest.mark.parametrize(
    ("shift", "noise", "at"),
    [(0.05, 0.01, 30), (0.10, 0.03, 12), (0.03, 0.005, 45), (-0.08, 0.02, 25)],
)
def test_one_shift_is_found_where_it_is(shift: float, noise: float, at: int) -> None:
    """Found within one index in each of 8 histories; at most one spurious extra cut among them."""
    extra = 0
    for seed in range(8):
        rng = np.random.default_rng(seed)
        x = 1e-3 * (1 + rng.normal(0, noise, 60))
        x[at:] *= 1 + shift
        found = e_divisive(x, seed=seed)
        near = [c for c in found if abs(c.index - at) <= 1]
        assert len(near) == 1, (seed, found)
        assert near[0].ratio == pytest.approx(1 + shift, rel=2 * noise)
        assert near[0].p_value <= 0.01
        extra += len(found) - 1
    assert extra <= 1


def test_several_shifts_and_heavy_tailed_noise() -> None:
    """Up, then down part-way, under noise with outliers (log-normal, plus spikes of 3x every so often)."""
    rng = np.random.default_rng(7)
    x = rng.lognormal(0, 0.02, 90)
    x[30:] *= 1.15
    x[60:] /= 1.08
    x[rng.choice(90, 6, replace=False)] *= 3
    found = e_divisive(x)
    assert [c.index for c in found] == pytest.approx([30, 60], abs=1)
    assert found[0].after > found[0].before and found[1].after < found[1].before


def test_integer_counts_and_unannotated_lists() -> None:
    """Line counts (the cost metric) as a plain list of ints: one change of a few lines."""
    series = [1000] * 12 + [1004] * 10
    found = e_divisive(series)
    assert [(c.index, c.before, c.after) for c in found] == [(12, 1000.0, 1004.0)]


def test_stationary_noise_rarely_gives_a_change_point() -> None:
    """Over 150 histories of pure noise, the share with any change point stays near the significance (1%)."""
    alarms = 0
    for seed in range(150):
        rng = np.random.default_rng(10_000 + seed)
        x = rng.lognormal(0, 0.03, 40) if seed % 2 else rng.normal(5, 0.2, 40)
        alarms += bool(e_divisive(x, seed=seed))
    assert alarms / 150 <= 0.04


def test_same_seed_same_answer_and_the_p_value_depends_on_shuffles() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 1, 20), rng.normal(1.2, 1, 20)])
    assert e_divisive(x, seed=5) == e_divisive(x, seed=5)
    assert e_divisive(x, permutations=999, seed=1)[0].p_value == pytest.approx(0.001, abs=0.002)


def test_min_change_drops_small_but_significant_shifts() -> None:
    rng = np.random.default_rng(4)
    x = 1 + rng.normal(0, 0.001, 60)
    x[20:] *= 1.01
    x[40:] *= 1.20
    assert [c.index for c in e_divisive(x)] == pytest.approx([20, 40], abs=1)
    kept = e_divisive(x, min_change=0.05)
    assert [c.index for c in kept] == pytest.approx([40], abs=1)
    assert kept[0].before == pytest.approx(1.01, rel=0.01)  # the dropped cut's segments are merged


def test_nothing_to_split() -> None:
    assert e_divisive([3.0] * 30) == []
    assert e_divisive([1.0, 2.0, 3.0, 4.0, 5.0]) == []  # shorter than two segments of min_size
    assert segments(10, [ChangePoint(4, 0.01, 1.0, 2.0), 7]) == [(0, 4), (4, 7), (7, 10)]
    assert ChangePoint(3, 0.01, 0.0, 0.0).ratio == 1.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"significance": 0}, "significance"),
        ({"permutations": 0}, "permutations"),
        ({"min_size": 1}, "min_size"),
        ({"power": 2}, "power"),
        ({"min_change": -0.1}, "min_change"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_arguments_are_checked(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(InvalidArgument, match=name):
        e_divisive([1.0, 2.0] * 10, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="finite"):
        e_divisive([1.0, float("nan")] * 5)
    with pytest.raises(InvalidArgument, match="flat"):
        e_divisive([[1.0, 2.0]] * 5)
