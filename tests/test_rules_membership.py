"""Membership tests, ``count`` and ``index`` on lists inside loops: everyday spellings on unannotated functions are
rewritten and pass the sandboxed verifier at real sizes; unhashable values, changed lists and hidden writes keep
the rules away."""

# ruff: noqa: E713, SIM105  (the slow spellings are what the rules are tested on)

from __future__ import annotations

import random
import sys

import pytest
from perfkit.optimizers.rules.invariant_sets import KEYS_SETUP

from .test_optimizers_rewrite import rewrite_real, verified

RNG = random.Random(11)
WORDS = [RNG.choice(["a", "b", "Kiwi", "kiwi", "é", "", "fig"]) + str(RNG.randint(0, 2000)) for _ in range(20_000)]
NUMS = [RNG.randint(-3000, 3000) for _ in range(20_000)]
GRAPH = {i: [(i * 7 + 1) % 6000, (i * 13 + 5) % 6000] for i in range(6000)}
WIDE_NUMS = [([],), ([1, 1.0, True, 2],), ([float("nan"), 0.0, -0.0],), ([[1], [1]],), ("abca",), ((3, 1, 3),)]


# --- a growing local list: if x not in seen: seen.append(x) ---------------------------------------------------


def unique_lower(text):
    uniq = []
    for w in text.split():
        w = w.lower()
        if uniq.count(w) == 0:
            uniq.append(w)
    return uniq


def unique_pairs(pairs):
    seen = list()
    i = 0
    while i < len(pairs):
        a, b = pairs[i]
        if not (a, b) in seen:
            seen.append((a, b))
        i += 1
    return seen


def first_seen_sorted(xs):
    out = []
    for x in xs:
        if x in out:
            continue
        out.append(x)
        out.sort()
    return out


def reachable(graph, start):
    visited = [start]
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt not in visited:
                visited.append(nxt)
                stack.append(nxt)
    return visited


def test_shadow_set_spellings_verify() -> None:
    text = " ".join(WORDS)
    pairs = [(w[:1], n % 7) for w, n in zip(WORDS, NUMS, strict=True)]
    for func, observed, wide in (
        (unique_lower, [(text[:400],)], [("",), ("A a À à",), (text,), (5,)]),
        (unique_pairs, [(pairs[:50],)], [([],), ([(1, 1), (1.0, True)],), ([([1], 2)],), (pairs,)]),
        (first_seen_sorted, [(NUMS[:50],)], [*WIDE_NUMS[:3], (NUMS[:5000],)]),
        (
            reachable,
            [({0: [1, 2], 1: [2]}, 0)],
            [({}, 5), ({(1, 2): [(1, 2), 3]}, (1, 2)), ({1: [1.0, True]}, 1), (GRAPH, 0)],
        ),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "membership-local-list" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def unhashable_items(rows):
    out = []
    for row in rows:
        if row not in out:
            out.append(row)
    return out


def removes(xs):
    out = []
    for x in xs:
        if x in out:
            out.remove(x)
        else:
            out.append(x)
    return out


def test_shadow_set_stays_away_from_unhashable_values_and_removals() -> None:
    assert rewrite_real(unhashable_items, [([[1, 2], [1, 2]],)])[1] == []
    assert "membership-local-list" not in rewrite_real(removes, [(NUMS[:20],)])[1]


# --- the shadow set for None and tuples: the run-time key check shared with invariant_sets ----------------------


def distinct_tags(rows):
    tags = []
    for row in rows:
        tag = row.get("tag")  # None where a row has none
        if tag not in tags:
            tags.append(tag)
    return tags


def grid_walk(cells, start):
    visited = [start]  # the first member is a tuple held in a name
    stack = [start]
    while stack:
        r, c = stack.pop()
        for nxt in ((r + 1, c), (r, c + 1), (r - 1, c)):
            if nxt in cells and nxt not in visited:
                visited.append(nxt)
                stack.append(nxt)
    return visited


def distinct_keys(records):
    n, i = len(records), 0
    seen = list()
    while i < n:
        key = records[i].get("k"), i % 50  # a tuple held in a name, None in it
        i += 1
        if not key in seen:  # count(key) == 0 is left to _normalize's own guard (unknown element types)
            seen.append(key)
    return seen


class Loose:
    """Equal by value, hashed by identity: a set would miss what the list finds."""

    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return isinstance(other, Loose) and self.v == other.v

    __hash__ = object.__hash__

    def __add__(self, k):
        return Loose(self.v + k)

    def __sub__(self, k):
        return Loose(self.v - k)

    def __repr__(self):
        return f"Loose({self.v!r})"


def fallbacks_run(new: str, name: str, args: tuple) -> int:
    """How often the rewrite of ``name`` gave up its shadow set (ran an ``_pk_ok_… = False`` line) on ``args``."""
    code = compile(new, "<rewrite>", "exec")
    space: dict = {}
    exec(code, space)
    lines = {i for i, text in enumerate(new.splitlines(), 1) if "_pk_ok_" in text and "= False" in text}
    hits = [0]

    def trace(frame, event, _arg):
        if frame.f_code.co_filename != "<rewrite>":
            return None
        if event == "line" and frame.f_lineno in lines:
            hits[0] += 1
        return trace

    sys.settrace(trace)
    try:
        space[name](*args)
    finally:
        sys.settrace(None)
    return hits[0]


TAG_ROWS = [{"tag": f"t{n % 3000}"} if n % 7 else {} for n in NUMS[:8000]]
CELLS = {(r, c) for r in range(50) for c in range(50)}
RECORDS = [{"k": w} if n % 5 else {"k": None} for w, n in zip(WORDS[:4000], NUMS, strict=False)]


def test_shadow_set_keeps_none_and_tuples_on_the_set() -> None:
    for func, observed, real in (
        (distinct_tags, [([{"tag": "a"}, {}, {"tag": "a"}],)], (TAG_ROWS,)),
        (grid_walk, [({(0, 0), (1, 0)}, (0, 0))], (CELLS, (0, 0))),
        (distinct_keys, [([{"k": "a"}, {}, {"k": None}],)], (RECORDS,)),
    ):
        new, fired, verdict = verified(func, observed, [real, ([],) if func is not grid_walk else (set(), None)])
        assert "membership-local-list" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)
        assert KEYS_SETUP in new, new  # the one key check, shared with invariant_sets
        assert fallbacks_run(new, func.__name__, real) == 0, (func.__name__, new)  # None and tuples stay keys


