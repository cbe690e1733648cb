"""Types verification never exercised go to the original: a rewrite right for the item types the inputs had (ints)
and wrong for others (unhashable items, floats) only ever answers for the former; a rewrite that behaves like the
original with items of other types too is accepted without the per-call item checks. Unannotated functions
(tests/fixtures/item_types.py), several spellings of the idea, deterministic assertions only."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from perfkit.optimizers._code import CodeRef, function_source
from perfkit.optimizers._unexplored import guarded, relaxed, seen_types, unguarded
from perfkit.optimizers.loop import verification_inputs
from perfkit.optimizers.verify import Checked, behaves_like

from perfkit.shapes import OtherStr, foreign_variants

from .fixtures import item_types as it


def load(source: str, name: str) -> Any:
    namespace = dict(vars(it))
    exec(source, namespace)
    return namespace[name]


def check(name: str, stress: list[Any], candidate: str) -> tuple[Checked, Any]:
    """The candidate guarded and verified as ``optimize_function`` does it (60 drawn inputs), and the function
    that was accepted (None when rejected)."""
    func = getattr(it, name)
    drawn, _, _ = verification_inputs(func, stress_inputs=stress, examples=60)
    checks = drawn + stress
    source = guarded(candidate, function_source(func)[0], name, seen_types(func, checks))
    outcome = behaves_like(CodeRef(it.__name__, name), CodeRef(it.__name__, name, source), checks)
    accepted = outcome.source or source
    return outcome, load(accepted, name) if outcome.verdict == "ok" else None


INTS = [(([3, 1, 3, 2] * 5,), {}), (([5, 5, 0],), {})]
# items the workload never passed: unhashable, equal across types, NaN, a str subclass
FOREIGN = [[[1], [1], 2], [1, True, 1.0, 2], [float("nan"), 1, 1], [OtherStr("a"), "a", 1], [(1,), None, 1.5]]


def same_everywhere(accepted: Any, original: Any, calls: list[tuple[Any, ...]]) -> None:
    for args in calls:
        try:
            expected: Any = original(*args)
        except Exception as exc:
            expected = type(exc)
        try:
            got: Any = accepted(*args)
        except Exception as exc:
            got = type(exc)
        assert repr(got) == repr(expected), args


def test_dedupe_by_dict_is_kept_for_ints_and_hands_unhashable_items_to_the_original() -> None:
    outcome, accepted = check("keep_first", INTS, "def keep_first(items):\n    return list(dict.fromkeys(items))\n")
    assert outcome.verdict == "ok" and outcome.source is None  # with other items it differs: the checks stay
    assert "items of other types go to the original" in outcome.reason
    same_everywhere(accepted, it.keep_first, [(items,) for items in FOREIGN] + [([4, 4, 1],)])
    wrong, _ = check("keep_first", INTS, "def keep_first(items):\n    return list(set(items))\n")
    assert wrong.verdict == "rejected"  # wrong on ints already: order


def test_sort_then_unique_by_a_set_is_handed_off_beyond_ints() -> None:
    outcome, accepted = check("distinct_sorted", INTS, "def distinct_sorted(items):\n    return sorted(set(items))\n")
    assert outcome.verdict == "ok" and outcome.source is None
    same_everywhere(accepted, it.distinct_sorted, [(items,) for items in FOREIGN] + [([9, -1, 9],)])


def test_bit_trick_for_parity_is_handed_off_for_floats_a_plain_rewrite_is_not() -> None:
    stress = [(([3, 1, 4, 2] * 5,), {}), (([6, 0],), {})]
    trick, accepted = check(
        "count_even", stress, "def count_even(values):\n    return len(values) - sum(v & 1 for v in values)\n"
    )
    assert trick.verdict == "ok" and trick.source is None
    same_everywhere(accepted, it.count_even, [([2.0, 3.0, 4],), ([True, 2],), ([OtherStr("a")],)])
    plain, accepted = check(
        "count_even", stress, "def count_even(values):\n    return sum(1 for v in values if not v % 2)\n"
    )
    assert plain.verdict == "ok" and plain.source is not None and "map(" not in plain.source
    assert "type(values) is list" in plain.source  # the argument's own type is still checked
    same_everywhere(accepted, it.count_even, [([2.0, 3.0, 4],), ([True, 2],), ((2, 4),)])


def test_membership_in_a_set_keeps_unhashable_items_with_the_original() -> None:
    stress = [(([1, 2, 3, 4], [2, 4, 6]), {}), (([5, 6], [6]), {})]
    candidate = "def common(a, b):\n    s = set(b)\n    return [x for x in a if x in s]\n"
    outcome, accepted = check("common", stress, candidate)
    assert outcome.verdict == "ok" and outcome.source is None
    same_everywhere(accepted, it.common, [([[1], 2], [[1]]), ([1.0, 2], [1, True]), ([1], (1,)), ("ab", "b")])


def test_a_sum_that_behaves_alike_for_every_item_type_loses_its_item_checks() -> None:
    stress = [(([0.5, 1.25, 2.0] * 4,), {}), (([3.5],), {})]
    outcome, accepted = check("total", stress, "def total(values):\n    return sum(values, 0.0)\n")
    assert outcome.verdict == "ok" and outcome.source is not None and "map(" not in outcome.source
    assert "so their types are not checked" in outcome.reason
    same_everywhere(accepted, it.total, [([1, 2.5, True],), ([2**70, 0.5],), (["a"],), ((1.0, 2.0),)])


def test_a_top_level_int_goes_to_the_original_as_a_float_or_beyond_the_range_drawn() -> None:
    outcome, accepted = check("halve", [((10,), {}), ((7,), {})], "def halve(n):\n    return n >> 1\n")
    assert outcome.verdict == "ok"
    same_everywhere(accepted, it.halve, [(3.0,), (True,), (10**40 + 1,), (-7,), (9,)])


# --- the guard itself, without a child process ----------------------------------------------------------------------


def holds(test: str, name: str, value: Any, space: dict[str, Any] | None = None) -> bool:
    namespace: dict[str, Any] = {**(space or {}), name: value}
    for helper in ("from itertools import chain as _pk_chain", "from operator import itemgetter as _pk_item"):
        exec(helper, namespace)
    return bool(eval(test, namespace))


ROWS = [(([("a", 1), ("b", 2.5)], {"x": [1, 2], "y": []}, 4), {}), (([], {}, 9), {})]


def rows_func(rows, groups, limit):
    return rows, groups, limit


def test_every_verification_input_passes_its_guard_and_other_types_do_not() -> None:
    tests = seen_types(rows_func, ROWS)
    for (rows, groups, limit), _ in ROWS:
        assert holds(tests["rows"], "rows", rows) and holds(tests["groups"], "groups", groups)
        assert holds(tests["limit"], "limit", limit)
    assert not holds(tests["rows"], "rows", [(1, 1)])  # a position of another type
    assert not holds(tests["rows"], "rows", [("a", 1, 2)])  # another arity
    assert not holds(tests["rows"], "rows", [["a", 1]])  # a list, not a tuple
    assert not holds(tests["rows"], "rows", (("a", 1),))  # a tuple of rows
    assert not holds(tests["groups"], "groups", {"x": [1.5]})  # an item of an item
    assert not holds(tests["groups"], "groups", {1: [1]})  # a key
    assert not holds(tests["limit"], "limit", 10) and not holds(tests["limit"], "limit", True)  # past the range
    variants = foreign_variants(ROWS)
    kept = [
        v
        for v in variants
        if all(holds(tests[n], n, x) for n, x in zip(("rows", "groups", "limit"), v[0], strict=True))
    ]
    assert len(variants) == 120 and len(kept) <= 30  # those kept hold items of types seen there (1.0 for 2.5)


def test_an_iterator_argument_is_never_consumed_by_the_guard() -> None:
    def first(items):
        return next(iter(items), None)

    tests = seen_types(first, [((iter([1, 2]),), {}), (([3],), {})])
    source = guarded(
        "def first(items):\n    return next(iter(items), None)\n",
        "def first(items):\n    return next(iter(items), None)\n",
        "first",
        tests,
    )
    both = load(source, "first")
    assert both(iter([7, 8])) == 7 and both([5]) == 5 and both(x for x in [4]) == 4  # a generator: the original


def test_names_the_candidate_binds_itself_do_not_break_the_guard() -> None:
    def pick(items, type=None):
        return [x for x in items if type is None or isinstance(x, type)]

    original = textwrap.dedent(
        """
        def pick(items, type=None):
            return [x for x in items if type is None or isinstance(x, type)]
        """
    )
    tests = seen_types(pick, [(([1, 2],), {}), (([3], int), {})])
    assert "_pk_builtins.type(items)" in tests["items"]  # the parameter named type is not the builtin
    candidate = original.replace("):\n", "):\n    set = 1\n", 1)  # a local that shadows a builtin the guard uses
    both = load(guarded(candidate, original, "pick", tests), "pick")
    assert both([1, "a"]) == [1, "a"] and both([1, 2], int) == [1, 2] and both([1.5], float) == [1.5]


def test_guarding_twice_writes_one_guard_and_relaxing_keeps_the_argument_types() -> None:
    tests = seen_types(it.keep_first, INTS)
    original = function_source(it.keep_first)[0]
    once = guarded("def keep_first(items):\n    return list(dict.fromkeys(items))\n", original, "keep_first", tests)
    assert guarded(once, original, "keep_first", tests) == once
    loose = relaxed(once, "keep_first")
    assert "map(" in once and "map(" not in loose and "type(items) is list" in loose
    assert guarded(loose, original, "keep_first", tests) == once  # a parent's relaxed guard is written anew
    assert unguarded(once, "keep_first") == "def keep_first(items):\n    return list(dict.fromkeys(items))\n"


@pytest.mark.parametrize("value", [[1, 2], (1, "a"), {"k": (1, 2)}, {1, 2}, [[1], [2, 3]], [{"a": 1}], "s", None])
def test_the_guard_holds_for_what_it_was_built_from(value: Any) -> None:
    def f(x):
        return x

    tests = seen_types(f, [((value,), {})])
    assert holds(tests["x"], "x", value)


def test_a_huge_int_argument_is_bounded_by_powers_of_two_not_thousands_of_digits() -> None:
    big = 10**5000
    tests = seen_types(it.halve, [((big,), {}), ((-big,), {}), ((3,), {})])
    assert len(tests["n"]) < 100
    assert holds(tests["n"], "n", big) and holds(tests["n"], "n", -big) and not holds(tests["n"], "n", big**2)


def test_a_prompt_shows_a_verified_parent_as_proposed_without_the_loops_guard() -> None:
    from perfkit.optimizers._types import Context, Program
    from perfkit.optimizers.llm_prompt import build_prompt

    original = function_source(it.keep_first)[0]
    once = guarded("def keep_first(items):\n    return list(dict.fromkeys(items))\n", original, "keep_first", {})
    once = guarded(once, original, "keep_first", seen_types(it.keep_first, INTS))
    parent = Program(1, once, speedup=2.0, low=1.8, high=2.2, proposer="sampler")
    prompt = build_prompt(Context(name="keep_first", source=original, module_name=it.__name__, parent=parent))
    shown = prompt.split("Start from this verified rewrite", 1)[1]
    assert "list(dict.fromkeys(items))" in shown and "_pk_original" not in shown and "map(type" not in shown
