"""A small library with performance tests, for benchmarks/plugin_detection.py.

``PERFKIT_BENCH_SLOWDOWN=0.05`` makes every function do 5% more work (read once, at import), which is how the
benchmark injects a slowdown that every metric (time, cost, instructions, memory) should see.
"""

from __future__ import annotations

import os

SLOWDOWN = float(os.environ.get("PERFKIT_BENCH_SLOWDOWN", "0"))


def _scaled(n: int) -> int:
    return round(n * (1.0 + SLOWDOWN))


def checksum(n: int) -> int:
    """A pure-Python loop: arithmetic and branches."""
    total = 0
    for i in range(_scaled(n)):
        if i % 3:
            total += i * i % 7
        else:
            total ^= i
    return total


def histogram(words: list[str]) -> dict[str, int]:
    """Dict building over a list of words (extended by the slowdown)."""
    extra = _scaled(len(words)) - len(words)
    counts: dict[str, int] = {}
    for word in words + words[:extra]:
        counts[word] = counts.get(word, 0) + 1
    return counts


def squares(n: int) -> list[int]:
    """A list comprehension and a sort: work and memory grow with n."""
    values = [(i * 7919) % 10007 for i in range(_scaled(n))]
    values.sort()
    return values
