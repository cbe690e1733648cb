"""Module attribute lookups in hot loops → one lookup before the loop, read from a local.

``math.sqrt(x)`` in a loop looks up ``math`` and then ``sqrt`` on every pass; bound once to a local it is a plain
local read (1.4x on a loop that only sums square roots, CPython 3.11). A bound method held in a local is *not* in
the catalogue: 3.11 calls ``out.append(x)`` faster than a local alias of it.
"""

from __future__ import annotations

import ast
import importlib

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._imports import imported

_MODULES = frozenset({"math", "cmath"})  # C modules of pure functions and constants
_LOOPS = (ast.For, ast.While)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)  # their own scope: an alias is a cell read


def module_alias(func: ast.FunctionDef, ctx: Context) -> bool:
    """``math.f`` read in a for or while loop → ``_pk_math_f`` bound just before the loop (not in a comprehension:
    on 3.11 it is a scope of its own, where the alias is a cell read and no faster, 1.0x measured).
    Guards: the module's source proves ``math`` is the ``math`` module (imported once, never rebound, not bound by
    ``func``); the attribute exists (so the early lookup cannot raise); the loop calls nothing but pure builtins,
    that module's functions and read-only or fresh-local methods, so nothing can rebind the attribute meanwhile
    (element types' own arithmetic methods are trusted not to, as everywhere in the catalogue)."""
    fresh = f.fresh_locals(func)
    bound = f.assigned_names(func)
    fired = False
    for loop in [n for n in ast.walk(func) if isinstance(n, _LOOPS)]:
        if f.detached(loop) or _inside_hot(loop, func):
            continue  # the outermost loop gets the alias once
        reads = [n for n in ast.walk(loop) if _module_attr(n, func, ctx, bound) and not f.in_comprehension(n, loop)]
        if not reads or not _known_calls(loop, func, fresh, bound, ctx):
            continue
        anchor = loop
        owner = t.containing_list(func, anchor)
        if owner is None:
            continue
        names: dict[str, str] = {}
        for node in reads:
            assert isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            text = f"{node.value.id}.{node.attr}"
            local = names.setdefault(text, f"_pk_{node.value.id}_{node.attr}")
            f.replace_node(node, ast.Name(local, ast.Load()))
        at = [id(s) for s in owner].index(id(anchor))
        owner[at:at] = [t.stmts(f"{local} = {text}")[0] for text, local in names.items()]
        t.link_parents(func)
        fired = True
    return fired


def _inside_hot(loop: ast.AST, func: ast.FunctionDef) -> bool:
    return any(isinstance(up, _LOOPS) for up in t.ancestors(loop) if up is not func)


def _module_attr(node: ast.AST, func: ast.FunctionDef, ctx: Context, bound: set[str]) -> bool:
    if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name)):
        return False
    module = node.value.id
    if module not in _MODULES or module in bound or imported(func, module, ctx) != module:
        return False
    return hasattr(importlib.import_module(module), node.attr)


def _known_calls(loop: ast.AST, func: ast.FunctionDef, fresh: set[str], bound: set[str], ctx: Context) -> bool:
    """Every call in ``loop`` is a pure builtin, a function of an aliased module, or a read-only method (or a
    writing one on a fresh local)."""
    for call in [n for n in ast.walk(loop) if isinstance(n, ast.Call)]:
        callee = call.func
        if call.keywords and not (isinstance(callee, ast.Name) and callee.id in ("sorted", "min", "max")):
            return False
        if any(not isinstance(k.value, ast.Lambda | ast.Constant) for k in call.keywords):
            return False  # ``key=some_function`` runs code this walk does not see (a lambda's calls it does)
        if isinstance(callee, ast.Name):
            if callee.id not in f.PURE_BUILTINS or callee.id in bound:
                return False
        elif _module_attr(callee, func, ctx, bound):
            continue
        elif isinstance(callee, ast.Attribute):
            owner = callee.value
            if callee.attr in f.READ_METHODS:
                continue
            if not (callee.attr in f.WRITE_METHODS and isinstance(owner, ast.Name) and owner.id in fresh):
                return False
        else:
            return False
    return True
