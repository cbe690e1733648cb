"""``perfkit optimize``'s pipeline: profile the workload, pick the hot functions, optimise each on a private copy,
check the whole program, and measure the workload before and after.

The user's tree is only read (and written by ``apply`` when asked). Each step reports through ``progress``.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.progress import Progress, Step
from perfkit.repo.capture import Captured, CaptureTarget, capture, python_workload
from perfkit.repo.config import RepoConfig
from perfkit.repo.sources import FunctionInfo, function_at, functions_in, import_roots, python_files
from perfkit.repo.workload import repo_env, run_checked
from perfkit.repo.workspace import Workspace

WORKLOAD_PHASES = 8  # the pipeline's phases, as Step events count them


WORKLOAD_RUNS = 5
FUZZ_SIZE_CAP = 2000  # fuzzing works on the shape of the worst case; captured inputs carry the real sizes
FUZZ_INPUTS = 8


@dataclass
class FunctionOutcome:
    """What happened to one hot function."""

    info: FunctionInfo
    share: float
    status: str = "pending"  # improved, unchanged, dropped, skipped, error
    reason: str = ""
    result: Any = None  # perfkit.optimizers.Result
    diff: str = ""
    inputs: int = 0

    @property
    def winner(self) -> Any:
        return None if self.result is None else self.result.winner


@dataclass
class OptimizeReport:
    """Everything the run found and did; :mod:`perfkit.repo.results` saves it."""

    repo: Path
    config: RepoConfig
    functions: list[FunctionOutcome] = field(default_factory=list)
    before: Any = None  # Measurement of the original workload
    after: Any = None  # Measurement of the patched workload
    speedup: Any = None  # stats.Ratio, original / patched
    tests_passed: bool | None = None
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False
    profile_tool: str = ""
    profile: Any = None  # perfkit.profile.Profile of the workload
    executor: str = ""  # where fuzzing and checks ran, e.g. "2 Dask workers (a local cluster)"; "" for here
    workers: int = 1  # workers of the executor
    workers_used: int = 0  # workers that finished at least one unit
    time_split: dict[str, Any] = field(default_factory=dict)  # per kind of work: units, reused, wall_s, busy_s

    @property
    def improved(self) -> list[FunctionOutcome]:
        return [f for f in self.functions if f.status == "improved"]


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
) -> OptimizeReport:
    """Run the whole pipeline on a copy of ``repo``; the copy is ``workspace`` when given (the caller keeps it
    to apply the winners), else a temporary one. ``executor`` (:mod:`perfkit.executors`) runs the fuzz campaigns and
    the candidates' behaviour checks; None runs them here, one after another."""
    say = progress or (lambda message: None)
    started = time.monotonic()
    deadline = started + config.budget * 60
    repo = repo.resolve()
    check_repo(repo, config)
    report = OptimizeReport(repo=repo, config=config)
    owned = workspace is None
    patched = workspace or Workspace(repo)
    baseline = Workspace(repo)
    try:
        say(Step("pipeline", 0, WORKLOAD_PHASES))
        say("running the workload once on a copy")
        run_checked(config.workload_argv(), root=patched.path, timeout=config.timeout, what="the workload")
        say(Step("pipeline", 1, WORKLOAD_PHASES))
        say("running the repository's tests before any change")
        report.tests_passed = _tests_pass(baseline.path, config)
        if not report.tests_passed:
            report.notes.append("the repository's tests fail before any change: the whole-program check is skipped")
        say(Step("pipeline", 2, WORKLOAD_PHASES))
        say("profiling the workload")
        report.functions = _hot_functions(patched.path, config, report)
        if not report.functions:
            report.notes.append(
                f"no function of the repository takes {100 * config.threshold:.0f}% or more of the workload's time"
            )
            return report
        say(Step("pipeline", 3, WORKLOAD_PHASES))
        captured = _capture(patched.path, config, report, say)
        say(Step("pipeline", 4, WORKLOAD_PHASES))
        try:
            _optimize_each(
                patched, config, report, captured, offline=offline, deadline=deadline, say=say, executor=executor
            )
        except KeyboardInterrupt:
            report.interrupted = True
            report.notes.append("interrupted: the functions finished so far are kept; the rest were not tried")
        say(Step("pipeline", 5, WORKLOAD_PHASES))
        if report.improved and not report.interrupted:
            _whole_program_check(patched, config, report, say)
        say(Step("pipeline", 6, WORKLOAD_PHASES))
        if report.improved and not report.interrupted:
            from perfkit.repo.winners import drop_slow_startups

            drop_slow_startups(patched, report, timeout=config.timeout, say=say)
        say(Step("pipeline", 7, WORKLOAD_PHASES))
        if report.improved and not report.interrupted:
            _measure_workload(baseline, patched, config, report, say)
        say(Step("pipeline", 8, WORKLOAD_PHASES))
        return report
    finally:
        report.elapsed = time.monotonic() - started
        if executor is not None:
            report.executor, report.workers = executor.describe(), executor.workers
            report.workers_used, report.time_split = len(executor.ledger.workers), executor.ledger.summary()
        baseline.close()
        if owned:
            patched.close()


