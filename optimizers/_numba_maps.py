"""Local lookup tables in a numba kernel: ``last = defaultdict(int)`` keyed by characters (Damerau-Levenshtein's
last-row table, last-seen positions).

A local dict (``{}`` or ``defaultdict(int)``/``defaultdict(float)``) that is used only as ``d[key]`` (read, written
or ``+=``) never shows its keys, its order or its size. Then:

- :func:`char_keyed_maps`: if every key is a character of a string argument, the table may be keyed by code points
  instead (one character, one code point), so those characters do not keep the argument out of a kernel;
- :func:`defaultdicts_as_dicts`: ``defaultdict(int)`` becomes ``{}`` read with ``d.get(key, 0)`` (numba has typed
  dicts but no defaultdict); nothing can tell, since no read inserts a key that anything else would see.
"""

from __future__ import annotations

import ast

_FACTORIES = {"int": "0", "float": "0.0"}


def char_keyed_maps(nodes: list[ast.AST], parents: dict[int, ast.AST], chars: set[int]) -> set[str]:
    """Names of local tables whose every use is ``d[c]`` with ``c`` a character (its node id in ``chars``)."""
    found = set()
    for name in _tables(nodes):
        uses = [n for n in nodes if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        if all(_keyed(use, parents, lambda key: id(key) in chars) for use in uses):
            found.add(name)
    return found


def is_map_key(node: ast.AST, parent: ast.AST | None, maps: set[str]) -> bool:
    """Whether ``node`` is the key of ``d[node]`` with ``d`` one of ``maps``."""
    return (
        isinstance(parent, ast.Subscript)
        and parent.slice is node
        and isinstance(parent.value, ast.Name)
        and parent.value.id in maps
        and not isinstance(parent.ctx, ast.Del)
    )


def defaultdicts_as_dicts(func: ast.FunctionDef, names: set[str]) -> ast.FunctionDef:
    """A copy of ``func`` where each local ``defaultdict(int|float)`` of ``names`` (tables keyed by code points
    only: one key type) used only as ``d[key]`` is a dict read with ``d.get(key, 0)``."""
    if not names:
        return func
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    nodes = list(ast.walk(copy))
    parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
    for name, (stmt, zero) in _tables(nodes).items():
        if zero is None or name not in names:
            continue
        uses = [n for n in nodes if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        if not all(_keyed(use, parents, _pure_key) for use in uses):
            continue
        stmt.value = ast.Dict(keys=[], values=[])
        for use in uses:
            _read_with_get(parents[id(use)], parents, zero)  # type: ignore[arg-type]
    return ast.fix_missing_locations(copy)


def _tables(nodes: list[ast.AST]) -> dict[str, tuple[ast.Assign, str | None]]:
    """Locals bound once, to ``{}`` (zero None) or ``defaultdict(int|float)`` (zero "0"/"0.0")."""
    stores: dict[str, int] = {}
    for n in nodes:
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            stores[n.id] = stores.get(n.id, 0) + 1
    found: dict[str, tuple[ast.Assign, str | None]] = {}
    for n in nodes:
        if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)):
            continue
        name, value = n.targets[0].id, n.value
        if stores.get(name) != 1:
            continue
        if isinstance(value, ast.Dict) and not value.keys:
            found[name] = (n, None)
        elif _is_defaultdict(value):
            found[name] = (n, _FACTORIES[value.args[0].id])  # type: ignore[attr-defined]
    return found


def _pure_key(key: ast.expr) -> bool:
    """A key that may be evaluated twice (``d[k] += v`` reads it again): names, constants, indexing, arithmetic."""
    return all(isinstance(n, _PURE) for n in ast.walk(key))


_PURE = (ast.Name, ast.Constant, ast.Subscript, ast.BinOp, ast.UnaryOp, ast.expr_context, ast.operator, ast.unaryop)


def _is_defaultdict(value: ast.expr) -> bool:
    if not (isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords):
        return False
    func, factory = value.func, value.args[0]
    named = (isinstance(func, ast.Name) and func.id == "defaultdict") or (
        isinstance(func, ast.Attribute) and func.attr == "defaultdict"
    )
    return named and isinstance(factory, ast.Name) and factory.id in _FACTORIES


def _keyed(use: ast.Name, parents: dict[int, ast.AST], key_ok: object) -> bool:
    """Whether this read of the table is ``d[key]`` (read, written or ``+=``) with an acceptable key."""
    up = parents.get(id(use))
    if not (isinstance(up, ast.Subscript) and up.value is use and not isinstance(up.slice, ast.Slice)):
        return False
    if isinstance(up.ctx, ast.Del):
        return False
    return bool(key_ok(up.slice))  # type: ignore[operator]


def _read_with_get(sub: ast.Subscript, parents: dict[int, ast.AST], zero: str) -> None:
    """``d[k]`` read → ``d.get(k, 0)``; ``d[k] += v`` → ``d[k] = d.get(k, 0) + v``; a plain store stays."""
    up = parents.get(id(sub))
    get = ast.Call(ast.Attribute(sub.value, "get", ast.Load()), [sub.slice, ast.parse(zero, mode="eval").body], [])
    if isinstance(up, ast.AugAssign) and up.target is sub:
        key = ast.parse(ast.unparse(sub.slice), mode="eval").body
        value = ast.BinOp(get, up.op, up.value)
        store = ast.Subscript(ast.Name(sub.value.id, ast.Load()), key, ast.Store())  # type: ignore[attr-defined]
        assign = ast.Assign(targets=[store], value=value)
        owner = parents.get(id(up))
        for field in ("body", "orelse"):
            block = getattr(owner, field, None)
            if isinstance(block, list) and up in block:
                block[block.index(up)] = assign
        return
    if isinstance(sub.ctx, ast.Load):
        for field, value in ast.iter_fields(up):  # type: ignore[arg-type]
            if value is sub:
                setattr(up, field, get)
            elif isinstance(value, list) and sub in value:
                value[value.index(sub)] = get
