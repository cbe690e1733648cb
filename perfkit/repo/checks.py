"""The whole-program checks of ``perfkit optimize``: the repository's tests on the patched copy, the start-up
cost of JIT-compiled winners, and the workload timed before and after. Each winner that fails one is dropped
(a numba winner dropped for its start-up cost gives way to the function's best pure-Python candidate). A JIT winner
is patched to switch itself on late (:mod:`perfkit.repo.jit_startup`), so its start-up check weighs it against
that candidate (the original when there is none), which it runs until then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.repo.config import RepoConfig
from perfkit.repo.jit_startup import BUDGETS, JIT_PROPOSERS, best_pure_python
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.winners import apply_winners, refresh_diffs
from perfkit.repo.workload import repo_env, run_checked
from perfkit.repo.workspace import Workspace

WORKLOAD_RUNS = 5  # interleaved runs per side for the before/after figure
ABLATION_RUNS = 5  # interleaved runs per side for each JIT winner's start-up check


def tests_pass(root: Path, config: RepoConfig) -> bool:
    """Whether the repository's test command succeeds in ``root``."""
    try:
        run_checked(config.tests_argv(), root=root, timeout=config.timeout, what="the repository's tests")
    except PerfkitError:
        return False
    return True


def time_workloads(
    first: Path, second: Path, argv: list[str], *, runs: int, timeout: float, names: tuple[str, str]
) -> tuple[Any, Any, Any]:
    """Run the workload ``argv`` in two trees, interleaved (one warm-up each); their Measurements and the
    speedup of ``second`` over ``first`` (a stats.Ratio, > 1 when ``second`` is faster)."""
    from perfkit import stats
    from perfkit.harness.command import Command, measure_commands

    one, two = measure_commands(
        [
            Command(argv, cwd=first, env=repo_env(first), name=names[0]),
            Command(argv, cwd=second, env=repo_env(second), name=names[1]),
        ],
        runs=runs,
        warmups=1,
        timeout=timeout,
    )
    return one, two, stats.speedup(one.times, two.times)


def whole_program_check(
    patched: Workspace, config: RepoConfig, report: OptimizeReport, say: Callable[[str], None]
) -> None:
    """Run the repository's tests on the patched copy; drop each winner that breaks them (alone, or together)."""
    if not report.tests_passed:
        return
    say("running the repository's tests on the patched copy")
    if tests_pass(patched.path, config):
        report.tests_after = True
        return
    winners = report.improved
    for f in winners:  # test each winner alone
        apply_winners(patched, [f], touched=winners)
        if not tests_pass(patched.path, config):
            f.status, f.reason = "dropped", "the repository's tests fail with this change"
    apply_winners(patched, report.improved, touched=winners)
    refresh_diffs(patched, report.improved)
    if report.improved and not tests_pass(patched.path, config):
        for f in report.improved:
            f.status, f.reason = "dropped", "the repository's tests fail with the changes together"
        apply_winners(patched, [], touched=winners)
    report.tests_after = True  # what is left passes (or nothing is left: the original, which passed)


def drop_slow_startups(
    patched: Workspace, report: OptimizeReport, *, timeout: float, say: Callable[[str], None]
) -> int:
    """Time the workload with each JIT-compiled winner and with the function's best verified pure-Python candidate
    in its place (the original when it has none), interleaved. A winner the workload is significantly faster
    without gives way to that candidate, or is dropped; the measured ratio is recorded. ``patched`` is rewritten
    with the result. Returns how many pure-Python fallbacks were put in (the repository's tests have not seen them
    yet)."""
    jitted = [f for f in report.improved if f.winner.proposer in JIT_PROPOSERS]
    if not jitted:
        return 0
    everything = list(report.improved)
    argv = report.config.workload_argv()
    fallbacks = 0
    with Workspace(report.repo) as variant:
        for f in jitted:
            others = [g for g in report.improved if g is not f] + _plain(f)
            apply_winners(variant, others, touched=everything, found_in=patched.path)
            apply_winners(patched, report.improved, touched=everything)
            say(f"timing the workload with and without {f.info.key} ({f.winner.proposer} compiles at start-up)")
            without, _, gain = time_workloads(
                variant.path, patched.path, argv, runs=ABLATION_RUNS, timeout=timeout, names=("without", "with")
            )  # gain > 1: the workload is faster with the winner
            if gain.high >= 1.0:
                _note_if_off(f, report, without)
                continue
            measured = f"{1 / gain.ratio:.2f}x faster without it [{1 / gain.high:.2f} .. {1 / gain.low:.2f}]"
            fallbacks += _give_way(f, report, f"start-up: the workload runs {measured}")
        fallbacks += _drop_jit_together(patched, variant, report, everything, timeout=timeout, say=say)
    apply_winners(patched, report.improved, touched=everything)
    refresh_diffs(patched, report.improved)
    return fallbacks


