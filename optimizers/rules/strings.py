"""Strings prepended and bytes built piece by piece in a loop → a list of pieces and one ``join`` after the loop.

``s = s + a + b`` becomes ``s += a + b`` in the normalisation pass (:mod:`perfkit.optimizers.rules._normalize`),
and that is the fix for appending to a str: CPython grows a str local in place on ``+=``, amortised linear,
and a list of pieces with a join is 1.3x slower than that (measured on 3.11). What stays quadratic is building
bytes (always copied) and prepending (``s = piece + s``): those are joined.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import Inference, is_builtin

_SEPARATOR = {"str": "''", "bytes": "b''"}


def string_join(func: ast.FunctionDef, ctx: Context) -> bool:
    """``b = <bytes>`` (``b""``, ``bytes()``, a prefix) then, in the first loop that uses ``b``, only ``b += piece``
    or only ``b = piece + b``, or ``s = <str>`` prepended with ``s = piece + s``, at any depth of nested loops
    and ``if``s, with reads only as ``len(s)`` → pieces appended to a list, joined after the loop (``len(s)``
    becomes a running length). Guards: every piece is a str (bytes for bytes) by the code, or by observed
    types and then the loop calls nothing unknown and writes only into its own fresh locals (a piece of another
    type raises at the join instead of at the ``+=``, with nothing visible done in between); the loop is not
    inside ``try`` or ``with`` (which could catch an exception and read the half-built ``s``); no ``:=`` in the
    pieces."""
    infer = Inference(func, ctx)
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            init = _init(stmt, infer)
            if init is None or f.detached(stmt) or not any(s is stmt for s in body):
                continue
            name, kind = init
            later = body[body.index(stmt) + 1 :]
            loop = next((s for s in later if t.name_nodes(s, name)), None)
            if not isinstance(loop, ast.For | ast.While) or _guarded(loop, func):
                continue
            plan = _plan(loop, name, kind, infer, func, ctx)
            if plan is None:
                continue
            _rewrite(body, loop, name, kind, *plan)
            fired = True
    return fired


def _init(stmt: ast.stmt, infer: Inference) -> tuple[str, str] | None:
    """``(name, "str" | "bytes")`` when ``stmt`` binds a name to a str or bytes value."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    if not isinstance(target, ast.Name) or t.name_nodes(value, target.id):
        return None
    kinds = infer.types(value)
    if kinds is not None and len(kinds) == 1 and next(iter(kinds)) in _SEPARATOR:
        return target.id, next(iter(kinds))
    return None


def _guarded(loop: ast.stmt, func: ast.FunctionDef) -> bool:
    """Whether an enclosing ``try`` or ``with`` could catch an exception from the loop and go on."""
    for up in t.ancestors(loop):
        if up is func:
            return False
        if isinstance(up, ast.Try | ast.With):
            return True
    return False


def _plan(
    loop: ast.For | ast.While, name: str, kind: str, infer: Inference, func: ast.FunctionDef, ctx: Context
) -> tuple[list[ast.stmt], list[ast.Call], bool] | None:
    """(the statements that add a piece, the ``len(name)`` calls, whether pieces are prepended) or None."""
    if isinstance(loop, ast.While) and t.name_nodes(loop.test, name):
        return None
    adds: list[ast.stmt] = []
    lens: list[ast.Call] = []
    prepend = set()
    for use in t.name_nodes(loop, name):
        up = t.parent(use)
        if isinstance(up, ast.AugAssign) and up.target is use and isinstance(up.op, ast.Add):
            piece, front = up.value, False
        elif isinstance(up, ast.Assign) and up.targets == [use] and _prepended(up.value, name):
            piece, front = up.value.left, True  # type: ignore[attr-defined]
        elif isinstance(up, ast.BinOp) and isinstance(t.parent(up), ast.Assign) and _prepended(up, name):
            continue  # the read inside ``s = piece + s``, counted with its assignment
        elif t.is_call(up, "len", 1) and is_builtin(func, "len", ctx):
            lens.append(up)  # type: ignore[arg-type]
            continue
        else:
            return None
        if infer.types(piece) != frozenset({kind}) or any(isinstance(n, ast.NamedExpr) for n in ast.walk(piece)):
            return None
        adds.append(up)  # type: ignore[arg-type]
        prepend.add(front)
    if not adds or len(prepend) != 1:
        return None
    front = next(iter(prepend))
    if kind == "str" and not front:
        return None  # CPython grows a str local in place on +=: a join is slower there (measured 1.3x)
    bare = Inference(func, replace(ctx, arg_types={}))
    if any(bare.types(_piece(a)) != frozenset({kind}) for a in adds):
        # only observed types say a piece is a str: a piece of another type would raise at the join after the
        # loop instead of at the +=, so the loop must have no effect anyone could see in between
        fresh = f.fresh_locals(func)
        if f.unknown_calls(loop, func, fresh=fresh) or f.writes_objects(loop, fresh=fresh):
            return None
    return adds, lens, front


def _piece(add: ast.stmt) -> ast.expr:
    value = add.value  # type: ignore[attr-defined]
    return value.left if isinstance(add, ast.Assign) else value  # type: ignore[no-any-return]


def _prepended(value: ast.expr, name: str) -> bool:
    return (
        isinstance(value, ast.BinOp)
        and isinstance(value.op, ast.Add)
        and isinstance(value.right, ast.Name)
        and value.right.id == name
        and not t.name_nodes(value.left, name)
    )


def _rewrite(
    body: list[ast.stmt], loop: ast.stmt, name: str, kind: str, adds: list[ast.stmt], lens: list[ast.Call], front: bool
) -> None:
    parts, length = f"_pk_parts_{name}", f"_pk_len_{name}"
    for add in adds:
        piece = ast.unparse(_piece(add))
        code = f"{parts}.append({piece})"
        if lens:
            code += f"\n{length} += len({parts}[-1])"
        owner = t.containing_list(loop, add)
        assert owner is not None
        at = owner.index(add)
        owner[at : at + 1] = t.stmts(code)
    for call in lens:
        f.replace_node(call, ast.Name(length, ast.Load()))
    sep = _SEPARATOR[kind]
    after = f"{name} = {sep}.join(reversed({parts})) + {name}" if front else f"{name} += {sep}.join({parts})"
    body.insert(body.index(loop) + 1, t.stmts(after)[0])
    setup = f"{parts} = []" + (f"\n{length} = len({name})" if lens else "")
    at = body.index(loop)
    body[at:at] = t.stmts(setup)
    t.link_parents(loop)
