"""Number-theory rules (sieve, sqrt bound, divisor pairs, gcd, factorial) on unannotated functions, real verifier."""

from __future__ import annotations

import pytest

from ._rules_support import args, fires, never, run

NUMBERS = [args(n) for n in (-7, -1, 0, 1, 2, 3, 4, 9, 25, 97, 100, 7919)] + [args(2.0), args(True), args(None)]

SIEVES = {
    "all-in-comprehension": "return sum(1 for k in range(2, n) if all(k % d for d in range(2, k)))",
    "all-sqrt-list": "return [k for k in range(n) if k > 1 and all(k % d != 0 for d in range(2, int(k ** 0.5) + 1))]",
    "not-any-loop": "c = 0\n    for k in range(3, n + 1):\n"
    "        if not any(k % d == 0 for d in range(2, k // 2 + 1)):\n            c += k\n    return c",
}


@pytest.mark.parametrize("spelling", sorted(SIEVES))
def test_primality_expressions_in_a_range_loop_use_a_sieve(spelling: str) -> None:
    source = "def f(n):\n    " + SIEVES[spelling] + "\n"
    new = fires(source, "f", [args(3000)], "trial-division", edge=NUMBERS)
    assert "_pk_sieve0" in new


IS_PRIME = {
    "for-return": """
        def is_prime(n):
            if n < 2:
                return False
            for d in range(2, n):
                if n % d == 0:
                    return False
            return True
    """,
    "all": """
        def is_prime(n):
            return n > 1 and all(n % d for d in range(2, n))
    """,
    "not-any-half": """
        def is_prime(n):
            if n <= 1:
                return False
            return not any(n % d == 0 for d in range(2, n // 2 + 1))
    """,
    "flag-break": """
        def is_prime(n):
            prime = n >= 2
            for d in range(2, n):
                if not n % d:
                    prime = False
                    break
            return prime
    """,
    "no-guard": """
        def is_prime(n):
            for d in range(2, n):
                if n % d == 0:
                    return False
            return True
    """,
}


@pytest.mark.parametrize("spelling", sorted(IS_PRIME))
def test_trial_division_up_to_n_stops_at_its_square_root(spelling: str) -> None:
    big = [args(1_000_003), args(999_983 * 2), args(104_729), args(1_000_000)]
    new = fires(IS_PRIME[spelling], "is_prime", big, "prime-bound", edge=NUMBERS)
    assert "_pk_isqrt(n)" in new


def test_prime_bound_stays_away_from_other_starts_and_tests() -> None:
    for source in (
        "def f(n):\n    for d in range(3, n):\n        if n % d == 0:\n            return False\n    return True\n",
        "def f(n):\n    for d in range(2, n):\n        if n % d == 1:\n            return False\n    return True\n",
        "def f(n):\n    c = 0\n    for d in range(2, n):\n        if n % d == 0:\n            c += 1\n    return c\n",
        "def f(n):\n    for d in range(2, n):\n        if n % d == 0:\n            break\n    return d\n",
    ):
        never(source, "f", [args(10)], "prime-bound")


DIVISORS = {
    "sum-loop": "total = 0\n    for d in range(1, n + 1):\n        if n % d == 0:\n"
    "            total += d\n    return total",
    "proper-sum": "return sum(d for d in range(1, n) if n % d == 0)",
    "list": "return [d for d in range(1, n + 1) if n % d == 0]",
    "count-odd": "return len([d for d in range(1, n // 2 + 1) if n % d == 0 and d % 2])",
}


@pytest.mark.parametrize("spelling", sorted(DIVISORS))
def test_divisor_scans_use_pairs_up_to_the_square_root(spelling: str) -> None:
    source = "def f(n):\n    " + DIVISORS[spelling] + "\n"
    new = fires(source, "f", [args(2_000_000), args(720_720), args(999_983)], "divisor-scan", edge=NUMBERS)
    assert "_pk_isqrt(n)" in new


def test_perfect_numbers_in_a_loop() -> None:
    source = """
        def perfect(limit):
            out = []
            for n in range(2, limit):
                if sum(d for d in range(1, n) if n % d == 0) == n:
                    out.append(n)
            return out
    """
    fires(source, "perfect", [args(3000)], "divisor-scan", edge=[args(0), args(-3), args(30)])


GCDS = {
    "count-up": "best = 1\n    for d in range(1, min(x, y) + 1):\n        if x % d == 0 and y % d == 0:\n"
    "            best = d\n    return best",
    "subtraction": "while a != b:\n        if a > b:\n            a -= b\n"
    "        else:\n            b -= a\n    return a",
    "count-down": "for d in range(min(a, b), 0, -1):\n        if a % d == 0 and b % d == 0:\n            return d\n"
    "    return 1",
}


@pytest.mark.parametrize("spelling", sorted(GCDS))
def test_gcd_loops_become_math_gcd_for_positive_ints(spelling: str) -> None:
    names = "x, y" if spelling == "count-up" else "a, b"
    source = f"def g({names}):\n    " + GCDS[spelling] + "\n"
    cases = [args(2**40 * 3, 2**20 * 9), args(1_000_000, 10), args(17, 5), args(12, 12), args(1, 1)]
    edge = [args(-4, 6), args(4, -6), args(0, 5), args(2.5, 1.5), args(True, 2)]
    if spelling == "subtraction":  # the original never ends on a zero or a negative
        edge = [args(2.5, 1.5), args(True, 2)]
    if spelling.startswith("count"):
        cases = cases[1:]  # the original counts from 2**20
    new = fires(source, "g", cases, "gcd-factorial", edge=edge)
    assert "_pk_gcd(" in new


FACTORIALS = {
    "for": "r = 1\n    for i in range(1, n + 1):\n        r *= i\n    return r",
    "for-two": "result = 1\n    for k in range(2, n + 1):\n        result = result * k\n    return result",
    "while": "acc = 1\n    while n > 1:\n        acc *= n\n        n -= 1\n    return acc",
}


@pytest.mark.parametrize("spelling", sorted(FACTORIALS))
def test_factorial_loops_become_math_factorial_keeping_negative_results(spelling: str) -> None:
    source = "def fact(n):\n    " + FACTORIALS[spelling] + "\n"
    new = fires(source, "fact", [args(3000), args(20)], "gcd-factorial", edge=[*NUMBERS[:-3], args(True)])
    assert run(new, "fact", -5) == ("ok", 1)


def test_gcd_and_factorial_need_the_whole_function_to_be_the_loop() -> None:
    extra = "def g(a, b):\n    print(a)\n    while a != b:\n        if a > b:\n            a -= b\n        else:\n"
    extra += "            b -= a\n    return a\n"
    euclid = "def g(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n"  # O(log n) already
    never(euclid, "g", [args(4, 6)], "gcd-factorial")
    default = "def fact(n=5):\n    r = 1\n    for i in range(1, n + 1):\n        r *= i\n    return r\n"
    never(extra, "g", [args(4, 6)], "gcd-factorial")
    never(default, "fact", [args(4)], "gcd-factorial")
