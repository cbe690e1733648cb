"""The memory pass of efficiency scoring (EffiBench's MU and TMU), run apart from the timed runs.

EffiBench runs each solution's script under memory_profiler (``mprof run --interval 0.001``), which samples
the process's resident memory every millisecond: MU is the largest sample, TMU the trapezoid integral of the
samples over time (MB*s). perfkit measures in the worker instead, after all the timed runs of the problem, so
that no timing is ever taken under a profiler or after one:

- ``tracemalloc`` traces the Python allocators (objects, list and dict storage, bytes, numpy buffers). The
  memory of one call is what is traced above the level just before its code was defined and its input built:
  module-level tables, the input, what the call allocates and its output; not the interpreter, the worker or
  the other tests (EffiBench's resident memory also holds the interpreter, ~10 MB, which pulls NMU towards 1);
- the peak is tracemalloc's exact peak during the call (a sampler could miss it);
- the time average: a CPU-time interval timer reads the traced memory every ``interval`` s of CPU time (the
  kernel rounds this up to its tick, often 4 ms) while a call runs, each reading weighted by the measuring
  thread's CPU time since the previous one (``time.thread_time``: the process clock can be tick-coarse).
  tracemalloc slows the code, so the pass yields the average memory over the calls, and the caller multiplies
  it by the undisturbed execution time of the timed runs (TMU = mean x ET). Fast code is run again until
  ``min_ticks`` readings fell inside calls (or ``soft_budget`` s of CPU time passed).
"""

from __future__ import annotations

import gc
import math
import signal
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Frozen(Protocol):
    def fresh(self) -> Any: ...


class _Sampler:
    """A CPU-time interval timer (SIGPROF) whose handler integrates the traced memory above a call's base over
    the CPU time calls run. A signal, not a thread: a thread would need the interpreter lock, and on a busy
    machine every forced hand-over stalls the measured code for as long as the OS takes to schedule the thread
    (a 26x slowdown was seen with a 0.1 ms switch interval); the handler runs in the measured thread itself."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.window: tuple[int, float] | None = None  # (base bytes, CPU time at start) while a call runs
        self.weighted = 0.0  # sum of bytes x CPU seconds
        self.seconds = 0.0
        self.ticks = 0
        self._last = 0.0
        self._previous: Any = None

    def _tick(self, signum: int, frame: object) -> None:
        window = self.window
        now = time.thread_time()
        if window is not None:
            current = tracemalloc.get_traced_memory()[0]
            dt = now - max(self._last, window[1])  # the handler may run late (C code): weight by CPU time
            if dt > 0:
                self.weighted += max(0, current - window[0]) * dt
                self.seconds += dt
                self.ticks += 1
        self._last = now

    def __enter__(self) -> _Sampler:
        self._previous = signal.signal(signal.SIGPROF, self._tick)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, self._previous)
        self.window = None


def measure(
    define: Callable[[], tuple[Callable[..., Any], dict[str, Any]]],
    tests: Sequence[Frozen],
    *,
    interval: float = 1e-3,
    min_ticks: int = 20,
    max_passes: int = 500,
    soft_budget: float = 0.25,
) -> dict[str, Any]:
    """Call ``function(*test.fresh())`` for every test under tracemalloc, passes repeated as needed, where
    ``define()`` returns a freshly defined ``(function, its module scope)``; the scope is cleared after the call,
    which frees what the module made at once (function and scope hold each other: otherwise only the garbage
    collector would, maybe during a later call, which would then look smaller).

    Returns ``peak`` (bytes: the largest peak of one call above its base), ``mean`` (bytes: the time-weighted
    average over the calls), ``ticks`` (readings inside calls), ``seconds`` (CPU time inside calls, under tracing)
    and ``passes``. With no reading inside a call (code far faster than ``interval``), ``mean`` comes from each
    call's memory at its start and end instead (trapezoid), and ``ticks`` is 0. Exceptions propagate. Uses
    SIGPROF: call it from the main thread.
    """
    peak, passes, started = 0, 0, time.thread_time()
    edges = edge_seconds = plain = 0.0  # the fallback: sum of (start + end) / 2 x duration, and unweighted
    calls = 0
    gc.collect()  # once (it can take 0.1 s): each call's own objects are freed by their reference counts
    tracemalloc.start(1)
    try:
        with _Sampler(interval) as sampler:
            while True:
                for test in tests:
                    base = tracemalloc.get_traced_memory()[0]
                    function, scope = define()
                    args = test.fresh()
                    tracemalloc.reset_peak()
                    at_start = tracemalloc.get_traced_memory()[0] - base
                    begin = time.thread_time()
                    sampler.window = (base, begin)
                    output = function(*args)
                    sampler.window = None
                    duration = time.thread_time() - begin
                    current, top = tracemalloc.get_traced_memory()
                    peak = max(peak, top - base)
                    middle = (at_start + max(0, current - base)) / 2
                    edges, edge_seconds, plain, calls = (
                        edges + middle * duration,
                        edge_seconds + duration,
                        plain + middle,
                        calls + 1,
                    )
                    del output, args
                    scope.clear()
                    del function, scope
                passes += 1
                enough = sampler.ticks >= min_ticks or passes >= max_passes
                if enough or time.thread_time() - started > soft_budget:
                    break
    finally:
        tracemalloc.stop()
    if sampler.ticks and sampler.seconds > 0:
        mean = sampler.weighted / sampler.seconds
    else:
        mean = edges / edge_seconds if edge_seconds > 0 else plain / calls if calls else math.nan
    return {"peak": int(peak), "mean": float(mean), "ticks": sampler.ticks, "seconds": edge_seconds, "passes": passes}
