"""The measurement harness through its public API: workers, calibration, censoring, counters, errors."""

from __future__ import annotations

import json
import math
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import perfkit
from perfkit.errors import InvalidArgument, PerfkitError, TargetRaised
from perfkit.harness.command import Command, measure_commands
from perfkit.harness.counters import probe
from perfkit.harness.result import Measurement

from .fixtures import workloads

QUICK = perfkit.Options(processes=2, values=2, warmups=1, min_time=0.005)


def test_measures_in_worker_processes() -> None:
    m = perfkit.measure(workloads.busy, args=(200,), options=QUICK)
    assert len(m.times) == 4 and not any(m.censored)
    assert sorted(set(m.process)) == [0, 1]
    assert m.loops > 1  # calibrated so that one value lasts min_time
    assert all(0 < t < 0.01 for t in m.times)
    assert len(m.warmups) >= 2  # calibration steps and warm-ups are kept, not mixed with values
    summary = m.summary()
    assert summary.n == 4 and summary.n_censored == 0 and summary.low <= summary.median <= summary.high
    assert m.metadata["fingerprint"] and m.metadata["cpu_count"]


def test_cost_is_deterministic_and_grows_with_input() -> None:
    small = perfkit.measure(workloads.busy, args=(100,), options=QUICK.replace(processes=1))
    large = perfkit.measure(workloads.busy, args=(200,), options=QUICK.replace(processes=1))
    assert small.cost is not None and large.cost is not None
    # two lines per iteration (the for and the body): 100 more iterations, 200 more lines
    assert large.cost["lines"] - small.cost["lines"] == 200
    assert large.cost["calls"] == small.cost["calls"] == 1


def test_counters_report_what_works_and_why_the_rest_does_not() -> None:
    m = perfkit.measure(workloads.busy, args=(200,), options=QUICK)
    for availability in probe():
        name = availability.event.name
        if availability.available:
            assert name in m.counters and len(m.counters[name]) == len(m.times)
        else:
            assert name in m.counters_unavailable
            assert availability.reason in m.counters_unavailable[name]
            assert f"errno {availability.errno}" in m.counters_unavailable[name]
    if "task-clock" in m.counters:
        # CPU time per call is of the order of the wall time per call
        assert 0.2 < m.counter_medians()["task-clock"] / (m.summary().median * 1e9) < 5


def test_keyword_arguments_are_bound() -> None:
    m = perfkit.measure(workloads.with_kwargs, args=(3,), kwargs={"scale": 2}, options=QUICK.replace(processes=1))
    assert len(m.times) == 2


def test_timeout_censors_every_run_and_drops_none() -> None:
    options = perfkit.Options(processes=3, values=2, warmups=0, timeout=0.1, memory=False, cost=False)
    m = perfkit.measure(workloads.sleepy, args=(5,), options=options)
    # each process is stopped at its first (calibration) run: one censored observation per process
    assert m.times == [0.1, 0.1, 0.1]
    assert m.censored == [True, True, True]
    summary = m.summary()
    assert summary.n_censored == 3 and math.isinf(summary.median) and summary.censored_median


