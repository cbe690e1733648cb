"""Reproduce ENAMEL's efficiency table (eff@1, pass@1) with perfkit's evaluator, beside the published figures.

ENAMEL ("How Efficient is LLM-Generated Code?", ICLR 2025) scores 142 HumanEval problems against expert
references: tests per level (8, 4, 4, 4), hardness (0, 3, 3, 4), alpha = 2, 6 repetitions per test summarised
by Hodges-Lehmann, seed 998244353. This script scores the three sample files shipped with its data
(``enamel-references``, ``humaneval-canonical``, ``humanevalplus-canonical``) in one perfkit run (same tests and
reference timings for all three), prints the table beside the published numbers with the wall time, writes
per-problem scores (CSV/JSON), and with ``--enam`` runs the ``enam`` package's own evaluator (serial,
in-process) on the same machine afterwards, for a side-by-side of figures, verdicts and wall time. The same
run also gives EffiBench's metrics (ET/NET, MU/NMU, TMU/NTMU, means over the problems with a sample that passed
every test in time), printed after ENAMEL's table; ``--no-memory`` skips their memory pass.

Needs the data folder (``../shared/data/enamel`` by default) and ``pip install enam`` (its generators' helpers).

    python benchmarks/enamel.py [--jobs 1,2] [--repeat 2] [--enam] [--out /tmp/perfkit-enamel] [--first N]
                                [--no-memory]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "enamel"
SETS = ("enamel-references", "humaneval-canonical", "humanevalplus-canonical")
PUBLISHED = {  # eff@1, pass@1 from the paper (Table 2); none is published for the references themselves
    "humanevalplus-canonical": (0.517, 0.958),
    "humaneval-canonical": (0.458, 0.908),
}


def run_perfkit(data: Path, out: Path, jobs: int, first: int | None, memory: bool = True) -> dict:
    from perfkit.efficiency import ENAMEL_EXCLUDED, align_samples, evaluate, load_problems

    problems = load_problems(data / "enamel.csv", exclude=ENAMEL_EXCLUDED)
    if first:
        problems = problems[:first]
    sets = {name: align_samples(json.loads((data / f"{name}.json").read_text()), problems) for name in SETS}
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 20 == 0 or done == total:
            print(f"  perfkit: {done}/{total} problems, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    result = evaluate(problems, sets, jobs=jobs, memory=memory, progress=progress)
    result.save(out)
    return {"summary": result.summary, "wall_time": result.wall_time, "result": result, "problems": problems}


ENAM_SCRIPT = """
import json, sys, time
from enam import Evaluator, PROBLEMSET
data, out, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sys.argv[4:]
subset = PROBLEMSET[:first] if first else PROBLEMSET
started = time.perf_counter()
ev = Evaluator(problems=data + '/enamel.csv', subset=subset, n_tests=[8, 4, 4, 4], n_reps=6,
               hardness=[0., 3., 3., 4.], memory_giga=4., timeout_factor=2., tolerence_sec=0.01, seed=998244353)
ev.make_tests()
report = {'make_tests': time.perf_counter() - started, 'sets': {}}
for name in names:
    codes = json.load(open(f'{data}/{name}.json'))
    t = time.perf_counter()
    metrics = ev.evaluate(codes, k=[1], save_name=f'{out}/{name}')
    report['sets'][name] = {'metrics': metrics, 'seconds': time.perf_counter() - t}
