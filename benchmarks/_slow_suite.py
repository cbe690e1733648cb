"""Slow-but-correct functions of the kinds real code has, with stress inputs and hidden checkers.

The hidden checkers are independent of perfkit's verifier: each compares a function with a reference written
another way (or with known answers) on fresh inputs the optimizer never saw, edge cases included.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

# ------------------------------------------------------------------------------------------ functions


def dedupe(xs: list[int]) -> list[int]:
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def keep_allowed(xs: list[int], allowed: list[int]) -> list[int]:
    kept = []
    for x in xs:
        if x in allowed:
            kept.append(x)
    return kept


def shared_words(words: list[str], vocabulary: list[str]) -> int:
    count = 0
    for w in words:
        if w in vocabulary:
            count += 1
    return count


def render_csv_row(values: list[int]) -> str:
    line = ""
    for v in values:
        line += str(v) + ","
    return line


def bfs_order(n: int) -> list[int]:
    queue = [0]
    seen = {0}
    order = []
    while queue:
        node = queue.pop(0)
        order.append(node)
        for nxt in (2 * node + 1, 2 * node + 2):
            if nxt < n and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


def window_totals(xs: list[int], k: int) -> list[int]:
    out = []
    for i in range(len(xs)):
        out.append(sum(xs[i : i + k]))
    return out


def word_counts(words: list[str]) -> dict[str, int]:
    counts = {}
    for w in words:
        if w in counts:
            counts[w] += 1
        else:
            counts[w] = 1
    return counts


def count_primes(n: int) -> int:
    count = 0
    for k in range(2, n):
        is_prime = True
        for d in range(2, int(math.sqrt(k)) + 1):
            if k % d == 0:
                is_prime = False
                break
        if is_prime:
            count += 1
    return count


def collatz_total(n: int) -> int:
    total = 0
    for start in range(1, n):
        k = start
        while k != 1:
            k = k // 2 if k % 2 == 0 else 3 * k + 1
            total += 1
    return total


def closest_pair(xs: list[float]) -> float:
    best = math.inf
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            d = abs(xs[i] - xs[j])
            if d < best:
                best = d
    return best


def basel_sum(n: int) -> float:
    total = 0.0
    for k in range(1, n + 1):
        total += 1.0 / (k * k)
    return total


def sum_cubes(xs: list[int]) -> int:
    total = 0
    for x in xs:
        total += x * x * x
    return total


def primes_between(lo: int, hi: int) -> int:
    count = 0
    for k in range(lo, hi):
        if k < 2:
            continue
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def moving_average(xs: list[float], k: int) -> list[float]:
    out = []
    for i in range(len(xs)):
        out.append(sum(xs[i : i + k]) / k)
    return out


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


# ------------------------------------------------------------------------------------- stress inputs
def _ints(n: int, hi: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(0, hi) for _ in range(n)]


def _words(n: int, vocabulary: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"w{rng.randint(0, vocabulary)}" for _ in range(n)]


def _floats(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(-1e3, 1e3) for _ in range(n)]


Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]
STRESS: dict[str, Inputs] = {
    "dedupe": [((_ints(n, n // 2, n),), {}) for n in (500, 3000)],
    "keep_allowed": [((_ints(n, 2 * n, 1), _ints(n // 2, 2 * n, 2)), {}) for n in (500, 3000)],
    "shared_words": [((_words(n, n, 3), _words(n // 2, n, 4)), {}) for n in (500, 3000)],
    "render_csv_row": [((_ints(n, 10**6, 5),), {}) for n in (2000, 50000)],
    "bfs_order": [((n,), {}) for n in (2000, 40000)],
    "window_totals": [((_ints(n, 100, 6), n // 20), {}) for n in (500, 4000)],
    "word_counts": [((_words(n, 500, 7),), {}) for n in (5000, 50000)],
    "count_primes": [((n,), {}) for n in (3000, 30000)],
    "collatz_total": [((n,), {}) for n in (300, 3000)],
    "closest_pair": [((_floats(n, 8),), {}) for n in (100, 500)],
    "basel_sum": [((n,), {}) for n in (10000, 200000)],
    "sum_cubes": [((_ints(n, 1000, 9),), {}) for n in (1000, 100000)],
    "primes_between": [((n // 2, n), {}) for n in (2000, 20000)],
    "moving_average": [((_floats(n, 10), n // 20), {}) for n in (500, 4000)],
    "fib": [((n,), {}) for n in (15, 20)],
}


# ---------------------------------------------------------------------------------- hidden checkers
def _fresh_ints(rng: random.Random) -> list[int]:
    n = rng.choice([0, 1, 2, 5, 50, 300])
    return [rng.randint(-20, 20) if rng.random() < 0.5 else rng.randint(-(10**12), 10**12) for _ in range(n)]


def _fresh_words(rng: random.Random) -> list[str]:
    return [rng.choice(["", "a", "é", "日本", "a b", "A", "x" * 40]) for _ in range(rng.choice([0, 1, 7, 200]))]


def _eq(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _close(a: Any, b: Any) -> bool:
    return type(a) is type(b) and (a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))


def _check(func: Callable[..., Any], cases: list[tuple[Any, ...]], reference: Callable[..., Any], same=_eq) -> bool:
    return all(same(func(*args), reference(*args)) for args in cases)


def _close_loose(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _pi(n: int) -> int:
    return sum(1 for k in range(2, n) if all(k % d for d in range(2, math.isqrt(k) + 1)))


def _collatz(n: int) -> int:
    total = 0
    for start in range(1, n):
        k, steps = start, 0
        while k != 1:
            k = k >> 1 if not k & 1 else 3 * k + 1
            steps += 1
        total += steps
    return total


def _closest(xs: list[float]) -> float:
    s = sorted(xs)
    return min((b - a for a, b in itertools.pairwise(s)), default=math.inf)


def _windows(xs: list[int], k: int) -> list[int]:
    out = []
    for i in range(len(xs)):
        total = 0
        for j in range(i, min(i + k, len(xs))):
            total += xs[j]
        out.append(total)
    return out


CHECKERS: dict[str, Callable[[Callable[..., Any], random.Random], bool]] = {
    "dedupe": lambda f, r: _check(
        f, [(_fresh_ints(r),) for _ in range(30)] + [([1, 1.0, True, "1"],)], lambda xs: list(dict.fromkeys(xs))
    ),
    "keep_allowed": lambda f, r: _check(
        f, [(_fresh_ints(r), _fresh_ints(r)) for _ in range(30)], lambda xs, a: [x for x in xs if x in set(a)]
    ),
    "shared_words": lambda f, r: _check(
        f, [(_fresh_words(r), _fresh_words(r)) for _ in range(30)], lambda w, v: sum(x in set(v) for x in w)
    ),
    "render_csv_row": lambda f, r: _check(
        f, [(_fresh_ints(r),) for _ in range(30)], lambda xs: "".join(f"{x}," for x in xs)
    ),
    "bfs_order": lambda f, r: _check(f, [(n,) for n in (-3, 0, 1, 2, 3, 10, 1000)], lambda n: [0, *range(1, n)]),
    "window_totals": lambda f, r: _check(
        f,
        [(_fresh_ints(r), r.choice([0, 1, 3, 10, 400])) for _ in range(30)],
        _windows,
    ),
    "word_counts": lambda f, r: _check(f, [(_fresh_words(r),) for _ in range(30)], lambda w: dict(Counter(w))),
    "count_primes": lambda f, r: (
        _check(f, [(n,) for n in (-2, 0, 1, 2, 3, 10, 100, 1000, 7919, 7920)], _pi) and f(10_000) == 1229
    ),
    "collatz_total": lambda f, r: _check(f, [(n,) for n in (-1, 0, 1, 2, 3, 27, 500)], _collatz),
    "closest_pair": lambda f, r: _check(
        f,
        [([r.uniform(-5, 5) for _ in range(r.choice([0, 1, 2, 30]))],) for _ in range(20)] + [([1.0, 1.0],)],
        _closest,
        _close,
    ),
    "basel_sum": lambda f, r: _check(
        f,
        [(n,) for n in (-1, 0, 1, 2, 1000, 123456)],
        lambda n: math.fsum(1.0 / (k * k) for k in range(1, n + 1)),
        _close,
    ),
    "sum_cubes": lambda f, r: _check(
        f,
        [([r.randint(-(2**20), 2**20) for _ in range(3000)],)] + [(_fresh_ints(r),) for _ in range(20)],
        lambda xs: sum(x**3 for x in xs),
    ),
    "primes_between": lambda f, r: _check(
        f,
        [(-10, 5), (0, 0), (5, 2), (2, 3), (100, 1000), (7900, 7920)],
        lambda lo, hi: sum(k > 1 and all(k % d for d in range(2, math.isqrt(k) + 1)) for k in range(lo, hi)),
    ),
    "moving_average": lambda f, r: _check(
        f,
        [([r.uniform(-1e6, 1e6) for _ in range(r.choice([0, 1, 40]))], r.choice([1, 3, 7])) for _ in range(20)],
        lambda xs, k: [math.fsum(xs[i : i + k]) / k for i in range(len(xs))],
        lambda a, b: (
            type(a) is type(b) and len(a) == len(b) and all(_close_loose(x, y) for x, y in zip(a, b, strict=True))
        ),
    ),
    "fib": lambda f, r: _check(
        f, [(n,) for n in (-3, 0, 1, 2, 10, 22)], lambda n: n if n < 2 else round(((1 + 5**0.5) / 2) ** n / 5**0.5)
    ),
}


def hidden_check(payload: dict[str, Any], emit: Any) -> None:
    """Sandbox entry: run the hidden checker of ``payload["name"]`` on the function ``payload["ref"]``."""
    func = payload["ref"].load()
    try:
        ok = CHECKERS[payload["name"]](func, random.Random(12345))
    except Exception as exc:
        emit({"kind": "checked", "ok": False, "why": f"{type(exc).__name__}: {exc}"})
        return
    emit({"kind": "checked", "ok": ok, "why": ""})
