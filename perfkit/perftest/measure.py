"""Measuring one call for the pytest plugin, one metric at a time: time, cost, instructions, memory.

- ``time``: :mod:`perfkit.perftest.timing`: several series of short values (about 1 ms), each in a fresh worker
  process, each value paired with a reference loop; a series contributes the low quantile of its values, which
  other processes on a busy machine cannot inflate. GC is collected before and disabled during each value.
- ``cpu``: the same values' CPU time of the thread (perf_event task-clock).
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
from perfkit.pickling import dumps_how

METRICS = ("time", "cpu", "cost", "instructions", "memory")
UNITS = {"time": "s", "cpu": "s", "cost": "lines", "instructions": "instructions", "memory": "bytes"}
DETERMINISTIC = frozenset({"cost", "instructions", "memory"})
CALLGRIND_TIMEOUT = 600.0
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
    """How long the time metric may take: ``series`` series (worker processes) of ``rounds`` values of at least
    ``min_time`` s each, cut to fit about ``max_time`` s of timing (see :func:`plan`)."""

    rounds: int = 30
    min_time: float = 0.001
    max_time: float = 2.0
    min_rounds: int = 2  # values per series, whatever the time
    series: int = 10


MIN_SERIES = 3  # the fewest series a long call is cut to (a comparison needs 3 values a side)
LONG_CALL = 0.05  # seconds: calls this long get one warm-up pair instead of two


class Unavailable(PerfkitError):
    """A metric cannot be measured on this machine; the message says why and what to install."""


def time_values(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    first_call: float,
    budget: Budget,
    processes: bool = True,
    wall: bool = True,
    cpu: bool = False,
    cwd: str | Path | None = None,
) -> tuple[list[Sample], str]:
    """Per-call seconds of ``func(*args, **kwargs)``, wall clock and/or CPU time of the thread (task-clock), by
    :mod:`perfkit.perftest.timing`: one value per series, the series in fresh worker processes when ``processes``
    (and the call pickles, else in this process). Returns the samples and a note ("" when all went as asked)."""
    from perfkit.perftest import timing
    from perfkit.perftest.workers import WorkerFailed, run_series

    series, values = plan(first_call, budget)
    warmups = 1 if first_call > LONG_CALL else timing.WARMUPS
    note = ""
    runs: list[timing.Series] | None = None
    if processes:
        job = pickled_call(func, args, kwargs)
        if job is None:
            note = "some functions or arguments could not be pickled for worker processes: timed in the test process"
        else:
            try:
                runs = run_series(
                    job[0],
                    processes=series,
                    values=values,
                    warmups=warmups,
                    min_time=budget.min_time,
                    per_call=first_call,
                    cpu=cpu or wall,
                    cwd=cwd,
                )
            except WorkerFailed as exc:
                note = f"timed in the test process: {exc}"
            else:
                differs = state_differs(functools.partial(func, *args, **kwargs), runs)
                if differs:
                    note, runs = differs, None
    how = f"{series} worker processes" if runs is not None else f"{series} series in the test process"
    if runs is None:
        call = functools.partial(func, *args, **kwargs)
        runs, loops, ref_loops = [], 0, 0
        for _ in range(series):
            runs.append(
                timing.series(
                    call, values=values, min_time=budget.min_time, loops=loops, ref_loops=ref_loops, warmups=warmups
                )
            )
            loops, ref_loops = runs[-1].loops, runs[-1].ref_loops
    return _clock_samples(runs, wall, cpu, how), note


def state_differs(call: Callable[[], Any], runs: list[Any]) -> str:
    """Why the workers' timings are not this call's, or "": a worker imports the test's module afresh, so state the
    test set up (module globals, caches, patched objects) is missing there; then one call executes a different
    number of Python lines in a worker than here. A tenth and 20 lines of slack allow hash-seed effects."""
    from perfkit.perftest.workers import call_lines

    counts = [r.lines for r in runs if getattr(r, "lines", None) is not None]
    if not counts:
        return ""
    here = call_lines(call)
    there = sorted(counts)[len(counts) // 2]
    if abs(there - here) <= max(20, 0.1 * max(here, there)):
        return ""
    return (
        f"one call runs {there:,} Python lines in a fresh worker but {here:,} in the test process (state the test "
        "set up does not reach workers): timed in the test process"
    )


def plan(first_call: float, budget: Budget) -> tuple[int, int]:
    """Series and values per series within about ``budget.max_time`` s, a value and its reference value taking
    about ``first_call + 2 min_time``: short calls get every series and up to ``rounds`` values each; long ones
    fewer series (at least :data:`MIN_SERIES`) and fewer values (at least ``min_rounds``)."""
    per_pair = max(first_call, budget.min_time) + budget.min_time
    fit = int(budget.max_time / ((budget.min_rounds + 1) * per_pair))
    series = max(min(MIN_SERIES, budget.series), min(budget.series, fit))
    values = max(budget.min_rounds, min(budget.rounds, int(budget.max_time / series / per_pair)))
    return series, values


def _clock_samples(runs: list[Any], wall: bool, cpu: bool, how: str) -> list[Sample]:
    """One value per series: its low quantile, with the reference's beside it. The wall sample also records the
    median share of values that ran without waiting for a CPU (``undisturbed``): below
    :data:`perfkit.perftest.session.MIN_UNDISTURBED` the machine was too busy for a wall-clock verdict."""
    from perfkit.perftest import timing

    estimates = [timing.estimate(run) for run in runs]
    common = {
        "reference_version": timing.REFERENCE_VERSION,
        "scheme": timing.SCHEME,
        "loops": runs[0].loops,
        "values_per_series": len(runs[0].wall),
        "series": len(runs),
    }
    described = f"{how}, {timing.QUANTILE:.0%} quantile of short values paired with a reference loop"
    samples = []
    if wall:
        extra: dict[str, Any] = {**common, "reference": [e.ref_wall for e in estimates]}
        shares = sorted(e.undisturbed for e in estimates if e.undisturbed is not None)
        if len(shares) == len(estimates):
            extra["undisturbed"] = shares[len(shares) // 2]
        samples.append(Sample("time", [e.wall for e in estimates], f"wall clock, {described}", extra))
    if cpu:
        cpus = [e.cpu for e in estimates]
        refs = [e.ref_cpu for e in estimates]
        if any(c is None for c in cpus) or any(r is None for r in refs):
            reason = f"the task-clock counter is unavailable: {runs[0].cpu_unavailable or 'not counted'}"
            if not samples:
                raise Unavailable(reason)
            samples[0].extra["cpu_unavailable"] = reason
            return samples
        extra = {**common, "reference": [float(r) for r in refs if r is not None]}
        values = [float(c) for c in cpus if c is not None]
        samples.append(Sample("cpu", values, f"CPU time of the thread (perf_event task-clock), {described}", extra))
    return samples


def merge(first: Sample, second: Sample) -> Sample:
    """One sample of the series of two measurements (a re-measurement added to a first one)."""
    extra = {**first.extra, "series": first.extra.get("series", 0) + second.extra.get("series", 0)}
    if "reference" in first.extra and "reference" in second.extra:
        extra["reference"] = [*first.extra["reference"], *second.extra["reference"]]
    else:
        extra.pop("reference", None)
    if "undisturbed" in first.extra and "undisturbed" in second.extra:
        extra["undisturbed"] = min(first.extra["undisturbed"], second.extra["undisturbed"])
    return Sample(first.metric, [*first.values, *second.values], first.method, extra)


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
        return dumps_how((func, args, kwargs))
    except Exception:
        return None


def callgrind_instructions(
    job: tuple[bytes, str], *, path: list[str] | None = None, cwd: str | Path | None = None
) -> Sample:
    """Instructions of one call counted by callgrind in a child python; ``job`` comes from :func:`pickled_call`;
    ``path`` is the child's ``sys.path`` (default: this process's)."""
    exe = valgrind()
    if exe is None:
        raise Unavailable("no instructions counter on this machine and valgrind is not installed; install valgrind")
    payload, pickler = job
    with tempfile.TemporaryDirectory(prefix="perfkit-callgrind-") as tmp:
        file = Path(tmp) / "job.pickle"
        file.write_bytes(pickle.dumps(list(sys.path) if path is None else list(path)) + payload)
        count = _run_callgrind(exe, [sys.executable, "-c", _CHILD_CODE, str(file)], Path(tmp), cwd=cwd, env={})
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
