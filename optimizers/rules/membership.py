"""Membership tests and ``index`` on lists inside loops → sets and dicts (a shadow set for a growing list, a set
made once for an argument, a dict of first positions for ``index``).

``xs.count(x) > 0`` and ``not x in xs`` reach these rules as ``x in xs`` / ``x not in xs`` (see
:mod:`perfkit.optimizers.rules._normalize`). A set answers like a list only when hash agrees with ``==`` and
comparing runs no user code: every value involved must be a hashable scalar (int, float, str, bool, bytes, None)
or a flat tuple of them. Unless the code shows it, a cheap run-time check, the one :func:`.invariant_sets.keyable`
spells for every such rule, sends any other value down the original path (the observed argument types,
:mod:`._inference`, only say where a check is pointless).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import Inference, is_builtin
from perfkit.optimizers.rules.invariant_sets import KEYS_SETUP, invariant_membership, keyable, may_key

_KEEPS_MEMBERS = frozenset({"sort", "reverse", "index", "count", "copy"})  # methods that add or remove nothing


def _list_target(stmt: ast.stmt, func: ast.FunctionDef, ctx: Context) -> tuple[ast.Name, bool] | None:
    """``(name, starts empty)`` for ``name = [...]`` (a display without ``*``), ``name = list()`` or
    ``name: list[T] = [...]``, else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    if not isinstance(target, ast.Name):
        return None
    if isinstance(value, ast.List) and not any(isinstance(e, ast.Starred) for e in value.elts):
        return target, not value.elts
    if t.is_call(value, "list", 0) and is_builtin(func, "list", ctx):
        return target, True
    return None


def value_guard(node: ast.expr, infer: Inference, bare: Inference) -> str | None:
    """How to be sure at run time that ``node`` is a hashable scalar (or a tuple of them), so that a set or dict
    answers as a list would: ``""`` when the code alone shows it (a str call, an f-string, a constant), the
    shared run-time test :func:`.invariant_sets.keyable` (it needs ``_pk_keys`` bound) when the observed types
    show it or do not rule it out (the value is then a name or a tuple of names and constants, safe to evaluate
    twice), None otherwise."""
    if bare.hashable(node):
        return ""
    if isinstance(node, ast.Name) and may_key(node, infer):
        return keyable(node.id)
    if isinstance(node, ast.Tuple) and node.elts:
        parts = [value_guard(e, infer, bare) for e in node.elts]
        if any(p is None for p in parts):
            return None
        return " and ".join(p for p in parts if p)
    return None


def _inferences(func: ast.FunctionDef, ctx: Context) -> tuple[Inference, Inference]:
    """Types from the code and the observed arguments, and from the code alone."""
    return Inference(func, ctx), Inference(func, replace(ctx, arg_types={}))


def _guarded_test(test: ast.Compare, condition: str, fast_name: str) -> None:
    """``x in fast`` where ``condition`` holds (always when it is empty), else the original test."""
    fast = ast.Compare(test.left, test.ops, [ast.Name(fast_name, ast.Load())])
    if condition:
        slow = ast.Compare(test.left, test.ops, test.comparators)
        f.replace_node(test, ast.IfExp(t.expr(condition), fast, slow))
    else:
        f.replace_node(test, fast)


