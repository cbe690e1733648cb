"""Repeatability: CV of 10 repeated measurements, perfkit vs pyperf vs pytest-benchmark.

Three pure-Python functions of about 1 us, 1 ms and 100 ms are each measured 10 times by every tool, the tools
interleaved so that machine drift hits them alike; the CV is stdev/mean of the 10 medians. perfkit and pyperf
get the same budget (processes, values, warm-ups, minimum time per value; pyperf adds its calibration process,
perfkit calibrates in its first worker); pytest-benchmark runs with its defaults. perfkit runs twice: with its
default clock (wall time less the run-queue wait of each value) and with ``clock="wall"`` (pyperf's clock), so
that the harness and the clock can be told apart. The load average is printed before and after. The wall time
of each tool is printed beside its CV. Goal: perfkit's CV no worse than pyperf's.

    python benchmarks/repeatability.py [--repeat 10] [--processes 6]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _workloads import spin  # noqa: E402

import perfkit  # noqa: E402

TARGETS = {"1 us": 1e-6, "1 ms": 1e-3, "100 ms": 1e-1}


def work_for(seconds: float) -> int:
    """The ``spin`` argument that takes about ``seconds`` of CPU here."""
    n = 100_000
    start = time.thread_time()  # CPU time: the sizes do not depend on the load at start
    spin(n)
    per_item = (time.thread_time() - start) / n
    return max(1, round(seconds / per_item))


def budget(
    processes: int, values: int, *, warmups: int = 1, min_time: float = 0.1
) -> tuple[perfkit.Options, list[str]]:
    """The same budget for both tools: perfkit's options and pyperf's command-line arguments."""
    options = perfkit.Options(
        processes=processes, values=values, warmups=warmups, min_time=min_time, cost=False, memory=False, counters=()
    )
    argv = ["--processes", str(processes), "--values", str(values), "--warmups", str(warmups)]
    return options, [*argv, "--min-time", str(min_time)]


def with_perfkit(work: int, processes: int, values: int, clock: str) -> float:
    options = budget(processes, values)[0].replace(clock=clock)
    return perfkit.measure(spin, args=(work,), options=options).summary().median


def with_pyperf(work: int, processes: int, values: int, tmp: Path) -> float:
    out = tmp / "pyperf.json"
    out.unlink(missing_ok=True)
    argv = budget(processes, values)[1]
    runner = [sys.executable, str(HERE / "_pyperf_runner.py"), "--work", str(work), *argv, "--quiet", "-o", str(out)]
    subprocess.run(runner, check=True, stdout=subprocess.DEVNULL)
    import pyperf

    return pyperf.Benchmark.load(str(out)).median()


def with_pytest_benchmark(work: int, tmp: Path) -> float:
    test = tmp / "test_spin.py"
    test.write_text(
        f"import sys\nsys.path.insert(0, {str(HERE)!r})\nfrom _workloads import spin\n\n"
        f"def test_spin(benchmark):\n    benchmark(spin, {work})\n"
    )
    out = tmp / "pb.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(test),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:perfkit",
            f"--benchmark-json={out}",
            "--rootdir",
            str(tmp),
        ],
        check=True,
        capture_output=True,
    )
    return json.loads(out.read_text())["benchmarks"][0]["stats"]["median"]


def cv(values: list[float]) -> float:
    return statistics.stdev(values) / statistics.mean(values)


def load() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--processes", type=int, default=6)
    parser.add_argument("--values", type=int, default=3)
    args = parser.parse_args()
    print(
        f"CV of {args.repeat} repeated medians; perfkit and pyperf with {args.processes} processes x "
        f"{args.values} values, min-time 0.1 s; pytest-benchmark defaults; {os.cpu_count()} CPUs, load {load()}"
    )
    print(f"{'function':10s} {'tool':18s} {'median':>12s} {'CV':>8s} {'wall s/measure':>15s}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for label, seconds in TARGETS.items():
            work = work_for(seconds)
            tools = {
                "perfkit": lambda w=work: with_perfkit(w, args.processes, args.values, "wall-minus-wait"),
                "perfkit (wall)": lambda w=work: with_perfkit(w, args.processes, args.values, "wall"),
                "pyperf": lambda w=work: with_pyperf(w, args.processes, args.values, tmp),
                "pytest-benchmark": lambda w=work: with_pytest_benchmark(w, tmp),
            }
            medians: dict[str, list[float]] = {name: [] for name in tools}
            walls: dict[str, list[float]] = {name: [] for name in tools}
            for _ in range(args.repeat):
                for name, tool in tools.items():
                    start = time.perf_counter()
                    medians[name].append(tool())
                    walls[name].append(time.perf_counter() - start)
            for name in tools:
                print(
                    f"{label:10s} {name:18s} {statistics.median(medians[name]) * 1e6:10.2f}us "
                    f"{100 * cv(medians[name]):7.2f}% {statistics.mean(walls[name]):15.1f}"
                )
            sys.stdout.flush()
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
