"""Sorting to pick one end (``sorted(xs)[0]``, ``sorted(xs, key=len)[-1]``, ``sorted(xs)[:3]``) → ``min``/``max``/
``heapq.nsmallest``; ``max(seen)`` over a list that only grows → a running maximum; ``append`` then ``sort()`` on a
sorted list → ``bisect.insort``.

Every rewrite keeps the element ``sorted`` would have picked among equal ones (stability), raises what the
original raises on empty input, and takes its fast path only when the values are totally ordered (ints and bools,
floats that are not NaN, or all strs); anything else runs the original expression.
"""

from __future__ import annotations

import ast
from itertools import pairwise

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_PURE_KEYS = frozenset({"len", "abs", "str", "int", "float", "ord", "round"})
_TOTAL = (  # the element types in one C-level pass; floats also need a (Python-level) look for NaN
    "((_pk_t := set(map(type, {v}))) <= {{int, bool}} or _pk_t == {{str}}"
    " or (_pk_t <= {{int, bool, float}} and all(_pk_v == _pk_v for _pk_v in {v})))"
)
_PICK = {  # (index, reverse) → the element sorted() would put there
    (0, False): ("min({s})", "min(range(len({s})), key={k}.__getitem__)"),
    (-1, False): ("max(reversed({s}))", "max(reversed(range(len({s}))), key={k}.__getitem__)"),
    (0, True): ("max({s})", "max(range(len({s})), key={k}.__getitem__)"),
    (-1, True): ("min(reversed({s}))", "min(reversed(range(len({s}))), key={k}.__getitem__)"),
}


def sorted_pick(func: ast.FunctionDef, ctx: Context) -> bool:
    """``sorted(E, key=K, reverse=R)[0]`` or ``[-1]`` → min/max (guarded); ``sorted(E)[:n]`` for a small constant
    ``n`` → ``heapq.nsmallest`` (guarded). ``K`` must be a pure builtin or a ``str`` method."""
    fired = 0
    bound = f.assigned_names(func)
    for node in [n for n in ast.walk(func) if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)]:
        call = node.value
        if not _sorted_call(call):
            continue
        assert isinstance(call, ast.Call)
        options = _options(call, bound)
        if options is None or "sorted" in bound or f.in_comprehension_iter(node, func):
            continue
        key, reverse = options
        s, k = f"_pk_s{fired}", f"_pk_k{fired}"
        source = ast.unparse(call.args[0])
        where = _position(node.slice)
        if isinstance(where, int):
            fast, keyed = _PICK[(where, reverse)]
            fallback = f"sorted({s}{', key=' + key if key else ''}, reverse={reverse})[{where}]"
            if key is None:
                text = f"({fast.format(s=s)} if ({s} := list({source})) and {_TOTAL.format(v=s)} else {fallback})"
            else:
                keys = f"({k} := [{key}(_pk_v) for _pk_v in {s}])"
                text = (
                    f"({s}[{keyed.format(s=s, k=k)}] if ({s} := list({source})) and {keys} "
                    f"and {_TOTAL.format(v=k)} else {fallback})"
                )
        elif where is not None and key is None and not reverse:
            text = (
                f"(_pk_nsmallest({where}, {s}) if ({s} := list({source})) "
                f"and {_TOTAL.format(v=s)} else sorted({s})[:{where}])"
            )
        else:
            continue
        f.replace_node(node, t.expr(text))
        fired += 1
    if any(isinstance(n, ast.Name) and n.id == "_pk_nsmallest" for n in ast.walk(func)):
        t.insert_at_start(func, t.stmts("from heapq import nsmallest as _pk_nsmallest"))
    return bool(fired)


def _sorted_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "sorted"
        and len(node.args) == 1
        and not isinstance(node.args[0], ast.Starred)
    )


def _options(call: ast.Call, bound: set[str]) -> tuple[str | None, bool] | None:
    """(key text or None, reverse) when the keywords are a pure key and a constant reverse."""
    key, reverse = None, False
    for kw in call.keywords:
        if kw.arg == "reverse" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool):
            reverse = kw.value.value
        elif kw.arg == "key" and isinstance(kw.value, ast.Constant) and kw.value.value is None:
            continue
        elif kw.arg == "key" and isinstance(kw.value, ast.Name) and kw.value.id in _PURE_KEYS - bound:
            key = kw.value.id
        elif (
            kw.arg == "key"
            and isinstance(kw.value, ast.Attribute)
            and isinstance(kw.value.value, ast.Name)
            and kw.value.value.id == "str"
            and "str" not in bound
            and kw.value.attr in {"lower", "upper", "casefold", "strip"}
        ):
            key = ast.unparse(kw.value)
        else:
            return None
    return key, reverse


def _position(index: ast.expr) -> int | str | None:
    """0 or -1 for one end; the text of ``n`` for a slice ``[:n]`` with a constant 1 <= n <= 16; else None."""
    if isinstance(index, ast.Constant) and type(index.value) is int and index.value == 0:
        return 0
    if (
        isinstance(index, ast.UnaryOp)
        and isinstance(index.op, ast.USub)
        and isinstance(index.operand, ast.Constant)
        and type(index.operand.value) is int
        and index.operand.value == 1
    ):
        return -1
    if isinstance(index, ast.Slice) and index.lower is None and index.step is None:
        upper = index.upper
        if isinstance(upper, ast.Constant) and type(upper.value) is int and 1 <= upper.value <= 16:
            return str(upper.value)
    return None


