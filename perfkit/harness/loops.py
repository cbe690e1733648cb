"""The loop count of a timed value: one calibration rule and one cap, used by ``perfkit measure`` (the harness
worker) and by the pytest plugin's series alike.

The rule is pyperf's (grow the loop count until one value lasts at least ``min_time``), with faster growth: the
next count is scaled by the shortfall (times 1.2, at most 100x per step) instead of doubled, so a 50 ns call
reaches 0.1 s in 4 steps instead of 21. It runs once, in the first worker; the other workers reuse its count.
"""

from __future__ import annotations

import math
from collections.abc import Callable

MAX_LOOPS = 2**32  # pyperf's cap
MAX_GROWTH = 100.0  # the most the count grows in one step (a first call can be much slower than the rest)
MARGIN = 1.2  # aim a little past min_time, so that one more step is rarely needed


def next_loops(loops: int, ns: int, *, min_time: float) -> int | None:
    """The loop count to try after ``loops`` calls took ``ns`` nanoseconds; None when ``loops`` is enough."""
    min_ns = min_time * 1e9
    if ns >= min_ns or loops >= MAX_LOOPS:
        return None
    grow = min_ns / ns * MARGIN if ns > 0 else MAX_GROWTH
    return min(MAX_LOOPS, loops * 2 if grow < 2 else math.ceil(loops * min(grow, MAX_GROWTH)))


def calibrate(time_loops: Callable[[int], int], *, min_time: float) -> int:
    """The first loop count whose value (``time_loops(loops)`` nanoseconds) lasts at least ``min_time`` seconds,
    or :data:`MAX_LOOPS`."""
    loops = 1
    while True:
        following = next_loops(loops, time_loops(loops), min_time=min_time)
        if following is None:
            return loops
        loops = following
