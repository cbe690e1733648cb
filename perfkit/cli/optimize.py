"""``perfkit optimize REPO``: find the hot functions of a repository, make them faster on a copy, prove it."""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfkit.cli._common import check_output_dir, console, err, steps


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "optimize",
        help="profile a repository's workload, optimise its hot functions on a copy, verify and measure",
        description="Work on a copy of REPO: profile the workload, optimise the functions that take the most time, "
        "verify each candidate against the original, run the repository's tests, and measure the workload before "
        "and after. The repository itself is changed only with --apply.",
        epilog="examples:\n  perfkit optimize examples/inventory\n"
        "  perfkit optimize . --workload 'python bench.py' --functions 'mypkg.core:*' --budget 5\n"
        "  perfkit optimize . --apply",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("repo", help="the repository's root folder")
    parser.add_argument("--workload", help="command run from REPO to exercise the code (default: its tests)")
    parser.add_argument("--tests", help="the repository's test command (default: python -m pytest -q -x)")
    parser.add_argument("--functions", nargs="+", metavar="PATTERN", help="only these functions (globs on module:name)")
    parser.add_argument("--budget", type=float, metavar="MINUTES", help="time for the whole run (default 10)")
    parser.add_argument("--threshold", type=float, help="smallest share of the time worth optimising (0.02)")
    parser.add_argument("--min-speedup", type=float, help="a winner's interval must lie above this (1.05)")
    parser.add_argument("--fuzz-budget", type=float, metavar="S", help="seconds of fuzzing per function (15; 0: none)")
    parser.add_argument("--offline", action="store_true", help="never call an LLM, even when one is configured")
    parser.add_argument(
        "--model",
        help="LLM model(s): NAME, A,B or weighted A:3,B:1 (also PERFKIT_MODEL); a server of your own "
        "(OPENAI_BASE_URL) needs no key, and its only model is used when none is named",
    )
    parser.add_argument(
        "--llm-budget", metavar="requests=N,tokens=M", help="most LLM requests and/or tokens for the run (no limit)"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not reuse or keep LLM replies (the reply cache)")
    parser.add_argument("--llm-timeout", type=float, metavar="S", help="seconds for one LLM reply (120)")
    parser.add_argument("--jobs", type=int, help="parallel verification workers (0: one per core)")
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where fuzzing and candidate checks run: threads here (local) or a Dask cluster; timing stays here",
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)"
    )
    parser.add_argument("--out", help="results folder (default .perfkit in the current folder)")
    parser.add_argument("--apply", action="store_true", help="apply the verified winners to REPO")
    parser.add_argument(
        "--interactive",
        action="store_true",
        help="review each verified winner in the terminal: accept, reject or edit it (edits are verified again)",
    )
    parser.set_defaults(handler=cmd_optimize)


def cmd_optimize(options: argparse.Namespace) -> int:
    from perfkit.repo.config import RepoConfig, load_config
    from perfkit.repo.optimize import check_repo

    repo = Path(options.repo)
    if not repo.is_dir():
        check_repo(repo, RepoConfig())  # says what is wrong with REPO
    config = load_config(repo).merged(
        workload=options.workload,
        tests=options.tests,
        functions=tuple(options.functions) if options.functions else None,
        budget=options.budget,
        threshold=options.threshold,
        min_speedup=options.min_speedup,
        fuzz_budget=options.fuzz_budget,
        model=options.model,
        llm_budget=options.llm_budget,
        llm_cache=False if options.no_cache else None,
        llm_timeout=options.llm_timeout,
        jobs=options.jobs,
        out=options.out,
    )
    check_repo(repo, config)
    if options.apply:
        _check_clean(repo, config)
    check_output_dir("--out", options.out)
    if options.interactive:
        from perfkit.errors import PerfkitError
        from perfkit.repo.interactive import needs_terminal

        if why := needs_terminal():
            raise PerfkitError(why)
    out = Path(options.out) if options.out else Path(".perfkit")
    from perfkit.repo.optimize import llm_proposer

    llm = llm_proposer(config, offline=options.offline, say=lambda m: err(f"perfkit: {m}"))  # before any work
    with _candidates_folder():
        return _run(options, repo, config, out, llm)


def _run(options: argparse.Namespace, repo: Path, config: Any, out: Path, llm: Any) -> int:
    from perfkit.repo.optimize import optimize_repo
    from perfkit.repo.results import save, summary_rows
    from perfkit.repo.workspace import Workspace, apply_files

    executor = _executor(options, config.jobs, out)
    with executor, Workspace(repo) as work:
        with steps() as progress:
            report = optimize_repo(
                repo, config, offline=llm is None, progress=progress, workspace=work, executor=executor, llm=llm
            )
        review = _review(report, work) if options.interactive and not report.interrupted else None
        written = save(report, out)
        if review is not None:
            from perfkit.repo.interactive import record

            record(review.decisions, written["store"])
        _print_summary(report, summary_rows(report))
        err(f"results: {out}/ (patches/, optimize.diff, history.json, report.json, results.sqlite)")
        if options.apply and report.interrupted:
            err("nothing applied: the run was interrupted before the repository's tests ran on the changes")
        elif options.apply:
            files = sorted({str(f.info.path.relative_to(work.path)) for f in report.improved})
            if files:
                apply_files(work, files)
                err(f"applied to {repo}: {', '.join(files)}")
            else:
                err("nothing to apply: no verified winner")
        elif report.improved:
            err(f"to apply: git -C {repo} apply {written['combined'].resolve()}  (or run again with --apply)")
    return 130 if report.interrupted else 0


