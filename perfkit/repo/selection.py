"""Choosing the functions to optimise: profile the workload, attribute its time to the repository's functions,
rank them, keep those above the threshold."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from perfkit.repo.capture import python_workload
from perfkit.repo.config import RepoConfig
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.sources import FunctionInfo, function_at, functions_in, python_files
from perfkit.repo.workload import repo_env


def hot_functions(root: Path, config: RepoConfig, report: OptimizeReport) -> list[FunctionOutcome]:
    """The repository's functions ranked by their share of the workload's CPU time, above the threshold."""
    from perfkit.profile import profile_command

    profile = profile_command(
        config.workload_argv(), cwd=root, env=repo_env(root), timeout=config.timeout, top=200, memory=False
    )
    report.profile_tool, report.profile = profile.tool, profile
    report.notes.extend(profile.notes)
    files = {p.resolve(): p for p in python_files(root, include=config.include, exclude=config.exclude)}
    driver = workload_script(root, config)
    if driver is not None:
        files.pop(driver, None)  # the workload's own script drives the code; it is not the code to optimise
    known: dict[Path, list[FunctionInfo]] = {}
    shares: dict[str, tuple[FunctionInfo, float]] = {}
    for hotspot in profile.functions:
        path = Path(hotspot.file).resolve()
        if path not in files:
            continue
        functions = known.setdefault(path, functions_in(root, files[path]))
        info = function_at(functions, hotspot.line)
        if info is None:
            continue
        share = (hotspot.cpu_python + hotspot.cpu_native) / 100.0
        previous = shares.get(info.key, (info, 0.0))[1]
        shares[info.key] = (info, previous + share)
    ranked = sorted(shares.values(), key=lambda item: -item[1])
    return [
        FunctionOutcome(info, share)
        for info, share in ranked
        if share >= config.threshold and wanted(info, config.functions)
    ]


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
