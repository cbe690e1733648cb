"""``perfkit optimize``'s whole-program checks: a winner that passes the per-function verifier but breaks a
repository test is dropped, with the reason recorded and nothing of it in the patches."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.optimizers import Candidate
from perfkit.repo import optimize as optimize_module
from perfkit.repo.config import RepoConfig
from perfkit.repo.results import save

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
    monkeypatch.setattr(optimize_module, "_proposers", lambda config, **_: [WrongOnLongLists()])
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
def spread(prices: list[float]) -> float:
    """Sum of absolute differences over all pairs of prices."""
    total = 0.0
    n = len(prices)
    for i in range(n):
        for j in range(i + 1, n):
            total += abs(prices[i] - prices[j])
    return total
'''

SHORT_BENCH = """
from mini.core import spread

spread([float(i % 97) for i in range(400)])
"""


def test_a_jit_winner_that_slows_the_whole_workload_is_dropped(mini: Path) -> None:
    """numba makes ``spread`` many times faster per call, but a workload that calls it once pays the import and
    the compilation in every run: the end-to-end timing drops it and says why."""
    (mini / "mini" / "core.py").write_text(SPREAD)
    (mini / "bench.py").write_text(SHORT_BENCH)
    (mini / "tests" / "test_distinct.py").write_text(
        "from mini.core import spread\n\n\ndef test_spread():\n    assert spread([1.0, 4.0, 2.0]) == 6.0\n"
    )
    config = RepoConfig(workload="python bench.py", functions=("mini.core:spread",), threshold=0.0, fuzz_budget=0)
    report = optimize_module.optimize_repo(mini, config, offline=True)

    (outcome,) = report.functions
    assert outcome.result is not None and outcome.result.winner is not None
    assert outcome.result.winner.proposer == "numba"
    assert outcome.status == "dropped", outcome.reason
    assert "faster without it" in outcome.reason and "compilation at start-up" in outcome.reason
    assert report.improved == [] and report.speedup is None
