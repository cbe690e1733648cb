"""perfkit fuzz on real, published super-linear bugs: the fraction of the published exploit's time it reaches.

For each bug of ``benchmarks/redos/manifest.py`` (old PyPI releases, installed outside perfkit's environment
with ``pip install --no-deps --target`` under ``$PERFKIT_REDOS_CACHE`` or ``<tmp>/perfkit-redos``):

1. time the published exploit (``prefix + pump * k + suffix``) through the bug's ``str`` wrapper: best of
   ``--repeats`` calls in a fresh process; a call cut off at ``--limit`` seconds counts as the limit (shown "≥");
2. run each method for ``--budget`` seconds with ``max_size`` = the exploit's length, each in its own process
   with a time and memory limit (``redos/methods.py``: perfkit's ``fuzz`` in its default configuration, random
   strings, plain atheris, plain hypothesis);
3. re-time each method's slowest input exactly as the exploit, and report worst / exploit, capped at 1.0.

Prints one row per bug and the median per method per half, the settings and ``uptime`` (the machine's load).
The parts were fixed in the manifest before any run. ``--half`` defaults to "seen": every part already looked at
(tuning, held-out, held-out-2 and, since session 7, held-out-3). The fourth held-out part ("held-out-4", fixed before
any perfkit run on it) is searched only with ``--final``, which says that this run is the one whose figure is reported
(``--half all`` and ``--only`` on its bugs too). ``--check-fixed``, ``--exploit-only`` and ``--validate`` time fixed
inputs only, never a search: ``--validate`` times the exploit, one random string of the same length (the random
method's alphabet, seeded by ``--seed`` and the bug) and the exploit on the fixed release, so a part can be checked
before anybody searches it.

    python benchmarks/redos_corpus.py --half tuning --budget 5              # quick check of the harness
    python benchmarks/redos_corpus.py --budget 30 --out /tmp/redos.json     # every part already looked at
    python benchmarks/redos_corpus.py --half held-out-4 --final --budget 30 --out /tmp/redos-h4.json  # once, at the end
    python benchmarks/redos_corpus.py --only wheel-filename,jinja2-urlize --methods perfkit,random
    python benchmarks/redos_corpus.py --methods perfkit --out /tmp/redos.json --keep   # keep the other methods
    python benchmarks/redos_corpus.py --check-fixed --repeats 1       # each exploit: slow before, fast after the fix
    python benchmarks/redos_corpus.py --half held-out-4 --exploit-only   # each exploit's time on its release only
    python benchmarks/redos_corpus.py --half held-out-4 --validate    # exploit, random of its length, fixed release

With ``--keep``, rows of methods not run now are kept from the existing ``--out`` file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redos.fetch import CACHE, environment
from redos.manifest import BY_ID, HALVES, UNSEEN, Bug, half
from redos.methods import ALPHABET, METHODS
from redos.timing import Timing, limit_memory, time_input

SEARCH_MEMORY = 4 * 2**30
SLACK = {"perfkit": 90.0, "atheris": 90.0}  # seconds past the budget before a search is killed: perfkit starts
# workers, atheris instruments the library as it imports it (its budget starts after that)
DEFAULT_SLACK = 30.0


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def search(bug: Bug, method: str, *, budget: float, seed: int, final: bool = False) -> dict[str, Any]:
    """Run one method on one bug in its own process; its saved best (input None when it found nothing)."""
    with tempfile.TemporaryDirectory(prefix="redos-search-") as tmp:
        out = Path(tmp) / "best.json"
        command = [sys.executable, "-m", "redos.methods", method, bug.id, "--budget", str(budget)]
        command += ["--seed", str(seed), "--out", str(out), *(["--final"] if final else [])]
        start, killed, stderr = time.monotonic(), False, ""
        try:
            done = subprocess.run(
                command,
                env=environment(bug),
                cwd=Path(__file__).resolve().parent,
                capture_output=True,
                text=True,
                timeout=budget + SLACK.get(method, DEFAULT_SLACK),
                preexec_fn=lambda: limit_memory(SEARCH_MEMORY),
            )
            stderr = done.stderr if done.returncode else ""
        except subprocess.TimeoutExpired:
            killed = True
        wall = time.monotonic() - start
        record: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {"input": None}
    record.update(wall=wall, killed=killed)
    if stderr and record.get("input") is None:
        record["failure"] = stderr.strip().splitlines()[-1][:300]
    return record


def fraction(worst: Timing | None, exploit: Timing) -> float:
    if worst is None or exploit.seconds <= 0:
        return 0.0
    return min(1.0, worst.seconds / exploit.seconds)


def run_bug(bug: Bug, methods: list[str], args: argparse.Namespace, kept: dict[str, Any]) -> dict[str, Any]:
    exploit = time_input(bug, bug.exploit, repeats=args.repeats, limit=args.limit)
    row: dict[str, Any] = {
        "id": bug.id,
        "half": bug.half,
        "length": bug.length,
        "exploit_s": exploit.seconds,
        "exploit_censored": exploit.censored,
        "exploit_error": exploit.error,
        "methods": dict(kept.get("methods", {})),
    }
    for method in methods:
        found = search(bug, method, budget=args.budget, seed=args.seed, final=args.final)
        s = found.get("input")
        worst = time_input(bug, s, repeats=args.repeats, limit=args.limit) if isinstance(s, str) else None
        keys = ("failure", "outcome", "signal", "searcher", "note")
        extra: dict[str, Any] = {k: found[k] for k in keys if k in found}
        row["methods"][method] = {
            "fraction": fraction(worst, exploit),
            "worst_s": worst.seconds if worst else None,
            "worst_censored": worst.censored if worst else False,
            "worst_error": worst.error if worst else None,
            "exploit_s": exploit.seconds,
            "input_length": len(s) if isinstance(s, str) else None,
            "input_head": s[:60] if isinstance(s, str) else None,
            "evals": found.get("evals"),
            "wall_s": round(found["wall"], 1),
            "killed": found["killed"],
            **extra,
        }
    return row


def format_row(row: dict[str, Any], methods: list[str]) -> str:
    mark = "≥" if row["exploit_censored"] else " "
    cells = []
    for method in methods:
        got = row["methods"].get(method)
        cells.append(f"{got['fraction']:>10.3f}" if got else f"{'-':>10}")
    head = f"{row['id']:<30} {row['half']:<10} {row['length']:>6} {mark}{row['exploit_s']:>7.2f}"
    return head + " " + " ".join(cells)


def summary(rows: list[dict[str, Any]], methods: list[str]) -> list[str]:
    lines = []
    for name in HALVES:
        chosen = [r for r in rows if r["half"] == name]
        if not chosen:
            continue
        cells = []
        for method in methods:
            values = [r["methods"][method]["fraction"] for r in chosen if method in r["methods"]]
            cells.append(
                f"{method} {statistics.median(values):.3f} (min {min(values):.3f}, n={len(values)})"
                if values
                else f"{method} -"
            )
        lines.append(f"median fraction, {name} half ({len(chosen)} bugs): " + "; ".join(cells))
    return lines


def random_input(bug: Bug, *, seed: int = 0) -> str:
    """A random string as long as ``bug``'s exploit over the random method's alphabet (the same one for one seed)."""
    rng = random.Random(f"{seed}:{bug.id}")
    return "".join(rng.choice(ALPHABET) for _ in range(bug.length))


def check_fixed(bugs: list[Bug], args: argparse.Namespace, *, fixed: bool = True, baseline: bool = False) -> None:
    """Print the exploit's time on the vulnerable and (``fixed``) on the fixed release: the exploit must hit the
    advisory's bug (slow on the first, fast on the second). ``baseline``: also a random string of the exploit's
    length on the vulnerable release (``random_input``), which must be far faster. What a call raised is shown in
    brackets; ``cpu`` is the vulnerable call's CPU seconds (its wall time on an idle machine)."""
    head = f"{'bug':<30} {'half':<10} {'length':>8} {'version':>8} {'s':>7} {'cpu':>6}"
    print(head + (f"   {'random s':>8} {'x':>8}" * baseline) + (f"   {'fixed':>8} {'s':>7}" * fixed))
    for bug in bugs:
        slow = time_input(bug, bug.exploit, repeats=args.repeats, limit=args.limit)
        raised = f" ({slow.error})" if slow.error else ""
        head = f"{bug.id:<30} {bug.half:<10} {bug.length:>8} {bug.version:>8} {'≥' if slow.censored else ' '}"
        head += f"{slow.seconds:>6.3f} " + (f"{slow.cpu:>6.3f}" if slow.cpu is not None else f"{'-':>6}")
        if baseline:
            noise = time_input(bug, random_input(bug, seed=args.seed), repeats=args.repeats, limit=args.limit)
            ratio = slow.seconds / max(noise.seconds, 1e-6)
            head += f"   {'≥' if noise.censored else ' '}{noise.seconds:>7.4f} {ratio:>7.0f}x"
        if not fixed:
            print(head + raised, flush=True)
            continue
        if not bug.has_fix:
            print(f"{head}   no fix: {bug.fixed}{raised}", flush=True)
            continue
        fast = time_input(bug, bug.exploit, repeats=args.repeats, limit=args.limit, fixed=True)
        error = f" ({fast.error})" if fast.error else ""
        ratio = slow.seconds / max(fast.seconds, 1e-6)
        cell = f"{bug.fixed:>8} {'≥' if fast.censored else ' '}{fast.seconds:>6.3f}"
        print(f"{head}   {cell}  {ratio:>8.0f}x{raised}{error}", flush=True)


