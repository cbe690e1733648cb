"""Reading the results store into the dashboard's model.

What the writers put where (the contract with ``perfkit optimize``, ``perfkit fuzz`` and the pytest plugin):

- pytest runs (kind ``pytest``): one row per test id and metric; ``median``/``low``/``high``/``unit`` and the
  ``verdict`` of the comparison ('regression' marks a flagged slowdown).
- optimize runs (kind ``optimize``): ``run.extra`` has ``workload_speedup``, ``workload_low``,
  ``workload_high``; one row per function (metric ``speedup``) whose ``extra`` has ``share``, ``status``,
  ``proposer``, ``speedup``, ``low``, ``high``, ``verified``, ``reason``, ``diff``, ``before``, ``after``,
  ``by_size`` ([[size, speedup]...]) and ``candidates`` ([{round, proposer, verdict, speedup, reason}...]).
- fuzz runs (kind ``fuzz``): one row per target (metric ``cost``) whose ``extra`` has ``complexity``, ``r2``,
  ``curve`` ([[size, cost]...]) and ``worst`` ([[repr, cost]...]).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfkit.dashboard.decisions import load_decisions
from perfkit.dashboard.model import (
    Candidate,
    Dashboard,
    FunctionResult,
    FuzzResult,
    HistoryPoint,
    OptimizeRun,
    TestHistory,
)
from perfkit.store import Run, Store, now


def load(path: Path) -> Dashboard:
    """The dashboard of the store at ``path`` (a store file, or a folder holding ``results.sqlite``).
    A missing store is an empty dashboard; a corrupt one raises the store's PerfkitError."""
    file = path / "results.sqlite" if path.is_dir() or not path.suffix else path
    if not file.exists():
        return Dashboard(generated_at=now(), source=str(file))
    with Store(file, create=False) as store:
        return Dashboard(
            generated_at=now(),
            source=str(file),
            optimize_runs=tuple(_optimize_run(store, run) for run in reversed(store.runs(kind="optimize"))),
            fuzz_results=tuple(_fuzz(store, run) for run in reversed(store.runs(kind="fuzz"))),
            tests=_tests(store),
            decisions=load_decisions(store),
        )


def _optimize_run(store: Store, run: Run) -> OptimizeRun:
    assert run.id is not None
    functions = []
    for row in store.rows(run.id):
        x: dict[str, Any] = row.extra
        functions.append(
            FunctionResult(
                key=row.key,
                share=x.get("share"),
                status=x.get("status", row.verdict or ""),
                proposer=x.get("proposer", ""),
                speedup=x.get("speedup"),
                low=x.get("low"),
                high=x.get("high"),
                verified=bool(x.get("verified")),
                reason=x.get("reason", ""),
                diff=x.get("diff", ""),
                before=tuple(x.get("before", ())),
                after=tuple(x.get("after", ())),
                by_size=tuple((int(n), float(s)) for n, s in x.get("by_size", ())),
                candidates=tuple(Candidate(**c) for c in x.get("candidates", ())),
            )
        )
    functions.sort(key=lambda f: -(f.share or 0))
    e = run.extra
    return OptimizeRun(
        run_id=run.id,
        started_at=run.started_at,
        name=run.name or e.get("repo", ""),
        commit=run.git_commit,
        workload_speedup=e.get("workload_speedup"),
        workload_low=e.get("workload_low"),
        workload_high=e.get("workload_high"),
        functions=tuple(functions),
    )


def _fuzz(store: Store, run: Run) -> FuzzResult:
    assert run.id is not None
    rows = store.rows(run.id)
    row = rows[0]
    x = row.extra
    return FuzzResult(
        target=row.key,
        started_at=run.started_at,
        complexity=x.get("complexity", "?"),
        r2=x.get("r2"),
        curve=tuple((int(n), float(c)) for n, c in x.get("curve", ())),
        worst=tuple((str(text), float(cost)) for text, cost in x.get("worst", ())),
    )


def _tests(store: Store) -> tuple[TestHistory, ...]:
    histories: dict[tuple[str, str], list[HistoryPoint]] = {}
    units: dict[tuple[str, str], str] = {}
    for run in store.runs(kind="pytest"):
        assert run.id is not None
        for row in store.rows(run.id):
            if row.median is None:
                continue
            source = str(run.metadata.get("source") or "perfkit")
            point = HistoryPoint(
                run.id, run.started_at, run.git_commit, row.median, row.low, row.high, row.verdict, source,
                run.fingerprint,
            )  # fmt: skip
            histories.setdefault((row.key, row.metric), []).append(point)
            units[(row.key, row.metric)] = row.unit
    return tuple(
        TestHistory(key, metric, units[(key, metric)], tuple(points))
        for (key, metric), points in sorted(histories.items())
    )
