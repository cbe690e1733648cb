"""Shapes of observed values, and hypothesis strategies that draw values of the same shape.

A parameter's *shape* is what its observed values have in common: the exact types seen (a union when several
were), and for each type its element shapes (lists, sets and dicts recursively; tuples of one arity keep a shape
per position), its lengths, the range of its numbers, the characters of its strings. Values of other classes
(instances) cannot be invented: their observed values are kept and reused as deep copies.

Strategies come in two modes and never change a value's *type* (a list of ints stays a list of ints, a dict's
key type stays, a fixed-arity tuple keeps its arity):

- ``observed`` (fuzzing): close to what was seen: numbers within the observed range (a top-level int may grow to
  ``max_size``), strings from the observed characters, collections from the smallest observed length up to
  ``max_size``.
- ``widened`` (verification): beyond what was seen wherever the type allows: zero, negatives, empty and
  one-element collections, many duplicates, ints beyond 2**31 and 2**63, floats including -0.0, tiny and huge
  ones, whole floats beside the same ints (``1.0`` and ``1``), strings with mixed case, other scripts, combining
  marks and characters beyond the BMP. A top-level int is widened to zero and negatives but not above its
  largest observed value (it is often a size or a loop bound). NaN and infinities are drawn among floats inside
  collections, and at the top level only where they were seen. Types never change here: what a candidate may
  meet beyond them is handed to the original by its guard (``perfkit.optimizers._unexplored.seen_types``).
"""

from __future__ import annotations

import copy
import inspect
import math
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

Mode = Literal["observed", "widened"]
MODES = ("observed", "widened")
KEPT = 32  # observed values kept per shape (strings, bytes, instances)
ARITY = 8  # tuples of one length up to this stay fixed-arity records
ITEMS = 4000  # items examined per observed collection (evenly spread over it)
DEPTH = 8  # nesting depth examined; deeper values are kept as observed values
_EDGE_INTS = (0, 1, -1, 2, -2, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63 - 1, 2**63, -(2**63), 2**64 + 1)
_EDGE_FLOATS = (0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -1.5, 1e-300, -1e-300, 5e-324, 1e300, -1e300, 2.0**53 + 1, 0.1)
_SPECIAL_FLOATS = (math.nan, math.inf, -math.inf)
_EXTRA_CHARS = "ßẞİıǅΣςÅé\u0301\u0308\u200bﬁ😀\U0001d518\U0001f1eb\U0001f1f7"  # case traps, combining marks, non-BMP
_CLASSES = (
    ("digits", set(string.digits)),
    ("lowercase", set(string.ascii_lowercase)),
    ("uppercase", set(string.ascii_uppercase)),
    ("whitespace", set(string.whitespace)),
    ("punctuation", set(string.punctuation)),
)


@dataclass(frozen=True)
class Scalar:
    """None or bool."""

    type: type

    def describe(self) -> str:
        return "None" if self.type is type(None) else self.type.__name__


@dataclass(frozen=True)
class Number:
    """int or float within ``low..high``; ``nan``/``inf``: such floats were seen."""

    type: type
    low: float
    high: float
    nan: bool = False
    inf: bool = False

    def describe(self) -> str:
        extra = "".join(f", {w}" for w, seen in (("nan", self.nan), ("inf", self.inf)) if seen)
        from perfkit.format import short

        return f"{self.type.__name__} {short(self.low)}..{short(self.high)}{extra}"


@dataclass(frozen=True)
class Text:
    """str, bytes or bytearray of ``min_len..max_len``; ``alphabet``: characters seen (str only)."""

    type: type
    min_len: int
    max_len: int
    alphabet: str
    values: tuple[Any, ...]

    def describe(self) -> str:
        text = f"{self.type.__name__} len {self.min_len}..{self.max_len}"
        if self.type is str:
            text += f", chars: {', '.join(char_classes(self.alphabet)) or 'none'}"
        return text


@dataclass(frozen=True)
class Collection:
    """list, set, frozenset or tuple of any length, with one shape for the items (None: only empty ones seen)."""

    type: type
    item: Shape | None
    min_len: int
    max_len: int

    def describe(self) -> str:
        inner = self.item.describe() if self.item is not None else "nothing"
        return f"{self.type.__name__}[{inner}] len {self.min_len}..{self.max_len}"