report['wall_time'] = time.perf_counter() - started
json.dump(report, open(out + '/report.json', 'w'))
"""


def run_enam(data: Path, out: Path, first: int | None) -> dict:
    """The enam package's evaluator (the paper's code) in a child process; its files land in ``out/enam``."""
    folder = out / "enam"
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-c", ENAM_SCRIPT, str(data), str(folder), str(first or 0), *SETS]
    subprocess.run(argv, check=True, cwd=folder, stderr=subprocess.DEVNULL)
    report = json.loads((folder / "report.json").read_text())
    for name in SETS:
        passes = json.loads((folder / f"{name}~passes.json").read_text())
        effs = json.loads((folder / f"{name}~effs.json").read_text())
        report["sets"][name]["passes"] = {int(i): v[0] for i, v in passes.items()}
        hardness = [0.0, 3.0, 3.0, 4.0]
        report["sets"][name]["effs"] = {
            int(i): sum(h * e for h, e in zip(hardness, v[0], strict=True)) / sum(hardness) for i, v in effs.items()
        }
    return report


def fmt(x: float | None) -> str:
    return "  -  " if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with enamel.csv and the sample files")
    parser.add_argument("--out", type=Path, default=Path("/tmp/perfkit-enamel"), help="where results go")
    parser.add_argument("--jobs", default="1", help="perfkit worker processes; a list such as 1,2 runs each")
    parser.add_argument("--repeat", type=int, default=1, help="perfkit runs per --jobs value (run-to-run spread)")
    parser.add_argument("--first", type=int, default=None, help="only the first N of the 142 problems (a subset)")
    parser.add_argument("--enam", action="store_true", help="also run the enam package's evaluator, side by side")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory pass (EffiBench's MU/TMU)")
    args = parser.parse_args()
    if not (args.data / "enamel.csv").is_file():
        print(f"enamel.py: error: --data={str(args.data)!r}: no enamel.csv there", file=sys.stderr)
        return 2
    import platform

    jobs = [int(j) for j in args.jobs.split(",")]
    print(f"ENAMEL reproduction on Python {platform.python_version()}, {os.cpu_count()} CPUs", flush=True)
    runs = []  # (label, perfkit run); one after the other, never two evaluators at once
    for j in jobs:
        for r in range(args.repeat):
            print(f"perfkit, {j} worker(s), run {r + 1}/{args.repeat}", file=sys.stderr, flush=True)
            runs.append(
                (
                    f"perfkit -j{j} #{r + 1}",
                    run_perfkit(args.data, args.out / f"perfkit-j{j}-{r + 1}", j, args.first, not args.no_memory),
                )
            )
    theirs = None
    if args.enam:
        print("enam (serial, in-process)", file=sys.stderr, flush=True)
        theirs = run_enam(args.data, args.out, args.first)

    n = runs[0][1]["summary"][SETS[0]]["problems"]
    print(
        f"\n{n} problems" + (f" (subset: the first {args.first} of the 142)" if args.first else "") + ", eff@1 / pass@1"
    )
    rows = [
        (
            label,
            {name: (run["summary"][name]["eff@1"], run["summary"][name]["pass@1"]) for name in SETS},
            run["wall_time"],
        )
        for label, run in runs
    ]
    if theirs:
        rows.append(
            (
                "enam 0.2.0 (serial)",
                {
                    name: (theirs["sets"][name]["metrics"]["eff@1"], theirs["sets"][name]["metrics"]["pass@1"])
                    for name in SETS
                },
                theirs["wall_time"],
            )
        )
    rows.append(("published (paper)", {name: PUBLISHED.get(name, (None, None)) for name in SETS}, None))
    print(f"{'':<22}" + "".join(f"{name:>26}" for name in SETS) + f"{'wall time':>12}")
    for label, figures, wall in rows:
        cells = "".join(f"{fmt(figures[name][0]) + ' / ' + fmt(figures[name][1]):>26}" for name in SETS)
        print(f"{label:<22}{cells}{'' if wall is None else f'{wall:>10.0f} s':>12}")
    print_effibench(runs)
    if theirs:
        print(f"\nenam: tests {theirs['make_tests']:.0f} s, then the three sets one after the other (it re-times")
        print("the reference for each set); perfkit builds the tests and times the reference once per problem.")
        compare_verdicts(runs[0][1], theirs)
    print(f"\nper-problem scores: {args.out}/perfkit-j{jobs[0]}-1/scores.csv (and result.json, samples.csv)")
    return 0


def print_effibench(runs: list[tuple[str, dict]]) -> None:
    """EffiBench's table for each perfkit run: scored problems, ET (s), NET, MU (MB), NMU, TMU (MB*s), NTMU."""
    keys = ("et", "net", "mu", "nmu", "tmu", "ntmu")
    print("\nEffiBench's metrics (means over the problems with a sample that passed every test in time)")
    print(f"{'':<22}{'set':<26}{'scored':>8}" + "".join(f"{k.upper():>9}" for k in keys))
    for label, run in runs:
        for name in SETS:
            entry = run["summary"][name]
            cells = "".join(f"{fmt(entry[k]):>9}" for k in keys)
            print(f"{label:<22}{name:<26}{entry['scored']:>5}/{entry['problems']:<3}{cells}")


def compare_verdicts(mine: dict, theirs: dict) -> None:
    """Problems where perfkit and enam disagree on pass, and the largest efficiency differences."""
    from perfkit.efficiency.problems import problem_number

    scores = mine["result"].scores
    for name in SETS:
        part = scores[scores["set"] == name]
        ours = {
            problem_number(t, 0): (p, e) for t, p, e in zip(part["task_id"], part["pass@1"], part["eff@1"], strict=True)
        }
        other = theirs["sets"][name]
        differ = [i for i in sorted(ours) if i in other["passes"] and bool(ours[i][0]) != bool(other["passes"][i])]
        gaps = sorted(((abs(ours[i][1] - other["effs"][i]), i) for i in ours if i in other["effs"]), reverse=True)
        near = sum(1 for gap, _ in gaps if gap <= 0.1)
        print(f"{name}: pass verdicts differ on {differ or 'no problem'}; eff within 0.1 on {near}/{len(gaps)}")
        print(
            "   largest eff gaps (HumanEval id: perfkit vs enam): "
            + ", ".join(f"{i}: {ours[i][1]:.2f} vs {other['effs'][i]:.2f}" for _, i in gaps[:5])
        )


if __name__ == "__main__":
    sys.exit(main())
