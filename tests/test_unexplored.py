"""Arguments no input varied (only ever None, an empty *args, an empty **kwargs) go to a copy of the original
inside every candidate, so a candidate verified with ``r=None`` alone is never trusted with ``r=-1``."""

from __future__ import annotations

import itertools
import textwrap

from perfkit.optimizers._code import function_source
from perfkit.optimizers._unexplored import guarded, unexplored
from perfkit.optimizers.equivalents import EquivalentsProposer
from perfkit.optimizers.loop import optimize_function

from .fixtures import reimplemented as re_

ARR = function_source(re_.arrangements)[0]


def run(source: str, name: str, *args, **kwargs):
    namespace: dict = {}
    exec(source, namespace)
    value = namespace[name](*args, **kwargs)
    return list(value) if hasattr(value, "__next__") else value


def test_which_parameters_were_never_varied() -> None:
    types = {"iterable": frozenset({"list[int]"}), "r": frozenset({"NoneType"})}
    assert unexplored(types, ARR, "arrangements") == {"r": "r is None"}
    types["r"] = frozenset({"NoneType", "int"})
    assert unexplored(types, ARR, "arrangements") == {}
    source = function_source(re_.total)[0]
    types = {"xs": frozenset({"list[int]"}), "more": frozenset({"tuple[]"}), "start": frozenset({"int"})}
    types["options"] = frozenset({"dict[?, ?]"})
    assert unexplored(types, source, "total") == {"more": "not more", "options": "not options"}
    types["more"] = frozenset({"tuple[]", "tuple[list[int]]"})
    assert unexplored(types, source, "total") == {"options": "not options"}


def test_a_guarded_generator_hands_other_values_to_the_original() -> None:
    candidate = "def arrangements(iterable, r=None):\n    import itertools\n"
    candidate += "    yield from itertools.permutations(iterable, r)\n"
    both = guarded(candidate, ARR, "arrangements", {"r": "r is None"})
    assert run(both, "arrangements", [1, 2, 3]) == list(itertools.permutations([1, 2, 3]))
    assert run(both, "arrangements", [1, 2, 3], -1) == list(re_.arrangements([1, 2, 3], -1))  # the original's answer
    assert run(both, "arrangements", "abcd", 2) == list(re_.arrangements("abcd", 2))


def test_a_plain_function_returns_the_originals_result_and_keeps_its_signature() -> None:
    source = function_source(re_.total)[0]
    candidate = "def total(xs, *more, start=0, **options):\n    return start + sum(xs)\n"
    both = guarded(candidate, source, "total", {"more": "not more", "options": "not options"})
    assert run(both, "total", [1, 2], start=3) == 6
    assert run(both, "total", [1, 2], [4], start=3, flag=1) == re_.total([1, 2], [4], start=3, flag=1) == 11


def test_a_method_copy_keeps_super_and_private_names() -> None:
    module = textwrap.dedent(
        """
        class Base:
            def scale(self, x, factor=None):
                return x * (factor or 1)

        class Child(Base):
            __bias = 1

            def scale(self, x, factor=None):
                return super().scale(x, factor) + self.__bias
        """
    )
    original = "def scale(self, x, factor=None):\n    return super().scale(x, factor) + self.__bias\n"
    candidate = "def scale(self, x, factor=None):\n    return x + self.__bias\n"
    method = textwrap.indent(guarded(candidate, original, "scale", {"factor": "factor is None"}), "    ")
    namespace: dict = {}
    exec(
        module.replace(
            "    def scale(self, x, factor=None):\n        return super().scale(x, factor) + self.__bias\n", method
        ),
        namespace,
    )
    child = namespace["Child"]()
    assert child.scale(5) == 6 and child.scale(5, 3) == 16


def test_end_to_end_the_unguarded_equivalent_would_break_the_guarded_one_is_accepted() -> None:
    """Observed only as ``arrangements(cols)``: the candidate runs for r=None and the original for every r."""
    stress = [(([*range(n)],), {}) for n in (6, 7)]
    result = optimize_function(
        re_.arrangements,
        stress_inputs=stress,
        proposers=[EquivalentsProposer()],
        examples=60,
        measure_rounds=2,
        max_sizes=1,
    )
    assert any("never varied" in note and "r (r is None)" in note for note in result.notes)
    assert result.winner is not None, [(a.verdict, a.reason) for a in result.history]
    for r in (-2, -1, 0, 2, 9):  # an independent check, wider than anything verification drew
        assert run(result.winner.source, "arrangements", "abcde", r) == list(re_.arrangements("abcde", r))
