"""Correctness tests that are also performance tests (the perf fixture measures them when asked)."""

from __future__ import annotations

import pytest
import workload

WORDS = [f"w{i % 97}" for i in range(20_000)]


def test_checksum(perf):
    assert perf(workload.checksum, 20_000) >= 0


def test_histogram(perf):
    counts = perf(workload.histogram, WORDS)
    assert set(counts) == {f"w{i}" for i in range(97)}


@pytest.mark.perf(group="alloc")
def test_squares(perf):
    values = perf(workload.squares, 20_000)
    assert values == sorted(values)
