"""Rewrites applied to a numba kernel and to every module helper it may call, before the scan judges them.

- :func:`plain_raises`: ``raise E(message)`` becomes ``raise RuntimeError("...")``. A kernel that raises never gives
  its exception to the caller: the wrapper hands the call to the original, which raises its own exception with its
  own message (and the kernel's writes were made into copies, never written back). So what a ``raise`` in the
  kernel computes does not matter, only where it happens; and the message (``"%s" % n``, ``type(v).__name__``) or
  the exception class (the project's own) no longer keeps the function out of numba.
- :func:`without_default_keywords`: ``zip(a, b, strict=False)`` (ruff's B905 asks for the keyword) is
  ``zip(a, b)``: the keyword says what the call does anyway, and numba's ``zip`` takes none.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from perfkit.optimizers._numba_flow import placeholder_rewrites
from perfkit.optimizers._numba_scan import ModuleFacts
from perfkit.optimizers._numba_tables import local_grids

_RAISED = "RuntimeError"  # any exception: the wrapper catches it and runs the original


def plain_raises(func: ast.FunctionDef) -> ast.FunctionDef:
    """A copy of ``func`` whose every ``raise ...`` (a bare ``raise`` too) raises a plain RuntimeError."""
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    for node in ast.walk(copy):
        if isinstance(node, ast.Raise):
            message = ast.Constant("the original raises here")
            node.exc, node.cause = ast.Call(ast.Name(_RAISED, ast.Load()), [message], []), None
    return ast.fix_missing_locations(copy)


def prepared(module: ModuleFacts) -> ModuleFacts:
    """``module`` with :func:`plain_raises` and the rewrites the kernel gets (placeholders:
    :mod:`perfkit.optimizers._numba_flow`, local 2-D tables: :mod:`perfkit.optimizers._numba_tables`) applied to
    each of its functions (the helpers the kernel may call)."""
    functions = {name: local_grids(placeholder_rewrites(plain_raises(func))) for name, func in module.functions.items()}
    return replace(module, functions=functions)


def without_default_keywords(source: str) -> str:
    """``source`` with ``strict=False`` dropped from ``zip(...)`` calls (unchanged when there is none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    found = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "zip":
            kept = [
                k
                for k in node.keywords
                if not (k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is False)
            ]
            found = found or len(kept) != len(node.keywords)
            node.keywords = kept
    return ast.unparse(tree) + "\n" if found else source
