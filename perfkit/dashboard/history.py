"""Each perf test's history on the dashboard: its value in each run, the change points E-divisive found (dashed
vertical lines, with the shift in their tooltip), the median of each stretch between them, and the band of
between-session noise the latest run was judged against (:func:`perfkit.perftest.history.assess`)."""

from __future__ import annotations

import itertools
from html import escape

from perfkit.dashboard import svg
from perfkit.dashboard.model import TestHistory
from perfkit.perftest.history import Assessment, Point, assess

HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 270, 70, 20, 28, 40
MAX_TICKS = 12


def assessment(test: TestHistory) -> Assessment | None:
    """The history assessment of ``test`` (clock metrics: the latest run's machine), None without positive values."""
    points = [
        Point(p.run_id, p.started_at, p.commit, p.median, p.low, p.high, p.source, p.fingerprint)
        for p in test.points
        if p.median > 0
    ]
    if not points:
        return None
    return assess(points, key=test.test_id, metric=test.metric)


def figure(test: TestHistory) -> str:
    """A ``<figure>`` with the test's history chart and a caption that says what the chart shows."""
    found = assessment(test)
    title = f"{escape(test.test_id)} — {escape(test.metric)} ({escape(test.unit)}) over runs"
    css = "chart history" + (" regressed" if test.regressed else "")
    if found is None or len(found.points) < 2:
        series = svg.Series(test.test_id, [(float(i), p.median) for i, p in enumerate(test.points)])
        chart = svg.line_chart([series], x_label="run", y_label=test.unit)
        return f'<figure class="{css}"><figcaption>{title}</figcaption>{chart}</figure>'
    return (
        f'<figure class="{css}"><figcaption>{title}</figcaption>{chart_svg(found, test)}'
        f'<p class="history-note">{escape(summary(found))}</p></figure>'
    )


def summary(found: Assessment) -> str:
    """One sentence: change points, between-session noise, and the latest run's verdict."""
    parts = [f"{len(found.change_points)} change point(s)"]
    if found.noise is not None and found.noise.sessions > 1:
        parts.append(f"runs since the last change spread ±{100 * found.noise.between:.1f}%")
    latest = f"latest run: {found.verdict}"
    if found.ratio is not None:
        latest += f" (x{found.ratio:.3f} of that stretch's median)"
    parts.append(latest)
    if found.left_out:
        parts.append(f"{found.left_out} run(s) of other machines not shown")
    return "; ".join(parts)


def chart_svg(found: Assessment, test: TestHistory) -> str:
    """The chart: points and line, stretch medians, change points, the latest verdict's band."""
    points = found.points
    n = len(points)
    band = _band(found)
    values = [p.value for p in points] + ([band[1], band[2]] if band else [])
    fx = svg._axis([0.0, float(n - 1)], False, LEFT, svg.WIDTH - RIGHT)
    fy = svg._axis(values, False, HEIGHT - BOTTOM, TOP)
    parts = [svg._open(svg.WIDTH, HEIGHT, f"{test.unit} by run, with change points")]
    parts.append(
        f'<line class="axis-line" x1="{LEFT}" x2="{svg.WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}"/>'
        f'<line class="axis-line" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}"/>'
    )
    for value in (min(values), max(values)):
        parts.append(svg._text(LEFT - 6, fy(value) + 4, svg._short(value), anchor="end"))
    step = max(1, -(-n // MAX_TICKS))
    for i in range(0, n, step):
        label = (points[i].commit or points[i].started_at)[:7]
        parts.append(svg._text(fx(i), HEIGHT - BOTTOM + 16, label, anchor="middle"))
    parts.append(svg._text((LEFT + svg.WIDTH - RIGHT) / 2, HEIGHT - 6, "run (commit)", anchor="middle"))
    parts.append(svg._text(8, 14, test.unit))
    if band:
        start, low, high = band
        parts.append(
            f'<rect class="band" x="{fx(start):.1f}" y="{fy(high):.1f}" width="{max(fx(n - 1) - fx(start), 2):.1f}" '
            f'height="{max(fy(low) - fy(high), 1):.1f}" fill="#93c5fd" fill-opacity="0.25">'
            f"<title>{escape(_band_tip(found))}</title></rect>"
        )
    edges = [0, *(c.index for c in found.change_points), *found.method_changes, n]
    edges = sorted(set(edges))
    for a, b in itertools.pairwise(edges):
        stretch = sorted(p.value for p in points[a:b])
        middle = stretch[len(stretch) // 2]
        parts.append(
            f'<line class="segment" x1="{fx(a):.1f}" x2="{fx(b - 1):.1f}" y1="{fy(middle):.1f}" y2="{fy(middle):.1f}" '
            f'stroke="#111827" stroke-width="2" stroke-opacity="0.6"><title>median {svg._short(middle)}</title></line>'
        )
    for c in found.change_points:
        x = (fx(c.index - 1) + fx(c.index)) / 2
        at = points[c.index]
        tip = (
            f"change at run {at.run_id}" + (f" ({at.commit[:8]})" if at.commit else "") + f": {svg._short(c.before)}"
            f" -> {svg._short(c.after)} (x{c.ratio:.3f}, p={c.p_value:.3f})"
        )
        parts.append(
            f'<line class="changepoint" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#b91c1c" '
            f'stroke-width="2" stroke-dasharray="6 4"><title>{escape(tip)}</title></line>'
        )
    for index in found.method_changes:
        x = (fx(index - 1) + fx(index)) / 2
        parts.append(
            f'<line class="method-change" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
            f'stroke="#6b7280" stroke-dasharray="2 3"><title>measured by {escape(points[index].source)} from here'
            "</title></line>"
        )
    coords = " ".join(f"{fx(i):.1f},{fy(p.value):.1f}" for i, p in enumerate(points))
    color = svg.PALETTE[0]
    parts.append(f'<polyline class="line" fill="none" stroke="{color}" points="{coords}"/>')
    flagged = {p.run_id for p in test.points if p.verdict == "regression"}
    for i, p in enumerate(points):
        marked = p.run_id in flagged or (i == n - 1 and found.verdict == "regression")
        tip = f"run {p.run_id} {p.started_at[:10]} {(p.commit or '')[:8]}: {svg._short(p.value)}".strip()
        parts.append(
            f'<circle class="point{" regression" if marked else ""}" cx="{fx(i):.1f}" cy="{fy(p.value):.1f}" '
            f'r="{6 if marked else 3.5}" fill="{color}"><title>{escape(tip)}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _band(found: Assessment) -> tuple[int, float, float] | None:
    """(first index of the reference stretch, low, high) of the latest verdict's band, in the metric's units."""
    if found.band is None or found.noise is None:
        return None
    start = len(found.points) - 1 - found.noise.sessions
    return max(start, 0), found.noise.center * found.band[0], found.noise.center * found.band[1]


def _band_tip(found: Assessment) -> str:
    assert found.band is not None and found.noise is not None
    return (
        f"where one more run of the last {found.noise.sessions} would fall (99%): "
        f"x{found.band[0]:.3f}..x{found.band[1]:.3f} of their median"
    )
