"""Pure-Python twin of :mod:`perfkit._native`: the same API, built on :mod:`time` and :func:`sys.settrace`.

It documents what each C function does, is the reference the tests compare the C module against, and is a
fallback where the extension is missing. Differences: no perf events (``HAVE_PERF_EVENTS`` is False, so
``perf_open``/``perf_close`` raise ``OSError(ENOSYS)`` and ``counted_loop`` works only with ``fds=()``), the
loops cost more per iteration, and a ``CostLimitExceeded`` that the traced code catches is raised only once
(Python drops a tracer that raises), so the rest of that call runs untraced; it is still reported as ``exc``.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable
from operator import index
from types import FrameType
from typing import Any

__all__ = [
    "CLOCK_NAME",
    "HAVE_PERF_EVENTS",
    "HW_BRANCH_MISSES",
    "HW_CACHE_MISSES",
    "HW_CPU_CYCLES",
    "HW_INSTRUCTIONS",
    "SW_CONTEXT_SWITCHES",
    "SW_CPU_MIGRATIONS",
    "SW_PAGE_FAULTS",
    "SW_TASK_CLOCK",
    "TYPE_HARDWARE",
    "TYPE_SOFTWARE",
    "CostLimitExceeded",
    "clock_ns",
    "clock_resolution_ns",
    "cost_call",
    "counted_loop",
    "empty_loop",
    "perf_close",
    "perf_open",
    "time_loop",
]

# The clock: CLOCK_MONOTONIC_RAW where it exists, else CLOCK_MONOTONIC; perf_counter (QPC) on Windows.
if sys.platform == "win32" or not hasattr(time, "clock_gettime_ns"):
    CLOCK_NAME = "QueryPerformanceCounter" if sys.platform == "win32" else "perf_counter"
    clock_ns: Callable[[], int] = time.perf_counter_ns
    _RESOLUTION_S = time.get_clock_info("perf_counter").resolution
else:
    _CLOCK_ID = getattr(time, "CLOCK_MONOTONIC_RAW", time.CLOCK_MONOTONIC)
    CLOCK_NAME = "CLOCK_MONOTONIC_RAW" if hasattr(time, "CLOCK_MONOTONIC_RAW") else "CLOCK_MONOTONIC"
    _RESOLUTION_S = time.clock_getres(_CLOCK_ID)

    def clock_ns() -> int:
        """Current reading of the clock named by CLOCK_NAME, in ns."""
        return time.clock_gettime_ns(_CLOCK_ID)


HAVE_PERF_EVENTS = False

# perf_event_open constants: the Linux values.
TYPE_HARDWARE = 0
TYPE_SOFTWARE = 1
HW_CPU_CYCLES = 0
HW_INSTRUCTIONS = 1
HW_CACHE_MISSES = 3
HW_BRANCH_MISSES = 5
SW_TASK_CLOCK = 1
SW_PAGE_FAULTS = 2
SW_CONTEXT_SWITCHES = 3
SW_CPU_MIGRATIONS = 4


class CostLimitExceeded(Exception):
    """Raised inside a cost_call() when the traced code runs more lines than its limit."""


def clock_resolution_ns() -> int:
    """Resolution of the clock in ns (at least 1)."""
    return max(1, round(_RESOLUTION_S * 1e9))


def _check_loops(loops: int) -> int:
    """``loops`` as an int; ValueError unless it is >= 1 (like the C ``n`` format plus the check)."""
    loops = index(loops)
    if loops < 1:
        raise ValueError(f"loops must be >= 1, got {loops}")
    return loops


def _check_tuple(value: object, func: str, position: int) -> None:
    """TypeError unless ``value`` is a tuple."""
    if not isinstance(value, tuple):
        raise TypeError(f"{func}() argument {position} must be tuple, not {type(value).__name__}")


def time_loop(func: Callable[..., object], args: tuple[Any, ...], loops: int) -> int:
    """Call ``func(*args)`` ``loops`` times between two clock reads; return the elapsed ns.

    Results are discarded; an exception stops the loop and propagates.
    """
    _check_tuple(args, "time_loop", 2)
    loops = _check_loops(loops)
    clock = clock_ns
    t0 = clock()
    for _ in range(loops):
        func(*args)
    return clock() - t0


def empty_loop(loops: int) -> int:
    """ns taken by the time_loop loop with the call replaced by nothing: the loop's own overhead."""
    loops = _check_loops(loops)
    clock = clock_ns
    t0 = clock()
    for _ in range(loops):
        pass
    return clock() - t0


