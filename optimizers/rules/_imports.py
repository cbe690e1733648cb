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


@functools.lru_cache(maxsize=64)
def _origins(module_source: str) -> dict[str, str]:
    try:
        tree = ast.parse(module_source)
    except SyntaxError:
        return {}
    bindings: dict[str, int] = {}
    origins: dict[str, str] = {}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
            for alias in node.names:
                if alias.asname is None and "." not in alias.name and node in tree.body:
                    origins[alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            names = [a.asname or a.name for a in node.names]
            for alias in node.names:
                if node.module and not node.level and node in tree.body and alias.name != "*":
                    origins[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if alias.name == "*":
                    return {}  # a star import may rebind anything
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names = list(node.names)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names = [node.id]
        elif isinstance(node, ast.alias | ast.arg):
            continue
        for bound in names:
            bindings[bound] = bindings.get(bound, 0) + 1
    # a name bound inside a function body is that function's local; only module-level and ``global`` rebinding
    # count, but counting every binding keeps the rule simple and errs on the side of refusing
    return {name: origin for name, origin in origins.items() if bindings.get(name) == 1}
