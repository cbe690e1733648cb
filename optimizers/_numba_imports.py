"""Helpers a numba kernel calls that live in a sibling module (StringDist's ``from .levenshtein_shared import
_levenshtein_compute``).

:func:`module_facts` is :class:`~perfkit.optimizers._numba_scan.ModuleFacts` of the function's module, plus the
functions it imports by name (``from .x import f``, ``from pkg.x import f``, bound once at its top level) that are
self-contained: every name they read is their own, a parameter, or a builtin the kernel may call. Such a helper
reads nothing of its own module (no constant, no other helper), so its source means the same when compiled beside
the kernel. The module is found with :func:`importlib.util.find_spec` (its package is imported already: the
function under optimisation lives in it) and read from its source file; nothing is run.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from dataclasses import replace

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_prepare import without_default_keywords
from perfkit.optimizers._numba_scan import BUILTINS, ModuleFacts
from perfkit.optimizers._types import Context

_SOURCES: dict[str, str | None] = {}


def module_facts(context: Context) -> ModuleFacts:
    """The module's facts with its self-contained imported helpers among its functions."""
    facts = ModuleFacts.of(without_default_keywords(context.module_source))
    try:
        tree = ast.parse(context.module_source)
    except SyntaxError:
        return facts
    imported: dict[str, ast.FunctionDef] = {}
    for source, names in sibling_imports(tree, context.module_name):
        functions = ModuleFacts.of(without_default_keywords(source)).functions
        for name, local in names:
            found = functions.get(name)
            if found is not None and local not in facts.functions and _closed(found):
                copy = ast.parse(ast.unparse(found)).body[0]
                assert isinstance(copy, ast.FunctionDef)
                copy.name = local
                imported[local] = copy
    if not imported:
        return facts
    return replace(facts, functions={**imported, **facts.functions})


def sibling_imports(tree: ast.Module, module_name: str) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """For each ``from .x import a as b`` at the top of ``tree`` whose module's source can be read: that source and
    the (name there, local name) pairs whose local name the module binds only there."""
    for stmt in tree.body:
        if not isinstance(stmt, ast.ImportFrom) or (stmt.module is None and not stmt.level):
            continue
        source = _source_of(stmt, module_name)
        if source is not None:
            names = [(a.name, a.asname or a.name) for a in stmt.names]
            yield source, [(name, local) for name, local in names if _bound_once(tree, local)]


def _source_of(stmt: ast.ImportFrom, module_name: str) -> str | None:
    """The source of the module ``stmt`` imports from, or None (not found, not a source file)."""
    try:
        if stmt.level:
            spec = importlib.util.find_spec(module_name)
            package = module_name if spec is not None and spec.submodule_search_locations else ""
            package = package or module_name.rpartition(".")[0]
            name = importlib.util.resolve_name("." * stmt.level + (stmt.module or ""), package) if package else ""
        else:
            name = stmt.module or ""
        if not name:
            return None
        if name not in _SOURCES:
            found = importlib.util.find_spec(name)
            origin = found.origin if found is not None else None
            _SOURCES[name] = None
            if origin and origin.endswith(".py"):
                with open(origin, encoding="utf-8") as file:
                    _SOURCES[name] = file.read()
        return _SOURCES[name]
    except (ImportError, ValueError, OSError, UnicodeDecodeError):
        return None


def _bound_once(tree: ast.Module, name: str) -> bool:
    """Whether the module binds ``name`` once at its top level (the import): nothing replaces it later."""
    count = 0
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            count += sum(1 for a in stmt.names if (a.asname or a.name).split(".")[0] == name)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            count += stmt.name == name
        else:
            count += sum(1 for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == name and n.ctx != ast.Load())
    globals_ = {n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names}
    return count == 1 and name not in globals_


def _closed(func: ast.FunctionDef) -> bool:
    """Whether every name the function reads is its own, a parameter or a builtin the kernel may call."""
    if t.has_nested_scopes(func):
        return False
    own = set(t.params(func)) | {
        n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }
    return all(n.id in own or n.id in BUILTINS for n in ast.walk(func) if isinstance(n, ast.Name))
