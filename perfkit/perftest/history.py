"""A perf test's stored history as its noise model: how much sessions differ from each other, where the series
changed (:func:`perfkit.changepoints.e_divisive`), and whether a new value lies outside what past sessions spread
over. Also the import of pytest-benchmark's saved JSON (``.benchmarks/<machine>/NNNN_name.json``) as history.

Why: one baseline, saved earlier under other load, cannot tell drift from a regression; the spread of session
medians over many sessions can. Each stored run gives one point per (test, metric): its median. Pure functions
over points; :func:`load` and :func:`import_pytest_benchmark` are the only ones that touch the store.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfkit.changepoints import ChangePoint, e_divisive
from perfkit.errors import InvalidArgument, PerfkitError

if TYPE_CHECKING:
    from perfkit.store import Run, Store

PERFKIT = "perfkit"
PYTEST_BENCHMARK = "pytest-benchmark"
IMPORTED_NAME = "pytest-benchmark"  # the run name of imported files
CLOCKS = ("time", "cpu")
_MAD_TO_SD = 1.4826  # a normal distribution's standard deviation per median absolute deviation
_Z95 = 1.959964


@dataclass(frozen=True)
class Point:
    """One test's median in one stored run; ``low``/``high``: that run's 95% interval of the median."""

    run_id: int
    started_at: str
    commit: str | None
    value: float
    low: float | None = None
    high: float | None = None
    source: str = PERFKIT
    fingerprint: str | None = None


@dataclass(frozen=True)
class Noise:
    """The spread of a run of sessions with no change point among them.

    ``between``: relative standard deviation of the session medians (robust: 1.4826 MAD of their logs);
    ``within``: the typical relative standard error of one session's median (from its stored interval), None when
    no interval was stored. ``excess`` = between / within: how many times more sessions differ than one session's
    own interval says (1: a single baseline is a fair reference; 3: its verdicts are three times too confident).
    """

    sessions: int
    center: float
    between: float
    within: float | None

    @property
    def excess(self) -> float | None:
        if self.within is None or self.within <= 0:
            return None
        return self.between / self.within


@dataclass(frozen=True)
class Assessment:
    """A test's history and the verdict on its newest value (``current``, else the latest stored point)."""

    key: str
    metric: str
    points: tuple[Point, ...]
    change_points: tuple[ChangePoint, ...]  # indexes into ``points``
    method_changes: tuple[int, ...]  # indexes where the source changed (pytest-benchmark → perfkit)
    noise: Noise | None  # of the reference: the sessions since the last change before the judged value
    value: float | None  # the judged value
    ratio: float | None  # value / reference center
    band: tuple[float, float] | None  # the ratios the reference's spread allows at the chosen confidence
    verdict: str  # 'regression', 'improved', 'same', 'short history', 'no ratio' (a value of 0 among others)
    note: str = ""
    left_out: int = 0  # points of other machines left out (clock metrics)


def noise(points: Sequence[Point]) -> Noise:
    """The spread of ``points`` (sessions assumed free of change points; positive values)."""
    values = [p.value for p in points]
    if not values or min(values) <= 0:
        raise InvalidArgument("points", values[:5], "give at least one session with a positive median")
    logs = sorted(math.log(v) for v in values)
    center = _median(logs)
    between = _MAD_TO_SD * _median([abs(v - center) for v in logs]) if len(logs) > 1 else 0.0
    errors = [
        (math.log(p.high) - math.log(p.low)) / (2 * _Z95)
        for p in points
        if p.low is not None and p.high is not None and p.low > 0 and p.high >= p.low
    ]
    within = _median(errors) if errors else None
    return Noise(len(values), math.exp(center), between, within)


