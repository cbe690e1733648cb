"""The value-origin analysis behind the numba kernel's placeholder rewrites: exact, or no rewrite."""

from __future__ import annotations

import ast
import textwrap

from perfkit.optimizers._numba_flow import placeholder_rewrites


def rewritten(source: str) -> str:
    func = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(func, ast.FunctionDef)
    return ast.unparse(placeholder_rewrites(func))


def test_a_placeholder_replaced_before_every_read_goes_and_a_read_only_range_becomes_a_list() -> None:
    out = rewritten(
        """
        def f(a, b):
            prev = None
            cur = range(len(b) + 1)
            for r in range(1, len(a) + 1):
                prev, cur = cur, [r] + [0] * len(b)
                for c in range(1, len(b) + 1):
                    cur[c] = min(prev[c] + 1, cur[c - 1] + 1)
            return cur[-1]
        """
    )
    assert "prev = None" not in out and "cur = list(range(len(b) + 1))" in out


def test_the_same_idea_spelt_with_while_copies_and_an_early_return() -> None:
    out = rewritten(
        """
        def f(n):
            last = None
            row = range(n)
            i = 0
            while i < n:
                old = row
                last = old
                row = [x + 1 for x in old]
                if len(last) > 5:
                    return sum(row)
                i += 1
            return max(row) if n else 0
        """
    )
    assert "last = None" not in out and "row = list(range(n))" in out


def test_reads_that_would_see_a_difference_keep_the_original() -> None:
    cases = {
        "best is None": "def f(xs):\n    best = None\n    for x in xs:\n        if best is None or x < best:\n"
        "            best = x\n    return best",
        "returned before replaced": "def f(xs):\n    out = None\n    for x in xs:\n        out = [x]\n    return out",
        "a range returned": "def f(n):\n    r = range(n)\n    if n > 3:\n        r = [0]\n    return r",
        "a range stored into": "def f(n):\n    r = range(n)\n    r[0] = 1\n    return 0",
        "a range passed on": "def f(n, g):\n    r = range(n)\n    g(r)\n    r = [1]\n    return r[0]",
        "a range escapes into a list": "def f(n):\n    r = range(n)\n    out = []\n    out.append(r)\n    return 1",
        "a range sliced": "def f(n):\n    r = range(n)\n    s = r[1:]\n    r = [1]\n    return s",
        "try": "def f(n):\n    p = None\n    try:\n        p = [n]\n    except ValueError:\n        pass\n"
        "    return p[0]",
    }
    for why, source in cases.items():
        assert rewritten(source) == ast.unparse(ast.parse(source).body[0]), why


def test_a_loop_that_may_not_run_keeps_the_placeholder_it_would_return() -> None:
    out = rewritten(
        "def f(xs):\n    prev = None\n    for x in xs:\n        prev = [x]\n        y = prev[0]\n    return len(xs)"
    )
    assert "prev = None" not in out  # never read while None: the loop replaces it before each read
    out = rewritten("def f(xs):\n    prev = None\n    for x in xs:\n        y = prev\n        prev = [x]\n    return 1")
    assert "prev = None" in out  # the first iteration reads it
