"""Memoised recursion in several spellings on unannotated functions, through the real verifier."""

from __future__ import annotations

import pytest

from ._rules_support import args, fires, never, run

RECURSIVE = {
    "default-argument": (
        """
        def stairs(n, big=3):
            if n < 0:
                return 0
            if n == 0:
                return 1
            return stairs(n - 1) + stairs(n - 2) + stairs(n - big, big)
        """,
        "stairs",
        [args(22), args(20, 4)],
        [args(-1), args(0), args(True), args(5, 1)],
    ),
    "keywords": (
        """
        def binom(n, k):
            if k == 0 or k == n:
                return 1
            return binom(n=n - 1, k=k - 1) + binom(k=k, n=n - 1)
        """,
        "binom",
        [args(22, 11)],
        [args(0, 0), args(3, True), args(5, 2), args(6.0, 2.0), args(-0.0, -0.0)],
    ),
    "tuple-argument": (
        """
        def best(items, cap):
            if not items or cap <= 0:
                return 0
            w = items[0]
            skip = best(items[1:], cap)
            if w > cap:
                return skip
            return max(skip, w + best(items[1:], cap - w))
        """,
        "best",
        [args(tuple(range(3, 21)), 60)],
        [args((), 5), args((1, True, 2), 2), args((5,), -1)],
    ),
    "strings": (
        """
        def edit(a, b):
            if not a:
                return len(b)
            if not b:
                return len(a)
            if a[0] == b[0]:
                return edit(a[1:], b[1:])
            return 1 + min(edit(a[1:], b), edit(a, b[1:]), edit(a[1:], b[1:]))
        """,
        "edit",
        [args("kittensitting", "sittingkitten")],
        [args("", ""), args("a", ""), args("abc", "abd")],
    ),
}


@pytest.mark.parametrize("spelling", sorted(RECURSIVE))
def test_pure_recursion_is_memoised(spelling: str) -> None:
    source, name, inputs, edge = RECURSIVE[spelling]
    new = fires(source, name, inputs, "memoize-recursion", edge=edge)
    assert f"_pk_memo_{name}(" in new


def test_memo_sees_element_types_of_tuples() -> None:
    source = """
        def first_kind(items):
            if len(items) <= 1:
                return repr(items)
            return first_kind(items[1:]) + first_kind(items[:1])
    """
    never(source, "first_kind", [args((1, 2))], "memoize-recursion")  # repr is not a known pure builtin
    source = source.replace("repr(items)", "str(items)")
    new = fires(source, "first_kind", [args((1, True, 1, 2))], "memoize-recursion", edge=[args((True, 1, 1))])
    assert run(new, "first_kind", (1, True)) == run(source, "first_kind", (1, True))


def test_recursion_through_an_inner_helper() -> None:
    source = """
        def lcs(s, t):
            n = len(s)
            def go(i, j):
                if i == n or j == len(t):
                    return 0
                if s[i] == t[j]:
                    return 1 + go(i + 1, j + 1)
                return max(go(i + 1, j), go(i, j + 1))
            return go(0, 0)
    """
    new = fires(source, "lcs", [args("ACGTTGCAAGTC", "TGCATGCAGTCA")], "memoize-inner-helper",
                edge=[args("", "abc"), args("abc", "abc"), args("ab", "ba")])  # fmt: skip
    assert "_pk_memo_go[_pk_key] = _pk_value" in new


def test_inner_helpers_that_read_changing_outer_state_are_left_alone() -> None:
    changing = """
        def f(xs):
            seen = []
            def go(i):
                if i >= len(xs):
                    return len(seen)
                return go(i + 1) + go(i + 2)
            seen.append(1)
            return go(0)
    """
    escapes = """
        def f(n):
            def go(i):
                return 1 if i < 2 else go(i - 1) + go(i - 2)
            return go
    """
    never(changing, "f", [args([1, 2, 3])], "memoize-inner-helper")
    never(escapes, "f", [args(5)], "memoize-inner-helper")


def test_memoisation_stays_away_from_mutable_or_float_arguments_and_impure_bodies() -> None:
    lists = """
        def f(xs, i):
            if i >= len(xs):
                return 0
            return f(xs, i + 1) + f(xs, i + 2)
    """
    printing = """
        def f(n):
            print(n)
            return 1 if n < 2 else f(n - 1) + f(n - 2)
    """
    never(lists, "f", [args([1, 2], 0)], "memoize-recursion")
    never(lists, "f", [args((1.5, 2.0), 0)], "memoize-recursion")
    never(printing, "f", [args(3)], "memoize-recursion")
