"""Sorting rules (pick one end, running extremes, insort) on unannotated functions, through the real verifier."""

from __future__ import annotations

import random

import pytest

from ._rules_support import args, fires, never, run

RNG = random.Random(5)
INTS = [RNG.randint(-(10**6), 10**6) for _ in range(200)]
ROWS = [[RNG.randint(-50, 50) for _ in range(300)] for _ in range(300)]
WORDS = [[RNG.choice(["ab", "b", "Abc", "zz", "é", ""]) for _ in range(50)] for _ in range(500)]
EDGE = [
    args([[]]),
    args([[1, True, 1.0]]),
    args([[0.0, -0.0], [float("nan"), 1.0, 0.5], [1.0, float("nan"), 0.5]]),
    args([["b", "a", "B"], [1, "a"]]),
    args([[(1, 2), (1, 1)], [{1}, {2}]]),
    args([[3]]),
]

PICKS = {
    "min": "return [sorted(r)[0] for r in rows]",
    "max": "return [sorted(r)[-1] for r in rows]",
    "reverse-first": "return [sorted(r, reverse=True)[0] for r in rows]",
    "reverse-last": "return [sorted(r, reverse=True)[-1] for r in rows]",
    "top-three": "return [sorted(r)[:3] for r in rows]",
    "loop-statement": "out = []\n    for r in rows:\n        lo = sorted(r)[0]\n        out.append(lo)\n    return out",
}


@pytest.mark.parametrize("spelling", sorted(PICKS))
def test_sorted_to_pick_one_end_becomes_min_or_max(spelling: str) -> None:
    source = "def f(rows):\n    " + PICKS[spelling] + "\n"
    new = fires(source, "f", [args(ROWS)], "sorted-pick", edge=EDGE)
    assert "sorted(r)" not in new.split(" else ")[0]


@pytest.mark.parametrize("key", ["len", "str.lower", "abs"])
def test_sorted_with_a_key_keeps_the_stable_choice(key: str) -> None:
    source = f"""
        def f(groups):
            return [(sorted(g, key={key})[0], sorted(g, key={key})[-1]) for g in groups]
    """
    data = ROWS[:100] if key == "abs" else WORDS
    edge = [args([[]]), args([["a", "A", "b"]] if key != "abs" else [[-1, 1, True]])]
    fires(source, "f", [args(data)], "sorted-pick", edge=edge)


def test_sorted_pick_on_empty_input_raises_index_error_like_the_original() -> None:
    source = "def f(xs):\n    return sorted(xs)[-1]\n"
    new = fires(source, "f", [args(INTS)], "sorted-pick", edge=[args([]), args((2, 1)), args("ba")])
    assert run(new, "f", []) == ("raised", IndexError)


def test_sorted_pick_stays_away_from_unknown_keys_and_other_indices() -> None:
    for source in (
        "def f(xs, k):\n    return sorted(xs, key=k)[0]\n",
        "def f(xs, k):\n    return sorted(xs)[1]\n",
        "def f(xs, k):\n    return sorted(xs)[k]\n",
        "def f(xs, k):\n    return sorted(xs)[:100]\n",
    ):
        never(source, "f", [args([3, 1, 2], len)], "sorted-pick")


RUNNING = {
    "max-history": """
        def f(xs):
            seen = []
            out = []
            for x in xs:
                seen.append(x)
                out.append(max(seen))
            return out
    """,
    "min-and-max": """
        def f(xs):
            hist = []
            spread = []
            for x in xs:
                hist.append(x)
                spread.append(max(hist) - min(hist))
            return spread, len(hist)
    """,
    "while-record": """
        def f(xs):
            best = []
            i = 0
            records = 0
            while i < len(xs):
                if not best or xs[i] > max(best):
                    records += 1
                best.append(xs[i])
                i += 1
            return records
    """,
}


@pytest.mark.parametrize("spelling", sorted(RUNNING))
def test_max_of_a_growing_list_becomes_a_running_value(spelling: str) -> None:
    edge = [args([]), args([1, True, 2.5, 2]), args(["b", "a", "c"]), args([1, "a"]), args([float("nan"), 1.0])]
    new = fires(RUNNING[spelling], "f", [args(INTS * 15)], "running-extreme", edge=edge)
    assert "_pk_ok_" in new


def test_running_extreme_stays_away_from_lists_that_shrink_or_escape() -> None:
    shrinks = """
        def f(xs):
            seen = []
            out = []
            for x in xs:
                seen.append(x)
                if x < 0:
                    seen.pop()
                out.append(max(seen) if seen else None)
            return out
    """
    escapes = """
        def f(xs):
            seen = []
            out = [seen]
            for x in xs:
                seen.append(x)
                out.append(max(seen))
            return out
    """
    never(shrinks, "f", [args([1, 2])], "running-extreme")
    never(escapes, "f", [args([1, 2])], "running-extreme")


INSORT = {
    "medians": """
        def f(xs):
            window = []
            out = []
            for x in xs:
                window.append(x)
                window.sort()
                out.append(window[len(window) // 2])
            return out
    """,
    "seen-before": """
        def f(xs):
            seen = []
            ranks = []
            for x in xs:
                seen.append(x)
                seen.sort()
                ranks.append(seen.index(x))
            return ranks
    """,
    "conditional": """
        def f(xs):
            kept = []
            for x in xs:
                if x % 3:
                    kept.append(x * 2)
                    kept.sort()
            return kept[:5], kept[-5:]
    """,
}


@pytest.mark.parametrize("spelling", sorted(INSORT))
def test_append_then_sort_becomes_insort(spelling: str) -> None:
    data = INTS * 10
    edge = [args([]), args([1, True, 0, False, 2]), args([2.5, 1, float("nan"), 3, 0])]
    if spelling != "conditional":
        edge += [args(["b", "a", "c"]), args([1, "a"])]
    new = fires(INSORT[spelling], "f", [args(data)], "insort", edge=edge)
    assert "_pk_insort(" in new


def test_insort_stays_away_from_lists_that_start_unsorted_or_change_otherwise() -> None:
    prefilled = """
        def f(xs):
            out = list(xs)
            for x in xs:
                out.append(x)
                out.sort()
            return out
    """
    bounded = """
        def f(xs):
            top = []
            for x in xs:
                top.append(x)
                top.sort()
                if len(top) > 10:
                    top.pop(0)
            return top
    """
    reversed_sort = """
        def f(xs):
            out = []
            for x in xs:
                out.append(x)
                out.sort()
                out.insert(0, x)
            return out
    """
    for source in (prefilled, bounded, reversed_sort):
        never(source, "f", [args([3, 1, 2])], "insort")
