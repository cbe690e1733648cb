"""Manual counting dicts → ``collections.Counter``."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context


def counting_dict(func: ast.FunctionDef, ctx: Context) -> bool:
    """``d = {}`` then ``for w in it: if w in d: d[w] += 1 else: d[w] = 1`` → ``d = dict(Counter(it))``."""
    fired = False
    for body in list(t.statement_lists(func)):
        for position, stmt in enumerate(list(body[:-1])):
            loop = body[position + 1]
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Dict)
                and not stmt.value.keys
                and isinstance(loop, ast.For)
                and isinstance(loop.target, ast.Name)
                and not loop.orelse
                and len(loop.body) == 1
            ):
                continue
            d, w = stmt.targets[0].id, loop.target.id
            if not _counts(loop.body[0], d, w) or t.name_nodes(loop.iter, d) or t.name_nodes(loop.iter, w):
                continue
            if len(t.name_nodes(func, w)) != len(t.name_nodes(loop, w)) - len(t.name_nodes(loop.iter, w)):
                continue  # the loop variable is read after the loop
            body[position + 1] = t.stmts(f"{d} = dict(_pk_Counter({ast.unparse(loop.iter)}))")[0]
            fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from collections import Counter as _pk_Counter"))
    return fired


def _counts(stmt: ast.stmt, d: str, w: str) -> bool:
    """Whether ``stmt`` adds one to ``d[w]`` (if/else on membership, or ``d.get(w, 0) + 1``)."""
    text = ast.unparse(stmt)
    return text in {
        f"if {w} in {d}:\n    {d}[{w}] += 1\nelse:\n    {d}[{w}] = 1",
        f"if {w} not in {d}:\n    {d}[{w}] = 1\nelse:\n    {d}[{w}] += 1",
        f"{d}[{w}] = {d}.get({w}, 0) + 1",
    }
