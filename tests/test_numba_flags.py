"""Flags fixed at their defaults: when a function cannot be compiled as a whole because of a branch that a flag
parameter switches on, the kernel is made for the default and every other call runs the original.

Three spellings (``if normalized: return other(...)``, ``if reverse: xs = xs[::-1]``, ``if not exact: return
approx(...)``) and what must not be fixed; unannotated, the functions live here for the verifier's children.
"""

from __future__ import annotations

import random

from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._numba_flags import flags_fixed

from .test_numba_ints import _candidate, _mismatches


def describe(xs):
    return [str(x) for x in xs]


def spread(xs, normalized=False):
    if normalized:
        return describe(xs)
    low = high = xs[0]
    for x in xs:
        if x < low:
            low = x
        if x > high:
            high = x
    return high - low


def first_rise(xs, reverse=False):
    if reverse:
        xs = xs[::-1]
    for i in range(1, len(xs)):
        if xs[i] > xs[i - 1]:
            return i
    return -1


def settle(xs, exact=True):
    if not exact:
        return sorted(xs)[len(xs) // 2]
    total = 0
    for x in xs:
        total += x * x
    return total


def test_only_flags_used_as_truth_or_identity_tests_are_fixed() -> None:
    source = "def f(xs, a=False, b=None, c=True, d=0, e=None):\n    if a or b is None:\n        g(xs)\n"
    source += "    if c and e:\n        return e\n    return d"
    fixed = flags_fixed(source, "f")
    assert fixed is not None and fixed[1] == {"a": False, "b": None, "c": True}  # d is not a singleton, e is read
    assert "g(xs)" in fixed[0]  # b is None: the branch stays (True)
    kept = flags_fixed("def f(xs, a=False):\n    if h(xs) and a:\n        g(xs)\n    return a", "f")
    assert kept is None  # a is returned: not a flag
    side = flags_fixed("def f(xs, a=False):\n    if h(xs) and a:\n        g(xs)\n    return 1", "f")
    assert side is not None and "h(xs)" in side[0]  # h(xs) runs before the flag: the test stays
    assert flags_fixed("def f(xs):\n    return xs", "f") is None


def test_a_kernel_for_the_default_and_the_original_for_other_calls() -> None:
    rng = random.Random(3)
    lists = [(([rng.randrange(-50, 50) for _ in range(n)],), {}) for n in (5, 40)]
    for func, others in ((spread, {"normalized": True}), (first_rise, {"reverse": True}), (settle, {"exact": False})):
        candidate = _candidate(func, lists)
        trials = [(xs,) for (xs,), _ in lists] + [([3, 2, 1],), ([2**62, 2**62],)]
        assert not _mismatches(func, candidate, trials), func.__name__
        for (xs,), _ in lists:  # the non-default calls: the original's answer (strings, a reversed walk, a median)
            assert candidate(xs, **others) == func(xs, **others)


def test_a_flag_kernel_through_the_real_verifier() -> None:
    rng = random.Random(4)
    lists = [(([rng.uniform(-9, 9) for _ in range(n)],), {}) for n in (10, 200)]
    result = optimize_function(spread, stress_inputs=lists, proposers=[NumbaProposer()], examples=20, max_sizes=1)
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "normalized is False" in attempt.note
