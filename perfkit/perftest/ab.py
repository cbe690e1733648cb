"""Same-session A/B: time each perf call in the baseline revision and in the current tree, interleaved.

``pytest --perf-compare=REV`` checks REV out into a temporary git worktree (:class:`Worktree`, removed at the
end, on Ctrl-C and SIGTERM too). For each perf test the same pickled call is timed in rounds: each round is one
fresh worker whose ``sys.path`` puts the baseline tree first (A) and one whose path is the current tree's (B),
in the order AB, BA, AB, ... (ABBA), sharing the round's hash seed. Each worker checks that the modules the
call imported come from its own tree. The verdict is decided on the rounds' ratios B/A (:func:`paired_ratio`):
drift of the machine between sessions cannot enter, since both sides ran in the same minutes.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import math
import random
import shutil
import signal
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.perftest import measure as pm
from perfkit.perftest import timing
from perfkit.perftest.workers import Counts, Job, run_job, timeout_for


class ABUnavailable(PerfkitError):
    """Same-session A/B is not possible here (not a git repository, unknown revision, git missing)."""


def _git(*args: str, cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ABUnavailable(f"git could not run: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise ABUnavailable(f"git {' '.join(args[:2])} failed: {last[0]}")
    return done.stdout.strip()


def git_toplevel(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None."""
    try:
        return Path(_git("rev-parse", "--show-toplevel", cwd=path)).resolve()
    except ABUnavailable:
        return None


def resolve_revision(revision: str, *, root: Path) -> str | None:
    """The full commit id ``revision`` names in the repository of ``root``, or None."""
    if revision.startswith("-"):
        return None
    try:
        return _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", cwd=root) or None
    except ABUnavailable:
        return None


class Worktree:
    """A detached ``git worktree`` of one commit in a temporary folder; :meth:`close` removes it (also at exit
    and on SIGTERM, which is turned into KeyboardInterrupt while the worktree exists)."""

    def __init__(self, commit: str, *, repo: Path) -> None:
        self.commit = commit
        self.repo = repo
        self._tmp = Path(tempfile.mkdtemp(prefix="perfkit-ab-"))
        self.path = self._tmp / "tree"
        self._old_term: Any = None
        try:
            _git("worktree", "add", "--detach", "--quiet", str(self.path), commit, cwd=repo)
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        self.path = self.path.resolve()
        atexit.register(self.close)
        with contextlib.suppress(ValueError):  # not the main thread: no handler
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                self._old_term = signal.signal(signal.SIGTERM, _interrupt)

    def close(self) -> None:
        """Remove the worktree and its folder (idempotent)."""
        if not self._tmp.exists():
            return
        with contextlib.suppress(ABUnavailable):
            _git("worktree", "remove", "--force", str(self.path), cwd=self.repo)
        shutil.rmtree(self._tmp, ignore_errors=True)
        with contextlib.suppress(ABUnavailable):
            _git("worktree", "prune", cwd=self.repo)
        if self._old_term is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, self._old_term)
            self._old_term = None
        atexit.unregister(self.close)

    def __enter__(self) -> Worktree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def interpreter_roots() -> tuple[Path, ...]:
    """Folders of the interpreter and its packages: never mapped to the baseline tree (even a ``.venv`` inside
    the repository is the same for both sides)."""
    import site
    import sys
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), *sysconfig.get_paths().values()}
    return tuple(Path(r).resolve() for r in roots if r)


