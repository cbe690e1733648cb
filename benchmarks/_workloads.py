"""Workloads shared by the benchmark scripts (importable by worker processes)."""

from __future__ import annotations


def empty() -> None:
    """Does nothing: isolates a harness's own overhead."""


def spin(n: int) -> int:
    """Pure-Python CPU work proportional to ``n``."""
    total = 0
    for i in range(n):
        total += i & 7
    return total


def nested(n: int) -> int:
    """Loops and calls: what a line tracer sees a lot of."""

    def square(x: int) -> int:
        return x * x

    total = 0
    for i in range(n):
        if i % 3:
            total += square(i)
        else:
            total -= i
    return total
