"""Choosing the functions to optimise: run the workload once with every repository function timed (its own CPU
time, the repository functions it calls taken out, the builtins and library code it calls kept in), rank, keep
those at or above the threshold.

Every call is timed, so the ranking does not rest on samples, and no profiler hook slows the interpreter down
unevenly (cProfile turns off Python 3.11's specialised paths, and charges ``xs.pop(0)`` to the builtin). On the
bundled example the shares are within 0.3 points of timing each function alone, and three runs choose the same
set (benchmarks/selection_faithfulness.py). When the workload is not a Python command perfkit can wrap, or fails
with the wrappers, the ranking falls back on cProfile (own time plus the builtins it calls). Scalene's profile is
taken after the choice, for the line-level hotspots given to the proposers.
"""

from __future__ import annotations

import fnmatch
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.harness.group import run_group
from perfkit.repo.capture import python_workload
from perfkit.repo.config import RepoConfig
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.sources import FunctionInfo, function_at, functions_in, python_files
from perfkit.repo.workload import repo_env

CPROFILE_SIGNAL = "cProfile: own time + the builtins and library code it calls"


@dataclass(frozen=True)
class Ranked:
    """One repository function's share of the workload's profiled time, and its calls (deterministic)."""

    info: FunctionInfo
    share: float
    calls: int


@dataclass(frozen=True)
class Selection:
    """Every repository function that took time, busiest first, and how that was measured."""

    source: str
    total_s: float  # the profiled run's time, the denominator of the shares
    ranked: tuple[Ranked, ...]
    notes: tuple[str, ...] = ()

    def chosen(self, *, threshold: float, patterns: tuple[str, ...] = ()) -> list[Ranked]:
        """The functions at or above ``threshold`` that match ``patterns`` (all when none), in rank order."""
        return [r for r in self.ranked if r.share >= threshold and wanted(r.info, patterns)]


def hot_functions(root: Path, config: RepoConfig, report: OptimizeReport) -> list[FunctionOutcome]:
    """Rank the repository's functions on the workload (``report.selection``), then profile the workload with
    Scalene for the line-level hotspots of the chosen ones (``report.profile``)."""
    selection = steady_ranking(root, config)
    report.selection = selection
    report.notes.extend(selection.notes)
    chosen = selection.chosen(threshold=config.threshold, patterns=config.functions)
    outcomes = [FunctionOutcome(r.info, r.share, share_source=selection.source, calls=r.calls) for r in chosen]
    report.profile_tool = "cprofile"
    if outcomes:
        from perfkit.profile import profile_command

        profile = profile_command(
            config.workload_argv(), cwd=root, env=repo_env(root), timeout=config.timeout, top=200, memory=False
        )
        report.profile = profile
        report.profile_tool = f"cprofile (selection), {profile.tool} (lines)"
        report.notes.extend(profile.notes)
    return outcomes


BORDER = 1.5  # a share within this factor of the threshold is near it
STEADY_RUNS = 3


