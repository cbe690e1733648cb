"""End to end: ``perfkit optimize`` on repositories, offline; functions found and improved, workload speedup with
its 95% interval, the repository's tests, wall time. Goal on the bundled example: at least 3x, every test
passing, under 5 minutes on 2 cores.

    python benchmarks/optimize_e2e.py                      # the bundled example
    python benchmarks/optimize_e2e.py --repo PATH [...]    # other repositories (copied first; never modified)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.repo.config import load_config  # noqa: E402
from perfkit.repo.optimize import optimize_repo  # noqa: E402


def run(repo: Path, *, budget: float, fuzz_budget: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / repo.name
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".perfkit"))
        config = load_config(copy).merged(budget=budget, fuzz_budget=fuzz_budget)
        report = optimize_repo(copy, config, offline=True, progress=lambda m: print(f"  {m}", file=sys.stderr))
    ratio = report.speedup
    return {
        "repo": repo.name,
        "found": len(report.functions),
        "improved": len(report.improved),
        "speedup": "-" if ratio is None else f"{ratio.ratio:.2f}x [{ratio.low:.2f} .. {ratio.high:.2f}]",
        "tests": {True: "pass", False: "fail before any change", None: "-"}[report.tests_passed],
        "wall_s": f"{report.elapsed:.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, action="append", help="a repository root (repeatable)")
    parser.add_argument("--budget", type=float, default=10.0, help="minutes per repository (10)")
    parser.add_argument("--fuzz-budget", type=float, default=15.0, help="seconds of fuzzing per function (15)")
    args = parser.parse_args()
    repos = args.repo or [ROOT / "examples" / "inventory"]
    rows = [run(repo, budget=args.budget, fuzz_budget=args.fuzz_budget) for repo in repos]
    print(f"{'repository':16s} {'found':>5s} {'improved':>8s}  {'workload speedup (95% CI)':28s} {'tests':24s} wall s")
    for row in rows:
        print(
            f"{row['repo']!s:16s} {row['found']!s:>5s} {row['improved']!s:>8s}  {row['speedup']!s:28s} "
            f"{row['tests']!s:24s} {row['wall_s']}"
        )


if __name__ == "__main__":
    main()
