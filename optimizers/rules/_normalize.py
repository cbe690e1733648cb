"""Canonical forms, applied before the rules match, so that one rule covers the everyday spellings of its pattern.

Each step keeps behaviour under the guard its docstring names. Most only make a pattern visible to a rule
(``x in d.keys()`` → ``x in d``); a step marked ``speedup`` is itself faster (``s = s + a + b`` → ``s += a + b``
lets CPython grow ``s`` in place instead of copying it twice per iteration), so the normalised function alone is
worth offering. :func:`normalize` returns the names of the steps that changed the tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import Inference, is_builtin
from perfkit.optimizers.rules._split import split_parallel

StepFunc = Callable[[ast.FunctionDef, Context], int]


@dataclass(frozen=True)
class Step:
    """One canonical form: ``apply`` rewrites every occurrence in place and returns how many it rewrote."""

    name: str
    apply: StepFunc
    speedup: bool
    summary: str


def not_in(func: ast.FunctionDef, ctx: Context) -> int:
    """``not x in y`` → ``x not in y`` and ``not x is y`` → ``x is not y``: the same operation, always."""
    swap = {ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
    count = 0
    for node in list(ast.walk(func)):
        if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            continue
        if not isinstance(node.operand, ast.Compare):
            continue
        test = node.operand
        if len(test.ops) != 1 or type(test.ops[0]) not in swap or f.detached(node):
            continue
        f.replace_node(node, ast.Compare(test.left, [swap[type(test.ops[0])]()], test.comparators))
        count += 1
    return count


def dict_keys(func: ast.FunctionDef, ctx: Context) -> int:
    """``x in d.keys()`` → ``x in d`` and ``for k in d.keys()`` → ``for k in d`` when ``d`` is a dict: a local
    every assignment of which makes a dict (``{}``, ``dict(...)``, a comprehension), or a parameter seen only as a
    dict, behind a run-time guard ``type(d) is dict`` (a mapping of another type keeps ``.keys()``)."""
    infer = Inference(func, ctx)
    count = 0
    for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
        if not (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "keys"
            and isinstance(call.func.value, ast.Name)
            and not call.args
            and not call.keywords
        ):
            continue
        up = t.parent(call)
        in_test = isinstance(up, ast.Compare) and len(up.ops) == 1 and up.comparators[0] is call
        in_test = in_test and isinstance(up.ops[0], ast.In | ast.NotIn)  # type: ignore[union-attr]
        in_loop = isinstance(up, ast.For | ast.comprehension) and up.iter is call
        if not (in_test or in_loop) or f.detached(call):
            continue
        name = call.func.value.id
        if _local_dict(func, name, ctx):
            f.replace_node(call, ast.Name(name, ast.Load()))
        elif name in t.params(func) and not t.stored(func, name):
            kinds = infer.types(ast.Name(name, ast.Load()))
            if not kinds or not all(k.startswith("dict[") for k in kinds):
                continue
            guarded = t.expr(f"({name} if type({name}) is dict else {name}.keys())")
            f.replace_node(call, guarded)
        else:
            continue
        count += 1
    return count


def _local_dict(func: ast.FunctionDef, name: str, ctx: Context) -> bool:
    """Every assignment of ``name`` makes a new dict (``{}``, a comprehension, the builtin ``dict(...)``)."""
    stores = t.stored(func, name)
    if not stores or name in t.params(func):
        return False
    for store in stores:
        up = t.parent(store)
        if not (isinstance(up, ast.Assign) and up.targets == [store]):
            return False
        value = up.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
            if not is_builtin(func, "dict", ctx):
                return False
        elif not isinstance(value, ast.Dict | ast.DictComp):
            return False
    return True


_PRESENT = {ast.Gt: 0, ast.GtE: 1, ast.NotEq: 0}  # count OP k means "present"
_ABSENT = {ast.Eq: 0, ast.Lt: 1, ast.LtE: 0}  # count OP k means "absent"


def count_membership(func: ast.FunctionDef, ctx: Context) -> int:
    """``xs.count(x) > 0`` (``>= 1``, ``!= 0``, truth) → ``x in xs``; ``== 0`` (``< 1``, ``<= 0``, ``not``) →
    ``x not in xs``. Guard: ``xs`` holds only hashable scalars and ``x`` is one (comparisons neither raise nor
    run user code, so stopping at the first match is the same answer); a ``str`` receiver needs a ``str`` ``x``."""
    infer = Inference(func, ctx)
    count = 0
    for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
        if not (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "count"
            and isinstance(call.func.value, ast.Name)
            and len(call.args) == 1
            and not call.keywords
            and not isinstance(call.args[0], ast.Starred)
        ) or f.detached(call):
            continue
        owner, item = call.func.value, call.args[0]
        if not _scalar_container(infer, owner, item):
            continue
        up = t.parent(call)
        present: bool | None = None
        target: ast.AST = call
        if isinstance(up, ast.Compare) and len(up.ops) == 1 and up.left is call:
            k = up.comparators[0]
            if isinstance(k, ast.Constant) and type(k.value) is int:
                if _PRESENT.get(type(up.ops[0])) == k.value:  # type: ignore[call-overload]
                    present = True
                elif _ABSENT.get(type(up.ops[0])) == k.value:  # type: ignore[call-overload]
                    present = False
            target = up
        elif isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
            present, target = False, up
        elif isinstance(up, ast.If | ast.While | ast.IfExp) and up.test is call:
            present = True
        elif isinstance(up, ast.BoolOp) and isinstance(t.parent(up), ast.If | ast.While):
            present = True  # a truth test inside ``and``/``or`` that is itself a test
        if present is None:
            continue
        op: ast.cmpop = ast.In() if present else ast.NotIn()
        f.replace_node(target, ast.Compare(item, [op], [ast.Name(owner.id, ast.Load())]))
        count += 1
    return count


def _scalar_container(infer: Inference, owner: ast.Name, item: ast.expr) -> bool:
    kinds = infer.types(owner)
    if not kinds:
        return False
    if kinds == frozenset({"str"}):
        return infer.is_str(item)
    if not all(k.startswith(("list[", "tuple[")) for k in kinds):
        return False
    elements = infer.iterated(owner)
    return elements is not None and elements <= t.HASHABLE_SCALARS and infer.hashable_scalar(item)


def str_concat(func: ast.FunctionDef, ctx: Context) -> int:
    """``s = s + a + b`` → ``s += a + b``, ``s = f"{s}{a}:{b}"`` → ``s += f"{a}:{b}"``, ``s = "".join([s, a, b])``
    → ``s += "".join([a, b])``, ``s = "%s%s;" % (s, a)`` → ``s += "%s;" % (a,)`` (speedup: CPython then grows a
    str in place, which it cannot do while ``s`` is one operand among several; bytes are copied once per step
    instead of once per piece). Guard: ``s`` is a str (or bytes) local, every value assigned to it being one,
    and every piece is of the same type, so ``+`` is concatenation, which is associative; the pieces are
    evaluated in the same order and ``s`` is assigned only after all of them, as before, so an exception in a
    piece leaves ``s`` as it was. Pieces with ``:=`` are left alone."""
    return _self_concat(func, ctx, single=False)


def self_add(func: ast.FunctionDef, ctx: Context) -> int:
    """``s = s + a`` → ``s += a`` on a str or bytes local (same guards as :func:`str_concat`): no faster, since
    CPython already grows ``s`` in place for one piece, but it is the form the join rule matches."""
    return _self_concat(func, ctx, single=True)


def _self_concat(func: ast.FunctionDef, ctx: Context, *, single: bool) -> int:
    infer = Inference(func, ctx)
    count = 0
    for stmt in [n for n in ast.walk(func) if isinstance(n, ast.Assign)]:
        pieces = _self_chain(stmt)
        if pieces is None or f.detached(stmt):
            continue
        plain = isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, ast.Add)
        if single != (plain and len(pieces) == 1):
            continue
        name = stmt.targets[0].id  # type: ignore[attr-defined]
        kind = infer.types(ast.Name(name, ast.Load()))
        if name in t.params(func) or kind not in (frozenset({"str"}), frozenset({"bytes"})):
            continue
        if not all(infer.types(p) == kind for p in pieces):
            continue
        if any(isinstance(n, ast.NamedExpr) for p in pieces for n in ast.walk(p)):
            continue
        value = pieces[0]
        for piece in pieces[1:]:
            value = ast.BinOp(value, ast.Add(), piece)
        f.replace_node(stmt, ast.AugAssign(ast.Name(name, ast.Store()), ast.Add(), value))
        count += 1
    return count


def _self_chain(stmt: ast.Assign) -> list[ast.expr] | None:
    """The pieces added to ``name`` by ``name = name + p1 + p2 ...`` (a left-nested ``+`` chain that starts with
    the name), ``name = f"{name}..."`` (the rest of the f-string), ``name = "".join([name, p1, ...])`` (a join
    of the rest) or ``name = "%s..." % (name, ...)`` (the rest of the format); for an exact str, ``f"{s}"``, a
    join of ``[s]`` and ``"%s" % (s,)`` are ``s`` itself."""
    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return None
    name = stmt.targets[0].id
    value = stmt.value
    if isinstance(value, ast.JoinedStr) and len(value.values) > 1:
        first = value.values[0]
        if (
            isinstance(first, ast.FormattedValue)
            and isinstance(first.value, ast.Name)
            and first.value.id == name
            and first.conversion == -1
            and first.format_spec is None
        ):
            return [ast.JoinedStr(value.values[1:])]
        return None
    if _percent_self(value, name):
        rest = ast.Constant(value.left.value[2:])  # type: ignore[attr-defined]
        return [ast.BinOp(rest, ast.Mod(), ast.Tuple(value.right.elts[1:], ast.Load()))]  # type: ignore[attr-defined]
    if _empty_join(value):
        items = value.args[0].elts  # type: ignore[attr-defined]
        starts = len(items) > 1 and isinstance(items[0], ast.Name) and items[0].id == name
        if starts and not any(isinstance(e, ast.Starred) for e in items):
            return [ast.Call(value.func, [ast.List(items[1:], ast.Load())], [])]  # type: ignore[attr-defined]
        return None
    pieces: list[ast.expr] = []
    node = value
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces.append(node.right)
        node = node.left
    if not (isinstance(node, ast.Name) and node.id == name) or not pieces:
        return None
    return pieces[::-1]


def _percent_self(node: ast.expr, name: str) -> bool:
    """``"%s..." % (name, ...)``: for an exact str, ``"%s" % (s,)`` is ``s`` itself."""
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
        and node.left.value.startswith("%s")
        and isinstance(node.right, ast.Tuple)
        and len(node.right.elts) > 1
        and isinstance(node.right.elts[0], ast.Name)
        and node.right.elts[0].id == name
        and not any(isinstance(e, ast.Starred) for e in node.right.elts)
    )


def _empty_join(node: ast.expr) -> bool:
    """``"".join([...])`` or ``"".join((...))`` with a display."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and node.func.value.value == ""
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.List | ast.Tuple)
    )


