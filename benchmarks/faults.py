"""Fault injection across perfkit's commands, run as a user would; prints faults tried against faults survived.

Each case runs the real CLI (``python -m perfkit ...`` or ``python -m pytest --perf ...``) in a fresh temporary
folder, with ``TMPDIR`` set to a fresh empty folder, and injects one fault: a target that crashes (os.abort, a
segfault), hangs (a Python loop, a C-level sleep), blows up its memory under ``--memory-limit``, leaves fork or
setsid children running, floods stdout/stderr, raises KeyboardInterrupt/SystemExit; SIGINT/SIGTERM sent to
perfkit itself mid-run; corrupt and zero-byte results stores; bad output paths. A case survives when:

- the exit status is the one expected (0, 1, 2 or 130; a user mistake also has one clear line and no traceback);
- no process is left: every case has a unique marker in its file names, its children's argv and an environment
  variable; after the command returns (and a second's grace) no process has it in its argv (``pgrep -f``) or in
  its environment (/proc/PID/environ). Leftovers are killed here and counted as a failure;
- no temporary copy is left: ``TMPDIR`` is empty afterwards (nothing is ignored);
- nothing is lost: a corrupt or zero-byte store is byte-identical afterwards, JSON results written are valid and
  carry ``format`` and ``schema_version``, and every file the user had is unchanged;
- a bad output path is refused before any work (the target was never called) and the whole command ends in its
  wall-time limit.

Usage::

    python benchmarks/faults.py            # every case (about 10 minutes on 2 busy cores)
    python benchmarks/faults.py --quick    # one or two cases per command and fault class
    python benchmarks/faults.py --only measure,fuzz --keep   # some commands; keep the folders of failed cases

Exit status 1 when any case did not survive.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
ENV_MARK = "PERFKIT_FAULT_MARK"
# Left in TMPDIR by tools, not by perfkit: Scalene 2.4 leaves its scaleneXXXX folder after a plain `scalene run`.
IGNORED_TMP = ("scalene",)

# --- fault bodies: code run by the target (function, script, workload, sample) -----------------------------------

SLEEPER = '[sys.executable, "-c", "import time; time.sleep(120)", "MARK"]'

BODIES: dict[str, str] = {
    "ok": "pass",
    "slow": "time.sleep(2)",
    "abort": "os.abort()",
    "segfault": "import ctypes; ctypes.string_at(0)",
    "hang": "while True:\n    pass",
    "c-hang": "time.sleep(10**6)",
    "memory": "_blob = []\nfor _ in range(1500):\n    _blob.append(bytearray(1 << 20))",
    "fork": (
        f"if not _DONE:\n    _DONE.append(1)\n    if os.fork() == 0:\n        os.execv(sys.executable, {SLEEPER})"
    ),
    "setsid": f"if not _DONE:\n    _DONE.append(1)\n    subprocess.Popen({SLEEPER}, start_new_session=True)",
    "flood": (
        "if not _DONE:\n    _DONE.append(1)\n    sys.stdout.write('o' * (4 << 20) + '\\n'); sys.stdout.flush()\n"
        "    sys.stderr.write('e' * (4 << 20) + '\\n'); sys.stderr.flush()"
    ),
    "kbint": "raise KeyboardInterrupt",
    "sysexit": "raise SystemExit(3)",
}

HEADER = """\
import os, subprocess, sys, time
_DONE = []
def _called():
    with open("WORK/called-MARK", "a") as _f:
        _f.write("x")
