"""Lists used as queues (taken from the front) → ``collections.deque``.

Every spelling of "take the first item" costs a copy of the rest on a list: ``q.pop(0)``, ``del q[0]``,
``q = q[1:]``, and ``q.insert(0, x)`` for a stack kept at the head. A deque does each in constant time.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._inference import is_builtin

# list methods a deque has with the same meaning (``pop()`` with no argument takes the last item in both)
_SAME_METHODS = frozenset({"append", "extend", "clear", "remove", "count", "index", "reverse"})
# builtins that only read their argument, which behave alike on a list and a deque
_READERS = frozenset({"len", "sorted", "list", "tuple", "set", "frozenset", "sum", "min", "max", "any", "all"})


def pop0_deque(func: ast.FunctionDef, ctx: Context) -> bool:
    """A local list taken from the front (``pop(0)``, ``del q[0]``, ``q = q[1:]``, ``insert(0, x)``) and
    otherwise appended, popped at the end, indexed, measured, tested for truth or emptiness (``q != []``
    becomes ``len(q) != 0``) or read by a builtin → a ``deque``. Guards: every assignment of the name makes a new
    list (nothing else holds it); it escapes only by ``return``, where it becomes ``list(q)`` again; a loop over
    it does not change it (a deque raises where a list goes on); anything else (a slice, ``+``, ``print(q)``,
    passing it on) keeps the rule away."""
    fired = False
    for name in sorted({n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}):
        plan = _plan(func, name, ctx)
        if plan is None:
            continue
        for edit in plan:
            edit()
        fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from collections import deque as _pk_deque"))
    return fired


def _plan(func: ast.FunctionDef, name: str, ctx: Context) -> list[Callable[[], None]] | None:
    """The edits that turn ``name`` into a deque (callables, applied in order), or None when a use is unknown."""
    if name in t.params(func) or not is_builtin(func, "len", ctx):
        return None
    edits: list[Callable[[], None]] = []
    heavy = False
    slices: set[int] = set()
    for store in t.stored(func, name):
        up = t.parent(store)
        if not (isinstance(up, ast.Assign) and up.targets == [store]):
            if isinstance(up, ast.Delete) or (isinstance(up, ast.Subscript) and isinstance(t.parent(up), ast.Delete)):
                continue
            return None
        if _front_slice(up.value, name):
            slices.add(id(up.value.value))  # type: ignore[attr-defined]
            edits.append(_replacer(up, t.stmts(f"if {name}:\n    {name}.popleft()")[0]))
            heavy = True
        elif isinstance(up.value, ast.List) or (t.is_call(up.value, "list") and is_builtin(func, "list", ctx)):
            edits.append(_wrap_deque(up))
        else:
            return None
    for use in t.name_nodes(func, name):
        if not isinstance(use.ctx, ast.Load) or id(use) in slices:
            if isinstance(use.ctx, ast.Del):
                return None
            continue
        kind = _use(use, name, func, ctx)
        if kind is None:
            return None
        edit, is_heavy = kind
        heavy = heavy or is_heavy
        if edit is not None:
            edits.append(edit)
    dels = [n for n in ast.walk(func) if isinstance(n, ast.Delete) and t.name_nodes(n, name)]
    for stmt in dels:
        if not _is_del_front(stmt, name):
            return None
        edits.append(_replacer(stmt, t.stmts(f"{name}.popleft()")[0]))
        heavy = True
    return edits if heavy else None


def _use(
    use: ast.Name, name: str, func: ast.FunctionDef, ctx: Context
) -> tuple[Callable[[], None] | None, bool] | None:
    """(an edit or None, whether this use is a costly front operation), or None when the use is unknown."""
    up = t.parent(use)
    grand = t.parent(up) if up is not None else None
    if isinstance(up, ast.Attribute) and up.value is use and isinstance(grand, ast.Call) and grand.func is up:
        if t.is_method_call(grand, name, "pop", 1) and _const(grand.args[0], 0):
            return _method(grand, "popleft", []), True
        last = t.is_method_call(grand, name, "pop", 1) and _const(grand.args[0], -1)
        if t.is_method_call(grand, name, "pop", 0) or last:
            return None, False
        if t.is_method_call(grand, name, "insert", 2) and _const(grand.args[0], 0):
            return _method(grand, "appendleft", [grand.args[1]]), True
        if up.attr in _SAME_METHODS and not grand.keywords:
            return None, False
        return None
    if isinstance(up, ast.Subscript) and up.value is use and isinstance(grand, ast.Delete):
        return None, False  # ``del q[0]``: checked and rewritten with the other deletions
    if isinstance(up, ast.Subscript) and up.value is use:
        if isinstance(up.slice, ast.Slice) or not isinstance(up.ctx, ast.Load):
            return None  # a deque has no slices; item assignment is left alone
        return None, False
    if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.args == [use] and not up.keywords:
        return (None, False) if up.func.id in _READERS and is_builtin(func, up.func.id, ctx) else None
    if isinstance(up, ast.If | ast.While | ast.IfExp) and up.test is use:
        return None, False
    if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
        return None, False
    if isinstance(up, ast.BoolOp) and isinstance(grand, ast.If | ast.While) and grand.test is up:
        return None, False
    if isinstance(up, ast.Compare) and len(up.ops) == 1:
        return _compare(up, use, name)
    if isinstance(up, ast.For | ast.comprehension) and up.iter is use:
        loop_parts = up.body if isinstance(up, ast.For) else [*up.ifs, t.parent(up)]
        if any(t.name_nodes(part, name) for part in loop_parts if part is not None and part is not up):
            return None  # changing a deque while looping over it raises; a list goes on
        return None, False
    return _escape(use, name)


def _compare(test: ast.Compare, use: ast.Name, name: str) -> tuple[Callable[[], None] | None, bool] | None:
    op, other = test.ops[0], (test.comparators[0] if test.left is use else test.left)
    if isinstance(op, ast.In | ast.NotIn) and test.comparators[0] is use:
        return None, False
    if isinstance(op, ast.Eq | ast.NotEq) and isinstance(other, ast.List) and not other.elts:
        symbol = "==" if isinstance(op, ast.Eq) else "!="
        return _replacer(test, t.expr(f"len({name}) {symbol} 0")), False
    return None


def _escape(use: ast.Name, name: str) -> tuple[Callable[[], None] | None, bool] | None:
    """``return q`` (or q inside a returned tuple or list display) → ``list(q)``; any other escape: None."""
    node: ast.AST = use
    while True:
        up = t.parent(node)
        if isinstance(up, ast.Return):
            return _replacer(use, t.expr(f"list({name})")), False
        if not isinstance(up, ast.Tuple | ast.List) or not any(e is node for e in up.elts):
            return None
        node = up


def _const(node: ast.expr, value: int) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == value


def _front_slice(value: ast.expr, name: str) -> bool:
    """``name[1:]``."""
    return (
        isinstance(value, ast.Subscript)
        and isinstance(value.value, ast.Name)
        and value.value.id == name
        and isinstance(value.slice, ast.Slice)
        and value.slice.lower is not None
        and _const(value.slice.lower, 1)
        and value.slice.upper is None
        and value.slice.step is None
    )


def _is_del_front(stmt: ast.Delete, name: str) -> bool:
    if len(stmt.targets) != 1:
        return False
    target = stmt.targets[0]
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == name
        and not isinstance(target.slice, ast.Slice)
        and _const(target.slice, 0)  # type: ignore[arg-type]
    )


def _replacer(old: ast.AST, new: ast.AST) -> Callable[[], None]:
    return lambda: f.replace_node(old, new)


def _wrap_deque(assign: ast.Assign) -> Callable[[], None]:
    def apply() -> None:
        assign.value = ast.Call(ast.Name("_pk_deque", ast.Load()), [assign.value], [])

    return apply


def _method(call: ast.Call, method: str, args: list[ast.expr]) -> Callable[[], None]:
    def apply() -> None:
        call.func.attr = method  # type: ignore[attr-defined]
        call.args = args

    return apply
