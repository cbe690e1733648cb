"""The logic of the pytest plugin, testable without pytest: settings, the ``perf`` call, baselines, verdicts.

:class:`~perfkit.perftest.settings.Settings` come from the command-line options;
:class:`PerfSession` collects one :class:`~perfkit.perftest.measure.Sample` per (test, metric), compares them
with the baseline in the results store and saves them; :class:`PerfCall` is what the ``perf`` fixture is.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.perftest import measure as pm
from perfkit.perftest import verdicts
from perfkit.perftest.settings import Settings, TestSettings, gating

MEMORY_SLACK = verdicts.MEMORY_SLACK
ALPHA = verdicts.ALPHA
MIN_UNDISTURBED = 0.25  # share of values run without waiting for a CPU below which wall-clock verdicts are withheld
CLOCKS = ("time", "cpu")


@dataclass
class Comparison:
    """One (test, metric) against its baseline. ratio = current / baseline (> 1: worse), the quantity the verdict
    was decided on (``basis`` names it); ``normalised``: the ratio relative to the reference loop, when known."""

    key: str
    metric: str
    unit: str
    method: str
    current: float
    baseline: float | None = None
    ratio: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    threshold: float = 0.0
    verdict: str = "measured"  # regression, improved, same, new, skipped, noisy (withheld), measured
    note: str = ""
    basis: str = ""  # "counts", "raw times", "A/B, N paired rounds"
    normalised: float | None = None
    gating: bool = True  # a regression of this row fails the session


class PerfSession:
    """Collects samples during a test session, then compares, saves and reports them."""

    def __init__(
        self, settings: Settings, *, root: Path, check_store: bool = True, metadata: dict[str, Any] | None = None
    ) -> None:
        self.settings = settings
        self.root = root
        self.metadata = metadata
        self._baselines: tuple[dict[tuple[str, str], Any], dict[tuple[str, str], Any]] | None = None
        self.samples: dict[str, list[pm.Sample]] = {}
        self.groups: dict[str, str | None] = {}
        self.test_thresholds: dict[str, float | None] = {}
        self.notes: list[str] = []
        self.comparisons: list[Comparison] = []
        self.saved_run: int | None = None
        self.ab_results: dict[str, dict[str, Any]] = {}  # key -> metric -> perfkit.perftest.ab.ABResult
        self.same_session: Any = None  # perfkit.perftest.ab.SameSession when comparing with a revision
        self.on_fatal: Callable[[str], None] | None = None  # the plugin stops the session with one line
        if settings.revision is not None:
            from perfkit.perftest.ab import SameSession

            repo = _toplevel(root)
            self.same_session = SameSession(settings.revision, settings.revision_label, repo=repo, cwd=root)
        if check_store:
            self._check_store()

    def _check_store(self) -> None:
        """Open the store now, so a missing or corrupt store stops the session before any test runs (in
        same-session A/B a stored baseline is only a fallback: a missing store is no error then)."""
        if self.settings.compare is None and self.settings.save is None:
            return
        from perfkit.store import Store

        if self.same_session is not None and self.settings.save is None and not self.settings.store.exists():
            return
        with Store(self.settings.store, create=self.settings.compare is None or self.same_session is not None):
            pass

    def close(self) -> None:
        """Remove the baseline worktree of same-session A/B, if one was made."""
        if self.same_session is not None:
            self.same_session.close()

    # ------------------------------------------------------------------ measuring
    def measure(
        self,
        key: str,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        test: TestSettings,
        *,
        nodeid_path: str = "",
        cwd: Path | None = None,
    ) -> Any:
        """Call ``func`` once for its result, then measure each metric; return the result."""
        call = functools.partial(func, *args, **kwargs)
        start = pm.clock()
        result = call()
        first_call = pm.clock() - start
        budget = self.settings.budget
        if test.rounds is not None:
            max_time = max(budget.max_time, test.rounds * 2 * budget.min_time * budget.series)
            budget = replace(
                budget, rounds=test.rounds, max_time=max_time, min_rounds=min(budget.min_rounds, test.rounds)
            )
        samples: list[pm.Sample] = []
        metrics = test.metrics or self.settings.metrics
        ab_budget = replace(budget, series=self.settings.processes or budget.series)
        if self.same_session is not None and self._measure_ab(key, func, args, kwargs, first_call, ab_budget, test):
            return result
        timed = tuple(m for m in metrics if m in CLOCKS)
        for metric in metrics:
            try:
                if metric in CLOCKS:
                    if not any(s.metric in CLOCKS for s in samples):
                        samples += self._time(func, args, kwargs, first_call, budget, timed, cwd)
                        if "cpu_unavailable" in samples[-1].extra:
                            self._note(f"cpu not measured: {samples[-1].extra['cpu_unavailable']}")
                elif metric == "cost":
                    samples.append(pm.cost_value(call))
                elif metric == "memory":
                    samples.append(pm.memory_values(call))
                else:
                    samples.append(self._instructions(func, args, kwargs, call, nodeid_path, cwd))
            except pm.Unavailable as exc:
                self._note(f"{metric} not measured: {exc}")
        self._record(key, samples, test)
        if timed and any(s.metric in CLOCKS for s in samples):
            again = functools.partial(self._time, func, args, kwargs, first_call, budget, timed, cwd)
            self.samples[key] = self._confirm(key, samples, again)
        return result

    def _measure_ab(
        self,
        key: str,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        first_call: float,
        budget: pm.Budget,
        test: TestSettings,
    ) -> bool:
        """Measure on both sides (same-session A/B); False (with a note) when the call cannot be, so that it is
        measured the usual way and compared with the stored baseline, if any."""
        from perfkit.perftest.workers import WrongTree

        job = pm.pickled_call(func, args, kwargs)
        if job is None:
            self._note("some functions or arguments could not be pickled for A/B workers: compared with the stored "
                       "baseline instead")  # fmt: skip
            return False
        self.test_thresholds[key] = test.threshold
        self.groups[key] = test.group

        def close_to(metric: str, paired: Any) -> bool:
            """Measure more rounds when the ratio passes half the threshold but its interval is not far clear of
            it (within twice the threshold): close verdicts get twice the rounds, clear ones are not repeated."""
            threshold = self.threshold(key, metric)
            return bool(paired.ratio > 1 + threshold / 2 and paired.low < 1 + 2 * threshold)

        metrics = test.metrics or self.settings.metrics
        call = functools.partial(func, *args, **kwargs)
        try:
            found = self.same_session.measure(
                call, job[0], first_call=first_call, budget=budget, metrics=metrics, close_to=close_to,
                instructions=self.settings.instructions,
            )  # fmt: skip
        except WrongTree as exc:
            message = (
                f"same-session A/B: {str(exc).removeprefix('a timing worker failed: ')}; the project's modules must "
                "be importable from sys.path entries inside the repository (not an editable-install hook); "
                "or compare with a stored baseline (--perf-ab=off)"
            )
            if self.on_fatal is not None:
                self.on_fatal(message)
            raise PerfkitError(message) from None
        except pm.Unavailable as exc:
            self._note(f"not measured: {exc}")
            found = []
        if isinstance(found, str):
            self._note(found)
            return False
        self._record(key, [r.current for r in found if r.current.values], test)
        self.ab_results[key] = {r.metric: r for r in found}
        return True

    def _confirm(self, key: str, samples: list[pm.Sample], again: Callable[[], list[pm.Sample]]) -> list[pm.Sample]:
        """When a clock sample looks like a regression against the baseline, or comes within half the threshold of
        one, measure again and decide on the series of both measurements (what the first alone said goes into
        ``extra``): more values exactly where a verdict is close, so that one unlucky measurement neither fails
        the session nor hides a regression."""
        if self.settings.compare is None:
            return samples
        first = {}
        for sample in samples:
            if sample.metric in CLOCKS:
                comp = self._compare(key, sample, *self._baseline_rows(key, sample.metric))
                close = comp.ratio is not None and comp.ratio > 1 + comp.threshold / 2
                if comp.verdict == "regression" or (close and comp.verdict == "same"):
                    first[sample.metric] = comp.ratio
        if not first:
            return samples
        more = {s.metric: s for s in again() if s.metric in first}
        out = []
        for sample in samples:
            if sample.metric in more:
                sample = pm.merge(sample, more[sample.metric])
                sample.extra["first_ratio"] = first[sample.metric]
            out.append(sample)
        return out

    def _baseline_rows(self, key: str, metric: str) -> tuple[Any, Any]:
        """The baseline rows of (key, metric) from this machine and from any machine (None when missing)."""
        if self._baselines is None:
            from perfkit.store import Store

            fingerprint = self._fingerprint()
            name = self.settings.compare or ""
            try:
                with Store(self.settings.store, create=False) as store:
                    self._baselines = (
                        store.baseline(kind="pytest", name=name, fingerprint=fingerprint),
                        store.baseline(kind="pytest", name=name),
                    )
            except PerfkitError:
                self._baselines = ({}, {})
        return self._baselines[0].get((key, metric)), self._baselines[1].get((key, metric))

    def _fingerprint(self) -> Any:
        if self.metadata is None:
            from perfkit.harness.metadata import collect_metadata

            self.metadata = collect_metadata(mode="pytest plugin")
        return self.metadata.get("fingerprint")

    def measure_pedantic(
        self,
        key: str,
        func: Callable[..., Any],
        prepare: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]],
        test: TestSettings,
        *,
        rounds: int,
        iterations: int,
        warmup_rounds: int,
    ) -> Any:
        """pedantic mode: the caller's rounds; setup runs before every round."""
        args, kwargs = prepare()
        result = func(*args, **kwargs)
        samples: list[pm.Sample] = []
        for metric in test.metrics or self.settings.metrics:
            try:
                if metric == "cpu":
                    raise pm.Unavailable("perf.pedantic measures wall-clock time only")
                if metric == "time":  # timed_rounds prepares each round itself: no setup here without its call
                    samples.append(
                        pm.timed_rounds(
                            func, prepare, rounds=rounds, iterations=iterations, warmup_rounds=warmup_rounds
                        )
                    )
                    continue
                args, kwargs = prepare()
                call = functools.partial(func, *args, **kwargs)
                if metric == "cost":
                    samples.append(pm.cost_value(call))
                elif metric == "memory":
                    samples.append(pm.memory_values(call, repeat=1))
                else:
                    samples.append(self._instructions(func, args, kwargs, call, "", None))
            except pm.Unavailable as exc:
                self._note(f"{metric} not measured: {exc}")
        self._record(key, samples, test)
        return result

    def _time(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        first_call: float,
        budget: pm.Budget,
        metrics: tuple[str, ...],
        cwd: Path | None,
    ) -> list[pm.Sample]:
        samples, note = pm.time_values(
            func,
            args,
            kwargs,
            first_call=first_call,
            budget=replace(budget, series=self.settings.processes or budget.series),
            processes=self.settings.processes > 0,
            wall="time" in metrics,
            cpu="cpu" in metrics,
            cwd=cwd or self.root,
        )
        if note:
            self._note(note)
        return samples

    def _instructions(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        call: Callable[[], Any],
        nodeid_path: str,
        cwd: Path | None,
    ) -> pm.Sample:
        mode = self.settings.instructions
        if mode == "counter" or (mode == "auto" and pm.hardware_instructions_available()):
            return pm.counter_instructions(call)
        job = pm.pickled_call(func, args, kwargs)
        if job is not None:
            try:
                return pm.callgrind_instructions(job)
            except pm.Unavailable:
                raise
            except PerfkitError:  # e.g. the child could not import the function's module
                if not nodeid_path:
                    raise
        if not nodeid_path:
            raise pm.Unavailable("the function or its arguments cannot be pickled for callgrind")
        return pm.callgrind_test(nodeid_path, cwd=cwd or self.root)

    def _record(self, key: str, samples: list[pm.Sample], test: TestSettings) -> None:
        if key in self.samples:
            raise PerfkitError("the perf fixture can be called only once per test; split the test")
        self.samples[key] = samples
        self.groups[key] = test.group
        self.test_thresholds[key] = test.threshold

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def add_samples(self, key: str, samples: list[pm.Sample], group: str | None, threshold: float | None) -> None:
        """Samples measured elsewhere (an xdist worker)."""
        self.samples[key] = samples
        self.groups[key] = group
        self.test_thresholds[key] = threshold

    # ------------------------------------------------------------------ after the tests
    def threshold(self, key: str, metric: str) -> float:
        """Per test (marker), else per group (config), else per metric (option)."""
        test = self.test_thresholds.get(key)
        if test is not None:
            return test
        group = self.groups.get(key)
        if group is not None and group in self.settings.group_thresholds:
            return self.settings.group_thresholds[group]
        return self.settings.thresholds[metric]

    def finish(self, *, metadata: dict[str, Any] | None = None) -> list[Comparison]:
        """Compare with the baseline (if asked) and save (if asked); returns the comparisons."""
        if not self.samples and not self.ab_results:
            return []
        import contextlib

        from perfkit.store import Row, Store, new_run

        if metadata is not None:
            self.metadata = metadata
        fingerprint = self._fingerprint()
        metadata = self.metadata or {}
        stored = self.same_session is None or self.settings.save is not None or self.settings.store.exists()
        opened = Store(self.settings.store, create=self.settings.compare is None) if stored else None
        with opened if opened is not None else contextlib.nullcontext() as store:
            same: dict[tuple[str, str], Any] = {}
            other: dict[tuple[str, str], Any] = {}
            if self.settings.compare is not None and store is not None:
                same = store.baseline(kind="pytest", name=self.settings.compare, fingerprint=fingerprint)
                other = store.baseline(kind="pytest", name=self.settings.compare)
            self.comparisons = []
            for key in dict.fromkeys([*self.samples, *self.ab_results]):
                ab = self.ab_results.get(key, {})
                for sample in self.samples.get(key, []):
                    if sample.metric in ab:
                        self.comparisons.append(self._compare_ab(key, ab[sample.metric]))
                    else:
                        pair = same.get((key, sample.metric)), other.get((key, sample.metric))
                        self.comparisons.append(self._compare(key, sample, *pair))
                for result in ab.values():
                    if not result.current.values:  # a clock of a call the baseline tree does not have
                        self.comparisons.append(self._compare_ab(key, result))
            measured = {c.metric for c in self.comparisons}
            for comp in self.comparisons:
                same_session = comp.basis.startswith("A/B")
                comp.gating = gating(self.settings, comp.metric, measured=measured, same_session=same_session)
            if any(c.note.startswith("baseline from another machine") for c in self.comparisons):
                self._note(
                    "the baseline comes from another machine or Python (fingerprint differs): only deterministic "
                    "metrics (cost, instructions, memory) were compared; pass --perf-force to compare time too"
                )
            if self.settings.save is not None and store is not None:
                run = new_run("pytest", name=self.settings.save, root=self.root, metadata=metadata)
                if self.settings.compare is not None:
                    run.extra["compared_to"] = self.settings.compare
                by_key = {(c.key, c.metric): c for c in self.comparisons}
                rows = [
                    Row(
                        key=key,
                        metric=s.metric,
                        values=s.values,
                        unit=s.unit,
                        method=s.method,
                        verdict=by_key[(key, s.metric)].verdict if self.settings.compare is not None else None,
                        extra={**s.extra, "group": self.groups.get(key)},
                    )
                    for key, samples in self.samples.items()
                    for s in samples
                ]
                self.saved_run = store.add_run(run, rows)
        return self.comparisons

    def _compare_ab(self, key: str, result: Any) -> Comparison:
        """A (test, metric) measured on both sides of same-session A/B."""
        values = result.current.values
        comp = Comparison(key, result.metric, result.current.unit, result.current.method, math.nan)
        comp.current = _median(values) if values else math.nan
        comp.threshold = self.threshold(key, result.metric)
        if result.baseline is None or not result.baseline.values:
            comp.verdict = "new"
            comp.note = result.note or f"no baseline in {self.settings.revision_label}"
            return comp
        comp.baseline = _median(result.baseline.values)
        if result.metric in pm.DETERMINISTIC:
            return verdicts.deterministic(comp)
        if result.raw is None:
            comp.verdict = "skipped"
            comp.note = "fewer than two A/B rounds: no interval"
            return comp
        verdicts.same_session(comp, result.raw, result.relative)
        if "first_ratio" in result.current.extra:
            comp.note = _join(
                comp.note, f"re-measured: the first rounds alone gave {result.current.extra['first_ratio']:.3f}"
            )
        return comp

    def _compare(self, key: str, sample: pm.Sample, same: Any, other: Any) -> Comparison:
        current = _median(sample.values)
        comp = Comparison(key, sample.metric, sample.unit, sample.method, current)
        comp.threshold = self.threshold(key, sample.metric)
        if self.settings.compare is None:
            return comp
        base = same
        if base is None and other is not None:
            if sample.metric in pm.DETERMINISTIC or self.settings.force:
                base = other
                comp.note = "baseline from another machine"
            else:
                comp.verdict = "skipped"
                comp.note = "baseline from another machine or Python; --perf-force compares it"
                return comp
        if base is None:
            comp.verdict = "new"
            comp.note = "no baseline: new test"
            return comp
        comp.baseline = _median(base.values)
        if sample.metric in CLOCKS and base.extra.get("scheme") != sample.extra.get("scheme"):
            comp.verdict = "skipped"
            comp.note = "the baseline was timed another way (older perfkit or perf.pedantic); save a new baseline"
            return comp
        if sample.metric in pm.DETERMINISTIC:
            verdicts.deterministic(comp)
        else:
            verdicts.stored(
                comp,
                base.values,
                sample.values,
                _reference(base.extra, base.values),
                _reference(sample.extra, sample.values),
            )
        if "first_ratio" in sample.extra:
            comp.note = _join(
                comp.note,
                f"re-measured: the first of two measurements alone gave {sample.extra['first_ratio']:.3f}",
            )
        calm = min(base.extra.get("undisturbed", 1.0), sample.extra.get("undisturbed", 1.0))
        if sample.metric == "time" and calm < MIN_UNDISTURBED and comp.verdict in ("regression", "improved"):
            verdicts.withhold(
                comp,
                f"the machine was busy (only {100 * calm:.0f}% of the values ran without waiting for a CPU) and "
                f"the wall-clock {comp.verdict} may be its doing",
                advice=f"use the cpu, cost or instructions metrics, a quieter machine, or {verdicts.ADVICE}",
            )
        return comp

    @property
    def regressions(self) -> list[Comparison]:
        """The comparisons that fail the session: regressions of gating metrics."""
        return [c for c in self.comparisons if c.verdict == "regression" and c.gating]


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _reference(row_extra: dict[str, Any], values: list[float]) -> list[float] | None:
    """The paired reference times of a sample, if it has them (same reference version, one per value)."""
    from perfkit.perftest.timing import REFERENCE_VERSION

    reference = row_extra.get("reference")
    if row_extra.get("reference_version") != REFERENCE_VERSION or not isinstance(reference, list):
        return None
    if len(reference) != len(values) or min(reference, default=0) <= 0:
        return None
    return [float(r) for r in reference]


