"""Naive number theory beyond primality: divisors by scanning ``range(1, n + 1)`` → pairs up to ``isqrt(n)``;
gcd by subtraction or by counting down → ``math.gcd``; factorial by loop → ``math.factorial``.

Fast paths run only where they provably agree with the loop: ints ``n >= 1`` for divisors, ints ``a, b > 0`` for
gcd (a loop may keep signs that ``math.gcd`` drops; subtraction never ends on a zero), ints ``n >= 0`` for
factorial (the loop gives 1 for a negative ``n`` where ``math.factorial`` raises); anything else runs the original.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_SIMPLE = (ast.Name, ast.Constant, ast.BinOp, ast.expr_context, ast.operator)


def divisor_scan(func: ast.FunctionDef, ctx: Context) -> bool:
    """``for d in range(A, B)`` (a loop or comprehension, ``A >= 1``) whose test starts with ``n % d == 0`` →
    the divisors of ``n`` in ``[A, B)``, in increasing order, from the pairs ``(i, n // i)`` with ``i <= isqrt(n)``;
    the test is kept, so only the order of visits could matter, and it is the same."""
    fired = False
    for node in [n for n in ast.walk(func) if isinstance(n, ast.For | ast.comprehension)]:
        found = _divisor_loop(func, node)
        if found is None:
            continue
        n, start, stop = found
        lo, hi = ast.unparse(start), ast.unparse(stop)
        divisors = (
            f"(sorted({{_pk_x for _pk_i in range(1, _pk_isqrt({n}) + 1) if {n} % _pk_i == 0 "
            f"for _pk_x in (_pk_i, {n} // _pk_i) if {lo} <= _pk_x < {hi}}}) "
            f"if type({n}) is int and {n} >= 1 and type({hi}) is int else {ast.unparse(node.iter)})"
        )
        node.iter = t.expr(divisors)
        fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from math import isqrt as _pk_isqrt"))
    return fired


def _divisor_loop(func: ast.FunctionDef, node: ast.For | ast.comprehension) -> tuple[str, ast.expr, ast.expr] | None:
    if not (isinstance(node.target, ast.Name) and t.is_call(node.iter, "range", 2)):
        return None
    d = node.target.id
    start, stop = node.iter.args  # type: ignore[attr-defined]
    if not (isinstance(start, ast.Constant) and type(start.value) is int and start.value >= 1):
        return None
    if not all(isinstance(x, _SIMPLE) for x in ast.walk(stop)) or t.name_nodes(stop, d):
        return None
    if isinstance(node, ast.For):
        if len(node.body) != 1 or not isinstance(node.body[0], ast.If) or node.body[0].orelse:
            return None
        if len(t.name_nodes(func, d)) != len(t.name_nodes(node, d)):
            return None  # the loop variable is read after the loop
        test: ast.expr = node.body[0].test
    else:
        if not node.ifs:
            return None
        test = node.ifs[0]
    first = test.values[0] if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else test
    text = ast.unparse(first)
    for name in {n.id for n in f.walk_loads(first)} - {d}:
        if text in {f"{name} % {d} == 0", f"not {name} % {d}", f"0 == {name} % {d}"}:
            scope = node if isinstance(node, ast.For) else t.parent(node)
            if scope is None or t.stored(scope, name):  # type: ignore[arg-type]
                return None
            return name, start, stop
    return None


# Euclid's own loop is left alone: it is O(log n) already, and the fast path's import costs more than its few
# steps on the small numbers it usually gets (0.2x measured).
_GCD = (
    "while p0 != p1:\n    if p0 > p1:\n        p0 -= p1\n    else:\n        p1 -= p0\nreturn p0",
    "while p0 != p1:\n    if p0 > p1:\n        p0 = p0 - p1\n    else:\n        p1 = p1 - p0\nreturn p0",
    "while p0 != p1:\n    if p1 > p0:\n        p1 -= p0\n    else:\n        p0 -= p1\nreturn p0",
    "while p0 != p1:\n    if p0 < p1:\n        p1 -= p0\n    else:\n        p0 -= p1\nreturn p0",
    "for v0 in range(min(p0, p1), 0, -1):\n    if p0 % v0 == 0 and p1 % v0 == 0:\n        return v0",
    "for v0 in range(min(p0, p1), 0, -1):\n    if p0 % v0 == 0 and p1 % v0 == 0:\n        return v0\nreturn 1",
    "v0 = 1\nfor v1 in range(1, min(p0, p1) + 1):\n    if p0 % v1 == 0 and p1 % v1 == 0:\n        v0 = v1\nreturn v0",
    "v0 = 1\nfor v1 in range(2, min(p0, p1) + 1):\n    if p0 % v1 == 0 and p1 % v1 == 0:\n        v0 = v1\nreturn v0",
)
_FACTORIAL = (
    "v0 = 1\nfor v1 in range(1, p0 + 1):\n    v0 *= v1\nreturn v0",
    "v0 = 1\nfor v1 in range(2, p0 + 1):\n    v0 *= v1\nreturn v0",
    "v0 = 1\nfor v1 in range(1, p0 + 1):\n    v0 = v0 * v1\nreturn v0",
    "v0 = 1\nfor v1 in range(2, p0 + 1):\n    v0 = v0 * v1\nreturn v0",
    "v0 = 1\nwhile p0 > 1:\n    v0 *= p0\n    p0 -= 1\nreturn v0",
    "v0 = 1\nwhile p0 > 0:\n    v0 *= p0\n    p0 -= 1\nreturn v0",
    "v0 = 1\nwhile p0 > 1:\n    v0 = v0 * p0\n    p0 = p0 - 1\nreturn v0",
)


def _forms(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(ast.unparse(ast.parse(text)) for text in texts)


_GCD_FORMS, _FACTORIAL_FORMS = _forms(_GCD), _forms(_FACTORIAL)


def gcd_and_factorial(func: ast.FunctionDef, ctx: Context) -> bool:
    """A whole function that is a gcd loop of its two arguments (subtraction, counting down or up) or a
    factorial loop of its one argument (for or while) → ``math.gcd``/``math.factorial`` first, for the arguments
    where they agree, and the original body for the rest."""
    a = func.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults or func.decorator_list:
        return False
    names = t.params(func)
    text = _canonical(func)
    if len(names) == 2 and text in _GCD_FORMS:
        p0, p1 = names
        fast = (
            f"if type({p0}) is int and type({p1}) is int and {p0} > 0 and {p1} > 0:\n"
            f"    from math import gcd as _pk_gcd\n    return _pk_gcd({p0}, {p1})"
        )
    elif len(names) == 1 and text in _FACTORIAL_FORMS:
        p0 = names[0]
        fast = (
            f"if type({p0}) is int and {p0} >= 0:\n"
            f"    from math import factorial as _pk_factorial\n    return _pk_factorial({p0})"
        )
    else:
        return False
    t.insert_at_start(func, t.stmts(fast))
    return True


def _canonical(func: ast.FunctionDef) -> str:
    """The body (docstring left out) with parameters renamed p0, p1... and locals v0, v1... in order of first
    appearance, so templates match whatever the names."""
    import copy

    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    tree = ast.Module(copy.deepcopy(body), [])
    rename = {p: f"p{i}" for i, p in enumerate(t.params(func))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in rename and not isinstance(node.ctx, ast.Load):
            rename[node.id] = f"v{sum(1 for v in rename.values() if v.startswith('v'))}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in rename:
            node.id = rename[node.id]
    return ast.unparse(tree)
