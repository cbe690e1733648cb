"""The verifier, in its sandboxed child: same results pass; wrong results, exception types, mutations, timeouts
and crashes are caught and described."""

from __future__ import annotations

from typing import Any

import pytest
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._compare import difference, order_unstable
from perfkit.optimizers.loop import verification_inputs
from perfkit.optimizers.verify import Tolerance, verify

from perfkit.errors import InvalidArgument

from .fixtures import slow_funcs as sf
from .fixtures import unannotated as un

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
    verdict = verify(ORIGINAL, candidate(hangs), INPUTS, min_timeout=0.5, first_call=0)
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


# --- unannotated functions: inputs drawn from the widened observed shapes, and the hash-seed order rule ---

U = un.__name__
NAMES = [((["alice", "Bob", "carol"],), {}), ((["dave", "Eve"],), {})]
WORDS = [((["a", "b", "a", "c"],), {}), ((["x", "y", "x"],), {}), ((["one", "two", "three", "two"],), {})]
WRONG = {  # (function, stress inputs of the everyday kind, a plausible but wrong candidate)
    "set order": (
        un.distinct_sorted,
        [(([0, 1, 1, 2, 3],), {}), (([5, 3, 3, 1],), {}), ((list(range(30)) * 2,), {})],
        "def distinct_sorted(items):\n    return list(set(items))\n",
    ),
    "int overflow": (
        un.checksum,
        [(([1, 2, 3],), {}), (([7, 0, 9, 4],), {})],
        "def checksum(values):\n    total = 0\n    for v in values:\n        total = (total * 31 + v) % 2**63\n"
        "    return total\n",
    ),
    "lower is not casefold": (
        un.fold_names,
        NAMES,
        "def fold_names(names):\n    return [name.lower() for name in names]\n",
    ),
    "sort stability": (
        un.by_length,
        [((["a", "bb", "ccc"],), {}), ((["hello", "hi", "hey there"],), {})],
        "def by_length(words):\n    return sorted(words, key=len, reverse=True)[::-1]\n",
    ),
    "empty input": (
        un.mean,
        [(([1.0, 2.5, 4.0],), {}), (([3.0],), {})],
        "def mean(values):\n    return sum(values) / len(values)\n",
    ),
    "dict order": (
        un.group_by_initial,
        [((["apple", "avocado", "banana", "cherry"],), {}), ((["kiwi", "lime"],), {})],
        "def group_by_initial(words):\n    keys = sorted({w[:1] for w in words})\n"
        "    return {k: [w for w in words if w[:1] == k] for k in keys}\n",
    ),
    "different multiset in an unordered place": (
        un.unique_words,
        [(("the cat sat on the mat",), {}), (("a b c",), {})],
        "def unique_words(text):\n    return list(set(text.lower().split()))\n",
    ),
}
RIGHT = {  # correct rewrites whose order differs where the original's follows string hashing, and others
    "Counter over set order": (
        un.word_counts,
        WORDS,
        "from collections import Counter\ndef word_counts(words):\n    return dict(Counter(words))\n",
    ),
    "first-seen order over set order": (
        un.unique_words,
        [(("the cat sat on the mat",), {}), (("a b c",), {})],
        "def unique_words(text):\n    return list(dict.fromkeys(text.split()))\n",
    ),
    "sorted set": (
        un.distinct_sorted,
        [(([0, 1, 1, 2, 3],), {}), (([5, 3, 3, 1],), {})],
        "def distinct_sorted(items):\n    return sorted(set(items))\n",
    ),
    "defaultdict grouping": (
        un.tag_sets,
        [(([("a", "x"), ("b", "y"), ("a", "z")],), {}), (([("k", "v")],), {})],
        "from collections import defaultdict\ndef tag_sets(records):\n    tags = defaultdict(set)\n"
        "    for name, tag in records:\n        tags[name].add(tag)\n"
        "    return {name: sorted(found) for name, found in tags.items()}\n",
    ),
    "instances reused": (
        un.farthest,
        [(([un.Point(1, 2), un.Point(-3, 4)], un.Point(0, 0)), {}), (([un.Point(5, 5)], un.Point(1, 1)), {})],
        "def farthest(points, origin):\n"
        "    return max(((p.x - origin.x) ** 2 + (p.y - origin.y) ** 2 for p in points), default=-1)\n",
    ),
}


def checked(func: Any, stress: list[Any], source: str, **options: Any) -> Any:
    drawn, _, notes = verification_inputs(func, stress_inputs=stress, **options)
    return verify(CodeRef(U, func.__name__), CodeRef(U, func.__name__, source), drawn + stress), drawn, notes


@pytest.mark.parametrize("case", sorted(WRONG))
def test_plausible_wrong_candidates_on_unannotated_functions_are_rejected(case: str) -> None:
    func, stress, source = WRONG[case]
    ref = CodeRef(U, func.__name__)
    assert verify(ref, CodeRef(U, func.__name__, source), stress).ok  # the stress inputs alone let it through
    verdict, drawn, notes = checked(func, stress, source)
    assert len(drawn) >= 250, notes
    assert not verdict.ok and verdict.kind in ("wrong", "exception"), verdict.reason