def _plain(f: FunctionOutcome) -> list[FunctionOutcome]:
    """``f`` with its best pure-Python candidate as the winner, when it has one (the JIT winner's rival)."""
    backup = best_pure_python(f)
    return [] if backup is None else [replace(f, fallback=backup)]


def _note_if_off(f: FunctionOutcome, report: OptimizeReport, without: Any) -> None:
    """Say when the workload keeps the kernel off: the function runs in it for less than numba's start-up (its
    share of the workload's time, timed without the kernel), so the plain version runs throughout."""
    times = [t for t in getattr(without, "times", []) if t > 0]
    if not times:
        return
    spent = f.share * sorted(times)[len(times) // 2]
    if spent < BUDGETS[0]:
        note = (
            f"{f.info.key}: its {f.winner.proposer} kernel switches on after about {BUDGETS[0]:.1f} s of calls in a "
            f"process; the workload spends about {spent:.2f} s in it, so it runs the plain version there"
        )
        report.notes.append(note)


def _drop_jit_together(
    patched: Workspace,
    variant: Workspace,
    report: OptimizeReport,
    everything: list[FunctionOutcome],
    *,
    timeout: float,
    say: Callable[[str], None],
) -> int:
    """JIT winners that each pass alone can still lose together (removing one leaves the JIT's import and the
    others' start-up in place): time the workload with all the JIT winners left and with their pure-Python rivals
    (or the originals) instead; when it is significantly faster without them, each gives way to its pure-Python
    fallback or is dropped."""
    jitted = [f for f in report.improved if f.fallback is None and f.winner.proposer in JIT_PROPOSERS]
    if len(jitted) < 2:
        return 0
    rest = [g for g in report.improved if g not in jitted] + [p for f in jitted for p in _plain(f)]
    apply_winners(variant, rest, touched=everything, found_in=patched.path)
    apply_winners(patched, report.improved, touched=everything)
    say(f"timing the workload with and without its {len(jitted)} JIT-compiled winners together")
    _, _, gain = time_workloads(
        variant.path, patched.path, report.config.workload_argv(), runs=ABLATION_RUNS, timeout=timeout,
        names=("without", "with"),
    )  # fmt: skip
    if gain.high >= 1.0:
        return 0
    low, high = 1 / gain.high, 1 / gain.low
    why = f"start-up, with the other JIT winners: the workload runs {1 / gain.ratio:.2f}x faster without them all"
    why += f" [{low:.2f} .. {high:.2f}]"
    return sum(_give_way(f, report, why) for f in jitted)


def _give_way(f: FunctionOutcome, report: OptimizeReport, why: str) -> int:
    """A JIT winner that costs the workload more at start-up than it saves: its best verified pure-Python candidate
    is used instead (returns 1), or it is dropped (returns 0); the reason says which, and why."""
    proposer, backup = f.winner.proposer, best_pure_python(f)
    if backup is None:
        f.status, f.reason = "dropped", f"{why}: {proposer}'s compilation at start-up outweighs its gain"
    else:
        f.fallback = backup
        f.reason = f"{proposer} winner dropped ({why}); {backup.proposer} candidate {backup.speedup:.2f}x used instead"
    report.notes.append(f"{f.info.key}: {f.reason}")
    return 0 if backup is None else 1


def measure_workload(
    baseline: Workspace, patched: Workspace, config: RepoConfig, report: OptimizeReport, say: Callable[[str], None]
) -> None:
    """The workload before and after, interleaved: ``report.before``, ``report.after`` and ``report.speedup``."""
    say(f"timing the workload before and after, {WORKLOAD_RUNS} interleaved runs each")
    report.before, report.after, report.speedup = time_workloads(
        baseline.path,
        patched.path,
        config.workload_argv(),
        runs=WORKLOAD_RUNS,
        timeout=config.timeout,
        names=("original", "optimised"),
    )