def test_shadow_set_gives_way_to_loose_hashes_and_unhashable_values() -> None:
    loose = [{"tag": Loose(n % 3)} for n in range(30)]
    unhashable = [{"tag": [n % 3]} for n in range(30)] + [{"tag": ([1], 2)}, {"tag": ([1], 2)}]
    mixed = [{"k": Loose(1)}, {"k": Loose(1)}, {"k": None}, {"k": [2]}, {"k": [2]}] * 20
    for func, observed, odd in (
        (distinct_tags, [([{"tag": "a"}, {}],)], [(loose,), (unhashable,), (TAG_ROWS[:500] + loose,)]),
        (distinct_keys, [([{"k": "a"}, {}],)], [(mixed,), (RECORDS[:500] + mixed,)]),
        (grid_walk, [({(0, 0), (1, 0)}, (0, 0))], [([(0, Loose(0)), (1, Loose(0)), (0, Loose(1))], (0, Loose(0)))]),
    ):
        new, fired, verdict = verified(func, observed, odd)
        assert "membership-local-list" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)
        assert fallbacks_run(new, func.__name__, odd[0]) > 0, (func.__name__, new)


# --- a list argument: x in allowed, allowed.count(x) > 0 --------------------------------------------------------


def keep_counted(xs, allowed):
    kept = []
    for x in xs:
        if allowed.count(x) > 0:
            kept.append(x)
    return kept


def drop_listed(words, stop):
    return [w for w in words if not w in stop]


def flags(xs, marks):
    out = []
    for x in xs:
        out.append(1 if marks.count(x) else 0)
    return out


