"""Generator expressions over the characters of a string → ``map`` with a builtin or an ``operator`` function.

``sum(c1 != c2 for c1, c2 in zip(s1, s2))`` runs a Python frame per pair; ``sum(map(operator.ne, s1, s2))`` the
same comparisons from C, in the same order. The two differ only where an element's own method raises
``StopIteration`` (a generator turns it into ``RuntimeError``, ``map`` ends quietly), so the rewrite runs only
where the elements are exact ``str`` characters, ``bytes`` values or ``range`` ints, whose operations never run
user code: behind a run-time check of the iterable's type, the original generator otherwise.
"""

from __future__ import annotations

import ast
import copy

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import is_builtin

# builtins that, on characters, small ints or bytes values, never run user code
_FUNCS = frozenset({"ord", "chr", "int", "float", "str", "len", "abs", "bool", "repr", "hex", "bin", "oct"})
_OPS: dict[type, str] = {
    ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge",
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.BitAnd: "and_", ast.BitOr: "or_", ast.BitXor: "xor",
}  # fmt: skip
_CONSUMERS = frozenset({"sum", "min", "max", "any", "all", "list", "tuple", "set", "frozenset", "sorted"})
_EXACT = "(str, bytes, range)"


def map_builtin(func: ast.FunctionDef, ctx: Context) -> bool:
    """``(f(x) for x in s)`` with a builtin ``f``, or ``(a OP b for a, b in zip(s, t))`` with an operator or a
    comparison, consumed at once by a reducing
    builtin (``sum``, ``min``, ``max``, ``any``, ``all``, ``list``, ...) or ``"".join`` → ``map(...)``. Guards: the
    builtins are not rebound; the loop names are used exactly as shown; each iterable is checked at run time to be
    a ``str``, ``bytes`` or ``range``."""
    if not all(is_builtin(func, b, ctx) for b in ("map", "zip", "type", "str", "bytes", "range")):
        return False
    fired = 0
    for gen in [n for n in ast.walk(func) if isinstance(n, ast.GeneratorExp)]:
        if f.detached(gen) or not _consumed(gen, func, ctx):
            continue
        plan = _plan(gen, func, ctx)
        if plan is None:
            continue
        fn, iterables = plan
        if not all(isinstance(i, ast.Name) for i in iterables):
            continue  # named, an iterable is read twice (the check, then map) at no cost and with no effect
        checks = " and ".join(f"type({ast.unparse(i)}) in {_EXACT}" for i in iterables)
        fast = t.expr(f"(map({fn}, {', '.join(ast.unparse(i) for i in iterables)}) if {checks} else None)")
        assert isinstance(fast, ast.IfExp)
        fast.orelse = copy.deepcopy(gen)
        f.replace_node(gen, fast)
        t.link_parents(func)
        fired += 1
    if fired:
        t.insert_at_start(func, t.stmts("import operator as _pk_operator"))
    return bool(fired)


def _consumed(gen: ast.GeneratorExp, func: ast.FunctionDef, ctx: Context) -> bool:
    up = t.parent(gen)
    if not (isinstance(up, ast.Call) and up.args == [gen]):
        return False
    if isinstance(up.func, ast.Name):
        return up.func.id in _CONSUMERS and is_builtin(func, up.func.id, ctx)
    callee = up.func
    return isinstance(callee, ast.Attribute) and callee.attr == "join" and isinstance(callee.value, ast.Constant)


def _plan(gen: ast.GeneratorExp, func: ast.FunctionDef, ctx: Context) -> tuple[str, list[ast.expr]] | None:
    """(the function map calls, the iterables), or None."""
    if len(gen.generators) != 1:
        return None
    loop = gen.generators[0]
    if loop.is_async or any(isinstance(n, ast.NamedExpr | ast.Await | ast.Yield) for n in ast.walk(gen)):
        return None
    target, elt = loop.target, gen.elt
    if isinstance(target, ast.Name) and not loop.ifs:
        if not (isinstance(elt, ast.Call) and isinstance(elt.func, ast.Name) and not elt.keywords):
            return None
        name = elt.func.id
        if name not in _FUNCS or not is_builtin(func, name, ctx) or len(elt.args) != 1:
            return None
        return (name, [loop.iter]) if _is_name(elt.args[0], target.id) else None
    names = target.elts if isinstance(target, ast.Tuple) else []
    if len(names) != 2 or not all(isinstance(e, ast.Name) for e in names):
        return None
    a, b = (e.id for e in target.elts)  # type: ignore[attr-defined]
    if a == b or not (t.is_call(loop.iter, "zip", 2) and not loop.iter.keywords):  # type: ignore[attr-defined]
        return None
    iterables = list(loop.iter.args)  # type: ignore[attr-defined]
    if any(isinstance(i, ast.Starred) for i in iterables):
        return None
    if loop.ifs:  # ``sum(1 for a, b in zip(s, t) if a == b)``: summing the bools map gives is no faster (0.9x)
        return None
    op = _pair_op(elt, a, b)
    return (f"_pk_operator.{op}", iterables) if op else None


def _pair_op(node: ast.expr, a: str, b: str) -> str | None:
    """The operator module's name for ``a OP b`` (in that order), or None."""
    kind: type
    if isinstance(node, ast.BinOp):
        left, right, kind = node.left, node.right, type(node.op)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right, kind = node.left, node.comparators[0], type(node.ops[0])
    else:
        return None
    if not (_is_name(left, a) and _is_name(right, b)):
        return None
    return _OPS.get(kind)


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
