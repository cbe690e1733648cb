"""Settings of the pytest plugin, parsed and validated before any test runs; errors name the option and the fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument
from perfkit.perftest import measure as pm

DEFAULT_THRESHOLDS = {"time": 0.05, "cpu": 0.05, "cost": 0.01, "instructions": 0.01, "memory": 0.05}
DEFAULT_BASELINE = "baseline"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_REVISION = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_./~^@{}-]{0,199}$")  # a baseline name or a git revision
AB_MODES = ("auto", "on", "off")


def parse_percent(text: str, *, option: str) -> float:
    """``'5%'`` → 0.05. A bare number or anything else is refused with the option's name and the fix."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*", str(text))
    if match is None:
        raise InvalidArgument(option, text, "give a percentage with a % sign, e.g. 5%")
    value = float(match.group(1)) / 100
    if not 0 <= value < 10:
        raise InvalidArgument(option, text, "give a percentage between 0% and 1000%")
    return value


def parse_thresholds(text: str, *, option: str = "--perf-threshold") -> dict[str, float]:
    """``'5%'`` (every metric) or ``'time=5%,cost=1%'`` (the others keep their defaults)."""
    if "=" not in str(text):
        return dict.fromkeys(pm.METRICS, parse_percent(text, option=option))
    result = dict(DEFAULT_THRESHOLDS)
    for part in str(text).split(","):
        metric, _, value = part.partition("=")
        metric = metric.strip()
        if metric not in pm.METRICS:
            raise InvalidArgument(option, text, f"name metrics among {', '.join(pm.METRICS)}, e.g. time=5%,cost=1%")
        result[metric] = parse_percent(value, option=option)
    return result


def parse_metrics(text: str, *, option: str = "--perf-metric") -> tuple[str, ...]:
    """``'time,cost'`` → ('time', 'cost'); ``'all'`` → every metric."""
    if str(text).strip() == "all":
        return pm.METRICS
    names = tuple(dict.fromkeys(part.strip() for part in str(text).split(",") if part.strip()))
    unknown = [name for name in names if name not in pm.METRICS]
    if unknown or not names:
        raise InvalidArgument(option, text, f"give a comma-separated list of {', '.join(pm.METRICS)} (or all)")
    return names


def parse_name(text: str | None, *, option: str, revision: bool = False) -> str | None:
    """A baseline name (or, with ``revision``, a git revision such as ``HEAD~1`` or ``origin/main``); a value
    that names an existing file was probably a test path taken as the name."""
    if text is None:
        return None
    if not (_REVISION if revision else _NAME).match(text) or (Path(text).exists() and not Path(text).is_dir()):
        what = "a baseline name or a git revision" if revision else "a name of letters, digits, '.', '_' or '-'"
        raise InvalidArgument(option, text, f"give {what} in the form {option}=NAME")
    return text


def parse_gate(text: str | None, *, option: str = "--perf-gate") -> tuple[str, ...] | None:
    """``'auto'`` (None), ``'none'`` (no metric fails the session) or a list of metrics."""
    if text is None or str(text).strip() == "auto":
        return None
    if str(text).strip() == "none":
        return ()
    return parse_metrics(text, option=option)


def parse_group_thresholds(lines: list[str], *, option: str = "perf_group_thresholds") -> dict[str, float]:
    """Config lines ``group = 10%`` → {'group': 0.10}."""
    result = {}
    for line in lines:
        group, sep, value = line.partition("=")
        if not sep or not group.strip():
            raise InvalidArgument(option, line, "write one 'group = 10%' per line")
        result[group.strip()] = parse_percent(value, option=option)
    return result


@dataclass
class Settings:
    """What the session measures, where it stores results and what it compares against."""

    metrics: tuple[str, ...] = ("time", "cost")
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    group_thresholds: dict[str, float] = field(default_factory=dict)
    save: str | None = None
    compare: str | None = None
    force: bool = False
    store: Path = Path(".perfkit/results.sqlite")
    budget: pm.Budget = field(default_factory=pm.Budget)
    instructions: str = "auto"  # "auto" (counter, else callgrind), "counter" or "callgrind"
    processes: int = 10  # time in this many worker processes (one series each); 0: the series in the test process
    ab: str = "auto"  # same-session A/B: auto (when the baseline names a git revision), on, off
    gate: tuple[str, ...] | None = None  # metrics whose regressions fail the session; None: see gating()
    revision: str | None = None  # the commit timed beside the current tree (resolved from compare), or None
    revision_label: str = ""  # how the report names it


def gating(settings: Settings, metric: str, *, measured: set[str], same_session: bool) -> bool:
    """Whether a regression of ``metric`` fails the session. ``--perf-gate`` decides when given; else (auto)
    deterministic metrics always gate, and clocks gate in same-session A/B, or against a stored baseline only
    when no deterministic metric was measured (a stored baseline cannot tell drift from a regression)."""
    if settings.gate is not None:
        return metric in settings.gate
    if metric in pm.DETERMINISTIC or same_session:
        return True
    return not (measured & pm.DETERMINISTIC)


@dataclass
class TestSettings:
    """Per-test overrides from ``@pytest.mark.perf(...)``."""

    metrics: tuple[str, ...] | None = None
    threshold: float | None = None
    rounds: int | None = None
    group: str | None = None

    @classmethod
    def from_marker(cls, kwargs: dict[str, Any]) -> TestSettings:
        """Validate the marker's keyword arguments."""
        known = {"metric", "threshold", "rounds", "group"}
        for name in kwargs:
            if name not in known:
                raise InvalidArgument(f"perf({name}=...)", kwargs[name], f"known settings: {', '.join(sorted(known))}")
        out = cls(group=kwargs.get("group"))
        if "metric" in kwargs:
            out.metrics = parse_metrics(kwargs["metric"], option="perf(metric=...)")
        if "threshold" in kwargs:
            out.threshold = parse_percent(kwargs["threshold"], option="perf(threshold=...)")
        if "rounds" in kwargs:
            rounds = kwargs["rounds"]
            if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 2:
                raise InvalidArgument("perf(rounds=...)", rounds, "give a whole number of at least 2")
            out.rounds = rounds
        return out
