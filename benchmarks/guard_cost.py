"""What the type guard costs: every candidate starts with a test that its arguments have only the types verification
exercised (``seen_types``), and that test reads every item of a list argument. Here, on O(n) functions whose fast
rewrite is a single C-level call (the case where the guard weighs most), the rewrite's time with and without its
guard, and the original's.

    python benchmarks/guard_cost.py              # n = 100_000
    python benchmarks/guard_cost.py --n 10000

Prints, per function: the guard's test; the times (best of several runs) of the original, the rewrite, the
rewrite with its full guard and with the guard relaxed (argument types only: what verification keeps when the
rewrite also behaves like the original with items of other types); the guard's share of each; the speedups.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# (name, original, rewrite, inputs(n, rng)): unannotated, as everyday code spells them
CASES: list[tuple[str, str, str, Any]] = [
    (
        "dedupe",
        """
        def dedupe(items):
            seen = set()
            out = []
            for x in items:
                if x not in seen:
                    seen.add(x)
                    out.append(x)
            return out
        """,
        "def dedupe(items):\n    return list(dict.fromkeys(items))\n",
        lambda n, r: ([r.randrange(n // 4 + 1) for _ in range(n)],),
    ),
    (
        "total",
        """
        def total(values):
            t = 0.0
            for v in values:
                t += v
            return t
        """,
        "def total(values):\n    return sum(values, 0.0)\n",
        lambda n, r: ([r.random() for _ in range(n)],),
    ),
    (
        "count_words",
        """
        def count_words(words):
            counts = {}
            for w in words:
                counts[w] = counts.get(w, 0) + 1
            return counts
        """,
        "from collections import Counter\ndef count_words(words):\n    return dict(Counter(words))\n",
        lambda n, r: ([r.choice(["a", "bb", "cc", "d", "eee", "f"]) + str(r.randrange(50)) for _ in range(n)],),
    ),
    (
        "best_row",
        """
        def best_row(rows):
            best = None
            for name, score in rows:
                if best is None or score > best[1]:
                    best = (name, score)
            return best
        """,
        "from operator import itemgetter\n"
        "def best_row(rows):\n    return max(rows, key=itemgetter(1)) if rows else None\n",
        lambda n, r: ([(f"n{i}", r.randrange(10**6)) for i in range(n)],),
    ),
    (
        "group_sizes",
        """
        def group_sizes(groups):
            out = {}
            for key in groups:
                size = 0
                for _ in groups[key]:
                    size += 1
                out[key] = size
            return out
        """,
        "def group_sizes(groups):\n    return {k: len(v) for k, v in groups.items()}\n",
        lambda n, r: ({f"k{i}": [r.randrange(9) for _ in range(r.randrange(20))] for i in range(n // 10)},),
    ),
    (
        "is_square (scalar)",
        """
        def is_square(n):
            r = 0
            while r * r < n:
                r += 1
            return r * r == n
        """,
        "import math\ndef is_square(n):\n    return n >= 0 and math.isqrt(n) ** 2 == n\n",
        lambda n, r: (r.randrange(2000),),
    ),
]


def load(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"__name__": "guard_cost_case"}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace[name]


def best(func: Any, args: tuple[Any, ...], *, seconds: float = 0.3) -> float:
    """The best time of one call, over several batches of about ``seconds`` each."""
    timer = timeit.Timer(lambda: func(*args))
    number, _ = timer.autorange()
    number = max(1, int(number * seconds / 0.2))
    return min(timer.repeat(repeat=5, number=number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from perfkit.optimizers._unexplored import guarded, relaxed, seen_types

    rng = random.Random(0)
    head = f"{'function':20s} {'original':>10s} {'rewrite':>10s} {'guarded':>10s} {'relaxed':>10s}"
    print(head + f" {'guard':>6s} {'relaxed':>7s} {'speedup: none, guarded, relaxed':>32s}")
    for name, original, rewrite, draw in CASES:
        original = textwrap.dedent(original).lstrip()
        big = draw(options.n, rng)
        checks = [(draw(size, rng), {}) for size in (0, 1, 5, 40)] + [(big, {})]
        short = name.split()[0]
        func = load(original, short)
        tests = seen_types(func, checks)
        both = guarded(rewrite, original, short, tests)
        loose = relaxed(both, short)
        times = [best(load(text, short), big) for text in (original, rewrite, both, loose)]
        shares = [f"{1 - times[1] / t:6.0%}" for t in times[2:]]
        speed = " ".join(f"{times[0] / t:9.2f}x" for t in times[1:])
        shown = [f"{t * 1e3:8.3f}ms" if t > 1e-4 else f"{t * 1e9:8.0f}ns" for t in times]
        print(f"{name:20s} {' '.join(f'{s:>10s}' for s in shown)} {shares[0]} {shares[1]:>7s} {speed:>32s}")
        print(f"{'':20s} guard: {' and '.join(tests.values())[:150]}")


if __name__ == "__main__":
    main()
