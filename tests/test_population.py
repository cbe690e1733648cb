"""The search side of the loop: a population of verified programs, parents by speedup and diversity, prompts that
carry them, and duplicates never verified twice. Functions are unannotated (tests/fixtures/search_funcs.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from perfkit.optimizers import loop as loop_module
from perfkit.optimizers import optimize_function
from perfkit.optimizers._types import Candidate, Context, Feedback, InputTiming, Program
from perfkit.optimizers._unexplored import unguarded
from perfkit.optimizers.llm_prompt import build_prompt
from perfkit.optimizers.population import Population, traits

from perfkit.errors import InvalidArgument
from perfkit.profile import Hotspot

from .fixtures import search_funcs as fx

SEEN_SET = (
    "def unique_in_order(items):\n    seen = set()\n    kept = []\n    for item in items:\n"
    "        if item not in seen:\n            seen.add(item)\n            kept.append(item)\n    return kept\n"
)
# the same program as SEEN_SET: other names, a docstring, a comment, annotations
SEEN_SET_AGAIN = (
    'def unique_in_order(items: list) -> list:\n    """Order kept."""\n    met = set()  # fast lookups\n'
    "    out = []\n    for x in items:\n        if x not in met:\n            met.add(x)\n            out.append(x)\n"
    "    return out\n"
)
FROMKEYS = "def unique_in_order(items):\n    return list(dict.fromkeys(items))\n"
WRONG = "def unique_in_order(items):\n    return sorted(set(items))\n"
STRESS = [(([(i * 7919) % 1500 for i in range(3000)],), {}), (([(i * 31) % 301 for i in range(300)],), {})]
QUICK: dict[str, Any] = {"examples": 12, "measure_rounds": 2, "max_sizes": 1}


class Sampler:
    """A scripted model (deterministic, not a real one): from the original it offers the seen-set rewrite (or a
    respelling of it, or a wrong one); only when asked to start from the seen-set rewrite does it offer
    dict.fromkeys. ``samples = True``: the loop asks it once per parent."""

    name = "sampler"
    samples = True

    def __init__(self) -> None:
        self.seen: list[Context] = []

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        self.seen.append(context)
        parent = context.parent
        if parent is not None and parent.id and "seen" in parent.source:
            return [Candidate(FROMKEYS, self.name, "from the parent", model="scripted-1")]
        offers = [WRONG, SEEN_SET, SEEN_SET_AGAIN, SEEN_SET]
        return [
            Candidate(offers[(len(self.seen) - 1) % len(offers)], self.name, "from the original", model="scripted-1")
        ]


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every candidate source the verifier is called on."""
    calls: list[str] = []
    real = loop_module.behaves_like

    def counting(original: Any, candidate: Any, inputs: Any, **kwargs: Any) -> Any:
        calls.append(unguarded(candidate.source, "unique_in_order"))  # as proposed: without the loop's guard
        return real(original, candidate, inputs, **kwargs)

    monkeypatch.setattr(loop_module, "behaves_like", counting)
    return calls


@pytest.mark.slow  # the unmarked test through a local server covers the same path more briefly
def test_parents_by_speedup_reach_the_better_program_and_duplicates_are_never_verified(verified: list[str]) -> None:
    sampler = Sampler()
    result = optimize_function(
        fx.unique_in_order, stress_inputs=STRESS, proposers=[sampler], rounds=3, candidates_per_round=2, **QUICK
    )
    assert len(verified) == len(set(verified)) == 3  # WRONG, SEEN_SET, FROMKEYS; the respellings never
    assert result.duplicates >= 2
    by_source = {unguarded(a.source, "unique_in_order"): a for a in result.history}
    assert by_source[WRONG].verdict == "rejected" and by_source[WRONG].counterexample
    first = next(i for i, a in enumerate(result.history, 1) if unguarded(a.source, "unique_in_order") == SEEN_SET)
    assert result.history[first - 1].verdict == "accepted" and result.history[first - 1].parent == 0
    last = by_source[FROMKEYS]
    assert last.parent == first and last.model == "scripted-1"  # where the winner came from
    assert f"from candidate #{first}" in last.origin and "scripted-1" in last.origin
    assert result.winner is not None and unguarded(result.winner.source, "unique_in_order") in (FROMKEYS, SEEN_SET)
    assert first in result.population
    # from round 2 on, the parents drawn include the verified rewrite, and contexts carry it
    assert any(c.parent is not None and c.parent.id == first for c in sampler.seen if c.round >= 2)


def test_without_a_population_the_sampler_never_sees_a_parent(verified: list[str]) -> None:
    sampler = Sampler()
    result = optimize_function(
        fx.unique_in_order,
        stress_inputs=STRESS,
        proposers=[sampler],
        rounds=2,
        candidates_per_round=1,
        population=0,
        **QUICK,
    )
    assert all(c.parent is None for c in sampler.seen)
    assert FROMKEYS not in verified and result.population == []


