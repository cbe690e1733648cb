"""The timing loop that runs inside one worker process (or in-process): calibrate, warm up, take values.

It reports every step as a message through ``emit`` before and after timing, so that the manager, which owns
the clock deadline, can kill a worker whose call runs past the time limit and record that run as censored.
With ``clock="wall-minus-wait"`` each value is its wall time less the time the worker waited for a CPU, and the
message says how much was taken out (``wait_ns``); the loop count is still calibrated on the wall clock.
"""

from __future__ import annotations

import functools
import gc
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perfkit import _native
from perfkit.harness import loops as loop_counts
from perfkit.harness import runqueue
from perfkit.target import describe_exception

Emit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Task:
    """What one worker measures and how. ``loops == 0`` asks the worker to calibrate. ``clock``: ``"wall"``, or
    ``"wall-minus-wait"`` to take each value's run-queue wait out of it (:mod:`perfkit.harness.runqueue`)."""

    func: Callable[..., Any] | None = None
    spec: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    loops: int = 0
    warmups: int = 1
    values: int = 3
    min_time: float = 0.1
    counters: tuple[str, ...] = ()
    cost: bool = False
    memory: bool = False
    disable_gc: bool = True
    clock: str = "wall"


def load_callable(task: Task) -> Callable[..., Any]:
    """The callable with its keyword arguments bound, ready for ``time_loop(func, args, loops)``."""
    if task.func is not None:
        func = task.func
    else:
        from perfkit.target import resolve

        assert task.spec is not None
        func = resolve(task.spec).func
    return functools.partial(func, **task.kwargs) if task.kwargs else func


def run_task(task: Task, emit: Emit) -> None:
    """Measure ``task`` and report through ``emit``; the worker's entry point."""
    func = load_callable(task)
    counters = None
    if task.counters:
        from perfkit.harness.counters import CounterSet

        counters = CounterSet(task.counters)
        emit(
            {
                "kind": "counters",
                "available": [e.name for e in counters.events],
                "unavailable": counters.unavailable,
            }
        )
    waits = runqueue.open_waits() if task.clock == "wall-minus-wait" else None
    try:
        _measure(task, func, _Timer(task, counters, waits), emit)
    except (Exception, KeyboardInterrupt, SystemExit) as exc:  # the target raised: report it, perfkit did not fail
        import traceback

        emit({"kind": "raised", "description": describe_exception(exc), "traceback": traceback.format_exc()})
        return
    finally:
        if counters is not None:
            counters.close()
        if waits is not None:
            waits.close()
    emit({"kind": "done", "max_rss": _max_rss()})


class _Timer:
    """Times one value: ``loops`` calls, GC collected before and (by default) disabled during, the run-queue wait
    taken out when asked."""

    def __init__(self, task: Task, counters: Any, waits: runqueue.RunQueue | None) -> None:
        self.task = task
        self.counters = counters if counters is not None and counters.fds else None
        self.waits = waits

    def __call__(
        self, func: Callable[..., Any], loops: int, *, count: bool = False
    ) -> tuple[int, int, dict[str, float]]:
        """``(ns, waited_ns, counts)``: the value's nanoseconds, the wait taken out of them, and counter counts."""
        args = self.task.args
        gc.collect()
        was_enabled = gc.isenabled()
        if self.task.disable_gc:
            gc.disable()
        try:
            before = self.waits.read() if self.waits is not None else None
            if count and self.counters is not None:
                ns, counts = self.counters.counted_loop(func, args, loops)
            else:
                ns, counts = _native.time_loop(func, args, loops), {}
            if before is None or self.waits is None:
                return ns, 0, counts
            unqueued = runqueue.unqueued_ns(ns, before, self.waits.read())
            return unqueued, ns - unqueued, counts
        finally:
            if was_enabled:
                gc.enable()


def _measure(task: Task, func: Callable[..., Any], timer: _Timer, emit: Emit) -> None:
    args = task.args
    loops = task.loops or _calibrate(func, timer, task, emit)
    for _ in range(task.warmups):
        emit({"kind": "start", "phase": "warmup", "loops": loops})
        ns, waited, _ = timer(func, loops)
        emit({"kind": "warmup", "loops": loops, "ns": ns, "wait_ns": waited})
    for _ in range(task.values):
        emit({"kind": "start", "phase": "value", "loops": loops})
        ns, waited, counts = timer(func, loops, count=True)
        emit({"kind": "value", "loops": loops, "ns": ns, "wait_ns": waited, "counts": counts})
    if task.cost:
        emit({"kind": "start", "phase": "cost", "loops": 1})
        lines, calls, opcodes, _, exc = _native.cost_call(func, args, None, opcodes=True)
        if exc is not None:
            raise exc
        emit({"kind": "cost", "lines": lines, "calls": calls, "opcodes": opcodes})
    if task.memory:
        emit({"kind": "start", "phase": "memory", "loops": 1})
        emit({"kind": "memory", "peak_bytes": peak_memory(func, args)})


def _calibrate(func: Callable[..., Any], timer: _Timer, task: Task, emit: Emit) -> int:
    """The loop count of :func:`perfkit.harness.loops.calibrate`, each step reported. A value must last
    ``min_time`` on the wall clock (pyperf's budget), waits for a CPU included."""

    def step(loops: int) -> int:
        emit({"kind": "start", "phase": "calibrate", "loops": loops})
        ns, waited, _ = timer(func, loops)
        emit({"kind": "calibration", "loops": loops, "ns": ns, "wait_ns": waited})
        return ns + waited

    return loop_counts.calibrate(step, min_time=task.min_time)


def peak_memory(func: Callable[..., Any], args: tuple[Any, ...]) -> int:
    """Peak bytes allocated by Python during one call, by tracemalloc (EffiBench's memory figure)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        func(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - base)


def _max_rss() -> int | None:
    """Peak resident set size of this process in bytes."""
    if sys.platform == "win32":
        return None
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024
