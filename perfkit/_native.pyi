"""perfkit's native core: a raw monotonic clock, timing loops, perf_event counters and a deterministic cost
counter. :mod:`perfkit._native_py` is the pure-Python twin with the same API."""

from collections.abc import Callable
from typing import Any, Final

CLOCK_NAME: Final[str]
"""The clock behind clock_ns: "CLOCK_MONOTONIC_RAW" (Linux, macOS), "QueryPerformanceCounter" (Windows)."""
HAVE_PERF_EVENTS: Final[bool]
"""True if the module was built with linux/perf_event.h (perf_open can work)."""

TYPE_HARDWARE: Final[int]
TYPE_SOFTWARE: Final[int]
HW_CPU_CYCLES: Final[int]
HW_INSTRUCTIONS: Final[int]
HW_CACHE_MISSES: Final[int]
HW_BRANCH_MISSES: Final[int]
SW_TASK_CLOCK: Final[int]
SW_PAGE_FAULTS: Final[int]
SW_CONTEXT_SWITCHES: Final[int]
SW_CPU_MIGRATIONS: Final[int]

class CostLimitExceeded(Exception):
    """Raised inside a cost_call() when the traced code runs more lines than its limit."""

def clock_ns() -> int:
    """Current reading of the clock named by CLOCK_NAME, in ns."""

def clock_resolution_ns() -> int:
    """Resolution of the clock in ns (clock_getres; one QueryPerformanceCounter tick on Windows)."""

def time_loop(func: Callable[..., object], args: tuple[Any, ...], loops: int) -> int:
    """Call ``func(*args)`` ``loops`` times between two clock reads and return the elapsed ns.

    Results are discarded. If a call raises, the loop stops and the exception propagates.
    ``args`` must be a tuple (TypeError); ``loops`` must be >= 1 (ValueError).
    """

def empty_loop(loops: int) -> int:
    """ns taken by the time_loop loop with the call replaced by nothing: the loop's own overhead."""

def perf_open(type: int, config: int) -> int:
    """Open a disabled, user-space-only perf_event counter on the calling thread; return its fd.

    ``type``/``config``: the TYPE_* and HW_*/SW_* constants. The counter reads
    (value, time_enabled, time_running). Raises ``OSError(errno, strerror)`` on failure, and
    ``OSError(ENOSYS)`` where perf events are not compiled in.
    """

def perf_close(fd: int) -> None:
    """Close a counter opened by perf_open."""

def counted_loop(
    fds: tuple[int, ...], func: Callable[..., object], args: tuple[Any, ...], loops: int
) -> tuple[int, list[tuple[int, int, int]]]:
    """Reset and enable the counters ``fds``, run the time_loop loop, disable them and read them.

    Returns ``(elapsed_ns, [(value, time_enabled, time_running), ...])``: raw, unscaled values, the times
    being those of this loop only (the kernel's RESET does not zero them, so deltas are taken).
    The counters are disabled even if the loop raises. With ``fds=()`` this works on every platform.
    """

def cost_call(
    func: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    *,
    opcodes: bool = False,
    limit: int = 0,
) -> tuple[int, int, int, object, BaseException | None]:
    """Call ``func(*args, **kwargs)`` under a C trace function and count what it executes.

    Returns ``(lines, calls, opcodes, result, exc)``: 'line' events, 'call' events (Python frames
    entered, generator resumptions included) and, if ``opcodes``, 'opcode' events. If the call raised,
    ``result`` is None and ``exc`` the exception; else ``exc`` is None. KeyboardInterrupt and SystemExit
    propagate. If ``limit > 0``, the line after the limit raises CostLimitExceeded, which comes back as
    ``exc`` (even if the traced code caught it). The thread's previous trace function is restored.
    Not reentrant: a nested cost_call raises RuntimeError.
    """