"""


def body(fault: str, indent: int) -> str:
    return textwrap.indent(BODIES[fault], " " * indent)


def function_file(fault: str, *, name: str = "f", workers_only: bool = False) -> str:
    """A module with ``name(xs: list[int]) -> int`` that injects ``fault`` and then sums xs; ``workers_only``:
    only in processes other than the one that set FK_MAIN (the test process of the plugin's cases)."""
    inject = body(fault, 4)
    if workers_only:
        inject = "    if os.environ.get('FK_MAIN') != str(os.getpid()):\n" + body(fault, 8)
    return HEADER + f"\ndef {name}(xs: list[int]) -> int:\n    _called()\n{inject}\n    return sum(xs)\n"


def script_file(fault: str) -> str:
    """A script that injects ``fault`` (run as a command, a workload)."""
    return HEADER + f"\n_called()\n{body(fault, 0)}\nprint(sum(range(1000)))\n"


# --- cases --------------------------------------------------------------------------------------------------------


@dataclass
class Case:
    command: str
    fault: str
    expected: str
    argv: list[str]
    codes: set[int]
    files: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    one_line: bool = False  # a user mistake: one 'error' line on stderr
    traceback_ok: bool = False  # the target's own traceback may pass through (command mode)
    signal: int | None = None
    group: bool = False  # signal the whole process group (Ctrl-C at a terminal)
    signal_delay: float = 1.0
    not_called: bool = False  # refused before any work
    keep_bytes: list[str] = field(default_factory=list)  # files that must be byte-identical
    json_out: list[str] = field(default_factory=list)  # JSON files that must exist and be valid
    changeable: list[str] = field(default_factory=list)  # user files the command may change
    limit: float = 90.0
    quick: bool = False
    check: Callable[[Path, str, str], str] | None = None  # extra check: returns a problem or ''


def perfkit(*args: str) -> list[str]:
    return [PYTHON, "-m", "perfkit", *args]


def fn_case(command: str, fault: str, argv_tail: list[str], **kw: object) -> Case:
    """A case whose target is ``t_MARK.py:f`` injecting ``fault``."""
    return Case(command, fault, argv=argv_tail, files={"t_MARK.py": function_file(fault)}, **kw)  # type: ignore[arg-type]


MEASURE = ["measure", "t_MARK.py:f", "--args", "[[1, 2, 3]]", "-p", "2", "-n", "2", "-w", "0", "-l", "1"]
MEASURE_CMD = ["measure", "-p", "1", "-n", "2", "-w", "0"]
FUZZ = ["fuzz", "t_MARK.py:f", "--max-size", "8", "--budget", "4", "--timeout", "0.5", "--seed", "1"]
PROFILE = ["profile", "--cpu-only"]
EFF = ["eff", "samples.json", "--problems", "problems.csv", "--tests", "1,1,1,1", "--reps", "1", "--no-memory"]
EFF += ["--helpers", "eff_helpers"]
PYTEST = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--perf", "--perf-processes", "2"]
PYTEST += ["--perf-rounds", "3", "--perf-max-time", "0.2", "--perf-metric", "time"]
OPTIMIZE = ["optimize", "repo", "--offline", "--budget", "0.4", "--fuzz-budget", "0", "--jobs", "1", "--out", "out"]
OPTIMIZE += ["--workload", "python bench_MARK.py", "--tests", "python -m pytest -q -x -p no:cacheprovider"]

CORRUPT = b"SQLite format 3\x00" + b"\x13\x37garbage" * 300


def store_setup(kind: str, path: str = ".perfkit/results.sqlite") -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        target = work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"" if kind == "zero-byte" else CORRUPT)

    return setup


def make_dir(rel: str) -> Callable[[Path], None]:
    return lambda work: (work / rel).mkdir(parents=True, exist_ok=True)


def make_file(rel: str, text: str = "keep me\n") -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        (work / rel).write_text(text)

    return setup


def both(*steps: Callable[[Path], None] | None) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        for step in steps:
            if step:
                step(work)

    return setup


