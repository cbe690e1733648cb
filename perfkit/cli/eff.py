"""``perfkit eff``: correctness and efficiency of code samples against expert references, as ENAMEL (eff@k,
pass@k) and EffiBench (ET/NET, MU/NMU, TMU/NTMU) score them, from one run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from perfkit._io import document
from perfkit.cli._common import check_at_least, check_output_dir, console, progress
from perfkit.errors import InvalidArgument


def register(sub: Any) -> None:
    eff = sub.add_parser(
        "eff",
        help="score code samples for correctness and efficiency against expert references (eff@k, pass@k, NET...)",
        description="Check and time SAMPLES (JSON: one list of code strings per problem) on each problem's "
        "generated tests against its expert reference; report eff@k and pass@k as ENAMEL does, and execution "
        "time, peak memory and memory-time integral, absolute and normalised by the reference, as EffiBench does "
        "(memory is measured in a separate tracemalloc pass, never during the timed runs).",
        epilog="examples:\n"
        "  perfkit eff samples.json --problems enamel.csv\n"
        "  perfkit eff a.json b.json --problems enamel.csv --out results/ --jobs 2 -k 1,10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    eff.add_argument("samples", nargs="+", metavar="SAMPLES.json", help="code samples: one list per problem")
    eff.add_argument("--problems", required=True, metavar="CSV", help="ENAMEL-style problem CSV (e.g. enamel.csv)")
    eff.add_argument("--out", metavar="DIR", help="write result.json, scores.csv (per problem), samples.csv")
    eff.add_argument("-j", "--jobs", type=int, default=1, help="worker processes at a time (default 1)")
    eff.add_argument("--seed", type=int, default=None, help="seed of the test generators (default ENAMEL's)")
    eff.add_argument("--alpha", type=float, default=2.0, help="time limit T = alpha x the reference's time (2)")
    eff.add_argument("--reps", type=int, default=6, help="timed repetitions per test (default 6)")
    eff.add_argument("--tests", default="8,4,4,4", metavar="LIST", help="tests per level (default 8,4,4,4)")
    eff.add_argument("--hardness", default="0,3,3,4", metavar="LIST", help="level weights (default 0,3,3,4)")
    eff.add_argument("-k", default="1", metavar="LIST", help="k values for eff@k and pass@k (default 1)")
    eff.add_argument(
        "--exclude", default="enamel", metavar="IDS", help="problem numbers to skip: 'enamel' (its 22), 'none', or 1,2"
    )
    eff.add_argument(
        "--helpers", default="enam.datautils", metavar="MODULE", help="module the generators use ('none' for none)"
    )
    eff.add_argument("--memory-limit", default="4G", metavar="SIZE", help="address-space limit per worker (4G)")
    eff.add_argument(
        "--no-memory", action="store_true", help="skip the memory pass (EffiBench's MU/TMU); ET/NET are still given"
    )
    eff.add_argument("--json", action="store_true", help="print the summary as JSON")
    eff.set_defaults(handler=cmd_eff)


def _ints(name: str, text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InvalidArgument(name, text, "pass integers separated by commas, e.g. 1,10") from None


def _floats(name: str, text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InvalidArgument(name, text, "pass numbers separated by commas, e.g. 0,3,3,4") from None


def cmd_eff(options: argparse.Namespace) -> int:
    from perfkit.efficiency import ENAMEL_EXCLUDED, ENAMEL_SEED, evaluate, load_problems, load_samples
    from perfkit.harness.options import parse_size

    check_output_dir("--out", options.out)
    check_at_least("--jobs", options.jobs, 1, "2")
    check_at_least("--reps", options.reps, 1, "6")
    n_tests, hardness = _ints("--tests", options.tests), _floats("--hardness", options.hardness)
    ks = _ints("-k", options.k)
    memory_limit = parse_size(options.memory_limit, name="--memory-limit")
    exclude: list[int] | frozenset[int] | None
    if options.exclude == "enamel":
        exclude = ENAMEL_EXCLUDED
    elif options.exclude == "none":
        exclude = None
    else:
        exclude = _ints("--exclude", options.exclude)
    helpers = None if options.helpers == "none" else options.helpers
    problems = load_problems(options.problems, helpers=helpers, exclude=exclude)
    if not problems:
        raise InvalidArgument("--exclude", options.exclude, "every problem was excluded: pass --exclude none")
    sets: dict[str, list[list[str]]] = {}
    for path in options.samples:
        name = Path(path).stem
        if name in sets:
            raise InvalidArgument("samples", path, "give sample files distinct names (the file name labels a set)")
        sets[name] = load_samples(path, problems)
    with progress("problems") as update:
        result = evaluate(
            problems,
            sets,
            alpha=options.alpha,
            n_tests=n_tests,
            hardness=hardness,
            reps=options.reps,
            k=ks,
            seed=ENAMEL_SEED if options.seed is None else options.seed,
            jobs=options.jobs,
            memory_limit=memory_limit,
            memory=not options.no_memory,
            progress=update,
        )
    written = result.save(options.out) if options.out else []
    if options.json:
        body = {"summary": result.summary, "wall_time": result.wall_time, "errors": result.errors}
        print(json.dumps(document("eff-summary", 2, body)))  # 2: EffiBench's metrics in the summary
        return 0
    _print_summary(result, written)
    return 0


def _print_summary(result: Any, written: list[Path]) -> None:
    from rich.table import Table

    ks = result.settings["k"]
    table = Table(title=f"ENAMEL: efficiency of {len(result.scores) // max(1, len(result.summary))} problems", box=None)
    for column in ("samples", "problems", *(f"eff@{k}" for k in ks), *(f"pass@{k}" for k in ks), "errors"):
        table.add_column(column, justify="left" if column == "samples" else "right")
    for name, entry in result.summary.items():
        metrics = [f"{entry[f'eff@{k}']:.3f}" for k in ks] + [f"{entry[f'pass@{k}']:.3f}" for k in ks]
        table.add_row(name, str(entry["problems"]), *metrics, str(entry["errors"]))
    out = console()
    out.print(table)
    out.print(_effibench_table(result))
    for line in effibench_lines(result.summary):
        out.print(line, highlight=False)
    settings = result.settings
    out.print(
        f"alpha={settings['alpha']:g}, tests per level {settings['n_tests']}, hardness {settings['hardness']}, "
        f"{settings['reps']} reps (Hodges-Lehmann), {settings['jobs']} worker(s); wall time {result.wall_time:.1f} s"
    )
    for task_id, message in list(result.errors.items())[:10]:
        out.print(f"[red]{task_id}[/red]: {message}", markup=True, highlight=False)
    for path in written:
        out.print(f"wrote {path}", highlight=False)


def _effibench_table(result: Any) -> Any:
    from rich.table import Table

    title = "EffiBench: means over the problems with a sample that passed every test in time"
    table = Table(title=title, box=None)
    columns = ("samples", "scored", "ET (s)", "NET", "MU (MB)", "NMU", "TMU (MB*s)", "NTMU")
    for column in columns:
        table.add_column(column, justify="left" if column == "samples" else "right")
    for name, entry in result.summary.items():
        cells = [_number(entry[key]) for key in ("et", "net", "mu", "nmu", "tmu", "ntmu")]
        table.add_row(name, f"{entry['scored']}/{entry['problems']}", *cells)
    return table


def _number(value: float) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value:.4g}" if abs(value) < 0.01 else f"{value:.3f}"


def effibench_lines(summary: dict[str, dict[str, float]]) -> list[str]:
    """One sentence per sample set saying what its normalised figures mean (1 = as the reference; above 1, more)."""
    lines = []
    for name, entry in summary.items():
        parts = []
        for key, what in (("net", "time"), ("nmu", "peak memory"), ("ntmu", "memory x time")):
            value = round(entry[key], 2)  # the words follow the figure as printed
            if value == value:
                side = "more" if value > 1 else "less" if value < 1 else "the same"
                parts.append(f"{value:.2f}x the reference's {what} ({side})")
        if parts:
            lines.append(f"{name}: on {entry['scored']} problem(s) with correct code, " + ", ".join(parts))
        else:
            lines.append(f"{name}: no sample passed every test in time; nothing for EffiBench's metrics to score")
    return lines
