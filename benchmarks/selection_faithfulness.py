"""How faithful and how repeatable is the choice of hot functions? Each function's share of the workload from
(a) timing the function alone in the running workload (CPU time of its calls, with the repository functions it
calls taken out, and the wrappers' measured cost; one function per run), (b) Scalene's sampled CPU share
(perfkit's old signal), (c) cProfile's own time, (d) cProfile's own time plus the builtins and library code the
function calls, (e) perfkit's signal: every repository function's calls timed at once in one run (CPU time,
wrappers' cost taken out); and the set each signal chooses in each run.

    python benchmarks/selection_faithfulness.py                  # the bundled example and the PyPI code base
    python benchmarks/selection_faithfulness.py --only example   # one of them (example, algorithms)
    python benchmarks/selection_faithfulness.py --runs 2 --top 6 # fewer runs, fewer functions timed alone

The PyPI code base is ``algorithms`` 1.0.1 with its mixed workload, as in benchmarks/optimize_e2e.py. The error
column is the mean absolute difference from (a) in points of share over the functions timed alone.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def alone_child(spec_path: str, argv: list[str]) -> None:
    """In the workload's process: wrap the target (and the repository functions it calls), run the workload
    script, write the target's own seconds (its callees' taken out) and the run's seconds as JSON."""
    import functools
    import importlib
    import inspect

    spec = json.loads(Path(spec_path).read_text())
    from perfkit.repo._selection_run import calibrate

    state = {"depth": 0, "own": 0.0, "inner": 0.0, "inner_depth": 0, "calls": 0, "inner_calls": 0}
    clock = time.thread_time  # CPU time: other processes on the machine do not move it

    def owner(module: str, qualname: str) -> tuple[Any, str]:
        holder: Any = importlib.import_module(module)
        *path, name = qualname.split(".")
        for part in path:
            holder = getattr(holder, part)
        return holder, name

    def wrap_target(func: Any) -> Any:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if state["depth"]:
                state["depth"] += 1
                try:
                    return func(*args, **kwargs)
                finally:
                    state["depth"] -= 1
            state["depth"], state["inner"] = 1, 0.0
            state["calls"] += 1
            start = clock()
            try:
                return func(*args, **kwargs)
            finally:
                state["own"] += clock() - start - state["inner"]
                state["depth"] = 0

        return timed

    def wrap_callee(func: Any) -> Any:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not state["depth"] or state["inner_depth"]:
                return func(*args, **kwargs)
            state["inner_depth"] = 1
            state["inner_calls"] += 1
            start = clock()
            try:
                return func(*args, **kwargs)
            finally:
                state["inner"] += clock() - start
                state["inner_depth"] = 0

        return timed

    for (module, qualname), wrap in [(spec["target"], wrap_target)] + [(c, wrap_callee) for c in spec["callees"]]:
        holder, name = owner(module, qualname)
        found = inspect.getattr_static(holder, name)
        if isinstance(found, staticmethod | classmethod):
            setattr(holder, name, type(found)(wrap(found.__func__)))
        else:
            setattr(holder, name, wrap(found))
    inside, outside = calibrate(clock)  # the wrappers' own cost, taken out as perfkit's timed run does
    sys.argv = argv
    started = clock()
    runpy.run_path(argv[0], run_name="__main__")
    total = clock() - started
    own = state["own"] - inside * state["calls"] - outside * state["inner_calls"]
    total -= (inside + outside) * (state["calls"] + state["inner_calls"])
    Path(spec["out"]).write_text(json.dumps({"own": max(own, 0.0), "total": total}))


def shares_alone(root: Path, config: Any, functions: list[Any], callees: dict[str, list[Any]], runs: int) -> dict:
    """(a): per function, the median over ``runs`` of its own time / the run's time, each timed in its own run."""
    from perfkit.repo.workload import repo_env

    argv = config.workload_argv()
    found: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            for info in functions:
                spec = Path(tmp, "spec.json")
                out = Path(tmp, "out.json")
                spec.write_text(
                    json.dumps(
                        {
                            "target": [info.module, info.qualname],
                            "callees": [[c.module, c.qualname] for c in callees.get(info.key, [])],
                            "out": str(out),
                        }
                    )
                )
                subprocess.run(
                    [sys.executable, __file__, "--alone-child", str(spec), "--", *argv[1:]],
                    cwd=root,
                    env=repo_env(root),
                    check=True,
                    capture_output=True,
                )
                data = json.loads(out.read_text())
                found.setdefault(info.key, []).append(data["own"] / data["total"])
    return {key: statistics.median(values) for key, values in found.items()}


def cprofile_runs(root: Path, config: Any, runs: int) -> list[dict[str, Any]]:
    """(c) and (d) from the same cProfile runs, per function; and the raw stats (for the call edges)."""
    from perfkit.profile import cprofile_stats
    from perfkit.repo.selection import rank_stats
    from perfkit.repo.workload import repo_env

    out = []
    for _ in range(runs):
        stats, _, _ = cprofile_stats(config.workload_argv(), cwd=root, env=repo_env(root), timeout=600)
        own_only = {func: (entry[0], entry[1], entry[2], entry[3], {}) for func, entry in stats.items()}
        own = rank_stats(own_only, root=root, config=config)  # no call edges: nothing flows to callers
        out.append({"callees": rank_stats(stats, root=root, config=config), "own": own, "stats": stats})
    return out


def timed_runs(root: Path, config: Any, runs: int) -> list[Any]:
    """(e): perfkit's selection signal, ``runs`` times."""
    from perfkit.repo.selection import rank_functions

    return [rank_functions(root, config) for _ in range(runs)]


