"""The chosen winners as a set of file changes: write any subset of them into a copy, and keep only the winners
that make the whole workload faster (a JIT-compiled winner pays its compilation each time the program starts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from perfkit.repo.workload import repo_env
from perfkit.repo.workspace import Workspace

if TYPE_CHECKING:
    from perfkit.repo.optimize import FunctionOutcome, OptimizeReport

JIT_PROPOSERS = frozenset({"numba"})  # proposers whose code compiles at its first call in each process
ABLATION_RUNS = 5


def _relative(outcome: FunctionOutcome, root: Path) -> Path:
    return outcome.info.path.relative_to(root)


def apply_winners(
    work: Workspace,
    winners: Sequence[FunctionOutcome],
    *,
    touched: Sequence[FunctionOutcome],
    found_in: Path | None = None,
) -> None:
    """Put every file of ``touched`` and ``winners`` back to the original, then write ``winners`` into them.

    ``found_in`` is the copy whose paths the outcomes carry (default: ``work`` itself). Functions are replaced
    from the bottom of each file up, at the lines the original file gives them, so several winners in one file do
    not disturb each other's positions.
    """
    from perfkit.optimizers._code import replace_function

    root = found_in or work.path
    files = {_relative(f, root) for f in (*touched, *winners)}
    for relative in files:
        text = (work.original / relative).read_text()
        here = sorted((f for f in winners if _relative(f, root) == relative), key=lambda f: -f.info.lineno)
        for f in here:
            lines = text.splitlines(keepends=True)
            old = "".join(lines[f.info.lineno - 1 : f.info.end_lineno])
            text = replace_function(text, old, f.info.lineno, f.winner.source)
        work.write(relative, text)


def refresh_diffs(work: Workspace, winners: Sequence[FunctionOutcome]) -> None:
    """Each winner's diff: its file's diff in ``work`` (shared by the winners of one file)."""
    for f in winners:
        f.diff = work.diff(_relative(f, work.path))


def drop_slow_startups(
    patched: Workspace, report: OptimizeReport, *, timeout: float, say: Callable[[str], None]
) -> None:
    """Time the workload with and without each JIT-compiled winner, interleaved; drop each one the workload is
    significantly faster without, recording the measured ratio, and rewrite ``patched`` with the rest."""
    from perfkit import stats
    from perfkit.harness.command import Command, measure_commands

    jitted = [f for f in report.improved if f.winner.proposer in JIT_PROPOSERS]
    if not jitted:
        return
    everything = list(report.improved)
    argv = report.config.workload_argv()
    with Workspace(report.repo) as variant:
        for f in jitted:
            others = [g for g in report.improved if g is not f]
            apply_winners(variant, others, touched=everything, found_in=patched.path)
            apply_winners(patched, report.improved, touched=everything)
            say(f"timing the workload with and without {f.info.key} ({f.winner.proposer} compiles at start-up)")
            with_it, without = measure_commands(
                [
                    Command(argv, cwd=patched.path, env=repo_env(patched.path), name="with"),
                    Command(argv, cwd=variant.path, env=repo_env(variant.path), name="without"),
                ],
                runs=ABLATION_RUNS,
                warmups=1,
                timeout=timeout,
            )
            gain = stats.speedup(without.times, with_it.times)  # > 1: the workload is faster with the winner
            if gain.high < 1.0:
                f.status = "dropped"
                f.reason = (
                    f"the workload runs {1 / gain.ratio:.2f}x faster without it [{1 / gain.high:.2f} .. "
                    f"{1 / gain.low:.2f}]: {f.winner.proposer}'s compilation at start-up outweighs its gain"
                )
                report.notes.append(f"{f.info.key}: {f.reason}")
    apply_winners(patched, report.improved, touched=everything)
    refresh_diffs(patched, report.improved)
