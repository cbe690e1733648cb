"""perfkit's optimizers on real code nobody here wrote: the corpus of slow functions from PyPI projects.

For each corpus function (``benchmarks/corpus/manifest.py``): ``optimize_function`` with the offline proposers
(plus the LLM proposer with ``--model``), fed with stress inputs from the entry's generator at real sizes (as
``perfkit optimize`` feeds the captured inputs), then the hidden check (``_corpus_hidden.py``: the original in
its own processes, wider inputs, a seed perfkit never sees) on every accepted candidate. Prints per half:
functions, improved, per-function speedup on the largest input (1.0 when unchanged) and their geometric mean,
broken (accepted candidates the hidden check rejects; must be 0), and with ``--runs N`` the run-to-run agreement.

    python benchmarks/real_corpus.py --half tuning            # about 20-30 minutes on 2 cores
    python benchmarks/real_corpus.py --half held-out --runs 3 --json /tmp/held-out.json
    python benchmarks/real_corpus.py --only pylev.wf_levenshtein primepy.first
    python benchmarks/real_corpus.py --list tuning            # the functions of a half, without running
    python benchmarks/real_corpus.py --validate held-out-4    # fetch, import, time the originals; no perfkit run
    python benchmarks/real_corpus.py --half held-out-4 --final --json /tmp/h4.json   # once, at the end

``--validate`` never runs perfkit: per function it times the original on the stress input of each size (a plain
timer, best of up to 3 calls), calls it on the hidden check's wide inputs (counting what they raise), and runs the
hidden check with the original's own source as the candidate (the original under two hash seeds, the reinstalled
copy under a third); it must pass.

Tuning material: every part measured so far. The tuning and first held-out halves, ``held-out-2`` since
session 6 and ``held-out-3`` since session 7 (each was measured once, at the end of the session before; their
per-function results are open for study). The fourth held-out part, ``held-out-4`` (``corpus/HELDOUT4.md``), was
fixed on 2026-11-30 before any perfkit run on it and is searched and measured like the earlier ones: once, at the
end of the session, for the reported figure. perfkit runs on it (``--half held-out-4``, ``--half all``, ``--only``
one of its functions) need ``--final``, which says that this run is that one; ``--list`` and ``--validate`` do not
run perfkit and need no flag.

The projects are downloaded with pip into a cache under the temporary folder (PERFKIT_CORPUS_CACHE overrides it)
and imported from there; nothing is installed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import _corpus_fetch as fetch  # noqa: E402  (found through HERE)
import _corpus_hidden as hidden  # noqa: E402
from corpus.generators import GENERATORS  # noqa: E402
from corpus.manifest import HALVES, PROJECTS, SPLIT_DATE, UNSEEN, Entry, entries, half_of  # noqa: E402

STRESS_SEED = 4242  # the stress inputs' seed; the hidden check uses another


def stress_inputs(entry: Entry) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """One everyday input per stress size, from the entry's generator (the role of captured inputs)."""
    gen = GENERATORS[entry.gen]
    return [gen(random.Random(f"{STRESS_SEED}:{entry.name}:{size}"), size, False) for size in entry.sizes]


def run_entry(entry: Entry, *, model: str | None, rounds: int, measure_rounds: int) -> dict[str, Any]:
    """Optimise one corpus function, hidden-check every accepted candidate; a JSON-ready row."""
    from perfkit.optimizers import LLMProposer, default_proposers, optimize_function

    started = time.perf_counter()
    row: dict[str, Any] = {"name": entry.name, "half": half_of(entry), "project": entry.project, "speedup": 1.0}
    try:
        proposers = default_proposers() + ([LLMProposer(model=model)] if model else [])
        result = optimize_function(
            fetch.load(entry),
            stress_inputs=stress_inputs(entry),
            proposers=proposers,
            rounds=rounds,
            examples=60,
            measure_rounds=measure_rounds,
            max_sizes=2,
        )
    except Exception:  # a crash of the product is a finding: recorded, and the run goes on
        row.update(status="crash", traceback=traceback.format_exc(), seconds=time.perf_counter() - started)
        return row
    checked = []
    for attempt in result.history:
        if attempt.verdict == "accepted":
            verdict = hidden.check(entry.name, attempt.source)
            checked.append(
                {
                    "proposer": attempt.proposer,
                    "note": attempt.note,
                    "speedup": attempt.speedup,
                    "hidden_ok": verdict.ok,
                    "hidden_checked": verdict.checked,
                    "hidden_mismatches": verdict.mismatches,
                    "hidden_first": verdict.first,
                    "source": attempt.source,
                }
            )
    winner = result.winner
    row.update(
        status="improved" if winner is not None and winner.speed is not None else "unchanged",
        tried=sum(1 for a in result.history if a.source),
        verdicts=[f"{a.proposer}: {a.verdict}: {a.reason[:160]}" for a in result.history],
        notes=list(result.notes),
        accepted=checked,
        broken=sum(1 for c in checked if not c["hidden_ok"]),
        verification_inputs=result.verification_inputs,
        seconds=time.perf_counter() - started,
    )
    if winner is not None and winner.speed is not None:
        row.update(
            speedup=winner.speed.speedup,
            low=winner.speed.low,
            high=winner.speed.high,
            winner=winner.proposer + (f" ({winner.note})" if winner.note else ""),
            winner_hidden_ok=next((c["hidden_ok"] for c in checked if c["source"] == winner.source), None),
        )
    return row


