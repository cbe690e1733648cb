"""``python -m perfkit.repo._capture_run OUT TARGETS -- script.py args | -m module args``.

Installs the argument-recording wrappers (see :mod:`perfkit.repo.capture`), runs the workload as ``__main__``
and writes the samples to OUT when the interpreter exits, whatever way the workload ends.
"""

from __future__ import annotations

import atexit
import functools
import importlib.abc
import importlib.util
import pickle
import random
import runpy
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from perfkit.inputs import input_size
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
            blob = pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
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


class _Finder(importlib.abc.MetaPathFinder):
    """Patches the watched modules right after they execute."""

    def __init__(self, wanted: dict[str, list[str]], recorders: dict[str, _Recorder]) -> None:
        self.wanted = wanted
        self.recorders = recorders

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname not in self.wanted:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module
        qualnames, recorders = self.wanted[fullname], self.recorders

        def patched_exec(module: ModuleType) -> None:
            exec_module(module)
            _patch(module, qualnames, recorders)

        loader.exec_module = patched_exec  # type: ignore[method-assign]
        return spec


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
    for name in [m for m in wanted if m in sys.modules]:
        _patch(sys.modules[name], wanted.pop(name), recorders)
    sys.meta_path.insert(0, _Finder(wanted, recorders))
    sys.path.insert(0, "")
    if rest[0] == "-m":
        sys.argv = [rest[1], *rest[2:]]
        runpy.run_module(rest[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(rest)
        sys.path[0] = str(Path(rest[0]).resolve().parent)
        runpy.run_path(rest[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