def list_concat(func: ast.FunctionDef, ctx: Context) -> int:
    """``xs = xs + [a]`` or ``xs = [*xs, a]`` → ``xs.append(a)`` (``xs += [a, b]`` for several; speedup: no copy
    per step). Guard: ``xs`` is a local list nobody else can see (see :func:`unaliased_list`), so growing it in
    place is the same as rebinding it to a grown copy; a ``yield`` anywhere keeps the step away."""
    if any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(func)):
        return 0
    count = 0
    for stmt in [n for n in ast.walk(func) if isinstance(n, ast.Assign)]:
        added = _list_growth(stmt)
        if added is None or f.detached(stmt):
            continue
        name = stmt.targets[0].id  # type: ignore[attr-defined]
        if not unaliased_list(func, name, ctx, growth=stmt):
            continue
        if isinstance(added, ast.List) and len(added.elts) == 1 and not isinstance(added.elts[0], ast.Starred):
            new: ast.stmt = ast.Expr(
                ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [added.elts[0]], [])
            )
        else:
            new = ast.AugAssign(ast.Name(name, ast.Store()), ast.Add(), added)
        f.replace_node(stmt, new)
        count += 1
    return count


def _list_growth(stmt: ast.Assign) -> ast.expr | None:
    """What ``xs = xs + [..]`` / ``xs = xs + [... for ...]`` / ``xs = [*xs, ...]`` adds, as a list expression."""
    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        grows = isinstance(value.left, ast.Name) and value.left.id == name
        if grows and isinstance(value.right, ast.List | ast.ListComp) and not t.name_nodes(value.right, name):
            return value.right
        return None
    if isinstance(value, ast.List) and value.elts:
        first = value.elts[0]
        if isinstance(first, ast.Starred) and isinstance(first.value, ast.Name) and first.value.id == name:
            rest = value.elts[1:]
            if rest and not any(t.name_nodes(e, name) for e in rest):
                return ast.List(rest, ast.Load())
    return None


