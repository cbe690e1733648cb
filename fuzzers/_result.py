"""The result of a campaign: worst inputs, cost curve, complexity, constraints, failures; saved as JSON.

Each finding has a class (``outcome``): "ok", "timeout" (cut off at the per-call limit; ranked slowest) or
"raised" ("slow, then raised": the target raised after its work, still a denial of service). ``worst`` is the
slowest of all classes, or of "ok" and "timeout" alone with ``valid_only``; ``worst_raised`` is the slowest
"raised" input.

Inputs are stored as JSON where the values survive a JSON round trip unchanged, else as a base64 pickle, with
a ``repr`` beside either way.
"""

from __future__ import annotations

import base64
import json
import pickle
from dataclasses import dataclass, field
from typing import Any

from perfkit.fuzzers._constraints import Constraint
from perfkit.fuzzers._corpus import RAISED, Finding

# 2: 'format'/'schema_version' keys (was 'schema'); curve points say 'censored'
# 3: findings have the class "raised" (and 'error', 'class'); 'worst_raised', 'valid_only', 'signal_used'
SCHEMA_VERSION = 3
CLASS_NAMES = {"ok": "finished", "timeout": "ran past the time limit (censored)", "raised": RAISED}
REPR_LIMIT = 400


@dataclass(frozen=True)
class CurvePoint:
    """The costliest input found under one size bound (``searched`` False: the worst input at the largest size
    cut down to this one and measured, without a search of its own)."""

    max_size: int
    size: int
    cost: float
    lines: int
    time_s: float
    searched: bool = True
    censored: bool = False  # the input ran past the time limit: its cost is a lower bound, not a value


@dataclass(frozen=True)
class Failure:
    """An input that crashed the worker, hung past the timeout, or ran out of memory."""

    kind: str  # "crash" | "timeout" | "memory"
    message: str
    args: tuple[Any, ...] | None = None
    kwargs: dict[str, Any] | None = None


@dataclass
class FuzzResult:
    """Everything a campaign found. ``worst`` is None when no input ran to completion."""

    target: str
    max_size: int
    budget_s: float
    seed: int
    search: str
    signal: str
    timeout: float
    worst: Finding | None
    corpus: list[Finding]
    curve: list[CurvePoint]
    complexity: str | None
    complexity_r2: float | None
    constraints: list[Constraint]
    hits: dict[str, int]
    counts: dict[str, int]
    failures: list[Failure] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    valid_only: bool = False
    worst_raised: Finding | None = None
    signal_used: str = ""  # the signal the search ended with: ``signal``, or "time" when "auto" switched to it

    def satisfied(self, finding: Finding) -> list[str]:
        """The texts of the constraints ``finding`` satisfies."""
        texts = {c.id: c.text for c in self.constraints}
        return [texts.get(cid, cid) for cid in finding.region]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (schema ``SCHEMA_VERSION``)."""
        from perfkit._io import document

        return document(
            "fuzz",
            SCHEMA_VERSION,
            {
                "target": self.target,
                "max_size": self.max_size,
                "budget_s": self.budget_s,
                "seed": self.seed,
                "search": self.search,
                "signal": self.signal,
                "signal_used": self.signal_used or self.signal,
                "valid_only": self.valid_only,
                "timeout_s": self.timeout,
                "cost_unit": "line-equivalents",
                "worst": self._finding(self.worst) if self.worst else None,
                "worst_raised": self._finding(self.worst_raised) if self.worst_raised else None,
                "corpus": [self._finding(f) for f in self.corpus],
                "curve": [vars(p) for p in self.curve],
                "complexity": self.complexity,
                "complexity_r2": self.complexity_r2,
                "constraints": [{**c.to_json(), "hits": self.hits.get(c.id, 0)} for c in self.constraints],
                "counts": self.counts,
                "rejections": self.errors,
                "failures": [
                    {
                        "kind": f.kind,
                        "message": f.message,
                        **(encode_input(f.args, f.kwargs or {}) if f.args is not None else {}),
                    }
                    for f in self.failures
                ],
                "notes": self.notes,
                "elapsed_s": round(self.elapsed_s, 3),
            },
        )

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1, default=repr)

    def _finding(self, f: Finding) -> dict[str, Any]:
        return {
            **encode_input(f.args, f.kwargs),
            "cost": f.cost,
            "lines": f.lines,
            "time_s": f.time_s,
            "size": f.size,
            "outcome": f.outcome,
            "class": CLASS_NAMES.get(f.outcome, f.outcome),
            "error": f.error,
            "searcher": f.searcher,
            "constraints": self.satisfied(f),
        }


def _json_exact(value: Any) -> bool:
    try:
        back = json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return False
    return _same(value, back)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def encode_input(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``{"args": [...], "kwargs": {...}, "repr": ...}``, with ``"pickle"`` (base64) when JSON cannot hold them."""
    text = f"args={args!r}, kwargs={kwargs!r}"
    shown = text if len(text) <= REPR_LIMIT else text[: REPR_LIMIT - 3] + "..."
    if _json_exact(list(args)) and _json_exact(kwargs):
        return {"args": list(args), "kwargs": kwargs, "repr": shown}
    data = base64.b64encode(pickle.dumps((args, kwargs), protocol=4)).decode("ascii")
    return {"args": None, "kwargs": None, "pickle": data, "repr": shown}


def decode_input(saved: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The ``(args, kwargs)`` of an input saved by :func:`encode_input` (unpickles: trusted files only)."""
    if saved.get("pickle"):
        args, kwargs = pickle.loads(base64.b64decode(saved["pickle"]))
        return tuple(args), dict(kwargs)
    return tuple(saved.get("args") or ()), dict(saved.get("kwargs") or {})
