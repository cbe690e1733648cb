"""Big ints in numba kernels: every integer operation that could leave int64 is checked, so arguments up to 2**63
are taken and an overflow hands the call to the original (never a wrapped result).

The kernels below are unannotated spellings of trial division, modular arithmetic and bit twiddling; the
candidates are compared with the originals near 2**62 and 2**63 and past int64, and one goes through the real
verifier. The functions live in this module so that the verifier's child processes can import them.
"""

from __future__ import annotations

import ast
import math
import textwrap
from typing import Any

import pytest
from perfkit.optimizers import Context, NumbaProposer, optimize_function
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._numba_ints import checked_ints
from perfkit.optimizers._numba_scan import Refused

from ._contexts import observed_context

Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]


def smallest_factor(n):
    if n % 2 == 0:
        return 2
    i = 3
    while i * i <= n:
        if n % i == 0:
            return i
        i += 2
    return n


def is_prime_root(n):
    if n < 2:
        return False
    for d in range(2, int(n**0.5) + 1):  # noqa: SIM110  (the loop is the spelling under test)
        if n % d == 0:
            return False
    return True


def is_prime_quotient(n):
    if n < 2:
        return False
    d = 2
    while d <= n // d:
        if n % d == 0:
            return False
        d = d + 1
    return True


def is_prime_isqrt(n):
    if n < 2:
        return False
    for d in range(2, math.isqrt(n) + 1):  # noqa: SIM110
        if n % d == 0:
            return False
    return True


def power_mod(base, exp, mod):
    result = 1
    base = base % mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        base = base * base % mod
        exp >>= 1
    return result


def rolling_hash(n):
    h = 0
    for i in range(n):
        h = h * 31 + i
    return h % 1000003


def shifted(x, k):
    return (x << k) + (x >> 3) - ~x


def scaled_floor(x):
    return int(x * 1e10) + round(x) + math.floor(x * 3.0)


def near(n, f):
    return n < f or n == f or n / 3 > f


# near 2**62 and 2**63 (composites with small factors: the originals finish), at the edges, and past int64
_BIG = [2**62 + 1, 2**63 - 1, 2**63 - 3, 2**63 - 2, 3 * (2**61 + 1), 1000003 * 1000033, 2**53 + 1, 2**31 - 1]
_EDGES = [0, 1, 2, -5, 2**63, 2**64 + 1, -(2**63), -(2**63) + 1]


def _context(func: Any, inputs: Inputs) -> Context:
    """The context the loop would build, with the module's source."""
    return observed_context(func, inputs, module_source=True)


def _candidate(func: Any, inputs: Inputs) -> Any:
    proposer = NumbaProposer()
    found = proposer.propose(_context(func, inputs), n=1)
    assert found, proposer.rejections
    return CodeRef(func.__module__, func.__name__, found[0].source).load()