@dataclass(frozen=True)
class Record:
    """A tuple of one fixed arity, with a shape per position."""

    items: tuple[Shape, ...]

    def describe(self) -> str:
        return f"tuple[{', '.join(item.describe() for item in self.items)}]"


@dataclass(frozen=True)
class Mapping:
    """A dict: shapes of the keys and of the values (None: only empty dicts seen)."""

    key: Shape | None
    value: Shape | None
    min_len: int
    max_len: int

    def describe(self) -> str:
        if self.key is None or self.value is None:
            return "dict[nothing] len 0..0"
        return f"dict[{self.key.describe()}, {self.value.describe()}] len {self.min_len}..{self.max_len}"


@dataclass(frozen=True)
class Opaque:
    """Values of a type perfkit cannot generate: the observed ones (at most KEPT) are reused as deep copies."""

    type: type
    values: tuple[Any, ...]

    def describe(self) -> str:
        return f"{self.type.__qualname__} ({len(self.values)} observed values reused)"


Kind = Scalar | Number | Text | Collection | Record | Mapping | Opaque


@dataclass(frozen=True)
class Shape:
    """The union of the kinds of value seen in one place."""

    kinds: tuple[Kind, ...]

    def describe(self) -> str:
        return " | ".join(kind.describe() for kind in self.kinds) or "nothing"

    def opaque(self) -> list[Opaque]:
        """The kinds (here and nested) whose values are reused rather than generated."""
        found: list[Opaque] = []
        for kind in self.kinds:
            if isinstance(kind, Opaque):
                found.append(kind)
            for inner in _inner(kind):
                found.extend(inner.opaque())
        return found


@dataclass(frozen=True)
class Observed:
    """The shape of each parameter of a function over its observed calls (``calls``: the samples that bound)."""

    shapes: dict[str, Shape]
    calls: int

    def describe(self) -> str:
        return "; ".join(f"{name}: {shape.describe()}" for name, shape in self.shapes.items()) or "no parameters"

    def notes(self) -> list[str]:
        """What is reused rather than generated, one line per parameter."""
        out = []
        for name, shape in self.shapes.items():
            reused = sorted({kind.type.__qualname__ for kind in shape.opaque()})
            if reused:
                out.append(f"parameter {name!r}: {', '.join(reused)} values cannot be generated; observed ones reused")
        return out


