"""From raw run times to ENAMEL scores: per-level efficiency, per-sample score, per-problem eff@k and pass@k.

Pure functions over the records the workers return (no processes, no I/O), built on ``perfkit.stats``:
a test's time is the Hodges-Lehmann estimate over its repetitions, a level's time the largest test time, the
reference's level time likewise; T = alpha * the largest weighted reference level time; a level that hit T is
right-censored and scores 0 (never dropped), and so are the levels after it, which are not run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from perfkit.stats import eff_at_k, hodges_lehmann, pass_at_k, sample_efficiency


@dataclass(frozen=True)
class SampleScore:
    """One sample's efficiency (0 if incorrect) and the level times it was scored from (None: censored)."""

    efficiency: float
    level_times: tuple[float | None, ...]
    censored: tuple[bool, ...]


def level_time(test_reps: Sequence[Sequence[float]]) -> float:
    """A level's time: the largest Hodges-Lehmann test time (ENAMEL's max over the level's tests)."""
    return max(hodges_lehmann(reps) for reps in test_reps)


def reference_levels(ref_times: Sequence[Sequence[Sequence[float]]], hardness: Sequence[float]) -> list[float]:
    """The reference's time per weighted level (levels of hardness 0 are not timed: NaN)."""
    return [level_time(ref_times[j]) if h > 0 else math.nan for j, h in enumerate(hardness)]


def score_sample(
    passed: bool,
    level_times: Sequence[Sequence[Sequence[float]]],
    ref_levels: Sequence[float],
    hardness: Sequence[float],
    *,
    alpha: float,
) -> SampleScore:
    """Score one sample from the rep times of the levels it completed (a prefix of the levels).

    Levels it did not complete were censored at T (the first) or not run (the rest): both score 0.
    """
    weighted = [j for j, h in enumerate(hardness) if h > 0]
    times: list[float | None] = []
    censored: list[bool] = []
    for j in weighted:
        done = j < len(level_times) and len(level_times[j]) > 0
        times.append(level_time(level_times[j]) if done else None)
        censored.append(not done)
    efficiency = sample_efficiency(
        times,
        [ref_levels[j] for j in weighted],
        hardness=[hardness[j] for j in weighted],
        alpha=alpha,
        censored=censored,
        correct=passed,
    )
    return SampleScore(efficiency, tuple(times), tuple(censored))


def problem_scores(efficiencies: Sequence[float], passed: Sequence[bool], ks: Sequence[int]) -> dict[str, float]:
    """eff@k and pass@k of one problem's samples, for each k <= n (NaN where k > n or there are no samples)."""
    n = len(efficiencies)
    out: dict[str, float] = {}
    for k in ks:
        ok = 0 < k <= n
        out[f"eff@{k}"] = eff_at_k(list(efficiencies), k) if ok else math.nan
        out[f"pass@{k}"] = pass_at_k(n, sum(bool(p) for p in passed), k) if ok else math.nan
    return out
