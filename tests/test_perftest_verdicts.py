"""The plugin's verdicts on synthetic numbers (no timing): a verdict never contradicts the figures of its row,
the row shows the quantity the verdict was decided on, a withheld verdict says why and what to do; which metrics
gate a session; the A/B pieces that need no process (pairing, ABBA order, path mapping, the wrong-tree check)."""

from __future__ import annotations

import math
import random
import statistics
from pathlib import Path

import pytest

from perfkit.errors import InvalidArgument
from perfkit.perftest import ab, report, verdicts
from perfkit.perftest import session as ps
from perfkit.perftest import settings as pset
from perfkit.perftest.workers import wrong_tree


def _comp(metric: str, base: list[float], new: list[float], threshold: float = 0.05) -> ps.Comparison:
    return ps.Comparison("k", metric, "s", "", ps._median(new), baseline=ps._median(base), threshold=threshold)


def test_the_issue_false_alarm_is_withheld_not_a_regression() -> None:
    """796 ns against 797 ns, but 1.109 relative to the reference loop: the old rule said REGRESSION."""
    base = [796e-9 * (1 + d) for d in (-0.002, 0.0, 0.001, 0.002, -0.001, 0.0, 0.001, -0.002)]
    new = [797e-9 * (1 + d) for d in (0.0, -0.001, 0.002, 0.001, -0.002, 0.001, 0.0, -0.001)]
    base_ref, new_ref = [1.0] * 8, [1.0 / 1.109] * 8  # the reference loop ran 11% faster in the second session
    comp = verdicts.stored(_comp("time", base, new), base, new, base_ref, new_ref)
    assert comp.verdict == "noisy" and not verdicts.contradicts(comp)
    assert comp.ratio == pytest.approx(797 / 796, rel=2e-3) and comp.basis == "raw times"
    assert comp.normalised == pytest.approx(1.110, abs=0.01)
    assert "relative to the reference loop" in comp.note and "--perf-compare=REV" in comp.note and "cost" in comp.note


def test_a_regression_both_ratios_agree_on_is_given_with_the_raw_ratio() -> None:
    base = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99]
    new = [v * 1.3 for v in base]
    comp = verdicts.stored(_comp("time", base, new), base, new, [0.5] * 8, [0.5] * 8)
    assert comp.verdict == "regression" and comp.ratio == pytest.approx(comp.current / comp.baseline)


@pytest.mark.parametrize("seed", range(4))
def test_no_verdict_contradicts_its_row_on_random_numbers(seed: int) -> None:
    """Random sessions: baselines, slowdowns, drifts of the reference and noise of every size. Whatever the
    rule decides, a regression has a ratio above the threshold and a current median above the baseline's, an
    improvement the opposite, and the ratio shown is the one decided on (stored: current / baseline)."""
    rng = random.Random(seed)
    seen = set()
    for _ in range(150):
        n = rng.randint(3, 12)
        noise, scale, drift = (
            rng.choice((0.001, 0.02, 0.2)),
            rng.choice((0.7, 0.95, 1.0, 1.04, 1.1, 1.5)),
            rng.uniform(0.8, 1.25),
        )
        base = [rng.lognormvariate(0, noise) for _ in range(n)]
        new = [scale * drift * rng.lognormvariate(0, noise) for _ in range(n)]
        base_ref = [rng.lognormvariate(0, noise) for _ in range(n)]
        new_ref = [drift * rng.lognormvariate(0, noise) for _ in range(n)]
        threshold = rng.choice((0.01, 0.05, 0.2))
        comp = verdicts.stored(_comp("time", base, new, threshold), base, new, base_ref, new_ref)
        assert not verdicts.contradicts(comp), comp
        assert comp.ratio == pytest.approx(comp.current / comp.baseline)
        seen.add(comp.verdict)
        rounds = rng.randint(2, 20)
        a = [rng.lognormvariate(0, noise) for _ in range(rounds)]
        b = [scale * x * rng.lognormvariate(0, noise) for x in a]
        ra = [rng.lognormvariate(0, noise) for _ in range(rounds)]
        rb = [drift * r for r in ra]
        raw = ab.paired_ratio(a, b)
        rel = ab.paired_ratio([x / r for x, r in zip(a, ra, strict=True)], [y / r for y, r in zip(b, rb, strict=True)])
        comp = verdicts.same_session(_comp("time", a, b, threshold), raw, rel)
        assert not verdicts.contradicts(comp), comp
        assert comp.ratio == raw.ratio and comp.basis == f"A/B, {rounds} paired rounds"
        if comp.verdict == "regression":
            assert raw.low > 1 + threshold and rel.ratio > 1 + threshold
        seen.add(comp.verdict)
    assert {"regression", "same", "noisy"} <= seen  # the random cases reach every kind of verdict


