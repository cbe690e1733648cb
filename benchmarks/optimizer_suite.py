"""The optimizers on a suite of slow-but-correct functions, offline proposers only (AST rewrites and numba).

For each function: the proposer that won, its speedup on the largest stress input (with the 95% interval),
whether the verifier accepted it, and whether a hidden checker (a reference written another way, on fresh
inputs; not the verifier) agrees with the winner. Then the geometric-mean speedup (1.0 for a function with no
winner), the number of wrong candidates accepted, and the share of functions improved.
Goals: 0 wrong accepted, geometric mean >= 3x, >= 70% improved.

    python benchmarks/optimizer_suite.py            # the whole suite (about 5-10 minutes on 2 cores)
    python benchmarks/optimizer_suite.py dedupe fib # some functions
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
sys.path.insert(0, HERE)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HERE, os.environ.get("PYTHONPATH", "")) if p)

import _slow_suite as suite  # noqa: E402  (found through HERE)


def hidden_agrees(name: str, source: str) -> tuple[bool, str]:
    from perfkit.optimizers import CodeRef

    from perfkit.harness.sandbox import Child

    ref = CodeRef(suite.__name__, name, source)
    with Child("_slow_suite:hidden_check", {"name": name, "ref": ref}, memory_limit=2 * 2**30) as child:
        message = child.recv(timeout=300)
    if message["kind"] == "crash":
        return False, message["message"]
    return bool(message["ok"]), message["why"]


def main(names: list[str]) -> int:
    from perfkit.optimizers import optimize_function

    names = names or list(suite.STRESS)
    rows = []
    accepted: list[tuple[str, str, bool, str]] = []
    started = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        func = getattr(suite, name)
        result = optimize_function(
            func, stress_inputs=suite.STRESS[name], rounds=1, examples=60, measure_rounds=3, max_sizes=2
        )
        winner = result.winner
        tried = len([a for a in result.history if a.source])
        for attempt in result.history:  # every accepted candidate faces the hidden checker, not only the winner
            if attempt.verdict == "accepted":
                ok, why = hidden_agrees(name, attempt.source)
                accepted.append((name, attempt.source, ok, why))
        if winner is None or winner.speed is None:
            rows.append((name, "-", 1.0, None, "no", "-", tried, time.perf_counter() - t0))
            continue
        agrees, why = next((ok, why) for n, src, ok, why in accepted if n == name and src == winner.source)
        speed = winner.speed
        label = winner.proposer + (f" ({winner.note.split(': ', 1)[-1]})" if winner.proposer == "rewrite" else "")
        small = speed.per_size[0]
        rows.append(
            (
                name,
                label,
                speed.speedup,
                (speed.low, speed.high, small.size, small.speedup),
                "yes",
                "yes" if agrees else f"NO: {why}",
                tried,
                time.perf_counter() - t0,
            )
        )
    print(
        f"{'function':<15} {'winner':<34} {'speedup (95% CI), largest':>27} {'smaller input':>18} "
        f"{'verified':>8} {'hidden':>6} {'tried':>5} {'time':>6}"
    )
    for name, label, ratio, ci, verified, hidden, tried, seconds in rows:
        shown = f"{ratio:8.2f}x [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else f"{'-':>8}"
        small = f"{ci[3]:.2f}x @ n={ci[2]}" if ci else "-"
        print(
            f"{name:<15} {label[:34]:<34} {shown:>27} {small:>18} {verified:>8} {hidden:>6} {tried:>5} {seconds:5.0f}s"
        )
    improved = [r for r in rows if r[3] is not None]
    wrong = [a for a in accepted if not a[2]]
    geomean = math.exp(sum(math.log(r[2]) for r in rows) / len(rows))
    print()
    print(f"geometric-mean speedup: {geomean:.2f}x (functions without a winner count as 1.0x)   goal >= 3x")
    print(f"wrong candidates accepted (hidden checker disagrees): {len(wrong)} of {len(accepted)} accepted   goal 0")
    print(f"functions improved: {len(improved)}/{len(rows)} = {100 * len(improved) / len(rows):.0f}%   goal >= 70%")
    print(f"total time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
