"""A helper's body of guard clauses and search loops, written as one expression, so it can be inlined.

    if n < 2: return False                        (False if n < 2 else
    for d in range(2, n):                  →       (False if any(n % d == 0 for d in range(2, n)) else
        if n % d == 0: return False                 True))
    return True

Each ``if C: return A`` (with an ``else`` that returns, or followed by more) is ``A if C else REST``; a loop whose
body is only ``if C: return K`` (``K`` a constant) is ``K if any(C for x in R) else REST``: ``any`` tests the same
``C`` for the same ``x`` in the same order and stops where the loop returns. The one difference is an exception
``StopIteration`` raised by ``C`` itself (a generator turns it into ``RuntimeError``), so an expression made from a
loop is used only where the arguments are exact builtin scalars (checked at run time by the caller).
"""

from __future__ import annotations

import ast

_MAX_DEPTH = 8  # clauses per helper


def as_expression(body: list[ast.stmt]) -> tuple[ast.expr, bool] | None:
    """(the expression, whether it holds a converted loop), or None when ``body`` is not of that form."""
    body = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return _convert(body, 0)


def _convert(body: list[ast.stmt], depth: int) -> tuple[ast.expr, bool] | None:
    if not body or depth > _MAX_DEPTH:
        return None
    first, rest = body[0], body[1:]
    if isinstance(first, ast.Return):
        return (first.value, False) if first.value is not None and not rest else None
    if isinstance(first, ast.If):
        then = _convert(first.body, depth + 1)
        other = _convert(first.orelse + rest, depth + 1) if first.orelse or rest else None
        if then is None or other is None:
            return None
        if first.orelse and rest:
            return None  # statements after an if/else that both return would be dead; keep it simple
        return ast.IfExp(first.test, then[0], other[0]), then[1] or other[1]
    if isinstance(first, ast.For) and not first.orelse and len(first.body) == 1 and rest:
        clause = first.body[0]
        if not (isinstance(clause, ast.If) and not clause.orelse and len(clause.body) == 1):
            return None
        value = clause.body[0]
        if not (isinstance(value, ast.Return) and isinstance(value.value, ast.Constant)):
            return None
        names = {n.id for n in ast.walk(first.target) if isinstance(n, ast.Name)}
        shapes = [n for n in ast.walk(first.target) if isinstance(n, ast.expr)]
        if not names or not all(isinstance(n, ast.Name | ast.Tuple) for n in shapes):
            return None
        if any(isinstance(n, ast.Name) and n.id in names for s in rest for n in ast.walk(s)):
            return None  # the loop variable read after the loop (bound to its last value there)
        after = _convert(rest, depth + 1)
        if after is None:
            return None
        search = ast.Call(
            ast.Name("any", ast.Load()),
            [ast.GeneratorExp(clause.test, [ast.comprehension(first.target, first.iter, [], 0)])],
            [],
        )
        if value.value.value is False:  # ``not any(...) and REST`` is ``False if any(...) else REST``, value for value
            return ast.BoolOp(ast.And(), [ast.UnaryOp(ast.Not(), search), after[0]]), True
        if value.value.value is True:
            return ast.BoolOp(ast.Or(), [search, after[0]]), True
        return ast.IfExp(search, value.value, after[0]), True
    return None
