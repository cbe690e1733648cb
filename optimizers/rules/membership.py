"""Membership tests and ``index`` on lists inside loops → sets and dicts (a shadow set for a growing list, a set
made once for an argument, a dict of first positions for ``index``).

``xs.count(x) > 0`` and ``not x in xs`` reach these rules as ``x in xs`` / ``x not in xs`` (see
:mod:`perfkit.optimizers.rules._normalize`). A set answers like a list only when hash agrees with ``==`` and
comparing runs no user code: every value involved must be a hashable scalar (int, float, str, bool, bytes, None)
or a tuple of them, as far as the code and the observed argument types show (:mod:`._inference`).
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._base import hashable_loop_name
from perfkit.optimizers.rules._inference import Inference, is_builtin

_KEEPS_MEMBERS = frozenset({"sort", "reverse", "index", "count", "copy"})  # methods that add or remove nothing


def _empty_list_target(stmt: ast.stmt, func: ast.FunctionDef, ctx: Context) -> ast.Name | None:
    """The name bound by ``name = []`` / ``name = list()`` / ``name: list[T] = []``, else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    empty = (isinstance(value, ast.List) and not value.elts) or (
        t.is_call(value, "list", 0) and is_builtin(func, "list", ctx)
    )
    return target if isinstance(target, ast.Name) and empty else None


def _hashable(node: ast.expr, func: ast.FunctionDef, ctx: Context, infer: Inference) -> bool:
    return hashable_loop_name(func, node, ctx) or infer.hashable(node)


def membership_local_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``if x not in out: out.append(x)`` on a local list (in for or while loops, any test spelling) → a shadow
    set for the test; the list keeps its order. Guards: the list is only ever appended (or inserted) hashable
    scalars, and otherwise only read, sorted or returned (no alias can change it); every tested value is a
    hashable scalar."""
    infer = Inference(func, ctx)
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            target = _empty_list_target(stmt, func, ctx)
            if target is None or len(t.stored(func, target.id)) != 1:
                continue
            name = target.id
            plan = _shadow_plan(func, ctx, infer, name, target)
            if plan is None:
                continue
            tests, adds = plan
            if not tests or not any(t.inside_loop(c, func) for c in tests):
                continue
            seen = f"_pk_seen_{name}"
            body.insert(body.index(stmt) + 1, t.stmts(f"{seen} = set()")[0])
            for test in tests:
                test.comparators = [ast.Name(seen, ast.Load())]
            for add, value in adds:
                owner = t.containing_list(func, add)
                assert owner is not None
                owner.insert(owner.index(add) + 1, t.stmts(f"{seen}.add({ast.unparse(value)})")[0])
            fired = True
    return fired


def _shadow_plan(
    func: ast.FunctionDef, ctx: Context, infer: Inference, name: str, target: ast.Name
) -> tuple[list[ast.Compare], list[tuple[ast.Expr, ast.expr]]] | None:
    """(the membership tests, the statements that add a value and that value) or None when a use is unknown."""
    adds: list[tuple[ast.Expr, ast.expr]] = []
    tests: list[ast.Compare] = []
    for use in t.name_nodes(func, name):
        if use is target:
            continue
        up = t.parent(use)
        grand = t.parent(up) if up is not None else None
        if isinstance(up, ast.Attribute) and up.value is use and isinstance(grand, ast.Call) and grand.func is up:
            value = _added(grand, name)
            if up.attr in _KEEPS_MEMBERS:
                continue
            holder = t.parent(grand)
            if value is None or not isinstance(holder, ast.Expr) or not _hashable(value, func, ctx, infer):
                return None
            adds.append((holder, value))
        elif isinstance(up, ast.Compare) and up.comparators == [use] and len(up.ops) == 1:
            if not isinstance(up.ops[0], ast.In | ast.NotIn) or not _hashable(up.left, func, ctx, infer):
                return None
            tests.append(up)
        elif isinstance(up, ast.Return) or (f.read_only_use(use) and not isinstance(up, ast.Starred)):
            continue
        else:
            return None
    return tests, adds


def _added(call: ast.Call, name: str) -> ast.expr | None:
    """The value ``name.append(v)`` / ``name.insert(i, v)`` adds."""
    if t.is_method_call(call, name, "append", 1):
        return call.args[0]
    if t.is_method_call(call, name, "insert", 2):
        return call.args[1]
    return None


def membership_param_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``x in allowed`` in a loop, ``allowed`` a list parameter never changed → a set made once (guarded: the
    set is used only when the argument is a list or tuple whose members hash; every tested value is a hashable
    scalar; the parameter is otherwise only read, and the function calls nothing that could change it through
    another name)."""
    infer = Inference(func, ctx)
    fired = False
    for name in t.params(func):
        if t.stored(func, name) or not t.elements_hashable(ctx.arg_types.get(name, frozenset())):
            continue
        tests = []
        for use in t.name_nodes(func, name):
            up = t.parent(use)
            if isinstance(up, ast.Compare) and up.comparators == [use] and isinstance(up.ops[0], ast.In | ast.NotIn):
                if len(up.ops) != 1 or not _hashable(up.left, func, ctx, infer):
                    break
                tests.append(up)
            elif f.read_only_use(use) and not isinstance(up, ast.Starred | ast.Compare):
                continue
            else:
                break
        else:
            if not tests or not any(t.inside_loop(c, func) for c in tests) or not _no_hidden_writes(func):
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


