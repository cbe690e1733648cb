"""Each rewrite rule: fires on its pattern, stays away when it cannot show equivalence, and keeps behaviour."""

from __future__ import annotations

import inspect
import random
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from perfkit.optimizers._code import CodeRef, bound_types
from perfkit.optimizers._types import Context
from perfkit.optimizers.rewrite import RULES, RewriteProposer, apply_rules
from perfkit.optimizers.verify import Verdict, verify

from .fixtures import slow_funcs as sf


def context_for(source: str, name: str, inputs: list, namespace: dict | None = None) -> Context:
    ns = dict(vars(sf)) if namespace is None else namespace
    exec(source, ns)
    types = {k: frozenset(v) for k, v in bound_types(ns[name], inputs).items()}
    return Context(name=name, source=source, module_name=sf.__name__, params=tuple(types), arg_types=types)


def rewrite(source: str, name: str, inputs: list) -> tuple[str, list[str]]:
    source = textwrap.dedent(source)
    return apply_rules(source, name, context_for(source, name, inputs))


def run(source: str, name: str, args: tuple) -> object:
    ns = dict(vars(sf))
    exec(source, ns)
    try:
        return ("ok", ns[name](*args))
    except Exception as exc:
        return ("raised", type(exc))


def same_behaviour(old: str, new: str, name: str, inputs: list[tuple]) -> None:
    for args in inputs:
        assert run(new, name, args) == run(old, name, args), args


def rewrite_real(func: Callable[..., Any], observed: list[tuple]) -> tuple[str, list[str]]:
    """The rules on a real module-level ``func``, with the argument types of ``observed`` calls (as the loop
    builds its context: ``bound_types`` of the inputs, the module's source for shadowed builtins)."""
    source = textwrap.dedent(inspect.getsource(func))
    types = {k: frozenset(v) for k, v in bound_types(func, [(a, {}) for a in observed]).items()}
    module_source = inspect.getsource(sys.modules[func.__module__])
    ctx = Context(
        name=func.__name__,
        source=source,
        module_name=func.__module__,
        module_source=module_source,
        params=tuple(types),
        arg_types=types,
    )
    return apply_rules(source, func.__name__, ctx)


def verified(func: Callable[..., Any], observed: list[tuple], wide: list[tuple]) -> tuple[str, list[str], Verdict]:
    """Rewrite ``func`` seeing only ``observed`` calls, then check the rewrite in the sandboxed verifier on the
    observed calls and on ``wide`` ones (other types, empties, negatives, real sizes)."""
    new, fired = rewrite_real(func, observed)
    inputs = [(tuple(a), {}) for a in observed + wide]
    verdict = verify(CodeRef(func.__module__, func.__name__), CodeRef(func.__module__, func.__name__, new), inputs)
    return new, fired, verdict


def ints(n: int, hi: int = 50) -> list[int]:
    rng = random.Random(n)
    return [rng.randint(-hi, hi) for _ in range(n)]


def test_every_rule_is_in_the_table_with_a_summary() -> None:
    assert len({r.name for r in RULES}) == len(RULES) >= 7
    assert all(r.summary and callable(r.apply) for r in RULES)


def test_membership_local_list() -> None:
    old = inspect.getsource(sf.dedupe)
    new, fired = rewrite(old, "dedupe", [((ints(30),), {})])
    assert fired == ["membership-local-list"] and "_pk_seen_out.add(x)" in new
    same_behaviour(old, new, "dedupe", [(ints(n),) for n in (0, 1, 5, 200)] + [([1.0, 1, True, "a", "a"],)])


def test_membership_local_list_with_an_annotated_list() -> None:
    old = """
    def unique(items: list[str]) -> list[str]:
        seen: list[str] = []
        for item in items:
            if item not in seen:
                seen.append(item)
        return seen
    """
    new, fired = rewrite(old, "unique", [((["b", "a", "b"],), {})])
    assert fired == ["membership-local-list"] and "_pk_seen_seen.add(item)" in new
    same_behaviour(textwrap.dedent(old), new, "unique", [(["b", "a", "b", "c", "a"],), ([],), (["x"] * 50,)])


def test_membership_local_list_stays_away_from_unhashable_or_changed_lists() -> None:
    assert rewrite(inspect.getsource(sf.dedupe), "dedupe", [(([[1], [1]],), {})])[1] == []
    changed = inspect.getsource(sf.alias_returned).replace("out.sort()", "out.pop(0)")
    assert "membership-local-list" not in rewrite(changed, "alias_returned", [((ints(5),), {})])[1]
    aliased = inspect.getsource(sf.dedupe).replace("    return out", "    other = out\n    return other")
    assert "membership-local-list" not in rewrite(aliased, "dedupe", [((ints(5),), {})])[1]
    old = inspect.getsource(sf.alias_returned)  # sorting keeps the members: the shadow set stays right
    new, fired = rewrite(old, "alias_returned", [((ints(5),), {})])
    assert "membership-local-list" in fired
    same_behaviour(old, new, "alias_returned", [(ints(n),) for n in (0, 5, 60)])


