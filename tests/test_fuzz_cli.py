"""``perfkit fuzz`` as a user runs it: the table, --json and --out files, one-line errors."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import pytest

from .conftest import ROOT

TARGETS = "tests/fixtures/fuzz_targets.py"


def perfkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkit", *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )


def test_fuzz_prints_worst_input_curve_and_writes_json(tmp_path) -> None:
    out = tmp_path / "fuzz.json"
    store = tmp_path / "results.sqlite"
    result = perfkit(
        "fuzz", f"{TARGETS}:quicksort", "--max-size", "24", "--budget", "3", "--json", str(out), "--store", str(store)
    )
    assert result.returncode == 0, result.stderr
    for label in ("worst input", "cost", "satisfies", "curve n<=24", "complexity", "constraints"):
        assert label in result.stdout
    data = json.loads(out.read_text())
    assert data["target"] == f"{TARGETS}:quicksort" and data["format"] == "perfkit.fuzz" and data["schema_version"] == 3
    worst = data["worst"]
    assert {"args", "kwargs", "cost", "time_s", "repr", "constraints"} <= set(worst)
    assert len(worst["args"][0]) == 24 and worst["kwargs"] == {} and worst["cost"] > 24 * 23 / 2
    searched = [p["max_size"] for p in data["curve"] if p["searched"]]
    assert searched == [3, 6, 12, 24] and len(data["curve"]) == 7 and data["complexity"] == "O(n^2)"
    assert {c["text"] for c in data["constraints"]} >= {"xs sorted descending", "all elements of xs equal"}
    assert data["counts"]["evaluations"] > 50
    from perfkit.dashboard.load import load

    (recorded,) = load(store).fuzz_results  # what the dashboard shows
    assert recorded.target == data["target"] and recorded.complexity == "O(n^2)"
    assert [n for n, _ in recorded.curve] == [p["max_size"] for p in data["curve"]]
    assert recorded.worst and recorded.worst[0][1] == worst["cost"]


def test_out_folder_holds_result_and_pickled_inputs_for_values_json_cannot_hold(tmp_path) -> None:
    result = perfkit("fuzz", f"{TARGETS}:pairs", "--max-size", "5", "--budget", "1.5", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "result.json").read_text())
    assert data["worst"]["args"] is None and data["worst"]["pickle"] and data["worst"]["repr"].startswith("args=((")
    args, kwargs = pickle.loads((tmp_path / "input-000.pkl").read_bytes())
    assert isinstance(args[0], tuple) and isinstance(args[1], set) and kwargs == {}


def test_target_without_hints_says_how_to_give_a_strategy() -> None:
    result = perfkit("fuzz", f"{TARGETS}:no_hints", "--max-size", "10", "--budget", "1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "parameter 'xs'" in result.stderr and "--strategy" in result.stderr


def test_strategy_option_makes_it_work() -> None:
    result = perfkit(
        "fuzz", f"{TARGETS}:no_hints", "--max-size", "10", "--budget", "1.5",
        "--strategy", f"{TARGETS}:small_lists", "--search", "random",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "worst input" in result.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--max-size", "0"], "--max-size=0"),
        (["--max-size", "-5"], "--max-size=-5"),
        (["--max-size", "4", "--budget", "0"], "--budget=0.0"),
        (["--max-size", "4", "--strategy", "nowhere"], "--strategy='nowhere'"),
        (["--max-size", "4", "--memory-limit", "lots"], "--memory-limit='lots'"),
    ],
)
def test_bad_options_are_one_line_errors(args: list[str], named: str) -> None:
    result = perfkit("fuzz", f"{TARGETS}:quicksort", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"perfkit: error: {named}") and result.stderr.count("\n") == 1


def test_unknown_target_is_a_clear_error() -> None:
    result = perfkit("fuzz", f"{TARGETS}:nope", "--max-size", "4")
    assert result.returncode == 2 and "has no attribute 'nope'" in result.stderr and "Traceback" not in result.stderr


def test_values_cut_off_at_the_limit_are_never_fitted_as_finished(tmp_path) -> None:
    """A target that hangs past a small size: every curve point is censored, so no complexity class is claimed."""
    target = tmp_path / "stuck.py"
    target.write_text(
        "def stuck(xs: list[int]) -> int:\n"
        "    if len(xs) > 6:\n        while True:\n            pass\n"
        "    return sum(xs)\n"
    )
    out = tmp_path / "r.json"
    result = perfkit(
        "fuzz", f"{target}:stuck", "--max-size", "64", "--budget", "3", "--timeout", "0.2", "--json", str(out)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["curve"] and all(p["censored"] for p in data["curve"] if p["size"] > 6)
    assert data["complexity"] is None
    assert "censored" in result.stdout and "O(1)" not in result.stdout


@pytest.mark.parametrize("raised", ["SystemExit(3)", "KeyboardInterrupt"])
def test_a_target_raising_systemexit_or_keyboardinterrupt_is_counted_as_rejecting(tmp_path, raised: str) -> None:
    target = tmp_path / "quits.py"
    target.write_text(
        f"def quits(xs: list[int]) -> int:\n    if len(xs) > 3:\n        raise {raised}\n    return sum(xs)\n"
    )
    out = tmp_path / "r.json"
    result = perfkit("fuzz", f"{target}:quits", "--max-size", "20", "--budget", "2", "--json", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["counts"]["rejected"] > 0 and data["counts"]["evaluations"] > data["counts"]["rejected"]
    assert any(raised.split("(")[0] in error for error in data["rejections"])
