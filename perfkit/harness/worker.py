"""The timing loop that runs inside one worker process (or in-process): calibrate, warm up, take values.

It reports every step as a message through ``emit`` before and after timing, so that the manager, which owns
the clock deadline, can kill a worker whose call runs past the time limit and record that run as censored.
"""

from __future__ import annotations

import functools
import gc
import math
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perfkit import _native
from perfkit.target import describe_exception

Emit = Callable[[dict[str, Any]], None]
MAX_LOOPS = 2**32


@dataclass(frozen=True)
class Task:
    """What one worker measures and how. ``loops == 0`` asks the worker to calibrate."""

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
    try:
        _measure(task, func, counters, emit)
    except (Exception, KeyboardInterrupt, SystemExit) as exc:  # the target raised: report it, perfkit did not fail
        import traceback

        emit({"kind": "raised", "description": describe_exception(exc), "traceback": traceback.format_exc()})
        return
    finally:
        if counters is not None:
            counters.close()
    emit({"kind": "done", "max_rss": _max_rss()})


def _measure(task: Task, func: Callable[..., Any], counters: Any, emit: Emit) -> None:
    args = task.args
    loops = task.loops or _calibrate(func, args, task, emit)
    for _ in range(task.warmups):
        emit({"kind": "start", "phase": "warmup", "loops": loops})
        emit({"kind": "warmup", "loops": loops, "ns": _timed(func, args, loops, task, None)[0]})
    for _ in range(task.values):
        emit({"kind": "start", "phase": "value", "loops": loops})
        ns, counts = _timed(func, args, loops, task, counters)
        emit({"kind": "value", "loops": loops, "ns": ns, "counts": counts})
    if task.cost:
        emit({"kind": "start", "phase": "cost", "loops": 1})
        lines, calls, opcodes, _, exc = _native.cost_call(func, args, None, opcodes=True)
        if exc is not None:
            raise exc
        emit({"kind": "cost", "lines": lines, "calls": calls, "opcodes": opcodes})
    if task.memory:
        emit({"kind": "start", "phase": "memory", "loops": 1})
        emit({"kind": "memory", "peak_bytes": peak_memory(func, args)})


def _calibrate(func: Callable[..., Any], args: tuple[Any, ...], task: Task, emit: Emit) -> int:
    """Grow the loop count until one value takes at least ``min_time`` (pyperf's rule); return it."""
    loops = 1
    min_ns = task.min_time * 1e9
    while True:
        emit({"kind": "start", "phase": "calibrate", "loops": loops})
        ns, _ = _timed(func, args, loops, task, None)
        emit({"kind": "calibration", "loops": loops, "ns": ns})
        if ns >= min_ns or loops >= MAX_LOOPS:
            return loops
        grow = min_ns / ns * 1.2 if ns > 0 else 100.0
        loops = min(MAX_LOOPS, loops * 2 if grow < 2 else math.ceil(loops * min(grow, 100.0)))


def _timed(
    func: Callable[..., Any], args: tuple[Any, ...], loops: int, task: Task, counters: Any
) -> tuple[int, dict[str, float]]:
    """One value: ``loops`` calls, GC collected before and (by default) disabled during."""
    gc.collect()
    was_enabled = gc.isenabled()
    if task.disable_gc:
        gc.disable()
    try:
        if counters is not None and counters.fds:
            return counters.counted_loop(func, args, loops)
        return _native.time_loop(func, args, loops), {}
    finally:
        if was_enabled:
            gc.enable()


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
