"""Local ``array.array`` tables in numba kernels: int and double arrays the function builds become numpy arrays,
every store into an int array is checked against its type code (Python raises OverflowError there, and so does
the candidate), and uses where a numpy array would not act like the Python array are refused.

Three spellings (``from array import array`` with ``'L'``, ``import array`` with ``array.array('i', ...)``, and
``'d'``), unannotated; the functions live here so that the verifier's child processes can import them.
"""

from __future__ import annotations

import array
import ast
import random
import textwrap
from array import array as typed_array
from typing import Any

import pytest
from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._numba_arrays import array_names, local_arrays
from perfkit.optimizers._numba_scan import Refused

from .test_numba_ints import _candidate, _context, _mismatches


def column_distance(seq1, seq2):
    """Distance's Levenshtein: one DP column in ``array('L')``."""
    if seq1 == seq2:
        return 0
    len1, len2 = len(seq1), len(seq2)
    if len1 == 0:
        return len2
    if len2 == 0:
        return len1
    if len1 < len2:
        len1, len2 = len2, len1
        seq1, seq2 = seq2, seq1
    column = typed_array("L", range(len2 + 1))
    for x in range(1, len1 + 1):
        column[0] = x
        last = x - 1
        for y in range(1, len2 + 1):
            old = column[y]
            cost = int(seq1[x - 1] != seq2[y - 1])
            column[y] = min(column[y] + 1, column[y - 1] + 1, last + cost)
            last = old
    return column[len2]


def scaled_peak(xs, k):
    acc = array.array("i", [0] * len(xs))
    for i in range(len(xs)):
        acc[i] = xs[i] * k
        acc[i] -= 1
    return max(acc)


def running_mean(xs):
    out = typed_array("d", xs)
    for i in range(1, len(out)):
        out[i] = 0.5 * (out[i] + out[i - 1])
    return sum(out)


def countdown(n):
    left = typed_array("L", [n])
    steps = 0
    while steps < 5:
        left[0] = left[0] - 2
        steps += 1
    return left[0]


def weighted(xs, ws):
    total = 0
    for i in range(len(xs)):
        total += xs[i] * ws[i]
    return total


def bump(xs):
    for i in range(len(xs)):
        xs[i] += 1
    return xs[0]


def set_first(col, v):
    col[0] = v


def filled(n):
    col = typed_array("L", range(n))
    set_first(col, n - 5)
    return col[0]


def test_stores_the_range_check_would_not_see_are_refused() -> None:
    proposer = NumbaProposer()
    assert not proposer.propose(_context(filled, [((9,), {}), ((20,), {})]), n=1)  # a helper stores into it
    assert "helper set_first stores into an array the kernel builds" in proposer.rejections[-1]

    def rewritten(body: str) -> str:
        func = ast.parse("def f(xs, i, j):\n    a = arr('L', xs)\n" + textwrap.indent(body, "    ")).body[0]
        assert isinstance(func, ast.FunctionDef)
        return ast.unparse(local_arrays(func, types=frozenset({"arr"}), modules=frozenset())[0])

    assert "a[i] = _pkb_store(a[j], 0, " in rewritten("a[i] = a[j]\nreturn a[0]")
    for body in ("a[i], a[j] = a[j], a[i]", "for a[i] in xs:\n    pass"):
        with pytest.raises(Refused, match="other than"):
            rewritten(body + "\nreturn a[0]")


def test_array_constructors_are_found_through_imports_only() -> None:
    source = "from array import array as arr\nimport array as am\nimport numpy as array\n"
    assert array_names(source) == (frozenset({"arr"}), frozenset({"am"}))
    assert array_names("from array import array\narray = list\n") == (frozenset(), frozenset())
    func = ast.parse(
        textwrap.dedent(
            """
            def f(xs):
                a = arr('L', xs)
                b = am.array('d', xs)
                c = arr('f', xs)
                a[0] += 1
                return a[0] + b[0] + c[0]
            """
        )
    ).body[0]
    assert isinstance(func, ast.FunctionDef)
    out, used = local_arrays(func, types=frozenset({"arr"}), modules=frozenset({"am"}))
    text = ast.unparse(out)
    assert "a = _pkb_carray(xs, 0, " in text and "b = _pkb_farray(xs)" in text and "c = arr('f', xs)" in text
    assert "a[0] = _pkb_store(a[0] + 1, 0, " in text and used == (frozenset({"arr"}), frozenset({"am"}))


