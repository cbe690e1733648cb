"""Behavioural equality of two values: exact for everything except floats, which agree within a tolerance.

Instances of classes that keep object identity as their equality (no ``__eq__``) are compared by their state
(attributes and slots), so a method's effect on ``self`` counts and two equal copies agree.
"""

from __future__ import annotations

import math
import reprlib
from typing import Any

_repr = reprlib.Repr()
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 8
_repr.maxstring = _repr.maxother = 80


def short(value: Any) -> str:
    """A repr cut to a readable length."""
    return _repr.repr(value)


_MAX_DEPTH = 40


def difference(expected: Any, got: Any, *, rel: float, abs_: float, path: str = "", depth: int = 0) -> str | None:
    """Where ``got`` differs from ``expected`` (None when they agree): types must match, floats within tolerance.

    Dicts must have the same keys in the same order; sets the same members; sequences the same length.
    """
    where = path or "value"
    if type(expected) is not type(got):
        return f"{where}: expected {type(expected).__name__} {short(expected)}, got {type(got).__name__} {short(got)}"
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
    if isinstance(expected, list | tuple):
        if len(expected) != len(got):
            return f"{where}: expected length {len(expected)} {short(expected)}, got length {len(got)} {short(got)}"
        for i, (a, b) in enumerate(zip(expected, got, strict=True)):
            found = difference(a, b, rel=rel, abs_=abs_, path=f"{where}[{i}]", depth=depth + 1)
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if list(expected) != list(got):
            return f"{where}: expected keys {short(list(expected))}, got keys {short(list(got))}"
        for key in expected:
            found = difference(expected[key], got[key], rel=rel, abs_=abs_, path=f"{where}[{key!r}]", depth=depth + 1)
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
                found = difference(
                    state[name], other[name], rel=rel, abs_=abs_, path=f"{where}.{name}", depth=depth + 1
                )
                if found:
                    return found
            return None
    try:
        same = bool(expected == got)
    except Exception as exc:
        return f"{where}: cannot compare ({type(exc).__name__}: {exc})"
    return None if same else f"{where}: expected {short(expected)}, got {short(got)}"


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
