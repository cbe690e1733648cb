"""The numba proposer's boundaries for strings and list results, and timing of functions that change their
arguments in place (each checked by running the real candidates in child processes)."""

from __future__ import annotations

import random

from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers.numba_jit import numeric_kinds, text_params
from perfkit.optimizers.speed import mutates_arguments

from .fixtures import numba_funcs as nf
from .test_optimizers_loop import context

QUICK = {"examples": 20, "measure_rounds": 2, "max_sizes": 1, "rounds": 1}


def test_strings_become_code_points_only_when_that_cannot_change_the_result() -> None:
    assert text_params(context(nf.edit_distance, [(("ab", "b"), {})], {"int"})) == {"a", "b"}
    assert numeric_kinds(context(nf.edit_distance, [(("ab", "b"), {})], {"int"})) == {"a": "text", "b": "text"}
    assert text_params(context(nf.count_a, [(("ab",), {})], {"int"})) == set()
    assert numeric_kinds(context(nf.count_a, [(("ab",), {})], {"int"})) is None
    assert text_params(context(nf.same_halves, [(("abab",), {})], {"bool"})) == set()


def test_list_results_are_numba_friendly_but_not_lists_of_other_things() -> None:
    assert numeric_kinds(context(nf.scaled, [(([1.0],), {"k": 2.0})], {"list[float]"})) == {
        "xs": "array",
        "k": "scalar",
    }
    assert numeric_kinds(context(nf.scaled, [(([1.0],), {"k": 2.0})], {"list[str]"})) is None
    assert numeric_kinds(context(nf.scaled, [(([],), {"k": 2.0})], {"list[]"})) is None


def test_an_in_place_sort_is_detected_and_timed_on_fresh_copies() -> None:
    rng = random.Random(4)
    inputs = [(([rng.randrange(1000) for _ in range(n)],), {}) for n in (20, 300)]
    original = CodeRef(nf.insertion_sort.__module__, "insertion_sort")
    assert mutates_arguments(original, inputs, timeout=30)
    assert not mutates_arguments(CodeRef(nf.scaled.__module__, "scaled"), [(([1.0, 2.0], 3.0), {})], timeout=30)

    result = optimize_function(nf.insertion_sort, stress_inputs=inputs, proposers=[NumbaProposer()], **QUICK)
    (attempt,) = result.history
    assert attempt.verdict == "accepted", attempt.reason
    # on a fresh copy each time the original does its quadratic work in every call; timed on the list its first
    # call sorted, it would do linear work and the candidate (which converts the list) would look slower
    assert attempt.speed is not None and attempt.speed.low > 2.0

    candidate = CodeRef(nf.insertion_sort.__module__, "insertion_sort", attempt.source).load()
    xs = [3, 1, 2]
    assert candidate(xs) is xs and xs == [1, 2, 3]


def test_a_string_kernel_is_verified_and_faster() -> None:
    rng = random.Random(5)

    def word(n: int) -> str:
        return "".join(rng.choice("abcé😀") for _ in range(n))

    inputs = [((word(n), word(n)), {}) for n in (5, 120)]
    result = optimize_function(nf.edit_distance, stress_inputs=inputs, proposers=[NumbaProposer()], **QUICK)
    (attempt,) = result.history
    assert attempt.verdict == "accepted", attempt.reason
    candidate = CodeRef(nf.edit_distance.__module__, "edit_distance", attempt.source).load()
    assert candidate("kitten", "sitting") == 3 and candidate("😀é", "é") == 1 and candidate("", "abc") == 3
