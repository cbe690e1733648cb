"""Throughput of perfkit's executors: candidate checks per minute, fuzz executions per second, and the
scheduling overhead per unit, run here one after another, on local threads, and on Dask LocalClusters of one
and two process workers; prints a table and the 2-worker/1-worker ratios. Usage:

    python benchmarks/executor_throughput.py [--checks 8] [--campaigns 4] [--budget 2] [--empty 200] [--repeats 3]

The checks are CPU-bound (a quadratic function verified against a fast candidate on large inputs, in the
sandboxed child each check starts); the campaigns fuzz benchmarks/_fuzz_targets.py:insertion_sort. Cluster
start-up is timed apart. Run it alone on the machine (e.g. under flock) for figures worth quoting.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.executors import Unit, make_executor, run_units  # noqa: E402

SIZE = 12000  # elements per input: each check costs about a second of CPU


def slow_unique(xs: list[int]) -> list[int]:
    """The original the checks verify against: quadratic."""
    out: list[int] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def empty() -> None:
    """A unit that does nothing: what remains is the executor's own cost."""


def check_units(n: int) -> list[Unit]:
    from perfkit.optimizers._code import CodeRef
    from perfkit.optimizers.verify import behaves_like

    original = CodeRef("benchmarks.executor_throughput", "slow_unique")
    inputs = [((list(range(SIZE // 2)) * 2,), {}) for _ in range(3)]
    units = []
    for i in range(n):  # distinct candidates, as a round of proposals would be
        source = f"def slow_unique(xs):\n    return list(dict.fromkeys(xs))  # candidate {i}\n"
        ref = CodeRef(original.module, original.name, source)
        units.append(Unit("verify", f"candidate {i}", "", behaves_like, (original, ref, inputs), {}))
    return units


def fuzz_units(n: int, budget: float) -> list[Unit]:
    from perfkit.repo.stress import fuzz_unit

    target = "benchmarks._fuzz_targets:insertion_sort"
    return [Unit("fuzz", f"campaign {i}", "", fuzz_unit, (target, 60, budget)) for i in range(n)]


def run(executor: Any, units: list[Unit]) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    results = run_units(executor, units, noun="units", verb="ran")
    return time.perf_counter() - started, results


def one_at_a_time(executor: Any, repeats: int = 30) -> float:
    """Median seconds for one empty unit submitted alone and waited for (latency, not throughput)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run_units(executor, [Unit("empty", "", "", empty)], noun="units", verb="ran")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(setups: list[tuple[str, Callable[[], Any]]], options: argparse.Namespace) -> list[dict[str, Any]]:
    """Every figure for every setup; the repeats are interleaved across setups, and each keeps its best, so
    that load from elsewhere on a shared machine hurts no setup more than another."""
    executors, rows = [], []
    for name, make in setups:
        started = time.perf_counter()
        executor = make()
        rows.append({"executor": name, "startup_s": time.perf_counter() - started, "checks_s": float("inf"),
                     "fuzz_s": float("inf"), "executions": 0, "workers": getattr(executor, "workers", 1)})  # fmt: skip
        if executor is not None:
            executor.ship(ROOT, [ROOT])
            run(executor, [Unit("empty", "", "", empty)] * 4)  # warm: workers import what the units need
        executors.append(executor)
    try:
        for _ in range(options.repeats):
            for executor, row in zip(executors, rows, strict=True):
                seconds, checked = run(executor, check_units(options.checks))
                assert all(getattr(c, "verdict", None) == "ok" for c in checked), checked
                row["checks_s"] = min(row["checks_s"], seconds)
                seconds, found = run(executor, fuzz_units(options.campaigns, options.budget))
                executions = sum(r.counts.get("evaluations", 0) for r in found if hasattr(r, "counts"))
                if executions / seconds > row["executions"] / row["fuzz_s"]:
                    row["fuzz_s"], row["executions"] = seconds, executions
                print(f"  measured {row['executor']} ({row['workers']} workers)", file=sys.stderr)
        for executor, row in zip(executors, rows, strict=True):
            row["batch_ms"] = 1e3 * run(executor, [Unit("empty", "", "", empty)] * options.empty)[0] / options.empty
            row["alone_ms"] = 1e3 * one_at_a_time(executor) if executor is not None else 0.0
    finally:
        for executor in executors:
            if executor is not None:
                executor.close()
    for row in rows:
        row["checks_per_min"] = 60 * options.checks / row["checks_s"]
        row["fuzz_exec_per_s"] = row["executions"] / row["fuzz_s"]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=8, help="candidate checks per executor (8)")
    parser.add_argument("--campaigns", type=int, default=4, help="fuzz campaigns per executor (4)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per campaign (2)")
    parser.add_argument("--empty", type=int, default=200, help="empty units for the overhead (200)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs, interleaved (3)")
    options = parser.parse_args()
    setups: list[tuple[str, Callable[[], Any]]] = [
        ("here, one by one", lambda: None),
        ("local threads", lambda: make_executor("local", jobs=1)),
        ("local threads", lambda: make_executor("local", jobs=2)),
        ("dask LocalCluster", lambda: make_executor("dask", jobs=1)),
        ("dask LocalCluster", lambda: make_executor("dask", jobs=2)),
    ]
    rows = measure(setups, options)
    print(
        f"\n{options.checks} CPU-bound checks of {SIZE} elements x 3 inputs; {options.campaigns} fuzz campaigns of "
        f"{options.budget:g} s; {options.empty} empty units; best of {options.repeats} interleaved runs\n"
    )
    header = (
        f"{'executor':<20}{'workers':>8}{'start s':>9}{'checks/min':>12}{'fuzz exec/s':>13}"
        f"{'ms/unit batch':>15}{'ms/unit alone':>15}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['executor']:<20}{r['workers']:>8}{r['startup_s']:>9.2f}{r['checks_per_min']:>12.1f}"
            f"{r['fuzz_exec_per_s']:>13.0f}{r['batch_ms']:>15.2f}{r['alone_ms']:>15.2f}"
        )
    for name, one, two in (("local threads", rows[1], rows[2]), ("dask", rows[3], rows[4])):
        print(
            f"\n{name}: 2 workers / 1 worker = {two['checks_per_min'] / one['checks_per_min']:.2f}x checks, "
            f"{two['fuzz_exec_per_s'] / one['fuzz_exec_per_s']:.2f}x fuzz executions"
        )


if __name__ == "__main__":
    main()
