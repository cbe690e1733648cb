"""Time one input of one bug: best of ``repeats`` calls in a fresh subprocess, with time and memory limits.

A catastrophic regex cannot be interrupted inside ``re``, so the call runs in its own process: the child prints
each call's time as it finishes and stops after the first call slower than the limit; the parent kills it at
``startup + repeats * limit`` seconds. A call cut off at the limit counts as the limit (``censored``). The
child also reports each call's CPU time (``time.process_time``): on a loaded machine the wall time of the same call
can be several times its CPU time, so ``cpu`` says what the call costs on an idle one.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from redos.fetch import environment
from redos.manifest import Bug

STARTUP = 20.0  # seconds allowed for the child to import the library
MEMORY = 2 * 2**30

_CHILD = r"""
import importlib, json, sys, time
spec, path, repeats, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
module, _, name = spec.partition(":")
target = getattr(importlib.import_module(module), name)
with open(path, encoding="utf-8") as f:
    s = json.load(f)
for _ in range(repeats):
    error = None
    start, cpu = time.perf_counter(), time.process_time()
    try:
        target(s)
    except Exception as exc:
        error = type(exc).__name__
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "error": error}), flush=True)
    if elapsed > limit:
        break
"""


@dataclass(frozen=True)
class Timing:
    """Best-of-k time of one input; ``censored``: cut off at the limit; ``error``: what the call raised; ``cpu``: the
    CPU seconds of that best call (None when no call finished)."""

    seconds: float
    censored: bool
    error: str | None
    calls: int
    cpu: float | None = None


def limit_memory(nbytes: int = MEMORY) -> None:
    """Cap the address space of the calling process (a ``preexec_fn``)."""
    resource.setrlimit(resource.RLIMIT_AS, (nbytes, nbytes))


def time_input(bug: Bug, s: str, *, repeats: int = 3, limit: float = 10.0, fixed: bool = False) -> Timing:
    """Best of ``repeats`` calls of ``bug``'s wrapper on ``s`` in a fresh process (``fixed``: on the fixed
    release); see the module doc."""
    with tempfile.TemporaryDirectory(prefix="redos-time-") as tmp:
        path = Path(tmp) / "input.json"
        path.write_text(json.dumps(s), encoding="utf-8")
        command = [sys.executable, "-c", _CHILD, bug.wrapper, str(path), str(repeats), str(limit)]
        try:
            done = subprocess.run(
                command,
                env=environment(bug, fixed=fixed),
                capture_output=True,
                text=True,
                timeout=STARTUP + repeats * limit,
                preexec_fn=limit_memory,
            )
            out, killed = done.stdout, False
        except subprocess.TimeoutExpired as exc:
            raw = exc.stdout or ""
            out, killed = raw if isinstance(raw, str) else raw.decode(), True
    calls = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if not calls:
        if not killed:
            raise RuntimeError(f"{bug.id}: the timing child failed: {done.stderr.strip()[-600:]}")
        return Timing(seconds=limit, censored=True, error=None, calls=0)
    best = min(calls, key=lambda c: c["seconds"])
    censored = best["seconds"] >= limit
    seconds, cpu = min(best["seconds"], limit), best.get("cpu")
    return Timing(seconds=seconds, censored=censored, error=best["error"], calls=len(calls), cpu=cpu)
