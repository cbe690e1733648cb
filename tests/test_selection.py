"""Choosing the hot functions: the timed run's bookkeeping (calls, callees taken out, what is wrapped), the
threshold, and cProfile's attribution of builtins to their callers. Assertions are on deterministic quantities
(call counts, which functions appear, arithmetic on given numbers), never on measured times."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.profile import attributed_time
from perfkit.repo.config import RepoConfig
from perfkit.repo.selection import Ranked, Selection, rank_functions, rank_timed, repository_functions

CORE = '''
import functools


def fifo(items):
    """Drains a list from the front: the time is in list.pop(0), a builtin."""
    queue = list(items)
    out = []
    while queue:
        out.append(queue.pop(0))
    return out


def pairs(xs):
    def gap(a, b):  # nested: counts for pairs
        return abs(a - b)

    return sum(gap(a, b) for a in xs for b in xs)


def outer(xs):
    return fifo(xs) + [pairs(xs[:50])]


def numbers(n):  # a generator: not wrapped, its time counts for whoever iterates it
    yield from range(n)


class Box:
    def __init__(self, items):
        self.items = items

    def total(self):
        return sum(self.items)

    @staticmethod
    def twice(x):
        return 2 * x

    @classmethod
    def make(cls, n):
        return cls(list(range(n)))

    @functools.cached_property
    def size(self):
        return len(self.items)
'''

BENCH = """
from mini.core import Box, fifo, numbers, outer


def helper():  # the workload's own script: never ranked
    return sum(numbers(1000))


for _ in range(3):
    outer(list(range(3000)))
fifo(list(range(100)))
box = Box.make(10)
for _ in range(7):
    box.total()
Box.twice(4)
box.size
helper()
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    repo = tmp_path / "mini-repo"
    (repo / "mini").mkdir(parents=True)
    (repo / "mini" / "__init__.py").write_text("")
    (repo / "mini" / "core.py").write_text(CORE)
    (repo / "bench.py").write_text(BENCH)
    return repo


def test_every_repository_function_is_timed_with_exact_call_counts(mini: Path) -> None:
    config = RepoConfig(workload="python bench.py")
    selection = rank_functions(mini, config)
    assert selection.source.startswith("timed calls") and not selection.notes
    calls = {r.info.key: r.calls for r in selection.ranked}
    assert calls["mini.core:fifo"] == 4  # 3 through outer, 1 from the script
    assert calls["mini.core:outer"] == 3 and calls["mini.core:pairs"] == 3
    assert calls["mini.core:Box.total"] == 7 and calls["mini.core:Box.make"] == 1
    assert calls.get("mini.core:Box.twice", 1) == 1  # a static method is wrapped as a static method
    assert "mini.core:numbers" not in calls  # generators are not wrapped
    assert not any(key.startswith("bench") or "helper" in key for key in calls)
    assert all(0 < r.share <= 1 for r in selection.ranked)
    shares = [r.share for r in selection.ranked]
    assert shares == sorted(shares, reverse=True)


def test_a_workload_that_notices_the_wrappers_is_ranked_under_cprofile(mini: Path) -> None:
    (mini / "bench.py").write_text(
        BENCH + "\nimport mini.core\nassert mini.core.fifo.__code__.co_name == 'fifo', 'wrapped'\n"
    )
    selection = rank_functions(mini, RepoConfig(workload="python bench.py"))
    assert selection.source.startswith("cProfile") and "ranked under cProfile" in selection.notes[0]
    assert "AssertionError: wrapped" in selection.notes[0]
    calls = {r.info.key: r.calls for r in selection.ranked}
    assert calls["mini.core:fifo"] == 4 and calls["mini.core:outer"] == 3
    assert calls["mini.core:pairs"] == 3  # the nested gap() and the generator expression count for pairs


