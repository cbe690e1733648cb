"""The results store: one SQLite file (``.perfkit/results.sqlite``) shared by the pytest plugin, optimize, fuzz,
measure and the dashboard.

Schema (version :data:`SCHEMA_VERSION`, kept in the ``meta`` table and upgraded by :data:`MIGRATIONS`):

- ``runs``: one row per session: ``kind`` ('pytest', 'optimize', 'fuzz', 'measure'), ``name`` (a baseline name
  or label), ``status`` ('complete', 'running', 'interrupted'), times, git commit/branch/dirty, machine
  ``fingerprint``, Python version, ``metadata`` and ``extra`` (JSON).
- ``measurements``: one row per (run, key, metric): ``key`` is a test id or a function, ``metric`` e.g. 'time',
  'cost', 'instructions', 'memory', with its ``unit``, the raw ``values`` and ``censored`` flags (JSON), summary
  columns (n, median, low, high, mean, stdev, min, max), the ``method`` that produced the numbers, an optional
  ``verdict`` ('regression', 'improved', 'same', 'new', ...) and ``extra`` (JSON).
- ``decisions`` (version 3): what a reviewer decided about each winner of ``perfkit optimize --interactive``:
  the ``run_id`` of the optimize run, the function ``key``, the ``decision`` ('accepted', 'rejected', 'edited'),
  the speedup interval of the code decided on (``speedup``, ``low``, ``high``), that code (``source``) and its
  ``diff``, a ``note`` (e.g. why an edit failed verification), the ``reviewer`` and ``decided_at``.
- ``units`` (version 2): finished work units of the executors (:mod:`perfkit.executors`), keyed by the hash of
  their content: ``kind`` ('fuzz', 'verify'), ``label``, the pickled ``value``, the ``worker`` that ran it and its
  ``seconds``. Re-running a command reuses them instead of running the unit again.

Every write is one transaction, so a crash never leaves half a run. A file that is not a perfkit store is
reported with a clear :class:`~perfkit.errors.PerfkitError` and never modified.
"""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfkit.errors import InvalidArgument, PerfkitError

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 3
DEFAULT_PATH = Path(".perfkit") / "results.sqlite"
KINDS = ("pytest", "optimize", "fuzz", "measure")
STATUSES = ("complete", "running", "interrupted")
DECISIONS = ("accepted", "rejected", "edited")
_SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x70666B31  # "pfk1" in the SQLite header of a perfkit store

# MIGRATIONS[v] takes a store from version v - 1 to version v; version 0 is an empty database.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('pytest', 'optimize', 'fuzz', 'measure')),
            name TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'complete',
            started_at TEXT NOT NULL,
            finished_at TEXT,
            git_commit TEXT,
            git_branch TEXT,
            git_dirty INTEGER,
            fingerprint TEXT,
            python_version TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            extra TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE measurements (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            metric TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT '',
            n INTEGER NOT NULL,
            median REAL, low REAL, high REAL, mean REAL, stdev REAL, min REAL, max REAL,
            "values" TEXT NOT NULL,
            censored TEXT NOT NULL,
            method TEXT NOT NULL DEFAULT '',
            verdict TEXT,
            extra TEXT NOT NULL DEFAULT '{}',
            UNIQUE (run_id, key, metric)
        )""",
        "CREATE INDEX runs_by_kind ON runs (kind, name, fingerprint)",
        "CREATE INDEX measurements_by_key ON measurements (key, metric)",
    ),
    2: (
        """CREATE TABLE units (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            finished_at TEXT NOT NULL,
            worker TEXT NOT NULL DEFAULT '',
            seconds REAL,
            value BLOB NOT NULL
        )""",
    ),
    3: (
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected', 'edited')),
            speedup REAL, low REAL, high REAL,
            source TEXT NOT NULL DEFAULT '',
            diff TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL
        )""",
        "CREATE INDEX decisions_by_run ON decisions (run_id, key)",
    ),
}


class StoreNotFound(PerfkitError):
    """The store file does not exist and the caller asked not to create it."""


@dataclass
class GitInfo:
    """Where the code stood when a run was made."""

    commit: str
    branch: str | None
    dirty: bool