def test_censored_runs_mix_with_finished_ones(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFKIT_TEST_COUNTER", str(tmp_path / "counter"))
    options = perfkit.Options(processes=4, values=2, warmups=0, min_time=0.01, timeout=0.5, loops=1)
    m = perfkit.measure("tests.fixtures.every_other:work", options=options)
    assert m.censored.count(True) == 2  # processes 1 and 3 hung and were killed
    assert m.censored.count(False) == 4  # processes 0 and 2 gave two values each
    assert all(t == 0.5 for t, c in zip(m.times, m.censored, strict=True) if c)
    summary = m.summary()
    assert summary.censored_median and summary.median < 0.5  # most runs finished: a finite KM median


def test_raising_target() -> None:
    with pytest.raises(TargetRaised, match="ValueError: boom") as info:
        perfkit.measure(workloads.raises, options=QUICK)
    assert info.value.exit_code == 1


def test_crashing_target_is_reported_not_fatal() -> None:
    with pytest.raises(TargetRaised, match="SIGABRT"):
        perfkit.measure(workloads.crashes, options=QUICK)


def test_memory_limit() -> None:
    options = QUICK.replace(processes=1, memory_limit=256 * 2**20)
    with pytest.raises(TargetRaised, match="MemoryError"):
        perfkit.measure(workloads.allocate, args=(1024,), options=options)
    ok = perfkit.measure(workloads.allocate, args=(8,), options=options)
    assert ok.peak_memory is not None and ok.peak_memory >= 8 * 2**20


def test_inprocess_mode_accepts_local_callables_and_censors_with_an_alarm() -> None:
    calls = []
    m = perfkit.measure(lambda: calls.append(1), options=QUICK.replace(inprocess=True))
    assert len(m.times) == 4 and len(calls) > 4

    def hang() -> None:
        while True:
            pass

    slow = perfkit.measure(hang, options=QUICK.replace(inprocess=True, timeout=0.05, cost=False, memory=False))
    assert slow.censored == [True, True]


class _SwallowsTheAlarm:
    """A finaliser busy past the in-process deadline: the alarm's exception raised in it is ignored by Python."""

    def __del__(self) -> None:
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            pass


def _hang_after_a_finaliser() -> None:
    _SwallowsTheAlarm()  # dropped at once: its __del__ runs here, and swallows the first alarm
    while True:
        pass


def test_inprocess_alarm_lost_in_a_finaliser_still_stops_the_call() -> None:
    options = QUICK.replace(inprocess=True, timeout=0.05, cost=False, memory=False, processes=1)
    slow = perfkit.measure(_hang_after_a_finaliser, options=options)
    assert slow.censored and all(slow.censored)


def test_main_module_functions_are_refused_for_workers() -> None:
    def f() -> None:
        pass

    f.__module__ = "__main__"
    with pytest.raises(InvalidArgument, match="inprocess=True"):
        perfkit.measure(f, options=QUICK)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("processes", 0),
        ("values", -1),
        ("min_time", 0),
        ("timeout", -2),
        ("memory_limit", 10),
        ("counters", ("x",)),
    ],
)
def test_options_are_validated_before_work(field: str, value: object) -> None:
    with pytest.raises(InvalidArgument, match=field):
        perfkit.measure(workloads.add, args=(1, 2), options=perfkit.Options(**{field: value}))