def running_extreme(func: ast.FunctionDef, ctx: Context) -> bool:
    """``max(seen)``/``min(seen)`` in a loop over a local list that only grows by ``append`` → a running value
    kept at each append (ints or strs of one type; anything else, or an empty list, calls the original)."""
    fired = False
    for stmt, name in f.fresh_empty_lists(func):
        appends, extremes = [], []
        for use in t.name_nodes(func, name):
            if use is stmt.targets[0]:
                continue
            up = t.parent(use)
            grand = t.parent(up) if up is not None else None
            if t.is_method_call(grand, name, "append", 1) and isinstance(t.parent(grand), ast.Expr):  # type: ignore[arg-type]
                appends.append(t.parent(grand))
            elif t.is_call(up, "max", 1) or t.is_call(up, "min", 1):
                extremes.append(up)
            elif not (f.read_only_use(use) or isinstance(up, ast.Return)):
                break
        else:
            if not appends or not any(_looped(c, func) for c in extremes):
                continue
            if {"max", "min"} & f.assigned_names(func):
                continue
            ok, top, low = f"_pk_ok_{name}", f"_pk_max_{name}", f"_pk_min_{name}"
            owner = t.containing_list(func, stmt)
            assert owner is not None
            owner.insert(owner.index(stmt) + 1, t.stmts(f"{ok} = True\n{top} = {low} = None")[0])
            for append in appends:
                track = (
                    f"_pk_v = {name}[-1]\n"
                    f"if len({name}) == 1:\n"
                    f"    {ok} = type(_pk_v) is int or type(_pk_v) is str\n"
                    f"    {top} = {low} = _pk_v\n"
                    f"elif {ok}:\n"
                    f"    if type(_pk_v) is not type({top}):\n        {ok} = False\n"
                    f"    elif _pk_v > {top}:\n        {top} = _pk_v\n"
                    f"    elif _pk_v < {low}:\n        {low} = _pk_v\n"
                )
                place = t.containing_list(func, append)  # type: ignore[arg-type]
                assert place is not None
                at = place.index(append) + 1  # type: ignore[arg-type]
                place[at:at] = t.stmts(track)
            for call in extremes:
                kind = call.func.id  # type: ignore[attr-defined]
                held = top if kind == "max" else low
                f.replace_node(call, t.expr(f"({held} if {ok} and {name} else {kind}({name}))"))
            fired = True
    return fired


def _looped(node: ast.AST, func: ast.FunctionDef) -> bool:
    return any(isinstance(up, ast.For | ast.While) for up in t.ancestors(node) if up is not func)


_KEEPS_ORDER = frozenset({"index", "count", "copy"})  # a list that also shrinks is a small top-k: sort() is cheap


def insort(func: ast.FunctionDef, ctx: Context) -> bool:
    """``xs.append(v)`` then ``xs.sort()`` on a local list that starts empty and only ever grows this way →
    ``bisect.insort(xs, v)`` while every value is an int or a str of one type. A list that also shrinks (a small
    bounded top-k) is left alone: there the sort of a short list is as fast (0.8x measured)."""
    fired = False
    for stmt, name in f.fresh_empty_lists(func):
        pairs: list[ast.Expr] = []
        claimed: set[int] = set()
        for body in t.statement_lists(func):
            for first, second in pairwise(body):
                if (
                    isinstance(first, ast.Expr)
                    and t.is_method_call(first.value, name, "append", 1)
                    and isinstance(second, ast.Expr)
                    and t.is_method_call(second.value, name, "sort", 0)
                ):
                    pairs.append(first)
                    claimed |= {id(n) for n in ast.walk(first)} | {id(n) for n in ast.walk(second)}
        if not pairs:
            continue
        for use in t.name_nodes(func, name):
            if use is stmt.targets[0] or id(use) in claimed:
                continue
            up = t.parent(use)
            if isinstance(up, ast.Attribute) and up.attr in _KEEPS_ORDER and isinstance(t.parent(up), ast.Call):
                continue
            if not (f.read_only_use(use) or isinstance(up, ast.Return)):
                break
        else:
            ok = f"_pk_sorted_{name}"
            owner = t.containing_list(func, stmt)
            assert owner is not None
            owner.insert(owner.index(stmt) + 1, t.stmts(f"{ok} = True")[0])
            for first in pairs:
                place = t.containing_list(func, first)
                assert place is not None
                at = place.index(first)
                value = ast.unparse(first.value.args[0])  # type: ignore[attr-defined]
                code = (
                    f"_pk_v = {value}\n"
                    f"if {ok} and (type(_pk_v) is int or type(_pk_v) is str) "
                    f"and (not {name} or type({name}[0]) is type(_pk_v)):\n"
                    f"    _pk_insort({name}, _pk_v)\n"
                    f"else:\n"
                    f"    {ok} = False\n    {name}.append(_pk_v)\n    {name}.sort()\n"
                )
                place[at : at + 2] = t.stmts(code)
            fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from bisect import insort as _pk_insort"))
    return fired
