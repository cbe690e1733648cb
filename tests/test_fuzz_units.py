"""The fuzzers' parts on their own: constraint synthesis, instrumentation, mutators, cost signal, corpus, curve."""

from __future__ import annotations

import json
import random

import pytest
from perfkit.fuzzers import Finding, decode_input, static_constraints
from perfkit.fuzzers._campaign import Campaign, scaled
from perfkit.fuzzers._constraints import Constraint
from perfkit.fuzzers._corpus import Corpus
from perfkit.fuzzers._cost import Evaluator
from perfkit.fuzzers._instrument import instrument
from perfkit.fuzzers._llm import line_hits, parse_reply
from perfkit.fuzzers._repairs import apply_repairs, closeness
from perfkit.fuzzers._result import CurvePoint, encode_input

from tests.fixtures import fuzz_targets as t


def holds(c: Constraint, **values: object) -> bool:
    return bool(eval(c.expr, dict(values)))


def by_text(constraints: list[Constraint], text: str) -> Constraint:
    return next(c for c in constraints if c.text == text)


def test_quicksort_gets_sorted_and_all_equal_constraints() -> None:
    found = static_constraints(t.quicksort, max_size=50)
    texts = {c.text for c in found}
    assert {"xs sorted descending", "xs sorted ascending", "all elements of xs equal"} <= texts
    desc, equal = by_text(found, "xs sorted descending"), by_text(found, "all elements of xs equal")
    assert holds(desc, xs=[5, 3, 3, 1]) and not holds(desc, xs=[1, 3, 2])
    assert holds(equal, xs=[4, 4, 4]) and not holds(equal, xs=[4, 5])
    assert all(c.origin.startswith("static") for c in found)


def test_guard_is_found_and_solved() -> None:
    (guard,) = [c for c in static_constraints(t.guarded, max_size=20) if c.line is not None]
    assert "xs[0] == 42" in guard.expr and guard.repair is not None
    repaired = apply_repairs({"xs": [1, 2]}, [guard], max_size=20)
    assert holds(guard, xs=repaired["xs"]) and len(repaired["xs"]) == 20


def test_substring_search_gets_near_match_and_dedupe_gets_distinct() -> None:
    from benchmarks._fuzz_targets import dedupe, naive_find

    found = static_constraints(naive_find, max_size=10)
    near = by_text(found, "pattern is a near-match of text (one repeated symbol, pattern differs at its end)")
    fixed = apply_repairs({"text": "xyzxyzxyz", "pattern": "abc"}, [near], max_size=10)
    assert fixed == {"text": "xxxxxxxxx", "pattern": "xxb"} and holds(near, **fixed)
    assert naive_find(fixed["text"], fixed["pattern"]) == -1
    (distinct,) = [c for c in static_constraints(dedupe, max_size=10) if c.text.startswith("elements of items all")]
    fixed = apply_repairs({"items": [1, 1, 2, 2]}, [distinct], max_size=10)
    assert holds(distinct, **fixed) and all(abs(x) <= 10 for x in fixed["items"])


def test_no_source_gives_no_constraints() -> None:
    assert static_constraints(sorted, max_size=10) == []


def test_repairs_keep_types_and_skip_what_does_not_fit() -> None:
    cons = static_constraints(t.quicksort, max_size=8)
    out = apply_repairs({"xs": (3, 1, 2)}, [by_text(cons, "xs sorted descending")], max_size=8)
    assert out == {"xs": (3, 2, 1)}
    palindrome = Constraint("p", "s is a palindrome", "s == s[::-1]", "static", repair=("palindrome", "s"))
    assert apply_repairs({"s": "abcd"}, [palindrome], max_size=8) == {"s": "abba"}
    assert apply_repairs({"s": 3}, [palindrome], max_size=8) == {"s": 3}  # not a sequence: untouched


def test_closeness_grows_towards_the_guard() -> None:
    cond = "len(xs) > 3 and xs[0] == 42"
    far, near, there = (closeness(cond, {"xs": xs}) for xs in ([0], [0, 0, 0, 0], [42, 0, 0, 0]))
    assert far < near < there == 1.0


def test_instrumented_copy_keeps_behaviour_and_records_regions() -> None:
    cons = static_constraints(t.quicksort, max_size=30)
    copy = instrument(t.quicksort, cons)
    assert copy.instrumented and copy.func is not t.quicksort
    rng = random.Random(1)
    for _ in range(200):
        xs = [rng.randint(-5, 5) for _ in range(rng.randint(0, 12))]
        assert copy.func(list(xs)) == t.quicksort(list(xs))
    copy.seen.clear()
    copy.func([9, 7, 7, 2])
    assert {cons[i].text for i in copy.seen} == {"xs sorted descending"}
    guard_constraints = static_constraints(t.guarded, max_size=30)
    guard = instrument(t.guarded, guard_constraints)
    guard.func([1, 2])
    assert not guard.seen
    assert guard.func([42, 5, -7, 1, -7]) == t.guarded([42, 5, -7, 1, -7])
    (line,) = [c.line for c in guard_constraints if c.line is not None]
    assert line in {guard_constraints[i].line for i in guard.seen}