def _outcome(func: Any, args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return "returned", func(*args)
    except Exception as exc:
        return "raised", type(exc)


def _mismatches(func: Any, candidate: Any, trials: list[tuple[Any, ...]]) -> list[Any]:
    wrong = []
    for args in trials:
        want, got = _outcome(func, args), _outcome(candidate, args)
        if want != got or type(want[1]) is not type(got[1]):
            wrong.append((args, want, got))
    return wrong


# --- the rewrite itself (no numba) ---------------------------------------------------------------------------------


def _rewritten(source: str) -> str:
    func = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(func, ast.FunctionDef)
    local = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return ast.unparse(checked_ints(func, math_names={"math": "math", "isqrt": "isqrt"}, local=local))


def test_small_counters_stay_and_everything_else_is_checked() -> None:
    out = _rewritten(
        """
        def f(a, n):
            width = len(a) + 2
            total = 0
            for i in range(1, len(a) + 1):
                total += a[i - 1] * width
                if a[i] < n < total:
                    total = total << 1
            while total * total > n:
                total = int(math.sqrt(total)) + isqrt(n)
            return [x ** 2 for x in range(n, 2 * n, 3)], sum(a), total / n, 5 in a, sum(a, n)
        """
    )
    assert "a[i - 1]" in out and "range(1, len(a) + 1)" in out  # small by construction: untouched
    assert "total = _pkb_iadd(total, _pkb_mul(a[i - 1], width))" in out
    assert "_pkb_lt(a[i], n) and _pkb_lt(n, total)" in out and "_pkb_lshift(total, 1)" in out
    assert "_pkb_gt(_pkb_mul(total, total), n)" in out and "_pkb_int(" in out and "_pkb_isqrt(n)" in out
    assert "_pkb_range3(n, _pkb_mul(2, n), 3)" in out and "_pkb_pow(x, 2)" in out and "_pkb_sum(a)" in out
    assert "_pkb_truediv(total, n)" in out and "_pkb_in(5, a)" in out and "_pkb_sum_from(a, n)" in out


def test_list_displays_are_sequences_not_ints() -> None:
    out = _rewritten("def f(xs, n, k):\n    xs += [n]\n    ys = [0] * n + xs\n    return ys, n * k")
    assert "xs += [n]" in out and "ys = [0] * n + xs" in out and "_pkb_mul(n, k)" in out


def test_repeated_operands_with_side_effects_and_huge_constants_are_refused() -> None:
    with pytest.raises(Refused, match="chains"):
        _rewritten("def f(a, g):\n    return 0 < g(a) < 5")
    with pytest.raises(Refused, match="side effects"):
        _rewritten("def f(a, g):\n    a[g(a)] += 1")
    with pytest.raises(Refused, match="past numba"):
        _rewritten(f"def f(a):\n    return a + {2**64}")
    expected = "def f(a, i):\n    a[_pkb_add(i, 1)] = _pkb_iadd(a[_pkb_add(i, 1)], 2)"  # pure: read twice
    assert _rewritten("def f(a, i):\n    a[i + 1] += 2") == expected


# --- compiled candidates against the originals -------------------------------------------------------------------


def test_trial_division_near_int64_is_exact_or_falls_back() -> None:
    candidate = _candidate(smallest_factor, [((91,), {}), ((1000003 * 1000033,), {})])
    trials = [(n,) for n in _BIG + _EDGES]
    assert not _mismatches(smallest_factor, candidate, trials)
    assert candidate(1000003 * 1000033) == 1000003 and candidate(2**64 + 1) == 274177


@pytest.mark.slow
@pytest.mark.parametrize("func", [is_prime_root, is_prime_quotient, is_prime_isqrt])
def test_other_spellings_of_trial_division(func: Any) -> None:
    candidate = _candidate(func, [((91,), {}), ((10**9 + 7,), {})])
    assert not _mismatches(func, candidate, [(n,) for n in _BIG + _EDGES])


def test_products_that_would_wrap_go_to_the_original() -> None:
    hashed = _candidate(rolling_hash, [((5,), {}), ((10,), {})])
    assert not _mismatches(rolling_hash, hashed, [(n,) for n in (5, 12, 13, 14, 20, 100)])  # 31**13 > 2**63
    powers = _candidate(power_mod, [((3, 1000, 1000003), {}), ((7, 10**6, 10**9 + 7), {})])
    mods = (97, 2**31 - 1, 2**32 + 15, 2**62 - 57)
    trials = [(b, e, m) for b in (3, 2**40, 2**62) for e in (5, 2**40) for m in mods]
    assert not _mismatches(power_mod, powers, trials)


@pytest.mark.slow
def test_shifts_float_conversions_and_mixed_comparisons() -> None:
    shifts = _candidate(shifted, [((5, 3), {}), ((1000, 20), {})])
    trials = [(x, k) for x in (1, -1, 3, 2**40, -(2**40), 2**62) for k in (0, 1, 20, 23, 62, 63, 64, 100)]
    assert not _mismatches(shifted, shifts, trials)
    floors = _candidate(scaled_floor, [((0.5,), {}), ((2.7,), {})])
    assert not _mismatches(scaled_floor, floors, [(x,) for x in (0.5, 1e8, 9.2e8, 1e12, 4e18, 1e30, -1e30, 3.5)])
    compared = _candidate(near, [((3, 3.5), {}), ((4, 2.0), {})])
    trials = [(n, f) for n in (3, 2**53, 2**53 + 1, 2**60 + 1) for f in (3.0, 2.0**53, 2.0**60)]
    assert not _mismatches(near, compared, trials)


def test_big_primes_are_taken_by_the_kernel_through_the_real_verifier() -> None:
    inputs = [((n,), {}) for n in (10**9 + 7, 1000003 * 1000033, 999999000001)]
    result = optimize_function(
        smallest_factor,
        stress_inputs=inputs,
        proposers=[NumbaProposer()],
        examples=20,
        measure_rounds=2,
        max_sizes=1,
        rounds=1,
    )
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    candidate = CodeRef(__name__, "smallest_factor", attempt.source).load()
    kernel = candidate.__globals__["_pk_jit_smallest_factor"]
    seen = []
    candidate.__globals__["_pk_jit_smallest_factor"] = lambda *args: seen.append(args) or kernel(*args)
    assert candidate(999999000001) == 999999000001 and seen == [(999999000001,)]  # a prime past 2**31: the kernel
