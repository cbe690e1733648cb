"""Big-int and modular rules (digit chunks, multiplicative order, modular powers) on unannotated functions,
checked end to end through the real verifier."""

from __future__ import annotations

import random

import pytest

from ._rules_support import args, fires, never, run

BIG = [args(random.Random(7).randint(10**2999, 10**3000)), args(random.Random(8).getrandbits(20000))]

DIGITS = {
    "divmod-bytes-prepend": """
        def enc(n):
            alpha = b'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
            out = b''
            while n:
                n, r = divmod(n, 58)
                out = alpha[r:r + 1] + out
            return out
    """,
    "mod-then-floordiv-param-base": """
        def enc(n, base=7):
            digits = []
            while n > 0:
                d = n % base
                digits.append('0123456789abcdefghijklmnopqrstuvwxyz'[d])
                n //= base
            return ''.join(reversed(digits))
    """,
    "inline-mod-read": """
        def enc(n):
            total = 0
            count = 0
            while n != 0:
                total += (n % 10) * (count + 1)
                count += 1
                n = n // 10
            return total, count
    """,
    "str-prepend": """
        def enc(n):
            s = ''
            while 0 < n:
                n, d = divmod(n, 256)
                s = str(d) + ',' + s
            return s
    """,
}


@pytest.mark.parametrize("spelling", sorted(DIGITS))
def test_digit_loops_take_k_digits_per_big_divmod(spelling: str) -> None:
    source = DIGITS[spelling]
    edge = [args(0), args(1), args(57), args(58), args(58**5), args(58**5 - 1), args(256**3), args(10**7), args(True)]
    if spelling in {"mod-then-floordiv-param-base", "str-prepend"}:  # `while n > 0` stops on a negative number
        edge += [args(-5), args(-(10**40)), args(12.0)]
    if spelling == "inline-mod-read":  # `while n != 0` never does; a float reaches 0.0
        edge += [args(12.0), args(10.0**30)]
    if spelling == "mod-then-floordiv-param-base":
        edge += [args(10**50, 2), args(10**50, 36), args(10**50, 40000), args(10**50, 0), args(-3, 1), args(5, 7.0)]
    new = fires(source, "enc", BIG, "digit-chunks", edge=edge)
    assert "_pk_bk0" in new


def test_digit_chunks_stay_away_from_loops_that_need_n_or_leave_early() -> None:
    for body in (
        "n, r = divmod(n, 10)\n        out.append(r + n)",  # reads the quotient after the update
        "n, r = divmod(n, 10)\n        if r == 3:\n            break\n        out.append(r)",
        "out.append(n)\n        n //= 10",  # reads n itself, not n % 10
        "n, r = divmod(n, b)\n        b += 1\n        out.append(r)",  # the base changes
        "n //= 10\n        n //= 10",
    ):
        source = f"def f(n, b=10):\n    out = []\n    while n:\n        {body}\n    return out\n"
        never(source, "f", [args(10**50)], "digit-chunks")


def test_digit_chunks_keep_an_exception_raised_half_way() -> None:
    source = """
        def f(n, table):
            out = []
            while n:
                n, r = divmod(n, 10)
                out.append(table[r])
            return out
    """
    table = list("abcdefgh")  # digits 8 and 9 raise IndexError, wherever they come
    cases = [args(int("1234567" * 300), table), args(int("1234567" * 300 + "9" + "1234567" * 10), table)]
    new = fires(source, "f", cases, "digit-chunks", edge=[args(0, table), args(98, table)])
    assert run(new, "f", int("1" * 100 + "9"), table) == ("raised", IndexError)


ORDERS = {
    "product-loop": """
        def order(x, m):
            if m <= 1:
                return 0
            z = x
            result = 1
            while z != 1:
                z = (z * x) % m
                result = result + 1
            return result
    """,
    "augmented-steps": """
        def order(a, n):
            cur = a % n
            steps = 1
            while 1 != cur:
                cur *= a
                steps += 1
                cur %= n
            return steps
    """,
    "pow-while": """
        def order(g, p):
            k = 1
            while pow(g, k, p) != 1:
                k += 1
            return k
    """,
    "pow-for": """
        def order(g, p):
            for e in range(1, p):
                if pow(g, e, p) == 1:
                    return e
            return None
    """,
}
# (x, m) where every spelling ends: units mod m > 1 (a generator of a prime's group, a tiny order mod a huge
# prime, composite moduli, negative x, x above m, x = 1 mod m), and floats and bools that run the original
UNITS = [args(3, 1_000_003), args(2, 999_983), args(2, 2**61 - 1), args(-1, 10**9 + 7), args(10**6 + 4, 10**6 + 3)]
ORDER_EDGE = [args(1, 7), args(8, 7), args(3, 7), args(-2, 9), args(7, 2), args(5, 4), args(7, 15), args(2, 3**12)]
ORDER_EDGE += [args(7, 3**7 * 2**5 * 11), args(2, 561), args(True, 5), args(2.0, 3)]


@pytest.mark.parametrize("spelling", sorted(ORDERS))
def test_multiplicative_order_by_stepping_uses_phi(spelling: str) -> None:
    source = ORDERS[spelling]
    edge = list(ORDER_EDGE)
    if spelling == "pow-for":  # bounded: non-units end too
        edge += [args(6, 9), args(0, 5), args(4, 1), args(3, 0), args(3, -7)]
    if spelling == "product-loop":  # m <= 1 returns early
        edge += [args(4, 1), args(4, 0), args(4, -3)]
    new = fires(source, "order", UNITS, "multiplicative-order", edge=edge)
    assert "_pk_gcd(" in new


