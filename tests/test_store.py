"""The results store: schema and migrations, atomic runs, baselines, pandas readers, refusing foreign files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.store import (
    DEFAULT_PATH,
    SCHEMA_VERSION,
    Row,
    Run,
    Store,
    StoreNotFound,
    git_info,
    new_run,
)

from .conftest import ROOT

METADATA = {"fingerprint": "aaaa", "python_version": "3.11.7 (64-bit)", "cpu_count": 2}


def _run(name: str = "baseline", fingerprint: str = "aaaa", kind: str = "pytest") -> Run:
    return Run(kind=kind, name=name, fingerprint=fingerprint, metadata=dict(METADATA, fingerprint=fingerprint))


def test_a_new_store_has_the_schema_and_its_version(tmp_path: Path) -> None:
    path = tmp_path / ".perfkit" / "results.sqlite"
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "runs", "measurements"} <= tables
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert Path(".perfkit/results.sqlite") == DEFAULT_PATH


def test_runs_and_rows_round_trip_with_computed_summaries(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        run = _run()
        run.extra = {"note": "first"}
        run_id = store.add_run(
            run,
            [
                Row("t.py::test_a", "time", [3e-3, 1e-3, 2e-3], unit="s", method="wall clock"),
                Row("t.py::test_a", "cost", [120], unit="lines", verdict="new", extra={"calls": 3}),
                Row("t.py::test_b", "time", [5.0, 9.0], censored=[False, True], unit="s"),
            ],
        )
        assert run.id == run_id
        (stored,) = store.runs()
        assert stored.name == "baseline" and stored.extra == {"note": "first"} and stored.status == "complete"
        assert stored.metadata["cpu_count"] == 2 and stored.finished_at
        rows = {(r.key, r.metric): r for r in store.rows(run_id)}
        time_a = rows[("t.py::test_a", "time")]
        assert time_a.values == [3e-3, 1e-3, 2e-3] and time_a.n == 3 and time_a.median == pytest.approx(2e-3)
        assert time_a.low is not None and time_a.low <= 2e-3 <= time_a.high
        assert time_a.min == 1e-3 and time_a.max == 3e-3 and time_a.method == "wall clock"
        cost = rows[("t.py::test_a", "cost")]
        assert (cost.median, cost.low, cost.high, cost.verdict, cost.extra) == (120, 120, 120, "new", {"calls": 3})
        assert rows[("t.py::test_b", "time")].censored == [False, True]


def test_baseline_takes_the_newest_row_of_each_key_for_a_name_and_fingerprint(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        first = store.add_run(_run(), [Row("a", "cost", [10]), Row("b", "cost", [20])])
        second = store.add_run(_run(), [Row("a", "cost", [11])])
        store.add_run(_run(name="other"), [Row("a", "cost", [99])])
        store.add_run(_run(fingerprint="bbbb"), [Row("a", "cost", [50])])
        same = store.baseline(kind="pytest", name="baseline", fingerprint="aaaa")
        assert same[("a", "cost")].values == [11] and same[("a", "cost")].run_id == second
        assert same[("b", "cost")].values == [20] and same[("b", "cost")].run_id == first
        anywhere = store.baseline(kind="pytest", name="baseline")
        assert anywhere[("a", "cost")].values == [50]
        assert store.baseline(kind="pytest", name="missing") == {}


def test_long_runs_are_written_in_steps_and_only_complete_runs_count(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        run_id = store.begin_run(_run(kind="optimize", name="repo"))
        store.add_rows(run_id, [Row("mod.f", "speedup", [2.5])])
        assert store.runs(kind="optimize") == []
        assert store.runs(kind="optimize", status="running")[0].id == run_id
        assert store.baseline(kind="optimize", name="repo") == {}
        store.finish_run(run_id, status="interrupted", extra={"functions_done": 1})
        (run,) = store.runs(kind="optimize", status=None)
        assert run.status == "interrupted" and run.extra == {"functions_done": 1} and run.finished_at
        store.delete_run(run_id)
        assert store.runs(status=None) == [] and store.rows(run_id) == []


def test_a_failed_write_leaves_no_half_run(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        with pytest.raises(InvalidArgument, match="extra"):
            store.add_run(_run(), [Row("a", "cost", [1]), Row("b", "cost", [2], extra={"x": object()})])
        with pytest.raises(sqlite3.IntegrityError):  # a duplicate key fails inside the transaction
            store.add_run(_run(), [Row("a", "cost", [1]), Row("a", "cost", [2])])
        assert store.runs(status=None) == []
        assert store.measurements_frame().empty


def test_a_process_killed_in_the_middle_of_a_write_leaves_no_half_run(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    Store(path).close()
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from perfkit import store as s

        real = s.Store._insert_rows
        def dying(self, run_id, prepared):
            real(self, run_id, prepared[:1])  # the run and one row are written...
            os._exit(9)  # ...then the process dies before the commit
        s.Store._insert_rows = dying
        with s.Store({str(path)!r}) as st:
            st.add_run(s.Run(kind="pytest"), [s.Row("a", "cost", [1]), s.Row("b", "cost", [2])])
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    with Store(path) as store:
        assert store.runs(status=None) == []
        assert store.measurements_frame().empty


def test_pandas_readers_join_runs_and_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.add_run(_run(), [Row("a", "time", [1.0, 2.0, 3.0], unit="s"), Row("a", "cost", [5])])
        store.add_run(_run(kind="fuzz", name="f"), [Row("mod.g", "cost", [7], extra={"size": 10})])
        runs = store.runs_frame()
        assert list(runs["kind"]) == ["pytest", "fuzz"] and "git_commit" in runs.columns
        frame = store.measurements_frame(kind="pytest")
        assert sorted(frame["metric"]) == ["cost", "time"]
        assert set(frame["name"]) == {"baseline"} and set(frame["fingerprint"]) == {"aaaa"}
        assert frame.loc[frame["metric"] == "time", "values"].iloc[0] == [1.0, 2.0, 3.0]
        fuzz = store.measurements_frame(kind="fuzz")
        assert fuzz["extra"].iloc[0] == {"size": 10}


def test_new_run_records_git_state_and_the_machine(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    (repo / "f.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "f.py"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], cwd=repo, check=True)
    info = git_info(repo)
    assert info is not None and len(info.commit) == 40 and info.branch == "main" and info.dirty is False
    (repo / "f.py").write_text("x = 2\n")
    run = new_run("measure", name="label", root=repo, metadata=METADATA)
    assert run.git_commit == info.commit and run.git_dirty is True and run.git_branch == "main"
    assert run.fingerprint == "aaaa" and run.python_version == "3.11.7 (64-bit)" and run.started_at
    assert git_info(tmp_path) is None
    with pytest.raises(InvalidArgument, match="kind='bench'"):
        new_run("bench", metadata=METADATA)


def test_a_missing_store_is_reported_when_it_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no results store"):
        Store(tmp_path / "nothing.sqlite", create=False)
    assert not (tmp_path / "nothing.sqlite").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n" * 10, "not a SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 2000, "corrupt"),
    ],
)
def test_a_foreign_or_corrupt_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "results.sqlite"
    path.write_bytes(content)
    with pytest.raises(PerfkitError, match=message):
        Store(path)
    assert path.read_bytes() == content


def test_another_programs_database_and_a_newer_schema_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE users (name TEXT)")
    db.commit()
    db.close()
    before = other.read_bytes()
    with pytest.raises(PerfkitError, match="not a perfkit results store"):
        Store(other)
    assert other.read_bytes() == before

    newer = tmp_path / "newer.sqlite"
    Store(newer).close()
    db = sqlite3.connect(newer)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    before = newer.read_bytes()
    with pytest.raises(PerfkitError, match=r"schema version 99.*upgrade perfkit"):
        Store(newer)
    assert newer.read_bytes() == before


def test_bad_rows_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        with pytest.raises(InvalidArgument, match="values"):
            store.add_run(_run(), [Row("a", "cost", ["fast"])])  # type: ignore[list-item]
        with pytest.raises(InvalidArgument, match="censored"):
            store.add_run(_run(), [Row("a", "time", [1.0, 2.0], censored=[True])])
        with pytest.raises(InvalidArgument, match="kind"):
            store.add_run(Run(kind="other"))
        assert store.runs(status=None) == []
    with pytest.raises(PerfkitError, match="directory"):
        Store(tmp_path)


def test_a_new_store_is_never_empty_and_follows_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o027)
    try:
        Store(tmp_path / "new.sqlite").close()
    finally:
        os.umask(old)
    path = tmp_path / "new.sqlite"
    assert path.stat().st_size > 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name != "new.sqlite"]  # no temporary file left


def test_a_zero_byte_store_is_an_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite"
    path.write_bytes(b"")
    with pytest.raises(PerfkitError, match="empty"):
        Store(path)
    assert path.read_bytes() == b""
