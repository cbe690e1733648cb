"""Sums over sliding slices → prefix sums."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context


def window_sums(func: ast.FunctionDef, ctx: Context) -> bool:
    """``sum(xs[i:i + k])`` with ``i`` from a non-negative range → prefix sums, when ``xs`` holds only ints."""
    fired: set[str] = set()
    for call in [n for n in ast.walk(func) if t.is_call(n, "sum", 1)]:
        sliced = call.args[0]  # type: ignore[attr-defined]
        if not (isinstance(sliced, ast.Subscript) and isinstance(sliced.value, ast.Name)):
            continue
        window = sliced.slice
        if not (isinstance(window, ast.Slice) and window.step is None and isinstance(window.lower, ast.Name)):
            continue
        xs, i = sliced.value.id, window.lower.id
        upper = window.upper
        if not (
            isinstance(upper, ast.BinOp)
            and isinstance(upper.op, ast.Add)
            and isinstance(upper.left, ast.Name)
            and upper.left.id == i
            and isinstance(upper.right, ast.Name | ast.Constant)
        ):
            continue
        k = upper.right
        if isinstance(k, ast.Name) and (k.id not in t.params(func) or t.stored(func, k.id)):
            continue
        if xs not in t.params(func) or t.stored(func, xs) or len(t.stored(func, i)) != 1:
            continue
        if not all(_read_only_use(u) for u in t.name_nodes(func, xs)):
            continue  # xs might change, or escape to code that changes it
        loop = t.loop_over(func, call, i)
        if loop is None or not t.is_call(loop.iter, "range"):
            continue
        bounds = loop.iter.args  # type: ignore[attr-defined]
        if len(bounds) > 2 or (
            len(bounds) == 2
            and not (isinstance(bounds[0], ast.Constant) and type(bounds[0].value) is int and bounds[0].value >= 0)
        ):
            continue
        pre, ks = f"_pk_pre_{xs}", ast.unparse(k)
        replacement = t.expr(
            f"({pre}[min({i} + {ks}, len({pre}) - 1)] - {pre}[min({i}, len({pre}) - 1)] "
            f"if {pre} is not None and type({ks}) is int and {ks} >= 0 else sum({xs}[{i}:{i} + {ks}]))"
        )
        holder = t.parent(call)
        assert holder is not None
        for field, value in ast.iter_fields(holder):
            if value is call:
                setattr(holder, field, replacement)
            elif isinstance(value, list) and any(v is call for v in value):
                value[[id(v) for v in value].index(id(call))] = replacement
        if xs not in fired:
            setup = (
                f"{pre} = None\n"
                f"if type({xs}) in (list, tuple) and all(type(_pk_v) is int for _pk_v in {xs}):\n"
                f"    {pre} = [0]\n"
                f"    for _pk_v in {xs}:\n"
                f"        {pre}.append({pre}[-1] + _pk_v)\n"
            )
            t.insert_at_start(func, t.stmts(setup))
            fired.add(xs)
    return bool(fired)


def _read_only_use(use: ast.Name) -> bool:
    """``xs[...]``, ``len(xs)`` or ``for v in xs``: uses that cannot change ``xs``."""
    up = t.parent(use)
    if isinstance(up, ast.Subscript) and up.value is use:
        return isinstance(up.ctx, ast.Load)
    return t.is_call(up, "len", 1) or (isinstance(up, ast.For) and up.iter is use)
