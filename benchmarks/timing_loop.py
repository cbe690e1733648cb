"""Loop overhead per call: perfkit's native timing loop vs a ``perf_counter_ns`` loop vs ``timeit``.

The loop overhead is what a harness adds per iteration besides the call itself; it is measured with an empty
loop body in each harness (the C loop with a compiler barrier, ``for _ in range(n): pass``,
``timeit('pass')``).
The per-call time of an empty function under each harness is printed beside it. Each figure is the minimum of
several interleaved repetitions. Goal: native overhead at most 1/5 of the perf_counter_ns loop's.

    python benchmarks/timing_loop.py
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _workloads import empty

from perfkit import _native

N = 2_000_000
REPEAT = 9


def python_loop_overhead(n: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(n):
        pass
    return time.perf_counter_ns() - start


def python_loop_call(n: int) -> float:
    f = empty
    start = time.perf_counter_ns()
    for _ in range(n):
        f()
    return time.perf_counter_ns() - start


def main() -> None:
    runs: dict[str, list[float]] = {}
    bench = {
        "native loop, empty body": lambda: _native.empty_loop(N),
        "perf_counter_ns loop, empty body": lambda: python_loop_overhead(N),
        "timeit, stmt 'pass'": lambda: timeit.Timer("pass").timeit(N) * 1e9,
        "native loop, empty function": lambda: _native.time_loop(empty, (), N),
        "perf_counter_ns loop, empty function": lambda: python_loop_call(N),
        "timeit, empty function": lambda: timeit.Timer("f()", globals={"f": empty}).timeit(N) * 1e9,
    }
    for _ in range(REPEAT):  # interleaved, so drift of the machine hits every harness alike
        for name, fn in bench.items():
            runs.setdefault(name, []).append(fn() / N)
    print(f"per-iteration time, ns (min and median of {REPEAT} runs of {N:,} iterations)")
    for name, values in runs.items():
        print(f"  {name:40s} min {min(values):7.2f}   median {statistics.median(values):7.2f}")
    native = min(runs["native loop, empty body"])
    python = min(runs["perf_counter_ns loop, empty body"])
    tmt = min(runs["timeit, stmt 'pass'"])
    print(f"loop overhead ratio native / perf_counter_ns loop: {native / python:.3f} (goal <= 0.2)")
    print(f"loop overhead ratio native / timeit:               {native / tmt:.3f}")
    call_native = min(runs["native loop, empty function"])
    call_python = min(runs["perf_counter_ns loop, empty function"])
    print(
        f"empty-function call: native {call_native:.1f} ns vs perf_counter_ns loop {call_python:.1f} ns "
        f"(ratio {call_native / call_python:.2f})"
    )


if __name__ == "__main__":
    main()