def _no_hidden_writes(func: ast.FunctionDef) -> bool:
    """Nothing in ``func`` can change an argument through another name: only known calls, and writes only into
    fresh locals (a list passed twice, as ``allowed`` and as ``out``, would otherwise go stale in its set)."""
    fresh = f.fresh_locals(func)
    return not f.unknown_calls(func, func, fresh=fresh) and not f.writes_objects(func, fresh=fresh)


def index_dict(func: ast.FunctionDef, ctx: Context) -> bool:
    """``xs.index(x)`` in a loop that never changes ``xs`` → a dict of first positions built once before the
    loop. Guards: the dict is built only when ``xs`` is a list or tuple of hashable scalars (checked at run time)
    and is used only for a tested value that is a hashable scalar; a value not in the dict, or any other type,
    calls ``xs.index(x)`` as before (so a missing value still raises ``ValueError``)."""
    infer = Inference(func, ctx)
    fired: set[str] = set()
    for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
        callee = call.func
        if not (isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name)) or f.detached(call):
            continue
        xs = callee.value.id
        if not t.is_method_call(call, xs, "index", 1) or xs in fired:
            continue
        item = call.args[0]
        loop = _outermost_unchanging_loop(call, xs, func)
        if loop is None or not _simple_hashable(item, infer):
            continue
        owner = t.containing_list(func, loop)
        if owner is None or not _bound_before(func, xs, loop):
            continue
        pos = f"_pk_pos_{xs}"
        setup = (
            f"{pos} = {{}}\n"
            f"if type({xs}) in (list, tuple) and all(type(_pk_v) in {f.SCALARS} for _pk_v in {xs}):\n"
            f"    for _pk_i, _pk_v in enumerate({xs}):\n"
            f"        {pos}.setdefault(_pk_v, _pk_i)\n"
        )
        owner[owner.index(loop) : owner.index(loop)] = t.stmts(setup)
        fired.add(xs)
        for other in [n for n in ast.walk(loop) if t.is_method_call(n, xs, "index", 1)]:
            value = other.args[0]  # type: ignore[attr-defined]
            if not _simple_hashable(value, infer):
                continue
            text = ast.unparse(value)
            f.replace_node(other, t.expr(f"({pos}[{text}] if {text} in {pos} else {xs}.index({text}))"))
    return bool(fired)


def _simple_hashable(node: ast.expr, infer: Inference) -> bool:
    """A name or constant holding a hashable scalar: evaluating it twice is the same as once."""
    return isinstance(node, ast.Name | ast.Constant) and infer.hashable(node)


def _outermost_unchanging_loop(node: ast.AST, xs: str, func: ast.FunctionDef) -> ast.For | ast.While | None:
    """The outermost loop around ``node`` in which ``xs`` is neither rebound nor changed (None if none is)."""
    found = None
    for up in t.ancestors(node):
        if up is func:
            break
        if isinstance(up, ast.For | ast.While):
            if t.stored(up, xs) or not f.unchanged_in(up, xs, func):  # type: ignore[arg-type]
                break
            found = up
    return found


def _bound_before(func: ast.FunctionDef, xs: str, loop: ast.stmt) -> bool:
    """``xs`` is a parameter never rebound, or a local assigned only before ``loop`` in the same statement list."""
    stores = t.stored(func, xs)
    if xs in t.params(func):
        return not stores
    owner = t.containing_list(func, loop)
    if owner is None or not stores:
        return False
    before = owner[: owner.index(loop)]
    return all(any(s is n or n in ast.walk(s) for s in before) for n in stores)
