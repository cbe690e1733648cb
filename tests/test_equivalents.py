"""The library-equivalents proposer: which re-implementations get which library call, and the verifier decides.

Spellings: a bubble sort in place and returned, an insertion sort into a new list, a selection sort in place
named for what it does (no "sort" in its name: the swap shows it), Euclid's gcd (made sign-safe) and a signed one,
a factorial loop, a hand-written permutations generator, an order-keeping de-duplication in camel case."""

from __future__ import annotations

import pytest
from perfkit.optimizers._code import function_source
from perfkit.optimizers._types import Context
from perfkit.optimizers.equivalents import EquivalentsProposer, candidates_for
from perfkit.optimizers.loop import optimize_function

from ._contexts import observed_context as context
from .fixtures import reimplemented as re_

QUICK = {"examples": 120, "measure_rounds": 2, "max_sizes": 1}


def notes(func, inputs, returns) -> list[str]:
    return [c.note.removeprefix("library equivalent: ") for c in candidates_for(context(func, inputs, returns))]


@pytest.mark.parametrize(
    ("func", "inputs", "returns", "first"),
    [
        (re_.bubble_sort, [(([3, 1, 2],), {})], {"list[int]"}, "sorted"),
        (re_.insertion_sorted, [((["b", "a"],), {})], {"list[str]"}, "sorted"),
        (re_.arrange, [(([2.5, 1.0],), {})], {"NoneType"}, "sort in place"),
        (re_.gcd, [((12, 18), {})], {"int"}, "math.gcd"),
        (re_.signed_hcf, [((12, 18), {})], {"int"}, "math.gcd"),
        (re_.factorial, [((10,), {})], {"int"}, "math.factorial"),
        (re_.permutations, [(([1, 2, 3], 2), {}), (("abc",), {})], {"generator (iterator)"}, "itertools.permutations"),
        (re_.uniqueItems, [(([1, 2, 1],), {})], {"list[int]"}, "order-keeping de-duplication"),
        (re_.insertion_sort_by, [(([(2, "b"), (1, "a")], len), {})], {"list[tuple[int, str]]"}, "sorted by key"),
    ],
)
def test_each_spelling_gets_its_equivalent_first(func, inputs, returns, first) -> None:
    assert notes(func, inputs, returns)[0] == first


def test_candidates_keep_the_signature_and_the_result_form() -> None:
    found = candidates_for(context(re_.permutations, [(([1, 2],), {})], {"generator (iterator)"}))
    assert found[0].source.startswith("def permutations(seq, r=None):") and "yield from" in found[0].source
    as_list = candidates_for(context(re_.permutation_list, [(([1, 2],), {})], {"list[tuple[int, int]]"}))
    assert "return list(itertools.permutations(xs))" in as_list[0].source
    in_place = candidates_for(context(re_.bubble_sort, [(([3, 1],), {})], {"list[int]"}))
    assert {"sorted", "sort in place, returned"} <= {c.note.split(": ")[1] for c in in_place}


@pytest.mark.parametrize(
    ("func", "inputs", "returns"),
    [
        (re_.bubble_sort, [(((3, 1),), {})], {"tuple[int, int]"}),  # tuples: not the list the entries take
        (re_.gcd, [((12.0, 18), {})], {"float"}),  # floats are not ints
        (re_.factorial, [((10,), {})], {"float"}),  # the result is not an int
        (re_.total, [(([1],), {})], {"int"}),  # *args and keyword-only parameters: no entry takes them
        (re_.permutation_list, [(([1, 2],), {})], {"set[tuple[int, int]]"}),  # a result form it cannot give
    ],
)
def test_nothing_is_offered_where_parameters_or_results_do_not_fit(func, inputs, returns) -> None:
    assert notes(func, inputs, returns) == []


def test_three_a_round_then_the_next_ones_and_none_after_an_acceptance() -> None:
    ctx = context(re_.bubble_sort, [(([3, 1, 2],), {})], {"list[int]"})
    everything = candidates_for(ctx)
    proposer = EquivalentsProposer()
    assert proposer.propose(ctx, n=2) == everything[:2]
    from dataclasses import replace

    from perfkit.optimizers._types import Feedback

    assert proposer.propose(replace(ctx, round=2), n=2) == everything[2:4]
    accepted = Feedback("", "equivalent", "accepted", "")
    assert proposer.propose(replace(ctx, round=2, feedback=(accepted,)), n=2) == []


