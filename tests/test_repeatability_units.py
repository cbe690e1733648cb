"""What makes repeated measurements agree, tested on its deterministic parts: one calibration rule and cap for the
harness and the plugin, the loop count of the first worker reused by the others, the run-queue wait taken out of
each value (and nothing else), and the same budget for perfkit and pyperf in the repeatability benchmark."""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import perfkit
from perfkit import _native
from perfkit.errors import InvalidArgument
from perfkit.harness import loops, runqueue
from perfkit.harness import runner as harness_runner
from perfkit.harness.result import Measurement
from perfkit.harness.worker import Task, run_task
from perfkit.perftest import timing

from .fixtures import workloads

ROOT = Path(__file__).resolve().parent.parent


def fake_clock(per_call_ns: float, cold_ns: int = 0) -> Any:
    """A stand-in for ``_native.time_loop``: ``cold_ns`` plus ``per_call_ns`` per call, whatever the machine does."""

    def time_loop(func: Any, args: tuple[Any, ...], n: int) -> int:
        return int(cold_ns + per_call_ns * n)

    return time_loop


def rule_steps(per_call_ns: float, cold_ns: int, min_time: float) -> list[int]:
    """The loop counts the calibration rule tries against the fake clock, step by step."""
    steps = [1]
    while True:
        following = loops.next_loops(steps[-1], int(cold_ns + per_call_ns * steps[-1]), min_time=min_time)
        if following is None:
            return steps
        steps.append(following)


@pytest.mark.parametrize(("per_call_ns", "cold_ns"), [(37.0, 0), (37.0, 50_000), (2e6, 0), (0.0, 0)])
def test_the_rule_stops_at_the_first_count_that_lasts_min_time(per_call_ns: float, cold_ns: int) -> None:
    steps = rule_steps(per_call_ns, cold_ns, 0.1)
    final = steps[-1]
    assert final == loops.calibrate(lambda n: int(cold_ns + per_call_ns * n), min_time=0.1)
    if per_call_ns == 0:  # a clock that never moves: the cap, not an endless loop
        assert final == loops.MAX_LOOPS
        return
    assert cold_ns + per_call_ns * final >= 0.1e9  # long enough
    assert all(cold_ns + per_call_ns * n < 0.1e9 for n in steps[:-1])  # and the first one that is
    assert all(b <= a * loops.MAX_GROWTH for a, b in itertools.pairwise(steps))  # bounded growth


def test_one_rule_and_one_cap_for_the_harness_and_the_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_native, "time_loop", fake_clock(37.0, cold_ns=50_000))
    expected = rule_steps(37.0, 50_000, 0.02)
    # the plugin's series
    assert timing.calibrate(lambda: None, 0.02) == expected[-1]
    assert not hasattr(timing, "MAX_LOOPS")  # one cap, in perfkit.harness.loops
    # the harness worker: every step it reports, in order
    messages: list[dict[str, Any]] = []
    task = Task(func=workloads.add, args=(1, 2), values=1, warmups=1, min_time=0.02, counters=(), clock="wall")
    run_task(task, messages.append)
    assert [m["loops"] for m in messages if m["kind"] == "calibration"] == expected
    assert {m["loops"] for m in messages if m["kind"] in ("warmup", "value")} == {expected[-1]}


def test_later_workers_reuse_the_first_workers_loop_count() -> None:
    options = perfkit.Options(processes=3, values=2, warmups=1, min_time=0.005, cost=False, memory=False, counters=())
    m = perfkit.measure(workloads.busy, args=(200,), options=options)
    by_process: dict[int, list[int]] = {}
    for (n, _), proc in zip(m.warmups, m.warmup_process, strict=True):
        by_process.setdefault(proc, []).append(n)
    # the first worker calibrates (several steps), then warms up at the count it found
    assert len(by_process[0]) >= 2 and by_process[0][-1] == m.loops
    # the others do not calibrate: one warm-up each, at that count
    assert by_process[1] == by_process[2] == [m.loops]
    assert m.process == [0, 0, 1, 1, 2, 2]


