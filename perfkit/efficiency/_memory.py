"""The memory pass of efficiency scoring (EffiBench's MU and TMU), run apart from the timed runs.

EffiBench runs each solution's script under memory_profiler (``mprof run --interval 0.001``), which samples
the process's resident memory every millisecond: MU is the largest sample, TMU the trapezoid integral of the
samples over time (MB*s). perfkit measures in the worker instead, after the timed runs of the same code, so
that no timing is ever taken under a profiler:

- ``tracemalloc`` traces the Python allocators (objects, list and dict storage, bytes, numpy buffers). The
  memory of one call is what is traced above the level just before its code was defined and its input built:
  module-level tables, the input, what the call allocates and its output; not the interpreter, the worker or
  the other tests (EffiBench's resident memory also holds the interpreter, ~10 MB, which pulls NMU towards 1);
- the peak is tracemalloc's exact peak during the call (a sampler could miss it);
- the time average: a thread reads the traced memory every ``interval`` s while a call runs, each reading
  weighted by the time since the previous one. tracemalloc slows the code, so the pass yields the average
  memory over the calls, and the caller multiplies it by the undisturbed execution time (TMU = mean x ET).
  Fast code is run again until ``min_ticks`` readings fell inside calls (or ``soft_budget`` s passed).
"""

from __future__ import annotations

import gc
import math
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Frozen(Protocol):
    def fresh(self) -> Any: ...


class _Sampler:
    """A thread that integrates the traced memory above a call's base over the time calls run."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.window: tuple[int, float] | None = None  # (base bytes, start time) while a call runs; set atomically
        self.weighted = 0.0  # sum of bytes x seconds
        self.seconds = 0.0
        self.ticks = 0
        self._last = 0.0
        self._running = True
        self._thread = threading.Thread(target=self._run, name="perfkit-memory", daemon=True)

    def _run(self) -> None:
        while self._running:
            time.sleep(self.interval)
            window = self.window
            now = time.perf_counter()
            if window is not None:
                current = tracemalloc.get_traced_memory()[0]
                dt = now - max(self._last, window[1])
                if dt > 0:
                    self.weighted += max(0, current - window[0]) * dt
                    self.seconds += dt
                    self.ticks += 1
            self._last = now

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.window = None
        self._running = False
        self._thread.join()


def measure(
    define: Callable[[], Callable[..., Any]],
    tests: Sequence[Frozen],
    *,
    interval: float = 2e-4,
    min_ticks: int = 20,
    max_passes: int = 200,
    soft_budget: float = 0.25,
) -> dict[str, Any]:
    """Call ``define()(*test.fresh())`` for every test under tracemalloc, passes repeated as needed.

    Returns ``peak`` (bytes: the largest peak of one call above its base), ``mean`` (bytes: the time-weighted
    average over the calls), ``ticks`` (readings inside calls), ``seconds`` (time inside calls, under tracing)
    and ``passes``. With no reading inside a call (code far faster than ``interval``), ``mean`` comes from each
    call's memory at its start and end instead (trapezoid), and ``ticks`` is 0. Exceptions propagate.
    """
    previous_switch = sys.getswitchinterval()
    peak, passes, started = 0, 0, time.perf_counter()
    edges = edge_seconds = 0.0  # the fallback: sum of (start + end) / 2 x duration
    tracemalloc.start(1)
    sys.setswitchinterval(interval / 2)  # so that the sampler gets the interpreter while Python code runs
    try:
        with _Sampler(interval) as sampler:
            while True:
                for test in tests:
                    gc.collect()
                    base = tracemalloc.get_traced_memory()[0]
                    function = define()
                    args = test.fresh()
                    tracemalloc.reset_peak()
                    at_start = tracemalloc.get_traced_memory()[0] - base
                    begin = time.perf_counter()
                    sampler.window = (base, begin)
                    output = function(*args)
                    sampler.window = None
                    duration = time.perf_counter() - begin
                    current, top = tracemalloc.get_traced_memory()
                    peak = max(peak, top - base)
                    edges += (at_start + max(0, current - base)) / 2 * duration
                    edge_seconds += duration
                    del output, args, function
                passes += 1
                enough = sampler.ticks >= min_ticks or passes >= max_passes
                if enough or time.perf_counter() - started > soft_budget:
                    break
    finally:
        sys.setswitchinterval(previous_switch)
        tracemalloc.stop()
    if sampler.ticks and sampler.seconds > 0:
        mean = sampler.weighted / sampler.seconds
    else:
        mean = edges / edge_seconds if edge_seconds > 0 else math.nan
    return {"peak": int(peak), "mean": float(mean), "ticks": sampler.ticks, "seconds": edge_seconds, "passes": passes}