def test_same_session_regression_needs_the_whole_interval_above_the_threshold() -> None:
    limit = 0.05
    cases = [
        (ab.Paired(1.10, 1.04, 1.16, 10), None, "same"),  # the interval reaches below 1.05
        (ab.Paired(1.10, 1.06, 1.14, 10), None, "regression"),
        (ab.Paired(1.10, 1.06, 1.14, 10), ab.Paired(1.01, 0.98, 1.04, 10), "noisy"),  # the reference disagrees
        (ab.Paired(0.80, 0.78, 0.82, 10), ab.Paired(0.81, 0.79, 0.83, 10), "improved"),
        (ab.Paired(1.02, 0.99, 1.05, 10), ab.Paired(1.30, 1.2, 1.4, 10), "same"),  # decided on the raw ratio
    ]
    for raw, rel, expected in cases:
        comp = ps.Comparison("k", "time", "s", "", 1.0 * raw.ratio, baseline=1.0, threshold=limit)
        assert verdicts.same_session(comp, raw, rel).verdict == expected, (raw, rel)
        if expected == "noisy":
            assert "paired ratio 1.100" in comp.note and "1.010 relative to the reference loop" in comp.note
    backwards = ps.Comparison("k", "time", "s", "", 0.99, baseline=1.0, threshold=limit)  # medians disagree
    assert verdicts.same_session(backwards, ab.Paired(1.10, 1.06, 1.14, 10), None).verdict == "noisy"
    assert "not seen in the medians" in backwards.note


def test_the_table_shows_the_quantity_decided_on() -> None:
    a = [1.0, 1.1, 0.9, 1.05]
    b = [2 * x * d for x, d in zip(a, (1.0, 1.01, 0.99, 1.02), strict=True)]
    raw = ab.paired_ratio(a, b)
    comps = [
        verdicts.same_session(_comp("time", a, b), raw, None),
        verdicts.deterministic(ps.Comparison("k", "cost", "lines", "", 120.0, baseline=100.0, threshold=0.01)),
    ]
    rows = report.rows(comps)
    assert report.HEADER[4:6] == ["ratio (95% CI)", "decided on"]
    assert rows[0][4] == report.ratio_text(comps[0]) and rows[0][4].startswith(f"{raw.ratio:.3f} [")
    assert rows[0][5] == "A/B, 4 paired rounds" and rows[1][5] == "counts" and rows[1][4] == "1.200"


def test_paired_rounds_cancel_what_moves_the_machine_between_rounds() -> None:
    a = [1.0, 3.0, 2.0, 5.0, 0.5, 4.0, 2.5]  # the machine's speed moves a lot between rounds
    got = ab.paired_ratio(a, [1.2 * x for x in a])  # the ratio within each round does not
    assert got.ratio == pytest.approx(1.2) and got.low == pytest.approx(1.2) and got.high == pytest.approx(1.2)
    logs = [math.log(1.3), math.log(1.1), math.log(1.2)]
    got = ab.paired_ratio([1, 1, 1], [1.3, 1.1, 1.2])
    mean = sum(logs) / 3
    half = 4.302652729911275 * statistics.stdev(logs) / math.sqrt(3)  # t(0.975, 2 degrees of freedom)
    assert got.low == pytest.approx(math.exp(mean - half)) and got.high == pytest.approx(math.exp(mean + half))
    assert got.rounds == 3
    with pytest.raises(ValueError):
        ab.paired_ratio([1.0], [1.0])
    assert ab.order(4) == [("A", "B"), ("B", "A"), ("A", "B"), ("B", "A")]


