"""What ``perfkit optimize`` found and did: one outcome per hot function and the run's report.

The pipeline (:mod:`perfkit.repo.optimize`) fills these in; the checks, the results folder, the CLI and the
dashboard read them. This module imports nothing of the pipeline, so every step can import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.repo.config import RepoConfig
from perfkit.repo.sources import FunctionInfo


@dataclass
class FunctionOutcome:
    """What happened to one hot function.

    ``share`` is its share of the workload's time as the selection measured it, ``share_source`` says how
    (e.g. "cprofile: own time + builtins it calls").
    """

    info: FunctionInfo
    share: float
    status: str = "pending"  # improved, unchanged, dropped, skipped, error
    reason: str = ""
    result: Any = None  # perfkit.optimizers.Result
    diff: str = ""
    inputs: int = 0
    share_source: str = ""
    calls: int | None = None  # calls the profiled workload made
    fallback: Any = None  # the Attempt used instead of a winner dropped for its start-up cost
    stress: Any = None  # the stress inputs it was checked and timed on (--interactive re-checks edits on them)
    llm: Any = None  # what the LLM spent on it (perfkit.optimizers.llm_budget.Usage); None without an LLM

    @property
    def winner(self) -> Any:
        """The attempt whose code is written into the copy: the loop's winner, or its fallback."""
        if self.fallback is not None:
            return self.fallback
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
    tests_passed: bool | None = None  # the repository's tests before any change
    tests_after: bool | None = None  # the same tests on the patched copy (None: not run)
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False
    profile_tool: str = ""
    profile: Any = None  # perfkit.profile.Profile of the workload (Scalene: the lines given to proposers)
    selection: Any = None  # perfkit.repo.selection.Selection: how the functions were chosen
    executor: str = ""  # where fuzzing and checks ran, e.g. "2 Dask workers (a local cluster)"; "" for here
    workers: int = 1  # workers of the executor
    workers_used: int = 0  # workers that finished at least one unit
    time_split: dict[str, Any] = field(default_factory=dict)  # per kind of work: units, reused, wall_s, busy_s
    llm: Any = None  # what the LLM spent in the whole run (Usage; the server check not included); None: no LLM

    @property
    def improved(self) -> list[FunctionOutcome]:
        return [f for f in self.functions if f.status == "improved"]


def llm_lines(report: OptimizeReport) -> list[str]:
    """What the LLM cost: the run's requests, tokens and cache hits, then each function that used it."""
    if report.llm is None:
        return []
    lines = [f"LLM: {report.llm.describe()}"]
    lines += [f"LLM for {f.info.key}: {f.llm.describe()}" for f in report.functions if f.llm]
    return lines
