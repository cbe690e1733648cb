"""``perfkit profile`` and perfkit.profile: Scalene on real runs, the cProfile fallback, and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from perfkit.optimizers import hotspots_from_profile

from perfkit.errors import InvalidArgument
from perfkit.profile import parse_scalene, profile_command
from perfkit.target import resolve

from .conftest import FIXTURES, ROOT


@pytest.fixture
def script(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "busy_script.py", tmp_path / "busy_script.py")
    return tmp_path


def test_scalene_ranks_the_hot_function_and_its_lines(script: Path) -> None:
    result = profile_command(["python", "busy_script.py"], cwd=script, calls=True)
    assert result.tool == "scalene" and result.returncode == 0 and not result.notes
    top = result.functions[0]
    assert top.function == "busy" and Path(top.file).name == "busy_script.py" and top.line == 4
    assert top.cpu_percent > 10 and top.calls == 1  # call counts from the extra cProfile run
    hot_lines = {h.line for h in result.lines}
    assert hot_lines & {6, 7} and all(h.function == "busy" for h in result.lines if h.line in (6, 7))
    assert all(h.cpu_python >= 0 and h.cpu_native >= 0 for h in result.lines)
    assert result.to_dict()["schema_version"] == 1
    busy = resolve(f"{script / 'busy_script.py'}:busy").func
    spots = hotspots_from_profile(result, busy)
    assert spots and all(4 <= h.line <= 8 for h in spots) and any("total += i % 7" in h.text for h in spots)


def test_short_run_falls_back_to_cprofile_with_a_note(script: Path) -> None:
    result = profile_command(["python", "busy_script.py", "10"], cwd=script)
    assert result.tool == "cprofile"
    assert result.notes[0].startswith("Scalene could not profile this run (it collected no samples")
    by_name = {h.function: h for h in result.functions}
    assert by_name["tiny"].calls == 5 and by_name["busy"].calls == 1
    assert all(Path(h.file).name == "busy_script.py" for h in result.functions)  # no stdlib, no builtins


def test_cprofile_on_request_and_module_commands(script: Path) -> None:
    result = profile_command([sys.executable, "-m", "busy_script", "200000"], cwd=script, use_scalene=False)
    assert result.tool == "cprofile" and result.functions[0].function == "busy"


def test_parse_scalene_keeps_only_the_users_files(tmp_path: Path) -> None:
    user = str(tmp_path / "app.py")
    lib = str(Path(json.__file__))
    line = {"lineno": 3, "line": "x = f()\n", "n_cpu_percent_python": 30.0, "n_cpu_percent_c": 10.0, "n_malloc_mb": 2.0}
    data = {
        "files": {
            user: {"functions": [{"line": "main", "lineno": 1, "n_cpu_percent_python": 30.0}], "lines": [line]},
            lib: {"functions": [{"line": "loads", "lineno": 1, "n_cpu_percent_python": 60.0}], "lines": [line]},
        }
    }
    functions, lines = parse_scalene(data, root=tmp_path)
    assert [(h.function, h.cpu_percent) for h in functions] == [("main", 30.0)]
    assert [(h.function, h.line, h.text, h.cpu_python, h.cpu_native, h.malloc_mb) for h in lines] == [
        ("main", 3, "x = f()", 30.0, 10.0, 2.0)
    ]


def test_commands_are_validated_first(script: Path) -> None:
    with pytest.raises(InvalidArgument, match="command='ls -l'"):
        profile_command(["ls", "-l"])
    with pytest.raises(InvalidArgument, match="no such script"):
        profile_command(["python", "missing.py"], cwd=script)
    with pytest.raises(InvalidArgument, match="top=0"):
        profile_command(["python", "busy_script.py"], cwd=script, top=0)


def perfkit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkit", *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=300
    )


def test_cli_profile_pytest_run_prints_table_and_writes_json(script: Path) -> None:
    (script / "test_busy.py").write_text(
        "from busy_script import busy\n\n\ndef test_busy():\n    assert busy(2_000_000)\n"
    )
    out = script / "hot.json"
    result = perfkit(
        "profile",
        "--json",
        str(out),
        "--",
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "test_busy.py",
        cwd=script,
    )
    assert result.returncode == 0, result.stderr
    assert "profile by scalene" in result.stdout and "busy (busy_script.py:4)" in result.stdout
    data = json.loads(out.read_text())
    assert data["schema_version"] == 1 and data["tool"] == "scalene" and data["functions"][0]["function"] == "busy"


def test_cli_profile_errors_are_one_line(script: Path) -> None:
    missing = perfkit("profile", cwd=script)
    assert missing.returncode == 2 and missing.stderr.strip().splitlines()[-1].startswith("perfkit: error: give the")
    wrong = perfkit("profile", "--", "ls", cwd=script)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr and "command='ls'" in wrong.stderr


@pytest.mark.parametrize("profiler", ["scalene", "cprofile"])
def test_a_command_stopped_at_its_timeout_leaves_no_process_behind(tmp_path: Path, profiler: str) -> None:
    """An endless loop under Scalene (which runs the program in a child of its own) or cProfile: both the
    profiler and the program are gone when perfkit returns."""
    import os
    import time

    marker = f"perfkit-endless-{profiler}-{os.getpid()}"
    loop = tmp_path / f"{marker}.py"
    loop.write_text("while True:\n    pass\n")
    extra = ["--cprofile"] if profiler == "cprofile" else []
    result = perfkit("profile", "--timeout", "3", *extra, "--", "python", str(loop), cwd=tmp_path)
    assert result.returncode == 2 and "--timeout" in result.stderr
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False).stdout.split()
    assert not left, f"still running: {left}"
