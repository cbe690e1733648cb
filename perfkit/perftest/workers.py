"""Timing series in fresh worker processes, one after another (pyperf's way): each worker is a new ``python``
that unpickles the call, runs one :func:`perfkit.perftest.timing.series` and writes it back. The first worker
calibrates the loop counts and the others reuse them, so that every series times the same loop.

Run as ``python -m perfkit.perftest.workers JOB OUT`` by :func:`run_series`; not a public command.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.perftest.timing import WARMUPS, Series

STARTUP = 60.0  # seconds for a worker to start and import the call's module


class WorkerFailed(PerfkitError):
    """A worker could not load or run the call (e.g. its module is not importable by name)."""


def run_series(
    payload: bytes,
    *,
    processes: int,
    values: int,
    min_time: float,
    per_call: float,
    cpu: bool,
    warmups: int = WARMUPS,
    cwd: str | Path | None = None,
) -> list[Series]:
    """``processes`` series of ``values`` pairs, each in a fresh worker; ``payload`` is ``(func, args, kwargs)``
    pickled (by pickle or cloudpickle). ``per_call`` (seconds, from a first call) bounds how long a worker may
    take. Raises :class:`WorkerFailed` when a worker fails."""
    out: list[Series] = []
    loops = ref_loops = 0
    timeout = STARTUP + 20 * (values + warmups) * (max(per_call, min_time) + min_time)
    with tempfile.TemporaryDirectory(prefix="perfkit-timing-") as tmp:
        job_path, out_path = Path(tmp) / "job.pickle", Path(tmp) / "out.pickle"
        for _ in range(processes):
            job = {"values": values, "warmups": warmups, "min_time": min_time, "cpu": cpu}
            job.update(loops=loops, ref_loops=ref_loops)
            job_path.write_bytes(pickle.dumps((list(sys.path), job)) + payload)
            times = _run_worker(job_path, out_path, timeout=timeout, cwd=cwd)
            loops, ref_loops = times.loops, times.ref_loops
            out.append(times)
    return out


def _run_worker(job_path: Path, out_path: Path, *, timeout: float, cwd: str | Path | None) -> Series:
    out_path.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", "PYTEST_XDIST_WORKER")}
    command = [sys.executable, "-P", "-m", "perfkit.perftest.workers", str(job_path), str(out_path)]  # -P: no cwd
    from perfkit.harness.group import run_group

    done = run_group(command, cwd=cwd, env=env, timeout=timeout)  # what the timed call starts dies with the worker
    if done.timed_out:
        raise WorkerFailed(f"a timing worker did not finish within {timeout:.0f} s")
    if done.returncode != 0 or not out_path.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise WorkerFailed(f"a timing worker failed: {tail[0]}")
    result = pickle.loads(out_path.read_bytes())
    if isinstance(result, str):
        raise WorkerFailed(f"a timing worker failed: {result}")
    if not isinstance(result, Series):
        raise WorkerFailed("a timing worker wrote no series")
    return result


def call_lines(call: Any) -> int:
    """Python lines one call executes (after a first call: the steady state); the same count in a worker and in
    the test process says the worker runs the same computation."""
    from perfkit import _native

    return int(_native.cost_call(call, ())[0])


def _main(argv: list[str]) -> int:
    import functools

    from perfkit.perftest.timing import series

    job_path, out_path = Path(argv[0]), Path(argv[1])
    with job_path.open("rb") as handle:
        path, job = pickle.load(handle)
        sys.path[:] = path
        try:
            func, args, kwargs = pickle.load(handle)
        except Exception as exc:
            out_path.write_bytes(pickle.dumps(f"could not load the call: {type(exc).__name__}: {exc}"))
            return 0
    call = functools.partial(func, *args, **kwargs)
    result: Any
    try:
        call()
        lines = call_lines(call)
        result = series(
            call,
            values=job["values"],
            min_time=job["min_time"],
            loops=job["loops"],
            ref_loops=job["ref_loops"],
            cpu=job["cpu"],
            warmups=job["warmups"],
        )
        result.lines = lines
    except Exception as exc:
        result = f"the call raised {type(exc).__name__}: {exc}"
    out_path.write_bytes(pickle.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
