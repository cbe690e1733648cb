"""The pytest plugin: inner pytest sessions (pytester) that save baselines, compare and fail on regressions;
and the session logic on its own (parsing, verdicts) without pytest."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import scipy.stats  # noqa: F401  (loaded before in-process inner sessions: numpy cannot be imported twice)

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.perftest import measure as pm
from perfkit.perftest import session as ps
from perfkit.perftest import settings as pset
from perfkit.store import Store

pytest_plugins = ["pytester"]

LIBRARY = """
import os

EXTRA = int(os.environ.get("EXTRA_WORK", "0"))
CALLS = []


def work(n):
    CALLS.append(n)
    total = 0
    for i in range(n + EXTRA):
        total += i % 7
    return total
"""

TESTS = """
import pytest
import lib


def test_work(perf):
    assert perf(lib.work, 2000) == sum(i % 7 for i in range(2000 + lib.EXTRA))


@pytest.mark.perf(threshold="50%")
def test_lenient(perf):
    perf(lib.work, 1000)
"""

FAST = ["--perf-rounds=5", "--perf-max-time=0.2", "--perf-processes=3", "-p", "no:cacheprovider"]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(lib=LIBRARY, test_perf=TESTS)
    pytester.makeini("[pytest]\naddopts = -p no:randomly\n")
    return pytester


def _store(pytester: pytest.Pytester) -> Path:
    return pytester.path / ".perfkit" / "results.sqlite"


# ----------------------------------------------------------------------------------------- plain pytest
def test_plain_pytest_calls_each_function_once_and_measures_nothing(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_once="""
        import lib

        def test_once(perf):
            lib.CALLS.clear()
            assert perf(lib.work, 10) == sum(i % 7 for i in range(10 + lib.EXTRA))
            assert lib.CALLS == [10]

        def test_pedantic(perf):
            lib.CALLS.clear()
            assert perf.pedantic(lib.work, setup=lambda: ((5,), {}), rounds=10) == sum(range(5))
            assert lib.CALLS == [5]
        """
    )
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    result.stdout.no_fnmatch_line("*- perfkit -*")
    assert not (project.path / ".perfkit").exists()


def test_calling_perf_twice_fails_the_test(project: pytest.Pytester) -> None:
    project.makepyfile(test_twice="import lib\ndef test_twice(perf):\n    perf(lib.work, 1)\n    perf(lib.work, 1)\n")
    result = project.runpytest("-p", "no:cacheprovider", "test_twice.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*only once per test*"])


# ----------------------------------------------------------------------------------------- save and compare
def test_save_then_compare_fails_only_on_a_regression(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = project.runpytest_subprocess("--perf-save", "--perf-metric=cost,time", *FAST)
    saved.assert_outcomes(passed=2)
    saved.stdout.fnmatch_lines(["*saved as baseline 'baseline'*"])
    with sqlite3.connect(_store(project)) as db:
        keys = sorted(db.execute("SELECT key, metric FROM measurements"))
    assert keys == [
        ("test_perf.py::test_lenient", "cost"),
        ("test_perf.py::test_lenient", "time"),
        ("test_perf.py::test_work", "cost"),
        ("test_perf.py::test_work", "time"),
    ]

    same = project.runpytest_subprocess("--perf-compare", "--perf-metric=cost", *FAST)
    assert same.ret == 0
    same.stdout.fnmatch_lines(["*test_work*cost*1.000*ok*", "*no performance regression against baseline*"])

    monkeypatch.setenv("EXTRA_WORK", "200")  # 10% more lines for test_work, 20% for test_lenient (50% allowed)
    slower = project.runpytest_subprocess(
        "--perf-compare", "--perf-metric=cost", "--perf-json=out.json", "--perf-markdown=out.md", *FAST
    )
    slower.assert_outcomes(passed=2)
    assert slower.ret == 1
    slower.stdout.fnmatch_lines(
        ["*test_work*cost*1.10*+1%*REGRESSION*", "*test_lenient*cost*1.20*+50%*ok*", "*1 performance regression*"]
    )
    report = json.loads((project.path / "out.json").read_text())
    assert report["format"] == "perfkit.pytest" and report["regressions"] == 1
    verdicts = {(r["key"], r["metric"]): r["verdict"] for r in report["results"]}
    assert verdicts == {
        ("test_perf.py::test_work", "cost"): "regression",
        ("test_perf.py::test_lenient", "cost"): "same",
    }
    assert "| test_perf.py::test_work | cost |" in (project.path / "out.md").read_text()
    assert "**REGRESSION**" in (project.path / "out.md").read_text()


def test_new_tests_are_reported_not_failed_and_history_keeps_verdicts(project: pytest.Pytester) -> None:
    project.runpytest("--perf-save", "--perf-metric=cost", *FAST, "test_perf.py::test_work")
    result = project.runpytest("--perf-compare", "--perf-save=next", "--perf-metric=cost", *FAST)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*test_lenient*cost*new*", "*1 new test(s) without a baseline*"])
    with sqlite3.connect(_store(project)) as db:
        rows = dict(
            db.execute("SELECT key, verdict FROM measurements JOIN runs ON runs.id = run_id WHERE name = 'next'")
        )
        extra = db.execute("SELECT extra FROM runs WHERE name = 'next'").fetchone()[0]
    assert rows == {"test_perf.py::test_work": "same", "test_perf.py::test_lenient": "new"}
    assert json.loads(extra) == {"compared_to": "baseline"}


def test_time_against_its_own_baseline_has_an_interval_and_github_summary(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = project.path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    project.runpytest("--perf-save", "--perf-metric=time,memory", *FAST)
    result = project.runpytest("--perf-compare", "--perf-metric=time,memory", "--perf-json=o.json", *FAST)
    result.stdout.fnmatch_lines(["*test_work*time*[[]*..*[]]*", "time: wall clock*", "memory: tracemalloc*"])
    report = json.loads((project.path / "o.json").read_text())
    times = [r for r in report["results"] if r["metric"] == "time"]
    assert all(r["low"] <= r["ratio"] <= r["high"] and 0 <= r["p_value"] <= 1 for r in times)
    text = summary.read_text()
    assert text.startswith("# earlier step\n") and text.count("## perfkit performance tests") == 2


def test_a_baseline_from_another_machine_compares_deterministic_metrics_only(project: pytest.Pytester) -> None:
    project.runpytest("--perf-save", "--perf-metric=time,cost", *FAST)
    with sqlite3.connect(_store(project)) as db:
        db.execute("UPDATE runs SET fingerprint = 'another-machine'")
    result = project.runpytest("--perf-compare", "--perf-metric=time,cost", *FAST)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["*test_work*time*skipped (baseline from another machine*", "*test_work*cost*1.000*ok*", "*--perf-force*"]
    )
    forced = project.runpytest("--perf-compare", "--perf-force", "--perf-metric=time", *FAST)
    forced.stdout.no_fnmatch_line("*skipped*")
    forced.stdout.fnmatch_lines(["*test_work*time*[[]*..*[]]*"])


def test_group_thresholds_come_from_the_config(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    project.makeini("[pytest]\nperf_group_thresholds =\n    slow = 30%\n")
    project.makepyfile(
        test_perf="import pytest, lib\n@pytest.mark.perf(group='slow')\ndef test_g(perf):\n    perf(lib.work, 2000)\n"
    )
    project.runpytest("--perf-save", "--perf-metric=cost", *FAST)
    monkeypatch.setenv("EXTRA_WORK", "200")
    result = project.runpytest("--perf-compare", "--perf-metric=cost", *FAST)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*test_g*cost*1.10*+30%*ok*"])


# ----------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--perf", "--perf-threshold=5"], "*--perf-threshold='5': give a percentage with a % sign, e.g. 5%*"),
        (["--perf", "--perf-threshold=abc%"], "*--perf-threshold='abc%'*"),
        (["--perf", "--perf-threshold=tiem=5%"], "*name metrics among time*"),
        (["--perf", "--perf-metric=speed"], "*--perf-metric='speed'*"),
        (["--perf-save", "test_perf.py"], "*--perf-save='test_perf.py'*--perf-save=NAME*"),
        (["--perf-compare"], "*no results store at*--perf-save*"),
    ],
)
def test_bad_options_are_usage_errors_naming_the_option(
    project: pytest.Pytester, args: list[str], message: str
) -> None:
    result = project.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()


def test_a_corrupt_store_is_a_clear_error_and_left_untouched(project: pytest.Pytester) -> None:
    store = _store(project)
    store.parent.mkdir()
    store.write_bytes(b"not a database at all\n")
    for option in ("--perf-save", "--perf-compare"):
        result = project.runpytest(option)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*is not a SQLite database*"])
        assert store.read_bytes() == b"not a database at all\n"


def test_state_the_test_set_up_is_detected_and_the_call_timed_in_the_test_process(pytester: pytest.Pytester) -> None:
    """A worker imports the module afresh: a cache the test filled is empty there, so the worker would time other
    work. Its line count differs from the test process's, and the call is timed here, with a note."""
    pytester.makepyfile(
        test_stateful="""
        CACHE = {}

        def lookup(key):
            if key in CACHE:
                return CACHE[key]
            total = 0
            for i in range(5000):
                total += i
            return total

        def test_cached(perf):
            CACHE["k"] = 1
            assert perf(lookup, "k") == 1

        def test_stateless(perf):
            assert perf(lookup, "other") == sum(range(5000))
        """
    )
    result = pytester.runpytest("--perf", "--perf-metric=time", *FAST)
    assert result.ret == 0
    out = result.stdout.str()
    assert out.count("in a fresh worker but") == 1  # only the test whose state the workers cannot see
    assert "timed in the test process" in out


