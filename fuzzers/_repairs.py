"""Constraint-aware mutators: transforms that make an input satisfy a constraint, and graded closeness to one.

A repair works on the bound arguments (parameter name -> value) and keeps each value's type (list, tuple, str,
bytes, int); it returns None where it does not apply (wrong type, empty sequence, incomparable elements).
``closeness`` is a branch distance (search-based testing) turned into a score in [0, 1], for guards.
"""

from __future__ import annotations

import ast
import copy
import functools
import math
from collections.abc import Sequence
from typing import Any

from perfkit.fuzzers._constraints import Constraint


def apply_repairs(bound: dict[str, Any], constraints: Sequence[Constraint], *, max_size: int) -> dict[str, Any]:
    """``bound`` after each applicable repair of ``constraints`` in turn (a new dict; the input is untouched)."""
    out = copy.deepcopy(bound)
    for c in sorted(constraints, key=lambda c: _ORDER.get(c.repair[0] if c.repair else "", 9)):
        if c.repair is None:
            continue
        try:
            changed = _repair(c.repair, out, max_size)
        except Exception:  # a repair that does not fit this value is skipped
            changed = None
        if changed is not None:
            out = changed
    return out


_ORDER = {"max_len": 0, "int_max": 0, "distinct": 1, "sort_asc": 2, "sort_desc": 2, "all_equal": 2}


def _rebuild(like: Any, items: list[Any]) -> Any:
    if isinstance(like, str):
        return "".join(items)
    if isinstance(like, bytes):
        return bytes(items)
    if isinstance(like, tuple):
        return tuple(items)
    return items


def _seq(value: Any) -> bool:
    return isinstance(value, list | tuple | str | bytes)


def _repair(repair: tuple[Any, ...], bound: dict[str, Any], max_size: int) -> dict[str, Any] | None:
    kind, *rest = repair
    if kind == "assign":
        return _assign(bound, rest[0], max_size)
    name = rest[0]
    value = bound.get(name)
    if kind == "int_max":
        if isinstance(value, int) and not isinstance(value, bool):
            return {**bound, name: max_size}
        return None
    if not _seq(value) or not value:
        return None
    items = list(value)
    if kind == "max_len":
        grown = (items * (max_size // len(items) + 1))[:max_size]
        new: Any = _rebuild(value, grown)
    elif kind == "sort_asc":
        new = _rebuild(value, sorted(items))
    elif kind == "sort_desc":
        new = _rebuild(value, sorted(items, reverse=True))
    elif kind == "all_equal":
        new = _rebuild(value, [items[0]] * len(items))
    elif kind == "palindrome":
        half = items[: (len(items) + 1) // 2]
        new = _rebuild(value, half + half[: len(items) // 2][::-1])
    elif kind == "distinct":
        new = _rebuild(value, _distinct(items, max_size))
    elif kind == "near_match":
        return _near_match(bound, name, rest[1])
    else:
        return None
    return {**bound, name: new}


def _distinct(items: list[Any], max_size: int) -> list[Any]:
    """The items with repeats replaced by unused values (integers kept within +-max_size where possible)."""
    seen: set[Any] = set()
    free = iter(k for k in range(-max_size, max_size + 1) if k not in set(items))
    out = []
    for i, x in enumerate(items):
        if x in seen:
            if isinstance(x, int) and not isinstance(x, bool):
                x = next(free, max(seen) + 1)
            elif isinstance(x, str):
                x = f"{x}{i}"
            elif isinstance(x, float):
                x = max(seen) + 1.0
        seen.add(x)
        out.append(x)
    return out


def _other(x: Any) -> Any:
    """A value of x's kind that differs from x."""
    if isinstance(x, str):
        return "b" if x != "b" else "a"
    if isinstance(x, bool):
        return not x
    if isinstance(x, int | float):
        return x + 1
    raise TypeError(type(x).__name__)


def _near_match(bound: dict[str, Any], text_name: str, pat_name: str) -> dict[str, Any] | None:
    text: Any = bound.get(text_name)
    pat: Any = bound.get(pat_name)
    if not (_seq(text) and _seq(pat)) or type(text) is not type(pat) or len(pat) < 2 or not text:
        return None
    t_items, p_items = list(text), list(pat)
    fill = t_items[0]
    other = _other(fill) if not isinstance(text, bytes) else (fill + 1) % 256
    return {
        **bound,
        text_name: _rebuild(text, [fill] * len(t_items)),
        pat_name: _rebuild(pat, [fill] * (len(p_items) - 1) + [other]),
    }


def _assign(bound: dict[str, Any], assignments: tuple[Any, ...], max_size: int) -> dict[str, Any] | None:
    out = dict(bound)
    for path, value in assignments:
        name = path[0]
        current = out.get(name)
        if len(path) == 1:
            if type(current) is not type(value) and not (isinstance(current, float) and isinstance(value, int)):
                return None
            out[name] = value
        elif path[1] == "len":
            if not _seq(current) or not current or not isinstance(value, int):
                return None
            n = max(0, min(int(value), max_size))
            items = list(current)
            out[name] = _rebuild(current, (items * (n // len(items) + 1))[:n])
        else:
            if not isinstance(current, list | tuple) or not -len(current) <= path[1] < len(current):
                return None
            items = list(current)
            if type(items[path[1]]) is not type(value):
                return None
            items[path[1]] = value
            out[name] = _rebuild(current, items)
    return out


@functools.lru_cache(maxsize=256)
def _parsed(expr: str) -> ast.expr:
    return ast.parse(expr, mode="eval").body


def closeness(expr: str, namespace: dict[str, Any]) -> float:
    """How close ``expr`` is to true in ``namespace``: 1.0 when true, towards 0 as its branch distance grows."""
    return 1.0 / (1.0 + _distance(_parsed(expr), namespace))


def _value(node: ast.expr, namespace: dict[str, Any]) -> Any:
    return eval(compile(ast.Expression(node), "<constraint>", "eval"), namespace)


def _distance(node: ast.expr, ns: dict[str, Any]) -> float:
    """Branch distance: 0 when true; for ``a == b`` |a - b|, for ``and`` the sum, for ``or`` the minimum."""
    try:
        if isinstance(node, ast.BoolOp):
            parts = [_distance(v, ns) for v in node.values]
            return sum(parts) if isinstance(node.op, ast.And) else min(parts)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            a, b = _value(node.left, ns), _value(node.comparators[0], ns)
            op = node.ops[0]
            if isinstance(a, int | float) and isinstance(b, int | float):
                d = float(a) - float(b)
                gap = {
                    ast.Eq: abs(d),
                    ast.NotEq: 0.0 if d else 1.0,
                    ast.Lt: max(0.0, d + 1),
                    ast.LtE: max(0.0, d),
                    ast.Gt: max(0.0, 1 - d),
                    ast.GtE: max(0.0, -d),
                }.get(type(op))
                if gap is not None:
                    return math.log1p(gap)
        return 0.0 if _value(node, ns) else 1.0
    except Exception:
        return 10.0
