"""Buffers in numba kernels: ``bytes`` arguments read as uint8 arrays (with the checks that wrap them folded),
``array.array`` arguments of doubles or int64 written in place (a copy in the kernel, written back on success),
and ``raise`` with any message or class (the wrapper runs the original wherever the kernel raises).

Three spellings each, unannotated; the functions live here so that the verifier's child processes can import them.
"""

from __future__ import annotations

import ast
import copy
import inspect
import random
import textwrap
from array import array
from typing import Any

import numba
import numpy as np
import pytest
from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._numba_bytes import fold_bytes
from perfkit.optimizers._numba_scan import ModuleFacts, Refused

from .test_numba_ints import _candidate, _context, _mismatches


class ChecksumError(Exception):
    """The project's own exception."""


def _as_view(obj):
    if isinstance(obj, str):
        raise TypeError("encode the text first")
    view = memoryview(obj)
    if view.ndim > 1:
        raise BufferError("one dimension only")
    return view


def crc_like(data, crc, table):  # crcmod's spelling: a checking helper, a memoryview, tobytes()
    mv = _as_view(data)
    crc = crc & 0xFFFF
    for x in mv.tobytes():
        crc = table[x ^ ((crc >> 8) & 0xFF)] ^ ((crc << 8) & 0xFF00)
    return crc


def fletcher(data):  # indexing and len, a check with isinstance
    if not isinstance(data, bytes):
        raise ChecksumError("bytes only, not %s" % type(data).__name__)  # noqa: UP031  (numba cannot format)
    a = b = 0
    for i in range(len(data)):
        a = (a + data[i]) % 255
        b = (b + a) % 255
    return (b << 8) | a


def weighted_sum(data, start):  # enumerate, a bound check that raises with a formatted message
    total = start
    for i, byte in enumerate(data):
        if byte == 0 and i == 0:
            raise ValueError(f"leading zero at {i}")
        total += (i + 1) * byte
    return total


def stores_into(data, n):
    if n > 5:
        data[0] = 1
    return len(data)


def bitreverse(n, data):  # scimark's spelling: a while loop per index, swaps in an array('d')
    half = n // 2
    j = 0
    for i in range(half - 1):
        ii, jj = 2 * i, 2 * j
        if i < j:
            tr, ti = data[ii], data[ii + 1]
            data[ii], data[ii + 1] = data[jj], data[jj + 1]
            data[jj], data[jj + 1] = tr, ti
        k = half >> 1
        while k <= j:
            j -= k
            k >>= 1
        j += k


def _scale(xs, k):
    for i in range(len(xs)):
        xs[i] = xs[i] * k


def smooth(xs, k):  # a helper writes into the caller's array
    _scale(xs, k)
    for i in range(1, len(xs)):
        xs[i] = 0.5 * (xs[i] + xs[i - 1])
    return xs[-1]


def prefix(xs, limit):  # int64 codes, raises half-way
    for i in range(1, len(xs)):
        xs[i] += xs[i - 1]
        if xs[i] > limit:
            raise OverflowError("past the limit")
    return len(xs)


def _bytes_inputs(rng: random.Random, sizes: tuple[int, ...]) -> list[bytes]:
    return [bytes(rng.randrange(256) for _ in range(n)) for n in sizes]


TABLE = [(i * 0x1021) & 0xFFFF for i in range(256)]