@pytest.mark.parametrize("case", sorted(RIGHT))
def test_correct_rewrites_on_unannotated_functions_are_accepted(case: str) -> None:
    func, stress, source = RIGHT[case]
    verdict, drawn, notes = checked(func, stress, source)
    assert len(drawn) >= 100, notes
    assert verdict.ok and verdict.checked == len(drawn) + len(stress), verdict.reason


def test_order_is_compared_only_where_the_original_follows_string_hashing() -> None:
    counter = RIGHT["Counter over set order"][2]
    verdict = verify(CodeRef(U, "word_counts"), CodeRef(U, "word_counts", counter), WORDS)
    assert verdict.ok and verdict.unordered == ("return value",) and "string hashing" in verdict.reason
    strict = verify(CodeRef(U, "word_counts"), CodeRef(U, "word_counts", counter), WORDS, hash_seeds=None)
    assert not strict.ok and "expected keys" in strict.reason  # one hash seed: the order looks like a difference
    unreached = verify(CodeRef(U, "word_counts"), CodeRef(U, "word_counts", counter), WORDS, order_budget=1e-6)
    assert unreached.unordered == () and "hashing" not in unreached.reason  # not reached: order counts there
    ints = "def distinct_sorted(items):\n    return list(dict.fromkeys(sorted(items, reverse=True)))[::-1]\n"
    verdict = verify(CodeRef(U, "distinct_sorted"), CodeRef(U, "distinct_sorted", ints), [(([3, -1, 3],), {})])
    assert verdict.ok and verdict.unordered == ()  # sorted output: order counts, and this candidate keeps it
    with pytest.raises(InvalidArgument, match="hash_seeds"):
        verify(CodeRef(U, "word_counts"), CodeRef(U, "word_counts", counter), WORDS, hash_seeds=(3, 3))


def test_loose_comparison_still_needs_the_same_items() -> None:
    top = frozenset({"return value"})
    assert difference(["a", "b", "a"], ["b", "a", "a"], rel=0, abs_=0, loose=top, path="return value") is None
    assert difference(["a", "b"], ["b", "b"], rel=0, abs_=0, loose=top, path="return value") is not None
    assert difference([1, 2], [2, 1], rel=0, abs_=0, path="return value") is not None  # not loose: order counts
    assert difference([1.0, [2]], [[2], 1.0 + 1e-12], rel=1e-9, abs_=0, loose=top, path="return value") is None
    assert difference([1], [True], rel=0, abs_=0, loose=top, path="return value") is not None
    assert difference("abc", "cab", rel=0, abs_=0, loose=top, path="return value") is None
    grouped, other = {"a": ["x", "y"], "b": ["z"]}, {"b": ["z"], "a": ["y", "x"]}
    assert order_unstable(grouped, other, rel=0, abs_=0, pattern="return value") == {"return value", "return value{*}"}
    assert difference(grouped, other, rel=0, abs_=0, path="return value", loose=top) is not None  # lists: exact
    both = frozenset({"return value", "return value{*}"})
    assert difference(grouped, other, rel=0, abs_=0, path="return value", loose=both) is None
    assert difference(grouped, {"b": ["z"], "a": ["x"]}, rel=0, abs_=0, path="return value", loose=both) is not None
    records = ([2, 1], [1, 2])  # a record tuple: each position has its own pattern
    assert order_unstable(records, ([1, 2], [1, 2]), rel=0, abs_=0, pattern="r") == {"r[0]"}


def test_drawn_inputs_are_the_same_on_every_run_and_notes_say_what_is_reused() -> None:
    stress = RIGHT["instances reused"][1]
    first, _, notes = verification_inputs(un.farthest, stress_inputs=stress, examples=40)
    again, _, _ = verification_inputs(un.farthest, stress_inputs=stress, examples=40)
    assert [repr([(p.x, p.y) for p in a[0][0]]) for a in first] == [repr([(p.x, p.y) for p in a[0][0]]) for a in again]
    assert any("Point values cannot be generated; observed ones reused" in note for note in notes)
    assert all(type(p) is un.Point for (points, origin), _ in first for p in [*points, origin])


def test_a_method_is_verified_on_drawn_arguments_with_its_instance_reused() -> None:
    shelf = un.Shelf(["apple", "apricot", "banana", "apple"])
    stress = [((shelf, "ap"), {}), ((shelf, "b"), {})]
    drawn, _, notes = verification_inputs(un.Shelf.matching, stress_inputs=stress)
    assert len(drawn) >= 250 and all(type(args[0]) is un.Shelf and type(args[1]) is str for args, _ in drawn)
    assert any("Shelf values cannot be generated; observed ones reused" in note for note in notes)
    original = CodeRef(U, "Shelf.matching")
    wrong = "def matching(self, prefix):\n    return list(dict.fromkeys(i for i in self.items if prefix in i))\n"
    assert verify(original, CodeRef(U, "Shelf.matching", wrong), stress).ok  # agrees on the workload's calls
    assert not verify(original, CodeRef(U, "Shelf.matching", wrong), drawn + stress).ok
    right = (
        "def matching(self, prefix):\n    return list(dict.fromkeys(i for i in self.items if i.startswith(prefix)))\n"
    )
    assert verify(original, CodeRef(U, "Shelf.matching", right), drawn + stress).ok