def baseline_path(path: list[str], *, current: Path, baseline: Path, cwd: Path) -> list[str]:
    """``path`` (a ``sys.path``) with each entry inside the current tree ``current`` moved to the same place in
    the baseline tree ``baseline`` when that exists there; ``""`` is ``cwd``; the interpreter's folders stay."""
    keep = interpreter_roots()
    out: list[str] = []
    for entry in path:
        resolved = Path(entry or cwd).resolve()
        if _inside(resolved, current) and not any(_inside(resolved, k) for k in keep):
            moved = baseline / resolved.relative_to(current)
            if moved.exists():
                out.append(str(moved))
                continue
        out.append(str(resolved) if entry == "" else entry)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Sides:
    """How the two sides' workers are set up: their ``sys.path``, working folder and forbidden tree."""

    revision: str  # the short name shown ("HEAD~1 (1a2b3c4)")
    current: Path
    baseline: Path
    current_path: tuple[str, ...]
    baseline_path: tuple[str, ...]
    current_cwd: Path
    baseline_cwd: Path

    @classmethod
    def make(cls, revision: str, *, current: Path, baseline: Path, path: list[str], cwd: Path) -> Sides:
        """The two sides for the trees ``current`` (the repository) and ``baseline`` (its worktree of REV)."""
        current, baseline = current.resolve(), baseline.resolve()
        here = [str(Path(p or cwd).resolve()) if p == "" else p for p in path]
        moved_cwd = baseline / cwd.resolve().relative_to(current) if _inside(cwd.resolve(), current) else cwd
        return cls(
            revision,
            current,
            baseline,
            tuple(here),
            tuple(baseline_path(path, current=current, baseline=baseline, cwd=cwd)),
            cwd,
            moved_cwd if moved_cwd.is_dir() else baseline,
        )

    def job(self, job: Job, *, side: str) -> Job:
        """``job`` set up for side "A" (baseline) or "B" (current)."""
        if side == "A":
            return replace(job, path=self.baseline_path, forbid=(str(self.current),), label=" in the baseline tree")
        return replace(job, path=self.current_path, forbid=(str(self.baseline),), label=" in the current tree")

    def cwd(self, side: str) -> Path:
        return self.baseline_cwd if side == "A" else self.current_cwd


@dataclass
class ABTimes:
    """The series of both sides, round by round (``a[i]`` and ``b[i]`` ran in the same round)."""

    a: list[timing.Series] = field(default_factory=list)
    b: list[timing.Series] = field(default_factory=list)


def order(rounds: int) -> list[tuple[str, str]]:
    """The sides of each round: AB, BA, AB, BA, ... (ABBA: neither side always goes first)."""
    return [("A", "B") if index % 2 == 0 else ("B", "A") for index in range(rounds)]


def time_ab(
    sides: Sides,
    payload: bytes,
    *,
    rounds: int,
    values: int,
    min_time: float,
    per_call: float,
    cpu: bool,
    warmups: int = timing.WARMUPS,
    seed: int | None = None,
    start: int = 0,
    loops: tuple[int, int] = (0, 0),
) -> ABTimes:
    """``rounds`` rounds of one baseline and one current worker each, interleaved ABBA, each pair with the same
    hash seed and loop counts (calibrated by the first worker). ``start`` continues the ABBA order of an earlier
    call. Raises :class:`~perfkit.perftest.workers.WorkerFailed` (its subclasses ``NotLoadable`` when the call
    does not exist in a tree, ``WrongTree`` when a worker imported from the other tree)."""
    rng = random.Random(seed)
    job = Job(payload, values=values, warmups=warmups, min_time=min_time, cpu=cpu, loops=loops[0], ref_loops=loops[1])
    out = ABTimes()
    for first, second in order(start + rounds)[start:]:
        hash_seed = rng.randrange(1, 2**32 - 1)
        for side in (first, second):
            times = run_job(
                sides.job(job, side=side), timeout=timeout_for(job, per_call), cwd=sides.cwd(side), hash_seed=hash_seed
            )
            assert isinstance(times, timing.Series)
            job = replace(job, loops=times.loops, ref_loops=times.ref_loops)
            (out.a if side == "A" else out.b).append(times)
    return out


def counts_ab(
    sides: Sides, payload: bytes, *, memory: bool, instructions: bool, per_call: float
) -> tuple[Counts, Counts]:
    """Deterministic counts (lines, peak memory, instructions by the CPU counter) of one call on each side, in
    workers with the same hash seed."""
    job = Job(payload, mode="counts", memory=memory, instructions=instructions)
    seed = random.randrange(1, 2**32 - 1)
    found = []
    for side in ("A", "B"):
        result = run_job(
            sides.job(job, side=side), timeout=timeout_for(job, per_call), cwd=sides.cwd(side), hash_seed=seed
        )
        assert isinstance(result, Counts)
        found.append(result)
    return found[0], found[1]


