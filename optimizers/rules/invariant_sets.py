"""Membership tests on a list or tuple that a loop never changes → a set built once before the loop.

``item not in values`` scans ``values`` for every item: O(n·k). When nothing in the loop can change ``values``, a
set of it built once answers the same in O(1), provided hash agrees with ``==`` for every value involved and
comparing runs no user code. That holds for exact ``int``, ``float``, ``str``, ``bool``, ``bytes`` and ``None``
(``1``, ``1.0`` and ``True`` hash alike; a NaN matches only itself, by identity, in a list and in a set alike) and
for flat tuples of them. Everything is checked at run time, never trusted from the observed types alone: the set is
built only when the container is an exact list or tuple of such values, and a tested value is looked up in it only
when it is one too; any other value, or any other container, takes the original test. The decision is made per
test, before it runs, so a generator has yielded nothing that a later fallback would contradict.

The container is a parameter (``*values`` included), a local bound before the loop, or a module global bound once
and never rebound (``if w in STOPWORDS``); ``x in d.values()`` is served the same way by a set of the values of an
exact dict. Where code the rule cannot see may run inside the loop (an unknown call, a ``yield`` handing control
to the consumer, a store into another object), a list might change meanwhile: the set is then built only from a
tuple, which cannot, and never for a global (which that code could rebind) or a dict. A local that is a fresh
object, used nowhere but in reads, is out of every other code's reach, so a list is fine there. Tests inside a
lambda or a generator expression that may run later are left alone.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import replace
from typing import Literal

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._imports import _bindings, _parsed
from perfkit.optimizers.rules._inference import Inference, is_builtin, split_top

Scope = Literal["param", "local", "global"]
KEYS = "_pk_keys"  # the local holding the key types, bound by every set-up
KEYS_SETUP = f"{KEYS} = (int, float, str, bool, bytes, type(None))"
_BUILTINS = ("type", "int", "float", "str", "bool", "bytes", "list", "tuple", "all", "set")
_KEYABLE_KINDS = t.HASHABLE_SCALARS
_CONSUMERS = frozenset({"sum", "min", "max", "any", "all", "list", "tuple", "set", "frozenset", "sorted", "dict"})
_LOOPS = (ast.For, ast.While)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def keyable(name: str) -> str:
    """Run-time test that the value in ``name`` hashes as it compares (``name`` is evaluated more than once;
    :data:`KEYS_SETUP` must have bound ``_pk_keys`` first). Shared by every rule that swaps a list for a set."""
    return f"(type({name}) in {KEYS} or type({name}) is tuple and all(type(_pk_e) in {KEYS} for _pk_e in {name}))"


def invariant_membership(func: ast.FunctionDef, ctx: Context, *, scope: Scope) -> bool:
    """Rewrite every ``x in N`` / ``x not in N`` inside a loop where ``N`` (a parameter, a local or a module global,
    as ``scope`` says) cannot change: a set of ``N`` is built before the outermost such loop, and each test reads
    it behind a run-time check of the tested value. Returns whether anything changed."""
    if not all(is_builtin(func, b, ctx) for b in _BUILTINS):
        return False
    infer, bare = Inference(func, ctx), Inference(func, replace(ctx, arg_types={}))
    fresh = f.fresh_locals(func)
    fired = False
    names = _names(func, ctx, scope)
    serial, held = 0, iter(range(1, 1 << 30))
    for name in names:
        if name.startswith("_pk_"):
            continue
        sequences = _sequences(name, func, ctx, infer, scope=scope)
        values = _worth_values(name, infer, scope)
        for anchor, tuple_only, kind, tests in _plan(func, name, infer, bare, fresh, scope=scope):
            if kind == "values" and (not values or tuple_only):
                continue  # a dict is never immutable
            if kind == "seq" and (not sequences or (tuple_only and "tuple" not in sequences)):
                continue  # a set only a tuple may give is worth building only where tuples were seen
            serial += 1
            lookup = f"_pk_set_{name}_{serial}" if serial > 1 else f"_pk_set_{name}"
            setup, ready = _setup(name, lookup, kind, tuple_only)
            for test in tests:
                _rewrite_test(test, lookup, bare, f"_pk_k{next(held)}", ready=ready)
            owner = t.containing_list(func, anchor)
            assert owner is not None
            at = [id(s) for s in owner].index(id(anchor))
            owner[at:at] = t.stmts(setup)
            t.link_parents(func)
            fired = True
    return fired


def _setup(name: str, lookup: str, kind: str, tuple_only: bool) -> tuple[str, str]:
    """The statements that build the set (``lookup`` stays the container itself, or None for a dict's values,
    when it may not be built) and the run-time condition a test needs before it reads ``lookup``."""
    check = f"all({keyable('_pk_v')} for _pk_v in {{}})"
    if kind == "values":
        setup = (
            f"{KEYS_SETUP}\n{lookup} = None\nif type({name}) is dict:\n    {lookup} = {name}.values()\n"
            f"    if {check.format(lookup)}:\n        {lookup} = set({lookup})\n"
        )
        return setup, f"{lookup} is not None"
    kinds = f"type({name}) is tuple" if tuple_only else f"type({name}) in (list, tuple)"
    setup = f"{KEYS_SETUP}\n{lookup} = {name}\nif {kinds} and {check.format(name)}:\n    {lookup} = set({name})\n"
    return setup, ""


def _worth_values(name: str, infer: Inference, scope: Scope) -> bool:
    """``name.values()`` may hold some hashable scalar: its observed dicts do, or its type is unknown."""
    kinds = infer.types(ast.Name(name, ast.Load())) if scope == "param" else None
    if kinds is None:
        return True
    for kind in kinds:
        inner = split_top(kind[5:-1], ",") if kind.startswith("dict[") else []
        if len(inner) == 2 and any(p in _KEYABLE_KINDS or p.startswith("tuple[") for p in _parts(inner[1])):
            return True
    return False


def _names(func: ast.FunctionDef, ctx: Context, scope: Scope) -> list[str]:
    """The containers of ``scope``: parameters never rebound; locals (and rebound parameters); globals the module
    binds once, at its top level, and never rebinds (no ``global`` statement names them, nothing imports or
    defines them again)."""
    own = f.assigned_names(func)
    if scope == "param":
        return t.params(func)
    if scope == "local":  # a parameter rebound (``stop = list(stop)``) counts as a local
        return sorted(n for n in own if t.stored(func, n))
    loads = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return sorted(n for n in loads - own if _module_value(ctx.module_source, n) is not None)


def _module_value(module_source: str, name: str) -> ast.expr | None:
    """The value the module's top level assigns to ``name`` when that is its only binding anywhere (no other
    assignment, import, ``def``, ``del`` or ``global`` declaration; see :mod:`._imports`)."""
    tree = _parsed(module_source) if module_source else None
    if tree is None or _bindings(module_source).get(name) != 1:
        return None
    top = [s for s in tree.body if isinstance(s, ast.Assign) and len(s.targets) == 1]
    return next((s.value for s in top if isinstance(s.targets[0], ast.Name) and s.targets[0].id == name), None)


def _sequences(name: str, func: ast.FunctionDef, ctx: Context, infer: Inference, *, scope: Scope) -> frozenset[str]:
    """Which of ``"list"`` and ``"tuple"`` the container was seen or written as, holding some hashable scalar
    (``{"?"}`` when unknown: the run-time guard decides); empty for a dict, a set or a str (already fast, or
    ``in`` means something else)."""
    if scope == "global":
        values = [_module_value(ctx.module_source, name)]
    else:
        stores = [t.parent(n) for n in t.stored(func, name)]
        values = [s.value if isinstance(s, ast.Assign) else None for s in stores]
    if values and all(v is not None and _not_a_sequence(v, func, ctx) for v in values):
        return frozenset()
    if scope == "global":
        written = {ast.Tuple: "tuple", ast.List: "list", ast.ListComp: "list"}
        return frozenset({written.get(type(values[0]), "?")})
    kinds = infer.types(ast.Name(name, ast.Load())) if scope == "param" else _local_kinds(name, func, infer)
    if kinds is None:
        return frozenset({"?"})
    found = set()
    for kind in kinds:
        if kind.startswith(("list[", "tuple[")):
            inner = kind[kind.index("[") + 1 : -1]
            if inner == "?" or any(p in _KEYABLE_KINDS or p.startswith("tuple[") for p in _parts(inner)):
                found.add(kind[: kind.index("[")])
    return frozenset(found)


def _not_a_sequence(value: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    """``value`` is written as a dict, set or string (a display, a comprehension, a constant, a builtin call)."""
    if isinstance(value, ast.Dict | ast.Set | ast.DictComp | ast.SetComp | ast.Constant | ast.JoinedStr):
        return True
    callee = value.func if isinstance(value, ast.Call) else None
    builtins = ("dict", "set", "frozenset", "str")
    return isinstance(callee, ast.Name) and callee.id in builtins and is_builtin(func, callee.id, ctx)


def _local_kinds(name: str, func: ast.FunctionDef, infer: Inference) -> frozenset[str] | None:
    node = next((n for n in t.name_nodes(func, name) if isinstance(n.ctx, ast.Load)), None)
    return None if node is None else infer.types(node)


def _parts(inner: str) -> set[str]:
    return {p for part in split_top(inner, ",") for p in split_top(part, " | ")}


def _plan(
    func: ast.FunctionDef, name: str, infer: Inference, bare: Inference, fresh: set[str], *, scope: Scope
) -> list[tuple[ast.stmt, bool, str, list[ast.Compare]]]:
    """(statement to build the set before, whether only a tuple may be used, ``"seq"`` for ``x in N`` or
    ``"values"`` for ``x in N.values()``, the tests it serves) per anchor and kind."""
    uses = [u for u in t.name_nodes(func, name) if isinstance(u.ctx, ast.Load)]
    if any(not f.read_only_use(u) or isinstance(t.parent(u), ast.Starred) for u in uses):
        return []  # an alias, a write or an escape: the container is not only read here
    if scope != "local" and t.stored(func, name):
        return []
    private = scope == "local" and name in fresh  # a fresh local only read: no other code can reach it
    groups: dict[tuple[int, str], tuple[ast.stmt, bool, str, list[ast.Compare]]] = {}
    for use in uses:
        container, kind = _container(use)
        test = t.parent(container)
        if not (isinstance(test, ast.Compare) and test.comparators == [container] and len(test.ops) == 1):
            continue
        if not isinstance(test.ops[0], ast.In | ast.NotIn) or f.detached(test) or not may_key(test.left, infer):
            continue
        if _needs_walrus(test.left, bare) and f.in_comprehension_iter(test, func):
            continue
        found = _anchor(test, name, func, fresh, private=private, scope=scope)
        if found is None:
            continue
        anchor, tuple_only = found
        group = groups.setdefault((id(anchor), kind), (anchor, tuple_only, kind, []))
        group[3].append(test)
    return list(groups.values())


def _container(use: ast.Name) -> tuple[ast.expr, str]:
    """The container a use of a name makes: the name itself, or ``name.values()``."""
    up = t.parent(use)
    call = t.parent(up) if isinstance(up, ast.Attribute) else None
    values = isinstance(up, ast.Attribute) and up.attr == "values"
    if values and isinstance(call, ast.Call) and call.func is up and not call.args and not call.keywords:
        return call, "values"
    return use, "seq"


def _anchor(
    test: ast.Compare, name: str, func: ast.FunctionDef, fresh: set[str], *, private: bool, scope: Scope
) -> tuple[ast.stmt, bool] | None:
    """The outermost statement around ``test`` (a loop, or the statement holding the comprehension the test is in)
    in which ``name`` cannot be rebound, and whether only a tuple is safe there; None when the test runs in no loop
    or in a generator expression that may outlive its statement."""
    in_comp = False
    for up in t.ancestors(test):
        if up is func or isinstance(up, ast.Lambda):
            return None  # a lambda may run after the loop, or after the function returned
        if isinstance(up, ast.GeneratorExp) and not _consumed_at_once(up, func):
            return None
        if isinstance(up, _COMPS):
            in_comp = True
        if isinstance(up, ast.stmt):
            break
    best: tuple[ast.stmt, bool] | None = None
    first = True
    for up in t.ancestors(test):
        if up is func:
            break
        if not isinstance(up, ast.stmt):
            continue
        candidate = isinstance(up, _LOOPS) or (first and in_comp)
        first = False
        if isinstance(up, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            break
        if not candidate:
            continue
        if scope == "local" and not _bound_before(func, name, up):  # type: ignore[arg-type]
            break
        tuple_only = not (private and _plain_reads(up, name)) and _others_may_run(up, func, fresh)
        if tuple_only and scope == "global":
            break  # unseen code could rebind a global, not only change it
        if best is not None and tuple_only and not best[1]:
            break  # going further out would only narrow what the set may be built from
        best = (up, tuple_only)
    return best


def _plain_reads(region: ast.stmt, name: str) -> bool:
    """Inside ``region``, ``name`` is only iterated, indexed, measured with ``len``, asked a read-only method or
    searched with ``in``: no use hands the object to code that could keep or change it (an operator or ``==``
    with a user object could, through its reflected method)."""
    for use in t.name_nodes(region, name):
        up = t.parent(use)
        if isinstance(up, ast.Compare) and isinstance(up.ops[0], ast.In | ast.NotIn) and up.comparators == [use]:
            continue
        if isinstance(up, ast.For | ast.comprehension) and up.iter is use:
            continue
        if isinstance(up, ast.Subscript) and up.value is use:
            continue
        if isinstance(up, ast.Attribute) and up.value is use and up.attr in f.READ_METHODS:
            continue
        if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.func.id == "len" and up.args == [use]:
            continue
        return False
    return True


def _others_may_run(region: ast.stmt, func: ast.FunctionDef, fresh: set[str]) -> bool:
    """Code this rule cannot see may run inside ``region``: an unknown call, a store into a shared object, or a
    ``yield`` (or ``await``) that hands control to someone else."""
    if any(isinstance(n, ast.Yield | ast.YieldFrom | ast.Await) for n in ast.walk(region)):
        return True
    return f.unknown_calls(region, func, fresh=fresh) or f.writes_objects(region, fresh=fresh)


def _bound_before(func: ast.FunctionDef, name: str, anchor: ast.stmt) -> bool:
    """Every binding of local ``name`` is an assignment statement that runs before ``anchor`` whenever ``anchor``
    runs: it sits earlier in the statement list of ``anchor`` or of a statement around it (so the set-up never
    reads an unbound name the original would not have read)."""
    stores = t.stored(func, name)
    if not stores:
        return False
    chain = [anchor, *(up for up in t.ancestors(anchor) if isinstance(up, ast.stmt) and up is not func)]
    for store in stores:
        holder = t.parent(store)
        if not (isinstance(holder, ast.Assign | ast.AnnAssign) and _earlier(func, holder, chain)):
            return False
    return True


def _earlier(func: ast.FunctionDef, stmt: ast.stmt, chain: list[ast.stmt]) -> bool:
    owner = t.containing_list(func, stmt)
    if owner is None:
        return False
    at = [id(s) for s in owner].index(id(stmt))
    return any(any(s is later for s in owner[at + 1 :]) for later in chain)


def _consumed_at_once(gen: ast.GeneratorExp, func: ast.FunctionDef) -> bool:
    """``gen`` is the only argument of a reducing builtin or of ``"sep".join``, so it runs to its end at once."""
    up = t.parent(gen)
    if not (isinstance(up, ast.Call) and up.args == [gen] and not up.keywords):
        return False
    if isinstance(up.func, ast.Name):
        return up.func.id in _CONSUMERS and up.func.id not in f.assigned_names(func)
    callee = up.func
    return isinstance(callee, ast.Attribute) and callee.attr == "join" and isinstance(callee.value, ast.Constant)


def may_key(node: ast.expr, infer: Inference) -> bool:
    """The tested value may be a hashable scalar or a tuple (unknown types may: the run-time check decides)."""
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(may_key(e, infer) for e in node.elts) and not _starred(node)
    kinds = infer.types(node)
    return not kinds or any(k in _KEYABLE_KINDS or k.startswith("tuple[") for k in kinds)


def _starred(node: ast.Tuple) -> bool:
    return any(isinstance(e, ast.Starred) for e in node.elts)


def _needs_walrus(node: ast.expr, bare: Inference) -> bool:
    return not bare.hashable(node) and not isinstance(node, ast.Name | ast.Constant | ast.Tuple)


def _rewrite_test(test: ast.Compare, lookup: str, bare: Inference, held: str, *, ready: str = "") -> None:
    """``x in N`` → ``x in lookup`` when the code shows ``x`` is a key (and ``ready`` holds), else behind a
    run-time check, naming ``x`` first with ``:=`` when it is an expression that must run once."""
    left, op = test.left, test.ops[0]
    slow = ast.Compare(copy.deepcopy(left), [op], copy.deepcopy(test.comparators))  # no node in two places
    fast = ast.Compare(left, [op], [ast.Name(lookup, ast.Load())])
    if bare.hashable(left):
        f.replace_node(test, ast.IfExp(t.expr(ready), fast, slow) if ready else fast)
        return
    if isinstance(left, ast.Name | ast.Constant | ast.Tuple):
        condition = " and ".join(c for c in (ready, _plain_check(left)) if c)
        f.replace_node(test, ast.IfExp(t.expr(condition), fast, slow))
        return
    condition = keyable(held).replace(f"type({held})", f"type({held} := {ast.unparse(left)})", 1)
    condition = f"{condition} and {ready}" if ready else condition  # the name is bound first, whatever follows
    text = f"({held} {_op(op)} {lookup} if {condition} else {held} {_op(op)} {ast.unparse(test.comparators[0])})"
    f.replace_node(test, t.expr(text))


def _plain_check(node: ast.expr) -> str:
    """The run-time check for a name, a constant or a tuple display of them (each safe to evaluate twice)."""
    if isinstance(node, ast.Tuple):
        return " and ".join(_plain_check(e) for e in node.elts)
    if isinstance(node, ast.Constant):
        return "True" if type(node.value) in (int, float, str, bool, bytes, type(None)) else "False"
    return keyable(ast.unparse(node))


def _op(op: ast.cmpop) -> str:
    return "in" if isinstance(op, ast.In) else "not in"
