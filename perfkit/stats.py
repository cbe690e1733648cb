"""Robust statistics for timings: bootstrap intervals, Hodges-Lehmann, Mann-Whitney, ratios with
confidence intervals, Kaplan-Meier for runs stopped at a time limit, ENAMEL's eff@k, and complexity fits.

Every function is pure and validates its public arguments first, raising
:class:`perfkit.errors.InvalidArgument`. scipy is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from perfkit.errors import InvalidArgument

__all__ = [
    "ComplexityFit",
    "MannWhitney",
    "Ratio",
    "Summary",
    "Survival",
    "bootstrap_ci",
    "eff_at_k",
    "fit_complexity",
    "hodges_lehmann",
    "hodges_lehmann_shift",
    "kaplan_meier",
    "km_median",
    "km_median_ci",
    "level_efficiency",
    "mann_whitney",
    "median",
    "pass_at_k",
    "ratio_ci",
    "sample_efficiency",
    "speedup",
    "summarize",
]

Statistic = Callable[[np.ndarray], float]
_CHUNK = 1 << 21  # numbers drawn per bootstrap chunk: bounds memory whatever the sample size
_ALTERNATIVES = ("two-sided", "less", "greater")


# ----------------------------------------------------------------------------------------- validation
class _Abbrev:
    """Stands for a long argument in an error message, so the message stays on one readable line."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _shown(value: object) -> object:
    text = repr(value)
    return value if len(text) <= 120 else _Abbrev(reprlib.repr(value))