def _tests_pass(root: Path, config: RepoConfig) -> bool:
    try:
        run_checked(config.tests_argv(), root=root, timeout=config.timeout, what="the repository's tests")
    except PerfkitError:
        return False
    return True


def _hot_functions(root: Path, config: RepoConfig, report: OptimizeReport) -> list[FunctionOutcome]:
    """The repository's functions ranked by their share of the workload's CPU time, above the threshold."""
    from perfkit.profile import profile_command

    profile = profile_command(
        config.workload_argv(), cwd=root, env=repo_env(root), timeout=config.timeout, top=200, memory=False
    )
    report.profile_tool, report.profile = profile.tool, profile
    report.notes.extend(profile.notes)
    files = {p.resolve(): p for p in python_files(root, include=config.include, exclude=config.exclude)}
    driver = _workload_script(root, config)
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
    chosen = [
        FunctionOutcome(info, share)
        for info, share in ranked
        if share >= config.threshold and _wanted(info, config.functions)
    ]
    return chosen


def _workload_script(root: Path, config: RepoConfig) -> Path | None:
    """The script a ``python script.py ...`` workload runs, resolved; None for other workloads."""
    rest = python_workload(config.workload_argv())
    if not rest or rest[0] == "-m" or not rest[0].endswith(".py"):
        return None
    return (root / rest[0]).resolve()


def _wanted(info: FunctionInfo, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return True
    names = (info.key, info.qualname, f"{info.module}.{info.qualname}")
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns for name in names)


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
    offline: bool,
    deadline: float,
    say: Progress,
    executor: Any = None,
) -> None:
    from perfkit.optimizers import hotspots_from_profile, optimize_function
    from perfkit.repo.winners import apply_winners, refresh_diffs

    proposers = _proposers(config, offline=offline, report=report)
    with _importable(patched.path):
        if executor is not None:
            executor.ship(patched.path, import_roots(patched.path))
        fuzzed_by_key = _fuzz_all(report, captured, config, executor, deadline=deadline, say=say)
        for done, outcome in enumerate(report.functions):
            say(Step("functions", done, len(report.functions)))
            info = outcome.info
            if time.monotonic() > deadline:
                outcome.status, outcome.reason = "skipped", "the budget was spent before its turn"
                continue
            try:
                func = _function(_fresh_module(info.module), info.qualname)
            except Exception as exc:  # one function failing is recorded; the run goes on
                outcome.status, outcome.reason = "error", f"{type(exc).__name__}: {exc}"
                continue
            samples = captured.get(info.key)
            inputs = samples.arguments() if samples else []  # unpickled now: instances of the classes just imported
            fuzzed = fuzzed_by_key.get(info.key, [])
            if "." in info.qualname and not inputs:
                outcome.status = "skipped"
                outcome.reason = "a method is optimised on the calls the workload makes, and it made none we could keep"
                continue
            outcome.inputs = len(inputs) + len(fuzzed)
            if not inputs and not fuzzed:
                outcome.status = "skipped"
                outcome.reason = "no inputs: the workload gave no picklable arguments and it could not be fuzzed"
                continue
            say(
                f"optimising {info.key} ({100 * outcome.share:.0f}% of the time, {len(inputs)} captured and "
                f"{len(fuzzed)} fuzzed inputs)"
            )
            inputs = inputs + fuzzed
            try:
                if executor is not None:
                    executor.ship(patched.path, import_roots(patched.path))  # the copy holds the earlier winners
                result = optimize_function(
                    func,
                    stress_inputs=inputs,
                    proposers=proposers,
                    min_speedup=config.min_speedup,
                    hotspots=hotspots_from_profile(report.profile, func),
                    project_tests=_tests_mentioning(patched.path, info) or None,
                    progress=lambda message, key=info.key: say(
                        message if isinstance(message, Step) else f"{key}: {message}"
                    ),
                    executor=executor,
                )
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # one function failing is recorded; the run goes on
                outcome.status, outcome.reason = "error", f"{type(exc).__name__}: {exc}"
                continue
            outcome.result = result
            if result.winner is None:
                outcome.status = "unchanged"
                outcome.reason = _why_not(result)
                continue
            outcome.status = "improved"
            apply_winners(patched, report.improved, touched=report.improved)
            refresh_diffs(patched, [outcome])
        say(Step("functions", len(report.functions), len(report.functions)))


