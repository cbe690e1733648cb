"""Change points in a series of measurements: E-divisive means (Matteson & James, 2014), the method of Apache
Otava (formerly hunter) and MongoDB's signal-processing-algorithms, with a permutation test of significance.

Each step looks, in every segment of the series, for the split that most separates the values on its two sides
(the energy statistic Q̂ on distances ``|x_i - x_j| ** power``) and takes the strongest. The split is kept when
fewer than a ``significance`` share of ``permutations`` shuffles of the values (each segment shuffled within
itself, so the splits already kept stay) reach a Q̂ as large; then the search goes on in the new segments, and
stops at the first split that is not significant. Nothing is assumed about the shape of the noise: heavy tails
and outliers are fine. Values must be exchangeable between change points: slow drift is seen as one or more
change points, as it should be for performance histories. Pure: no I/O; O(n²) per shuffle, fine for a few
hundred values. The same values and seed give the same change points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perfkit.errors import InvalidArgument

__all__ = ["ChangePoint", "e_divisive", "segments"]

OUTLIER_SDS = 5.0
_MAD_TO_SD = 1.4826  # a normal distribution's standard deviation per median absolute deviation


@dataclass(frozen=True)
class ChangePoint:
    """The series changes at ``index``: values ``[.., index)`` and ``[index, ..)`` differ. ``before`` and ``after``
    are the medians of the segments on either side (bounded by the neighbouring change points)."""

    index: int
    p_value: float
    before: float
    after: float

    @property
    def ratio(self) -> float:
        """after / before (> 1: the values went up); inf when ``before`` is 0 and ``after`` is not."""
        if self.before == 0:
            return 1.0 if self.after == 0 else math.inf
        return self.after / self.before


def e_divisive(
    values: Sequence[float],
    *,
    significance: float = 0.01,
    permutations: int = 199,
    min_size: int = 3,
    power: float = 0.5,
    min_change: float = 0.0,
    outliers: bool = True,
    seed: int = 0,
) -> list[ChangePoint]:
    """The change points of ``values``, in order of index.

    - ``min_size``: fewest values between two change points (at least 2).
    - ``power``: exponent of the distances, in (0, 2); each detects any change of distribution. 0.5 keeps the
      power of 1 on clean shifts and is far less thrown by outlier sessions, which perf histories have.
    - ``min_change``: drop change points whose medians differ by less than this share (0.05: 5%), judged again
      after each drop.
    - ``outliers``: for the search, a value further than :data:`OUTLIER_SDS` robust standard deviations from the
      median of its neighbours (3 on each side) counts as that median (a Hampel filter; the noise's scale comes
      from successive differences, which level shifts barely move): one busy session is not a change, and a
      shift lasting ``min_size`` values stays whole. The reported medians use the values as given.

    A step whose permutation test can no longer fall below ``significance`` stops early; its p-value is then the
    estimate so far.
    """
    x = _values(values)
    _check(significance, permutations, min_size, power, min_change, seed)
    n = len(x)
    if n < 2 * min_size or float(np.ptp(x)) == 0.0:
        return []
    searched = _hampel(x) if outliers else x
    scale = float(np.std(searched))
    if scale == 0.0:
        return []
    distances = np.abs((searched[:, None] - searched[None, :]) / scale) ** power
    rng = np.random.default_rng(seed)
    cuts: list[int] = []
    p_values: dict[int, float] = {}
    while True:
        bounds = _bounds(n, cuts)
        best = _strongest(distances, bounds, min_size)
        if best is None:
            break
        index, q = best
        p = _permutation_p(distances, bounds, min_size, q, rng, permutations, significance)
        if p > significance:
            break
        cuts = sorted([*cuts, index])
        p_values[index] = p
    return _described(x, _pruned(x, cuts, min_change), p_values)


def segments(n: int, change_points: Sequence[ChangePoint | int]) -> list[tuple[int, int]]:
    """The half-open index ranges ``[start, stop)`` between the change points of a series of ``n`` values."""
    cuts = sorted(c.index if isinstance(c, ChangePoint) else int(c) for c in change_points)
    return _bounds(n, cuts)


# ---------------------------------------------------------------------- the steps
def _hampel(x: np.ndarray, *, half: int = 3) -> np.ndarray:
    """``x`` with each value further than OUTLIER_SDS robust sd from its neighbourhood's median replaced by it."""
    steps = np.diff(x)
    sd = _MAD_TO_SD * float(np.median(np.abs(steps - np.median(steps)))) / math.sqrt(2)
    if sd == 0.0:
        return x
    out = x.copy()
    for i in range(len(x)):
        local = float(np.median(x[max(0, i - half) : i + half + 1]))
        if abs(x[i] - local) > OUTLIER_SDS * sd:
            out[i] = local
    return out


def _bounds(n: int, cuts: Sequence[int]) -> list[tuple[int, int]]:
    edges = [0, *cuts, n]
    return list(itertools.pairwise(edges))


