"""Work units and the one function that runs a batch of them: reuse what the store has, farm out the rest,
store each result as soon as it arrives, report progress, and return the results in the units' order."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from perfkit.progress import Progress, Step

_IMPORTING = threading.Lock()


@dataclass(frozen=True)
class Unit:
    """One idempotent piece of work: ``fn(*args, **kwargs)``, where ``fn`` is a module-level function (it travels
    by name). ``key`` is its content hash (see :func:`perfkit.executors.unit_key`); "" means never reuse."""

    kind: str  # 'fuzz', 'verify', ...
    label: str  # what progress messages call it
    key: str
    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """A unit that raised (after the executor's retries) or whose worker was lost: the message says which."""

    message: str


def run_units(
    executor: Any, units: Sequence[Unit], *, noun: str, verb: str, progress: Progress | None = None
) -> list[Any]:
    """Each unit's return value (or a :class:`Failed`), in the order of ``units``.

    ``executor`` None runs the units here, one after another, reusing nothing. Otherwise finished units are
    taken from the executor's cache, the others are submitted together, and each result is cached the moment
    it arrives, so an interrupted job loses only the units that were running; a unit that returns a string
    (why it could not run) is not kept. Progress: a :class:`perfkit.progress.Step` per finished unit
    (``{noun} {verb}: 3/7``).
    """
    say = progress or (lambda message: None)
    results: list[Any] = [None] * len(units)
    if executor is None:
        for i, unit in enumerate(units):
            try:
                results[i] = unit.fn(*unit.args, **unit.kwargs)
            except Exception as exc:
                results[i] = Failed(f"{type(exc).__name__}: {exc}")
        return results
    started = time.monotonic()
    kinds = {unit.kind for unit in units}
    pending: dict[Any, int] = {}
    reused = 0
    for i, unit in enumerate(units):
        if executor.cache is not None and unit.key:
            found, value = executor.cache.get(unit.key)
            if found:
                results[i], reused = value, reused + 1
                executor.ledger.tally(unit.kind).reused += 1
                continue
        pending[executor.submit(timed, unit.fn, unit.args, unit.kwargs)] = i
    if not units:
        return results
    done = reused
    if pending:
        again = f" ({reused} done before)" if reused else ""
        say(f"{len(pending)} {noun} to go on {executor.describe()}{again}")
    elif reused:
        say(f"{verb} {done}/{len(units)} {noun} (all done before)")
        say(Step(f"{noun} {verb}", done, len(units)))
    for future in executor.as_completed(list(pending)):
        i = pending[future]
        unit = units[i]
        tally = executor.ledger.tally(unit.kind)
        try:
            value, worker, seconds = future.result()
        except Exception as exc:  # the unit raised after its retries, or its workers kept dying
            results[i] = Failed(f"{type(exc).__name__}: {exc}")
            tally.failed += 1
        else:
            results[i] = value
            tally.units += 1
            tally.busy += seconds
            tally.workers.add(worker)
            if executor.cache is not None and unit.key and not isinstance(value, str):
                executor.cache.put(unit.key, unit.kind, value, label=unit.label, worker=worker, seconds=seconds)
        done += 1
        say(Step(f"{noun} {verb}", done, len(units)))
    wall = time.monotonic() - started
    for kind in kinds:
        executor.ledger.tally(kind).wall += wall / len(kinds)
    return results


def timed(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, str, float]:
    """Run on a worker: the unit's value, which worker ran it, and its seconds there."""
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, worker_name(), time.perf_counter() - started


def worker_name() -> str:
    """The Dask worker's address inside a Dask worker; else host, process and thread."""
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            return str(get_worker().address)
        except ValueError:  # not in a worker
            pass
    return f"{os.uname().nodename}:{os.getpid()}:{threading.current_thread().name}"


def import_target(spec: str) -> None:
    """Import the target ``spec`` names, one thread at a time: a file target is executed by hand, and a second
    thread must not see it half-initialised. Units call it before working on a target."""
    from perfkit.target import resolve

    with _IMPORTING:
        resolve(spec)
