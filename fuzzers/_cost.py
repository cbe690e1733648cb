"""The cost signal of one input: deterministic line count, combined with measured time where C work dominates.

Each evaluation runs the instrumented copy once untraced (which constraints hold; rejections; hangs), the
original under ``perfkit._native.cost_call`` (Python lines: noise-free) and, unless the signal is "lines", the
original again untraced under ``_native.time_loop``. Cost is in *line-equivalents*:
``max(lines, time_ns / (SLACK * ns_per_line))`` where ``ns_per_line`` is this machine's time for a plain Python
line. Pure-Python code keeps its exact line count (its time stays under the slack); code whose time is spent
in C (``x in some_list``, big sorts, regexes) is ranked by its time: the process's CPU time, so that a call
preempted by other processes on a busy machine does not look slower. A call past ``timeout`` (wall time) is
censored there.

When the session finds that line counts are blind to this target's work (see :func:`lines_blind`), it sets
``by_time``: from then on lines are not counted (``lines`` -1) and the cost is the time alone, the best of a
number of repeats chosen from the call's length and the budget left (:func:`repeats_for`). With ``raised_cost``
an input that makes the target raise is measured like any other (work done before the raise: "slow, then
raised"); without it, its cost is 0.
"""

from __future__ import annotations

import copy
import gc
import signal
import time
from dataclasses import dataclass
from typing import Any

from perfkit.fuzzers._instrument import Instrumented

from perfkit import _native

SLACK = 8.0
cpu_ns = time.process_time_ns  # calls are timed in CPU time: one preempted by other processes is not slower
CONFIRM = 4  # timings whose best is kept when the time term decides the cost
SIGNALS = ("auto", "lines", "time")
MAX_REPEATS = 7  # timings per input when time drives the search (fewer for long calls, see repeats_for)


TARGET_RAISES = (Exception, SystemExit, KeyboardInterrupt)  # what a target may raise as its own outcome


class CallTimeout(BaseException):
    """Raised by the alarm inside a call that ran past the per-call timeout (BaseException: user code's
    ``except Exception`` cannot swallow it)."""


@dataclass(frozen=True)
class Sample:
    """The cost of one input. outcome: "ok", "rejected" (the target raised; ``error`` says what), "timeout"
    (censored at the limit: ``time_s`` is the limit, a lower bound) or "memory"."""

    cost: float
    lines: int
    time_s: float
    outcome: str
    region: frozenset[int]
    error: str | None = None


def _on_alarm(signum: int, frame: Any) -> None:
    raise CallTimeout


def _reference() -> int:
    total = 0
    for i in range(2000):
        total += i
    return total


def ns_per_line() -> float:
    """Time of one plain Python line on this machine (untraced), from a reference loop."""
    lines = _native.cost_call(_reference, ())[0]
    best = min(_native.time_loop(_reference, (), 20) for _ in range(5)) / 20
    return max(best / lines, 0.5)


