"""numba kernels on strings used as data (:mod:`perfkit.optimizers._numba_text`): unannotated reorders of an
alphabet by a salt, base-N encoders and decoders over an alphabet string, width sums over module tables of
(lo, hi) ranges, rotation ciphers and run-length encoders, each in several spellings, checked by the real
verifier on workload-sized, unicode (non-BMP, lone surrogates), empty and long inputs. Calls the kernel cannot
run exactly (a character missing from the alphabet, non-ASCII case maps, ints past int64, a prefix length given)
go to the original, which raises or answers as Python does."""

from __future__ import annotations

import random
from typing import Any

import pytest
from perfkit.optimizers import NumbaProposer
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers.verify import verify

from ._contexts import observed_context

Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]

# --- module tables the width sums read (tuples of (lo, hi) ranges, as wcwidth keeps them) ---------------------------

WIDE = ((0x1100, 0x115F), (0x2E80, 0x303E), (0x3041, 0x33FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFF60))
ZERO = ((0x0300, 0x036F), (0x0483, 0x0489), (0x200B, 0x200F), (0x20D0, 0x20F0), (0xFE20, 0xFE2F))
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

# --- reorders of an alphabet by a salt (Fisher-Yates-style swaps) --------------------------------------------------


def salted_shuffle(alphabet, salt):  # type: ignore[no-untyped-def]
    if not salt:
        return alphabet
    chars = list(alphabet)
    v = p = 0
    for i in range(len(chars) - 1, 0, -1):
        v %= len(salt)
        code = ord(salt[v])
        p += code
        j = (code + v + p) % i
        chars[i], chars[j] = chars[j], chars[i]
        v += 1
    return "".join(chars)


def swap_walk(deck, key):  # type: ignore[no-untyped-def]
    cards = list(deck)
    i = len(cards) - 1
    k = 0
    while i > 0 and key:
        j = (ord(key[k % len(key)]) * 31 + i) % (i + 1)
        tmp = cards[i]
        cards[i] = cards[j]
        cards[j] = tmp
        i -= 1
        k += 1
    out = ""
    for c in cards:
        out += c
    return out


def keyed_rotation(text, key):  # type: ignore[no-untyped-def]
    letters = list(text)
    total = 0
    for n in range(len(letters)):
        total += ord(key[n % len(key)]) if key else 0
        m = total % len(letters)
        letters[n], letters[m] = letters[m], letters[n]
    letters.reverse()
    return "".join(letters)


# --- base-N encoders and decoders over an alphabet string ----------------------------------------------------------


def encode_prepend(number, alphabet):  # type: ignore[no-untyped-def]
    hashed = ""
    base = len(alphabet)
    while True:
        hashed = alphabet[number % base] + hashed
        number //= base
        if not number:
            return hashed


def encode_reversed(n, digits):  # type: ignore[no-untyped-def]
    if n == 0:
        return digits[0]
    out = ""
    sign = ""
    if n < 0:
        sign = "-"
        n = -n
    while n:
        n, r = divmod(n, len(digits))
        out += digits[r]
    return sign + out[::-1]


def encode_fixed(value, symbols):  # type: ignore[no-untyped-def]
    buf = []
    for _ in range(8):
        buf.append(symbols[value % len(symbols)])
        value = value // len(symbols)
    buf.reverse()
    return "".join(buf)


def decode_index(hashed, alphabet):  # type: ignore[no-untyped-def]
    number = 0
    for character in hashed:
        number = number * len(alphabet) + alphabet.index(character)
    return number


def decode_find(code, digits):  # type: ignore[no-untyped-def]
    total = 0
    for ch in code:
        k = digits.find(ch)
        if k < 0:
            raise ValueError("bad digit " + ch)
        total *= len(digits)
        total += k
    return total


def decode_checked(s, alphabet):  # type: ignore[no-untyped-def]
    n = 0
    for i in range(len(s)):
        if s[i] not in alphabet:
            return -1
        n = n * len(alphabet) + alphabet.index(s[i])
    return n


# --- width sums over module tables ---------------------------------------------------------------------------------