def test_multiplicative_order_stays_away_from_other_steps() -> None:
    for source in (
        "def f(x, m):\n    z = x\n    c = 1\n    while z != 1:\n        z = z * z % m\n        c += 1\n    return c\n",
        "def f(x, m):\n    z = 1\n    c = 0\n    while z != 1:\n        z = z * x % m\n        c += 1\n    return c\n",
        "def f(x, m):\n    z = x\n    c = 1\n    while z != 1:\n        z = z * x % m\n        c += 2\n    return c\n",
        "def f(x, m):\n    k = 1\n    while pow(x, k, m) != 1:\n        k += 2\n    return k\n",
        "def f(x, m):\n    for k in range(1, m):\n        if pow(x, k, m) == 1:\n            break\n    return k\n",
        "def f(x, m):\n    for k in range(1, m):\n        print(k)\n"
        "        if pow(x, k, m) == 1:\n            return k\n",
    ):
        never(source, "f", [args(3, 7)], "multiplicative-order")


POWERS = {
    "while-bits": """
        def power(b, e, m):
            r = 1
            b %= m
            while e > 0:
                if e & 1:
                    r = r * b % m
                b = b * b % m
                e >>= 1
            return r
    """,
    "while-halving-first": """
        def power(base, exp, mod):
            result = 1
            while exp:
                if exp % 2 == 1:
                    result *= base
                    result %= mod
                exp //= 2
                base = pow(base, 2, mod)
            return result
    """,
    "in-a-witness-loop": """
        def witnesses(n, bases):
            out = []
            for a in bases:
                y = 1
                x = a
                d = n - 1
                while d != 0:
                    if d % 2:
                        y = (x * y) % n
                    x = (x * x) % n
                    d = d // 2
                out.append(y)
            return out
    """,
}
POWER_CASES = [args(3, 2**61 + 15, 2**61 - 1), args(7, 10**40 + 3, 10**9 + 7), args(2**300 + 1, 3**200, 2**255 - 19)]
POWER_EDGE = [args(2, 0, 7), args(2, 0, 1), args(5, 3, 1), args(-3, 5, 7), args(3, 5, -7)]
POWER_EDGE += [args(2.0, 5, 7), args(2, 5, 7.0), args(True, 3, 5), args(0, 4, 9), args(3, 10, 0)]


@pytest.mark.parametrize("spelling", sorted(POWERS))
def test_square_and_multiply_loops_become_pow(spelling: str) -> None:
    source = POWERS[spelling]
    if spelling == "in-a-witness-loop":
        cases = [args(2**89 - 1, [2, 3, 5, 7, 11, 13]), args(10**30 + 57, list(range(2, 40)))]
        edge = [args(1, [2, 3]), args(2, [5]), args(3, [0, -2]), args(561, [2, 3.0, True]), args(9, []), args(2.0, [3])]
        name = "witnesses"
    else:
        cases, edge, name = POWER_CASES, list(POWER_EDGE), "power"
        edge += [args(3, -2, 7)] if spelling == "while-bits" else []  # `while exp:` never ends on a negative
    new = fires(source, name, cases, "modular-power", edge=edge)
    assert "pow(" in new


RECURSIVE = {
    "square-then-odd": """
        def mpow(b, e, m):
            if e == 0:
                return 1
            h = mpow(b, e // 2, m)
            h = (h * h) % m
            if e % 2 == 1:
                h = (h * b) % m
            return h
    """,
    "return-branches": """
        def mpow(x, n, p):
            if not n:
                return 1
            half = mpow(x, n >> 1, p)
            if n & 1:
                return half * half * x % p
            return half * half % p
    """,
    "squared-call": """
        def mpow(a, k, q):
            if k <= 0:
                return 1
            t = mpow(a, k // 2, q) ** 2 % q
            if k % 2:
                t = t * a % q
            return t
    """,
}


@pytest.mark.parametrize("spelling", sorted(RECURSIVE))
def test_square_and_multiply_by_recursion_becomes_pow(spelling: str) -> None:
    edge = [args(2, 0, 7), args(2, 0, 1), args(5, 3, 1), args(-3, 5, 7), args(3, 5, -7), args(2.0, 5, 7)]
    edge += [args(True, 3, 5), args(3, 10, 0)] + ([args(3, -2, 7)] if spelling == "squared-call" else [])
    new = fires(RECURSIVE[spelling], "mpow", POWER_CASES, "recursive-power", edge=edge)
    assert "return pow(" in new


def test_modular_power_stays_away_when_the_loop_leaves_values_behind() -> None:
    loop = "    while e > 0:\n        if e & 1:\n            r = r * b % m\n        b = b * b % m\n        e >>= 1\n"
    for head, tail in (
        ("    r = 1\n", "    return r, e\n"),  # e read after the loop
        ("    r = 2\n", "    return r\n"),  # not started from 1
        ("    r = 1\n", "    return b\n"),
    ):
        never("def f(b, e, m):\n" + head + loop + tail, "f", [args(3, 5, 7)], "modular-power")
    wrong_bit = loop.replace("if e & 1", "if e & 2")
    never("def f(b, e, m):\n    r = 1\n" + wrong_bit + "    return r\n", "f", [args(3, 5, 7)], "modular-power")


def test_big_int_rules_leave_global_names_alone() -> None:
    digits = "def f(n):\n    global out\n    while n:\n        n, r = divmod(n, 10)\n        out.append(r)\n"
    never(digits, "f", [args(10**50)], "digit-chunks")
    order = "def f(x, m):\n    global z\n    z = x\n    c = 1\n    while z != 1:\n        z = z * x % m\n"
    never(order + "        c += 1\n    return c\n", "f", [args(3, 7)], "multiplicative-order")