def test_tool_perfkit_pytest_section_sets_defaults_the_command_line_overrides(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(
        '[tool.perfkit.pytest]\nmetric = "cost"\nthreshold = "3%"\nrounds = 4\nmax-time = 0.2\nprocesses = 2\n'
    )
    result = project.runpytest("--perf", "-p", "no:cacheprovider", "--perf-json=out.json")
    assert result.ret == 0
    data = json.loads((project.path / "out.json").read_text())
    assert {row["metric"] for row in data["results"]} == {"cost"}
    result = project.runpytest("--perf", "--perf-metric=memory", "-p", "no:cacheprovider", "--perf-json=out.json")
    data = json.loads((project.path / "out.json").read_text())
    assert {row["metric"] for row in data["results"]} == {"memory"}
    project.makepyprojecttoml("[tool.perfkit.pytest]\nrounds = 'many'\n")
    result = project.runpytest("--perf", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*tool.perfkit.pytest*rounds*"])


def test_a_truncated_store_fails_the_comparison_instead_of_calling_every_test_new(project: pytest.Pytester) -> None:
    store = _store(project)
    store.parent.mkdir()
    store.write_bytes(b"")  # a zero-byte store: its baselines are gone, so a green run would be a lie
    for option in ("--perf-compare", "--perf-save"):
        result = project.runpytest(option)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*is empty (0 bytes)*"])
        assert store.read_bytes() == b""


def test_a_bad_marker_fails_that_test_with_the_fix(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_bad="import pytest\n@pytest.mark.perf(threshold=5)\ndef test_b(perf):\n    perf(len, 'x')\n"
    )
    result = project.runpytest("-p", "no:cacheprovider", "test_bad.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*perf(threshold=...)=5: give a percentage*"])


# ----------------------------------------------------------------------------------------- xdist, instructions
def test_xdist_workers_measure_nothing_unless_asked(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-n", "2", "--perf", "--perf-metric=cost", *FAST)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*perfkit: measured nothing: tests ran in pytest-xdist workers*--perf-xdist*"])
    asked = project.runpytest_subprocess("-n", "2", "--perf-xdist", "--perf-save", "--perf-metric=cost", *FAST)
    asked.assert_outcomes(passed=2)
    asked.stdout.fnmatch_lines(["*test_work*cost*", "*saved as baseline*"])
    with sqlite3.connect(_store(project)) as db:
        assert db.execute("SELECT count(*) FROM measurements").fetchone() == (2,)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instructions_are_counted_by_callgrind_and_say_so(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_instr="""
        import threading
        import lib

        def test_module_function(perf):
            perf(lib.work, 3000)

        def test_closure(perf):
            n = 3000
            perf(lambda: lib.work(n))

        def test_unpicklable(perf):
            lock = threading.Lock()
            perf(lambda: lib.work(3000) if lock else None)
        """
    )
    result = project.runpytest_subprocess(
        "--perf", "--perf-metric=instructions", "--perf-instructions=callgrind", "--perf-json=i.json", "test_instr.py"
    )
    result.assert_outcomes(passed=3)
    report = json.loads((project.path / "i.json").read_text())
    found = {r["key"].split("::")[1]: r for r in report["results"]}
    direct, closure, rerun = found["test_module_function"], found["test_closure"], found["test_unpicklable"]
    assert direct["method"] == "callgrind (valgrind), one call in a child python"
    assert closure["method"] == "callgrind (valgrind), one call in a child python (cloudpickle)"
    assert rerun["method"] == "callgrind (valgrind), the test re-run alone"
    assert direct["current"] > 100_000  # 3000 loop iterations of bytecode
    for other in (closure, rerun):  # the same work, counted three ways
        assert abs(other["current"] / direct["current"] - 1) < 0.05
    result.stdout.fnmatch_lines(["instructions: callgrind*"])


