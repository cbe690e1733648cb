"""The data that flows through an optimization: the context a proposer sees, its candidates, and each attempt.

A ``Proposer`` (the one protocol every proposer follows) turns a :class:`Context` into candidate sources; the
loop verifies and measures each one and records it as an :class:`Attempt`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from perfkit.profile import Hotspot

Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]


@dataclass(frozen=True)
class InputTiming:
    """A stress input as a proposer sees it: a short description, its size and the original's time on it."""

    description: str
    size: int
    seconds: float | None


@dataclass(frozen=True)
class Feedback:
    """What happened to an earlier candidate, as the next round's proposers see it."""

    source: str
    proposer: str
    verdict: str
    reason: str
    speedup: float | None = None
    counterexample: str = ""  # the input it failed on, shown short (wrong output, exception, timeout)


@dataclass(frozen=True)
class Program:
    """A verified program of a function's population (id 0 is the original), with where it came from.

    ``id``: its place in the loop's history, counting from 1 (0 is the original); ``parent`` is the id of the
    program it was asked to improve on; ``speedup``, ``low`` and ``high``: measured against the original."""

    id: int
    source: str
    speedup: float = 1.0
    low: float | None = None
    high: float | None = None
    proposer: str = "original"
    model: str = ""
    round: int = 0
    parent: int | None = None


@dataclass(frozen=True)
class Context:
    """Everything a proposer may use: the function, its module, the profile, the inputs and earlier attempts.

    ``arg_types`` maps each parameter to the set of type descriptions seen in the inputs (``"list[int]"``);
    rules use it to decide whether a rewrite provably keeps behaviour for those types.
    """

    name: str
    source: str
    module_name: str
    module_source: str = ""
    params: tuple[str, ...] = ()
    arg_types: dict[str, frozenset[str]] = field(default_factory=dict)
    return_types: frozenset[str] = frozenset()
    hotspots: tuple[Hotspot, ...] = ()  # perfkit.profile hotspots (lines of this function)
    inputs: tuple[InputTiming, ...] = ()
    sample_inputs: tuple[tuple[tuple[Any, ...], dict[str, Any]], ...] = ()
    feedback: tuple[Feedback, ...] = ()
    round: int = 1
    parent: Program | None = None  # the program to improve on (None: the original, with the feedback)
    inspirations: tuple[Program, ...] = ()  # other verified programs, diverse, with their speedups
    complexity: str = ""  # the original's growth on the stress inputs, e.g. "O(n^2)" (fuzzer's or fitted)
    repeats: int = 0  # answers of the last round that were programs met before (not verified again)


@dataclass(frozen=True)
class Candidate:
    """A replacement for the function: source defining it (helpers may precede it), who proposed it, and why."""

    source: str
    proposer: str
    note: str = ""
    model: str = ""  # the model that wrote it (LLM proposers)
    parent: int | None = None  # the program it improves on (the loop fills it in)
    tokens: int = 0  # tokens its request cost (prompt + completion), when the proposer knows


@runtime_checkable
class Proposer(Protocol):
    """Anything that proposes replacements: ``name`` and ``propose(context, n=...)``.

    A proposer whose every call is a fresh sample (a model) may set ``samples = True``: the loop then asks it
    once per parent it picks from the population, with ``n=1``. (The LLM proposer is treated so by default.)"""

    name: str

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """Up to ``n`` candidates for ``context``; an empty list when it has nothing to offer."""
        ...