def _in_table(code, table):  # type: ignore[no-untyped-def]
    lo = 0
    hi = len(table) - 1
    if code < table[0][0] or code > table[hi][1]:
        return False
    while lo <= hi:
        mid = (lo + hi) // 2
        if code > table[mid][1]:
            lo = mid + 1
        elif code < table[mid][0]:
            hi = mid - 1
        else:
            return True
    return False


def _cell(ch):  # type: ignore[no-untyped-def]
    code = ord(ch)
    if code < 32 or 0x7F <= code < 0xA0:
        return -1
    if _in_table(code, ZERO):
        return 0
    return 2 if _in_table(code, WIDE) else 1


def text_width(text, n=None):  # type: ignore[no-untyped-def]
    end = len(text) if n is None else n
    width = 0
    for ch in text[slice(0, end)]:
        w = _cell(ch)
        if w < 0:
            return -1
        width += w
    return width


def width_linear(s):  # type: ignore[no-untyped-def]
    total = 0
    for i in range(len(s)):
        c = ord(s[i])
        w = 1
        for k in range(len(WIDE)):
            if WIDE[k][0] <= c <= WIDE[k][1]:
                w = 2
                break
        for k in range(len(ZERO)):
            if ZERO[k][0] <= c <= ZERO[k][1]:
                w = 0
        total += w
    return total


def columns_until(line, limit):  # type: ignore[no-untyped-def]
    used = 0
    for pos, ch in enumerate(line):
        used += 2 if _in_table(ord(ch), WIDE) else 1
        if used > limit:
            return pos
    return len(line)


# --- rotation ciphers and run-length encoders ----------------------------------------------------------------------


def caesar(text, shift):  # type: ignore[no-untyped-def]
    out = []
    for c in text:
        if "a" <= c <= "z":
            out.append(chr((ord(c) - 97 + shift) % 26 + 97))
        elif "A" <= c <= "Z":
            out.append(chr((ord(c) - 65 + shift) % 26 + 65))
        else:
            out.append(c)
    return "".join(out)


def rot_alphabet(message, alphabet, k):  # type: ignore[no-untyped-def]
    result = ""
    for ch in message:
        if ch in alphabet:
            result += alphabet[(alphabet.index(ch) + k) % len(alphabet)]
        else:
            result += ch
    return result


def rot13_upper(s):  # type: ignore[no-untyped-def]
    res = ""
    for c in s.upper():
        if c.isalpha():  # noqa: SIM108  (the spelling under test)
            res = res + chr((ord(c) - 52) % 26 + 65)
        else:
            res = res + c
    return res


def run_length(s):  # type: ignore[no-untyped-def]
    if not s:
        return ""
    out = ""
    run = 1
    for i in range(1, len(s)):
        if s[i] == s[i - 1]:
            run += 1
        else:
            out += s[i - 1] + str(run)
            run = 1
    return out + s[-1] + str(run)


def run_length_list(text):  # type: ignore[no-untyped-def]
    parts = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        parts.append(text[i])
        for d in str(j - i):
            parts.append(d)
        i = j
    return "".join(parts)


def squeeze_runs(s, limit):  # type: ignore[no-untyped-def]
    out = ""
    same = 0
    for i, c in enumerate(s):
        same = same + 1 if i and c == s[i - 1] else 1
        if same <= limit:
            out += c
    return out


# --- shapes that cannot be exact on code points --------------------------------------------------------------------


def words_split(s, sep):  # type: ignore[no-untyped-def]
    return len(s.split(sep)) + len(sep)


def ratio_of(s, t):  # type: ignore[no-untyped-def]
    return len(s) / (len(t) + 1) > 0.5 and s[0] == t


def formatted(s, n):  # type: ignore[no-untyped-def]
    out = ""
    for c in s:
        out += "%s%d" % (c, n)  # noqa: UP031  (the spelling under test)
    return out


# --- inputs --------------------------------------------------------------------------------------------------------

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"
_ODD = ["é😀x\udc80", "ß", "\U0010fffd", ""]


