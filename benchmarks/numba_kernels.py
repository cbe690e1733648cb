"""The numba proposer on third-party numeric and combinatorial kernels: does it fire, is it verified, how much faster.

Every kernel is the project's own code from its PyPI sdist (pyperformance's benchmark programs, jellyfish, primePy,
Distance, eulerlib, linalg-basic/-deluxe), downloaded with ``pip download --no-deps --no-binary :all:`` into a cache
under the temporary folder and imported from there (nothing is installed). Only the inputs are ours: seeded, at the
sizes the benchmark programs use. Each kernel goes through ``perfkit.optimizers.optimize_function`` with
``proposers=[NumbaProposer()]`` once: the real verifier (drawn inputs included), then one interleaved timing against
the original on the largest input. Printed per kernel: whether numba fired (or why not), whether the candidate was
verified, its measured speedup, and what perfkit keeps (the speedup when accepted, else 1.0); then the geometric
means.

The "half" column says where a project sits in the corpus split of ``benchmarks/corpus/manifest.py``:
jellyfish/primePy/eulerlib in its tuning half; pyperformance was in its held-out half until session 5 and is tuning
material since (its nbody kernels were tuned on then); linalg-* in neither.

    python benchmarks/numba_kernels.py            # all kernels (about 10 minutes on 2 busy cores)
    python benchmarks/numba_kernels.py --only part_A_times_u --only fannkuch
    python benchmarks/numba_kernels.py --min-timeout 30   # what-if: see --help

The verifier gives a candidate max(2 s, 10x the original's time) per input. A numba candidate's first call in
each verifying process imports numba and loads (or compiles) the kernel, which takes 1-3 s on a busy machine, so
``--min-timeout`` shows what the figures would be with a start-up allowance (the limit raised for every input).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE = Path(tempfile.gettempdir()) / "perfkit-numba-kernels"
_PYPERF = "pyperformance/data-files/benchmarks"
PROJECTS = {  # requirement, import roots inside the sdist, (module, script) pairs to link, corpus half
    "pyperformance": ("pyperformance==1.0.6", (), tuple((f"bm_{b}", f"{_PYPERF}/bm_{b}/run_benchmark.py") for b in (
        "spectral_norm", "nbody", "fannkuch", "nqueens", "float", "scimark")), "tuning"),
    "jellyfish": ("jellyfish==0.5.6", ("",), (), "tuning"),
    "primePy": ("primePy==1.3", ("",), (), "tuning"),
    "Distance": ("Distance==0.1.3", ("",), (), "tuning"),
    "eulerlib": ("eulerlib==0.2", ("",), (), "tuning"),
    "linalg-basic": ("linalg-basic==0.1.0", ("src",), (), "outside"),
    "linalg-deluxe": ("linalg-deluxe==0.1.3", ("src",), (), "outside"),
}  # fmt: skip
Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]


@dataclass(frozen=True)
class Kernel:
    name: str
    project: str
    module: str
    qualname: str
    inputs: Callable[[random.Random], Inputs]


def _floats(rng: random.Random, n: int) -> list[float]:
    return [rng.uniform(-1.0, 1.0) for _ in range(n)]


def _matrix(rng: random.Random, rows: int, cols: int) -> list[list[float]]:
    return [_floats(rng, cols) for _ in range(rows)]


def _nbody() -> tuple[list[Any], list[Any]]:
    import bm_nbody

    bodies = [([*r], [*v], m) for r, v, m in bm_nbody.BODIES.values()]
    return bodies, bm_nbody.combinations(bodies)


def _words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("abcdefghij") for _ in range(n))


KERNELS = (
    Kernel("eval_A", "pyperformance", "bm_spectral_norm", "eval_A", lambda r: [((i, i + 7), {}) for i in (3, 120)]),
    Kernel("part_A_times_u", "pyperformance", "bm_spectral_norm", "part_A_times_u",
           lambda r: [(((i, _floats(r, n)),), {}) for i, n in ((2, 130), (50, 1000))]),
    Kernel("part_At_times_u", "pyperformance", "bm_spectral_norm", "part_At_times_u",
           lambda r: [(((i, _floats(r, n)),), {}) for i, n in ((2, 130), (50, 1000))]),
    Kernel("eval_AtA_times_u", "pyperformance", "bm_spectral_norm", "eval_AtA_times_u",
           lambda r: [((_floats(r, n),), {}) for n in (30, 130)]),
    Kernel("fannkuch", "pyperformance", "bm_fannkuch", "fannkuch", lambda r: [((n,), {}) for n in (6, 8)]),
    Kernel("nbody.advance", "pyperformance", "bm_nbody", "advance",
           lambda r: [((0.01, n, *_nbody()), {}) for n in (10, 2000)]),
    Kernel("nbody.report_energy", "pyperformance", "bm_nbody", "report_energy",
           lambda r: [((*_nbody(), 0.0), {}) for _ in (1, 2)]),
    Kernel("nbody.combinations", "pyperformance", "bm_nbody", "combinations",
           lambda r: [((_floats(r, n),), {}) for n in (20, 400)]),
    Kernel("n_queens", "pyperformance", "bm_nqueens", "n_queens", lambda r: [((n,), {}) for n in (5, 7)]),
    Kernel("float.benchmark", "pyperformance", "bm_float", "benchmark", lambda r: [((n,), {}) for n in (100, 5000)]),
    Kernel("scimark.MonteCarlo", "pyperformance", "bm_scimark", "MonteCarlo",
           lambda r: [((n,), {}) for n in (100, 20000)]),
    Kernel("jellyfish.levenshtein", "jellyfish", "jellyfish._jellyfish", "levenshtein_distance",
           lambda r: [((_words(r, n), _words(r, n)), {}) for n in (20, 300)]),
    Kernel("jellyfish.hamming", "jellyfish", "jellyfish._jellyfish", "hamming_distance",
           lambda r: [((_words(r, n), _words(r, n)), {}) for n in (20, 5000)]),
    Kernel("jellyfish.jaro_winkler", "jellyfish", "jellyfish._jellyfish", "_jaro_winkler",
           lambda r: [((_words(r, n), _words(r, n), False, True), {}) for n in (20, 400)]),
    Kernel("primepy.check", "primePy", "primePy.primes", "check",
           lambda r: [((p,), {}) for p in (7919, 1_000_000_007)]),
    Kernel("primepy.phi", "primePy", "primePy.primes", "phi", lambda r: [((n,), {}) for n in (360, 99_991 * 7)]),
    Kernel("primepy.check@1e12", "primePy", "primePy.primes", "check",
           lambda r: [((p,), {}) for p in (1_000_000_007, 999_999_000_001)]),
    Kernel("primepy.factors@1e12", "primePy", "primePy.primes", "factors",
           lambda r: [((n,), {}) for n in (1_000_003 * 97, 1_000_003 * 1_000_033)]),
    Kernel("distance.levenshtein", "Distance", "distance._levenshtein", "levenshtein",
           lambda r: [((_words(r, n), _words(r, n)), {}) for n in (20, 300)]),
    Kernel("eulerlib.lcm_n", "eulerlib", "eulerlib.numtheory", "lcm_n",
           lambda r: [(([r.randrange(1, 30) for _ in range(n)],), {}) for n in (10, 60)]),
    Kernel("eulerlib.digital_sum", "eulerlib", "eulerlib.numtheory", "digital_sum",
           lambda r: [((n,), {}) for n in (12345, 10**18 + 12345)]),
    Kernel("linalg.vector_sum", "linalg-basic", "linalg_basic.linalg_basic", "vector_sum",
           lambda r: [((_matrix(r, n, 50),), {}) for n in (10, 400)]),
    Kernel("linalg.dot_product", "linalg-basic", "linalg_basic.linalg_basic", "dot_product",
           lambda r: [((_floats(r, n), _floats(r, n)), {}) for n in (10, 20000)]),
    Kernel("linalg.multiply_matrices", "linalg-deluxe", "linalg_deluxe.linalg_deluxe", "multiply_matrices",
           lambda r: [((_matrix(r, n, n), _matrix(r, n, n)), {}) for n in (4, 60)]),
    Kernel("linalg.outer_product", "linalg-deluxe", "linalg_deluxe.linalg_deluxe", "outer_product",
           lambda r: [((_floats(r, n), _floats(r, n)), {}) for n in (4, 300)]),
)  # fmt: skip


def _fetch(project: str) -> list[Path]:
    """The project's import roots in the cache (downloaded and unpacked on first use)."""
    requirement, roots, links, _ = PROJECTS[project]
    folder = CACHE / project
    if not (folder / "unpacked").is_dir():
        downloads = folder / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", str(downloads)]
        subprocess.run([*pip, requirement], check=True, capture_output=True)
        (archive,) = downloads.iterdir()
        staging = folder / "staging"
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(staging)
        else:
            with tarfile.open(archive) as tar:
                tar.extractall(staging, filter="data")
        staging.rename(folder / "unpacked")
    (top,) = (folder / "unpacked").iterdir()
    paths = [top / root for root in roots]
    if links:
        scripts = folder / "modules"
        scripts.mkdir(exist_ok=True)
        for module, script in links:  # the benchmark's own file, under an importable name
            link = scripts / f"{module}.py"
            if not link.exists():
                link.symlink_to(top / script)
        paths.append(scripts)
    return paths


