"""The deterministic cost counter (C trace function) vs a line counter written with ``sys.settrace``.

Both count the same events on the same call (the script checks the counts agree); the figure is how much
longer the call takes under each, and the ratio. Goal: the C counter at least 10x cheaper than the Python one.

For reference the script also builds (with gcc) a C trace function that does nothing at all: the floor that any
``PyEval_SetTrace`` tracer pays, because CPython 3.11 runs traced code on its slow, unspecialised path.

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


FLOOR_C = r"""
#include <Python.h>
static int noop(PyObject *o, PyFrameObject *f, int what, PyObject *arg) { return 0; }
static PyObject *run(PyObject *self, PyObject *args) {
    PyObject *func, *fargs;
    if (!PyArg_ParseTuple(args, "OO", &func, &fargs)) return NULL;
    PyEval_SetTrace(noop, NULL);
    PyObject *r = PyObject_Call(func, fargs, NULL);
    PyEval_SetTrace(NULL, NULL);
    return r;
}
static PyMethodDef methods[] = {{"run", run, METH_VARARGS, ""}, {NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "pk_trace_floor", NULL, -1, methods};
PyMODINIT_FUNC PyInit_pk_trace_floor(void) { return PyModule_Create(&def); }
"""


def build_floor(folder: Path):  # type: ignore[no-untyped-def]
    """Compile the no-op tracer; None when no compiler is at hand."""
    import importlib
    import subprocess
    import sysconfig

    source = folder / "pk_trace_floor.c"
    source.write_text(FLOOR_C)
    target = folder / f"pk_trace_floor{sysconfig.get_config_var('EXT_SUFFIX')}"
    command = [
        "gcc",
        "-O2",
        "-shared",
        "-fPIC",
        f"-I{sysconfig.get_paths()['include']}",
        str(source),
        "-o",
        str(target),
    ]
    if subprocess.run(command, capture_output=True, check=False).returncode != 0:
        return None
    sys.path.insert(0, str(folder))
    return importlib.import_module("pk_trace_floor")


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        report(build_floor(Path(tmp)))


def report(floor) -> None:  # type: ignore[no-untyped-def]
    print(f"seconds per call (median of {REPEAT}, interleaved)")
    for func, arg in ((spin, 200_000), (nested, 100_000)):
        rows: dict[str, list[float]] = {"untraced": [], "C cost counter": [], "Python settrace counter": []}
        if floor is not None:
            rows["no-op C tracer (floor)"] = []
        for _ in range(REPEAT):
            rows["untraced"].append(timed(lambda: func(arg)))  # noqa: B023
            rows["C cost counter"].append(timed(lambda: _native.cost_call(func, (arg,))))  # noqa: B023
            rows["Python settrace counter"].append(timed(lambda: python_counter(func, arg)))  # noqa: B023
            if floor is not None:
                rows["no-op C tracer (floor)"].append(timed(lambda: floor.run(func, (arg,))))  # noqa: B023
        lines_c, calls_c, _, _, _ = _native.cost_call(func, (arg,))
        lines_py, calls_py = python_counter(func, arg)
        base, c_time, py_time = (statistics.median(rows[k]) for k in list(rows)[:3])
        print(f"{func.__name__}({arg:,}): C {lines_c:,} lines, {calls_c:,} calls; Python {lines_py:,}, {calls_py:,}")
        for name, values in rows.items():
            median = statistics.median(values)
            print(f"  {name:26s} {median * 1e3:9.2f} ms  ({median / base:5.2f}x untraced)")
        overhead = (py_time - base) / (c_time - base)
        print(f"  total-time ratio Python/C: {py_time / c_time:.1f}x; overhead ratio: {overhead:.1f}x")
        if floor is not None:
            bottom = statistics.median(rows["no-op C tracer (floor)"])
            own_c, own_py = max(c_time - bottom, 1e-9), py_time - bottom
            print(
                f"  cost above the no-op tracer's floor: C {own_c * 1e3:.2f} ms, Python {own_py * 1e3:.2f} ms "
                f"({own_py / own_c:.0f}x)"
            )
        print(f"  counts agree: {(lines_c, calls_c) == (lines_py, calls_py)}")


if __name__ == "__main__":
    main()
