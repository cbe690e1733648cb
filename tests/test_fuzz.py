"""perfkit.fuzzers.fuzz as a library user calls it: real campaigns in worker processes, small budgets."""

from __future__ import annotations

import random

import pytest
from perfkit.fuzzers import fuzz

from perfkit import cost
from perfkit.errors import InvalidArgument
from tests.fixtures import fuzz_targets as t

TARGETS = "tests/fixtures/fuzz_targets.py"


def test_quicksort_worst_case_and_quadratic_curve() -> None:
    result = fuzz(t.quicksort, max_size=32, budget=3, search="hypothesis", signal="lines")
    known = cost(t.quicksort, args=(list(range(32)),)).lines
    assert result.worst is not None and result.worst.lines >= 0.9 * known
    assert result.worst.size == 32 and result.target == "tests.fixtures.fuzz_targets:quicksort"
    assert [p.max_size for p in result.curve if p.searched] == [4, 8, 16, 32]
    assert [p.max_size for p in result.curve if not p.searched] == [6, 12, 24]
    assert result.complexity == "O(n^2)" and result.complexity_r2 is not None and result.complexity_r2 > 0.9
    assert result.satisfied(result.worst)  # it is sorted or all-equal, and says so
    data = result.to_json()
    assert (
        data["format"] == "perfkit.fuzz"
        and data["schema_version"] == 3
        and data["worst"]["args"] == [list(result.worst.args[0])]
    )


def test_guarded_path_is_reached_with_constraints_only() -> None:
    guided = fuzz(t.guarded, max_size=20, budget=2.5, search="hypothesis")
    unguided = fuzz(t.guarded, max_size=20, budget=2.5, search="random", constraints=False)
    xs = guided.worst.args[0]  # type: ignore[union-attr]
    assert xs[0] == 42 and xs[-1] == -7 and len(xs) == 20
    assert any(text.startswith("branch at line") for text in guided.satisfied(guided.worst))  # type: ignore[arg-type]
    assert unguided.worst is not None and unguided.worst.cost < guided.worst.cost / 5  # type: ignore[union-attr]
    assert unguided.constraints == []


def test_atheris_search_runs_and_reports() -> None:
    result = fuzz(f"{TARGETS}:quicksort", max_size=16, budget=3, search="atheris", seed=3)
    assert result.counts["evaluations"] > 100
    assert result.worst is not None and all(f.searcher == "atheris" for f in result.corpus)


def test_crashes_hangs_and_memory_errors_are_recorded_and_the_campaign_goes_on() -> None:
    crashed = fuzz(f"{TARGETS}:crashes", max_size=8, budget=2, search="hypothesis", seed=1)
    assert crashed.counts.get("crash", 0) >= 1 and crashed.counts["evaluations"] > crashed.counts["crash"]
    assert any(f.kind == "crash" and f.args and f.args[0][:1] == [3] for f in crashed.failures)
    hung = fuzz(f"{TARGETS}:hangs", max_size=8, budget=2, search="hypothesis", timeout=0.1)
    assert any(f.kind == "timeout" and f.args == (5,) for f in hung.failures)
    assert hung.worst is not None and hung.worst.outcome == "timeout" and hung.worst.time_s == 0.1
    hungry = fuzz(f"{TARGETS}:hungry", max_size=30, budget=2, search="hypothesis", memory_limit=2**30)
    assert hungry.counts.get("memory", 0) >= 1 and any(f.kind == "memory" for f in hungry.failures)


def test_rejected_inputs_are_counted_not_slow() -> None:
    result = fuzz(f"{TARGETS}:picky", max_size=10, budget=1.5, search="hypothesis")
    assert result.counts["rejected"] > 0 and "ValueError: odd length" in result.errors
    assert result.worst is not None and len(result.worst.args[0]) % 2 == 0


def gen(rng: random.Random, max_size: int) -> tuple[tuple[object, ...], dict[str, object]]:
    return ([rng.randint(0, 3) for _ in range(rng.randint(0, max_size))],), {}


