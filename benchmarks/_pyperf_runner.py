"""pyperf's own Runner measuring ``_workloads.spin(--work)``; run as a script by repeatability.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyperf
from _workloads import spin


def add_cmdline_args(cmd: list[str], args) -> None:  # type: ignore[no-untyped-def]
    cmd.extend(["--work", str(args.work)])


runner = pyperf.Runner(add_cmdline_args=add_cmdline_args)
runner.argparser.add_argument("--work", type=int, required=True)
options = runner.parse_args()
runner.bench_func("spin", spin, options.work)
