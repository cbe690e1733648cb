"""Recording a fuzz campaign in the results store, in the shape the dashboard reads (see perfkit.dashboard.load)."""

from __future__ import annotations

from pathlib import Path

from perfkit.fuzzers._result import FuzzResult

REPR_LIMIT = 200


def record(result: FuzzResult, path: Path) -> int:
    """Add ``result`` to the store at ``path`` as a run of kind 'fuzz'; returns the run's id."""
    from perfkit.store import Row, Store, new_run

    curve = [[point.max_size, point.cost] for point in result.curve]
    findings = ([result.worst] if result.worst else []) + [f for f in result.corpus if f is not result.worst]
    worst = [[_short(repr((f.args, f.kwargs))), f.cost] for f in findings[:5]]
    row = Row(
        key=result.target,
        metric="cost",
        unit="line-equivalents",
        values=[point.cost for point in result.curve] or ([result.worst.cost] if result.worst else []),
        method=f"perfkit fuzz ({result.search}, signal {result.signal})",
        extra={
            "complexity": result.complexity or "?",
            "r2": result.complexity_r2,
            "curve": curve,
            "worst": worst,
            "max_size": result.max_size,
            "budget_s": result.budget_s,
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        return store.add_run(new_run("fuzz", name=result.target), [row])


def _short(text: str) -> str:
    return text if len(text) <= REPR_LIMIT else text[: REPR_LIMIT - 3] + "..."