def membership_local_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``if x not in out: out.append(x)`` on a local list, empty or not at first (``seen = [start]``), in for or
    while loops, any test spelling → a shadow set for the test; the list keeps its order. Guards: the list is
    only appended or inserted values, and otherwise only read, sorted or returned (no alias can change it);
    first, added and tested values are hashable scalars by the code, or by observed types and then also by a
    run-time check: a tested value that fails it is looked up in the list, and once a member fails it the set
    is no longer used."""
    infer, bare = _inferences(func, ctx)
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            found = _list_target(stmt, func, ctx)
            if found is None or len(t.stored(func, found[0].id)) != 1:
                continue
            target, empty = found
            name = target.id
            plan = _shadow_plan(func, infer, bare, name, target)
            if plan is None:
                continue
            tests, adds = plan
            if not tests or not any(t.inside_loop(c, func) for c, _ in tests):
                continue
            seen, ok = f"_pk_seen_{name}", f"_pk_ok_{name}"
            flagged = not empty or any(guard for _, _, guard in adds)
            checked = flagged or any(guard for _, guard in tests)  # a run-time check reads _pk_keys
            setup = f"{seen} = set()" + (f"\n{KEYS_SETUP}" if checked else "") + (f"\n{ok} = True" if flagged else "")
            if not empty:  # the first members go into the set only if they are all keys
                setup += (
                    f"\nfor _pk_v in {name}:\n    if {keyable('_pk_v')}:\n        {seen}.add(_pk_v)\n"
                    f"    else:\n        {ok} = False"
                )
            at = body.index(stmt) + 1
            body[at:at] = t.stmts(setup)
            for test, guard in tests:
                _guarded_test(test, " and ".join(c for c in (ok if flagged else "", guard) if c), seen)
            for add, value, guard in adds:
                owner = t.containing_list(func, add)
                assert owner is not None
                text = ast.unparse(value)
                code = (
                    f"if {guard}:\n    {seen}.add({text})\nelse:\n    {ok} = False" if guard else f"{seen}.add({text})"
                )
                owner.insert(owner.index(add) + 1, t.stmts(code)[0])
            fired = True
    return fired


def _shadow_plan(
    func: ast.FunctionDef, infer: Inference, bare: Inference, name: str, target: ast.Name
) -> tuple[list[tuple[ast.Compare, str]], list[tuple[ast.Expr, ast.expr, str]]] | None:
    """(each membership test with its guard, each statement that adds a value with the value and its guard), or
    None when a use is unknown or a value cannot be shown hashable."""
    adds: list[tuple[ast.Expr, ast.expr, str]] = []
    tests: list[tuple[ast.Compare, str]] = []
    for use in t.name_nodes(func, name):
        if use is target:
            continue
        up = t.parent(use)
        grand = t.parent(up) if up is not None else None
        if isinstance(up, ast.Attribute) and up.value is use and isinstance(grand, ast.Call) and grand.func is up:
            if up.attr in _KEEPS_MEMBERS:
                continue
            value = _added(grand, name)
            holder = t.parent(grand)
            guard = None if value is None else value_guard(value, infer, bare)
            if value is None or guard is None or not isinstance(holder, ast.Expr):
                return None
            adds.append((holder, value, guard))
        elif isinstance(up, ast.Compare) and up.comparators == [use] and len(up.ops) == 1:
            guard = value_guard(up.left, infer, bare)
            if not isinstance(up.ops[0], ast.In | ast.NotIn) or guard is None:
                return None
            tests.append((up, guard))
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
    """``x in allowed`` in a loop or comprehension, ``allowed`` a list or tuple parameter (``*values`` too) that
    the function only reads → a set made once before the loop (see :mod:`.invariant_sets` for the guards: checked
    at run time, a tuple only where unseen code runs in the loop)."""
    return invariant_membership(func, ctx, scope="param")


def membership_local_set(func: ast.FunctionDef, ctx: Context) -> bool:
    """``x in stop`` in a loop, ``stop`` a local list or tuple bound before the loop and only read → a set made
    once before the loop, with the guards of :mod:`.invariant_sets`."""
    return invariant_membership(func, ctx, scope="local")


def membership_global_set(func: ast.FunctionDef, ctx: Context) -> bool:
    """``w in STOPWORDS`` in a loop, ``STOPWORDS`` a module global list bound once and never rebound, the loop
    calling nothing unknown → a set made once before the loop, with the guards of :mod:`.invariant_sets`."""
    return invariant_membership(func, ctx, scope="global")


def index_dict(func: ast.FunctionDef, ctx: Context) -> bool:
    """``xs.index(x)`` in a loop that never changes ``xs`` → a dict of first positions built once before the
    loop. Guards: the dict is built only when ``xs`` is a list or tuple of hashable scalars (checked at run time)
    and is looked up only for a value that is a hashable scalar (checked at run time unless the code shows it); a
    value not in the dict, or of any other type, calls ``xs.index(x)`` as before (a missing value still raises
    ``ValueError``)."""
    infer, bare = _inferences(func, ctx)
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
        if loop is None or _simple_guard(item, infer, bare) is None:
            continue
        owner = t.containing_list(func, loop)
        if owner is None or not _bound_before(func, xs, loop):
            continue
        pos = f"_pk_pos_{xs}"
        setup = (
            f"{KEYS_SETUP}\n{pos} = {{}}\n"
            f"if type({xs}) in (list, tuple) and all({keyable('_pk_v')} for _pk_v in {xs}):\n"
            f"    for _pk_i, _pk_v in enumerate({xs}):\n"
            f"        {pos}.setdefault(_pk_v, _pk_i)\n"
        )
        owner[owner.index(loop) : owner.index(loop)] = t.stmts(setup)
        fired.add(xs)
        for other in [n for n in ast.walk(loop) if t.is_method_call(n, xs, "index", 1)]:
            value = other.args[0]  # type: ignore[attr-defined]
            guard = _simple_guard(value, infer, bare)
            if guard is None:
                continue
            text = ast.unparse(value)
            test = f"{guard} and {text} in {pos}" if guard else f"{text} in {pos}"
            f.replace_node(other, t.expr(f"({pos}[{text}] if {test} else {xs}.index({text}))"))
    return bool(fired)


def _simple_guard(node: ast.expr, infer: Inference, bare: Inference) -> str | None:
    """:func:`value_guard` for a name or constant (evaluating it twice is the same as once), else None."""
    return value_guard(node, infer, bare) if isinstance(node, ast.Name | ast.Constant) else None


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


def remove_loop(func: ast.FunctionDef, ctx: Context) -> bool:
    """``for d in drops: if d in xs: xs.remove(d)`` (or ``try: xs.remove(d) except ValueError: pass``) → count
    the drops, then one pass that skips, for each value, as many of its first occurrences as it was dropped, and
    ``xs[:] = kept`` (the same list object, in order). Guards, at run time: ``xs`` is a list and ``drops`` a list
    or tuple (not ``xs`` itself), both holding only hashable scalars; otherwise the original loop runs. The loop
    variable ends bound as before."""
    fired = False
    for loop in [n for n in ast.walk(func) if isinstance(n, ast.For)]:
        shape = _removal(loop)
        owner = t.containing_list(func, loop)
        if shape is None or owner is None or f.detached(loop) or not is_builtin(func, "ValueError", ctx):
            continue
        xs, d = shape
        if t.name_nodes(loop.iter, xs) or t.name_nodes(loop.iter, d) or not is_builtin(func, "type", ctx):
            continue
        src, counts, kept = f"_pk_src_{xs}", f"_pk_drops_{xs}", f"_pk_kept_{xs}"
        fallback = ast.copy_location(ast.For(loop.target, ast.Name(src, ast.Load()), loop.body, [], None), loop)
        code = (
            f"{src} = {ast.unparse(loop.iter)}\n"
            f"if type({xs}) is list and type({src}) in (list, tuple) and {src} is not {xs} "
            f"and all(type(_pk_v) in {f.SCALARS} for _pk_v in {xs}) "
            f"and all(type(_pk_v) in {f.SCALARS} for _pk_v in {src}):\n"
            f"    {counts} = {{}}\n"
            f"    for {d} in {src}:\n"
            f"        {counts}[{d}] = {counts}.get({d}, 0) + 1\n"
            f"    {kept} = []\n"
            f"    for _pk_v in {xs}:\n"
            f"        _pk_k = {counts}.get(_pk_v, 0)\n"
            f"        if _pk_k:\n"
            f"            {counts}[_pk_v] = _pk_k - 1\n"
            f"        else:\n"
            f"            {kept}.append(_pk_v)\n"
            f"    {xs}[:] = {kept}\n"
            f"else:\n"
            f"    pass\n"
        )
        new = t.stmts(code)
        new[1].orelse = [fallback]  # type: ignore[attr-defined]
        at = owner.index(loop)
        owner[at : at + 1] = new
        fired = True
    return fired


def _removal(loop: ast.For) -> tuple[str, str] | None:
    """``(xs, d)`` when the loop body is only "remove ``d`` from ``xs`` if it is there"."""
    if not isinstance(loop.target, ast.Name) or loop.orelse or len(loop.body) != 1:
        return None
    d, stmt = loop.target.id, loop.body[0]
    inner: list[ast.stmt] = []
    if isinstance(stmt, ast.If) and not stmt.orelse:
        test = stmt.test
        if not (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.In)
            and isinstance(test.left, ast.Name)
            and test.left.id == d
            and isinstance(test.comparators[0], ast.Name)
        ):
            return None
        xs, inner = test.comparators[0].id, stmt.body
    elif isinstance(stmt, ast.Try) and not stmt.orelse and not stmt.finalbody and len(stmt.handlers) == 1:
        handler = stmt.handlers[0]
        caught = isinstance(handler.type, ast.Name) and handler.type.id == "ValueError"
        if not caught or handler.name or not all(isinstance(s, ast.Pass) for s in handler.body):
            return None
        inner = stmt.body
        call = inner[0].value if len(inner) == 1 and isinstance(inner[0], ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        if not isinstance(call.func.value, ast.Name):
            return None
        xs = call.func.value.id
    else:
        return None
    if len(inner) != 1 or not isinstance(inner[0], ast.Expr):
        return None
    call = inner[0].value
    removes = t.is_method_call(call, xs, "remove", 1) and isinstance(call.args[0], ast.Name)  # type: ignore[attr-defined]
    if not removes or call.args[0].id != d or xs == d:  # type: ignore[attr-defined]
        return None
    return xs, d
