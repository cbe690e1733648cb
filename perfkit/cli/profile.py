"""``perfkit profile``: Scalene (or cProfile) on a command, as ranked hotspots of the user's own code."""

from __future__ import annotations

import argparse
import json
from typing import Any

from perfkit.cli._common import check_output_file, console, err
from perfkit.errors import PerfkitError


def register(sub: Any) -> None:
    profile = sub.add_parser(
        "profile",
        help="profile a command with Scalene and rank the hotspots of your code",
        description="Run the command given after '--' under Scalene (cProfile when Scalene cannot run) and rank "
        "the functions and lines of your own code by CPU time (Python vs native) and memory.",
        epilog="examples:\n  perfkit profile -- python script.py --size 1000\n"
        "  perfkit profile --json hot.json -- pytest -q tests/test_slow.py\n"
        "  perfkit profile --cprofile --calls -- python -m mypackage.cli",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    profile.add_argument("--json", metavar="FILE", help="write the hotspots as JSON (schema version 1)")
    profile.add_argument("--top", type=int, default=15, help="how many functions and lines to show (default 15)")
    profile.add_argument("--cprofile", action="store_true", help="use cProfile instead of Scalene")
    profile.add_argument("--calls", action="store_true", help="also count calls (a second run, under cProfile)")
    profile.add_argument("--cpu-only", action="store_true", help="Scalene without memory profiling (faster)")
    profile.add_argument("--timeout", type=float, help="seconds before the profiled command is stopped")
    profile.set_defaults(handler=cmd_profile, takes_command=True)


def cmd_profile(options: argparse.Namespace) -> int:
    from perfkit._io import write_atomic
    from perfkit.profile import profile_command

    if not options.command_argv:
        raise PerfkitError("give the command to profile after '--', e.g. perfkit profile -- python script.py")
    if options.top < 1:
        raise PerfkitError(f"--top={options.top}: give a whole number of at least 1")
    if options.timeout is not None and options.timeout <= 0:
        raise PerfkitError(f"--timeout={options.timeout:g}: give a positive number of seconds, e.g. --timeout 60")
    check_output_file("--json", options.json)
    tool = "cProfile" if options.cprofile else "Scalene"
    err(f"perfkit profile: running {' '.join(options.command_argv)} under {tool}")
    result = profile_command(
        options.command_argv,
        use_scalene=not options.cprofile,
        calls=options.calls,
        top=options.top,
        timeout=options.timeout,
        memory=not options.cpu_only,
    )
    for note in result.notes:
        err(f"note: {note}")
    if result.returncode != 0:
        err(f"note: the command exited with status {result.returncode}")
    for line in render(result):
        console().print(line, highlight=False, markup=False)
    if options.json:
        write_atomic(options.json, json.dumps(result.to_dict(), indent=1) + "\n")
        err(f"wrote {options.json}")
    return 0


def render(result: Any) -> list[str]:
    """The hotspot tables as lines of text."""
    from pathlib import Path

    out = [f"profile by {result.tool}: {' '.join(result.command)} ({result.elapsed:.2f} s)", ""]
    out.append(f"{'function':<40} {'CPU %':>7} {'python':>7} {'native':>7} {'alloc MB':>9} {'calls':>9}")
    for h in result.functions:
        where = f"{h.function} ({Path(h.file).name}:{h.line})"
        calls = "" if h.calls is None else str(h.calls)
        shares = f"{h.cpu_percent:7.1f} {h.cpu_python:7.1f} {h.cpu_native:7.1f} {h.malloc_mb:9.1f}"
        out.append(f"{where[:40]:<40} {shares} {calls:>9}")
    if not result.functions:
        out.append("(no samples in your own code)")
    if result.lines:
        out += ["", f"{'line':<24} {'CPU %':>7} {'python':>7} {'native':>7} {'alloc MB':>9}  code"]
        for h in result.lines:
            where = f"{Path(h.file).name}:{h.line}"
            out.append(
                f"{where[:24]:<24} {h.cpu_percent:7.1f} {h.cpu_python:7.1f} {h.cpu_native:7.1f} {h.malloc_mb:9.1f}"
                f"  {h.text.strip()[:70]}"
            )
    return out
