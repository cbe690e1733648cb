"""Measuring one call for the pytest plugin, one metric at a time: time, cost, instructions, memory.

- ``time``: perfkit's timing loop (:func:`perfkit.harness.worker.run_task`) in this process: calibration to
  ``min_time`` per value, one warm-up value, GC collected before and disabled during each value.
- ``cpu``: the same loop's CPU time of this thread (perf_event task-clock): blind to time spent waiting for the
  CPU, so much steadier than wall clock on a shared machine.
- ``cost``: Python lines executed by one call (:func:`perfkit._native.cost_call`), deterministic.
- ``instructions``: the CPU's instruction counter (perf_event) when this machine has one; otherwise the call is
  run once in a child ``python`` under valgrind's callgrind, counting only inside the timing loop
  (``--toggle-collect=pk_py_time_loop``), as pytest-codspeed's simulation mode does.
- ``memory``: peak bytes allocated by one call (tracemalloc).
"""

from __future__ import annotations

import functools
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError, TargetRaised

METRICS = ("time", "cpu", "cost", "instructions", "memory")
UNITS = {"time": "s", "cpu": "s", "cost": "lines", "instructions": "instructions", "memory": "bytes"}
DETERMINISTIC = frozenset({"cost", "instructions", "memory"})
CALLGRIND_TIMEOUT = 600.0
IN_PROCESS = "in process, each value paired with perfkit's reference loop (ratios compare call/reference)"
_TOGGLE = "pk_py_time_loop"  # the C function of perfkit._native.time_loop: callgrind counts inside it only


@dataclass
class Sample:
    """The values of one metric for one test, and how they were obtained."""

    metric: str
    values: list[float]
    method: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return UNITS[self.metric]


@dataclass(frozen=True)
class Budget:
    """How long the time metric may take: ``rounds`` values of at least ``min_time`` s, within ``max_time``."""

    rounds: int = 20
    min_time: float = 0.01
    max_time: float = 2.0
    min_rounds: int = 5


class Unavailable(PerfkitError):
    """A metric cannot be measured on this machine; the message says why and what to install."""


def time_values(
    call: Callable[[], Any], *, first_call: float, budget: Budget, wall: bool = True, cpu: bool = False
) -> list[Sample]:
    """Per-call seconds of ``call``, wall clock and/or CPU time of this thread (task-clock), each value paired
    with a value of perfkit's reference loop (:mod:`perfkit.perftest.timing`). The number of values is cut so
    that the whole takes about ``budget.max_time``."""
    from perfkit.perftest.timing import REFERENCE_VERSION, paired_times

    times = paired_times(call, values=_values(first_call, budget), min_time=budget.min_time)
    samples = _clock_samples(times.wall, times.cpu, times.cpu_unavailable, wall, cpu, IN_PROCESS, times.loops)
    for sample in samples:
        reference = times.ref_wall if sample.metric == "time" else times.ref_cpu
        sample.extra.update(reference=reference, reference_version=REFERENCE_VERSION)
    return samples


def _values(first_call: float, budget: Budget) -> int:
    per_value = max(first_call, budget.min_time)
    return max(budget.min_rounds, min(budget.rounds, int(budget.max_time / per_value)))


