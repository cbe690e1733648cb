"""The pytest plugin's timing loop, built to give steady figures on a shared, busy machine.

- Many short values (about 1 ms each), each call value paired with a value of a fixed reference loop timed just
  before it. A machine slowed down as a whole (frequency, a busy host) slows both; the comparison uses the ratio
  call/reference.
- Per series, a low quantile (:data:`QUANTILE`) of the values instead of the median: other processes only ever
  add time to a value, and with values this short most of them run undisturbed even on a loaded machine.
- Each series runs in its own fresh worker process (:mod:`perfkit.perftest.workers`), so that what a process
  fixes once (hash seed, memory layout) varies between the series instead of biasing a whole session; the series
  estimates are what a comparison tests.

The reference is pure-Python work (arithmetic, a dict); :data:`REFERENCE_VERSION` changes whenever it does.
:data:`SCHEME` changes whenever what a stored value means changes; only equal schemes are compared.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from perfkit import _native
from perfkit.harness import loops as loop_counts

REFERENCE_VERSION = 1
SCHEME = 2  # 1: per-value times of one in-process series; 2: per-series low quantiles (this module)
QUANTILE = 0.1
WARMUPS = 2
UNDISTURBED = 1.01  # a value whose wall time is within 1% of its CPU time ran without waiting for a CPU


def reference() -> int:
    """The fixed reference work (about 0.07 ms)."""
    total = 0
    for i in range(1500):
        total += (i * 31) % 17
    table = {}
    for i in range(300):
        table[i] = i ^ total
    return total + len(table)


@dataclass
class Series:
    """Per-call seconds of one series: the call and the reference, value by value; ``cpu*`` None without
    task-clock."""

    wall: list[float]
    cpu: list[float] | None
    ref_wall: list[float]
    ref_cpu: list[float] | None
    loops: int
    ref_loops: int
    cpu_unavailable: str = ""
    lines: int | None = None  # Python lines one call executed where the series ran (perfkit's cost counter)


@dataclass
class Estimate:
    """What one series contributes to a sample: low quantiles of the call and of the reference."""

    wall: float
    ref_wall: float
    cpu: float | None
    ref_cpu: float | None
    undisturbed: float | None  # share of the call's values that never waited for a CPU; None without task-clock


def calibrate(func: Callable[[], Any], min_time: float) -> int:
    """The loop count that makes one value last at least ``min_time`` seconds: the harness's rule and cap
    (:func:`perfkit.harness.loops.calibrate`)."""
    return loop_counts.calibrate(lambda loops: _native.time_loop(func, (), loops), min_time=min_time)


def series(
    call: Callable[[], Any],
    *,
    values: int,
    min_time: float,
    loops: int = 0,
    ref_loops: int = 0,
    cpu: bool = True,
    warmups: int = WARMUPS,
) -> Series:
    """``values`` pairs (reference, call) after ``warmups`` warm-up pairs; loop counts are calibrated to
    ``min_time`` unless given. GC is collected before and disabled during each value."""
    from perfkit.harness.counters import CounterSet

    loops = loops or calibrate(call, min_time)
    ref_loops = ref_loops or calibrate(reference, min_time)
    counters = CounterSet(["task-clock"] if cpu else [])
    try:
        wall: list[float] = []
        cpus: list[float] = []
        ref_wall: list[float] = []
        ref_cpu: list[float] = []
        for index in range(values + warmups):
            ref_ns, ref_count = _timed(counters, reference, ref_loops)
            ns, count = _timed(counters, call, loops)
            if index < warmups:
                continue
            wall.append(ns / loops / 1e9)
            ref_wall.append(ref_ns / ref_loops / 1e9)
            if count is not None and ref_count is not None:
                cpus.append(count / loops / 1e9)
                ref_cpu.append(ref_count / ref_loops / 1e9)
    finally:
        counters.close()
    have_cpu = len(cpus) == len(wall) and bool(counters.events)
    reason = counters.unavailable.get("task-clock", "" if cpu else "not asked for")
    return Series(wall, cpus if have_cpu else None, ref_wall, ref_cpu if have_cpu else None, loops, ref_loops, reason)


def low_quantile(values: list[float], q: float = QUANTILE) -> float:
    """The ``q`` quantile of ``values`` (linear interpolation between order statistics, numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def estimate(times: Series) -> Estimate:
    """The series' low quantiles, and how many of its call values ran undisturbed."""
    undisturbed = None
    cpu = ref_cpu = None
    if times.cpu is not None and times.ref_cpu is not None:
        cpu, ref_cpu = low_quantile(times.cpu), low_quantile(times.ref_cpu)
        calm = sum(w <= c * UNDISTURBED for w, c in zip(times.wall, times.cpu, strict=True))
        undisturbed = calm / len(times.wall)
    return Estimate(low_quantile(times.wall), low_quantile(times.ref_wall), cpu, ref_cpu, undisturbed)


def _timed(counters: Any, func: Callable[[], Any], loops: int) -> tuple[int, float | None]:
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        if counters.fds:
            ns, counts = counters.counted_loop(func, (), loops)
            return ns, counts.get("task-clock")
        return _native.time_loop(func, (), loops), None
    finally:
        if enabled:
            gc.enable()
