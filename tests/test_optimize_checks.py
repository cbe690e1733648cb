"""``perfkit optimize``'s safety nets: winners dropped by the whole-program checks (a repository test, the whole
workload's time), no hot function, a spent budget, and Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from perfkit.optimizers import Attempt, Candidate, Result
from perfkit.optimizers.speed import SpeedReport

from perfkit.repo import checks
from perfkit.repo import optimize as optimize_module
from perfkit.repo.checks import best_pure_python
from perfkit.repo.config import RepoConfig
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.results import save
from perfkit.repo.sources import functions_in
from perfkit.repo.workspace import Workspace
from perfkit.stats import Ratio

CORE = '''
def dedupe(items):
    """The distinct items, in first-seen order."""
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def distinct(items):
    return len(dedupe(items))
'''

BENCH = """
from mini.core import distinct

for size in (500, 1000, 1500, 2000):
    distinct([i % (size // 2) for i in range(size)])
"""

# The test reaches the function only through ``distinct`` (its file never names it), with a list longer than
# any input the workload or the fuzzers give the verifier.
TEST = """
from mini.core import distinct


def test_large_lists():
    assert distinct(list(range(5000)) + [7]) == 5000
"""

# Fast, and right on every list shorter than 4000 items: what a careless model might return.
WRONG_ON_LONG_LISTS = """
def dedupe(items):
    out = list(dict.fromkeys(items))
    return out if len(items) < 4000 else out[:-1]
"""


class WrongOnLongLists:
    """A proposer standing in for a model whose patch is subtly wrong outside the verifier's input sizes."""

    name = "careless"

    def propose(self, context: object, *, n: int) -> list[Candidate]:
        return [Candidate(WRONG_ON_LONG_LISTS, self.name, "dict.fromkeys")]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    repo = tmp_path / "mini-repo"
    (repo / "mini").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "mini" / "__init__.py").write_text("")
    (repo / "mini" / "core.py").write_text(CORE)
    (repo / "bench.py").write_text(BENCH)
    (repo / "tests" / "test_distinct.py").write_text(TEST)
    return repo


def test_a_winner_that_breaks_a_repository_test_is_dropped(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(optimize_module, "_proposers", lambda llm: [WrongOnLongLists()])
    config = RepoConfig(workload="python bench.py", functions=("mini.core:dedupe",), threshold=0.0, fuzz_budget=0)
    report = optimize_module.optimize_repo(mini, config, offline=True)

    (outcome,) = report.functions
    assert outcome.result is not None and outcome.result.winner is not None, "the verifier should have accepted it"
    assert outcome.status == "dropped"
    assert "repository's tests fail" in outcome.reason
    assert report.improved == [] and report.speedup is None
    written = save(report, tmp_path / "results")
    assert not list((tmp_path / "results" / "patches").glob("*.diff"))
    assert written["combined"].read_text() == ""
    assert "dict.fromkeys" not in (mini / "mini" / "core.py").read_text()


SPREAD = '''
def spread(xs: list[float]) -> float:
    """Sum over all pairs of their squared distance."""
    total = 0.0
    for i in range(len(xs)):
        for j in range(i):
            gap = xs[i] - xs[j]
            total += gap * gap
    return total
'''

SHORT_BENCH = """
from mini.core import spread

spread([float(i % 97) for i in range(400)])
"""


def start_up_verdict(monkeypatch: pytest.MonkeyPatch, gain: Ratio) -> None:
    """The start-up checks' timing gives ``gain`` (> 1: the workload is faster with the JIT winner); the workload's
    before/after figure is timed for real."""
    real = checks.time_workloads

    def timed(first: Path, second: Path, argv: list[str], **kwargs: object) -> object:
        if kwargs.get("names") == ("without", "with"):
            return None, None, gain
        return real(first, second, argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "time_workloads", timed)


def test_a_jit_winner_in_a_short_workload_stays_off_and_numba_is_never_imported(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """numba makes ``spread`` many times faster per call, but a workload that calls it once would pay the import
    and the kernel's loading in every run. The patch runs the original until the function has spent numba's
    start-up in the process: this workload never gets there, so it never imports numba (a verdict of "no
    slower" is given; the drop on a slower verdict is tested below)."""
    from perfkit.optimizers.numba_jit import NumbaProposer

    monkeypatch.setattr(optimize_module, "_proposers", lambda llm: [NumbaProposer()])
    start_up_verdict(monkeypatch, Ratio(1.0, 0.95, 1.05, 0.5, False))
    (mini / "mini" / "core.py").write_text(SPREAD)
    (mini / "bench.py").write_text(SHORT_BENCH)
    (mini / "tests" / "test_distinct.py").write_text(
        "from mini.core import spread\n\n\ndef test_spread():\n    assert spread([1.0, 4.0, 2.0]) == 14.0\n"
    )
    config = RepoConfig(workload="python bench.py", functions=("mini.core:spread",), threshold=0.0, fuzz_budget=0)
    with Workspace(mini) as patched:
        report = optimize_module.optimize_repo(mini, config, offline=True, workspace=patched)
        (outcome,) = report.functions
        assert outcome.result is not None and outcome.result.winner is not None
        assert outcome.winner.proposer == "numba" and outcome.status == "improved", outcome.reason
        assert report.tests_after  # the repository's tests pass on the lazy patch
        assert "_pk_rent_spread" in patched.read("mini/core.py")
        probe = "import runpy, sys; runpy.run_path('bench.py'); print('numba' in sys.modules)"
        run = subprocess.run([sys.executable, "-c", probe], cwd=patched.path, capture_output=True, text=True)
        assert run.stdout.split() == ["False"], run.stderr


WASTEFUL_SPREAD = SPREAD.replace(
    "for j in range(i):", "for j in range(len(xs)):\n            if j >= i:\n                continue"
)

HALVED_SPREAD = SPREAD


class SkipsTheUpperHalf:
    """A pure-Python rewrite: the inner loop stops at ``i`` instead of skipping ``j >= i`` (the same additions in
    the same order, about twice as fast; numba's compiled loop is far faster still)."""

    name = "halving"

    def propose(self, context: object, *, n: int) -> list[Candidate]:
        return [Candidate(HALVED_SPREAD, self.name, "loop only below the diagonal")]


def test_a_dropped_jit_winner_gives_way_to_the_best_pure_python_candidate(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfkit.optimizers.numba_jit import NumbaProposer

    monkeypatch.setattr(optimize_module, "_proposers", lambda llm: [SkipsTheUpperHalf(), NumbaProposer()])
    start_up_verdict(monkeypatch, Ratio(0.8, 0.7, 0.9, 0.01, True))  # the workload runs 1.25x faster without it
    (mini / "mini" / "core.py").write_text(WASTEFUL_SPREAD)
    (mini / "bench.py").write_text(SHORT_BENCH)
    (mini / "tests" / "test_distinct.py").write_text(
        "from mini.core import spread\n\n\ndef test_spread():\n    assert spread([1.0, 4.0, 2.0]) == 14.0\n"
    )
    config = RepoConfig(workload="python bench.py", functions=("mini.core:spread",), threshold=0.0, fuzz_budget=0)
    report = optimize_module.optimize_repo(mini, config, offline=True)

    (outcome,) = report.functions
    verdicts = {a.proposer: a.verdict for a in outcome.result.history}
    assert verdicts == {"halving": "accepted", "numba": "accepted"}, outcome.result.history
    assert outcome.result.winner.proposer == "numba"  # the loop's pick, per call
    assert outcome.status == "improved", outcome.reason
    assert outcome.winner.proposer == "halving" and outcome.fallback is outcome.winner
    assert "numba winner dropped (start-up" in outcome.reason and "halving candidate" in outcome.reason
    assert "for j in range(i):" in outcome.diff and "numba" not in outcome.diff
    assert report.speedup is not None  # the workload was timed with the fallback in place
    written = save(report, mini.parent / "results")
    assert "for j in range(i):" in written["combined"].read_text()
    rows = json.loads(written["report"].read_text())["functions"]
    assert rows[0]["proposer"] == "halving" and rows[0]["status"] == "improved"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkit", "optimize", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        check=False,
    )


def test_no_function_above_the_threshold_is_said_and_exits_0(mini: Path, tmp_path: Path) -> None:
    result = run_cli(str(mini), "--workload", "python bench.py", "--threshold", "0.99", "--out", "res", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no function of the repository takes 99% or more" in result.stdout
    assert json.loads((tmp_path / "res" / "report.json").read_text())["functions"] == []


def test_a_spent_budget_finishes_the_current_function_and_skips_the_rest(mini: Path, tmp_path: Path) -> None:
    (mini / "mini" / "more.py").write_text(CORE.replace("dedupe", "dedupe2").replace("distinct", "distinct2"))
    heavy = BENCH.replace("(500, 1000, 1500, 2000)", "(3000, 4000)")
    (mini / "bench.py").write_text(heavy + heavy.replace("core", "more").replace("distinct", "distinct2"))
    result = run_cli(
        str(mini), "--workload", "python bench.py", "--threshold", "0", "--fuzz-budget", "0", "--budget", "0.01",
        "--functions", "mini.*:dedupe*", "--out", "res", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {row["function"]: row for row in json.loads((tmp_path / "res" / "report.json").read_text())["functions"]}
    assert set(rows) == {"mini.core:dedupe", "mini.more:dedupe2"}
    assert [row["status"] for row in rows.values()].count("skipped") >= 1
    assert any("budget was spent" in row["reason"] for row in rows.values())


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_keeps_the_tree_and_saves_what_was_finished(mini: Path, tmp_path: Path, stop: int) -> None:
    import os

    before = {p: p.read_bytes() for p in mini.rglob("*") if p.is_file()}
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "perfkit", "optimize", str(mini), "--workload", "python bench.py", "--threshold", "0",
         "--fuzz-budget", "0", "--functions", "mini.core:dedupe", "--out", "res"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:  # wait until the function is being optimised
        if "optimising mini.core:dedupe" in line:
            break
    process.send_signal(stop)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert "interrupted" in out and "with the changes" not in out.replace("not run with the changes", "")
    report = json.loads((tmp_path / "res" / "report.json").read_text())
    assert report["interrupted"] is True and report["format"] == "perfkit.optimize-report"
    assert all(row["status"] != "pending" for row in report["functions"])
    history = json.loads((tmp_path / "res" / "history.json").read_text())["functions"]
    assert all(entry is not None for entry in history.values())
    assert not list(scratch.glob("perfkit-work-*")), "a copy of the repository was left behind"
    assert {p: p.read_bytes() for p in mini.rglob("*") if p.is_file() and "__pycache__" not in p.parts} == {
        p: b for p, b in before.items() if "__pycache__" not in p.parts
    }


def _attempt(proposer: str, verdict: str, low: float, source: str = "") -> Attempt:
    speed = SpeedReport(low * 1.2, low, low * 1.5, ())
    return Attempt(1, proposer, "", source, verdict, "", speed=speed)


def test_the_fallback_is_the_accepted_non_jit_attempt_with_the_best_lower_bound(mini: Path) -> None:
    info = next(f for f in functions_in(mini, mini / "mini" / "core.py") if f.qualname == "dedupe")
    history = [
        _attempt("numba", "accepted", 9.0),
        _attempt("rewrite", "accepted", 1.4),
        _attempt("rewrite", "accepted", 2.5),
        _attempt("llm", "slower", 3.0),
        _attempt("rewrite", "rejected", 4.0),
    ]
    outcome = FunctionOutcome(info, 0.5, result=Result("dedupe", "core.py", "", history=history, winner=history[0]))
    assert best_pure_python(outcome) is history[2]
    assert best_pure_python(FunctionOutcome(info, 0.5, result=Result("dedupe", "", "", history=history[:1]))) is None


def test_a_jit_winner_slower_end_to_end_is_replaced_by_its_fallback_in_the_copy(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up verdict is given (no timing): the fallback's source is what the copy and the diff hold."""
    info = next(f for f in functions_in(mini, mini / "mini" / "core.py") if f.qualname == "dedupe")
    jit = _attempt("numba", "accepted", 9.0, "def dedupe(items):\n    return 'jit'\n")
    plain = _attempt("rewrite", "accepted", 2.5, "def dedupe(items):\n    return list(dict.fromkeys(items))\n")
    config = RepoConfig(workload="python bench.py")
    with Workspace(mini) as patched:
        info = replace(info, path=patched.path / "mini" / "core.py")
        result = Result("dedupe", "", "", history=[jit, plain], winner=jit)
        outcome = FunctionOutcome(info, 0.5, status="improved", result=result)
        report = OptimizeReport(repo=mini, config=config, functions=[outcome])
        slower = Ratio(0.8, 0.7, 0.9, 0.01, True)  # the workload runs 1.25x faster without the JIT winner
        monkeypatch.setattr(checks, "time_workloads", lambda *a, **k: (None, None, slower))
        assert checks.drop_slow_startups(patched, report, timeout=60, say=lambda m: None) == 1
        assert outcome.status == "improved" and outcome.winner is plain
        assert outcome.reason.startswith("numba winner dropped (start-up: the workload runs 1.25x faster")
        assert "rewrite candidate 3.00x used instead" in outcome.reason
        assert "dict.fromkeys" in patched.read("mini/core.py") and "'jit'" not in patched.read("mini/core.py")
        assert "dict.fromkeys" in outcome.diff


def test_jit_winners_that_pass_alone_but_lose_together_give_way(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a real repository of the corpus, four numba winners each passed their own start-up check, but the
    workload ran 0.67x with all of them. The verdicts are given (no timing): alone each helps (removing one leaves
    numba's import in place), together they lose, so the one with a pure-Python candidate takes it and the other
    is dropped."""
    infos = {f.qualname: f for f in functions_in(mini, mini / "mini" / "core.py")}
    config = RepoConfig(workload="python bench.py")
    with Workspace(mini) as patched:
        outcomes = []
        for name, plain in (("dedupe", "return list(dict.fromkeys(items))"), ("distinct", None)):
            info = replace(infos[name], path=patched.path / "mini" / "core.py")
            jit = _attempt("numba", "accepted", 9.0, f"def {name}(items):\n    return 'jit'\n")
            history = [jit] + (
                [_attempt("rewrite", "accepted", 2.5, f"def {name}(items):\n    {plain}\n")] if plain else []
            )
            result = Result(name, "", "", history=history, winner=jit)
            outcomes.append(FunctionOutcome(info, 0.4, status="improved", result=result))
        report = OptimizeReport(repo=mini, config=config, functions=outcomes)
        verdicts = iter([Ratio(1.1, 1.02, 1.2, 0.01, True)] * 2 + [Ratio(0.67, 0.58, 0.81, 0.01, True)])
        monkeypatch.setattr(checks, "time_workloads", lambda *a, **k: (None, None, next(verdicts)))
        assert checks.drop_slow_startups(patched, report, timeout=60, say=lambda m: None) == 1
        dedupe, distinct = outcomes
        assert dedupe.status == "improved" and dedupe.winner.proposer == "rewrite"
        assert distinct.status == "dropped" and "with the other JIT winners" in distinct.reason
        assert "'jit'" not in patched.read("mini/core.py") and "dict.fromkeys" in patched.read("mini/core.py")