class Echo:
    """A proposer (not sampling) that offers one fixed source in round 1."""

    name = "echo"

    def __init__(self, source: str) -> None:
        self.source = source

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        return [Candidate(self.source, self.name)] if context.round == 1 else []


def test_rule_candidates_go_through_novelty_too(verified: list[str]) -> None:
    """A rule's candidate that is a respelling of a program met before is not verified again."""
    from perfkit.optimizers.rewrite import RewriteProposer

    first = optimize_function(
        fx.unique_in_order, stress_inputs=STRESS, proposers=[RewriteProposer()], rounds=1, **QUICK
    )
    rule = first.history[0].source
    assert first.history[0].proposer == "rewrite" and first.winner is not None
    head, body = rule.split("\n", 1)
    respelled = head + '\n    """The same program, with a docstring."""\n' + body
    verified.clear()
    result = optimize_function(
        fx.unique_in_order, stress_inputs=STRESS, proposers=[Echo(respelled), RewriteProposer()], rounds=2, **QUICK
    )
    assert verified == [unguarded(respelled, "unique_in_order")] and result.duplicates == 1
    assert [a.proposer for a in result.history] == ["echo"]


def test_weights_prefer_faster_programs_and_give_way_after_children() -> None:
    pool = Population("def f(a):\n    return a\n", name="f")
    pool.add(Program(1, "def f(a):\n    return sorted(a)\n", speedup=3.0))
    pool.add(Program(2, "def f(a):\n    return [x for x in a]\n", speedup=1.1))
    w = pool.weights()
    assert w[1] > w[2] > 0 and w[1] > w[0]
    pool.children[1] = 9
    assert pool.weights()[1] < w[1] / 5
    assert pool.best().id == 1


def test_draws_are_the_same_on_every_run_and_spread_over_parents() -> None:
    def drawn() -> list[int]:
        pool = Population("def f(a):\n    return a\n", name="mod:f")
        for i, s in enumerate((2.0, 1.9, 1.8), 1):
            pool.add(Program(i, f"def f(a):\n    return a[{i}:]\n", speedup=s))
        return [p.id for p in pool.parents(12)]

    first = drawn()
    assert first == drawn()
    assert len(set(first)) >= 3  # children counts push the draws off the fastest one


def test_inspirations_are_the_fastest_then_the_most_unlike() -> None:
    pool = Population("def f(a):\n    return a\n", name="f")
    sort_a = Program(1, "def f(a):\n    return sorted(a)\n", speedup=3.0)
    sort_b = Program(2, "def f(a):\n    b = sorted(a)\n    return b\n", speedup=2.9)
    loop = Program(3, "def f(a):\n    out = {}\n    for x in a:\n        out[x] = 1\n    return out\n", speedup=1.5)
    for p in (sort_a, sort_b, loop):
        pool.add(p)
    assert [p.id for p in pool.inspirations(sort_a, 2)] == [3, 2]  # the fastest unlike the parent first
    assert [p.id for p in pool.inspirations(loop, 2)] == [1, 2]
    assert [p.id for p in pool.inspirations(sort_a, 1)] == [3]
    assert all(p.id not in (0,) for p in pool.inspirations(pool.programs[0], 5))
    assert traits(sort_a.source) == traits(sort_b.source) != traits(loop.source)


def test_capacity_keeps_the_original_and_evicts_the_slowest_of_the_crowded_approach() -> None:
    pool = Population("def f(a):\n    return a\n", name="f", capacity=3)
    pool.add(Program(1, "def f(a):\n    return sorted(a)\n", speedup=2.0))
    pool.add(Program(2, "def f(a):\n    b = sorted(a)\n    return b\n", speedup=1.2))
    pool.add(Program(3, "def f(a):\n    return {x: 1 for x in a}\n", speedup=1.1))
    assert [p.id for p in pool.programs] == [0, 1, 3]
    with pytest.raises(InvalidArgument, match="capacity"):
        Population("x", capacity=0)


def test_loop_arguments_are_validated_first() -> None:
    with pytest.raises(InvalidArgument, match="population"):
        optimize_function(fx.unique_in_order, stress_inputs=STRESS, population=-1)
    with pytest.raises(InvalidArgument, match="inspirations"):
        optimize_function(fx.unique_in_order, stress_inputs=STRESS, inspirations=-2)


