"""Pumping: input patterns prefix + segment * k + suffix, scored by how their cost grows; the regex attacks as
sources; atheris' dictionary."""

from __future__ import annotations

import math
import random

import pytest
from perfkit.fuzzers import fuzz
from perfkit.fuzzers._atheris import dictionary_text
from perfkit.fuzzers._patterns import Pattern, from_value, growth, mutate, predicted, string_constants
from perfkit.fuzzers._pump import PumpSearch

from perfkit import cost
from tests._fuzz_support import session_for
from tests.fixtures import fuzz_targets as t
from tests.fixtures import redos_targets as r

REDOS = "tests/fixtures/redos_targets.py"


def test_a_pattern_renders_any_size_and_keeps_its_ending() -> None:
    p = Pattern("s", "ab", "xy", "!")
    for n in (6, 10, 11, 64):
        text = p.render(n)
        assert len(text) == n and text.startswith("ab") and text.endswith("!") and "xyx" in text
    assert Pattern("xs", [9], [1, 2], [0]).render(7) == [9, 1, 2, 1, 2, 1, 0]
    assert Pattern("t", (7,), (1,), ()).render(4) == (7, 1, 1, 1)
    tiny = Pattern("s", "prefix-", "a", "-suffix").render(4)
    assert len(tiny) <= 4 and "a" in tiny  # prefix and suffix are cut to leave room for the pump


def test_growth_is_the_slope_of_cost_over_size_on_log_scales() -> None:
    sizes = [8, 16, 32]
    assert growth([(n, 5 * n) for n in sizes]) == pytest.approx(1.0)
    assert growth([(n, 3 * n * n + 0.0) for n in sizes]) == pytest.approx(2.0)
    assert growth([(n, 2.0**n) for n in sizes]) > 5
    assert growth([(8, 10.0)]) == 0.0 and growth([(8, 0.0), (16, 0.0)]) == 0.0
    # extrapolated from the largest point along the slope: log(c(64)) for c = n^2
    assert predicted([(n, n * n + 0.0) for n in sizes], 64) == pytest.approx(2 * math.log(64))


def test_patterns_from_an_input_and_their_mutations_keep_its_type() -> None:
    rng = random.Random(0)
    for value in ("abc:def!", b"GET /x", [3, 1, 2, 2], (1, 2, 3)):
        found = from_value("v", value, rng, origin="test")
        assert found and all(type(p.segment) is type(value) and len(p.segment) >= 1 for p in found)
        letters = [value[i : i + 1] if isinstance(value, str | bytes) else [value[i]] for i in range(len(value))]
        pieces = [value[:2]]
        p = found[0]
        for _ in range(300):
            p = mutate(p, rng, letters, pieces)
            assert type(p.segment) is type(value) and type(p.prefix) is type(value) and type(p.suffix) is type(value)
            assert len(p.render(40)) <= 40


def _helper_with_constants(text: str) -> bool:
    return text.startswith("BEGIN:") and text.endswith(";END")


def _calls_a_helper(text: str) -> bool:
    return _helper_with_constants(text.strip()) or text == "--"


def test_string_constants_include_the_functions_the_target_names() -> None:
    found = string_constants(_calls_a_helper)
    assert {"--", "BEGIN:", ";END"} <= set(found)
    assert ":" in string_constants(r.parse_header)


def test_dictionary_entries_are_escaped_as_libfuzzer_reads_them() -> None:
    text = dictionary_text(['a"b\\c', "é\n", "", "x" * 100, "plain"])
    assert text.splitlines() == ['"a\\"b\\\\c"', '"\\xC3\\xA9\\x0A"', '"plain"']


def test_pumping_reaches_the_quadratic_worst_of_quicksort_by_line_counts(tmp_path) -> None:
    """From one random list, the pattern search finds a repeated pattern (all equal, or sorted) at the bound."""
    session, _ = session_for(t.quicksort, tmp_path, max_size=40, budget=1.5, signal="lines", features=frozenset())
    session.evaluate(([5, -3, 17, 0, 9, 2, -8, 4],), {})
    PumpSearch(guided=True).run(session)
    best = session.corpus.best()
    known = cost(t.quicksort, args=([0] * 40,)).lines
    assert best is not None and best.searcher == "pump" and len(best.args[0]) == 40
    assert best.lines >= 0.9 * known


def test_pumping_with_regex_attacks_hangs_a_header_parser(tmp_path) -> None:
    """The regex behind 'Name: value' parsing: its attack string is validated through the parser, then pumped;
    the call runs past the limit (a right-censored, slowest input) where random text takes microseconds."""
    session, _ = session_for(r.parse_header, tmp_path, max_size=60, budget=6, timeout=0.3)
    session.evaluate(("Host: example",), {})
    PumpSearch(guided=True).run(session)
    best = session.corpus.best()
    assert best is not None and best.outcome == "timeout" and best.time_s == 0.3
    (line,) = best.args
    assert ":" in line and len(line) <= 60 and sum(c.isalnum() for c in line.partition(":")[2]) >= 15
    assert any(note.startswith("pump: ") and "regex attack" in note for note in session.notes)


def test_fuzz_finds_a_regex_blow_up_behind_parsing_code() -> None:
    result = fuzz(f"{REDOS}:parse_header", max_size=48, budget=6, timeout=0.3, seed=2)
    assert result.worst is not None and result.worst.outcome == "timeout"
    assert result.worst.size <= 48 and result.worst.searcher in ("pump", "atheris", "hypothesis")
    assert result.to_json()["worst"]["class"].startswith("ran past the time limit")


@pytest.mark.slow
def test_an_unannotated_host_validator_is_fuzzed_from_samples_into_a_hang() -> None:
    samples = [(("example.com",), {}), (("a-b.org",), {})]
    result = fuzz(r.is_host, max_size=60, budget=12, timeout=0.3, samples=samples)
    assert result.worst is not None and result.worst.outcome == "timeout"
    (host,) = result.worst.args
    assert isinstance(host, str) and len(host) <= 60
