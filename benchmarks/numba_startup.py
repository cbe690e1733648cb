"""What a numba winner costs a fresh process at start-up, written as the proposer writes it (eager: numba imported
with the module) and as ``perfkit optimize`` now patches it (lazy: :mod:`perfkit.repo.jit_startup`).

Four small kernels (sorting, a sum of squares) are made by the numba proposer in a temporary folder, each in its
own module, and compiled once so that numba's disk cache holds them. Then, each in a fresh process (median of
``--runs``): Python with the modules imported and never called; and with each kernel's first call (the lazy form
switched on at once, as after its budget), the first kernel and the three others timed apart. Then workloads
that sort lists with ``bubble`` for about 0.1, 0.5 and 2 s (as the original runs them): each whole process timed
with the original, the eager kernel and the lazy one.

    python benchmarks/numba_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FUNCTIONS = """
def bubble(xs):
    n = len(xs)
    for i in range(n):
        for j in range(n - 1 - i):
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
    return xs


def insertion(xs):
    for i in range(1, len(xs)):
        key = xs[i]
        j = i - 1
        while j >= 0 and xs[j] > key:
            xs[j + 1] = xs[j]
            j -= 1
        xs[j + 1] = key
    return xs


def selection(xs):
    for i in range(len(xs)):
        m = i
        for j in range(i + 1, len(xs)):
            if xs[j] < xs[m]:
                m = j
        xs[i], xs[m] = xs[m], xs[i]
    return xs


def squares(xs):
    s = 0
    for x in xs:
        s += x * x
    return s
"""
NAMES = ("bubble", "insertion", "selection", "squares")

DRIVER = """
import sys, time
start = time.perf_counter()
import numba_startup_probe
modules = [__import__(f"{numba_startup_probe.FORM}_{name}") for name in numba_startup_probe.NAMES]
imported = time.perf_counter()
firsts = []
for name, module in zip(numba_startup_probe.NAMES, modules):
    if CALL:
        t = time.perf_counter()
        if numba_startup_probe.FORM == "lazy":
            getattr(module, f"_pk_switch_{name}")()
            assert getattr(module, f"_pk_run_{name}").__name__ == f"_pk_fast_{name}"
        getattr(module, name)(list(range(300, 0, -1)))
        firsts.append(time.perf_counter() - t)
print(imported - start, *firsts, "numba" in sys.modules, "scipy.linalg" in sys.modules)
"""


WORKLOAD = """
import sys, time
start = time.perf_counter()
module = __import__(sys.argv[1])
for _ in range(int(sys.argv[2])):
    module.bubble(list(range(300, 0, -1)))
print(time.perf_counter() - start)
"""


def build(folder: Path) -> None:
    """The eager and lazy sources of the four kernels in ``folder``, compiled once (numba's cache filled)."""
    from perfkit.optimizers._types import Context
    from perfkit.optimizers.numba_jit import NumbaProposer

    from perfkit.repo.jit_startup import lazy_source

    rng = random.Random(1)
    inputs = tuple((([rng.randint(-100, 100) for _ in range(300)],), {}) for _ in range(2))
    for name in NAMES:
        context = Context(
            name=name,
            source=_source(name),
            module_name="kernels",
            module_source=FUNCTIONS,
            params=("xs",),
            arg_types={"xs": frozenset({"list[int]"})},
            return_types=frozenset({"list[int]" if name != "squares" else "int"}),
            sample_inputs=inputs,
        )
        proposer = NumbaProposer(check_compile=False)
        (candidate,) = proposer.propose(context, n=1) or [None]
        if candidate is None:
            raise SystemExit(f"no numba candidate for {name}: {proposer.rejections}")
        lazy = lazy_source(candidate.source, name)
        assert lazy is not None
        (folder / f"eager_{name}.py").write_text(candidate.source)
        (folder / f"lazy_{name}.py").write_text(lazy)
    (folder / "original_bubble.py").write_text(FUNCTIONS)
    for form in ("eager", "lazy"):
        _run(folder, form, call=True)  # compiles once; numba's cache keeps it beside each module


def workloads(folder: Path, runs: int) -> list[str]:
    """Whole processes sorting for about 0.1, 0.5 and 2 s of the original's time: original, eager, lazy."""
    per_call = min(_workload(folder, "original_bubble", 20) for _ in range(3)) / 20
    lines = []
    for seconds in (0.1, 0.5, 2.0):
        calls = max(1, round(seconds / per_call))
        times = {m: statistics.median(_workload(folder, m, calls) for _ in range(runs)) for m in _FORMS}
        shown = ", ".join(f"{m.split('_')[0]} {t:.2f} s" for m, t in times.items())
        lines.append(f"{calls:5d} calls (about {seconds} s in the original): {shown}")
    return lines


_FORMS = ("original_bubble", "eager_bubble", "lazy_bubble")


def _workload(folder: Path, module: str, calls: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", WORKLOAD, module, str(calls)], cwd=folder, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def _source(name: str) -> str:
    start = FUNCTIONS.index(f"def {name}(")
    end = FUNCTIONS.find("\ndef ", start + 1)
    return textwrap.dedent(FUNCTIONS[start : end if end > 0 else None]).strip() + "\n"


def _run(folder: Path, form: str, *, call: bool) -> list[str]:
    (folder / "numba_startup_probe.py").write_text(f"FORM = {form!r}\nNAMES = {NAMES!r}\n")
    code = DRIVER.replace("CALL", str(call))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True, timeout=300
    )
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure (7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfkit-numba-startup-") as tmp:
        folder = Path(tmp)
        build(folder)
        print(f"median of {args.runs} fresh processes each")
        for form in ("eager", "lazy"):
            idle = [_run(folder, form, call=False) for _ in range(args.runs)]
            used = [_run(folder, form, call=True) for _ in range(args.runs)]
            imported = statistics.median(float(r[0]) for r in idle)
            first = statistics.median(float(r[1]) for r in used)
            others = statistics.median(sum(map(float, r[2:5])) / 3 for r in used)
            total = statistics.median(float(r[0]) + sum(map(float, r[1:5])) for r in used)
            numba_idle, scipy_used = idle[0][-2], used[0][-1]
            print(
                f"{form:5s}: import of the 4 patched modules {imported:.3f} s (numba imported: {numba_idle}); "
                f"first kernel's first call {first:.3f} s, each next kernel {others:.3f} s; "
                f"all 4 in use {total:.3f} s (scipy.linalg loaded: {scipy_used})"
            )
        print("workloads, whole process from the import on:")
        for line in workloads(folder, args.runs):
            print("  " + line)


if __name__ == "__main__":
    main()
