"""Tuples built item by item in a loop → a list, turned into the tuple once after the loop.

(Lists built by ``xs = xs + [x]`` become ``xs.append(x)`` in the normalisation pass; strings and bytes are in
:mod:`.strings`.)
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import is_builtin


def tuple_build(func: ast.FunctionDef, ctx: Context) -> bool:
    """``t = ()`` then, in the first loop that uses ``t``, ``t = t + (x,)`` / ``t += (x, y)`` /
    ``t = (*t, x)`` / ``t = t + tuple(it)``, and reads only as ``len(t)``, ``v in t`` or ``t[i]`` → the items go
    into a list (read in its place inside the loop: it always holds what ``t`` would), and ``t = tuple(list)``
    after the loop. Guards: the loop is not inside ``try``/``with`` (a caught exception would leave ``t``
    unbuilt); no ``:=`` in the added items; any other use of ``t`` in the loop keeps the rule away."""
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            name = _empty_tuple(stmt, func, ctx)
            if name is None or f.detached(stmt) or not any(s is stmt for s in body):
                continue
            later = body[body.index(stmt) + 1 :]
            loop = next((s for s in later if t.name_nodes(s, name)), None)
            if not isinstance(loop, ast.For | ast.While) or f.caught_around(loop, func):
                continue
            plan = _plan(loop, name, func, ctx)
            if plan is None:
                continue
            items = f"_pk_items_{name}"
            grows, reads = plan
            for grow, added in grows:
                owner = t.containing_list(loop, grow)
                assert owner is not None
                at = owner.index(grow)
                owner[at : at + 1] = t.stmts(f"{items}.extend({ast.unparse(added)})")
            for read in reads:
                f.replace_node(read, ast.Name(items, ast.Load()))
            body.insert(body.index(loop) + 1, t.stmts(f"{name} = tuple({items})")[0])
            body.insert(body.index(loop), t.stmts(f"{items} = []")[0])
            t.link_parents(loop)
            fired = True
    return fired


def _empty_tuple(stmt: ast.stmt, func: ast.FunctionDef, ctx: Context) -> str | None:
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    value = stmt.value
    empty = (isinstance(value, ast.Tuple) and not value.elts) or (
        t.is_call(value, "tuple", 0) and is_builtin(func, "tuple", ctx)
    )
    return stmt.targets[0].id if empty else None


def _plan(
    loop: ast.For | ast.While, name: str, func: ast.FunctionDef, ctx: Context
) -> tuple[list[tuple[ast.stmt, ast.expr]], list[ast.expr]] | None:
    """(each statement that adds items with a tuple expression of them, the reads to redirect) or None."""
    grows: list[tuple[ast.stmt, ast.expr]] = []
    reads: list[ast.expr] = []
    counted: set[int] = set()
    for use in t.name_nodes(loop, name):
        if id(use) in counted:
            continue
        up = t.parent(use)
        if isinstance(up, ast.AugAssign) and up.target is use and isinstance(up.op, ast.Add):
            added = _tuple_items(up.value, name, func, ctx)
            if added is None:
                return None
            grows.append((up, added))
        elif isinstance(up, ast.Assign) and up.targets == [use]:
            added = _grown(up.value, name, func, ctx)
            if added is None:
                return None
            counted.update(id(n) for n in t.name_nodes(up.value, name))
            grows.append((up, added))
        elif (t.is_call(up, "len", 1) and is_builtin(func, "len", ctx)) or (
            isinstance(up, ast.Subscript) and up.value is use and isinstance(up.ctx, ast.Load)
        ):
            if isinstance(up, ast.Subscript) and isinstance(up.slice, ast.Slice):
                return None  # a slice of a list is a list
            reads.append(use)
        elif isinstance(up, ast.Compare) and len(up.ops) == 1 and up.comparators[0] is use:
            if not isinstance(up.ops[0], ast.In | ast.NotIn):
                return None
            reads.append(use)
        else:
            return None
    return (grows, reads) if grows else None


def _grown(value: ast.expr, name: str, func: ast.FunctionDef, ctx: Context) -> ast.expr | None:
    """The items ``t + (...)`` or ``(*t, ...)`` adds to ``t``, as a tuple expression."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        if isinstance(value.left, ast.Name) and value.left.id == name:
            return _tuple_items(value.right, name, func, ctx)
        return None
    if isinstance(value, ast.Tuple) and value.elts:
        first = value.elts[0]
        if isinstance(first, ast.Starred) and isinstance(first.value, ast.Name) and first.value.id == name:
            rest = ast.Tuple(value.elts[1:], ast.Load())
            return _tuple_items(rest, name, func, ctx) if rest.elts else None
    return None


def _tuple_items(node: ast.expr, name: str, func: ast.FunctionDef, ctx: Context) -> ast.expr | None:
    """``node`` when it is surely a tuple (a display, or the builtin ``tuple(...)``) not reading ``t``."""
    if t.name_nodes(node, name) or any(isinstance(n, ast.NamedExpr) for n in ast.walk(node)):
        return None
    if isinstance(node, ast.Tuple) and node.elts:
        return node
    if t.is_call(node, "tuple", 1) and is_builtin(func, "tuple", ctx):
        return node
    return None