def test_argument_set_spellings_verify() -> None:
    stop = WORDS[:3000]
    for func, observed, wide in (
        (keep_counted, [(NUMS[:50], NUMS[:30])], [(a[0], a[0]) for a in WIDE_NUMS] + [(NUMS, NUMS[:4000])]),
        (drop_listed, [(WORDS[:50], stop[:30])], [([], []), (["a"], "abc"), (["a", 1], ["a"]), (WORDS, stop)]),
        (flags, [(NUMS[:50], NUMS[:30])], [([], []), ([1, 2], [1.0, True]), (NUMS, NUMS[:4000])]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "membership-param-list" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def hidden_write(xs, allowed, log):
    kept = []
    for x in xs:
        if x in allowed:
            kept.append(x)
        log.append(x)  # log may be allowed itself
    return kept


def test_argument_set_only_from_a_tuple_when_the_argument_may_change_through_another_name() -> None:
    assert "membership-param-list" not in rewrite_real(hidden_write, [([1, 2], [2], [])])[1]  # a list: no set
    new, fired = rewrite_real(hidden_write, [([1, 2], (2,), [])])
    assert "membership-param-list" in fired and "type(allowed) is tuple" in new
    same = [2]
    _, _, verdict = verified(hidden_write, [([1, 2], (2,), [])], [([1, 2, 3, 2], same, same), (NUMS, (1, 2), [])])
    assert verdict.ok, verdict.reason


# --- xs.index(x) → a dict of first positions --------------------------------------------------------------------


def positions(words, vocab):
    out = []
    for w in words:
        if w in vocab:
            out.append(vocab.index(w))
    return out


def rank_all(xs, order):
    ranks = []
    for x in xs:
        ranks.append(order.index(x))
    return ranks


def index_or_minus(xs, table):
    out = []
    i = 0
    while i < len(xs):
        x = xs[i]
        out.append(table.index(x) if x in table else -1)
        i += 1
    return out


def test_index_spellings_verify_and_a_missing_value_still_raises() -> None:
    vocab = sorted(set(WORDS))[:3000]
    order = sorted(set(NUMS))
    for func, observed, wide in (
        (positions, [(WORDS[:50], vocab[:40])], [([], []), (["a", "a"], ["a", "a"]), (WORDS, vocab)]),
        (rank_all, [(order[:50], order[:60])], [([], []), ([1], [True, 1]), ([5], [1, 2]), (NUMS, order)]),
        (index_or_minus, [(NUMS[:50], order[:60])], [([], ()), ([1.0, 2], (2, 1)), ([[1]], [[1]]), (NUMS, order)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "index-dict" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def index_while_growing(xs, order):
    out = []
    for x in xs:
        out.append(order.index(x))
        order.append(x)
    return out


def test_index_dict_stays_away_from_a_list_that_changes_in_the_loop() -> None:
    assert "index-dict" not in rewrite_real(index_while_growing, [([1, 2], [2, 1])])[1]


# --- repeated remove ----------------------------------------------------------------------------------------------


def remove_present(items, drops):
    out = list(items)
    for d in drops:
        if d in out:
            out.remove(d)
    return out


def remove_or_ignore(xs, drops):
    for d in drops:
        try:
            xs.remove(d)
        except ValueError:
            pass
    return len(xs), d if drops else None


def remove_per_row(rows, drops):
    out = []
    for row in rows:
        kept = list(row)
        for d in drops:
            if d in kept:
                kept.remove(d)
        out.append(kept)
    return out


def test_remove_spellings_verify_in_order_and_in_place() -> None:
    rows = [NUMS[i : i + 40] for i in range(0, 4000, 40)]
    for func, observed, wide in (
        (remove_present, [(NUMS[:50], NUMS[:20])], [([], []), ([1, 1.0, True, 2], [True, 1]), (NUMS, NUMS[:5000])]),
        (
            remove_or_ignore,
            [(NUMS[:50], NUMS[:20])],
            [
                ([], []),
                ([[1], 2], [[1]]),
                ([1, 2, 1], (1, 1, 1)),
                ([float("nan")], [float("nan")]),
                (NUMS, NUMS[:5000]),
            ],
        ),
        (
            remove_per_row,
            [(rows[:3], NUMS[:20])],
            [([], [1]), ([[1, 1, 2]], [1, 1]), ([["a", 1]], ["a"]), (rows, NUMS[:300])],
        ),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "remove-loop" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def remove_and_log(xs, drops, log):
    for d in drops:
        if d in xs:
            xs.remove(d)
            log.append(d)
    return xs


def remove_all_copies(xs, drops):
    for d in drops:
        while d in xs:
            xs.remove(d)
    return xs


def test_remove_loop_stays_away_from_other_bodies() -> None:
    assert "remove-loop" not in rewrite_real(remove_and_log, [([1, 2], [1], [])])[1]
    assert "remove-loop" not in rewrite_real(remove_all_copies, [([1, 2], [1])])[1]


def test_remove_loop_falls_back_when_the_list_is_its_own_drops() -> None:
    same = [1, 2, 2, 3]
    _, fired, verdict = verified(remove_or_ignore, [([1, 2], [2])], [(same, same)])
    assert "remove-loop" in fired and verdict.ok, verdict.reason


@pytest.mark.parametrize(
    ("seen", "hashable"),
    [
        ({"tuple[int, int]"}, True),  # a *values tuple lists its positions with commas
        ({"tuple[]", "tuple[int, str, NoneType]"}, True),
        ({"list[int | str]"}, True),
        ({"list[tuple[int, int]]"}, False),  # nested: left to the run-time checks of the rules that take it
        ({"tuple[int, list[int]]"}, False),
        ({"dict[int, int]"}, False),
    ],
)
def test_observed_element_kinds_read_commas_and_bars(seen: set[str], hashable: bool) -> None:
    from perfkit.optimizers._ast_tools import elements_hashable

    assert elements_hashable(seen) is hashable


# --- an open soundness bug found by benchmarks/rules_reach.py; it belongs with hoist-invariant (rules/invariants.py)
# hoist_invariant caches a fresh ``list()`` where it is an argument of a PURE_BUILTINS call (read_only_use), but
# sum(empty, start) returns ``start`` itself and max/min of several arguments return one of them: every iteration
# then shares, and grows, the one cached list.


def grown_sums(blocks):
    out = []
    for parts in blocks:
        acc = sum(parts, list())  # noqa: RUF017 (the slow spelling is the point)
        acc.append(len(out))
        out.append(acc)
    return out


def grown_max(rows):
    out = []
    for row in rows:
        best = max(list(), row)
        best.append(len(out))
        out.append(best)
    return out


@pytest.mark.parametrize(("func", "args"), [(grown_sums, ([range(0), range(0)],)), (grown_max, ([[], []],))])
def test_hoisted_fresh_list_is_not_handed_back(func, args) -> None:
    new, _ = rewrite_real(func, [([[[1], [2]], [[3]]],)] if func is grown_sums else [([[1], [2]],)])
    space: dict = {}
    exec(compile(new, "<rewrite>", "exec"), space)
    assert space[func.__name__](*args) == func(*args), new
