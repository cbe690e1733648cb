"""History as the noise model: between-session spread, verdicts on a new value against the sessions since the last
change point, reading the store, and importing pytest-benchmark's saved JSON (written here by pytest-benchmark
itself, and in hand-written older spellings)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.stats  # noqa: F401  (loaded before in-process inner sessions: numpy cannot be imported twice)

from perfkit.errors import InvalidArgument
from perfkit.perftest import history as ph
from perfkit.store import Row, Run, Store

pytest_plugins = ["pytester"]


def _points(values: list[float], *, spread: float = 0.005, source: str = ph.PERFKIT, machine: str = "m1") -> list:
    return [
        ph.Point(i, f"2026-01-{1 + i // 24:02d}T{i % 24:02d}:00:00+00:00", f"c{i}", v, v * (1 - spread),
                 v * (1 + spread), source, machine)
        for i, v in enumerate(values)
    ]  # fmt: skip


def _sessions(n: int, *, between: float, seed: int = 0, level: float = 1e-3) -> list[float]:
    rng = np.random.default_rng(seed)
    return list(level * np.exp(rng.normal(0, between, n)))


# ------------------------------------------------------------------ the noise model
def test_noise_separates_between_and_within_session_spread() -> None:
    """Sessions drift ±4% while each one's own interval says ±0.5%: a single baseline is ~16x too confident."""
    model = ph.noise(_points(_sessions(60, between=0.04), spread=0.01))
    assert model.sessions == 60
    assert model.center == pytest.approx(1e-3, rel=0.03)
    assert model.between == pytest.approx(0.04, rel=0.3)
    assert model.within == pytest.approx(0.01 / 1.959964, rel=0.01)
    assert model.excess == pytest.approx(model.between / model.within)
    assert model.excess > 5


def test_noise_without_intervals_and_refusals() -> None:
    points = [ph.Point(i, "", None, v) for i, v in enumerate([1.0, 1.1, 0.9])]
    model = ph.noise(points)
    assert model.within is None and model.excess is None
    with pytest.raises(InvalidArgument, match="points"):
        ph.noise([ph.Point(0, "", None, 0.0)])


def test_a_value_inside_the_sessions_spread_is_not_a_regression() -> None:
    """6% slower than the center, beyond a 5% threshold, but sessions spread ±4%: within the band, 'same'.
    The same 6% on a history that spreads ±0.5% is a regression."""
    noisy = ph.assess(_points(_sessions(30, between=0.04, seed=1)), current=1.06e-3)
    assert noisy.verdict == "same"
    assert noisy.band is not None and noisy.band[1] > 1.06
    quiet = ph.assess(_points(_sessions(30, between=0.005, seed=1)), current=1.06e-3)
    assert quiet.verdict == "regression"
    assert quiet.ratio == pytest.approx(1.06, rel=0.01)
    faster = ph.assess(_points(_sessions(30, between=0.005, seed=1)), current=0.8e-3)
    assert faster.verdict == "improved"


def test_the_latest_point_is_judged_when_no_current_value_is_given() -> None:
    values = [*_sessions(20, between=0.01, seed=2), 1.3e-3]
    found = ph.assess(_points(values), key="t::a", metric="time")
    assert (found.key, found.verdict, found.value) == ("t::a", "regression", 1.3e-3)
    assert len(found.points) == 21 and found.noise is not None and found.noise.sessions == 20


def test_the_reference_restarts_after_a_change_point() -> None:
    """A 20% step 12 sessions ago is a change point; the new level is the reference, so a value at the new
    level is 'same', and one at the old level is 'improved'."""
    values = _sessions(30, between=0.01, seed=3) + [v * 1.2 for v in _sessions(12, between=0.01, seed=4)]
    history = _points(values)
    at_new = ph.assess(history, current=1.2e-3)
    assert [c.index for c in at_new.change_points] == [30]
    assert at_new.noise is not None and at_new.noise.sessions == 12
    assert at_new.verdict == "same"
    assert ph.assess(history, current=1.0e-3).verdict == "improved"
    young = _points(values[:33])  # three sessions at the new level: too few for a reference
    short = ph.assess(young, current=1.2e-3)
    assert short.verdict == "short history" and "3 session(s)" in short.note


