"""Prefix sums and sliding-window extremes on unannotated functions, several spellings, real verifier."""

from __future__ import annotations

import random

import pytest

from ._rules_support import args, fires, never

RNG = random.Random(13)
INTS = [RNG.randint(-(10**9), 10**9) for _ in range(3000)]
EDGE = [
    args([], 3),
    args([5], 0),
    args([1, 2, 3], -1),
    args([0.1, 0.2, 0.3], 2),
    args([True, 2], 1),
    args((1, 2, 3), 2),
]
EDGE += [args([1, 2], 1.5), args([1, 2, 3], 10), args(["a", "b"], 1)]

SUMS = {
    "running-total": "return [sum(xs[:i]) for i in range(len(xs))]",
    "inclusive": "out = []\n    for i in range(len(xs)):\n        out.append(sum(xs[0:i + 1]))\n    return out",
    "window": "return [sum(xs[i:i + k]) for i in range(len(xs) - k + 1)]",
    "trailing": "return [sum(xs[i - k:i]) for i in range(len(xs))]",
    "suffix": "best = None\n    for i in range(len(xs)):\n        s = sum(xs[i:])\n"
    "        if best is None or s > best:\n            best = s\n    return best",
    "generator": "return [sum(xs[j] for j in range(i, i + k)) for i in range(len(xs) - k + 1)]",
    "generator-prefix": "return [sum(xs[j] for j in range(i)) for i in range(0, len(xs), 7)]",
}


@pytest.mark.parametrize("spelling", sorted(SUMS))
def test_slice_and_window_sums_become_prefix_sums(spelling: str) -> None:
    source = "def f(xs, k):\n    " + SUMS[spelling] + "\n"
    new = fires(source, "f", [args(INTS, 50)], "window-sums", edge=EDGE)
    assert "_pk_pre_xs = [0]" in new


def test_index_errors_of_the_generator_form_are_kept() -> None:
    source = "def f(xs, k):\n    return [sum(xs[j] for j in range(i, i + k)) for i in range(len(xs))]\n"
    fires(source, "f", [args(INTS[:200], 5)], "window-sums", edge=[args([1, 2, 3], 2), args([1, 2], -3)])


def test_window_sums_stay_away_from_floats_changing_lists_and_one_off_sums() -> None:
    changes = """
        def f(xs, k):
            out = []
            for i in range(len(xs)):
                out.append(sum(xs[:i]))
                xs[i] = 0
            return out
    """
    once = "def f(xs, k):\n    return sum(xs[:k])\n"
    unknown_call = "def f(xs, k):\n    return [k(xs) + sum(xs[:i]) for i in range(3)]\n"
    never(changes, "f", [args([1, 2], 1)], "window-sums")
    never(once, "f", [args([1, 2], 1)], "window-sums")
    never(unknown_call, "f", [args([1, 2], len)], "window-sums")
    floats = "def f(xs, k):\n    return [sum(xs[:i]) for i in range(len(xs))]\n"
    new = fires(floats, "f", [args([0.1] * 500, 1)], "window-sums", edge=[args([1e16, 1.0, -1e16], 0)])
    assert "type(_pk_v) is int for _pk_v in xs" in new  # floats always take the original sum


EXTREMES = {
    "max": "return [max(xs[i:i + k]) for i in range(len(xs) - k + 1)]",
    "min-loop": "out = []\n    for i in range(len(xs)):\n        out.append(min(xs[i:i + k]))\n    return out",
    "constant-width": "best = 0\n    for i in range(len(xs) - 2):\n"
    "        best = max(best, max(xs[i:i + 30]) - min(xs[i:i + 30]))\n    return best",
}


@pytest.mark.parametrize("spelling", sorted(EXTREMES))
def test_window_max_and_min_use_a_monotonic_deque(spelling: str) -> None:
    source = "def f(xs, k):\n    " + EXTREMES[spelling] + "\n"
    edge = [*EDGE, args([3, 1, 3, 1], 2), args(["b", "a", "c"], 2), args([1, 2.0, float("nan")], 2), args([2, 1], 0)]
    new = fires(source, "f", [args(INTS, 40), args([RNG.randint(0, 3) for _ in range(2000)], 7)], "window-extreme",
                edge=edge)  # fmt: skip
    assert "_pk_dq.popleft()" in new


def test_window_extreme_stays_away_from_changing_or_narrow_widths() -> None:
    narrow = "def f(xs, k):\n    return [max(xs[i:i + 3]) for i in range(len(xs))]\n"
    never(narrow, "f", [args([1, 2], 1)], "window-extreme")
    source = """
        def f(xs, k):
            out = []
            for i in range(len(xs)):
                k += 1
                out.append(max(xs[i:i + k]))
            return out
    """
    never(source, "f", [args([1, 2], 1)], "window-extreme")
