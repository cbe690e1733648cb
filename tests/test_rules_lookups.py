"""math.f read in hot loops → a local bound once before the loop: for, while and comprehension spellings verified
on unannotated functions at real sizes (floats compared exactly); a loop that calls unknown code, a function that
binds ``math`` itself, or a module that rebinds it keeps the lookups."""

from __future__ import annotations

import math
import random

from .test_optimizers_rewrite import rewrite_real, verified


def norms(points):
    total = 0.0
    for x, y in points:
        total += math.sqrt(x * x + y * y)
    return total


def wave(n, step):
    out = []
    k = 0
    while k < n:
        out.append(math.sin(k * step) * math.cos(k * step) + math.pi)
        k += 1
    return out


def logs(xs):
    out = []
    for x in xs:
        out.append(math.log(x) if x > 0 else -math.inf)
    return out


def logs_comprehension(xs):
    return [math.log(x) if x > 0 else -math.inf for x in xs]


def calls_unknown(xs, f):
    return [math.sqrt(f(x)) for x in xs]


def key_function(rows, f):
    out = []
    for row in rows:
        out.append(math.sqrt(sorted(row, key=f)[0]))
    return out


def binds_math(xs):
    out = 0.0
    for x in xs:
        math = abs  # noqa: F841 (a local named math: the module is not what it reads)
        out += x
    return out


def floats(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(-5, 50) for _ in range(n)]


def test_for_loop_over_points() -> None:
    rng = random.Random(1)
    pts = [(rng.uniform(-9, 9), rng.uniform(-9, 9)) for _ in range(100_000)]
    wide = [([],), ([(3, 4)],), ([(math.nan, 1)],), ([(-1e308, 1e308)],), ([("a", 1)],), ([(1,)],)]
    new, fired, verdict = verified(norms, [(pts,)], wide)
    assert "module-alias" in fired and "_pk_math_sqrt = math.sqrt" in new and "_pk_math_sqrt(x" in new, new
    assert verdict.ok, verdict.reason


def test_while_loop_with_functions_and_a_constant() -> None:
    new, fired, verdict = verified(wave, [(50_000, 0.001)], [(0, 1.0), (3, math.inf), (2, "x"), (-1, 0.5)])
    assert "module-alias" in fired and "_pk_math_pi = math.pi" in new and "_pk_math_cos(k * step)" in new, new
    assert verdict.ok, verdict.reason


def test_conditional_expression_in_a_loop() -> None:
    new, fired, verdict = verified(logs, [(floats(100_000, 2),)], [([],), ([0, -1, 1e-320],), ([math.nan],), (["a"],)])
    assert "module-alias" in fired and "_pk_math_log(x)" in new, new
    assert verdict.ok, verdict.reason


def test_unknown_calls_and_local_names_keep_the_lookups() -> None:
    cases = (
        (calls_unknown, [([1.0, 4.0], abs)]),
        (binds_math, [([1.0],)]),
        (key_function, [([[4.0, 1.0]], abs)]),
        (logs_comprehension, [([1.0, 2.0],)]),  # a comprehension's own scope: the alias would be a cell read
    )
    for func, observed in cases:
        _, fired = rewrite_real(func, observed)
        assert "module-alias" not in fired, func.__name__
