"""Reports of a pytest-plugin session: terminal lines, a markdown summary and JSON. Functions return text."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from perfkit import format as fmt
from perfkit.perftest.session import Comparison

FORMAT = "perfkit.pytest"
SCHEMA_VERSION = 1
_MARKS = {
    "regression": "REGRESSION",
    "improved": "improved",
    "same": "ok",
    "new": "new",
    "skipped": "skipped",
    "noisy": "withheld",
}


def value_text(metric: str, value: float | None) -> str:
    """A value in its metric's unit."""
    if value is None or value != value:  # None or NaN
        return "-"
    if metric in ("time", "cpu"):
        return fmt.seconds(value)
    if metric == "memory":
        return fmt.size(value)
    return fmt.count(value)


def ratio_text(c: Comparison) -> str:
    """``1.083 [1.061 .. 1.102]`` (an interval only for statistical metrics)."""
    if c.ratio is None:
        return "-"
    if c.low is None or c.high is None or c.low == c.high:
        return f"{c.ratio:.3f}"
    return f"{c.ratio:.3f} [{c.low:.3f} .. {c.high:.3f}]"


def rows(comparisons: list[Comparison]) -> list[list[str]]:
    """One row per (test, metric): test, metric, baseline, current, ratio [CI], threshold, verdict."""
    out = []
    for c in comparisons:
        verdict = _MARKS.get(c.verdict, "")
        if c.verdict == "regression" and not c.gating:
            verdict += " (reported, not gating)"
        if c.note and c.verdict in ("skipped", "noisy", "new"):
            verdict += f" ({c.note})"
        elif "re-measured" in c.note:
            verdict += " (re-measured)"
        out.append(
            [
                c.key,
                c.metric,
                value_text(c.metric, c.baseline),
                value_text(c.metric, c.current),
                ratio_text(c),
                c.basis or "-",
                f"+{100 * c.threshold:g}%",
                verdict,
            ]
        )
    return out


HEADER = ["test", "metric", "baseline", "current", "ratio (95% CI)", "decided on", "threshold", "verdict"]


def terminal_lines(
    comparisons: list[Comparison],
    *,
    methods: dict[str, str],
    notes: list[str],
    compared: str | None,
    gate: str = "",
) -> list[str]:
    """The table for the terminal summary, with how each metric was measured and the notes."""
    table = [HEADER, *rows(comparisons)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for metric, method in methods.items():
        lines.append(f"{metric}: {method}")
    lines.extend(f"note: {n}" for n in notes)
    if gate:
        lines.append(gate)
    lines.append(verdict_line(comparisons, compared))
    return lines


def verdict_line(comparisons: list[Comparison], compared: str | None) -> str:
    """One line: how many regressions, or that nothing was compared."""
    if compared is None:
        return f"perfkit: measured {len({c.key for c in comparisons})} test(s); no baseline compared (--perf-compare)"
    bad = [c for c in comparisons if c.verdict == "regression" and c.gating]
    reported = sum(c.verdict == "regression" and not c.gating for c in comparisons)
    new = len({c.key for c in comparisons if c.verdict == "new"})
    tail = f", {new} new test(s) without a baseline" if new else ""
    tail += f", {reported} regression(s) of non-gating metrics reported" if reported else ""
    if bad:
        return f"perfkit: {len(bad)} performance regression(s) against {compared}{tail}"
    return f"perfkit: no performance regression against {compared}{tail}"


def markdown(
    comparisons: list[Comparison],
    *,
    methods: dict[str, str],
    notes: list[str],
    compared: str | None,
    gate: str = "",
) -> str:
    """A GitHub-flavoured markdown summary (for $GITHUB_STEP_SUMMARY)."""
    lines = ["## perfkit performance tests", "", verdict_line(comparisons, compared), ""]
    if gate:
        lines[-1:-1] = [gate, ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    for r in rows(comparisons):
        cells = [cell.replace("|", "\\|") for cell in r]
        if r[-1].startswith("REGRESSION"):
            cells[-1] = f"**{cells[-1]}**"
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.extend(f"- {metric}: {method}" for metric, method in methods.items())
    lines.extend(f"- note: {n}" for n in notes)
    return "\n".join(lines) + "\n"


def to_json(
    comparisons: list[Comparison],
    *,
    methods: dict[str, str],
    notes: list[str],
    compared: str | None,
    extra: dict[str, Any],
    gate: str = "",
) -> str:
    """Everything in the table, machine-readable, with a format name and schema version."""
    data = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "compared_to": compared,
        "regressions": sum(c.verdict == "regression" and c.gating for c in comparisons),
        "gate": gate,
        "methods": methods,
        "notes": notes,
        **extra,
        "results": [asdict(c) for c in comparisons],
    }
    return json.dumps(data, indent=1, allow_nan=True) + "\n"


def gate_line(comparisons: list[Comparison], *, counters: bool) -> str:
    """Which metrics fail the session and which are only reported, and why; on a machine without hardware
    counters, that instructions would come from callgrind."""
    if all(c.verdict == "measured" for c in comparisons):  # nothing compared: nothing gates
        return ""
    gating = list(dict.fromkeys(c.metric for c in comparisons if c.gating))
    reported = [m for m in dict.fromkeys(c.metric for c in comparisons if not c.gating) if m not in gating]
    if not gating and not reported:
        return ""
    text = "perfkit: gating: " + (", ".join(gating) or "none")
    if reported:
        text += (
            f"; reported, not gating: {', '.join(reported)} (against a stored baseline the clock cannot tell drift "
            "from a regression: time both revisions with --perf-compare=REV, or gate on it with --perf-gate)"
        )
    if not counters:
        text += "; no hardware counters on this machine: instructions come from callgrind (valgrind) when asked"
    return text
