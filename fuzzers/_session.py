"""One search in a sandboxed child process: ``run(job, emit)`` is the :class:`perfkit.harness.sandbox.Child` entry.

The child resolves the target, builds the input strategy, instruments the constraints into a copy of the
function, and runs one searcher until its budget is spent. It reports to the parent with ``emit``: each input
that enters the corpus (``finding``), each failure (``failure``: timeout or MemoryError), a heartbeat with the
best cost (``progress``), the switch of the cost signal to time (``signal``, see below) and a final ``done``
with the counts. Before each evaluation it writes the input to ``job.current_file``, so that the parent can name
the input of a crash or a hang that kills the child.

With the "auto" signal the session watches the inputs' line counts against their times: when some input takes
several times longer per executed line than the typical one, confirmed by timing it again (work in ``re``, in
str methods, in C code, where a line count is blind), time alone drives the rest of the search.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perfkit.fuzzers._constraints import Constraint
from perfkit.fuzzers._corpus import Corpus, Finding
from perfkit.fuzzers._cost import Sample

HEARTBEAT_S = 0.25
FEATURES = frozenset({"pump", "regex", "adaptive"})  # parts of the search that can be turned off (ablations)
WATCH = 64  # recent inputs whose line counts and times are compared
BLIND_FACTOR = 4.0  # time per line this many times the typical one: line counts are blind to the work
CONFIRM_ABOVE = 0.7  # by time, inputs whose first timing reaches this share of the best cost are timed again
RESCORED = 10  # slowest inputs measured again when the signal switches to time


@dataclass(frozen=True)
class Job:
    """What one child searches: picklable, built by the campaign."""

    target: Any  # "file.py:func" / "module:func", or an importable callable
    max_size: int
    budget_s: float
    seed: int
    timeout: float
    signal: str
    searcher: str
    guided: bool
    constraints: tuple[Constraint, ...]
    current_file: str
    strategy: Any = None  # "module:name", a strategy or a generator function; None: from type hints
    seeds: tuple[tuple[tuple[Any, ...], dict[str, Any]], ...] = field(default=())
    measure_only: bool = False  # measure the seeds, emit each sample, and search nothing
    plan: tuple[tuple[str, float], ...] = ()  # searchers run in turn in this worker, each for its share of the budget
    regex_file: str | None = None  # where the campaign's regex analysis lands (None: analyse in this worker)
    valid_only: bool = False  # inputs that make the target raise are rejections (cost 0), not "slow, then raised"
    features: frozenset[str] = FEATURES


def run(job: Job, emit: Callable[[Any], None]) -> None:
    """The child's entry point."""
    session = Session(job, emit)
    try:
        for args, kwargs in job.seeds:  # always measured, even past the deadline: they are few
            sample = session.evaluate(args, kwargs)
            if job.measure_only:
                emit({"kind": "measured", "args": args, "kwargs": kwargs, "sample": sample})
        if job.measure_only:
            return
        from perfkit.fuzzers._base import searcher

        end, spent = session.deadline, 0.0
        for name, share in job.plan or ((job.searcher, 1.0),):
            spent += share
            session.searcher_name = name
            session.deadline = session.started + spent * job.budget_s
            searcher(name, guided=job.guided).run(session)
            if time.monotonic() >= end:
                break
    finally:
        session.finish()


