"""Functions with known worst-case inputs, for benchmarks/fuzz_suite.py. ``KNOWN_WORST[name](n)`` builds the
worst input of size n as ``(args, kwargs)``; ``GUARDED`` names the functions whose slow path hides behind a
narrow condition that random inputs almost never satisfy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def quicksort(xs: list[int]) -> list[int]:
    """First-element pivot: quadratic on sorted (or all-equal) input."""
    if len(xs) <= 1:
        return xs
    pivot = xs[0]
    left = [x for x in xs[1:] if x < pivot]
    right = [x for x in xs[1:] if x >= pivot]
    return quicksort(left) + [pivot] + quicksort(right)  # noqa: RUF005 (the list copies are part of the cost)


def insertion_sort(xs: list[int]) -> list[int]:
    """Quadratic on strictly descending input."""
    out = list(xs)
    for i in range(1, len(out)):
        key = out[i]
        j = i - 1
        while j >= 0 and out[j] > key:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = key
    return out


def bubble_sort(xs: list[int]) -> list[int]:
    """Early exit when a pass swaps nothing: linear on sorted input, quadratic on descending input."""
    out = list(xs)
    n = len(out)
    for end in range(n - 1, 0, -1):
        swapped = False
        for i in range(end):
            if out[i] > out[i + 1]:
                out[i], out[i + 1] = out[i + 1], out[i]
                swapped = True
        if not swapped:
            break
    return out


def naive_find(text: str, pattern: str) -> int:
    """Character-by-character substring search: worst when the pattern nearly matches everywhere."""
    n, m = len(text), len(pattern)
    for i in range(n - m + 1):
        j = 0
        while j < m and text[i + j] == pattern[j]:
            j += 1
        if j == m:
            return i
    return -1


def dedupe(items: list[int]) -> list[int]:
    """List membership: quadratic in C when all items are distinct (the line count barely sees it)."""
    seen: list[int] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def count_palindromes(s: str) -> int:
    """Palindromic substrings by expanding around each centre: quadratic when all characters are equal."""
    count = 0
    for centre in range(2 * len(s) - 1):
        lo, hi = centre // 2, centre // 2 + centre % 2
        while lo >= 0 and hi < len(s) and s[lo] == s[hi]:
            count += 1
            lo -= 1
            hi += 1
    return count


def guarded_pairs(xs: list[int]) -> int:
    """A quadratic path behind a narrow guard on the first and last elements."""
    if len(xs) > 8 and xs[0] == 37 and xs[-1] == -11:
        total = 0
        for a in xs:
            for b in xs:
                total += a * b
        return total
    return sum(xs)


def mode_table(xs: list[int], mode: int) -> int:
    """A cubic path taken for one value of ``mode`` only."""
    if mode == -73 and len(xs) > 4:
        k = len(xs) // 4
        total = 0
        for a in xs[:k]:
            for b in xs[:k]:
                for c in xs[:k]:
                    total += a * b - c
        return total
    return max(xs, default=0)


def divisor_sum(n: int) -> int:
    """Trial division: cost grows with n (and a little with its number of divisors)."""
    total = 0
    for d in range(1, n + 1):
        if n % d == 0:
            total += d
    return total


Worst = Callable[[int], tuple[tuple[Any, ...], dict[str, Any]]]

KNOWN_WORST: dict[str, Worst] = {
    "quicksort": lambda n: ((list(range(n)),), {}),
    "insertion_sort": lambda n: ((list(range(n, 0, -1)),), {}),
    "bubble_sort": lambda n: ((list(range(n, 0, -1)),), {}),
    "naive_find": lambda n: (("a" * n, "a" * (n // 2 - 1) + "b"), {}),
    "dedupe": lambda n: ((list(range(n)),), {}),
    "count_palindromes": lambda n: (("a" * n,), {}),
    "guarded_pairs": lambda n: (([37] + [1] * (n - 2) + [-11],), {}),
    "mode_table": lambda n: (([1] * n, -73), {}),
    "divisor_sum": lambda n: ((max(range(1, n + 1), key=lambda k: (k, sum(k % d == 0 for d in range(1, k + 1)))),), {}),
}

GUARDED = ("guarded_pairs", "mode_table")
