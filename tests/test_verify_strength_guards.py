"""The guards group of benchmarks/verify_strength.py is well formed, and the guard it showed missing holds: a
parameter no input passed, whatever its default, goes to the original (offline: nothing is downloaded)."""

from __future__ import annotations

import ast
import random
import sys
import textwrap
from pathlib import Path

from perfkit.optimizers._unexplored import guarded, never_passed, unexplored

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import verify_strength as vs  # noqa: E402


def test_every_guard_case_is_well_formed() -> None:
    cases = vs.guard_cases()
    assert {c.mechanism for c in cases} == set(vs.MECHANISMS)
    for case in cases:
        assert case.stress and all(isinstance(a, tuple) and isinstance(k, dict) for a, k in case.stress)
        assert case.wrong, f"{case.key} has no wrong candidate"
        assert case.wide is not None
        for source in [*case.wrong.values(), *case.right.values()]:
            tree = ast.parse(source)
            assert any(isinstance(s, ast.FunctionDef) and s.name == case.name for s in tree.body), case.key
    packages = {spec.split("==")[0].replace("-", "_") for spec in vs.GUARD_PACKAGES}
    assert {c.module.split(".")[0] for c in cases} <= packages


def test_the_independent_inputs_are_the_same_on_every_run() -> None:
    for case in vs.guard_cases():
        for draw in (case.wide, case.foreign):
            if draw is None:
                continue
            first = [repr(draw(random.Random(case.key))) for _ in range(20)]
            again = [repr(draw(random.Random(case.key))) for _ in range(20)]
            assert first == again


def test_the_independent_check_drains_nested_iterators_and_names_exceptions() -> None:
    def parts(xs):
        return [iter(xs[:1]), iter(xs[1:])]

    def broken(xs):
        yield xs[0]
        raise KeyError(xs)

    assert vs._outcome(parts, ([1, 2, 3],), {})[0] == (
        "list",
        [("iterator", [("int", 1)], None), ("iterator", [("int", 2), ("int", 3)], None)],
    )
    assert vs._outcome(broken, ([5],), {})[0] == ("iterator", [("int", 5)], "KeyError")
    assert vs._outcome(broken, ([],), {})[0] == ("iterator", [], "IndexError")
    assert vs._outcome(len, (3,), {})[0] == ("raises", "TypeError")


# --- the guard: own small functions, unannotated, each default spelled differently --------------------------------
_EMPTY = object()

WINDOWS = textwrap.dedent(
    """
    def windows(xs, n, step=1, fill=None, *, flip=False, key=_EMPTY, tag='-', sizes=(0,), pick=lambda v: v):
        out = [tuple(xs[i:i + n]) for i in range(0, max(len(xs) - n + 1, 0), step)]
        if key is not _EMPTY:
            out = [tuple(map(key, w)) for w in out]
        return [(tag, w) for w in (out[::-1] if flip else out)]
    """
)
IGNORES_ALL = textwrap.dedent(
    """
    def windows(xs, n, step=1, fill=None, *, flip=False, key=_EMPTY, tag='-', sizes=(0,), pick=lambda v: v):
        return [('-', tuple(xs[i:i + n])) for i in range(max(len(xs) - n + 1, 0))]
    """
)


def _load(source: str):
    namespace = {"_EMPTY": _EMPTY}
    exec(source, namespace)
    return namespace["windows"]


def test_parameters_no_input_passed_are_found() -> None:
    original = _load(WINDOWS)
    inputs = [(([1, 2, 3], 2), {}), (([4, 5], 1), {"tag": "x"}), (([6], 1, 1), {})]
    assert never_passed(original, inputs) == {"fill", "flip", "key", "sizes", "pick"}
    assert never_passed(original, [(([1], 1), {"step": 2, "fill": 0, "flip": True})]) == {"key", "tag", "sizes", "pick"}


def test_every_kind_of_default_gets_a_test_that_holds_only_for_it() -> None:
    original = _load(WINDOWS)
    inputs = [(([1, 2, 3, 4], 2), {})]
    kept = never_passed(original, inputs)
    tests = unexplored({"xs": frozenset({"list[int]"}), "n": frozenset({"int"})}, WINDOWS, "windows", never_passed=kept)
    assert set(tests) == {"step", "fill", "flip", "key", "tag", "sizes", "pick"}
    assert tests["fill"] == "fill is None" and tests["flip"] == "flip is False" and tests["key"] == "key is _EMPTY"
    both = _load(guarded(IGNORES_ALL, WINDOWS, "windows", tests))
    xs = [3, 1, 4, 1, 5, 9]
    assert both(xs, 2) == original(xs, 2)  # the defaults: the candidate's own answer
    for kwargs in ({"step": 2}, {"flip": True}, {"key": str}, {"tag": "+"}, {"sizes": (1,)}, {"fill": 0}):
        assert both(xs, 2, **kwargs) == original(xs, 2, **kwargs), kwargs  # anything else: the original's
    assert both(xs, 2, 1) == original(xs, 2, 1)  # an equal value of the same type runs the verified code
    assert both(xs, 2, step=True) == original(xs, 2, step=True)  # True == 1, but a bool goes to the original


GROUP = textwrap.dedent(
    """
    def group(key, items, order=None):
        out = {}
        for item in items:
            out.setdefault(key(item), []).append(item)
        return out
    """
)
HARD_CODED = "def group(key, items, order=None):\n    out = {}\n    for item in items:\n"
HARD_CODED += "        out.setdefault(len(item), []).append(item)\n    return out\n"


def first_letter(word):
    return word[:1]


def test_a_function_passed_in_every_input_is_tested_by_its_name() -> None:
    from perfkit.optimizers._unexplored import same_function

    original = _load(GROUP.replace("def group", "def windows")).__globals__["windows"]
    words = ["a", "bb", "cc"]
    assert same_function(original, [((len, words), {}), ((len, ["x"]), {})]) == {"key": "key is len"}
    assert same_function(original, [((len, words), {}), ((str, words), {})]) == {}  # varied: nothing to guard
    assert same_function(original, [((lambda w: w, words), {})]) == {}  # no name a model could have hard-coded
    assert same_function(group_for_globals, [((first_letter, words), {})]) == {"key": "key is first_letter"}
    namespace: dict = {}
    exec(guarded(HARD_CODED, GROUP, "group", {"key": "key is len"}), namespace)
    both = namespace["group"]
    assert both(len, words) == {1: ["a"], 2: ["bb", "cc"]}
    assert both(first_letter, words) == {"a": ["a"], "b": ["bb"], "c": ["cc"]}  # the original's answer


def group_for_globals(key, items):
    return {key(item): item for item in items}
