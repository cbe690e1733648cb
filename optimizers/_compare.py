"""Behavioural equality of two values: exact for everything except floats, which agree within a tolerance.

Instances of classes that keep object identity as their equality (no ``__eq__``) are compared by their state
(attributes and slots), so a method's effect on ``self`` counts and two equal copies agree.

Order where the original has none: :func:`order_unstable` names the places (patterns: paths whose list items
share ``[*]`` and whose dict values share ``{*}``) at which two runs of the original under different
``PYTHONHASHSEED`` values differ only in order; :func:`difference` compares those places as multisets (lists,
tuples, strings) or mappings (dicts), and everything else exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any


def short(value: Any) -> str:
    """A repr cut to a readable length (:func:`perfkit.format.short`)."""
    from perfkit.format import short as shortened

    return shortened(value)


_MAX_DEPTH = 40
_RECORD = 8  # tuples up to this length are records: each position keeps its own pattern
_MATCH_LIMIT = 400  # items left unmatched by exact counting that are paired one by one


def pattern_of_item(pattern: str, container: Any, index: int) -> str:
    """The pattern of an item: list items (and items of long tuples) share ``[*]``, a record's keep ``[i]``."""
    return f"{pattern}[{index}]" if type(container) is tuple and len(container) <= _RECORD else f"{pattern}[*]"


def difference(
    expected: Any,
    got: Any,
    *,
    rel: float,
    abs_: float,
    path: str = "",
    depth: int = 0,
    loose: frozenset[str] = frozenset(),
    pattern: str | None = None,
) -> str | None:
    """Where ``got`` differs from ``expected`` (None when they agree): types must match, floats within tolerance.

    Dicts must have the same keys in the same order; sets the same members; sequences the same length. At the
    places named in ``loose`` (patterns from :func:`order_unstable`) order does not count: lists, tuples and
    strings are compared as multisets, dicts as mappings.
    """
    where = path or "value"
    here = where if pattern is None else pattern
    if type(expected) is not type(got):
        return f"{where}: expected {type(expected).__name__} {short(expected)}, got {type(got).__name__} {short(got)}"
    step: dict[str, Any] = {"rel": rel, "abs_": abs_, "depth": depth + 1, "loose": loose}
    if isinstance(expected, float):
        if math.isnan(expected) and math.isnan(got):
            return None
        if expected == got or math.isclose(expected, got, rel_tol=rel, abs_tol=abs_):
            return None
        return f"{where}: expected {expected!r}, got {got!r}"
    if isinstance(expected, complex):
        ok = math.isclose(expected.real, got.real, rel_tol=rel, abs_tol=abs_) and math.isclose(
            expected.imag, got.imag, rel_tol=rel, abs_tol=abs_
        )
        return None if ok else f"{where}: expected {expected!r}, got {got!r}"
    if isinstance(expected, str) and here in loose:
        same = sorted(expected) == sorted(got)
        return None if same else f"{where}: expected the characters of {short(expected)} in any order, got {short(got)}"
    if isinstance(expected, list | tuple):
        if len(expected) != len(got):
            return f"{where}: expected length {len(expected)} {short(expected)}, got length {len(got)} {short(got)}"
        if here in loose:
            return _unordered_difference(expected, got, where=where, pattern=here, step=step)
        for i, (a, b) in enumerate(zip(expected, got, strict=True)):
            found = difference(a, b, path=f"{where}[{i}]", pattern=pattern_of_item(here, expected, i), **step)
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if here in loose:
            if set(expected) != set(got):
                keys, found_keys = short(sorted(map(repr, expected))), short(sorted(map(repr, got)))
                return f"{where}: expected keys {keys} in any order, got {found_keys}"
        elif list(expected) != list(got):
            return f"{where}: expected keys {short(list(expected))}, got keys {short(list(got))}"
        for key in expected:
            found = difference(expected[key], got[key], path=f"{where}[{key!r}]", pattern=f"{here}{{*}}", **step)
            if found:
                return found
        return None
    if type(expected).__module__ == "numpy" and hasattr(expected, "dtype"):
        return _numpy_difference(expected, got, rel=rel, abs_=abs_, where=where)
    if type(expected).__eq__ is object.__eq__ and depth < _MAX_DEPTH:
        state, other = _state(expected), _state(got)
        if state is not None and other is not None:
            if sorted(state) != sorted(other):
                return f"{where}: expected attributes {sorted(state)}, got {sorted(other)}"
            for name in sorted(state):
                found = difference(state[name], other[name], path=f"{where}.{name}", pattern=f"{here}.{name}", **step)
                if found:
                    return found
            return None
    try:
        same = bool(expected == got)
    except Exception as exc:
        return f"{where}: cannot compare ({type(exc).__name__}: {exc})"
    return None if same else f"{where}: expected {short(expected)}, got {short(got)}"