def test_instrumenting_a_closure() -> None:
    scale = 3

    def scaled_sum(xs: list[int]) -> int:
        total = 0
        for x in xs:
            total += x * scale
        return total

    copy = instrument(scaled_sum, static_constraints(scaled_sum, max_size=4))
    assert copy.instrumented and copy.func([1, 2]) == 9


def test_evaluator_counts_lines_rejections_and_timeouts() -> None:
    from perfkit import cost

    evaluate = Evaluator(t.quicksort, instrument(t.quicksort, []), timeout=0.5, signal_kind="lines")
    sample = evaluate((list(range(20)),), {})
    assert sample.outcome == "ok" and sample.cost == sample.lines == cost(t.quicksort, args=(list(range(20)),)).lines
    picky = Evaluator(t.picky, instrument(t.picky, []), timeout=0.5)
    rejected = picky(([1, 2, 3],), {})
    assert rejected.outcome == "rejected" and rejected.error == "ValueError: odd length" and rejected.cost == 0
    hang = Evaluator(t.hangs, instrument(t.hangs, []), timeout=0.1)(((5,)), {})
    assert hang.outcome == "timeout" and hang.time_s == 0.1 and hang.cost > 0


def test_time_signal_sees_work_in_c() -> None:
    from benchmarks._fuzz_targets import dedupe

    evaluate = Evaluator(dedupe, instrument(dedupe, []), timeout=2.0)
    distinct, repeated = evaluate((list(range(2000)),), {}), evaluate(([1] * 2000,), {})
    assert distinct.lines < 2 * repeated.lines  # the line count barely differs ...
    assert distinct.cost > 5 * repeated.cost  # ... the combined cost does


def test_corpus_keeps_the_costliest_per_region() -> None:
    corpus = Corpus(per_region=2)
    for cost, region in [(1, ()), (5, ()), (3, ()), (2, ("c1",))]:
        corpus.offer(Finding((cost,), {}, float(cost), cost, 0.0, 1, region))
    assert sorted(f.cost for f in corpus) == [2, 3, 5] and corpus.best().cost == 5  # type: ignore[union-attr]
    assert not corpus.offer(Finding((0,), {}, 0.5, 0, 0.0, 1, ()))


def test_inputs_json_or_pickle_with_repr() -> None:
    plain = encode_input(([3, 1], "ab"), {"k": 2})
    assert plain["args"] == [[3, 1], "ab"] and "pickle" not in plain and json.dumps(plain)
    odd = encode_input(((1, 2), {3}), {})
    assert odd["args"] is None and odd["pickle"] and "(1, 2)" in odd["repr"]
    assert decode_input(json.loads(json.dumps(odd))) == (((1, 2), {3}), {})


def test_curve_fit_picks_the_growth_class() -> None:
    campaign = Campaign(
        func=t.quicksort, target="x:y", name="x", max_size=64, budget=1, seed=0, timeout=1, memory_limit=None,
        search="auto", guided=True, signal="auto", strategy=None, constraints=[],
    )  # fmt: skip
    curve = [CurvePoint(n, n, n * n / 2 + n, 0, 0.0) for n in (8, 16, 32, 64)]
    assert campaign.fit(curve)[0] == "O(n^2)"
    curve = [CurvePoint(n, n, 7 * n + 3, 0, 0.0) for n in (8, 16, 32, 64)]
    assert campaign.fit(curve)[0] == "O(n)"
    assert campaign.fit(curve[:2]) == (None, None) and "complexity: not fitted" in campaign.notes[0]
    # lines at the small sizes, time at the large one (work in C): the fit uses one unit, time
    mixed = [CurvePoint(n, n, 3.0 * n + (n * n if n == 64 else 0), 3 * n, 1e-9 * n * n) for n in (8, 16, 32, 64)]
    assert campaign.fit(mixed)[0] == "O(n^2)" and "fitted on time" in campaign.notes[-1]


def test_scaled_inputs_stay_within_the_bound() -> None:
    assert scaled(([9, -9, 3, 4], "abcdef", 50), {"k": [1, 2, 3]}, 2) == (([9, -9], "ab", 2), {"k": [1, 2]})


def test_llm_reply_parsing_keeps_valid_expressions_only() -> None:
    reply = """Here you go:
CONSTRAINT: all(xs[i] >= xs[i + 1] for i in range(len(xs) - 1))  # sorted descending
CONSTRAINT: len(set(xs)) == 1 # all equal
CONSTRAINT: os.system('x')  # names something else
CONSTRAINT: xs[0 ==   # broken
"""
    found = parse_reply(reply, ["xs"], start=5)
    assert [c.text for c in found] == ["sorted descending", "all equal"]
    assert [c.id for c in found] == ["c5", "c6"] and all(c.origin == "llm" for c in found)


def test_line_hits_count_each_line() -> None:
    hits = line_hits(t.guarded, ([42, 1, 2, -7],), {})
    assert 16 in hits.values() and hits == line_hits(t.guarded, ([42, 1, 2, -7],), {})
    assert max(line_hits(t.guarded, ([1, 2],), {}).values()) == 1


@pytest.mark.parametrize("max_size", [0, -3, 2.5, True])
def test_fuzz_rejects_bad_sizes_before_any_work(max_size: object) -> None:
    from perfkit.fuzzers import fuzz

    from perfkit.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="max_size"):
        fuzz("tests/fixtures/fuzz_targets.py:quicksort", max_size=max_size, budget=1)  # type: ignore[arg-type]
