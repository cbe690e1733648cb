"""The cost signal for work a line count cannot see (``re``, str methods, C code), and censored calls.

Timing assertions only where the margin is huge: an exponential regex at 18 pumps against the same call
without its failing character (2**18 backtracking steps against a few dozen).
"""

from __future__ import annotations

import pytest
from perfkit.fuzzers._campaign import Campaign
from perfkit.fuzzers._corpus import Corpus, Finding
from perfkit.fuzzers._cost import MAX_REPEATS, Evaluator, lines_blind, repeats_for
from perfkit.fuzzers._instrument import instrument
from perfkit.fuzzers._result import CurvePoint

from tests._fuzz_support import session_for
from tests.fixtures import fuzz_targets as t
from tests.fixtures import redos_targets as r

SLOW = "Host: " + "a" * 18 + "!"  # 2**18 ways to fail
FAST = "Host: " + "a" * 18  # matches at once


def test_line_counts_are_blind_when_one_input_takes_far_longer_per_line() -> None:
    flat = [(100 + i, (100 + i) * 20e-9) for i in range(20)]  # time follows the line count
    assert lines_blind(flat, ns_per_line=10.0) is None
    spiky = [*flat, (101, 5e-3)]  # as many lines, 2500 times the time
    assert lines_blind(spiky, ns_per_line=10.0) == len(flat)
    short = [*flat, (2, 1e-6)]  # many times the time per line, but a microsecond: timer noise
    assert lines_blind(short, ns_per_line=10.0) is None
    assert lines_blind(spiky[-5:], ns_per_line=10.0) is None  # too few inputs to tell


def test_repeats_are_budget_aware() -> None:
    assert repeats_for(1e-5, 30.0) == MAX_REPEATS  # a short call: timed many times
    assert repeats_for(0.5, 30.0) == 1  # a long one: once
    assert repeats_for(0.01, 30.0) > repeats_for(0.01, 0.5) >= 1  # fewer as the budget runs out


def test_time_ranks_a_regex_blow_up_that_line_counts_cannot_see() -> None:
    evaluate = Evaluator(r.parse_header, instrument(r.parse_header, []), timeout=5.0)
    slow, fast = evaluate((SLOW,), {}), evaluate((FAST,), {})
    assert slow.outcome == fast.outcome == "ok"
    assert abs(slow.lines - fast.lines) <= 1  # the same Python lines ...
    evaluate.by_time = True
    slow, fast = evaluate((SLOW,), {}), evaluate((FAST,), {})
    assert slow.cost > 100 * fast.cost  # ... and thousands of times the time
    assert slow.lines == fast.lines == -1  # by time, lines are not counted (tracing costs several calls)


def test_the_session_switches_to_time_when_lines_are_blind(tmp_path) -> None:
    session, messages = session_for(r.parse_header, tmp_path, max_size=40, budget=30, timeout=5.0)
    for i in range(15):
        session.evaluate((f"Host: example{i}",), {})
    session.evaluate((SLOW,), {})
    assert session.evaluator.by_time and not session.adaptive
    (switch,) = [m for m in messages if m["kind"] == "signal"]
    assert switch["signal"] == "time" and "7 Python lines" in switch["why"]
    rescored = [m for m in messages if m["kind"] == "rescored"]
    assert rescored and all(m["new"].args == m["old"].args for m in rescored)
    assert session.corpus.best().args == (SLOW,)  # type: ignore[union-attr]


def test_the_session_keeps_line_counts_for_python_level_work(tmp_path) -> None:
    session, messages = session_for(t.quicksort, tmp_path, max_size=64, budget=30)
    for n in range(64):
        session.evaluate((list(range(n, 0, -1)) if n % 2 else [n % 7] * n,), {})
    assert not session.evaluator.by_time and not [m for m in messages if m["kind"] == "signal"]


def test_no_switch_when_the_signal_is_forced(tmp_path) -> None:
    session, messages = session_for(r.parse_header, tmp_path, max_size=40, signal="lines", budget=30, timeout=5.0)
    for i in range(15):
        session.evaluate((f"Host: example{i}",), {})
    session.evaluate((SLOW,), {})
    assert not session.evaluator.by_time and all(m["kind"] != "signal" for m in messages)
    adaptive_off, _ = session_for(r.parse_header, tmp_path, max_size=40, features=frozenset({"pump"}))
    assert not adaptive_off.adaptive


def test_a_call_cut_off_at_the_limit_ranks_slowest(tmp_path) -> None:
    corpus = Corpus()
    corpus.offer(Finding(("big",), {}, 1e9, 10**9, 0.5, 3))
    corpus.offer(Finding(("hung",), {}, 10.0, -1, 0.1, 4, outcome="timeout"))
    assert corpus.best().args == ("hung",)  # type: ignore[union-attr]
    session, _ = session_for(t.hangs, tmp_path, max_size=8, timeout=0.1)
    session.evaluate((3,), {})
    hung = session.evaluate((5,), {})
    assert hung.outcome == "timeout" and hung.time_s == pytest.approx(0.1)
    assert session.feedback(hung) >= session.best  # what a searcher climbs: never below the best seen
    assert session.corpus.best().outcome == "timeout"  # type: ignore[union-attr]


def test_the_curve_is_fitted_on_time_only_where_time_decided_the_largest_point() -> None:
    campaign = Campaign(
        func=t.quicksort, target="x:y", name="x", max_size=64, budget=1, seed=0, timeout=1, memory_limit=None,
        search="auto", guided=True, signal="auto", strategy=None, constraints=[],
    )  # fmt: skip
    # a timing spike at a small size (cost above its lines there) must not turn the fit to time
    spiky = [CurvePoint(n, n, n * n + (50.0 if n == 8 else 0.0), n * n, 1e-6) for n in (8, 16, 32, 64)]
    assert campaign.fit(spiky)[0] == "O(n^2)" and not any("fitted on time" in n for n in campaign.notes)
    campaign.signal_now = "time"  # the search ran on time: the fit does too
    timed = [CurvePoint(n, n, 5.0, 5, 1e-9 * n**3) for n in (8, 16, 32, 64)]
    assert campaign.fit(timed)[0] == "O(n^3)" and "fitted on time" in campaign.notes[-1]
