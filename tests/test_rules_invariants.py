"""Loop invariants computed once and methods bound before hot loops: unannotated functions, real verifier."""

from __future__ import annotations

import random

import pytest

from ._rules_support import args, fires, never

RNG = random.Random(11)
INTS = [RNG.randint(-1000, 1000) for _ in range(3000)]
BANNED = [RNG.randint(-1000, 1000) for _ in range(400)]

HOISTS = {
    "set-of-banned": """
        def f(xs, banned):
            out = []
            for x in xs:
                if x not in set(banned):
                    out.append(x)
            return out
    """,
    "sorted-local": """
        def f(xs, banned):
            total = 0
            for x in xs:
                ranked = sorted(banned)
                total += ranked[x % len(ranked)] if ranked else 0
            return total
    """,
    "mean-in-test": """
        def f(xs, banned):
            return [x for x in xs if x > sum(banned) / len(banned)]
    """,
    "while-len": """
        def f(xs, banned):
            i = 0
            best = 0
            while i < len(xs) - 1:
                best = max(best, xs[i] - xs[i + 1], max(banned))
                i += 1
            return best
    """,
}


@pytest.mark.parametrize("spelling", sorted(HOISTS))
def test_invariant_calls_are_computed_once_per_loop(spelling: str) -> None:
    edge = [args([], []), args([1, 2], []), args([1.5, 2], [True, 2.5]), args([1, 2, 3], [[1], [2]])]
    if spelling == "mean-in-test":
        edge = edge[1:]  # an empty xs never divides: both return []
        edge.append(args([], []))
    new = fires(HOISTS[spelling], "f", [args(INTS, BANNED)], "hoist-invariant", edge=edge)
    assert "_pk_inv0 := " in new


def test_math_and_str_methods_of_unchanged_arguments() -> None:
    source = """
        def f(n, word, texts):
            out = []
            for t in texts:
                if len(t) < math.sqrt(n) and word.lower() in t:
                    out.append(t)
            return out
    """
    texts = ["".join(RNG.choice("abcAB") for _ in range(RNG.randint(0, 12))) for _ in range(5000)]
    edge = [args(-1, "Ab", ["ab"]), args(4, "", []), args(0, "a", ["a"])]
    new = fires(source, "f", [args(100, "Ab", texts)], "hoist-invariant", edge=edge)
    assert "_pk_inv1 := " in new


def test_invariants_stay_away_when_the_loop_changes_their_inputs() -> None:
    grows = """
        def f(xs, banned):
            out = []
            for x in xs:
                if x not in set(banned):
                    banned.append(x)
            return banned
    """
    rebinds = """
        def f(xs, banned):
            n = 0
            for x in xs:
                n += len(banned)
                banned = banned[1:]
            return n
    """
    unknown = """
        def f(xs, banned, g):
            n = 0
            for x in xs:
                g(x)
                n += len(banned)
            return n
    """
    mutated_result = """
        def f(xs, banned):
            out = []
            for x in xs:
                s = sorted(banned)
                s.append(x)
                out.append(s)
            return out
    """
    never(grows, "f", [args([1], [2])], "hoist-invariant")
    never(rebinds, "f", [args([1], [2])], "hoist-invariant")
    never(unknown, "f", [args([1], [2], print)], "hoist-invariant")
    never(mutated_result, "f", [args([1], [2])], "hoist-invariant")
