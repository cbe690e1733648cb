"""The executors on real workers: a LocalCluster of two process workers (one killed mid-run), the thread pool,
units kept in the results store and reused, and the errors a user can run into."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from perfkit.optimizers import Candidate, Context, optimize_function

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.executors import Failed, Unit, make_executor, run_units, unit_key
from perfkit.executors._local import LocalExecutor
from perfkit.progress import Step
from perfkit.store import SCHEMA_VERSION, Store

from .conftest import ROOT
from .fixtures import slow_funcs as sf

pytest.importorskip("distributed")

WRONG = "def dedupe(xs):\n    return sorted(set(xs))\n"
SAME = (
    "def dedupe(xs):\n    out = []\n    for x in xs:\n        if not x in out:\n            out.append(x)\n"
    "    return out\n"
)
GOOD = "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n"
GOOD_TOO = "def dedupe(xs):\n    seen = set()\n    return [x for x in xs if not (x in seen or seen.add(x))]\n"
BROKEN = "def dedupe(xs):\n    return xs[0]\n"
STRESS = [((list(range(800)) * 2,), {}), ((list(range(100)),), {})]
QUICK = {"examples": 15, "measure_rounds": 2, "max_sizes": 1, "rounds": 2}
TARGETS = "tests/fixtures/fuzz_targets.py"


class Scripted:
    name = "scripted"

    def __init__(self, rounds: list[list[str]]) -> None:
        self.rounds = rounds

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        sources = self.rounds[context.round - 1] if context.round <= len(self.rounds) else []
        return [Candidate(s, self.name, f"#{i}") for i, s in enumerate(sources[:n])]


def optimize(executor: Any) -> Any:
    proposer = Scripted([[WRONG, SAME, GOOD, BROKEN], [GOOD_TOO, GOOD]])
    return optimize_function(
        sf.dedupe, stress_inputs=STRESS, proposers=[proposer], candidates_per_round=4, executor=executor, **QUICK
    )


def content(result: Any) -> list[tuple[Any, ...]]:
    """What must not depend on where checks ran: each attempt's source, verdict and check (not its timing)."""
    return [
        (
            a.round,
            a.proposer,
            a.note,
            a.source,
            "timed" if a.verdict in ("accepted", "slower") else a.verdict,  # the clock decides between those two
            a.check and (a.check.kind, a.check.checked),
            a.reason if a.verdict in ("rejected", "error") else "",
        )
        for a in result.history
    ] + [result.winner is not None and result.winner.source in (GOOD, GOOD_TOO)]


@pytest.fixture(scope="module")
def sequential() -> Any:
    return optimize(None)


@pytest.fixture(scope="module")
def dask_executor() -> Any:
    with make_executor("dask", jobs=2) as executor:
        yield executor


def kill_a_worker_when_busy(executor: Any) -> tuple[threading.Event, list[str]]:
    """Start a watcher that SIGKILLs the first worker process seen running a unit; returns (stop, killed)."""
    client = executor.client
    client.wait_for_workers(2)
    pids = client.run(os.getpid)
    stop, killed = threading.Event(), []

    def watch() -> None:
        while not stop.is_set() and not killed:
            busy = [w for w, keys in client.processing().items() if keys and w in pids]
            if busy:
                time.sleep(0.15)  # let the unit get going
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])
            time.sleep(0.01)

    threading.Thread(target=watch, daemon=True).start()
    return stop, killed


def test_optimize_on_dask_with_a_killed_worker_matches_the_sequential_run(dask_executor: Any, sequential: Any) -> None:
    stop, killed = kill_a_worker_when_busy(dask_executor)
    try:
        result = optimize(dask_executor)
    finally:
        stop.set()
    assert killed, "no worker was killed: the test did not test anything"
    assert content(result) == content(sequential)
    verdicts = [a.verdict for a in result.history]
    assert verdicts == ["rejected", "slower", "accepted", "rejected", "accepted"]  # the repeated GOOD is not tried
    tally = dask_executor.ledger.tally("verify")
    # the killed worker's unit reran (it may have finished none of its own, so one worker can hold them all)
    assert tally.units == 5 and tally.failed == 0 and len(tally.workers) >= 1
    assert dask_executor.ledger.tally("timing").units == 3  # timed here, only the three that behave


def test_local_threads_match_one_job_and_the_sequential_run(sequential: Any) -> None:
    with LocalExecutor(jobs=2) as two, LocalExecutor(jobs=1) as one:
        assert content(optimize(two)) == content(optimize(one)) == content(sequential)
        assert len(two.ledger.tally("verify").workers) == 2 and len(one.ledger.tally("verify").workers) == 1