def test_end_to_end_a_bubble_sort_becomes_a_library_sort() -> None:
    stress = [(([(i * 7919) % 1000 - 500 for i in range(n)],), {}) for n in (200, 400)]
    result = optimize_function(re_.bubble_sort, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is not None and result.winner.verdict == "accepted"
    assert "sort" in result.winner.note and result.winner.speed.low > 5  # quadratic against n log n at n=400


@pytest.mark.slow  # the unmarked end-to-end tests cover the same path (CI time)
def test_end_to_end_a_generator_becomes_itertools() -> None:
    stress = [(([*range(n)], 4), {}) for n in (7, 9)]
    result = optimize_function(re_.permutations, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is not None and "itertools.permutations" in result.winner.note, [
        (a.verdict, a.reason) for a in result.history
    ]


@pytest.mark.slow  # about a minute: the widened inputs' longer lists are dropped one by one as too slow
def test_end_to_end_a_recursive_list_of_permutations_becomes_itertools() -> None:
    stress = [(([*range(n)],), {}) for n in (6, 7)]
    result = optimize_function(re_.permutation_list, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is not None and "itertools.permutations" in result.winner.note


def test_end_to_end_a_gcd_that_keeps_the_sign_is_not_replaced() -> None:
    """Observed only on positive ints, where math.gcd agrees; the widened inputs have negatives."""
    stress = [((12 * k, 18 * k), {}) for k in (10**6, 10**9)]
    result = optimize_function(re_.signed_hcf, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is None
    assert [a.verdict for a in result.history] == ["rejected"]
    assert result.history[0].reason.startswith("wrong:") and "expected -" in result.history[0].reason


def _independent(func, source, inputs):
    namespace: dict = {}
    exec(source, namespace)
    new = namespace[func.__name__]
    for args in inputs:
        outcomes = []
        for f in (func, new):
            try:
                outcomes.append(("ok", f(*args)))
            except Exception as exc:
                outcomes.append(("raises", type(exc)))
        assert outcomes[0] == outcomes[1], (args, outcomes)


def test_end_to_end_where_the_library_refuses_the_original_answers() -> None:
    """``pow(a, -1, m)`` raises ValueError where this extended Euclid asserts, and for m <= 0 the two differ
    again: the candidate hands those calls to the original, so it agrees everywhere."""
    stress = [((3 + 2 * k, 10**9 + 7), {}) for k in (10**5, 10**8)]
    result = optimize_function(re_.inverse_mod, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is not None and "inverse" in result.winner.note, [
        (a.verdict, a.reason) for a in result.history
    ]
    wide = [(a, m) for a in range(-12, 13) for m in range(-6, 14) if m != 0]
    _independent(re_.inverse_mod, result.winner.source, wide)


@pytest.mark.slow  # the unmarked end-to-end tests cover the same path (CI time)
def test_end_to_end_square_and_multiply_becomes_pow() -> None:
    stress = [((7, 2**k + 1, 10**40 + 3), {}) for k in (300, 900)]
    result = optimize_function(re_.modular_exp, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is not None and "pow" in result.winner.note, [(a.verdict, a.reason) for a in result.history]
    wide = [(b, e, m) for b in range(-5, 6) for e in range(-3, 9) for m in (-7, -1, 1, 2, 9)]
    _independent(re_.modular_exp, result.winner.source, wide)


def test_a_helper_called_in_the_function_is_replaced_at_the_call() -> None:

    module = function_source(re_.arrangements)[0] + "\n" + function_source(re_.bubble_sort)[0]
    for func, expected in ((re_.queens, "itertools.permutations(cols, None)"), (re_.spread, "sorted(list(values))")):
        ctx = context(func, [((4,), {})] if func is re_.queens else [(([3, -1],), {})], {"list[int]"})
        ctx = Context(**{**ctx.__dict__, "module_source": module})
        found = [c for c in candidates_for(ctx) if "at the call" in c.note]
        assert found and any(expected in c.source for c in found), [c.source for c in found]


def test_a_helper_that_only_swaps_is_not_taken_for_a_sort_at_the_call() -> None:
    """At a call no types are observed for the helper's parameters: its swap alone does not make it a sort."""
    module = function_source(re_._mix)[0]
    ctx = context(re_.salted_code, [(("abcdef", "pepper"), {})], {"str"})
    ctx = Context(**{**ctx.__dict__, "module_source": module})
    assert [c.note for c in candidates_for(ctx) if "at the call" in c.note] == []


@pytest.mark.slow  # the unmarked end-to-end tests cover the same path (CI time)
def test_end_to_end_queens_gets_itertools_at_the_call() -> None:
    stress = [((n,), {}) for n in (6, 7)]
    result = optimize_function(re_.queens, stress_inputs=stress, proposers=[EquivalentsProposer()], **QUICK)
    assert result.winner is not None and "at the call" in result.winner.note, [
        (a.verdict, a.reason) for a in result.history
    ]
