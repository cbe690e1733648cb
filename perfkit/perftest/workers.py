"""The plugin's worker processes, through the harness's one worker protocol (:class:`perfkit.harness.sandbox.Child`).

Each worker is a fresh ``python`` that unpickles the call (``(func, args, kwargs)`` pickled by pickle or
cloudpickle), calls it once, and then either times one :func:`perfkit.perftest.timing.series` (``mode="series"``)
or takes the deterministic counts of one call (``mode="counts"``: Python lines, peak memory, instructions when
the CPU counts them). A worker may be given its own ``sys.path`` (the baseline tree of a same-session A/B
comparison, :mod:`perfkit.perftest.ab`) and roots its modules must not come from: a module imported from the
wrong tree is reported in one line instead of being timed.
"""

from __future__ import annotations

import os
import pickle
import random
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.perftest.timing import WARMUPS, Series

STARTUP = 60.0  # seconds for a worker to start and import the call's module
ENTRY = "perfkit.perftest.workers:work"
# Every worker gets an environment variable of random length and allocates a random number of small objects
# before it loads the call: the size of the environment moves the stack, and what was allocated before moves the
# heap, and either can change a call's speed by 10% for as long as the process lives (Mytkowicz et al., "Producing
# Wrong Data Without Doing Anything Obviously Wrong!", ASPLOS 2009). Measured here: the same +10% slowdown timed
# 1.12x with no padding and 1.02x with 1000 bytes more environment. Random offsets make that a noise that rounds
# average out, instead of a bias fixed by the two trees' path lengths.
LAYOUT_PAD = "PERFKIT_LAYOUT_PAD"
LAYOUT_PAD_MAX = 8192
_PADDING: list[bytes] = []


class WorkerFailed(PerfkitError):
    """A worker could not load or run the call (e.g. its module is not importable by name)."""


class NotLoadable(WorkerFailed):
    """The worker could not unpickle the call: its function or a class of its arguments is missing there."""


class WrongTree(WorkerFailed):
    """A module of the call was imported from a tree the worker must not use (A/B: the other revision)."""


@dataclass(frozen=True)
class Job:
    """What one worker does. ``path``: its ``sys.path`` (None: the parent's); ``forbid``: folders its newly
    imported modules must not come from (site-packages and the interpreter's own folders are always allowed)."""

    call: bytes
    mode: str = "series"  # "series" or "counts"
    values: int = 10
    warmups: int = WARMUPS
    min_time: float = 0.001
    loops: int = 0
    ref_loops: int = 0
    cpu: bool = True
    memory: bool = False
    instructions: bool = False
    path: tuple[str, ...] | None = None
    forbid: tuple[str, ...] = ()
    label: str = ""  # named in messages ("the baseline tree")


@dataclass
class Counts:
    """Deterministic counts of one call in a worker."""

    lines: int
    memory: int | None = None
    instructions: float | None = None
    files: dict[str, str] = field(default_factory=dict)  # module -> file, of the modules the call imported


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
    """``processes`` series of ``values`` pairs, each in a fresh worker, one after another; the first worker
    calibrates the loop counts and the others reuse them. ``per_call`` (seconds, from a first call) bounds how
    long a worker may take. Raises :class:`WorkerFailed` when a worker fails."""
    out: list[Series] = []
    job = Job(payload, values=values, warmups=warmups, min_time=min_time, cpu=cpu)
    for _ in range(processes):
        times = run_job(job, timeout=timeout_for(job, per_call), cwd=cwd)
        assert isinstance(times, Series)
        job = replace(job, loops=times.loops, ref_loops=times.ref_loops)
        out.append(times)
    return out


def timeout_for(job: Job, per_call: float) -> float:
    """Seconds a worker may take for ``job``, start-up included."""
    return STARTUP + 20 * (job.values + job.warmups) * (max(per_call, job.min_time) + job.min_time)


