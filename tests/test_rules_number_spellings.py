"""Trial division spelled with a while loop (``d = 2; while d < n: ...; d += 1``) reaches the sqrt bound of
``prime-bound``; unannotated functions, checked through the real verifier."""

from __future__ import annotations

import pytest

from ._rules_support import args, fires, never, run

NUMBERS = [args(n) for n in (-7, -1, 0, 1, 2, 3, 4, 9, 25, 97, 100, 7919)] + [args(2.0), args(7.5), args(True)]

WHILE_SCANS = {
    "return-false": """
        def is_prime(n):
            if n < 2:
                return False
            d = 2
            while d < n:
                if n % d == 0:
                    return False
                d += 1
            return True
    """,
    "flag-break-half": """
        def is_prime(n):
            ok = n > 1
            i = 2
            while i <= n // 2:
                if not n % i:
                    ok = False
                    break
                i = i + 1
            return ok
    """,
    "smallest-factor": """
        def smallest_factor(n):
            k = 2
            while k < n:
                if 0 == n % k:
                    return 'composite'
                k += 1
            return 'prime or unit'
    """,
}


@pytest.mark.parametrize("spelling", sorted(WHILE_SCANS))
def test_while_trial_division_stops_at_the_square_root(spelling: str) -> None:
    source = WHILE_SCANS[spelling]
    name = "smallest_factor" if spelling == "smallest-factor" else "is_prime"
    big = [args(1_000_003), args(999_983 * 2), args(104_729), args(1_000_000)]
    new = fires(source, name, big, "prime-bound", edge=NUMBERS)
    assert "_pk_isqrt(n)" in new
    assert run(new, name, 7.5) == run(source, name, 7.5)  # a float runs the while loop


def test_while_scans_that_need_the_divisor_stay_as_they_are() -> None:
    test = "        if n % d == 0:\n"
    for body in (
        "    d = 2\n    while d < n:\n" + test + "            return d\n        d += 1\n    return n\n",
        "    d = 2\n    while d < n:\n" + test + "            break\n        d += 1\n    return d\n",
        "    d = 3\n    while d < n:\n" + test + "            return False\n        d += 1\n    return True\n",
        "    d = 2\n    while d < n:\n" + test + "            return False\n        d += 2\n    return True\n",
    ):
        never("def f(n):\n" + body, "f", [args(101)], "prime-bound")
