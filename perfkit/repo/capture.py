"""Capturing real call arguments of chosen functions while a repository's Python workload runs.

The workload runs as ``python -m perfkit.repo._capture_run OUT TARGETS -- <its own argv>``: before the
workload's code starts, an import hook wraps each chosen function (module-level functions and methods) so that
each call pickles its arguments *before* the call (a function that mutates its input is recorded as it was
called). Samples are bounded in number (a seeded reservoir, plus the largest input seen) and in bytes: a call
whose arguments pickle to more than MAX_BYTES is kept as a representative of the same shape, shrunk to fit
(strings, bytes and collections cut to a prefix, nested ones in proportion; fixed-arity tuples keep their
arity), and counted as shrunk; the true size of the largest call is kept beside the samples.
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.pickling import dumps

MAX_SAMPLES = 16
MAX_BYTES = 1_000_000  # per sample


@dataclass(frozen=True)
class CaptureTarget:
    """A function to watch: ``module`` importable name and ``qualname`` (``func`` or ``Class.method``)."""

    module: str
    qualname: str

    @property
    def key(self) -> str:
        return f"{self.module}:{self.qualname}"


@dataclass
class Captured:
    """The samples of one function: pickled ``(args, kwargs)`` and how many calls there were in all."""

    calls: int = 0
    samples: list[bytes] = field(default_factory=list)
    skipped: int = 0  # calls whose arguments could not be pickled (or not shrunk below MAX_BYTES)
    shrunk: int = 0  # calls over MAX_BYTES kept shrunk to fit
    largest_bytes: int = 0  # pickled bytes of the largest call's arguments (by input size), before any shrinking
    largest_size: int = 0  # its input size (perfkit.inputs.input_size)

    def arguments(self) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """The samples unpickled (callers run this where the repository's modules import)."""
        return [pickle.loads(blob) for blob in self.samples]

    def describe_shrunk(self) -> str:
        """A sentence on the calls kept shrunk (empty when none was)."""
        if not self.shrunk:
            return ""
        many = "call was" if self.shrunk == 1 else "calls were"
        return (
            f"{self.shrunk} {many} over {MAX_BYTES / 1e6:g} MB and kept shrunk to fit (largest call "
            f"{self.largest_bytes / 1e6:.1f} MB, input size {self.largest_size})"
        )


_TINY = 64  # strings and bytes of at most this length are kept whole inside a cut collection
_FEW = 8  # collections of at most this many items keep them all (each cut), larger ones keep a prefix
_CUTTABLE = (str, bytes, bytearray, list, tuple, set, frozenset, dict)


def shrink(args: tuple[Any, ...], kwargs: dict[str, Any], *, limit: int = MAX_BYTES) -> bytes | None:
    """The call's arguments cut to pickle within ``limit`` bytes, keeping their shape (types, nesting, the arity
    of short tuples): strings, bytes, lists, long tuples, sets and dicts keep a prefix, nested ones in proportion
    to their share of the bytes. None when they do not pickle, or no cut fits."""
    try:
        size = len(dumps((args, kwargs)))
    except Exception:
        return None
    budget = limit * 0.9
    for _ in range(12):
        cut = _cut((args, kwargs), budget, size)
        try:
            blob = dumps(cut)
        except Exception:
            return None
        if len(blob) <= limit:
            return blob
        budget /= 2
    return None


def _bytes(value: Any) -> int:
    try:
        return len(dumps(value))
    except Exception:
        return 0


def _cut(value: Any, budget: float, size: int | None = None) -> Any:
    """``value`` cut to about ``budget`` pickled bytes (``size``: its own, when known)."""
    kind = type(value)
    if kind not in _CUTTABLE:
        return value
    size = _bytes(value) if size is None else size
    if size <= budget:
        return value
    ratio = budget / size
    if kind in (str, bytes, bytearray):
        return value[: max(1, int(len(value) * ratio))]
    items = list(value.items()) if kind is dict else list(value)
    if len(items) <= _FEW:  # a record or a few large items: every one kept, each cut by its share
        keep, shares = len(items), [ratio * _bytes(item) for item in items]
    else:
        keep = max(1, int(len(items) * ratio))
        shares = [budget / keep] * keep
    if kind is dict:
        return {k: _nested(v, share) for (k, v), share in zip(items[:keep], shares, strict=True)}
    return kind(_nested(item, share) for item, share in zip(items[:keep], shares, strict=True))


def _nested(item: Any, budget: float) -> Any:
    """An item inside a cut collection: cut too when it alone is over its share; small values kept as they are."""
    if type(item) not in _CUTTABLE or (type(item) in (str, bytes, bytearray) and len(item) <= _TINY):
        return item
    size = _bytes(item)
    return _cut(item, budget, size) if size > budget else item


def python_workload(argv: list[str]) -> list[str] | None:
    """The workload's arguments after the interpreter (``['bench.py']``, ``['-m', 'pytest', ...]``), or None
    when the workload is not a Python command perfkit can run under its hook."""
    if not argv:
        return None
    program = Path(argv[0]).name
    if program.startswith("python"):
        rest = argv[1:]
        return rest if rest and (rest[0] == "-m" or not rest[0].startswith("-")) else None
    if program in ("pytest", "py.test"):
        return ["-m", "pytest", *argv[1:]]
    return None


def capture(
    argv: list[str],
    targets: list[CaptureTarget],
    *,
    cwd: Path,
    out: Path,
    timeout: float,
    env: dict[str, str] | None = None,
) -> dict[str, Captured]:
    """Run the workload with the hook and return the samples per target key. Raises PerfkitError when the
    workload is not a Python command or fails."""
    rest = python_workload(argv)
    if rest is None:
        raise PerfkitError(f"cannot capture arguments from {' '.join(argv)!r}: not a 'python ...' or 'pytest' command")
    targets_file = out.with_suffix(".targets")
    targets_file.write_bytes(pickle.dumps([(t.module, t.qualname) for t in targets]))
    command = [sys.executable, "-m", "perfkit.repo._capture_run", str(out), str(targets_file), "--", *rest]
    from perfkit.harness.group import run_group

    result = run_group(command, cwd=cwd, env=env, timeout=timeout)
    if result.timed_out:
        raise PerfkitError(f"the workload did not finish within {timeout:.0f} s while capturing arguments")
    if result.returncode != 0 or not out.exists():
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PerfkitError(f"the workload failed while capturing arguments (status {result.returncode}): {tail[0]}")
    data: dict[str, dict[str, Any]] = pickle.loads(out.read_bytes())
    return {key: Captured(**value) for key, value in data.items()}