@dataclass(frozen=True)
class Paired:
    """The geometric mean of the rounds' ratios B/A (> 1: the current tree is slower) and its 95% t-interval."""

    ratio: float
    low: float
    high: float
    rounds: int


MIN_RANK_ROUNDS = 6  # from 6 rounds a 95% interval of the median exists; fewer use Student's t on the mean


def paired_ratio(a: list[float], b: list[float], *, confidence: float = 0.95) -> Paired:
    """Rounds ``a[i]``, ``b[i]`` paired (the round is the unit: what moves the machine between rounds cancels
    within one): the median of the rounds' ratios b/a with its distribution-free interval (order statistics,
    the sign test's binomial). A process's memory layout can move a call by a third, and a worker on a busy
    machine can stall for good: such rounds are outliers that move the median's interval by one rank each, and
    the mean's t-interval without limit. Below :data:`MIN_RANK_ROUNDS` rounds: the geometric mean with a Student
    t-interval."""
    if len(a) != len(b) or len(a) < 2 or min(a) <= 0 or min(b) <= 0:
        raise ValueError("give at least two rounds of positive values on each side")
    logs = sorted(math.log(y / x) for x, y in zip(a, b, strict=True))
    n = len(logs)
    if n < MIN_RANK_ROUNDS:
        from scipy.stats import t

        mean = statistics.fmean(logs)
        half = float(t.ppf(0.5 + confidence / 2, n - 1)) * statistics.stdev(logs) / math.sqrt(n)
        return Paired(math.exp(mean), math.exp(mean - half), math.exp(mean + half), n)
    k = median_rank(n, 1 - confidence)
    return Paired(math.exp(statistics.median(logs)), math.exp(logs[k]), math.exp(logs[n - 1 - k]), n)


def median_rank(n: int, alpha: float) -> int:
    """The largest ``j`` with P(B <= j) <= alpha / 2 for B ~ Binomial(n, 1/2) (-1 when there is none): the
    median's two-sided interval runs from the sorted values' 0-based index ``j`` to ``n - 1 - j``."""
    below, j = 0, 0
    while j <= n and (below + math.comb(n, j)) / 2**n <= alpha / 2:
        below += math.comb(n, j)
        j += 1
    return j - 1


def estimates(times: ABTimes) -> Iterator[tuple[timing.Estimate, timing.Estimate]]:
    """Each round's pair of series estimates (baseline, current)."""
    for a, b in zip(times.a, times.b, strict=True):
        yield timing.estimate(a), timing.estimate(b)


# ------------------------------------------------------------------------------------------ one session's A/B
@dataclass
class ABResult:
    """One metric of one test measured on both sides: the samples (baseline A, current B) and, for clocks, the
    paired ratios of the rounds (raw, and relative to the reference loop)."""

    metric: str
    baseline: pm.Sample | None
    current: pm.Sample
    raw: Paired | None = None
    relative: Paired | None = None
    note: str = ""  # why there is no baseline (the call does not exist in the baseline tree)


