"""Efficiency scoring of code samples against expert references, as in ENAMEL (eff@k with right-censoring).

>>> from perfkit.efficiency import load_problems, load_samples, evaluate, ENAMEL_EXCLUDED
>>> problems = load_problems("enamel.csv", exclude=ENAMEL_EXCLUDED)
>>> result = evaluate(problems, {"mine": load_samples("samples.json", problems)})
>>> result.summary["mine"]["eff@1"], result.scores  # a pandas DataFrame, one row per problem
"""

from __future__ import annotations

from perfkit.efficiency.evaluate import ENAMEL_SEED, EfficiencyResult, evaluate
from perfkit.efficiency.problems import (
    ENAMEL_EXCLUDED,
    ENAMEL_HELPERS,
    Problem,
    align_samples,
    load_problems,
    load_samples,
)

__all__ = [
    "ENAMEL_EXCLUDED",
    "ENAMEL_HELPERS",
    "ENAMEL_SEED",
    "EfficiencyResult",
    "Problem",
    "align_samples",
    "evaluate",
    "load_problems",
    "load_samples",
]
