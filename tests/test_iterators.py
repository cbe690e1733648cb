"""Functions that return iterators are verified and timed on what iterating them gives, not on the iterator
object: items in order, the exception that ends them, the iterator's type."""

from __future__ import annotations

import pytest
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._iterators import Drained, drain, is_iterator
from perfkit.optimizers.speed import compare_speed
from perfkit.optimizers.verify import verify

from .fixtures import iterators as it

MOD = it.__name__


def ref(name: str, source: str | None = None) -> CodeRef:
    return CodeRef(MOD, name, source)


def test_what_counts_as_an_iterator() -> None:
    assert is_iterator(it.evens_up_to(4)) and is_iterator(iter([1])) and is_iterator(map(str, [1]))
    assert not any(is_iterator(v) for v in ([1], (1,), "ab", {1: 2}, range(3), 5, None))
    drained = drain(it.pairs_then_fail([1, 2]))
    assert (
        isinstance(drained, Drained) and drained.items == [(1, 1), (2, 2)] and drained.raised == "builtins.ValueError"
    )
    endless = drain(it.count_forever(3), limit=10)
    assert endless.items == list(range(3, 13)) and endless.truncated and endless.raised is None
    assert drain([1, 2]) == [1, 2]


@pytest.mark.parametrize(
    "source",
    [
        "def orderings(items, r=None):\n    import itertools\n    yield from itertools.permutations(items, r)\n",
        "def orderings(items, r=None):\n    from itertools import permutations\n"
        "    for p in permutations(items, r):\n        yield p\n",
    ],
)
def test_a_generator_matching_the_original_item_for_item_passes(source: str) -> None:
    inputs = [(([1, 2, 3],), {}), (("abcd", 2), {}), (([],), {}), (([5, 5, 1], 0), {})]
    verdict = verify(ref("orderings"), ref("orderings", source), inputs)
    assert verdict.ok, verdict.reason


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        # same items as lists, not tuples
        (
            "def orderings(items, r=None):\n    import itertools\n"
            "    return (list(p) for p in itertools.permutations(items, r))\n",
            "wrong",
        ),
        # a list, not a generator
        (
            "def orderings(items, r=None):\n    import itertools\n    return list(itertools.permutations(items, r))\n",
            "wrong",
        ),
        # an itertools iterator, not a generator (no send/close)
        ("def orderings(items, r=None):\n    import itertools\n    return itertools.permutations(items, r)\n", "wrong"),
        # the same items in another order
        (
            "def orderings(items, r=None):\n    import itertools\n"
            "    yield from sorted(itertools.permutations(items, r), reverse=True)\n",
            "wrong",
        ),
    ],
)
def test_a_generator_differing_in_items_order_or_kind_is_rejected(source: str, kind: str) -> None:
    verdict = verify(ref("orderings"), ref("orderings", source), [(([1, 2, 3],), {})])
    assert not verdict.ok and verdict.kind == kind, verdict.reason


def test_the_exception_that_ends_an_iteration_is_compared() -> None:
    quiet = "def pairs_then_fail(xs):\n    for x in xs:\n        yield x, x\n"
    verdict = verify(ref("pairs_then_fail"), ref("pairs_then_fail", quiet), [(([1, 2],), {})])
    assert not verdict.ok and "raised" in verdict.reason
    other = "def pairs_then_fail(xs):\n    yield from ((x, x) for x in xs)\n    raise ValueError('other text')\n"
    assert verify(ref("pairs_then_fail"), ref("pairs_then_fail", other), [(([1, 2],), {})]).ok


def test_a_map_result_is_compared_by_its_items() -> None:
    same = "def squares(xs):\n    return map(lambda x: x ** 2, xs)\n"
    assert verify(ref("squares"), ref("squares", same), [(([1, -2, 3],), {})]).ok
    off = "def squares(xs):\n    return map(lambda x: x * abs(x), xs)\n"
    assert not verify(ref("squares"), ref("squares", off), [(([1, -2, 3],), {})]).ok


def test_timing_drains_the_iterator() -> None:
    """The cheap candidate yields 10 items, the original 200 000: drained, the ratio is in the thousands;
    only the iterator objects' creation would be timed otherwise."""
    cheap = "def spin(n):\n    yield from range(min(n, 10))\n"
    inputs = [((200_000,), {})]
    drained = compare_speed(ref("spin"), ref("spin", cheap), inputs, rounds=2, max_inputs=1, drain=True)
    assert drained.speedup > 100, drained
