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


@dataclass(frozen=True)
class Pattern:
    """``prefix + segment * k + suffix`` for parameter ``slot``; the three parts share the value's type."""

    slot: str
    prefix: Any
    segment: Any
    suffix: Any
    origin: str = ""

    def render(self, size: int) -> Any:
        """The value of length ``size`` (at most): the prefix, the segment repeated to fill, the suffix; prefix
        and suffix are cut when they alone would not fit."""
        pre, seg, suf = self.prefix, self.segment, self.suffix
        if len(pre) + len(suf) > size // 2:  # keep room for the pump: it is what grows
            pre, suf = pre[: size // 4], suf[len(suf) - size // 4 :] if size // 4 else suf[:0]
        room = size - len(pre) - len(suf)
        if not seg or room <= 0:
            return (pre + suf)[:size]
        body = seg * (room // len(seg) + 1)
        return pre + body[:room] + suf

    def key(self) -> tuple[str, str, str, str]:
        return self.slot, repr(self.prefix), repr(self.segment), repr(self.suffix)

    def show(self) -> str:
        return f"{self.slot}: {self.prefix!r} + {self.segment!r} * k + {self.suffix!r}"


def pumpable(value: Any) -> bool:
    """Whether ``value`` can be pumped: a str, bytes, list or tuple."""
    return isinstance(value, str | bytes | list | tuple)


def empty_like(value: Any) -> Any:
    return value[:0]


def convert(text: str, like: Any) -> Any | None:
    """``text`` as a value of ``like``'s type (str or bytes), or None for other types."""
    if isinstance(like, str):
        return text
    if isinstance(like, bytes):
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
    move = rng.randrange(9)
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
    else:
        seg = piece if len(piece) else seg
    return Pattern(pattern.slot, pre, seg, suf, "mutated")


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
    """The string literals of ``func``'s code (nested functions included) and of the Python functions and
    methods it names, ``depth`` calls deep; each at most MAX_TOKEN characters, at most MAX_TOKENS in all."""
    seen_code: set[int] = set()
    found: dict[str, None] = {}
    frontier: list[Any] = [func]
    for _ in range(depth + 1):
        following: list[Any] = []
        for item in frontier:
            code = getattr(item, "__code__", None)
            if code is None or id(code) in seen_code:
                continue
            namespace = getattr(item, "__globals__", {})
            for sub in _codes(code):
                seen_code.add(id(sub))
                for const in sub.co_consts:
                    if isinstance(const, str) and 0 < len(const) <= MAX_TOKEN and const not in found:
                        found[const] = None
                    elif isinstance(const, bytes) and 0 < len(const) <= MAX_TOKEN:
                        found.setdefault(const.decode("latin-1"), None)
                for name in sub.co_names:
                    following.extend(_functions(namespace.get(name)))
        frontier = following
        if len(found) >= MAX_TOKENS:
            break
    return [text for text in found if not text.startswith("__")][:MAX_TOKENS]


def _codes(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _functions(value: Any) -> list[Any]:
    if isinstance(value, types.FunctionType):
        return [value]
    if isinstance(value, type) and value.__module__ not in ("builtins",):
        return [v for v in vars(value).values() if isinstance(v, types.FunctionType)][:20]
    return []