def run_job(
    job: Job, *, timeout: float, cwd: str | Path | None = None, hash_seed: int | None = None
) -> Series | Counts:
    """Run ``job`` in a fresh worker (a :class:`~perfkit.harness.sandbox.Child`); ``hash_seed`` fixes the worker's
    PYTHONHASHSEED (None: a random one). What the call starts dies with the worker."""
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", "PYTEST_XDIST_WORKER")}
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = str(hash_seed)
    env[LAYOUT_PAD] = "x" * random.randrange(LAYOUT_PAD_MAX)  # a random stack and heap offset for this worker
    try:
        with Child(ENTRY, job, cwd=cwd, env=env) as child:
            message = child.recv(timeout=timeout)
    except ChildTimeout:
        raise WorkerFailed(f"a timing worker did not finish within {timeout:.0f} s") from None
    except ChildDied as exc:
        raise WorkerFailed(f"a timing worker failed: {exc.describe()}") from None
    kind = message.get("kind") if isinstance(message, dict) else None
    if kind == "result":
        result: Series | Counts = message["result"]
        return result
    reason = message.get("message", "") if kind == "crash" else message.get("reason", "no result")
    error = {"unloadable": NotLoadable, "wrong tree": WrongTree}.get(str(kind), WorkerFailed)
    raise error(f"a timing worker failed: {reason}")


def call_lines(call: Any) -> int:
    """Python lines one call executes (after a first call: the steady state); the same count in a worker and in
    the test process says the worker runs the same computation."""
    from perfkit import _native

    return int(_native.cost_call(call, ())[0])


def _allowed_roots() -> tuple[str, ...]:
    """Folders whose modules are never the project's: the interpreter's and site-packages (even in a ``.venv``
    inside the project)."""
    import site
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), site.getusersitepackages()}
    roots.update(sysconfig.get_paths().values())
    return tuple(os.path.realpath(r) for r in roots if r)


def wrong_tree(files: dict[str, str], forbid: tuple[str, ...]) -> str:
    """The first ``module (file)`` among ``files`` that lies under a ``forbid`` folder, or ""."""
    if not forbid:
        return ""
    allowed = _allowed_roots()
    roots = tuple(os.path.realpath(f) for f in forbid)
    for name, file in sorted(files.items()):
        real = os.path.realpath(file)
        if _under(real, roots) and not _under(real, allowed):
            return f"{name} ({file})"
    return ""


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _module_files(before: set[str]) -> dict[str, str]:
    out = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name not in before and isinstance(file, str):
            out[name] = file
    return out


def work(job: Job, emit: Any) -> None:
    """The worker's entry point (run by :mod:`perfkit.harness._child`): one job, one message."""
    import functools

    from perfkit.perftest.timing import series

    if job.path is not None:
        sys.path[:] = list(job.path)
    rng = random.Random()
    _PADDING.extend(bytes(rng.randrange(1, 512)) for _ in range(rng.randrange(1, 400)))
    before = set(sys.modules)
    try:
        func, args, kwargs = pickle.loads(job.call)
    except Exception as exc:
        emit({"kind": "unloadable", "reason": f"could not load the call{job.label}: {type(exc).__name__}: {exc}"})
        return
    call = functools.partial(func, *args, **kwargs)
    try:
        call()
        files = _module_files(before)
        found = wrong_tree(files, job.forbid)
        if found:
            emit({"kind": "wrong tree", "reason": f"a worker{job.label} imported {found}"})
            return
        lines = call_lines(call)
        result: Series | Counts
        if job.mode == "counts":
            result = Counts(lines, files=files)
            if job.memory:
                from perfkit.harness.worker import peak_memory

                result.memory = peak_memory(call, ())
            if job.instructions:
                from perfkit.perftest.measure import counter_instructions

                result.instructions = counter_instructions(call).values[0]
        else:
            result = series(
                call,
                values=job.values,
                min_time=job.min_time,
                loops=job.loops,
                ref_loops=job.ref_loops,
                cpu=job.cpu,
                warmups=job.warmups,
            )
            result.lines = lines
    except Exception as exc:
        emit({"kind": "failed", "reason": f"the call raised {type(exc).__name__}: {exc}"})
        return
    emit({"kind": "result", "result": result})
