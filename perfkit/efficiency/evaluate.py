"""``evaluate``: score code samples for correctness and efficiency against expert references: ENAMEL's eff@k and
pass@k, and EffiBench's ET/NET, MU/NMU, TMU/NTMU from the same run."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfkit.efficiency.problems import Problem
from perfkit.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 3  # 2: 'format'/'schema_version' keys (were 'schema'/'version'); 3: EffiBench's metrics
ENAMEL_SEED = 998244353


@dataclass
class EfficiencyResult:
    """Scores per sample set: ``summary`` (mean eff@k / pass@k; EffiBench's et, net, mu, nmu, tmu, ntmu and the
    number of problems they are averaged over, ``scored``), ``scores`` (one row per problem and set),
    ``samples`` (one row per sample), the ``settings`` used and the ``wall_time`` in seconds."""

    summary: dict[str, dict[str, float]]
    scores: pd.DataFrame
    samples: pd.DataFrame
    settings: dict[str, Any]
    wall_time: float
    errors: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Everything as plain JSON data, with a schema version."""
        from perfkit._io import document

        return document(
            "efficiency",
            SCHEMA_VERSION,
            {
                "settings": self.settings,
                "wall_time": self.wall_time,
                "summary": self.summary,
                "errors": self.errors,
                "scores": json.loads(self.scores.to_json(orient="records")),
                "samples": json.loads(self.samples.to_json(orient="records")),
            },
        )

    def save(self, folder: str | Path) -> list[Path]:
        """Write ``result.json``, ``scores.csv`` and ``samples.csv`` into ``folder`` (atomically); return the paths."""
        from perfkit._io import write_atomic

        out = Path(folder)
        paths = [out / "result.json", out / "scores.csv", out / "samples.csv"]
        write_atomic(paths[0], json.dumps(self.to_json(), indent=1, allow_nan=True) + "\n")
        write_atomic(paths[1], self.scores.to_csv(index=False))
        write_atomic(paths[2], self.samples.to_csv(index=False))
        return paths


def _sample_sets(
    samples: Sequence[Sequence[str]] | Mapping[str, Sequence[Sequence[str]]], n: int
) -> dict[str, list[list[str]]]:
    sets = dict(samples) if isinstance(samples, Mapping) else {"samples": samples}
    fix = "pass one list of code strings per problem (or a {name: such lists} mapping)"
    out = {}
    for name, lists in sets.items():
        if isinstance(lists, str | bytes) or not isinstance(lists, Sequence) or len(lists) != n:
            raise InvalidArgument("samples", f"<{name}: {type(lists).__name__}>", f"{fix}; {n} problems were given")
        if not all(isinstance(codes, Sequence) and all(isinstance(c, str) for c in codes) for codes in lists):
            raise InvalidArgument("samples", f"<{name}>", fix)
        out[str(name)] = [list(codes) for codes in lists]
    if not out:
        raise InvalidArgument("samples", samples, fix)
    return out


def _validate(
    problems: Sequence[Problem],
    n_tests: Sequence[int],
    hardness: Sequence[float],
    alpha: float,
    reps: int,
    jobs: int,
    ks: Sequence[int],
    tolerance: float,
) -> None:
    if not problems or not all(isinstance(p, Problem) for p in problems):
        raise InvalidArgument("problems", f"<{len(problems)} items>", "pass a non-empty list of Problem values")
    n_levels = len(n_tests)
    if n_levels == 0 or any(int(t) < 1 for t in n_tests):
        raise InvalidArgument("n_tests", n_tests, "pass the number of tests per level, each >= 1")
    if len(hardness) != n_levels or any(h < 0 for h in hardness) or not any(h > 0 for h in hardness):
        raise InvalidArgument("hardness", hardness, f"pass {n_levels} weights >= 0 (one per level), not all 0")
    for p in problems:
        if len(p.levels) != n_levels:
            raise InvalidArgument("n_tests", n_tests, f"{p.task_id} has {len(p.levels)} levels: pass one count each")
    if not (isinstance(alpha, int | float) and math.isfinite(alpha) and alpha > 1):
        raise InvalidArgument("alpha", alpha, "pass a timeout factor > 1 (ENAMEL uses 2)")
    if not (isinstance(reps, int) and reps >= 1):
        raise InvalidArgument("reps", reps, "pass the repetitions per test, an integer >= 1 (ENAMEL uses 6)")
    if not (isinstance(jobs, int) and jobs >= 1):
        raise InvalidArgument("jobs", jobs, "pass the number of worker processes, an integer >= 1")
    if not ks or any(not isinstance(k, int) or k < 1 for k in ks):
        raise InvalidArgument("k", ks, "pass one or more integers k >= 1 for eff@k and pass@k")
    if not (isinstance(tolerance, int | float) and tolerance >= 0):
        raise InvalidArgument("tolerance", tolerance, "pass the extra seconds allowed past T, >= 0")
    import importlib.util

    for module in sorted({p.helpers for p in problems if p.helpers}):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            fix = "the input generators use it but it cannot be imported: install it (ENAMEL's: pip install enam)"
            raise InvalidArgument("helpers", module, fix + ", or pass helpers=None (CLI: --helpers none)")


