"""Lists used as FIFO queues (``pop(0)``) → ``collections.deque``."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context


def pop0_deque(func: ast.FunctionDef, ctx: Context) -> bool:
    """A local list used as a FIFO queue (``append``/``pop(0)``/truth/len only) → ``collections.deque``."""
    fired = False
    for stmt in [n for n in ast.walk(func) if isinstance(n, ast.Assign)]:
        if not (len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        if not (isinstance(stmt.value, ast.List) or t.is_call(stmt.value, "list")):
            continue
        name = stmt.targets[0].id
        if len(t.stored(func, name)) != 1:
            continue
        pops = []
        for use in t.name_nodes(func, name):
            if use is stmt.targets[0]:
                continue
            up = t.parent(use)
            grand = t.parent(up) if up is not None else None
            if t.is_method_call(grand, name, "pop", 1):
                assert isinstance(grand, ast.Call)
                arg = grand.args[0]
                if not (isinstance(arg, ast.Constant) and arg.value == 0 and type(arg.value) is int):
                    break
                pops.append(grand)
            elif (
                t.is_method_call(grand, name, "append", 1)
                or t.is_method_call(grand, name, "extend", 1)
                or (isinstance(up, ast.While | ast.If) and up.test is use)
                or (isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not))
                or (isinstance(up, ast.BoolOp) and isinstance(grand, ast.While | ast.If) and grand.test is up)
                or t.is_call(up, "len", 1)
            ):
                continue
            else:
                break
        else:
            if not pops:
                continue
            stmt.value = ast.Call(ast.Name("_pk_deque", ast.Load()), [stmt.value], [])
            for pop in pops:
                pop.func.attr = "popleft"  # type: ignore[attr-defined]
                pop.args = []
            fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from collections import deque as _pk_deque"))
    return fired