def test_prompt_carries_parents_speedups_failures_with_inputs_profile_and_growth() -> None:
    parent = Program(4, SEEN_SET, 6.5, 6.1, 7.0, "llm", "coder-7b", 2, 0)
    other = Program(7, "def unique_in_order(items):\n    return [*{}.fromkeys(items)]\n", 9.0, 8.5, 9.4, "rewrite")
    failure = Feedback(WRONG, "llm", "rejected", "wrong: return value: expected [3, 1] got [1, 3]", None, "list [3, 1]")
    context = Context(
        name="unique_in_order",
        source="def unique_in_order(items):\n    ...\n",
        module_name="m",
        hotspots=(Hotspot("m.py", 4, "unique_in_order", "        if item not in kept:", 81.0),),
        inputs=(InputTiming("list [0, 1, ...]", 3000, 0.25),),
        feedback=(failure,),
        parent=parent,
        inspirations=(other,),
        complexity="O(n^2)",
    )
    text = build_prompt(context)
    for expected in (
        "6.50x [6.10, 7.00]",
        "llm coder-7b, round 2",
        "9.00x [8.50, 9.40]",
        "seen.add(item)",
        "fromkeys",
        "It failed on the input: list [3, 1]",
        "expected [3, 1] got [1, 3]",
        "line 4 (81.0% CPU)",
        "O(n^2)",
        "250.00 ms",
    ):
        assert expected in text, expected
    original_only = build_prompt(Context(name="f", source="def f(a):\n    return a\n", module_name="m"))
    assert "Start from" not in original_only and "Earlier" not in original_only


def test_through_a_local_server_the_model_improves_only_from_a_better_parent(verified: list[str]) -> None:
    """The real LLMProposer against a local server whose scripted answers (deterministic, not a model) improve
    only when the prompt starts from the verified seen-set rewrite: the population gets it there."""
    from perfkit.optimizers.llm import LLMProposer

    from .llm_server import LLMServer

    def respond(request: Any) -> str:
        better = "Start from this verified rewrite" in request.prompt and "seen.add(item)" in request.prompt
        return "```python\n" + (FROMKEYS if better else SEEN_SET_AGAIN if len(verified) % 2 else SEEN_SET) + "```"

    with LLMServer(models=("local-coder",), respond=respond) as server:
        llm = LLMProposer(base_url=server.url, api_key="unused")
        result = optimize_function(
            fx.unique_in_order, stress_inputs=STRESS, proposers=[llm], rounds=2, candidates_per_round=2, **QUICK
        )
        prompts = [r.prompt for r in server.chats]
    assert len(verified) == len(set(verified)) == 2 and result.duplicates >= 1
    seen_set = next(i for i, a in enumerate(result.history, 1) if a.verdict == "accepted" and a.round == 1)
    late = [p for p in prompts[2:] if "Start from this verified rewrite" in p]
    assert late and all(re.search(r"\d+\.\d\dx \[\d+\.\d\d, \d+\.\d\d\] faster than the original", p) for p in late)
    best = next(a for a in result.history if unguarded(a.source, "unique_in_order") == FROMKEYS)
    assert best.verdict == "accepted" and best.parent == seen_set and best.round == 2
    assert best.model == "local-coder" and best.tokens > 0 and "local-coder" in best.origin
    assert result.tokens >= best.tokens


class Repeater:
    """A sampling proposer (scripted) that answers the seen-set rewrite, respelled, every time."""

    name = "repeater"
    samples = True

    def __init__(self) -> None:
        self.seen: list[Context] = []

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        self.seen.append(context)
        return [Candidate(SEEN_SET if len(self.seen) % 2 else SEEN_SET_AGAIN, self.name)]


def test_a_model_that_only_repeats_itself_gets_two_idle_rounds_then_the_loop_stops(verified: list[str]) -> None:
    repeater = Repeater()
    result = optimize_function(
        fx.unique_in_order, stress_inputs=STRESS, proposers=[repeater], rounds=8, candidates_per_round=1, **QUICK
    )
    assert verified == [SEEN_SET]
    assert [c.round for c in repeater.seen] == [1, 2, 3]  # round 1 new, rounds 2 and 3 only repeats
    assert result.duplicates == 2 and repeater.seen[2].repeats == 1
    assert "repeated a program already tried" in build_prompt(repeater.seen[2])


def test_growth_class_is_fitted_from_the_stress_inputs_when_there_are_enough_sizes() -> None:
    from perfkit.optimizers.loop import _growth

    sizes = (100, 200, 400, 800, 1600)
    quadratic = [InputTiming("list", n, 1e-8 * n * n) for n in sizes]
    linear = [InputTiming("list", n, 1e-6 * n + 1e-5) for n in sizes]
    assert _growth(quadratic) == "O(n^2)"
    assert _growth(linear) == "O(n)"
    assert _growth(quadratic[:3]) == ""  # too few sizes to tell
    assert _growth([*quadratic[:4], InputTiming("list", 3200, None)]) == "O(n^2)"  # a time-out is left out