def test_a_change_of_source_is_a_boundary() -> None:
    """pytest-benchmark's medians then perfkit's (another timing scheme): never one reference across both."""
    old = _points(_sessions(10, between=0.01, seed=5, level=2e-3), source=ph.PYTEST_BENCHMARK)
    new = _points(_sessions(8, between=0.01, seed=6), source=ph.PERFKIT)
    found = ph.assess(old + new, current=1e-3)
    assert found.method_changes == (10,)
    assert found.noise is not None and found.noise.sessions == 8
    assert found.verdict == "same"


def test_clock_metrics_keep_the_judged_machine_only() -> None:
    mine = _points(_sessions(10, between=0.01, seed=7), machine="here")
    other = _points(_sessions(10, between=0.01, seed=8, level=5e-3), machine="there")
    mixed = [p for pair in zip(other, mine, strict=True) for p in pair]
    found = ph.assess(mixed, metric="time")
    assert found.left_out == 10 and found.verdict == "same"
    counted = ph.assess(mixed, metric="cost", same_machine=True)
    assert counted.left_out == 0


def test_values_of_zero_are_same_when_always_zero_and_have_no_ratio_otherwise() -> None:
    """Builtins execute no Python line: a cost of 0, session after session, is 'same'; 0 after 5 is not judged."""
    always = ph.assess(_points([0.0] * 8), metric="cost")
    assert (always.verdict, always.note) == ("same", "7 session(s) since the last change, all 0")
    dropped = ph.assess(_points([5.0] * 7 + [0.0]), metric="cost")
    assert dropped.verdict == "no ratio" and dropped.ratio is None


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"threshold": -1}, "threshold"), ({"confidence": 1.0}, "confidence"), ({"min_history": 1}, "min_history")],
)
def test_assess_checks_its_arguments(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(InvalidArgument, match=name):
        ph.assess(_points([1.0, 2.0]), **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="points"):
        ph.assess([])


def test_a_real_history_pint_benchmarks_before_and_after_a_slowdown() -> None:
    """pint's own benchmarks, 20 real sessions (tests/fixtures/history_pint.json): the cache lookup removed before
    session 11 is the one change point of each; sessions spread a few % while one run's interval says ±0.03%."""
    data = json.loads((Path(__file__).parent / "fixtures" / "history_pint.json").read_text())
    assert len(data["benchmarks"]) == 4
    for key, sessions in data["benchmarks"].items():
        points = [
            ph.Point(i, "", None, median, median - iqr / rounds**0.5, median + iqr / rounds**0.5)
            for i, (median, iqr, rounds) in enumerate(sessions)
        ]
        found = ph.assess(points, key=key)
        assert [c.index for c in found.change_points] == [10], key
        assert found.change_points[0].ratio > 1.5
        assert found.verdict == "same" and found.noise is not None
        assert 0.005 < found.noise.between < 0.1 and (found.noise.excess or 0) > 10
        before = ph.assess(points[:10], key=key)
        assert before.change_points == () and before.verdict == "same"


# ------------------------------------------------------------------ the store
def _run(store: Store, when: str, rows: list[tuple[str, str, list[float]]], *, fingerprint: str = "fp") -> int:
    run = Run(kind="pytest", name="baseline", started_at=when, fingerprint=fingerprint, git_commit="abc")
    return store.add_run(run, [Row(key=k, metric=m, values=v, unit="s") for k, m, v in rows])


def test_load_orders_runs_by_time_and_filters(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        late = _run(store, "2026-02-01T00:00:00+00:00", [("t.py::a", "time", [2.0, 2.1]), ("t.py::b", "cost", [5])])
        early = _run(store, "2026-01-01T00:00:00+00:00", [("t.py::a", "time", [1.0, 1.1])])
        series = ph.load(store)
        assert [p.run_id for p in series[("t.py::a", "time")]] == [early, late]
        assert series[("t.py::a", "time")][0].value == pytest.approx(1.05)
        assert list(ph.load(store, metric="cost")) == [("t.py::b", "cost")]
        assert list(ph.load(store, key="::a")) == [("t.py::a", "time")]


def test_judge_a_new_value_against_the_stored_runs_of_its_machine(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        for i, v in enumerate(_sessions(8, between=0.03, seed=13)):
            _run(store, f"2026-01-{i + 1:02d}T00:00:00+00:00", [("t.py::a", "time", [v * 0.995, v, v * 1.005])])
            _run(store, f"2026-01-{i + 1:02d}T01:00:00+00:00", [("t.py::a", "time", [v / 3, v / 3])], fingerprint="x")
        drift = ph.judge(store, key="t.py::a", metric="time", value=1.06e-3, fingerprint="fp")
        assert drift is not None and drift.verdict == "same" and len(drift.points) == 8
        slower = ph.judge(store, key="t.py::a", metric="time", value=1.3e-3, fingerprint="fp")
        assert slower is not None and slower.verdict == "regression"
        assert ph.judge(store, key="t.py::other", metric="time", value=1.0) is None


# ------------------------------------------------------------------ importing pytest-benchmark's JSON
def _saved(stats: dict[str, object], *, when: str = "2024-03-01T10:00:00.123456+00:00", **bench: object) -> dict:
    entry = {"group": None, "name": "test_x", "fullname": "tests/test_b.py::test_x", "params": None, "param": None,
             "extra_info": {}, "options": {"timer": "perf_counter"}, "stats": stats} | bench  # fmt: skip
    return {
        "machine_info": {"node": "box", "machine": "x86_64", "python_version": "3.11.4", "cpu": {"brand_raw": "X"}},
        "commit_info": {"id": "0123abcd", "dirty": False, "branch": "main", "project": "demo"},
        "benchmarks": [entry],
        "datetime": when,
        "version": "4.0.0",
    }


STATS = {"min": 0.9e-3, "max": 1.4e-3, "mean": 1.05e-3, "stddev": 0.1e-3, "rounds": 100, "median": 1.0e-3,
         "iqr": 0.2e-3, "q1": 0.9e-3, "q3": 1.1e-3, "ops": 952.0, "total": 0.105, "iterations": 1}  # fmt: skip


def test_import_summary_files_data_files_and_older_spellings(tmp_path: Path) -> None:
    folder = tmp_path / ".benchmarks" / "Linux-CPython-3.11-64bit"
    folder.mkdir(parents=True)
    (folder / "0001_first.json").write_text(json.dumps(_saved(STATS, group="parse", extra_info={"n": 3})))
    with_data = STATS | {"data": [1.1e-3, 1.2e-3, 1.15e-3]}
    (folder / "0002_second.json").write_text(json.dumps(_saved(with_data, when="2024-03-02T10:00:00+00:00")))
    old = {k: v for k, v in STATS.items() if k not in ("ops", "iterations")}  # 2.x/3.0: no ops, no fullname
    (folder / "0003_old.json").write_text(json.dumps(_saved(old, when="2024-03-03T10:00:00", fullname=None)))
    (folder / "0004_broken.json").write_text("{not json")
    (folder / "notes.json").write_text("{}")  # not NNNN_*: not pytest-benchmark's
    with Store(tmp_path / "r.sqlite") as store:
        report = ph.import_pytest_benchmark(store, [tmp_path / ".benchmarks"])
        assert len(report.added) == 3 and report.benchmarks == 3
        assert [Path(f).name for f, _ in report.skipped] == ["0004_broken.json"]
        runs = store.runs(kind="pytest")
        assert [r.started_at for r in runs] == [
            "2024-03-01T10:00:00+00:00", "2024-03-02T10:00:00+00:00", "2024-03-03T10:00:00+00:00"
        ]  # fmt: skip
        assert {r.git_commit for r in runs} == {"0123abcd"} and runs[0].name == "pytest-benchmark"
        assert len({r.fingerprint for r in runs}) == 1 and runs[0].metadata["source"] == ph.PYTEST_BENCHMARK
        first, second, third = (store.rows(r.id)[0] for r in runs if r.id is not None)
        assert (first.key, first.metric, first.unit, first.n, first.median) == (
            "tests/test_b.py::test_x", "time", "s", 100, 1.0e-3
        )  # fmt: skip
        half = 1.959964 * 1.2533 * (0.2e-3 / 1.349) / 10
        assert first.low == pytest.approx(1.0e-3 - half) and first.high == pytest.approx(1.0e-3 + half)
        assert first.extra["group"] == "parse" and first.extra["extra_info"] == {"n": 3}
        assert second.values == [1.1e-3, 1.2e-3, 1.15e-3] and second.median == pytest.approx(1.15e-3)
        assert third.key == "test_x"
        again = ph.import_pytest_benchmark(store, [folder])
        assert again.added == [] and len(again.already) == 3
        series = ph.load(store, key="tests/test_b.py::test_x")
        assert [p.source for p in series[("tests/test_b.py::test_x", "time")]] == [ph.PYTEST_BENCHMARK] * 2


def test_import_refuses_a_missing_folder_and_a_bad_name(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        with pytest.raises(InvalidArgument, match="path"):
            ph.import_pytest_benchmark(store, [tmp_path / "nowhere"])
        with pytest.raises(InvalidArgument, match="name"):
            ph.import_pytest_benchmark(store, [tmp_path], name="no spaces please")
        file = tmp_path / "0001_x.json"
        file.write_text(json.dumps({"benchmarks": [{"name": "t", "stats": {"rounds": 3}}], "datetime": "2024-01-01"}))
        report = ph.import_pytest_benchmark(store, [file])
        assert report.added == [] and "median" in report.skipped[0][1]


def test_import_what_pytest_benchmark_itself_saved(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """pytest-benchmark (installed for the dev extra) saves two runs; the import reads them as its history."""
    pytest.importorskip("pytest_benchmark")
    pytester.makeconftest(
        """
        import platform

        def pytest_benchmark_generate_machine_info():  # py-cpuinfo's probe takes seconds; the format is the same
            return {"node": platform.node(), "machine": platform.machine(), "python_version": platform.python_version(),
                    "python_implementation": platform.python_implementation(), "cpu": {"brand_raw": "test"}}

        def pytest_benchmark_generate_commit_info():
            return {"id": "feedbeef", "time": None, "author_time": None, "dirty": False, "project": "demo",
                    "branch": "main"}
        """
    )
    pytester.makepyfile(
        test_saved="""
        import pytest

        def build(n):
            return sorted(range(n, 0, -1))

        @pytest.mark.benchmark(group="sorting")
        def test_build(benchmark):
            benchmark.extra_info["n"] = 200
            assert benchmark(build, 200)[0] == 1

        def test_pedantic(benchmark):
            benchmark.pedantic(build, args=(50,), rounds=3)
        """
    )
    storage = tmp_path / "bench"
    for name in ("one", "two"):
        result = pytester.runpytest(
            "-p", "no:perfkit_benchmark", f"--benchmark-save={name}", f"--benchmark-storage=file://{storage}",
            "--benchmark-min-rounds=3", "--benchmark-max-time=0.01", "--benchmark-warmup=off",
        )  # fmt: skip
        result.assert_outcomes(passed=2)
    with Store(tmp_path / "r.sqlite") as store:
        report = ph.import_pytest_benchmark(store, [storage])
        assert (len(report.added), report.benchmarks, report.skipped) == (2, 4, [])
        series = ph.load(store)
        assert set(series) == {("test_saved.py::test_build", "time"), ("test_saved.py::test_pedantic", "time")}
        build = series[("test_saved.py::test_build", "time")]
        assert len(build) == 2 and all(p.value > 0 and p.low is not None for p in build)
        row = store.rows(report.added[0])[0]
        assert row.extra["group"] == "sorting" and row.extra["extra_info"] == {"n": 200}
        assert {r.git_commit for r in store.runs()} == {"feedbeef"}
        assessed = ph.assess(build, current=build[-1].value, min_history=2)
        assert assessed.verdict in ("same", "regression", "improved") and not math.isnan(assessed.ratio or 0)


# ------------------------------------------------------------------ the command line
def test_cli_imports_then_shows_change_points_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Twelve saved runs, the last five 30% slower: one change point, and the latest run judged against the
    runs since it; --check exits 1 only when the latest run is a regression."""
    from perfkit.cli import main

    folder = tmp_path / ".benchmarks" / "Linux-CPython-3.11-64bit"
    folder.mkdir(parents=True)
    medians = [*_sessions(12, between=0.01, seed=9)]
    medians[7:] = [m * 1.3 for m in medians[7:]]
    for i, median in enumerate(medians):
        stats = STATS | {"median": median, "iqr": median * 0.02}
        (folder / f"{i + 1:04d}_run.json").write_text(json.dumps(_saved(stats, when=f"2024-04-{i + 1:02d}T08:00:00")))
    store = str(tmp_path / "r.sqlite")
    assert main(["history", "import-pytest-benchmark", str(tmp_path / ".benchmarks"), "--store", store]) == 0
    assert "imported 12 run(s), 12 benchmark(s)" in capsys.readouterr().out
    out_json = tmp_path / "h.json"
    assert main(["history", "show", "--store", store, "--json", str(out_json), "--check"]) == 0
    shown = capsys.readouterr().out
    assert "tests/test_b.py::test_x  time  12 run(s)" in shown and "change at run 8, 2024-04-08, 0123abcd" in shown
    data = json.loads(out_json.read_text())
    (test,) = data["tests"]
    assert [c["index"] for c in test["change_points"]] == [7]
    assert test["change_points"][0]["ratio"] == pytest.approx(1.3, rel=0.03)
    assert test["verdict"] == "short history" and test["noise"]["sessions"] == 4
    slower = STATS | {"median": medians[-1] * 1.5, "iqr": medians[-1] * 0.02}
    (folder / "0013_run.json").write_text(json.dumps(_saved(slower, when="2024-04-20T08:00:00")))
    main(["history", "import-pytest-benchmark", str(folder), "--store", store])
    assert main(["history", "show", "--store", store, "--check", "--key", "test_x", "--metric", "time"]) == 1
    assert "REGRESSION" in capsys.readouterr().out
    assert main(["history", "show", "--store", store, "--key", "nothing"]) == 0
    assert "no pytest runs with ids containing 'nothing'" in capsys.readouterr().out
    assert main(["history", "show", "--store", str(tmp_path / "missing.sqlite")]) == 2


# ------------------------------------------------------------------ the dashboard
def test_dashboard_draws_change_points_stretches_and_the_band(tmp_path: Path) -> None:
    from perfkit.dashboard.load import load
    from perfkit.dashboard.page import render

    with Store(tmp_path / "results.sqlite") as store:
        values = _sessions(14, between=0.01, seed=11) + [v * 1.25 for v in _sessions(8, between=0.01, seed=12)]
        for i, v in enumerate(values):
            rows = [("t.py::test_a", "time", [v * 0.99, v, v * 1.01]), ("t.py::test_b", "cost", [100.0])]
            _run(store, f"2026-03-{i + 1:02d}T00:00:00+00:00", rows)
    page = render(load(tmp_path))
    a_figure = page[page.index("t.py::test_a — time") :].split("</figure>")[0]
    assert a_figure.count('class="changepoint"') == 1
    assert "change at run 15 (abc): " in a_figure and "x1.2" in a_figure
    assert a_figure.count('class="segment"') == 2 and 'class="band"' in a_figure
    assert "1 change point(s); runs since the last change spread" in a_figure
    assert "latest run: same" in a_figure
    b_figure = page[page.index("t.py::test_b — cost") :]
    assert "0 change point(s)" in b_figure.split("</figure>")[0]