def test_a_levenshtein_column_in_an_unsigned_array() -> None:
    rng = random.Random(7)

    def word(n: int) -> str:
        return "".join(rng.choice("abcé") for _ in range(n))

    candidate = _candidate(column_distance, [((word(5), word(7)), {}), ((word(30), word(20)), {})])
    trials = [(word(a), word(b)) for a in (0, 1, 5, 40) for b in (0, 3, 40)] + [([1, 2, 3], [1, 3])]
    assert not _mismatches(column_distance, candidate, trials)
    assert candidate("kitten", "sitting") == 3


def test_stores_outside_the_type_code_raise_as_python_does() -> None:
    peaks = _candidate(scaled_peak, [(([1, 2, 3], 5), {}), (([4, -2], 7), {})])
    trials = [(xs, k) for xs in ([1, 2], [2**20, -3], [2**40]) for k in (1, 3, 2**11, -(2**12))]
    assert not _mismatches(scaled_peak, peaks, trials)  # past 2**31 both raise OverflowError
    down = _candidate(countdown, [((20,), {}), ((30,), {})])
    assert not _mismatches(countdown, down, [(n,) for n in (20, 9, 10, 3, 0, 2**62)])  # below zero: OverflowError
    means = _candidate(running_mean, [(([1.0, 2.0, 3.0],), {}), (([4.0, -2.5],), {})])
    assert not _mismatches(running_mean, means, [([1.0, 2.0],), ([1.5] * 10,), ([1e300, 1e300],)])


def test_an_unsigned_column_through_the_real_verifier() -> None:
    rng = random.Random(8)
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        (("".join(rng.choice("ab") for _ in range(n)), "".join(rng.choice("ab") for _ in range(n))), {})
        for n in (10, 80)
    ]
    result = optimize_function(
        column_distance, stress_inputs=inputs, proposers=[NumbaProposer()], examples=20, measure_rounds=2, max_sizes=1
    )
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "_pkb_carray(range(len2 + 1), 0, " in attempt.source
    assert CodeRef(__name__, "column_distance", attempt.source).load()("flaw", "lawn") == 2


def test_array_arguments_are_read_as_arrays_and_written_ones_go_to_the_original() -> None:
    pairs = [((typed_array("l", [1, 2, 3]), typed_array("l", [4, 5, 6])), {})]
    pairs.append(((typed_array("l", [7, 8]), typed_array("l", [1, 2])), {}))
    candidate = _candidate(weighted, pairs)
    kernel = candidate.__globals__["_pk_jit_weighted"]
    seen: list[Any] = []
    candidate.__globals__["_pk_jit_weighted"] = lambda *args: seen.append(args) or kernel(*args)
    trials = [(typed_array(a, [1, 2, 3]), typed_array(b, [4, 5, 6])) for a in "lLbd" for b in "lHf"]
    trials += [
        (typed_array("L", [2**63 + 1]), typed_array("l", [1])),
        (typed_array("q", [2**62]), typed_array("q", [4])),
    ]
    trials += [([1, 2], [3, 4]), (typed_array("l"), typed_array("l"))]
    assert not _mismatches(weighted, candidate, trials)
    assert len(seen) == 12 + 2  # every int and float code, the int64 one and the lists; not past int64, not empty
    written = _candidate(bump, [(([1, 2, 3],), {}), (([4, 5],), {})])
    xs = typed_array("L", [1, 2])
    assert written(xs) == 2 and xs == typed_array("L", [2, 3])  # written to: the original ran on it