def _enosys() -> OSError:
    """The error of every perf-event function here: perf events are not available."""
    return OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))


def perf_open(type: int, config: int) -> int:
    """Open a perf_event counter: never possible here, so raises ``OSError(ENOSYS)``."""
    index(type), index(config)
    raise _enosys()


def perf_close(fd: int) -> None:
    """Close a counter opened by perf_open: raises ``OSError(ENOSYS)`` (there can be none)."""
    index(fd)
    raise _enosys()


def counted_loop(
    fds: tuple[int, ...], func: Callable[..., object], args: tuple[Any, ...], loops: int
) -> tuple[int, list[tuple[int, int, int]]]:
    """The time_loop loop with counters ``fds`` enabled around it; returns (elapsed_ns, readings).

    Without perf events only ``fds=()`` works (readings ``[]``); any counter raises ``OSError(ENOSYS)``.
    """
    _check_tuple(fds, "counted_loop", 1)
    _check_tuple(args, "counted_loop", 3)
    loops = _check_loops(loops)
    if fds:
        raise _enosys()
    return time_loop(func, args, loops), []


class _CostTracer:
    """The counters of one cost_call, and its sys.settrace tracer (global and local at once)."""

    __slots__ = ("calls", "count_opcodes", "exceeded", "limit", "lines", "opcodes")

    def __init__(self, count_opcodes: bool, limit: int) -> None:
        self.lines = self.calls = self.opcodes = 0
        self.count_opcodes = count_opcodes
        self.limit = limit
        self.exceeded = False

    def __call__(self, frame: FrameType, event: str, arg: object) -> _CostTracer | None:
        """Count one event: 'call' (and turn on opcode events for the frame), 'line', 'opcode'."""
        if self.exceeded:
            return None
        if event == "line":
            self.lines += 1
            if self.limit > 0 and self.lines > self.limit:
                self.exceeded = True
                raise CostLimitExceeded(f"line limit of {self.limit} exceeded")
        elif event == "call":
            self.calls += 1
            if self.count_opcodes:
                frame.f_trace = self  # 3.12+ instruments a frame for opcodes only once it has an f_trace
                frame.f_trace_opcodes = True
        elif event == "opcode" and self.count_opcodes:
            self.opcodes += 1
        return self


def _prime_opcode_tracing(frame: FrameType) -> None:
    """3.12+ turns on opcode events at settrace only once some frame had f_trace_opcodes set: do that."""
    old = frame.f_trace_opcodes
    frame.f_trace_opcodes = True
    frame.f_trace_opcodes = old


def cost_call(
    func: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    *,
    opcodes: bool = False,
    limit: int = 0,
) -> tuple[int, int, int, object, BaseException | None]:
    """Call ``func(*args, **kwargs)`` under a tracer and count what it executes.

    Returns ``(lines, calls, opcodes, result, exc)``: 'line' events, 'call' events (Python frames entered,
    generator resumptions included) and, if ``opcodes``, 'opcode' events. If the call raised, ``result`` is
    None and ``exc`` the exception, else ``exc`` is None; KeyboardInterrupt and SystemExit propagate. If
    ``limit > 0``, the line after the limit raises CostLimitExceeded, returned as ``exc`` (even if the traced
    code caught it). The thread's previous tracer is restored; a nested cost_call raises RuntimeError.
    """
    _check_tuple(args, "cost_call", 2)
    if kwargs is None:
        kwargs = {}
    elif not isinstance(kwargs, dict):
        raise TypeError(f"kwargs must be a dict or None, not {type(kwargs).__name__}")
    limit = index(limit)
    if isinstance(sys.gettrace(), _CostTracer):
        raise RuntimeError("cost_call() is not reentrant")
    tracer = _CostTracer(bool(opcodes), limit)
    result: object = None
    exc: BaseException | None = None
    if opcodes:
        _prime_opcode_tracing(sys._getframe())
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = func(*args, **kwargs)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        exc = error
    finally:
        sys.settrace(previous)
    if exc is None and tracer.exceeded:
        result, exc = None, CostLimitExceeded("line limit exceeded (and the traced code caught it)")
    return tracer.lines, tracer.calls, tracer.opcodes, result, exc