def scalene_runs(root: Path, config: Any, runs: int) -> list[dict[str, float]]:
    """(b): the shares Scalene's sampled CPU percentages give, as perfkit chose with them before."""
    from perfkit.profile import profile_command
    from perfkit.repo.selection import workload_script
    from perfkit.repo.sources import function_at, functions_in, python_files
    from perfkit.repo.workload import repo_env

    files = {p.resolve(): p for p in python_files(root, include=config.include, exclude=config.exclude)}
    files.pop(workload_script(root, config), None)
    out = []
    for _ in range(runs):
        profile = profile_command(
            config.workload_argv(), cwd=root, env=repo_env(root), timeout=600, top=200, memory=False
        )
        shares: dict[str, float] = {}
        for hotspot in profile.functions if profile.tool == "scalene" else []:
            path = Path(hotspot.file).resolve()
            info = function_at(functions_in(root, files[path]), hotspot.line) if path in files else None
            if info is not None:
                shares[info.key] = shares.get(info.key, 0.0) + hotspot.cpu_percent / 100
        out.append(shares)
    return out


def repo_callees(selection_stats: dict[Any, Any], root: Path, config: Any) -> dict[str, list[Any]]:
    """For each repository function, the repository functions its code calls (from cProfile's call edges)."""
    from perfkit.repo.selection import workload_script
    from perfkit.repo.sources import function_at, functions_in, python_files

    files = {p.resolve(): p for p in python_files(root, include=config.include, exclude=config.exclude)}
    files.pop(workload_script(root, config), None)

    def info_of(func: Any) -> Any:
        path = Path(func[0]) if os.path.isabs(func[0]) else root / func[0]
        path = path.resolve()
        return function_at(functions_in(root, files[path]), func[1]) if path in files else None

    callees: dict[str, dict[str, Any]] = {}
    for func, entry in selection_stats.items():
        callee = info_of(func)
        if callee is None:
            continue
        for caller in entry[4]:
            holder = info_of(caller)
            if holder is not None and holder.key != callee.key:
                callees.setdefault(holder.key, {})[callee.key] = callee
    return {key: list(found.values()) for key, found in callees.items()}


def code_base(name: str, tmp: Path) -> tuple[Path, Any]:
    from perfkit.repo.config import load_config

    if name == "example":
        root = ROOT / "examples" / "inventory"
        return root, load_config(root)
    from optimize_e2e import pypi_repo

    root, settings = pypi_repo(name, tmp)
    return root, load_config(root).merged(**settings)


def report(name: str, *, runs: int, top: int) -> list[str]:
    from perfkit.repo.workspace import Workspace

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        source, config = code_base(name, Path(tmp))
        with Workspace(source) as work:
            root = work.path
            started = time.perf_counter()
            timed = timed_runs(root, config, runs)
            seconds = (time.perf_counter() - started) / runs
            profiled = cprofile_runs(root, config, runs)
            scalene = scalene_runs(root, config, runs)
            functions = [r.info for r in timed[0].ranked[:top]]
            alone = shares_alone(root, config, functions, repo_callees(profiled[0]["stats"], root, config), runs)
    threshold = config.threshold
    signals: dict[str, list[dict[str, float]]] = {
        "scalene": scalene,
        "cprof own": [_shares(p["own"]) for p in profiled],
        "cprof+callees": [_shares(p["callees"]) for p in profiled],
        "timed calls": [_shares(t) for t in timed],
    }
    lines.append(f"== {name} (threshold {100 * threshold:.1f}%, {runs} runs of each signal; mean (min..max) %)")
    lines.append(f"{'function':40s} {'alone':>6s} " + " ".join(f"{label:>17s}" for label in signals))

    def spread(values: list[float]) -> str:
        return f"{100 * statistics.mean(values):4.1f} ({100 * min(values):4.1f}..{100 * max(values):4.1f})"

    errors: dict[str, list[float]] = {label: [] for label in signals}
    for info in functions:
        truth = alone[info.key]
        cells = []
        for label, runs_of in signals.items():
            values = [shares.get(info.key, 0.0) for shares in runs_of]
            errors[label].append(abs(statistics.mean(values) - truth))
            cells.append(f"{spread(values):>17s}")
        lines.append(f"{info.key[-40:]:40s} {100 * truth:5.1f}% " + " ".join(cells))
    lines.append(
        "mean |error| vs alone, points of share: "
        + ", ".join(f"{label} {100 * statistics.mean(e):.2f}" for label, e in errors.items())
    )
    truth_set = sorted(k for k, v in alone.items() if v >= threshold)
    lines.append(f"'alone' at or above the threshold: {len(truth_set)} functions")
    for label, runs_of in signals.items():
        sets = [sorted(k for k, v in shares.items() if v >= threshold) for shares in runs_of]
        same = all(chosen == sets[0] for chosen in sets)
        lines.append(
            f"chosen by {label}: {[len(chosen) for chosen in sets]} functions, "
            f"{'the same set in every run' if same else 'the sets differ'}, "
            f"the same as 'alone' in {sum(chosen == truth_set for chosen in sets)}/{len(sets)} runs"
        )
    lines.append(f"perfkit's selection run: {seconds:.1f} s each (the workload with every repository function timed)")
    return lines


def _shares(selection: Any) -> dict[str, float]:
    return {r.info.key: r.share for r in selection.ranked}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--alone-child":
        alone_child(sys.argv[2], sys.argv[sys.argv.index("--") + 1 :])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("example", "algorithms"), help="just this code base")
    parser.add_argument("--runs", type=int, default=3, help="runs of each signal (3)")
    parser.add_argument("--top", type=int, default=10, help="functions timed alone, from the signal's top (10)")
    args = parser.parse_args()
    for name in [args.only] if args.only else ["example", "algorithms"]:
        for line in report(name, runs=args.runs, top=args.top):
            print(line, flush=True)


if __name__ == "__main__":
    main()
