"""Performance-characterizing constraints, and their static synthesis from a function's source (the WEDGE idea).

A constraint is a condition on the input (checked at function entry) or on program state (a guarded branch
reached) that marks a slow region: "xs sorted descending", "all elements equal", "text and pattern are a
near-match", "the branch at line 12 that guards a nested loop is taken". Each one carries a Python ``expr``
(instrumented into a copy of the function as a branch check), an optional graded ``measure`` (0..1, for
hypothesis' targeting) and an optional ``repair``: a transform that makes an input satisfy it, which the
searchers use as a constraint-aware mutator.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

_ORDER_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_SEQUENCE_FUNCS = {"len", "sorted", "list", "tuple", "reversed", "enumerate", "zip", "range", "str", "set"}


@dataclass(frozen=True)
class Constraint:
    """One candidate slow-region condition.

    ``expr`` is evaluated over the parameters at entry (``line`` None) or marks reaching ``line`` (a branch
    body: ``expr`` is then the branch condition, for display and distance). ``repair`` is ``(kind, *params)``
    or ``("assign", json-free tuple of (path, value) pairs)``.
    """

    id: str
    text: str
    expr: str
    origin: str
    line: int | None = None
    measure: str | None = None
    repair: tuple[Any, ...] | None = None
    params: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "expr": self.expr, "origin": self.origin, "line": self.line}


def function_ast(func: Callable[..., Any]) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, int] | None:
    """The parsed definition of ``func`` and its first line number, or None without source."""
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return None
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            ast.increment_lineno(node, first - 1)
            return node, first
    return None


def static_constraints(func: Callable[..., Any], *, max_size: int) -> list[Constraint]:
    """Candidate constraints found in ``func``'s source: sorting-like comparisons, element equality, list
    membership in loops, loop bounds, and branch conditions that guard nested loops."""
    found = function_ast(func)
    if found is None:
        return []
    node, _ = found
    params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
    return _Synthesizer(node, params, max_size).run()


class _Synthesizer:
    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef, params: list[str], max_size: int) -> None:
        self.node = node
        self.params = params
        self.max_size = max_size
        self.origin_of = _taint(node, params, through_len=False)  # local name -> parameters its value comes from
        self.size_of = _taint(node, params, through_len=True)  # ... or whose size it comes from
        self.out: list[Constraint] = []
        self.keys: set[tuple[Any, ...]] = set()

    def add(self, key: tuple[Any, ...], **fields: Any) -> None:
        if key not in self.keys:
            self.keys.add(key)
            self.out.append(Constraint(id=f"c{len(self.out) + 1}", **fields))

    def sources(self, expr: ast.AST, *, through_len: bool = False) -> set[str]:
        """Parameters an expression's value derives from (sizes too, with ``through_len``)."""
        names: set[str] = set()
        for sub in _walk(expr, through_len=through_len):
            if isinstance(sub, ast.Name):
                names |= (self.size_of if through_len else self.origin_of).get(sub.id, set())
        return names

    def run(self) -> list[Constraint]:
        loops_over: set[str] = set()
        int_bounds: set[str] = set()
        as_sequence = _used_as_sequence(self.node)
        for sub in ast.walk(self.node):
            if isinstance(sub, ast.For | ast.comprehension):
                loops_over |= self.sources(sub.iter, through_len=True)
                if isinstance(sub.iter, ast.Call) and getattr(sub.iter.func, "id", "") == "range":
                    int_bounds |= {n.id for a in sub.iter.args for n in ast.walk(a) if isinstance(n, ast.Name)}
            elif isinstance(sub, ast.While):
                loops_over |= self.sources(sub.test, through_len=True)
                for cmp in (n for n in ast.walk(sub.test) if isinstance(n, ast.Compare)):
                    int_bounds |= {n.id for n in (cmp.left, *cmp.comparators) if isinstance(n, ast.Name)}
        int_bounds = {p for p in int_bounds & set(self.params) if p not in as_sequence}
        for sub in ast.walk(self.node):
            if isinstance(sub, ast.Compare):
                self.compare(sub, loops_over)
        self.guards()
        for p in self.params:
            if p in int_bounds:
                self.add(
                    ("int_max", p),
                    text=f"{p} at its maximum ({self.max_size})",
                    expr=f"{p} >= {self.max_size}",
                    origin="static: loop bound",
                    measure=f"min(1.0, max(0, {p}) / {self.max_size})",
                    repair=("int_max", p),
                    params=(p,),
                )
            elif p in loops_over:
                self.add(
                    ("max_len", p),
                    text=f"len({p}) at the size bound ({self.max_size})",
                    expr=f"len({p}) >= {self.max_size}",
                    origin="static: loop over the argument",
                    measure=f"min(1.0, len({p}) / {self.max_size})",
                    repair=("max_len", p),
                    params=(p,),
                )
        return self.out

    def compare(self, node: ast.Compare, loops_over: set[str]) -> None:
        sides = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, sides, sides[1:], strict=False):
            lsrc, rsrc = self.sources(left), self.sources(right)
            if isinstance(op, _ORDER_OPS) and (_is_element(left, lsrc) or _is_element(right, rsrc)):
                for p in sorted((lsrc | rsrc) & set(self.params)):
                    self.order_constraints(p, node.lineno)
            elif isinstance(op, ast.Eq | ast.NotEq) and _is_element(left, lsrc) and _is_element(right, rsrc):
                both = sorted((lsrc | rsrc) & set(self.params))
                if len(both) == 2:
                    self.near_match(both[0], both[1], node.lineno)
                elif len(both) == 1:
                    self.palindrome(both[0], node.lineno)
                    self.all_equal(both[0], node.lineno)
            elif isinstance(op, ast.In | ast.NotIn) and not _is_literal(right) and self.is_growing_list(right):
                for p in sorted(lsrc & set(self.params)):
                    origin = f"static: list membership in a loop (line {node.lineno})"
                    self.distinct(p, origin, f" (each '{ast.unparse(node)}' scans a list)")

    def is_growing_list(self, node: ast.AST) -> bool:
        """``x in name`` where ``name`` is a local list (not a set or dict): a linear scan per test."""
        if not isinstance(node, ast.Name):
            return False
        for sub in ast.walk(self.node):
            if isinstance(sub, ast.Assign) and any(getattr(t, "id", None) == node.id for t in sub.targets):
                return isinstance(sub.value, ast.List | ast.ListComp) or (
                    isinstance(sub.value, ast.Call) and getattr(sub.value.func, "id", "") == "list"
                )
            if isinstance(sub, ast.AnnAssign) and getattr(sub.target, "id", None) == node.id and sub.value:
                return isinstance(sub.value, ast.List | ast.ListComp)
        return node.id in self.params

    def order_constraints(self, p: str, line: int) -> None:
        origin = f"static: ordering comparison on elements of {p} (line {line})"
        pairs = f"range(len({p}) - 1)"
        for key, text, op in (("sort_desc", "sorted descending", ">="), ("sort_asc", "sorted ascending", "<=")):
            self.add(
                (key, p),
                text=f"{p} {text}",
                expr=f"all({p}[i] {op} {p}[i + 1] for i in {pairs})",
                origin=origin,
                measure=f"sum({p}[i] {op} {p}[i + 1] for i in {pairs}) / max(1, len({p}) - 1)",
                repair=(key, p),
                params=(p,),
            )
        self.all_equal(p, line)
        self.distinct(p, f"static: ordering comparison on elements of {p} (line {line})", "")

    def distinct(self, p: str, origin: str, why: str) -> None:
        self.add(
            ("distinct", p),
            text=f"elements of {p} all distinct{why}",
            expr=f"len(set({p})) == len({p})",
            origin=origin,
            measure=f"len(set({p})) / max(1, len({p}))",
            repair=("distinct", p),
            params=(p,),
        )

    def all_equal(self, p: str, line: int) -> None:
        self.add(
            ("all_equal", p),
            text=f"all elements of {p} equal",
            expr=f"all(x == {p}[0] for x in {p})",
            origin=f"static: comparison of elements of {p} (line {line})",
            measure=f"sum(x == {p}[0] for x in {p}) / max(1, len({p}))",
            repair=("all_equal", p),
            params=(p,),
        )

    def palindrome(self, p: str, line: int) -> None:
        self.add(
            ("palindrome", p),
            text=f"{p} is a palindrome",
            expr=f"{p} == {p}[::-1]",
            origin=f"static: equality of elements of {p} (line {line})",
            measure=f"sum(a == b for a, b in zip({p}, {p}[::-1])) / max(1, len({p}))",
            repair=("palindrome", p),
            params=(p,),
        )

    def near_match(self, a: str, b: str, line: int) -> None:
        # the longer-looking one is the text: the one looped over more often is unknown, so try both ways
        for text, pat in ((a, b), (b, a)):
            self.add(
                ("near_match", text, pat),
                text=f"{pat} is a near-match of {text} (one repeated symbol, {pat} differs at its end)",
                expr=(
                    f"len({pat}) > 1 and len({text}) >= len({pat}) and all(x == {text}[0] for x in {text}) "
                    f"and all(x == {text}[0] for x in {pat}[:-1]) and {pat}[-1] != {text}[0]"
                ),
                origin=f"static: element equality between {a} and {b} (line {line})",
                measure=(
                    f"(sum(x == {text}[0] for x in {text}) + sum(x == {text}[0] for x in {pat}[:-1]))"
                    f" / max(1, len({text}) + len({pat}) - 1)"
                ),
                repair=("near_match", text, pat),
                params=(text, pat),
            )

    def guards(self) -> None:
        """``if COND:`` whose body holds a loop: reaching the body is a slow region; solve COND when simple."""
        for sub in ast.walk(self.node):
            if not isinstance(sub, ast.If) or not any(
                isinstance(n, ast.For | ast.While | ast.comprehension) for s in sub.body for n in ast.walk(s)
            ):
                continue
            cond = ast.unparse(sub.test)
            names = {n.id for n in ast.walk(sub.test) if isinstance(n, ast.Name)}
            entry_level = names and names <= set(self.params) | _SEQUENCE_FUNCS | {"all", "any", "sum", "abs"}
            assignments = _solve(sub.test, self.params, self.max_size) if entry_level else None
            self.add(
                ("guard", sub.lineno),
                text=f"branch at line {sub.lineno} taken ({cond}), which guards a loop",
                expr=cond,
                origin=f"static: branch condition guarding a loop (line {sub.lineno})",
                line=sub.body[0].lineno,
                measure=f"__perfkit_closeness__({cond!r})" if entry_level else None,
                repair=("assign", tuple(assignments)) if assignments else None,
                params=tuple(sorted(names & set(self.params))),
            )


