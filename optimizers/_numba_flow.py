"""Where each local's value comes from, so that a kernel can drop placeholders numba cannot type.

numba gives every variable one type. Two everyday spellings break that although the code is fine in Python:

- ``prev = None`` as a placeholder that is always replaced before it is read (``prev, cur = cur, [...]`` at the top
  of the loop): None and a list do not unify;
- ``cur = range(n)`` later replaced by a list: a range and a list do not unify.

:func:`origins_at_uses` follows values through the function (copies ``a = b`` and parallel ``a, b = b, c``
included, loops to a fixed point, ``break``/``continue``/``return``) and tells, for each read of a local, which
assignments its value may come from. :func:`placeholder_rewrites` then drops a ``x = None`` whose value no read can
see, and turns ``x = range(...)`` into ``x = list(range(...))`` when every read that can see the range only indexes
an element, takes ``len``, iterates, tests ``in`` or takes ``min``/``max``/``sum`` (uses a list reads the same way).
Both are exact: no read observes a different value. A function with ``try`` or ``del`` is left alone.

(Dropping a placeholder that a read can see would be unsafe: numba reads an unset list as garbage, it does not
raise.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from perfkit.optimizers import _ast_tools as t

State = dict[str, frozenset[str]]  # local -> labels of the assignments its value may come from
UNBOUND = "unbound"
OTHER = "other"
_READ_FUNCS = frozenset({"len", "min", "max", "sum"})


def placeholder_rewrites(func: ast.FunctionDef) -> ast.FunctionDef:
    """A copy of ``func`` without unseen ``x = None`` placeholders and with read-only ``range`` locals as lists."""
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    flow = origins_at_uses(copy)
    if flow is None:
        return copy
    labels, uses = flow
    seen = {label for _, origin in uses.values() for label in origin}
    t.link_parents(copy)
    assigned = {n.id for n in ast.walk(copy) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for stmt, label in labels.items():
        kind, _, _ = label.partition("@")
        if kind == "none" and label not in seen:
            owner = t.containing_list(copy, stmt)
            if owner is not None:
                owner[owner.index(stmt)] = ast.Pass()
        elif kind == "range" and "range" not in assigned and _reads_only(copy, label, uses):
            assert isinstance(stmt, ast.Assign)
            stmt.value = ast.Call(ast.Name("list", ast.Load()), [stmt.value], [])
    return ast.fix_missing_locations(copy)


def _reads_only(func: ast.FunctionDef, label: str, uses: dict[int, tuple[ast.Name, frozenset[str]]]) -> bool:
    """Whether every read that may see the value labelled ``label`` uses it as a list would be used."""
    return all(_list_like_read(node) for node, origins in uses.values() if label in origins)


def _list_like_read(node: ast.Name) -> bool:
    up = t.parent(node)
    if isinstance(up, ast.Subscript) and isinstance(up.slice, ast.Slice):  # for i in r[1:]: a range or a list
        loop = t.parent(up)  # slice, iterated, gives the same numbers
        return up.value is node and isinstance(loop, ast.For | ast.comprehension) and loop.iter is up
    if isinstance(up, ast.Subscript):
        return up.value is node and isinstance(up.ctx, ast.Load) and not isinstance(up.slice, ast.Slice)
    if isinstance(up, ast.Call):
        return isinstance(up.func, ast.Name) and up.func.id in _READ_FUNCS and up.args == [node] and not up.keywords
    if isinstance(up, ast.For | ast.comprehension):
        return up.iter is node
    if isinstance(up, ast.Compare):
        return node in up.comparators and all(isinstance(op, ast.In | ast.NotIn) for op in up.ops)
    if isinstance(up, ast.Assign):  # a copy: its own reads are checked
        return up.value is node and all(isinstance(target, ast.Name) for target in up.targets)
    if isinstance(up, ast.Tuple) and isinstance(t.parent(up), ast.Assign):
        return _parallel(t.parent(up)) is not None  # type: ignore[arg-type]
    return False


def origins_at_uses(
    func: ast.FunctionDef,
) -> tuple[dict[ast.stmt, str], dict[int, tuple[ast.Name, frozenset[str]]]] | None:
    """(each labelled assignment -> its label, each read of a local -> (the node, the labels it may see)), or None
    when the function has ``try``, ``del``, ``global``/``nonlocal`` or nested scopes (not followed)."""
    if any(isinstance(n, ast.Try | ast.Delete | ast.Global | ast.Nonlocal) for n in ast.walk(func)):
        return None
    if t.has_nested_scopes(func):
        return None
    walker = _Walker()
    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    walker.block(func.body, {name: frozenset({"param"}) for name in params})
    return walker.labels, walker.uses


class _Walker:
    """Abstract interpretation of a function body over value labels."""

    def __init__(self) -> None:
        self.labels: dict[ast.stmt, str] = {}
        self.uses: dict[int, tuple[ast.Name, frozenset[str]]] = {}
        self.loops: list[tuple[list[State], list[State]]] = []  # (break states, continue states) per loop

    def block(self, stmts: list[ast.stmt], state: State | None) -> State | None:
        for stmt in stmts:
            if state is None:
                return None
            state = self.statement(stmt, state)
        return state

    def statement(self, stmt: ast.stmt, state: State) -> State | None:
        if isinstance(stmt, ast.Return | ast.Raise):
            self.reads(stmt, state)
            return None
        if isinstance(stmt, ast.Break | ast.Continue):
            self.loops[-1][0 if isinstance(stmt, ast.Break) else 1].append(state)
            return None
        if isinstance(stmt, ast.If):
            self.reads(stmt.test, state)
            return _join(self.block(stmt.body, dict(state)), self.block(stmt.orelse, dict(state)))
        if isinstance(stmt, ast.For | ast.While):
            return self.loop(stmt, state)
        if isinstance(stmt, ast.With):
            for item in stmt.items:
                self.reads(item.context_expr, state)
                if item.optional_vars is not None:
                    state = _bind(item.optional_vars, state, OTHER)
            return self.block(stmt.body, state)
        if isinstance(stmt, ast.Assign):
            self.reads(stmt, state)
            return self.assign(stmt, state)
        if isinstance(stmt, ast.AugAssign | ast.AnnAssign):
            self.reads(stmt, state)
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):  # x += 1 reads x too
                self.record(stmt.target, state)
            return _bind(stmt.target, state, OTHER) if stmt.value is not None else state
        self.reads(stmt, state)
        return _bind_walrus(stmt, state)

    def assign(self, stmt: ast.Assign, state: State) -> State:
        pairs = _parallel(stmt)
        if pairs is not None:  # a, b = b, [...]: values are taken before any target is bound
            values = [_value_labels(value, state) for _, value in pairs]
            new = _bind_walrus(stmt, state)
            for (name, _), labels in zip(pairs, values, strict=True):
                new[name.id] = labels
            return new
        label = OTHER
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = stmt.value
            if isinstance(value, ast.Constant) and value.value is None:
                label = self.labels.setdefault(stmt, f"none@{id(stmt)}")
            elif t.is_call(value, "range"):
                label = self.labels.setdefault(stmt, f"range@{id(stmt)}")
            elif isinstance(value, ast.Name):
                return {**_bind_walrus(stmt, state), stmt.targets[0].id: _value_labels(value, state)}
        state = _bind_walrus(stmt, state)
        for each in stmt.targets:
            state = _bind(each, state, label)
        return state

    def loop(self, stmt: ast.For | ast.While, state: State) -> State | None:
        head: State = dict(state)
        while True:
            self.loops.append(([], []))
            if isinstance(stmt, ast.For):
                self.reads(stmt.iter, head)
                body_in = _bind(stmt.target, head, OTHER)
            else:
                self.reads(stmt.test, head)
                body_in = dict(head)
            end = self.block(stmt.body, body_in)
            breaks, continues = self.loops.pop()
            new_head = _join(head, end, *continues)
            assert new_head is not None
            if new_head == head:
                break
            head = new_head
        after_else = self.block(stmt.orelse, dict(head))
        return _join(after_else, *breaks)

    def reads(self, node: ast.AST, state: State) -> None:
        """Record the labels each read of a local in ``node`` may see (comprehension variables excepted)."""
        for name in _loads(node):
            self.record(name, state)

    def record(self, name: ast.Name, state: State) -> None:
        seen = state.get(name.id, frozenset({UNBOUND}))
        old = self.uses.get(id(name))
        self.uses[id(name)] = (name, seen | old[1] if old else seen)


def _value_labels(value: ast.expr, state: State) -> frozenset[str]:
    """A copied name's labels; any other expression makes a new value."""
    return state.get(value.id, frozenset({UNBOUND})) if isinstance(value, ast.Name) else frozenset({OTHER})


