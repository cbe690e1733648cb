"""Constraints instrumented into a copy of the function's code as branch checks.

The copy is the function's own source with, at entry, ``if <expr>: __perfkit_hit__(i)`` per input constraint
(guarded by try/except, so a check that fails on some input changes nothing), and ``__perfkit_hit__(i)`` as the
first statement of each guarded body. Reaching a check is new coverage for atheris and a region for the corpus.
Recursive calls inside the copy reach the original, so the checks see the top-level call only. The copy keeps
the original's globals, closure values, file name and line numbers; the original is untouched (cost is always
counted on it).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from perfkit.fuzzers._constraints import Constraint, function_ast

HIT = "__perfkit_hit__"


@dataclass
class Instrumented:
    """The instrumented copy and the set its checks fill with the indexes of the constraints reached."""

    func: Callable[..., Any]
    seen: set[int]
    instrumented: bool  # False: no source (the original is used and no constraint can be observed)


def instrument(func: Callable[..., Any], constraints: Sequence[Constraint]) -> Instrumented:
    """A copy of ``func`` with a branch check per constraint (see the module docstring)."""
    seen: set[int] = set()
    found = function_ast(func)
    code = getattr(func, "__code__", None)
    if found is None or code is None:
        return Instrumented(func, seen, False)
    node = copy.deepcopy(found[0])
    node.decorator_list = []
    node.name = "__perfkit_copy__"  # recursive calls go to the original: checks observe the top-level call
    entry: list[ast.stmt] = []
    for index, c in enumerate(constraints):
        if c.line is None:
            entry.extend(_entry_check(c.expr, index, node.lineno))
        else:
            _insert_at(node, c.line, _hit(index, c.line))
    first = node.body[0] if node.body else None
    docstring = int(isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant))
    node.body[docstring:docstring] = entry
    freevars = code.co_freevars
    outer = ast.FunctionDef(
        name="__perfkit_outer__",
        args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg=v) for v in freevars], kwonlyargs=[], kw_defaults=[], defaults=[]
        ),
        body=[node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
        decorator_list=[],
        returns=None,
    )
    module = ast.Module(body=[outer], type_ignores=[])
    ast.fix_missing_locations(module)
    outer.lineno = outer.end_lineno = node.lineno
    namespace = dict(func.__globals__)  # type: ignore[attr-defined]
    namespace[HIT] = seen.add
    try:
        exec(compile(module, code.co_filename, "exec"), namespace)
        cells = [cell.cell_contents for cell in (func.__closure__ or ())]  # type: ignore[attr-defined]
        copy_func = namespace["__perfkit_outer__"](*cells)
    except Exception:  # e.g. a closure cell not yet filled
        return Instrumented(func, seen, False)
    copy_func.__defaults__ = getattr(func, "__defaults__", None)
    copy_func.__kwdefaults__ = getattr(func, "__kwdefaults__", None)
    return Instrumented(copy_func, seen, True)


def _hit(index: int, line: int) -> ast.stmt:
    return _at_line(ast.parse(f"{HIT}({index})").body, line)[0]


def _entry_check(expr: str, index: int, line: int) -> list[ast.stmt]:
    return _at_line(
        ast.parse(f"try:\n    if {expr}:\n        {HIT}({index})\nexcept Exception:\n    pass\n").body, line
    )


def _at_line(statements: list[ast.stmt], line: int) -> list[ast.stmt]:
    """The statements with every node placed on ``line`` (the check's lines are the function's own)."""
    for stmt in statements:
        for sub in ast.walk(stmt):
            if hasattr(sub, "lineno"):
                sub.lineno = sub.end_lineno = line  # type: ignore[attr-defined]
                sub.col_offset = sub.end_col_offset = 0  # type: ignore[attr-defined]
    return statements


def _insert_at(node: ast.AST, line: int, stmt: ast.stmt) -> bool:
    """Insert ``stmt`` first in the branch body that starts at ``line``."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.If) and sub.body and sub.body[0].lineno == line:
            sub.body.insert(0, stmt)
            return True
    return False
