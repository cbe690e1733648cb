"""What every rewrite rule shares: the ``Rule`` record and small facts about names the rules rely on."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context

RuleFunc = Callable[[ast.FunctionDef, Context], bool]


@dataclass(frozen=True)
class Rule:
    """A named rewrite: ``apply(func_tree, context)`` edits the tree in place and says whether it fired."""

    name: str
    apply: RuleFunc
    summary: str


def hashable_loop_name(func: ast.FunctionDef, node: ast.expr, ctx: Context) -> bool:
    """``node`` is a name bound only by ``for node in PARAM`` where PARAM holds hashable scalars."""
    if not isinstance(node, ast.Name):
        return False
    loop = t.loop_over(func, node, node.id)
    if loop is None or not isinstance(loop.iter, ast.Name):
        return False
    source = loop.iter.id
    if source not in t.params(func) or t.stored(func, source):
        return False
    if len(t.stored(func, node.id)) != 1:
        return False
    return t.elements_hashable(ctx.arg_types.get(source, frozenset()))
