"""``perfkit measure``, ``perfkit counters`` and ``perfkit compare``: the harness on the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from perfkit._io import document
from perfkit.cli._common import check_at_least, check_output_file, err, print_rows, progress
from perfkit.errors import PerfkitError


def register(sub: Any) -> None:
    measure = sub.add_parser(
        "measure",
        help="time a function or a command, with worker processes, counters and censoring",
        description="Time TARGET (path/file.py:function or package.module:function), or a command given after '--'.",
        epilog="examples:\n  perfkit measure examples/slow.py:pairwise_distances --args '[200]'\n"
        "  perfkit measure --timeout 1 -- python -c 'print(1)'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    measure.add_argument("target", nargs="?", help="path/to/file.py:function or package.module:function")
    measure.add_argument("--args", dest="args_json", metavar="JSON", help="JSON list of positional arguments")
    measure.add_argument("--kwargs", dest="kwargs_json", metavar="JSON", help="JSON object of keyword arguments")
    measure.add_argument("--args-file", metavar="FILE", help="file with one Python expression: list of arguments")
    preset = measure.add_mutually_exclusive_group()
    preset.add_argument("--fast", action="store_const", dest="preset", const="fast", help="4 processes")
    preset.add_argument("--rigorous", action="store_const", dest="preset", const="rigorous", help="20 processes")
    measure.add_argument("-p", "--processes", type=int, help="worker processes (default 10)")
    measure.add_argument("-n", "--values", type=int, help="values per process (default 3; runs for commands)")
    measure.add_argument("-w", "--warmups", type=int, help="warm-up values per process (default 1)")
    measure.add_argument("--min-time", type=float, help="minimum seconds per value; sets the loop count (0.1)")
    measure.add_argument("-l", "--loops", type=int, help="calls per value (default: calibrate)")
    measure.add_argument("--timeout", type=float, help="seconds per call; slower runs are censored, not dropped")
    measure.add_argument("--memory-limit", metavar="SIZE", help="address-space limit per worker, e.g. 2G")
    measure.add_argument("--inprocess", action="store_true", help="measure in this process (fast iteration)")
    measure.add_argument("--counters", metavar="LIST", help="comma-separated counters (default: all available)")
    measure.add_argument("--no-counters", action="store_true", help="do not open perf_event counters")
    measure.add_argument("--no-cost", action="store_true", help="skip the deterministic cost count")
    measure.add_argument("--gc", action="store_true", help="keep the garbage collector on while timing")
    measure.add_argument(
        "--clock",
        choices=("wall-minus-wait", "wall"),
        help="wall-minus-wait (default): less each value's wait for a CPU; wall: pyperf's clock",
    )
    measure.add_argument("--json", metavar="FILE", help="write every raw value, counters and metadata")
    measure.add_argument("--pyperf", metavar="FILE", help="also write pyperf JSON (for pyperf compare_to)")
    measure.add_argument("--name", help="the benchmark's name in the outputs (default: the target or command)")
    measure.set_defaults(handler=cmd_measure, takes_command=True)

    counters = sub.add_parser("counters", help="which hardware/OS counters this machine supports, and why not")
    counters.add_argument("--json", action="store_true", help="print JSON instead of a table")
    counters.set_defaults(handler=cmd_counters)

    compare = sub.add_parser(
        "compare",
        help="compare two measurements: ratio, confidence interval, significance",
        epilog="example:\n  perfkit compare before.json after.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument("base", help="measurement JSON ('perfkit measure --json' or --pyperf, or pyperf's own)")
    compare.add_argument("new", help="measurement JSON to compare with the base")
    compare.set_defaults(handler=cmd_compare)


def cmd_measure(options: argparse.Namespace) -> int:
    from perfkit.harness.options import PRESETS, Options, parse_size

    if bool(options.target) == bool(options.command_argv):
        raise PerfkitError("give either a TARGET or a command after '--' (not both)")
    check_output_file("--json", options.json)
    check_output_file("--pyperf", options.pyperf)
    for option, value, minimum, example in (
        ("--processes", options.processes, 1, "10"),
        ("--values", options.values, 1, "3"),
        ("--warmups", options.warmups, 0, "1"),
        ("--loops", options.loops, 1, "1000 (or leave it out to calibrate)"),
        ("--min-time", options.min_time, 1e-6, "0.1"),
        ("--timeout", options.timeout, 1e-6, "2"),
    ):
        check_at_least(option, value, minimum, example)
    settings: dict[str, Any] = dict(PRESETS[options.preset or "default"])
    for key in ("processes", "values", "warmups", "min_time", "loops", "timeout", "clock"):
        if getattr(options, key) is not None:
            settings[key] = getattr(options, key)
    if options.command_argv:
        from perfkit.harness.command import measure_command

        if options.memory_limit:
            raise PerfkitError(
                "--memory-limit applies to a function target; limit a command with 'ulimit -v' around it"
            )

        with progress("runs") as update:
            result = measure_command(
                options.command_argv,
                runs=options.values or 10,
                warmups=settings.get("warmups", 1),
                timeout=settings.get("timeout"),
                progress=update,
            )
    else:
        from perfkit.harness.runner import measure
        from perfkit.target import parse_arguments

        args, kwargs = parse_arguments(
            args_json=options.args_json, kwargs_json=options.kwargs_json, args_file=options.args_file
        )
        if options.memory_limit:
            settings["memory_limit"] = parse_size(options.memory_limit, name="--memory-limit")
        if options.no_counters:
            settings["counters"] = ()
        elif options.counters:
            settings["counters"] = tuple(c.strip() for c in options.counters.split(",") if c.strip())
        settings.update(inprocess=options.inprocess, cost=not options.no_cost, disable_gc=not options.gc)
        with progress("values") as update:
            result = measure(options.target, args=args, kwargs=kwargs, options=Options(**settings), progress=update)
    from perfkit.format import measurement_lines

    if options.name:
        result.name = options.name
    print_rows(f"perfkit measure: {result.name}", measurement_lines(result))
    if options.json:
        result.save(options.json)
        err(f"wrote {options.json}")
    if options.pyperf:
        result.save_pyperf(options.pyperf)
        err(f"wrote {options.pyperf} (pyperf format)")
    return 0


def cmd_counters(options: argparse.Namespace) -> int:
    from perfkit import _native
    from perfkit.harness.counters import probe

    results = probe()
    if options.json:
        print(
            json.dumps(
                document(
                    "counters",
                    1,
                    {
                        "counters": [
                            {
                                "name": a.event.name,
                                "kind": a.event.kind,
                                "available": a.available,
                                "errno": a.errno,
                                "reason": a.reason,
                            }
                            for a in results
                        ]
                    },
                ),
                indent=1,
            )
        )
        return 0
    rows = [
        (
            f"{a.event.name} ({a.event.kind})",
            "available" if a.available else f"unavailable: {a.reason} (errno {a.errno})",
        )
        for a in results
    ]
    rows.append(("deterministic cost", "available (perfkit's C line/opcode counter)"))
    rows.append(("timer", f"{_native.CLOCK_NAME}, resolution {_native.clock_resolution_ns()} ns"))
    print_rows("perfkit counters", rows)
    return 0


def cmd_compare(options: argparse.Namespace) -> int:
    from perfkit import stats
    from perfkit.format import comparison_lines
    from perfkit.harness.result import Measurement

    base, new = Measurement.load(options.base), Measurement.load(options.new)
    if base.n_censored or new.n_censored:
        err("note: censored runs are compared at their limit, which understates the slower side")
    clocks = [m.metadata.get("clock", "wall") for m in (base, new)]  # pyperf's files and older perfkit's: wall
    if clocks[0] != clocks[1]:
        err(f"note: timed on different clocks ({clocks[0]} vs {clocks[1]}); the wall clock reads higher when busy")
    ratio = stats.ratio_ci(base.times, new.times)
    print_rows("perfkit compare", comparison_lines(base, new, ratio))
    return 0
