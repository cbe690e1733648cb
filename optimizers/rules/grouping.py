"""Grouping by rebuilding lists (``g[k] = g.get(k, []) + [v]``, quadratic per key) → ``setdefault(...).append``."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_REBUILDS = (  # one grouping step: key {k}, dict {g}, new items {v} (a list display)
    "{g}[{k}] = {g}.get({k}, []) + {v}",
    "{g}[{k}] = {g}[{k}] + {v} if {k} in {g} else {v}",
    "if {k} in {g}:\n    {g}[{k}] = {g}[{k}] + {v}\nelse:\n    {g}[{k}] = {v}",
    "if {k} not in {g}:\n    {g}[{k}] = {v}\nelse:\n    {g}[{k}] = {g}[{k}] + {v}",
)
_TWO_STEP = "if {k} not in {g}:\n    {g}[{k}] = []\n{g}[{k}] = {g}[{k}] + {v}"


def group_append(func: ast.FunctionDef, ctx: Context) -> bool:
    """A local dict ``g = {}`` whose lists are only ever rebuilt as ``old + [v]`` → ``g.setdefault(k, [])``
    ``.append(v)``: the same keys in the same order and equal lists, built in linear time.

    The lists must be unseen while the dict is built (every other use of ``g`` comes after the last update, outside
    any loop that updates it), the key and items simple names, constants, attributes or indexing, and no update
    inside a ``try`` (an exception between the key's insertion and the append could be caught)."""
    fired = False
    for stmt, g in f.empty_assignments(func, ast.Dict):
        if len(t.stored(func, g)) != 1:
            continue
        updates = _updates(func, g)
        if not updates:
            continue
        parts = [p for u, _ in updates for p in (u, getattr(u, "_pk_pair", u))]
        covered = {id(n) for p in parts for n in ast.walk(p)}
        last = max(p.end_lineno or 0 for p in parts)
        loops = [a for u, _ in updates for a in t.ancestors(u) if isinstance(a, ast.For | ast.While)]
        others = [n for n in t.name_nodes(func, g) if id(n) not in covered and n is not stmt.targets[0]]
        if any(
            n.lineno <= last
            or any(n in t.name_nodes(loop, g) for loop in loops)
            or not (f.read_only_use(n) or isinstance(t.parent(n), ast.Return))
            for n in others
        ):
            continue
        if any(isinstance(a, ast.Try) for u, _ in updates for a in t.ancestors(u)):
            continue
        for update, (k, items) in updates:
            owner = t.containing_list(func, update)
            assert owner is not None
            pair_stmt = getattr(update, "_pk_pair", None)
            if pair_stmt is not None:  # a two-step rebuild becomes one statement
                owner.remove(pair_stmt)
            method, arg = ("append", items[0]) if len(items) == 1 else ("extend", "[" + ", ".join(items) + "]")
            owner[owner.index(update)] = t.stmts(f"{g}.setdefault({k}, []).{method}({arg})")[0]
        fired = True
    return fired


def _updates(func: ast.FunctionDef, g: str) -> list[tuple[ast.stmt, tuple[str, list[str]]]] | None:
    """Every statement that stores into ``g[...]``, each matched to a rebuild (key text, item texts); None when a
    store is anything else."""
    out: list[tuple[ast.stmt, tuple[str, list[str]]]] = []
    claimed: set[int] = set()
    for body in t.statement_lists(func):
        for position, stmt in enumerate(body):
            if id(stmt) in claimed:
                continue
            pair = body[position : position + 2]
            for group in ([stmt], pair) if len(pair) == 2 else ([stmt],):
                found = _rebuild(group, g)
                if found is not None:
                    if len(group) == 2:
                        claimed.add(id(group[1]))
                        body_stmt: ast.stmt = group[0]
                        out.append((body_stmt, found))
                        body_stmt._pk_pair = group[1]  # type: ignore[attr-defined]
                    else:
                        out.append((stmt, found))
                    break
    matched = {id(n) for s, _ in out for part in (s, getattr(s, "_pk_pair", s)) for n in ast.walk(part)}
    for node in ast.walk(func):
        is_g = isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == g
        if is_g and not isinstance(node.ctx, ast.Load) and id(node) not in matched:  # type: ignore[attr-defined]
            return None
    return out


def _rebuild(group: list[ast.stmt], g: str) -> tuple[str, list[str]] | None:
    first = next(
        (
            n
            for s in group
            for n in ast.walk(s)
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == g
        ),
        None,
    )
    if first is None or not _simple(first.slice):
        return None
    k = ast.unparse(first.slice)
    displays = [n for s in group for n in ast.walk(s) if isinstance(n, ast.List) and n.elts]
    if not displays or not all(_simple(e) for e in displays[0].elts):
        return None
    v = ast.unparse(displays[0])
    text = "\n".join(ast.unparse(s) for s in group)
    forms = _REBUILDS if len(group) == 1 else (_TWO_STEP,)
    if any(text == form.format(g=g, k=k, v=v) for form in forms):
        return k, [ast.unparse(e) for e in displays[0].elts]
    return None


def _simple(node: ast.expr) -> bool:
    """Names, constants, attributes, indexing and tuples of them: nothing that calls user code by design."""
    return all(
        isinstance(n, ast.Name | ast.Constant | ast.Attribute | ast.Subscript | ast.Tuple | ast.Load)
        for n in ast.walk(node)
    )