def _shuffled(rng: random.Random) -> str:
    return "".join(rng.sample(_ALPHABET, len(_ALPHABET)))


def _salt_inputs(seed: int) -> Inputs:
    rng = random.Random(seed)
    found: Inputs = [((_shuffled(rng), "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 40)))), {})]
    found += [((_shuffled(rng), "".join(rng.choice(_ALPHABET) for _ in range(12))), {}) for _ in range(12)]
    found += [((_ALPHABET * 40, "salt"), {}), (("", "abc"), {}), (("a", ""), {}), ((_shuffled(rng), ""), {})]
    found += [((odd + _ALPHABET, "😀" + odd), {}) for odd in _ODD]
    return found


def _number_inputs(seed: int, *, negative: bool = True) -> Inputs:
    rng = random.Random(seed)
    found: Inputs = [((rng.randrange(0, 10**15), _shuffled(rng)), {}) for _ in range(12)]
    found += [((0, "ab"), {}), ((7, "xy"), {}), ((10**30, DIGITS), {}), ((2**63 - 1, DIGITS), {})]
    found += [((123456789, "é😀\udc80"), {}), ((True, DIGITS), {})]
    if negative:  # encode_prepend never ends on a negative number (-1 // base is -1)
        found += [((-5, DIGITS), {}), ((-(2**63), DIGITS), {}), ((-(2**63) + 1, DIGITS), {})]
    return found


def _decode_inputs(seed: int) -> Inputs:
    rng = random.Random(seed)
    alphabet = DIGITS[:16]
    found: Inputs = [
        (("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))), alphabet), {}) for _ in range(12)
    ]
    found += [(("", alphabet), {}), (("ff", alphabet), {}), (("f" * 40, alphabet), {}), (("xyz!", alphabet), {})]
    found += [(("1é", alphabet + "é"), {}), (("😀a", "a😀"), {}), (("abc", ""), {})]
    return found


def _text_inputs(seed: int, extra: tuple[Any, ...] = ()) -> Inputs:
    rng = random.Random(seed)
    letters = "abcdefgh XYZ.,-aaa" + "".join(chr(c) for c in range(0x4E00, 0x4E06)) + "\u0301\u200b"
    found: Inputs = [(("".join(rng.choice(letters) for _ in range(n)), *extra), {}) for n in (3000, 400, 40, 7, 1, 0)]
    found += [(("bell\x07", *extra), {}), (("ǆß ﬃ😀\udc80", *extra), {}), (("aaaabbbccd" * 20, *extra), {})]
    return found


def _proposed(func: Any, inputs: Inputs) -> tuple[str | None, list[str]]:
    proposer = NumbaProposer()
    found = proposer.propose(observed_context(func, inputs, module_source=True), n=1)
    return (found[0].source if found else None), proposer.rejections


def _outcome(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        return func(*args, **kwargs)
    except Exception as exc:  # the original's own exception: the candidate must raise the same type
        return type(exc)


def _check(func: Any, inputs: Inputs, wider: Inputs) -> None:
    """The candidate exists, is a text kernel, passes the verifier, and answers as the original on ``wider``."""
    source, rejections = _proposed(func, inputs)
    assert source is not None, rejections
    assert "_pkt_arg(" in source, "not the text kernel"
    original = CodeRef(func.__module__, func.__name__)
    candidate = CodeRef(func.__module__, func.__name__, source)
    verdict = verify(original, candidate, inputs, min_timeout=60.0)
    assert verdict.ok and verdict.checked == len(inputs), verdict.reason
    compiled = candidate.load()
    for args, kwargs in inputs + wider:
        expected, got = _outcome(func, args, kwargs), _outcome(compiled, args, kwargs)
        assert got == expected and type(got) is type(expected), (args, kwargs)


_SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    "func", [salted_shuffle, pytest.param(swap_walk, marks=_SLOW), pytest.param(keyed_rotation, marks=_SLOW)]
)
def test_reorders_of_an_alphabet_by_a_salt(func: Any) -> None:
    _check(func, _salt_inputs(1), _salt_inputs(2))


@pytest.mark.parametrize(
    "func",
    [
        pytest.param(encode_prepend, marks=_SLOW),
        pytest.param(encode_reversed, marks=_SLOW),
        pytest.param(encode_fixed, marks=_SLOW),
    ],
)
def test_base_n_encoders_hand_big_ints_and_bools_to_the_original(func: Any) -> None:
    negative = func is not encode_prepend
    _check(func, _number_inputs(1, negative=negative), _number_inputs(2, negative=negative))


@pytest.mark.parametrize(
    "func", [decode_index, pytest.param(decode_find, marks=_SLOW), pytest.param(decode_checked, marks=_SLOW)]
)
def test_decoders_raise_value_error_where_the_original_does(func: Any) -> None:
    inputs = _decode_inputs(1)
    _check(func, inputs, _decode_inputs(2))
    compiled = CodeRef(func.__module__, func.__name__, _proposed(func, inputs)[0]).load()
    if func is not decode_checked:
        with pytest.raises(ValueError):
            compiled("12z", DIGITS[:16])  # z is not in the alphabet: .index raises, the original runs and raises


@pytest.mark.parametrize(
    "func", [text_width, pytest.param(width_linear, marks=_SLOW), pytest.param(columns_until, marks=_SLOW)]
)
def test_width_sums_over_module_tables(func: Any) -> None:
    extra = (30,) if func is columns_until else ()
    inputs = _text_inputs(1, extra)
    wider = _text_inputs(2, extra)
    if func is text_width:
        wider += [(("abc" * 5, 4), {}), (("ab",), {"n": 1})]  # a prefix length: the kernel was made for None
    _check(func, inputs, wider)


@pytest.mark.parametrize(
    ("func", "extra"),
    [
        pytest.param(caesar, (3,), marks=_SLOW),
        pytest.param(rot_alphabet, (DIGITS, 7), marks=_SLOW),
        pytest.param(rot13_upper, (), marks=_SLOW),
    ],
)
def test_rotation_ciphers(func: Any, extra: tuple[Any, ...]) -> None:
    _check(func, _text_inputs(1, extra), _text_inputs(2, extra))


@pytest.mark.parametrize(
    "func",
    [
        pytest.param(run_length, marks=_SLOW),
        pytest.param(run_length_list, marks=_SLOW),
        pytest.param(squeeze_runs, marks=_SLOW),
    ],
)
def test_run_length_encoders(func: Any) -> None:
    extra = (2,) if func is squeeze_runs else ()
    _check(func, _text_inputs(1, extra), _text_inputs(2, extra))


def test_non_ascii_case_maps_go_to_the_original() -> None:
    inputs = _text_inputs(3)
    source, rejections = _proposed(rot13_upper, inputs)
    assert source is not None, rejections
    compiled = CodeRef(__name__, "rot13_upper", source).load()
    for word in ("straße", "ǆemal", "ﬃx", "abc"):
        assert compiled(word) == rot13_upper(word)


@_SLOW
def test_a_plausible_wrong_kernel_is_rejected_by_the_verifier() -> None:
    inputs = _salt_inputs(4)
    source, rejections = _proposed(salted_shuffle, inputs)
    assert source is not None, rejections
    wrong = source.replace("j = _pkb_add(_pkb_add(code, v), p) % i", "j = _pkb_add(code, p) % i")
    assert wrong != source
    original = CodeRef(__name__, "salted_shuffle")
    verdict = verify(original, CodeRef(__name__, "salted_shuffle", wrong), inputs, min_timeout=60.0)
    assert not verdict.ok


@pytest.mark.parametrize(
    ("func", "args", "reason"),
    [
        (words_split, ("a b c", " "), "calls .split()"),
        (ratio_of, ("abc", "a"), "divides"),
        (formatted, ("abc", 3), "does not take"),
    ],
)
def test_shapes_that_are_not_exact_on_code_points_get_no_candidate(
    func: Any, args: tuple[Any, ...], reason: str
) -> None:
    source, rejections = _proposed(func, [(args, {}), (args, {})])
    assert source is None
    assert any(reason in r for r in rejections), rejections
