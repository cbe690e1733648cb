"""Slow inputs that raise: their own class ("slow, then raised", a denial of service), counted toward the worst
input unless ``valid_only`` / ``--valid-only``. Costs here are line counts (deterministic)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from perfkit.fuzzers import fuzz
from perfkit.fuzzers._corpus import RAISED, Corpus, Finding
from perfkit.fuzzers._cost import Evaluator
from perfkit.fuzzers._instrument import instrument

from perfkit.errors import InvalidArgument
from tests.fixtures import redos_targets as r

from .conftest import ROOT

ITEMS = "tests/fixtures/redos_targets.py:parse_items"
LATE_ERROR = ([str(i) for i in range(30)] + [""],)  # 30 good items, then an empty one: a quadratic scan, then raise


def test_the_work_before_a_raise_is_measured() -> None:
    measured = Evaluator(
        r.parse_items, instrument(r.parse_items, []), timeout=2.0, signal_kind="lines", raised_cost=True
    )
    sample = measured(LATE_ERROR, {})
    assert sample.outcome == "rejected" and sample.error is not None and sample.error.startswith("ValueError")
    assert sample.cost == sample.lines > 30 * 30  # the scan over every pair of earlier items
    plain = Evaluator(r.parse_items, instrument(r.parse_items, []), timeout=2.0, signal_kind="lines")
    assert plain(LATE_ERROR, {}).cost == 0  # without raised_cost a raise is a rejection, as before
    assert measured((["1", " 2"],), {}).outcome == "ok"


def _finding(cost: float, outcome: str = "ok", name: str = "x") -> Finding:
    return Finding((name,), {}, cost, int(cost), 0.0, 1, outcome=outcome, error="E" if outcome == "raised" else None)


def test_raised_inputs_are_their_own_class_in_the_corpus() -> None:
    corpus = Corpus(per_region=1)
    corpus.offer(_finding(10.0, name="valid"))
    corpus.offer(_finding(500.0, "raised", name="dos"))
    assert len(corpus) == 2  # one per region *and* class: the raise does not push the valid input out
    assert corpus.best().args == ("dos",) and corpus.best_raised().args == ("dos",)  # type: ignore[union-attr]
    assert corpus.best(valid_only=True).args == ("valid",)  # type: ignore[union-attr]
    close = Corpus()
    close.offer(_finding(10.0, name="valid"))
    close.offer(_finding(12.0, "raised", name="rejection"))  # about as fast as a valid call: a rejection
    assert close.best().args == ("valid",)  # type: ignore[union-attr]
    hung = Corpus()
    hung.offer(_finding(1.0, "timeout", name="hang"))
    hung.offer(_finding(1e6, "raised", name="dos"))
    assert hung.best().args == ("hang",)  # type: ignore[union-attr]  # censored still ranks first


def test_fuzz_reports_a_slow_then_raised_worst() -> None:
    from perfkit.cli.fuzz import _rows

    result = fuzz(ITEMS, max_size=16, budget=2.5, signal="lines", search="hypothesis", seed=1)
    worst = result.worst
    assert worst is not None and worst.outcome == "raised" and worst.error.startswith("ValueError: empty item")
    assert result.worst_raised == worst and worst.lines > 16 * 3
    data = result.to_json()
    assert data["worst"]["class"] == RAISED and data["worst_raised"]["error"] == worst.error
    assert data["valid_only"] is False and data["schema_version"] == 3
    rows = dict(_rows(result))  # the table the command line prints
    assert rows["class"].startswith(f"{RAISED} (ValueError: empty item")
    with pytest.raises(InvalidArgument, match="valid_only"):
        fuzz(ITEMS, max_size=4, budget=1, valid_only="yes")  # type: ignore[arg-type]


def perfkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkit", *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )


def test_valid_only_makes_raising_inputs_rejections_again(tmp_path) -> None:
    out = tmp_path / "r.json"
    valid = perfkit(
        "fuzz", ITEMS, "--max-size", "16", "--budget", "2", "--signal", "lines", "--search", "hypothesis",
        "--valid-only", "--json", str(out),
    )  # fmt: skip
    assert valid.returncode == 0, valid.stderr
    assert "rejections (--valid-only)" in valid.stdout and RAISED not in valid.stdout
    data = json.loads(out.read_text())
    assert data["valid_only"] is True and data["worst"]["outcome"] == "ok" and data["worst_raised"] is None
    assert all(all(f["args"][0]) for f in data["corpus"])  # no empty item: nothing that raised
    assert data["counts"]["rejected"] > 0


@pytest.mark.slow
def test_a_regex_that_hangs_before_raising_is_censored_not_dropped() -> None:
    """version() raises on a bad part, after an exponential match: the hang is the worst (censored), not a
    rejection."""
    result = fuzz(r.version, max_size=40, budget=8, timeout=0.3)
    assert result.worst is not None and result.worst.outcome == "timeout"
    assert any(f.kind == "timeout" for f in result.failures)
