"""``perfkit history``: import pytest-benchmark's saved runs, and show each perf test's history with its change
points, its between-session noise and the verdict on its latest run."""

from __future__ import annotations

import argparse
import json
from typing import Any

from perfkit.cli._common import check_output_file, console, err

DEFAULT_STORE = ".perfkit/results.sqlite"


def register(sub: Any) -> None:
    history = sub.add_parser(
        "history",
        help="perf-test history: change points, between-session noise, pytest-benchmark import",
        description="Work with the history of the pytest plugin's runs in the results store.",
        epilog="examples:\n  perfkit history import-pytest-benchmark .benchmarks\n"
        "  perfkit history show\n  perfkit history show --key test_parse --metric time --check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = history.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    imported = commands.add_parser(
        "import-pytest-benchmark",
        help="add pytest-benchmark's saved runs (.benchmarks/*/NNNN_*.json) to the store as history",
        description="Each saved file becomes one pytest run with its own date, commit and machine; each benchmark "
        "one 'time' row under its full test id (the id perfkit's plugin uses). Files already imported are skipped.",
    )
    imported.add_argument("paths", nargs="+", metavar="PATH", help="pytest-benchmark's storage folder, or files")
    imported.add_argument("--store", default=DEFAULT_STORE, help=f"results store (default {DEFAULT_STORE})")
    imported.add_argument("--name", default="pytest-benchmark", help="run name (default pytest-benchmark)")
    imported.set_defaults(handler=cmd_import)
    show = commands.add_parser(
        "show",
        help="each test's change points, noise between sessions and the verdict on its latest run",
        description="For each (test, metric) of the pytest runs in the store: E-divisive change points, the spread "
        "of session medians since the last one, and whether the latest run lies outside it.",
    )
    show.add_argument("--store", default=DEFAULT_STORE, help=f"results store (default {DEFAULT_STORE})")
    show.add_argument("--key", help="only tests whose id contains this text")
    show.add_argument("--metric", help="only this metric (time, cpu, cost, instructions, memory)")
    show.add_argument("--threshold", default="5%", help="smallest change called a regression (default 5%%)")
    show.add_argument("--all-machines", action="store_true", help="time and cpu: mix machines (default: latest's)")
    show.add_argument("--json", metavar="FILE", help="write the assessments as JSON")
    show.add_argument("--check", action="store_true", help="exit 1 when a latest run is a regression")
    show.set_defaults(handler=cmd_show)


def cmd_import(options: argparse.Namespace) -> int:
    from perfkit.perftest.history import import_pytest_benchmark
    from perfkit.store import Store

    with Store(options.store) as store:
        report = import_pytest_benchmark(store, options.paths, name=options.name)
    for file, why in report.skipped:
        err(f"note: skipped {file}: {why}")
    print(
        f"imported {len(report.added)} run(s), {report.benchmarks} benchmark(s) into {options.store}"
        + (f"; {len(report.already)} file(s) were already imported" if report.already else "")
    )
    return 0


def cmd_show(options: argparse.Namespace) -> int:
    from perfkit._io import write_atomic
    from perfkit.perftest.history import assess, load
    from perfkit.perftest.settings import parse_percent
    from perfkit.store import Store

    threshold = parse_percent(options.threshold, option="--threshold")
    check_output_file("--json", options.json)
    with Store(options.store, create=False) as store:
        series = load(store, metric=options.metric, key=options.key)
    found = [
        assess(points, key=key, metric=metric, threshold=threshold, same_machine=not options.all_machines)
        for (key, metric), points in sorted(series.items())
    ]
    if not found:
        print(f"no pytest runs with {_which(options)} in {options.store}")
    for line in render(found):
        console().print(line, highlight=False, markup=False)
    if options.json:
        write_atomic(options.json, json.dumps(to_json(found), indent=2) + "\n")
    return 1 if options.check and any(a.verdict == "regression" for a in found) else 0


def _which(options: argparse.Namespace) -> str:
    metric = f"metric {options.metric}" if options.metric else ""
    key = f"ids containing {options.key!r}" if options.key else ""
    return " and ".join(p for p in (metric, key) if p) or "measurements"


def render(found: list[Any]) -> list[str]:
    """The assessments as lines: one headline per (test, metric), then its noise and change points."""
    from perfkit.dashboard.page import _value

    lines = []
    for a in found:
        sessions = len(a.points)
        head = f"{a.key}  {a.metric}  {sessions} run(s)"
        if a.value is not None:
            head += f"  latest {_value(a.value, _unit(a.metric))}"
        if a.ratio is not None and a.band is not None:
            head += f"  x{a.ratio:.3f} (band {a.band[0]:.3f}..{a.band[1]:.3f})"
        lines.append(f"{head}  {a.verdict.upper() if a.verdict == 'regression' else a.verdict}")
        if a.noise is not None and a.noise.sessions > 1:
            text = f"  between sessions ±{100 * a.noise.between:.1f}% (1 sd, {a.noise.sessions} runs)"
            if a.noise.within is not None:
                text += f"; within one run ±{100 * a.noise.within:.2g}%"
            if a.noise.excess is not None and a.noise.excess > 1.5:
                text += f": one baseline's interval is {a.noise.excess:.1f}x too narrow"
            lines.append(text)
        for c in a.change_points:
            point = a.points[c.index]
            when = f"run {point.run_id}, {point.started_at[:10]}" + (f", {point.commit[:8]}" if point.commit else "")
            lines.append(
                f"  change at {when}: {_value(c.before, _unit(a.metric))} -> {_value(c.after, _unit(a.metric))} "
                f"(x{c.ratio:.3f}, p={c.p_value:.3f})"
            )
        for index in a.method_changes:
            lines.append(f"  from run {a.points[index].run_id}: measured by {a.points[index].source}")
        if a.left_out:
            lines.append(f"  {a.left_out} run(s) of other machines left out (--all-machines mixes them)")
        if a.verdict in ("short history", "no ratio"):
            lines.append(f"  {a.note}")
    return lines


def _unit(metric: str) -> str:
    from perfkit.perftest.measure import UNITS

    return UNITS.get(metric, "")


def to_json(found: list[Any]) -> dict[str, Any]:
    """Schema version 1: one entry per (test, metric)."""
    from dataclasses import asdict

    tests = []
    for a in found:
        changes = [
            {**asdict(c), "ratio": c.ratio, "run_id": a.points[c.index].run_id, "commit": a.points[c.index].commit}
            for c in a.change_points
        ]
        tests.append(
            {
                "key": a.key,
                "metric": a.metric,
                "verdict": a.verdict,
                "value": a.value,
                "ratio": a.ratio,
                "band": list(a.band) if a.band else None,
                "noise": None if a.noise is None else asdict(a.noise),
                "change_points": changes,
                "runs": [{"run_id": p.run_id, "started_at": p.started_at, "value": p.value} for p in a.points],
            }
        )
    return {"schema_version": 1, "tests": tests}
