"""The refinement loop's history and winner, and the numba proposer's accept/reject (few, small numba runs)."""

from __future__ import annotations

import subprocess

import pytest
from perfkit.optimizers import Candidate, Context, NumbaProposer, optimize_function
from perfkit.optimizers.numba_jit import build_source, numeric_kinds

from perfkit.errors import InvalidArgument

from ._contexts import observed_context as context
from .fixtures import slow_funcs as sf

GOOD = "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n"
WRONG = "def dedupe(xs):\n    return sorted(set(xs))\n"
SAME = (
    "def dedupe(xs):\n    out = []\n    for x in xs:\n        if not x in out:\n            out.append(x)\n"
    "    return out\n"
)


class Scripted:
    """A proposer that replays fixed candidates per round and records the contexts it saw."""

    name = "scripted"

    def __init__(self, rounds: list[list[str]]) -> None:
        self.rounds = rounds
        self.seen: list[Context] = []

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        self.seen.append(context)
        sources = self.rounds[context.round - 1] if context.round <= len(self.rounds) else []
        return [Candidate(s, self.name, f"#{i}") for i, s in enumerate(sources[:n])]


class Broken:
    name = "broken"

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        raise ConnectionError("model unreachable")


STRESS = [((list(range(800)) * 2,), {}), ((list(range(100)),), {})]
QUICK = {"examples": 15, "measure_rounds": 2, "max_sizes": 1}


def test_loop_keeps_full_history_feeds_back_and_picks_a_verified_winner() -> None:
    scripted = Scripted([[WRONG, SAME, "def nothing():\n    pass\n"], [GOOD, WRONG]])
    result = optimize_function(sf.dedupe, stress_inputs=STRESS, proposers=[scripted, Broken()], rounds=3, **QUICK)
    verdicts = [(a.round, a.proposer, a.verdict) for a in result.history]
    assert verdicts == [
        (1, "scripted", "rejected"),
        (1, "scripted", "slower"),
        (1, "scripted", "rejected"),
        (1, "broken", "error"),
        (2, "scripted", "accepted"),
        (2, "broken", "error"),
        (3, "broken", "error"),
    ]  # the repeated WRONG of round 2 is not tried again; round 3 has nothing new, so the loop stops
    first = result.history[0]
    assert first.check is not None and first.check.kind == "wrong" and "expected" in first.reason
    assert "does not define a function named 'dedupe'" in result.history[2].reason
    assert "model unreachable" in result.history[3].reason
    assert result.winner is result.history[4] and result.winner.speed is not None
    assert result.winner.speed.low > 1.05 and result.winner.speed.per_size[0].size == 1600
    assert result.diff.startswith("--- a/tests/fixtures/slow_funcs.py\n+++ b/tests/fixtures/slow_funcs.py\n")
    assert "+    return list(dict.fromkeys(xs))" in result.diff and "-        if x not in out:" in result.diff
    applies = subprocess.run(["git", "apply", "--check", "-"], input=result.diff, text=True, capture_output=True)
    assert applies.returncode == 0, applies.stderr  # --check: the tree is not touched
    round_two = scripted.seen[1]
    assert round_two.round == 2 and [f.verdict for f in round_two.feedback] == ["rejected", "slower", "rejected"]
    assert round_two.arg_types["xs"] >= {"list[int]"} and round_two.return_types >= {"list[int]"}
    assert result.verification_inputs == 15 + 2 + 2 and result.to_dict()["schema_version"] == 2
    assert result.to_dict()["format"] == "perfkit.optimize-function"


def test_loop_without_winner_has_no_diff() -> None:
    result = optimize_function(sf.dedupe, stress_inputs=STRESS, proposers=[Scripted([[WRONG]])], rounds=2, **QUICK)
    assert result.winner is None and result.diff == "" and [a.verdict for a in result.history] == ["rejected"]


