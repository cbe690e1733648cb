"""The parent side of a campaign: phases of searches in sandboxed children, restarts, the curve, the result.

A phase runs one searcher in a :class:`~perfkit.harness.sandbox.Child` until its share of the budget is spent.
When the child dies (a crash of the target, a C-level hang past the timeout), the input it was running is read
from the file the child writes before each evaluation, recorded as a failure, and a fresh child continues with
the rest of the budget. The main search at ``max_size`` takes most of the budget; shorter searches at N/8, N/4
and N/2 give the cost curve, which :func:`perfkit.stats.fit_complexity` classifies.

With ``search="auto"`` the main search runs hypothesis' targeted search, then the pattern search (pumping, with
the regex attacks; :mod:`._pump`), then atheris, each seeded with the slowest inputs of the phases before. When a
worker finds that line counts are blind to the target's work it says so, and every later worker measures time
(the switch is noted); the worker measures its slowest inputs again in that unit and the parent replaces them,
so that the worst input is chosen among costs of one kind.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perfkit.fuzzers._constraints import Constraint
from perfkit.fuzzers._corpus import Corpus, Finding, rank
from perfkit.fuzzers._pump import FRAMES_FILE
from perfkit.fuzzers._result import CurvePoint, Failure, FuzzResult
from perfkit.fuzzers._session import FEATURES, Job

Progress = Callable[[float, float, float], None]  # (elapsed_s, budget_s, best cost so far)
CURVE_SHARE = 0.25
MAX_RESTARTS = 25
ENTRY = "perfkit.fuzzers._session:run"
ANALYSIS = "perfkit.fuzzers._pump:analyse_entry"
FRAMES = "perfkit.fuzzers._pump:frames_entry"
AUTO_PHASES = [("hypothesis", 0.35), ("pump", 0.35), ("atheris", 0.3)]
KEEP_END = 4  # items kept from the end of an input cut down (the ending that makes the work fail late)


@dataclass
class Campaign:
    """Settings and state of one ``fuzz`` call (built and validated by :func:`perfkit.fuzzers.fuzz`)."""

    func: Callable[..., Any]
    target: Any  # what the child resolves: a spec string or an importable callable
    name: str
    max_size: int
    budget: float
    seed: int
    timeout: float
    memory_limit: int | None
    search: str
    guided: bool
    signal: str
    strategy: Any
    constraints: list[Constraint]
    llm: Callable[[str], str] | None = None
    progress: Progress | None = None
    valid_only: bool = False
    features: frozenset[str] = FEATURES
    signal_now: str = ""  # the signal the workers use: ``signal``, or "time" once a worker found lines blind
    rescored: int = 0  # findings measured again by time after the switch
    regex_file: str | None = None  # where the regex analysis worker writes its result
    counts: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    best: float = 0.0
    started: float = 0.0

    def run(self) -> FuzzResult:
        """The campaign; the regex analysis and the frame search run in workers of their own beside the search
        (when they are used)."""
        with tempfile.TemporaryDirectory(prefix="perfkit-regex-") as folder:
            analysis = self.start_analysis(os.path.join(folder, "regex.pkl"))
            frames = self.start_frames(os.path.join(folder, FRAMES_FILE)) if analysis is not None else None
            try:
                return self.search_all()
            finally:
                for child in (analysis, frames):
                    if child is not None:
                        child.close()

    def start_frames(self, path: str) -> Any:
        """Start the frame search worker (:func:`perfkit.fuzzers._pump.frames_entry`): it searches while the first
        two phases run (all of the main search for the pattern search alone) and writes what it has found to
        ``path`` every second, beside the regex analysis' file, where the pattern search reads it."""
        from perfkit.harness.sandbox import Child

        if "pump" not in self.features or self.search not in ("auto", "pump"):
            return None
        share = AUTO_PHASES[0][1] + AUTO_PHASES[1][1] if self.search == "auto" else 1.0  # it writes as it goes
        budget = share * self.budget * (1 - CURVE_SHARE)
        payload = (self.target, self.strategy, self.max_size, path, budget, self.seed, self.timeout)
        try:
            return Child(FRAMES, payload, memory_limit=self.memory_limit)
        except Exception as exc:  # the pattern search builds its own frames then
            self.notes.append(f"frame search not started ({type(exc).__name__}: {exc})")
            return None

    def start_analysis(self, path: str) -> Any:
        """Start the regex analysis worker (it writes ``path``; the pattern search and atheris read it)."""
        from perfkit.harness.sandbox import Child

        if not (self.guided and "regex" in self.features and self.search in ("auto", "pump", "atheris")):
            return None
        try:
            child = Child(ANALYSIS, (self.target, self.max_size, path), memory_limit=self.memory_limit)
        except Exception as exc:  # no analysis is no reason to stop the search
            self.notes.append(f"regex analysis not started ({type(exc).__name__}: {exc})")
            return None
        self.regex_file = path
        return child

    def search_all(self) -> FuzzResult:
        self.started = time.monotonic()
        self.signal_now = self.signal_now or self.signal
        main_budget = self.budget * (1 - CURVE_SHARE)
        curve_sizes = sorted({max(1, self.max_size // k) for k in (8, 4, 2)} - {self.max_size})
        main = Corpus(per_region=3)
        phases = self.phases()
        if self.llm is not None and len(phases) == 1:  # ask the LLM half-way, so that its constraints are used
            phases = [(self.search, 0.5), (self.search, 0.5)]
        ends = [self.started + main_budget * sum(s for _, s in phases[: i + 1]) for i in range(len(phases))]
        if self.llm is None and len(phases) > 1:  # one worker runs them in turn (a worker's start-up is long)
            self.phase(phases[0][0], self.max_size, ends[-1], main, seeds=(), plan=tuple(phases))
        else:
            for i, ((name, _share), deadline) in enumerate(zip(phases, ends, strict=True)):
                self.phase(name, self.max_size, deadline, main, seeds=_top(main, 5))
                if i == 0 and self.llm is not None and self.guided:
                    self.ask_llm(main)
        worst = main.best(valid_only=self.valid_only)
        curve_search = self.curve_search(worst)
        curve_corpora: list[tuple[int, Corpus]] = []
        for j, size in enumerate(curve_sizes):
            corpus = Corpus(per_region=1)
            deadline = self.started + main_budget + (self.budget - main_budget) * (j + 1) / len(curve_sizes)
            seeds = [cut for args, kwargs in _top(main, 3) for cut in cuts(args, kwargs, size)]
            self.phase(curve_search, size, deadline, corpus, seeds=seeds)
            curve_corpora.append((size, corpus))
        curve_corpora.append((self.max_size, main))
        extra = self.scaled_points(main, sorted({3 * self.max_size // k for k in (16, 8, 4)} - {0, *curve_sizes}))
        return self.result(main, curve_corpora, extra)

    def phases(self) -> list[tuple[str, float]]:
        if self.search != "auto":
            return [(self.search, 1.0)]
        if "pump" in self.features:
            return list(AUTO_PHASES)
        return [("hypothesis", 0.6), ("atheris", 0.4)]

    def curve_search(self, worst: Finding | None) -> str:
        """The searcher of the short searches at N/8, N/4, N/2: the chosen one, or with "auto", the pattern
        search where it or atheris found the worst input (a pattern carries over to smaller sizes), else
        hypothesis (atheris' start-up is too long for these short searches)."""
        if self.search != "auto":
            return self.search
        if "pump" in self.features and worst is not None and worst.searcher in ("pump", "atheris"):
            return "pump"
        return "hypothesis"

    def tick(self, best: float) -> None:
        self.best = max(self.best, best)
        if self.progress is not None:
            self.progress(min(time.monotonic() - self.started, self.budget), self.budget, self.best)

    def phase(
        self,
        searcher: str,
        size: int,
        deadline: float,
        corpus: Corpus,
        *,
        seeds: Any,
        plan: tuple[tuple[str, float], ...] = (),
    ) -> None:
        """Run ``searcher`` (or the searchers of ``plan`` in turn) at ``size`` until ``deadline``, restarting the
        child after a crash or a hang (seeded with the slowest inputs so far)."""
        restarts, started = 0, time.monotonic()
        with tempfile.TemporaryDirectory(prefix="perfkit-fuzz-") as folder:
            current = os.path.join(folder, "current.pkl")
            # at least one child: it measures the seeds even when the deadline has passed
            while (restarts == 0 or deadline - time.monotonic() > 0.2) and restarts <= MAX_RESTARTS:
                job = Job(
                    target=self.target,
                    max_size=size,
                    budget_s=max(0.0, deadline - time.monotonic()),
                    seed=self.seed + 1000 * restarts + size,
                    timeout=self.timeout,
                    signal=self.signal_now,
                    searcher=searcher,
                    guided=self.guided,
                    constraints=tuple(self.constraints),
                    current_file=current,
                    strategy=self.strategy,
                    seeds=tuple(seeds),
                    plan=_rest(plan, (time.monotonic() - started) / max(deadline - started, 1e-9)),
                    regex_file=self.regex_file,
                    valid_only=self.valid_only,
                    features=self.features,
                )
                if self.one_child(job, corpus, current, deadline):
                    return
                restarts += 1
                seeds = _top(corpus, 3) if plan else ()
            if restarts > MAX_RESTARTS:
                self.notes.append(f"{searcher} at size {size}: stopped after {MAX_RESTARTS} worker restarts")

    def one_child(self, job: Job, corpus: Corpus, current: str, deadline: float) -> bool:
        """Run one child to its end; True when it finished its budget, False when it died and needs a restart."""
        from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

        # heartbeats come every HEARTBEAT_S while evaluations finish; one call may take up to 10 timeouts (traced)
        patience = max(3.0, 12 * self.timeout + 2)
        with Child(ENTRY, job, memory_limit=self.memory_limit) as child:
            while True:
                try:
                    message = child.recv(timeout=patience)
                except ChildTimeout:
                    if time.monotonic() < deadline + patience:
                        self.lost(
                            current, "timeout", f"no answer from the worker for {patience:.0f} s (hang in C code?)"
                        )
                        return False
                    self.notes.append(f"{job.searcher} at size {job.max_size}: worker did not stop on time")
                    return True
                except ChildDied as died:
                    if died.returncode == 0:  # libFuzzer ended at -max_total_time
                        return True
                    self.lost(current, "crash", died.describe())
                    return False
                kind = message.get("kind")
                if kind == "finding":
                    finding: Finding = message["finding"]
                    corpus.offer(finding)
                    self.tick(finding.cost)
                elif kind == "progress":
                    self.tick(message["best"])
                elif kind == "rescored":
                    self.rescored += 1
                    corpus.replace(message["old"], message["new"])
                elif kind == "signal" and self.signal_now != message["signal"]:
                    self.signal_now = message["signal"]
                    self.notes.append(
                        f"signal: time drives the search from {job.searcher} at size {job.max_size} on "
                        f"({message['why']}: line counts are blind to work in C code)"
                    )
                elif kind == "failure":
                    what = "ran past the timeout" if message["outcome"] == "timeout" else "raised MemoryError"
                    known = any(
                        f.kind == message["outcome"] and f.args == message["args"] and f.kwargs == message["kwargs"]
                        for f in self.failures
                    )
                    if len(self.failures) < 50 and not known:
                        self.failures.append(Failure(message["outcome"], what, message["args"], message["kwargs"]))
                elif kind == "done":
                    self.counts.update(message["counts"])
                    self.hits.update(message["hits"])
                    self.errors.update(message["errors"])
                    self.notes.extend(n for n in message["notes"] if n not in self.notes)
                    if not message["instrumented"] and self.guided and self.constraints:
                        note = "no source for the target: constraints were not instrumented"
                        if note not in self.notes:
                            self.notes.append(note)
                    return True
                elif kind == "crash":  # perfkit's own code failed in the child: a bug or an unusable strategy
                    from perfkit.errors import PerfkitError

                    raise PerfkitError(f"the fuzzing worker failed: {message['type']}: {message['message']}")

    def lost(self, current: str, kind: str, message: str) -> None:
        """Record the input the child was running when it died or hung."""
        self.counts["crash" if kind == "crash" else "timeout"] += 1
        self.counts["evaluations"] += 1
        args = kwargs = None
        try:
            with open(current, "rb") as handle:
                args, kwargs = pickle.load(handle)
        except Exception:
            pass
        if not any(f.kind == kind and f.args == args and f.kwargs == kwargs for f in self.failures):
            self.failures.append(Failure(kind, message, args, kwargs))

    def ask_llm(self, corpus: Corpus) -> None:
        """Add the LLM's constraints, prompted with the hit counts of the slowest and a fast input."""
        from perfkit.fuzzers._llm import line_hits_entry, llm_constraints  # noqa: F401 (entry used by name)

        from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

        found = sorted(corpus, key=lambda f: f.cost)
        if len(found) < 2 or self.llm is None:
            self.notes.append("llm: not asked (fewer than two measured inputs)")
            return
        slow, fast = found[-1], found[0]
        try:
            with Child(
                "perfkit.fuzzers._llm:line_hits_entry",
                (self.target, [(slow.args, slow.kwargs), (fast.args, fast.kwargs)]),
            ) as child:
                slow_hits, fast_hits = (
                    child.recv(timeout=20 * self.timeout + 5),
                    child.recv(timeout=20 * self.timeout + 5),
                )
        except (ChildTimeout, ChildDied) as exc:
            self.notes.append(f"llm: not asked (line counts failed: {exc})")
            return
        try:
            extra = llm_constraints(
                self.llm,
                self.func,
                slow_hits=slow_hits,
                fast_hits=fast_hits,
                max_size=self.max_size,
                start=len(self.constraints) + 1,
            )
        except Exception as exc:
            self.notes.append(f"llm: the client failed ({type(exc).__name__}: {exc})")
            return
        self.constraints.extend(extra)
        self.notes.append(f"llm: {len(extra)} constraint(s) added")

    def measure(
        self, inputs: list[tuple[tuple[Any, ...], dict[str, Any]]], *, stop_on_timeout: bool = False
    ) -> list[dict[str, Any] | None]:
        """Measure ``inputs`` in one worker, with the campaign's current signal; None for what was not measured
        (with ``stop_on_timeout``, all that follow an input cut off at the time limit)."""
        from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

        measured: list[dict[str, Any] | None] = []
        with tempfile.TemporaryDirectory(prefix="perfkit-fuzz-") as folder:
            job = Job(
                target=self.target,
                max_size=self.max_size,
                budget_s=0.0,
                seed=self.seed,
                timeout=self.timeout,
                signal=self.signal_now or self.signal,
                searcher=self.search,
                guided=False,
                constraints=(),
                current_file=os.path.join(folder, "current.pkl"),
                strategy=self.strategy,
                seeds=tuple(inputs),
                measure_only=True,
                valid_only=self.valid_only,
                features=self.features,
            )
            with Child(ENTRY, job, memory_limit=self.memory_limit) as child:
                while len(measured) < len(inputs):
                    try:
                        message = child.recv(timeout=max(3.0, 12 * self.timeout + 2))
                    except (ChildTimeout, ChildDied):
                        break
                    if message.get("kind") == "measured":
                        measured.append(message)
                        if stop_on_timeout and message["sample"].outcome == "timeout":
                            break
                    elif message.get("kind") in ("done", "crash"):
                        break
        return measured + [None] * (len(inputs) - len(measured))

    def scaled_points(self, main: Corpus, sizes: list[int]) -> list[CurvePoint]:
        """More curve points, without a search: the worst input at N cut down to each size, measured (cut at its
        end, and cut keeping its last items: whichever is slower)."""
        from perfkit.inputs import input_size

        worst = main.best(valid_only=self.valid_only)
        if worst is None or not sizes or self.max_size < 8:
            return []
        inputs = [(size, cut) for size in sorted(sizes) for cut in cuts(worst.args, worst.kwargs, size)]
        measured = self.measure([cut for _, cut in inputs], stop_on_timeout=True)  # larger cuts would hang too
        best: dict[int, CurvePoint] = {}
        for (size, (args, kwargs)), message in zip(inputs, measured, strict=True):
            sample = None if message is None else message["sample"]
            if sample is None or sample.outcome != "ok" or (size in best and best[size].cost >= sample.cost):
                continue
            best[size] = CurvePoint(size, input_size(args, kwargs), sample.cost, sample.lines, sample.time_s, False)
        return [best[size] for size in sizes if size in best]

    def result(self, main: Corpus, curve_corpora: list[tuple[int, Corpus]], extra: list[CurvePoint]) -> FuzzResult:
        curve = list(extra)
        for bound, corpus in curve_corpora:
            best = corpus.best(valid_only=self.valid_only)
            if best is not None:
                censored = best.outcome == "timeout"
                curve.append(CurvePoint(bound, best.size, best.cost, best.lines, best.time_s, censored=censored))
        curve.sort(key=lambda p: p.max_size)
        curve = self.monotone(curve)
        complexity, r2 = self.fit(curve)
        return FuzzResult(
            target=self.name,
            max_size=self.max_size,
            budget_s=self.budget,
            seed=self.seed,
            search=self.search,
            signal=self.signal,
            timeout=self.timeout,
            worst=main.best(valid_only=self.valid_only),
            corpus=sorted(main, key=lambda f: -f.cost),
            curve=curve,
            complexity=complexity,
            complexity_r2=r2,
            constraints=list(self.constraints),
            hits=dict(self.hits),
            counts=dict(self.counts),
            failures=self.failures,
            errors=dict(self.errors.most_common(5)),
            notes=self.notes,
            elapsed_s=time.monotonic() - self.started,
            valid_only=self.valid_only,
            worst_raised=None if self.valid_only else main.best_raised(),
            signal_used=self.signal_now or self.signal,
        )

    def monotone(self, curve: list[CurvePoint]) -> list[CurvePoint]:
        """Drop cut-down points cheaper than a searched point at a smaller bound: the worst cost under a bound
        cannot fall as the bound grows, so cutting lost the slow path there (e.g. a guard on the last item)."""
        kept, floor = [], 0.0
        for point in curve:
            if point.searched or point.cost >= floor:
                kept.append(point)
            if point.searched:
                floor = max(floor, point.cost)
        if len(kept) < len(curve):
            self.notes.append(f"curve: {len(curve) - len(kept)} cut-down point(s) dropped (cutting lost the slow path)")
        return kept

    def fit(self, curve: list[CurvePoint]) -> tuple[str | None, float | None]:
        from perfkit import stats
        from perfkit.errors import InvalidArgument

        censored = [p for p in curve if p.censored]
        points = [p for p in curve if p.cost > 0 and not p.censored]
        if censored:  # a value cut off at the limit is not a cost the function finished with: never fit it as one
            self.notes.append(
                f"complexity: {len(censored)} curve point(s) ran past the {self.timeout:g} s limit (censored) and "
                "were left out of the fit"
            )
        if len({p.size for p in points}) < 3 and censored:
            self.notes.append("complexity: not fitted (too few points finished within the time limit)")
            return None, None
        sizes = [p.size for p in points]
        if len(set(sizes)) < 3 or min(sizes, default=0) < 1 or any(p.size > p.max_size for p in points):
            sizes = [p.max_size for p in points]  # the bounds, when the inputs' own sizes do not spread
        # time where it decided the cost at the largest size (work in C grows with the size; a timing spike at
        # a small size must not turn the whole fit to time), or where the search ran on time
        top = max(points, key=lambda p: (p.max_size, p.size), default=None)
        by_time = self.signal_now == "time" or (top is not None and (top.lines < 0 or top.cost > top.lines))
        by_time = by_time and all(p.time_s > 0 for p in points)
        try:  # one unit along the curve: time where it decided any point's cost (work in C), else lines
            fit = stats.fit_complexity(sizes, [p.time_s if by_time else p.cost for p in points])
        except InvalidArgument as exc:
            self.notes.append(f"complexity: not fitted ({exc.fix})")
            return None, None
        if by_time:
            self.notes.append("complexity: fitted on time (work in C code decided the cost)")
        return fit.complexity, fit.r2


def scaled(args: tuple[Any, ...], kwargs: dict[str, Any], size: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """An input cut down to ``size``: sequences truncated, integer arguments clamped; the items are kept as they
    are (clamping them would make distinct items equal), so the worst case usually stays one."""

    def cut(value: Any) -> Any:
        if isinstance(value, list | tuple | str | bytes):
            return value[:size]
        if isinstance(value, int) and not isinstance(value, bool):
            return max(-size, min(size, value))
        return value

    return tuple(cut(a) for a in args), {k: cut(v) for k, v in kwargs.items()}


def cuts(args: tuple[Any, ...], kwargs: dict[str, Any], size: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """An input cut down to ``size`` (:func:`scaled`), and, when it differs, the same cut that keeps the last
    KEEP_END items of each sequence (a pumped input's ending is often what makes it slow)."""

    def keep_end(value: Any) -> Any:
        if isinstance(value, list | tuple | str | bytes) and len(value) > size > 2 * KEEP_END:
            end: Any = value[len(value) - KEEP_END :]
            return value[: size - KEEP_END] + end
        return value

    head = scaled(args, kwargs, size)
    tail = scaled(tuple(keep_end(a) for a in args), {k: keep_end(v) for k, v in kwargs.items()}, size)
    return [head] if tail == head else [head, tail]


def _rest(plan: tuple[tuple[str, float], ...], done: float) -> tuple[tuple[str, float], ...]:
    """What is left of ``plan`` (searchers and their shares) once the fraction ``done`` of it has run, the
    shares renormalized (a worker restarted after a crash carries on where the dead one was)."""
    rest, start = [], 0.0
    for name, share in plan:
        left = min(share, start + share - done)
        if left > 1e-6:
            rest.append((name, left))
        start += share
    total = sum(share for _, share in rest)
    return tuple((name, share / total) for name, share in rest) if total > 0 else tuple((n, 1.0) for n, _ in plan[-1:])


def _top(corpus: Corpus, k: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    return [(f.args, f.kwargs) for f in sorted(corpus, key=rank, reverse=True)[:k]]