def _prepare(kernels: list[Kernel]) -> None:
    """Put every project's code on sys.path and PYTHONPATH (perfkit's child processes import it by name)."""
    paths = [str(p) for project in dict.fromkeys(k.project for k in kernels) for p in _fetch(project)]
    sys.path[:0] = paths
    os.environ["PYTHONPATH"] = os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")])


def measure(kernel: Kernel) -> dict[str, Any]:
    """One optimize_function run with the numba proposer only; what happened, in a row."""
    import importlib

    from perfkit.optimizers import NumbaProposer, optimize_function

    func: Any = importlib.import_module(kernel.module)
    for part in kernel.qualname.split("."):
        func = getattr(func, part)
    inputs = kernel.inputs(random.Random(f"numba-kernels:{kernel.name}"))
    started = time.monotonic()
    try:
        result = optimize_function(func, stress_inputs=inputs, proposers=[NumbaProposer()], rounds=1, max_sizes=1)
    except Exception as exc:  # a kernel perfkit cannot take at all (e.g. a function it cannot read) is a row too
        return {"fired": f"optimize failed: {type(exc).__name__}: {exc}", "verified": "-", "speedup": None}
    row: dict[str, Any] = {"seconds": time.monotonic() - started, "verified": "-", "speedup": None, "kept": 1.0}
    (attempt,) = result.history or [None]
    if attempt is None or attempt.verdict == "no candidate":
        row["fired"] = "no: " + (attempt.reason.split(": ", 1)[-1] if attempt else "nothing proposed")
        return row
    row["fired"] = "yes" + (" (whole floats checked)" if "whole-number" in attempt.note else "")
    row["verified"] = "yes" if attempt.verdict in ("accepted", "slower") else f"no: {attempt.reason[:90]}"
    row["speedup"] = attempt.speedup
    if attempt.verdict == "accepted" and attempt.speedup:
        row["kept"] = attempt.speedup
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="a kernel name (repeatable)")
    parser.add_argument("--min-timeout", type=float, default=None, help="what-if: the verifier's per-input limit")
    args = parser.parse_args(argv)
    if args.min_timeout:
        import functools
        import importlib

        verify_module = importlib.import_module("perfkit.optimizers.verify")
        verify_module.verify = functools.partial(verify_module.verify, min_timeout=args.min_timeout)  # type: ignore[assignment]
        print(f"what-if: the verifier allows {args.min_timeout:g} s per input (perfkit's default is 2 s)")
    kernels = [k for k in KERNELS if not args.only or k.name in args.only]
    _prepare(kernels)
    rows = []
    print(f"{'kernel':26} {'half':9} {'verified':9} {'speedup':>8} {'kept':>6}  fired")
    for kernel in kernels:
        row = measure(kernel)
        rows.append(row)
        shown = f"{row['speedup']:.2f}x" if row["speedup"] else "-"
        print(
            f"{kernel.name:26} {PROJECTS[kernel.project][3]:9} {row['verified'][:9]:9} {shown:>8} "
            f"{row.get('kept', 1.0):5.2f}x  {row['fired'][:150]}",
            flush=True,
        )
        if row["verified"].startswith("no:"):
            print(f"{'':26} verifier: {row['verified'][4:]}")
    fired = [r for r in rows if r["fired"].startswith("yes")]
    kept = [r.get("kept", 1.0) for r in rows]
    measured = [r["speedup"] for r in fired if r["speedup"]]
    print(f"\nfired on {len(fired)} of {len(rows)}; verified {sum(r['verified'] == 'yes' for r in rows)}; "
          f"accepted (faster) {sum(k > 1.0 for k in kept)}")  # fmt: skip
    print(f"geometric mean of what perfkit keeps, all {len(rows)} kernels (1.0 where nothing was kept): "
          f"{_geomean(kept):.2f}x")  # fmt: skip
    for half in ("tuning", "outside"):
        part = [r.get("kept", 1.0) for r, k in zip(rows, kernels, strict=True) if PROJECTS[k.project][3] == half]
        if part:
            print(f"  {half:9} ({len(part):2} kernels): {_geomean(part):.2f}x")
    if measured:
        print(f"geometric mean of the measured speedups where numba fired and was verified: {_geomean(measured):.2f}x")
    return 0


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


if __name__ == "__main__":
    sys.exit(main())