def _clock_samples(
    walls: list[float], cpus: list[float] | None, reason: str, wall: bool, cpu: bool, how: str, loops: int
) -> list[Sample]:
    """The wall and CPU samples of one timing run. The wall sample records the share of the wall time the
    thread spent waiting for a CPU (``descheduled``): a busy machine, where wall-clock verdicts are withheld."""
    samples = []
    if wall:
        extra: dict[str, Any] = {"loops": loops}
        if cpus is not None:
            ratios = sorted(c / w for c, w in zip(cpus, walls, strict=True) if w > 0)
            extra["descheduled"] = max(0.0, 1.0 - ratios[len(ratios) // 2]) if ratios else 0.0
        samples.append(Sample("time", walls, f"wall clock, perfkit timing loop, {how}", extra))
    if cpu:
        if cpus is None:
            reason = f"the task-clock counter is unavailable: {reason}"
            if not samples:
                raise Unavailable(reason)
            samples[0].extra["cpu_unavailable"] = reason
            return samples
        samples.append(Sample("cpu", cpus, f"CPU time of the thread (perf_event task-clock), {how}", {"loops": loops}))
    return samples


def process_time_values(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    processes: int,
    first_call: float,
    budget: Budget,
    wall: bool = True,
    cpu: bool = False,
) -> list[Sample]:
    """Like :func:`time_values`, but in ``processes`` fresh worker processes one after another (pyperf's way):
    process-level effects (hash seeds, memory layout) vary within the sample instead of between sessions.
    ``func`` and its arguments must pickle; the workers re-import the function's module."""
    from perfkit.harness.options import Options
    from perfkit.harness.runner import measure

    values = max(1, -(-_values(first_call, budget) // processes))
    options = Options(
        processes=processes,
        values=values,
        warmups=1,
        min_time=budget.min_time,
        counters=("task-clock",),
        cost=False,
        memory=False,
    )
    m = measure(func, args=args, kwargs=kwargs, options=options)
    cpus = [ns / 1e9 for ns in m.counters["task-clock"]] if "task-clock" in m.counters else None
    reason = m.counters_unavailable.get("task-clock", "not counted")
    how = f"{processes} worker processes x {values} values"
    return _clock_samples(list(m.times), cpus, reason, wall, cpu, how, m.loops)


def timed_rounds(
    func: Callable[..., Any],
    prepare: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    rounds: int,
    iterations: int,
    warmup_rounds: int,
) -> Sample:
    """pedantic mode: ``prepare()`` before every round, then ``iterations`` calls timed together."""
    import gc

    from perfkit import _native

    times = []
    for index in range(warmup_rounds + rounds):
        args, kwargs = prepare()
        call = functools.partial(func, *args, **kwargs)
        gc.collect()
        enabled = gc.isenabled()
        gc.disable()
        try:
            ns = _native.time_loop(call, (), iterations)
        finally:
            if enabled:
                gc.enable()
        if index >= warmup_rounds:
            times.append(ns / iterations / 1e9)
    return Sample("time", times, "perfkit timing loop, in process (pedantic)", {"loops": iterations})


def cost_value(call: Callable[[], Any]) -> Sample:
    """Python lines executed by one call (also its calls and opcodes, kept as extra)."""
    from perfkit import _native

    lines, calls, _, _, exc = _native.cost_call(call, ())
    if exc is not None:
        raise TargetRaised(_describe(exc))
    return Sample("cost", [float(lines)], "perfkit cost counter (Python lines executed)", {"calls": calls})


def memory_values(call: Callable[[], Any], *, repeat: int = 3) -> Sample:
    """Peak bytes allocated by one call, ``repeat`` times (tracemalloc)."""
    from perfkit.harness.worker import peak_memory

    values = [float(peak_memory(call, ())) for _ in range(repeat)]
    return Sample("memory", values, "tracemalloc peak of one call")


def hardware_instructions_available() -> bool:
    """True when perf_event can count instructions here."""
    from perfkit.harness.counters import probe

    return probe(["instructions"])[0].available


def counter_instructions(call: Callable[[], Any], *, repeat: int = 5) -> Sample:
    """Instructions retired per call, by the CPU's counter, ``repeat`` times."""
    from perfkit.harness.counters import CounterSet

    counters = CounterSet(["instructions"])
    try:
        if not counters.fds:
            raise Unavailable(f"the instructions counter is unavailable: {counters.unavailable.get('instructions')}")
        values = []
        for _ in range(repeat):
            _, counts = counters.counted_loop(call, (), 1)
            values.append(float(counts["instructions"]))
    finally:
        counters.close()
    return Sample("instructions", values, "CPU instructions counter (perf_event)")


def valgrind() -> str | None:
    """The valgrind executable, or None."""
    return shutil.which("valgrind")


_CHILD_CODE = """
import functools, pickle, sys
with open(sys.argv[1], "rb") as handle:
    sys.path[:] = pickle.load(handle)
    func, args, kwargs = pickle.load(handle)
from perfkit import _native
call = functools.partial(func, *args, **kwargs)
call()
call()
_native.time_loop(call, (), 1)
"""


def pickled_call(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[bytes, str] | None:
    """``(func, args, kwargs)`` pickled for a child process (by pickle, else by cloudpickle, which also takes
    lambdas and closures), with the name of the pickler; None when neither can."""
    try:
        return pickle.dumps((func, args, kwargs)), "pickle"
    except Exception:
        pass
    try:
        import cloudpickle
    except ImportError:
        return None
    try:
        return cloudpickle.dumps((func, args, kwargs)), "cloudpickle"
    except Exception:
        return None


def callgrind_instructions(job: tuple[bytes, str]) -> Sample:
    """Instructions of one call counted by callgrind in a child python; ``job`` comes from :func:`pickled_call`."""
    exe = valgrind()
    if exe is None:
        raise Unavailable("no instructions counter on this machine and valgrind is not installed; install valgrind")
    payload, pickler = job
    with tempfile.TemporaryDirectory(prefix="perfkit-callgrind-") as tmp:
        path = Path(tmp) / "job.pickle"
        path.write_bytes(pickle.dumps(list(sys.path)) + payload)
        count = _run_callgrind(exe, [sys.executable, "-c", _CHILD_CODE, str(path)], Path(tmp), cwd=None, env={})
    how = "one call in a child python" + (" (cloudpickle)" if pickler == "cloudpickle" else "")
    return Sample("instructions", [float(count)], f"callgrind (valgrind), {how}")


def callgrind_test(nodeid_path: str, *, cwd: str | Path) -> Sample:
    """Instructions of the ``perf`` call of one test, by re-running that test alone under callgrind (for
    functions or arguments that cannot be pickled). Slow: pytest itself runs on valgrind's CPU, so plugins
    are first left out (PYTEST_DISABLE_PLUGIN_AUTOLOAD), and loaded only if the test needs them."""
    exe = valgrind()
    if exe is None:
        raise Unavailable("no instructions counter on this machine and valgrind is not installed; install valgrind")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", nodeid_path]
    env = {"PERFKIT_CALLGRIND_CHILD": "1"}
    with tempfile.TemporaryDirectory(prefix="perfkit-callgrind-") as tmp:
        try:
            lean = [*argv[:3], "-p", "perfkit.pytest_plugin", *argv[3:]]
            count = _run_callgrind(exe, lean, Path(tmp), cwd=cwd, env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
        except PerfkitError:
            count = _run_callgrind(exe, argv, Path(tmp), cwd=cwd, env=env)
    return Sample("instructions", [float(count)], "callgrind (valgrind), the test re-run alone")


def _run_callgrind(exe: str, argv: list[str], tmp: Path, *, cwd: str | Path | None, env: dict[str, str]) -> int:
    out = tmp / "callgrind.out"
    command = [
        exe,
        "--tool=callgrind",
        "--collect-atstart=no",
        f"--toggle-collect={_TOGGLE}",
        f"--callgrind-out-file={out}",
        *argv,
    ]
    child_env = {**os.environ, "PYTHONHASHSEED": "0", **env}
    child_env.pop("PYTEST_XDIST_WORKER", None)
    try:
        done = subprocess.run(
            command, cwd=cwd, env=child_env, capture_output=True, text=True, timeout=CALLGRIND_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise PerfkitError(f"callgrind did not finish within {CALLGRIND_TIMEOUT:.0f} s") from None
    if done.returncode != 0 or not out.exists() or ("PERFKIT_CALLGRIND_CHILD" in env and " passed" not in done.stdout):
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise PerfkitError(f"the callgrind run failed (exit {done.returncode}): " + " | ".join(tail))
    found = re.search(r"^(?:totals|summary):\s*(\d+)", out.read_text(), re.MULTILINE)
    if found is None:
        raise PerfkitError("callgrind wrote no instruction total")
    return int(found.group(1))


def run_in_callgrind_child() -> bool:
    """True inside a test re-run by :func:`callgrind_test`: the plugin only makes the counted call."""
    return os.environ.get("PERFKIT_CALLGRIND_CHILD") == "1"


def clock() -> float:
    """Seconds from a monotonic clock (to time the first, ordinary call)."""
    return time.perf_counter()


def _raise_if_raised(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        if message["kind"] == "raised":
            raise TargetRaised(message["description"])


def _describe(exc: BaseException) -> str:
    from perfkit.target import describe_exception

    return describe_exception(exc)
