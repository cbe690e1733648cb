"""Local 2-D tables in numba kernels: a DP matrix built as a list comprehension of lists and used element by element
becomes one 2-D array (``d[i][j]`` -> ``d[i, j]``); a table used any other way stays a list of lists; rows of
unequal lengths raise in the kernel, so the original runs.

Three spellings (a conditional comprehension, ``[[0] * w for _ in ...]``, a float table over a matrix argument),
unannotated; the functions live here so that the verifier's child processes can import them.
"""

from __future__ import annotations

import ast
import inspect
import random
import textwrap
from typing import Any

from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._numba_tables import local_grids

from .test_numba_ints import _candidate, _mismatches


def osa_distance(a, b):
    rows = range(len(a) + 1)
    cols = range(len(b) + 1)
    d = [[(i if j == 0 else j) for j in cols] for i in rows]
    for i in rows[1:]:
        for j in cols[1:]:
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + cost)
    return d[len(a)][len(b)]


def lcs_length(xs, ys):
    n, m = len(xs), len(ys)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if xs[i] == ys[j]:
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    return table[0][0]


def cheapest_path(grid):
    h, w = len(grid), len(grid[0])
    cost = [[0.0 for _ in range(w)] for _ in range(h)]
    for i in range(h):
        for j in range(w):
            best = 0.0
            if i and j:
                best = min(cost[i - 1][j], cost[i][j - 1])
            elif i:
                best = cost[i - 1][j]
            elif j:
                best = cost[i][j - 1]
            cost[i][j] = best + grid[i][j]
    return cost[-1][-1]


def triangle_sum(n):
    rows = [[0] * (i + 1) for i in range(n)]  # rows of unequal lengths: the kernel raises, the original runs
    total = 0
    for i in range(n):
        for j in range(len(rows[i])):
            rows[i][j] = i * j
            total += rows[i][j]
    return total


def _rewritten(source: str) -> str:
    func = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(func, ast.FunctionDef)
    return ast.unparse(local_grids(func))


def test_only_tables_used_element_by_element_become_arrays() -> None:
    body = "def f(n):\n    d = [[0] * n for _ in range(n)]\n    d[0][1] += 2\n"
    body += "    return d[n - 1][0] + len(d[0]) + len(d)\n"
    assert "d = _pkb_grid([[0] * n for _ in range(n)])" in _rewritten(body) and "d[0, 1] += 2" in _rewritten(body)
    for use in ("return d", "row = d[0]\n    return row[0]", "d[0] = [1]\n    return 0", "d.append([1])\n    return 0",
                "return d[0][1:]", "for row in d:\n        pass\n    return 0", "d = []\n    return d"):  # fmt: skip
        text = _rewritten(f"def f(n):\n    d = [[0] * n for _ in range(n)]\n    {use}\n")
        assert "_pkb_grid" not in text, use
    kept = _rewritten("def f(n):\n    d = [[0] * n for _ in range(n) if n]\n    return d[0][0]\n")
    assert "_pkb_grid" not in kept  # a condition in the comprehension: left as it is


def _words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("abc") for _ in range(n))


def _kernel_source(candidate: Any) -> str:
    """The kernel's own source (it holds ``_pkb_grid`` when the table became an array)."""
    kernel = next(v for k, v in candidate.__globals__.items() if k.startswith("_pk_jit_"))
    return inspect.getsource(kernel.py_func)


def test_dp_tables_match_the_original() -> None:
    rng = random.Random(6)
    osa = _candidate(osa_distance, [((_words(rng, 8), _words(rng, 9)), {}), ((_words(rng, 40), _words(rng, 30)), {})])
    trials: list[tuple[Any, ...]] = [(_words(rng, a), _words(rng, b)) for a in (0, 1, 2, 30) for b in (0, 1, 25)]
    assert not _mismatches(osa_distance, osa, [*trials, ("ab", "ba"), ("é😀", "😀é")])
    lcs = _candidate(
        lcs_length, [(([1, 2, 3, 2], [2, 3, 2, 1]), {}), (([rng.randrange(5) for _ in range(40)],) * 2, {})]
    )
    lists = [
        ([rng.randrange(4) for _ in range(a)], [rng.randrange(4) for _ in range(b)]) for a in (1, 5, 50) for b in (1, 7)
    ]
    assert not _mismatches(lcs_length, lcs, [*lists, ([1.5, 2.0], [2.0, 1.5]), ([], [1]), ([2**62], [2**62])])
    assert "table = _pkb_grid(" in _kernel_source(lcs) and "table[i, j] = " in _kernel_source(lcs)
    assert lcs.__globals__["_pk_jit_lcs_length"].signatures  # the kernel ran
    grid = [[rng.uniform(0, 9) for _ in range(6)] for _ in range(5)]
    path = _candidate(cheapest_path, [((grid,), {}), (([[1.0, 2.0], [3.0, 4.0]],), {})])
    assert not _mismatches(cheapest_path, path, [(grid,), ([[1.0]],), ([[1.0, 2.0, 3.0]],), ([[1, 2], [3, 4]],)])
    assert "cost = _pkb_grid(" in _kernel_source(path) and path.__globals__["_pk_jit_cheapest_path"].signatures
    triangle = _candidate(triangle_sum, [((5,), {}), ((9,), {})])
    assert not _mismatches(triangle_sum, triangle, [(n,) for n in (0, 1, 4, 30)])


def test_a_dp_table_through_the_real_verifier() -> None:
    rng = random.Random(9)
    inputs = [((_words(rng, n), _words(rng, n + 5)), {}) for n in (40, 200)]
    result = optimize_function(
        osa_distance, stress_inputs=inputs, proposers=[NumbaProposer()], examples=30, measure_rounds=2, max_sizes=1
    )
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "_pkb_grid(" in attempt.source and "d[i, j] = min(" in attempt.source
