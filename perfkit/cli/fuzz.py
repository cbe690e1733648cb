"""``perfkit fuzz``: search for the inputs that make a function slowest, and show how its cost grows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from perfkit.cli._common import check_at_least, check_output_dir, check_output_file, err, print_rows, steps
from perfkit.errors import InvalidArgument

SHOWN = 100


def register(sub: Any) -> None:
    fuzz = sub.add_parser(
        "fuzz",
        help="find the inputs that make a function slowest under a size bound, and its cost curve",
        description="Search for the costliest inputs of TARGET (path/file.py:function or package.module:function) "
        "of size at most N, guided by performance constraints synthesized from its source. Several targets are "
        "fuzzed in parallel, on this machine or on a Dask cluster (--executor dask).",
        epilog="examples:\n  perfkit fuzz examples/slow.py:dedupe --max-size 200 --budget 30\n"
        "  perfkit fuzz mylib.sorting:quicksort --max-size 500 --budget 60 --json worst.json\n"
        "  perfkit fuzz parse.py:tokenize --strategy tests.strategies:token_streams --max-size 64 --budget 20\n"
        "  perfkit fuzz mylib.a:f mylib.b:g --max-size 100 --executor dask --scheduler tcp://host:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fuzz.add_argument("target", nargs="+", help="path/to/file.py:function or package.module:function")
    fuzz.add_argument("--max-size", type=int, required=True, metavar="N", help="largest collection/string length")
    fuzz.add_argument("--budget", type=float, default=30.0, metavar="SECONDS", help="wall time of the search (30)")
    fuzz.add_argument("--seed", type=int, default=0, help="random seed (0)")
    fuzz.add_argument(
        "--strategy",
        metavar="MODULE:NAME",
        help="hypothesis strategy of (args, kwargs), or function gen(rng, max_size) -> (args, kwargs)",
    )
    fuzz.add_argument(
        "--search",
        choices=("auto", "hypothesis", "pump", "atheris", "random"),
        default="auto",
        help="search strategy (auto: targeted hypothesis, then pumped input patterns, then coverage-guided atheris)",
    )
    fuzz.add_argument("--no-constraints", action="store_true", help="do not synthesize or use constraints")
    fuzz.add_argument(
        "--signal", choices=("auto", "lines", "time"), default="auto", help="cost signal (auto: lines, time for C work)"
    )
    fuzz.add_argument("--timeout", type=float, default=2.0, help="seconds per call; slower calls are censored (2)")
    fuzz.add_argument(
        "--valid-only",
        action="store_true",
        help="inputs that make the target raise never count as slow (default: a slow input that then raises is "
        "kept as 'slow, then raised' and can be the worst input)",
    )
    fuzz.add_argument("--memory-limit", metavar="SIZE", default="4G", help="address space of the worker (4G)")
    fuzz.add_argument("--json", metavar="FILE", help="write the result as JSON")
    fuzz.add_argument("--out", metavar="DIR", help="write result.json and each corpus input as a pickle file")
    fuzz.add_argument(
        "--store",
        nargs="?",
        const=".perfkit/results.sqlite",
        metavar="FILE",
        help="record the result in the results store for the dashboard (default file .perfkit/results.sqlite)",
    )
    fuzz.add_argument(
        "--executor", choices=("local", "dask"), help="run the campaigns on threads here (local) or a Dask cluster"
    )
    fuzz.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 (default: local)")
    fuzz.add_argument("--jobs", type=int, default=0, help="campaigns at once, or local Dask workers (0: one per core)")
    fuzz.set_defaults(handler=cmd_fuzz)


def cmd_fuzz(options: argparse.Namespace) -> int:
    from perfkit.fuzzers import fuzz
    from perfkit.harness.options import parse_size

    if options.max_size < 1:
        raise InvalidArgument("--max-size", options.max_size, "give a whole number of at least 1, e.g. --max-size 100")
    if options.budget <= 0:
        raise InvalidArgument("--budget", options.budget, "give a positive number of seconds, e.g. --budget 30")
    if options.timeout <= 0:
        raise InvalidArgument("--timeout", options.timeout, "give a positive number of seconds, e.g. --timeout 2")
    if options.seed < 0:
        raise InvalidArgument("--seed", options.seed, "give a whole number >= 0")
    check_at_least("--jobs", options.jobs, 0, "2 (0: one per core)")
    check_output_file("--json", options.json)
    check_output_dir("--out", options.out)
    if options.store and Path(options.store).exists():  # a corrupt or truncated store is refused before the search
        from perfkit.store import Store

        Store(options.store, create=False).close()
    memory = parse_size(options.memory_limit, name="--memory-limit")
    if len(options.target) > 1 or options.executor or options.scheduler:
        return _fuzz_many(options, memory)
    try:
        with _Progress() as update:
            result = fuzz(
                options.target[0],
                max_size=options.max_size,
                budget=options.budget,
                seed=options.seed,
                strategy=options.strategy,
                search=options.search,
                constraints=not options.no_constraints,
                signal=options.signal,
                timeout=options.timeout,
                memory_limit=memory,
                progress=update,
                valid_only=options.valid_only,
            )
    except InvalidArgument as exc:
        if exc.name in ("max_size", "budget", "seed", "timeout", "strategy"):
            raise InvalidArgument(f"--{exc.name.replace('_', '-')}", exc.value, exc.fix) from None
        raise
    print_rows(f"perfkit fuzz: {result.target}", _rows(result))
    if options.json:
        from perfkit._io import write_atomic

        write_atomic(options.json, result.dumps())
        err(f"wrote {options.json}")
    if options.out:
        _write_out(Path(options.out), result)
        err(f"wrote {options.out}/result.json and {len(result.corpus)} input file(s)")
    if options.store:
        from perfkit.fuzzers import record

        record(result, Path(options.store))
        err(f"recorded in {options.store}")
    return 0


def _fuzz_many(options: argparse.Namespace, memory: int | None) -> int:
    """Several campaigns at once on an executor; the same table per target, errors per target on stderr."""
    from perfkit.executors import Failed, Unit, make_executor, run_units, unit_key

    if options.jobs < 0:
        raise InvalidArgument("--jobs", options.jobs, "give a whole number of workers, 0 for one per core")
    settings = {
        "max_size": options.max_size,
        "budget": options.budget,
        "seed": options.seed,
        "strategy": options.strategy,
        "search": options.search,
        "constraints": not options.no_constraints,
        "signal": options.signal,
        "timeout": options.timeout,
        "memory_limit": memory,
        "valid_only": options.valid_only,
    }
    kind = options.executor or ("dask" if options.scheduler else "local")
    with make_executor(kind, jobs=options.jobs, scheduler=options.scheduler, store=options.store) as executor:
        executor.ship(Path.cwd(), [Path.cwd()])  # relative target paths resolve in the shipped folder
        units = [
            Unit("fuzz", target, unit_key("fuzz", executor.site, target, settings), _campaign, (target, settings))
            for target in options.target
        ]
        with steps() as progress:
            found = run_units(executor, units, noun="targets", verb="fuzzed", progress=progress)
        err(f"perfkit: {executor.describe()}, {len(executor.ledger.workers)} took part")
    results, failed = [], 0
    for target, outcome in zip(options.target, found, strict=True):
        if isinstance(outcome, Failed | str):
            failed += 1
            message = outcome.message if isinstance(outcome, Failed) else outcome
            err(f"perfkit: error: {target}: {message.removeprefix(f'target {target!r}: ')}")
            continue
        results.append(outcome)
        print_rows(f"perfkit fuzz: {outcome.target}", _rows(outcome))
    if options.json:
        import json

        from perfkit._io import document, write_atomic

        body = {"results": [r.to_json() for r in results]}
        write_atomic(options.json, json.dumps(document("fuzz-batch", 1, body), indent=1) + "\n")
        err(f"wrote {options.json} ({len(results)} results)")
    for i, result in enumerate(results):
        if options.out:
            _write_out(Path(options.out) / f"{i:02d}-{_slug(result.target)}", result)
        if options.store:
            from perfkit.fuzzers import record

            record(result, Path(options.store))
    if options.out:
        err(f"wrote {len(results)} folder(s) in {options.out}/")
    if options.store:
        err(f"recorded {len(results)} result(s) in {options.store}")
    return 2 if failed else 0


def _campaign(target: str, settings: dict[str, Any]) -> Any:
    """One campaign as a work unit: the FuzzResult, or the one-line error that stopped it."""
    from perfkit.errors import PerfkitError
    from perfkit.executors._units import import_target
    from perfkit.fuzzers import fuzz

    try:
        import_target(target)
        return fuzz(target, **settings)
    except PerfkitError as exc:
        return str(exc)


def _slug(target: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in target.rsplit("/", 1)[-1])[:80]


def _rows(result: Any) -> list[tuple[str, str]]:
    counts = result.counts
    rows = [
        ("search", f"{result.search}, {result.budget_s:g} s, max size {result.max_size}, seed {result.seed}"),
        (
            "inputs",
            f"{counts.get('evaluations', 0)} evaluated, {counts.get('rejected', 0)} rejected by the target, "
            f"{counts.get('timeout', 0)} timed out, {counts.get('memory', 0)} out of memory, "
            f"{counts.get('crash', 0)} crashed",
        ),
    ]
    worst = result.worst
    if worst is None:
        rows.append(("worst input", "none: every input was rejected, crashed or hung"))
    else:
        rows.extend(_finding_rows("worst input", worst))
        rows.append(("satisfies", "; ".join(result.satisfied(worst)) or "no synthesized constraint"))
    raised = getattr(result, "worst_raised", None)
    if raised is not None and raised is not worst:
        rows.extend(_finding_rows("slowest raising", raised))
    elif result.valid_only:
        rows.append(("raising inputs", "rejections (--valid-only): never counted as slow"))
    used = getattr(result, "signal_used", "") or result.signal
    if used != result.signal:
        rows.append(("signal", f"{result.signal} -> {used} (line counts were blind to the target's work)"))
    for point in result.curve:
        how = "searched" if point.searched else "worst input cut down"
        if point.censored:
            cost = f"cost >= {point.cost:,.0f} (censored: ran past the {result.timeout:g} s limit, {how})"
        else:
            cost = f"cost {point.cost:,.0f} ({point.time_s * 1e3:.3g} ms, {how})"
        rows.append((f"curve n<={point.max_size}", cost))
    if result.complexity:
        rows.append(("complexity", f"{result.complexity} (R^2 {result.complexity_r2:.3f})"))
    reached = [c for c in result.constraints if result.hits.get(c.id)]
    rows.append(("constraints", f"{len(result.constraints)} synthesized, {len(reached)} reached"))
    for failure in result.failures[:5]:
        where = "" if failure.args is None else f" on {_short(repr((failure.args, failure.kwargs)))}"
        rows.append((failure.kind, failure.message + where))
    for message, n in list(result.errors.items())[:3]:
        rows.append(("rejected", f"{n} x {message}"))
    for note in result.notes:
        rows.append(("note", note))
    return rows


def _finding_rows(label: str, finding: Any) -> list[tuple[str, str]]:
    """The input, its class and its cost, as table rows."""
    from perfkit.fuzzers._corpus import RAISED

    shown = repr((finding.args, finding.kwargs))
    rows = [(label, shown if len(shown) <= SHOWN else shown[: SHOWN - 3] + "...")]
    if finding.outcome == "raised":
        rows.append(("class", f"{RAISED} ({finding.error or 'an exception'})"))
    elif finding.outcome == "timeout":
        rows.append(("class", "ran past the time limit (censored: the slowest kind)"))
    if finding.outcome == "timeout":
        lines = "censored (timeout)"
    else:
        lines = f"{finding.lines} Python lines" if finding.lines >= 0 else "ranked by time, lines not counted"
    rows.append(
        ("cost", f"{finding.cost:,.0f} line-equivalents ({lines}, {finding.time_s * 1e3:.3g} ms, size {finding.size})")
    )
    return rows


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _write_out(folder: Path, result: Any) -> None:
    import pickle

    from perfkit._io import write_atomic, write_atomic_bytes

    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "result.json", result.dumps())
    for i, finding in enumerate(result.corpus):
        write_atomic_bytes(folder / f"input-{i:03d}.pkl", pickle.dumps((finding.args, finding.kwargs), protocol=4))


class _Progress:
    """A progress bar with the best cost so far (stderr, only on a terminal)."""

    def __enter__(self) -> Any:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        stderr = Console(stderr=True)
        self.bar = Progress(
            "fuzzing",
            BarColumn(),
            TextColumn("best cost {task.fields[best]:,.0f}"),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
            disable=not stderr.is_terminal,
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("fuzz", total=1.0, best=0.0)

        def update(elapsed: float, budget: float, best: float) -> None:
            self.bar.update(self.task, completed=elapsed / budget, best=best)

        return update

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)
