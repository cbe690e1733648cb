"""What the dashboard shows, as plain data: filled from the results store by :mod:`perfkit.dashboard.load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Candidate:
    """One proposal tried for a function, and what became of it."""

    round: int
    proposer: str
    verdict: str  # 'accepted', 'rejected', 'wrong', 'error', ...
    speedup: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class FunctionResult:
    """The outcome of optimising one function."""

    key: str  # module:qualname
    share: float | None  # share of the workload's time
    status: str  # 'improved', 'unchanged', 'rejected', 'dropped', ...
    proposer: str = ""
    speedup: float | None = None
    low: float | None = None
    high: float | None = None
    verified: bool = False
    reason: str = ""
    diff: str = ""
    before: tuple[float, ...] = ()  # seconds per call, original
    after: tuple[float, ...] = ()  # seconds per call, winner
    by_size: tuple[tuple[int, float], ...] = ()  # (input size, speedup)
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class OptimizeRun:
    """One ``perfkit optimize`` run."""

    run_id: int
    started_at: str
    name: str
    commit: str | None
    workload_speedup: float | None = None
    workload_low: float | None = None
    workload_high: float | None = None
    functions: tuple[FunctionResult, ...] = ()


@dataclass(frozen=True)
class FuzzResult:
    """One fuzz campaign: the cost curve and the worst inputs."""

    target: str
    started_at: str
    complexity: str
    r2: float | None
    curve: tuple[tuple[int, float], ...]  # (size, cost of the worst input found)
    worst: tuple[tuple[str, float], ...] = ()  # (repr of the input, cost)


@dataclass(frozen=True)
class HistoryPoint:
    """A perf test's value in one pytest run."""

    run_id: int
    started_at: str
    commit: str | None
    median: float
    low: float | None
    high: float | None
    verdict: str | None  # 'regression' marks a slowdown flagged in that run
    source: str = "perfkit"  # who measured it: 'perfkit', or 'pytest-benchmark' for imported runs
    fingerprint: str | None = None  # the run's machine


@dataclass(frozen=True)
class TestHistory:
    """One perf test and metric over pytest runs."""

    test_id: str
    metric: str
    unit: str
    points: tuple[HistoryPoint, ...]

    @property
    def regressed(self) -> bool:
        """True when the latest run flagged this test as a regression."""
        return bool(self.points) and self.points[-1].verdict == "regression"


@dataclass(frozen=True)
class Dashboard:
    """Everything on the page."""

    generated_at: str
    source: str
    optimize_runs: tuple[OptimizeRun, ...] = field(default=())
    fuzz_results: tuple[FuzzResult, ...] = field(default=())
    tests: tuple[TestHistory, ...] = field(default=())
    decisions: tuple[Any, ...] = field(default=())  # perfkit.store.Decision: reviews of optimize winners

    @property
    def empty(self) -> bool:
        """True when the store holds nothing to show."""
        return not (self.optimize_runs or self.fuzz_results or self.tests)