def test_loop_validates_arguments_first() -> None:
    with pytest.raises(InvalidArgument, match="stress_inputs"):
        optimize_function(sf.dedupe, stress_inputs=[])
    with pytest.raises(InvalidArgument, match="stress_inputs"):
        optimize_function(sf.dedupe, stress_inputs=[([1, 2],)])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="min_speedup"):
        optimize_function(sf.dedupe, stress_inputs=STRESS, min_speedup=0.5)
    with pytest.raises(InvalidArgument, match="func"):
        optimize_function(lambda xs: xs, stress_inputs=STRESS)


def test_numba_declines_non_numeric_functions_and_mixed_results() -> None:
    assert numeric_kinds(context(sf.word_counts, [((["a"],), {})], {"dict[str, int]"})) is None
    assert numeric_kinds(context(sf.sum_squares, [(([1.0],), {})], {"float", "list[int]"})) is None
    kinds = numeric_kinds(context(sf.sum_squares, [(([1.0],), {})], {"float"}))
    assert kinds == {"xs": "array"}
    source = build_source(context(sf.sum_squares, [(([1.0],), {})], {"float"}), kinds)
    assert (
        source is not None
        and "_pk_numba.njit(cache=True, boundscheck=True)" in source
        and "_pk_result = _pkb_call(_pk_jit_sum_squares, _pka_xs)" in source
    )
    assert "if type(_pk_result) not in (float,):" in source


def test_numba_rejects_what_it_cannot_compile() -> None:
    proposer = NumbaProposer()
    assert proposer.propose(context(sf.array_count, [(([1.0, 2.0],), {})], {"int"}), n=1) == []
    assert "where an array would not behave like a list" in proposer.rejections[-1]


def test_numba_candidate_is_accepted_for_a_numeric_loop() -> None:
    result = optimize_function(
        sf.collatz_total,
        stress_inputs=[((2000,), {})],
        proposers=[NumbaProposer()],
        rounds=1,
        examples=10,
        measure_rounds=2,
    )
    [attempt] = result.history
    assert attempt.verdict == "accepted", attempt.reason
    assert attempt.speed is not None and attempt.speed.speedup > 2
    assert "+_pk_jit_collatz_total = _pkb_njit(_pk_nb_collatz_total)" in result.diff  # its int operations checked


SNEAKY = "def dedupe(xs):\n    if len(xs) == 7777:\n        return []\n    return list(dict.fromkeys(xs))\n"


def test_project_tests_reject_what_the_inputs_missed(tmp_path) -> None:
    test_file = tmp_path / "test_project.py"
    test_file.write_text(
        "from tests.fixtures.slow_funcs import dedupe\n\n\n"
        "def test_big():\n    assert len(dedupe(list(range(7777)))) == 7777\n"
    )
    result = optimize_function(
        sf.dedupe,
        stress_inputs=STRESS,
        proposers=[Scripted([[SNEAKY, GOOD]])],
        rounds=1,
        project_tests=[str(test_file)],
        **QUICK,
    )
    assert [a.verdict for a in result.history] == ["rejected", "accepted"]
    assert result.history[0].reason.startswith("project tests fail with the candidate: ")
    assert "1 failed" in result.history[0].reason


def test_the_set_order_patch_of_issue_14_is_rejected_on_an_unannotated_function() -> None:
    """A loop over sorted(items) skipping repeats, stress inputs of small non-negative ints only: list(set(items))
    agrees on them, and must still be rejected (negative and larger ints reorder the set)."""
    from .fixtures import unannotated as un

    stress = [(([3, 1, 3, 2],), {}), ((list(range(40)) * 3,), {}), (([7, 7, 0, 5],), {})]
    wrong = "def distinct_sorted(items):\n    return list(set(items))\n"
    result = optimize_function(
        un.distinct_sorted, stress_inputs=stress, proposers=[Scripted([[wrong]])], rounds=1, measure_rounds=2
    )
    assert [a.verdict for a in result.history] == ["rejected"]
    assert result.verification_inputs >= 300 + len(stress)  # the default: a few hundred drawn inputs
    assert any("items: list[int 0..39]" in note for note in result.notes)
    check = result.history[0].check
    assert check is not None and check.kind == "wrong" and check.input_index is not None
