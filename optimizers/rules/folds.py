"""Folds that copy their accumulator at every step → one pass, or one object grown in place.

``sum(rows, [])``, ``reduce(operator.add, rows)`` and ``reduce(lambda a, b: a + b, parts)`` make a new list (or
string) per item, copying everything so far: O(n²) (ruff's RUF017 names the ``sum`` spelling). ``itertools.chain``
or ``"".join`` makes the same result in one pass. ``s = s | t`` and ``s = s.union(t)`` in a loop copy the set at
every step; ``s |= t`` and ``s.update(t)`` grow the one set.

A set grown in place holds the same members, but its iteration order can differ from that of the copies (the
table is sized and filled in another sequence: 1825 of 3000 random folds of colliding ints iterated differently).
So the set rule fires only where nothing can observe that order: the set is tested with ``in``, counted with
``len``, tested for truth, or returned (perfkit compares a returned set by its members), and nothing else.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._imports import imported
from perfkit.optimizers.rules._inference import is_builtin

_CHAIN = "_pk_itertools.chain.from_iterable"
_OPS: dict[type, str] = {ast.BitOr: "|", ast.Sub: "-", ast.BitAnd: "&", ast.BitXor: "^"}
_METHODS = {
    "union": "update",
    "difference": "difference_update",
    "intersection": "intersection_update",
    "symmetric_difference": "symmetric_difference_update",
}


def concat_fold(func: ast.FunctionDef, ctx: Context) -> bool:
    """``sum(xs, [])``, ``reduce(ADD, xs)`` and ``reduce(ADD, xs, [])`` (``ADD`` one of ``operator.add``,
    ``operator.concat``, ``list.__add__``, ``lambda a, b: a + b``) → one ``itertools.chain`` pass, or ``"".join``
    for strings. Guards, at run time: ``xs`` is a list or tuple whose items are all exact lists (or, without a
    start, all exact strs), and for ``reduce`` without a start it has two items or more (one item is returned
    itself, none raises); anything else calls the original fold on the same, once-evaluated ``xs``."""
    if not all(is_builtin(func, b, ctx) for b in ("type", "list", "tuple", "all", "len", "str")):
        return False
    fired = 0
    body = [n for stmt in func.body for n in ast.walk(stmt)]  # not defaults or decorators: they run at def time
    for call in [n for n in body if isinstance(n, ast.Call)]:
        if f.detached(call) or _in_nested_scope(call, func) or f.in_comprehension_iter(call, func):
            continue
        shape = _fold_shape(call, func, ctx)
        if shape is None:
            continue
        items, started = shape
        held = f"_pk_fold{fired + 1}"
        fallback = _with_items(call, items, held)
        sequence = f"type({held} := {ast.unparse(items)}) in (list, tuple)"
        lists = f"all(type(_pk_v) is list for _pk_v in {held})"
        if started:
            text = f"([*{_CHAIN}({held})] if {sequence} and {lists} else {fallback})"
        elif _is_list_add(call.args[0]):  # list.__add__ refuses strs: lists only, everything else as before
            text = f"([*{_CHAIN}({held})] if {sequence} and len({held}) > 1 and {lists} else {fallback})"
        else:
            strs = f"all(type(_pk_v) is str for _pk_v in {held})"
            many = f"type({held}) in (list, tuple) and len({held}) > 1"
            text = (
                f"([*{_CHAIN}({held})] if {sequence} and len({held}) > 1 and {lists} "
                f"else ''.join({held}) if {many} and {strs} else {fallback})"
            )
        f.replace_node(call, t.expr(text))
        fired += 1
    if fired:
        t.insert_at_start(func, t.stmts("import itertools as _pk_itertools"))
        t.link_parents(func)
    return bool(fired)


def _with_items(call: ast.Call, items: ast.expr, held: str) -> str:
    """The original call's source with ``held`` in place of its items argument."""
    args = [ast.Name(held, ast.Load()) if a is items else a for a in call.args]
    return ast.unparse(ast.Call(call.func, args, call.keywords))


