"""Functions that return iterators: their work happens while the caller iterates, so they are drained.

A generator function returns at once; its loops run while the caller consumes it. Compared as returned, two
generators are never equal, and timed as returned, every generator takes a microsecond. So wherever perfkit calls
the original or a candidate to compare or time it, an iterator result is drained first: its items, in order, up to
``LIMIT`` of them, and the exception that ended the iteration, if any (:class:`Drained`, compared field by field
like any object). The result's type is kept too, so a candidate must return the same kind of iterator (a generator
function stays one, with ``send`` and ``close``).
"""

from __future__ import annotations

import collections
from typing import Any

LIMIT = 1_000_000  # items drained from one iterator; an endless generator is compared on this prefix
MARK = " (iterator)"  # appended to an iterator result's type description where the original was observed


def is_iterator(value: object) -> bool:
    """Whether ``value`` is an iterator (``iter(value) is value`` and it has ``__next__``), not a container."""
    kind = type(value)
    return hasattr(kind, "__next__") and hasattr(kind, "__iter__") and _iter_is_self(value)


def _iter_is_self(value: object) -> bool:
    try:
        return iter(value) is value  # type: ignore[call-overload]
    except Exception:
        return False


class Drained:
    """What iterating a result gave: ``kind`` (its type), ``items`` (at most ``LIMIT``), ``raised`` (the
    qualified name of the exception that ended it, None when it ended normally), ``truncated`` (items left)."""

    def __init__(self, kind: str, items: list[Any], raised: str | None, truncated: bool) -> None:
        self.kind, self.items, self.raised, self.truncated = kind, items, raised, truncated

    def __repr__(self) -> str:
        end = f", then raised {self.raised}" if self.raised else (", truncated" if self.truncated else "")
        return f"<{self.kind} of {len(self.items)} items{end}>"


def drain(value: Any, *, limit: int = LIMIT) -> Any:
    """``value`` itself unless it is an iterator; an iterator becomes a :class:`Drained` record of its items."""
    if not is_iterator(value):
        return value
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    items: list[Any] = []
    raised: str | None = None
    try:
        for item in value:
            if len(items) == limit:
                return Drained(kind, items, None, True)
            items.append(item)
    except Exception as exc:
        raised = f"{type(exc).__module__}.{type(exc).__qualname__}"
    return Drained(kind, items, raised, False)


class Draining:
    """A picklable wrapper for timing: calls ``func`` and exhausts an iterator result (its items are dropped)."""

    def __init__(self, func: Any) -> None:
        self.func = func

    def load(self) -> Draining:
        """The same wrapper around the loaded function (for children that load what they are given)."""
        return Draining(self.func.load() if hasattr(self.func, "load") else self.func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        value = self.func(*args, **kwargs)
        if is_iterator(value):
            collections.deque(value, maxlen=0)
        return value