def _parallel(stmt: ast.Assign) -> list[tuple[ast.Name, ast.expr]] | None:
    """``a, b = b, [...]`` (names on the left, a tuple of as many values on the right): the pairs, else None."""
    if len(stmt.targets) != 1:
        return None
    target, value = stmt.targets[0], stmt.value
    if not (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts)):
        return None
    if not all(isinstance(e, ast.Name) for e in target.elts) or any(isinstance(e, ast.Starred) for e in value.elts):
        return None
    return list(zip(target.elts, value.elts, strict=True))  # type: ignore[arg-type]


def _loads(node: ast.AST) -> Iterator[ast.Name]:
    """Reads of names in ``node``, not descending into statements' bodies and skipping comprehension variables."""
    if isinstance(node, ast.stmt) and not isinstance(node, ast.Expr | ast.Assign | ast.AugAssign | ast.AnnAssign):
        parts: list[ast.AST] = [
            value
            for field, value in ast.iter_fields(node)
            if field not in ("body", "orelse", "handlers", "finalbody") and isinstance(value, ast.AST)
        ]
    else:
        parts = [node]
    for part in parts:
        yield from _expr_loads(part, frozenset())


def _expr_loads(node: ast.AST, hidden: frozenset[str]) -> Iterator[ast.Name]:
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id not in hidden:
            yield node
        return
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        bound = hidden | {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        for i, generator in enumerate(node.generators):
            yield from _expr_loads(generator.iter, hidden if i == 0 else bound)
            for cond in generator.ifs:
                yield from _expr_loads(cond, bound)
        elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for element in elements:
            yield from _expr_loads(element, bound)
        return
    for child in ast.iter_child_nodes(node):
        yield from _expr_loads(child, hidden)


def _bind(target: ast.AST, state: State, label: str) -> State:
    names = [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
    return {**state, **{name: frozenset({label}) for name in names}} if names else state


def _bind_walrus(node: ast.AST, state: State) -> State:
    walrus = [n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)]
    return {**state, **{name: frozenset({OTHER}) for name in walrus}} if walrus else state


def _join(*states: State | None) -> State | None:
    live = [s for s in states if s is not None]
    if not live:
        return None
    names = set().union(*live)
    return {name: frozenset().union(*(s.get(name, frozenset({UNBOUND})) for s in live)) for name in names}