def test_from_six_rounds_the_interval_is_the_medians_and_resists_a_stalled_worker() -> None:
    # the sign test's order statistics: 10 rounds -> 2nd to 9th, 20 -> 6th to 15th (published tables)
    assert [ab.median_rank(n, 0.05) for n in (5, 6, 10, 20, 30)] == [-1, 0, 1, 5, 9]
    ratios = [1.10, 1.11, 1.09, 1.12, 1.10, 1.08, 1.11, 1.09, 1.10, 0.14]  # one worker stalled: 7x off
    got = ab.paired_ratio([1.0] * 10, ratios)
    ordered = sorted(ratios)
    assert got.ratio == pytest.approx(1.10) and got.rounds == 10
    assert got.low == pytest.approx(ordered[1]) and got.high == pytest.approx(ordered[8]) and got.low > 1.05
    mean_t = ab.paired_ratio([1.0] * 5, [1.10, 1.11, 1.09, 1.12, 0.14])  # five rounds: Student's t on the mean
    assert mean_t.low < 1.0


def test_which_metrics_gate_the_session() -> None:
    auto = pset.Settings()
    assert pset.gating(auto, "cost", measured={"time", "cost"}, same_session=False)
    assert not pset.gating(auto, "time", measured={"time", "cost"}, same_session=False)  # stored: drift
    assert pset.gating(auto, "time", measured={"time", "cost"}, same_session=True)
    assert pset.gating(auto, "time", measured={"time"}, same_session=False)  # time is all the user asked for
    chosen = pset.Settings(gate=pset.parse_gate("time"))
    assert pset.gating(chosen, "time", measured={"time", "cost"}, same_session=False)
    assert not pset.gating(chosen, "cost", measured={"time", "cost"}, same_session=False)
    assert pset.parse_gate("none") == () and pset.parse_gate("auto") is None
    with pytest.raises(InvalidArgument, match="--perf-gate='speed'"):
        pset.parse_gate("speed")
    time = ps.Comparison("k", "time", "s", "", 2.0, baseline=1.0, verdict="regression", gating=False)
    cost = ps.Comparison("k", "cost", "lines", "", 1.0, baseline=1.0, verdict="same")
    line = report.gate_line([time, cost], counters=False)
    assert line.startswith("perfkit: gating: cost; reported, not gating: time") and "--perf-compare=REV" in line
    assert "no hardware counters" in line and "no hardware" not in report.gate_line([time, cost], counters=True)
    assert "1 regression(s) of non-gating metrics reported" in report.verdict_line([time, cost], "baseline 'b'")
    assert report.verdict_line([time, cost], "baseline 'b'").startswith("perfkit: no performance regression")


def test_revisions_are_accepted_where_baseline_names_are() -> None:
    for text in ("HEAD~1", "origin/main", "v1.2^", "a1b2c3d", "baseline"):
        assert pset.parse_name(text, option="--perf-compare", revision=True) == text
    with pytest.raises(InvalidArgument, match="--perf-save='HEAD~1'"):
        pset.parse_name("HEAD~1", option="--perf-save")
    with pytest.raises(InvalidArgument):
        pset.parse_name("-rf", option="--perf-compare", revision=True)


def test_the_baseline_path_moves_entries_inside_the_repository_only(tmp_path: Path) -> None:
    current, baseline, outside = tmp_path / "repo", tmp_path / "tree", tmp_path / "elsewhere"
    for folder in (current / "src", current / "tests", current / "only_here", baseline / "src", baseline / "tests"):
        folder.mkdir(parents=True)
    path = [str(current / "src"), "", str(current / "only_here"), str(outside), str(current / "tests")]
    moved = ab.baseline_path(path, current=current, baseline=baseline, cwd=current / "tests")
    assert moved == [str(baseline / "src"), str(baseline / "tests"), str(current / "only_here"), str(outside)]
    sides = ab.Sides.make("REV", current=current, baseline=baseline, path=path, cwd=current / "tests")
    assert sides.cwd("A") == baseline / "tests" and sides.cwd("B") == current / "tests"
    job = sides.job(ab.Job(b""), side="A")
    assert job.forbid == (str(current.resolve()),) and job.path == tuple(moved)


def test_a_module_from_the_other_tree_is_named(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    files = {"lib": str(tree / "lib.py"), "json": "/usr/lib/python3/json/__init__.py"}
    assert wrong_tree(files, (str(tree),)) == f"lib ({tree / 'lib.py'})"
    assert wrong_tree(files, (str(tmp_path / "other"),)) == "" and wrong_tree(files, ()) == ""
