"""The worker side of efficiency scoring: one sandboxed child process serves one problem.

Entry point ``run_problem(payload, emit)`` (run by :class:`perfkit.harness.sandbox.Child`). It builds the
problem's tests from its generator (seed ``seed ^ index ^ (offset + case)``, as ENAMEL), runs the reference on
each test for the expected answers, times the reference (``reps`` runs per test of every weighted level),
sets the limit T = alpha * the largest reference time (Hodges-Lehmann over repetitions), then times every
sample on the same tests in the same process, checking each output. A run is stopped at T + tolerance by an
interval timer; the parent kills the process if the timer cannot interrupt the code (C loops), and starts a
new worker for the remaining samples.

With ``settings['memory']``, once every sample is timed, the reference and each sample that passed every level
go through a memory pass (:mod:`perfkit.efficiency._memory`, for EffiBench's MU and TMU) on the tests of the
weighted levels: the timed runs are the same, in the same order and process state, as without it.

Messages: ``ready`` (reference times), then per sample ``start``/``done`` around each timed call, ``level``
(rep times of a completed level) and ``sample`` (the verdict); then ``start`` (phase ``ref-memory`` or
``memory``) and ``ref-memory``/``memory`` around each memory pass; and finally ``finished``; ``setup-error``
if the tests or the reference fail.
"""

from __future__ import annotations

import copy
import gc
import importlib
import math
import pickle
import random
import signal
import string
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

Emit = Callable[[Any], None]


class _Timeout(BaseException):
    """Raised by the interval timer; a BaseException so that ``except Exception`` in samples lets it through."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _Timeout


class _SetupError(Exception):
    pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _compile(source: str, what: str) -> Any:
    return compile(source, f"<{what}>", "exec")


class _Frozen:
    """A test input kept as a pickle: a fresh, independent copy per run, much faster than ``copy.deepcopy``."""

    def __init__(self, args: Any) -> None:
        self.args = args
        try:
            self.blob: bytes | None = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # unpicklable (a generator made a lambda...): deepcopy each time
            self.blob = None

    def fresh(self) -> Any:
        return pickle.loads(self.blob) if self.blob is not None else copy.deepcopy(self.args)


def make_tests(problem: dict[str, Any], n_tests: list[int], seed: int) -> list[list[_Frozen]]:
    """The inputs of every level: ``n_tests[j]`` argument tuples per level, deterministic for a seed."""
    helpers: dict[str, Any] = {}
    if problem["helpers"]:
        try:
            helpers = dict(vars(importlib.import_module(problem["helpers"])))
        except ImportError:
            package = problem["helpers"].split(".")[0]
            raise _SetupError(
                f"the input generator needs the module {problem['helpers']!r}: pip install {package}"
            ) from None
    code = _compile(problem["prompt"] + "\n" + problem["generator"] + "\n", "generator")
    tests: list[list[_Frozen]] = []
    offset = 0
    for level, size in enumerate(problem["levels"]):
        inputs = []
        for case in range(n_tests[level]):
            scope = {"time": time, "random": random, "string": string, **helpers, "__name__": "__generator__"}
            exec(code, scope)
            random.seed(seed ^ problem["index"] ^ (offset + case))
            inputs.append(_Frozen(scope["generate_input"](size=size, lid=level, cid=case)))
        tests.append(inputs)
        offset += n_tests[level]
    return tests


def _timed(source: str, what: str, entry_point: str, args: Any, limit: float | None) -> tuple[str, float, Any, str]:
    """Define the code afresh (a new code object: every run starts cold, as in ENAMEL) and time one call.

    The reference and the samples run through here alike: garbage collector off, and for samples an interval
    timer that stops the run at ``limit`` seconds. Returns (outcome, seconds, output, message), outcome one of
    ok, timeout, limit (MemoryError/OverflowError: censored like a timeout) and error.
    """
    outcome, elapsed, output, message = "ok", math.nan, None, ""
    enabled = gc.isenabled()
    gc.disable()
    if limit is not None:
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        try:
            scope: dict[str, Any] = {"__name__": "__main__", "time": time}
            exec(_compile(source, what), scope)
            function = scope[entry_point]
            start = time.perf_counter()
            output = function(*args)
            elapsed = time.perf_counter() - start
        finally:
            if limit is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        outcome = "timeout"
    except (MemoryError, OverflowError) as exc:
        outcome, message = "limit", _first_line(exc)
    except BaseException as exc:
        outcome, message = "error", _first_line(exc)
    finally:
        if enabled:
            gc.enable()
    return outcome, elapsed, output, message


MEMORY_SLOWDOWN = 50.0
"""The memory pass may take this many times the time limit per call: tracemalloc slows code that allocates in a
loop about 5x, and a busy machine stretches wall time further (only code stuck in the pass ever meets it)."""


def _define(source: str, what: str, entry_point: str) -> Callable[[], tuple[Callable[..., Any], dict[str, Any]]]:
    """A function that defines the code afresh (as each timed run does) and returns its entry point and scope."""
    code = _compile(source, what)

    def define() -> tuple[Callable[..., Any], dict[str, Any]]:
        scope: dict[str, Any] = {"__name__": "__main__", "time": time}
        exec(code, scope)
        return scope[entry_point], scope

    return define


def weighted_tests(tests: list[list[_Frozen]], hardness: list[float]) -> list[_Frozen]:
    """The tests of the weighted levels, in order: those EffiBench's metrics are measured on."""
    return [args for level, inputs in enumerate(tests) if hardness[level] > 0 for args in inputs]