class SameSession:
    """The A/B side of a pytest session: the worktree of the baseline commit (made at first use, removed by
    :meth:`close`) and the measurement of each perf call on both sides."""

    def __init__(self, commit: str, label: str, *, repo: Path, cwd: Path, seed: int | None = None) -> None:
        self.commit = commit
        self.label = label
        self.repo = repo
        self.cwd = cwd
        self._seed = random.Random(seed)
        self._worktree: Worktree | None = None
        self._sides: Sides | None = None

    def sides(self) -> Sides:
        """Both sides' set-up; checks the baseline commit out on first use."""
        if self._sides is None:
            import sys

            self._worktree = Worktree(self.commit, repo=self.repo)
            self._sides = Sides.make(
                self.label, current=self.repo, baseline=self._worktree.path, path=list(sys.path), cwd=self.cwd
            )
        return self._sides

    @property
    def worktree(self) -> Path | None:
        return None if self._worktree is None else self._worktree.path

    def close(self) -> None:
        if self._worktree is not None:
            self._worktree.close()

    def measure(
        self,
        call: Any,
        payload: bytes,
        *,
        first_call: float,
        budget: pm.Budget,
        metrics: tuple[str, ...],
        close_to: Any,
        instructions: str,
    ) -> list[ABResult] | str:
        """Each metric on both sides, or a note saying why A/B is not possible for this call (then the caller
        measures it the usual way). ``close_to(metric, paired)`` says whether a clock verdict is close enough to
        the threshold to be measured again. Raises ``WrongTree`` when a worker imported from the other tree."""
        from perfkit.perftest.workers import NotLoadable, WorkerFailed, WrongTree, call_lines

        sides = self.sides()
        clocks = tuple(m for m in metrics if m in ("time", "cpu"))
        counter = instructions == "counter" or (instructions == "auto" and pm.hardware_instructions_available())
        job = Job(
            payload, mode="counts", memory="memory" in metrics, instructions="instructions" in metrics and counter
        )
        seed = self._seed.randrange(1, 2**32 - 1)
        timeout = timeout_for(job, first_call)
        try:
            current = run_job(sides.job(job, side="B"), timeout=timeout, cwd=sides.cwd("B"), hash_seed=seed)
        except WorkerFailed as exc:
            return f"not timed A/B: {exc}"
        assert isinstance(current, Counts)
        here = call_lines(call)
        if abs(current.lines - here) > max(20, 0.1 * max(here, current.lines)):
            return (
                f"not timed A/B: one call runs {current.lines:,} Python lines in a fresh worker but {here:,} in the "
                "test process (state the test set up does not reach workers)"
            )
        try:
            base = run_job(sides.job(job, side="A"), timeout=timeout, cwd=sides.cwd("A"), hash_seed=seed)
        except NotLoadable as exc:
            note = f"not in {self.label}: {str(exc).removeprefix('a timing worker failed: ')}"
            return _new_results(metrics, current, note)
        assert isinstance(base, Counts)
        out: list[ABResult] = []
        for metric in metrics:
            if metric in clocks:
                continue
            if metric == "instructions" and not counter:
                out.append(self._callgrind(payload, sides))
            else:
                mine = _count_sample(metric, current, "B")
                if mine is not None:
                    out.append(ABResult(metric, _count_sample(metric, base, "A"), mine))
        if clocks:
            try:
                out += self._clocks(
                    payload, sides, first_call=first_call, budget=budget, clocks=clocks, close_to=close_to
                )
            except WrongTree:
                raise
            except WorkerFailed as exc:  # e.g. a worker ran past its time: measured the usual way instead
                return f"not timed A/B: {exc}"
        return out

    def _callgrind(self, payload: bytes, sides: Sides) -> ABResult:
        samples = [
            pm.callgrind_instructions((payload, "pickle"), path=list(path), cwd=cwd)
            for path, cwd in ((sides.baseline_path, sides.baseline_cwd), (sides.current_path, sides.current_cwd))
        ]
        for sample in samples:
            sample.method = "callgrind (valgrind), one call in a child python of each tree"
        return ABResult("instructions", samples[0], samples[1])

    def _clocks(
        self,
        payload: bytes,
        sides: Sides,
        *,
        first_call: float,
        budget: pm.Budget,
        clocks: tuple[str, ...],
        close_to: Any,
    ) -> list[ABResult]:
        rounds, values = pm.plan(first_call, budget)
        warmups = 1 if first_call > pm.LONG_CALL else timing.WARMUPS
        timed = functools.partial(
            time_ab, sides, payload, rounds=rounds, values=values, min_time=budget.min_time, per_call=first_call,
            warmups=warmups, cpu=True,
        )  # fmt: skip
        times = timed(seed=self._seed.randrange(2**31))
        results = clock_results(times, clocks, label=self.label)
        again = [r.metric for r in results if r.raw is not None and close_to(r.metric, r.raw)]
        if again:
            loops = (times.a[0].loops, times.a[0].ref_loops)
            more = timed(seed=self._seed.randrange(2**31), start=rounds, loops=loops)
            first = {r.metric: r.raw for r in results}
            times = ABTimes(times.a + more.a, times.b + more.b)
            results = clock_results(times, clocks, label=self.label)
            for result in results:
                before = first.get(result.metric)
                if before is not None:
                    result.current.extra["first_ratio"] = before.ratio
        return results


