"""numba kernels that return strings (:mod:`perfkit.optimizers._numba_strings`): unannotated functions building a
string character by character, in several spellings, checked by the real verifier on unicode, empty and long
inputs; a plausible wrong kernel is rejected; shapes that cannot be exact on code points get no candidate."""

from __future__ import annotations

import random
from typing import Any

import pytest
from perfkit.optimizers import NumbaProposer
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers.verify import verify

from ._contexts import observed_context as _context

# --- the functions (no type hints: as written in everyday code) ----------------------------------------------------


def masked_join(s):  # type: ignore[no-untyped-def]
    out = []
    for c in s:
        if c in "aeiou":
            out.append("*")
        elif c == " ":
            out.append("_")
        else:
            out.append(c.upper())
    return "".join(out)


def digits_marked(word):  # type: ignore[no-untyped-def]
    result = ""
    for i in range(len(word)):
        ch = word[i]
        if "0" <= ch <= "9":
            result += "#"
        else:
            result = result + ch + "."
    return result


def leet(text):  # type: ignore[no-untyped-def]
    res = []
    i = 0
    while i < len(text):
        letter = text[i].lower()
        if letter in "ae":
            res += "4"
        else:
            res += letter
        i += 1
    return "".join(res)


def table_code(s):  # type: ignore[no-untyped-def]
    if not s:
        return s
    out = ""
    for c in s[1:]:
        k = ord(c.upper()) - 65
        if 0 <= k < 26:
            out += "01230120022455012623010202"[k]
    return out + "0" * (3 - len(out))


def consonant_key(name):  # type: ignore[no-untyped-def]
    if isinstance(name, bytes):
        raise TypeError("expected str")
    name = name.upper()
    kept = []
    last = None
    for pos, ch in enumerate(name):
        if (pos == 0 and ch in "AEIOU") or (ch not in "AEIOU " and ch != last):
            kept.append(ch)
        last = ch
    if len(kept) > 6:
        return "".join(kept[:3] + kept[-3:])
    return "".join(kept)


def table_code_off_by_one(s):  # type: ignore[no-untyped-def]
    """table_code with one table entry wrong (Z): a plausible kernel that must not pass."""
    if not s:
        return s
    out = ""
    for c in s[1:]:
        k = ord(c.upper()) - 65
        if 0 <= k < 26:
            out += "01230120022455012623010203"[k]
    return out + "0" * (3 - len(out))


def doubled(s):  # type: ignore[no-untyped-def]
    out = ""
    for c in s:
        out += c * 2  # str repetition: not a code point product
    return out


def read_before_bound(s):  # type: ignore[no-untyped-def]
    out = ""
    for c in s:  # noqa: B007
        pass
    out += c  # UnboundLocalError on "" in Python; numba would read a zero
    return out


def char_truth(s):  # type: ignore[no-untyped-def]
    out = []
    for c in s:
        if c:
            out.append(c)
    return "".join(out)


def ordered_after_none(s):  # type: ignore[no-untyped-def]
    out = []
    prev = None
    for c in s:
        if prev is not None and prev < c:
            out.append(c)
        prev = c
    return "".join(out)


def pairs_cut(s):  # type: ignore[no-untyped-def]
    out = []
    for c in s:
        out.append(c + c)  # two characters per item: len(out) is not the string's length
    if len(out) > 3:
        return "".join(out[:3])
    return "".join(out)


def loop_letter_rebound(s):  # type: ignore[no-untyped-def]
    out = ""
    for c in s:
        if c:  # a character is never empty; its code point may be 0
            out += "."
        c += "!"
    return out


def _proposed(func: Any, inputs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> tuple[str | None, list[str]]:
    proposer = NumbaProposer()
    found = proposer.propose(_context(func, inputs), n=1)
    return (found[0].source if found else None), proposer.rejections


def _words(seed: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Workload-like words, then unicode (non-ASCII case mapping: ß, ﬃ, ǆ), a lone surrogate, empty, long."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))) for _ in range(30)]
    words += ["Zebra zz", "é😀 aB9", "straße", "ﬃx", "ǆemal", "a\udc80b", "", "x", "z" * 5000]
    words += ["".join(rng.choice(alphabet + "éß😀") for _ in range(3000))]
    return [((w,), {}) for w in words]


@pytest.mark.parametrize("func", [masked_join, digits_marked, leet, table_code, consonant_key])
def test_a_string_built_character_by_character_becomes_a_verified_kernel(func: Any) -> None:
    inputs = _words(7)
    source, rejections = _proposed(func, inputs)
    assert source is not None, rejections
    assert "_pk_acc.append" in source and "decode('utf-32-le', 'surrogatepass')" in source
    original = CodeRef(func.__module__, func.__name__)
    verdict = verify(original, CodeRef(func.__module__, func.__name__, source), inputs, min_timeout=60.0)
    assert verdict.ok and verdict.checked == len(inputs), verdict.reason
    candidate = CodeRef(func.__module__, func.__name__, source).load()
    for (word,), _ in inputs:
        try:
            expected: Any = func(word)
        except Exception as exc:  # the original's own exceptions (ord of 'SS'): the candidate raises the same
            expected = type(exc)
        try:
            got: Any = candidate(word)
        except Exception as exc:
            got = type(exc)
        assert got == expected and type(got) is type(expected), word[:20]


def test_a_plausible_wrong_kernel_is_rejected_by_the_verifier() -> None:
    inputs = _words(8)
    source, rejections = _proposed(table_code_off_by_one, inputs)
    assert source is not None, rejections
    wrong = source.replace("table_code_off_by_one", "table_code")
    original = CodeRef(table_code.__module__, "table_code")
    verdict = verify(original, CodeRef(table_code.__module__, "table_code", wrong), inputs, min_timeout=60.0)
    assert not verdict.ok


@pytest.mark.parametrize(
    ("func", "reason"),
    [
        (read_before_bound, "may read c before binding it"),
        (ordered_after_none, "orders a character that may be None"),
        (pairs_cut, "out"),
        (loop_letter_rebound, "not only a character"),
    ],
)
def test_shapes_that_are_not_exact_on_code_points_get_no_candidate(func: Any, reason: str) -> None:
    source, rejections = _proposed(func, [(("abc",), {}), (("xy z",), {})])
    assert source is None
    assert any(reason in r for r in rejections), rejections


@pytest.mark.parametrize("func", [doubled, char_truth])
def test_what_the_character_kernel_refuses_the_text_kernel_takes_exactly(func: Any) -> None:
    """``c * 2`` and ``if c:`` keep the character kernel out; strings as data (:mod:`._numba_text`) take them."""
    inputs = _words(9)
    source, rejections = _proposed(func, inputs)
    assert source is not None and "_pkt_arg(" in source, rejections
    original = CodeRef(func.__module__, func.__name__)
    verdict = verify(original, CodeRef(func.__module__, func.__name__, source), inputs, min_timeout=60.0)
    assert verdict.ok and verdict.checked == len(inputs), verdict.reason
