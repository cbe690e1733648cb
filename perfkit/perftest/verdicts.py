"""Verdicts of the pytest plugin, decided so that they cannot contradict the numbers printed beside them.

- Deterministic metrics (cost, instructions, memory): the ratio of the two counts against the threshold.
- Clocks against a stored baseline: the raw times decide (ratio of medians above the threshold, Mann-Whitney
  p < 0.05, bootstrap interval above 1); the times relative to the reference loop must say the same, else the
  verdict is withheld (``noisy``) with both ratios, why, and what to do.
- Clocks in same-session A/B: the rounds' paired ratios decide; a regression only when their whole 95% interval
  lies above 1 + threshold (an improvement: below 1 / (1 + threshold)); the reference-relative ratio must agree.

Whatever the rule, a regression is never shown with a current median at or below the baseline's, nor an
improvement above it: such a verdict is withheld. The table shows ``ratio``, the quantity decided on, and
``basis`` names it.
"""

from __future__ import annotations

import math
from typing import Any

from perfkit.perftest import measure as pm

MEMORY_SLACK = 1024  # bytes: smaller changes of a peak are never a regression
ALPHA = 0.05
ADVICE = (
    "time both revisions in one session with --perf-compare=REV (a git revision), "
    "or gate on the cost or instructions metrics"
)


def deterministic(comp: Any) -> Any:
    """cost, instructions, memory: the ratio of the counts against the threshold."""
    limit = 1.0 + comp.threshold
    b, n = comp.baseline or 0.0, comp.current
    comp.ratio = n / b if b > 0 else (1.0 if n == b else math.inf)
    comp.low = comp.high = comp.ratio
    comp.basis = "counts"
    worse = comp.ratio > limit and (comp.metric != "memory" or n - b > MEMORY_SLACK)
    better = comp.ratio < 1.0 / limit and (comp.metric != "memory" or b - n > MEMORY_SLACK)
    comp.verdict = "regression" if worse else "improved" if better else "same"
    return comp


def _significant(ratio: float, low: float, high: float, p: float, limit: float) -> str:
    if p < ALPHA and ratio > limit and low > 1.0:
        return "regression"
    if p < ALPHA and ratio < 1.0 / limit and high < 1.0:
        return "improved"
    return "same"


def stored(
    comp: Any,
    base: list[float],
    new: list[float],
    base_ref: list[float] | None = None,
    new_ref: list[float] | None = None,
) -> Any:
    """A clock metric against a stored baseline: decided on the raw times; the reference-relative times must
    agree."""
    from perfkit import stats

    if len(base) < 3 or len(new) < 3 or min(base) <= 0 or min(new) <= 0:
        comp.verdict = "skipped"
        comp.note = "too few values for a test of significance"
        return comp
    limit = 1.0 + comp.threshold
    raw = stats.ratio_ci(base, new)
    comp.ratio, comp.low, comp.high, comp.p_value = raw.ratio, raw.low, raw.high, raw.p_value
    comp.basis = "raw times"
    verdict = _significant(raw.ratio, raw.low, raw.high, raw.p_value, limit)
    if base_ref is not None and new_ref is not None:
        rel = stats.ratio_ci(
            [v / r for v, r in zip(base, base_ref, strict=True)], [v / r for v, r in zip(new, new_ref, strict=True)]
        )
        comp.normalised = rel.ratio
        other = _significant(rel.ratio, rel.low, rel.high, rel.p_value, limit)
        if other != verdict:
            return withhold(
                comp,
                f"raw ratio {raw.ratio:.3f} ({verdict}) but {rel.ratio:.3f} relative to the reference loop "
                f"({other}): the machine's speed moved between the baseline and now",
            )
    comp.verdict = verdict
    return agree_with_medians(comp)


def same_session(comp: Any, raw: Any, relative: Any | None) -> Any:
    """A clock metric in same-session A/B; ``raw`` and ``relative`` are :class:`perfkit.perftest.ab.Paired`
    (the rounds' ratios of the times, and of the times relative to the reference loop)."""
    limit = 1.0 + comp.threshold
    comp.ratio, comp.low, comp.high, comp.p_value = raw.ratio, raw.low, raw.high, None
    comp.basis = f"A/B, {raw.rounds} paired rounds"
    verdict = "regression" if raw.low > limit else "improved" if raw.high < 1.0 / limit else "same"
    if relative is not None:
        comp.normalised = relative.ratio
        agrees = {
            "regression": relative.ratio > limit,
            "improved": relative.ratio < 1.0 / limit,
            "same": True,
        }[verdict]
        if not agrees:
            return withhold(
                comp,
                f"paired ratio {raw.ratio:.3f} [{raw.low:.3f} .. {raw.high:.3f}] ({verdict}) but {relative.ratio:.3f} "
                "relative to the reference loop: the machine's speed moved between the two sides of the rounds",
                advice="run again on a quieter machine, or gate on the cost or instructions metrics",
            )
    comp.verdict = verdict
    return agree_with_medians(comp)


def agree_with_medians(comp: Any) -> Any:
    """Withhold a clock regression (improvement) whose printed current median is not above (below) the
    baseline's."""
    base, cur = comp.baseline, comp.current
    if base is None or comp.verdict not in ("regression", "improved"):
        return comp
    if (comp.verdict == "regression" and cur <= base) or (comp.verdict == "improved" and cur >= base):
        return withhold(comp, f"the {comp.verdict} is not seen in the medians ({cur:.4g} against {base:.4g})")
    return comp


def withhold(comp: Any, why: str, *, advice: str = ADVICE) -> Any:
    """Mark ``comp`` withheld (verdict ``noisy``, never a failure), saying why and what to do."""
    comp.verdict = "noisy"
    comp.note = f"verdict withheld: {why}; {advice}"
    return comp


def contradicts(comp: Any) -> bool:
    """True when a verdict disagrees with the figures of its own row (a check for tests and reports)."""
    if comp.verdict not in ("regression", "improved") or comp.ratio is None:
        return False
    limit = 1.0 + comp.threshold
    if comp.metric in pm.DETERMINISTIC:
        return (comp.verdict == "regression") != (comp.ratio > limit)
    worse = comp.verdict == "regression"
    medians_ok = comp.baseline is None or (comp.current > comp.baseline if worse else comp.current < comp.baseline)
    ratio_ok = comp.ratio > limit if worse else comp.ratio < 1.0 / limit
    return not (medians_ok and ratio_ok)