@dataclass
class Run:
    """One session (a pytest run, an optimize run...). ``id`` is set once stored."""

    kind: str
    name: str = ""
    status: str = "complete"
    started_at: str = ""
    finished_at: str | None = None
    git_commit: str | None = None
    git_branch: str | None = None
    git_dirty: bool | None = None
    fingerprint: str | None = None
    python_version: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class Row:
    """One measured quantity of one key in one run. Summary columns are computed from ``values`` if left None."""

    key: str
    metric: str
    values: list[float]
    unit: str = ""
    censored: list[bool] | None = None
    method: str = ""
    verdict: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    n: int | None = None
    median: float | None = None
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    stdev: float | None = None
    min: float | None = None
    max: float | None = None
    run_id: int | None = None
    id: int | None = None


@dataclass
class Decision:
    """A reviewer's decision on one winner of an optimize run (``perfkit optimize --interactive``)."""

    key: str
    decision: str  # one of DECISIONS
    run_id: int | None = None
    speedup: float | None = None
    low: float | None = None
    high: float | None = None
    source: str = ""
    diff: str = ""
    note: str = ""
    reviewer: str = ""
    decided_at: str = ""
    id: int | None = None


_DECISION_COLUMNS = tuple(f.name for f in fields(Decision) if f.name != "id")
_RUN_COLUMNS = tuple(f.name for f in fields(Run) if f.name != "id")
_ROW_COLUMNS = tuple(f.name for f in fields(Row) if f.name not in ("id", "run_id"))
_SUMMARY = ("n", "median", "low", "high", "mean", "stdev", "min", "max")


def now() -> str:
    """The current UTC time as ISO 8601 (the format of ``started_at``)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_info(path: str | Path = ".") -> GitInfo | None:
    """Commit, branch and dirty flag of the git work tree holding ``path``; None outside git or without git."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=path, capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return GitInfo(commit, None if branch in (None, "HEAD") else branch, bool(status))


