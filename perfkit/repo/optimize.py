"""``perfkit optimize``'s pipeline, step by step: target (the hot functions) → inputs (captured and fuzzed) →
proposals → verification (per function, then the whole program) → measurement (the workload before and after).

The user's tree is only read (and written by ``apply`` when asked). Each step reports through ``progress``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.progress import Progress, Step
from perfkit.repo import checks
from perfkit.repo.capture import Captured, CaptureTarget, capture, python_workload
from perfkit.repo.config import RepoConfig
from perfkit.repo.loading import fresh_module, importable, plain_function
from perfkit.repo.report import FunctionOutcome, OptimizeReport, llm_lines
from perfkit.repo.selection import hot_functions
from perfkit.repo.sources import FunctionInfo, import_roots, python_files
from perfkit.repo.stress import fuzz_all, restored
from perfkit.repo.winners import apply_winners, refresh_diffs
from perfkit.repo.workload import repo_env, run_checked
from perfkit.repo.workspace import Workspace

WORKLOAD_PHASES = 8  # the pipeline's phases, as Step events count them


def check_repo(repo: Path, config: RepoConfig) -> list[Path]:
    """The repository's own source files; a clear error when ``repo`` is not a folder of Python code."""
    if not repo.exists():
        raise PerfkitError(f"REPO {str(repo)!r}: no such folder")
    if not repo.is_dir():
        raise PerfkitError(f"REPO {str(repo)!r}: not a folder; give the repository's root folder")
    files = python_files(repo, include=config.include, exclude=config.exclude)
    if not files:
        raise PerfkitError(f"REPO {str(repo)!r}: no Python files to optimise (include={list(config.include)})")
    return files


def optimize_repo(
    repo: Path,
    config: RepoConfig,
    *,
    offline: bool = True,
    progress: Progress | None = None,
    workspace: Workspace | None = None,
    executor: Any = None,
    llm: Any = None,
) -> OptimizeReport:
    """Run the whole pipeline on a copy of ``repo``; the copy is ``workspace`` when given (the caller keeps it
    to apply the winners), else a temporary one. ``executor`` (:mod:`perfkit.executors`) runs the fuzz campaigns and
    the candidates' behaviour checks; None runs them here, one after another. ``llm``: an LLM proposer already
    checked (:func:`llm_proposer`); None builds and checks one here unless ``offline`` or none is configured."""
    say = progress or (lambda message: None)
    started = time.monotonic()
    deadline = started + config.budget * 60
    repo = repo.resolve()
    check_repo(repo, config)
    report = OptimizeReport(repo=repo, config=config)
    if llm is None:
        llm = llm_proposer(config, offline=offline, say=say)  # the model server is checked before any work
    report.notes.append(_llm_note(llm))
    owned = workspace is None
    patched = workspace or Workspace(repo)
    baseline = Workspace(repo)

    def phase(done: int, message: str = "") -> None:
        say(Step("pipeline", done, WORKLOAD_PHASES))
        if message:
            say(message)

    try:
        phase(0, "running the workload once on a copy")
        run_checked(config.workload_argv(), root=patched.path, timeout=config.timeout, what="the workload")
        phase(1, "running the repository's tests before any change")
        report.tests_passed = checks.tests_pass(baseline.path, config)
        if not report.tests_passed:
            report.notes.append("the repository's tests fail before any change: the whole-program check is skipped")
        phase(2, "timing the repository's functions on the workload")
        report.functions = hot_functions(patched.path, config, report)  # target
        if not report.functions:
            report.notes.append(
                f"no function of the repository takes {100 * config.threshold:.0f}% or more of the workload's time"
            )
            return report
        phase(3)
        captured = _capture(patched.path, config, report, say)  # inputs
        phase(4)
        try:  # proposals and verification, one function at a time
            _optimize_each(patched, config, report, captured, llm=llm, deadline=deadline, say=say, executor=executor)
        except KeyboardInterrupt:
            _interrupted(report, "while optimising")
            return report
        whole_program = bool(report.improved) and not report.interrupted
        phase(5)
        if whole_program:
            checks.whole_program_check(patched, config, report, say)
        phase(6)
        if whole_program and report.improved:
            fallbacks = checks.drop_slow_startups(patched, report, timeout=config.timeout, say=say)
            if fallbacks:  # pure-Python candidates put in for dropped JIT winners face the tests too
                checks.whole_program_check(patched, config, report, say)
        phase(7)
        if whole_program and report.improved:
            checks.measure_workload(baseline, patched, config, report, say)  # measurement
        phase(8)
        return report
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM before or after the functions: what is done is reported
        _interrupted(report, "before the whole-program checks finished" if report.functions else "before any function")
        return report
    finally:
        report.elapsed = time.monotonic() - started
        if llm is not None:
            report.llm = llm.usage.copy()
            report.notes.extend(llm_lines(report))
        if executor is not None:
            report.executor, report.workers = executor.describe(), executor.workers
            report.workers_used, report.time_split = len(executor.ledger.workers), executor.ledger.summary()
        baseline.close()
        if owned:
            patched.close()


