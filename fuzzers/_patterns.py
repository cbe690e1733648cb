"""Input patterns: small programs ``prefix + segment * k + suffix`` that generate an input of any size.

Worst cases are usually a pattern repeated (Singularity, ESEC/FSE 2018; SlowFuzz and PerfFuzz find them one
mutation at a time). A :class:`Pattern` renders a value of the same type as the one it pumps (str, bytes, list,
tuple) at a given length, so it can be measured at several sizes and scored by how its cost grows
(:func:`growth`), and mutated into neighbours (:func:`mutate`). :func:`string_constants` collects the literals of
the target's code (and of the functions it names): prefixes, suffixes and segments for patterns, and entries of
atheris' dictionary.
"""

from __future__ import annotations

import math
import random
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

GENERIC_CHARS = " \t\n!\"#%&'()*+,-./0:;<=>?@[\\]^_`{|}~aA1"  # separators parsers split on, and a few word chars
MAX_TOKEN = 32
MAX_TOKENS = 200
MAX_MODULES = 8  # modules whose every function the constants are read from (byte_constants)
MAX_CODES = 400  # functions read per module


@dataclass(frozen=True)
class Pattern:
    """``prefix + segment * k + suffix`` for parameter ``slot``; the three parts share the value's type."""

    slot: str
    prefix: Any
    segment: Any
    suffix: Any
    origin: str = ""
    count: str = ""  # a length field between prefix and pump (COUNTS): formats that say how long the body is

    def render(self, size: int) -> Any:
        """The value of length ``size`` (at most): the prefix, the segment repeated to fill, the suffix; prefix
        and suffix are cut when they alone would not fit. With ``count``, the prefix ends with the length of what
        follows it (see :func:`length_field`)."""
        pre, seg, suf = self.prefix, self.segment, self.suffix
        if len(pre) + len(suf) > size // 2:  # keep room for the pump: it is what grows
            pre, suf = pre[: size // 4], suf[len(suf) - size // 4 :] if size // 4 else suf[:0]
        if self.count and isinstance(pre, str | bytes):
            field = length_field(self.count, size - len(pre) - len(suf), seg, like=pre)
            room = size - len(pre) - len(field) - len(suf)
            body = seg * (max(room, 0) // max(len(seg), 1) + 1) if seg else seg
            return pre + length_field(self.count, room, seg, like=pre) + body[: max(room, 0)] + suf
        room = size - len(pre) - len(suf)
        if not seg or room <= 0:
            return (pre + suf)[:size]
        body = seg * (room // len(seg) + 1)
        return pre + body[:room] + suf

    def key(self) -> tuple[str, str, str, str]:
        return self.slot, repr(self.prefix), repr(self.segment), repr(self.suffix) + self.count

    def show(self) -> str:
        field = f" + len:{self.count}" if self.count else ""
        return f"{self.slot}: {self.prefix!r}{field} + {self.segment!r} * k + {self.suffix!r}"


COUNTS = ("ber", "dec")  # length fields: BER/DER definite length of the bytes that follow; decimal count of pumps


def length_field(kind: str, room: int, segment: Any, *, like: Any) -> Any:
    """The length field ``kind`` for a body of ``room`` items (a value of ``like``'s type, str as Latin-1):
    "ber", the BER/DER definite length of the body (one byte below 128, else 0x80 + the number of bytes, then the
    length big-endian); "dec", the number of whole segments in decimal."""
    room = max(room, 0)
    if kind == "ber":
        if room < 0x80:
            raw = bytes([room])
        else:
            digits = room.to_bytes((room.bit_length() + 7) // 8, "big")
            raw = bytes([0x80 | len(digits)]) + digits
        text = raw.decode("latin-1")
    elif kind == "dec":
        text = str(room // max(len(segment), 1))
    else:
        return like[:0]
    return text if isinstance(like, str) else text.encode("latin-1")


def pumpable(value: Any) -> bool:
    """Whether ``value`` can be pumped: a str, bytes, list or tuple."""
    return isinstance(value, str | bytes | list | tuple)


def empty_like(value: Any) -> Any:
    return value[:0]


def convert(text: str, like: Any) -> Any | None:
    """``text`` as a value of ``like``'s type (str or bytes: Latin-1 when it fits, one byte per character, else
    UTF-8), or None for other types."""
    if isinstance(like, str):
        return text
    if isinstance(like, bytes):
        if all(ord(c) < 256 for c in text):
            return text.encode("latin-1")
        return text.encode("utf-8", "surrogatepass")
    return None


def from_value(slot: str, value: Any, rng: random.Random, *, origin: str) -> list[Pattern]:
    """Patterns read off an input: segments of a few lengths at a few places, with what stood before as prefix
    and the value's end as suffix (a slow input usually has its pump inside and an ending that makes the work
    fail late)."""
    n = len(value)
    if not n:
        return []
    out: list[Pattern] = []
    starts = sorted({0, n // 3, n // 2, rng.randrange(n)})
    for length in (1, 2, 3, 4, 8):
        for start in starts:
            seg = value[start : start + length]
            if len(seg) < length and length > 1:
                continue
            pre = value[:start][:16]
            for suf in (empty_like(value), value[-1:] if start + length < n else empty_like(value), value[-4:]):
                out.append(Pattern(slot, pre, seg, suf, origin))
    unique = {p.key(): p for p in out}
    return list(unique.values())


def alphabet(values: Iterable[Any], tokens: Sequence[str], like: Any) -> list[Any]:
    """Items patterns are built from: those of ``values``, of the tokens (for strings), a few separators."""
    items: list[Any] = []
    for value in values:
        items.extend(value[i : i + 1] if isinstance(value, str | bytes) else [value[i]] for i in range(len(value)))
    if isinstance(like, str | bytes):
        for text in [*tokens, GENERIC_CHARS]:
            converted = convert(text, like)
            if converted is not None:
                items.extend(converted[i : i + 1] for i in range(len(converted)))
    elif not items:
        items = [[0], [1], [-1]]
    unique: dict[str, Any] = {}
    for item in items:
        unique.setdefault(repr(item), item)
    return list(unique.values())[:400]


def _one(item: Any, like: Any) -> Any:
    """An alphabet item as a length-1 piece of ``like``'s type."""
    if isinstance(like, str | bytes):
        return item
    if isinstance(item, list):
        return tuple(item) if isinstance(like, tuple) else item
    return (item,) if isinstance(like, tuple) else [item]


def mutate(pattern: Pattern, rng: random.Random, letters: Sequence[Any], pieces: Sequence[Any]) -> Pattern:
    """A neighbour of ``pattern``: one part changed (a letter replaced, inserted or dropped; the segment doubled;
    a prefix or suffix taken from ``pieces``, the code's constants, or dropped)."""
    like = pattern.segment if len(pattern.segment) else pattern.prefix
    pre, seg, suf = pattern.prefix, pattern.segment, pattern.suffix
    letter = _one(rng.choice(letters), like) if letters else seg[:1]
    piece = rng.choice(pieces) if pieces else letter
    count = pattern.count
    move = rng.randrange(10)
    if move == 0 and seg:
        i = rng.randrange(len(seg))
        seg = seg[:i] + letter + seg[i + 1 :]
    elif move == 1 and len(seg) < 16:
        i = rng.randrange(len(seg) + 1)
        seg = seg[:i] + letter + seg[i:]
    elif move == 2 and len(seg) > 1:
        i = rng.randrange(len(seg))
        seg = seg[:i] + seg[i + 1 :]
    elif move == 3 and len(seg) <= 8:
        seg = seg + seg
        i = rng.randrange(len(seg))
        seg = seg[:i] + letter + seg[i + 1 :]
    elif move == 4:
        suf = letter if rng.random() < 0.5 else suf + letter
    elif move == 5:
        suf = piece
    elif move == 6:
        pre = piece
    elif move == 7:
        pre, suf = (pre[:0], suf) if rng.random() < 0.5 else (pre, suf[:0])
    elif move == 8 or not isinstance(like, str | bytes):
        seg = piece if len(piece) else seg
    else:  # a length field after the prefix, another one, or none
        count = rng.choice([c for c in ("", *COUNTS) if c != count])
    return Pattern(pattern.slot, pre, seg, suf, "mutated", count)


def growth(points: Sequence[tuple[int, float]]) -> float:
    """The slope of log(cost) over log(size): how the cost grows (1: linearly, 2: quadratically, large and
    rising: exponentially). Points with a cost or size of 0 are left out; fewer than two points: 0."""
    pts = [(math.log(n), math.log(c)) for n, c in points if n > 0 and c > 0]
    if len({x for x, _ in pts}) < 2:
        return 0.0
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx


def predicted(points: Sequence[tuple[int, float]], size: int) -> float:
    """log of the cost at ``size`` extrapolated from the largest measured point along the fitted growth."""
    pts = [(n, c) for n, c in points if n > 0 and c > 0]
    if not pts:
        return -math.inf
    n, c = max(pts)
    return math.log(c) + max(growth(pts), 0.0) * (math.log(size) - math.log(n))


def string_constants(func: Callable[..., Any], *, depth: int = 2) -> list[str]:
    """The string literals of ``func``'s code (nested functions included) and of the Python functions, methods,
    classes and modules it names (and the classes of the objects it names: ``decode = Decoder()``), ``depth``
    calls deep; bytes literals as Latin-1 text; each at most MAX_TOKEN characters, at most MAX_TOKENS in all.
    Those the code compares its data with come first (:func:`compared`: ``line.startswith(b"startxref")``,
    ``tag == "bytes"``, ``b"%%EOF" in data``), then the others (messages, keys), nearest code first."""
    first: dict[str, None] = {}
    other: dict[str, None] = {}
    for code in _code_objects(func, depth=depth):
        tested = compared(code)
        for const in _flat(code.co_consts):
            if isinstance(const, bytes):
                const = const.decode("latin-1")
            if isinstance(const, str) and 0 < len(const) <= MAX_TOKEN and not const.startswith("__"):
                (first if const in tested else other).setdefault(const, None)
        if len(first) >= MAX_TOKENS:
            break
    return list(dict.fromkeys([*first, *other]))[:MAX_TOKENS]


COMPARING_METHODS = frozenset(
    {
        "startswith", "endswith", "find", "rfind", "index", "rindex", "split", "rsplit", "partition", "rpartition",
        "strip", "lstrip", "rstrip", "count", "replace", "removeprefix", "removesuffix", "search", "match",
        "fullmatch", "get",
    }
)  # fmt: skip
COMPARING_OPS = frozenset({"COMPARE_OP", "CONTAINS_OP", "GET_ITER"})


def compared(code: types.CodeType) -> set[str]:
    """The str and bytes constants (bytes as Latin-1) that ``code`` itself compares data with: an operand of
    ``==``/``!=``/``in``, an argument of ``startswith``, ``find``, ``split``, ... (COMPARING_METHODS), or an item
    of a constant tuple iterated over or tested with ``in``."""
    import dis

    out: set[str] = set()
    try:
        ops = list(dis.get_instructions(code))
    except Exception:
        return out
    for i, op in enumerate(ops):
        if op.opname != "LOAD_CONST" or not isinstance(op.argval, str | bytes | tuple | frozenset):
            continue
        after = [o.opname for o in ops[i + 1 : i + 3]]
        before = [o.argval for o in ops[max(0, i - 3) : i] if o.opname in ("LOAD_METHOD", "LOAD_ATTR")]
        if any(a in COMPARING_OPS for a in after) or any(b in COMPARING_METHODS for b in before):
            values = op.argval if isinstance(op.argval, tuple | frozenset) else (op.argval,)
            for value in values:
                if isinstance(value, bytes):
                    out.add(value.decode("latin-1"))
                elif isinstance(value, str):
                    out.add(value)
    return out


def byte_constants(func: Callable[..., Any], *, depth: int = 2) -> list[str]:
    """One-character tokens for the small integers the code compares bytes with or masks them by (``tag ==
    0x1F``, ``octet & 0x80``), as Latin-1 characters: each integer in 8..255 (smaller ones are mostly indices
    and counts), the integer with its lowest bit set too (a flag bit and a non-zero value), and 0xFF (every bit
    set); read from every function of the modules the target reaches. Empty when the code has none."""
    ints = [c for c in _constants(func, depth=depth, modules=True) if type(c) is int and 8 <= c < 256]
    if not ints:
        return []
    out = dict.fromkeys(chr(v) for c in ints for v in (c, c | 1))
    return list(dict.fromkeys(["\xff", *out]))[:MAX_TOKENS]


def binary_format(ones: Sequence[str]) -> bool:
    """Whether the byte constants (:func:`byte_constants`) say the code reads a binary format: it tests bytes
    against values with the high bit set (a flag, a long form), beyond the 0xFF every list starts with."""
    return any(ord(c) >= 0x80 for c in ones[1:])


def sub_tokens(tokens: Iterable[str], *, limit: int = MAX_TOKENS) -> list[str]:
    """The parts of the tokens between their punctuation and spaces (``"multipart/form-data; boundary=b"``: its
    words, ``b`` among them), each part with the punctuation that follows it (``"bytes="``), none already a token."""
    import re

    have = set(tokens)
    out: dict[str, None] = {}
    for token in tokens:
        for match in re.finditer(r"(\w+)(\W?)", token):
            for part in (match.group(1), match.group(1) + match.group(2)):
                if part not in have:
                    out.setdefault(part, None)
        if len(out) >= limit:
            break
    return list(out)[:limit]


def _constants(func: Callable[..., Any], *, depth: int, modules: bool = False) -> Iterable[Any]:
    """The constants of :func:`_code_objects` (items of constant tuples too)."""
    for code in _code_objects(func, depth=depth, modules=modules):
        yield from _flat(code.co_consts)


def _code_objects(func: Callable[..., Any], *, depth: int, modules: bool = False) -> Iterable[types.CodeType]:
    """The code objects of ``func`` (nested ones too) and of those it reaches by name, ``depth`` names deep; with
    ``modules``, then those of every function and class of the modules those functions live in (a decoder's
    loop is often in a class the entry point reaches only through an attribute)."""
    seen_code: set[int] = set()
    frontier: list[tuple[Any, Any]] = [(func, None)]  # (function, the class whose method it is)
    reached: dict[str, None] = {}
    for _ in range(depth + 1):
        following: list[tuple[Any, Any]] = []
        for item, owner in frontier:
            code = getattr(item, "__code__", None)
            if code is None or id(code) in seen_code:
                continue
            reached.setdefault(getattr(item, "__module__", None) or "", None)
            namespace = getattr(item, "__globals__", {})
            for sub in _codes(code):
                seen_code.add(id(sub))
                yield sub
                for name in sub.co_names:
                    value = namespace.get(name)
                    cls = value if isinstance(value, type) else type(value) if _instance(value) else None
                    following.extend((f, cls) for f in _functions(value, name=name, names=sub.co_names))
                    if owner is not None:  # self.read(...): the method of the same class, by name
                        method = _static(owner, name)
                        following.extend((f, owner) for f in _functions(method))
        frontier = following
    if not modules:
        return
    import sys

    for name in list(reached)[:MAX_MODULES]:
        module = sys.modules.get(name)
        if module is None or name in ("", "builtins") or name.startswith(("perfkit", "_")):
            continue
        values = list(vars(module).values())
        items = [f for v in values if getattr(v, "__module__", None) == name for f in _functions(v, limit=60)]
        for item in items[:MAX_CODES]:
            code = getattr(item, "__code__", None)
            if code is None or id(code) in seen_code:
                continue
            for sub in _codes(code):
                seen_code.add(id(sub))
                yield sub


def _static(owner: type, name: str) -> Any:
    import inspect

    try:
        return inspect.getattr_static(owner, name)
    except AttributeError:
        return None


def _instance(value: Any) -> bool:
    """An object of a class defined outside builtins that can be called (``decode = Decoder()``)."""
    kind = type(value)
    return kind.__module__ not in ("builtins",) and hasattr(kind, "__dict__") and callable(value)


def _flat(consts: Iterable[Any]) -> Iterable[Any]:
    """Constants with the items of constant tuples and frozensets (``x in (b"%%EO", b"%%E")``) among them."""
    for const in consts:
        if isinstance(const, tuple | frozenset):
            yield from (c for c in const if not isinstance(c, tuple | frozenset))
        else:
            yield const


def _codes(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _functions(value: Any, *, name: str = "", names: Sequence[str] = (), limit: int = 20) -> list[Any]:
    """The Python functions behind a name: a function, a class's methods (class and static methods too), a
    module's attributes the code names (``decoder.decode``), an object's class's methods."""
    if isinstance(value, types.FunctionType):
        return [value]
    if isinstance(value, types.MethodType | classmethod | staticmethod):
        return _functions(value.__func__)
    if isinstance(value, type):
        if value.__module__ in ("builtins",):
            return []
        entry = ("__init__", "__new__", "__call__", "__enter__", "__iter__")  # what calling or using it runs first
        named = sorted(vars(value).items(), key=lambda kv: kv[0] not in entry)
        methods = [v.fget if isinstance(v, property) else v for _, v in named]
        kinds = types.FunctionType | classmethod | staticmethod
        return [f for v in methods if isinstance(v, kinds) for f in _functions(v)][:limit]
    if isinstance(value, types.ModuleType):
        return [f for n in names if n != name for f in _functions(getattr(value, n, None))][:20]
    if _instance(value):
        return [f for k in type(value).__mro__[:4] if k is not object for f in _functions(k)][:40]
    return []
