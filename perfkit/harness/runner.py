"""The manager: runs the timing loop in worker processes one after another and gathers a Measurement.

Following pyperf, the first worker calibrates the loop count and the others reuse it, each worker warms up and
then takes several values, so that one process's state (hash seeds, memory layout) does not bias the result.
By default each value is the wall time less the time the worker waited for a CPU (``Options.clock``), which is
what keeps repeated measurements close on a machine with more runnable processes than CPUs.
Unlike pyperf, the manager owns a per-call time limit: a worker whose call runs past it is killed and the run
is recorded as censored at the limit, never dropped.
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from perfkit.errors import InvalidArgument, PerfkitError, TargetRaised
from perfkit.harness.metadata import collect_metadata
from perfkit.harness.options import Options
from perfkit.harness.result import Measurement
from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout
from perfkit.harness.worker import Task, run_task
from perfkit.interrupts import swallowed_here
from perfkit.pickling import dumps

Progress = Callable[[int, int], None]
STARTUP_TIMEOUT = 60.0  # seconds for a worker to import the target and send its first message
_TIMED_PHASES = ("calibrate", "warmup", "value")


ALARM_REPEAT = 0.05  # seconds between alarms past an in-process deadline, until the run stops


class _Censored(BaseException):
    """Raised by the in-process alarm to stop a call that passed the time limit."""


class _Collector:
    """Folds worker messages into a Measurement; shared by the child-process and in-process drivers."""

    def __init__(self, measurement: Measurement, options: Options, progress: Progress | None) -> None:
        self.m = measurement
        self.options = options
        self.progress = progress
        self.total = options.processes * options.values
        self.phase: str | None = None
        self.phase_loops = 1
        self.calibrated = options.loops
        self.proc = 0
        self.stop_process = False  # a run of this process was censored

    def deadline(self) -> float | None:
        """Seconds the current phase may take before the run counts as past the limit."""
        timeout = self.options.timeout
        if timeout is None:
            return None
        budget = timeout * self.phase_loops
        if self.phase not in _TIMED_PHASES:
            budget *= 20  # tracing and tracemalloc slow the call; not a timed run
        return budget * 1.05 + 0.25

    def feed(self, message: dict[str, Any]) -> None:
        kind = message["kind"]
        if kind == "start":
            self.phase, self.phase_loops = message["phase"], message["loops"]
        elif kind in ("calibration", "warmup"):
            per_call = message["ns"] / message["loops"] / 1e9
            if self._past_limit(per_call):
                return
            self.m.warmups.append((message["loops"], per_call))
            self.m.warmup_process.append(self.proc)
            if kind == "calibration":
                self.calibrated = message["loops"]
        elif kind == "value":
            per_call = message["ns"] / message["loops"] / 1e9
            if self._past_limit(per_call):
                return
            self._add_time(per_call, censored=False, wait=message.get("wait_ns", 0) / message["loops"] / 1e9)
            for name, count in message["counts"].items():
                self.m.counters.setdefault(name, []).append(count / message["loops"])
        elif kind == "counters":
            self.m.counters_unavailable.update(message["unavailable"])
        elif kind == "cost":
            self.m.cost = {k: message[k] for k in ("lines", "calls", "opcodes")}
        elif kind == "memory":
            self.m.peak_memory = message["peak_bytes"]
        elif kind == "done":
            if message["max_rss"]:
                self.m.max_rss = max(self.m.max_rss or 0, message["max_rss"])
        elif kind == "raised":
            raise TargetRaised(message["description"])
        elif kind == "crash":
            text = f"{message['type']}: {message['message']}" if message["message"] else message["type"]
            if message["type"] in ("TargetError", "InvalidArgument"):
                raise PerfkitError(message["message"])
            raise PerfkitError(f"the worker failed: {text}")

    def timed_out(self) -> None:
        """The current phase ran past the deadline and was stopped."""
        if self.phase in _TIMED_PHASES:
            self._add_time(self.options.timeout or 0.0, censored=True)
        # the cost and memory passes are extras: past the deadline they are simply not reported

    def _past_limit(self, per_call: float) -> bool:
        timeout = self.options.timeout
        if timeout is not None and per_call > timeout:
            self._add_time(timeout, censored=True)
            return True
        return False

    def _add_time(self, seconds: float, *, censored: bool, wait: float = 0.0) -> None:
        self.m.times.append(seconds)
        self.m.censored.append(censored)
        self.m.queue_wait.append(wait)
        self.m.process.append(self.proc)
        if censored:
            self.stop_process = True
        if self.progress is not None:
            self.progress(min(len(self.m.times), self.total), self.total)


def measure(
    target: Callable[..., Any] | str,
    *,
    args: tuple[Any, ...] | list[Any] = (),
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
) -> Measurement:
    """Measure ``target(*args, **kwargs)``: a callable, or a ``file.py:func`` / ``module:func`` spec."""
    options = (options or Options()).validated()
    if not isinstance(args, tuple | list):
        raise InvalidArgument("args", args, "give a tuple of positional arguments")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise InvalidArgument("kwargs", kwargs, "give a dict of keyword arguments")
    task = _make_task(target, tuple(args), dict(kwargs or {}), options)
    measurement = Measurement(
        name=name or _display_name(target),
        kind="callable",
        timeout=options.timeout,
        metadata=collect_metadata(options, mode="in-process" if options.inprocess else "worker processes"),
    )
    measurement.metadata["clock"] = task.clock
    collector = _Collector(measurement, options, progress)
    for proc in range(options.processes):
        collector.proc = proc
        collector.stop_process = False
        first = proc == 0  # the cost and memory passes run once, in the first process
        this_task = replace(
            task, loops=collector.calibrated, cost=first and options.cost, memory=first and options.memory
        )
        if options.inprocess:
            _run_inprocess(this_task, collector)
        else:
            _run_child(this_task, collector, options)
    measurement.loops = collector.calibrated or 1
    return measurement


def _make_task(
    target: Callable[..., Any] | str, args: tuple[Any, ...], kwargs: dict[str, Any], options: Options
) -> Task:
    from perfkit.harness.counters import EVENT_NAMES

    if isinstance(target, str):
        from perfkit.target import resolve

        resolve(target)  # fail here, with a clear message, rather than in every worker
    elif not callable(target):
        raise InvalidArgument("target", target, "give a callable or a 'file.py:function' spec")
    task = Task(
        func=None if isinstance(target, str) else target,
        spec=target if isinstance(target, str) else None,
        args=args,
        kwargs=kwargs,
        warmups=options.warmups,
        values=options.values,
        min_time=options.min_time,
        counters=tuple(EVENT_NAMES if options.counters is None else options.counters),
        disable_gc=options.disable_gc,
        clock=effective_clock(options.clock),
    )
    if not options.inprocess:
        _check_picklable(task)
    return task


def effective_clock(clock: str) -> str:
    """``clock``, or ``"wall"`` where run-queue waits cannot be read (they are then not taken out)."""
    from perfkit.harness import runqueue

    return clock if clock == "wall" or runqueue.available() else "wall"


def _check_picklable(task: Task) -> None:
    func = task.func
    if func is not None and getattr(func, "__module__", None) == "__main__":
        raise InvalidArgument(
            "target",
            func,
            "functions defined in __main__ cannot be re-imported by worker processes; move it into a module, "
            "pass a 'file.py:function' spec, or use inprocess=True",
        )
    try:
        dumps(task)  # what the worker's Child sends (perfkit.pickling: cloudpickle when pickle refuses)
    except Exception as exc:
        raise InvalidArgument(
            "target",
            task.func or task.spec,
            f"cannot be sent to a worker process ({exc}); use inprocess=True",
        ) from None


def _run_child(task: Task, collector: _Collector, options: Options) -> None:
    with Child("perfkit.harness.worker:run_task", task, memory_limit=options.memory_limit) as child:
        wait: float | None = STARTUP_TIMEOUT
        while True:
            try:
                message = child.recv(wait)
            except ChildTimeout:
                if collector.phase is None:
                    raise PerfkitError(f"the worker did not start within {STARTUP_TIMEOUT:.0f} s") from None
                collector.timed_out()
                return
            except ChildDied as died:
                raise TargetRaised(f"a crash: {died.describe()}") from None
            collector.feed(message)
            if collector.stop_process or message["kind"] == "done":
                return
            if message["kind"] == "start":
                wait = collector.deadline()
            else:
                wait = STARTUP_TIMEOUT if options.timeout is None else collector.deadline()


def _run_inprocess(task: Task, collector: _Collector) -> None:
    """Run the worker loop here; the time limit is a SIGALRM timer where this is the main thread.

    The timer repeats every :data:`ALARM_REPEAT` seconds past the deadline until it is disarmed: Python runs a
    signal handler wherever the interpreter next checks, and an exception raised inside a finaliser that
    ``gc.collect()`` runs is swallowed ("Exception ignored in ..."), so a one-shot alarm can be lost and a call
    that never returns would then never be stopped. The handler raises only while the timer is armed."""
    use_alarm = collector.options.timeout is not None and threading.current_thread() is threading.main_thread()
    armed = [False]

    def on_alarm(signum: int, frame: Any) -> None:
        # raised only where it reaches this driver: not in its own frames (a repeat landing while the stop is
        # handled would escape from here), nor in a finaliser or the unraisable hook (Python swallows it there;
        # the next repeat lands in the call)
        if armed[0] and (frame is None or frame.f_code not in own) and not swallowed_here(frame):
            raise _Censored

    def disarm() -> None:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    own = {sys._getframe().f_code, disarm.__code__}

    def emit(message: dict[str, Any]) -> None:
        if use_alarm:
            disarm()
        collector.feed(message)
        if collector.stop_process:
            raise _Censored
        if use_alarm and message["kind"] == "start":
            deadline = collector.deadline()
            if deadline:
                gc.collect()  # finalisers of the process's garbage run now, not in the timed window
                armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, deadline, ALARM_REPEAT)

    previous = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
    censored = False
    try:
        run_task(task, emit)
    except _Censored:
        censored = True
    finally:
        if use_alarm:
            disarm()
            signal.signal(signal.SIGALRM, previous)
    if censored and not collector.stop_process:
        collector.timed_out()


def _display_name(target: Callable[..., Any] | str) -> str:
    if isinstance(target, str):
        return target.rpartition(":")[2] if ":" in target else target
    return getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)