_ITERATORS = frozenset({"enumerate", "zip", "reversed", "iter", "map", "filter"})


def unaliased_list(func: ast.FunctionDef, name: str, ctx: Context, *, growth: ast.stmt) -> bool:
    """``name`` is a local list no other name, container or callee can hold: every assignment makes a new list,
    every read is a read-only use (indexing, ``len``, ``in``, a comparison, a copy), its own methods, or part of
    a ``return``; and ``growth`` does not sit in a loop over it (growing it in place would extend that loop)."""
    if name in t.params(func):
        return False
    for store in t.stored(func, name):
        up = t.parent(store)
        if isinstance(up, ast.For) and up.target is store:
            return False
        if not (isinstance(up, ast.Assign) and up.targets == [store] and _new_list(up.value, name, func, ctx)):
            return False
    bound = f.assigned_names(func)
    for use in t.name_nodes(func, name):
        if not isinstance(use.ctx, ast.Load):
            continue
        up = t.parent(use)
        if isinstance(up, ast.Starred) and isinstance(t.parent(up), ast.List):
            holder = t.parent(t.parent(up))  # type: ignore[arg-type]
            if isinstance(holder, ast.Assign) and _list_growth(holder) is not None:
                continue  # the read inside ``xs = [*xs, a]``
        if any(isinstance(a, ast.Return) for a in t.ancestors(use)):
            continue  # the function ends there: no earlier alias exists to tell growing from rebinding
        if isinstance(up, ast.Attribute) and up.value is use and up.attr != "copy":
            continue
        if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.func.id in _ITERATORS:
            if up.func.id in bound or not isinstance(t.parent(up), ast.For | ast.comprehension):
                return False
            continue
        if isinstance(up, ast.Starred) or not f.read_only_use(use):
            return False
    for up in t.ancestors(growth):
        if up is func:
            break
        if isinstance(up, ast.For) and t.name_nodes(up.iter, name):
            return False
    return True