def _interrupted(report: OptimizeReport, when: str) -> None:
    """Mark the run interrupted: functions not finished are skipped with the reason, and the winners found are
    kept as patches but were not checked against the repository's tests or the workload."""
    report.interrupted = True
    for outcome in report.functions:
        if outcome.status == "pending":
            outcome.status, outcome.reason = "skipped", "the run was interrupted before this function was finished"
    kept = " (their patches are saved, but the repository's tests did not run on them)" if report.improved else ""
    report.notes.append(f"interrupted {when}: {len(report.improved)} function(s) improved so far{kept}")


def _capture(root: Path, config: RepoConfig, report: OptimizeReport, say: Progress) -> dict[str, Captured]:
    argv = config.workload_argv()
    if python_workload(argv) is None:
        report.notes.append(f"arguments were not captured: {' '.join(argv)!r} is not a Python command")
        return {}
    say("capturing real arguments from the workload")
    targets = [CaptureTarget(f.info.module, f.info.qualname) for f in report.functions]
    out = root.parent / "perfkit-capture.pickle"
    try:
        return capture(argv, targets, cwd=root, out=out, timeout=config.timeout, env=repo_env(root))
    except PerfkitError as exc:
        report.notes.append(f"arguments were not captured: {exc}")
        return {}


def _optimize_each(
    patched: Workspace,
    config: RepoConfig,
    report: OptimizeReport,
    captured: dict[str, Captured],
    *,
    llm: Any,
    deadline: float,
    say: Progress,
    executor: Any = None,
) -> None:
    proposers = _proposers(llm)
    with importable(patched.path):
        if executor is not None:
            executor.ship(patched.path, import_roots(patched.path))
        fuzzed_by_key = fuzz_all(report, captured, config, executor, deadline=deadline, say=say)
        for done, outcome in enumerate(report.functions):
            say(Step("functions", done, len(report.functions)))
            if time.monotonic() > deadline:
                outcome.status, outcome.reason = "skipped", "the budget was spent before its turn"
                continue
            spent = llm.usage.copy() if llm is not None else None
            _optimize_one(patched, config, report, outcome, captured, fuzzed_by_key, proposers, say, executor)
            if spent is not None:
                outcome.llm = llm.usage - spent
        say(Step("functions", len(report.functions), len(report.functions)))


