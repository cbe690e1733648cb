"""Module constants a text kernel (:mod:`perfkit.optimizers._numba_text`) may read: names the module binds once at
its top level to a literal (a string, an int, a tuple of ints, a tuple of tuples of ints), or imports by name from a
sibling module that binds them so (wcwidth's ``from .table_wide import WIDE_EASTASIAN``). Their values are read
from the sources with :func:`ast.literal_eval`; nothing is run. A name bound twice, or through ``global``, is not a
constant.
"""

from __future__ import annotations

import ast

from perfkit.optimizers._numba_imports import _bound_once, sibling_imports
from perfkit.optimizers._types import Context

_CACHE: dict[tuple[str, str], dict[str, object]] = {}


def module_constants(context: Context) -> dict[str, object]:
    """name -> value for the literal constants the function's module holds or imports by name."""
    key = (context.module_name, context.module_source)
    if key not in _CACHE:
        _CACHE[key] = _constants(context)
    return _CACHE[key]


def _constants(context: Context) -> dict[str, object]:
    try:
        tree = ast.parse(context.module_source)
    except SyntaxError:
        return {}
    found = _literals(tree)
    for source, names in sibling_imports(tree, context.module_name):
        try:
            theirs = _literals(ast.parse(source))
        except SyntaxError:
            continue
        for name, local in names:
            if name in theirs and local not in found:
                found[local] = theirs[name]
    return found


def _literals(tree: ast.Module) -> dict[str, object]:
    """The names bound once at the top of ``tree`` to a literal string, int or tuple."""
    found: dict[str, object] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            try:
                value = ast.literal_eval(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(value, str | int | tuple) and _bound_once(tree, name):
                found[name] = value
    return found