def _fold_shape(call: ast.Call, func: ast.FunctionDef, ctx: Context) -> tuple[ast.expr, bool] | None:
    """(the items argument, whether an empty-list start is given) for a concatenating fold, else None."""
    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if isinstance(call.func, ast.Name) and call.func.id == "sum" and is_builtin(func, "sum", ctx):
        starts = [k.value for k in call.keywords if k.arg == "start"]
        if len(call.keywords) != len(starts) or len(call.args) + len(starts) != 2:
            return None
        start = starts[0] if starts else call.args[1]
        return (call.args[0], True) if _empty_list(start, func, ctx) else None
    if not _is_reduce(call.func, func, ctx) or call.keywords or len(call.args) not in (2, 3):
        return None
    if not _adder(call.args[0], func, ctx):
        return None
    if len(call.args) == 3:
        return (call.args[1], True) if _empty_list(call.args[2], func, ctx) else None
    return call.args[1], False


def _empty_list(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    if isinstance(node, ast.List):
        return not node.elts
    return t.is_call(node, "list", 0) and not node.keywords and is_builtin(func, "list", ctx)  # type: ignore[attr-defined]


def _is_reduce(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    if isinstance(node, ast.Name):
        return imported(func, node.id, ctx) == "functools.reduce"
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "reduce"
        and isinstance(node.value, ast.Name)
        and imported(func, node.value.id, ctx) == "functools"
    )


def _adder(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    """``node`` is ``operator.add`` / ``operator.concat`` (or their from-imports), ``list.__add__`` or
    ``lambda a, b: a + b``."""
    if isinstance(node, ast.Name):
        return imported(func, node.id, ctx) in ("operator.add", "operator.concat")
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = node.value.id
        if node.attr in ("add", "concat"):
            return imported(func, owner, ctx) == "operator"
        return node.attr == "__add__" and owner == "list" and is_builtin(func, "list", ctx)
    if isinstance(node, ast.Lambda):
        a = node.args
        plain = not (a.posonlyargs or a.vararg or a.kwonlyargs or a.kwarg or a.defaults) and len(a.args) == 2
        body = node.body
        if not plain or not (isinstance(body, ast.BinOp) and isinstance(body.op, ast.Add)):
            return False
        first, second = a.args[0].arg, a.args[1].arg
        return _is_name(body.left, first) and _is_name(body.right, second) and first != second
    return False


def _is_list_add(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "__add__"


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _in_nested_scope(node: ast.AST, func: ast.FunctionDef) -> bool:
    for up in t.ancestors(node):
        if up is func:
            return False
        if isinstance(up, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            return True
    return False


concat_fold.nested_scopes_ok = True  # type: ignore[attr-defined]  # it edits one call, outside nested scopes


def set_fold(func: ast.FunctionDef, ctx: Context) -> bool:
    """``s = s | t`` / ``s = s - t`` / ``s = s & t`` / ``s = s ^ t`` and ``s = s.union(...)`` (``difference``,
    ``intersection``, ``symmetric_difference``) in a loop → ``s |= t`` / ``s.update(...)``... on the one set.
    Guards: every binding of ``s`` makes a new exact set (``set()``, ``set(x)``, a display, a comprehension) or
    is such a fold, so ``s`` is always an exact set nobody else holds; ``s`` is otherwise only tested with
    ``in``, ``len``, ``bool`` or a truth test, or returned, so neither an alias nor its iteration order can be
    observed; ``t`` does not read ``s``; the fold is not inside ``try``/``with`` (a failing ``update`` would leave
    a half-grown set behind); for an operator, ``t`` is checked at run time to be an exact set or frozenset
    (else the original statement runs)."""
    if not all(is_builtin(func, b, ctx) for b in ("type", "set", "frozenset")):
        return False
    fired = False
    for name in sorted(f.assigned_names(func) - set(t.params(func))):
        folds = _folds(func, name, ctx)
        if (
            not folds
            or not any(t.inside_loop(s, func) for s in folds)
            or not _only_unordered_reads(func, name, folds, ctx)
        ):
            continue
        for stmt in folds:
            owner = t.containing_list(func, stmt)
            assert owner is not None
            at = [id(s) for s in owner].index(id(stmt))
            owner[at : at + 1] = _in_place(stmt, name, func, ctx)
        t.link_parents(func)
        fired = True
    return _union_reduces(func, ctx) or fired


def _union_reduces(func: ast.FunctionDef, ctx: Context) -> bool:
    """``s = reduce(set.union, xs)`` (or ``operator.or_``, ``lambda a, b: a | b``, ``lambda a, b: a.union(b)``,
    with or without a ``set()`` start) where ``s`` is bound only there and read only as :func:`set_fold` allows,
    and ``return reduce(...)`` → one ``union`` call. Guards, at run time: ``xs`` is a list, a tuple or a dict's
    values (iterated without running user code), of exact sets (frozensets after the first), two or more
    without a start; else the original ``reduce`` runs on the same items."""
    if not all(is_builtin(func, b, ctx) for b in ("list", "len", "all", "tuple")):
        return False
    fired = False
    for stmt in [n for n in ast.walk(func) if isinstance(n, ast.Assign | ast.Return)]:
        call = stmt.value
        shape = _union_reduce(call, func, ctx) if isinstance(call, ast.Call) and not f.detached(stmt) else None
        if shape is None:
            continue
        if isinstance(stmt, ast.Assign):
            target = stmt.targets[0] if len(stmt.targets) == 1 else None
            if not isinstance(target, ast.Name) or len(t.stored(func, target.id)) != 1:
                continue
            if not _only_unordered_reads(func, target.id, [], ctx):
                continue
            lead = f"{target.id} ="
        else:
            lead = "return"
        assert isinstance(call, ast.Call)
        items, start = shape
        held = "_pk_items"
        slow = _with_items(call, items, held)
        if start is None:
            sets = f"all(type(_pk_v) in (set, frozenset) for _pk_v in {held})"
            ready = f"len({held}) > 1 and type({held}[0]) is set and {sets}"
            fast = f"{held}[0].union(*{held}[1:])"
        else:
            ready = f"all(type(_pk_v) in (set, frozenset) for _pk_v in {held})"
            fast = f"set().union(*{held})"
        code = (
            f"{held} = {ast.unparse(items)}\n"
            f"if type({held}) in (list, tuple) or type({held}) is type({{}}.values()):\n"
            f"    {held} = list({held})\n"
            f"    if {ready}:\n        {lead} {fast}\n    else:\n        {lead} {slow}\n"
            f"else:\n    {lead} {slow}\n"
        )
        owner = t.containing_list(func, stmt)
        if owner is None:
            continue
        at = [id(x) for x in owner].index(id(stmt))
        owner[at : at + 1] = t.stmts(code)
        t.link_parents(func)
        fired = True
    return fired


def _union_reduce(call: ast.Call, func: ast.FunctionDef, ctx: Context) -> tuple[ast.expr, ast.expr | None] | None:
    """(the items, the ``set()`` start or None) of a ``reduce`` that unions sets, else None."""
    if not _is_reduce(call.func, func, ctx) or call.keywords or len(call.args) not in (2, 3):
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or not _unions(call.args[0], func, ctx):
        return None
    if len(call.args) == 3:
        start = call.args[2]
        fresh = t.is_call(start, "set", 0) and not start.keywords and is_builtin(func, "set", ctx)  # type: ignore[attr-defined]
        return (call.args[1], start) if fresh else None
    return call.args[1], None


def _unions(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    """``node`` is ``set.union``, ``operator.or_`` (or its from-import), ``lambda a, b: a | b`` or
    ``lambda a, b: a.union(b)``."""
    if isinstance(node, ast.Name):
        return imported(func, node.id, ctx) == "operator.or_"
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.attr == "or_":
            return imported(func, node.value.id, ctx) == "operator"
        return node.attr == "union" and node.value.id == "set" and is_builtin(func, "set", ctx)
    if not isinstance(node, ast.Lambda):
        return False
    a = node.args
    if a.posonlyargs or a.vararg or a.kwonlyargs or a.kwarg or a.defaults or len(a.args) != 2:
        return False
    first, second, body = a.args[0].arg, a.args[1].arg, node.body
    if isinstance(body, ast.BinOp) and isinstance(body.op, ast.BitOr):
        return _is_name(body.left, first) and _is_name(body.right, second) and first != second
    method = body.func if isinstance(body, ast.Call) else None
    return (
        isinstance(body, ast.Call)
        and isinstance(method, ast.Attribute)
        and method.attr == "union"
        and _is_name(method.value, first)
        and len(body.args) == 1
        and not body.keywords
        and _is_name(body.args[0], second)
        and first != second
    )


def _folds(func: ast.FunctionDef, name: str, ctx: Context) -> list[ast.Assign] | None:
    """The fold statements of ``name`` when every binding of it is a fresh exact set or a fold, else None."""
    folds: list[ast.Assign] = []
    for store in t.stored(func, name):
        up = t.parent(store)
        if isinstance(up, ast.AugAssign) and up.target is store and type(up.op) in _OPS:
            continue  # already in place
        if not (isinstance(up, ast.Assign) and up.targets == [store]):
            return None
        value = up.value
        if _fresh_set(value, func, ctx):
            continue
        other = _folded(value, name)
        if other is None or any(t.name_nodes(o, name) for o in other) or f.caught_around(up, func):
            return None
        folds.append(up)
    return folds


def _fresh_set(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    if isinstance(node, ast.Set | ast.SetComp):
        return True
    return t.is_call(node, "set") and len(node.args) <= 1 and not node.keywords and is_builtin(func, "set", ctx)  # type: ignore[attr-defined]


def _folded(value: ast.expr, name: str) -> list[ast.expr] | None:
    """What ``name OP t`` or ``name.union(...)`` (and the other three) folds into ``name``, else None."""
    if isinstance(value, ast.BinOp) and type(value.op) in _OPS and _is_name(value.left, name):
        return [value.right]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and _is_name(value.func.value, name):
        method = value.func.attr
        if method in _METHODS and not value.keywords:
            if method == "symmetric_difference" and (len(value.args) != 1 or isinstance(value.args[0], ast.Starred)):
                return None
            return list(value.args)
    return None


def _only_unordered_reads(func: ast.FunctionDef, name: str, folds: list[ast.Assign], ctx: Context) -> bool:
    """Every read of ``name`` outside its folds is an ``in`` test, ``len``/``bool``, a truth test or ``return``."""
    inside = {id(n) for s in folds for n in ast.walk(s)}
    for use in t.name_nodes(func, name):
        if not isinstance(use.ctx, ast.Load) or id(use) in inside:
            continue
        up = t.parent(use)
        if isinstance(up, ast.Compare) and any(
            c is use and isinstance(op, ast.In | ast.NotIn) for c, op in zip(up.comparators, up.ops, strict=True)
        ):
            continue
        if isinstance(up, ast.Call) and up.args == [use] and isinstance(up.func, ast.Name):
            if up.func.id in ("len", "bool") and not up.keywords and is_builtin(func, up.func.id, ctx):
                continue
            return False
        if isinstance(up, ast.Return) or _truth_test(use):
            continue
        if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
            continue
        return False
    return True


def _truth_test(node: ast.expr) -> bool:
    """``node`` is only tested for truth: an ``if``/``while``/conditional test, itself or inside an ``and``/``or``
    that is one (never the value of an ``and``/``or``, which could hand the set on)."""
    up = t.parent(node)
    while isinstance(up, ast.BoolOp):
        node, up = up, t.parent(up)
    return isinstance(up, ast.If | ast.While | ast.IfExp) and up.test is node


def _in_place(stmt: ast.Assign, name: str, func: ast.FunctionDef, ctx: Context) -> list[ast.stmt]:
    """The statements that grow ``name`` in place for the fold ``stmt``."""
    value = stmt.value
    if isinstance(value, ast.Call):
        assert isinstance(value.func, ast.Attribute)
        call = ast.Call(
            ast.Attribute(ast.Name(name, ast.Load()), _METHODS[value.func.attr], ast.Load()), value.args, []
        )
        return [ast.copy_location(ast.Expr(call), stmt)]
    assert isinstance(value, ast.BinOp)
    op = _OPS[type(value.op)]
    right = value.right
    if _fresh_set(right, func, ctx):  # an exact set by the code itself
        return t.stmts(f"{name} {op}= {ast.unparse(right)}")
    held = f"_pk_other_{name}"
    return t.stmts(
        f"{held} = {ast.unparse(right)}\n"
        f"if type({held}) in (set, frozenset):\n    {name} {op}= {held}\nelse:\n    {name} = {name} {op} {held}\n"
    )