def _is_element(node: ast.AST, sources: set[str]) -> bool:
    """An expression that is (or derives from) an element of an argument: a subscript, or a derived name."""
    return bool(sources) and not isinstance(node, ast.Constant) and not _is_len_call(node)


def _used_as_sequence(node: ast.AST) -> set[str]:
    """Names that are subscripted or passed to len(): sequences, not loop-bound integers."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name):
            names.add(sub.value.id)
        elif isinstance(sub, ast.Call) and getattr(sub.func, "id", "") == "len":
            names |= {a.id for a in sub.args if isinstance(a, ast.Name)}
    return names


def _is_len_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"len", "range"}


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Set | ast.Dict | ast.SetComp | ast.DictComp | ast.Constant)


def _walk(node: ast.AST, *, through_len: bool) -> Iterable[ast.AST]:
    """ast.walk, skipping what is inside ``len(...)`` and ``range(...)`` unless ``through_len``."""
    yield node
    if not through_len and _is_len_call(node):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk(child, through_len=through_len)


def _taint(node: ast.AST, params: Iterable[str], *, through_len: bool) -> dict[str, set[str]]:
    """Map each local name to the parameters its value derives from (assignments, loop targets; fixpoint);
    without ``through_len``, a length or a range of one is not a value derived from the sequence."""
    origin: dict[str, set[str]] = {p: {p} for p in params}
    changed = True
    while changed:
        changed = False
        for sub in ast.walk(node):
            pairs: list[tuple[ast.AST, ast.AST]] = []
            if isinstance(sub, ast.Assign):
                pairs = [(t, sub.value) for t in sub.targets]
            elif isinstance(sub, ast.AnnAssign | ast.AugAssign) and sub.value is not None:
                pairs = [(sub.target, sub.value)]
            elif isinstance(sub, ast.For | ast.comprehension):
                pairs = [(sub.target, sub.iter)]
            for target, value in pairs:
                src = {
                    p
                    for n in _walk(value, through_len=through_len)
                    if isinstance(n, ast.Name)
                    for p in origin.get(n.id, ())
                }
                for t in ast.walk(target):
                    if isinstance(t, ast.Name) and not src <= origin.get(t.id, set()):
                        origin[t.id] = origin.get(t.id, set()) | src
                        changed = True
    return origin


def _path(node: ast.AST, params: list[str]) -> tuple[Any, ...] | None:
    """``p`` -> ("p",), ``p[3]`` -> ("p", 3), ``len(p)`` -> ("p", "len"); else None."""
    if isinstance(node, ast.Name) and node.id in params:
        return (node.id,)
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id in params
        and isinstance(node.slice, ast.Constant | ast.UnaryOp)
    ):
        try:
            index = ast.literal_eval(node.slice)
        except ValueError:
            return None
        return (node.value.id, index) if isinstance(index, int) else None
    if _is_len_call(node) and getattr(node.func, "id", "") == "len":  # type: ignore[attr-defined]
        arg = node.args[0] if node.args else None  # type: ignore[attr-defined]
        if isinstance(arg, ast.Name) and arg.id in params:
            return (arg.id, "len")
    return None


def _solve(test: ast.AST, params: list[str], max_size: int) -> list[tuple[tuple[Any, ...], Any]] | None:
    """Assignments that make a conjunction of ``path OP constant`` comparisons true (None if not that shape)."""
    conjuncts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    out: list[tuple[tuple[Any, ...], Any]] = []
    for c in conjuncts:
        if not (isinstance(c, ast.Compare) and len(c.ops) == 1):
            continue
        left, op, right = c.left, c.ops[0], c.comparators[0]
        path, const = _path(left, params), right
        if path is None:
            path, const = _path(right, params), left
            op = {ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(), ast.GtE: ast.LtE()}.get(type(op), op)
        if path is None:
            continue
        try:
            value = ast.literal_eval(const)
        except ValueError:
            continue
        if not isinstance(value, int | float | str | bytes) or isinstance(value, bool):
            continue
        if isinstance(op, ast.Eq):
            out.append((path, value))
        elif isinstance(value, int | float) and isinstance(op, ast.Gt | ast.GtE):
            target = value + 1 if isinstance(op, ast.Gt) else value
            out.append((path, max(target, max_size) if path[-1] == "len" else target))
        elif isinstance(value, int | float) and isinstance(op, ast.Lt | ast.LtE):
            out.append((path, value - 1 if isinstance(op, ast.Lt) else value))
    # lengths first, so that element assignments land inside the resized sequence
    out.sort(key=lambda a: a[0][-1] != "len")
    return out or None
