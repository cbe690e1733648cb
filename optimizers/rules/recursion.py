"""Recursion without memoisation → a memo that lives for one top-level call."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context

_MEMO_KEYS = frozenset({"int", "bool", "str", "bytes", "NoneType"})  # not float: 0.0 == -0.0 as keys
_PURE_BUILTINS = frozenset({"abs", "min", "max", "len", "int", "float", "divmod", "pow", "round", "range", "sum"})


def memoize_recursion(func: ast.FunctionDef, ctx: Context) -> bool:
    """A pure function of hashable scalars that calls itself twice or more → memo of results within one call.

    Pure: it reads only its parameters, its locals, constants and a few pure builtins, stores into no object
    and calls nothing else. The memo lives for one top-level call (no state between calls) and keys on the
    argument types too, so ``f(True)`` and ``f(1)`` stay apart.
    """
    a = func.args
    names = t.params(func)
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults or func.decorator_list or not names:
        return False
    if not all(ctx.arg_types.get(p) and ctx.arg_types[p] <= _MEMO_KEYS for p in names):
        return False
    local = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | set(names)
    self_calls = 0
    for node in ast.walk(func):
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await | ast.Global | ast.Nonlocal | ast.Lambda):
            return False
        if isinstance(node, ast.Attribute | ast.Starred) or (
            isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load)
        ):
            return False
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords:
                return False
            if node.func.id == func.name:
                if len(node.args) != len(names):
                    return False
                self_calls += 1
            elif node.func.id not in _PURE_BUILTINS or node.func.id in local:
                return False
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id not in local | {func.name} | _PURE_BUILTINS
        ):
            return False
    if self_calls < 2:
        return False
    inner, raw = f"_pk_memo_{func.name}", f"_pk_raw_{func.name}"
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == func.name:
            node.func.id = inner
    params = ", ".join(names)
    key = "(" + ", ".join(f"type({p}), {p}" for p in names) + ")"
    body = "\n".join(ast.unparse(s) for s in func.body)
    code = (
        "_pk_memo = {}\n\n"
        f"def {inner}({params}):\n"
        f"    _pk_key = {key}\n"
        "    if _pk_key in _pk_memo:\n        return _pk_memo[_pk_key]\n"
        f"    _pk_value = {raw}({params})\n"
        "    _pk_memo[_pk_key] = _pk_value\n    return _pk_value\n\n"
        f"def {raw}({params}):\n" + "\n".join("    " + line for line in body.splitlines()) + "\n"
        f"return {raw}({params})\n"
    )
    func.body = t.stmts(code)
    return True