def assess(
    points: Sequence[Point],
    *,
    key: str = "",
    metric: str = "time",
    current: float | None = None,
    threshold: float = 0.05,
    confidence: float = 0.99,
    min_history: int = 5,
    significance: float = 0.01,
    same_machine: bool = True,
    seed: int = 0,
) -> Assessment:
    """Change points of ``points`` (oldest first) and the verdict on ``current`` (else on the latest point).

    The reference is the sessions since the last change point or change of source before the judged value. The
    value is a regression when it is more than ``threshold`` above the reference's center *and* outside the
    ``confidence`` prediction band of one new session drawn from the reference (Student t on the log medians).
    Clock metrics keep only the judged point's machine when ``same_machine`` (current values: the latest's).
    """
    _check(threshold, confidence, min_history)
    ordered = list(points)
    left_out = 0
    if same_machine and metric in CLOCKS and ordered:
        machine = ordered[-1].fingerprint
        kept = [p for p in ordered if p.fingerprint == machine]
        left_out, ordered = len(ordered) - len(kept), kept
    if current is None and not ordered:
        raise InvalidArgument("points", points, "give at least one point, or a current value")
    history = ordered if current is not None else ordered[:-1]
    value = current if current is not None else ordered[-1].value
    changes, methods = _change_points(ordered, significance=significance, seed=seed)
    start = max([0, *(c.index for c in changes if c.index < len(history)), *(m for m in methods if m < len(history))])
    reference = [p for p in history[start:] if p.value > 0]
    found = Assessment(
        key, metric, tuple(ordered), tuple(changes), tuple(methods), None, value, None, None, "short history",
        left_out=left_out,
    )  # fmt: skip
    if value <= 0:
        prior = [p.value for p in history[start:]]
        if prior and all(v == value for v in prior):
            return replace(found, verdict="same", note=f"{len(prior)} session(s) since the last change, all {value:g}")
        return replace(found, verdict="no ratio", note=f"a value of {value:g} has no ratio to the sessions before it")
    if len(reference) < min_history:
        note = f"{len(reference)} session(s) since the last change; {min_history} needed for a verdict"
        return replace(found, noise=noise(reference) if reference else None, note=note)
    model = noise(reference)
    ratio = value / model.center
    half = _t_quantile((1 + confidence) / 2, len(reference) - 1) * model.between * math.sqrt(1 + 1 / len(reference))
    band = (math.exp(-half), math.exp(half))
    if ratio > max(1 + threshold, band[1]):
        verdict = "regression"
    elif ratio < min(1 / (1 + threshold), band[0]):
        verdict = "improved"
    else:
        verdict = "same"
    note = f"{len(reference)} sessions since the last change spread ±{100 * model.between:.1f}% (1 sd)"
    return replace(found, noise=model, ratio=ratio, band=band, verdict=verdict, note=note)


def _change_points(points: list[Point], *, significance: float, seed: int) -> tuple[list[ChangePoint], list[int]]:
    """E-divisive within each stretch of one source; a change of source is a boundary of its own."""
    methods = [i for i in range(1, len(points)) if points[i].source != points[i - 1].source]
    found: list[ChangePoint] = []
    for start, stop in zip([0, *methods], [*methods, len(points)], strict=True):
        stretch = [p.value for p in points[start:stop]]
        for c in e_divisive(stretch, significance=significance, seed=seed):
            found.append(ChangePoint(start + c.index, c.p_value, c.before, c.after))
    return found, methods


def _t_quantile(q: float, df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(q, max(df, 1)))


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _check(threshold: float, confidence: float, min_history: int) -> None:
    if not isinstance(threshold, int | float) or not 0 <= threshold < 10:
        raise InvalidArgument("threshold", threshold, "give a share of at least 0, e.g. 0.05 for 5%")
    if not isinstance(confidence, int | float) or not 0.5 <= confidence < 1:
        raise InvalidArgument("confidence", confidence, "give a probability between 0.5 and 1, e.g. 0.99")
    if not isinstance(min_history, int) or isinstance(min_history, bool) or min_history < 2:
        raise InvalidArgument("min_history", min_history, "give a whole number of at least 2")