def _fuzz_all(
    report: OptimizeReport,
    captured: dict[str, Captured],
    config: RepoConfig,
    executor: Any,
    *,
    deadline: float,
    say: Progress,
) -> dict[str, list[Any]]:
    """Stress inputs for each hot function, from fuzz campaigns run together on ``executor`` (at most as many
    as fit in half the remaining budget), each sized like the function's largest captured input."""
    if config.fuzz_budget <= 0:
        return {}
    from perfkit.executors import Failed, Unit, run_units, unit_key
    from perfkit.inputs import input_size

    workers = executor.workers if executor is not None else 1
    room = max(1, int(0.5 * max(0.0, deadline - time.monotonic()) * workers / config.fuzz_budget))
    wanted = [f.info for f in report.functions if "." not in f.info.qualname]
    if len(wanted) > room:
        names = ", ".join(info.key for info in wanted[room:])
        report.notes.append(f"not fuzzed, for lack of budget: {names}")
    units = []
    for info in wanted[:room]:
        samples = captured.get(info.key)
        largest = max((input_size(a, k) for a, k in (samples.arguments() if samples else [])), default=0)
        max_size = config.fuzz_max_size or min(max(largest, 16), FUZZ_SIZE_CAP)
        target = f"{info.module}:{info.qualname}"
        key = unit_key("fuzz", getattr(executor, "site", None), target, max_size, config.fuzz_budget)
        units.append(Unit("fuzz", info.key, key, fuzz_unit, (target, max_size, config.fuzz_budget)))
        say(f"{info.key}: fuzzing for slow inputs up to size {max_size} ({config.fuzz_budget:g} s)")
    found = run_units(executor, units, noun="functions", verb="fuzzed", progress=say)
    inputs = {}
    for unit, outcome in zip(units, found, strict=True):
        if isinstance(outcome, Failed):
            report.notes.append(f"{unit.label}: the fuzz campaign failed ({outcome.message})")
        elif isinstance(outcome, str):
            report.notes.append(f"{unit.label} was not fuzzed: {outcome}")
        else:
            inputs[unit.label] = _stress_inputs(outcome)
    return inputs


def fuzz_unit(target: str, max_size: int, budget: float) -> Any:
    """A fuzz campaign as a work unit: the FuzzResult, or why the function cannot be fuzzed (a string)."""
    from perfkit.errors import InvalidArgument
    from perfkit.fuzzers import fuzz

    try:
        return fuzz(target, max_size=max_size, budget=budget)
    except InvalidArgument as exc:
        return str(exc)


