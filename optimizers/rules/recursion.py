"""Recursion without memoisation → a memo that lives for one top-level call.

Spellings: plain tree recursion, default arguments (constants), keyword arguments in the self-calls, tuple and
frozenset arguments of scalars, and recursion through an inner helper that reads the outer function's immutable
arguments (``def solve(s): def go(i): ... go(i + 1) ...; return go(0)``).
"""

from __future__ import annotations

import ast
import copy

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._code import element_types
from perfkit.optimizers._types import Context

_MEMO_KEYS = frozenset({"int", "bool", "str", "bytes", "NoneType"})  # not float: 0.0 == -0.0 as keys
_PURE_BUILTINS = frozenset(
    {"abs", "min", "max", "len", "int", "float", "divmod", "pow", "round", "range", "sum", "str", "tuple", "sorted"}
)
_SCALAR_TYPES = "(int, bool, str, bytes, type(None))"


def memoize_recursion(func: ast.FunctionDef, ctx: Context) -> bool:
    """A pure function of hashable values that calls itself twice or more → a memo of results within one call.

    Pure: it reads only its parameters, its locals, constants and a few pure builtins, stores into no object
    and calls nothing else. The memo keys on the argument types too (``f(True)`` and ``f(1)`` stay apart), and on
    the element types of a tuple or frozenset argument, which must hold scalars only (else no memo for that call).
    The memoised body runs in one frame per level, as the original does.
    """
    a = func.args
    names = t.params(func)
    if a.vararg or a.kwarg or a.posonlyargs or func.decorator_list or not names:
        return False
    if not all(isinstance(d, ast.Constant) for d in [*a.defaults, *a.kw_defaults] if d is not None):
        return False
    for p in names:
        kinds = ctx.arg_types.get(p)
        if not kinds or not all(_memo_key(k) for k in kinds):
            return False
    if not _pure(func, func.body, set(names), func.name, closure=set()):
        return False
    inner = f"_pk_memo_{func.name}"
    body = _memoised_body(func.body, func.name, inner, names)
    if body is None:
        return False
    helper = copy.deepcopy(func)
    helper.name, helper.body, helper.decorator_list, helper.returns = inner, body, [], None
    docstring = func.body[:1] if ast.get_docstring(func) is not None else []
    passed = [p.arg for p in a.args] + [f"{p.arg}={p.arg}" for p in a.kwonlyargs]
    call = f"return {inner}({', '.join(passed)})"
    func.body = [*docstring, *t.stmts("_pk_memo = {}"), helper, *t.stmts(call)]
    return True


def memoize_inner_helper(func: ast.FunctionDef, ctx: Context) -> bool:
    """``def go(...)`` inside the function, recursing twice or more, pure in its arguments and in outer
    parameters of immutable types that are never rebound → the same memo, living for one call of the outer."""
    outer = set(t.params(func))
    rebound = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    frozen = {p for p in outer if p not in rebound and ctx.arg_types.get(p) and all(
        _memo_key(k) for k in ctx.arg_types[p])}  # fmt: skip
    for stmt in func.body:  # outer locals bound once to a size or a constant before the helper
        if isinstance(stmt, ast.FunctionDef):
            break
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            target = stmt.targets[0].id
            reads = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)} - {"len"}
            sized = isinstance(stmt.value, ast.Constant) or t.is_call(stmt.value, "len", 1)
            if sized and reads <= frozen and len(t.stored(func, target)) == 1:
                frozen.add(target)
    fired = False
    for position, stmt in enumerate(list(func.body)):
        if not isinstance(stmt, ast.FunctionDef) or stmt.decorator_list:
            continue
        a = stmt.args
        names = t.params(stmt)
        if a.vararg or a.kwarg or a.posonlyargs or not names or (set(names) & outer):
            continue
        if not all(isinstance(d, ast.Constant) for d in [*a.defaults, *a.kw_defaults] if d is not None):
            continue
        if [n for n in ast.walk(func) if isinstance(n, ast.FunctionDef | ast.Lambda | ast.ClassDef)] != [func, stmt]:
            continue  # exactly one nested scope: this helper
        if sum(1 for s in func.body if isinstance(s, ast.FunctionDef) and s.name == stmt.name) != 1:
            continue
        if stmt.name in {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}:
            continue
        if not _pure(stmt, stmt.body, set(names), stmt.name, closure=frozen):
            continue
        uses = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == stmt.name]
        if any(not (isinstance(t.parent(u), ast.Call) and t.parent(u).func is u) for u in uses):  # type: ignore[union-attr]
            continue  # the helper escapes (returned, stored): a memo could outlive the call
        memo = f"_pk_memo_{stmt.name}"
        body = _memoised_body(stmt.body, stmt.name, stmt.name, names, memo=memo)
        if body is None:
            continue
        stmt.body = body
        func.body.insert(position, t.stmts(f"{memo} = {{}}")[0])
        fired = True
        break
    return fired


