"""End to end: ``perfkit optimize`` on repositories, offline; functions found and improved, workload speedup with
its 95% interval, the repository's tests, wall time. Goal on the bundled example: at least 3x, every test
passing, under 5 minutes on 2 cores.

    python benchmarks/optimize_e2e.py                      # the bundled example and the PyPI code base
    python benchmarks/optimize_e2e.py --only example       # just one of them (example, algorithms)
    python benchmarks/optimize_e2e.py --repo PATH [...]    # other repositories (copied first; never modified)

The second code base is ``algorithms`` 1.0.1 from PyPI (keon/algorithms, pure Python, 520 tests in its sdist):
its sdist is downloaded with pip, unpacked in a temporary folder, and driven by ``workloads/algorithms_bench.py``,
a mixed script of sorting, graph traversal, dynamic programming, string and number-theory calls.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.repo.config import load_config  # noqa: E402
from perfkit.repo.optimize import optimize_repo  # noqa: E402

PYPI = {"algorithms": ("algorithms==1.0.1", "algorithms_bench.py")}  # name: (pip requirement, workload script)
CACHE = Path(tempfile.gettempdir()) / "perfkit-e2e-sdists"


def pypi_repo(name: str, into: Path) -> tuple[Path, str]:
    """Download the sdist of a PyPI code base (cached), unpack it under ``into``; (its root, its workload)."""
    requirement, script = PYPI[name]
    CACHE.mkdir(exist_ok=True)
    sdists = sorted(CACHE.glob(f"{name}-*.tar.gz"))
    if not sdists:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(CACHE),
                requirement,
            ],
            check=True,
        )
        sdists = sorted(CACHE.glob(f"{name}-*.tar.gz"))
    with tarfile.open(sdists[-1]) as archive:
        archive.extractall(into, filter="data")
    root = into / sdists[-1].name.removesuffix(".tar.gz")
    shutil.copy(ROOT / "benchmarks" / "workloads" / script, root / script)
    return root, f"python {script}"


def run(repo: Path, *, budget: float, fuzz_budget: float, workload: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / repo.name
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".perfkit"))
        config = load_config(copy).merged(budget=budget, fuzz_budget=fuzz_budget, workload=workload)
        report = optimize_repo(copy, config, offline=True, progress=lambda m: print(f"  {m}", file=sys.stderr))
    ratio = report.speedup
    for f in report.functions:  # what happened to each hot function
        shown = f"{f.winner.speedup:.2f}x" if f.winner is not None and f.winner.speedup else "-"
        print(f"  {repo.name}: {f.info.key} {100 * f.share:.0f}% {f.status} {shown} {f.reason}", file=sys.stderr)
    return {
        "repo": repo.name,
        "found": len(report.functions),
        "improved": len(report.improved),
        "dropped": sum(f.status == "dropped" for f in report.functions),
        "speedup": "-" if ratio is None else f"{ratio.ratio:.2f}x [{ratio.low:.2f} .. {ratio.high:.2f}]",
        "tests": {True: "pass", False: "fail before any change", None: "-"}[report.tests_passed],
        "wall_s": f"{report.elapsed:.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, action="append", help="a repository root (repeatable)")
    parser.add_argument("--budget", type=float, default=10.0, help="minutes per repository (10)")
    parser.add_argument("--fuzz-budget", type=float, default=15.0, help="seconds of fuzzing per function (15)")
    parser.add_argument("--only", choices=("example", *PYPI), help="run just this one of the default code bases")
    args = parser.parse_args()
    rows = []
    if args.repo:
        rows = [run(repo, budget=args.budget, fuzz_budget=args.fuzz_budget) for repo in args.repo]
    if not args.repo and args.only in (None, "example"):
        rows.append(run(ROOT / "examples" / "inventory", budget=args.budget, fuzz_budget=args.fuzz_budget))
    for name in [] if args.repo else [n for n in PYPI if args.only in (None, n)]:
        with tempfile.TemporaryDirectory() as tmp:
            root, workload = pypi_repo(name, Path(tmp))
            rows.append(run(root, budget=args.budget, fuzz_budget=args.fuzz_budget, workload=workload))
    print(
        f"{'repository':16s} {'found':>5s} {'improved':>8s} {'dropped':>7s}  {'workload speedup (95% CI)':28s} "
        f"{'tests':24s} wall s"
    )
    for row in rows:
        print(
            f"{row['repo']!s:16s} {row['found']!s:>5s} {row['improved']!s:>8s} {row['dropped']!s:>7s}  "
            f"{row['speedup']!s:28s} "
            f"{row['tests']!s:24s} {row['wall_s']}"
        )


if __name__ == "__main__":
    main()