def _verdict(
    comp: Comparison,
    base: list[float],
    new: list[float],
    base_ref: list[float] | None = None,
    new_ref: list[float] | None = None,
) -> Comparison:
    """The verdict of a stored-baseline comparison (:mod:`perfkit.perftest.verdicts`)."""
    if comp.metric in pm.DETERMINISTIC:
        return verdicts.deterministic(comp)  # type: ignore[no-any-return]
    return verdicts.stored(comp, base, new, base_ref, new_ref)  # type: ignore[no-any-return]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


class PerfCall:
    """The ``perf`` fixture: ``perf(fn, *args, **kwargs)`` returns ``fn(*args, **kwargs)``, measuring it when
    the session measures, and ``perf.pedantic(...)`` for explicit rounds and a setup function."""

    def __init__(
        self,
        session: PerfSession | None,
        key: str,
        test: TestSettings,
        *,
        nodeid_path: str = "",
        cwd: Path | None = None,
        callgrind_child: bool = False,
    ) -> None:
        self._session = session
        self._key = key
        self._test = test
        self._nodeid_path = nodeid_path
        self._cwd = cwd
        self._callgrind_child = callgrind_child
        self._used = False

    def _use(self) -> None:
        if self._used:
            raise PerfkitError("the perf fixture can be called only once per test; split the test")
        self._used = True

    def __call__(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if not callable(func):
            raise InvalidArgument("perf(func)", func, "give the function to measure, then its arguments")
        self._use()
        if self._callgrind_child:
            return _counted_call(functools.partial(func, *args, **kwargs))
        if self._session is None:
            return func(*args, **kwargs)
        return self._session.measure(
            self._key, func, args, kwargs, self._test, nodeid_path=self._nodeid_path, cwd=self._cwd
        )

    def pedantic(
        self,
        func: Callable[..., Any],
        /,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        *,
        setup: Callable[[], Any] | None = None,
        rounds: int = 1,
        iterations: int = 1,
        warmup_rounds: int = 0,
    ) -> Any:
        """pytest-benchmark's ``pedantic``: ``setup()`` may return ``(args, kwargs)`` for each round."""
        for name, value, least in (
            ("rounds", rounds, 1),
            ("iterations", iterations, 1),
            ("warmup_rounds", warmup_rounds, 0),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise InvalidArgument(f"perf.pedantic({name}=...)", value, f"give a whole number of at least {least}")
        if setup is not None and (args or kwargs):
            raise InvalidArgument("perf.pedantic(setup=...)", setup, "give either setup or args/kwargs, not both")
        self._use()

        def prepare() -> tuple[tuple[Any, ...], dict[str, Any]]:
            if setup is None:
                return tuple(args), dict(kwargs or {})
            made = setup()
            if made is None:
                return (), {}
            return tuple(made[0]), dict(made[1])

        if self._callgrind_child:
            a, k = prepare()
            return _counted_call(functools.partial(func, *a, **k))
        if self._session is None:
            a, k = prepare()
            return func(*a, **k)
        return self._session.measure_pedantic(
            self._key, func, prepare, self._test, rounds=rounds, iterations=iterations, warmup_rounds=warmup_rounds
        )


def _counted_call(call: Callable[[], Any]) -> Any:
    """In a test re-run under callgrind: two warm-up calls, then the one call callgrind counts."""
    from perfkit import _native

    result = call()
    call()
    _native.time_loop(call, (), 1)
    return result


def samples_to_wire(session: PerfSession) -> list[dict[str, Any]]:
    """The samples of an xdist worker as plain data (xdist sends it to the controller)."""
    return [
        {
            "key": key,
            "group": session.groups.get(key),
            "threshold": session.test_thresholds.get(key),
            "samples": [
                {"metric": s.metric, "values": s.values, "method": s.method, "extra": s.extra} for s in samples
            ],
        }
        for key, samples in session.samples.items()
    ]


def samples_from_wire(session: PerfSession, data: list[dict[str, Any]]) -> None:
    """Inverse of :func:`samples_to_wire`, into the controller's session."""
    for item in data:
        samples = [pm.Sample(s["metric"], list(s["values"]), s["method"], dict(s["extra"])) for s in item["samples"]]
        session.add_samples(item["key"], samples, item["group"], item["threshold"])


def _toplevel(root: Path) -> Path:
    from perfkit.perftest.ab import git_toplevel

    top = git_toplevel(root)
    if top is None:
        raise InvalidArgument("--perf-compare", str(root), "same-session A/B needs a git repository")
    return top