def _unordered_difference(
    expected: list[Any] | tuple[Any, ...], got: list[Any] | tuple[Any, ...], *, where: str, pattern: str, step: Any
) -> str | None:
    """Multiset comparison: items equal by type and value are counted; the rest are paired one by one."""
    left, right = list(expected), list(got)
    try:
        counts = Counter((type(x), x) for x in right)
        rest = []
        for x in left:
            if counts[(type(x), x)] > 0:
                counts[(type(x), x)] -= 1
            else:
                rest.append(x)
        left, right = rest, [x for (_, x), n in counts.items() for _ in range(n)]
    except TypeError:  # unhashable items: all are paired one by one
        pass
    if len(left) > _MATCH_LIMIT:
        return f"{where}: expected the items of {short(expected)} in any order, got {short(got)}"
    for x in left:
        for j, y in enumerate(right):
            if difference(x, y, path=where, pattern=f"{pattern}[*]", **step) is None:
                del right[j]
                break
        else:
            missing = f"no match for {short(x)}"
            return f"{where}: expected the items of {short(expected)} in any order, got {short(got)} ({missing})"
    return None


def order_unstable(a: Any, b: Any, *, rel: float, abs_: float, pattern: str, depth: int = 0) -> set[str]:
    """The patterns at which ``a`` and ``b`` (one function's results on one input under two hash seeds) differ
    only in order: lists and tuples with the same items, strings with the same characters, dicts with the same
    keys. Where they differ otherwise, nothing is marked (the comparison stays strict)."""
    found: set[str] = set()
    _unstable(a, b, rel, abs_, pattern, depth, found)
    return found


def _unstable(a: Any, b: Any, rel: float, abs_: float, pattern: str, depth: int, found: set[str]) -> None:
    if type(a) is not type(b) or depth > _MAX_DEPTH:
        return
    same: dict[str, Any] = {"rel": rel, "abs_": abs_, "path": pattern}
    if isinstance(a, str):
        if a != b and sorted(a) == sorted(b):
            found.add(pattern)
    elif isinstance(a, list | tuple):
        if len(a) != len(b) or difference(a, b, loose=frozenset(found), pattern=pattern, **same) is None:
            return
        if difference(a, b, loose=frozenset({*found, pattern}), pattern=pattern, **same) is None:
            found.add(pattern)  # the same items in another order
            return
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _unstable(x, y, rel, abs_, pattern_of_item(pattern, a, i), depth + 1, found)
        if difference(a, b, loose=frozenset({*found, pattern}), pattern=pattern, **same) is None:
            found.add(pattern)
    elif isinstance(a, dict):
        if set(a) != set(b):
            return
        if list(a) != list(b):
            found.add(pattern)
        for key in a:
            _unstable(a[key], b[key], rel, abs_, f"{pattern}{{*}}", depth + 1, found)
    elif type(a).__eq__ is object.__eq__:
        state, other = _state(a), _state(b)
        if state is not None and other is not None and sorted(state) == sorted(other):
            for name in state:
                _unstable(state[name], other[name], rel, abs_, f"{pattern}.{name}", depth + 1, found)


def _numpy_difference(expected: Any, got: Any, *, rel: float, abs_: float, where: str) -> str | None:
    import numpy as np

    if expected.shape != got.shape or expected.dtype != got.dtype:
        return f"{where}: expected array {expected.dtype}{expected.shape}, got {got.dtype}{got.shape}"
    if expected.dtype.kind in "fc":
        ok = np.allclose(expected, got, rtol=rel, atol=abs_, equal_nan=True)
    else:
        ok = bool(np.array_equal(expected, got))
    return None if ok else f"{where}: arrays differ: expected {short(expected)}, got {short(got)}"


def _state(value: Any) -> dict[str, Any] | None:
    """An instance's attributes and filled slots (None for objects without either, e.g. functions)."""
    if callable(value) or isinstance(value, type):
        return None
    state = dict(getattr(value, "__dict__", {}))
    for cls in type(value).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and hasattr(value, name):
                state[name] = getattr(value, name)
    return state if state or hasattr(value, "__dict__") else None
