"""perfkit.efficiency: ENAMEL-style correctness and efficiency scoring, and EffiBench's metrics, on tiny problems
and two real ones."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from perfkit.efficiency import (
    ENAMEL_EXCLUDED,
    Problem,
    _worker,
    align_samples,
    effibench,
    evaluate,
    load_problems,
    load_samples,
)
from perfkit.efficiency._memory import measure
from perfkit.efficiency.scoring import problem_scores, reference_levels, score_sample
from perfkit.errors import InvalidArgument
from perfkit.stats import hodges_lehmann

from .conftest import FIXTURES, ROOT

CSV = FIXTURES / "eff_problems.csv"
SAMPLES = FIXTURES / "eff_samples.json"
HELPERS = "tests.fixtures.eff_helpers"
ENAMEL = ROOT.parent / "shared" / "data" / "enamel"
SMALL = {"n_tests": (3, 2, 2, 2), "reps": 3}


@pytest.fixture(scope="module")
def toy() -> list[Problem]:
    return load_problems(CSV, helpers=HELPERS)


# ------------------------------------------------------------------------------------------- loading
def test_load_problems_reads_every_column(toy) -> None:
    assert [p.task_id for p in toy] == ["Toy/0", "Toy/1", "Toy/2"]
    assert toy[0].levels == (10, 20000, 50000, 100000) and toy[0].entry_point == "total"
    assert toy[0].checker.startswith("def __check") and "dict(output) == answer" in toy[1].checker
    assert [p.index for p in toy] == [0, 1, 2] and toy[1].helpers == HELPERS
    assert [p.task_id for p in load_problems(CSV, exclude=[1])] == ["Toy/0", "Toy/2"]


def test_load_problems_errors_name_the_argument(tmp_path) -> None:
    with pytest.raises(InvalidArgument, match=r"problems=.*ENAMEL-style CSV"):
        load_problems(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("task_id,prompt\nA/1,x\n")
    with pytest.raises(InvalidArgument, match="the CSV needs the columns entry_point"):
        load_problems(bad)


def test_samples_align_by_row_or_task_id(toy) -> None:
    by_row = load_samples(SAMPLES, toy)
    assert [len(codes) for codes in by_row] == [3, 2, 7]
    by_id = align_samples({"Toy/2": ["x"], "0": ["y"]}, toy)
    assert by_id == [["y"], [], ["x"]]
    with pytest.raises(InvalidArgument, match="samples="):
        align_samples({"Toy/0": "not a list"}, toy)


# ----------------------------------------------------------------------------------- tests and scoring
def test_generated_tests_are_deterministic_per_seed(toy) -> None:
    payload = toy[1].to_payload()
    first = _worker.make_tests(payload, [2, 1, 1, 1], seed=7)
    again = _worker.make_tests(payload, [2, 1, 1, 1], seed=7)
    other = _worker.make_tests(payload, [2, 1, 1, 1], seed=8)
    assert [t.args for level in first for t in level] == [t.args for level in again for t in level]
    assert [t.args for level in first for t in level] != [t.args for level in other for t in level]
    assert len(first[1][0].args[0].split()) == 2000  # size of level 1, words from the helper module


def test_score_sample_matches_the_formula() -> None:
    hardness = [0.0, 3.0, 3.0, 4.0]
    ref = [[[1.0]], [[0.010, 0.011, 0.012]], [[0.020], [0.022]], [[0.040, 0.041]]]
    levels = reference_levels(ref, hardness)
    assert math.isnan(levels[0]) and levels[2] == pytest.approx(0.022)
    limit = 2 * hodges_lehmann([0.040, 0.041])
    sample = [[[0.5]], [[0.012]], [[0.030], [0.010]], [[0.070, 0.070]]]
    expected = (3 * (limit - 0.012) / (limit - 0.011) + 3 * (limit - 0.030) / (limit - 0.022)) / 10
    expected += 4 * (limit - 0.070) / (limit - levels[3]) / 10
    assert score_sample(True, sample, levels, hardness, alpha=2).efficiency == pytest.approx(expected)
    censored = score_sample(True, sample[:2], levels, hardness, alpha=2)  # level 2 hit T: it and level 3 score 0
    assert censored.censored == (False, True, True) and censored.level_times[1:] == (None, None)
    assert censored.efficiency == pytest.approx(3 * (limit - 0.012) / (limit - 0.011) / 10)
    assert score_sample(False, sample, levels, hardness, alpha=2).efficiency == 0.0


def test_problem_scores_use_eff_at_k_and_pass_at_k() -> None:
    scores = problem_scores([0.0, 0.5, 1.0], [False, True, True], [1, 2, 5])
    assert scores["eff@1"] == pytest.approx(0.5) and scores["pass@1"] == pytest.approx(2 / 3)
    assert scores["eff@2"] == pytest.approx((0.5 + 1.0 + 1.0) / 3) and scores["pass@2"] == 1.0
    assert math.isnan(scores["eff@5"]) and math.isnan(scores["pass@5"])


# ------------------------------------------------------------------------------- the evaluator, for real
def test_evaluate_scores_correct_slow_wrong_and_crashing_samples(toy) -> None:
    samples = load_samples(SAMPLES, toy)
    samples[0].insert(0, toy[0].reference)  # the reference scored against itself
    result = evaluate(toy, {"toy": samples}, jobs=2, **SMALL)
    rows = {(r.task_id, r.sample): r for r in result.samples.itertuples()}

    def status(task: str, sample: int) -> tuple[bool, str]:
        return bool(rows[(task, sample)].passed), str(rows[(task, sample)].status)

    assert status("Toy/0", 2) == (False, "wrong")  # returns sum + 1
    assert status("Toy/0", 3) == (True, "censored")  # quadratic: stopped at T on level 1, still correct
    assert rows[("Toy/0", 3)].efficiency == 0.0 and rows[("Toy/0", 3)].censored == [True, True, True]
    assert status("Toy/1", 1) == (True, "censored")  # quadratic word count
    assert status("Toy/2", 1) == (False, "error") and "ZeroDivisionError" in rows[("Toy/2", 1)].message
    assert status("Toy/2", 2) == (False, "error") and "SyntaxError" in rows[("Toy/2", 2)].message
    assert status("Toy/2", 3) == (False, "timeout")  # Python loop, stopped by the worker's timer on level 0
    assert status("Toy/2", 4) == (False, "timeout")  # stuck in C: the worker is killed, a new one resumes
    assert status("Toy/2", 5) == (False, "crashed")  # os._exit: the next sample still runs
    assert status("Toy/2", 6)[0] is True
    for task, sample in (("Toy/0", 0), ("Toy/0", 1), ("Toy/1", 0), ("Toy/2", 0)):
        assert status(task, sample)[0] is True
        assert rows[(task, sample)].efficiency > 0.0  # fast, correct samples: scored, not censored to 0
    scores = result.scores.set_index("task_id")
    assert scores.loc["Toy/2", "pass@1"] == pytest.approx(2 / 7)
    assert scores.loc["Toy/0", "time_limit"] == pytest.approx(2 * scores.loc["Toy/0", "ref_time"])
    assert result.summary["toy"]["problems"] == 3 and result.summary["toy"]["errors"] == 0
    expected = (scores["pass@1"]).mean()
    assert result.summary["toy"]["pass@1"] == pytest.approx(expected)
    # EffiBench's metrics: only samples that ran every test correctly within T are scored
    for row in rows.values():
        assert math.isnan(row.et) is (row.status != "passed") and math.isnan(row.net) is (row.status != "passed")
    for task in ("Toy/0", "Toy/1", "Toy/2"):  # a fast sample may be censored on a loaded machine: count them
        ran = sum(r.status == "passed" for r in rows.values() if r.task_id == task)
        assert scores.loc[task, "n_scored"] == ran
    assert result.summary["toy"]["scored"] == int((scores["n_scored"] > 0).sum())
    assert result.summary["toy"]["net"] == pytest.approx(scores["net"].mean())


def test_setup_errors_are_reported_per_problem(toy, tmp_path) -> None:
    broken = Problem(
        "Bad/0",
        "def f(x):\n    pass\n",
        "f",
        "def generate_input(size, lid, cid):\n    return 1 / 0\n",
        (1, 2, 3, 4),
        "    return x\n",
    )
    result = evaluate([toy[2], broken], [["    return len(set(xs)) != len(xs)\n"], ["    return x\n"]], **SMALL)
    assert result.errors == {"Bad/0": "the checker or the input generator raised ZeroDivisionError: division by zero"}
    assert result.summary["samples"]["problems"] == 1 and result.summary["samples"]["errors"] == 1
    paths = result.save(tmp_path)
    saved = json.loads(paths[0].read_text())
    assert (
        saved["format"] == "perfkit.efficiency"
        and saved["schema_version"] == 3
        and saved["errors"] == result.errors
        and len(saved["scores"]) == 2
    )


def test_evaluate_validates_arguments_first(toy) -> None:
    with pytest.raises(InvalidArgument, match="alpha=1"):
        evaluate(toy, [[], [], []], alpha=1)
    with pytest.raises(InvalidArgument, match="hardness="):
        evaluate(toy, [[], [], []], hardness=(0, 0, 0, 0))
    with pytest.raises(InvalidArgument, match="samples="):
        evaluate(toy, [[]])
    with pytest.raises(InvalidArgument, match="helpers='no_such_helpers_module'"):
        evaluate([Problem("A/0", "", "f", "", (1, 2, 3, 4), "", helpers="no_such_helpers_module")], [[]])


# ----------------------------------------------------------------------------------- EffiBench's metrics
def test_effibench_formulas() -> None:
    hardness = [0.0, 3.0, 3.0]
    times = [[[9.0]], [[0.010, 0.012, 0.014], [0.020]], [[0.030, 0.030]]]
    expected = hodges_lehmann([0.010, 0.012, 0.014]) + 0.020 + 0.030  # summed over tests of weighted levels
    assert effibench.execution_time(times, hardness) == pytest.approx(expected)
    assert math.isnan(effibench.execution_time(times[:2], hardness))  # a weighted level not completed
    ref = effibench.usage(2.0, {"peak": 4 << 20, "mean": 2 << 20})
    assert ref == {"et": 2.0, "mu": 4.0, "tmu": 4.0}  # MB (2**20 bytes) and MB*s = mean memory x ET
    sample = effibench.normalised(effibench.usage(3.0, {"peak": 8 << 20, "mean": 1 << 20}), ref)
    assert sample == pytest.approx({"et": 3.0, "net": 1.5, "mu": 8.0, "nmu": 2.0, "tmu": 3.0, "ntmu": 0.75})
    no_memory = effibench.normalised(effibench.usage(3.0, {"error": "x"}), ref)
    assert no_memory["net"] == 1.5 and math.isnan(no_memory["nmu"]) and math.isnan(no_memory["ntmu"])
    zero = effibench.normalised(sample, {"et": 0.0, "mu": math.nan, "tmu": 1.0})
    assert math.isnan(zero["net"]) and math.isnan(zero["nmu"]) and zero["ntmu"] == 3.0
    mean = effibench.mean_rows([sample, no_memory])  # NaN skipped: the mean of what was measured
    assert mean["net"] == 1.5 and mean["nmu"] == 2.0 and mean["ntmu"] == 0.75


class _Input:
    def __init__(self, *args: object) -> None:
        self.args = args

    def fresh(self) -> tuple[object, ...]:
        return tuple(list(a) if isinstance(a, list) else a for a in self.args)


def test_memory_pass_counts_the_input_and_what_the_call_allocates() -> None:
    xs = list(range(1000, 21000))  # 20000 ints, none cached: the fresh copy is a new list of the same ints

    def lean() -> tuple[object, dict[str, object]]:
        return sum, {}

    def heavy() -> tuple[object, dict[str, object]]:
        return (lambda xs: len(bytearray(10_000_000)) + len(xs)), {}

    def tabled() -> tuple[object, dict[str, object]]:
        scope: dict[str, object] = {"table": bytearray(5_000_000)}  # made when the code is defined
        scope["f"] = lambda xs: len(scope["table"]) + len(xs)  # function and scope hold each other, as exec's do
        return scope["f"], scope

    small, big = measure(lean, [_Input(xs)] * 2), measure(heavy, [_Input(xs)] * 2)
    table = measure(tabled, [_Input(xs)] * 3)
    assert 5_000_000 < table["peak"] < 5_000_000 + 8 * 20000 + 50_000  # what the module made counts
    assert 8 * 20000 <= small["peak"] < 8 * 20000 + 50_000  # the input list's storage, not the ints (shared)
    assert 10_000_000 < big["peak"] < 10_000_000 + 8 * 20000 + 50_000
    assert big["passes"] >= 1 and small["mean"] <= small["peak"] and 0 < big["mean"] <= big["peak"]
    import tracemalloc

    assert not tracemalloc.is_tracing()  # stopped afterwards


MEM_PROBLEM = Problem(
    "Mem/0",
    'def total(xs: list) -> int:\n    """Sum of xs."""\n',
    "total",
    "def generate_input(size, lid, cid):\n    return (random.choices(range(-100, 101), k=size),)\n",
    (10, 2000, 4000, 8000),
    "    result = 0\n    for x in xs:\n        result += x\n    return result\n",
)


def test_effibench_memory_metrics_separate_lean_and_hungry_code() -> None:
    same = MEM_PROBLEM.reference
    hungry = "def total(xs):\n    copies = xs * 100\n    return sum(copies) // 100\n"  # 100x the input's storage
    wrong = "def total(xs):\n    return sum(xs) + 1\n"
    # alpha = 1e5: the hungry sample must pass within T to be scored, even on a loaded machine (eff@k is not tested)
    result = evaluate([MEM_PROBLEM], {"a": [[same, hungry, wrong]]}, alpha=1e5, **SMALL)
    rows = {r.sample: r for r in result.samples.itertuples()}
    assert [rows[i].status for i in range(3)] == ["passed", "passed", "wrong"]
    assert 0.8 < rows[0].nmu < 1.25  # the reference against itself
    assert rows[1].nmu > 20 and rows[1].ntmu > 10 and rows[1].mu > 100 * 8 * 8000 / 2**20
    assert rows[0].mem_ticks >= 0 and rows[0].tmu > 0 and rows[0].et > 0 and rows[0].net > 0
    assert all(math.isnan(getattr(rows[2], m)) for m in effibench.METRICS)  # wrong: not scored
    score = result.scores.iloc[0]
    assert score["n_scored"] == 2 and score["nmu"] == pytest.approx((rows[0].nmu + rows[1].nmu) / 2)
    assert score["ref_mu"] == pytest.approx(rows[0].mu / rows[0].nmu)
    summary = result.summary["a"]
    assert summary["scored"] == 1 and summary["nmu"] == pytest.approx(score["nmu"])
    saved = result.to_json()
    assert saved["schema_version"] == 3 and set(effibench.METRICS) <= set(saved["samples"][0])
    assert {"n_scored", "ref_et", "ref_mu", "ref_tmu", *effibench.METRICS} <= set(saved["scores"][0])
    assert {"scored", *effibench.METRICS} <= set(saved["summary"]["a"])
    off = evaluate([MEM_PROBLEM], [[same]], alpha=1e5, memory=False, **SMALL).samples.iloc[0]
    assert off["status"] == "passed" and off["et"] > 0 and math.isnan(off["mu"]) and math.isnan(off["ntmu"])


def test_a_worker_dying_in_a_memory_pass_costs_only_that_samples_memory_figures() -> None:
    dies = "import os, tracemalloc\n\ndef total(xs):\n    if tracemalloc.is_tracing():\n        os._exit(3)\n"
    dies += "    return sum(xs)\n"  # correct and fast when timed; kills its worker in the memory pass
    same = MEM_PROBLEM.reference
    result = evaluate([MEM_PROBLEM], [[same, dies, same]], alpha=1e5, **SMALL)
    rows = {r.sample: r for r in result.samples.itertuples()}
    assert [rows[i].status for i in range(3)] == ["passed"] * 3 and rows[1].et > 0 and rows[1].efficiency > 0
    assert math.isnan(rows[1].mu) and "the worker died in the memory pass" in rows[1].message
    assert 0.8 < rows[0].nmu < 1.25 and 0.8 < rows[2].nmu < 1.25  # measured before and after, by a new worker
    assert result.scores.iloc[0]["n_scored"] == 3


def test_a_memory_pass_past_its_budget_is_reported(toy) -> None:
    import signal

    payload = toy[2].to_payload()
    tests = _worker.make_tests(payload, [1, 1, 1, 1], seed=1)
    slow = "def has_duplicate(xs):\n    while True:\n        pass\n"
    previous = signal.signal(signal.SIGALRM, _worker._on_alarm)
    try:
        outcome = _worker.memory_pass(slow, "slow", "has_duplicate", _worker.weighted_tests(tests, [0, 3, 3, 4]), 0.2)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert outcome == {"error": "the memory pass ran past 0.2 s"}


# ------------------------------------------------------------------------------ real ENAMEL problems
@pytest.mark.skipif(not (ENAMEL / "enamel.csv").is_file(), reason="ENAMEL data not present")
def test_two_real_enamel_problems() -> None:
    problems = load_problems(ENAMEL / "enamel.csv", helpers=None, exclude=ENAMEL_EXCLUDED)
    assert len(problems) == 142
    picked = [p for p in problems if p.task_id in ("HumanEval/0", "HumanEval/4")]
    sets = {
        name: align_samples(json.loads((ENAMEL / f"{name}.json").read_text()), picked)
        for name in ("enamel-references", "humaneval-canonical")
    }
    result = evaluate(picked, sets, n_tests=(8, 2, 2, 2), reps=3)
    rows = {(r.set, r.task_id): r for r in result.samples.itertuples()}
    assert all(bool(r.passed) for r in rows.values())
    # HumanEval/0's canonical solution is quadratic: far past T = 2 x the sorting reference at 10^4 elements
    assert rows[("humaneval-canonical", "HumanEval/0")].status == "censored"
    assert rows[("enamel-references", "HumanEval/0")].efficiency > 0.3  # the reference against itself


# ------------------------------------------------------------------------------------------------- CLI
def perfkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkit", *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=300
    )


def test_cli_eff_prints_the_table_and_writes_files(tmp_path) -> None:
    samples = tmp_path / "toy-samples.json"
    samples.write_text(json.dumps(json.loads(SAMPLES.read_text())[:2]))
    short = tmp_path / "toy.csv"
    short.write_text(CSV.read_text())
    result = perfkit(
        "eff",
        str(samples),
        "--problems",
        str(short),
        "--exclude",
        "2",
        "--helpers",
        HELPERS,
        "--tests",
        "2,1,1,1",
        "--reps",
        "2",
        "-k",
        "1,2",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    assert "toy-samples" in result.stdout and "eff@1" in result.stdout and "pass@2" in result.stdout
    assert "wall time" in result.stdout
    scores = (tmp_path / "out" / "scores.csv").read_text().splitlines()
    assert scores[0].startswith("set,task_id,n,n_passed,eff@1,pass@1,eff@2,pass@2") and len(scores) == 3
    assert json.loads((tmp_path / "out" / "result.json").read_text())["summary"]["toy-samples"]["problems"] == 2
    assert "EffiBench" in result.stdout and "NTMU" in result.stdout and "the reference's peak memory" in result.stdout
    assert ",n_scored,et,net,mu,nmu,tmu,ntmu,ref_et,ref_mu,ref_tmu," in scores[0]
    samples_header = (tmp_path / "out" / "samples.csv").read_text().splitlines()[0]
    assert ",et,net,mu,nmu,tmu,ntmu,mem_ticks," in samples_header


def test_cli_eff_user_errors_are_one_line(tmp_path) -> None:
    result = perfkit("eff", str(SAMPLES), "--problems", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("perfkit: error: problems=") and "Traceback" not in result.stderr
    result = perfkit("eff", str(SAMPLES), "--problems", str(CSV), "--helpers", HELPERS, "--tests", "8,x")
    assert result.returncode == 2 and "--tests='8,x'" in result.stderr and "Traceback" not in result.stderr
