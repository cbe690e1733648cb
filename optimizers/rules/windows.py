"""Sums over slices and windows → prefix sums; window maxima and minima → a monotonic deque.

Prefix sums are exact only for ints (a float prefix difference rounds differently from ``sum``), so the fast
path runs only when every element is an ``int``; floats, bools and anything else take the original expression.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_SIMPLE = (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.expr_context, ast.operator, ast.unaryop)


def window_sums(func: ast.FunctionDef, ctx: Context) -> bool:
    """In a loop: ``sum(xs[lo:hi])`` (any int bounds, either may be left out, negative ones wrap as in slicing)
    and ``sum(xs[j] for j in range(lo, hi))`` (only while ``0 <= lo`` and ``hi <= len(xs)``) → prefix sums of
    ``xs``, made once when ``xs`` is an unchanged list or tuple of ints."""
    fresh = f.fresh_locals(func)
    fired: set[str] = set()
    for call in [n for n in ast.walk(func) if t.is_call(n, "sum", 1)]:
        found = _slice_sum(call) or _generator_sum(call)  # type: ignore[arg-type]
        if found is None or f.detached(call) or f.in_comprehension_iter(call, func) or not _looped(call, func):
            continue
        xs, lo, hi, strict = found
        if xs not in t.params(func) or t.stored(func, xs) or not f.unchanged_in(func, xs, func, fresh=fresh):
            continue
        if any(
            n.id.startswith("_pk_") for b in (lo, hi) if b is not None for n in ast.walk(b) if isinstance(n, ast.Name)
        ):
            continue
        pre, n = f"_pk_pre_{xs}", f"_pk_n_{xs}"
        lo_t, hi_t = ("0" if lo is None else ast.unparse(lo)), (n if hi is None else ast.unparse(hi))
        if strict:  # indexing: every index must be in range, as the original would raise otherwise
            fast = f"({pre}[_pk_hi] - {pre}[_pk_lo] if _pk_lo < _pk_hi else 0)"
            test = (
                f"{pre} is not None and type(_pk_lo := {lo_t}) is int and type(_pk_hi := {hi_t}) is int "
                f"and (_pk_hi <= _pk_lo or (0 <= _pk_lo and _pk_hi <= {n}))"
            )
        else:
            fast = f"{pre}[max(_pk_a, _pk_b)] - {pre}[_pk_a]"
            test = (
                f"{pre} is not None and type(_pk_lo := {lo_t}) is int and type(_pk_hi := {hi_t}) is int "
                f"and ((_pk_a := {_clamp('_pk_lo', n)}) or True) and ((_pk_b := {_clamp('_pk_hi', n)}) or True)"
            )
        f.replace_node(call, t.expr(f"({fast} if {test} else {ast.unparse(call)})"))
        if xs not in fired:
            setup = (
                f"{pre} = None\n{n} = 0\n"
                f"if type({xs}) in (list, tuple) and all(type(_pk_v) is int for _pk_v in {xs}):\n"
                f"    {n} = len({xs})\n"
                f"    {pre} = [0]\n"
                f"    for _pk_v in {xs}:\n"
                f"        {pre}.append({pre}[-1] + _pk_v)\n"
            )
            t.insert_at_start(func, t.stmts(setup))
            fired.add(xs)
    return bool(fired)


def _clamp(v: str, n: str) -> str:
    """The start or stop a slice bound ``v`` means on a sequence of length ``n``."""
    return f"(max(0, {v} + {n}) if {v} < 0 else min({v}, {n}))"


def _slice_sum(call: ast.Call) -> tuple[str, ast.expr | None, ast.expr | None, bool] | None:
    sliced = call.args[0]
    if not (isinstance(sliced, ast.Subscript) and isinstance(sliced.value, ast.Name)):
        return None
    window = sliced.slice
    if not (isinstance(window, ast.Slice) and window.step is None):
        return None
    if not all(b is None or _simple(b) for b in (window.lower, window.upper)):
        return None
    return sliced.value.id, window.lower, window.upper, False


def _generator_sum(call: ast.Call) -> tuple[str, ast.expr | None, ast.expr | None, bool] | None:
    gen = call.args[0]
    if not (isinstance(gen, ast.GeneratorExp) and len(gen.generators) == 1):
        return None
    loop = gen.generators[0]
    if loop.ifs or loop.is_async or not isinstance(loop.target, ast.Name) or not t.is_call(loop.iter, "range"):
        return None
    bounds = loop.iter.args  # type: ignore[attr-defined]
    if len(bounds) not in (1, 2) or not all(_simple(b) for b in bounds):
        return None
    elt = gen.elt
    if not (
        isinstance(elt, ast.Subscript)
        and isinstance(elt.value, ast.Name)
        and isinstance(elt.slice, ast.Name)
        and elt.slice.id == loop.target.id
    ):
        return None
    if any(isinstance(n, ast.Name) and n.id == loop.target.id for b in bounds for n in ast.walk(b)):
        return None
    lo, hi = (None, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
    return elt.value.id, lo, hi, True


def _simple(node: ast.expr) -> bool:
    return all(isinstance(n, _SIMPLE) for n in ast.walk(node))


def _looped(node: ast.AST, func: ast.FunctionDef) -> bool:
    for up in t.ancestors(node):
        if up is func:
            return False
        if isinstance(up, ast.For | ast.While | ast.ListComp | ast.SetComp | ast.DictComp):
            return True
        if isinstance(up, ast.GeneratorExp) and t.parent(up) is not node:
            return True
    return False


def window_extreme(func: ast.FunctionDef, ctx: Context) -> bool:
    """``max(xs[i:i + k])`` / ``min(...)`` in a loop, ``xs`` an unchanged list or tuple of ints (or of strs) and
    ``k`` a constant or an unchanged argument → every window's extreme from one right-to-left pass of a monotonic
    deque; an index out of ``0 <= i < len(xs)`` or ``k < 1`` takes the original expression (and its error)."""
    fresh = f.fresh_locals(func)
    done: dict[tuple[str, str, str], str] = {}
    for call in [n for n in ast.walk(func) if t.is_call(n, "max", 1) or t.is_call(n, "min", 1)]:
        kind = call.func.id  # type: ignore[attr-defined]
        sliced = call.args[0]  # type: ignore[attr-defined]
        if not (isinstance(sliced, ast.Subscript) and isinstance(sliced.value, ast.Name)):
            continue
        window = sliced.slice
        if not (isinstance(window, ast.Slice) and window.step is None and isinstance(window.lower, ast.Name)):
            continue
        upper = window.upper
        if not (
            isinstance(upper, ast.BinOp)
            and isinstance(upper.op, ast.Add)
            and isinstance(upper.left, ast.Name)
            and upper.left.id == window.lower.id
            and isinstance(upper.right, ast.Name | ast.Constant)
        ):
            continue
        xs, i, k = sliced.value.id, window.lower.id, upper.right
        if isinstance(k, ast.Name) and (k.id not in t.params(func) or t.stored(func, k.id)):
            continue
        if isinstance(k, ast.Constant) and (type(k.value) is not int or k.value < 16):
            continue  # a narrow constant window: max of a few items is as fast as the deque (0.9x at 3)
        if xs not in t.params(func) or t.stored(func, xs) or not f.unchanged_in(func, xs, func, fresh=fresh):
            continue
        if {"max", "min"} & f.assigned_names(func) or not _looped(call, func) or f.in_comprehension_iter(call, func):
            continue
        ks = ast.unparse(k)
        table = done.get((xs, ks, kind))
        if table is None:
            table = f"_pk_w{kind}{len(done)}"
            done[(xs, ks, kind)] = table
            keep = "<=" if kind == "max" else ">="
            setup = (
                f"{table} = None\n"
                f"if type({xs}) in (list, tuple) and type({ks}) is int and {ks} >= 1 and "
                f"(all(type(_pk_v) is int for _pk_v in {xs}) or all(type(_pk_v) is str for _pk_v in {xs})):\n"
                f"    {table} = [None] * len({xs})\n"
                f"    _pk_dq = _pk_deque()\n"
                f"    for _pk_j in range(len({xs}) - 1, -1, -1):\n"
                f"        while _pk_dq and {xs}[_pk_dq[-1]] {keep} {xs}[_pk_j]:\n"
                f"            _pk_dq.pop()\n"
                f"        _pk_dq.append(_pk_j)\n"
                f"        if _pk_dq[0] >= _pk_j + {ks}:\n"
                f"            _pk_dq.popleft()\n"
                f"        {table}[_pk_j] = {xs}[_pk_dq[0]]\n"
            )
            t.insert_at_start(func, [*t.stmts("from collections import deque as _pk_deque"), *t.stmts(setup)])
        lookup = f"({table}[{i}] if {table} is not None and type({i}) is int and 0 <= {i} < len({table}) else None)"
        f.replace_node(call, t.expr(f"(_pk_r if (_pk_r := {lookup}) is not None else {ast.unparse(call)})"))
    return bool(done)