def _strongest(distances: np.ndarray, bounds: list[tuple[int, int]], min_size: int) -> tuple[int, float] | None:
    """The split (absolute index, Q̂) with the largest Q̂ over all segments; None when no segment can split."""
    best: tuple[int, float] | None = None
    for start, stop in bounds:
        found = _best_split(distances[start:stop, start:stop], min_size)
        if found is not None and (best is None or found[1] > best[1]):
            best = (start + found[0], found[1])
    return best


def _best_split(d: np.ndarray, min_size: int) -> tuple[int, float] | None:
    """Within one segment's distance matrix ``d``: the split ``tau`` (values [0, tau) against [tau, L)) with the
    largest Q̂ = mn/(m+n) · (2 mean between - mean within left - mean within right), by 2-D prefix sums."""
    size = d.shape[0]
    if size < 2 * min_size:
        return None
    c = np.zeros((size + 1, size + 1))
    c[1:, 1:] = d.cumsum(axis=0).cumsum(axis=1)
    tau = np.arange(min_size, size - min_size + 1)
    m = tau.astype(float)
    k = size - m
    left = c[tau, tau]
    right = c[size, size] - c[tau, size] - c[size, tau] + c[tau, tau]
    between = c[tau, size] - c[tau, tau]
    energy = 2 * between / (m * k) - left / (m * (m - 1)) - right / (k * (k - 1))
    q = m * k / (m + k) * energy
    i = int(np.argmax(q))
    return int(tau[i]), float(q[i])


def _permutation_p(
    distances: np.ndarray,
    bounds: list[tuple[int, int]],
    min_size: int,
    observed: float,
    rng: np.random.Generator,
    permutations: int,
    significance: float,
) -> float:
    """(1 + shuffles reaching ``observed``) / (1 + shuffles); stops once it cannot fall below ``significance``."""
    reached = 0
    give_up = significance * (permutations + 1) - 1  # more shuffles reaching it than this: not significant
    done = 0
    n = distances.shape[0]
    for done in range(1, permutations + 1):  # noqa: B007  (done is read after the loop)
        order = np.arange(n)
        for start, stop in bounds:
            order[start:stop] = start + rng.permutation(stop - start)
        shuffled = distances[np.ix_(order, order)]
        best = _strongest(shuffled, bounds, min_size)
        if best is not None and best[1] >= observed * (1 - 1e-12):
            reached += 1
            if reached > give_up:
                break
    return (1 + reached) / (1 + done)


def _pruned(x: np.ndarray, cuts: list[int], min_change: float) -> list[int]:
    """Drop the weakest change point while it moves the median by less than ``min_change``."""
    cuts = sorted(cuts)
    while min_change > 0 and cuts:
        changes = [abs(_log_ratio(before, after)) for before, after in _sides(x, cuts)]
        weakest = int(np.argmin(changes))
        if changes[weakest] >= math.log1p(min_change):
            break
        del cuts[weakest]
    return cuts


def _sides(x: np.ndarray, cuts: list[int]) -> list[tuple[float, float]]:
    bounds = _bounds(len(x), cuts)
    medians = [float(np.median(x[a:b])) for a, b in bounds]
    return list(itertools.pairwise(medians))


def _log_ratio(before: float, after: float) -> float:
    if before > 0 and after > 0:
        return math.log(after / before)
    scale = max(abs(before), abs(after))
    return 0.0 if scale == 0 else (after - before) / scale


def _described(x: np.ndarray, cuts: list[int], p_values: dict[int, float]) -> list[ChangePoint]:
    return [
        ChangePoint(index, p_values[index], before, after)
        for index, (before, after) in zip(cuts, _sides(x, cuts), strict=True)
    ]


# ---------------------------------------------------------------------- arguments
def _values(values: object) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgument("values", values, "give a sequence of numbers") from None
    if x.ndim != 1:
        raise InvalidArgument("values", values, "give a flat sequence of numbers, oldest first")
    if not np.all(np.isfinite(x)):
        raise InvalidArgument("values", values, "give finite numbers (drop NaN and inf first)")
    return x


def _check(significance: float, permutations: int, min_size: int, power: float, min_change: float, seed: int) -> None:
    if not isinstance(significance, int | float) or not 0 < significance < 1:
        raise InvalidArgument("significance", significance, "give a probability between 0 and 1, e.g. 0.05")
    for name, value, least in (("permutations", permutations, 1), ("min_size", min_size, 2)):
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise InvalidArgument(name, value, f"give a whole number of at least {least}")
    if not isinstance(power, int | float) or not 0 < power < 2:
        raise InvalidArgument("power", power, "give an exponent between 0 and 2 (1 is usual)")
    if not isinstance(min_change, int | float) or not 0 <= min_change < 10:
        raise InvalidArgument("min_change", min_change, "give a share of at least 0, e.g. 0.05 for 5%")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InvalidArgument("seed", seed, "give a whole number")
