"""The dashboard's HTML: one page, tables that work without JavaScript, inline SVG charts.

Functions here return strings; :mod:`perfkit.dashboard.site` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from perfkit.dashboard import svg
from perfkit.dashboard.model import Dashboard, FunctionResult, FuzzResult, OptimizeRun, TestHistory
from perfkit.format import speedup_verdict

EMPTY_HINT = (
    "Nothing here yet. Produce results with <code>perfkit optimize REPO</code>, <code>pytest --perf-save</code> "
    "(then <code>pytest --perf-compare</code>), or <code>perfkit fuzz TARGET --max-size N --store</code>, "
    "then run <code>perfkit dashboard</code> again."
)


def render(data: Dashboard) -> str:
    """The whole page."""
    sections = []
    if data.empty:
        sections.append(f'<section id="empty"><h2>No results yet</h2><p class="empty">{EMPTY_HINT}</p></section>')
    if data.optimize_runs:
        sections.append(optimize_section(data.optimize_runs))
    if data.tests:
        sections.append(tests_section(data.tests))
    if data.fuzz_results:
        sections.append(fuzz_section(data.fuzz_results))
    if data.decisions:
        from perfkit.dashboard.decisions import decisions_section

        sections.append(decisions_section(data.decisions))
    nav = "".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label, shown in (
            ("optimize", "Optimize runs", data.optimize_runs),
            ("tests", "Performance tests", data.tests),
            ("fuzz", "Fuzz results", data.fuzz_results),
            ("decisions", "Review decisions", data.decisions),
        )
        if shown
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>perfkit dashboard</title><link rel="stylesheet" href="assets/style.css"></head><body>'
        f'<header><h1>perfkit dashboard</h1><p class="meta">generated {escape(data.generated_at)} from '
        f"<code>{escape(data.source)}</code></p><nav>{nav}</nav></header><main>{''.join(sections)}</main>"
        '<script src="assets/app.js"></script></body></html>\n'
    )


# ------------------------------------------------------------------ optimize
def optimize_section(runs: Sequence[OptimizeRun]) -> str:
    latest = runs[0]
    parts = ['<section id="optimize"><h2>Optimize runs</h2>']
    parts.append(f'<p class="summary">Latest run: <b>{escape(latest.name)}</b> at {escape(latest.started_at)}')
    if latest.workload_speedup is not None:
        text, kind = speedup_verdict(latest.workload_speedup, latest.workload_low, latest.workload_high)
        parts.append(f' — workload <b class="{"speedup" if kind == "faster" else kind}">{escape(text)}</b>')
    parts.append("</p>")
    parts.append(_filter("functions"))
    rows = [
        [
            (f.key, f.key),
            (_pct(f.share), f.share),
            (f.proposer or "-", f.proposer),
            (_x(f.speedup), f.speedup),
            (_interval(f.low, f.high).strip(" []") or "-", f.low),
            ("yes" if f.verified else "no", int(f.verified)),
            (f.status, f.status),
            (f.reason or "", f.reason),
        ]
        for f in latest.functions
    ]
    headers = ["Function", "Share of time", "Proposer", "Speedup", "95% CI", "Verified", "Status", "Reason"]
    parts.append(_table("functions", headers, rows, row_classes=[f"status-{f.status}" for f in latest.functions]))
    bars = [
        svg.Bar(f.key, f.speedup, f.low, f.high, "improved" if f.status == "improved" else "other")
        for f in latest.functions
        if f.speedup is not None
    ]
    if bars:
        parts.append(
            f'<figure class="chart" id="speedup-chart"><figcaption>Speedup per function</figcaption>'
            f"{svg.bar_chart(bars)}</figure>"
        )
    parts.extend(function_details(f) for f in latest.functions)
    if len(runs) > 1:
        history = [
            [
                (str(r.run_id), r.run_id),
                (r.started_at, r.started_at),
                ((r.commit or "")[:10], r.commit or ""),
                (_x(r.workload_speedup), r.workload_speedup),
                (
                    str(sum(f.status == "improved" for f in r.functions)),
                    sum(f.status == "improved" for f in r.functions),
                ),
            ]
            for r in runs
        ]
        parts.append("<h3>All optimize runs</h3>")
        parts.append(_table("optimize-history", ["Run", "Started", "Commit", "Workload speedup", "Improved"], history))
    parts.append("</section>")
    return "".join(parts)


def function_details(f: FunctionResult) -> str:
    parts = [
        f'<details class="function" id="fn-{escape(_anchor(f.key))}"><summary>{escape(f.key)} — {escape(f.status)}'
        f"{' ' + _x(f.speedup) if f.speedup else ''}</summary>"
    ]
    if f.before or f.after:
        parts.append("<h4>Time per call, before and after</h4>")
        parts.append(svg.strip_plot([("before", f.before), ("after", f.after)]))
    if f.by_size:
        parts.append("<h4>Speedup by input size</h4>")
        series = svg.Series("speedup", [(float(size), value) for size, value in f.by_size])
        parts.append(svg.line_chart([series], x_label="input size", y_label="speedup (x)", log_x=True))
    if f.diff:
        parts.append("<h4>Accepted patch</h4>")
        parts.append(diff_block(f.diff))
    if f.candidates:
        parts.append("<h4>Candidates</h4>")
        rows = [
            [
                (str(c.round), c.round),
                (c.proposer, c.proposer),
                (c.verdict, c.verdict),
                (_x(c.speedup), c.speedup),
                (c.reason, c.reason),
            ]
            for c in f.candidates
        ]
        parts.append(_table(None, ["Round", "Proposer", "Verdict", "Speedup", "Why"], rows))
    parts.append("</details>")
    return "".join(parts)


def diff_block(diff: str) -> str:
    lines = []
    for line in diff.splitlines():
        css = (
            "add"
            if line.startswith("+") and not line.startswith("+++")
            else (
                "del"
                if line.startswith("-") and not line.startswith("---")
                else ("hunk" if line.startswith("@@") else "")
            )
        )
        lines.append(f'<span class="{css}">{escape(line)}</span>' if css else escape(line))
    return f'<pre class="diff">{chr(10).join(lines)}</pre>'


# ------------------------------------------------------------------ perf tests
def tests_section(tests: Sequence[TestHistory]) -> str:
    parts = ['<section id="tests"><h2>Performance tests</h2>']
    regressed = [t for t in tests if t.regressed]
    parts.append(
        f'<p class="summary">{len(tests)} test metric(s); '
        + (
            f'<b class="regression">{len(regressed)} regression(s) in the latest run</b>'
            if regressed
            else "no regression in the latest run"
        )
        + "</p>"
    )
    parts.append(_filter("latest"))
    rows, classes = [], []
    for t in tests:
        last = t.points[-1]
        previous = t.points[-2] if len(t.points) > 1 else None
        ratio = last.median / previous.median if previous and previous.median else None
        verdict = last.verdict or ("new" if previous is None else "")
        mark = "▲ regression" if verdict == "regression" else verdict
        rows.append(
            [
                (t.test_id, t.test_id),
                (t.metric, t.metric),
                (_value(previous.median, t.unit) if previous else "-", previous.median if previous else None),
                (_value(last.median, t.unit), last.median),
                (f"{ratio:.3f}" if ratio else "-", ratio),
                (mark, verdict),
                ((last.commit or "")[:10], last.commit or ""),
            ]
        )
        classes.append("regression" if verdict == "regression" else "")
    parts.append(
        _table(
            "latest", ["Test", "Metric", "Previous", "Latest", "Ratio", "Verdict", "Commit"], rows, row_classes=classes
        )
    )
    from perfkit.dashboard.history import figure

    parts.extend(figure(t) for t in tests)  # history with change points and the noise band
    parts.append("</section>")
    return "".join(parts)


# ------------------------------------------------------------------ fuzz
def fuzz_section(results: Sequence[FuzzResult]) -> str:
    parts = ['<section id="fuzz"><h2>Fuzz results</h2>']
    for r in results:
        fit = f"{escape(r.complexity)}" + (f" (R² {r.r2:.3f})" if r.r2 is not None else "")
        parts.append(f'<h3>{escape(r.target)} <span class="complexity">{fit}</span></h3>')
        series = svg.Series("worst cost found", [(float(n), c) for n, c in r.curve])
        chart = svg.line_chart([series], x_label="size", y_label="cost", log_x=True, log_y=True)
        parts.append(f'<figure class="chart curve">{chart}</figure>')
        if r.worst:
            rows = [[(text, text), (f"{cost:,.0f}", cost)] for text, cost in r.worst]
            parts.append(_table(None, ["Worst input", "Cost"], rows))
    parts.append("</section>")
    return "".join(parts)


# ------------------------------------------------------------------ helpers
def _table(
    table_id: str | None,
    headers: Sequence[str],
    rows: Sequence[Sequence[tuple[str, object]]],
    *,
    row_classes: Sequence[str] = (),
) -> str:
    ident = f' id="{table_id}"' if table_id else ""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        css = f' class="{escape(row_classes[i])}"' if i < len(row_classes) and row_classes[i] else ""
        cells = "".join(
            f'<td data-value="{escape("" if value is None else str(value))}">{escape(text)}</td>' for text, value in row
        )
        body.append(f"<tr{css}>{cells}</tr>")
    return f'<table class="sortable"{ident}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _filter(table_id: str) -> str:
    return (
        f'<input class="filter" type="search" placeholder="filter rows…" data-table="{table_id}" '
        f'aria-label="filter {table_id}">'
    )


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _interval(low: float | None, high: float | None) -> str:
    return f" [{low:.2f} .. {high:.2f}]" if low is not None and high is not None else ""


def _value(value: float, unit: str) -> str:
    if unit == "s":
        for scale, name in ((1, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns")):
            if abs(value) >= scale or name == "ns":
                return f"{value / scale:.3g} {name}"
    return f"{value:,.4g} {unit}".strip()


def _anchor(key: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in key)
