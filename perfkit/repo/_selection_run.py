"""``python -m perfkit.repo._selection_run OUT SPEC -- script.py args | -m module args``.

Times every listed function of the repository while the workload runs (see :mod:`perfkit.repo.selection`): as
each repository module finishes executing, its functions and methods are replaced by thin wrappers that read a
clock around each call and keep, per function, its calls and its own time (the time of the repository functions
it calls taken out). Builtins, the standard library and installed packages are not hooked, so the interpreter
keeps its specialised fast paths (a profiler hook turns them off in Python 3.11, and ``s += x`` turns quadratic).
The per-call cost of the wrappers and of the clock is measured first and taken out. Writes JSON to OUT when the
interpreter exits, whatever way the workload ends.

Not wrapped: generator and coroutine functions (their time counts for whoever iterates them), properties, and
functions that escaped before the wrapping (decorator registries, aliases made at import time).
"""

from __future__ import annotations

import atexit
import functools
import inspect
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from perfkit.repo._workload_hook import install, run_workload

CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.thread_time, "wall": time.perf_counter}


class _Ledger:
    """Calls, own time and wrapped-callee calls per function, for the main thread; and the wrappers."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.keys: list[str] = []
        self.calls: list[int] = []
        self.own: list[float] = []
        self.children: list[int] = []
        self.stack: list[list[float]] = []  # per active call: [time of wrapped callees, wrapped callee calls]
        self.main = threading.get_ident()

    def wrap(self, key: str, func: Callable[..., Any]) -> Callable[..., Any]:
        index = len(self.keys)
        self.keys.append(key)
        self.calls.append(0)
        self.own.append(0.0)
        self.children.append(0)
        clock, stack, own, calls, children, main = (
            self.clock,
            self.stack,
            self.own,
            self.calls,
            self.children,
            self.main,
        )
        get_ident = threading.get_ident

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if get_ident() != main:
                return func(*args, **kwargs)
            frame = [0.0, 0]
            stack.append(frame)
            start = clock()
            try:
                return func(*args, **kwargs)
            finally:
                spent = clock() - start
                stack.pop()
                own[index] += spent - frame[0]
                calls[index] += 1
                children[index] += int(frame[1])
                if stack:
                    stack[-1][0] += spent
                    stack[-1][1] += 1

        return timed


def calibrate(clock: Callable[[], float], *, loops: int = 2000, repeats: int = 7) -> tuple[float, float]:
    """The wrappers' cost per call: (inside, outside) seconds. ``inside`` is what a wrapped empty function reads
    as its own time; ``outside`` is what each wrapped call adds to its caller's own time. Minimum over repeats."""
    measured = [_calibrate_once(clock, loops) for _ in range(repeats)]
    return max(0.0, min(m[0] for m in measured)), max(0.0, min(m[1] for m in measured))


def _calibrate_once(clock: Callable[[], float], loops: int) -> tuple[float, float]:
    ledger = _Ledger(clock)

    def empty() -> None:
        pass

    wrapped = ledger.wrap("empty", empty)

    def plain_loop(n: int) -> None:
        for _ in range(n):
            empty()

    def wrapped_loop(n: int) -> None:
        for _ in range(n):
            wrapped()

    ledger.wrap("plain", plain_loop)(loops)
    ledger.wrap("hooked", wrapped_loop)(loops)
    return ledger.own[0] / loops, (ledger.own[2] - ledger.own[1]) / loops


def _wrap_members(holder: Any, names: list[str], prefix: str, ledger: _Ledger) -> None:
    for name in names:
        raw = holder.__dict__.get(name) if isinstance(holder, type | ModuleType) else None
        key = f"{prefix}{name}"
        if isinstance(raw, staticmethod | classmethod):
            inner = raw.__func__
            if inspect.isfunction(inner) and not _suspends(inner):
                setattr(holder, name, type(raw)(ledger.wrap(key, inner)))
        elif inspect.isfunction(raw) and not _suspends(raw):
            setattr(holder, name, ledger.wrap(key, raw))


def _suspends(func: Any) -> bool:
    return inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)


def _patch(module: ModuleType, qualnames: list[str], ledger: _Ledger) -> None:
    by_owner: dict[str, list[str]] = {}
    for qualname in qualnames:
        owner, _, name = qualname.rpartition(".")
        by_owner.setdefault(owner, []).append(name)
    for owner, names in by_owner.items():
        holder: Any = module
        for part in owner.split(".") if owner else []:
            holder = getattr(holder, part, None)
        if holder is not None:
            _wrap_members(holder, names, f"{module.__name__}:{owner + '.' if owner else ''}", ledger)


def main(argv: list[str]) -> None:
    out, spec_file, separator, *rest = argv
    assert separator == "--" and rest
    spec = json.loads(Path(spec_file).read_text())
    clock = CLOCKS[spec.get("clock", "cpu")]
    inside, outside = calibrate(clock)
    ledger = _Ledger(clock)
    wanted: dict[str, list[str]] = spec["functions"]
    started = [clock()]

    def write() -> None:
        from perfkit._io import write_atomic

        total = clock() - started[0]
        functions = {
            key: {"calls": calls, "own": own, "children": children}
            for key, calls, own, children in zip(ledger.keys, ledger.calls, ledger.own, ledger.children, strict=True)
            if calls
        }
        data = {"clock": spec.get("clock", "cpu"), "inside": inside, "outside": outside, "total": total}
        write_atomic(Path(out), json.dumps({**data, "functions": functions}))

    atexit.register(write)
    install(wanted, lambda module, qualnames: _patch(module, qualnames, ledger))
    started[0] = clock()
    run_workload(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
