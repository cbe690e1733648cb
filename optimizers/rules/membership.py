"""Membership tests on lists inside loops → sets (a shadow set for a growing list, a set made once for an
argument)."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules._base import hashable_loop_name


def _empty_list_target(stmt: ast.stmt) -> ast.Name | None:
    """The name bound by ``name = []`` or ``name: list[T] = []``, else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    if isinstance(target, ast.Name) and isinstance(value, ast.List) and not value.elts:
        return target
    return None


def membership_local_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``if x not in out: out.append(x)`` on a local list → a shadow set for the test; the list keeps its order."""
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            target = _empty_list_target(stmt)
            if target is None:
                continue
            name = target.id
            uses = [n for n in t.name_nodes(func, name) if n is not target]
            appends: list[ast.Expr] = []
            tests: list[ast.Compare] = []
            for use in uses:
                up = t.parent(use)
                grand = t.parent(up) if up is not None else None
                if isinstance(up, ast.Attribute) and up.attr == "append" and t.is_method_call(grand, name, "append", 1):
                    assert isinstance(grand, ast.Call)
                    stmt_node = t.parent(grand)
                    if not isinstance(stmt_node, ast.Expr) or not hashable_loop_name(func, grand.args[0], ctx):
                        break
                    appends.append(stmt_node)
                elif isinstance(up, ast.Compare) and up.comparators == [use] and len(up.ops) == 1:
                    if not isinstance(up.ops[0], ast.In | ast.NotIn) or not hashable_loop_name(func, up.left, ctx):
                        break
                    tests.append(up)
                elif (
                    isinstance(up, ast.Return)
                    or t.is_call(up, "len", 1)
                    or (isinstance(up, ast.For) and up.iter is use)
                ):
                    continue
                else:
                    break
            else:
                if not tests or not any(t.inside_loop(c, func) for c in tests):
                    continue
                seen = f"_pk_seen_{name}"
                body.insert(body.index(stmt) + 1, t.stmts(f"{seen} = set()")[0])
                for test in tests:
                    test.comparators = [ast.Name(seen, ast.Load())]
                for append in appends:
                    owner = t.containing_list(func, append)
                    assert owner is not None
                    value = ast.unparse(append.value.args[0])  # type: ignore[attr-defined]
                    owner.insert(owner.index(append) + 1, t.stmts(f"{seen}.add({value})")[0])
                fired = True
    return fired


def membership_param_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``x in allowed`` in a loop, ``allowed`` a list parameter never changed → a set made once (guarded)."""
    fired = False
    for name in t.params(func):
        if t.stored(func, name) or not t.elements_hashable(ctx.arg_types.get(name, frozenset())):
            continue
        tests = []
        for use in t.name_nodes(func, name):
            up = t.parent(use)
            if isinstance(up, ast.Compare) and up.comparators == [use] and isinstance(up.ops[0], ast.In | ast.NotIn):
                if len(up.ops) != 1 or not hashable_loop_name(func, up.left, ctx):
                    break
                tests.append(up)
            elif (isinstance(up, ast.For) and up.iter is use) or t.is_call(up, "len", 1):
                continue
            else:
                break
        else:
            if not tests or not any(t.inside_loop(c, func) for c in tests):
                continue
            lookup = f"_pk_set_{name}"
            guard = (
                f"{lookup} = {name}\n"
                f"if type({name}) in (list, tuple):\n"
                f"    try:\n        {lookup} = set({name})\n    except TypeError:\n        pass\n"
            )
            t.insert_at_start(func, t.stmts(guard))
            for test in tests:
                test.comparators = [ast.Name(lookup, ast.Load())]
            fired = True
    return fired