def _new_list(value: ast.expr, name: str, func: ast.FunctionDef, ctx: Context) -> bool:
    """A new list nobody else holds: a display, a comprehension, the builtin ``list(...)``/``sorted(...)``, or
    ``xs + [...]`` whose sides are that name or displays (another operand could answer ``+`` with its own
    ``__radd__``)."""
    lists = (ast.List, ast.ListComp)
    if isinstance(value, lists):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        sides = (value.left, value.right)
        own = all(isinstance(s, lists) or (isinstance(s, ast.Name) and s.id == name) for s in sides)
        return own and isinstance(value.right, lists)
    call = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("list", "sorted")
    return call and is_builtin(func, value.func.id, ctx)  # type: ignore[attr-defined]


def range_len(func: ast.FunctionDef, ctx: Context) -> int:
    """``for i in range(len(xs))`` where ``i`` only indexes ``xs`` → ``for x in xs`` (``enumerate`` when ``i``
    is read otherwise). Guard: ``xs`` is a list, tuple or str (a local list, or a parameter seen only as those)
    that the loop never changes or rebinds, through any alias, and ``i`` is assigned nowhere else. A parameter
    of another type at run time is indexed up front instead (the loop calls nothing unknown and writes only
    fresh locals, and no ``try``/``with`` surrounds it, so an exception from an index is seen the same)."""
    infer = Inference(func, ctx)
    count = 0
    for loop in [n for n in ast.walk(func) if isinstance(n, ast.For)]:
        if not (isinstance(loop.target, ast.Name) and t.is_call(loop.iter, "range")) or f.detached(loop):
            continue
        bounds = loop.iter.args  # type: ignore[attr-defined]
        start = bounds[0] if len(bounds) == 2 else None
        if isinstance(start, ast.Constant) and type(start.value) is int and start.value == 0:
            bounds = bounds[1:]
        if len(bounds) != 1 or not t.is_call(bounds[0], "len", 1):
            continue
        if not isinstance(bounds[0].args[0], ast.Name):  # type: ignore[attr-defined]
            continue
        xs, i = bounds[0].args[0].id, loop.target.id  # type: ignore[attr-defined]
        if not is_builtin(func, "range", ctx) or not is_builtin(func, "len", ctx) or len(t.stored(func, i)) != 1:
            continue
        kinds = infer.types(ast.Name(xs, ast.Load()))
        if not kinds or not all(k == "str" or k.startswith(("list[", "tuple[")) for k in kinds):
            continue
        if t.stored(loop, xs) or not f.unchanged_in(loop, xs, func) or loop.orelse:
            continue
        uses = [u for u in t.name_nodes(func, i) if u is not loop.target]
        indexing = [u for u in uses if _indexes(u, xs)]
        if not indexing or not all(isinstance(u.ctx, ast.Load) for u in uses):
            continue
        item = f"_pk_{xs}_item"
        if t.name_nodes(func, item):
            continue
        for use in indexing:
            f.replace_node(t.parent(use), ast.Name(item, ast.Load()))  # type: ignore[arg-type]
        others = [u for u in uses if not _indexes(u, xs)]
        source = xs
        if xs in t.params(func):  # only observed to be a sequence: anything else is indexed as before
            if any(isinstance(up, ast.Try | ast.With) for up in t.ancestors(loop)):
                continue
            source = f"({xs} if type({xs}) in (list, tuple, str) else [{xs}[_pk_j] for _pk_j in range(len({xs}))])"
        if others:
            loop.target = ast.Tuple([ast.Name(i, ast.Store()), ast.Name(item, ast.Store())], ast.Store())
            loop.iter = t.expr(f"enumerate({source})")
        else:
            loop.target = ast.Name(item, ast.Store())
            loop.iter = t.expr(source)
        t.link_parents(loop)
        count += 1
    return count


