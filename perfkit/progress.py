"""Progress events that library code reports and the command line draws: a message is a line, a :class:`Step`
is a bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """A counted progress event (``done`` of ``total`` in ``phase``); the command line draws one bar per phase."""

    phase: str
    done: int
    total: int

    def __str__(self) -> str:
        return f"{self.phase}: {self.done}/{self.total}"


Progress = Callable[["str | Step"], None]
