"""Same-session A/B (``pytest --perf-compare=REV``) on git repositories built here with two commits: a
deliberate 3x slowdown (three times the loop) is a regression decided on paired rounds, an A/A comparison is not,
the baseline worktree is gone afterwards (also after Ctrl-C or SIGTERM), a call that the baseline revision lacks is
``new``, and a worker that imports a module from the wrong tree stops the session with one line. The margins
(3x against a 5% threshold; A/A against 50%) are far outside the noise of a loaded machine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from perfkit.errors import InvalidArgument
from perfkit.perftest import ab
from perfkit.perftest import settings as pset
from perfkit.store import Row, Store, new_run

pytest_plugins = ["pytester"]

LIB = """
def work(n):
    total = 0
    for i in range({loop}):
        total += i % 7
    return total
"""
NEW = "\n\ndef fresh(n):\n    return sum(range(n))\n"
TESTS = """
import lib


def test_work(perf):
    assert perf(lib.work, 3000) >= 0
"""
FAST = ["--perf-rounds=5", "--perf-max-time=0.2", "--perf-processes=3", "-p", "no:cacheprovider"]


def _git(path: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(["git", *args], cwd=path, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _worktrees(path: Path) -> int:
    return _git(path, "worktree", "list", "--porcelain").count("worktree ")


@pytest.fixture
def repo(pytester: pytest.Pytester) -> pytest.Pytester:
    """A repository whose first commit is fast and whose second does the loop three times over."""
    pytester.makeini("[pytest]\naddopts = -p no:randomly\n")
    pytester.makepyfile(lib=LIB.format(loop="n"), test_perf=TESTS)
    _git(pytester.path, "init", "-q")
    _git(pytester.path, "add", ".")
    _git(pytester.path, "commit", "-qm", "fast")
    pytester.makepyfile(lib=LIB.format(loop="3 * n") + NEW)
    pytester.makepyfile(test_new="import lib\n\ndef test_fresh(perf):\n    perf(lib.fresh, 3000)\n")
    _git(pytester.path, "add", ".")
    _git(pytester.path, "commit", "-qm", "slow")
    return pytester


def _results(pytester: pytest.Pytester) -> dict[tuple[str, str], dict[str, object]]:
    data = json.loads((pytester.path / "ab.json").read_text())
    return {(r["key"].rpartition("::")[2], r["metric"]): r for r in data["results"]}


def test_a_3x_slowdown_against_the_previous_commit_fails_and_the_worktree_is_removed(repo: pytest.Pytester) -> None:
    result = repo.runpytest_subprocess("--perf-compare=HEAD~1", "--perf-metric=time,cost", "--perf-json=ab.json", *FAST)
    assert result.ret == 1, result.stdout.str()
    found = _results(repo)
    time, cost = found[("test_work", "time")], found[("test_work", "cost")]
    assert time["verdict"] == "regression" and str(time["basis"]).startswith("A/B, ")
    assert time["low"] > 1.05 and time["gating"]  # three times the loop: the interval clears a 5% threshold
    assert cost["verdict"] == "regression" and cost["ratio"] == pytest.approx(3.0, rel=0.01)
    fresh = found[("test_fresh", "time")]
    assert fresh["verdict"] == "new" and "not in HEAD~1" in str(fresh["note"])
    result.stdout.fnmatch_lines(["perfkit: gating: *time*", "*timed in this session (A/B)*"])
    assert _worktrees(repo.path) == 1  # the temporary worktree is gone


@pytest.mark.slow
def test_an_a_a_comparison_in_one_session_is_not_a_regression(repo: pytest.Pytester) -> None:
    result = repo.runpytest_subprocess(
        "--perf-compare=HEAD", "--perf-metric=time,cost", "--perf-threshold=50%", "--perf-json=ab.json", *FAST
    )
    assert result.ret == 0, result.stdout.str()
    found = _results(repo)
    assert found[("test_work", "time")]["verdict"] in ("same", "noisy")
    assert found[("test_work", "cost")]["ratio"] == 1.0
    assert _worktrees(repo.path) == 1


def test_a_stored_baseline_that_names_a_commit_is_compared_in_the_same_session(repo: pytest.Pytester) -> None:
    head = _git(repo.path, "rev-parse", "HEAD~1")
    store = repo.path / ".perfkit" / "results.sqlite"
    store.parent.mkdir()
    with Store(store) as db:
        run = new_run("pytest", name="main", root=repo.path, metadata={"fingerprint": "elsewhere"})
        run.git_commit, run.git_dirty = head, False
        db.add_run(run, [Row(key="test_perf.py::test_work", metric="cost", values=[1.0], unit="lines", method="m")])
    settings = pset.Settings(compare="main", store=store)
    chosen = ab.choose(settings, root=repo.path)
    assert chosen.revision == head and chosen.revision_label == f"baseline 'main' ({head[:10]})"
    assert ab.choose(pset.Settings(compare="main", store=store, ab="off"), root=repo.path).revision is None
    result = repo.runpytest_subprocess("--perf-compare=main", "--perf-metric=cost", "--perf-json=ab.json", *FAST)
    assert result.ret == 1  # compared with the commit's code (3x the lines), not with the stored 1.0
    assert _results(repo)[("test_work", "cost")]["ratio"] == pytest.approx(3.0, rel=0.01)
    with pytest.raises(InvalidArgument, match=r"--perf-ab='on'.*neither a stored baseline nor a git revision"):
        ab.choose(pset.Settings(compare="nothing", store=store, ab="on"), root=repo.path)


def test_a_worker_importing_from_the_current_tree_stops_the_session_in_one_line(repo: pytest.Pytester) -> None:
    """The project moved into src/ (and its tests into tests/) after the baseline: src/ is not in the baseline
    tree, so the baseline worker would import the current lib from there; it says so instead of timing it."""
    for folder in ("src", "tests"):
        (repo.path / folder).mkdir()
    (repo.path / "lib.py").rename(repo.path / "src" / "lib.py")
    (repo.path / "test_perf.py").rename(repo.path / "tests" / "test_perf.py")
    repo.makeini("[pytest]\naddopts = -p no:randomly\npythonpath = src\n")
    result = repo.runpytest_subprocess("--perf-compare=HEAD", "--perf-metric=cost", "tests/test_perf.py", *FAST)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*perfkit: same-session A/B: a worker in the baseline tree imported lib (*src*lib.py)*"]
    )
    assert _worktrees(repo.path) == 1


def test_the_worktree_goes_on_ctrl_c_and_sigterm(repo: pytest.Pytester) -> None:
    commit = _git(repo.path, "rev-parse", "HEAD~1")
    with pytest.raises(KeyboardInterrupt), ab.Worktree(commit, repo=repo.path) as tree:
        assert "range(n)" in (tree.path / "lib.py").read_text()
        assert _worktrees(repo.path) == 2
        raise KeyboardInterrupt
    assert not tree.path.exists() and _worktrees(repo.path) == 1
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), ab.Worktree(commit, repo=repo.path) as tree:
        os.kill(os.getpid(), signal.SIGTERM)  # turned into KeyboardInterrupt while the worktree exists
    assert not tree.path.exists() and _worktrees(repo.path) == 1
    assert signal.getsignal(signal.SIGTERM) == before
