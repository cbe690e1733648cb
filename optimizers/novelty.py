"""Novelty rejection: a candidate whose normalised syntax tree was seen before is never verified again.

Two sources are the same program here when they differ only in what cannot change behaviour: comments,
docstrings, formatting, quoting and spelling of constants (``0x10`` and ``16``, ``'a'`` and ``"a"``), type
annotations, and the names of local variables and of helper definitions (renamed canonically, in order of first
appearance). Parameter names and the function's own name are kept (they are part of its interface). A function
that reads its locals by name (``locals``, ``vars``, ``eval``, ``exec``) keeps its names.

This is the exact-duplicate half of ShinkaEvolve's novelty rejection sampling (which also rejects near
duplicates by embedding similarity); it needs no model and never rejects two programs that could behave
differently.
"""

from __future__ import annotations

import ast
import hashlib

_INTROSPECTIVE = frozenset({"locals", "vars", "eval", "exec", "globals"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def program_key(source: str, *, name: str | None = None) -> str:
    """A hash of ``source``'s normalised syntax tree (of its stripped text when it does not parse).

    ``name``: the function being optimised; its name is kept while helpers defined beside it are renamed.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "text:" + hashlib.sha256(source.strip().encode()).hexdigest()
    tree = _Normaliser(keep=name).visit(tree)
    dumped = ast.dump(tree, annotate_fields=False, include_attributes=False)
    return hashlib.sha256(dumped.encode()).hexdigest()


def exact_key(source: str, *, name: str | None = None) -> str:
    """The key without normalisation: the plain syntax tree (what the loop used before; for comparisons)."""
    try:
        return hashlib.sha256(ast.dump(ast.parse(source)).encode()).hexdigest()
    except SyntaxError:
        return "text:" + hashlib.sha256(source.encode()).hexdigest()


class Seen:
    """The programs met so far for one function; ``admit`` says whether a source is new (and remembers it).

    ``normalise=False`` compares plain syntax trees only (no renaming, docstrings kept)."""

    def __init__(self, *, name: str | None = None, normalise: bool = True) -> None:
        self.name = name
        self.normalise = normalise
        self.keys: dict[str, int] = {}  # key -> how many times it was offered
        self.duplicates = 0

    def key(self, source: str) -> str:
        return (program_key if self.normalise else exact_key)(source, name=self.name)

    def admit(self, source: str) -> bool:
        """True the first time a program is offered; False (and counted) for every duplicate after."""
        key = self.key(source)
        self.keys[key] = self.keys.get(key, 0) + 1
        if self.keys[key] > 1:
            self.duplicates += 1
            return False
        return True


class _Normaliser(ast.NodeTransformer):
    """Strips docstrings and annotations; renames helpers at module level and locals inside each function."""

    def __init__(self, *, keep: str | None) -> None:
        self.keep = keep
        self.depth = 0

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = _without_docstring(node.body)
        top: dict[str, str] = {}
        for stmt in node.body:
            for defined in _defined_at_top(stmt):
                if defined != self.keep and defined not in top:
                    top[defined] = f"%h{len(top)}"
        self.generic_visit(node)
        return _Rename(top).visit(node) if top else node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        node.body = _without_docstring(node.body) or [ast.Pass()]
        node.returns = None
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs, node.args.vararg, node.args.kwarg):
            if arg is not None:
                arg.annotation = None
        names = _local_names(node, depth=self.depth)
        if names:
            _Rename(names).visit(node)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is None:
            return ast.Pass()
        return ast.Assign(targets=[node.target], value=self.visit(node.value))

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = _without_docstring(node.body) or [ast.Pass()]
        self.generic_visit(node)
        return node


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:]
    return body


def _defined_at_top(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (*_FUNCTIONS, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


_SCOPES = (*_FUNCTIONS, ast.Lambda, ast.ClassDef)
_NAMED = (ast.ExceptHandler, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _local_names(func: ast.FunctionDef | ast.AsyncFunctionDef, *, depth: int) -> dict[str, str]:
    """The function's own locals -> canonical names in order of first appearance.

    Renamed: names bound in the function's own scope (not parameters, not global/nonlocal), and comprehension
    variables never used outside the comprehensions that bind them. Names bound only in a nested function are
    left to that function. Empty when the function looks its locals up by name (``locals()``, ``eval``)."""
    params = {a.arg for a in _own_args(func)}
    declared: set[str] = set()
    own: set[str] = set()
    for node in _own_scope(func):
        if isinstance(node, ast.Global | ast.Nonlocal):
            declared.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            own.add(node.id)
        elif isinstance(node, _NAMED) and node.name and node is not func:
            own.add(node.name)
    names = [n for n in ast.walk(func) if isinstance(n, ast.Name)]
    if any(n.id in _INTROSPECTIVE for n in names):
        return {}
    bound_inside: dict[str, set[int]] = {}  # comprehension variable -> the Name nodes within its comprehensions
    for comp in ast.walk(func):
        if isinstance(comp, _COMPREHENSIONS):
            inside = {id(n) for n in ast.walk(comp) if isinstance(n, ast.Name)}
            for gen in comp.generators:
                for target in ast.walk(gen.target):
                    if isinstance(target, ast.Name):
                        bound_inside.setdefault(target.id, set()).update(inside)
    comp_only = {v for v, inside in bound_inside.items() if all(id(n) in inside for n in names if n.id == v)}
    wanted = (own | comp_only) - params - declared
    order: dict[str, str] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id in wanted and node.id not in order:
            order[node.id] = f"%v{depth}_{len(order)}"
    for name in sorted(wanted - order.keys()):
        order[name] = f"%v{depth}_{len(order)}"
    return order


def _own_scope(func: ast.AST) -> list[ast.AST]:
    """The nodes of ``func``'s own scope: nested functions, lambdas, classes and comprehensions are not entered
    (a nested definition's name is included)."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, _SCOPES):
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                stack.extend(node.decorator_list)
            continue
        if isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)  # evaluated in the enclosing scope
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def _own_args(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = func.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x is not None)]


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self.names.get(node.arg, node.arg)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.name:
            node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> ast.AST:
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _definition