def _optimize_one(
    patched: Workspace,
    config: RepoConfig,
    report: OptimizeReport,
    outcome: FunctionOutcome,
    captured: dict[str, Captured],
    fuzzed_by_key: dict[str, list[Any]],
    proposers: list[Any],
    say: Progress,
    executor: Any,
) -> None:
    """Propose, verify and time candidates for one function; a winner is written into ``patched`` at once."""
    from perfkit.optimizers import hotspots_from_profile, optimize_function
    from perfkit.optimizers.speed import StressInputs

    info = outcome.info
    try:
        func = plain_function(fresh_module(info.module), info.qualname)
    except Exception as exc:  # one function failing is recorded; the run goes on
        outcome.status, outcome.reason = "error", f"{type(exc).__name__}: {exc}"
        return
    samples = captured.get(info.key)
    inputs = samples.arguments() if samples else []  # unpickled now: instances of the classes just imported
    fuzzed = restored(fuzzed_by_key.get(info.key, []))  # after the fresh import too, for the same reason
    if "." in info.qualname and not inputs:
        outcome.status = "skipped"
        outcome.reason = "a method is optimised on the calls the workload makes, and it made none we could keep"
        if samples is not None and samples.skipped:
            outcome.reason += f" (the arguments of {samples.skipped} of its {samples.calls} calls did not pickle)"
        return
    outcome.inputs = len(inputs) + len(fuzzed)
    if not inputs and not fuzzed:
        outcome.status = "skipped"
        outcome.reason = "no inputs: the workload gave no picklable arguments and it could not be fuzzed"
        return
    say(
        f"optimising {info.key} ({100 * outcome.share:.0f}% of the time, {len(inputs)} captured and "
        f"{len(fuzzed)} fuzzed inputs)"
    )
    outcome.stress = StressInputs(inputs + fuzzed, representative=inputs)  # timed on the captured calls
    try:
        if executor is not None:
            executor.ship(patched.path, import_roots(patched.path))  # the copy holds the earlier winners
        result = optimize_function(
            func,
            stress_inputs=outcome.stress,
            proposers=proposers,
            min_speedup=config.min_speedup,
            hotspots=hotspots_from_profile(report.profile, func) if report.profile is not None else (),
            project_tests=_tests_mentioning(patched.path, info) or None,
            progress=lambda message: say(message if isinstance(message, Step) else f"{info.key}: {message}"),
            executor=executor,
        )
    except KeyboardInterrupt:
        raise
    except InvalidArgument as exc:  # the function itself is out of reach (a method using a private name): said
        if exc.name == "func":
            outcome.status, outcome.reason = "skipped", f"perfkit leaves it alone: {exc.fix}"
        else:
            outcome.status, outcome.reason = "error", f"{type(exc).__name__}: {exc}"
        return
    except Exception as exc:  # one function failing is recorded; the run goes on
        outcome.status, outcome.reason = "error", f"{type(exc).__name__}: {exc}"
        return
    outcome.result = result
    if result.winner is None:
        outcome.status, outcome.reason = "unchanged", _why_not(result)
        return
    outcome.status = "improved"
    apply_winners(patched, report.improved, touched=report.improved)
    refresh_diffs(patched, [outcome])


def _proposers(llm: Any) -> list[Any]:
    """The proposers of a run: the offline ones, and the LLM's when there is one."""
    from perfkit.optimizers import default_proposers

    return [*default_proposers(), *([llm] if llm is not None else [])]


def llm_proposer(config: RepoConfig, *, offline: bool, say: Progress | None = None) -> Any:
    """The LLM proposer when a model or server is configured (and not ``offline``), its server checked now:
    reachable, serving the model (the only one it serves when none is named), answering a tiny request. A
    server that cannot be used is an error of one line (``LLMError``). None when there is no LLM."""
    model = config.model or os.environ.get("PERFKIT_MODEL", "")
    if offline or not (model or os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")):
        return None
    from perfkit.optimizers import LLMProposer
    from perfkit.optimizers.llm_cache import ReplyCache

    cache = ReplyCache() if config.llm_cache else None
    llm = LLMProposer(model=model or None, cache=cache, budget=config.llm_budget or None, timeout=config.llm_timeout)
    if say is not None:
        say("checking the LLM server")
    llm.check()
    return llm


def _llm_note(llm: Any) -> str:
    if llm is None:
        return "offline proposers only (rewrite rules, library equivalents, numba)"
    kept = f"replies cached in {llm.cache.folder}" if llm.cache is not None else "no reply cache"
    checked = llm.checked.describe(llm.base_url) if llm.checked is not None else f"{llm.model} (not checked)"
    return f"LLM proposer on: {checked}; {kept}; budget {llm.budget or 'unlimited'}"


def _why_not(result: Any) -> str:
    if not result.history:
        return "no proposer had a candidate"
    verdicts: dict[str, int] = {}
    for attempt in result.history:
        verdicts[attempt.verdict] = verdicts.get(attempt.verdict, 0) + 1
    return "no candidate accepted (" + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())) + ")"


def _tests_mentioning(root: Path, info: FunctionInfo) -> list[str]:
    """Test files of the repository that mention the function's name: the project tests that cover it."""
    name = info.qualname.rsplit(".", 1)[-1]
    found = []
    for path in sorted(root.rglob("test_*.py")) + sorted(root.rglob("*_test.py")):
        if ".venv" in path.parts:
            continue
        try:
            if name in path.read_text(errors="replace"):
                found.append(str(path.relative_to(root)))
        except OSError:
            continue
    return found