# ----------------------------------------------------------------------------------------- the logic alone
def test_percentages_and_metric_lists_are_parsed_strictly() -> None:
    assert pset.parse_percent("5%", option="x") == pytest.approx(0.05)
    assert pset.parse_percent(" 0.5 % ", option="x") == pytest.approx(0.005)
    for bad in ("5", "abc%", "-5%", "5%%", ""):
        with pytest.raises(InvalidArgument, match="x="):
            pset.parse_percent(bad, option="x")
    assert pset.parse_thresholds("10%") == dict.fromkeys(pm.METRICS, pytest.approx(0.10))
    mixed = pset.parse_thresholds("time=10%, cost=0%")
    assert mixed["time"] == pytest.approx(0.10) and mixed["cost"] == 0 and mixed["memory"] == 0.05
    assert pset.parse_metrics("all") == pm.METRICS and pset.parse_metrics("cost, time,cost") == ("cost", "time")
    assert pset.parse_group_thresholds(["io = 20%"]) == {"io": pytest.approx(0.2)}
    with pytest.raises(InvalidArgument, match="group = 10%"):
        pset.parse_group_thresholds(["io 20%"])
    with pytest.raises(InvalidArgument, match="known settings"):
        pset.TestSettings.from_marker({"treshold": "5%"})


