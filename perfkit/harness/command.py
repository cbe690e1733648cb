"""Timing a whole command: repeated runs with a time limit, OS counters from ``wait4``'s resource usage.

Each run is one observation (no loops). A run that passes ``timeout`` is killed with its process group and
recorded as censored at the limit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfkit import _native
from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.harness.metadata import collect_metadata
from perfkit.harness.options import Options
from perfkit.harness.result import Measurement


class CommandFailed(PerfkitError):
    """The timed command failed or crashed: the user's program failed, not perfkit."""

    exit_code = 1


@dataclass(frozen=True)
class Command:
    """A command to time: its arguments, and where and with what environment it runs."""

    argv: list[str]
    cwd: str | Path | None = None
    env: dict[str, str] | None = None
    name: str | None = None


def measure_command(
    argv: list[str],
    *,
    runs: int = 10,
    warmups: int = 1,
    timeout: float | None = None,
    name: str | None = None,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Measurement:
    """Run ``argv`` ``warmups + runs`` times: wall time per run; CPU time, faults, switches from rusage."""
    (measurement,) = measure_commands(
        [Command(argv, cwd, env, name)], runs=runs, warmups=warmups, timeout=timeout, check=check, progress=progress
    )
    return measurement


def measure_commands(
    commands: list[Command],
    *,
    runs: int = 10,
    warmups: int = 1,
    timeout: float | None = None,
    check: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[Measurement]:
    """Time several commands with their runs interleaved (A, B, A, B...), so drift of a shared machine hits each
    alike: the way to compare a program before and after a change."""
    for command in commands:
        argv = command.argv
        if not argv or not all(isinstance(a, str) for a in argv):
            raise InvalidArgument("command", argv, "give the command after '--', e.g. perfkit measure -- python x.py")
        if shutil.which(argv[0], path=(command.env or os.environ).get("PATH")) is None:
            raise InvalidArgument("command", argv[0], "no such program on PATH")
    Options(values=runs, warmups=warmups, timeout=timeout).validated()
    # a whole process is timed on the wall clock: its run-queue wait cannot be read once it has exited
    metadata = {**collect_metadata(mode="command"), "clock": "wall"}
    measurements = []
    for command in commands:
        measurement = Measurement(
            name=command.name or " ".join(command.argv), kind="command", timeout=timeout, metadata=dict(metadata)
        )
        measurement.metadata["command"] = command.argv
        measurements.append(measurement)
    for index in range(warmups + runs):
        for command, measurement in zip(commands, measurements, strict=True):
            elapsed, usage, status = _run_once(command, timeout)
            if status is not None and status != 0 and check:  # the user's program failed (exit status 1)
                raise CommandFailed(
                    f"{' '.join(command.argv)!r} exited with status {status}; perfkit only times commands that succeed"
                )
            if index < warmups:
                measurement.warmups.append((1, elapsed))
                continue
            _record(measurement, index - warmups, elapsed, usage, censored=status is None)
        if progress is not None and index >= warmups:
            progress(index - warmups + 1, runs)
    for measurement in measurements:
        measurement.counters_unavailable = {
            "instructions": "not counted for commands (counters are per call); use a callable target"
        }
    return measurements


def _record(measurement: Measurement, run: int, elapsed: float, usage: Any, *, censored: bool) -> None:
    measurement.times.append(measurement.timeout if censored and measurement.timeout else elapsed)
    measurement.censored.append(censored)
    measurement.process.append(run)
    if usage is not None and not censored:
        for key, value in _counters_from(usage).items():
            measurement.counters.setdefault(key, []).append(value)
        measurement.max_rss = max(measurement.max_rss or 0, _rss_bytes(usage))


def _run_once(command: Command, timeout: float | None) -> tuple[float, Any, int | None]:
    """Elapsed seconds, rusage, and exit status (None when killed at the limit)."""
    result: dict[str, Any] = {}
    start = _native.clock_ns()
    from perfkit.harness.group import kill_marked, marked

    env, token = marked(command.env)
    try:
        proc = subprocess.Popen(
            command.argv,
            cwd=command.cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise PerfkitError(f"cannot start {command.argv[0]!r}: {exc.strerror}") from None

    def wait() -> None:
        if sys.platform == "win32":
            result["status"] = proc.wait()
            result["usage"] = None
        else:
            _, status, usage = os.wait4(proc.pid, 0)
            result["status"] = os.waitstatus_to_exitcode(status)
            result["usage"] = usage
        result["end"] = _native.clock_ns()

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    try:
        waiter.join(timeout)
        timed_out = waiter.is_alive()  # decided before the kill below ends it
    finally:  # at the limit, on Ctrl-C, and after a normal exit: what the command started dies with it
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        kill_marked(token)
    if timed_out:
        waiter.join()
        proc.returncode = result.get("status")
        return (timeout or 0.0), None, None
    proc.returncode = result["status"]
    return (result["end"] - start) / 1e9, result["usage"], result["status"]


def _counters_from(usage: Any) -> dict[str, float]:
    return {
        "task-clock": (usage.ru_utime + usage.ru_stime) * 1e9,
        "page-faults": float(usage.ru_minflt + usage.ru_majflt),
        "context-switches": float(usage.ru_nvcsw + usage.ru_nivcsw),
    }


def _rss_bytes(usage: Any) -> int:
    return int(usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024)
