"""perfkit.optimizers: profile-driven patch proposals, verified against the original and measured.

>>> from perfkit.optimizers import optimize_function
>>> result = optimize_function(my_func, stress_inputs=[((list(range(5000)),), {})])
>>> result.winner.speedup, print(result.diff)

One ``Proposer`` protocol, one module per proposer (``rewrite``, ``equivalents``, ``numba_jit``, ``llm``);
``verify`` decides whether a candidate behaves like the original; ``speed`` measures it; ``loop`` runs the rounds.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "optimize_function": "perfkit.optimizers.loop",
    "Result": "perfkit.optimizers.loop",
    "Attempt": "perfkit.optimizers.loop",
    "default_proposers": "perfkit.optimizers.loop",
    "hotspots_from_profile": "perfkit.optimizers.loop",
    "Proposer": "perfkit.optimizers._types",
    "Candidate": "perfkit.optimizers._types",
    "Context": "perfkit.optimizers._types",
    "RewriteProposer": "perfkit.optimizers.rewrite",
    "EquivalentsProposer": "perfkit.optimizers.equivalents",
    "NumbaProposer": "perfkit.optimizers.numba_jit",
    "LLMProposer": "perfkit.optimizers.llm",
    "verify": "perfkit.optimizers.verify",
    "Tolerance": "perfkit.optimizers.verify",
    "compare_speed": "perfkit.optimizers.speed",
    "CodeRef": "perfkit.optimizers._code",
}

__all__ = [
    "Attempt",
    "Candidate",
    "CodeRef",
    "Context",
    "EquivalentsProposer",
    "LLMProposer",
    "NumbaProposer",
    "Proposer",
    "Result",
    "RewriteProposer",
    "Tolerance",
    "compare_speed",
    "default_proposers",
    "hotspots_from_profile",
    "optimize_function",
    "verify",
]

if TYPE_CHECKING:
    from perfkit.optimizers._code import CodeRef
    from perfkit.optimizers._types import Candidate, Context, Proposer
    from perfkit.optimizers.llm import LLMProposer
    from perfkit.optimizers.loop import Attempt, Result, default_proposers, hotspots_from_profile, optimize_function
    from perfkit.optimizers.numba_jit import NumbaProposer
    from perfkit.optimizers.rewrite import RewriteProposer
    from perfkit.optimizers.speed import compare_speed
    from perfkit.optimizers.verify import Tolerance, verify


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfkit.optimizers' has no attribute {name!r}")
