"""EffiBench's metrics (ET/NET, MU/NMU, TMU/NTMU) beside ENAMEL's (eff@1, pass@1), from one ``perfkit eff`` run
on a handful of ENAMEL problems and the three sample sets shipped with its data.

``enamel-references`` holds the expert references themselves: its NMU should be 1 (the memory pass is
deterministic) and its NET near 1 (timing noise only). The HumanEval canonical solutions are the slower, often
hungrier code. With ``--overhead`` the same problems are run again without the memory pass, to show what the
pass costs in wall time and that ENAMEL's figures do not depend on it (beyond run-to-run noise).

    python benchmarks/effibench_metrics.py [--problems 0,3,4,...] [--jobs 1] [--overhead] [--out DIR]

Problems whose input generators need the ``enam`` package's helpers are skipped unless it can be imported.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "enamel"
SETS = ("enamel-references", "humaneval-canonical", "humanevalplus-canonical")
DEFAULT = "0,4,5,9,12,18,20,26,29,32,35,43"  # generators that need no helpers; a mix of list, string, number tasks


def fmt(x: float, width: int = 9) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return f"{'-':>{width}}"
    return f"{x:>{width}.3g}" if abs(x) < 0.01 else f"{x:>{width}.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with enamel.csv and the sample files")
    parser.add_argument("--problems", default=DEFAULT, help="HumanEval numbers to score (comma-separated)")
    parser.add_argument("--jobs", type=int, default=1, help="perfkit worker processes")
    parser.add_argument("--reps", type=int, default=6, help="timed repetitions per test (ENAMEL: 6)")
    parser.add_argument("--overhead", action="store_true", help="run again without the memory pass and compare")
    parser.add_argument("--out", type=Path, default=Path("/tmp/perfkit-effibench"), help="where results go")
    args = parser.parse_args()
    if not (args.data / "enamel.csv").is_file():
        print(f"effibench_metrics.py: error: --data={str(args.data)!r}: no enamel.csv there", file=sys.stderr)
        return 2
    from perfkit.efficiency import ENAMEL_HELPERS, align_samples, evaluate, load_problems
    from perfkit.efficiency.problems import problem_number

    wanted = {int(x) for x in args.problems.split(",") if x.strip()}
    has_enam = importlib.util.find_spec("enam") is not None
    problems = [
        p
        for p in load_problems(args.data / "enamel.csv", helpers=ENAMEL_HELPERS if has_enam else None)
        if problem_number(p.task_id, p.index) in wanted and (has_enam or "rand_" not in p.generator)
    ]
    skipped = sorted(wanted - {problem_number(p.task_id, p.index) for p in problems})
    sets = {name: align_samples(json.loads((args.data / f"{name}.json").read_text()), problems) for name in SETS}
    print(f"{len(problems)} ENAMEL problems: {', '.join(p.task_id for p in problems)}")
    if skipped:
        print(f"skipped (need `pip install enam` for their generators, or not in the data): {skipped}")
    started = time.perf_counter()
    result = evaluate(problems, sets, jobs=args.jobs, reps=args.reps)
    result.save(args.out)
    wall = time.perf_counter() - started
    print(f"\n{'':<26}{'eff@1':>9}{'pass@1':>9} |{'scored':>8}{'ET (s)':>9}{'NET':>9}{'MU (MB)':>9}{'NMU':>9}", end="")
    print(f"{'TMU MB*s':>9}{'NTMU':>9}")
    for name in SETS:
        e = result.summary[name]
        line = f"{name:<26}{fmt(e['eff@1'])}{fmt(e['pass@1'])} |{e['scored']:>5}/{e['problems']:<2}"
        print(line + "".join(fmt(e[key]) for key in ("et", "net", "mu", "nmu", "tmu", "ntmu")))
    print(f"wall time {wall:.0f} s ({args.jobs} worker(s), {args.reps} reps, memory pass on)")

    print("\nper problem, NET / NMU / NTMU (- : no sample passed every test in time)")
    print(f"{'':<14}" + "".join(f"{name:>28}" for name in SETS) + f"{'ref MU (MB)':>13}{'ref ET (s)':>12}")
    scores = result.scores
    for problem in problems:
        rows = scores[scores["task_id"] == problem.task_id].set_index("set")
        cells = [
            f"{fmt(rows.loc[n, 'net'], 7)} /{fmt(rows.loc[n, 'nmu'], 6)} /{fmt(rows.loc[n, 'ntmu'], 7)}" for n in SETS
        ]
        ref = rows.iloc[0]
        print(
            f"{problem.task_id:<14}"
            + "".join(f"{c:>28}" for c in cells)
            + fmt(ref["ref_mu"], 13)
            + fmt(ref["ref_et"], 12)
        )
    ticks = result.samples["mem_ticks"]
    passed = result.samples[result.samples["status"] == "passed"]
    print(
        f"\nmemory readings inside calls per scored sample: median {int(passed['mem_ticks'].median())}, "
        f"min {int(passed['mem_ticks'].min())} ({int((passed['mem_ticks'] == 0).sum())} with none: TMU from the "
        f"calls' start and end memory); all samples: {int(ticks.sum())} readings"
    )
    if args.overhead:
        started = time.perf_counter()
        plain = evaluate(problems, sets, jobs=args.jobs, reps=args.reps, memory=False)
        plain_wall = time.perf_counter() - started
        print(f"\nwithout the memory pass: wall time {plain_wall:.0f} s (with it: {wall:.0f} s)")
        for name in SETS:
            a, b = result.summary[name], plain.summary[name]
            print(
                f"{name:<26} eff@1 {a['eff@1']:.3f} (with) vs {b['eff@1']:.3f} (without); "
                f"pass@1 {a['pass@1']:.3f} vs {b['pass@1']:.3f}; NET {a['net']:.3f} vs {b['net']:.3f}"
            )
    print(f"\nper-problem figures: {args.out}/scores.csv, samples.csv, result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
