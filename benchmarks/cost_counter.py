"""The deterministic cost counter (C trace function) vs a line counter written with ``sys.settrace``.

Both count the same events on the same call (the script checks the counts agree); the figure is how much
longer the call takes under each, and the ratio. Goal: the C counter at least 10x cheaper than the Python one.

    python benchmarks/cost_counter.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _workloads import nested, spin

from perfkit import _native

REPEAT = 7


def python_counter(func, *args):  # type: ignore[no-untyped-def]
    counts = {"line": 0, "call": 0}

    def local(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "line":
            counts["line"] += 1
        return local

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call":
            counts["call"] += 1
            return local
        return None

    sys.settrace(tracer)
    try:
        func(*args)
    finally:
        sys.settrace(None)
    return counts["line"], counts["call"]


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    print(f"seconds per call (median of {REPEAT}, interleaved)")
    for func, arg in ((spin, 200_000), (nested, 100_000)):
        rows: dict[str, list[float]] = {"untraced": [], "C cost counter": [], "Python settrace counter": []}
        for _ in range(REPEAT):
            rows["untraced"].append(timed(lambda: func(arg)))  # noqa: B023
            rows["C cost counter"].append(timed(lambda: _native.cost_call(func, (arg,))))  # noqa: B023
            rows["Python settrace counter"].append(timed(lambda: python_counter(func, arg)))  # noqa: B023
        lines_c, calls_c, _, _, _ = _native.cost_call(func, (arg,))
        lines_py, calls_py = python_counter(func, arg)
        base, c_time, py_time = (statistics.median(rows[k]) for k in rows)
        print(f"{func.__name__}({arg:,}): C {lines_c:,} lines, {calls_c:,} calls; Python {lines_py:,}, {calls_py:,}")
        for name, values in rows.items():
            median = statistics.median(values)
            print(f"  {name:26s} {median * 1e3:9.2f} ms  ({median / base:5.2f}x untraced)")
        overhead = (py_time - base) / (c_time - base)
        print(f"  total-time ratio Python/C: {py_time / c_time:.1f}x; overhead ratio: {overhead:.1f}x")
        print(f"  counts agree: {(lines_c, calls_c) == (lines_py, calls_py)}")


if __name__ == "__main__":
    main()