class Session:
    """The state of one search: target, strategy, evaluator, corpus and counts."""

    def __init__(self, job: Job, emit: Callable[[Any], None]) -> None:
        from perfkit.fuzzers._cost import Evaluator
        from perfkit.fuzzers._instrument import instrument
        from perfkit.fuzzers._strategy import input_strategy

        from perfkit.target import resolve

        self.job = job
        self.emit = emit
        self.func = resolve(job.target).func if isinstance(job.target, str) else job.target
        self.max_size = job.max_size
        self.strategy = input_strategy(self.func, max_size=job.max_size, user=job.strategy)
        self.constraints = list(job.constraints) if job.guided else []
        self.copy = instrument(self.func, self.constraints)
        self.started = time.monotonic()
        self.deadline = self.started + job.budget_s
        self.evaluator = Evaluator(
            self.func,
            self.copy,
            timeout=job.timeout,
            signal_kind=job.signal,
            raised_cost=not job.valid_only,
            deadline=self.deadline,
        )
        self.signature = inspect.signature(self.func)
        self.corpus = Corpus()
        self.counts: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.notes: list[str] = []
        self.best = 0.0
        self.watched: list[tuple[int, float, tuple[Any, ...], dict[str, Any]]] = []
        self.adaptive = job.signal == "auto" and "adaptive" in job.features and not job.measure_only
        self.searcher_name = job.searcher
        self.regex: Any = None  # (attacks, dictionary) once read; () when there is none
        self.last_beat = 0.0
        self.current = os.open(job.current_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return dict(self.signature.bind(*args, **kwargs).arguments)
        except TypeError:
            return None

    def unbind(self, bound: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        call = inspect.BoundArguments(self.signature, bound)  # type: ignore[arg-type]
        return tuple(call.args), dict(call.kwargs)

    def evaluate(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Sample:
        """Measure one input, keep it in the corpus if it is among the costliest of its region, report."""
        from perfkit.inputs import input_size

        try:
            data = pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
            os.pwrite(self.current, data, 0)
            os.ftruncate(self.current, len(data))
        except Exception:  # unpicklable input: a crash would be reported without it
            os.ftruncate(self.current, 0)
        sample = self.evaluator(args, kwargs)
        self.counts["evaluations"] += 1
        self.counts[sample.outcome] += 1
        region = tuple(sorted({self.constraints[i].id for i in sample.region}))
        for cid in region:
            self.hits[cid] += 1
        if sample.outcome == "rejected" and sample.error:
            self.errors[sample.error] += 1
        if sample.outcome in ("timeout", "memory"):
            self.emit({"kind": "failure", "outcome": sample.outcome, "args": args, "kwargs": kwargs})
        if sample.outcome in ("ok", "timeout") or (sample.outcome == "rejected" and sample.cost > 0):
            finding = Finding(
                args=args,
                kwargs=kwargs,
                cost=sample.cost,
                lines=sample.lines,
                time_s=sample.time_s,
                size=input_size(args, kwargs),
                region=region,
                outcome="raised" if sample.outcome == "rejected" else sample.outcome,
                searcher=self.searcher_name,
                max_size=self.max_size,
                error=sample.error,
            )
            if self.corpus.offer(finding):
                self.emit({"kind": "finding", "finding": finding})
            self.best = max(self.best, sample.cost)
            self.evaluator.bar = CONFIRM_ABOVE * self.best
            if self.adaptive and sample.outcome != "timeout" and not self.evaluator.by_time:
                self.watch(sample, args, kwargs)
        now = time.monotonic()
        if now - self.last_beat >= HEARTBEAT_S:
            self.last_beat = now
            self.emit({"kind": "progress", "best": self.best, "evaluations": self.counts["evaluations"]})
        return sample

    def feedback(self, sample: Sample) -> float | None:
        """The cost a searcher climbs for ``sample`` (None: nothing to climb). A call cut off at the limit is
        the slowest seen: its true cost is unknown but at least the limit's."""
        if sample.outcome == "timeout":
            return max(sample.cost, self.best)
        if sample.outcome == "ok" or sample.cost > 0:
            return sample.cost
        return None

    def watch(self, sample: Sample, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Compare line counts with times over the recent inputs; switch to time when the lines are blind."""
        from perfkit.fuzzers._cost import lines_blind

        self.watched.append((sample.lines, sample.time_s, args, kwargs))
        del self.watched[:-WATCH]
        if self.counts["evaluations"] % 8:
            return
        points = [(lines, t) for lines, t, _, _ in self.watched]
        index = lines_blind(points, ns_per_line=self.evaluator.ns_per_line, factor=BLIND_FACTOR)
        if index is None:
            return
        lines, _, cand_args, cand_kwargs = self.watched[index]
        again = self.evaluator.best_time(cand_args, cand_kwargs, 5) / 1e9  # one timing can be a spike
        points[index] = (lines, again)
        if lines_blind(points, ns_per_line=self.evaluator.ns_per_line, factor=BLIND_FACTOR) != index:
            del self.watched[index]  # it was a spike
            return
        self.switch_to_time(f"an input took {again * 1e3:.3g} ms for {lines} Python lines")

    def switch_to_time(self, why: str) -> None:
        """Measure by time from now on; the slowest inputs found so far are measured again in that unit (the
        parent replaces them), so that the corpus ranks costs of one kind."""
        self.evaluator.by_time = True
        self.adaptive = False
        self.emit({"kind": "signal", "signal": "time", "why": why})
        for old in sorted(self.corpus, key=lambda f: -f.cost)[:RESCORED]:
            if old.outcome == "timeout" or self.expired():
                continue
            sample = self.evaluator(old.args, old.kwargs)
            outcome = {"ok": "ok", "timeout": "timeout", "rejected": "raised"}.get(sample.outcome)
            if outcome is None or (outcome == "raised") != (old.outcome == "raised"):
                continue
            new = dataclasses.replace(old, cost=sample.cost, time_s=sample.time_s, outcome=outcome)
            self.corpus.replace(old, new)
            self.emit({"kind": "rescored", "old": old, "new": new})

    def finish(self) -> None:
        os.close(self.current)
        self.emit(
            {
                "kind": "done",
                "counts": dict(self.counts),
                "hits": dict(self.hits),
                "errors": dict(self.errors.most_common(5)),
                "instrumented": self.copy.instrumented,
                "notes": self.notes,
            }
        )
