"""The pytest plugin's timing loop: each value of the measured call is paired with a value of a fixed reference
loop timed just before it, so that a machine slowed down by other work (a shared CI runner, a busy SMT sibling)
slows both and the ratio call/reference stays put. Comparisons use these ratios when both sides have them.

The reference is pure-Python work (arithmetic, a dict); :data:`REFERENCE_VERSION` changes whenever it does, and
ratios are only compared between equal versions.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from perfkit import _native

REFERENCE_VERSION = 1
MAX_LOOPS = 2**24


def reference() -> int:
    """The fixed reference work (about 0.1 ms)."""
    total = 0
    for i in range(1500):
        total += (i * 31) % 17
    table = {}
    for i in range(300):
        table[i] = i ^ total
    return total + len(table)


@dataclass
class PairedTimes:
    """Per-call seconds of the call and of the reference, value by value; ``cpu*`` None without task-clock."""

    wall: list[float]
    cpu: list[float] | None
    ref_wall: list[float]
    ref_cpu: list[float] | None
    loops: int
    cpu_unavailable: str = ""


def calibrate(func: Callable[[], Any], min_time: float) -> int:
    """The loop count that makes one value last at least ``min_time`` seconds (pyperf's rule)."""
    loops = 1
    while True:
        ns = _native.time_loop(func, (), loops)
        if ns >= min_time * 1e9 or loops >= MAX_LOOPS:
            return loops
        grow = min_time * 1e9 / ns * 1.2 if ns > 0 else 100.0
        loops = min(MAX_LOOPS, loops * 2 if grow < 2 else math.ceil(loops * min(grow, 100.0)))


def paired_times(call: Callable[[], Any], *, values: int, min_time: float) -> PairedTimes:
    """``values`` pairs (reference, call) after one warm-up pair; GC collected before, disabled during each."""
    from perfkit.harness.counters import CounterSet

    loops = calibrate(call, min_time)
    ref_loops = calibrate(reference, min_time)
    counters = CounterSet(["task-clock"])
    try:
        wall: list[float] = []
        cpu: list[float] = []
        ref_wall: list[float] = []
        ref_cpu: list[float] = []
        for index in range(values + 1):
            ref_ns, ref_count = _timed(counters, reference, ref_loops)
            ns, count = _timed(counters, call, loops)
            if index == 0:
                continue  # the warm-up pair
            wall.append(ns / loops / 1e9)
            ref_wall.append(ref_ns / ref_loops / 1e9)
            if count is not None and ref_count is not None:
                cpu.append(count / loops / 1e9)
                ref_cpu.append(ref_count / ref_loops / 1e9)
    finally:
        counters.close()
    have_cpu = len(cpu) == len(wall) and bool(counters.events)
    return PairedTimes(
        wall,
        cpu if have_cpu else None,
        ref_wall,
        ref_cpu if have_cpu else None,
        loops,
        counters.unavailable.get("task-clock", ""),
    )


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
