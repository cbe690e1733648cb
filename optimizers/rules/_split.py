"""Parallel assignments split into one assignment per name, so that rules looking for ``q = [x]`` or ``seen = set()``
see the spelling ``seen, q = set(), [x]`` too.

``a, b = e1, e2`` evaluates every ``e`` first, then binds ``a``, then ``b``. Written as ``a = e1; b = e2``, ``e2`` is
evaluated after ``a`` is bound, so the split keeps behaviour when no later value reads an earlier target (a swap
``a, b = b, a`` stays) and no later value can raise (else ``a`` would be bound where the original bound nothing, which
a ``try`` or an enclosing loop could see).
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules._inference import is_builtin

# builtins that, called with no arguments, make a new empty object and cannot raise
_EMPTY_MAKERS = frozenset({"set", "list", "dict", "tuple", "frozenset", "str", "int", "float", "bytes"})


def split_parallel(func: ast.FunctionDef, ctx: Context) -> int:
    """``a, b = e1, e2`` → ``a = e1`` then ``b = e2``. Guards: plain distinct names on the left, a tuple display of
    the same width on the right, no value after the first reads a target bound before it, and every value after
    the first cannot raise (constants, parameters never deleted, empty builtin containers, displays of those)."""
    count = 0
    for owner in list(t.statement_lists(func)):
        index = 0
        while index < len(owner):
            stmt = owner[index]
            parts = _parts(stmt, func, ctx)
            if parts is None:
                index += 1
                continue
            owner[index : index + 1] = parts
            index += len(parts)
            count += 1
    return count


def _parts(stmt: ast.stmt, func: ast.FunctionDef, ctx: Context) -> list[ast.stmt] | None:
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    left, right = stmt.targets[0], stmt.value
    if not (isinstance(left, ast.Tuple | ast.List) and isinstance(right, ast.Tuple)):
        return None
    if len(left.elts) != len(right.elts) or len(left.elts) < 2:
        return None
    names = [e.id for e in left.elts if isinstance(e, ast.Name)]
    if len(names) != len(left.elts) or len(set(names)) != len(names):
        return None
    for position, value in enumerate(right.elts):
        if isinstance(value, ast.Starred):
            return None
        if position == 0:
            continue
        if any(isinstance(n, ast.Name) and n.id in names[:position] for n in ast.walk(value)):
            return None
        if not _cannot_raise(value, func, ctx):
            return None
    out: list[ast.stmt] = []
    for name, value in zip(names, right.elts, strict=True):
        out.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], value), stmt))
    return out


def _cannot_raise(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):  # a parameter is bound on entry; only ``del`` could unbind it
        deleted = any(
            isinstance(n, ast.Name) and n.id == node.id and isinstance(n.ctx, ast.Del) for n in ast.walk(func)
        )
        return node.id in t.params(func) and not deleted
    if isinstance(node, ast.List | ast.Tuple):
        return all(not isinstance(e, ast.Starred) and _cannot_raise(e, func, ctx) for e in node.elts)
    if isinstance(node, ast.Dict):
        return not node.keys  # a key could be unhashable
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args and not node.keywords:
        return node.func.id in _EMPTY_MAKERS and is_builtin(func, node.func.id, ctx)
    return False
