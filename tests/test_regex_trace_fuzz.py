"""End to end: ``fuzz`` on unannotated targets whose regex is built at run time or sits behind a ``split``
reaches a super-linear input (margins far outside timing noise: tens of times a plain input's time). Without the
``regex`` feature the split case stays under 3x (checked by hand); the sentence splitter is also found by the
pattern search alone (a run of periods), so it guards against the trace getting in the way."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import pytest
from perfkit.fuzzers import fuzz

from tests.fixtures import regex_runtime as r


def best_time(func: Callable[[str], Any], s: str, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with contextlib.suppress(Exception):
            func(s)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.slow
@pytest.mark.parametrize(
    ("func", "sample", "plain"),
    [
        (r.sentences, "Hello there. Mr. Smith went! ok", "word. "),  # pattern compiled on first use
        (r.challenge, "Digest realm=x, nonce=y", "k=v, "),  # pattern on what follows split(" ", 1)
    ],
)
def test_fuzz_reaches_the_traced_regex(func: Callable[[str], Any], sample: str, plain: str) -> None:
    size = 3000
    result = fuzz(func, max_size=size, budget=12, seed=0, samples=[((sample,), {})])
    assert result.worst is not None
    worst = result.worst.args[0]
    baseline = (sample.split(" ")[0] + " " + plain * size)[:size]  # a realistic input of the same length
    assert best_time(func, worst) >= 20 * best_time(func, baseline), (worst[:60], result.notes)