def test_json_round_trip_and_pyperf_export(tmp_path) -> None:
    m = perfkit.measure(workloads.busy, args=(300,), name="busy", options=QUICK)
    path = tmp_path / "m.json"
    m.save(path)
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and data["format"] == "perfkit.measurement"
    assert data["censored"] == [False] * 4 and data["summary"]["n"] == 4
    again = Measurement.load(path)
    assert again.times == m.times and again.warmups == m.warmups and again.cost == m.cost

    import pyperf

    m.save_pyperf(tmp_path / "a.json")
    m.save_pyperf(tmp_path / "b.json")
    bench = pyperf.Benchmark.load(str(tmp_path / "a.json"))
    assert bench.get_nvalue() == 4 and bench.get_name() == "busy"
    out = subprocess.run(
        [sys.executable, "-m", "pyperf", "compare_to", str(tmp_path / "a.json"), str(tmp_path / "b.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    # each process keeps its own warm-ups (the first also its calibration), and the metadata travels
    runs = bench.get_runs()
    assert len(runs) == len(set(m.process)) and all(run.warmups for run in runs)
    assert sum(len(run.warmups) for run in runs) == len(m.warmups)
    assert bench.get_metadata()["hostname"] == m.metadata["hostname"]
    assert bench.get_metadata()["python_version"] == m.metadata["python_version"]
    back = Measurement.load(tmp_path / "a.json")  # perfkit reads its own export (and pyperf's files)
    assert back.times == pytest.approx(m.times) and back.process == m.process and back.name == "busy"


def test_compare_reads_pyperf_files_written_by_pyperf_itself(tmp_path) -> None:
    import pyperf

    def bench(values: list[float], path: Path) -> None:
        runs = [pyperf.Run(values[i : i + 3], metadata={"name": "f", "loops": 100}) for i in range(0, 9, 3)]
        pyperf.Benchmark(runs).dump(str(path))

    bench([1.0e-3 + i * 1e-6 for i in range(9)], tmp_path / "old.json")
    bench([2.0e-3 + i * 1e-6 for i in range(9)], tmp_path / "new.json")
    out = subprocess.run(
        [sys.executable, "-m", "perfkit", "compare", str(tmp_path / "old.json"), str(tmp_path / "new.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "significantly slower" in out.stdout and "2.0" in out.stdout


def test_pyperf_export_refuses_censored(tmp_path) -> None:
    m = Measurement(name="x", kind="callable", times=[0.1], censored=[True], process=[0], timeout=0.1)
    with pytest.raises(PerfkitError, match="censored"):
        m.save_pyperf(tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_load_rejects_other_files(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(PerfkitError, match="not valid JSON"):
        Measurement.load(bad)
    bad.write_text('{"format": "something else"}')
    with pytest.raises(PerfkitError, match="not a perfkit measurement"):
        Measurement.load(bad)


def test_measure_command_and_its_censoring() -> None:
    m = perfkit.measure_command([sys.executable, "-c", "pass"], runs=3, warmups=1)
    assert len(m.times) == 3 and not any(m.censored)
    assert m.counters["task-clock"] and m.max_rss and m.max_rss > 1_000_000
    slow = perfkit.measure_command(["sleep", "5"], runs=2, warmups=0, timeout=0.2)
    assert slow.times == [0.2, 0.2] and slow.censored == [True, True]


def test_measure_command_rejects_failures() -> None:
    with pytest.raises(PerfkitError, match="status 3"):
        perfkit.measure_command([sys.executable, "-c", "raise SystemExit(3)"], runs=1, warmups=0)
    with pytest.raises(InvalidArgument, match="no such program"):
        perfkit.measure_command(["no-such-program-xyz"], runs=1)


def test_workers_see_folders_the_parent_added_to_sys_path(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "late_module_xyz.py").write_text("def f():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import late_module_xyz  # type: ignore[import-not-found]

    m = perfkit.measure(late_module_xyz.f, options=QUICK.replace(processes=1))
    assert len(m.times) == 2


def test_commands_are_interleaved_with_their_own_cwd_and_env(tmp_path) -> None:
    log = tmp_path / "order.log"
    script = "import os, sys; open(sys.argv[1], 'a').write(os.environ['WHO'] + os.path.basename(os.getcwd()) + ' ')"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    commands = [
        perfkit_command([sys.executable, "-c", script, str(log)], cwd=tmp_path / "a", env={"WHO": "A"}),
        perfkit_command([sys.executable, "-c", script, str(log)], cwd=tmp_path / "b", env={"WHO": "B"}),
    ]
    first, second = measure_commands(commands, runs=2, warmups=1)
    assert log.read_text().split() == ["Aa", "Bb"] * 3
    assert len(first.times) == len(second.times) == 2


def perfkit_command(argv: list[str], *, cwd, env: dict[str, str]) -> Command:
    import os

    return Command(argv, cwd=cwd, env={**os.environ, **env})


def test_a_payload_that_cannot_be_pickled_leaves_no_child_behind() -> None:
    from perfkit.harness.sandbox import Child

    before = set(_children())
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):  # neither pickle nor cloudpickle
        Child("perfkit.harness.worker:run_task", threading.Lock())
    assert set(_children()) <= before


def _children() -> list[str]:
    import os

    path = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    return open(path).read().split() if os.path.exists(path) else []
