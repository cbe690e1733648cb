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
    """A bytes local that a loop only grows (``b += piece`` or only ``b = piece + b``), or a str local it only
    prepends to (``s = piece + s``), at any depth of nested loops and ``if``s, with reads only as ``len(s)`` →
    pieces appended to a list, joined after the loop (``len(s)`` becomes a running length). The name must be
    bound before the loop (an assignment earlier in its block or an enclosing one), and every value it is
    ever given a str (bytes). Guards: every piece is a str (bytes for bytes) by the code, or by observed
    types and then the loop calls nothing unknown and writes only into its own fresh locals (a piece of another
    type raises at the join instead of at the ``+=``, with nothing visible done in between); the loop is not
    inside ``try`` or ``with`` (which could catch an exception and read the half-built ``s``); no ``:=`` in the
    pieces."""
    infer = Inference(func, ctx)
    fired = False
    for loop in [n for n in ast.walk(func) if isinstance(n, ast.For | ast.While)]:  # outer loops first
        owner = t.containing_list(func, loop)
        if owner is None or f.detached(loop) or f.caught_around(loop, func):
            continue
        for name in sorted(_built(loop)):
            kinds = infer.types(ast.Name(name, ast.Load()))
            if kinds is None or len(kinds) != 1 or next(iter(kinds)) not in _SEPARATOR:
                continue
            if name in t.params(func) or not _bound_before(loop, name, func):
                continue
            plan = _plan(loop, name, next(iter(kinds)), infer, func, ctx)
            if plan is None:
                continue
            _rewrite(owner, loop, name, next(iter(kinds)), *plan)
            fired = True
    return fired


def _built(loop: ast.For | ast.While) -> set[str]:
    """Names the loop appends to (``s += ...``) or prepends to (``s = ... + s``)."""
    out = set()
    for node in ast.walk(loop):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            out.add(node.target.id)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out.update([node.targets[0].id] if _prepended(node.value, node.targets[0].id) else [])
    return out


def _bound_before(loop: ast.stmt, name: str, func: ast.FunctionDef) -> bool:
    """``name`` is surely bound when the loop starts: a plain assignment precedes it in its statement list or in
    one around it (otherwise a loop that never runs would leave it unbound, and the join after it would raise)."""
    node: ast.AST = loop
    while node is not func:
        owner = t.containing_list(func, node) if isinstance(node, ast.stmt) else None
        if owner is not None:
            for earlier in owner[: owner.index(node)]:  # type: ignore[arg-type]
                targets = earlier.targets if isinstance(earlier, ast.Assign) else []
                if isinstance(earlier, ast.AnnAssign) and earlier.value is not None:
                    targets = [earlier.target]
                if any(isinstance(x, ast.Name) and x.id == name for x in targets):
                    return True
        up = t.parent(node)
        if up is None:
            return False
        node = up
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
