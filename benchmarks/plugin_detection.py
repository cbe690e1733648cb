"""Detection power of perfkit's pytest plugin on this machine (issues 7 and 16).

On the small project in benchmarks/plugin_project (three performance tests), run many ``pytest --perf-compare``
sessions in a shuffled order: A/A sessions (no change) count false alarms, sessions with an injected slowdown
(every function does 10% more work) count detections, for each metric, under three conditions:

- ``quiet``: nothing added beside the sessions (other jobs of the machine still run: the load is printed);
- ``busy``: one busy-looping process beside the sessions all along;
- ``onoff``: a background job using about one core on and off (busy 0.2-2 s, idle 0.2-2 s, at random).

and two modes:

- ``ab``: same-session A/B: the project is a git repository whose commit is the baseline; the slowdown is written
  into the working tree and ``pytest --perf-compare=HEAD`` times both trees in the session;
- ``stored``: the baseline saved once by ``--perf-save`` (its medians) and compared later (``--perf-ab=off``).

The plugin's default metrics (time, cost) unless ``--metrics``. For every comparison the script also checks that
the verdict does not contradict the medians printed beside it (a regression with the current median at or below
the baseline's, or a ratio below the threshold).

    python benchmarks/plugin_detection.py                         # 20 A/A and 15 slowed sessions per cell
    python benchmarks/plugin_detection.py --aa 4 --detect 3       # a reduced run
    python benchmarks/plugin_detection.py --conditions quiet --modes ab --aa 20 --detect 15
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent / "plugin_project"
BUSY_LOOP = "while True: pass"
ON_OFF = """
import random, time
rng = random.Random(7)
while True:
    end = time.perf_counter() + rng.uniform(0.2, 2.0)
    while time.perf_counter() < end:
        pass
    time.sleep(rng.uniform(0.2, 2.0))
"""
CONDITIONS = {"quiet": [], "busy": [BUSY_LOOP], "onoff": [ON_OFF]}
GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
_SLOWDOWN_LINE = re.compile(r"^SLOWDOWN = .*$", re.MULTILINE)


def pytest_run(workdir: Path, argv: list[str], *, env_slowdown: float) -> dict[str, object]:
    """One inner pytest session; returns its JSON report."""
    report = workdir / "report.json"
    env = {**os.environ, "PERFKIT_BENCH_SLOWDOWN": str(env_slowdown)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *argv, f"--perf-json={report}"]
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode not in (0, 1) or not report.exists():
        raise SystemExit(f"inner pytest failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    data: dict[str, object] = json.loads(report.read_text())
    report.unlink()
    return data


def set_slowdown(workdir: Path, level: float) -> None:
    """Write the slowdown into the working tree's workload.py (A/B mode: the code itself differs)."""
    path = workdir / "workload.py"
    path.write_text(_SLOWDOWN_LINE.sub(f"SLOWDOWN = {level!r}", path.read_text(), count=1))


def prepare(tmp: Path, mode: str, metrics: str) -> Path:
    workdir = tmp / mode
    shutil.copytree(PROJECT, workdir, ignore=shutil.ignore_patterns("__pycache__", ".perfkit"))
    if mode == "ab":
        set_slowdown(workdir, 0.0)
        env = {**os.environ, **GIT_ENV}
        for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "baseline"]):
            subprocess.run(["git", *args], cwd=workdir, env=env, check=True, capture_output=True)
    else:
        pytest_run(workdir, ["--perf-save", f"--perf-metric={metrics}"], env_slowdown=0.0)
    return workdir


def session(workdir: Path, mode: str, metrics: str, level: float) -> dict[str, object]:
    if mode == "ab":
        set_slowdown(workdir, level)
        return pytest_run(workdir, ["--perf-compare=HEAD", f"--perf-metric={metrics}"], env_slowdown=0.0)
    return pytest_run(workdir, ["--perf-compare", "--perf-ab=off", f"--perf-metric={metrics}"], env_slowdown=level)


def contradicts(result: dict[str, object]) -> bool:
    """The verdict disagrees with the row's own figures (same rule as perfkit.perftest.verdicts.contradicts)."""
    from perfkit.perftest.session import Comparison
    from perfkit.perftest.verdicts import contradicts as rule

    fields = set(Comparison.__dataclass_fields__)
    return rule(Comparison(**{k: v for k, v in result.items() if k in fields}))