def memory_pass(source: str, what: str, entry_point: str, tests: list[_Frozen], budget: float) -> dict[str, Any]:
    """Measure the memory of ``source`` on ``tests`` (see ``_memory.measure``), stopped at ``budget`` seconds.

    Returns the figures, or ``{"error": reason}`` if the code raised or ran out of time or memory under tracing.
    """
    from perfkit.efficiency._memory import measure

    define = _define(source, what, entry_point)
    enabled = gc.isenabled()
    gc.enable()  # as in a normal run (EffiBench's script), unlike the timed runs
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        try:
            return measure(define, tests)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        return {"error": f"the memory pass ran past {budget:.3g} s"}
    except BaseException as exc:
        return {"error": f"the memory pass raised {_first_line(exc)}"}
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)  # in case the timeout struck while the pass was cleaning up
        tracemalloc.stop()
        if not enabled:
            gc.disable()


def _hodges_lehmann(xs: list[float]) -> float:
    from perfkit.stats import hodges_lehmann

    return hodges_lehmann(xs)


def reference_runs(
    problem: dict[str, Any],
    tests: list[list[_Frozen]],
    hardness: list[float],
    reps: int,
    timed: bool,
    emit: Emit,
    budget: float,
) -> tuple[list[list[Any]], list[list[list[float]]]]:
    """Expected answers (one untimed run per test, which also warms the process up), then the reference's
    ``reps`` rep times per test of each weighted level (if ``timed``).

    Timed runs go through the same steps as a sample's (messages to the parent around the run, an interval
    timer armed, here at ``budget``), so that the reference and the samples are timed in the same conditions.
    """
    source = problem["prompt"] + "\n" + problem["reference"] + "\n"

    def run(level: int, args: _Frozen, limit: float | None) -> tuple[float, Any]:
        given = args.fresh()
        if limit is not None:
            emit({"kind": "reference"})
        outcome, elapsed, output, message = _timed(source, "reference", problem["entry_point"], given, limit)
        if limit is not None:
            emit({"kind": "reference"})
        if outcome != "ok":
            raise _SetupError(f"the reference raised {message or outcome} at level {level}")
        return elapsed, output

    answers = [[run(level, args, None)[1] for args in inputs] for level, inputs in enumerate(tests)]
    times = [
        [[run(level, args, budget)[0] for _ in range(reps)] for args in inputs] if timed and hardness[level] > 0 else []
        for level, inputs in enumerate(tests)
    ]
    return answers, times


def time_limit(ref_times: list[list[list[float]]], hardness: list[float], alpha: float) -> float:
    """T = alpha * the largest Hodges-Lehmann reference time over the tests of weighted levels."""
    worst = max(_hodges_lehmann(reps) for level, tests in enumerate(ref_times) if hardness[level] > 0 for reps in tests)
    return alpha * worst


def make_checker(problem: dict[str, Any]) -> Callable[[Any, Any, Any], Any]:
    """The problem's ``__check(input, answer, output)``, defined after the prompt's function (as ENAMEL)."""
    checker = _compile(problem["prompt"] + "\n    pass\n" + problem["checker"] + "\n", "checker")
    scope: dict[str, Any] = {"__name__": "__checker__"}
    exec(checker, scope)
    return scope["__check"]  # type: ignore[no-any-return]


