"""Folds that copy their accumulator per step: list and string concatenation by ``sum``/``reduce`` become one
chain or join, sets rebuilt by ``s = s | t`` in a loop grow in place. Everyday spellings on unannotated functions
pass the sandboxed verifier at real sizes; other item types take the original fold, and a set whose order could
be observed keeps its copies."""

from __future__ import annotations

import functools
import operator
import random
from functools import reduce

from .test_optimizers_rewrite import rewrite_real, verified

RNG = random.Random(3)
ROWS = [[RNG.randint(-50, 50) for _ in range(RNG.randint(0, 8))] for _ in range(4_000)]
PARTS = [RNG.choice(["ab", "", "é", "x" * 5, "12"]) for _ in range(6_000)]
GROUPS = [[RNG.randint(0, 3000) for _ in range(RNG.randint(0, 12))] for _ in range(2_500)]


# --- lists and strings ----------------------------------------------------------------------------------------


def flatten_sum(rows):
    return sum(rows, [])  # noqa: RUF017  (the quadratic spelling is what the rule is tested on)


def flatten_reduce(rows):
    return functools.reduce(operator.add, rows)


def joined(parts):
    return reduce(lambda a, b: a + b, parts)


def flatten_start(rows):
    out = reduce(list.__add__, [r for r in rows if r], [])
    return len(out), out


def test_concat_fold_spellings_verify_at_real_sizes() -> None:
    for func, observed, wide in (
        (flatten_sum, [(ROWS[:40],)], [([],), ([[1], (2,)],), ([[1], "ab"],), (((1,), (2,)),), (ROWS,)]),
        (
            flatten_reduce,
            [(ROWS[:40],)],
            [([],), ([[1]],), (["ab", "c"],), ([(1,), (2,)],), ([[1], (2,)],), (range(5),), (ROWS,)],
        ),
        (joined, [(PARTS[:40],)], [([],), (["a"],), ([[1], [2]],), (["a", 1],), ((b"a", b"b"),), (PARTS,)]),
        (flatten_start, [(ROWS[:40],)], [([],), ([[1], [[2]]],), ([[1], ()],), (ROWS,)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "concat-fold" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def glued(parts):
    return reduce(list.__add__, parts)


def test_list_add_still_refuses_strings() -> None:
    new, fired = rewrite_real(glued, [(ROWS[:5],)])
    assert "concat-fold" in fired
    space: dict = {}
    exec(new, {"reduce": reduce}, space)
    assert space["glued"]([[1], [2]]) == [1, 2]
    for bad in (["ab", "c"], [[1], "c"]):
        try:
            space["glued"](bad)
        except TypeError:
            continue
        raise AssertionError(f"list.__add__ must refuse {bad!r}")


def test_a_single_item_is_returned_itself_and_an_empty_fold_still_raises() -> None:
    new, _ = rewrite_real(flatten_reduce, [(ROWS[:5],)])
    space: dict = {}
    exec(new, {"functools": functools, "operator": operator}, space)
    only = [1, 2]
    assert space["flatten_reduce"]([only]) is only
    try:
        space["flatten_reduce"]([])
    except TypeError as exc:
        assert "empty" in str(exc)
    else:
        raise AssertionError("reduce of nothing must raise")


def add_pairs(rows):
    return functools.reduce(lambda a, b: b + a, rows)  # reversed: not the same fold


def defaulted(rows, seed=sum([[1], [2]], [])):  # noqa: B008, RUF017  (evaluated once, at def time)
    return seed + rows


def test_concat_fold_stays_away_from_other_folds_and_from_defaults() -> None:
    assert "concat-fold" not in rewrite_real(add_pairs, [(ROWS[:5],)])[1]
    assert "concat-fold" not in rewrite_real(defaulted, [(ROWS[:5],)])[1]


# --- sets -----------------------------------------------------------------------------------------------------


def touched(groups):
    seen = set()
    for g in groups:
        seen = seen | set(g)
    return seen


def count_unseen(groups, probes):
    seen = set()
    for g in groups:
        seen = seen.union(g)
    return sum(1 for p in probes if p not in seen), len(seen)


def survivors(groups, start):
    alive = set(start)
    i = 0
    while i < len(groups) and alive:
        alive = alive - {x for x in groups[i] if x % 3 == 0}
        i += 1
    return alive


def test_set_fold_spellings_verify_at_real_sizes() -> None:
    probes = list(range(0, 4000, 3))
    for func, observed, wide in (
        (touched, [(GROUPS[:40],)], [([],), ([[1], [1.0, True]],), ([[[1]]],), ([(1, 2)],), (GROUPS,)]),
        (
            count_unseen,
            [(GROUPS[:40], probes[:20])],
            [([], []), ([[1], "ab"], ["a", 1]), ([[[1]]], []), ([5], [1]), (GROUPS, probes)],
        ),
        (survivors, [(GROUPS[:40], range(100))], [([], []), ([[3]], [3.0]), ([[1]], [[1]]), (GROUPS, range(3000))]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "set-fold" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def listed(groups):
    seen = set()
    for g in groups:
        seen = seen | set(g)
    return list(seen)  # the order would show


def kept_copies(groups):
    seen = set()
    history = []
    for g in groups:
        seen = seen | set(g)
        history.append(seen)  # an alias: growing in place would change what it holds
    return history


def yielded(groups):
    seen = set()
    for g in groups:
        seen = seen | set(g)
        yield seen


def test_set_fold_stays_away_where_order_or_aliases_could_be_observed() -> None:
    for func in (listed, kept_copies, yielded):
        assert "set-fold" not in rewrite_real(func, [(GROUPS[:5],)])[1], func.__name__


# --- reduce over sets -------------------------------------------------------------------------------------------

GRAPH = {i: {RNG.randint(0, 5000) for _ in range(RNG.randint(0, 6))} for i in range(3_000)}


def all_deps(graph):
    return functools.reduce(set.union, graph.values())


def missing(graph):
    needed = reduce(operator.or_, list(graph.values()), set())
    return [k for k in graph if k not in needed]


def count_tags(groups):
    tags = reduce(lambda a, b: a | b, [set(g) for g in groups])
    return len(tags)


def test_union_reduce_spellings_verify_at_real_sizes() -> None:
    one = {1, 2}
    for func, observed, wide in (
        (
            all_deps,
            [({1: {2}, 2: {3}},)],
            [({},), ({1: one},), ({1: frozenset({1}), 2: {2}},), ({1: {1}, 2: [2]},), ({1: {1.0}, 2: {1}},), (GRAPH,)],
        ),
        (missing, [({1: {2}, 2: {3}},)], [({},), ({1: {1}},), ({1: {2}, 2: frozenset({1})},), (GRAPH,)]),
        (count_tags, [(GROUPS[:40],)], [([],), ([[1]],), ([[1], [1.0, True]],), ([[[1]], [2]],), (GROUPS,)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "set-fold" in fired and ".union(*" in new, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)
    new, _ = rewrite_real(all_deps, [({1: {2}, 2: {3}},)])
    space: dict = {}
    exec(new, {"functools": functools}, space)
    assert space["all_deps"]({1: one}) is one  # one item: returned itself, as reduce does


def deps_in_order(graph):
    deps = functools.reduce(set.union, graph.values())
    return list(deps)  # the order would show


def test_union_reduce_stays_away_where_the_order_shows() -> None:
    assert "set-fold" not in rewrite_real(deps_in_order, [({1: {2}, 2: {3}},)])[1]