def test_the_wait_for_a_cpu_is_taken_out_and_recorded_per_call() -> None:
    options = perfkit.Options(processes=1, values=1).validated()
    m = Measurement(name="x", kind="callable")
    collector = harness_runner._Collector(m, options, None)
    collector.feed({"kind": "start", "phase": "value", "loops": 10})
    collector.feed({"kind": "value", "loops": 10, "ns": 1000, "wait_ns": 3000, "counts": {}})
    assert m.times == [pytest.approx(100e-9)] and m.queue_wait == [pytest.approx(300e-9)]
    collector.feed({"kind": "value", "loops": 10, "ns": 2000, "counts": {}})  # a worker of the wall clock
    assert m.queue_wait[-1] == 0.0


def test_unqueued_time_subtracts_the_wait_but_never_drops_below_the_cpu_time() -> None:
    # 10 ms wall, of which 6 ms waiting for a CPU: 4 ms remain
    assert runqueue.unqueued_ns(10_000_000, (0, 0, 5), (4_000_000, 6_000_000, 5)) == 4_000_000
    # a wait that ended just outside the timed span cannot take out time the call spent on the CPU
    assert runqueue.unqueued_ns(10_000_000, (0, 0, 5), (9_000_000, 8_000_000, 5)) == 9_000_000
    # blocked time (sleep, I/O) is neither CPU nor run-queue time: it stays in
    assert runqueue.unqueued_ns(10_000_000, (0, 0, 5), (1_000_000, 0, 5)) == 10_000_000
    # a value during which the thread blocked keeps its wall time, whatever the kernel counted as waiting
    assert runqueue.unqueued_ns(10_000_000, (0, 0, 5), (1_000_000, 9_000_000, 6)) == 10_000_000


@pytest.mark.skipif(not runqueue.available(), reason="no /proc/thread-self/schedstat here")
def test_the_run_queue_counters_read_this_threads_cpu_and_wait() -> None:
    queue = runqueue.open_waits()
    assert queue is not None
    try:
        before = queue.read()
        workloads.busy(20_000)
        after = queue.read()
    finally:
        queue.close()
    assert after[0] > before[0] and after[1] >= before[1] and after[2] >= before[2]


def test_the_default_clock_keeps_time_spent_blocked() -> None:
    # a sleep is blocked time, not a wait for a CPU: it must stay in the value (sleep never returns early)
    options = perfkit.Options(processes=1, values=2, warmups=0, loops=1, inprocess=True, cost=False, memory=False)
    m = perfkit.measure(workloads.sleepy, args=(0.003,), options=options.replace(counters=()))
    assert m.metadata["clock"] == harness_runner.effective_clock("wall-minus-wait")
    assert len(m.times) == 2 and all(t >= 0.003 for t in m.times)
    assert len(m.queue_wait) == 2 and all(w >= 0 for w in m.queue_wait)


def test_the_clock_falls_back_to_wall_where_waits_cannot_be_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runqueue, "available", lambda: False)
    assert harness_runner.effective_clock("wall-minus-wait") == "wall"
    options = perfkit.Options(processes=1, values=1, warmups=0, loops=1, inprocess=True, cost=False, memory=False)
    m = perfkit.measure(workloads.add, args=(1, 2), options=options.replace(counters=()))
    assert m.metadata["clock"] == "wall" and m.queue_wait == [0.0]


def test_the_clock_option_is_validated() -> None:
    with pytest.raises(InvalidArgument, match="clock"):
        perfkit.Options(clock="cpu").validated()
    assert perfkit.Options(clock="wall").validated().clock == "wall"


def test_queue_waits_survive_a_json_round_trip_and_old_files_load(tmp_path: Path) -> None:
    m = Measurement(name="f", kind="callable", times=[1e-6, 2e-6], censored=[False, False], process=[0, 0])
    m.queue_wait = [5e-7, 0.0]
    m.save(tmp_path / "m.json")
    assert Measurement.load(tmp_path / "m.json").queue_wait == [5e-7, 0.0]
    data = m.to_dict()
    del data["queue_wait"]  # written before perfkit recorded it
    assert Measurement.from_dict(data).queue_wait == []


