"""Precision and recall of perfkit's E-divisive change points on synthetic perf histories with known shifts.

Each history has N sessions, 0 to 3 change points at random places (at least 8 sessions apart), each a shift of
3%, 5% or 10% up or down; the session noise is normal (CV 1%), log-normal (2%), or log-normal with outlier
sessions (5% of sessions 1.5x to 3x slower, as on a machine that was busy then). A detected change point matches
a true one within ``--tolerance`` sessions. Seeds start at 10_000: the defaults (power 0.5, significance 0.01,
min_size 3) were chosen on other seeds (0-200, 5000-5200), so these figures are held out.

    .venv/bin/python benchmarks/changepoints.py --histories 100 --sessions 80
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from perfkit.changepoints import e_divisive

NOISES = ("normal 1%", "lognormal 2%", "lognormal 2% + outliers")
SHIFTS = (0.03, 0.05, 0.10)


def history(rng: np.random.Generator, sessions: int, noise: str) -> tuple[np.ndarray, list[int], list[float]]:
    count = int(rng.integers(0, 4))
    cuts: list[int] = []
    while len(cuts) < count:
        at = int(rng.integers(8, sessions - 8))
        if all(abs(at - c) >= 8 for c in cuts):
            cuts.append(at)
    cuts.sort()
    level = np.ones(sessions)
    sizes = []
    for at in cuts:
        sizes.append(float(rng.choice(SHIFTS)))
        level[at:] *= 1 + sizes[-1] * float(rng.choice([-1, 1]))
    if noise == "normal 1%":
        x = level * (1 + rng.normal(0, 0.01, sessions))
    else:
        x = level * rng.lognormal(0, 0.02, sessions)
        if noise.endswith("outliers"):
            busy = rng.random(sessions) < 0.05
            x[busy] *= rng.uniform(1.5, 3.0, int(busy.sum()))
    return 1e-3 * x, cuts, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--histories", type=int, default=100, help="histories per noise kind (default 100)")
    parser.add_argument("--sessions", type=int, default=80, help="sessions per history (default 80)")
    parser.add_argument("--tolerance", type=int, default=2, help="sessions a match may be off by (default 2)")
    options = parser.parse_args()
    print(f"{options.histories} histories of {options.sessions} sessions per noise kind; match: ±{options.tolerance}")
    by_size = "".join(f"{f'recall {100 * size:.0f}%':>12}" for size in SHIFTS)
    head = f"{'noise':<26}{'true':>6}{'found':>7}{'precision':>11}{'recall':>8}{by_size}"
    print(f"{head}{'alarms on flat':>16}{'s/hist':>8}")
    for kind_index, noise in enumerate(NOISES):
        rng = np.random.default_rng(10_000 + kind_index)
        true = found = matched = correct = flat = flat_alarms = 0
        hits = {size: [0, 0] for size in SHIFTS}
        start = time.perf_counter()
        for seed in range(options.histories):
            x, cuts, sizes = history(rng, options.sessions, noise)
            detected = [c.index for c in e_divisive(x, seed=seed)]
            true += len(cuts)
            found += len(detected)
            matched += sum(any(abs(d - c) <= options.tolerance for d in detected) for c in cuts)
            correct += sum(any(abs(d - c) <= options.tolerance for c in cuts) for d in detected)
            for c, size in zip(cuts, sizes, strict=True):
                hits[size][0] += any(abs(d - c) <= options.tolerance for d in detected)
                hits[size][1] += 1
            if not cuts:
                flat += 1
                flat_alarms += bool(detected)
        elapsed = (time.perf_counter() - start) / options.histories
        precision = correct / found if found else float("nan")
        recall = matched / true if true else float("nan")
        per_size = "".join(f"{f'{h}/{n}':>12}" for h, n in hits.values())
        print(
            f"{noise:<26}{true:>6}{found:>7}{precision:>11.3f}{recall:>8.3f}{per_size}"
            f"{f'{flat_alarms}/{flat}':>16}{elapsed:>8.3f}"
        )


if __name__ == "__main__":
    main()
