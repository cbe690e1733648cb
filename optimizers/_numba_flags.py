"""Flag parameters fixed at their defaults: a kernel for the calls that leave them alone.

Library functions often take a flag that switches to another algorithm (Distance's ``levenshtein(seq1, seq2,
max_dist=-1, normalized=False)`` returns ``nlevenshtein(...)`` when ``normalized``). The other branch may be what
numba cannot take (a call passing the strings on). When the whole function cannot be compiled,
:func:`flags_fixed` gives a copy of it where each parameter whose default is ``True``, ``False`` or ``None`` and
which is only tested for truth or compared with ``is``/``is not`` is replaced by its default, and the ``if``
branches that can then never run are dropped. The wrapper sends every call whose flag is not the default object
itself (``normalized is not False``) to the original, so nothing changes for them.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_scan import tested

_SINGLETONS = (True, False, None)


def flags_fixed(source: str, name: str) -> tuple[str, dict[str, object]] | None:
    """(The function's source with its flags fixed and dead branches dropped, {flag: default}), or None when it
    has no such flag."""
    parsed = t.parse_function(source, name)
    if parsed is None:
        return None
    _, func = parsed
    a = func.args
    positional = [*a.posonlyargs, *a.args]
    defaults = dict(zip([p.arg for p in positional[len(positional) - len(a.defaults) :]], a.defaults, strict=True))
    defaults |= {p.arg: d for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None}
    t.link_parents(func)
    fixed: dict[str, object] = {}
    for param, default in defaults.items():
        if not (isinstance(default, ast.Constant) and any(default.value is v for v in _SINGLETONS)):
            continue
        uses = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == param]
        if uses and all(isinstance(n.ctx, ast.Load) and (tested(n) or _identity(n)) for n in uses):
            fixed[param] = default.value
    if not fixed:
        return None
    body = _Fold(fixed).visit(ast.parse(ast.unparse(func)).body[0])
    return ast.unparse(ast.fix_missing_locations(body)), fixed


def guard(fixed: dict[str, object]) -> str:
    """The wrapper's test that a call leaves every flag at its default."""
    return " and ".join(f"{name} is {value!r}" for name, value in sorted(fixed.items()))


def _identity(node: ast.Name) -> bool:
    """``p is None`` / ``p is not None`` (with a singleton constant on the other side)."""
    up = t.parent(node)
    return (
        isinstance(up, ast.Compare)
        and len(up.ops) == 1
        and isinstance(up.ops[0], ast.Is | ast.IsNot)
        and all(isinstance(side, ast.Name | ast.Constant) for side in [up.left, *up.comparators])
        and any(isinstance(side, ast.Constant) and side.value in _SINGLETONS for side in [up.left, *up.comparators])
    )


class _Fold(ast.NodeTransformer):
    """Flags replaced by their defaults; ``if``/``while``/conditional expressions on known tests reduced."""

    def __init__(self, fixed: dict[str, object]) -> None:
        self.fixed = fixed

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return ast.Constant(self.fixed[node.id]) if node.id in self.fixed else node  # type: ignore[arg-type]

    def visit_If(self, node: ast.If) -> ast.AST | list[ast.stmt]:
        self.generic_visit(node)
        value = _known(node.test)
        if value is None:
            return node
        return (node.body if value else node.orelse) or [ast.Pass()]

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        value = _known(node.test)
        return node if value is None else (node.body if value else node.orelse)


def _known(node: ast.expr) -> bool | None:
    """The truth of a test made of constants, ``not``, ``and``/``or`` and ``is`` between constants, else None."""
    if isinstance(node, ast.Constant) and any(node.value is v for v in _SINGLETONS):
        return bool(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _known(node.operand)
        return None if inner is None else not inner
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Is | ast.IsNot):
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
            same = left.value is right.value
            return same if isinstance(node.ops[0], ast.Is) else not same
        return None
    if isinstance(node, ast.BoolOp):  # decided by a leading run of known values (nothing after them runs)
        deciding = isinstance(node.op, ast.Or)
        for value in node.values:
            known = _known(value)
            if known is None:
                return None
            if known is deciding:
                return deciding
        return not deciding
    return None