memoize_inner_helper.nested_scopes_ok = True  # type: ignore[attr-defined]  # apply_rules runs it on nested defs


def _memo_key(description: str) -> bool:
    """Scalars (not float), or a tuple/frozenset of them."""
    if description in _MEMO_KEYS:
        return True
    if description.startswith("tuple[") and not description.startswith("tuple[tuple"):
        inner = description[len("tuple[") : -1]
        parts = {p.strip() for chunk in inner.split(",") for p in chunk.split("|")} - {""}
        return parts <= _MEMO_KEYS
    if description.startswith("frozenset["):
        parts = element_types(description)
        return parts is not None and parts <= _MEMO_KEYS
    return False


def _pure(scope: ast.FunctionDef, body: list[ast.stmt], params: set[str], name: str, *, closure: set[str]) -> bool:
    """Reads only params, locals, ``closure`` names, constants and pure builtins; no stores into objects; calls
    only itself (twice or more, positionally or by parameter name) and pure builtins."""
    tree = ast.Module(body, [])
    local = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | params
    self_calls = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await | ast.Global | ast.Nonlocal | ast.Lambda):
            return False
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            return False
        if isinstance(node, ast.Attribute | ast.Starred) or (
            isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load)
        ):
            return False
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                return False
            if node.func.id == name:
                given = {k.arg for k in node.keywords}
                if None in given or len(node.args) + len(given) > len(params) or not given <= params:
                    return False
                if given & set(_positional(scope)[: len(node.args)]):
                    return False  # one argument given twice: the original raises TypeError
                self_calls += 1
            elif node.func.id not in _PURE_BUILTINS or node.func.id in local or node.keywords:
                return False
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id not in local | closure | {name} | _PURE_BUILTINS
        ):
            return False
    return self_calls >= 2


def _positional(func: ast.FunctionDef) -> list[str]:
    return [p.arg for p in func.args.args]


def _memoised_body(
    body: list[ast.stmt],
    name: str,
    callee: str,
    params: list[str],
    *,
    memo: str = "_pk_memo",
) -> list[ast.stmt] | None:
    """``body`` with self-calls sent to ``callee``, a memo lookup first and every ``return`` storing its value."""
    body = copy.deepcopy(body)
    tree = ast.Module(body, [])
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            node.func.id = callee
    t.link_parents(tree)
    parts = [f"type({p}), {p}, tuple(map(type, {p})) if type({p}) in (tuple, frozenset) else None" for p in params]
    key = "(" + ", ".join(parts) + ",)"
    checks = [  # checked on every call: wider inputs than the observed ones (a float, a list) are not memoised
        f"(type({p}) in {_SCALAR_TYPES} or (type({p}) in (tuple, frozenset) and "
        f"all(type(_pk_v) in {_SCALAR_TYPES} for _pk_v in {p})))"
        for p in params
    ]
    guard = " and ".join(checks) or "True"
    for ret in [n for n in ast.walk(tree) if isinstance(n, ast.Return)]:
        value = "None" if ret.value is None else ast.unparse(ret.value)
        code = f"_pk_value = {value}\nif _pk_key is not None:\n    {memo}[_pk_key] = _pk_value\nreturn _pk_value"
        owner = t.containing_list(tree, ret)
        if owner is None:
            return None
        owner[owner.index(ret) : owner.index(ret) + 1] = t.stmts(code)
    head = t.stmts(
        f"_pk_key = {key} if {guard} else None\n"
        f"if _pk_key is not None and _pk_key in {memo}:\n    return {memo}[_pk_key]\n"
    )
    tail = t.stmts(f"if _pk_key is not None:\n    {memo}[_pk_key] = None")
    return [*head, *body, *tail]