def _stress_inputs(result: Any) -> list[Any]:
    """The distinct inputs a campaign found (worst first), at most FUZZ_INPUTS."""
    found = [f for f in ([result.worst] if result.worst else []) + list(result.corpus) if f.outcome == "ok"]
    unique: dict[str, Any] = {}
    for finding in found:
        unique.setdefault(repr((finding.args, finding.kwargs)), (tuple(finding.args), dict(finding.kwargs)))
    return list(unique.values())[:FUZZ_INPUTS]


def _proposers(config: RepoConfig, *, offline: bool, report: OptimizeReport) -> list[Any]:
    from perfkit.optimizers import default_proposers

    proposers: list[Any] = default_proposers()
    model = config.model or os.environ.get("PERFKIT_MODEL", "")
    if not offline and (model or os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")):
        from perfkit.optimizers import LLMProposer

        proposers.append(LLMProposer(model=model or None))
        report.notes.append(f"LLM proposer on: model {model or 'default'}")
    else:
        report.notes.append("offline proposers only (rewrite rules, numba)")
    return proposers


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


class _importable:
    """Put the copy's import roots first on sys.path (and in the workers' path) for the duration."""

    def __init__(self, root: Path) -> None:
        self.roots = [str(p) for p in import_roots(root)]
        self.cwd = os.getcwd()
        self.root = root

    def __enter__(self) -> None:
        sys.path[:0] = self.roots
        os.chdir(self.root)  # project tests and relative paths resolve in the copy

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.cwd)
        for entry in self.roots:
            if entry in sys.path:
                sys.path.remove(entry)


def _fresh_module(name: str) -> Any:
    """Import ``name`` from the copy, dropping any earlier import of its package (another copy, or stale)."""
    top = name.split(".")[0]
    for loaded in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
        del sys.modules[loaded]
    importlib.invalidate_caches()
    return importlib.import_module(name)


def _function(module: Any, qualname: str) -> Any:
    """The plain function ``qualname`` names in ``module`` (a method's function, looked up in its class)."""
    import inspect

    found: Any = module
    for part in qualname.split("."):
        found = inspect.getattr_static(found, part)
    if not inspect.isfunction(found):
        kind = type(found).__name__
        raise PerfkitError(f"{qualname} is a {kind}, not a plain function or method; perfkit leaves it alone")
    return found


def _whole_program_check(patched: Workspace, config: RepoConfig, report: OptimizeReport, say: Progress) -> None:
    """Run the repository's tests on the patched copy; drop each winner that breaks them."""
    from perfkit.repo.winners import apply_winners, refresh_diffs

    if not report.tests_passed:
        return
    say("running the repository's tests on the patched copy")
    if _tests_pass(patched.path, config):
        return
    winners = report.improved
    for f in winners:  # test each winner alone
        apply_winners(patched, [f], touched=winners)
        if not _tests_pass(patched.path, config):
            f.status, f.reason = "dropped", "the repository's tests fail with this change"
    apply_winners(patched, report.improved, touched=winners)
    refresh_diffs(patched, report.improved)
    if report.improved and not _tests_pass(patched.path, config):
        for f in report.improved:
            f.status, f.reason = "dropped", "the repository's tests fail with the changes together"
        apply_winners(patched, [], touched=winners)


def _measure_workload(
    baseline: Workspace, patched: Workspace, config: RepoConfig, report: OptimizeReport, say: Progress
) -> None:
    from perfkit import stats
    from perfkit.harness.command import Command, measure_commands

    say(f"timing the workload before and after, {WORKLOAD_RUNS} interleaved runs each")
    argv = config.workload_argv()
    before, after = measure_commands(
        [
            Command(argv, cwd=baseline.path, env=repo_env(baseline.path), name="original"),
            Command(argv, cwd=patched.path, env=repo_env(patched.path), name="optimised"),
        ],
        runs=WORKLOAD_RUNS,
        warmups=1,
        timeout=config.timeout,
    )
    report.before, report.after = before, after
    report.speedup = stats.speedup(before.times, after.times)
