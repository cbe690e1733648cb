"""The stress inputs of ``perfkit optimize``: fuzz campaigns of unannotated functions draw in the shapes of the
workload's captured calls (pickled, as they travel to workers); the unit key follows the samples."""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from perfkit.repo.capture import Captured
from perfkit.repo.config import RepoConfig
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.sources import functions_in
from perfkit.repo.stress import fuzz_all, fuzz_unit

CORE = """
def dedupe(items):
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


class Shelf:
    def __init__(self, label):
        self.label = label

    def distinct(self, items):
        out = []
        for x in items:
            if x not in out:
                out.append(x)
        return out
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "stressrepo"
    (root / "stresspkg").mkdir(parents=True)
    (root / "stresspkg" / "__init__.py").write_text("")
    (root / "stresspkg" / "core.py").write_text(CORE)
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in [m for m in sys.modules if m.startswith("stresspkg")]:
        del sys.modules[name]


def test_an_unannotated_function_is_fuzzed_in_the_shapes_of_its_captured_calls(repo: Path) -> None:
    calls = [((["a", "b", "a", "c"],), {}), (([f"k{i % 7}" for i in range(40)],), {})]
    blobs = tuple(pickle.dumps(call) for call in calls)
    refused = fuzz_unit("stresspkg.core:dedupe", 40, 1.0)
    assert isinstance(refused, str) and "type hint" in refused
    result = fuzz_unit("stresspkg.core:dedupe", 40, 1.0, blobs)
    assert not isinstance(result, str), result
    found = [f for f in [result.worst, *result.corpus] if f is not None and f.outcome == "ok"]
    assert found and all(isinstance(f.args[0], list) for f in found)
    assert all(isinstance(x, str) for f in found for x in f.args[0])  # the captured element type


class OneWorker:
    """Stands in for an executor: fuzz_all asks only how many workers and which site."""

    workers, site = 1, None


def test_the_fuzz_unit_carries_the_samples_and_its_key_follows_them(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfkit.executors as executors

    info = next(f for f in functions_in(repo, repo / "stresspkg" / "core.py") if f.qualname == "dedupe")
    config = RepoConfig(fuzz_budget=0.5)
    units: list[Any] = []
    run_here = executors.run_units
    monkeypatch.setattr(
        executors, "run_units", lambda _, batch, **kw: units.extend(batch) or run_here(None, batch, **kw)
    )
    for items in (["a", "b"], ["a", "c"]):
        report = OptimizeReport(repo=repo, config=config, functions=[FunctionOutcome(info, 0.5)])
        captured = {info.key: Captured(calls=1, samples=[pickle.dumps(((items,), {}))])}
        inputs = fuzz_all(report, captured, config, OneWorker(), deadline=time.monotonic() + 600, say=lambda m: None)
        assert units[-1].args[-1] == tuple(captured[info.key].samples)
        assert inputs.get(info.key), report.notes
    assert len(units) == 2 and units[0].key != units[1].key


def test_a_method_is_fuzzed_with_the_instances_the_workload_passed(repo: Path) -> None:
    from stresspkg.core import Shelf

    shelf = Shelf("front")
    calls = [((shelf, ["a", "b", "a"]), {}), ((shelf, [f"k{i % 5}" for i in range(30)]), {})]
    result = fuzz_unit("stresspkg.core:Shelf.distinct", 40, 3.0, tuple(pickle.dumps(call) for call in calls))
    assert not isinstance(result, str), result
    found = [f for f in [result.worst, *result.corpus] if f is not None]
    assert found and all(type(f.args[0]).__name__ == "Shelf" and f.args[0].label == "front" for f in found)
    assert isinstance(fuzz_unit("stresspkg.core:Shelf.distinct", 40, 1.0), str)  # no instance, no campaign
