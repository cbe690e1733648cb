"""The inputs each hot function is optimised on: the workload's captured calls, and fuzz campaigns' slow inputs.

Fuzz campaigns run as work units on an executor (:mod:`perfkit.executors`), all functions together, each sized
like the function's largest captured input and given the captured calls (the shapes an unannotated function's
parameters are drawn in). A method's instance is never invented: the campaign reuses (copies of) the instances
the workload passed, so a method with no captured call is not fuzzed, and the report says why.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from typing import Any

from perfkit.pickling import dumps
from perfkit.progress import Progress
from perfkit.repo.capture import Captured
from perfkit.repo.config import RepoConfig
from perfkit.repo.report import OptimizeReport

FUZZ_SIZE_CAP = 2000  # fuzzing works on the shape of the worst case; captured inputs carry the real sizes
FUZZ_INPUTS = 8


def fuzz_all(
    report: OptimizeReport,
    captured: dict[str, Captured],
    config: RepoConfig,
    executor: Any,
    *,
    deadline: float,
    say: Progress,
) -> dict[str, list[Any]]:
    """Stress inputs for each hot function, from fuzz campaigns run together on ``executor`` (at most as many
    as fit in half the remaining budget), each sized like the function's largest captured input."""
    if config.fuzz_budget <= 0:
        return {}
    from perfkit.executors import Failed, Unit, run_units, unit_key
    from perfkit.inputs import input_size

    workers = executor.workers if executor is not None else 1
    room = max(1, int(0.5 * max(0.0, deadline - time.monotonic()) * workers / config.fuzz_budget))
    wanted = [f.info for f in report.functions]
    if len(wanted) > room:
        names = ", ".join(info.key for info in wanted[room:])
        report.notes.append(f"not fuzzed, for lack of budget: {names}")
    units = []
    for info in wanted[:room]:
        samples = captured.get(info.key)
        largest = max((input_size(a, k) for a, k in (samples.arguments() if samples else [])), default=0)
        max_size = config.fuzz_max_size or min(max(largest, 16), FUZZ_SIZE_CAP)
        target = f"{info.module}:{info.qualname}"
        blobs = tuple(samples.samples) if samples else ()  # pickled: they travel to the workers as they are
        digest = hashlib.sha256(b"".join(hashlib.sha256(b).digest() for b in blobs)).hexdigest()
        key = unit_key("fuzz", getattr(executor, "site", None), target, max_size, config.fuzz_budget, digest)
        units.append(Unit("fuzz", info.key, key, fuzz_unit, (target, max_size, config.fuzz_budget, blobs)))
        say(f"{info.key}: fuzzing for slow inputs up to size {max_size} ({config.fuzz_budget:g} s)")
    found = run_units(executor, units, noun="functions", verb="fuzzed", progress=say)
    inputs = {}
    for unit, outcome in zip(units, found, strict=True):
        if isinstance(outcome, Failed):
            report.notes.append(f"{unit.label}: the fuzz campaign failed ({outcome.message})")
        elif isinstance(outcome, str):
            report.notes.append(f"{unit.label} was not fuzzed: {outcome}")
        else:
            inputs[unit.label] = kept(stress_inputs(outcome))
    return inputs


def fuzz_unit(target: str, max_size: int, budget: float, samples: tuple[bytes, ...] = ()) -> Any:
    """A fuzz campaign as a work unit: the FuzzResult, or why the function cannot be fuzzed (a string).

    ``samples`` are the workload's captured calls, pickled: parameters without type hints are drawn in the shapes
    they show. When they cannot be used (none binds, or they do not unpickle here), the campaign runs on the type
    hints alone."""
    from perfkit.errors import InvalidArgument
    from perfkit.fuzzers import fuzz

    try:
        calls = [pickle.loads(blob) for blob in samples] or None
    except Exception:  # a class the worker cannot import: fall back on the hints
        calls = None
    try:
        return fuzz(target, max_size=max_size, budget=budget, samples=calls)
    except InvalidArgument as exc:
        if calls is None:
            return str(exc)
        try:
            return fuzz(target, max_size=max_size, budget=budget)
        except InvalidArgument:
            return str(exc)


def stress_inputs(result: Any) -> list[Any]:
    """The distinct inputs a campaign found (worst first), at most FUZZ_INPUTS."""
    found = [f for f in ([result.worst] if result.worst else []) + list(result.corpus) if f.outcome == "ok"]
    unique: dict[str, Any] = {}
    for finding in found:
        unique.setdefault(repr((finding.args, finding.kwargs)), (tuple(finding.args), dict(finding.kwargs)))
    return list(unique.values())[:FUZZ_INPUTS]


def kept(inputs: list[Any]) -> list[bytes | Any]:
    """``inputs`` pickled one by one, for :func:`restored` after the function's module is imported afresh (an
    instance unpickled before that import belongs to a class object the module no longer holds, and pickling it
    for verification would fail); an input that cannot be pickled stays as it is."""
    out: list[bytes | Any] = []
    for item in inputs:
        try:
            out.append(dumps(item))
        except Exception:
            out.append(item)
    return out


def restored(inputs: list[bytes | Any]) -> list[Any]:
    """The inputs :func:`kept` put away, unpickled now, where the repository's modules import."""
    return [pickle.loads(item) if isinstance(item, bytes) else item for item in inputs]