def _session(tmp_path: Path, **settings: object) -> ps.PerfSession:
    return ps.PerfSession(pset.Settings(store=tmp_path / "s.sqlite", **settings), root=tmp_path)  # type: ignore[arg-type]


def test_verdicts_need_the_threshold_and_for_time_significance(tmp_path: Path) -> None:
    with pytest.raises(PerfkitError, match="no results store"):
        _session(tmp_path, compare="base")
    Store(tmp_path / "s.sqlite").close()
    session = _session(tmp_path, compare="base")
    base = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99]
    cases = {
        "same": [v * 1.001 for v in base],
        "slower": [v * 1.20 for v in base],
        "small": [v * 1.03 for v in base],  # significant but within 5%
        "faster": [v * 0.8 for v in base],
    }
    expected = {"same": "same", "slower": "regression", "small": "same", "faster": "improved"}
    for name, values in cases.items():
        comp = ps.Comparison(name, "time", "s", "", ps._median(values), baseline=ps._median(base), threshold=0.05)
        assert ps._verdict(comp, base, values).verdict == expected[name], name
    cost = ps.Comparison("c", "cost", "lines", "", 102.0, baseline=100.0, threshold=0.01)
    assert ps._verdict(cost, [100.0], [102.0]).verdict == "regression" and cost.ratio == pytest.approx(1.02)
    memory = ps.Comparison("m", "memory", "bytes", "", 300.0, baseline=100.0, threshold=0.05)
    assert ps._verdict(memory, [100.0], [300.0]).verdict == "same"  # under 1 KiB: allocator noise, not a regression
    assert session.threshold("anything", "cost") == 0.01


