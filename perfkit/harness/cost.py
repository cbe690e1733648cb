"""The deterministic execution cost of one call: Python lines, calls and opcodes counted by a C tracer.

Noise-free on any machine (the same code and inputs give the same count), which makes it the fuzzers' signal
and a metric the pytest plugin can compare without statistics. It does not see work done inside C code
(``x in some_list`` is one line however long the list): pair it with time where that matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from perfkit import _native
from perfkit.errors import InvalidArgument

CostLimitExceeded = _native.CostLimitExceeded


@dataclass(frozen=True)
class CostCount:
    """Counts of one call, and how it ended (``exception`` is None when it returned)."""

    lines: int
    calls: int
    opcodes: int
    result: Any = None
    exception: BaseException | None = None

    @property
    def limited(self) -> bool:
        """True when the call was stopped because it passed the line limit."""
        return isinstance(self.exception, CostLimitExceeded)


def cost(
    func: Callable[..., Any],
    *,
    args: tuple[Any, ...] | list[Any] = (),
    kwargs: dict[str, Any] | None = None,
    opcodes: bool = False,
    limit: int = 0,
) -> CostCount:
    """Count the Python line events (and calls, and opcodes when asked) of ``func(*args, **kwargs)``.

    An exception raised by ``func`` is returned in the result, not raised; ``limit`` > 0 stops the call once
    that many lines ran (``CostCount.limited``).
    """
    if not callable(func):
        raise InvalidArgument("func", func, "give a callable")
    if not isinstance(limit, int) or limit < 0:
        raise InvalidArgument("limit", limit, "give a whole number of lines, 0 for no limit")
    lines, calls, ops, result, exc = _native.cost_call(func, tuple(args), kwargs or None, opcodes=opcodes, limit=limit)
    return CostCount(lines=lines, calls=calls, opcodes=ops, result=result, exception=exc)
