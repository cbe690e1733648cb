"""Strings built piece by piece in a loop → a list of pieces and one ``''.join``."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context

_STR_FUNCS = {"str", "repr", "chr", "format", "ascii"}


def _is_str(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _STR_FUNCS:
        return not node.keywords and 1 <= len(node.args) <= 2 and node.func.id not in t.params(func)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_str(node.left, func, ctx) and _is_str(node.right, func, ctx)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    if isinstance(node, ast.IfExp):
        return _is_str(node.body, func, ctx) and _is_str(node.orelse, func, ctx)
    if isinstance(node, ast.Name):  # a character of a str parameter
        loop = t.loop_over(func, node, node.id)
        if loop is None or not isinstance(loop.iter, ast.Name) or len(t.stored(func, node.id)) != 1:
            return False
        return ctx.arg_types.get(loop.iter.id) == frozenset({"str"}) and not t.stored(func, loop.iter.id)
    return False


def string_join(func: ast.FunctionDef, ctx: Context) -> bool:
    """``s = ""`` then ``s += piece`` in a loop that never reads ``s`` → pieces appended, joined after it."""
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant)
                and stmt.value.value == ""
            ):
                continue
            name = stmt.targets[0].id
            later = body[body.index(stmt) + 1 :]
            loop = next((s for s in later if isinstance(s, ast.For | ast.While) and t.name_nodes(s, name)), None)
            if loop is None or loop.orelse or (isinstance(loop, ast.While) and t.name_nodes(loop.test, name)):
                continue
            if any(isinstance(n, ast.Return | ast.Yield | ast.YieldFrom | ast.Try) for n in ast.walk(loop)):
                continue
            adds = [n for n in ast.walk(loop) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)]
            adds = [n for n in adds if n.target.id == name]  # type: ignore[union-attr]
            inside = t.name_nodes(loop, name)
            if (
                not adds
                or len(inside) != len(adds)
                or not all(isinstance(a.op, ast.Add) and _is_str(a.value, func, ctx) for a in adds)
                or len(t.stored(func, name)) != 1 + len(adds)
            ):
                continue
            parts = f"_pk_parts_{name}"
            for add in adds:
                owner = t.containing_list(func, add)
                assert owner is not None
                owner[owner.index(add)] = t.stmts(f"{parts}.append({ast.unparse(add.value)})")[0]
            body.insert(body.index(loop) + 1, t.stmts(f"{name} = ''.join({parts})")[0])
            body.insert(body.index(loop), t.stmts(f"{parts} = []")[0])
            fired = True
    return fired