def _indexes(use: ast.Name, xs: str) -> bool:
    up = t.parent(use)
    return (
        isinstance(up, ast.Subscript)
        and up.slice is use
        and isinstance(up.value, ast.Name)
        and up.value.id == xs
        and isinstance(up.ctx, ast.Load)
    )


STEPS: tuple[Step, ...] = (
    Step("split-parallel", split_parallel, False, "a, b = set(), [x] → a = set(); b = [x] (when exact)"),
    Step("not-in", not_in, False, "not x in y → x not in y"),
    Step("dict-keys", dict_keys, False, "x in d.keys() / for k in d.keys() → d (dicts only)"),
    Step("count-membership", count_membership, True, "xs.count(x) > 0 / == 0 → x in xs / x not in xs"),
    Step("str-concat", str_concat, True, "s = s + a + b → s += a + b (str and bytes locals)"),
    Step("self-add", self_add, False, "s = s + a → s += a (str and bytes locals)"),
    Step("list-concat", list_concat, True, "xs = xs + [a] / [*xs, a] → xs.append(a) (unaliased local lists)"),
    Step("range-len", range_len, False, "for i in range(len(xs)) indexing xs → for x in xs / enumerate"),
)


def normalize(func: ast.FunctionDef, ctx: Context, *, steps: tuple[Step, ...] = STEPS) -> list[Step]:
    """Bring ``func`` (parents linked) to the canonical forms in place; the steps that changed it, in order."""
    applied = []
    for step in steps:
        if step.apply(func, ctx):
            t.link_parents(func)
            applied.append(step)
    return applied
