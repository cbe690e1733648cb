"""What each part of perfkit fuzz's search buys: the full search against the same search without one part.

Parts (``fuzz(..., features=...)``): ``pump`` (the pattern search over prefix + segment * k + suffix, scored by
how cost grows), ``adaptive`` (time drives the search once line counts are found blind to the work) and
``regex`` (attack strings of the regexes the target reaches, the regex dictionary). Targets
(tests/fixtures/redos_targets.py and fuzz_targets.py): a regex behind a header parser (typed), the same kind
of regex in an unannotated host validator (fuzzed from two sample calls), a version parser that raises after an
exponential match, a quadratic ``str.replace`` loop (work in C), and quicksort (pure Python, a control).

Each cell: the time of the worst input found over the time of the known worst input at that size, both measured
here the same way (best of 3 calls, cut off at --limit s: two calls cut off give 1.00), capped at 1.00.

    python benchmarks/fuzz_ablation.py [--budget 10] [--limit 1] [--only parse_header,strip_pairs] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.fuzzers import fuzz  # noqa: E402
from perfkit.fuzzers._session import FEATURES  # noqa: E402

from tests.fixtures import fuzz_targets, redos_targets  # noqa: E402

CONFIGS: dict[str, frozenset[str]] = {
    "full": FEATURES,
    "no pump": FEATURES - {"pump"},
    "no time": FEATURES - {"adaptive"},
    "no regex": FEATURES - {"regex"},
    "none": frozenset(),
}


def _header(n: int) -> tuple[Any, ...]:
    return ("a:" + "a" * (n - 3) + "!",)


TARGETS: dict[str, tuple[Callable[..., Any], int, Callable[[int], tuple[Any, ...]], dict[str, Any]]] = {
    # name: (function, max_size, known worst args at that size, extra fuzz settings)
    "parse_header": (redos_targets.parse_header, 40, _header, {}),
    "is_host (no hints)": (
        redos_targets.is_host,
        40,
        lambda n: ("a" * (n - 1) + "!",),
        {"samples": [(("example.com",), {}), (("a-b.org",), {})]},
    ),
    "version (raises)": (redos_targets.version, 40, lambda n: ("1" * (n - 1) + "x",), {}),
    "strip_pairs (str C)": (redos_targets.strip_pairs, 3000, lambda n: ("(" * (n // 2) + ")" * (n // 2),), {}),
    "quicksort (Python)": (fuzz_targets.quicksort, 64, lambda n: (list(range(n)),), {}),
}


def seconds(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], limit: float) -> float:
    """Best of 3 timed calls, each cut off at ``limit`` (a raise ends a call like a return)."""
    from perfkit.fuzzers._cost import Evaluator
    from perfkit.fuzzers._instrument import instrument

    evaluator = Evaluator(func, instrument(func, []), timeout=limit, signal_kind="time", raised_cost=True)
    return min(evaluator(args, kwargs).time_s for _ in range(3))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--limit", type=float, default=1.0, help="seconds per call (the fuzz timeout too)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default="", help="comma-separated target names (prefixes)")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated configurations")
    options = parser.parse_args()
    configs = [c for c in options.configs.split(",") if c in CONFIGS]
    names = [n for n in TARGETS if not options.only or any(n.startswith(o) for o in options.only.split(","))]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"perfkit fuzz ablation: budget {options.budget:g} s, limit {options.limit:g} s, seed {options.seed}")
    print(f"load average at start: {load}")
    print("cells: time of the worst input found / time of the known worst (best of 3, capped at 1.00)\n")
    header = f"{'target':<22}" + "".join(f"{c:>10}" for c in configs)
    print(header)
    print("-" * len(header))
    fractions: dict[str, list[float]] = {c: [] for c in configs}
    started = time.monotonic()
    for name in names:
        func, size, known_of, extra = TARGETS[name]
        known = seconds(func, known_of(size), {}, options.limit)
        row = f"{name:<22}"
        for config in configs:
            result = fuzz(
                func,
                max_size=size,
                budget=options.budget,
                seed=options.seed,
                timeout=options.limit,
                features=CONFIGS[config],
                **extra,
            )
            worst = result.worst
            found = 0.0 if worst is None else seconds(func, worst.args, worst.kwargs, options.limit)
            fraction = min(1.0, found / known) if known > 0 else 0.0
            fractions[config].append(fraction)
            row += f"{fraction:>10.2f}"
        print(row, flush=True)
    print("-" * len(header))
    print(f"{'median':<22}" + "".join(f"{statistics.median(v):>10.2f}" for v in fractions.values()))
    end = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{time.monotonic() - started:.0f} s; load average at the end: {end}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