def _review(report: Any, work: Any) -> Any:
    from perfkit.repo.interactive import review

    return review(report, work, progress=lambda message: err(f"perfkit: {message}"))


@contextlib.contextmanager
def _candidates_folder() -> Iterator[None]:
    """Candidates' source files (shared with numba's cache by the processes that check and time them) live in a
    folder of this run, removed at its end (the children find it through PERFKIT_CANDIDATES)."""
    with tempfile.TemporaryDirectory(prefix="perfkit-candidates-") as folder:
        previous = os.environ.get("PERFKIT_CANDIDATES")
        os.environ["PERFKIT_CANDIDATES"] = folder
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("PERFKIT_CANDIDATES", None)
            else:
                os.environ["PERFKIT_CANDIDATES"] = previous


def _tests_line(report: Any) -> str:
    """What is known of the repository's tests: before any change, and on the patched copy."""
    if report.tests_passed is None:
        return "not run"
    if not report.tests_passed:
        return "failed before any change (the whole-program check was skipped)"
    if report.tests_after:
        return "pass before and with the changes"
    if report.improved:
        return "pass before any change; not run with the changes (the run stopped first)"
    return "pass before any change (nothing was changed)"


def _check_clean(repo: Path, config: Any) -> None:
    """``--apply`` on a tree whose source files have uncommitted changes is refused before any work."""
    from perfkit.errors import PerfkitError
    from perfkit.repo.sources import python_files
    from perfkit.repo.workspace import uncommitted

    files = [str(p.relative_to(repo)) for p in python_files(repo, include=config.include, exclude=config.exclude)]
    dirty = uncommitted(repo, files)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise PerfkitError(
            f"--apply refused: {shown} has uncommitted changes; commit or stash them first (or run without --apply)"
        )


def _print_summary(report: Any, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=f"perfkit optimize: {report.repo.name}", title_justify="left")
    for column in ("function", "share", "proposer", "speedup (95% CI)", "verified", "status / reason"):
        table.add_column(column)
    for row in rows:
        speed = "-"
        if row["speedup"]:
            speed = f"{row['speedup']:.2f}x [{row['low']:.2f} .. {row['high']:.2f}]"
        status = row["status"] + (f": {row['reason']}" if row["reason"] else "")
        table.add_row(
            row["function"],
            f"{100 * row['share']:.1f}%",
            row.get("origin") or row["proposer"] or "-",
            speed,
            "yes" if row["verified"] else "no",
            status,
        )
    out = console()
    out.print(table)
    ratio = report.speedup
    if ratio is not None:
        from perfkit.format import speedup_verdict

        told, _ = speedup_verdict(ratio.ratio, ratio.low, ratio.high)
        out.print(
            f"workload: {told} 95% CI "
            f"({report.before.summary().median:.3f} s -> {report.after.summary().median:.3f} s per run)"
        )
    out.print(f"repository tests: {_tests_line(report)}")
    if report.selection is not None:
        out.print(f"share: {report.selection.source}")
    for note in report.notes:
        out.print(f"note: {note}")
    for line in _executor_lines(report):
        out.print(line)
    out.print(f"wall time: {report.elapsed:.0f} s")


def _executor(options: argparse.Namespace, jobs: int, out: Path) -> Any:
    from perfkit.executors import make_executor

    return make_executor(options.executor, jobs=jobs, scheduler=options.scheduler, store=out / "results.sqlite")


def _executor_lines(report: Any) -> list[str]:
    """Who did the work and where the time went: fuzzing and checks on the workers, timing here."""
    if not report.executor:
        return []
    lines = [f"workers: {report.executor}, {report.workers_used} took part"]
    names = {"fuzz": "fuzz campaigns", "verify": "candidate checks", "timing": "timed candidates"}
    for kind, t in report.time_split.items():
        reused = f", {t['reused']} reused from an earlier run" if t["reused"] else ""
        failed = f", {t['failed']} failed" if t["failed"] else ""
        where = "on this machine, one at a time" if kind == "timing" else f"{t['busy_s']:.1f} s of worker time"
        lines.append(f"  {names.get(kind, kind)}: {t['units']} run{reused}{failed}; {t['wall_s']:.1f} s ({where})")
    return lines