def _sample(name: str, xs: object, *, min_size: int = 1, positive: bool = False) -> np.ndarray:
    """``xs`` as a 1-D float64 array of finite numbers (non-negative times when ``positive``)."""
    try:
        arr = np.asarray(xs, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgument(name, _shown(xs), "pass a sequence of numbers") from None
    if arr.ndim != 1:
        raise InvalidArgument(name, _shown(xs), "pass a flat (one-dimensional) sequence of numbers")
    if arr.size < min_size:
        raise InvalidArgument(name, _shown(xs), f"pass at least {min_size} value(s)")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(name, _shown(xs), "remove the NaN and infinite values")
    if positive and np.any(arr <= 0):
        raise InvalidArgument(
            name, _shown(xs), "times must be > 0 (a time of 0 means the clock is too coarse: time a loop)"
        )
    return arr


def _times(name: str, xs: object) -> np.ndarray:
    arr = _sample(name, xs)
    if np.any(arr < 0):
        raise InvalidArgument(name, _shown(xs), "times cannot be negative")
    return arr


def _flags(name: str, flags: object, n: int) -> np.ndarray:
    """A boolean array of length ``n`` from bools or 0/1."""
    arr = np.asarray(flags)
    if arr.ndim != 1 or arr.size != n:
        raise InvalidArgument(name, _shown(flags), f"pass one flag per time ({n} flags)")
    if arr.dtype != np.bool_:
        if arr.dtype.kind not in "iuf" or not np.all((arr == 0) | (arr == 1)):
            raise InvalidArgument(name, _shown(flags), "pass booleans (True = stopped before finishing)")
        arr = arr.astype(bool)
    return arr


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise InvalidArgument(name, value, "pass a number")
    return float(value)


def _int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < minimum:
        raise InvalidArgument(name, value, f"pass an integer >= {minimum}")
    return int(value)


def _bootstrap_args(confidence: object, resamples: object, seed: object) -> tuple[float, int, int]:
    c = _real("confidence", confidence)
    if not 0.0 < c < 1.0:
        raise InvalidArgument("confidence", confidence, "pass a probability strictly between 0 and 1, e.g. 0.95")
    return c, _int("resamples", resamples, 1), _int("seed", seed, 0)


# ------------------------------------------------------------------------------------------ bootstrap
def _quantile_sorted(s: np.ndarray, q: float) -> float:
    """Linear-interpolation quantile of sorted ``s`` (numpy's default) that copes with ``inf``."""
    h = q * (s.size - 1)
    lo = math.floor(h)
    hi = min(lo + 1, s.size - 1)
    a, b, frac = float(s[lo]), float(s[hi]), h - lo
    if frac == 0.0 or a == b:
        return a
    if math.isinf(b):
        return math.inf
    return a + (b - a) * frac


def _percentile_interval(stats: np.ndarray, confidence: float) -> tuple[float, float]:
    s = np.sort(stats)
    tail = (1.0 - confidence) / 2.0
    return _quantile_sorted(s, tail), _quantile_sorted(s, 1.0 - tail)


def _resample_indices(rng: np.random.Generator, n: int, resamples: int) -> list[np.ndarray]:
    """Index matrices (rows = resamples) in chunks of at most ``_CHUNK`` numbers."""
    rows = max(1, _CHUNK // n)
    return [rng.integers(0, n, size=(min(rows, resamples - i), n)) for i in range(0, resamples, rows)]


def median(xs: npt.ArrayLike) -> float:
    """The sample median (mean of the two middle values for an even count)."""
    return float(np.median(_sample("xs", xs)))


_VECTORISED: tuple[tuple[object, Callable[[np.ndarray], np.ndarray]], ...] = (
    (median, lambda m: np.median(m, axis=1)),
    (np.median, lambda m: np.median(m, axis=1)),
    (np.mean, lambda m: np.mean(m, axis=1)),
)


def bootstrap_ci(
    xs: npt.ArrayLike,
    statistic: Statistic = median,
    *,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile-bootstrap interval ``(low, high)`` of ``statistic(xs)``, deterministic for a seed.

    ``median``/``np.median``/``np.mean`` are evaluated on all resamples at once; any other callable is
    called once per resample with a 1-D array.
    """
    arr = _sample("xs", xs)
    if not callable(statistic):
        raise InvalidArgument("statistic", statistic, "pass a function of a 1-D array, e.g. perfkit.stats.median")
    confidence, resamples, seed = _bootstrap_args(confidence, resamples, seed)
    rows = next((whole for s, whole in _VECTORISED if s is statistic), None)
    rng = np.random.default_rng(seed)
    parts = []
    for idx in _resample_indices(rng, arr.size, resamples):
        boot = arr[idx]
        parts.append(rows(boot) if rows else np.array([float(statistic(r)) for r in boot]))
    return _percentile_interval(np.concatenate(parts), confidence)


# ------------------------------------------------------------------------------------ location, tests
def hodges_lehmann(xs: npt.ArrayLike) -> float:
    """One-sample Hodges-Lehmann estimate: the median of the Walsh averages (x_i + x_j)/2, i <= j.

    O(n^2) memory: fine for a few thousand timings.
    """
    arr = _sample("xs", xs)
    i, j = np.triu_indices(arr.size)
    return float(np.median((arr[i] + arr[j]) / 2.0))


def hodges_lehmann_shift(xs: npt.ArrayLike, ys: npt.ArrayLike) -> float:
    """Two-sample Hodges-Lehmann shift of ``ys`` relative to ``xs``: median of all ys_j - xs_i.

    Positive when ``ys`` tends to be larger (for times: ``ys`` is slower).
    """
    a, b = _sample("xs", xs), _sample("ys", ys)
    return float(np.median(np.subtract.outer(b, a)))


@dataclass(frozen=True)
class MannWhitney:
    """Mann-Whitney U test of ``xs`` against ``ys`` (scipy's orientation: ``u`` counts pairs with x > y).

    ``cles`` is the common-language effect size P(X > Y) + P(X = Y)/2 = u / (n_x n_y);
    ``rank_biserial`` = 2 cles - 1, in [-1, 1], positive when ``xs`` tends to be larger.
    """

    u: float
    p_value: float
    cles: float
    rank_biserial: float
    alternative: str


def mann_whitney(xs: npt.ArrayLike, ys: npt.ArrayLike, *, alternative: str = "two-sided") -> MannWhitney:
    """Mann-Whitney U test (``scipy.stats.mannwhitneyu``; "greater" means xs stochastically greater)."""
    a, b = _sample("xs", xs), _sample("ys", ys)
    if alternative not in _ALTERNATIVES:
        raise InvalidArgument("alternative", alternative, f"pass one of {', '.join(_ALTERNATIVES)}")
    from scipy.stats import mannwhitneyu

    res = mannwhitneyu(a, b, alternative=alternative)
    u = float(res.statistic)
    cles = u / (a.size * b.size)
    return MannWhitney(u, float(res.pvalue), cles, 2.0 * cles - 1.0, alternative)


# --------------------------------------------------------------------------------------------- ratios
@dataclass(frozen=True)
class Ratio:
    """A ratio of medians with its bootstrap interval; ``significant`` is ``p_value < 1 - confidence``."""

    ratio: float
    low: float
    high: float
    p_value: float
    significant: bool


def ratio_ci(
    base: npt.ArrayLike,
    new: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> Ratio:
    """median(new) / median(base) (> 1: ``new`` is slower) with a percentile-bootstrap interval.

    The two samples are resampled independently; ``p_value`` is the two-sided Mann-Whitney test.
    """
    b, n = _sample("base", base, positive=True), _sample("new", new, positive=True)
    confidence, resamples, seed = _bootstrap_args(confidence, resamples, seed)
    rng = np.random.default_rng(seed)
    nb = _resample_indices(rng, b.size, resamples)
    nn = _resample_indices(rng, n.size, resamples)
    med_b = np.concatenate([np.median(b[i], axis=1) for i in nb])
    med_n = np.concatenate([np.median(n[i], axis=1) for i in nn])
    low, high = _percentile_interval(med_n / med_b, confidence)
    p = mann_whitney(b, n).p_value
    return Ratio(float(np.median(n) / np.median(b)), low, high, p, p < 1.0 - confidence)


def speedup(
    base: npt.ArrayLike,
    new: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> Ratio:
    """median(base) / median(new) (> 1: ``new`` is faster): :func:`ratio_ci` inverted."""
    r = ratio_ci(base, new, confidence=confidence, resamples=resamples, seed=seed)
    return Ratio(1.0 / r.ratio, 1.0 / r.high, 1.0 / r.low, r.p_value, r.significant)


# ------------------------------------------------------------------------------------------ censoring
@dataclass(frozen=True, eq=False)
class Survival:
    """Kaplan-Meier curve: at each distinct event time, S(t) just after it, and who was at risk."""

    time: np.ndarray
    survival: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray

    def at(self, t: float) -> float:
        """S(t), the estimated probability that a run takes longer than ``t``."""
        i = int(np.searchsorted(self.time, _real("t", t), side="right")) - 1
        return 1.0 if i < 0 else float(self.survival[i])


def _censored_sample(times: object, censored: object) -> tuple[np.ndarray, np.ndarray]:
    t = _times("times", times)
    return t, _flags("censored", censored, t.size)


class _KM:
    """Product-limit machinery on weighted observations (weights = bootstrap counts)."""

    def __init__(self, t: np.ndarray, cens: np.ndarray) -> None:
        order = np.argsort(t, kind="stable")
        self.t, self.event = t[order], ~cens[order]
        self.u, self.starts = np.unique(self.t, return_index=True)

    def curve(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(S, at_risk, events) per distinct time for each row of weights ``w``.

        A censoring at time u still counts at risk at u: events come before censorings on ties.
        """
        d = np.add.reduceat(w * self.event, self.starts, axis=1)
        tot = np.add.reduceat(w, self.starts, axis=1)
        at_risk = np.cumsum(tot[:, ::-1], axis=1)[:, ::-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(at_risk > 0, 1.0 - d / at_risk, 1.0)
        return np.cumprod(factor, axis=1), at_risk, d

    def medians(self, w: np.ndarray) -> np.ndarray:
        s = self.curve(w)[0] <= 0.5 + 1e-12  # tolerance: products like 5/6 * 3/5 should hit 0.5
        return np.where(s.any(axis=1), self.u[np.argmax(s, axis=1)], math.inf)


def kaplan_meier(times: npt.ArrayLike, censored: npt.ArrayLike) -> Survival:
    """Product-limit estimator for right-censored times.

    ``censored[i]`` True means the run was stopped at ``times[i]`` and would have taken longer.
    """
    km = _KM(*_censored_sample(times, censored))
    s, at_risk, d = (a[0] for a in km.curve(np.ones((1, km.t.size))))
    keep = d > 0
    arrays = (km.u[keep], s[keep], at_risk[keep].astype(np.int64), d[keep].astype(np.int64))
    for a in arrays:
        a.flags.writeable = False
    return Survival(*arrays)


def km_median(times: npt.ArrayLike, censored: npt.ArrayLike) -> float:
    """Smallest time t with S(t) <= 0.5; ``math.inf`` when the survival never gets down to 0.5.

    Without censoring this is the lower middle value (not the mean of the two middle values).
    """
    km = _KM(*_censored_sample(times, censored))
    return float(km.medians(np.ones((1, km.t.size)))[0])


def km_median_ci(
    times: npt.ArrayLike,
    censored: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile-bootstrap interval of :func:`km_median` (resampling (time, censored) pairs).

    Either bound may be ``math.inf`` when many resamples never reach S <= 0.5.
    """
    t, cens = _censored_sample(times, censored)
    confidence, resamples, seed = _bootstrap_args(confidence, resamples, seed)
    km = _KM(t, cens)
    rng = np.random.default_rng(seed)
    n, meds = t.size, []
    for idx in _resample_indices(rng, n, resamples):
        rows = idx.shape[0]
        flat = (idx + (np.arange(rows) * n)[:, None]).ravel()  # each row's indices, offset by row
        w = np.bincount(flat, minlength=rows * n).reshape(rows, n).astype(np.float64)
        meds.append(km.medians(w))
    # indices refer to km's sorted order, which is a permutation: resampling it is resampling the data
    return _percentile_interval(np.concatenate(meds), confidence)


@dataclass(frozen=True)
class Summary:
    """Summary of timings; ``mean`` ... ``max`` describe only the runs that finished (None if none did)."""

    n: int
    n_censored: int
    median: float
    low: float
    high: float
    censored_median: bool
    mean: float | None
    stdev: float | None
    cv: float | None
    min: float | None
    max: float | None


def summarize(
    times: npt.ArrayLike,
    censored: npt.ArrayLike | None = None,
    *,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> Summary:
    """Median with a bootstrap interval: Kaplan-Meier when any run was censored, else the plain median.

    Censored runs are never dropped nor taken as finished at the limit. ``stdev`` (n-1) and ``cv`` need
    two finished runs; ``cv`` = stdev / mean.
    """
    t = _times("times", times)
    cens = np.zeros(t.size, dtype=bool) if censored is None else _flags("censored", censored, t.size)
    confidence, resamples, seed = _bootstrap_args(confidence, resamples, seed)
    if cens.any():
        med = km_median(t, cens)
        low, high = km_median_ci(t, cens, confidence=confidence, resamples=resamples, seed=seed)
    else:
        med = float(np.median(t))
        low, high = bootstrap_ci(t, median, confidence=confidence, resamples=resamples, seed=seed)
    done = t[~cens]
    mean = float(done.mean()) if done.size else None
    stdev = float(done.std(ddof=1)) if done.size > 1 else None
    cv = stdev / mean if stdev is not None and mean else None
    lo, hi = (float(done.min()), float(done.max())) if done.size else (None, None)
    return Summary(t.size, int(cens.sum()), med, low, high, bool(cens.any()), mean, stdev, cv, lo, hi)


# ---------------------------------------------------------------------------------- ENAMEL: eff@k
def _alpha(alpha: object) -> float:
    a = _real("alpha", alpha)
    if not a > 1.0:
        raise InvalidArgument("alpha", alpha, "pass a timeout factor > 1 (the limit alpha*t_ref must exceed t_ref)")
    return a


def _level_score(t: float, t_ref: float, limit: float, censored: bool, name: str) -> float:
    if censored:
        if not math.isnan(t) and t < limit * (1.0 - 1e-9):
            raise InvalidArgument(
                name,
                t,
                f"a run censored before the time limit {limit:g} cannot be scored: rerun it to the limit",
            )
        return 0.0
    if math.isnan(t) or t < 0:
        raise InvalidArgument(name, t, "pass the measured time (>= 0), or mark the run censored")
    return max(0.0, limit - t) / (limit - t_ref)


def level_efficiency(
    t: float | None,
    t_ref: float,
    *,
    alpha: float = 2.0,
    time_limit: float | None = None,
    censored: bool = False,
    correct: bool = True,
) -> float:
    """ENAMEL efficiency of one level: e = max(0, T - t) / (T - t_ref) for a correct run, else 0.

    T = ``time_limit`` if given, else ``alpha * t_ref``. e = 1 at the reference time, 0 at or past T,
    linear in between, and > 1 (not clamped, as in the paper) for runs faster than the reference.
    A censored run (stopped at T; ``t`` may be None) scores 0.
    """
    ref = _real("t_ref", t_ref)
    if not (math.isfinite(ref) and ref > 0):
        raise InvalidArgument("t_ref", t_ref, "pass the reference time, a finite number > 0")
    a = _alpha(alpha)
    limit = a * ref if time_limit is None else _real("time_limit", time_limit)
    if not (math.isfinite(limit) and limit > ref):
        raise InvalidArgument("time_limit", time_limit, f"pass a finite limit greater than t_ref={ref:g}")
    tt = math.nan if t is None else _real("t", t)
    score = _level_score(tt, ref, limit, bool(censored), "t")
    return score if correct else 0.0


def sample_efficiency(
    level_times: Sequence[float | None],
    ref_times: Sequence[float],
    *,
    hardness: Sequence[float] | None = None,
    alpha: float = 2.0,
    censored: Sequence[bool] | None = None,
    correct: bool = True,
    per_level_limit: bool = False,
) -> float:
    """ENAMEL efficiency of one sample: sum_l h_l e_l / sum_l h_l (0 if the sample is incorrect).

    As in the paper and its reference code, one time limit serves all levels:
    T = alpha * max{t_ref_l : h_l > 0}; ``per_level_limit=True`` uses T_l = alpha * t_ref_l instead.
    ``level_times[l]`` is the level's time (e.g. the max over its test cases); it may be None where
    ``censored[l]`` is True. ENAMEL's own weights are hardness=(0, 3, 3, 4); the default is all equal.
    """
    refs = _sample("ref_times", ref_times, positive=True)
    nl = refs.size
    try:
        times = np.array([math.nan if x is None else x for x in level_times], dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgument("level_times", _shown(level_times), "pass one number (or None) per level") from None
    if times.shape != (nl,):
        raise InvalidArgument("level_times", _shown(level_times), f"pass one time per level ({nl} levels)")
    h = np.ones(nl) if hardness is None else _sample("hardness", hardness)
    if h.size != nl or np.any(h < 0) or h.sum() <= 0:
        raise InvalidArgument("hardness", _shown(hardness), f"pass {nl} weights >= 0, not all 0")
    cens = np.zeros(nl, dtype=bool) if censored is None else _flags("censored", censored, nl)
    a = _alpha(alpha)
    limits = a * refs if per_level_limit else np.full(nl, a * refs[h > 0].max())
    if np.any(limits <= refs):
        fix = "give hardness 0 only to levels whose reference time is below the limit, or per_level_limit=True"
        raise InvalidArgument("ref_times", _shown(ref_times), fix)
    scores = np.array(
        [
            _level_score(float(times[i]), float(refs[i]), float(limits[i]), bool(cens[i]), f"level_times[{i}]")
            for i in range(nl)
        ]
    )
    return float(np.dot(h, scores) / h.sum()) if correct else 0.0


def eff_at_k(scores: npt.ArrayLike, k: int) -> float:
    """Unbiased eff@k from n >= k scores: the expected best score among k of them drawn without replacement.

    eff@k = sum_{r=k}^{n} C(r-1, k-1) / C(n, k) * e_(r) with e_(1) <= ... <= e_(n). The weights come from
    the ratio w_r / w_{r+1} = (r - k + 1) / r starting at w_n = k / n: no huge binomials, no overflow.
    """
    e = np.sort(_sample("scores", scores))
    n = e.size
    k = _int("k", k, 1)
    if k > n:
        raise InvalidArgument("k", k, f"pass k <= n = {n}, the number of scores")
    r = np.arange(n - 1, k - 1, -1, dtype=np.float64)  # r = n-1, ..., k
    w = (k / n) * np.concatenate(([1.0], np.cumprod((r - k + 1) / r)))  # w_n, w_{n-1}, ..., w_k
    return float(np.dot(w[::-1], e[k - 1 :]))


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k = 1 - C(n-c, k) / C(n, k), computed as a product of ratios (HumanEval's way)."""
    n = _int("n", n, 1)
    c = _int("c", c, 0)
    k = _int("k", k, 1)
    if c > n:
        raise InvalidArgument("c", c, f"the number of correct samples cannot exceed n = {n}")
    if k > n:
        raise InvalidArgument("k", k, f"pass k <= n = {n}")
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=np.float64)))


# ----------------------------------------------------------------------------------- complexity fits
_GROWTH: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "O(1)": np.ones_like,
    "O(log n)": np.log2,
    "O(n)": lambda n: n,
    "O(n log n)": lambda n: n * np.log2(n),
    "O(n^2)": np.square,
    "O(n^3)": lambda n: n**3,
    "O(2^n)": np.exp2,
}
_TIE = 1.10  # a simpler class wins when its relative RMSE is within 10% of the best one
_GROWTH_P = 0.01  # a growing class must beat O(1) at this level (F test), or the fit says O(1)


@dataclass(frozen=True)
class ComplexityFit:
    """cost ≈ a * f(n) + b for the chosen class; ``errors``: relative RMSE per class (inf = unfit)."""

    complexity: str
    a: float
    b: float
    r2: float
    errors: Mapping[str, float]

    def predict(self, n: float) -> float:
        """The fitted cost at size ``n``."""
        return float(self.a * _GROWTH[self.complexity](np.array([_real("n", n)]))[0] + self.b)


def _nonneg_fit(f: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted least squares of y on [f, 1] with a >= 0 (if the free slope is negative, a = 0)."""
    b0 = float(np.sum(w * w * y) / np.sum(w * w))
    scale = float(np.max(np.abs(f)))
    if scale == 0 or np.ptp(f) == 0:
        return 0.0, b0
    coef = np.linalg.lstsq(np.column_stack([f / scale * w, w]), y * w, rcond=None)[0]
    return (float(coef[0] / scale), float(coef[1])) if coef[0] > 0 else (0.0, b0)


def fit_complexity(sizes: npt.ArrayLike, costs: npt.ArrayLike) -> ComplexityFit:
    """Pick the growth class of ``costs`` over ``sizes`` among O(1), O(log n), ..., O(n^3), O(2^n).

    Each class is fitted by least squares on relative errors ((cost - fit) / cost, suited to timing noise
    proportional to the time) with a >= 0. Among the growing classes the lowest relative RMSE wins, the
    simpler class winning ties within 10%; it is kept only if it beats O(1) by an F test at 1%.
    2^n that overflows float64 (n > 1023) is unfit. Needs >= 3 distinct sizes >= 1, costs > 0.
    """
    n = _sample("sizes", sizes)
    y = _sample("costs", costs, positive=True)
    if np.any(n < 1):
        raise InvalidArgument("sizes", _shown(sizes), "sizes must be >= 1")
    if y.size != n.size:
        raise InvalidArgument("costs", _shown(costs), f"pass one cost per size ({n.size})")
    if np.unique(n).size < 3:
        raise InvalidArgument("sizes", _shown(sizes), "pass at least 3 distinct sizes")
    w = 1.0 / y
    fits: dict[str, tuple[float, float]] = {}
    rss: dict[str, float] = {}
    for name, g in _GROWTH.items():
        with np.errstate(over="ignore"):
            f = g(n)
        if not np.all(np.isfinite(f)):
            rss[name] = math.inf
            continue
        a, b = _nonneg_fit(f, y, w)
        fits[name] = (a, b)
        rss[name] = float(np.sum(((y - (a * f + b)) * w) ** 2))
    errors = {name: math.sqrt(r / y.size) for name, r in rss.items()}
    growing = [name for name in _GROWTH if name != "O(1)" and math.isfinite(errors[name])]
    best = min(errors[name] for name in growing)
    choice = next(name for name in growing if errors[name] <= best * _TIE + 1e-15)
    m = y.size
    if rss["O(1)"] <= 1e-24:
        choice = "O(1)"
    else:
        from scipy.stats import f as f_dist

        resid = max(rss[choice], 1e-30 * rss["O(1)"])
        if f_dist.sf((rss["O(1)"] - rss[choice]) / (resid / (m - 2)), 1, m - 2) >= _GROWTH_P:
            choice = "O(1)"
    a, b = fits[choice]
    pred = a * _GROWTH[choice](n) + b
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum((y - pred) ** 2)) / tss if tss > 0 else 1.0
    return ComplexityFit(choice, a, b, r2, MappingProxyType(errors))
