"""Nested-loop joins → a dict index built once: ``for a in xs: for b in ys: if key(a) == key(b): ...``, the same
filter in a comprehension (``[b for b in ys if b[0] == a[0]]``) or in ``any(y == x for y in ys)`` inside a loop.

The inner loop keeps its test and only walks the candidates whose key hashes alike, in the order of ``ys``, so
matches, duplicates and their order stay exactly the same; the index holds keys of scalar types only (whose
``==`` agrees with their hash), and anything else falls back to walking all of ``ys``.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_COMPS = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
_KEY_METHODS = frozenset({"lower", "upper", "strip", "casefold"})


def index_join(func: ast.FunctionDef, ctx: Context) -> bool:
    """Index the inner side of a nested-loop equality join once, before the outermost loop around it."""
    fired = 0
    fresh = f.fresh_locals(func)
    inners = [n for n in ast.walk(func) if isinstance(n, ast.For) or (isinstance(n, _COMPS) and len(n.generators) == 1)]
    for inner in inners:
        found = _join(func, inner, fresh)
        if found is None:
            continue
        anchor, target, iterable, ka, kb = found
        index = f"_pk_idx{fired}"
        rename = {n.id: f"_pk_j{fired}_{n.id}" for n in ast.walk(target) if isinstance(n, ast.Name)}
        target2, kb2 = _renamed(target, rename), _renamed(kb, rename)
        item = ast.unparse(target2)
        key_ok = _guard("_pk_key", kb)
        seq = ast.unparse(iterable.args[0] if isinstance(iterable, ast.Call) else iterable)
        setup = (
            f"{index} = False\n"
            f"if type({seq}) in (list, tuple):\n"
            f"    {index} = {{}}\n"
            "    try:\n"
            f"        for {item} in {ast.unparse(iterable)}:\n"
            f"            _pk_key = {ast.unparse(kb2)}\n"
            f"            if not ({key_ok}):\n"
            "                raise TypeError\n"
            f"            {index}.setdefault(_pk_key, []).append({item})\n"
            "    except Exception:\n"
            f"        {index} = False\n"
        )
        lookup = (
            f"({index}.get({ast.unparse(ka)}, ()) if {index} and {_guard(ast.unparse(ka), ka)} "
            f"else {ast.unparse(iterable)})"
        )
        holder = inner if isinstance(inner, ast.For) else inner.generators[0]  # type: ignore[union-attr]
        holder.iter = t.expr(lookup)
        owner = t.containing_list(func, anchor)
        assert owner is not None
        owner[owner.index(anchor) : owner.index(anchor)] = t.stmts(setup)
        t.link_parents(func)
        fired += 1
    return bool(fired)


def _join(
    func: ast.FunctionDef, inner: ast.AST, fresh: set[str]
) -> tuple[ast.stmt, ast.expr, ast.expr, ast.expr, ast.expr] | None:
    """(anchor statement, inner target, inner iterable, outer key, inner key) of an equality join, else None."""
    if isinstance(inner, ast.For):
        if len(inner.body) != 1 or not isinstance(inner.body[0], ast.If) or inner.body[0].orelse:
            return None
        target, iterable, test = inner.target, inner.iter, inner.body[0].test
        scope: ast.AST = inner
    else:
        gen = inner.generators[0]  # type: ignore[attr-defined]
        if gen.is_async:
            return None
        target, iterable = gen.target, gen.iter
        if gen.ifs:
            test = gen.ifs[0]
        elif isinstance(inner, ast.GeneratorExp) and t.is_call(t.parent(inner), "any", 1):
            test = inner.elt
        else:
            return None
        scope = inner
    names = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    if not names or not all(isinstance(n, ast.Name | ast.Tuple | ast.Store) for n in ast.walk(target)):
        return None
    if not (
        isinstance(iterable, ast.Name)
        or (t.is_call(iterable, "enumerate", 1) and isinstance(iterable.args[0], ast.Name))  # type: ignore[attr-defined]
    ):
        return None
    first = test.values[0] if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else test
    if not (isinstance(first, ast.Compare) and len(first.ops) == 1 and isinstance(first.ops[0], ast.Eq)):
        return None
    sides = (first.left, first.comparators[0])
    inner_side = [s for s in sides if _uses(s, names)]
    if len(inner_side) != 1:
        return None
    kb = inner_side[0]
    ka = sides[1] if kb is sides[0] else sides[0]
    if not (_pure(kb, names) and _pure(ka, None)):
        return None
    if any(t.stored(scope, n.id) for n in ast.walk(ka) if isinstance(n, ast.Name)):  # type: ignore[arg-type]
        return None
    if isinstance(inner, ast.For) and any(
        len(t.name_nodes(func, n)) != len(t.name_nodes(inner, n)) for n in names
    ):  # the loop variable is read after the loop
        return None
    anchor = _anchor(func, inner)
    if anchor is None:
        return None
    seq = iterable.args[0] if isinstance(iterable, ast.Call) else iterable
    assert isinstance(seq, ast.Name)
    if seq.id in names or not f.unchanged_in(anchor, seq.id, func, fresh=fresh):
        return None
    if f.unknown_calls(anchor, func, fresh=fresh) or f.writes_objects(anchor, fresh=fresh):
        return None  # the items' keys could change between two outer iterations
    return anchor, target, iterable, ka, kb


def _anchor(func: ast.FunctionDef, inner: ast.AST) -> ast.stmt | None:
    """The outermost loop statement around ``inner`` (or the statement holding it when the loops around it are
    comprehensions); None when nothing loops around it."""
    looped, outer, statement, child = False, None, None, inner
    for up in t.ancestors(inner):
        if up is func:
            break
        if isinstance(up, ast.For | ast.While) and child is not getattr(up, "iter", None):
            looped = True
        if isinstance(up, _COMPS) and not (child is up.generators[0] and f.in_comprehension_iter(inner, up)):
            looped = True  # not in the iterable of its first generator, which runs once
        if isinstance(up, ast.For | ast.While):
            outer = up
        if isinstance(up, ast.stmt) and statement is None:
            statement = up
        child = up
    if not looped:
        return None
    return outer if outer is not None else statement


def _uses(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _pure(node: ast.expr, names: set[str] | None) -> bool:
    """Names (only ``names`` when given), constants, attributes, indexing, arithmetic, tuples, ``len``/``str``/...
    and a few str methods: a key that calls no user code and has no effects."""
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            if names is not None and n.id not in names and not _is_callee(n):
                return False
        elif isinstance(n, ast.Call):
            if isinstance(n.func, ast.Name):
                if n.func.id not in {"len", "str", "int", "abs", "tuple", "round", "frozenset"} or n.keywords:
                    return False
            elif not (isinstance(n.func, ast.Attribute) and n.func.attr in _KEY_METHODS and not n.args):
                return False
        elif not isinstance(
            n,
            ast.Constant | ast.Attribute | ast.Subscript | ast.Tuple | ast.BinOp | ast.UnaryOp | ast.Slice
            | ast.expr_context | ast.operator | ast.unaryop,
        ):  # fmt: skip
            return False
    return True


def _is_callee(node: ast.Name) -> bool:
    up = t.parent(node)
    return isinstance(up, ast.Call) and up.func is node


def _guard(text: str, key: ast.expr) -> str:
    """A test that the key value ``text`` is a scalar, or a tuple of scalars when ``key`` is a tuple display."""
    if isinstance(key, ast.Tuple):
        parts = " and ".join(f"type({text}[{i}]) in {f.SCALARS}" for i in range(len(key.elts)))
        return f"type({text}) is tuple and len({text}) == {len(key.elts)} and {parts}"
    return f"type({text}) in {f.SCALARS}"


def _renamed(node: ast.expr, rename: dict[str, str]) -> ast.expr:
    import copy

    out = copy.deepcopy(node)
    for n in ast.walk(out):
        if isinstance(n, ast.Name) and n.id in rename:
            n.id = rename[n.id]
            n.ctx = ast.Load() if isinstance(n.ctx, ast.Load) else n.ctx
    return out
