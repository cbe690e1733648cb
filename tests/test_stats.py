"""Tests of perfkit.stats, pinned against values computed by hand (the computation is in the comments)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from perfkit.errors import InvalidArgument
from perfkit.stats import (
    ComplexityFit,
    bootstrap_ci,
    eff_at_k,
    fit_complexity,
    hodges_lehmann,
    hodges_lehmann_shift,
    kaplan_meier,
    km_median,
    km_median_ci,
    level_efficiency,
    mann_whitney,
    median,
    pass_at_k,
    ratio_ci,
    sample_efficiency,
    speedup,
    summarize,
)

# The textbook censored sample used below. Kaplan-Meier by hand (events before censorings on ties):
#   t=1: at risk 6 (all), 1 event          S = 5/6
#   t=2: at risk 5 (2,2,3,4,5), 1 event    S = 5/6 * 4/5 = 2/3   (the censored 2 is still at risk at 2)
#   t=3: at risk 3 (3,4,5), 1 event        S = 2/3 * 2/3 = 4/9
#   t=4: censored, no step
#   t=5: at risk 1, 1 event                S = 0
TIMES = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0]
CENSORED = [False, False, True, False, True, False]


# ----------------------------------------------------------------------------------- median, bootstrap
def test_median() -> None:
    assert median([3, 1, 2]) == 2.0
    assert median([4, 1, 3, 2]) == 2.5  # (2 + 3) / 2


@pytest.mark.parametrize("bad", [[], [1.0, math.nan], [1.0, math.inf], [[1.0, 2.0]], ["a"]])
def test_median_rejects_bad_samples(bad: object) -> None:
    with pytest.raises(InvalidArgument):
        median(bad)  # type: ignore[arg-type]


def test_invalid_argument_is_a_type_error_naming_the_argument() -> None:
    with pytest.raises(TypeError, match=r"^xs=\[\]: "):
        median([])


def test_bootstrap_ci_is_deterministic_and_contains_the_estimate() -> None:
    xs = np.random.default_rng(1).lognormal(0.0, 0.2, 40)
    a = bootstrap_ci(xs, seed=7)
    assert a == bootstrap_ci(xs, seed=7)
    assert a != bootstrap_ci(xs, seed=8)
    assert a[0] <= median(xs) <= a[1]
    wide = bootstrap_ci(xs, confidence=0.99, seed=7)
    assert wide[0] <= a[0] and a[1] <= wide[1]


def test_bootstrap_vectorised_path_equals_the_per_resample_path() -> None:
    xs = np.random.default_rng(2).normal(10.0, 1.0, 25)
    # median is evaluated on all resamples at once; the lambda once per resample: same draws, same result
    assert bootstrap_ci(xs, median, seed=3) == bootstrap_ci(xs, lambda r: float(np.median(r)), seed=3)
    assert bootstrap_ci(xs, np.mean, seed=3) == pytest.approx(
        bootstrap_ci(xs, lambda r: float(np.mean(r)), seed=3), rel=1e-12
    )


def test_bootstrap_of_a_constant_sample_is_degenerate() -> None:
    assert bootstrap_ci([5.0, 5.0, 5.0]) == (5.0, 5.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"confidence": 0.0},
        {"confidence": 1.0},
        {"confidence": 95},
        {"resamples": 0},
        {"resamples": 10.5},
        {"seed": -1},
        {"seed": True},
    ],
)
def test_bootstrap_validates_its_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        bootstrap_ci([1.0, 2.0, 3.0], **kwargs)  # type: ignore[arg-type]


def test_bootstrap_rejects_a_statistic_that_is_not_callable() -> None:
    with pytest.raises(InvalidArgument):
        bootstrap_ci([1.0, 2.0], "median")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- Hodges-Lehmann
def test_hodges_lehmann_one_sample() -> None:
    # Walsh averages (x_i + x_j)/2, i <= j, of [1, 2, 3, 10]:
    # 1, 1.5, 2, 5.5, 2, 2.5, 6, 3, 6.5, 10 -> sorted 1 1.5 2 2 2.5 | 3 5.5 6 6.5 10 -> median (2.5+3)/2
    assert hodges_lehmann([1, 2, 3, 10]) == 2.75
    assert hodges_lehmann([4.0]) == 4.0


def test_hodges_lehmann_shift_is_ys_minus_xs() -> None:
    # ys_j - xs_i for xs=[1,2,3], ys=[2,4,6]: 1 0 -1 3 2 1 5 4 3 -> sorted -1 0 1 1 [2] 3 3 4 5 -> 2
    assert hodges_lehmann_shift([1, 2, 3], [2, 4, 6]) == 2.0
    assert hodges_lehmann_shift([2, 4, 6], [1, 2, 3]) == -2.0


# -------------------------------------------------------------------------------------- Mann-Whitney
def test_mann_whitney_exact_small_sample() -> None:
    # xs=[1,2,3] all below ys=[4,5,6]: U_x = 0. Under H0 each of the C(6,3) = 20 rank sets is equally
    # likely and only one gives U = 0, so P(U <= 0) = 1/20; two-sided p = 2/20 = 0.1, one-sided 0.05.
    res = mann_whitney([1, 2, 3], [4, 5, 6])
    assert res.u == 0.0
    assert res.p_value == pytest.approx(0.1)
    assert res.cles == 0.0  # P(X > Y) + P(X = Y)/2
    assert res.rank_biserial == -1.0
    assert mann_whitney([1, 2, 3], [4, 5, 6], alternative="less").p_value == pytest.approx(0.05)
    assert mann_whitney([4, 5, 6], [1, 2, 3]).rank_biserial == 1.0


def test_mann_whitney_effect_size_with_ties() -> None:
    # xs=[1,2], ys=[2,3]: pairs (x>y)=0, ties=1 (2,2) -> U = 0.5, cles = 0.5/4 = 0.125
    res = mann_whitney([1, 2], [2, 3])
    assert res.u == 0.5 and res.cles == 0.125 and res.rank_biserial == -0.75


def test_mann_whitney_validates() -> None:
    with pytest.raises(InvalidArgument):
        mann_whitney([1.0], [2.0], alternative="bigger")
    with pytest.raises(InvalidArgument):
        mann_whitney([], [2.0])


# -------------------------------------------------------------------------------------------- ratios
def test_ratio_ci_detects_a_clear_slowdown() -> None:
    rng = np.random.default_rng(0)
    base, new = rng.lognormal(0.0, 0.05, 30), rng.lognormal(math.log(1.5), 0.05, 30)
    r = ratio_ci(base, new)
    assert r.significant and r.p_value < 1e-6
    assert 1.0 < r.low <= r.ratio <= r.high
    assert r.ratio == pytest.approx(np.median(new) / np.median(base))
    assert r == ratio_ci(base, new)  # deterministic for the default seed


def test_ratio_ci_is_not_significant_for_the_same_distribution() -> None:
    rng = np.random.default_rng(0)
    base, new = rng.lognormal(0.0, 0.05, 30), rng.lognormal(0.0, 0.05, 30)
    r = ratio_ci(base, new)
    assert not r.significant and r.low < 1.0 < r.high
    same = ratio_ci(base, base)  # identical data: ratio exactly 1, p = 1
    assert same.ratio == 1.0 and same.p_value == pytest.approx(1.0) and not same.significant


def test_speedup_is_the_inverted_ratio() -> None:
    rng = np.random.default_rng(4)
    base, new = rng.lognormal(0.0, 0.1, 20), rng.lognormal(-0.5, 0.1, 20)
    r, s = ratio_ci(base, new, seed=1), speedup(base, new, seed=1)
    assert s.ratio == pytest.approx(1.0 / r.ratio)
    assert (s.low, s.high) == pytest.approx((1.0 / r.high, 1.0 / r.low))
    assert s.ratio > 1.0 and s.significant


@pytest.mark.parametrize("base", [[1.0, 0.0, 2.0], [1.0, -1.0], []])
def test_ratio_ci_rejects_non_positive_times(base: list[float]) -> None:
    with pytest.raises(InvalidArgument):
        ratio_ci(base, [1.0, 2.0])


# ------------------------------------------------------------------------------------- Kaplan-Meier
def test_kaplan_meier_textbook_example() -> None:
    s = kaplan_meier(TIMES, CENSORED)
    np.testing.assert_array_equal(s.time, [1.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(s.survival, [5 / 6, 2 / 3, 4 / 9, 0.0])
    np.testing.assert_array_equal(s.at_risk, [6, 5, 3, 1])
    np.testing.assert_array_equal(s.events, [1, 1, 1, 1])
    assert s.at(0.5) == 1.0 and s.at(2.5) == pytest.approx(2 / 3) and s.at(4.0) == pytest.approx(4 / 9)
    # smallest t with S(t) <= 0.5: S(2) = 2/3 > 0.5, S(3) = 4/9 <= 0.5
    assert km_median(TIMES, CENSORED) == 3.0


def test_kaplan_meier_puts_events_before_censorings_on_ties() -> None:
    # times [2, 2], one censored: both at risk at 2, one event -> S(2) = 1 - 1/2 = 0.5
    # (censoring first would leave 1 at risk and give S = 0)
    s = kaplan_meier([2.0, 2.0], [True, False])
    np.testing.assert_allclose(s.survival, [0.5])
    assert km_median([2.0, 2.0], [True, False]) == 2.0


def test_kaplan_meier_without_censoring_is_the_empirical_survival() -> None:
    # [1,2,3,4]: S = 3/4, 2/4, 1/4, 0; median = smallest t with S <= 0.5 = 2 (the lower middle value)
    s = kaplan_meier([4, 2, 1, 3], [0, 0, 0, 0])
    np.testing.assert_allclose(s.survival, [0.75, 0.5, 0.25, 0.0])
    assert km_median([4, 2, 1, 3], [0, 0, 0, 0]) == 2.0


def test_km_median_is_inf_when_most_runs_were_censored() -> None:
    # S(1) = 4/5, S(2) = 4/5 * 3/4 = 3/5, then only censorings: S never gets to 0.5
    times, cens = [1, 2, 3, 4, 5], [False, False, True, True, True]
    assert km_median(times, cens) == math.inf
    low, high = km_median_ci(times, cens)
    assert high == math.inf and low >= 1.0


def test_km_median_ci_matches_a_naive_bootstrap() -> None:
    rng = np.random.default_rng(5)
    t = rng.exponential(1.0, 40).round(2)
    cens = rng.random(40) < 0.2
    # the vectorised weights index the data sorted by time: redo the same draws on sorted data by hand
    order = np.argsort(t, kind="stable")
    ts, cs = t[order], cens[order]
    idx = np.random.default_rng(9).integers(0, 40, size=(300, 40))
    meds = np.array([km_median(ts[i], cs[i]) for i in idx])
    assert np.all(np.isfinite(meds))
    expected = tuple(np.quantile(meds, [0.05, 0.95]))
    assert km_median_ci(t, cens, confidence=0.9, resamples=300, seed=9) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("times", "cens"),
    [([1.0, 2.0], [True]), ([1.0, -2.0], [False, False]), ([1.0, 2.0], [0, 2]), ([], [])],
)
def test_kaplan_meier_validates(times: list[float], cens: list[Any]) -> None:
    with pytest.raises(InvalidArgument):
        kaplan_meier(times, cens)


# ---------------------------------------------------------------------------------------- summarize
def test_summarize_with_censored_runs() -> None:
    s = summarize(TIMES, CENSORED)
    assert (s.n, s.n_censored, s.censored_median) == (6, 2, True)
    assert s.median == 3.0  # the KM median above, not the median of the finished runs (2.5)
    assert s.low <= s.median <= s.high
    # finished runs only: [1, 2, 3, 5]; mean 11/4; squared deviations 3.0625+0.5625+0.0625+5.0625 = 8.75
    assert s.mean == 2.75 and s.min == 1.0 and s.max == 5.0
    assert s.stdev == pytest.approx(math.sqrt(8.75 / 3))
    assert s.cv == pytest.approx(math.sqrt(8.75 / 3) / 2.75)
    assert (s.low, s.high) == km_median_ci(TIMES, CENSORED)


def test_summarize_without_censoring_uses_the_plain_median() -> None:
    s = summarize([4.0, 2.0, 1.0, 3.0], [False] * 4)
    assert s.median == 2.5 and not s.censored_median and s.n_censored == 0
    assert (s.low, s.high) == bootstrap_ci([4.0, 2.0, 1.0, 3.0])
    assert summarize([4.0, 2.0, 1.0, 3.0]) == s


def test_summarize_when_nothing_finished() -> None:
    s = summarize([10.0, 10.0, 10.0], [True, True, True])
    assert s.median == math.inf and s.censored_median and s.n_censored == 3
    assert (s.mean, s.stdev, s.cv, s.min, s.max) == (None, None, None, None, None)


def test_summarize_single_run_has_no_stdev() -> None:
    s = summarize([2.0])
    assert (s.median, s.low, s.high, s.mean, s.stdev, s.cv) == (2.0, 2.0, 2.0, 2.0, None, None)


# ----------------------------------------------------------------------------- ENAMEL efficiency
def test_level_efficiency_shape() -> None:
    # t_ref = 1, alpha = 2 -> T = 2; e = max(0, 2 - t) / (2 - 1)
    assert level_efficiency(1.0, 1.0) == 1.0  # as fast as the expert
    assert level_efficiency(2.0, 1.0) == 0.0  # at the limit
    assert level_efficiency(7.0, 1.0) == 0.0  # past the limit
    assert level_efficiency(1.5, 1.0) == 0.5 and level_efficiency(1.25, 1.0) == 0.75  # linear
    # faster than the reference: the paper's formula is not clamped, (2 - 0.5) / 1 = 1.5; at t=0, 2
    assert level_efficiency(0.5, 1.0) == 1.5 and level_efficiency(0.0, 1.0) == 2.0
    # alpha = 3: T = 3, (3 - 2) / (3 - 1) = 0.5; explicit limit T = 5: (5 - 2) / (5 - 1) = 0.75
    assert level_efficiency(2.0, 1.0, alpha=3.0) == 0.5
    assert level_efficiency(2.0, 1.0, time_limit=5.0) == 0.75


def test_level_efficiency_censored_or_incorrect_scores_zero() -> None:
    assert level_efficiency(None, 1.0, censored=True) == 0.0
    assert level_efficiency(2.0, 1.0, censored=True) == 0.0
    assert level_efficiency(0.5, 1.0, correct=False) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"t": 1.0, "t_ref": 1.0, "alpha": 0.0},
        {"t": 1.0, "t_ref": 1.0, "alpha": -2.0},
        {"t": 1.0, "t_ref": 1.0, "alpha": 1.0},
        {"t": 1.0, "t_ref": 0.0},
        {"t": -1.0, "t_ref": 1.0},
        {"t": None, "t_ref": 1.0},
        {"t": 1.5, "t_ref": 1.0, "censored": True},  # stopped before the limit 2: unknowable
        {"t": 1.0, "t_ref": 1.0, "time_limit": 1.0},
    ],
)
def test_level_efficiency_validates(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        level_efficiency(**kwargs)  # type: ignore[arg-type]


def test_sample_efficiency_shared_limit_as_in_the_paper() -> None:
    # refs [1, 2], alpha 2 -> T = 2 * max(1, 2) = 4 for both levels; times [2, 3]
    # e1 = (4-2)/(4-1) = 2/3, e2 = (4-3)/(4-2) = 1/2; hardness [1, 3] -> (2/3 + 3/2) / 4 = 13/24
    assert sample_efficiency([2.0, 3.0], [1.0, 2.0], hardness=[1, 3]) == pytest.approx(13 / 24)
    # equal weights by default: (2/3 + 1/2) / 2 = 7/12
    assert sample_efficiency([2.0, 3.0], [1.0, 2.0]) == pytest.approx(7 / 12)
    # level 2 timed out: (1 * 2/3 + 3 * 0) / 4 = 1/6
    assert sample_efficiency([2.0, None], [1.0, 2.0], hardness=[1, 3], censored=[False, True]) == (pytest.approx(1 / 6))
    assert sample_efficiency([2.0, 3.0], [1.0, 2.0], correct=False) == 0.0


def test_sample_efficiency_per_level_limit() -> None:
    # T1 = 2, T2 = 4: e1 = (2-2)/(2-1) = 0, e2 = (4-3)/(4-2) = 1/2 -> (0 + 3/2) / 4 = 3/8
    assert sample_efficiency([2.0, 3.0], [1.0, 2.0], hardness=[1, 3], per_level_limit=True) == 0.375


def test_sample_efficiency_zero_hardness_level_only_checks_correctness() -> None:
    # ENAMEL's level 0 (hardness 0) neither weighs in nor sets the limit: T = 2 * max(1, 2) = 4,
    # e = (2/3 + 1/2) / 2 = 7/12 whatever level 0's time
    assert sample_efficiency([0.1, 2.0, 3.0], [0.5, 1.0, 2.0], hardness=[0, 1, 1]) == pytest.approx(7 / 12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"level_times": [1.0], "ref_times": [1.0, 2.0]},
        {"level_times": [1.0, 2.0], "ref_times": [1.0, 2.0], "hardness": [0, 0]},
        {"level_times": [1.0, 2.0], "ref_times": [1.0, 2.0], "hardness": [1, -1]},
        {"level_times": [1.0, 2.0], "ref_times": [1.0, 2.0], "hardness": [1]},
        {"level_times": [1.0, 2.0], "ref_times": [1.0, 2.0], "censored": [True]},
        {"level_times": [1.0, None], "ref_times": [1.0, 2.0]},
        {"level_times": [1.0, 2.0], "ref_times": [0.0, 2.0]},
        {"level_times": [1.0, 2.0], "ref_times": [1.0, 2.0], "alpha": 0.5},
        {"level_times": ["fast", 2.0], "ref_times": [1.0, 2.0]},
    ],
)
def test_sample_efficiency_validates(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        sample_efficiency(**kwargs)  # type: ignore[arg-type]


def _brute_eff_at_k(scores: list[float], k: int) -> float:
    """Average over all k-subsets of the best score in the subset."""
    subsets = list(itertools.combinations(scores, k))
    return sum(max(s) for s in subsets) / len(subsets)


def test_eff_at_k_equals_brute_force_enumeration() -> None:
    rng = np.random.default_rng(6)
    for _ in range(40):
        n = int(rng.integers(1, 10))
        scores = [float(x) for x in rng.random(n) * 1.5]
        scores[0] = scores[-1]  # a tie
        for k in range(1, n + 1):
            assert eff_at_k(scores, k) == pytest.approx(_brute_eff_at_k(scores, k), rel=1e-12, abs=1e-14)


def test_eff_at_k_special_cases() -> None:
    scores = [0.2, 0.9, 0.4, 0.0, 1.3]
    assert eff_at_k(scores, 1) == pytest.approx(np.mean(scores))
    assert eff_at_k(scores, 5) == 1.3
    # n=3, k=2, sorted [0, 0.5, 1]: weights C(r-1,1)/C(3,2) = 0, 1/3, 2/3 -> 0.5/3 + 2/3 = 5/6
    assert eff_at_k([1.0, 0.0, 0.5], 2) == pytest.approx(5 / 6)


def test_eff_at_k_large_n_is_stable() -> None:
    scores = np.random.default_rng(7).random(200)
    v = eff_at_k(scores, 100)
    assert math.isfinite(v) and scores.min() <= v <= scores.max()
    assert eff_at_k(np.full(200, 0.7), 100) == pytest.approx(0.7, rel=1e-12)  # weights sum to 1
    # with 0/1 scores eff@k is pass@k, here checked against exact big-integer binomials
    c = 13
    exact = 1 - Fraction(math.comb(200 - c, 100), math.comb(200, 100))
    assert eff_at_k([1.0] * c + [0.0] * (200 - c), 100) == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize(("scores", "k"), [([0.5, 0.2], 0), ([0.5, 0.2], 3), ([], 1), ([math.nan], 1)])
def test_eff_at_k_validates(scores: list[float], k: int) -> None:
    with pytest.raises(InvalidArgument):
        eff_at_k(scores, k)


def test_pass_at_k_equals_brute_force_and_exact_binomials() -> None:
    for n in range(1, 9):
        for c in range(n + 1):
            items = [True] * c + [False] * (n - c)
            for k in range(1, n + 1):
                subsets = list(itertools.combinations(items, k))
                brute = sum(any(s) for s in subsets) / len(subsets)
                assert pass_at_k(n, c, k) == pytest.approx(brute, abs=1e-12)
    exact = 1 - Fraction(math.comb(190, 100), math.comb(200, 100))
    assert pass_at_k(200, 10, 100) == pytest.approx(float(exact), rel=1e-12)
    assert pass_at_k(200, 0, 100) == 0.0 and pass_at_k(200, 150, 100) == 1.0


@pytest.mark.parametrize(("n", "c", "k"), [(5, 6, 1), (5, 2, 6), (5, 2, 0), (0, 0, 1), (5, -1, 1), (5.0, 2, 1)])
def test_pass_at_k_validates(n: int, c: int, k: int) -> None:
    with pytest.raises(InvalidArgument):
        pass_at_k(n, c, k)


# ------------------------------------------------------------------------------------ complexity fits
SIZES = np.array([8, 16, 32, 64, 128, 256], dtype=float)
EXP_SIZES = np.arange(4, 21, 2, dtype=float)
TRUE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "O(1)": lambda n: np.ones_like(n),
    "O(log n)": np.log2,
    "O(n)": lambda n: n,
    "O(n log n)": lambda n: n * np.log2(n),
    "O(n^2)": lambda n: n**2,
    "O(n^3)": lambda n: n**3,
    "O(2^n)": np.exp2,
}


@pytest.mark.parametrize("name", list(TRUE))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_complexity_recovers_each_class_from_noisy_data(name: str, seed: int) -> None:
    sizes = EXP_SIZES if name == "O(2^n)" else SIZES
    rng = np.random.default_rng(seed)
    costs = (3.0 * TRUE[name](sizes) + 5.0) * (1.0 + 0.05 * rng.standard_normal(sizes.size))
    fit = fit_complexity(sizes, costs)
    assert fit.complexity == name
    assert set(fit.errors) == set(TRUE)
    if name != "O(1)":
        assert fit.r2 > 0.9 and fit.a == pytest.approx(3.0, rel=0.3)


def test_fit_complexity_exact_data_and_predict() -> None:
    fit = fit_complexity(SIZES, 2.0 * SIZES**2 + 7.0)
    assert isinstance(fit, ComplexityFit) and fit.complexity == "O(n^2)"
    assert (fit.a, fit.b, fit.r2) == pytest.approx((2.0, 7.0, 1.0))
    assert fit.predict(10) == pytest.approx(207.0)
    assert fit_complexity(SIZES, np.full(6, 4.0)).complexity == "O(1)"


def test_fit_complexity_treats_overflowing_2_to_the_n_as_unfit() -> None:
    sizes = np.array([10.0, 100.0, 1000.0, 2000.0])  # 2**2000 overflows float64
    fit = fit_complexity(sizes, 0.5 * sizes + 1.0)
    assert fit.errors["O(2^n)"] == math.inf and fit.complexity == "O(n)"


def test_fit_complexity_never_fits_a_decreasing_trend_with_a_negative_slope() -> None:
    fit = fit_complexity(SIZES, 100.0 / SIZES + 1.0)
    assert fit.a >= 0.0


@pytest.mark.parametrize(
    ("sizes", "costs"),
    [
        ([8, 8, 16, 16], [1, 1, 2, 2]),  # only 2 distinct sizes
        ([8, 16, 32], [1, 2]),
        ([8, 16, 32], [1, 0, 2]),
        ([0, 16, 32], [1, 2, 3]),
    ],
)
def test_fit_complexity_validates(sizes: list[float], costs: list[float]) -> None:
    with pytest.raises(InvalidArgument):
        fit_complexity(sizes, costs)


def test_module_import_does_not_import_scipy() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    code = "import sys, perfkit.stats; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False"
