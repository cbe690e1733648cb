"""Detection power of perfkit's pytest plugin on this machine (issue 7's benchmark).

On the small project in benchmarks/plugin_project (three performance tests), save a baseline, then run
``pytest --perf-compare`` many times in a shuffled order: A/A runs (no change) count false alarms, runs with an
injected slowdown (every function does 2%, 5%, 10% or 25% more work) count detections, for each metric.
The plugin's default settings; every metric in each session.

    python benchmarks/plugin_detection.py            # about 12 minutes on 2 cores
    python benchmarks/plugin_detection.py --quick    # a quick look (4 A/A runs, 1 run per slowdown)
    python benchmarks/plugin_detection.py --busy 3   # with 3 busy-looping processes beside it all along
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent / "plugin_project"
CONFIGS = {"defaults": ["--perf-metric=time,cpu,cost,instructions,memory"]}
BUSY_LOOP = "while True: pass"


def pytest_run(workdir: Path, config: list[str], *, slowdown: float, mode: str) -> dict[str, object]:
    """One inner pytest session; returns its JSON report."""
    report = workdir / "report.json"
    env = {**os.environ, "PERFKIT_BENCH_SLOWDOWN": str(slowdown)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", mode, *config, f"--perf-json={report}"]
    done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode not in (0, 1) or not report.exists():
        raise SystemExit(f"inner pytest failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    data: dict[str, object] = json.loads(report.read_text())
    report.unlink()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aa", type=int, default=20, help="A/A runs per configuration (default 20)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per injected slowdown (default 5)")
    parser.add_argument("--levels", default="2,5,10,25", help="injected slowdowns in %% (default 2,5,10,25)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="4 A/A runs and 1 run per slowdown")
    parser.add_argument("--busy", type=int, default=0, help="busy-looping processes to run beside (default 0)")
    args = parser.parse_args()
    if args.quick:
        args.aa, args.repeats = 4, 1
    busy = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy)]
    try:
        run(args)
    finally:
        for process in busy:
            process.kill()
            process.wait()


def run(args: argparse.Namespace) -> None:
    levels = [float(x) for x in args.levels.split(",")]

    # metric label -> level (0 = A/A) -> [flagged, compared]; also sessions failed in A/A
    counts: dict[str, dict[float, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    aa_sessions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    withheld: dict[str, int] = defaultdict(int)  # wall-clock verdicts withheld because the machine was busy
    remeasured: dict[str, list[int]] = defaultdict(
        lambda: [0, 0]
    )  # close or suspected comparisons measured twice: [flagged, not]
    ratios: dict[str, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    misses: list[str] = []  # A/A alarms and missed slowdowns of 10% or more, with their ratios
    methods: dict[str, str] = {}
    thresholds: dict[str, float] = {}
    loads = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="perfkit-detection-") as tmp:
        for name, config in CONFIGS.items():
            workdir = Path(tmp) / name.replace(" ", "-")
            shutil.copytree(PROJECT, workdir, ignore=shutil.ignore_patterns("__pycache__", ".perfkit"))
            pytest_run(workdir, config, slowdown=0.0, mode="--perf-save")
            plan = [0.0] * args.aa + [level for level in levels for _ in range(args.repeats)]
            random.Random(args.seed).shuffle(plan)
            for index, level in enumerate(plan, 1):
                loads.append(os.getloadavg()[0])
                report = pytest_run(workdir, config, slowdown=level / 100, mode="--perf-compare")
                failed_metrics, seen = set(), set()
                for result in report["results"]:  # type: ignore[attr-defined]
                    label = result["metric"] if len(CONFIGS) == 1 else f"{result['metric']} ({name})"
                    seen.add(label)
                    methods[label] = result["method"]
                    thresholds[label] = result["threshold"]
                    flagged = result["verdict"] == "regression"
                    withheld[label] += result["verdict"] == "noisy"
                    if result["ratio"] is not None:
                        ratios[label][level].append(result["ratio"])
                    missed = level >= 10 and not flagged and label != "memory"  # checksum allocates nothing more
                    if (level == 0 and flagged) or missed:
                        test = result["key"].rpartition("::")[2]
                        misses.append(
                            f"{label} +{level:g}% {test}: {result['verdict']} {result['ratio']} {result['note']}"
                        )
                    if "re-measured" in result["note"]:
                        remeasured[label][0 if flagged else 1] += 1
                    counts[label][level][0] += flagged
                    counts[label][level][1] += 1
                    if flagged:
                        failed_metrics.add(label)
                if level == 0:
                    for label in seen:
                        aa_sessions[label][0] += label in failed_metrics
                        aa_sessions[label][1] += 1
                elapsed = time.perf_counter() - start
                print(f"[{elapsed:6.0f} s] {name}: run {index}/{len(plan)} slowdown {level:g}%", file=sys.stderr)

    busy = f", {args.busy} busy-looping processes beside" if args.busy else ""
    print(f"\nperfkit pytest plugin: detection power on {os.cpu_count()} cores, 3 tests per session{busy}")
    print(f"load average during the runs: min {min(loads):.2f}, median {sorted(loads)[len(loads) // 2]:.2f}, "
          f"max {max(loads):.2f}; total {time.perf_counter() - start:.0f} s\n")  # fmt: skip
    header = ["metric", "threshold", "A/A false alarms (tests)", "A/A sessions failed"]
    header += [f"+{level:g}% detected" for level in levels]
    header += ["withheld (busy)", "re-measured: flagged / not"]
    rows = []
    for label in counts:
        aa = counts[label][0.0]
        row = [label, f"{100 * thresholds[label]:g}%", f"{aa[0]}/{aa[1]}", "{}/{}".format(*aa_sessions[label])]
        row += ["{}/{}".format(*counts[label][level]) for level in levels]
        row += [str(withheld[label]), "{} / {}".format(*remeasured[label])]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print()
    for label, by_level in ratios.items():
        if label in ("time", "cpu"):
            spans = [f"+{level:g}%: {min(r):.3f}..{max(r):.3f}" for level, r in sorted(by_level.items())]
            print(f"{label} ratios (min..max): " + ", ".join(spans))
    for line in misses:
        print(f"missed or false alarm: {line}")
    print()
    for label, method in methods.items():
        print(f"{label}: {method}")


if __name__ == "__main__":
    main()
