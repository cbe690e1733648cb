"""What every executor shares: the results-store cache of finished units, the ledger of where time went, and
the content digest of the code tree the units run against."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.pickling import dumps

# folders never shipped or hashed: caches, environments, results
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".venv", "venv", "__pycache__", ".perfkit", ".pytest_cache", ".mypy_cache", ".ruff_cache",
     ".hypothesis", "node_modules", ".tox", ".nox", "build", "dist"}
)  # fmt: skip
CODE_SUFFIXES = (".py", ".pyi", ".toml", ".cfg", ".ini")  # what the digest covers: code, not the files runs write


@dataclass
class Tally:
    """One kind of work: how many units ran here or were reused, how long they took, and where."""

    units: int = 0
    reused: int = 0
    failed: int = 0
    wall: float = 0.0  # seconds on the clock of the machine that started the job
    busy: float = 0.0  # seconds summed over the workers that ran the units
    workers: set[str] = field(default_factory=set)


class Ledger:
    """Where the time of a job went, per kind of work ('fuzz', 'verify', 'timing')."""

    def __init__(self) -> None:
        self.kinds: dict[str, Tally] = {}

    def tally(self, kind: str) -> Tally:
        return self.kinds.setdefault(kind, Tally())

    @property
    def workers(self) -> set[str]:
        """Every worker that finished at least one unit."""
        return set().union(*(t.workers for t in self.kinds.values())) if self.kinds else set()

    def summary(self) -> dict[str, dict[str, Any]]:
        """A JSON-ready dict: per kind, units, reused, failed, wall and busy seconds, and the worker count."""
        return {
            kind: {
                "units": t.units,
                "reused": t.reused,
                "failed": t.failed,
                "wall_s": round(t.wall, 3),
                "busy_s": round(t.busy, 3),
                "workers": len(t.workers),
            }
            for kind, t in self.kinds.items()
        }


class UnitCache:
    """Finished units in the results store (table ``units``), keyed by content hash. Used from one thread."""

    def __init__(self, path: Path) -> None:
        from perfkit.store import Store

        self.store = Store(path)

    def get(self, key: str) -> tuple[bool, Any]:
        """(True, value) for a finished unit; (False, None) otherwise (also when the value no longer loads)."""
        data = self.store.unit(key)
        if data is None:
            return False, None
        try:
            return True, pickle.loads(data)
        except Exception:  # written by another version of the code: run it again
            return False, None

    def put(self, key: str, kind: str, value: Any, *, label: str, worker: str, seconds: float) -> None:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a value that cannot be kept is simply not reused
            return
        self.store.put_unit(key, kind, data, label=label, worker=worker, seconds=seconds)

    def close(self) -> None:
        self.store.close()


class BaseExecutor:
    """The parts of an executor that do not depend on where units run. Subclasses set ``name`` and
    ``workers`` and implement ``submit``, ``as_completed``, ``ship`` and ``_shutdown``."""

    name = "base"
    workers = 1

    def __init__(self, *, store: str | Path | None = None) -> None:
        self.ledger = Ledger()
        self.cache = UnitCache(Path(store)) if store is not None else None
        self.site: str | None = None  # digest of the code tree the units run against (see ship)

    def describe(self) -> str:
        return f"{self.workers} {self.name} worker{'s' if self.workers != 1 else ''}"

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def ship(self, root: Path, roots: Sequence[Path] = ()) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _shutdown(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Stop the workers and close the cache; safe to call twice."""
        try:
            self._shutdown()
        finally:
            if self.cache is not None:
                self.cache.close()
                self.cache = None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tree_files(root: Path) -> list[Path]:
    """Every file under ``root`` worth shipping (caches and environments left out), sorted, relative."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        base = Path(folder)
        found.extend((base / f).relative_to(root) for f in files if not f.endswith((".pyc", ".pyo")))
    return sorted(found)


def tree_digest(root: Path, files: Sequence[Path] | None = None) -> str:
    """A hash of the code under ``root`` (names and contents of its code files): equal trees, equal digests."""
    digest = hashlib.sha256()
    for relative in files if files is not None else tree_files(root):
        if relative.suffix not in CODE_SUFFIXES:
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        try:
            digest.update(hashlib.sha256((root / relative).read_bytes()).digest())
        except OSError:
            continue
    return digest.hexdigest()[:32]


def unit_key(kind: str, *parts: Any) -> str:
    """The content hash of a unit: its kind, perfkit's version and its parts (pickled). Parts that pickle
    differently from run to run (e.g. sets of strings) only cost a miss."""
    from perfkit import __version__

    digest = hashlib.sha256(f"{kind}\0{__version__}\0".encode())
    digest.update(dumps(parts))
    return f"{kind}-{digest.hexdigest()[:40]}"
