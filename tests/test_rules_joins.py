"""Nested-loop joins → a dict index: several spellings on unannotated functions, through the real verifier."""

from __future__ import annotations

import random

import pytest

from ._rules_support import args, fires, never

RNG = random.Random(3)
LEFT = [(RNG.randint(0, 600), f"l{i}") for i in range(1500)]
RIGHT = [(RNG.randint(0, 600), RNG.random()) for _ in range(1500)]
EDGE = [
    args([], RIGHT[:5]),
    args(LEFT[:5], []),
    args([(1, "a"), (1.0, "b"), (True, "c")], [(1, 2), (True, 3), (1.0, 4), (2, 5)]),
    args([(float("nan"), "x")], [(float("nan"), 1)]),
    args([([1], "a")], [([1], 2), ((), 3)]),
    args([()], [(1, 2)]),
    args([(1, "a")], [()]),
    args([("a", 1)], [(1, "a")]),
]

JOINS = {
    "tuple-index": """
        def f(left, right):
            out = []
            for a in left:
                for b in right:
                    if a[0] == b[0]:
                        out.append((a[1], b[1]))
            return out
    """,
    "swapped-and-more": """
        def f(left, right):
            out = []
            for a in left:
                for b in right:
                    if b[0] == a[0] and b[1] > 0.5:
                        out.append(a[1])
                        break
                else:
                    out.append(None)
            return out
    """,
    "enumerate": """
        def f(left, right):
            pairs = []
            for i, a in enumerate(left):
                for j, b in enumerate(right):
                    if a[0] == b[0]:
                        pairs.append((i, j))
            return pairs
    """,
    "comprehension": """
        def f(left, right):
            return {a[1]: [b[1] for b in right if b[0] == a[0]] for a in left}
    """,
    "any": """
        def f(left, right):
            keys = [b[0] for b in right]
            return [a for a in left if any(k == a[0] for k in keys)]
    """,
    "len-key": """
        def f(left, right):
            n = 0
            for a in left:
                for b in right:
                    if len(a[1]) == b[0] % 7:
                        n += 1
            return n
    """,
}


@pytest.mark.parametrize("spelling", sorted(JOINS))
def test_nested_loop_joins_use_an_index(spelling: str) -> None:
    new = fires(JOINS[spelling], "f", [args(LEFT, RIGHT)], "index-join", edge=EDGE)
    assert "_pk_idx0.get(" in new


def test_joins_on_attributes_of_objects() -> None:
    source = """
        def f(people, orders):
            out = []
            for p in people:
                for o in orders:
                    if o.real == p.imag:
                        out.append((p, o))
            return out
    """
    people = [complex(0, RNG.randint(0, 300)) for _ in range(1200)]
    orders = [complex(RNG.randint(0, 300), i) for i in range(1200)]
    fires(source, "f", [args(people, orders)], "index-join", edge=[args([1j], [1 + 0j, True]), args([], [])])


def test_joins_stay_away_when_keys_may_change_or_the_inner_loop_does_more() -> None:
    mutates = """
        def f(left, right):
            out = []
            for a in left:
                for b in right:
                    if a[0] == b[0]:
                        b[0] = -1
                        out.append(a)
            return out
    """
    calls = """
        def f(left, right, g):
            out = []
            for a in left:
                for b in right:
                    if a[0] == b[0]:
                        out.append(g(a, b))
            return out
    """
    counts_all = """
        def f(left, right):
            out = []
            for a in left:
                for b in right:
                    out.append(b)
                    if a[0] == b[0]:
                        out.append(a)
            return out
    """
    not_first = """
        def f(left, right):
            out = []
            for a in left:
                for b in right:
                    if b[1] > 2 and a[0] == b[0]:
                        out.append(a)
            return out
    """
    leaks = """
        def f(left, right):
            for a in left:
                for b in right:
                    if a[0] == b[0]:
                        pass
            return b
    """
    grows = """
        def f(left, right):
            for a in left:
                for b in right:
                    if a[0] == b[0]:
                        right.append(a)
                        break
            return right
    """
    rows = [[1, 2], [3, 4]]
    never(mutates, "f", [args(rows, rows)], "index-join")
    never(calls, "f", [args(rows, rows, max)], "index-join")
    for source in (counts_all, not_first, leaks, grows):
        never(source, "f", [args(rows, rows)], "index-join")


def test_a_single_loop_is_not_a_join() -> None:
    source = """
        def f(a, right):
            return [b for b in right if b[0] == a]
    """
    never(source, "f", [args(1, [(1, 2)])], "index-join")