class Evaluator:
    """Measure inputs of one target (call from the main thread: the timeout uses SIGALRM)."""

    def __init__(
        self,
        func: Any,
        copy_: Instrumented,
        *,
        timeout: float,
        signal_kind: str = "auto",
        raised_cost: bool = False,
        deadline: float | None = None,
    ) -> None:
        self.func = func
        self.copy = copy_
        self.timeout = timeout
        self.signal_kind = signal_kind
        self.raised_cost = raised_cost
        self.deadline = deadline  # time.monotonic() at which the search ends: bounds the repeats
        self.by_time = signal_kind == "time"
        self.bar = 0.0  # by time, a first timing above this cost is confirmed (the session keeps it near its best)
        self.ns_per_line = ns_per_line()
        signal.signal(signal.SIGALRM, _on_alarm)

    def time_cost(self, time_ns: float) -> float:
        return time_ns / (SLACK * self.ns_per_line)

    def __call__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Sample:
        seen = self.copy.seen
        seen.clear()
        timeout_ns = self.timeout * 1e9
        try:
            status, first_ns = self._timed(self.copy.func, args, kwargs, self.timeout)
        finally:
            region = frozenset(seen)
        if status == "timeout":
            return Sample(self.time_cost(timeout_ns), -1, self.timeout, "timeout", region)
        if status.startswith("MemoryError"):
            return Sample(0.0, 0, first_ns / 1e9, "memory", region, status)
        raised = status != "ok"
        if raised and not self.raised_cost:
            return Sample(0.0, 0, first_ns / 1e9, "rejected", region, status)
        # by time, the traced run is skipped: its count would not be used, and tracing costs several calls
        lines, exc = (-1, None) if self.by_time else self._lines(args, kwargs)
        if isinstance(exc, CallTimeout):  # the traced run is slower; rank it by time
            lines = -1
        elif isinstance(exc, MemoryError):
            return Sample(0.0, 0, first_ns / 1e9, "memory", region, "MemoryError")
        outcome, error = ("rejected", status) if raised else ("ok", None)
        if self.signal_kind == "lines" and lines >= 0:
            return Sample(float(lines), lines, first_ns / 1e9, outcome, region, error)
        time_ns = first_ns if self.instrument_free() else self.best_time(args, kwargs, 1)
        if self.by_time or lines < 0 or self.time_cost(time_ns) > lines:
            # the time decides the cost: confirm it, so that a spike (another process, an interrupt) is not
            # taken for a slow input; the best of several calls only errs towards the line count
            if self.by_time:  # budget-aware; an input that may be the new worst is always confirmed
                more = self.repeats(time_ns) - 1
                if self.time_cost(time_ns) >= self.bar and time_ns < 200_000_000:
                    more = max(more, CONFIRM)
            else:
                more = CONFIRM if time_ns < 200_000_000 else 1
            if more > 0:
                time_ns = min(time_ns, self.best_time(args, kwargs, more))
        if time_ns >= timeout_ns:
            return Sample(self.time_cost(timeout_ns), lines, self.timeout, "timeout", region)
        by_time = self.time_cost(time_ns)
        cost = by_time if self.by_time else max(float(max(lines, 0)), by_time)
        return Sample(cost, lines, time_ns / 1e9, outcome, region, error)

    def repeats(self, time_ns: float) -> int:
        """How many timings to take of a call that took ``time_ns`` once (see :func:`repeats_for`)."""
        left = self.timeout * 50 if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        return repeats_for(time_ns / 1e9, left)

    def instrument_free(self) -> bool:
        """True when the first (copy) run is the original itself, so its time can be used as is."""
        return not self.copy.instrumented

    def _timed(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], timeout: float) -> tuple[str, int]:
        a, k = copy.deepcopy((args, kwargs))
        signal.setitimer(signal.ITIMER_REAL, timeout)
        start = cpu_ns()
        try:
            func(*a, **k)
        except CallTimeout:
            return "timeout", int(timeout * 1e9)
        except TARGET_RAISES as exc:  # SystemExit and KeyboardInterrupt from the target are its answer too
            from perfkit.target import describe_exception

            return describe_exception(exc), cpu_ns() - start
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return "ok", cpu_ns() - start

    def _lines(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[int, BaseException | None]:
        a, k = copy.deepcopy((args, kwargs))
        signal.setitimer(signal.ITIMER_REAL, self.timeout * 10)
        try:
            lines, _calls, _ops, _result, exc = _native.cost_call(self.func, a, k or None)
        except CallTimeout as stopped:  # the alarm fired outside the traced call itself
            return -1, stopped
        except TARGET_RAISES as raised:  # SystemExit, KeyboardInterrupt: the count is lost, time will rank it
            return -1, raised
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return lines, exc

    def covered(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[frozenset[tuple[int, int]], Any]:
        """The lines the original runs on this input (a set, traced: slow, for small inputs) and where it raised
        (:func:`raise_site`; None when it returned); cut off at ten timeouts."""
        a, k = copy.deepcopy((args, kwargs))
        signal.setitimer(signal.ITIMER_REAL, self.timeout * 10)
        try:
            return lines_run(self.func, a, k)
        except CallTimeout:
            return frozenset(), ("timeout", "", 0, "")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def best_time(self, args: tuple[Any, ...], kwargs: dict[str, Any], repeats: int) -> int:
        """Untraced time of the original: the best of ``repeats`` calls, each on a fresh copy of the input."""
        best: int | None = None
        collecting = gc.isenabled()
        gc.disable()  # a collection inside one short call is noise of the same size as the call
        for _ in range(repeats):
            a, k = copy.deepcopy((args, kwargs))
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            try:
                start = cpu_ns()
                self.func(*a, **k)
                elapsed = cpu_ns() - start
            except CallTimeout:
                elapsed = int(self.timeout * 1e9)
            except TARGET_RAISES:  # it passed on the copy: a target that raises at random is timed as it goes
                elapsed = cpu_ns() - start
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            best = elapsed if best is None else min(best, elapsed)
        if collecting:
            gc.enable()
        return int(best or 0)


def _own_folders() -> tuple[str, ...]:
    import os

    import perfkit

    return os.path.dirname(perfkit.__file__ or "") + os.sep, os.path.dirname(__file__) + os.sep


_OWN = _own_folders()  # perfkit's own code: left out of the lines a call runs


def raise_site(exc: BaseException | None) -> tuple[str, str, int, str] | None:
    """Where ``exc`` was raised: its type's name, the file and line of the innermost frame, and its message (cut
    to 200 characters: it often names what the code expected, ``startxref not found``). None: no exception."""
    if exc is None:
        return None
    try:
        message = str(exc)[:200]
    except Exception:
        message = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return type(exc).__name__, "", 0, message
    return type(exc).__name__, tb.tb_frame.f_code.co_filename, tb.tb_lineno, message


def lines_run(
    func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[frozenset[tuple[int, int]], tuple[str, str, int, str] | None]:
    """The (code id, line) pairs ``func(*args, **kwargs)`` runs, perfkit's own code left out, and where it raised
    (:func:`raise_site`). A ``CallTimeout`` passes through."""
    import sys

    seen: set[tuple[int, int]] = set()
    skip: dict[int, bool] = {}

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            seen.add((id(frame.f_code), frame.f_lineno))
        return local

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        code = frame.f_code
        own = skip.get(id(code))
        if own is None:
            own = skip[id(code)] = code.co_filename.startswith(_OWN)
        return None if own else local

    raised: BaseException | None = None
    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        func(*args, **kwargs)
    except CallTimeout:
        raise
    except TARGET_RAISES as exc:
        raised = exc
    finally:
        sys.settrace(previous)
    return frozenset(seen), raise_site(raised)


def repeats_for(call_s: float, left_s: float) -> int:
    """Timings per input when time drives the search: a short call is timed up to MAX_REPEATS times (its noise is
    large next to it); the repeats of one input take at most 1/200 of the budget left (and 0.25 s), so a slow
    call is timed once or twice and the search goes on."""
    spend = min(0.25, left_s / 200)
    return max(1, min(MAX_REPEATS, int(spend / max(call_s, 1e-7))))


def lines_blind(
    points: list[tuple[int, float]], *, ns_per_line: float, factor: float = 4.0, min_s: float = 2e-5
) -> int | None:
    """The index of a point (of at least ``min_s`` seconds) whose time per executed line is ``factor`` times the
    typical one, or None.

    ``points`` are (lines, time_s) of measured inputs. For Python-level work, time follows the line count and the
    time per line stays within a small band; when some inputs take several times longer per line (a regex
    backtracking, ``str.replace`` or ``x in list`` over long data), the line count cannot rank them: time must.
    The caller confirms the candidate by timing it again before it believes it (one timing can be a spike)."""
    import statistics

    rates = [(t * 1e9 / (max(lines, 1) * ns_per_line), i) for i, (lines, t) in enumerate(points) if lines >= 0]
    if len(rates) < 8:
        return None
    typical = statistics.median(r for r, _ in rates)
    long = [(r, i) for r, i in rates if points[i][1] >= min_s]
    if not long:
        return None
    rate, index = max(long)
    return index if rate >= factor * max(typical, 1.0) else None
