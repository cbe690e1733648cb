"""Small AST helpers for the rewrite rules: parents, name uses, statement lists, type facts."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

HASHABLE_SCALARS = frozenset({"int", "str", "float", "bool", "bytes", "NoneType"})
_BODIES = ("body", "orelse", "finalbody")


def parse_function(source: str, name: str) -> tuple[ast.Module, ast.FunctionDef] | None:
    """The module tree of ``source`` and its top-level ``def name``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return tree, node
    return None


def link_parents(root: ast.AST) -> None:
    """Set ``node._pk_parent`` on every node under ``root``."""
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            child._pk_parent = node  # type: ignore[attr-defined]


def parent(node: ast.AST) -> ast.AST | None:
    return getattr(node, "_pk_parent", None)


def ancestors(node: ast.AST) -> Iterator[ast.AST]:
    current = parent(node)
    while current is not None:
        yield current
        current = parent(current)


def inside_loop(node: ast.AST, stop: ast.AST) -> bool:
    """Whether ``node`` sits in a for/while loop (or comprehension) below ``stop``."""
    for up in ancestors(node):
        if up is stop:
            return False
        if isinstance(up, ast.For | ast.While | ast.comprehension | ast.ListComp | ast.GeneratorExp):
            return True
    return False


def name_nodes(root: ast.AST, name: str) -> list[ast.Name]:
    """Every ``Name`` node for ``name`` under ``root``."""
    return [n for n in ast.walk(root) if isinstance(n, ast.Name) and n.id == name]


def has_nested_scopes(func: ast.FunctionDef) -> bool:
    """Nested functions, lambdas or classes, which could capture names (rules then stay away)."""
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
        for n in ast.walk(func)
        if n is not func
    ) or any(isinstance(n, ast.Global | ast.Nonlocal) for n in ast.walk(func))


def closed_lambdas_only(func: ast.FunctionDef) -> bool:
    """Whether the only nested scopes are lambdas that neither read nor reuse a name of ``func``'s own (its
    parameters and locals): ``key=lambda p: p[1]``. Such a lambda sees nothing a rule could change, and a rule
    that follows a local by name never meets a lambda's parameter of the same name."""
    nested = [n for n in ast.walk(func) if n is not func and isinstance(n, _SCOPES)]
    lambdas = [n for n in nested if isinstance(n, ast.Lambda)]
    if not lambdas or len(lambdas) != len(nested):
        return False
    if any(isinstance(n, ast.Global | ast.Nonlocal) for n in ast.walk(func)):
        return False
    inside = {id(n) for lam in lambdas for n in ast.walk(lam)}
    stores = [n for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]
    own = set(params(func)) | {n.id for n in stores if id(n) not in inside}
    for lam in lambdas:
        names = {a.arg for a in ast.walk(lam.args) if isinstance(a, ast.arg)}
        names |= {n.id for n in ast.walk(lam) if isinstance(n, ast.Name)}
        if names & own:
            return False
    return True


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def params(func: ast.FunctionDef) -> list[str]:
    a = func.args
    names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    names += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
    return names


def stored(func: ast.FunctionDef, name: str) -> list[ast.Name]:
    """The places ``name`` is assigned (Store/Del context)."""
    return [n for n in name_nodes(func, name) if not isinstance(n.ctx, ast.Load)]


def statement_lists(root: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every list of statements (bodies, else branches, handlers) under ``root``."""
    for node in ast.walk(root):
        for field in _BODIES:
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield value
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                yield handler.body


def containing_list(root: ast.AST, stmt: ast.stmt) -> list[ast.stmt] | None:
    for body in statement_lists(root):
        if any(s is stmt for s in body):
            return body
    return None


def insert_at_start(func: ast.FunctionDef, statements: list[ast.stmt]) -> None:
    """Insert statements at the start of the body, after a docstring."""
    first = func.body[0]
    at = 1 if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else 0
    func.body[at:at] = statements


def stmts(code: str) -> list[ast.stmt]:
    return ast.parse(code).body


def expr(code: str) -> ast.expr:
    node = ast.parse(code, mode="eval").body
    return node


def is_call(node: ast.AST, func_name: str, nargs: int | None = None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == func_name
        and not node.keywords
        and (nargs is None or len(node.args) == nargs)
    )


def is_method_call(node: ast.AST, obj: str, method: str, nargs: int | None = None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == obj
        and node.func.attr == method
        and not node.keywords
        and (nargs is None or len(node.args) == nargs)
        and not any(isinstance(a, ast.Starred) for a in node.args)
    )


def loop_over(func: ast.FunctionDef, node: ast.AST, name: str) -> ast.For | None:
    """The enclosing ``for name in ...`` loop that binds ``name`` (None when ``name`` is bound otherwise)."""
    for up in ancestors(node):
        if up is func:
            return None
        if isinstance(up, ast.For) and isinstance(up.target, ast.Name) and up.target.id == name:
            return up
    return None


def elements_hashable(types: frozenset[str] | set[str]) -> bool:
    """Every seen description is a list/tuple/set of hashable scalars (or a str)."""
    if not types:
        return False
    for description in types:
        if description == "str":
            continue
        for prefix in ("list[", "tuple[", "set[", "frozenset["):
            if description.startswith(prefix):
                # "tuple[int, str]" lists its positions with commas, "list[int | str]" its kinds with bars
                inner = {p.strip() for p in re.split(r"[|,]", description[len(prefix) : -1])} - {""}
                if not inner <= HASHABLE_SCALARS:
                    return False
                break
        else:
            return False
    return True
