"""``python -m perfkit.repo._capture_run OUT TARGETS -- script.py args | -m module args``.

Installs the argument-recording wrappers (see :mod:`perfkit.repo.capture`), runs the workload as ``__main__``
and writes the samples to OUT when the interpreter exits, whatever way the workload ends.
"""

from __future__ import annotations

import atexit
import functools
import pickle
import random
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from perfkit.inputs import input_size
from perfkit.pickling import dumps
from perfkit.repo._workload_hook import install, run_workload
from perfkit.repo.capture import MAX_BYTES, MAX_SAMPLES, shrink


class _Recorder:
    """Reservoir of pickled calls for one function, keeping the largest input too (shrunk when over MAX_BYTES)."""

    def __init__(self, seed: int) -> None:
        self.calls = 0
        self.skipped = 0
        self.shrunk = 0
        self.largest_bytes = 0
        self.largest_size = 0
        self.samples: list[bytes] = []
        self.largest: tuple[int, bytes] | None = None
        self._rng = random.Random(seed)
        self._busy = False

    def record(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.calls += 1
        if self._busy:  # recursion: record the outer call only
            return
        slot = len(self.samples) if len(self.samples) < MAX_SAMPLES else self._rng.randrange(self.calls)
        size = input_size(args, kwargs)
        wanted = slot < MAX_SAMPLES or self.largest is None or size > self.largest[0]
        if not wanted:
            return
        try:
            blob = dumps((args, kwargs))
        except Exception:
            self.skipped += 1
            return
        if size >= self.largest_size:
            self.largest_size, self.largest_bytes = size, len(blob)
        if len(blob) > MAX_BYTES:  # kept as a representative of the same shape, cut to fit
            cut = shrink(args, kwargs, limit=MAX_BYTES)
            if cut is None:
                self.skipped += 1
                return
            blob = cut
            self.shrunk += 1
        if slot < len(self.samples):
            self.samples[slot] = blob
        elif slot < MAX_SAMPLES:
            self.samples.append(blob)
        if self.largest is None or size > self.largest[0]:
            self.largest = (size, blob)

    def result(self) -> dict[str, Any]:
        samples = list(self.samples)
        if self.largest is not None and self.largest[1] not in samples:
            samples.append(self.largest[1])
        return {
            "calls": self.calls,
            "samples": samples,
            "skipped": self.skipped,
            "shrunk": self.shrunk,
            "largest_bytes": self.largest_bytes,
            "largest_size": self.largest_size,
        }


def _wrap(func: Callable[..., Any], recorder: _Recorder) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not recorder._busy:
            recorder.record(args, kwargs)
        outer = not recorder._busy
        recorder._busy = True
        try:
            return func(*args, **kwargs)
        finally:
            if outer:
                recorder._busy = False

    return wrapper


def _patch(module: ModuleType, qualnames: list[str], recorders: dict[str, _Recorder]) -> None:
    for qualname in qualnames:
        *owners, name = qualname.split(".")
        holder: Any = module
        for part in owners:
            holder = getattr(holder, part, None)
        original = getattr(holder, name, None) if holder is not None else None
        if original is None or not callable(original):
            continue
        key = f"{module.__name__}:{qualname}"
        raw = holder.__dict__.get(name, original) if isinstance(holder, type) else original
        if isinstance(raw, staticmethod | classmethod):
            continue  # descriptors: left alone rather than wrapped wrongly
        setattr(holder, name, _wrap(original, recorders[key]))


def main(argv: list[str]) -> None:
    out, targets_file, separator, *rest = argv
    assert separator == "--" and rest
    targets: list[tuple[str, str]] = pickle.loads(open(targets_file, "rb").read())  # noqa: SIM115
    recorders = {f"{m}:{q}": _Recorder(seed=i) for i, (m, q) in enumerate(targets)}
    wanted: dict[str, list[str]] = {}
    for module, qualname in targets:
        wanted.setdefault(module, []).append(qualname)

    def write() -> None:
        from perfkit._io import write_atomic_bytes

        write_atomic_bytes(out, pickle.dumps({key: rec.result() for key, rec in recorders.items()}))

    atexit.register(write)
    install(wanted, lambda module, qualnames: _patch(module, qualnames, recorders))
    run_workload(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
