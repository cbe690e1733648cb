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
from typing import Any

from perfkit import _native
from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.harness.metadata import collect_metadata
from perfkit.harness.options import Options
from perfkit.harness.result import Measurement


def measure_command(
    argv: list[str],
    *,
    runs: int = 10,
    warmups: int = 1,
    timeout: float | None = None,
    name: str | None = None,
    check: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Measurement:
    """Run ``argv`` ``warmups + runs`` times: wall time per run; CPU time, faults, switches from rusage."""
    if not argv or not all(isinstance(a, str) for a in argv):
        raise InvalidArgument("command", argv, "give the command after '--', e.g. perfkit measure -- python x.py")
    if shutil.which(argv[0]) is None:
        raise InvalidArgument("command", argv[0], "no such program on PATH")
    Options(values=runs, warmups=warmups, timeout=timeout).validated()
    measurement = Measurement(
        name=name or " ".join(argv),
        kind="command",
        timeout=timeout,
        metadata=collect_metadata(mode="command"),
    )
    measurement.metadata["command"] = argv
    for index in range(warmups + runs):
        elapsed, usage, status = _run_once(argv, timeout)
        if status is not None and status != 0 and check:
            raise PerfkitError(f"the command exited with status {status}; perfkit only times commands that succeed")
        if index < warmups:
            measurement.warmups.append((1, elapsed))
            continue
        censored = status is None
        measurement.times.append(timeout if censored and timeout else elapsed)
        measurement.censored.append(censored)
        measurement.process.append(index - warmups)
        if usage is not None and not censored:
            for key, value in _counters_from(usage).items():
                measurement.counters.setdefault(key, []).append(value)
            measurement.max_rss = max(measurement.max_rss or 0, _rss_bytes(usage))
        if progress is not None:
            progress(index - warmups + 1, runs)
    measurement.counters_unavailable = {
        "instructions": "not counted for commands (counters are per call); use a callable target"
    }
    return measurement


def _run_once(argv: list[str], timeout: float | None) -> tuple[float, Any, int | None]:
    """Elapsed seconds, rusage, and exit status (None when killed at the limit)."""
    result: dict[str, Any] = {}
    start = _native.clock_ns()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise PerfkitError(f"cannot start {argv[0]!r}: {exc.strerror}") from None

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
    waiter.join(timeout)
    if waiter.is_alive():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
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
