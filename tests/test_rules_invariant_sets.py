"""Membership tests on a list or tuple a loop only reads (a parameter, ``*values``, a local) → a set built once:
everyday spellings on unannotated functions, in loops, comprehensions and generators, pass the sandboxed verifier
at real sizes; unhashable items, values whose hash disagrees with ``==``, lists changed by the consumer of a
generator and lazily run generator expressions take the original path or keep the rule away."""

from __future__ import annotations

import random
import textwrap
from collections import OrderedDict

import pytest

from .test_optimizers_rewrite import rewrite_real, verified

RNG = random.Random(5)
NUMS = [RNG.randint(-2000, 2000) for _ in range(6_000)]
WORDS = [RNG.choice(["a", "An", "the", "É", "", "x"]) + str(RNG.randint(0, 900)) for _ in range(6_000)]
PAIRS = [(RNG.randint(0, 40), RNG.choice("abc")) for _ in range(3_000)]
NAN = float("nan")
STOPWORDS = ["a", "an", "and", "the", "of", "to", "in", "is", "it", "x1", "x2", "x3"] + [f"w{i}" for i in range(400)]
SMALL_PRIMES = [p for p in range(2, 3000) if all(p % d for d in range(2, int(p**0.5) + 1))]
CODES = tuple(range(0, 5000, 7))
STATE = [1, 2]
CODE_OF = {f"k{i}": i * 3 for i in range(1000)}


def reset_state():
    global STATE
    STATE = []


