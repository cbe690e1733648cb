"""Small, correct, slow functions of the kinds real code has: perfkit's bundled example."""

from __future__ import annotations


def dedupe(items: list[int]) -> list[int]:
    """Drop repeated items, keeping the first of each: quadratic, since ``in`` scans a list."""
    seen: list[int] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def join_words(words: list[str]) -> str:
    """Join words with spaces by repeated concatenation."""
    text = ""
    for word in words:
        if text:
            text = text + " "
        text = text + word
    return text


def moving_sums(values: list[float], window: int) -> list[float]:
    """Sum of every window of ``window`` consecutive values, recomputed from scratch each time."""
    return [sum(values[i : i + window]) for i in range(len(values) - window + 1)]


def count_primes(limit: int) -> int:
    """How many primes are below ``limit``, by trial division."""
    count = 0
    for n in range(2, limit):
        prime = True
        for d in range(2, n):
            if d * d > n:
                break
            if n % d == 0:
                prime = False
                break
        if prime:
            count += 1
    return count
