"""EffiBench's metrics (Huang et al., "EffiBench: Benchmarking the Efficiency of Automatically Generated Code",
NeurIPS 2024 D&B): execution time ET, max memory usage MU, total memory usage TMU, and NET/NMU/NTMU, each the
sample's value divided by the canonical (reference) solution's on the same tests.

Followed as in EffiBench's code (``calculate_memory_usage.py``): only code that ran every test correctly and in
time is scored (failures and timeouts leave no measurement and are left out, so the means describe correct code
only; the number scored is reported beside them); the normalised figures are per-problem ratios, then averaged
over problems (mean of ratios, not ratio of means); the absolute ones are averaged over the same problems; MU
is in MB of 2**20 bytes (memory_profiler's unit) and TMU in MB*s.

Where perfkit differs: EffiBench times one script that runs all of a problem's tests, interpreter start-up
included, and samples the process's resident memory. perfkit times each test input alone (ENAMEL's timed runs:
the Hodges-Lehmann time of the repetitions) and sums over the tests of the weighted levels, measures memory with
tracemalloc in a separate pass (``_memory``: MU is the largest per-call peak, TMU the pass's time-averaged
memory times ET), and with several samples per problem averages the scored samples of a problem first.
Samples ENAMEL calls correct but censored at its time limit are not scored here (EffiBench's timeout).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from perfkit.stats import hodges_lehmann

MB = float(1 << 20)
METRICS = ("et", "net", "mu", "nmu", "tmu", "ntmu")
"""Column names: ET (s), NET, MU (MB), NMU, TMU (MB*s), NTMU."""


def execution_time(level_times: Sequence[Sequence[Sequence[float]]], hardness: Sequence[float]) -> float:
    """ET: the sum over the tests of the weighted levels of each test's Hodges-Lehmann time (NaN if a weighted
    level was not completed)."""
    total = 0.0
    for level, weight in enumerate(hardness):
        if weight <= 0:
            continue
        if level >= len(level_times) or not level_times[level]:
            return math.nan
        total += sum(hodges_lehmann(reps) for reps in level_times[level])
    return total


def usage(et: float, memory: Mapping[str, Any] | None) -> dict[str, float]:
    """ET, MU and TMU of one program: MU = its largest per-call peak, TMU = its time-averaged memory x ET."""
    ok = memory is not None and "error" not in memory
    mu = memory["peak"] / MB if ok and memory is not None else math.nan
    tmu = memory["mean"] / MB * et if ok and memory is not None else math.nan
    return {"et": et, "mu": mu, "tmu": tmu}


def _ratio(value: float, reference: float) -> float:
    return value / reference if reference > 0 and math.isfinite(reference) else math.nan


def normalised(sample: Mapping[str, float], reference: Mapping[str, float]) -> dict[str, float]:
    """The six metrics of a sample: its ET, MU, TMU and their ratios to the reference's (NaN where the
    reference's value is 0 or missing)."""
    return {
        "et": sample["et"],
        "net": _ratio(sample["et"], reference["et"]),
        "mu": sample["mu"],
        "nmu": _ratio(sample["mu"], reference["mu"]),
        "tmu": sample["tmu"],
        "ntmu": _ratio(sample["tmu"], reference["tmu"]),
    }


def nan_row() -> dict[str, float]:
    """The metrics of a sample that is not scored."""
    return dict.fromkeys(METRICS, math.nan)


def mean_rows(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Each metric's mean over ``rows``, skipping NaN (NaN when no row has it)."""
    out = {}
    for metric in METRICS:
        values = [row[metric] for row in rows if not math.isnan(row[metric])]
        out[metric] = sum(values) / len(values) if values else math.nan
    return out
