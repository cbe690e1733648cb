"""Small inline SVG charts written by hand (no JavaScript, no CDN): bars, lines, strips.

Every mark carries a class (``bar``, ``point``, ``whisker``, ``regression``...) and a ``<title>`` tooltip, so the
charts are readable at a glance, testable, and styled by the page's CSS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
ROW = 26
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    low: float | None = None
    high: float | None = None
    css: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[float, float]]
    marked: Sequence[bool] = ()  # per point: draw it as a regression mark


def bar_chart(bars: Sequence[Bar], *, unit: str = "x", reference: float | None = 1.0) -> str:
    """Horizontal bars with optional interval whiskers and a reference line (1x: no change)."""
    if not bars:
        return ""
    left, right, top = 220, 70, 10
    height = top + ROW * len(bars) + 24
    marks = [v for b in bars for v in (b.value, b.low, b.high) if v is not None] + ([reference] if reference else [])
    log = min(marks) > 0 and max(marks) / min(marks) > 30  # speedups of 2x and 1000x side by side
    base = min(marks) / 1.5 if log else 0.0
    pos = _axis([base, max(marks) * 1.1], log, left, WIDTH - right)
    parts = [_open(WIDTH, height, "bar chart" + (" (log scale)" if log else ""))]
    for i, bar in enumerate(bars):
        y = top + i * ROW
        tip = f"{bar.label}: {bar.value:.2f}{unit}" + (
            f" [{bar.low:.2f} .. {bar.high:.2f}]" if bar.low is not None and bar.high is not None else ""
        )
        parts.append(_text(left - 6, y + 16, _clip(bar.label), css="label", anchor="end"))
        parts.append(
            f'<rect class="bar {escape(bar.css)}" x="{left}" y="{y + 4}" width="{max(pos(bar.value) - left, 1):.1f}" '
            f'height="{ROW - 8}"><title>{escape(tip)}</title></rect>'
        )
        if bar.low is not None and bar.high is not None:
            parts.append(
                f'<line class="whisker" x1="{pos(bar.low):.1f}" x2="{pos(bar.high):.1f}" '
                f'y1="{y + ROW / 2}" y2="{y + ROW / 2}"/>'
            )
        label_x = pos(max(bar.value, bar.high or 0)) + 6
        parts.append(_text(label_x, y + 16, f"{bar.value:.2f}{unit}", css="value"))
    if reference is not None:
        x = pos(reference)
        parts.append(f'<line class="reference" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 20}"/>')
        parts.append(_text(x, height - 6, f"{reference:g}{unit}" + (" (log scale)" if log else ""), anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    log_x: bool = False,
    log_y: bool = False,
    x_ticks: Sequence[tuple[float, str]] | None = None,
) -> str:
    """Lines with points; points flagged in ``Series.marked`` are drawn as regression marks."""
    points = [p for s in series for p in s.points]
    if not points:
        return ""
    left, right, top, bottom, height = 70, 20, 28, 40, 270
    fx = _axis([p[0] for p in points], log_x, left, WIDTH - right)
    fy = _axis([p[1] for p in points], log_y, height - bottom, top)
    parts = [_open(WIDTH, height, f"{y_label} by {x_label}")]
    parts.append(
        f'<line class="axis-line" x1="{left}" x2="{WIDTH - right}" y1="{height - bottom}" y2="{height - bottom}"/>'
    )
    parts.append(f'<line class="axis-line" x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}"/>')
    ys = [p[1] for p in points]
    for value in (min(ys), max(ys)):
        parts.append(_text(left - 6, fy(value) + 4, _short(value), anchor="end"))
    for x, text in x_ticks or [(v, _short(v)) for v in sorted({p[0] for p in points})][:12]:
        parts.append(_text(fx(x), height - bottom + 16, text, anchor="middle"))
    parts.append(_text((left + WIDTH - right) / 2, height - 6, x_label, anchor="middle"))
    parts.append(_text(8, 14, y_label))
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        coords = " ".join(f"{fx(x):.1f},{fy(y):.1f}" for x, y in s.points)
        title = f"<title>{escape(s.name)}</title>"
        parts.append(f'<polyline class="line" fill="none" stroke="{color}" points="{coords}">{title}</polyline>')
        for i, (x, y) in enumerate(s.points):
            marked = i < len(s.marked) and s.marked[i]
            css = "point regression" if marked else "point"
            radius = 6 if marked else 3.5
            tip = f"{s.name}: {_short(x)} -> {_short(y)}" + (" (regression)" if marked else "")
            parts.append(
                f'<circle class="{css}" cx="{fx(x):.1f}" cy="{fy(y):.1f}" r="{radius}" fill="{color}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def strip_plot(groups: Sequence[tuple[str, Sequence[float]]], *, unit_scale: float = 1e3, unit: str = "ms") -> str:
    """Each group's values as dots on one row, with the median as a tick: before/after distributions."""
    groups = [(label, values) for label, values in groups if values]
    if not groups:
        return ""
    left, right, top = 90, 30, 10
    height = top + 34 * len(groups) + 26
    fx = _axis([v for _, values in groups for v in values], False, left, WIDTH - right)
    parts = [_open(WIDTH, height, "distribution")]
    for i, (label, values) in enumerate(groups):
        y = top + i * 34 + 14
        parts.append(_text(left - 8, y + 4, label, css="label", anchor="end"))
        for value in values:
            parts.append(
                f'<circle class="point sample" cx="{fx(value):.1f}" cy="{y}" r="3" fill="{PALETTE[i % len(PALETTE)]}">'
                f"<title>{value * unit_scale:.4g} {unit}</title></circle>"
            )
        median = sorted(values)[len(values) // 2]
        parts.append(f'<line class="median" x1="{fx(median):.1f}" x2="{fx(median):.1f}" y1="{y - 10}" y2="{y + 10}"/>')
    low, high = min(v for _, vs in groups for v in vs), max(v for _, vs in groups for v in vs)
    for value in (low, high):
        parts.append(_text(fx(value), height - 6, f"{value * unit_scale:.3g} {unit}", anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def _text(x: float, y: float, content: str, *, css: str = "axis", anchor: str = "start") -> str:
    """A text label; ``content`` is escaped here."""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}">{escape(content)}</text>'


def _open(width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}">'
    )


def _axis(values: Sequence[float], log: bool, start: float, end: float):  # type: ignore[no-untyped-def]
    """A function mapping data values to pixel positions between ``start`` and ``end``."""

    def t(v: float) -> float:
        return math.log10(v) if log and v > 0 else (v if not log else 0.0)

    lo, hi = min(t(v) for v in values), max(t(v) for v in values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    return lambda v: start + (t(v) - lo) / (hi - lo) * (end - start)


def _short(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6 or magnitude < 1e-2:
        return f"{value:.2g}"
    return f"{value:.3g}"


def _clip(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]