def new_run(
    kind: str,
    *,
    name: str = "",
    root: str | Path = ".",
    metadata: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Run:
    """A Run stamped with the time, the git state of ``root`` and the machine fingerprint (from ``metadata``,
    collected by :func:`perfkit.harness.metadata.collect_metadata` when not given)."""
    if kind not in KINDS:
        raise InvalidArgument("kind", kind, f"give one of {', '.join(KINDS)}")
    if metadata is None:
        from perfkit.harness.metadata import collect_metadata

        metadata = collect_metadata()
    git = git_info(root)
    return Run(
        kind=kind,
        name=name,
        started_at=now(),
        git_commit=git.commit if git else None,
        git_branch=git.branch if git else None,
        git_dirty=git.dirty if git else None,
        fingerprint=metadata.get("fingerprint"),
        python_version=str(metadata.get("python_version", "")) or None,
        metadata=metadata,
        extra=dict(extra or {}),
    )


def _create(path: Path) -> None:
    """Create an empty store at ``path`` in one step: built beside it, then linked into place (a no-op when another
    process got there first), so that no reader ever sees a zero-byte store that is not a truncated one."""
    import os
    import tempfile

    from perfkit._io import umask

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # writes the header: the file is never empty
        finally:
            db.close()
        os.chmod(tmp, 0o666 & ~umask())
        with suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


class Store:
    """The results store at ``path``. Use as a context manager, or call :meth:`close`.

    ``create=False`` raises :class:`StoreNotFound` when the file is missing. A file that is not SQLite, is
    corrupt, is another program's database or has a newer schema raises PerfkitError and is left untouched.
    """

    def __init__(self, path: str | Path = DEFAULT_PATH, *, create: bool = True) -> None:
        if not isinstance(path, str | Path) or not str(path):
            raise InvalidArgument("path", path, "give the path of the store file, e.g. '.perfkit/results.sqlite'")
        self.path = Path(path)
        if self.path.is_dir():
            raise PerfkitError(f"results store {str(self.path)!r} is a directory; give the path of a file in it")
        if not self.path.exists():
            if not create:
                raise StoreNotFound(
                    f"no results store at {str(self.path)!r}; create it first (e.g. pytest --perf-save)"
                )
            _create(self.path)
        self._check_header()
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._upgrade()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise PerfkitError(f"results store {str(self.path)!r} is corrupt ({exc}); move it away") from None
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ opening and the schema
    def _check_header(self) -> None:
        try:
            with self.path.open("rb") as handle:
                head = handle.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise PerfkitError(f"cannot read results store {str(self.path)!r}: {exc.strerror}") from None
        if not head:  # a new store is never empty (see _create): this one was truncated
            raise PerfkitError(
                f"results store {str(self.path)!r} is empty (0 bytes): it was truncated, so its baselines are lost; "
                "restore it, or delete it to start a new store"
            )
        if head != _SQLITE_MAGIC:
            raise PerfkitError(
                f"{str(self.path)!r} is not a SQLite database, so not a perfkit results store; "
                "move it away or choose another store path"
            )

    def _upgrade(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return
        with self._transaction():  # read again under the write lock: another process may have just created it
            version = self._version()
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step]:
                    self._db.execute(statement)
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", (now(),))

    def _version(self) -> int:
        """The schema version in the file: 0 for an empty database; refuses foreign and newer files."""
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return 0
        if "meta" not in tables:
            raise PerfkitError(
                f"{str(self.path)!r} is a SQLite database but not a perfkit results store (no 'meta' table); "
                "choose another store path"
            )
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise PerfkitError(
                f"results store {str(self.path)!r} has schema version {version}, newer than this perfkit "
                f"understands ({SCHEMA_VERSION}); upgrade perfkit"
            )
        return version

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def add_run(self, run: Run, rows: Iterable[Row] = ()) -> int:
        """Store a finished run and its rows in one transaction; return the run id (also set on ``run``)."""
        prepared = [_row_values(row) for row in rows]  # validate everything before writing anything
        with self._transaction():
            run_id = self._insert_run(run)
            self._insert_rows(run_id, prepared)
        return run_id

    def begin_run(self, run: Run) -> int:
        """Store ``run`` with status 'running' (for long sessions that add rows as they go); return its id."""
        run.status = "running"
        with self._transaction():
            return self._insert_run(run)

    def add_rows(self, run_id: int, rows: Iterable[Row]) -> None:
        """Add rows to a stored run, all of them or none."""
        prepared = [_row_values(row) for row in rows]
        with self._transaction():
            self._insert_rows(run_id, prepared)

    def finish_run(self, run_id: int, *, status: str = "complete", extra: dict[str, Any] | None = None) -> None:
        """Mark a run 'complete' (or 'interrupted'), stamp its end time and merge ``extra`` into its extra."""
        if status not in STATUSES:
            raise InvalidArgument("status", status, f"give one of {', '.join(STATUSES)}")
        with self._transaction():
            row = self._db.execute("SELECT extra FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise InvalidArgument("run_id", run_id, "no such run in the store")
            merged = {**json.loads(row[0]), **(extra or {})}
            self._db.execute(
                "UPDATE runs SET status = ?, finished_at = ?, extra = ? WHERE id = ?",
                (status, now(), _dumps(merged, "extra"), run_id),
            )

    def put_unit(
        self, key: str, kind: str, value: bytes, *, label: str = "", worker: str = "", seconds: float = 0.0
    ) -> None:
        """Store a finished work unit (its result as bytes) under its content hash ``key``."""
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO units (key, kind, label, finished_at, worker, seconds, value) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, kind, label, now(), worker, seconds, sqlite3.Binary(value)),
            )

    def unit(self, key: str) -> bytes | None:
        """The stored result of the work unit ``key``, or None when it has not finished."""
        row = self._db.execute("SELECT value FROM units WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def add_decisions(self, decisions: Iterable[Decision]) -> None:
        """Store reviewers' decisions, all of them or none (``decided_at`` is stamped when empty)."""
        prepared = []
        for d in decisions:
            if d.decision not in DECISIONS:
                raise InvalidArgument("decision", d.decision, f"give one of {', '.join(DECISIONS)}")
            prepared.append([getattr(d, c) for c in _DECISION_COLUMNS])
            prepared[-1][_DECISION_COLUMNS.index("decided_at")] = d.decided_at or now()
        with self._transaction():
            self._db.executemany(
                f"INSERT INTO decisions ({', '.join(_DECISION_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_DECISION_COLUMNS))})",
                prepared,
            )

    def decisions(self, *, run_id: int | None = None) -> list[Decision]:
        """Stored decisions, oldest first (of one run when ``run_id`` is given)."""
        where, params = _where(run_id=run_id)
        columns = ("id", *_DECISION_COLUMNS)
        cursor = self._db.execute(f"SELECT {', '.join(columns)} FROM decisions{where} ORDER BY id", params)
        return [Decision(**dict(zip(columns, record, strict=True))) for record in cursor.fetchall()]

    def delete_run(self, run_id: int) -> None:
        """Remove a run and its rows."""
        with self._transaction():
            self._db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def _insert_run(self, run: Run) -> int:
        if run.kind not in KINDS:
            raise InvalidArgument("kind", run.kind, f"give one of {', '.join(KINDS)}")
        if run.status not in STATUSES:
            raise InvalidArgument("status", run.status, f"give one of {', '.join(STATUSES)}")
        run.started_at = run.started_at or now()
        if run.status != "running" and run.finished_at is None:
            run.finished_at = now()
        values = [getattr(run, name) for name in _RUN_COLUMNS]
        values[_RUN_COLUMNS.index("metadata")] = _dumps(run.metadata, "metadata")
        values[_RUN_COLUMNS.index("extra")] = _dumps(run.extra, "extra")
        marks = ", ".join("?" * len(values))
        cursor = self._db.execute(f"INSERT INTO runs ({', '.join(_RUN_COLUMNS)}) VALUES ({marks})", values)
        assert cursor.lastrowid is not None
        run.id = cursor.lastrowid
        return run.id

    def _insert_rows(self, run_id: int, prepared: list[list[Any]]) -> None:
        columns = ", ".join(f'"{name}"' for name in ("run_id", *_ROW_COLUMNS))
        marks = ", ".join("?" * (len(_ROW_COLUMNS) + 1))
        self._db.executemany(f"INSERT INTO measurements ({columns}) VALUES ({marks})", [[run_id, *p] for p in prepared])

    # ------------------------------------------------------------------ reading
    def runs(self, *, kind: str | None = None, name: str | None = None, status: str | None = "complete") -> list[Run]:
        """Stored runs, oldest first, filtered by kind, name and status (None: any)."""
        where, params = _where(kind=kind, name=name, status=status)
        cursor = self._db.execute(f"SELECT id, {', '.join(_RUN_COLUMNS)} FROM runs{where} ORDER BY id", params)
        return [_run_from(record) for record in cursor.fetchall()]

    def run(self, run_id: int) -> Run:
        """One run by id."""
        record = self._db.execute(f"SELECT id, {', '.join(_RUN_COLUMNS)} FROM runs WHERE id = ?", (run_id,)).fetchone()
        if record is None:
            raise InvalidArgument("run_id", run_id, "no such run in the store")
        return _run_from(record)

    def rows(self, run_id: int) -> list[Row]:
        """The rows of one run."""
        return self._select_rows("WHERE run_id = ? ORDER BY id", (run_id,))

    def baseline(self, *, kind: str, name: str, fingerprint: str | None = None) -> dict[tuple[str, str], Row]:
        """For each (key, metric), its row in the newest complete run of this kind and name (and fingerprint,
        when given). Each key can come from a different run; ``Row.run_id`` says which."""
        where, params = _where(kind=kind, name=name, status="complete", fingerprint=fingerprint)
        sql = f"WHERE run_id IN (SELECT id FROM runs{where}) ORDER BY run_id DESC, id"
        found: dict[tuple[str, str], Row] = {}
        for row in self._select_rows(sql, tuple(params)):
            found.setdefault((row.key, row.metric), row)
        return found

    def _select_rows(self, clause: str, params: tuple[Any, ...]) -> list[Row]:
        columns = ", ".join(f'"{name}"' for name in ("id", "run_id", *_ROW_COLUMNS))
        cursor = self._db.execute(f"SELECT {columns} FROM measurements {clause}", params)
        return [_row_from(record) for record in cursor.fetchall()]

    def runs_frame(self, *, kind: str | None = None) -> pd.DataFrame:
        """All complete runs (optionally of one kind) as a pandas DataFrame, one row per run."""
        import pandas as pd

        runs = self.runs(kind=kind)
        columns = ["id", *_RUN_COLUMNS]
        return pd.DataFrame([[getattr(r, c) for c in columns] for r in runs], columns=columns)

    def measurements_frame(self, *, kind: str | None = None, run_id: int | None = None) -> pd.DataFrame:
        """Rows of complete runs joined with their run's kind, name, time, git and fingerprint columns."""
        import pandas as pd

        where, params = _where(kind=kind, status="complete", id=run_id)
        runs = {
            r.id: r
            for r in (
                _run_from(x)
                for x in self._db.execute(f"SELECT id, {', '.join(_RUN_COLUMNS)} FROM runs{where}", params).fetchall()
            )
        }
        run_cols = ("kind", "name", "started_at", "git_commit", "git_branch", "git_dirty", "fingerprint")
        columns = ["run_id", *run_cols, "id", *_ROW_COLUMNS]
        records = []
        if runs:
            marks = ", ".join("?" * len(runs))
            for row in self._select_rows(f"WHERE run_id IN ({marks}) ORDER BY run_id, id", tuple(runs)):
                run = runs[row.run_id]
                records.append(
                    [
                        row.run_id,
                        *(getattr(run, c) for c in run_cols),
                        *(getattr(row, c) for c in columns[len(run_cols) + 1 :]),
                    ]
                )
        return pd.DataFrame(records, columns=columns)


# ---------------------------------------------------------------------- conversions
def _dumps(value: Any, name: str) -> str:
    try:
        return json.dumps(value, allow_nan=True, sort_keys=True, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(name, value, f"must be JSON-serialisable ({exc})") from None


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _row_values(row: Row) -> list[Any]:
    if not row.key or not row.metric:
        raise InvalidArgument("key" if not row.key else "metric", row.key or row.metric, "give a non-empty string")
    try:
        values = [float(v) for v in row.values]
    except (TypeError, ValueError):
        raise InvalidArgument("values", row.values, "give a list of numbers") from None
    censored = [bool(c) for c in row.censored] if row.censored is not None else [False] * len(values)
    if len(censored) != len(values):
        raise InvalidArgument("censored", row.censored, f"give one flag per value ({len(values)})")
    summary = _summary(values, censored)
    out: list[Any] = []
    for name in _ROW_COLUMNS:
        if name == "values":
            out.append(_dumps(values, "values"))
        elif name == "censored":
            out.append(_dumps(censored, "censored"))
        elif name == "extra":
            out.append(_dumps(row.extra, "extra"))
        elif name in _SUMMARY:
            given = getattr(row, name)
            out.append(summary[name] if given is None else given)
        else:
            out.append(getattr(row, name))
    return out


def _summary(values: list[float], censored: list[bool]) -> dict[str, Any]:
    done = [v for v, c in zip(values, censored, strict=True) if not c]
    result: dict[str, Any] = dict.fromkeys(_SUMMARY)
    result["n"] = len(values)
    if done:
        result.update(mean=sum(done) / len(done), min=min(done), max=max(done))
    if len(done) > 1:
        mean = result["mean"]
        result["stdev"] = math.sqrt(sum((v - mean) ** 2 for v in done) / (len(done) - 1))
    if len(values) >= 2 and min(values) > 0 and len(set(values)) > 1:
        from perfkit import stats

        s = stats.summarize(values, censored)
        result.update(median=s.median, low=s.low, high=s.high)
    elif values:
        ordered = sorted(done or values)
        middle = len(ordered) // 2
        med = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        result.update(median=med, low=med, high=med)
    return result


def _where(**filters: Any) -> tuple[str, list[Any]]:
    parts = [f"{name} = ?" for name, value in filters.items() if value is not None]
    params = [value for value in filters.values() if value is not None]
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


def _run_from(record: tuple[Any, ...]) -> Run:
    data = dict(zip(("id", *_RUN_COLUMNS), record, strict=True))
    data["metadata"] = json.loads(data["metadata"])
    data["extra"] = json.loads(data["extra"])
    data["git_dirty"] = None if data["git_dirty"] is None else bool(data["git_dirty"])
    return Run(**data)


def _row_from(record: tuple[Any, ...]) -> Row:
    data = dict(zip(("id", "run_id", *_ROW_COLUMNS), record, strict=True))
    for name in ("values", "censored", "extra"):
        data[name] = json.loads(data[name])
    return Row(**data)
