"""A warning or logging prologue kept out of the numba kernel: the wrapper runs it in Python, as the original does.

nltk's ``jaro_winkler_similarity`` starts with ``if not 0 <= max_l * p <= 1: warnings.warn(str("..."))``: the
warning (a string, a module numba does not know) keeps the whole function out of a kernel although the work that
follows is all numbers and characters. :func:`split_prologue` takes the leading statements that bind no name and
hold a string, call a method of a module object (``warnings.warn``, ``log.debug``) or check the arguments with a
name the kernel cannot read (``assert isinstance(n, integer_types)``): the candidate's wrapper runs them first, on
the caller's own arguments, exactly as the original would; the kernel and the fallback are made from the rest.
Since those statements bind nothing, the rest reads the same names either way.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_prepare import without_default_keywords
from perfkit.optimizers._numba_scan import BUILTINS, ModuleFacts
from perfkit.optimizers._types import Context


def split_prologue(context: Context) -> tuple[Context, list[str]]:
    """(The context without the prologue, the prologue's statements as source lines); no prologue: as it was
    (``zip(..., strict=False)`` read as ``zip(...)`` either way: :mod:`._numba_prepare`)."""
    context = replace(context, source=without_default_keywords(context.source))
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        return context, []
    _, func = parsed
    facts = ModuleFacts.of(context.module_source)
    known = set(t.params(func)) | facts.constants | set(facts.functions) | facts.numeric | BUILTINS
    start = 1 if ast.get_docstring(func) is not None else 0
    end = start
    while end < len(func.body) - 1 and _prologue(func.body[end], facts.numeric, known):
        end += 1
    if end == start:
        return context, []
    lines = [line for stmt in func.body[start:end] for line in ast.unparse(stmt).splitlines()]
    func.body = func.body[:start] + func.body[end:]
    return replace(context, source=ast.unparse(func) + "\n"), lines


def _prologue(stmt: ast.stmt, numeric: frozenset[str], known: set[str]) -> bool:
    """A statement that binds nothing, never returns or loops, and says something (a string, a module's call) or
    checks with a name the kernel cannot read (``assert isinstance(n, integer_types)``)."""
    allowed = (ast.Expr, ast.If, ast.Pass, ast.Assert, ast.Raise)
    nodes = list(ast.walk(stmt))
    for node in nodes:
        if isinstance(node, ast.stmt) and not isinstance(node, allowed):
            return False
        if (isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)) or isinstance(node, ast.NamedExpr):
            return False
        if isinstance(node, ast.Lambda | ast.GeneratorExp | ast.ListComp | ast.SetComp | ast.DictComp):
            return False
    says = any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in nodes) or any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id not in numeric
        for n in nodes
    )
    if any(isinstance(n, ast.Name) and n.id not in known for n in nodes):
        return True  # a check with a global the kernel cannot read (isinstance, six's integer_types)
    raises_only = all(isinstance(n, ast.Raise) for n in nodes if isinstance(n, ast.stmt) and n is not stmt)
    return says and not (isinstance(stmt, ast.If) and raises_only)  # a check that raises stays in the kernel
