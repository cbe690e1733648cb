"""``perfkit optimize --interactive`` in a real terminal (a pty driven by pexpect): accept, reject and edit, the
edit verified again (wrong code refused with the input it fails on), decisions in the store and on the dashboard.

The unmarked test drives the review itself on a tiny unannotated project whose winners are given (their speedups
are stated, not measured: it tests the terminal flow and the verifier's refusal). The ``slow`` ones run the whole
``perfkit optimize --interactive`` pipeline: offline (rewrite rules) and with a local LLM server.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from perfkit.optimizers._unexplored import unguarded

from .conftest import ROOT

pexpect = pytest.importorskip("pexpect")

CORE = """def unique_in_order(items):
    kept = []
    for item in items:
        if item not in kept:
            kept.append(item)
    return kept


def common_items(left, right):
    out = []
    for a in left:
        for b in right:
            if a == b and a not in out:
                out.append(a)
    return out
"""
TESTS = (
    "from tally.core import unique_in_order\n\n\ndef test_unique():\n    assert unique_in_order([3, 1, 3]) == [3, 1]\n"
)
BENCH = (
    "from tally.core import unique_in_order\n\n"
    "data = [(i * 7919) % 1000 for i in range(2500)]\nfor _ in range(2):\n    unique_in_order(data)\n"
)
SEEN = (
    "def unique_in_order(items):\n    seen = set()\n    kept = []\n    for item in items:\n"
    "        if item not in seen:\n            seen.add(item)\n            kept.append(item)\n    return kept\n"
)
SETS = (
    "def common_items(left, right):\n    wanted = set(right)\n    out = []\n    for a in left:\n"
    "        if a in wanted and a not in out:\n            out.append(a)\n    return out\n"
)
WRONG = ["def unique_in_order(items):", "    return sorted(set(items))", "."]
FROMKEYS = "def unique_in_order(items):\n    return list(dict.fromkeys(items))\n"
CHOICES = r"\[a\]ccept"

DRIVER = """
import json, sys
from pathlib import Path
from perfkit.optimizers.loop import Attempt, Result
from perfkit.optimizers.speed import SpeedReport, StressInputs
from perfkit.optimizers.verify import Verdict
from perfkit.repo.config import RepoConfig
from perfkit.repo.interactive import record, review
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.sources import FunctionInfo
from perfkit.repo.winners import apply_winners
from perfkit.repo.workspace import Workspace

repo, store = Path(sys.argv[1]), Path(sys.argv[2])
winners = json.loads(Path(sys.argv[3]).read_text())
work = Workspace(repo)
outcomes = []
for (name, start, end, source, speedup, stress) in winners:
    info = FunctionInfo(work.path / "tally" / "core.py", "tally.core", name, start, end)
    given = SpeedReport(speedup, speedup * 0.9, speedup * 1.1, ())  # stated, not measured (see the docstring)
    check = Verdict(True, "ok", "", 40)
    winner = Attempt(1, "rewrite", "rules: a stated winner", source, "accepted", "given", check, given)
    result = Result(name, str(info.path), "", [winner], winner, verification_inputs=40)
    stress = [(tuple(args), {}) for args in stress]
    outcome = FunctionOutcome(info, 0.4, "improved", result=result, inputs=len(stress))
    outcome.stress = StressInputs(stress, representative=stress[:1])
    outcomes.append(outcome)