def _run_sample(
    sample: int,
    source: str,
    problem: dict[str, Any],
    tests: list[list[_Frozen]],
    answers: list[list[Any]],
    check: Callable[[Any, Any, Any], Any],
    settings: dict[str, Any],
    emit: Emit,
) -> bool:
    """Time and check one sample on every level; emit its verdict. True if it passed every test within T."""
    hardness, reps, limit = settings["hardness"], settings["reps"], settings["limit"]
    try:
        program = problem["prompt"] + "\n" + source + "\n"
        _compile(program, f"sample {sample}")
    except (SyntaxError, ValueError) as exc:
        emit({"kind": "sample", "sample": sample, "passed": False, "status": "error", "message": _first_line(exc)})
        return False
    for level, inputs in enumerate(tests):
        n = reps if hardness[level] > 0 else 1
        level_times = []
        for case, args in enumerate(inputs):
            rep_times = []
            for rep in range(n):
                given = args.fresh()
                emit({"kind": "start", "sample": sample, "level": level, "case": case, "rep": rep})
                outcome, elapsed, output, message = _timed(
                    program, f"sample {sample}", problem["entry_point"], given, limit + settings["tolerance"]
                )
                emit({"kind": "done"})
                if outcome == "ok":
                    try:
                        accepted = bool(check(args.args, answers[level][case], output))
                    except Exception as exc:
                        accepted, message = False, f"the checker raised {_first_line(exc)}"
                    if not accepted:
                        outcome = "wrong"
                        message = message or f"wrong output at level {level}, test {case}"
                if outcome in ("timeout", "limit"):
                    verdict = {"kind": "sample", "sample": sample, "censored_level": level, "message": message}
                    passed = level > 0
                    emit({**verdict, "passed": passed, "status": "censored" if passed else "timeout"})
                    return False
                if outcome != "ok":
                    emit({"kind": "sample", "sample": sample, "passed": False, "status": outcome, "message": message})
                    return False
                rep_times.append(elapsed)
            level_times.append(rep_times)
        emit({"kind": "level", "sample": sample, "level": level, "times": level_times})
    emit({"kind": "sample", "sample": sample, "passed": True, "status": "passed", "message": ""})
    return True


def run_problem(payload: dict[str, Any], emit: Emit) -> None:
    """Child entry: build tests, time the reference, then time and check each sample from ``payload['start']``."""
    problem, settings = payload["problem"], dict(payload["settings"])
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        check = make_checker(problem)
        tests = make_tests(problem, settings["n_tests"], settings["seed"])
        answers, ref_times = reference_runs(
            problem,
            tests,
            settings["hardness"],
            settings["reps"],
            timed=payload["ref_times"] is None,
            emit=emit,
            budget=settings["setup_timeout"],
        )
    except _SetupError as exc:
        emit({"kind": "setup-error", "message": str(exc)})
        return
    except Exception as exc:
        emit({"kind": "setup-error", "message": f"the checker or the input generator raised {_first_line(exc)}"})
        return
    if payload["ref_times"] is not None:
        ref_times = payload["ref_times"]
    settings["limit"] = time_limit(ref_times, settings["hardness"], settings["alpha"])
    emit({"kind": "ready", "ref_times": ref_times, "limit": settings["limit"]})
    todo = list(payload.get("memory_todo", []))  # passed samples whose memory pass a killed worker left undone
    for sample in range(payload["start"], len(payload["codes"])):
        if _run_sample(sample, payload["codes"][sample], problem, tests, answers, check, settings, emit):
            todo.append(sample)
    if settings.get("memory"):  # after every timed run, so that no timing follows a memory pass
        memory_passes(problem, payload, tests, settings, todo, emit)
    emit({"kind": "finished"})


def memory_passes(
    problem: dict[str, Any],
    payload: dict[str, Any],
    tests: list[list[_Frozen]],
    settings: dict[str, Any],
    todo: list[int],
    emit: Emit,
) -> None:
    """The memory passes of the reference (unless a previous worker did it) and of the samples in ``todo``, each
    announced by ``start`` (phase ``ref-memory`` or ``memory``, with its budget) and answered by ``ref-memory``
    or ``memory``."""
    measured = weighted_tests(tests, settings["hardness"])
    budget = MEMORY_SLOWDOWN * (settings["limit"] + settings["tolerance"]) * len(measured) + 2.0
    entry = problem["entry_point"]
    if payload.get("ref_memory") is None:
        source = problem["prompt"] + "\n" + problem["reference"] + "\n"
        emit({"kind": "start", "phase": "ref-memory", "budget": budget})
        emit({"kind": "ref-memory", "memory": memory_pass(source, "reference", entry, measured, budget)})
    for sample in todo:
        program = problem["prompt"] + "\n" + payload["codes"][sample] + "\n"
        emit({"kind": "start", "phase": "memory", "sample": sample, "budget": budget})
        memory = memory_pass(program, f"sample {sample}", entry, measured, budget)
        emit({"kind": "memory", "sample": sample, "memory": memory})
