"""What a module-level name refers to, when the module's source proves it: ``from collections import Counter`` binds
``Counter`` to ``collections.Counter`` for good if nothing else in the module ever binds that name (no other import,
assignment, ``def``, ``class``, loop target, ``del`` or ``global`` declaration anywhere in the file)."""

from __future__ import annotations

import ast
import functools

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context


def imported(func: ast.FunctionDef, name: str, ctx: Context) -> str | None:
    """The dotted origin of the global ``name`` as ``func`` sees it (``"collections.Counter"``), or None."""
    if name in t.params(func) or t.stored(func, name) or not ctx.module_source:
        return None
    return _origins(ctx.module_source).get(name)


def module_function(func: ast.FunctionDef, name: str, ctx: Context) -> ast.FunctionDef | None:
    """The module's top-level ``def name`` as ``func`` sees it: the module binds ``name`` only there (no other
    assignment, import, ``global`` declaration or ``del`` anywhere in the file), and ``func`` does not bind it."""
    if name in t.params(func) or t.stored(func, name) or not ctx.module_source:
        return None
    found = _parsed(ctx.module_source)
    if found is None or _bindings(ctx.module_source).get(name) != 1:
        return None
    return next((n for n in found.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


@functools.lru_cache(maxsize=64)
def _parsed(module_source: str) -> ast.Module | None:
    try:
        return ast.parse(module_source)
    except SyntaxError:
        return None


@functools.lru_cache(maxsize=64)
def _bindings(module_source: str) -> dict[str, int]:
    """How many times each module global is bound: by top-level code (in any block, not inside a ``def``, ``lambda``
    or ``class`` body, whose names are their own), and once more for each ``global`` declaration anywhere. A star
    import could bind anything: then nothing is known."""
    tree = _parsed(module_source)
    if tree is None:
        return {}
    bindings: dict[str, int] = {}
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if any(a.name == "*" for a in node.names):
                return {}
            names = [a.asname or a.name for a in node.names]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
            pending.extend(node.decorator_list)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names = [node.id]
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))
        for bound in names:
            bindings[bound] = bindings.get(bound, 0) + 1
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            for name in node.names:
                bindings[name] = bindings.get(name, 0) + 1
    return bindings


@functools.lru_cache(maxsize=64)
def _origins(module_source: str) -> dict[str, str]:
    tree = _parsed(module_source)
    counts = _bindings(module_source)
    if tree is None or not counts:
        return {}
    origins: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is None and "." not in alias.name:
                    origins[alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                origins[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return {name: origin for name, origin in origins.items() if counts.get(name) == 1}
