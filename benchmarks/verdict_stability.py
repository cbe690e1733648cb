"""Are timing verdicts repeatable? Real candidate pairs (the original slow function and a verified rewrite) are
timed with ``compare_speed`` 5 times each, on one input at a real workload size; prints each speedup with its
95% interval, the verdict at the default acceptance bar (lower bound above 1.05), and how often the verdicts agree.

    python benchmarks/verdict_stability.py            # 4 pairs, 5 repetitions
    python benchmarks/verdict_stability.py --reps 3 --only fifo

The pairs are the shapes of ``examples/inventory`` (a FIFO queue on a list, membership in a list, a string built
by concatenation or by ``+=``, counting with a dict) at workload sizes (one call takes about 1-50 ms), and the
FIFO pair once more on 40 orders, the size a fuzz campaign may hand over, for contrast.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORIGINALS = """
def fulfil(orders, stock):
    queue = list(orders)
    served = []
    while queue and stock > 0:
        quantity = queue.pop(0)
        take = min(quantity, stock)
        served.append(take)
        stock -= take
    return served


def unique_skus(skus):
    seen = []
    for sku in skus:
        if sku not in seen:
            seen.append(sku)
    return seen


def render(names):
    out = ""
    for i, name in enumerate(names):
        out = out + str(i + 1) + ". " + name + "\\n"
    return out


def render_inplace(names):
    text = ""
    for i, name in enumerate(names):
        text += f"{i + 1}. {name}\\n"
    return text


def count_categories(categories):
    counts = {}
    for category in categories:
        if category in counts:
            counts[category] += 1
        else:
            counts[category] = 1
    return counts
"""

CANDIDATES = {
    "fulfil": """
def fulfil(orders, stock):
    from collections import deque
    queue = deque(orders)
    served = []
    while queue and stock > 0:
        quantity = queue.popleft()
        take = min(quantity, stock)
        served.append(take)
        stock -= take
    return served
""",
    "unique_skus": """
def unique_skus(skus):
    return list(dict.fromkeys(skus))
""",
    "render": """
def render(names):
    return "".join(f"{i + 1}. {name}\\n" for i, name in enumerate(names))
""",
    "render_inplace": """
def render_inplace(names):
    return "".join([f"{i + 1}. {name}\\n" for i, name in enumerate(names)])
""",
    "count_categories": """
def count_categories(categories):
    counts = {}
    for category in categories:
        counts[category] = counts.get(category, 0) + 1
    return counts
""",
}


def pairs() -> list[tuple[str, str, tuple[tuple[Any, ...], dict[str, Any]]]]:
    """(label, function, input): the workload-sized input of each pair, and one input of the size a fuzz campaign
    may hand over (a few dozen items) for contrast."""
    rng = random.Random(7)
    skus = [f"SKU-{rng.randrange(1500):05d}" for _ in range(4000)]
    return [
        ("fulfil", "fulfil", (([rng.randrange(1, 9) for _ in range(30000)], 10**6), {})),
        ("fulfil, 40 orders", "fulfil", (([rng.randrange(1, 9) for _ in range(40)], 10**6), {})),
        ("unique_skus", "unique_skus", ((skus,), {})),
        ("render", "render", ((skus,), {})),
        ("render_inplace", "render_inplace", ((skus * 10,), {})),
        ("count_categories", "count_categories", (([sku[-1] for sku in skus * 25],), {})),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="timings of each pair (5)")
    parser.add_argument("--only", choices=sorted(CANDIDATES), help="just the pairs of this function")
    args = parser.parse_args()
    from perfkit.optimizers._code import CodeRef
    from perfkit.optimizers.speed import StressInputs, compare_speed

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "verdict_pairs.py").write_text(ORIGINALS)
        sys.path.insert(0, tmp)
        os.environ["PYTHONPATH"] = os.pathsep.join([tmp, os.environ.get("PYTHONPATH", "")])
        print(f"{'pair':18s} {'speedups [95% interval] of each timing':70s} {'verdicts':18s} agree  s/timing")
        for label, name, item in pairs():
            if args.only and name != args.only:
                continue
            candidate = CANDIDATES[name]
            shown, verdicts = [], []
            started = time.perf_counter()
            for _ in range(args.reps):
                speed = compare_speed(
                    CodeRef("verdict_pairs", name),
                    CodeRef("verdict_pairs", name, candidate),
                    StressInputs([item], representative=[item]),
                    target=1.05,
                )
                shown.append(f"{speed.speedup:.2f} [{speed.low:.2f},{speed.high:.2f}]")
                verdicts.append("acc" if speed.low > 1.05 else "slow")
            seconds = (time.perf_counter() - started) / args.reps
            agree = max(verdicts.count(v) for v in set(verdicts))
            print(
                f"{label:18s} {' '.join(shown):70s} {','.join(verdicts):18s} {agree}/{len(verdicts)}  {seconds:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
