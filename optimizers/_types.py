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


@dataclass(frozen=True)
class Candidate:
    """A replacement for the function: source defining it (helpers may precede it), who proposed it, and why."""

    source: str
    proposer: str
    note: str = ""


@runtime_checkable
class Proposer(Protocol):
    """Anything that proposes replacements: ``name`` and ``propose(context, n=...)``."""

    name: str

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """Up to ``n`` candidates for ``context``; an empty list when it has nothing to offer."""
        ...