def evaluate(
    problems: Sequence[Problem],
    samples: Sequence[Sequence[str]] | Mapping[str, Sequence[Sequence[str]]],
    *,
    alpha: float = 2.0,
    n_tests: Sequence[int] = (8, 4, 4, 4),
    hardness: Sequence[float] = (0.0, 3.0, 3.0, 4.0),
    reps: int = 6,
    k: Sequence[int] = (1,),
    seed: int = ENAMEL_SEED,
    tolerance: float = 0.01,
    jobs: int = 1,
    memory_limit: int | None = 4 << 30,
    setup_timeout: float = 600.0,
    memory: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> EfficiencyResult:
    """Check and time every sample against its problem's expert reference; score efficiency as ENAMEL does.

    ``samples``: one list of code strings per problem (a full function definition, or a body continuing the
    prompt), or a mapping ``{set name: such lists}`` to score several sets on the same tests and reference
    times. Each problem runs in one sandboxed worker process (``jobs`` at a time) that times the reference and
    then the samples back to back; a run is stopped at T = ``alpha`` * the reference's time (+ ``tolerance``)
    and the level is right-censored (score 0). Defaults are ENAMEL's: tests per level (8, 4, 4, 4),
    hardness (0, 3, 3, 4), 6 repetitions summarised by Hodges-Lehmann, seed 998244353.

    EffiBench's metrics come from the same run (:mod:`perfkit.efficiency.effibench`): ET from the timed runs
    (summed over the tests of the weighted levels) and, with ``memory``, MU and TMU from a separate tracemalloc
    pass over the same tests after the timed runs (the reference's and each passing sample's); NET, NMU and
    NTMU divide by the reference's figures from the same worker. Only samples that passed every test within the
    time limit are scored (as EffiBench); ``scored`` counts the problems that have one.
    """
    import pandas as pd

    from perfkit.efficiency import effibench
    from perfkit.efficiency._runner import run_all
    from perfkit.efficiency.scoring import problem_scores, reference_levels, score_sample

    problems = list(problems)
    ks = [k] if isinstance(k, int) else list(k)
    _validate(problems, n_tests, hardness, alpha, reps, jobs, ks, tolerance)
    sets = _sample_sets(samples, len(problems))
    names = list(sets)
    hard = [float(h) for h in hardness]
    settings = {
        "alpha": float(alpha),
        "n_tests": [int(t) for t in n_tests],
        "hardness": hard,
        "reps": int(reps),
        "seed": int(seed),
        "tolerance": float(tolerance),
        "memory": bool(memory),
    }
    codes = [[code for name in names for code in sets[name][i]] for i in range(len(problems))]
    owners = [[(name, j) for name in names for j in range(len(sets[name][i]))] for i in range(len(problems))]
    started = time.perf_counter()
    runs = run_all(
        [p.to_payload() for p in problems],
        codes,
        settings,
        jobs=jobs,
        memory_limit=memory_limit,
        setup_timeout=setup_timeout,
        progress=progress,
    )
    wall = time.perf_counter() - started

    score_rows, sample_rows, errors = [], [], {}
    for problem, run in zip(problems, runs, strict=True):
        if run.error is not None:
            errors[problem.task_id] = run.error
        ref_levels = reference_levels(run.ref_times, hard) if run.ref_times is not None else None
        ref_usage = (
            effibench.usage(effibench.execution_time(run.ref_times, hard), run.ref_memory)
            if run.ref_times is not None
            else effibench.usage(math.nan, None)
        )
        per_set: dict[str, tuple[list[float], list[bool]]] = {name: ([], []) for name in names}
        scored: dict[str, list[dict[str, float]]] = {name: [] for name in names}
        for sample in run.samples:
            name, j = owners[run.position][sample.sample]
            assert ref_levels is not None
            score = score_sample(sample.passed, sample.level_times, ref_levels, hard, alpha=alpha)
            per_set[name][0].append(score.efficiency)
            per_set[name][1].append(sample.passed)
            metrics, note = effibench.nan_row(), ""
            if sample.status == "passed":  # every test run, correct, within T: scored as EffiBench scores
                usage = effibench.usage(effibench.execution_time(sample.level_times, hard), sample.memory)
                metrics = effibench.normalised(usage, ref_usage)
                scored[name].append(metrics)
                note = _memory_note(sample.memory, run.ref_memory) if memory else ""
            sample_rows.append(
                {
                    "set": name,
                    "task_id": problem.task_id,
                    "sample": j,
                    "passed": sample.passed,
                    "status": sample.status,
                    "efficiency": score.efficiency,
                    "level_times": list(score.level_times),
                    "censored": list(score.censored),
                    "message": sample.message or note,
                    **metrics,
                    "mem_ticks": (sample.memory or {}).get("ticks", 0),
                    "rep_times": sample.level_times,
                }
            )
        for name in names:
            effs, passed = per_set[name]
            row: dict[str, Any] = {"set": name, "task_id": problem.task_id, "n": len(sets[name][run.position])}
            row["n_passed"] = sum(passed)
            row.update(problem_scores(effs, passed, ks) if run.error is None else {})
            row["n_scored"] = len(scored[name])
            row.update(effibench.mean_rows(scored[name]))
            row.update({f"ref_{key}": value for key, value in ref_usage.items()})
            row["ref_time"] = max(x for x in ref_levels if not math.isnan(x)) if ref_levels else math.nan
            row["time_limit"] = run.limit if run.limit is not None else math.nan
            row["error"] = run.error or ""
            row["seconds"] = run.seconds
            row["ref_rep_times"] = run.ref_times
            score_rows.append(row)
    scores = pd.DataFrame(score_rows)
    summary = {}
    for name in names:
        part = scores[(scores["set"] == name) & (scores["error"] == "")]
        entry: dict[str, float] = {"problems": len(part), "errors": int((scores["set"] == name).sum() - len(part))}
        for kk in ks:
            for metric in (f"eff@{kk}", f"pass@{kk}"):
                values = part[metric].dropna() if metric in part else pd.Series(dtype=float)
                entry[metric] = float(values.mean()) if len(values) else math.nan
        part = part[part["n_scored"] > 0]  # EffiBench: problems with correct code, the mean of per-problem values
        entry["scored"] = len(part)
        entry.update(effibench.mean_rows(part[list(effibench.METRICS)].to_dict("records")))
        summary[name] = entry
    settings.update(jobs=jobs, k=ks, python=_python(), cpus=os.cpu_count() or 0)
    return EfficiencyResult(summary, scores, pd.DataFrame(sample_rows), settings, wall, errors)


def _memory_note(memory: dict[str, Any] | None, ref_memory: dict[str, Any] | None) -> str:
    """Why a scored sample has no MU/TMU figures ("" when it has them)."""
    for whose, figures in ((" (the reference's)", ref_memory), ("", memory)):
        if figures is None or "error" in figures:
            reason = figures["error"] if figures else "the memory pass did not run"
            return f"no MU/TMU{whose}: {reason}"
    return ""


def _python() -> str:
    import platform

    return f"{platform.python_implementation()} {platform.python_version()}"
