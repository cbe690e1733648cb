"""Loops over all pairs ``i < j`` of a sequence → ``itertools.combinations(xs, 2)``.

The everyday spellings copy a slice per element (``for y in xs[i + 1:]``) or index twice per pair
(``for j in range(i + 1, len(xs)): f(xs[i], xs[j])``); ``combinations`` yields the same pairs in the same order
from C. A body that only collects the pairs (``out.append((xs[i], y))``) becomes one ``out.extend(...)``.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import TypeGuard

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import is_builtin

_SEQUENCES = "(list, tuple, str)"  # types whose slices, indexing and iteration agree with combinations'


@dataclass
class _Pairs:
    outer: ast.For
    inner: ast.For
    seq: str
    first: list[ast.expr]  # the nodes that read the first element (``xs[i]`` or the enumerate name)
    second: list[ast.expr]  # the nodes that read the second (``y`` or ``xs[j]``)
    names: set[str]  # loop names that exist only inside the pair loop
    indexed: bool  # the inner loop runs over indices (``range(i + 1, len(xs))``), not over a slice


def pair_loops(func: ast.FunctionDef, ctx: Context) -> bool:
    """A double loop over ``i < j`` of a list, tuple or str ``xs`` → one loop over ``combinations(xs, 2)``, behind a
    run-time check of the type (another sequence runs the original loop). Guards: the outer body is only the inner
    loop (and the slice it walks); the indices are read only as ``xs[i]``/``xs[j]`` (or the enumerate element);
    no ``break``, ``else``, ``yield``, or rebinding of a loop name; the loop names are not read after the loop;
    ``xs`` cannot change inside the loop (combinations reads it once, the original re-reads it)."""
    if any(isinstance(n, ast.Yield | ast.YieldFrom | ast.Await) for n in ast.walk(func)):
        return False
    if not all(is_builtin(func, b, ctx) for b in ("range", "len", "type", "list", "tuple", "str", "enumerate")):
        return False
    fired = 0
    fresh = f.fresh_locals(func)
    for outer in [n for n in ast.walk(func) if isinstance(n, ast.For)]:
        if f.detached(outer):
            continue
        found = _match(outer, func, fresh)
        if found is None or not (found.indexed or _collector(found) is not None):
            continue  # over a slice, only collecting the pairs is faster (1.2x); another body is not (0.9x)
        _rewrite(found, func, fired)
        t.link_parents(func)
        fired += 1
    for comp in [n for n in ast.walk(func) if isinstance(n, ast.ListComp)]:
        if not f.detached(comp) and _comprehension(comp, func):
            t.link_parents(func)
            fired += 1
    if fired:
        t.insert_at_start(func, t.stmts("from itertools import combinations as _pk_combinations"))
    return bool(fired)


def _match(outer: ast.For, func: ast.FunctionDef, fresh: set[str]) -> _Pairs | None:
    if outer.orelse:
        return None
    body = list(outer.body)
    head = _outer_head(outer, _lengths(outer, func, fresh))
    if head is None:
        return None
    seq, index, element = head
    slice_name = None
    if len(body) == 2 and isinstance(body[0], ast.Assign) and _is_tail_slice(body[0].value, seq, index):
        target = body[0].targets
        if len(target) != 1 or not isinstance(target[0], ast.Name):
            return None
        slice_name = target[0].id
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.For) or body[0].orelse:
        return None
    inner = body[0]
    names = {index} | ({element} if element else set()) | ({slice_name} if slice_name else set())
    first: list[ast.expr] = []
    second: list[ast.expr] = []
    if isinstance(inner.target, ast.Name) and (
        _is_tail_slice(inner.iter, seq, index)
        or (slice_name and isinstance(inner.iter, ast.Name) and inner.iter.id == slice_name)
    ):
        second_name = inner.target.id
        loads = [u for u in t.name_nodes(inner, second_name) if u is not inner.target]
        if any(not isinstance(u.ctx, ast.Load) for u in loads):
            return None
        second = list(loads)
        loads_slice = True
    elif isinstance(inner.target, ast.Name) and _is_range_after(inner.iter, seq, index, _lengths(outer, func, fresh)):
        second_name = inner.target.id
        reads = [_indexed(u, seq) for u in _uses_in(inner.body, second_name)]
        if any(r is None for r in reads):
            return None
        second = [r for r in reads if r is not None]
        loads_slice = False
    else:
        return None
    names.add(second_name)
    if len(names) != (3 if element else 2) + (1 if slice_name else 0):
        return None  # two loops sharing a name
    for use in _uses_in(inner.body, index):
        read = _indexed(use, seq) if element is None else None
        if read is None:
            return None
        first.append(read)
    if element:
        elements = _uses_in(inner.body, element)
        if any(not isinstance(u.ctx, ast.Load) for u in elements):
            return None
        first = list(elements)
    if not _names_local_to(outer, names, func) or not _plain_body(inner):
        return None
    if slice_name and len(t.name_nodes(func, slice_name)) != 2:
        return None  # the slice is only walked, never read otherwise
    if not all(f.unchanged_in(stmt, seq, func, fresh=fresh) for stmt in outer.body):
        return None  # the header only reads it, once
    return _Pairs(outer, inner, seq, first, second, names, indexed=not loads_slice)


def _lengths(outer: ast.For, func: ast.FunctionDef, fresh: set[str]) -> dict[str, str]:
    """``{n: xs}`` for each ``n = len(xs)`` that still holds when ``outer`` starts: its only binding, earlier in the
    same block, with nothing in between that rebinds or changes ``xs`` or calls unknown code."""
    block = t.containing_list(func, outer)
    if block is None:
        return {}
    at = [id(s) for s in block].index(id(outer))
    out: dict[str, str] = {}
    for k in range(at):
        stmt = block[k]
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        value = stmt.value
        if not (t.is_call(value, "len", 1) and isinstance(value.args[0], ast.Name)):  # type: ignore[attr-defined]
            continue
        n, xs = stmt.targets[0].id, value.args[0].id  # type: ignore[attr-defined]
        if len(t.stored(func, n)) != 1:
            continue
        if all(f.unchanged_in(s2, xs, func, fresh=fresh) for s2 in block[k + 1 : at]):
            out[n] = xs
    return out


def _is_length(node: ast.expr, lengths: dict[str, str]) -> str | None:
    """The sequence whose length ``node`` is: ``len(xs)``, or a name ``n`` known to hold it."""
    if t.is_call(node, "len", 1) and isinstance(node.args[0], ast.Name):  # type: ignore[attr-defined]
        return node.args[0].id  # type: ignore[attr-defined]
    return lengths.get(node.id) if isinstance(node, ast.Name) else None


def _outer_head(outer: ast.For, lengths: dict[str, str] | None = None) -> tuple[str, str, str | None] | None:
    """(xs, i, element or None) for ``for i in range(len(xs) [- 1])`` (or ``n = len(xs)`` before it and
    ``range(n)``) or ``for i, x in enumerate(xs)``."""
    it = outer.iter
    from_zero = t.is_call(it, "range", 2) and _const(it.args[0], 0)  # type: ignore[attr-defined]
    if isinstance(outer.target, ast.Name) and (t.is_call(it, "range", 1) or from_zero) and not it.keywords:  # type: ignore[attr-defined]
        bound = it.args[-1]  # type: ignore[attr-defined]
        if isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Sub) and _const(bound.right, 1):
            bound = bound.left
        seq = _is_length(bound, lengths or {})
        return (seq, outer.target.id, None) if seq is not None else None
    target = outer.target
    pair = isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts)
    if pair and t.is_call(it, "enumerate", 1) and not it.keywords:  # type: ignore[attr-defined]
        seq = _sequence(it.args[0])  # type: ignore[attr-defined]
        if seq is not None:
            return seq, target.elts[0].id, target.elts[1].id  # type: ignore[attr-defined]
    return None


def _sequence(node: ast.expr) -> str | None:
    """``xs``, or the range-len step's ``xs if type(xs) in (list, tuple, str) else [...]`` (which is ``xs`` itself
    wherever this rule's own type check holds)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.IfExp) and isinstance(node.body, ast.Name):
        return node.body.id if ast.unparse(node.test) == f"type({node.body.id}) in {_SEQUENCES}" else None
    return None


