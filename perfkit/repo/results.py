"""Saving an optimize run: patches, the combined patch, the candidates' history, a report, and the results store.

Layout of the results folder (``.perfkit/`` by default)::

    patches/<module>.<function>.diff   one unified diff per accepted function
    optimize.diff                       all accepted changes together (``git apply`` it in the repository)
    history.json                        every candidate of every function (schema version 1)
    report.json                         the summary below, machine-readable
    results.sqlite                      the results store (a run of kind 'optimize'), read by the dashboard
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perfkit._io import document, write_atomic
from perfkit.repo.report import FunctionOutcome, OptimizeReport

SCHEMA_VERSION = 2  # 2: format keys; tests_after; a function never tried has its status, not null


def summary_rows(report: OptimizeReport) -> list[dict[str, Any]]:
    """One dict per function: what the terminal table, report.json and the dashboard show."""
    return [_row(f) for f in report.functions]


def _row(f: FunctionOutcome) -> dict[str, Any]:
    winner = f.winner if f.status in ("improved", "dropped") else None
    speed = getattr(winner, "speed", None)
    return {
        "function": f.info.key,
        "file": str(f.info.path.name),
        "share": round(f.share, 4),
        "calls": f.calls,
        "status": f.status,
        "proposer": winner.proposer if winner else "",
        "origin": getattr(winner, "origin", "") if winner else "",  # proposer (model), round, parent candidate
        "speedup": speed.speedup if speed else None,
        "low": speed.low if speed else None,
        "high": speed.high if speed else None,
        "verified": winner is not None,
        "reason": f.reason,
        "inputs": f.inputs,
        "llm": None if f.llm is None else f.llm.to_dict(),  # requests, tokens, cache hits spent on it
    }


def save(report: OptimizeReport, out: Path) -> dict[str, Path]:
    """Write the results folder and add the run to the store; returns the paths written."""
    written: dict[str, Path] = {}
    kept = [f for f in report.functions if f.status == "improved"]
    for f in kept:
        path = out / "patches" / f"{f.info.module}.{f.info.qualname}.diff"
        write_atomic(path, f.diff)
        written[f.info.key] = path
    combined = out / "optimize.diff"
    write_atomic(combined, "".join(_merged_diffs(kept)))
    written["combined"] = combined
    history = document(
        "optimize-history",
        SCHEMA_VERSION,
        {"repo": str(report.repo), "functions": {f.info.key: _history(f) for f in report.functions}},
    )
    write_atomic(out / "history.json", json.dumps(history, indent=1, default=str) + "\n")
    written["history"] = out / "history.json"
    write_atomic(out / "report.json", json.dumps(report_dict(report), indent=1, default=str) + "\n")
    written["report"] = out / "report.json"
    written["store"] = _store(report, out / "results.sqlite")
    return written


def report_dict(report: OptimizeReport) -> dict[str, Any]:
    """The machine-readable summary."""
    ratio = report.speedup
    return document(
        "optimize-report",
        SCHEMA_VERSION,
        {
            "repo": str(report.repo),
            "workload": report.config.workload_argv(),
            "functions": summary_rows(report),
            "workload_speedup": None
            if ratio is None
            else {"speedup": ratio.ratio, "low": ratio.low, "high": ratio.high},
            "tests_passed_before": report.tests_passed,
            "tests_passed_after": report.tests_after,
            "notes": report.notes,
            "elapsed_s": round(report.elapsed, 1),
            "interrupted": report.interrupted,
            "llm": None if report.llm is None else report.llm.to_dict(),
            "profiler": report.profile_tool,
            "selection": None
            if report.selection is None
            else {"signal": report.selection.source, "profiled_s": round(report.selection.total_s, 3)},
            "executor": {
                "where": report.executor or "here",
                "workers": report.workers,
                "workers_used": report.workers_used,
                "time_split": report.time_split,
            },
        },
    )


def _history(f: FunctionOutcome) -> dict[str, Any]:
    """A function's candidates (the optimizers' Result), or, when it never got that far, why not."""
    if f.result is not None:
        return f.result.to_dict()
    return {"status": f.status, "reason": f.reason, "history": []}


def _merged_diffs(kept: list[FunctionOutcome]) -> list[str]:
    """One diff per file: the last function's diff of a file already holds the earlier ones of that file."""
    by_file: dict[Path, str] = {}
    for f in kept:
        by_file[f.info.path] = f.diff
    return list(by_file.values())


def _store(report: OptimizeReport, path: Path) -> Path:
    from perfkit.store import Row, Store, new_run

    ratio = report.speedup
    extra = {"repo": str(report.repo), "notes": report.notes}
    if ratio is not None:
        extra.update(workload_speedup=ratio.ratio, workload_low=ratio.low, workload_high=ratio.high)
    run = new_run("optimize", name=report.repo.name, root=report.repo, extra=extra)
    rows = []
    for f, summary in zip(report.functions, summary_rows(report), strict=True):
        speed = getattr(f.winner, "speed", None) if summary["verified"] else None
        rows.append(
            Row(
                key=f.info.key,
                metric="speedup",
                unit="x",
                values=[summary["speedup"]] if summary["speedup"] else [],
                verdict=f.status,
                extra={
                    **summary,
                    "diff": f.diff,
                    "before": list(speed.original_times) if speed else [],
                    "after": list(speed.candidate_times) if speed else [],
                    "by_size": [[s.size, s.speedup] for s in getattr(speed, "per_size", []) or []],
                    "candidates": [
                        {
                            "round": a.round,
                            "proposer": a.proposer,
                            "verdict": a.verdict,
                            "speedup": a.speedup,
                            "reason": a.reason,
                        }
                        for a in (f.result.history if f.result is not None else [])
                    ],
                },
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        store.add_run(run, rows)
    return path
