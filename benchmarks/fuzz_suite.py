"""perfkit fuzz against two baselines on functions with known worst cases; prints a table.

For each function of benchmarks/_fuzz_targets.py, at one size bound and one budget, three searches run:
perfkit fuzz (constraint-guided: targeted hypothesis, then atheris), plain hypothesis (random generation, no
targeting, no constraints) and plain atheris (coverage-guided, no constraints). Each cell is the cost of the
worst input the search found as a fraction of the cost of the known worst input, both re-measured here with
the same cost signal (median of 5 measurements). Usage:

    python benchmarks/fuzz_suite.py [--size 100] [--budget 15] [--only quicksort,dedupe]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.fuzzers import fuzz  # noqa: E402

from benchmarks import _fuzz_targets as targets  # noqa: E402

METHODS = {
    "perfkit": {"search": "auto", "constraints": True},
    "hypothesis": {"search": "random", "constraints": False},
    "atheris": {"search": "atheris", "constraints": False},
}


def cost_of(func, args, kwargs, repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    """The campaign's cost signal (line-equivalents) for one input, median of ``repeats`` measurements."""
    from perfkit.fuzzers._cost import Evaluator
    from perfkit.fuzzers._instrument import instrument

    evaluator = Evaluator(func, instrument(func, []), timeout=10.0)
    return statistics.median(evaluator(args, kwargs).cost for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--budget", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated function names")
    options = parser.parse_args()
    names = [n for n in targets.KNOWN_WORST if not options.only or n in options.only.split(",")]
    print(f"perfkit fuzz suite: size {options.size}, budget {options.budget:g} s per search, seed {options.seed}")
    print("cells: cost of the worst input found / cost of the known worst input (1.00 = reached it)\n")
    header = f"{'function':<20}" + "".join(f"{m:>12}" for m in METHODS) + f"{'complexity':>14}"
    print(header)
    print("-" * len(header))
    fractions: dict[str, list[float]] = {m: [] for m in METHODS}
    started = time.monotonic()
    for name in names:
        func = getattr(targets, name)
        known_args, known_kwargs = targets.KNOWN_WORST[name](options.size)
        known = cost_of(func, known_args, known_kwargs)
        row = f"{name + (' *' if name in targets.GUARDED else ''):<20}"
        complexity = ""
        for method, settings in METHODS.items():
            result = fuzz(
                f"{targets.__name__}:{name}",
                max_size=options.size,
                budget=options.budget,
                seed=options.seed,
                **settings,  # type: ignore[arg-type]
            )
            found = 0.0 if result.worst is None else cost_of(func, result.worst.args, result.worst.kwargs)
            fraction = found / known
            fractions[method].append(fraction)
            row += f"{fraction:>12.2f}"
            if method == "perfkit":
                complexity = result.complexity or "-"
        print(row + f"{complexity:>14}", flush=True)
    print("-" * len(header))
    print(f"{'median':<20}" + "".join(f"{statistics.median(v):>12.2f}" for v in fractions.values()))
    print(f"{'minimum':<20}" + "".join(f"{min(v):>12.2f}" for v in fractions.values()))
    print(
        f"\n* guarded path (a narrow condition random inputs almost never satisfy); {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