def _new_results(metrics: tuple[str, ...], current: Counts, note: str) -> list[ABResult]:
    """Results without a baseline (the call is not in the baseline tree): the current side's counts only."""
    out = []
    for metric in metrics:
        sample = _count_sample(metric, current, "B") if metric not in ("time", "cpu") else None
        out.append(ABResult(metric, None, sample or pm.Sample(metric, [], "not timed: no baseline"), note=note))
    return out


def _count_sample(metric: str, counts: Counts, side: str) -> pm.Sample | None:
    where = "a fresh worker of " + ("the baseline tree" if side == "A" else "the current tree")
    if metric == "cost":
        return pm.Sample("cost", [float(counts.lines)], f"Python lines executed by one call, in {where}")
    if metric == "memory" and counts.memory is not None:
        return pm.Sample("memory", [float(counts.memory)], f"tracemalloc peak of one call, in {where}")
    if metric == "instructions" and counts.instructions is not None:
        return pm.Sample("instructions", [counts.instructions], f"CPU instructions counter (perf_event), in {where}")
    return None


def clock_results(times: ABTimes, clocks: tuple[str, ...], *, label: str) -> list[ABResult]:
    """The clock samples of both sides (one value per series, as the plugin stores them) and the rounds' paired
    ratios, raw and relative to the reference loop."""
    rounds = len(times.a)
    how = f"same-session A/B against {label}, {rounds} interleaved rounds of fresh workers"
    base = pm._clock_samples(times.a, "time" in clocks, "cpu" in clocks, how)
    cur = pm._clock_samples(times.b, "time" in clocks, "cpu" in clocks, how)
    out = []
    by_metric = {s.metric: s for s in base}
    for current in cur:
        baseline = by_metric.get(current.metric)
        if baseline is None or rounds < 2:
            out.append(ABResult(current.metric, baseline, current))
            continue
        a, b = baseline.values, current.values
        ra, rb = baseline.extra["reference"], current.extra["reference"]
        raw = paired_ratio(a, b)
        relative = paired_ratio(
            [x / r for x, r in zip(a, ra, strict=True)], [y / r for y, r in zip(b, rb, strict=True)]
        )
        current.extra["ab"] = {"baseline": label, "rounds": rounds}
        out.append(ABResult(current.metric, baseline, current, raw, relative))
    return out


def choose(settings: Any, *, root: Path) -> Any:
    """``settings`` with ``revision`` set when the comparison is same-session A/B: ``--perf-compare=NAME`` names a
    stored baseline saved from a clean git tree (its commit), or, when no baseline has that name, a git revision.
    ``--perf-ab=off`` keeps the stored baseline; ``on`` refuses to fall back (an error naming why)."""
    from perfkit.errors import InvalidArgument

    name = settings.compare
    if name is None or settings.ab == "off":
        return settings
    why = ""
    top = git_toplevel(root)
    commit = label = None
    if top is None:
        why = f"{root} is not in a git repository"
    else:
        run = _stored_run(settings.store, name)
        if run is not None and run.git_commit and not run.git_dirty and resolve_revision(run.git_commit, root=top):
            commit, label = run.git_commit, f"baseline {name!r} ({run.git_commit[:10]})"
        elif run is not None:
            why = f"the stored baseline {name!r} was saved from " + (
                "a tree with uncommitted changes" if run.git_dirty else "no commit of this repository"
            )
        else:
            commit = resolve_revision(name, root=top)
            label = f"{name} ({commit[:10]})" if commit else None
            why = "" if commit else f"{name!r} is neither a stored baseline nor a git revision"
    if commit is None:
        if settings.ab == "on":
            raise InvalidArgument("--perf-ab", "on", f"same-session A/B is not possible: {why}")
        return settings
    return replace(settings, revision=commit, revision_label=label)


def _stored_run(path: Path, name: str) -> Any:
    """The newest complete pytest run named ``name`` in the store at ``path`` (None: no store or no such run)."""
    from perfkit.store import Store

    if not Path(path).is_file():
        return None
    with Store(path, create=False) as store:
        runs = store.runs(kind="pytest", name=name)
    return runs[-1] if runs else None
