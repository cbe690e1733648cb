"""Manual counting → ``collections.Counter``: counting loops in their everyday spellings, and ``xs.count(w)``
inside a loop (quadratic) → one ``Counter`` made once."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_KEY_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title"})
_COUNTING = (  # one counting step for key {k} in dict {d}, after _canonical
    "if {k} in {d}:\n    {d}[{k}] += 1\nelse:\n    {d}[{k}] = 1",
    "if {k} not in {d}:\n    {d}[{k}] = 1\nelse:\n    {d}[{k}] += 1",
    "{d}[{k}] = {d}.get({k}, 0) + 1",
    "{d}[{k}] = 1 + {d}.get({k}, 0)",
    "if {k} not in {d}:\n    {d}[{k}] = 0\n{d}[{k}] += 1",
    "{d}.setdefault({k}, 0)\n{d}[{k}] += 1",
    "try:\n    {d}[{k}] += 1\nexcept KeyError:\n    {d}[{k}] = 1",
    "{d}[{k}] = {d}[{k}] + 1 if {k} in {d} else 1",
    "{d}[{k}] = 1 if {k} not in {d} else {d}[{k}] + 1",
)


def counting_dict(func: ast.FunctionDef, ctx: Context) -> bool:
    """``d = {}``, later ``for w in it:`` whose whole body adds one to ``d[key(w)]`` (any spelling in
    ``_COUNTING``) → ``d = dict(Counter(key(w) for w in it))``: same keys, first-seen order and counts."""
    fired = False
    for body in list(t.statement_lists(func)):
        for position, stmt in enumerate(list(body)):
            d = _empty_dict(stmt)
            if d is None:
                continue
            later = body[position + 1 :]
            loop = next((s for s in later if t.name_nodes(s, d)), None)
            if not isinstance(loop, ast.For) or loop.orelse or t.name_nodes(loop.iter, d):
                continue
            targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
            if not targets or not all(isinstance(n, ast.Name | ast.Tuple | ast.Store) for n in ast.walk(loop.target)):
                continue
            key = _counted_key(loop.body, d)
            if key is None or not _pure_key(key, targets) or t.name_nodes(key, d):
                continue
            if any(t.name_nodes(loop.iter, name) for name in targets):
                continue
            if any(len(t.name_nodes(func, n)) != len(t.name_nodes(loop, n)) for n in targets):
                continue  # a loop variable is used outside the loop
            k, it = ast.unparse(key), ast.unparse(loop.iter)
            counted = it if k == ast.unparse(loop.target) else f"({k} for {ast.unparse(loop.target)} in {it})"
            body[body.index(loop)] = t.stmts(f"{d} = dict(_pk_Counter({counted}))")[0]
            fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from collections import Counter as _pk_Counter"))
    return fired


def _empty_dict(stmt: ast.stmt) -> str | None:
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    value = stmt.value
    if (isinstance(value, ast.Dict) and not value.keys) or t.is_call(value, "dict", 0):
        return stmt.targets[0].id
    return None


def _counted_key(body: list[ast.stmt], d: str) -> ast.expr | None:
    """The key ``body`` counts in ``d`` (one of the spellings in ``_COUNTING``), else None."""
    key = next(
        (
            n.slice
            for s in body
            for n in ast.walk(s)
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == d
        ),
        None,
    )
    if key is None:
        return None
    k = ast.unparse(key)
    text = _canonical("\n".join(ast.unparse(s) for s in body) + "\n", d, k).rstrip("\n")
    return key if any(text == form.format(d=d, k=k) for form in _COUNTING) else None


def _canonical(text: str, d: str, k: str) -> str:
    return text.replace(f"{d}.keys()", d).replace(f"{d}[{k}] = {d}[{k}] + 1\n", f"{d}[{k}] += 1\n")


def _pure_key(key: ast.expr, targets: set[str]) -> bool:
    """A key made of loop variables, constants, indexing, attributes and a few str methods: no user code."""
    for node in ast.walk(key):
        if isinstance(node, ast.Name):
            if node.id not in targets:
                return False
        elif isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Attribute) and node.func.attr in _KEY_METHODS and not node.args):
                return False
        elif not isinstance(node, ast.Constant | ast.Subscript | ast.Attribute | ast.Tuple | ast.Load | ast.Slice):
            return False
    return True


def count_in_loop(func: ast.FunctionDef, ctx: Context) -> bool:
    """``xs.count(w)`` inside a loop or comprehension, ``xs`` unchanged in the function → a ``Counter`` of
    ``xs`` made once, looked up with a guard (scalar elements, a one-character ``w`` for str ``xs``)."""
    fresh = f.fresh_locals(func)
    calls: dict[str, list[ast.Call]] = {}
    for node in ast.walk(func):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.attr == "count"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name | ast.Constant)
        ):
            continue
        if _in_loop(node, func):
            calls.setdefault(node.func.value.id, []).append(node)
    fired = False
    for xs, found in calls.items():
        where = _defined_once(func, xs)
        if where is None:
            continue
        if not f.unchanged_in(func, xs, func, fresh=fresh, definition=where) or t.name_nodes(func, "_pk_cnt_" + xs):
            continue
        if where is not func and any(c.lineno <= getattr(where, "end_lineno", 0) for c in found):
            continue
        table = "_pk_cnt_" + xs
        guard = (
            f"{table} = None\n"
            f"if type({xs}) in (list, tuple, str) and all(type(_pk_v) in {f.SCALARS} for _pk_v in {xs}):\n"
            f"    {table} = _pk_Counter({xs})\n"
        )
        setup = [*t.stmts("from collections import Counter as _pk_Counter"), *t.stmts(guard)]
        if where is func:
            t.insert_at_start(func, setup)
        else:
            owner = t.containing_list(func, where)  # type: ignore[arg-type]
            assert owner is not None
            owner[owner.index(where) + 1 : owner.index(where) + 1] = setup  # type: ignore[arg-type]
        for call in found:
            w = ast.unparse(call.args[0])
            lookup = (
                f"({table}[{w}] if {table} is not None and type({w}) in {f.SCALARS} "
                f"and (type({xs}) is not str or len({w}) == 1) else {xs}.count({w}))"
            )
            f.replace_node(call, t.expr(lookup))
        fired = True
    return fired


def _in_loop(node: ast.AST, func: ast.FunctionDef) -> bool:
    for up in t.ancestors(node):
        if up is func:
            return False
        if isinstance(up, ast.For | ast.While | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            return True
    return False


def _defined_once(func: ast.FunctionDef, name: str) -> ast.AST | None:
    """``func`` for a parameter never rebound; the single top-level ``name = ...`` statement of a local."""
    stores = t.stored(func, name)
    if name in t.params(func):
        return None if stores else func
    if len(stores) != 1:
        return None
    stmt = t.parent(stores[0])
    if isinstance(stmt, ast.Assign) and stmt.targets == [stores[0]] and any(s is stmt for s in func.body):
        return stmt
    return None