def test_the_session_measures_saves_and_compares_without_pytest(tmp_path: Path) -> None:
    budget = pm.Budget(rounds=5, min_time=0.001, max_time=0.05, series=3)
    settings = {"metrics": ("time", "cost", "memory"), "budget": budget, "processes": 0}
    first = _session(tmp_path, save="base", **settings)
    assert first.measure("k", sorted, ([3, 1, 2] * 50,), {}, pset.TestSettings()) == sorted([3, 1, 2] * 50)
    first.finish(metadata={"fingerprint": "f1"})
    assert first.saved_run is not None
    second = _session(tmp_path, compare="base", **settings)
    second.measure("k", sorted, ([3, 1, 2] * 50,), {}, pset.TestSettings())
    second.measure("new", len, ("abc",), {}, pset.TestSettings(metrics=("cost",)))
    verdicts = {(c.key, c.metric): c.verdict for c in second.finish(metadata={"fingerprint": "f1"})}
    assert verdicts[("k", "cost")] == "same" and verdicts[("new", "cost")] == "new"
    assert verdicts[("k", "time")] in ("same", "improved", "regression")
    with pytest.raises(PerfkitError, match="only once"):
        second.measure("k", len, ("abc",), {}, pset.TestSettings())


def test_times_are_compared_relative_to_the_paired_reference_loop() -> None:
    from perfkit.perftest.timing import REFERENCE_VERSION, series

    times = series(lambda: sum(range(100)), values=4, min_time=0.001)
    assert len(times.wall) == len(times.ref_wall) == 4 and times.loops >= 1 and times.ref_loops >= 1
    assert times.cpu is None or len(times.cpu) == len(times.ref_cpu or []) == 4
    base = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99]
    ref = [0.5] * len(base)
    slowed = [2 * v for v in base]  # the whole machine ran at half speed: the reference doubled too
    comp = ps.Comparison("k", "cpu", "s", "", ps._median(slowed), baseline=ps._median(base), threshold=0.05)
    assert ps._verdict(comp, base, slowed).verdict == "regression"  # raw times alone would cry wolf
    comp = ps.Comparison("k", "cpu", "s", "", ps._median(slowed), baseline=ps._median(base), threshold=0.05)
    # the raw times and the times relative to the reference disagree: neither verdict is given, the row says why
    assert ps._verdict(comp, base, slowed, ref, [1.0] * len(base)).verdict == "noisy"
    assert "raw ratio 2.000 (regression) but 1.000 relative to the reference loop (same)" in comp.note
    assert "--perf-compare=REV" in comp.note and comp.ratio == pytest.approx(2.0) and comp.basis == "raw times"
    extra = {"reference": ref, "reference_version": REFERENCE_VERSION}
    assert ps._reference(extra, base) == ref
    assert ps._reference({**extra, "reference_version": -1}, base) is None
    assert ps._reference(extra, base[:3]) is None