def needs_final(bugs: list[Bug]) -> list[str]:
    """The ids of ``bugs`` in a part nobody has looked at yet (``UNSEEN``): searched only with ``--final``."""
    return [bug.id for bug in bugs if bug.half in UNSEEN]


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--half",
        choices=[*HALVES, "seen", "all"],
        default="seen",
        help='"seen": every part already looked at, tuning, held-out, held-out-2 and held-out-3 (the default);'
        f' "all": every part, {"/".join(UNSEEN)} included (module doc)',
    )
    parser.add_argument("--budget", type=float, default=30.0, help="seconds of search per method and bug")
    parser.add_argument("--only", default="", help="comma-separated bug ids")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, of {', '.join(METHODS)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many calls per timing")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per timed call (slower: censored)")
    parser.add_argument("--out", type=Path, default=None, help="JSON results (written after every bug)")
    parser.add_argument("--keep", action="store_true", help="keep the other methods' rows of an existing --out")
    parser.add_argument(
        "--check-fixed", action="store_true", help="only time each exploit on its vulnerable and fixed release"
    )
    parser.add_argument(
        "--exploit-only", action="store_true", help="only time each exploit on its vulnerable release (no search)"
    )
    parser.add_argument(
        "--validate",
        action="store_true",
        help="only time each exploit, a random string of its length, and the exploit on the fixed release (no search)",
    )
    parser.add_argument(
        "--final",
        action="store_true",
        help=f"allow the searches on {'/'.join(UNSEEN)} bugs: the one run whose held-out figure is reported",
    )
    args = parser.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in methods if m not in METHODS]
    ids = [i for i in args.only.split(",") if i]
    missing = [i for i in ids if i not in BY_ID]
    if unknown or missing:
        parser.error(f"unknown methods {unknown} or bugs {missing}; bugs: {', '.join(sorted(BY_ID))}")
    bugs = [BY_ID[i] for i in ids] if ids else half(args.half)
    if args.check_fixed or args.exploit_only or args.validate:
        print(f"load: {uptime()}")
        check_fixed(bugs, args, fixed=args.check_fixed or args.validate, baseline=args.validate)
        print(f"load at end: {uptime()}")
        return 0
    unseen = needs_final(bugs)
    if unseen and methods and not args.final:
        parser.error(
            f"{len(unseen)} bugs of the {'/'.join(UNSEEN)} part ({', '.join(unseen[:3])}, ...) are searched only in"
            " the final held-out run: add --final for that run, or pick --half seen or an earlier part"
        )
    old: dict[str, Any] = {}
    earlier: list[dict[str, Any]] = []  # --keep: the settings and load of the runs whose rows are kept
    if args.keep and args.out and args.out.exists():
        previous = json.loads(args.out.read_text())
        old = {r["id"]: r for r in previous["bugs"]}
        earlier = [*previous.get("earlier", []), {k: v for k, v in previous.items() if k not in ("bugs", "earlier")}]
    shown = [m for m in METHODS if m in methods or any(m in r.get("methods", {}) for r in old.values())]
    settings = {
        "budget_s": args.budget,
        "seed": args.seed,
        "repeats": args.repeats,
        "limit_s": args.limit,
        "methods": methods,
        "cache": str(CACHE),
        "python": sys.version.split()[0],
    }
    print(f"redos corpus: {len(bugs)} bugs; {json.dumps(settings)}")
    print(f"load at start: {uptime()}")
    print(f"{'bug':<30} {'half':<10} {'length':>6} {'exploit s':>8} " + " ".join(f"{m:>10}" for m in shown))
    started, rows = uptime(), []
    for bug in bugs:
        try:
            row = run_bug(bug, methods, args, old.get(bug.id, {}))
        except Exception as exc:  # a bug that cannot be installed or timed is reported, not fatal
            print(f"{bug.id:<30} {bug.half:<8} FAILED: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
            rows.append({"id": bug.id, "half": bug.half, "failed": f"{type(exc).__name__}: {exc}", "methods": {}})
            continue
        rows.append(row)
        print(format_row(row, shown), flush=True)
        if args.out:
            write_atomic(args.out, {"settings": settings, "load_start": started, "earlier": earlier, "bugs": rows})
    rows += [r for i, r in old.items() if i not in {b.id for b in bugs}]  # --keep: bugs not run now stay
    good = [r for r in rows if "failed" not in r]
    for line in summary(good, shown):
        print(line)
    ended = uptime()
    print(f"load at end: {ended}")
    if args.out:
        data = {"settings": settings, "load_start": started, "load_end": ended, "earlier": earlier, "bugs": rows}
        write_atomic(args.out, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