def test_the_benchmark_gives_perfkit_and_pyperf_the_same_budget() -> None:
    spec = importlib.util.spec_from_file_location("_repeatability", ROOT / "benchmarks" / "repeatability.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path
    options, argv = module.budget(7, 2, warmups=1, min_time=0.05)
    flags = dict(zip(argv[::2], argv[1::2], strict=True))
    assert flags == {"--processes": "7", "--values": "2", "--warmups": "1", "--min-time": "0.05"}
    assert (options.processes, options.values, options.warmups, options.min_time) == (7, 2, 1, 0.05)


@pytest.mark.parametrize("clock", ["wall", "wall-minus-wait"])
def test_measure_on_the_command_line_takes_the_clock(tmp_path: Path, clock: str) -> None:
    out = tmp_path / "m.json"
    target = f"{ROOT / 'tests' / 'fixtures' / 'workloads.py'}:busy"
    argv = ["measure", target, "--args", "[50]", "-p", "1", "-n", "2", "-l", "10", "--inprocess", "--no-cost"]
    result = subprocess.run(
        [sys.executable, "-m", "perfkit", *argv, "--no-counters", "--clock", clock, "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["metadata"]["clock"] == harness_runner.effective_clock(clock)
    assert len(data["queue_wait"]) == len(data["times"]) == 2
    assert ("less the wait for a CPU" in result.stdout) == (data["metadata"]["clock"] == "wall-minus-wait")


class _HalfWaiting:
    """A stand-in for the run-queue counters and the timing loop of a machine where a value spends half its wall
    time waiting for a CPU: each pair of readings around a loop shows that wait and no blocking."""

    def __init__(self, per_call_ns: int) -> None:
        self.per_call_ns = per_call_ns
        self.last_wall = 0
        self.reads = 0
        self.waited = 0

    def time_loop(self, func: Any, args: tuple[Any, ...], n: int) -> int:
        self.last_wall = 2 * self.per_call_ns * n
        return self.last_wall

    def read(self) -> tuple[int, int, int]:
        self.reads += 1
        if self.reads % 2 == 0:  # the reading after a loop
            self.waited += self.last_wall // 2
        return 0, self.waited, 0  # no on-CPU time: never the bound here

    def close(self) -> None:
        pass


def test_values_lose_their_wait_but_the_loop_count_follows_the_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _HalfWaiting(per_call_ns=40)
    monkeypatch.setattr(_native, "time_loop", fake.time_loop)
    monkeypatch.setattr(runqueue, "open_waits", lambda: fake)
    messages: list[dict[str, Any]] = []
    task = Task(func=workloads.add, args=(1, 2), values=2, warmups=0, min_time=0.01, clock="wall-minus-wait")
    run_task(replace(task, counters=()), messages.append)
    # the budget is pyperf's: a value lasts min_time on the wall clock (80 ns per call here), waits included
    assert [m["loops"] for m in messages if m["kind"] == "calibration"] == rule_steps(80.0, 0, 0.01)
    values = [m for m in messages if m["kind"] == "value"]
    assert len(values) == 2
    for m in values:  # each value keeps the 40 ns per call the call ran, and says what was taken out
        assert m["ns"] == 40 * m["loops"] and m["wait_ns"] == 40 * m["loops"]


def test_compare_notes_measurements_taken_on_different_clocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfkit.cli import main

    monkeypatch.chdir(tmp_path)  # no pyproject.toml settings of the repository
    files = []
    for index, clock in enumerate(("wall", "wall-minus-wait")):
        m = Measurement(name="f", kind="callable", times=[1e-6, 1.1e-6, 0.9e-6], censored=[False] * 3, process=[0] * 3)
        m.metadata["clock"] = clock
        m.save(tmp_path / f"{index}.json")
        files.append(str(tmp_path / f"{index}.json"))
    assert main(["compare", *files]) == 0
    assert "different clocks (wall vs wall-minus-wait)" in capsys.readouterr().err
    assert main(["compare", files[1], files[1]]) == 0
    assert "different clocks" not in capsys.readouterr().err
