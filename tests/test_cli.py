"""The ``perfkit`` command as a user runs it: output, files, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import FIXTURES, ROOT

FAST = ["--processes", "2", "--values", "2", "--min-time", "0.005"]


def perfkit(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=300,
    )


def test_measure_example_writes_json(tmp_path) -> None:
    out = tmp_path / "m.json"
    result = perfkit(
        "measure",
        "examples/slow.py:dedupe",
        "--args-file",
        "examples/dedupe_input.py",
        *FAST,
        "--json",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "median" in result.stdout and "per call" in result.stdout and "censored" in result.stdout
    assert "cost" in result.stdout and "lines" in result.stdout
    data = json.loads(out.read_text())
    assert data["name"] == "dedupe" and len(data["times"]) == 4 and data["cost"]["lines"] > 2000


def test_measure_reports_unavailable_counters_with_reason() -> None:
    result = perfkit("measure", f"{FIXTURES / 'workloads.py'}:busy", "--args", "[100]", *FAST)
    assert result.returncode == 0, result.stderr
    counters = perfkit("counters", "--json")
    for row in json.loads(counters.stdout)["counters"]:
        if not row["available"]:
            assert f"{row['name']}" in result.stdout and "unavailable" in result.stdout


def test_counters_table_and_json() -> None:
    table = perfkit("counters")
    assert table.returncode == 0
    for name in ("instructions", "task-clock", "page-faults", "context-switches", "deterministic cost"):
        assert name in table.stdout
    document = json.loads(perfkit("counters", "--json").stdout)
    assert document["format"] == "perfkit.counters" and document["schema_version"] == 1
    rows = document["counters"]
    assert {row["name"] for row in rows} >= {"instructions", "cycles", "branch-misses", "task-clock"}
    for row in rows:
        assert row["available"] or (row["errno"] and row["reason"])


def test_timeout_censoring_on_the_command_line(tmp_path) -> None:
    out = tmp_path / "m.json"
    result = perfkit(
        "measure",
        f"{FIXTURES / 'workloads.py'}:sleepy",
        "--args",
        "[3]",
        "--timeout",
        "0.1",
        "--processes",
        "2",
        "--no-cost",
        "--json",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "2 of 2 runs hit the time limit" in result.stdout
    assert json.loads(out.read_text())["censored"] == [True, True]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["measure", "nowhere.py:f"], 2, "no such file"),
        (["measure", "examples/slow.py:nope"], 2, "has no attribute 'nope'"),
        (["measure", f"{FIXTURES / 'broken_import.py'}:f"], 2, "ZeroDivisionError"),
        (["measure", "examples/slow.py:dedupe", "--args", "[1,"], 2, "not valid JSON"),
        (["measure", "examples/slow.py:dedupe", "--processes", "0"], 2, "processes=0"),
        (["measure", "examples/slow.py:dedupe", "--memory-limit", "lots"], 2, "--memory-limit='lots'"),
        (["measure", f"{FIXTURES / 'workloads.py'}:raises", *FAST], 1, "the target raised ValueError: boom"),
        (["measure"], 2, "give either a TARGET or a command"),
        (["compare", "missing-a.json", "missing-b.json"], 2, "cannot read"),
    ],
)
def test_user_mistakes_give_one_line_and_a_status(args: list[str], status: int, message: str) -> None:
    result = perfkit(*args)
    assert result.returncode == status, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback() -> None:
    result = perfkit("--debug", "measure", "nowhere.py:f")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_measure_a_command() -> None:
    result = perfkit("measure", "--values", "3", "--", sys.executable, "-c", "pass")
    assert result.returncode == 0, result.stderr
    assert "per run" in result.stdout and "3 values" in result.stdout


def test_compare_two_measurements(tmp_path) -> None:
    fast, slow = tmp_path / "fast.json", tmp_path / "slow.json"
    target = f"{FIXTURES / 'workloads.py'}:busy"
    assert perfkit("measure", target, "--args", "[100]", *FAST, "--json", str(fast)).returncode == 0
    assert perfkit("measure", target, "--args", "[2000]", *FAST, "--json", str(slow)).returncode == 0
    result = perfkit("compare", str(fast), str(slow))
    assert result.returncode == 0, result.stderr
    assert "significantly slower" in result.stdout


def test_help_lists_commands() -> None:
    result = perfkit("--help")
    assert result.returncode == 0
    for command in ("measure", "counters", "compare"):
        assert command in result.stdout


def _fails_fast(result: subprocess.CompletedProcess[str], option: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and option in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("kind", ["folder", "missing-parent"])
def test_bad_output_paths_are_refused_before_any_work(tmp_path, kind: str) -> None:
    """``--json``/``--pyperf`` naming a folder, ``--out`` naming a file: one line, exit 2, before the run starts."""
    folder, file = tmp_path / "a-folder", tmp_path / "a-file"
    folder.mkdir()
    file.write_text("keep me")
    bad_file = str(folder) if kind == "folder" else str(tmp_path / "no" / "such" / "m.json")
    slow = ["examples/slow.py:count_primes", "--args", "[200]", *FAST]
    _fails_fast(perfkit("measure", *slow, "--json", bad_file), "--json")
    _fails_fast(perfkit("measure", *slow, "--pyperf", bad_file), "--pyperf")
    _fails_fast(
        perfkit("fuzz", "examples/slow.py:dedupe", "--max-size", "9", "--budget", "60", "--json", bad_file), "--json"
    )
    _fails_fast(
        perfkit("fuzz", "examples/slow.py:dedupe", "--max-size", "9", "--budget", "60", "--out", str(file)), "--out"
    )
    _fails_fast(perfkit("eff", "s.json", "--problems", "p.csv", "--out", str(file)), "--out")
    _fails_fast(perfkit("dashboard", str(tmp_path), "--out", str(file)), "--out")
    assert file.read_text() == "keep me"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["measure", "examples/slow.py:count_primes", "--args", "[9]", "--loops", "0"], "--loops"),
        (["measure", "examples/slow.py:count_primes", "--args", "[9]", "--processes", "0"], "--processes"),
        (["measure", "examples/slow.py:count_primes", "--args", "[9]", "--timeout", "0"], "--timeout"),
        (["fuzz", "examples/slow.py:dedupe", "--max-size", "9", "--jobs", "-1"], "--jobs"),
        (["eff", "s.json", "--problems", "p.csv", "--jobs", "-1"], "--jobs"),
        (["eff", "s.json", "--problems", "p.csv", "--reps", "0"], "--reps"),
        (["profile", "--timeout", "0", "--", "python", "-c", "pass"], "--timeout"),
        (["profile", "--json", "/no/such/folder/p.json", "--", "python", "-c", "pass"], "--json"),
    ],
)
def test_out_of_range_counts_are_refused(args: list[str], option: str) -> None:
    _fails_fast(perfkit(*args), option)


def test_dashboard_of_a_folder_that_does_not_exist_is_an_error(tmp_path) -> None:
    result = perfkit("dashboard", str(tmp_path / "typo"))
    _fails_fast(result, "DIR")
    assert not (tmp_path / "typo").exists()


def _still_alive(pids: list[int], *, within: float = 15.0) -> list[int]:
    """The processes of ``pids`` still running after ``within`` seconds (a killed one may wait to be scheduled on
    a loaded machine; a leaked one sleeps for 120 s)."""
    import time

    deadline = time.monotonic() + within
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent is gone for our purposes
        return "Z" not in open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0]
    except OSError:
        return False


def test_children_in_sessions_of_their_own_do_not_outlive_the_command_or_the_target(tmp_path) -> None:
    """setsid escapes a process group; the mark in the environment still finds them (command and function modes)."""

    pids = tmp_path / "pids"
    spawn = (
        "import subprocess, sys\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True)\n"
        f"open({str(pids)!r}, 'a').write(f'{{p.pid}}\\n')\n"
    )
    (tmp_path / "cmd.py").write_text(spawn)
    (tmp_path / "fn.py").write_text("def f(n):\n    " + spawn.replace("\n", "\n    ") + "return n\n")
    command = perfkit("measure", "--values", "2", "--warmups", "0", "--", sys.executable, str(tmp_path / "cmd.py"))
    assert command.returncode == 0, command.stderr
    function = perfkit(
        "measure",
        f"{tmp_path / 'fn.py'}:f",
        "--args",
        "[1]",
        "-p",
        "1",
        "-n",
        "1",
        "-l",
        "1",
        "--no-cost",
        cwd=tmp_path,
    )
    assert function.returncode == 0, function.stderr
    started = [int(line) for line in pids.read_text().split()]
    assert len(started) >= 3
    assert not _still_alive(started)


def test_measure_a_command_leaves_no_forked_child_behind(tmp_path) -> None:
    pids = tmp_path / "pids"
    script = tmp_path / "forks.py"
    script.write_text(
        "import os, sys, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        f"        open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        "        time.sleep(120)\n"
        "        os._exit(0)\n"
        "time.sleep(0.05)\n"
    )
    result = perfkit("measure", "--values", "2", "--warmups", "0", "--", sys.executable, str(script))
    assert result.returncode == 0, result.stderr
    started = [int(line) for line in pids.read_text().split()]
    assert len(started) >= 6  # three per run, at least two runs
    assert not _still_alive(started)


def test_workers_import_the_perfkit_the_parent_imported_not_a_folder_in_the_cwd(tmp_path) -> None:
    """Run from a checkout of perfkit's source (a ``perfkit/`` folder in the current directory), workers must not
    import that folder instead of the installed package."""
    (tmp_path / "perfkit").mkdir()
    (tmp_path / "perfkit" / "__init__.py").write_text("raise ImportError('the wrong perfkit: the cwd shadowed it')\n")
    (tmp_path / "t.py").write_text("def f(n):\n    return sum(range(n))\n")
    result = subprocess.run(
        [sys.executable, "-P", "-m", "perfkit", "measure", "t.py:f", "--args", "[100]", *FAST, "--no-cost"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "wrong perfkit" not in result.stderr


def test_measure_name_sets_the_benchmark_name_for_pyperf(tmp_path) -> None:
    out = tmp_path / "p.json"
    slow = ["examples/slow.py:count_primes", "--args", "[200]", *FAST, "--no-cost"]
    result = perfkit("measure", *slow, "--pyperf", str(out), "--name", "primes-200")
    assert result.returncode == 0, result.stderr
    import pyperf

    assert pyperf.Benchmark.load(str(out)).get_name() == "primes-200"


def test_tool_perfkit_sections_configure_fuzz_and_measure_and_flags_override(tmp_path) -> None:
    (tmp_path / "slow.py").write_text((ROOT / "examples" / "slow.py").read_text())
    (tmp_path / "pyproject.toml").write_text(
        "[tool.perfkit]\nthreshold = 0.05\n"  # optimize's own keys beside the sections
        "[tool.perfkit.fuzz]\nmax-size = 9\nbudget = 1\n"
        "[tool.perfkit.measure]\nprocesses = 2\nvalues = 2\nmin_time = 0.005\nno-cost = true\n"
    )
    out = tmp_path / "f.json"
    fuzzed = perfkit("fuzz", "slow.py:dedupe", "--json", str(out), cwd=tmp_path)
    assert fuzzed.returncode == 0, fuzzed.stderr
    assert json.loads(out.read_text())["max_size"] == 9
    overridden = perfkit("fuzz", "slow.py:dedupe", "--max-size", "5", "--json", str(out), cwd=tmp_path)
    assert overridden.returncode == 0 and json.loads(out.read_text())["max_size"] == 5
    measured = perfkit("measure", "slow.py:count_primes", "--args", "[200]", "--json", str(out), cwd=tmp_path)
    assert measured.returncode == 0, measured.stderr
    data = json.loads(out.read_text())
    assert len(set(data["process"])) == 2 and data["cost"] is None


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("max-size = 'big'", "max-size='big'"),
        ("size = 3", "size: unknown key"),
        ("no-constraints = 'yes'", "give true or false"),
        ("search = 'bfs'", "choose one of"),
    ],
)
def test_a_bad_tool_perfkit_section_names_the_key_and_the_file(tmp_path, section: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.perfkit.fuzz]\n{section}\n")
    result = perfkit("fuzz", "x.py:f", "--max-size", "3", cwd=tmp_path)
    _fails_fast(result, message)
    assert "pyproject.toml" in result.stderr


def test_more_mistakes_are_refused_before_any_work(tmp_path) -> None:
    calls = tmp_path / "called"
    (tmp_path / "t.py").write_text(
        f"def f(xs: list[int]) -> int:\n    open({str(calls)!r}, 'a').write('x')\n    return len(xs)\n"
    )
    (tmp_path / "empty.sqlite").write_bytes(b"")
    (tmp_path / "a-file").write_text("keep")
    store = perfkit("fuzz", "t.py:f", "--max-size", "5", "--budget", "30", "--store", "empty.sqlite", cwd=tmp_path)
    _fails_fast(store, "empty (0 bytes)")
    assert not calls.exists() and (tmp_path / "empty.sqlite").read_bytes() == b""
    _fails_fast(perfkit("optimize", str(ROOT / "examples" / "inventory"), "--out", str(tmp_path / "a-file")), "--out")
    limit = perfkit("measure", "--memory-limit", "300M", "--", sys.executable, "-c", "pass")
    _fails_fast(limit, "--memory-limit")


def test_sigterm_to_fuzz_cleans_up_like_ctrl_c(tmp_path) -> None:
    import os
    import signal
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    (tmp_path / "t.py").write_text("def f(xs: list[int]) -> int:\n    return sorted(xs)[0] if xs else 0\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "perfkit", "fuzz", "t.py:f", "--max-size", "50", "--budget", "60"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    time.sleep(6)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    time.sleep(0.5)
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("perfkit")]


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["t.py:quits", "--args", "[1]"], "SystemExit"),
        (["t.py:interrupts", "--args", "[1]"], "KeyboardInterrupt"),
        (["--", sys.executable, "-c", "import os; os.abort()"], "exited with status"),
    ],
)
def test_a_target_or_command_that_fails_exits_1_with_one_line(tmp_path, args: list[str], shown: str) -> None:
    (tmp_path / "t.py").write_text(
        "def quits(n):\n    raise SystemExit(3)\n\n\ndef interrupts(n):\n    raise KeyboardInterrupt\n"
    )
    result = perfkit("measure", *FAST, *args, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert shown in result.stderr and "Traceback" not in result.stderr