def test_a_rerun_reuses_the_units_in_the_store(tmp_path: Path, sequential: Any) -> None:
    store = tmp_path / "results.sqlite"
    with LocalExecutor(jobs=2, store=store) as first:
        assert content(optimize(first)) == content(sequential)
        assert first.ledger.tally("verify").units == 5
    with Store(store) as opened:
        assert opened.schema_version == SCHEMA_VERSION
    with LocalExecutor(jobs=2, store=store) as again:
        assert content(optimize(again)) == content(sequential)
        assert again.ledger.tally("verify").units == 0 and again.ledger.tally("verify").reused == 5


def crash_once(marker: str) -> str:
    """A unit whose first run kills its worker process (as a segfault would); the rerun succeeds."""
    path = Path(marker)
    if not path.exists():
        path.write_text("crashed")
        os.kill(os.getpid(), signal.SIGKILL)
    return "done"


def always_raises(n: int) -> int:
    raise ValueError(f"bad unit {n}")


def test_units_survive_a_dying_worker_and_failures_are_values(dask_executor: Any, tmp_path: Path) -> None:
    units = [
        Unit("t", "crash", "", crash_once, (str(tmp_path / "marker"),)),
        Unit("t", "raise", "", always_raises, (3,)),
    ]
    messages: list[object] = []
    done, failed = run_units(dask_executor, units, noun="units", verb="ran", progress=messages.append)
    assert done == "done"
    assert isinstance(failed, Failed) and "ValueError: bad unit 3" in failed.message
    assert messages[-1] == Step("units ran", 2, 2)
    assert run_units(None, units[1:], noun="units", verb="ran") == [Failed("ValueError: bad unit 3")]


