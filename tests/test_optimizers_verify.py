"""The verifier, in its sandboxed child: same results pass; wrong results, exception types, mutations, timeouts
and crashes are caught and described."""

from __future__ import annotations

import pytest
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers.verify import Tolerance, verify

from perfkit.errors import InvalidArgument

from .fixtures import slow_funcs as sf

MOD = sf.__name__
ORIGINAL = CodeRef(MOD, "sum_squares")
INPUTS = [(([],), {}), (([1.5, -2.0],), {}), (([0.1] * 50,), {})]


def candidate(source: str, name: str = "sum_squares") -> CodeRef:
    return CodeRef(MOD, name, source)


def test_equivalent_candidate_passes_with_float_tolerance() -> None:
    good = "def sum_squares(xs):\n    return float(sum(x * x for x in reversed(xs)))\n"
    verdict = verify(ORIGINAL, candidate(good), INPUTS)
    assert verdict.ok and verdict.kind == "ok" and verdict.checked == 3


def test_float_tolerance_is_honoured() -> None:
    off = "def sum_squares(xs):\n    return sum([x * x for x in xs], 0.0) * (1 + 1e-7)\n"
    assert not verify(ORIGINAL, candidate(off), INPUTS).ok
    assert verify(ORIGINAL, candidate(off), INPUTS, tolerance=Tolerance(rel=1e-6)).ok


def test_wrong_return_value_or_type_is_caught_with_expected_and_got() -> None:
    wrong = "def sum_squares(xs):\n    return sum(x * x for x in xs[1:]) * 1.0\n"
    verdict = verify(ORIGINAL, candidate(wrong), INPUTS)
    assert not verdict.ok and verdict.kind == "wrong" and verdict.input_index == 1
    assert "expected 6.25, got 4.0" in verdict.reason
    as_int = "def sum_squares(xs):\n    return 0 if not xs else sum(x * x for x in xs)\n"
    verdict = verify(ORIGINAL, candidate(as_int), INPUTS)
    assert verdict.kind == "wrong" and "expected float 0.0, got int 0" in verdict.reason


def test_exception_type_differences_are_caught() -> None:
    raises = (
        "def sum_squares(xs):\n    if not xs:\n        raise ValueError('empty')\n"
        "    return 0.0 + sum(x * x for x in xs)\n"
    )
    verdict = verify(ORIGINAL, candidate(raises), INPUTS)
    assert verdict.kind == "exception" and "expected no exception, got ValueError: empty" in verdict.reason
    other_type = "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n"
    verdict = verify(CodeRef(MOD, "dedupe"), candidate(other_type, "dedupe"), [(([[1], [1]],), {})])
    assert verdict.kind == "exception" and "expected no exception, got TypeError" in verdict.reason


def test_same_exception_type_counts_as_same_behaviour() -> None:
    other_message = (
        "def count_primes(n):\n    if not isinstance(n, int):\n        raise TypeError('nope')\n"
        "    return sum(all(k % d for d in range(2, k)) for k in range(2, n))\n"
    )
    verdict = verify(
        CodeRef(MOD, "count_primes"), candidate(other_message, "count_primes"), [(("x",), {}), ((30,), {})]
    )
    assert verdict.ok, verdict.reason


def test_mutation_of_arguments_is_compared() -> None:
    no_sort = "def mutate_sort(xs):\n    return len(xs)\n"
    verdict = verify(CodeRef(MOD, "mutate_sort"), candidate(no_sort, "mutate_sort"), [(([3, 1, 2],), {})])
    assert verdict.kind == "mutation" and "arguments after the call differ" in verdict.reason
    sorted_copy = "def mutate_sort(xs):\n    xs[:] = sorted(xs)\n    return len(xs)\n"
    assert verify(CodeRef(MOD, "mutate_sort"), candidate(sorted_copy, "mutate_sort"), [(([3, 1, 2],), {})]).ok


def test_a_candidate_that_hangs_times_out() -> None:
    hangs = "def sum_squares(xs):\n    while True:\n        pass\n"
    verdict = verify(ORIGINAL, candidate(hangs), INPUTS, min_timeout=0.5)
    assert verdict.kind == "timeout" and verdict.input_index == 0 and "no result within 0.5 s" in verdict.reason


def test_an_input_the_original_cannot_finish_is_skipped() -> None:
    same = "def spin(n):\n    while n >= 0:\n        n += 1\n    return n\n"
    verdict = verify(
        CodeRef(MOD, "spin"), candidate(same, "spin"), [((-3,), {}), ((1,), {}), ((-1,), {})], original_timeout=0.5
    )
    assert verdict.ok and verdict.checked == 2


def test_candidate_that_does_not_load_or_kills_its_process() -> None:
    broken = "def sum_squares(xs):\n    return undefined_name\n"
    assert verify(ORIGINAL, candidate(broken), INPUTS).kind == "exception"
    bad_syntax = "def sum_squares(xs) return 1\n"
    verdict = verify(ORIGINAL, candidate(bad_syntax), INPUTS)
    assert verdict.kind == "exception" and "SyntaxError" in verdict.reason
    exits = "import os\ndef sum_squares(xs):\n    os._exit(3)\n"
    verdict = verify(ORIGINAL, candidate(exits), INPUTS)
    assert verdict.kind == "crash" and "exited with status 3" in verdict.reason


def test_inputs_are_validated_first() -> None:
    with pytest.raises(InvalidArgument, match="inputs="):
        verify(ORIGINAL, ORIGINAL, [([1.0],)])  # type: ignore[list-item]