class Loose:
    """Equal to everything, hashed by identity: a set would miss what a list finds."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


# --- parameters: *values, a list argument, a tuple argument -----------------------------------------------------


def without(array, *values):
    return [item for item in array if item not in values]


def keep_known(words, vocab):
    out = []
    for w in words:
        if w.lower() in vocab:  # an expression: named once with := before the check
            out.append(w)
    return out


def count_pairs(rows, wanted):
    n = 0
    i = 0
    while i < len(rows):
        a, b = rows[i]
        if (a, b) in wanted:
            n += 1
        i += 1
    return n


def hits(rows, marks):
    return sum(1 for r in rows if r in marks)


def test_argument_spellings_verify_at_real_sizes() -> None:
    vocab = sorted({w.lower() for w in WORDS})[:1000]
    wanted = PAIRS[:800]
    for func, observed, wide in (
        (
            without,
            [(NUMS[:60], 1, 2, 3)],
            [
                ([],),
                ([1, 1.0, True, 2], True),
                ([[1], 2, [1]], [1]),  # an unhashable item and value: the original path
                ([NAN, 0.0, -0.0], NAN, 0),
                ([Loose(), 1], 5),
                ([1, (1, 2), (1.0, 2)], (1, 2)),
                ((NUMS, *NUMS[:800])),
            ],
        ),
        (
            keep_known,
            [(WORDS[:60], vocab[:40])],
            [([], []), (["A", "a"], ("a",)), (["a"], "abc"), (["a", "B"], ["a", ["b"]]), (WORDS, vocab)],
        ),
        (
            count_pairs,
            [(PAIRS[:60], wanted[:30])],
            [([], []), ([(1, "a")], [(1.0, "a")]), ([([1], "a")], [([1], "a")]), (PAIRS, wanted)],
        ),
        (
            hits,
            [(NUMS[:60], NUMS[:30])],
            [([], ()), ([1, None, 2.0], [None, 2]), ([Loose()], [3]), ([3], [Loose()]), (NUMS, tuple(NUMS[:800]))],
        ),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "membership-param-list" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


# --- locals bound before the loop and only read -----------------------------------------------------------------


def strip_stopwords(text, stopwords):
    stop = [w.lower() for w in stopwords]
    kept = []
    for word in text.split():
        if word.lower() not in stop:
            kept.append(word)
    return kept


def common(xs, ys):
    others = list(ys)
    return [x for x in xs if x in others]


def first_shared(rows, banned):
    bad = tuple(banned)
    for i, row in enumerate(rows):
        for cell in row:
            if cell in bad:
                return i, cell
    return None


def drop_banned(words, banned):
    banned = [b.lower() for b in banned]  # the parameter rebound before the loop
    return [w for w in words if w.lower() not in banned]


def test_local_spellings_verify_at_real_sizes() -> None:
    text = " ".join(WORDS)
    rows = [NUMS[i : i + 30] for i in range(0, 6_000, 30)]
    for func, observed, wide in (
        (
            strip_stopwords,
            [(text[:300], WORDS[:20])],
            [("", []), ("A a", ["a"]), ("x", ["X", "x"]), (text, WORDS[:800])],
        ),
        (drop_banned, [(WORDS[:60], WORDS[:20])], [([], []), (["A"], ["a"]), (WORDS, WORDS[:800])]),
        (common, [(NUMS[:60], NUMS[:40])], [([], []), ([1, [2]], [[2], 1.0]), ([NAN], [NAN]), (NUMS, NUMS[:1000])]),
        (
            first_shared,
            [(rows[:5], [10**6])],
            [([], []), ([[1, 2]], [2.0]), ([[[1]]], [[1]]), ([[Loose()]], [1]), (rows, [10**7, NUMS[-1]])],
        ),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "membership-local-set" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


# --- generators: the container may change while the generator is paused --------------------------------------


def flagged(rows, marks):
    for i, row in enumerate(rows):
        if row in marks:
            yield i


def _load(source: str, name: str):
    space: dict = {}
    exec(textwrap.dedent(source), space)
    return space[name]


def test_a_generator_builds_its_set_only_from_a_tuple() -> None:
    assert "membership-param-list" not in rewrite_real(flagged, [(NUMS[:50], NUMS[:20])])[1]  # lists: no gain
    new, fired = rewrite_real(flagged, [(NUMS[:50], tuple(NUMS[:20]))])
    assert "membership-param-list" in fired and "type(marks) is tuple" in new
    old_gen, new_gen = flagged, _load(new, "flagged")

    def drive(gen_func, marks):  # the consumer adds to the marks between items
        out = []
        for i in gen_func(list(range(10)) * 3, marks):
            out.append(i)
            if isinstance(marks, list):
                marks.append(i + 1)
        return out

    assert drive(new_gen, [0]) == drive(old_gen, [0])
    assert drive(new_gen, (0, 3)) == drive(old_gen, (0, 3))
    _, fired, verdict = verified(flagged, [(NUMS[:50], tuple(NUMS[:20]))], [([[1]], [[1]]), (NUMS, tuple(NUMS[:1000]))])
    assert verdict.ok, verdict.reason


def lazy(rows, marks):
    return (r for r in rows if r in marks)


def checkers(xs):
    out = []
    for _ in xs:
        out.append(lambda y: y in SMALL_PRIMES)  # called whenever the caller likes
    return out


def test_a_generator_expression_or_lambda_that_may_outlive_its_statement_is_left_alone() -> None:
    assert "membership-param-list" not in rewrite_real(lazy, [([1, 2], [2])])[1]
    assert "membership-global-set" not in rewrite_real(checkers, [([1, 2],)])[1]


def mutated(xs, allowed):
    out = []
    for x in xs:
        if x in allowed:
            out.append(x)
            allowed.remove(x)
    return out


def rebound(xs, stop):
    s = list(stop)
    out = []
    for x in xs:
        if x in s:
            s = s[1:]
        out.append(x)
    return out


def handed_over(xs, others):
    ref = list(xs)
    hits = 0
    for o in others:
        if o in ref:
            hits += 1
        if ref == o:  # o.__eq__ receives ref and may keep it
            hits += 100
        o.poke()
    return hits


def test_rules_stay_away_from_containers_the_loop_changes() -> None:
    assert "membership-param-list" not in rewrite_real(mutated, [([1, 2], [2])])[1]
    assert "membership-local-set" not in rewrite_real(rebound, [([1, 2], [2])])[1]
    assert "membership-local-set" not in rewrite_real(handed_over, [([1, 2], [2])])[1]


def test_unhashable_tested_values_and_items_take_the_original_path() -> None:
    new, _ = rewrite_real(without, [(NUMS[:50], 1, 2)])
    fast = _load(new, "without")
    assert fast([[1], [2], 3], [1]) == without([[1], [2], 3], [1])
    assert fast([Loose(), 4], 9) == without([Loose(), 4], 9) == [4]  # 9 == Loose(): a set would keep it
    assert fast([4, 9], Loose()) == without([4, 9], Loose()) == []
    other = float("nan")  # matches only itself: by identity in a list and in a set alike
    assert fast([NAN, other], NAN) == without([NAN, other], NAN) and fast([NAN, other], NAN)[0] is other
    assert "set(values)" in new


# --- module globals bound once and never rebound -----------------------------------------------------------------


def content_words(text):
    return [w for w in text.split() if w.lower() not in STOPWORDS]


def prime_hits(xs):
    return sum(1 for x in xs if x in SMALL_PRIMES)


def coded(xs):
    out = []
    i = 0
    while i < len(xs):
        if xs[i] in CODES:
            out.append(i)
        i += 1
    return out


@pytest.mark.slow  # test_a_global_dicts_values_verify below covers the global path in CI
def test_global_spellings_verify_at_real_sizes() -> None:
    text = " ".join(WORDS) + " The AND of"
    for func, observed, wide in (
        (content_words, [(text[:300],)], [("",), ("A an AN x1",), (text,)]),
        (prime_hits, [(NUMS[:60],)], [([],), ([2.0, True, None, [2]],), (NUMS,)]),
        (coded, [(NUMS[:60],)], [([],), ([7.0, "7", (7,)],), (NUMS,)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "membership-global-set" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def calls_out(xs, hook):
    return [x for x in xs if hook(x) and x in SMALL_PRIMES]


def in_state(xs):
    return [x for x in xs if x in STATE]


def test_global_set_stays_away_from_unseen_code_and_rebound_globals() -> None:
    assert "membership-global-set" not in rewrite_real(calls_out, [([1, 2], bool)])[1]
    assert "membership-global-set" not in rewrite_real(in_state, [([1, 2],)])[1]


# --- a dict's values: x in d.values() -----------------------------------------------------------------------------


def known_colors(names, palette):
    return [n for n in names if n in palette.values()]


def renamed(pairs, words):
    table = dict(pairs)
    out = []
    for w in words:
        if w.upper() in table.values():
            out.append(w)
    return out


def unknown_codes(xs):
    n = 0
    for x in xs:
        if x not in CODE_OF.values():
            n += 1
    return n


@pytest.mark.slow  # test_a_global_dicts_values_verify below covers the values path in CI
def test_dict_values_spellings_verify_at_real_sizes() -> None:
    palette = {f"c{i}": w for i, w in enumerate(WORDS[:1000])}
    pairs = [(i, w.upper()) for i, w in enumerate(WORDS[:1000])]
    for func, observed, wide, rule in (
        (
            known_colors,
            [(WORDS[:60], {"a": "a0"})],
            [([], {}), (["x"], {1: ["x"]}), (["a"], OrderedDict(k="a")), ([1], {0: 1.0, 2: True}), (WORDS, palette)],
            "membership-param-list",
        ),
        (
            renamed,
            [(pairs[:20], WORDS[:60])],
            [([], []), ([(1, "A")], ["a", "b"]), ([(1, ["A"])], ["a"]), (pairs, WORDS)],
            "membership-local-set",
        ),
        (unknown_codes, [(NUMS[:60],)], [([],), ([3.0, "3", None, [3]],), (NUMS,)], "membership-global-set"),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert rule in fired and ".values()" in new, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)


def grows_table(words, table):
    out = []
    for w in words:
        if w in table.values():
            out.append(w)
        table[w] = w
    return out


def test_dict_values_stay_away_from_a_dict_the_loop_changes() -> None:
    assert rewrite_real(grows_table, [(["a"], {})])[1] == []


def test_a_global_dicts_values_verify() -> None:
    new, fired, verdict = verified(unknown_codes, [(NUMS[:60],)], [([3.0, "3", None, [3]],), (NUMS,)])
    assert "membership-global-set" in fired and "type(CODE_OF) is dict" in new, new
    assert verdict.ok, verdict.reason