# ---------------------------------------------------------------------- reading the store
def load(
    store: Store, *, metric: str | None = None, key: str | None = None, kind: str = "pytest"
) -> dict[tuple[str, str], list[Point]]:
    """Each (test, metric)'s points in the store's complete runs of ``kind``, oldest first (by start time, then
    run id); ``key`` keeps the tests whose id contains it."""
    runs = sorted(store.runs(kind=kind), key=lambda r: (_utc(r.started_at), r.id or 0))
    series: dict[tuple[str, str], list[Point]] = {}
    for run in runs:
        assert run.id is not None
        source = PYTEST_BENCHMARK if run.metadata.get("source") == PYTEST_BENCHMARK else PERFKIT
        for row in store.rows(run.id):
            if row.median is None or (metric is not None and row.metric != metric):
                continue
            if key is not None and key not in row.key:
                continue
            point = Point(
                run.id, run.started_at, run.git_commit, row.median, row.low, row.high, source, run.fingerprint
            )
            series.setdefault((row.key, row.metric), []).append(point)
    return series


def judge(
    store: Store,
    *,
    key: str,
    metric: str,
    value: float,
    fingerprint: str | None = None,
    threshold: float = 0.05,
    kind: str = "pytest",
) -> Assessment | None:
    """A new ``value`` of (``key``, ``metric``) against its stored history (clock metrics: runs with this
    ``fingerprint`` only, when given); None when the store has no run of it. For the plugin's stored-baseline
    mode: a clock regression inside the history's band is drift, not a regression."""
    points = load(store, metric=metric, kind=kind).get((key, metric), [])
    if fingerprint is not None and metric in CLOCKS:
        points = [p for p in points if p.fingerprint == fingerprint]
    if not points:
        return None
    return assess(points, key=key, metric=metric, current=value, threshold=threshold, same_machine=False)


# ---------------------------------------------------------------------- importing pytest-benchmark's JSON
@dataclass
class ImportReport:
    """What :func:`import_pytest_benchmark` did: runs added, files already imported, files it could not read."""

    added: list[int] = field(default_factory=list)  # run ids
    benchmarks: int = 0
    already: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def saved_files(path: str | Path) -> list[Path]:
    """pytest-benchmark's saved files under ``path`` (its storage folder, a machine folder, or one file):
    ``NNNN_*.json`` at any depth, in counter order."""
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InvalidArgument("path", str(path), "give pytest-benchmark's storage folder (e.g. .benchmarks) or a file")
    found = [p for p in root.rglob("*.json") if p.name[:4].isdigit() and p.name[4:5] == "_"]
    return sorted(found, key=lambda p: (p.name[:4], str(p)))


def import_pytest_benchmark(store: Store, paths: Iterable[str | Path], *, name: str = IMPORTED_NAME) -> ImportReport:
    """Add each saved pytest-benchmark file as one complete pytest run (kind 'pytest', run name ``name``), one
    'time' row per benchmark (key: its full test id, as perfkit's plugin names tests). A file already imported
    (same content) is not added again. Runs are stored with their own date, commit and machine, so the history
    orders them among perfkit's own runs."""
    from perfkit.perftest.settings import parse_name

    parse_name(name, option="name")
    report = ImportReport()
    known = {r.extra.get("content_sha") for r in store.runs(kind="pytest", status=None)}
    files = [f for path in paths for f in saved_files(path)]
    parsed = []
    for file in files:
        try:
            text = file.read_bytes()
            data = json.loads(text)
            run, rows = _run_of(data, file=file, name=name)
        except (OSError, ValueError, PerfkitError) as exc:
            report.skipped.append((str(file), str(exc)))
            continue
        sha = hashlib.sha256(text).hexdigest()
        if sha in known:
            report.already.append(str(file))
            continue
        known.add(sha)
        run.extra["content_sha"] = sha
        parsed.append((run, rows))
    for run, rows in sorted(parsed, key=lambda pair: pair[0].started_at):
        report.added.append(store.add_run(run, rows))
        report.benchmarks += len(rows)
    return report


