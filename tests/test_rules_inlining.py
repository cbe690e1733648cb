"""One-expression module helpers called in hot loops are written in place: spectral-norm's eval_A spelling, a
comprehension, a while loop through two helper levels; verified on unannotated functions at real sizes (floats
compared exactly). Helpers rebound, recursive, with defaults, reading a name the caller binds, or called with a
computed argument stay calls."""

from __future__ import annotations

import math
import random

from .test_optimizers_rewrite import rewrite_real, verified

SCALE = 3


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def square(x):
    """The square."""
    return x * x


def norm2(a, b):
    return math.sqrt(square(a) + square(b)) * SCALE


def is_prime(n):
    return n > 1 and all(n % d for d in range(2, n))


def is_prime_sqrt(n):
    return n >= 2 and all(n % i != 0 for i in range(2, int(math.sqrt(n)) + 1))


def is_prime_loop(n):
    """Trial division, written as most libraries write it."""
    if n < 2:
        return False
    for d in range(2, int(n**0.5) + 1):  # noqa: SIM110 (the spelling the rule takes)
        if n % d == 0:
            return False
    return True


def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    else:
        return 0


def has_factor(n, lo, hi):
    for d in range(lo, hi):  # noqa: SIM110
        if pred(d):  # noqa: F821 (a user function: its StopIteration would turn into RuntimeError in a generator)
            return True
    return False


def last_divisor(n):
    for d in range(2, n):
        if n % d == 0:
            return True
    return d  # the loop variable after the loop


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


def shifted(x, by=1):
    return x + by


def uses_total(x):
    return x + total  # noqa: F821 (a global nobody defines: reading the caller's local would be wrong)


def rebound(x):
    return x + 1


rebound = square  # noqa: F811 (the module rebinds the name: not a helper one can inline)


def times_u(i_u):  # spectral-norm's spelling
    i, u = i_u
    partial_sum = 0
    for j, u_j in enumerate(u):
        partial_sum += eval_a(i, j) * u_j
    return partial_sum


def squares_plus(xs):
    return [square(x) + 1 for x in xs if x]


def walk(points):
    out = 0.0
    k = 0
    while k < len(points):
        x, y = points[k]
        out += norm2(x, y)
        k += 1
    return out


def recursive_in_loop(xs):
    return [fact(x) for x in xs]


def defaults_in_loop(xs):
    return [shifted(x) for x in xs]


def caller_binds(xs):
    total = 0
    for x in xs:
        total += uses_total(x)
    return total


def rebound_in_loop(xs):
    return [rebound(x) for x in xs]


def computed_argument(xs):
    return [square(x + 1) for x in xs]


def primes_below(limit):
    return [x for x in range(limit) if is_prime(x)]


def count_primes(limit):
    total = 0
    for k in range(limit):
        if is_prime_sqrt(k):
            total += 1
    return total


def primes_listed(limit):
    return [p for p in range(limit) if is_prime_loop(p)]


def twin_count(limit):
    count = 0
    for k in range(3, limit):
        if is_prime_loop(k) and is_prime_loop(k + 2):
            count += 1
    return count


def signs(xs):
    total = 0
    for v in xs:
        total += sign(v)
    return total


def statement_helpers_stay(xs):
    return [has_factor(x, 2, x) or last_divisor(x) for x in xs]


def captured(limit):
    return [d for d in range(limit) if is_prime(d)]  # the helper's own ``d`` would capture the argument


def test_spectral_norm_spelling() -> None:
    rng = random.Random(1)
    u = [rng.uniform(-2, 2) for _ in range(3000)]
    wide = [((0, []),), ((5, [1, 2.5, -0.0]),), ((-1, [1.0]),), ((0, [math.inf, 1]),), ((2, [10**20, 3]),)]
    new, fired, verdict = verified(times_u, [((7, u),)], wide)
    assert "inline-helper" in fired and "eval_a" not in new and "1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)" in new
    assert verdict.ok, verdict.reason


def test_comprehension_and_docstring_helper() -> None:
    rng = random.Random(2)
    xs = [rng.randint(-(10**6), 10**6) for _ in range(50_000)]
    new, fired, verdict = verified(squares_plus, [(xs,)], [([],), ([0, 1.5, -2],), (["ab"],), ([True, None],)])
    assert "inline-helper" in fired and "[x * x + 1 for x in xs if x]" in new, new
    assert verdict.ok, verdict.reason


def test_two_levels_in_a_while_loop() -> None:
    rng = random.Random(3)
    pts = [(rng.uniform(-9, 9), rng.uniform(-9, 9)) for _ in range(20_000)]
    new, fired, verdict = verified(walk, [(pts,)], [([],), ([(3, 4)],), ([(math.nan, 1)],), ([("a", 1)],)])
    assert "inline-helper" in fired and "sqrt(x * x + y * y) * SCALE" in new and "norm2" not in new, new
    assert verdict.ok, verdict.reason


def test_primality_helpers_become_a_sieve() -> None:
    wide = [(0,), (1,), (2,), (3,), (-5,), (True,), (30.0,)]
    new, fired, verdict = verified(primes_below, [(4000,)], wide)
    assert {"inline-helper", "trial-division"} <= set(fired) and "is_prime" not in new, new
    assert verdict.ok, verdict.reason
    new, fired, verdict = verified(count_primes, [(60_000,)], wide)
    assert {"inline-helper", "trial-division"} <= set(fired), new
    assert verdict.ok, verdict.reason


def test_statement_helpers_become_expressions() -> None:
    wide = [(0,), (1,), (2,), (3,), (-5,), (True,), (30.0,), (2.5,)]
    new, fired, verdict = verified(primes_listed, [(20_000,)], wide)
    assert {"inline-helper", "trial-division"} <= set(fired), new
    assert verdict.ok, verdict.reason
    new, fired, verdict = verified(twin_count, [(20_000,)], wide)
    assert {"inline-helper", "trial-division"} <= set(fired) and "is_prime_loop(k + 2)" in new, new
    assert verdict.ok, verdict.reason
    rng = random.Random(4)
    xs = [rng.randint(-5, 5) for _ in range(100_000)]
    new, fired, verdict = verified(signs, [(xs,)], [([],), ([0.0, -0.0, math.nan],), ([True, -math.inf],)])
    assert "inline-helper" in fired and "1 if v > 0 else -1 if v < 0 else 0" in new, new
    assert verdict.ok, verdict.reason


def test_unsafe_helpers_stay_calls() -> None:
    _, fired = rewrite_real(statement_helpers_stay, [([4, 9],)])
    assert "inline-helper" not in fired
    _, fired = rewrite_real(captured, [(50,)])
    assert "inline-helper" not in fired
    for func in (recursive_in_loop, defaults_in_loop, caller_binds, rebound_in_loop, computed_argument):
        _, fired = rewrite_real(func, [([1, 2, 3],)])
        assert "inline-helper" not in fired, func.__name__