def steady_ranking(root: Path, config: RepoConfig) -> Selection:
    """:func:`rank_functions`, and when a function's share lies near the threshold (within a factor of
    :data:`BORDER`) the median share of :data:`STEADY_RUNS` timed runs, so that noise in one run does not decide
    which side of the threshold it falls on."""
    first = rank_functions(root, config)
    near = [r for r in first.ranked if config.threshold / BORDER <= r.share < config.threshold * BORDER]
    if first.source == CPROFILE_SIGNAL or not near:
        return first
    runs = [first] + [rank_functions(root, config) for _ in range(STEADY_RUNS - 1)]
    shares: dict[str, list[float]] = {}
    for run in runs:
        for r in run.ranked:
            shares.setdefault(r.info.key, []).append(r.share)
    median = {
        key: sorted(found + [0.0] * (STEADY_RUNS - len(found)))[STEADY_RUNS // 2] for key, found in shares.items()
    }
    infos = {r.info.key: r for run in reversed(runs) for r in run.ranked}
    ranked = sorted(
        (Ranked(infos[key].info, share, infos[key].calls) for key, share in median.items() if share > 0),
        key=lambda r: (-r.share, r.info.key),
    )
    names = ", ".join(r.info.key for r in near[:5])
    note = f"{len(near)} function(s) near the threshold ({names}): shares are the median of {STEADY_RUNS} timed runs"
    return Selection(first.source, first.total_s, tuple(ranked), (*first.notes, note))


def rank_functions(root: Path, config: RepoConfig, *, clock: str = "cpu") -> Selection:
    """Run the workload once in ``root`` with every repository function timed (see
    :mod:`perfkit.repo._selection_run`) and rank them; under cProfile (:func:`rank_stats`) when the workload is not
    a Python command or fails with the wrappers in place."""
    from perfkit.profile import cprofile_stats

    sources = repository_functions(root, config)
    argv = config.workload_argv()
    rest = python_workload(argv)
    note = f"{' '.join(argv)!r} is not a Python command"
    if rest is not None:
        with tempfile.TemporaryDirectory(prefix="perfkit-select-") as tmp:
            out, spec = Path(tmp, "timed.json"), Path(tmp, "spec.json")
            functions: dict[str, list[str]] = {}
            for info in sources.values():
                functions.setdefault(info.module, []).append(info.qualname)
            spec.write_text(json.dumps({"functions": functions, "clock": clock}))
            command = [sys.executable, "-m", "perfkit.repo._selection_run", str(out), str(spec), "--", *rest]
            done = run_group(command, cwd=root, env=repo_env(root), timeout=config.timeout)
            if done.timed_out:
                raise PerfkitError(f"the workload did not finish within {config.timeout:.0f} s while timed")
            if done.returncode == 0 and out.is_file():
                return rank_timed(json.loads(out.read_text()), sources)
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            note = f"the workload failed with its functions timed (status {done.returncode}): {tail[0]}"
    stats, _, _ = cprofile_stats(argv, cwd=root, env=repo_env(root), timeout=config.timeout)
    selection = rank_stats(stats, root=root, config=config)
    return Selection(selection.source, selection.total_s, selection.ranked, (f"{note}; ranked under cProfile",))


def repository_functions(root: Path, config: RepoConfig) -> dict[str, FunctionInfo]:
    """Every function and method of the repository's source files (the workload's own script excepted), by key."""
    files = python_files(root, include=config.include, exclude=config.exclude)
    driver = workload_script(root, config)
    return {info.key: info for path in files if path.resolve() != driver for info in functions_in(root, path)}


def rank_timed(data: dict[str, Any], sources: dict[str, FunctionInfo]) -> Selection:
    """Rank the functions on what :mod:`perfkit.repo._selection_run` wrote: each function's own time less the
    wrappers' measured cost (``inside`` per call, ``outside`` per wrapped call it made), over the run's time less
    the wrappers' cost."""
    inside, outside = float(data["inside"]), float(data["outside"])
    seconds: dict[str, tuple[float, int]] = {}
    overhead = 0.0
    for key, entry in data["functions"].items():
        calls, children = int(entry["calls"]), int(entry["children"])
        overhead += inside * calls + outside * calls
        if key in sources:
            seconds[key] = (max(0.0, float(entry["own"]) - inside * calls - outside * children), calls)
    total = max(float(data["total"]) - overhead, 1e-9)
    ranked = sorted(
        (Ranked(sources[key], spent / total, calls) for key, (spent, calls) in seconds.items() if spent > 0),
        key=lambda r: (-r.share, r.info.key),
    )
    clock = "CPU time" if data.get("clock") == "cpu" else "wall time"
    return Selection(f"timed calls: own {clock} of each function, its wrapped callees taken out", total, tuple(ranked))


def rank_stats(stats: dict[Any, Any], *, root: Path, config: RepoConfig) -> Selection:
    """Rank the repository's functions on a cProfile run's stats (see :func:`perfkit.profile.attributed_time`).

    Nested functions, lambdas and comprehensions count for the function that holds them; the workload's own
    script counts for nothing (it drives the code; it is not the code to optimise). Ties rank by name."""
    from perfkit.profile import attributed_time, own_file

    root = root.resolve()
    paths: dict[str, Path] = {}

    def path_of(file: str) -> Path:
        if file not in paths:
            paths[file] = Path(file) if Path(file).is_absolute() else (root / file)
        return paths[file]

    def own(func: Any) -> bool:  # builtins are '~', frozen and generated code '<...>'
        return own_file(func[0], root) and own_file(str(path_of(func[0])), root)

    attributed = attributed_time(stats, own=own)
    total = sum(float(entry[2]) for entry in stats.values()) or 1.0
    files = {p.resolve(): p for p in python_files(root, include=config.include, exclude=config.exclude)}
    driver = workload_script(root, config)
    if driver is not None:
        files.pop(driver, None)
    known: dict[Path, list[FunctionInfo]] = {}
    seconds: dict[str, float] = {}
    calls: dict[str, int] = {}
    infos: dict[str, FunctionInfo] = {}
    for func, spent in attributed.items():
        path = path_of(func[0]).resolve()
        if path not in files:
            continue
        info = function_at(known.setdefault(path, functions_in(root, files[path])), func[1])
        if info is None:
            continue  # module-level code
        infos[info.key] = info
        seconds[info.key] = seconds.get(info.key, 0.0) + spent
        if (info.lineno <= func[1]) and func[2] == info.qualname.rsplit(".", 1)[-1]:
            calls[info.key] = calls.get(info.key, 0) + int(stats[func][1])
    ranked = sorted(
        (Ranked(infos[key], spent / total, calls.get(key, 0)) for key, spent in seconds.items() if spent > 0),
        key=lambda r: (-r.share, r.info.key),
    )
    return Selection(CPROFILE_SIGNAL, total, tuple(ranked))


def workload_script(root: Path, config: RepoConfig) -> Path | None:
    """The script a ``python script.py ...`` workload runs, resolved; None for other workloads."""
    rest = python_workload(config.workload_argv())
    if not rest or rest[0] == "-m" or not rest[0].endswith(".py"):
        return None
    return (root / rest[0]).resolve()


def wanted(info: FunctionInfo, patterns: tuple[str, ...]) -> bool:
    """Whether ``info`` matches one of the ``--functions`` globs (all do when none are given)."""
    if not patterns:
        return True
    names = (info.key, info.qualname, f"{info.module}.{info.qualname}")
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns for name in names)