def test_rank_timed_takes_the_wrappers_cost_out(mini: Path) -> None:
    sources = repository_functions(mini, RepoConfig(workload="python bench.py"))
    data = {
        "clock": "cpu",
        "inside": 0.001,
        "outside": 0.002,
        "total": 1.0,
        "functions": {
            "mini.core:outer": {"calls": 10, "own": 0.1, "children": 20},  # 0.1 - 10*0.001 - 20*0.002 = 0.05
            "mini.core:fifo": {"calls": 20, "own": 0.5, "children": 0},  # 0.5 - 20*0.001 = 0.48
            "mini.core:pairs": {"calls": 5, "own": 0.0, "children": 0},  # nothing left: not ranked
            "elsewhere:f": {"calls": 1, "own": 0.2, "children": 0},  # not a repository function
        },
    }
    selection = rank_timed(data, sources)
    total = 1.0 - (0.003 * 10 + 0.003 * 20 + 0.003 * 5 + 0.003 * 1)
    assert [r.info.key for r in selection.ranked] == ["mini.core:fifo", "mini.core:outer"]
    assert selection.ranked[0].share == pytest.approx(0.48 / total)
    assert selection.ranked[1].share == pytest.approx(0.05 / total)
    assert selection.total_s == pytest.approx(total)


def test_chosen_applies_the_function_patterns_before_the_cut(mini: Path) -> None:
    sources = repository_functions(mini, RepoConfig())
    ranked = (
        Ranked(sources["mini.core:fifo"], 0.6, 1),
        Ranked(sources["mini.core:pairs"], 0.3, 1),
        Ranked(sources["mini.core:outer"], 0.02, 1),
        Ranked(sources["mini.core:Box.total"], 0.0199, 1),
    )
    selection = Selection("given", 1.0, ranked)
    assert [r.info.qualname for r in selection.chosen(threshold=0.02)] == ["fifo", "pairs", "outer"]
    assert [r.info.qualname for r in selection.chosen(threshold=0.02, patterns=("*:pairs",))] == ["pairs"]


def test_a_share_near_the_threshold_is_decided_on_the_median_of_three_runs(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scripted runs: fifo reads 2.1%, 1.7%, 2.2% of the time (noise around a 2% threshold). One run would
    decide on its own reading; the median of three (2.1%) keeps it, and a clear set needs one run only."""
    import perfkit.repo.selection as selection

    sources = repository_functions(mini, RepoConfig())
    readings = iter([0.021, 0.017, 0.022])
    calls = []

    def scripted(root: Path, config: RepoConfig, **_: object) -> Selection:
        calls.append(1)
        share = next(readings)
        return Selection(
            "timed", 1.0, (Ranked(sources["mini.core:pairs"], 0.5, 1), Ranked(sources["mini.core:fifo"], share, 1))
        )

    monkeypatch.setattr(selection, "rank_functions", scripted)
    steady = selection.steady_ranking(mini, RepoConfig(threshold=0.02))
    assert len(calls) == 3
    assert [r.info.qualname for r in steady.chosen(threshold=0.02)] == ["pairs", "fifo"]
    assert steady.ranked[1].share == pytest.approx(0.021) and "median of 3" in steady.notes[-1]
    calls.clear()
    readings = iter([0.3])
    assert selection.steady_ranking(mini, RepoConfig(threshold=0.02)).ranked and len(calls) == 1


def test_builtin_time_flows_to_the_repository_function_that_calls_it() -> None:
    """Synthetic pstats: f spends 1 s in list.pop and 0.5 s in a stdlib helper that itself calls a builtin;
    the helper is also called by g. Callees' time is split by the per-caller cumulative time."""
    f, g, main = ("/repo/m.py", 1, "f"), ("/repo/m.py", 9, "g"), ("/repo/bench.py", 1, "<module>")
    pop, helper, builtin = ("~", 0, "<method 'pop' of 'list' objects>"), ("/lib/x.py", 3, "h"), ("~", 0, "<len>")
    stats = {
        main: (1, 1, 0.1, 3.0, {}),
        f: (1, 1, 0.2, 1.7, {main: (1, 1, 0.2, 1.7)}),
        g: (1, 1, 0.3, 0.8, {main: (1, 1, 0.3, 0.8)}),
        pop: (10, 10, 1.0, 1.0, {f: (10, 10, 1.0, 1.0)}),
        helper: (4, 4, 0.6, 1.0, {f: (2, 2, 0.3, 0.5), g: (2, 2, 0.3, 0.5)}),
        builtin: (4, 4, 0.4, 0.4, {helper: (4, 4, 0.4, 0.4)}),
    }
    charged = attributed_time(stats, own=lambda func: func[0].startswith("/repo/"))
    assert charged[f] == pytest.approx(0.2 + 1.0 + 0.5)
    assert charged[g] == pytest.approx(0.3 + 0.5)
    assert charged[main] == pytest.approx(0.1)
    assert set(charged) == {f, g, main}