def test_fuzz_several_targets_on_dask_matches_local(tmp_path: Path) -> None:
    def fuzz(*extra: str) -> dict[str, Any]:
        out = tmp_path / f"{len(extra)}.json"
        args = [
            f"{TARGETS}:quicksort",
            f"{TARGETS}:picky",
            f"{TARGETS}:no_hints",
            "--max-size",
            "5",
            "--signal",
            "lines",
        ]
        done = subprocess.run(
            [sys.executable, "-m", "perfkit", "fuzz", *args, "--budget", "1.5", "--json", str(out), *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
            check=False,
        )
        assert done.returncode == 2, done.stderr  # no_hints cannot be fuzzed: said on one line, the others go on
        assert f"error: {TARGETS}:no_hints: parameter 'xs'" in done.stderr and "Traceback" not in done.stderr
        assert done.stdout.count("perfkit fuzz: ") == 2 and "worst input" in done.stdout
        return {r["target"]: r for r in json.loads(out.read_text())["results"]}

    local, dask = fuzz("--jobs", "2"), fuzz("--executor", "dask", "--jobs", "2")  # both run two at once
    for name in ("quicksort", "picky"):
        a, b = local[f"{TARGETS}:{name}"], dask[f"{TARGETS}:{name}"]
        assert a["max_size"] == b["max_size"] == 5 and a["worst"]["size"] <= 5 and b["worst"]["size"] <= 5
        assert [c["text"] for c in a["constraints"]] == [c["text"] for c in b["constraints"]]
    # quicksort's cost is counted in lines and its size-5 worst case is always found, wherever the search runs
    assert local[f"{TARGETS}:quicksort"]["worst"]["cost"] == dask[f"{TARGETS}:quicksort"]["worst"]["cost"] > 5 * 4 / 2


def test_a_fuzz_campaign_survives_its_worker_being_killed(dask_executor: Any) -> None:
    from perfkit.cli.fuzz import _campaign

    settings = {"max_size": 5, "budget": 1.0, "memory_limit": None, "signal": "lines"}  # lines: no clock in the cost
    units = [Unit("fuzz", t, "", _campaign, (f"{TARGETS}:{t}", settings)) for t in ("quicksort", "picky", "guarded")]
    dask_executor.ship(ROOT, [ROOT])
    stop, killed = kill_a_worker_when_busy(dask_executor)
    try:
        results = run_units(dask_executor, units, noun="targets", verb="fuzzed")
    finally:
        stop.set()
    assert killed and not any(isinstance(r, Failed | str) for r in results)
    assert [r.target for r in results] == [f"{TARGETS}:{t}" for t in ("quicksort", "picky", "guarded")]
    assert results[0].worst.cost == _campaign(f"{TARGETS}:quicksort", settings).worst.cost


def test_code_is_shipped_once_per_version_and_units_run_in_it(dask_executor: Any, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "shippedpkg").mkdir(parents=True)
    (tree / "shippedpkg" / "__init__.py").write_text("def answer():\n    return 1\n")
    dask_executor.ship(tree, [tree])
    first = dask_executor.site
    unit = Unit("t", "import", "", _answer, ())
    assert run_units(dask_executor, [unit, unit], noun="units", verb="ran") == [1, 1]
    dask_executor.ship(tree, [tree])
    assert dask_executor.site == first  # unchanged tree: nothing sent again
    (tree / "shippedpkg" / "__init__.py").write_text("def answer():\n    return 2\n")
    dask_executor.ship(tree, [tree])
    assert dask_executor.site != first
    assert run_units(dask_executor, [unit, unit], noun="units", verb="ran") == [2, 2]  # stale imports dropped


def _answer() -> int:
    import shippedpkg  # type: ignore[import-not-found]

    assert Path(shippedpkg.__file__).is_relative_to(Path.cwd())  # the unit runs in the shipped copy
    return int(shippedpkg.answer())


def test_keys_depend_on_content() -> None:
    assert unit_key("verify", "a", [1, 2]) == unit_key("verify", "a", [1, 2])
    assert unit_key("verify", "a", [1, 2]) != unit_key("verify", "a", [2, 1]) != unit_key("fuzz", "a", [2, 1])


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    from perfkit.executors._dask import DaskExecutor

    with pytest.raises(InvalidArgument, match="--jobs=-1"):
        make_executor("local", jobs=-1)
    with pytest.raises(InvalidArgument, match="--executor='ray'"):
        make_executor("ray")
    with pytest.raises(InvalidArgument, match="needs --executor dask"):
        make_executor("local", scheduler="tcp://127.0.0.1:8786")
    started = time.monotonic()
    with pytest.raises(
        PerfkitError, match=r"--scheduler 'tcp://127.0.0.1:9': no Dask scheduler answered.*dask scheduler"
    ):
        DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout=2)
    assert time.monotonic() - started < 30

    def perfkit(*args: str, pre: str = "") -> subprocess.CompletedProcess[str]:
        code = f"import sys\n{pre}\nfrom perfkit.cli import main\nsys.exit(main(sys.argv[1:]))"
        return subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
        )

    no_dask = perfkit(
        "fuzz", f"{TARGETS}:quicksort", "--max-size", "4", "--executor", "dask", pre="sys.modules['distributed'] = None"
    )
    assert no_dask.returncode == 2 and "pip install 'perfkit[dask]'" in no_dask.stderr
    assert no_dask.stderr.count("\n") == 1
    negative = perfkit("optimize", str(ROOT / "examples" / "inventory"), "--jobs", "-1")
    assert negative.returncode == 2 and "jobs=-1" in negative.stderr and negative.stderr.count("\n") == 1
    many = perfkit("fuzz", f"{TARGETS}:quicksort", f"{TARGETS}:picky", "--max-size", "4", "--jobs", "-2")
    assert many.returncode == 2 and many.stderr.startswith("perfkit: error: --jobs=-2")


TINY = {  # strings: numba declines them, so only the rewrite's candidate is timed and the test stays short
    "tiny/__init__.py": "",
    "tiny/core.py": "def dedupe(xs: list[str]) -> list[str]:\n    out = []\n    for x in xs:\n"
    "        if x not in out:\n            out.append(x)\n    return out\n",
    "bench.py": "from tiny.core import dedupe\n\nfor _ in range(3):\n    dedupe([str(i) for i in range(1500)] * 2)\n",
    "tests/test_tiny.py": "from tiny.core import dedupe\n\n\ndef test_dedupe():\n"
    "    assert dedupe(['b', 'a', 'b']) == ['b', 'a']\n",
}


def test_optimize_a_repository_on_dask_then_reuse_its_units(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for name, text in TINY.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    args = [str(repo), "--offline", "--workload", "python bench.py", "--fuzz-budget", "1", "--budget", "3"]
    args += ["--out", str(tmp_path / "out"), "--executor", "dask", "--jobs", "2"]

    def optimize() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "perfkit", "optimize", *args],
            capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "tiny.core:dedupe" in done.stdout and "improved" in done.stdout
        return done.stdout

    first = optimize()
    assert "workers: 2 Dask workers (a local cluster)" in first and "fuzz campaigns: 1 run;" in first
    again = optimize()
    assert "fuzz campaigns: 0 run, 1 reused from an earlier run" in again
    assert "candidate checks: 0 run," in again and "timed candidates:" in again  # timing is never reused