def _const(node: ast.expr, value: int) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == value


def _plus_one(node: ast.expr | None, index: str) -> bool:
    """``i + 1`` or ``1 + i``."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
        return False
    sides = (node.left, node.right)
    return any(isinstance(a, ast.Name) and a.id == index and _const(b, 1) for a, b in (sides, sides[::-1]))


def _of(node: ast.expr, seq: str) -> TypeGuard[ast.Subscript]:
    """``node`` is ``seq[...]``."""
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == seq


def _is_tail_slice(node: ast.expr, seq: str, index: str) -> bool:
    """``xs[i + 1:]``."""
    return (
        _of(node, seq)
        and isinstance(node.slice, ast.Slice)
        and _plus_one(node.slice.lower, index)
        and node.slice.upper is None
        and node.slice.step is None
    )


def _is_range_after(node: ast.expr, seq: str, index: str, lengths: dict[str, str] | None = None) -> bool:
    """``range(i + 1, len(xs))`` (or ``range(i + 1, n)`` with ``n = len(xs)``)."""
    if not (t.is_call(node, "range", 2) and not node.keywords):  # type: ignore[attr-defined]
        return False
    lo, hi = node.args  # type: ignore[attr-defined]
    return _plus_one(lo, index) and _is_length(hi, lengths or {}) == seq


def _uses_in(stmts: list[ast.stmt], name: str) -> list[ast.Name]:
    return [n for s in stmts for n in ast.walk(s) if isinstance(n, ast.Name) and n.id == name]


def _indexed(use: ast.Name, seq: str) -> ast.Subscript | None:
    """The ``xs[use]`` read around ``use``, or None for any other use."""
    up = t.parent(use)
    if not (isinstance(use.ctx, ast.Load) and isinstance(up, ast.Subscript) and up.slice is use):
        return None
    return up if _of(up, seq) and isinstance(up.ctx, ast.Load) else None


def _names_local_to(outer: ast.For, names: set[str], func: ast.FunctionDef) -> bool:
    """Every use of the loop names is inside ``outer``, and each is bound only by its loop header or slice."""
    inside = {id(n) for n in ast.walk(outer)}
    for name in names:
        uses = t.name_nodes(func, name)
        if name in t.params(func) or any(id(u) not in inside for u in uses):
            return False
        if len([u for u in uses if not isinstance(u.ctx, ast.Load)]) != 1:
            return False
    return True


def _plain_body(inner: ast.For) -> bool:
    """No ``break`` of the inner loop (a ``break`` in a loop nested deeper is that loop's own)."""
    breaks = [n for n in ast.walk(inner) if isinstance(n, ast.Break)]
    return all(f.enclosing_loop(n, inner) is not None for n in breaks)


def _rewrite(found: _Pairs, func: ast.FunctionDef, k: int) -> None:
    a, b = f"_pk_p{k}", f"_pk_q{k}"
    original = copy.deepcopy(found.outer)
    seq = found.seq
    collect = _collector(found)
    for node in found.first:
        f.replace_node(node, ast.Name(a, ast.Load()))
    for node in found.second:
        f.replace_node(node, ast.Name(b, ast.Load()))
    body = found.inner.body
    if collect is not None:
        fast = t.stmts(f"{collect}.extend(_pk_combinations({seq}, 2))")
    else:
        loop = t.stmts(f"for {a}, {b} in _pk_combinations({seq}, 2):\n    pass")[0]
        assert isinstance(loop, ast.For)
        loop.body = body
        fast = [loop]
    guard = t.stmts(f"if type({seq}) in {_SEQUENCES}:\n    pass\nelse:\n    pass")[0]
    assert isinstance(guard, ast.If)
    guard.body, guard.orelse = fast, [original]
    owner = t.containing_list(func, found.outer)
    assert owner is not None
    owner[[id(s) for s in owner].index(id(found.outer))] = guard


def _collector(found: _Pairs) -> str | None:
    """``out`` when the inner body is only ``out.append((first, second))`` (``out`` not the sequence itself)."""
    body = found.inner.body
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return None
    call = body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append"):
        return None
    owner = call.func.value
    if not isinstance(owner, ast.Name) or owner.id == found.seq or len(call.args) != 1 or call.keywords:
        return None
    pair = call.args[0]
    if not (isinstance(pair, ast.Tuple) and len(pair.elts) == 2):
        return None
    x, y = pair.elts
    ok = any(x is n for n in found.first) and any(y is n for n in found.second)
    return owner.id if ok and len(found.first) == len(found.second) == 1 else None


def _comprehension(comp: ast.ListComp, func: ast.FunctionDef) -> bool:
    """``[(xs[i], xs[j]) for i in range(len(xs)) for j in range(i + 1, len(xs))]`` (or a slice/enumerate inner)
    → ``list(combinations(xs, 2))``, behind the same type check."""
    if len(comp.generators) != 2 or any(g.ifs or g.is_async for g in comp.generators):
        return False
    outer, inner = comp.generators
    fake = ast.For(outer.target, outer.iter, [], [])
    head = _outer_head(fake)
    if head is None or not isinstance(inner.target, ast.Name):
        return False
    seq, index, element = head
    if not (isinstance(comp.elt, ast.Tuple) and len(comp.elt.elts) == 2):
        return False
    x, y = comp.elt.elts
    first_ok = (isinstance(x, ast.Name) and x.id == element) if element is not None else _is_item(x, seq, index)
    j = inner.target.id
    if _is_tail_slice(inner.iter, seq, index):
        second_ok = isinstance(y, ast.Name) and y.id == j
    elif _is_range_after(inner.iter, seq, index):
        second_ok = _is_item(y, seq, j)
    else:
        return False
    if not (first_ok and second_ok) or len({index, j, element or index}) != (3 if element else 2):
        return False
    if any(isinstance(n, ast.NamedExpr) for n in ast.walk(comp)):
        return False
    fast = t.expr(f"(list(_pk_combinations({seq}, 2)) if type({seq}) in {_SEQUENCES} else None)")
    assert isinstance(fast, ast.IfExp)
    original = copy.deepcopy(comp)
    fast.orelse = original
    f.replace_node(comp, fast)
    return True


def _is_item(node: ast.expr, seq: str, index: str) -> bool:
    """``xs[i]``."""
    return _of(node, seq) and isinstance(node.slice, ast.Name) and node.slice.id == index