def start_background(condition: str) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", code]) for code in CONDITIONS[condition]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aa", type=int, default=20, help="A/A sessions per condition and mode (default 20)")
    parser.add_argument("--detect", type=int, default=15, help="slowed sessions per condition and mode (default 15)")
    parser.add_argument("--level", type=float, default=10.0, help="injected slowdown in %% (default 10)")
    parser.add_argument("--conditions", default="quiet,busy,onoff", help="quiet, busy, onoff (default: all)")
    parser.add_argument("--modes", default="ab,stored", help="ab, stored (default: both)")
    parser.add_argument("--metrics", default="time,cost", help="--perf-metric of the sessions (default time,cost)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for name in conditions:
        if name not in CONDITIONS:
            parser.error(f"--conditions: unknown condition {name!r}; choose among {', '.join(CONDITIONS)}")
    for name in modes:
        if name not in ("ab", "stored"):
            parser.error(f"--modes: unknown mode {name!r}; choose ab or stored")

    # (condition, mode, metric) -> counters
    cells: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ratios: dict[tuple[str, str, str, float], list[float]] = defaultdict(list)
    loads: dict[str, list[float]] = defaultdict(list)
    remarks: list[str] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="perfkit-detection-") as tmp:
        for condition in conditions:
            background = start_background(condition)
            try:
                for mode in modes:
                    workdir = prepare(Path(tmp) / condition, mode, args.metrics)
                    plan = [0.0] * args.aa + [args.level / 100] * args.detect
                    random.Random(args.seed).shuffle(plan)
                    for index, level in enumerate(plan, 1):
                        loads[condition].append(os.getloadavg()[0])
                        report = session(workdir, mode, args.metrics, level)
                        failed: set[str] = set()
                        for result in report["results"]:  # type: ignore[attr-defined]
                            cell = cells[(condition, mode, result["metric"])]
                            flagged = result["verdict"] == "regression"
                            kind = "aa" if level == 0 else "slow"
                            cell[f"{kind}_tests"] += 1
                            cell[f"{kind}_flagged"] += flagged
                            cell[f"{kind}_withheld"] += result["verdict"] == "noisy"
                            cell["contradictions"] += contradicts(result)
                            if result["ratio"] is not None:
                                ratios[(condition, mode, result["metric"], level)].append(result["ratio"])
                            if flagged:
                                failed.add(result["metric"])
                            if (level == 0 and flagged) or (level > 0 and not flagged):
                                test = str(result["key"]).rpartition("::")[2]
                                remarks.append(
                                    f"{condition}/{mode} {result['metric']} +{100 * level:g}% {test}: "
                                    f"{result['verdict']} {result['ratio']} {result['note']}"
                                )
                        for metric in {r["metric"] for r in report["results"]}:  # type: ignore[attr-defined]
                            cell = cells[(condition, mode, metric)]
                            kind = "aa" if level == 0 else "slow"
                            cell[f"{kind}_sessions"] += 1
                            cell[f"{kind}_sessions_flagged"] += metric in failed
                        elapsed = time.perf_counter() - start
                        print(
                            f"[{elapsed:6.0f} s] {condition}/{mode}: session {index}/{len(plan)} slowdown "
                            f"{100 * level:g}%, load {loads[condition][-1]:.1f}",
                            file=sys.stderr,
                        )
            finally:
                for process in background:
                    process.kill()
                    process.wait()
            print_table(args, cells, ratios, loads, remarks, start)


def print_table(
    args: argparse.Namespace,
    cells: dict[tuple[str, str, str], dict[str, int]],
    ratios: dict[tuple[str, str, str, float], list[float]],
    loads: dict[str, list[float]],
    remarks: list[str],
    start: float,
) -> None:
    """The figures so far (printed after each condition, so that a cut run still reports)."""
    print(f"\nperfkit pytest plugin: detection on {os.cpu_count()} cores, 3 tests per session, metrics {args.metrics}")
    print(f"total {time.perf_counter() - start:.0f} s; 1-minute load average during the sessions:")
    for condition, values in loads.items():
        ordered = sorted(values)
        print(f"  {condition}: min {ordered[0]:.1f}, median {ordered[len(ordered) // 2]:.1f}, max {ordered[-1]:.1f}")
    print()
    header = ["condition", "mode", "metric", "A/A sessions failed", "A/A tests flagged", "A/A withheld"]
    header += [f"+{args.level:g}% sessions detected", f"+{args.level:g}% tests flagged", "withheld", "contradictions"]
    rows = []
    for (condition, mode, metric), c in cells.items():
        rows.append(
            [
                condition,
                mode,
                metric,
                f"{c['aa_sessions_flagged']}/{c['aa_sessions']}",
                f"{c['aa_flagged']}/{c['aa_tests']}",
                str(c["aa_withheld"]),
                f"{c['slow_sessions_flagged']}/{c['slow_sessions']}",
                f"{c['slow_flagged']}/{c['slow_tests']}",
                str(c["slow_withheld"]),
                str(c["contradictions"]),
            ]
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print()
    for (condition, mode, metric, level), values in sorted(ratios.items()):
        if metric in ("time", "cpu"):
            print(f"{condition}/{mode} {metric} +{100 * level:g}%: ratios {min(values):.3f} .. {max(values):.3f}")
    for line in remarks:
        print(f"missed or false alarm: {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