def test_user_generator_and_strategy_for_a_target_without_hints() -> None:
    from hypothesis import strategies as st

    with pytest.raises(InvalidArgument, match=r"no type hint.*--strategy"):
        fuzz(f"{TARGETS}:no_hints", max_size=8, budget=1)
    by_gen = fuzz(f"{TARGETS}:no_hints", max_size=12, budget=1.5, strategy=gen, search="random")
    assert by_gen.worst is not None and by_gen.counts["ok"] > 10
    by_name = fuzz(f"{TARGETS}:no_hints", max_size=12, budget=1.5, strategy=f"{TARGETS}:small_lists", search="random")
    assert by_name.worst is not None and all(0 <= x <= 5 for x in by_name.worst.args[0])
    with pytest.raises(InvalidArgument, match="module:name"):
        fuzz(f"{TARGETS}:no_hints", max_size=8, budget=1, strategy=st.lists(st.integers()).map(lambda xs: ((xs,), {})))
    with pytest.raises(InvalidArgument, match=r"\(args, kwargs\)"):
        fuzz(f"{TARGETS}:no_hints", max_size=8, budget=1, strategy=st.integers())


def test_llm_hook_adds_constraints_from_the_reply() -> None:
    prompts: list[str] = []

    def client(prompt: str) -> str:
        prompts.append(prompt)
        return "CONSTRAINT: len(set(xs)) == 1  # all elements equal\nCONSTRAINT: import os  # not an expression"

    result = fuzz(t.quicksort, max_size=16, budget=3, search="auto", llm=client)
    (added,) = [c for c in result.constraints if c.origin == "llm"]
    assert added.text == "all elements equal" and "llm: 1 constraint(s) added" in result.notes
    assert "slow" in prompts[0] and "pivot = xs[0]" in prompts[0]
    assert result.hits.get(added.id, 0) > 0  # the atheris phase observed it through the instrumented copy


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"budget": 0}, "budget"),
        ({"search": "grid"}, "search"),
        ({"signal": "cycles"}, "signal"),
        ({"timeout": -1}, "timeout"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, object], name: str) -> None:
    settings = {"max_size": 4, "budget": 1.0, **kwargs}
    with pytest.raises(InvalidArgument, match=name):
        fuzz(t.quicksort, **settings)  # type: ignore[arg-type]


def test_a_target_without_hints_is_fuzzed_from_the_shapes_of_its_observed_calls() -> None:
    from tests.fixtures import unannotated as un

    with pytest.raises(InvalidArgument, match="no type hint"):
        fuzz(un.dedupe_words, max_size=8, budget=1)
    samples = [((["apple", "pear", "apple"],), {}), ((["fig"],), {})]
    result = fuzz(un.dedupe_words, max_size=40, budget=3, search="hypothesis", samples=samples)
    assert result.worst is not None and result.counts["ok"] > 50
    (words,) = result.worst.args
    assert isinstance(words, list) and len(words) >= 30 and all(type(w) is str for w in words)
    drawn = [f.args[0] for f in result.corpus if f.searcher == "hypothesis"]
    assert any(set("".join(ws)) <= set("applepearfig") and len(set(ws)) > 3 for ws in drawn)  # the seen characters
    assert len([p for p in result.curve if p.searched]) >= 3  # a cost curve over sizes


def test_instances_that_cannot_be_generated_are_reused_from_the_samples() -> None:
    from tests.fixtures import unannotated as un

    samples = [(([un.Point(1, 2), un.Point(3, 4), un.Point(0, 0)],), {})]
    result = fuzz(un.nearest_pair, max_size=24, budget=2, search="hypothesis", samples=samples)
    assert result.worst is not None and len(result.worst.args[0]) >= 16
    assert {(p.x, p.y) for p in result.worst.args[0]} <= {(1, 2), (3, 4), (0, 0)}
    with pytest.raises(InvalidArgument, match="samples"):
        fuzz(un.nearest_pair, max_size=8, budget=1, samples=[(1, 2)])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="binds"):
        fuzz(un.nearest_pair, max_size=8, budget=1, samples=[((1, 2, 3), {})])