def _run_of(data: Any, *, file: Path, name: str) -> tuple[Run, list[Any]]:
    """One saved file as a Run and its Rows; PerfkitError naming what is missing."""
    from perfkit.store import Row, Run

    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        raise PerfkitError("not a pytest-benchmark file: no 'benchmarks' list")
    machine = _dict(data.get("machine_info"))
    commit = _dict(data.get("commit_info"))
    when = _utc(str(data.get("datetime") or ""))
    if not when:
        raise PerfkitError("no 'datetime' of the run")
    rows = [_row_of(bench) for bench in data["benchmarks"]]
    commit_id = commit.get("id")
    run = Run(
        kind="pytest",
        name=name,
        started_at=when,
        finished_at=when,
        git_commit=None if commit_id in (None, "", "unversioned", "unknown") else str(commit_id),
        git_branch=commit.get("branch") if commit.get("branch") not in ("(unknown)", "(detached head)") else None,
        git_dirty=bool(commit["dirty"]) if "dirty" in commit else None,
        fingerprint=_fingerprint(machine),
        python_version=str(machine.get("python_version") or "") or None,
        metadata={"source": PYTEST_BENCHMARK, "machine_info": machine, "commit_info": commit},
        extra={"imported_from": str(file), "pytest_benchmark_version": data.get("version")},
    )
    return run, [Row(**row) for row in rows]


def _row_of(bench: Any) -> dict[str, Any]:
    """A benchmark entry as Row arguments: its raw per-call times when saved (``--benchmark-save-data``), else its
    summary, with the median's 95% interval taken from the IQR (normal approximation)."""
    if not isinstance(bench, dict) or not isinstance(bench.get("stats"), dict):
        raise PerfkitError("a benchmark has no 'stats'")
    stats = bench["stats"]
    key = str(bench.get("fullname") or bench.get("name") or "")
    if not key:
        raise PerfkitError("a benchmark has no 'fullname' or 'name'")
    try:
        median = float(stats["median"])
        rounds = int(stats.get("rounds") or 1)
    except (KeyError, TypeError, ValueError):
        raise PerfkitError(f"benchmark {key!r} has no numeric 'median'") from None
    options = _dict(bench.get("options"))
    iterations = stats.get("iterations", 1)
    method = f"pytest-benchmark ({options.get('timer', 'timer')}), {rounds} rounds x {iterations} iterations, imported"
    summary = {k: stats[k] for k in ("min", "max", "mean", "stddev", "iqr", "q1", "q3", "ops") if k in stats}
    extra = {"group": bench.get("group"), "extra_info": bench.get("extra_info") or {}, "source": PYTEST_BENCHMARK}
    extra |= {"param": bench.get("param"), "params": bench.get("params"), "stats": summary, "iterations": iterations}
    row: dict[str, Any] = {"key": key, "metric": "time", "unit": "s", "method": method, "extra": extra}
    data = stats.get("data")
    if isinstance(data, list) and len(data) >= 2 and all(isinstance(v, int | float) for v in data):
        return row | {"values": [float(v) for v in data]}
    spread = float(stats.get("iqr") or 0.0) / 1.349  # the IQR of a normal distribution is 1.349 sd
    half = _Z95 * 1.2533 * spread / math.sqrt(max(rounds, 1))  # the median's standard error is 1.2533 sd / sqrt(n)
    row |= {"values": [median], "n": rounds, "median": median, "low": max(median - half, 0.0), "high": median + half}
    for column, name in (("mean", "mean"), ("stdev", "stddev"), ("min", "min"), ("max", "max")):
        if isinstance(stats.get(name), int | float):
            row[column] = float(stats[name])
    extra["interval"] = "median's 95% interval from the IQR (normal approximation)"
    return row


def _fingerprint(machine: dict[str, Any]) -> str:
    """A short hash of pytest-benchmark's machine keys (its runs never share a fingerprint with perfkit's own)."""
    cpu = _dict(machine.get("cpu"))
    parts = [PYTEST_BENCHMARK, *(str(machine.get(k, "")) for k in ("node", "machine", "system", "python_version"))]
    parts += [str(machine.get("python_implementation", "")), str(cpu.get("brand_raw") or cpu.get("brand") or "")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _utc(text: str) -> str:
    """An ISO time as UTC ``YYYY-MM-DDTHH:MM:SS+00:00`` (a time without zone is taken as UTC); "" if unreadable."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
