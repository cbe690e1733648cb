"""Turning results into text: functions here return lines or rich renderables and never print."""

from __future__ import annotations

import math
import reprlib
from typing import Any


class _Short(reprlib.Repr):
    """reprlib with a few items per container and ints too long for ``repr`` told by their size."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlist = self.maxtuple = self.maxset = self.maxdict = 8
        self.maxstring = self.maxother = 80

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 4000:  # repr refuses ints of more than 4300 digits
            return f"<int of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_SHORT = _Short()


def short(value: Any) -> str:
    """A repr cut to a readable length; never raises for huge ints."""
    return _SHORT.repr(value)


_TIME_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns"))


def seconds(value: float | None) -> str:
    """``0.00123`` → ``'1.23 ms'``; infinity (a censored median) → ``'>= limit'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if math.isinf(value):
        return ">= limit"
    for scale, unit in _TIME_UNITS:
        if abs(value) >= scale or scale == 1e-9:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.3g} s"


def size(value: float | None) -> str:
    """Bytes as ``'1.5 MiB'``."""
    if value is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def count(value: float) -> str:
    """Counts with thousands separators; small fractional counts keep two decimals."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def measurement_lines(m: Any) -> list[tuple[str, str]]:
    """(label, text) rows describing a Measurement, for a two-column table."""
    s = m.summary()
    rows: list[tuple[str, str]] = []
    unit = "per call" if m.kind == "callable" else "per run"
    median = f"{seconds(s.median)} {unit}  [{seconds(s.low)} .. {seconds(s.high)}] 95% CI"
    if s.censored_median:
        median += "  (Kaplan-Meier, censoring-aware)"
    rows.append(("median", median))
    if s.mean is not None:
        rows.append(("mean ± sd", f"{seconds(s.mean)} ± {seconds(s.stdev)}  (cv {100 * (s.cv or 0):.1f}%)"))
        rows.append(("min .. max", f"{seconds(s.min)} .. {seconds(s.max)}"))
    runs = f"{s.n} values from {len(set(m.process))} process(es)"
    if m.kind == "callable":
        runs += f", {m.loops:,} loop(s) each"
    rows.append(("runs", runs))
    if m.metadata.get("clock") == "wall-minus-wait" and len(m.queue_wait) == len(m.times):
        waited = sum(m.queue_wait) / max(sum(m.times) + sum(m.queue_wait), 1e-300)
        rows.append(("clock", f"wall time less the wait for a CPU ({100 * waited:.0f}% of the wall time, taken out)"))
    limit = f" (limit {seconds(m.timeout)})" if m.timeout else ""
    rows.append(("censored", f"{s.n_censored} of {s.n} runs hit the time limit{limit}"))
    if m.cost:
        c = m.cost
        rows.append(("cost", f"{c['lines']:,} lines, {c['calls']:,} calls, {c['opcodes']:,} opcodes per call"))
    memory = []
    if m.peak_memory is not None:
        memory.append(f"peak {size(m.peak_memory)} allocated by the call (tracemalloc)")
    if m.max_rss is not None:
        memory.append(f"max RSS {size(m.max_rss)}")
    if memory:
        rows.append(("memory", ", ".join(memory)))
    for name, value in m.counter_medians().items():
        rows.append((name, count(value) + (f" {unit}" if name != "task-clock" else f" ns {unit}")))
    for name, reason in m.counters_unavailable.items():
        rows.append((name, f"unavailable: {reason}"))
    return rows


def speedup_verdict(ratio: float, low: float | None, high: float | None) -> tuple[str, str]:
    """How a speedup (old time / new time) with its 95% interval is told, and its kind: ``faster`` only when the
    whole interval lies above 1, ``slower`` when it lies below, else ``unchanged`` (the numbers shown beside it
    must never read as a win they are not)."""
    interval = f" [{low:.2f} .. {high:.2f}]" if low is not None and high is not None else ""
    if low is not None and low > 1.0:
        return f"{ratio:.2f}x faster{interval}", "faster"
    if high is not None and high < 1.0:
        return f"{1 / ratio:.2f}x slower (speedup {ratio:.2f}x{interval})", "slower"
    return f"no significant change (speedup {ratio:.2f}x{interval})", "unchanged"


def comparison_lines(base: Any, new: Any, ratio: Any) -> list[tuple[str, str]]:
    """(label, text) rows for ``perfkit compare``."""
    verdict = "no significant change"
    if ratio.significant:
        verdict = "significantly slower" if ratio.ratio > 1 else "significantly faster"
    return [
        ("base", f"{base.name}: {seconds(base.summary().median)}"),
        ("new", f"{new.name}: {seconds(new.summary().median)}"),
        ("ratio new/base", f"{ratio.ratio:.3f}  [{ratio.low:.3f} .. {ratio.high:.3f}] 95% CI"),
        ("p (Mann-Whitney)", f"{ratio.p_value:.3g}"),
        ("verdict", verdict),
    ]
