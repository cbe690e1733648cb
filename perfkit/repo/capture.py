"""Capturing real call arguments of chosen functions while a repository's Python workload runs.

The workload runs as ``python -m perfkit.repo._capture_run OUT TARGETS -- <its own argv>``: before the
workload's code starts, an import hook wraps each chosen function (module-level functions and methods) so that
each call pickles its arguments *before* the call (a function that mutates its input is recorded as it was
called). Samples are bounded in number (a seeded reservoir, plus the largest input seen) and in bytes.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError

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
    skipped: int = 0  # calls whose arguments could not be pickled or were too large

    def arguments(self) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """The samples unpickled (callers run this where the repository's modules import)."""
        return [pickle.loads(blob) for blob in self.samples]


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
    try:
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PerfkitError(f"the workload did not finish within {timeout:.0f} s while capturing arguments") from None
    if result.returncode != 0 or not out.exists():
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PerfkitError(f"the workload failed while capturing arguments (status {result.returncode}): {tail[0]}")
    data: dict[str, dict[str, Any]] = pickle.loads(out.read_bytes())
    return {key: Captured(**value) for key, value in data.items()}