def test_membership_param_list() -> None:
    old = inspect.getsource(sf.keep_allowed)
    new, fired = rewrite(old, "keep_allowed", [((ints(20), ints(10)), {})])
    assert fired == ["membership-param-list"]
    cases = [(ints(n), ints(n // 2 + 1)) for n in (0, 3, 100)] + [([1, 2], ([1], 2)), ([1, 2], "12"), ([1], 5)]
    same_behaviour(old, new, "keep_allowed", cases)  # unhashable, str and int arguments fall back


def test_membership_param_list_needs_an_unchanged_parameter() -> None:
    old = """
    def f(xs: list[int], allowed: list[int]) -> list[int]:
        allowed.append(0)
        return [x for x in xs if x in allowed]
    """
    assert rewrite(old, "f", [(([1], [2]), {})])[1] == []


def test_string_join() -> None:
    # s += piece on a str local is already linear on CPython (grown in place); a join would be slower
    assert rewrite(inspect.getsource(sf.join_numbers), "join_numbers", [((ints(5),), {})])[1] == []
    old = inspect.getsource(sf.join_numbers).replace('""', 'b""').replace('str(x) + ","', 'bytes([x % 256]) + b","')
    new, fired = rewrite(old, "join_numbers", [((ints(5),), {})])
    assert fired == ["string-join"] and "b''.join(_pk_parts_s)" in new
    same_behaviour(old, new, "join_numbers", [(ints(n),) for n in (0, 1, 50)] + [(None,), ([1.5],)])


def test_string_join_stays_away_when_the_piece_may_not_be_a_str_or_s_is_read() -> None:
    not_str = """
    def f(xs: list[int]) -> str:
        s = ""
        for x in xs:
            s += x
        return s
    """
    reads = """
    def f(xs: list[int]) -> str:
        s = ""
        for x in xs:
            s += str(x)
            if s.endswith("9"):
                break
        return s
    """
    assert rewrite(not_str, "f", [(([1],), {})])[1] == []
    assert rewrite(not_str, "f", [(([1, "a"],), {})])[1] == []  # mixed elements: a piece may be an int
    assert rewrite(reads, "f", [(([1],), {})])[1] == []


def test_pop0_deque() -> None:
    old = inspect.getsource(sf.bfs_order)
    new, fired = rewrite(old, "bfs_order", [((10,), {})])
    assert fired == ["pop0-deque"] and "queue.popleft()" in new
    same_behaviour(old, new, "bfs_order", [(n,) for n in (-1, 0, 1, 2, 100)])


def test_pop0_deque_returns_a_list_and_stays_away_from_other_escapes() -> None:
    returned = textwrap.dedent(
        """
        def f(n: int) -> list[int]:
            q = list(range(n))
            while q:
                q.pop(0)
                if len(q) == 3:
                    return q
            return q
        """
    )
    new, fired = apply_rules(returned, "f", context_for(returned, "f", [((5,), {})]))
    assert fired == ["pop0-deque"] and "return list(q)" in new
    same_behaviour(returned, new, "f", [(n,) for n in (0, 2, 3, 4, 50)])
    passed_on = returned.replace("return q\n    return q", "print(q)\n    return q")
    kept = returned.replace("q.pop(0)", "q.pop(0)\n        saved = q")
    assert passed_on != returned != kept
    assert rewrite(passed_on, "f", [((5,), {})])[1] == []
    assert rewrite(kept, "f", [((5,), {})])[1] == []


def test_window_sums() -> None:
    old = inspect.getsource(sf.window_totals)
    new, fired = rewrite(old, "window_totals", [((ints(10), 3), {})])
    assert fired == ["window-sums"]
    cases = [(ints(n), k) for n in (0, 1, 7, 40) for k in (0, 1, 3, 50)]
    cases += [([0.1, 0.2, 0.3], 2), ([1, 2, 3], -1), ([True, 2], 1), ((1, 2, 3), 2), ([1, 2], 1.5)]
    same_behaviour(old, new, "window_totals", cases)  # floats, bools, negative and float k take the old path


def test_window_sums_stays_away_from_a_list_that_changes() -> None:
    old = """
    def f(xs: list[int], k: int) -> list[int]:
        out = []
        for i in range(len(xs)):
            out.append(sum(xs[i:i + k]))
            xs.append(1)
        return out
    """
    assert rewrite(old, "f", [(([1, 2], 1), {})])[1] == []


def test_counting_dict() -> None:
    old = inspect.getsource(sf.word_counts)
    new, fired = rewrite(old, "word_counts", [((["a", "b"],), {})])
    assert fired == ["counting-dict"] and "_pk_Counter(words)" in new
    words = [random.Random(1).choice("abcdé") for _ in range(100)]
    same_behaviour(old, new, "word_counts", [([],), (words,), ([1, True, 1.0, 2],), ([[1]],), (5,)])


def test_counting_dict_get_form_and_loop_variable_read_later() -> None:
    get_form = """
    def f(xs: list[int]) -> dict[int, int]:
        d = {}
        for x in xs:
            d[x] = d.get(x, 0) + 1
        return d
    """
    leaks = """
    def f(xs: list[int]) -> tuple:
        d = {}
        for x in xs:
            d[x] = d.get(x, 0) + 1
        return d, x
    """
    new, fired = rewrite(get_form, "f", [(([1],), {})])
    assert fired == ["counting-dict"]
    same_behaviour(textwrap.dedent(get_form), new, "f", [([],), (ints(30, 3),)])
    assert rewrite(leaks, "f", [(([1],), {})])[1] == []


def test_trial_division() -> None:
    old = inspect.getsource(sf.count_primes)
    new, fired = rewrite(old, "count_primes", [((100,), {})])
    assert fired == ["trial-division"] and "_pk_sieve0" in new
    same_behaviour(old, new, "count_primes", [(n,) for n in (-5, 0, 1, 2, 3, 4, 100, 1000)] + [(2.5,), ("x",)])


def test_trial_division_stays_away_from_other_tests_or_negative_starts() -> None:
    other = """
    def f(n: int) -> int:
        c = 0
        for k in range(2, n):
            p = True
            for d in range(2, k):
                if k % d == 1:
                    p = False
                    break
            if p:
                c += 1
        return c
    """
    negative = inspect.getsource(sf.count_primes).replace("range(2, n)", "range(-3, n)")
    assert rewrite(other, "f", [((10,), {})])[1] == []
    assert rewrite(negative, "count_primes", [((10,), {})])[1] == []


def test_proposer_offers_combined_then_single_rules_in_round_one_only() -> None:
    old = textwrap.dedent(
        """
        def f(xs: list[int]) -> list[int]:
            out = []
            for x in xs:
                if x not in out:
                    out.append(x)
            q = list(out)
            order = []
            while q:
                order.append(q.pop(0))
            return order
        """
    )
    ctx = context_for(old, "f", [((ints(10),), {})])
    candidates = RewriteProposer().propose(ctx, n=5)
    assert [c.note for c in candidates] == [
        "rules: membership-local-list, pop0-deque",
        "rule: membership-local-list",
        "rule: pop0-deque",
    ]
    for c in candidates:
        same_behaviour(old, c.source, "f", [(ints(n, 5),) for n in (0, 3, 40)])
    assert RewriteProposer().propose(ctx.__class__(**{**ctx.__dict__, "round": 2}), n=5) == []


def test_nothing_fires_on_code_without_the_patterns() -> None:
    assert rewrite(inspect.getsource(sf.sum_squares), "sum_squares", [(([1.0],), {})]) == (
        inspect.getsource(sf.sum_squares),
        [],
    )


@pytest.mark.parametrize("name", ["dedupe", "join_numbers", "word_counts"])
def test_nested_functions_keep_rules_away(name: str) -> None:
    """A nested ``def`` could capture any local (lambdas that see none are in test_rules_lambdas.py)."""
    source = inspect.getsource(getattr(sf, name)).replace("    return", "    def g():\n        return 0\n    return", 1)
    assert rewrite(source, name, [((ints(3),), {})])[1] == []


def test_memoize_recursion() -> None:
    old = inspect.getsource(sf.paths)
    new, fired = rewrite(old, "paths", [((3, 4), {})])
    assert fired == ["memoize-recursion"] and "_pk_memo_paths(r - 1, c)" in new
    same_behaviour(old, new, "paths", [(r, c) for r in (-1, 0, 1, 5) for c in (0, 3, 8)] + [(True, 2), ("a", 0)])
    assert run(new, "paths", (16, 16)) == ("ok", 601080390)  # the original makes ~1.2e9 calls for this


def test_memoize_recursion_needs_pure_tree_recursion_on_hashable_scalars() -> None:
    assert rewrite(inspect.getsource(sf.countdown), "countdown", [((5,), {})])[1] == []  # one self-call
    assert rewrite(inspect.getsource(sf.capped), "capped", [((5,), {})])[1] == []  # reads a global
    assert rewrite(inspect.getsource(sf.paths), "paths", [((1.5, 2.0), {})])[1] == []  # float keys