def eff_problems(work: Path) -> None:
    """problems.csv with the fixture's first problem (total)."""
    with open(ROOT / "tests" / "fixtures" / "eff_problems.csv", newline="") as f:
        rows = list(csv.reader(f))
    with open(work / "problems.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows[:2])
    shutil.copy(ROOT / "tests" / "fixtures" / "eff_helpers.py", work / "eff_helpers.py")


def eff_samples(fault: str) -> dict[str, str]:
    """samples.json: one sample of ``total`` that injects ``fault`` (unannotated, as samples are)."""
    src = function_file(fault, name="total").replace("def total(xs: list[int]) -> int:", "def total(xs):")
    return {"samples.json": json.dumps([[src]])}


def repo_setup(fault: str, *, dirty: bool = False) -> Callable[[Path], None]:
    """A tiny git repository: lib.py (a quadratic string build), bench_MARK.py (the workload) and a test."""

    def setup(work: Path) -> None:
        repo = work / "repo"
        repo.mkdir()
        (repo / "lib.py").write_text(
            "def build(n):\n    s = ''\n    for i in range(n):\n        s = s + str(i % 10)\n    return s\n\n"
            "def unique(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n"
            "    return out\n"
        )
        (repo / "test_lib.py").write_text(
            "from lib import build, unique\n\ndef test_build():\n    assert build(12) == '012345678901'\n\n"
            "def test_unique():\n    assert unique([3, 1, 3, 2, 1]) == [3, 1, 2]\n"
        )
        marker = work.name.split("-")[-1]
        workload = script_file(fault).replace("WORK", str(work)).replace("MARK", marker)
        workload += "from lib import build, unique\nfor _ in range(3):\n    build(20000); unique(list(range(1500)))\n"
        (repo / f"bench_{marker}.py").write_text(workload)
        git = ["git", "-c", "user.name=f", "-c", "user.email=f@x", "-c", "commit.gpgsign=false"]
        subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
        subprocess.run([*git, "add", "."], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-qm", "init"], cwd=repo, check=True)
        if dirty:
            (repo / "lib.py").write_text((repo / "lib.py").read_text() + "\n# local change\n")

    return setup


def plugin_setup(fault: str, *, store: str | None = None) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        marker = work.name.split("-")[-1]
        source = function_file(fault, workers_only=fault != "slow")
        (work / f"m_{marker}.py").write_text(source.replace("WORK", str(work)).replace("MARK", marker))
        (work / f"test_{marker}.py").write_text(
            f"import os\nimport m_{marker} as m\n\nos.environ['FK_MAIN'] = str(os.getpid())\n\n"
            "def test_sum(perf):\n    assert perf(m.f, [1, 2, 3]) == 6\n"
        )
        if store:
            store_setup(store)(work)

    return setup


def no_timed_fit(work: Path, out: str, err: str) -> str:
    """Issue 18 item 5: values all cut off at the limit must not be fitted as if they had finished."""
    data = json.loads((work / "r.json").read_text())
    doc = data[0] if isinstance(data, list) else data
    r2, klass = doc.get("complexity_r2"), doc.get("complexity")
    if klass and "censored" not in str(doc.get("notes", "")).lower() and r2 not in (None, 0):
        return f"fitted {klass} (R2 {r2}) on cut-off values"
    return ""


def not_silent(work: Path, out: str, err: str) -> str:
    """Issue 18 item 4: a target raising KeyboardInterrupt/SystemExit must not read as '0 evaluated', exit 0."""
    text = out + err
    if "0 evaluated" in text and "KeyboardInterrupt" not in text and "SystemExit" not in text:
        return "reported '0 evaluated' without naming the exception"
    return ""


def report_saved(work: Path, out: str, err: str) -> str:
    """Issue 18 items 3, 7: an interrupted optimize keeps its report and marks no function pending."""
    reports = list((work / "out").rglob("report.json"))
    if not reports:
        return "no report.json"
    for path in reports:
        text = path.read_text()
        if '"pending"' in text:
            return f"{path.name} has a function 'pending'"
    return ""


def cases() -> list[Case]:
    out: list[Case] = []
    add = out.append
    # measure, function mode
    add(fn_case("measure fn", "abort", MEASURE, expected="exit 1, one line", codes={1}, quick=True))
    add(fn_case("measure fn", "segfault", MEASURE, expected="exit 1, one line", codes={1}))
    add(fn_case("measure fn", "hang", [*MEASURE, "--timeout", "1"], expected="exit 0, censored", codes={0}, quick=True))
    add(fn_case("measure fn", "c-hang", [*MEASURE, "--timeout", "1"], expected="exit 0, censored", codes={0}))
    add(
        fn_case(
            "measure fn",
            "c-hang",
            [*MEASURE, "--timeout", "1", "--inprocess"],
            expected="exit 0, censored (--inprocess)",
            codes={0},
        )
    )
    add(
        fn_case(
            "measure fn",
            "memory",
            [*MEASURE, "--memory-limit", "300M"],
            expected="exit 1, one line",
            codes={1},
            quick=True,
        )
    )
    add(
        fn_case(
            "measure fn",
            "fork",
            [*MEASURE, "--json", "r.json"],
            expected="exit 0, no child left",
            codes={0},
            json_out=["r.json"],
            quick=True,
        )
    )
    add(fn_case("measure fn", "setsid", MEASURE, expected="exit 0, no child left", codes={0}, quick=True))
    add(fn_case("measure fn", "flood", MEASURE, expected="exit 0", codes={0}))
    add(fn_case("measure fn", "kbint", MEASURE, expected="exit 1, one line", codes={1}, quick=True))
    add(fn_case("measure fn", "sysexit", MEASURE, expected="exit 1, one line", codes={1}))
    add(
        fn_case(
            "measure fn", "slow", MEASURE, expected="SIGINT: exit 130", codes={130}, signal=signal.SIGINT, quick=True
        )
    )
    add(
        fn_case(
            "measure fn",
            "slow",
            MEASURE,
            expected="Ctrl-C (group): exit 130",
            codes={130},
            signal=signal.SIGINT,
            group=True,
        )
    )
    add(
        fn_case(
            "measure fn",
            "slow",
            MEASURE,
            expected="SIGTERM: exit 130/143",
            codes={130, -15, 143},
            signal=signal.SIGTERM,
            quick=True,
        )
    )
    add(
        fn_case(
            "measure fn",
            "ok",
            [*MEASURE, "--json", "adir"],
            expected="--json a folder: exit 2 first",
            codes={2},
            one_line=True,
            not_called=True,
            setup=make_dir("adir"),
            quick=True,
        )
    )
    add(
        fn_case(
            "measure fn",
            "ok",
            [*MEASURE, "--pyperf", "adir"],
            expected="--pyperf a folder: exit 2 first",
            codes={2},
            one_line=True,
            not_called=True,
            setup=make_dir("adir"),
        )
    )
    add(
        fn_case(
            "measure fn",
            "ok",
            [*MEASURE, "--json", "nodir/sub/r.json"],
            expected="--json missing parent: exit 2 first",
            codes={2},
            one_line=True,
            not_called=True,
        )
    )
    # measure, command mode
    cmd = ["--", PYTHON, "s_MARK.py"]

    def sc(fault: str) -> dict[str, str]:
        return {"s_MARK.py": script_file(fault)}

    add(Case("measure cmd", "abort", "exit 1, one line", [*MEASURE_CMD, *cmd], {1}, sc("abort"), quick=True))
    add(
        Case(
            "measure cmd",
            "hang",
            "exit 0, censored",
            [*MEASURE_CMD, "--timeout", "1", *cmd],
            {0},
            sc("hang"),
            quick=True,
        )
    )
    add(Case("measure cmd", "c-hang", "exit 0, censored", [*MEASURE_CMD, "--timeout", "1", *cmd], {0}, sc("c-hang")))
    add(
        Case(
            "measure cmd",
            "memory",
            "exit 2, one line (--memory-limit is for functions)",
            [*MEASURE_CMD, "--memory-limit", "300M", *cmd],
            {2},
            sc("memory"),
        )
    )
    add(Case("measure cmd", "fork", "exit 0, no child left", [*MEASURE_CMD, *cmd], {0}, sc("fork"), quick=True))
    add(Case("measure cmd", "setsid", "exit 0, no child left", [*MEASURE_CMD, *cmd], {0}, sc("setsid"), quick=True))
    add(
        Case(
            "measure cmd",
            "flood",
            "exit 0",
            [*MEASURE_CMD, "--json", "r.json", *cmd],
            {0},
            sc("flood"),
            json_out=["r.json"],
        )
    )
    add(Case("measure cmd", "kbint", "exit 1, one line", [*MEASURE_CMD, *cmd], {1}, sc("kbint"), traceback_ok=True))
    add(Case("measure cmd", "slow", "SIGINT: exit 130", [*MEASURE_CMD, *cmd], {130}, sc("slow"), signal=signal.SIGINT))
    add(
        Case(
            "measure cmd",
            "slow",
            "SIGTERM: exit 130/143",
            [*MEASURE_CMD, *cmd],
            {130, -15, 143},
            sc("slow"),
            signal=signal.SIGTERM,
            quick=True,
        )
    )
    add(
        Case(
            "measure cmd",
            "ok",
            "--json a folder: exit 2 first",
            [*MEASURE_CMD, "--json", "adir", *cmd],
            {2},
            sc("ok"),
            setup=make_dir("adir"),
            one_line=True,
            not_called=True,
        )
    )
    # fuzz
    add(fn_case("fuzz", "abort", FUZZ, expected="exit 0, crash recorded", codes={0}, quick=True))
    add(fn_case("fuzz", "segfault", FUZZ, expected="exit 0, crash recorded", codes={0}))
    add(
        fn_case(
            "fuzz",
            "hang",
            [*FUZZ, "--json", "r.json"],
            expected="exit 0 within budget, no fit on cut-offs",
            codes={0},
            json_out=["r.json"],
            check=no_timed_fit,
            limit=40,
            quick=True,
        )
    )
    add(fn_case("fuzz", "c-hang", FUZZ, expected="exit 0 within budget", codes={0}, limit=40))
    add(
        fn_case(
            "fuzz",
            "memory",
            [*FUZZ, "--memory-limit", "300M"],
            expected="exit 0, MemoryError recorded",
            codes={0},
            quick=True,
        )
    )
    add(fn_case("fuzz", "fork", FUZZ, expected="exit 0, no child left", codes={0}, quick=True))
    add(fn_case("fuzz", "setsid", FUZZ, expected="exit 0, no child left", codes={0}))
    add(fn_case("fuzz", "flood", FUZZ, expected="exit 0", codes={0}))
    add(
        fn_case("fuzz", "kbint", FUZZ, expected="not '0 evaluated, exit 0'", codes={0, 1}, check=not_silent, quick=True)
    )
    add(fn_case("fuzz", "sysexit", FUZZ, expected="not '0 evaluated, exit 0'", codes={0, 1}, check=not_silent))
    add(fn_case("fuzz", "slow", FUZZ, expected="SIGINT: exit 130", codes={130}, signal=signal.SIGINT))
    add(
        fn_case(
            "fuzz",
            "slow",
            FUZZ,
            expected="SIGTERM: exit 130/143",
            codes={130, -15, 143},
            signal=signal.SIGTERM,
            quick=True,
        )
    )
    for kind in ("corrupt", "zero-byte"):
        add(
            fn_case(
                "fuzz",
                "ok",
                [*FUZZ, "--store", "s.sqlite"],
                expected=f"{kind} --store: exit 2, kept",
                codes={2},
                one_line=True,
                not_called=True,
                setup=store_setup(kind, "s.sqlite"),
                keep_bytes=["s.sqlite"],
                quick=kind == "zero-byte",
            )
        )
    add(
        fn_case(
            "fuzz",
            "ok",
            [*FUZZ, "--json", "adir"],
            expected="--json a folder: exit 2 first",
            codes={2},
            one_line=True,
            not_called=True,
            setup=make_dir("adir"),
            quick=True,
        )
    )
    add(
        fn_case(
            "fuzz",
            "ok",
            [*FUZZ, "--out", "afile"],
            expected="--out a file: exit 2 first",
            codes={2},
            one_line=True,
            not_called=True,
            setup=make_file("afile"),
        )
    )
    # profile (Scalene, and --cprofile)
    for mode, extra in (("profile", []), ("profile --cprofile", ["--cprofile"])):
        quick = mode == "profile"
        for fault, expect, codes in (
            ("abort", "exit 1/2, one line", {1, 2}),
            ("fork", "exit 0, no child left", {0}),
            ("setsid", "exit 0, no child left", {0}),
            ("flood", "exit 0", {0}),
        ):
            add(
                Case(
                    mode,
                    fault,
                    expect,
                    [*PROFILE, *extra, "--", PYTHON, "s_MARK.py"],
                    codes,
                    sc(fault),
                    traceback_ok=True,
                    one_line=fault == "abort",
                    quick=quick and fault in ("fork", "setsid"),
                )
            )
        for fault in ("hang", "c-hang"):
            add(
                Case(
                    mode,
                    fault,
                    "--timeout 2: exit 2, one line",
                    [*PROFILE, *extra, "--timeout", "2", "--", PYTHON, "s_MARK.py"],
                    {2},
                    sc(fault),
                    one_line=True,
                    quick=quick and fault == "hang",
                )
            )
        for sig, name in ((signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM")):
            add(
                Case(
                    mode,
                    "hang",
                    f"{name}: exit 130/143",
                    [*PROFILE, *extra, "--", PYTHON, "s_MARK.py"],
                    {130, -15, 143},
                    sc("hang"),
                    signal=sig,
                    signal_delay=2.0,
                    quick=quick,
                )
            )
        add(
            Case(
                mode,
                "ok",
                "--json a folder: exit 2 first",
                [*PROFILE, *extra, "--json", "adir", "--", PYTHON, "s_MARK.py"],
                {2},
                sc("ok"),
                setup=make_dir("adir"),
                one_line=True,
                not_called=True,
            )
        )
    # optimize
    for fault, expect, codes in (
        ("abort", "workload crash: exit 1/2, one line", {1, 2}),
        ("fork", "exit 0, no child left", {0}),
        ("setsid", "exit 0, no child left", {0}),
        ("flood", "exit 0", {0}),
    ):
        add(
            Case(
                "optimize",
                fault,
                expect,
                OPTIMIZE,
                codes,
                setup=repo_setup(fault),
                limit=180,
                one_line=fault == "abort",
                traceback_ok=True,
                quick=fault in ("setsid",),
                json_out=[] if fault == "abort" else ["out/report.json"],
            )
        )
    for sig, name, delay in (
        (signal.SIGINT, "SIGINT", 1.0),
        (signal.SIGTERM, "SIGTERM", 1.0),
        (signal.SIGTERM, "SIGTERM late", 12.0),
    ):
        add(
            Case(
                "optimize",
                "slow",
                f"{name}: exit 130, report kept",
                OPTIMIZE,
                {130},
                setup=repo_setup("slow"),
                signal=sig,
                signal_delay=delay,
                check=report_saved,
                limit=180,
                quick=name == "SIGTERM",
            )
        )
    add(
        Case(
            "optimize",
            "ok",
            "--apply dirty tree: exit 2 first",
            [*OPTIMIZE, "--apply"],
            {2},
            setup=repo_setup("ok", dirty=True),
            one_line=True,
            not_called=True,
            changeable=[],
            quick=True,
        )
    )
    add(
        Case(
            "optimize",
            "ok",
            "--out a file: exit 2 first",
            OPTIMIZE,
            {2},
            setup=both(repo_setup("ok"), make_file("out")),
            one_line=True,
            not_called=True,
        )
    )
    # dashboard
    for kind in ("corrupt", "zero-byte"):
        add(
            Case(
                "dashboard",
                kind,
                "store kept, no crash",
                ["dashboard"],
                {0, 2} if kind == "zero-byte" else {2},
                setup=store_setup(kind),
                keep_bytes=[".perfkit/results.sqlite"],
                one_line=kind == "corrupt",
                quick=True,
            )
        )
    add(Case("dashboard", "bad path", "missing dir: exit 2", ["dashboard", "typo/dir"], {2}, one_line=True))
    add(
        Case(
            "dashboard",
            "bad path",
            "--out a file: exit 2",
            ["dashboard", "--out", "afile"],
            {2},
            setup=make_file("afile"),
            one_line=True,
            quick=True,
        )
    )
    add(
        Case(
            "dashboard",
            "serve",
            "SIGINT on --serve: exit 0/130",
            ["dashboard", "--serve", "--port", "0"],
            {0, 130},
            signal=signal.SIGINT,
            signal_delay=4.0,
        )
    )
    # eff
    samples = {
        "abort": "exit 0, sample fails",
        "hang": "exit 0, sample censored",
        "memory": "exit 0, sample fails",
        "fork": "exit 0, no child left",
        "setsid": "exit 0, no child left",
        "flood": "exit 0",
        "kbint": "exit 0, sample fails",
        "sysexit": "exit 0, sample fails",
    }
    for fault, expect in samples.items():
        extra = ["--memory-limit", "300M"] if fault == "memory" else []
        add(
            Case(
                "eff",
                fault,
                expect,
                [*EFF, *extra, "--out", "res"],
                {0},
                eff_samples(fault),
                setup=eff_problems,
                quick=fault in ("hang", "setsid"),
                json_out=["res/result.json"],
                limit=120,
            )
        )
    for sig, name in ((signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM")):
        add(
            Case(
                "eff",
                "slow",
                f"{name}: exit 130/143",
                [*EFF, "--alpha", "1e7"],
                {130, -15, 143},
                eff_samples("slow"),
                setup=eff_problems,
                signal=sig,
                quick=name == "SIGINT",
            )
        )
    add(
        Case(
            "eff",
            "ok",
            "--out a file: exit 2 first",
            [*EFF, "--out", "afile"],
            {2},
            eff_samples("ok"),
            setup=both(eff_problems, make_file("afile")),
            one_line=True,
            not_called=True,
        )
    )
    # compare
    for fault, text in (("corrupt", "{not json"), ("zero-byte", ""), ("no format", "{}")):
        add(
            Case(
                "compare",
                fault,
                "exit 2, one line",
                ["compare", "a.json", "a.json"],
                {2},
                setup=make_file("a.json", text),
                one_line=True,
                keep_bytes=["a.json"],
                quick=fault == "corrupt",
            )
        )
    add(
        Case(
            "compare",
            "folder",
            "exit 2, one line",
            ["compare", "adir", "adir"],
            {2},
            setup=make_dir("adir"),
            one_line=True,
        )
    )
    # pytest plugin
    for fault, expect, codes in (
        ("abort", "crash in a timing worker: exit 0/1", {0, 1}),
        ("fork", "exit 0, no child left", {0}),
        ("setsid", "exit 0, no child left", {0}),
        ("flood", "exit 0", {0}),
    ):
        add(
            Case(
                "pytest --perf",
                fault,
                expect,
                PYTEST,
                codes,
                setup=plugin_setup(fault),
                traceback_ok=True,
                quick=fault == "setsid",
            )
        )
    for kind in ("corrupt", "zero-byte"):
        add(
            Case(
                "pytest --perf",
                kind,
                "--perf-compare: error, store kept",
                [*PYTEST, "--perf-compare"],
                {1, 2, 3, 4},
                setup=plugin_setup("ok", store=kind),
                keep_bytes=[".perfkit/results.sqlite"],
                traceback_ok=True,
                quick=True,
            )
        )
    for sig, name in ((signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM")):
        add(
            Case(
                "pytest --perf",
                "slow",
                f"{name}: exit 2/143",
                PYTEST,
                {2, -15, 143},
                setup=plugin_setup("slow"),
                signal=sig,
                traceback_ok=True,
                quick=name == "SIGTERM",
            )
        )
    add(
        Case(
            "pytest --perf",
            "ok",
            "--perf-json a folder: error",
            [*PYTEST, "--perf-json", "adir"],
            {1, 2, 3, 4},
            setup=both(plugin_setup("ok"), make_dir("adir")),
            one_line=True,
            traceback_ok=True,
        )
    )
    return out


# --- running one case ---------------------------------------------------------------------------------------------


def snapshot(folder: Path, skip: set[str]) -> dict[str, str]:
    found = {}
    for path in folder.rglob("*"):
        rel = str(path.relative_to(folder))
        if path.is_file() and not path.is_symlink() and rel.split("/")[0] not in skip:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def marked_pids(marker: str) -> set[int]:
    """Processes with ``marker`` in their argv (pgrep -f) or in their environment."""
    mine = {os.getpid()}
    found: set[int] = set()
    got = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    found |= {int(p) for p in got.stdout.split()}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{entry}/environ").read_bytes():
                    found.add(int(entry))
            except OSError:
                pass
    return {p for p in found if p not in mine and _alive(p)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def describe(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        argv = "?"
    return f"{pid} {argv[:70]}"


@dataclass
class Outcome:
    case: Case
    code: int | None
    seconds: float
    problems: list[str]

    @property
    def survived(self) -> bool:
        return not self.problems


def run_case(case: Case, index: int, base: Path, *, keep: bool) -> Outcome:
    marker = f"fk{index:03d}{uuid.uuid4().hex[:6]}"
    folder = base / f"case-{marker}"
    work, tmp = folder / f"work-{marker}", folder / "tmp"
    work.mkdir(parents=True)
    tmp.mkdir()

    def fill(text: str) -> str:
        return text.replace("WORK", str(work)).replace("MARK", marker)

    for name, text in case.files.items():
        (work / fill(name)).write_text(fill(text))
    if case.setup:
        case.setup(work)
    before = snapshot(work, skip=set())
    argv = [fill(a) for a in case.argv]
    if argv[0] != PYTHON:
        argv = perfkit(*argv)
    env = dict(os.environ, TMPDIR=str(tmp), **{ENV_MARK: marker})
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    out_path, err_path = folder / "stdout", folder / "stderr"
    problems: list[str] = []
    start = time.monotonic()
    with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
        proc = subprocess.Popen(argv, cwd=work, env=env, stdout=out_f, stderr=err_f, start_new_session=True)
        code = wait(proc, case, work / f"called-{marker}", start, problems)
    seconds = time.monotonic() - start
    time.sleep(1.0)
    out = out_path.read_text(errors="replace")
    err = err_path.read_text(errors="replace")
    if code not in case.codes:
        last = next((line for line in reversed(err.strip().splitlines()) if line.strip()), "")
        problems.append(f"exit {code} (stderr: {last[:90]!r})")
    if not case.traceback_ok and "Traceback (most recent call last)" in err:
        problems.append("traceback on stderr")
    if case.one_line and code not in (0, None):
        lines = [line for line in err.strip().splitlines() if "error" in line.lower()]
        if not lines:
            problems.append("no error line on stderr")
        elif "Traceback (most recent call last)" in err and case.command != "pytest --perf":
            problems.append("traceback with the error")
    if case.not_called and (work / f"called-{marker}").exists():
        problems.append("refused only after running the target")
    left = marked_pids(marker)
    if left:
        problems.append("left running: " + "; ".join(describe(p) for p in sorted(left))[:200])
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    leftovers = sorted(p.name for p in tmp.iterdir() if not p.name.startswith(IGNORED_TMP))
    if leftovers:
        problems.append(f"TMPDIR not empty: {', '.join(leftovers)[:120]}")
    after = snapshot(work, skip=set())
    for rel, digest in before.items():
        if rel in case.changeable:
            continue
        if after.get(rel) != digest:
            problems.append(f"user file {'changed' if rel in after else 'removed'}: {rel}")
    for rel in case.keep_bytes:
        if after.get(rel) != before.get(rel):
            problems.append(f"store not byte-identical: {rel}")
    for rel in case.json_out:
        if code not in case.codes:
            break
        problems.extend(check_json(work / rel))
    if case.check and code in case.codes:
        try:
            issue = case.check(work, out, err)
        except (OSError, ValueError, KeyError, IndexError) as exc:
            issue = f"check failed: {exc}"
        if issue:
            problems.append(issue)
    if not problems or not keep:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        problems.append(f"kept {folder}")
    return Outcome(case, code, seconds, problems)


def check_json(path: Path) -> list[str]:
    if not path.exists():
        return [f"{path.name} not written"]
    try:
        doc = json.loads(path.read_text())
    except ValueError as exc:
        return [f"{path.name} is not JSON: {exc}"]
    if isinstance(doc, list):
        doc = doc[0] if doc else {}
    if not isinstance(doc, dict) or "format" not in doc or "schema_version" not in doc:
        return [f"{path.name} lacks format/schema_version"]
    return []


def wait(proc: subprocess.Popen[bytes], case: Case, called: Path, start: float, problems: list[str]) -> int | None:
    """Wait for the command; send the case's signal once the target has been called (plus a delay)."""
    sent = False
    while True:
        try:
            return proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
        elapsed = time.monotonic() - start
        if case.signal and not sent:
            ready = called.exists() or case.command == "dashboard"
            if ready or elapsed > 60:
                if not ready:
                    problems.append("target never called before the signal")
                time.sleep(case.signal_delay)
                if case.group:
                    os.killpg(proc.pid, case.signal)
                else:
                    proc.send_signal(case.signal)
                sent = True
                start_signal = time.monotonic()
        if sent and time.monotonic() - start_signal > 30:
            problems.append("still running 30 s after the signal")
            break
        if elapsed > case.limit:
            problems.append(f"still running after {case.limit:.0f} s")
            break
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return None


# --- main ---------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller set (one or two cases per command)")
    parser.add_argument("--only", default="", help="comma-separated command prefixes, e.g. measure,fuzz")
    parser.add_argument("--keep", action="store_true", help="keep the folders of cases that did not survive")
    options = parser.parse_args()
    chosen = [c for c in cases() if c.quick or not options.quick]
    if options.only:
        prefixes = [p.strip() for p in options.only.split(",") if p.strip()]
        chosen = [c for c in chosen if any(c.command.startswith(p) for p in prefixes)]
    base = Path(tempfile.mkdtemp(prefix="perfkit-faults-"))
    outcomes: list[Outcome] = []
    print(f"{'command':<20} {'fault':<10} {'expected':<40} {'happened':<10} {'s':>5}  survived")
    try:
        for index, case in enumerate(chosen):
            outcome = run_case(case, index, base, keep=options.keep)
            outcomes.append(outcome)
            happened = "killed" if outcome.code is None else f"exit {outcome.code}"
            print(
                f"{case.command:<20} {case.fault:<10} {case.expected:<40} {happened:<10} {outcome.seconds:5.1f}  "
                f"{'yes' if outcome.survived else 'NO'}",
                flush=True,
            )
            for problem in outcome.problems:
                print(f"{'':<20} - {problem}", flush=True)
    finally:
        if not options.keep:
            shutil.rmtree(base, ignore_errors=True)
    survived = sum(o.survived for o in outcomes)
    print(f"{survived} of {len(outcomes)} faults survived")
    return 0 if survived == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