def run_isolated(
    entry: Entry, *, model: str | None, rounds: int, measure_rounds: int, timeout: float
) -> dict[str, Any]:
    """:func:`run_entry` in a worker process of its own, ended after ``timeout`` seconds (a hang is a finding)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "row.json"
        command = [sys.executable, __file__, "--worker", entry.name, "--json", str(out), "--rounds", str(rounds)]
        command += ["--measure-rounds", str(measure_rounds)] + (["--model", model] if model else [])
        worker = subprocess.Popen(command, start_new_session=True, preexec_fn=_memory_cap)
        try:
            code = worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)  # the worker's own process group: it and what it started
            worker.wait()
            code = None
        if out.exists():
            row: dict[str, Any] = json.loads(out.read_text())
            return row
    why = f"no result after {timeout:.0f} s (ended)" if code is None else f"the worker exited with status {code}"
    status = "timeout" if code is None else "crash"
    return {
        "name": entry.name,
        "half": half_of(entry),
        "project": entry.project,
        "speedup": 1.0,
        "status": status,
        "traceback": why,
        "seconds": time.perf_counter() - started,
    }


def _memory_cap() -> None:
    """In the worker, before it starts: an address-space cap, so that a runaway (the numba proposer's type
    parser loops forever appending on ``dict[?, ?]``) ends in MemoryError instead of waking the OOM killer."""
    import resource

    cap = int(float(os.environ.get("PERFKIT_CORPUS_MEMORY_GB", "6")) * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    result = func(*args, **kwargs)
    return list(result) if hasattr(result, "__next__") else result  # a generator: run it to the end


class _TooLong(BaseException):
    """Raised by the alarm in :func:`validate_entry` (not an Exception, so the function under test cannot catch it)."""


def _too_long(signum: int, frame: Any) -> None:
    raise _TooLong("the hidden check's wide inputs did not finish in time")


def validate_entry(entry: Entry, *, budget: float = 1.5) -> tuple[bool, str]:
    """Check one corpus function without perfkit: import, time at each size, wide inputs, hidden self-check."""
    import copy
    import inspect
    import textwrap
    from collections import Counter

    try:
        func = fetch.load(entry)
        times = []
        for args, kwargs in stress_inputs(entry):
            best, spent, calls = math.inf, 0.0, 0
            while calls < 3 and (calls == 0 or spent + best < budget):
                fresh_args, fresh_kwargs = copy.deepcopy((args, kwargs))  # in-place functions get the same input
                started = time.perf_counter()
                _call(func, fresh_args, fresh_kwargs)
                took = time.perf_counter() - started
                best, spent, calls = min(best, took), spent + took, calls + 1
            times.append(best)
        raised: Counter[str] = Counter()
        signal.signal(signal.SIGALRM, _too_long)
        signal.alarm(int(budget * 60))  # a wide input that never ends is a bug of its generator
        try:
            for args, kwargs in hidden.hidden_inputs(entry.name):
                try:
                    _call(func, args, kwargs)
                except Exception as exc:  # the hidden check compares exception types: count them
                    raised[type(exc).__name__] += 1
        finally:
            signal.alarm(0)
        verdict = hidden.check(entry.name, textwrap.dedent(inspect.getsource(func)), timeout=budget * 200)
    except (Exception, _TooLong) as exc:
        return False, f"{entry.name:34s} ERROR {type(exc).__name__}: {exc}"
    shown = " ".join(f"{size}:{1000 * t:.1f}ms" for size, t in zip(entry.sizes, times, strict=True))
    flag = "" if 0.05 <= times[-1] <= 2.0 else "  (largest size outside 50 ms-2 s)"
    raises = ", ".join(f"{n} {name}" for name, n in raised.most_common()) or "none"
    check = f"{verdict.checked} inputs, {verdict.mismatches} mismatches" + (
        f" ({verdict.first})" if not verdict.ok else ""
    )
    line = f"{entry.name:34s} {shown}{flag}\n{'':36s}wide inputs raising: {raises}; hidden self-check: {check}"
    return verdict.ok, line


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def summary_lines(half: str, rows: list[dict[str, Any]], run: int) -> list[str]:
    """The per-function table and the figures of one half in one run."""
    lines = [f"[{half} half, run {run}]"]
    lines.append(
        f"  {'function':44s} {'winner':32s} {'speedup [95% CI]':>24s} {'hidden':>9s} {'tried':>5s} {'time':>5s}"
    )
    for r in rows:
        if r["status"] in ("crash", "timeout"):
            last = r["traceback"].strip().splitlines()[-1][:80]
            lines.append(f"  {r['name']:44s} {r['status'].upper()} (details in --json) {last}")
            continue
        shown = f"{r['speedup']:7.2f}x [{r['low']:.2f}, {r['high']:.2f}]" if r["status"] == "improved" else "1.00x"
        checks = r["accepted"]
        hidden_text = f"{sum(c['hidden_ok'] for c in checks)}/{len(checks)} ok" if checks else "-"
        lines.append(
            f"  {r['name']:44s} {r.get('winner', '-')[:32]:32s} {shown:>24s} {hidden_text:>9s} {r['tried']:5d} "
            f"{r['seconds']:4.0f}s"
        )
    improved = [r for r in rows if r["status"] == "improved"]
    broken = sum(r.get("broken", 0) for r in rows)
    accepted = sum(len(r.get("accepted", ())) for r in rows)
    crashes = sum(r["status"] == "crash" for r in rows)
    timeouts = sum(r["status"] == "timeout" for r in rows)
    share = 100 * len(improved) / len(rows) if rows else 0.0
    lines += [
        f"  {half}: functions {len(rows)}, improved {len(improved)} ({share:.0f}%), "
        f"geometric-mean speedup {geomean([r['speedup'] for r in rows]):.2f}x (unchanged = 1.0), "
        f"broken {broken} of {accepted} accepted (goal 0), crashes {crashes}, timeouts {timeouts}",
    ]
    for r in rows:
        for c in r.get("accepted", ()):
            if not c["hidden_ok"]:
                lines.append(f"  BROKEN {r['name']}: {c['proposer']} ({c['note']}): {c['hidden_first'][:200]}")
    return lines


def agreement_lines(half: str, runs: list[list[dict[str, Any]]]) -> list[str]:
    """Run-to-run agreement of one half: the same functions improved, and the spread of each speedup."""
    names = [r["name"] for r in runs[0]]
    improved_sets = [frozenset(r["name"] for r in rows if r["status"] == "improved") for rows in runs]
    same = sum(1 for n in names if len({n in s for s in improved_sets}) == 1)
    spreads = []
    for n in names:
        speeds = [next(r["speedup"] for r in rows if r["name"] == n) for rows in runs]
        if max(speeds) > 1.0:
            spreads.append((max(speeds) / min(speeds), n, speeds))
    lines = [
        f"[{half} half, agreement over {len(runs)} runs]",
        f"  same set improved in every run: {'yes' if len(set(improved_sets)) == 1 else 'no'}; "
        f"functions with the same verdict in every run: {same}/{len(names)}",
        "  improved per run: " + ", ".join(str(len(s)) for s in improved_sets),
        "  geometric mean per run: " + ", ".join(f"{geomean([r['speedup'] for r in rows]):.2f}x" for rows in runs),
    ]
    if spreads:
        ratios = [s[0] for s in spreads]
        lines.append(
            f"  speedup spread (max/min over runs), functions improved in some run: "
            f"median {statistics.median(ratios):.2f}, "
            f"worst {max(ratios):.2f} ({max(spreads)[1]})"
        )
        for ratio, n, speeds in sorted(spreads, reverse=True):
            lines.append(f"    {n:44s} " + " ".join(f"{s:6.2f}x" for s in speeds) + f"  spread {ratio:.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=(*HALVES, "all"), default="tuning", help="which half to run (tuning)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="just these functions (names from --list)")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole run N times (agreement needs 3)")
    parser.add_argument("--json", type=Path, help="write every row of every run here")
    parser.add_argument("--model", help="also use the LLM proposer with this model")
    parser.add_argument("--rounds", type=int, default=1, help="refinement rounds per function (1)")
    parser.add_argument("--measure-rounds", type=int, default=3, help="timing rounds per candidate (3)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per function before it is ended (600)")
    parser.add_argument("--list", choices=(*HALVES, "all"), help="print the functions of a half and exit")
    parser.add_argument(
        "--validate",
        choices=(*HALVES, "all"),
        help="check a half's originals, generators and hidden check (no perfkit)",
    )
    parser.add_argument(
        "--final",
        action="store_true",
        help=f"allow perfkit runs on the {'/'.join(UNSEEN)} part: the one run whose held-out figure is reported",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: one function, its row to --json
    args = parser.parse_args(argv)
    if args.worker:
        entry = next(e for e in entries("all") if e.name == args.worker)
        fetch.activate(fetch.import_paths([entry.project]))
        row = run_entry(entry, model=args.model, rounds=args.rounds, measure_rounds=args.measure_rounds)
        args.json.write_text(json.dumps(row, default=str))
        return 0
    if args.list:
        for e in entries(args.list):
            project = PROJECTS[e.project]
            hints = "hints" if e.hints else "no hints"
            print(f"{e.name:44s} {project.requirement:22s} {e.module}:{e.qualname}  [{hints}] {e.pattern}")
        return 0
    chosen = entries(args.validate or args.half)
    if args.only:
        unknown = sorted(set(args.only) - {e.name for e in entries("all")})
        if unknown:
            parser.error(f"--only: unknown function {unknown[0]!r}; see --list all")
        chosen = [e for e in entries("all") if e.name in args.only]
    unseen = [e.name for e in chosen if half_of(e) in UNSEEN]
    if unseen and not args.validate and not args.final:
        parser.error(
            f"{len(unseen)} functions of the {'/'.join(UNSEEN)} part ({', '.join(unseen[:3])}, ...) are run only in"
            " the final held-out run: add --final for that run, or pick --half tuning/held-out/held-out-2"
        )
    fetch.activate(fetch.import_paths(sorted({e.project for e in chosen})))
    if args.validate:
        print(f"validating {len(chosen)} originals (no perfkit run): time per call at each stress size")
        results = []
        for entry in chosen:
            ok, line = validate_entry(entry)
            print(line, flush=True)
            results.append(ok)
        print(f"hidden self-check passed for {sum(results)}/{len(results)} functions")
        return 0 if all(results) else 1
    git = ["git", "-C", str(HERE.parent)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "perfkit", "optimizers", "fuzzers"], capture_output=True, text=True
    ).stdout.splitlines()
    commit += f" (+{len(dirty)} uncommitted product files)" if dirty else ""
    print(f"real-code corpus at commit {commit or '?'}, split of {SPLIT_DATE}; {len(chosen)} functions")
    started = time.perf_counter()
    runs: list[list[dict[str, Any]]] = []
    for run in range(1, args.runs + 1):
        rows = []
        for entry in chosen:
            print(f"  run {run}: {entry.name} ...", file=sys.stderr, flush=True)
            row = run_isolated(
                entry, model=args.model, rounds=args.rounds, measure_rounds=args.measure_rounds, timeout=args.timeout
            )
            print(f"    {row['status']} {row['speedup']:.2f}x in {row['seconds']:.0f}s", file=sys.stderr, flush=True)
            rows.append(row)
            if args.json:  # after every function, so an interrupted run keeps what it measured
                args.json.write_text(json.dumps({"commit": commit, "runs": [*runs, rows]}, indent=1, default=str))
        runs.append(rows)
        for half in HALVES:
            part = [r for r in rows if r["half"] == half]
            if part:
                print("\n".join(summary_lines(half, part, run)), flush=True)
    if args.runs > 1:
        for half in HALVES:
            parts = [[r for r in rows if r["half"] == half] for rows in runs]
            if parts[0]:
                print("\n".join(agreement_lines(half, parts)))
    print(f"total time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