def observe(func: Callable[..., Any], samples: Iterable[tuple[tuple[Any, ...], dict[str, Any]]]) -> Observed:
    """The shape of each parameter of ``func`` over ``samples`` (``(args, kwargs)`` pairs); samples that do not
    bind to its signature are ignored. ``*args`` has the shape of the extra positional tuples; ``**kwargs`` is
    left out."""
    signature = inspect.signature(func)
    named = [p.name for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    values: dict[str, list[Any]] = {name: [] for name in named}
    calls = 0
    for args, kwargs in samples:
        try:
            bound = signature.bind(*args, **kwargs).arguments
        except TypeError:
            continue
        calls += 1
        for name in named:
            if name in bound:
                values[name].append(bound[name])
    return Observed({name: shape_of(seen) for name, seen in values.items() if seen}, calls)


def shape_of(values: Iterable[Any], *, depth: int = 0) -> Shape:
    """The shape of ``values`` (all observed in one place)."""
    groups: dict[Any, list[Any]] = {}
    for value in values:
        groups.setdefault(_group(value, depth), []).append(value)
    return Shape(tuple(_kind(key, seen, depth) for key, seen in groups.items()))


def _group(value: Any, depth: int) -> Any:
    kind = type(value)
    if depth >= DEPTH and kind not in (type(None), bool, int, float, str, bytes):
        return ("opaque", kind)
    if kind in (type(None), bool, int, float, str, bytes, bytearray, list, set, frozenset, dict, tuple):
        return kind
    return ("opaque", kind)


def _kind(key: Any, seen: list[Any], depth: int) -> Kind:
    if isinstance(key, tuple):
        return Opaque(key[1], _distinct(seen))
    if key in (type(None), bool):
        return Scalar(key)
    if key in (int, float):
        finite = [v for v in seen if not (isinstance(v, float) and not math.isfinite(v))]
        low, high = (min(finite), max(finite)) if finite else (0, 0)
        nan = any(v != v for v in seen)
        inf = any(isinstance(v, float) and math.isinf(v) for v in seen)
        return Number(key, low, high, nan, inf)
    if key in (str, bytes, bytearray):
        lengths = [len(v) for v in seen]
        alphabet = "".join(sorted({c for v in seen[: KEPT * 4] if isinstance(v, str) for c in _spread(v)}))[:400]
        return Text(key, min(lengths), max(lengths), alphabet, _distinct(seen))
    lengths = [len(v) for v in seen]
    if key is dict:
        keys = [k for v in seen for k in _spread(list(v))]
        vals = [x for v in seen for x in _spread(list(v.values()))]
        if not keys:
            return Mapping(None, None, 0, 0)
        return Mapping(shape_of(keys, depth=depth + 1), shape_of(vals, depth=depth + 1), min(lengths), max(lengths))
    if key is tuple and len(set(lengths)) == 1 and 0 < lengths[0] <= ARITY:
        return Record(tuple(shape_of([v[i] for v in seen], depth=depth + 1) for i in range(lengths[0])))
    items = [x for v in seen for x in _spread(list(v))]
    item = shape_of(items, depth=depth + 1) if items else None
    return Collection(key, item, min(lengths), max(lengths))


def _spread(values: Sequence[Any]) -> Sequence[Any]:
    """At most ITEMS items, evenly spread over ``values`` (both ends included)."""
    if len(values) <= ITEMS:
        return values
    step = len(values) / ITEMS
    return [values[int(i * step)] for i in range(ITEMS)] + [values[-1]]


def _distinct(seen: list[Any]) -> tuple[Any, ...]:
    kept: list[Any] = []
    for value in seen:
        try:
            if any(value == other and type(value) is type(other) for other in kept):
                continue
        except Exception:  # values whose equality raises are kept as they are
            pass
        kept.append(value)
        if len(kept) == KEPT:
            break
    return tuple(kept)


def _inner(kind: Kind) -> list[Shape]:
    if isinstance(kind, Collection):
        return [kind.item] if kind.item is not None else []
    if isinstance(kind, Record):
        return list(kind.items)
    if isinstance(kind, Mapping):
        return [s for s in (kind.key, kind.value) if s is not None]
    return []


def char_classes(alphabet: str) -> list[str]:
    """The classes of characters in ``alphabet``: digits, lowercase, uppercase, whitespace, punctuation, other
    ascii, non-ascii."""
    chars = set(alphabet)
    found = [name for name, members in _CLASSES if chars & members]
    known = set().union(*(members for _, members in _CLASSES))
    if any(c.isascii() and c not in known for c in chars):
        found.append("other ascii")
    if any(not c.isascii() for c in chars):
        found.append("non-ascii")
    return found


def strategy(shape: Shape, *, mode: Mode, max_size: int, top: bool = True) -> SearchStrategy[Any]:
    """A hypothesis strategy of values of ``shape``; collections and strings hold at most ``max_size`` items.

    ``top``: the shape is a parameter's own (not an item inside a collection): a top-level int may grow to
    ``max_size`` in ``observed`` mode and is not widened above its observed maximum."""
    from hypothesis import strategies as st

    if mode not in MODES:
        from perfkit.errors import InvalidArgument

        raise InvalidArgument("mode", mode, f"choose one of {', '.join(MODES)}")
    return st.one_of(*(_kind_strategy(kind, mode, max_size, top) for kind in shape.kinds))


def _kind_strategy(kind: Kind, mode: Mode, n: int, top: bool) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    wide = mode == "widened"
    if isinstance(kind, Scalar):
        return st.none() if kind.type is type(None) else st.booleans()
    if isinstance(kind, Number):
        return _float(kind, wide, top) if kind.type is float else _int(kind, wide, n, top)
    if isinstance(kind, Text):
        return _text(kind, wide, n)
    if isinstance(kind, Record):
        return st.tuples(*(strategy(item, mode=mode, max_size=_inner_size(n, None), top=False) for item in kind.items))
    if isinstance(kind, Collection | Mapping):
        return _container(kind, mode, n, top)
    return _opaque(kind, wide)


def _int(kind: Number, wide: bool, n: int, top: bool) -> SearchStrategy[int]:
    from hypothesis import strategies as st

    low, high = int(kind.low), int(kind.high)
    if top:
        floor = low if low >= 0 else min(low, -n)
        if not wide:
            return st.integers(floor, max(high, n))
        edges = [v for v in (0, 1, -1, -2, low - 1, high, high - 1) if v <= high]
        return st.one_of(st.integers(min(low, -3, -n), high), st.sampled_from(edges))
    if not wide:
        return st.integers(low, high)
    span = max(abs(low), abs(high), n, 3)
    return st.one_of(
        st.integers(low, high),
        st.integers(-span, span),
        st.sampled_from(_EDGE_INTS),
        st.integers(-(2**70), 2**70),
    )


def _float(kind: Number, wide: bool, top: bool) -> SearchStrategy[float]:
    from hypothesis import strategies as st

    low, high = float(kind.low), float(kind.high)
    seen = st.floats(low, high, allow_nan=False, allow_infinity=False)
    specials = [v for v, ok in ((math.nan, kind.nan), (math.inf, kind.inf), (-math.inf, kind.inf)) if ok]
    if not wide:
        return st.one_of(seen, st.sampled_from(specials)) if specials else seen
    if not top:  # an item: NaN and infinities are floats too (a top-level one may drive a loop that never ends)
        specials = list(_SPECIAL_FLOATS)
    span = max(abs(low), abs(high), 1.0) * 4
    return st.one_of(
        seen,
        st.floats(-span, span, allow_nan=False, allow_infinity=False),
        st.sampled_from(_EDGE_FLOATS + tuple(specials)),
        st.floats(allow_nan=kind.nan, allow_infinity=kind.inf),
    )


def _text(kind: Text, wide: bool, n: int) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    low = min(kind.min_len, n)
    if kind.type is not str:
        made: SearchStrategy[Any] = st.binary(min_size=0 if wide else low, max_size=n)
        if kind.type is bytearray:
            made = made.map(bytearray)
        return st.one_of(_reused(kind.values), made)
    chars = kind.alphabet or string.ascii_letters
    seen = st.text(alphabet=st.sampled_from(chars), min_size=low, max_size=n)
    if not wide:
        return st.one_of(_reused(kind.values), seen)
    mixed = "".join(sorted(set(chars + chars.swapcase() + _EXTRA_CHARS)))
    return st.one_of(
        _reused(kind.values),
        st.text(alphabet=st.sampled_from(chars), max_size=n),
        st.text(alphabet=st.sampled_from(mixed), max_size=n),
        st.text(max_size=n),
    )


def _container(kind: Collection | Mapping, mode: Mode, n: int, top: bool) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    wide = mode == "widened"
    size = n if top else _inner_size(n, kind.max_len)
    low = 0 if wide else min(kind.min_len, size)
    if isinstance(kind, Mapping):
        if kind.key is None or kind.value is None:
            return st.just({}).map(dict)
        keys = strategy(kind.key, mode=mode, max_size=_inner_size(n, None), top=False)
        values = strategy(kind.value, mode=mode, max_size=_inner_size(n, None), top=False)
        return st.dictionaries(keys, values, min_size=low, max_size=size)
    if kind.item is None:
        return st.just(kind.type()).map(copy.copy)
    item = strategy(kind.item, mode=mode, max_size=_inner_size(n, None), top=False)
    if kind.type in (set, frozenset):
        made = st.sets(item, max_size=size)
        return made.map(frozenset) if kind.type is frozenset else made
    lists = st.lists(item, min_size=low, max_size=size)
    if wide:  # many duplicates: a few items drawn once, then repeated (as independent copies)
        pools = st.lists(item, min_size=1, max_size=3)
        repeated = pools.flatmap(lambda pool: st.lists(st.sampled_from(pool).map(copy.deepcopy), max_size=size))
        lists = st.one_of(lists, repeated)
    return lists.map(tuple) if kind.type is tuple else lists


def _inner_size(n: int, observed: int | None) -> int:
    """Items inside an item: near what was seen, bounded by ``n``."""
    return max(1, min(n, max(4, 2 * observed) if observed is not None else 8))


def _opaque(kind: Opaque, wide: bool) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    reused = _reused(kind.values)
    made = _from_type(kind.type) if wide else None
    return st.one_of(reused, made) if made is not None else reused


def _from_type(cls: type) -> SearchStrategy[Any] | None:
    """Hypothesis' own strategy for the standard types it generates well (enums, decimals, fractions, dates)."""
    import datetime
    import decimal
    import enum
    import fractions

    from hypothesis import strategies as st

    if issubclass(cls, enum.Enum):
        return st.sampled_from(list(cls))
    if cls is decimal.Decimal:
        return st.decimals(allow_nan=False, allow_infinity=False)
    if cls is fractions.Fraction:
        return st.fractions()
    if cls is complex:
        return st.complex_numbers(allow_nan=False, allow_infinity=False)
    if cls in (datetime.date, datetime.datetime, datetime.time, datetime.timedelta):
        return st.from_type(cls)
    return None


def _reused(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    return st.sampled_from(values).map(_copy) if values else st.nothing()


def _copy(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except Exception:  # values that cannot be copied are reused as they are
        return value


class OtherStr(str):
    """A str subclass, as callers pass (markup-safe strings, str-valued enums): a foreign item."""


class OtherInt(int):
    """An int subclass (``IntEnum``-like): a foreign item."""


def _foreign_items() -> tuple[Any, ...]:
    """Items of other types than a collection held: equal across types (True, 1.0), odd floats, a big int,
    unhashable and nested values, subclasses, None."""
    from fractions import Fraction

    return (True, 1.0, [1], "1", None, math.nan, OtherStr("a"), OtherInt(3), -0.0, (1,), 2**70, Fraction(1, 3), b"x")


def foreign_variants(
    inputs: Sequence[tuple[tuple[Any, ...], dict[str, Any]]], *, count: int = 120
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """About ``count`` copies of ``inputs`` whose list, tuple, set or dict arguments hold items of other types than
    were observed (:func:`_foreign_items`): one item replaced, every item replaced, or an item of an item (a
    row's cell) replaced. Deterministic; the inputs without such arguments give none."""
    from perfkit.inputs import input_size

    pool = _foreign_items()
    usable = sorted((item for item in inputs if _slots(item)), key=lambda item: input_size(*item))
    if not usable:
        return []
    usable = usable[: max(1, len(usable) * 4 // 5)]  # the largest (a workload's own) would only cost time
    step = max(1, len(usable) // 40)
    chosen = usable[::step][:40]
    out = []
    for k in range(count):
        args, kwargs = _copy(chosen[k % len(chosen)])
        slots = _slots((args, kwargs))
        where = slots[(k // len(chosen)) % len(slots)]
        mode = (k // len(pool)) % 3
        if isinstance(where, int):
            args = (*args[:where], _replaced(args[where], pool[k % len(pool)], mode, k), *args[where + 1 :])
        else:
            kwargs[where] = _replaced(kwargs[where], pool[k % len(pool)], mode, k)
        out.append((args, kwargs))
    return out


def _slots(item: tuple[tuple[Any, ...], dict[str, Any]]) -> list[int | str]:
    """The arguments of an input that are non-empty lists, tuples, sets or dicts."""
    kinds = (list, tuple, set, frozenset, dict)
    found: list[int | str] = [i for i, a in enumerate(item[0]) if type(a) in kinds and a]
    return found + [k for k, v in item[1].items() if type(v) in kinds and v]


def _replaced(value: Any, foreign: Any, mode: int, k: int) -> Any:
    """``value`` (a non-empty list, tuple, set or dict) with ``foreign`` in it: mode 0 one item, mode 1 every
    item, mode 2 an item of an item where there is one (else one item)."""
    kind = type(value)
    if kind is dict:
        keys = list(value)
        if mode == 1:
            return {key: copy.copy(foreign) for key in keys}
        if mode == 2 and _hashable(foreign):
            return {**value, foreign: value[keys[k % len(keys)]]}
        return {**value, keys[k % len(keys)]: foreign}
    if kind in (set, frozenset):
        if not _hashable(foreign):
            return value
        kept = [] if mode == 1 else [x for i, x in enumerate(value) if i != k % len(value)]
        return kind([*kept, foreign])
    items = list(value)
    i = k % len(items)
    if mode == 1:
        items = [copy.copy(foreign) for _ in items]
    elif mode == 2 and type(items[i]) in (list, tuple, dict, set, frozenset) and items[i]:
        items[i] = _replaced(items[i], foreign, 0, k)
    else:
        items[i] = foreign
    return kind(items)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