def _source(func: Any, inputs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> str:
    proposer = NumbaProposer()
    found = proposer.propose(_context(func, inputs), n=1)
    assert found, proposer.rejections
    return found[0].source


def _run(func: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "returned", func(*args)
    except Exception as exc:
        return "raised", type(exc)


def test_bytes_arguments_fold_their_checks_and_match_the_original() -> None:
    rng = random.Random(3)
    small, large = _bytes_inputs(rng, (50, 400))
    crc = _candidate(crc_like, [((small, 0, TABLE), {}), ((large, 0xFFFF, TABLE), {})])
    assert crc(small, 0, TABLE) == crc_like(small, 0, TABLE)
    assert crc.__globals__["_pk_jit_crc_like"].signatures  # the kernel took the bytes
    trials: list[tuple[Any, ...]] = [(d, c, TABLE) for d in _bytes_inputs(rng, (0, 1, 7, 300)) for c in (0, 7, -1)]
    trials += [(bytearray(b"abc"), 0, TABLE), ("text", 0, TABLE), (memoryview(b"xy"), 3, TABLE), (b"\xff", 0, [1])]
    assert not _mismatches(crc_like, crc, trials)
    source = _source(fletcher, [((small,), {}), ((large,), {})])
    kernel = source[source.index("def _pk_nb_fletcher") :].split("\ndef fletcher(")[0]
    assert "ChecksumError" not in kernel  # the isinstance check folds away: only exact bytes reach the kernel
    check = CodeRef(__name__, "fletcher", source).load()
    assert check(large) == fletcher(large) and check.__globals__["_pk_jit_fletcher"].signatures
    trials = [(d,) for d in _bytes_inputs(rng, (0, 1, 2, 999))] + [("ab",), ([1],), (b"\x00" * 3,), (None,)]
    assert not _mismatches(fletcher, check, [*trials, (bytearray(b"a"),)])
    summed = _source(weighted_sum, [((b"\x01" + small, 0), {}), ((b"\x01" + large, 5), {})])
    kernel = summed[summed.index("def _pk_nb_weighted_sum") :].split("\ndef weighted_sum(")[0]
    assert "RuntimeError(" in kernel  # a raise with a formatted message: a plain error, and the original runs
    sums = _candidate(weighted_sum, [((b"\x01" + small, 0), {}), ((b"\x01" + large, 5), {})])
    trials = [(d, s) for d in [b"", b"\x00\x01", b"\x01\x00", *_bytes_inputs(rng, (3, 500))] for s in (0, 2**62)]
    assert not _mismatches(weighted_sum, sums, [*trials, (bytearray(b"\x00"), 0)])


def test_bytes_refusals() -> None:
    proposer = NumbaProposer(check_compile=False)
    assert not proposer.propose(_context(stores_into, [((b"ab", 1), {}), ((b"cd", 2), {})]), n=1)
    assert "stores into the bytes data" in proposer.rejections[-1]
    source = textwrap.dedent(
        """
        def check(x):
            return memoryview(x)

        def twice(data, n):
            a = check(data)
            b = check(n)
            return len(a) + b
        """
    )
    module = ModuleFacts.of(source)
    with pytest.raises(Refused, match="with bytes at one place"):
        fold_bytes(module.functions["twice"], {"data"}, module)
    single = ModuleFacts.of(source.replace("b = check(n)", "b = n"))
    kernel, folded = fold_bytes(single.functions["twice"], {"data"}, single)
    assert "check(data)\n    a = data\n" in ast.unparse(kernel)
    assert ast.unparse(folded.functions["check"]).endswith("return")  # its callers bind the argument themselves
    leaky = ModuleFacts.of(source.replace("len(a) + b", "len(check(data)) + b").replace("b = check(n)", "b = n"))
    with pytest.raises(Refused, match="gives back bytes"):
        fold_bytes(leaky.functions["twice"], {"data"}, leaky)


def test_written_arrays_of_doubles_and_int64_are_copied_back() -> None:
    rng = random.Random(5)

    def doubles(n: int) -> Any:
        return array("d", [rng.uniform(-1, 1) for _ in range(n)])

    rev = _candidate(bitreverse, [((32, doubles(32)), {}), ((256, doubles(256)), {})])
    for n in (0, 2, 8, 64, 1024):
        want = doubles(n)
        got = copy.copy(want)
        bitreverse(n, want)
        assert rev(n, got) is None and got == want and type(got) is array
    smoothed = _candidate(smooth, [((doubles(10), 2.0), {}), ((doubles(40), 0.5), {})])
    for values in (doubles(1), doubles(33), [1.0, 2.0], array("f", [1.0, 2.5]), array("d"), array("l", [1, 2])):
        want, got = copy.copy(values), copy.copy(values)
        assert _run(smooth, want, 3.0) == _run(smoothed, got, 3.0) and want == got and type(want) is type(got)
    summed = _candidate(prefix, [((array("q", [1, 2, 3]), 100), {}), ((array("q", range(50)), 10**9), {})])
    cases = [([5, 6, 7], 10), (range(40), 10**6), ([2**62, 2**62], 2**63), ([1, -1], 0), ([2**30] * 3, 2**40)]
    for values, limit in cases:
        for code in ("q", "l", "i") if max(values) < 2**31 else ("q", "l"):
            want, got = array(code, values), array(code, values)
            assert _run(prefix, want, limit) == _run(summed, got, limit) and want == got  # partial changes too
    both = _candidate(pairwise, [((doubles(3), doubles(3)), {}), ((doubles(9), doubles(9)), {})])
    shared = doubles(5)
    twice = copy.copy(shared)
    assert _run(pairwise, twice, twice) == _run(both, shared, shared) and shared == twice  # one array, twice


def pairwise(a, b):
    for i in range(len(a)):
        a[i] = a[i] + b[i]
        b[i] = b[i] * 2.0
    return a[0]


@pytest.mark.slow  # two verifier runs, about a minute on a busy machine
def test_bytes_and_written_doubles_through_the_real_verifier() -> None:
    rng = random.Random(11)
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((data, 0, TABLE), {}) for data in _bytes_inputs(rng, (2000, 20000))
    ]
    result = optimize_function(
        crc_like, stress_inputs=inputs, proposers=[NumbaProposer()], examples=30, measure_rounds=2, max_sizes=1
    )
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "_pkb_bytes(data)" in attempt.source
    points = [((2 * n, array("d", [rng.uniform(-1, 1) for _ in range(2 * n)])), {}) for n in (1024, 16384)]
    result = optimize_function(
        bitreverse, stress_inputs=points, proposers=[NumbaProposer()], examples=30, measure_rounds=2, max_sizes=1
    )
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "_pkb_write(data, _pka_data)" in attempt.source


def scramble(s):  # a code point negated: numba would negate the unsigned UTF-32 unit
    out = ""
    for c in s:
        out += "abcdefg"[-ord(c) % 7]
    return out


def test_negated_code_points_and_bytes_read_as_python_ints() -> None:
    candidate = _candidate(scramble, [(("hello",), {}), (("world" * 9,), {})])
    assert not _mismatches(scramble, candidate, [("",), ("a",), ("xyz",), ("é😀" * 3,)])
    assert candidate.__globals__["_pk_jit_scramble"].signatures  # the kernel ran
    neg = candidate.__globals__["_pkb_neg"]  # what the kernel calls for -x (not for -1)
    negate = numba.njit(lambda x: neg(x))
    assert negate(np.uint32(97)) == -97 and negate(np.uint8(200)) == -200 and negate(-2.5) == 2.5
    assert str(negate(0.0)) == "-0.0" and "_pkb_neg(c) % 7" in inspect.getsource(
        candidate.__globals__["_pk_jit_scramble"].py_func
    )
    signed = _candidate(weighted_sum, [((b"\x01ab", -5), {}), ((b"\x01" * 30, 7), {})])
    assert not _mismatches(weighted_sum, signed, [(b"\x01\xff" * 4, -(2**40)), (b"\x05", -1)])


def copy_into(xs, ys):  # seen with ints only: a float list would be truncated into the int array numba made
    for i in range(len(xs)):
        ys[i] = xs[i]
    return ys[0]


def test_types_never_seen_go_to_the_original() -> None:
    copied = _candidate(copy_into, [(([1, 2], [0, 0]), {}), (([3, 4, 5], [0, 0, 0]), {})])
    for xs in ([1.5, 2.5], [True, False], [1, 2]):
        want, got = [0, 0], [0, 0]
        assert _run(copy_into, xs, want) == _run(copied, xs, got) and want == got
        assert [type(v) for v in want] == [type(v) for v in got]
    assert copied.__globals__["_pk_jit_copy_into"].signatures == [(numba.int64[::1], numba.int64[::1])]  # ints only
    totals = _candidate(weighted_sum, [((b"\x01ab", 3), {}), ((b"\x01" * 30, 7), {})])
    assert _run(totals, b"\x01\x02", True) == _run(weighted_sum, b"\x01\x02", True) == ("returned", 6)
    assert _run(totals, b"\x01\x02", 0.5) == _run(weighted_sum, b"\x01\x02", 0.5) == ("returned", 5.5)
    assert all(sig[1] == numba.int64 for sig in totals.__globals__["_pk_jit_weighted_sum"].signatures)
