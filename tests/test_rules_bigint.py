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
