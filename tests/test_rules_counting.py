"""Counting and grouping rules on unannotated functions, several spellings each, through the real verifier."""

from __future__ import annotations

import random

import pytest

from ._rules_support import args, fires, never

RNG = random.Random(7)
WORDS = [RNG.choice(["apple", "Pear", "fig", "kiwi", "plum", "é", ""]) + str(RNG.randint(0, 300)) for _ in range(30000)]
SMALL = [(["b", "a", "b"],), ([],), ([1, True, 1.0, 2, 2.0],), ([float("nan")] * 3,)]
EDGE = [args(*a) for a in SMALL] + [args([[1], [1]]), args(5)]

COUNTING = {
    "if-else": """
        def f(words):
            counts = {}
            for w in words:
                if w in counts:
                    counts[w] += 1
                else:
                    counts[w] = 1
            return counts
    """,
    "keys-not-in": """
        def f(words):
            counts = dict()
            total = 0
            for w in words:
                if w not in counts.keys():
                    counts[w] = 0
                counts[w] += 1
            return counts, total
    """,
    "setdefault": """
        def f(words):
            d = {}
            for word in words:
                d.setdefault(word, 0)
                d[word] = d[word] + 1
            return d
    """,
    "try-keyerror": """
        def f(words):
            d = {}
            for w in words:
                try:
                    d[w] += 1
                except KeyError:
                    d[w] = 1
            return sorted(d.items())
    """,
    "get-reversed": """
        def f(words):
            seen = {}
            for w in words:
                seen[w] = 1 + seen.get(w, 0)
            return seen
    """,
    "ifexp": """
        def f(words):
            seen = {}
            for w in words:
                seen[w] = seen[w] + 1 if w in seen else 1
            return list(seen)
    """,
}


@pytest.mark.parametrize("spelling", sorted(COUNTING))
def test_counting_spellings_become_a_counter(spelling: str) -> None:
    new = fires(COUNTING[spelling], "f", [args(WORDS)], "counting-dict", edge=EDGE)
    assert "_pk_Counter(words)" in new


def test_counting_a_key_of_each_item() -> None:
    source = """
        def f(rows):
            by_first = {}
            for name, score in rows:
                k = name
                by_first[name.lower()] = by_first.get(name.lower(), 0) + 1
            return by_first
    """
    never(source, "f", [args([("a", 1)])], "counting-dict")  # a second statement in the loop body
    source = """
        def f(rows):
            by_first = {}
            for name, score in rows:
                by_first[name.lower()] = by_first.get(name.lower(), 0) + 1
            return by_first
    """
    rows = [(w, i) for i, w in enumerate(WORDS)]
    new = fires(source, "f", [args(rows)], "counting-dict", edge=[args([("A", 1), ("a", 2)]), args([(1, 2)])])
    assert "name.lower() for name, score in rows" in new


def test_counting_stays_away_when_the_dict_or_the_loop_variable_is_seen_elsewhere() -> None:
    prefilled = """
        def f(words):
            d = {}
            d["x"] = 5
            for w in words:
                d[w] = d.get(w, 0) + 1
            return d
    """
    leaked = """
        def f(words):
            d = {}
            for w in words:
                d[w] = d.get(w, 0) + 1
            return d, w
    """
    twice = """
        def f(words):
            d = {}
            for w in words:
                d[w] = d.get(w, 0) + 2
            return d
    """
    for source in (prefilled, leaked, twice):
        never(source, "f", [args(["a", "b"])], "counting-dict")


COUNT_IN_LOOP = {
    "dict-comp": """
        def f(xs):
            return {x: xs.count(x) for x in xs}
    """,
    "loop-over-set": """
        def f(xs):
            counts = {}
            for x in set(xs):
                counts[x] = xs.count(x)
            return counts
    """,
    "duplicates": """
        def f(xs):
            out = []
            for x in xs:
                if xs.count(x) > 1 and x not in out:
                    out.append(x)
            return out
    """,
    "split-local": """
        def f(text):
            words = text.split()
            return [w for w in words if words.count(w) == 1]
    """,
}


@pytest.mark.parametrize("spelling", sorted(COUNT_IN_LOOP))
def test_count_in_a_loop_becomes_one_counter(spelling: str) -> None:
    data = [RNG.randint(-200, 200) for _ in range(2500)]
    inputs = [args(" ".join(WORDS[:2500]))] if spelling == "split-local" else [args(data), args(WORDS[:2000])]
    edge = [args("a b a"), args("")] if spelling == "split-local" else [*EDGE[:-2], args("abca"), args((1, 1, 2))]
    new = fires(COUNT_IN_LOOP[spelling], "f", inputs, "count-in-loop", edge=edge)
    assert "_pk_Counter(" in new


def test_count_in_a_loop_stays_away_from_lists_that_change_or_escape() -> None:
    grows = """
        def f(xs):
            out = []
            for x in list(xs):
                xs.append(x)
                out.append(xs.count(x))
            return out
    """
    escapes = """
        def f(xs, g):
            return [g(xs) + xs.count(x) for x in xs]
    """
    once = """
        def f(xs):
            return xs.count(3)
    """
    never(grows, "f", [args([1, 2])], "count-in-loop")
    never(escapes, "f", [args([1, 2], len)], "count-in-loop")
    never(once, "f", [args([1, 3])], "count-in-loop")


GROUPING = {
    "get-plus": """
        def f(pairs):
            groups = {}
            for k, v in pairs:
                groups[k] = groups.get(k, []) + [v]
            return groups
    """,
    "if-else": """
        def f(pairs):
            groups = {}
            for k, v in pairs:
                if k in groups:
                    groups[k] = groups[k] + [v]
                else:
                    groups[k] = [v]
            return groups
    """,
    "two-step": """
        def f(pairs):
            g = {}
            for pair in pairs:
                if pair[0] not in g:
                    g[pair[0]] = []
                g[pair[0]] = g[pair[0]] + [pair[1], pair]
            return sorted(g.items())
    """,
}


@pytest.mark.parametrize("spelling", sorted(GROUPING))
def test_grouping_by_rebuilt_lists_becomes_setdefault_append(spelling: str) -> None:
    pairs = [(RNG.randint(0, 40), RNG.random()) for _ in range(20000)]
    edge = [args([]), args([(1, 2), (True, 3), (1.0, 4)]), args([([1], 2)]), args([(1,)])]
    new = fires(GROUPING[spelling], "f", [args(pairs)], "group-append", edge=edge)
    assert ".setdefault(" in new and "+ [" not in new


def test_grouping_stays_away_when_a_list_is_seen_while_building() -> None:
    seen = """
        def f(pairs):
            groups = {}
            firsts = []
            for k, v in pairs:
                groups[k] = groups.get(k, []) + [v]
                firsts.append(groups[k])
            return firsts
    """
    caught = """
        def f(pairs):
            groups = {}
            for k, v in pairs:
                try:
                    groups[k] = groups.get(k, []) + [v]
                except TypeError:
                    pass
            return groups
    """
    never(seen, "f", [args([(1, 2)])], "group-append")
    never(caught, "f", [args([(1, 2)])], "group-append")