config = RepoConfig(workload="python -c pass", tests="python -c pass")
report = OptimizeReport(repo=repo, config=config, functions=outcomes)
apply_winners(work, outcomes, touched=outcomes)
done = review(report, work)
record(done.decisions, store)
print("STATUSES " + json.dumps([f.status for f in report.functions]))
print("COPY " + json.dumps((work.path / "tally" / "core.py").read_text()))
work.close()
"""


def project(root: Path) -> Path:
    """A tiny unannotated project: a package, a test naming one function, and a workload."""
    repo = root / "tally"
    (repo / "tally").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "tally" / "__init__.py").write_text("")
    (repo / "tally" / "core.py").write_text(CORE)
    (repo / "tests" / "test_core.py").write_text(TESTS)
    (repo / "bench.py").write_text(BENCH)
    return repo


def spawn(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> object:
    import os

    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", **(env or {})}
    environment.pop("VISUAL", None)
    if "EDITOR" not in (env or {}):
        environment.pop("EDITOR", None)
    return pexpect.spawn(
        argv[0], argv[1:], cwd=str(cwd), env=environment, encoding="utf-8", timeout=timeout, dimensions=(60, 200)
    )


def decisions(store: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT key, decision, source, note FROM decisions ORDER BY id").fetchall()


def test_review_in_a_terminal_refuses_a_wrong_edit_then_accepts_and_rejects(tmp_path: Path) -> None:
    repo = project(tmp_path)
    store = tmp_path / "results.sqlite"
    stress_unique = [[[(i * 37) % 60 for i in range(150)]], [[5, 3, 5, 1]]]
    stress_common = [[[1, 2, 3, 2], [2, 3, 4]], [[5, 6], [7]]]
    winners = [
        ["unique_in_order", 1, 6, SEEN, 12.0, stress_unique],
        ["common_items", 9, 15, SETS, 3.0, stress_common],
    ]
    (tmp_path / "winners.json").write_text(json.dumps(winners))
    (tmp_path / "driver.py").write_text(DRIVER)
    argv = [sys.executable, str(tmp_path / "driver.py"), str(repo), str(store), str(tmp_path / "winners.json")]
    child = spawn(argv, cwd=tmp_path)
    child.expect(r"\[1/2\] tally.core:unique_in_order")
    child.expect(r"speedup: 12.00x, 95% interval \[10.80, 13.20\]")
    child.expect(r"checked on: 40 of 40 inputs")
    child.expect(r"tests/test_core.py \(the project's tests naming it")
    child.expect(r"\+        if item not in seen:")
    child.expect(CHOICES)
    child.sendline("x")
    child.expect("answer a, r, e, i, d or q")
    child.sendline("e")  # no $EDITOR: falls back to typing inline
    child.expect("no \\$VISUAL or \\$EDITOR is set")
    for line in WRONG:
        child.sendline(line)
    child.expect(r"the edited code is refused \(rejected\): wrong: .*It failed on: list")
    child.expect(CHOICES)
    child.sendline("a")
    child.expect(r"\[2/2\] tally.core:common_items")
    child.expect(CHOICES)
    child.sendline("r")
    child.expect(r"review done: 1 of 2 kept \(1 accepted, 1 rejected\)")
    child.expect(r"STATUSES ([^\r\n]*)\r\n")
    assert json.loads(child.match.group(1)) == ["improved", "declined"]
    child.expect(r"COPY ([^\r\n]*)\r\n")
    copy = json.loads(child.match.group(1))
    assert "seen.add(item)" in copy and "wanted = set(right)" not in copy  # the rejected winner is taken out
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    kept = decisions(store)
    assert [(k, d) for k, d, _, _ in kept] == [
        ("tally.core:unique_in_order", "accepted"),
        ("tally.core:common_items", "rejected"),
    ]
    assert kept[0][2] == SEEN  # the code decided on


def test_interactive_needs_a_terminal(tmp_path: Path) -> None:
    import subprocess

    repo = project(tmp_path)
    finished = subprocess.run(
        [sys.executable, "-m", "perfkit", "optimize", str(repo), "--offline", "--interactive"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert finished.returncode != 0 and "--interactive needs a terminal" in finished.stderr
    assert not (tmp_path / ".perfkit").exists()  # refused before any work


def test_decisions_upgrade_an_older_store_and_show_on_the_dashboard(tmp_path: Path) -> None:
    from perfkit.dashboard.load import load
    from perfkit.dashboard.page import render
    from perfkit.store import SCHEMA_VERSION, Decision, Store, new_run

    path = tmp_path / "results.sqlite"
    with Store(path) as store:
        run_id = store.add_run(new_run("optimize", name="tally", root=tmp_path))
    with sqlite3.connect(path) as db:  # make it a version-2 store, as written before decisions existed
        db.execute("DROP TABLE decisions")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 3
        assert [r.id for r in store.runs(kind="optimize")] == [run_id]
        diff = "--- a/tally/core.py\n+++ b/tally/core.py\n@@ -1 +1 @@\n-old\n+    return list(dict.fromkeys(items))\n"
        store.add_decisions(
            [
                Decision("tally.core:unique_in_order", "edited", run_id, 40.0, 35.0, 45.0, FROMKEYS, diff, "", "ann"),
                Decision("tally.core:common_items", "rejected", run_id, note="rejected in review"),
            ]
        )
        with pytest.raises(Exception, match="decision"):
            store.add_decisions([Decision("x", "maybe")])
        found = store.decisions(run_id=run_id)
    assert [d.decision for d in found] == ["edited", "rejected"] and found[0].decided_at
    page = render(load(path))
    assert 'id="decisions"' in page and "Review decisions" in page
    assert "tally.core:common_items" in page and "40.00x [35.00 .. 45.00]" in page
    assert "dict.fromkeys(items)" in page  # the edited code's diff


EDITOR = (
    "import sys\nfrom pathlib import Path\n"
    "Path(sys.argv[1]).write_text('def unique_in_order(items):\\n    return list(dict.fromkeys(items))\\n')\n"
)


@pytest.mark.slow
def test_optimize_interactive_end_to_end_offline_edit_refused_then_verified(tmp_path: Path) -> None:
    repo = project(tmp_path)
    (tmp_path / "editor.py").write_text(EDITOR)
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "perfkit", "optimize", str(repo), "--offline", "--fuzz-budget", "0"]
    argv += ["--workload", "python bench.py", "--functions", "tally.core:unique_in_order", "--out", str(out)]
    child = spawn([*argv, "--interactive"], cwd=tmp_path, env={"EDITOR": f"{sys.executable} {tmp_path / 'editor.py'}"})
    child.timeout = 600
    child.expect(r"\[1/1\] tally.core:unique_in_order")
    child.expect(r"from: (rewrite|equivalent), round 1")  # the library equivalent may win
    child.expect(CHOICES)
    child.sendline("i")
    child.expect("end with a line holding only")
    for line in WRONG:
        child.sendline(line)
    child.expect(r"refused \(rejected\)")
    child.expect(CHOICES)
    child.sendline("e")  # $EDITOR writes the dict.fromkeys version
    child.expect(r"the edited code is verified: verified on \d+ inputs")
    child.expect(r"review done: 1 of 1 kept \(1 edited\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    kept = decisions(out / "results.sqlite")
    assert [(k, d, unguarded(s)) for k, d, s, _ in kept] == [("tally.core:unique_in_order", "edited", FROMKEYS)]
    assert "dict.fromkeys(items)" in (out / "optimize.diff").read_text()
    report = json.loads((out / "report.json").read_text())
    assert report["functions"][0]["proposer"] == "reviewer" and report["functions"][0]["verified"]


@pytest.mark.slow
def test_optimize_interactive_with_a_local_llm_server(tmp_path: Path) -> None:
    llm_server = pytest.importorskip("tests.llm_server")
    repo = project(tmp_path)
    out = tmp_path / "out"
    reply = "```python\n" + FROMKEYS + "```"
    with llm_server.LLMServer(models=("local-coder",), respond=lambda request: reply) as server:
        argv = [sys.executable, "-m", "perfkit", "optimize", str(repo), "--fuzz-budget", "0", "--no-cache"]
        argv += ["--workload", "python bench.py", "--functions", "tally.core:unique_in_order", "--out", str(out)]
        env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "", "PERFKIT_MODEL": ""}
        child = spawn([*argv, "--interactive"], cwd=tmp_path, env=env)
        child.timeout = 600
        child.expect(r"\[1/1\] tally.core:unique_in_order")
        child.expect(r"from: (\S+)")
        origin = child.match.group(1)
        child.expect(CHOICES)
        child.sendline("a")
        child.expect(r"review done: 1 of 1 kept \(1 accepted\)")
        child.expect(pexpect.EOF)
        child.close()
        assert server.chats  # the model was asked
    assert child.exitstatus == 0
    kept = decisions(out / "results.sqlite")
    assert [(k, d) for k, d, _, _ in kept] == [("tally.core:unique_in_order", "accepted")]
    history = json.loads((out / "history.json").read_text())["functions"]["tally.core:unique_in_order"]["history"]
    winner = kept[0][2]
    assert origin.rstrip(",") in ("llm", "rewrite", "equivalent") and any(a["source"] == winner for a in history)
