"""Loops over all pairs i < j → itertools.combinations: slice-copy, index-pair, enumerate and comprehension spellings,
verified on unannotated functions at real sizes (with str, tuple, range and empty arguments); loops that break,
change the sequence, read an index otherwise or call unknown code keep the rule away."""

from __future__ import annotations

import math
import random

from .test_optimizers_rewrite import rewrite_real, verified


def pairs_by_slice(l):  # noqa: E741 (the benchmark's own spelling)
    result = []
    for x in range(len(l) - 1):
        ls = l[x + 1 :]
        for y in ls:
            result.append((l[x], y))
    return result


def close_pairs(pts, limit):
    close = 0
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            dx = pts[i][0] - pts[j][0]
            dy = pts[i][1] - pts[j][1]
            if dx * dx + dy * dy > limit:
                continue
            close += 1
    return close


def closest_pair(points):
    best = None
    n = len(points)
    count = 0
    for i in range(n - 1):
        for j in range(i + 1, n):
            d = abs(points[i] - points[j])
            if best is None or d < best:
                best = d
            count += 1
    return best, count


def best_gain(prices):
    best = 0
    for i in range(0, len(prices) - 1):
        for j in range(i + 1, len(prices)):
            best = max(best, prices[j] - prices[i])
    return best


def stale_length(xs):
    n = len(xs)
    xs.append(0)
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            out.append((xs[i], xs[j]))
    return out


def mirrored(words):
    found = []
    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            if a == words[j][::-1]:
                found.append((a, words[j]))
    return found


def collect_enumerated(xs):
    out = []
    for i, a in enumerate(xs):
        for b in xs[i + 1 :]:
            out.append((a, b))
    return out


def slice_body(words):
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if a == b[::-1]:
                found.append((a, b))
    return found


def all_pairs(xs):
    return [(xs[i], xs[j]) for i in range(len(xs)) for j in range(i + 1, len(xs))]


def two_sum(xs, target):
    for i in range(len(xs) - 1):
        for y in xs[i + 1 :]:
            if xs[i] + y == target:
                return (xs[i], y)
    return None


def with_break(xs):
    out = []
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if xs[j] < xs[i]:
                break
            out.append((xs[i], xs[j]))
    return out


def grows(xs):
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if xs[i] == xs[j] and len(xs) < 50:
                xs.append(-1)
    return xs


def index_read(xs):
    out = []
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            out.append((i, xs[j]))
    return out


def index_after(xs):
    total = 0
    for i in range(len(xs) - 1):
        for y in xs[i + 1 :]:
            total += y
    return total, i


def unknown_call(xs, f):
    n = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            n += f(xs[i], xs[j])
    return n


def ints(n: int, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(-50, 50) for _ in range(n)]


ODD = [([],), ([1],), ("abc",), ((1, 2, 3),), (range(5),), ([1.0, 1, True],)]


def test_slice_copy_collecting_pairs_becomes_one_extend() -> None:
    new, fired, verdict = verified(pairs_by_slice, [(ints(600),)], ODD)
    assert "pair-loops" in fired and "result.extend(_pk_combinations(l, 2))" in new, new
    assert verdict.ok, verdict.reason


def test_index_pairs_with_continue_and_arithmetic() -> None:
    rng = random.Random(2)
    pts = [(rng.uniform(-9, 9), rng.uniform(-9, 9)) for _ in range(500)]
    wide = [([], 1.0), ([(0, 0)], 0), ([(0, 0), (0, 0)], 0), ([(1, 2), (3, math.nan)], 5.0), ((((1, 1),) * 3), 0)]
    new, fired, verdict = verified(close_pairs, [(pts, 4.0)], wide)
    assert "pair-loops" in fired and "_pk_combinations(pts, 2)" in new, new
    assert verdict.ok, verdict.reason


def test_length_held_in_a_local() -> None:
    rng = random.Random(7)
    xs = [rng.uniform(-1e6, 1e6) for _ in range(700)]
    new, fired, verdict = verified(closest_pair, [(xs,)], [([],), ([1.0],), ([1, 1],), ("ab",), ((3, -3, 0.5),)])
    assert "pair-loops" in fired and "_pk_combinations(points, 2)" in new, new
    assert verdict.ok, verdict.reason
    prices = [rng.randint(1, 10**6) for _ in range(700)]
    new, fired, verdict = verified(best_gain, [(prices,)], [([],), ([5],), ([5, 3, 9],), ((2.5, 1),), ([1, "a"],)])
    assert "pair-loops" in fired and "_pk_combinations(prices, 2)" in new, new
    assert verdict.ok, verdict.reason


def test_enumerate_with_index_or_collecting_slice() -> None:
    rng = random.Random(3)
    words = ["".join(rng.choice("ab") for _ in range(3)) for _ in range(500)]
    new, fired, verdict = verified(mirrored, [(words,)], [([],), (["ab", "ba", "ab"],), ("abba",), (("x", "x"),)])
    assert "pair-loops" in fired and "_pk_combinations(words, 2)" in new, new
    assert verdict.ok, verdict.reason
    new, fired, verdict = verified(collect_enumerated, [(ints(500),)], ODD)
    assert "pair-loops" in fired and "out.extend(_pk_combinations(xs, 2))" in new, new
    assert verdict.ok, verdict.reason


def test_comprehension() -> None:
    new, fired, verdict = verified(all_pairs, [(ints(400),)], ODD)
    assert "pair-loops" in fired and "list(_pk_combinations(xs, 2))" in new, new
    assert verdict.ok, verdict.reason


def test_break_change_index_use_and_unknown_calls_stay() -> None:
    for func, observed in (
        (with_break, [(ints(50),)]),
        (grows, [(ints(30),)]),
        (index_read, [(ints(30),)]),
        (index_after, [(ints(30),)]),
        (unknown_call, [(ints(30), max)]),
        (two_sum, [(ints(30), 3)]),  # over a slice, another body than collecting is not faster
        (slice_body, [(["ab", "ba"],)]),
        (stale_length, [(ints(20),)]),  # the length was taken before the list grew
    ):
        _, fired = rewrite_real(func, observed)
        assert "pair-loops" not in fired, func.__name__
