"""Arguments the verification never varied: a candidate hands them back to the original.

Verification draws inputs wider than the observed ones, but only within the types it saw. A parameter that every
input left at ``None`` (``def permutations(iterable, r=None)`` called as ``permutations(cols)``), a ``*args``
that was always empty and a ``**kwargs`` that never held a key have no type to widen: whatever a caller may pass
there was never checked. Nor was a parameter that no input passed at all, whatever its default (``step=1``,
``reverse=False``, ``key=EMPTY``, ``default=no_default``): every check ran with the default alone. So every
candidate is guarded: when such an argument is anything else, the call goes to a copy of the original function,
nested in the candidate (a method's copy keeps ``super()`` and private names working, since it still sits in the
class body). What was verified is exactly what runs, guard included.
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from perfkit.optimizers._code import bound_calls, defines

FALLBACK = "_pk_original"


def unexplored(
    arg_types: dict[str, frozenset[str]], func_source: str, name: str, *, never_passed: frozenset[str] = frozenset()
) -> dict[str, str]:
    """The parameters no check varied, each with the test that says a call left it unexplored: ``r is None``,
    ``not args``, ``not kwargs``; and for each parameter in ``never_passed`` (see :func:`never_passed`), that its
    value is its default (:func:`is_default`)."""
    try:
        func = defines(textwrap.dedent(func_source), name)
    except Exception:
        return {}
    if func is None:
        return {}
    a = func.args
    found: dict[str, str] = {}
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        if arg.arg not in ("self", "cls") and arg_types.get(arg.arg) == frozenset({"NoneType"}):
            found[arg.arg] = f"{arg.arg} is None"
    if a.vararg and arg_types.get(a.vararg.arg, frozenset()) <= {"tuple[]"}:
        found[a.vararg.arg] = f"not {a.vararg.arg}"
    if a.kwarg and all(t.startswith("dict[?") for t in arg_types.get(a.kwarg.arg, frozenset())):
        found[a.kwarg.arg] = f"not {a.kwarg.arg}"
    positional = [*a.posonlyargs, *a.args]
    defaults = list(zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True))
    defaults += [(arg, d) for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None]
    for arg, default in defaults:
        if arg.arg in never_passed and arg.arg not in found:
            found[arg.arg] = is_default(arg.arg, default)
    return found


def never_passed(func: Callable[..., Any], inputs: Sequence[tuple[tuple[Any, ...], dict[str, Any]]]) -> frozenset[str]:
    """The parameters of ``func`` that have a default and that no input in ``inputs`` passes."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return frozenset()
    passed: set[str] = set()
    for arguments in bound_calls(signature, inputs, defaults=False):
        passed |= set(arguments)
    return frozenset(n for n, p in signature.parameters.items() if p.default is not p.empty and n not in passed)


def same_function(func: Callable[..., Any], inputs: Sequence[tuple[tuple[Any, ...], dict[str, Any]]]) -> dict[str, str]:
    """Parameters that held one and the same named function or class in every input (a key always ``len``: drawn
    inputs cannot widen a function), each with the test that a call holds it again: ``key is len``, by the name that
    binds it among ``func``'s globals or the builtins. Such a name is what a model sees in the sample inputs and
    may hard-code; a function without a global name (a lambda) is left alone."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return {}
    held: dict[str, Any] = {}
    varied: set[str] = set()
    for arguments in bound_calls(signature, inputs):
        for name, value in arguments.items():
            if name not in held:
                held[name] = value
            elif held[name] is not value:
                varied.add(name)
    plain = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    found: dict[str, str] = {}
    for name, value in held.items():
        if name in varied or name in ("self", "cls") or signature.parameters[name].kind in plain:
            continue
        if callable(value) and hasattr(value, "__name__"):
            spelled = _global_name(func, value, taken=set(signature.parameters))
            if spelled:
                found[name] = f"{name} is {spelled}"
    return found


def _global_name(func: Any, value: Any, *, taken: set[str]) -> str:
    """The name that binds ``value`` in ``func``'s globals or the builtins ("" if none, or only a parameter's)."""
    import builtins

    space = getattr(func, "__globals__", {})
    own = getattr(value, "__name__", "")
    if own not in taken and (space.get(own) is value or (own not in space and getattr(builtins, own, None) is value)):
        return own
    return next((n for n, v in space.items() if v is value and n.isidentifier() and n not in taken), "")


def is_default(name: str, default: ast.expr) -> str:
    """The test that ``name`` holds the value of its ``default`` expression: identity for None, True, False, ``...``
    and names (sentinels such as ``_marker``, ``EMPTY``), else the same type and ``==`` (``step=1``, ``(0,)``).
    A default no later value equals (a lambda) sends every call to the original."""
    shown = ast.unparse(default)
    if isinstance(default, ast.Constant) and type(default.value) in (bool, type(None), type(...)):
        return f"{name} is {shown}"
    if isinstance(default, ast.Name | ast.Attribute):
        return f"{name} is {shown}"
    return f"type({name}) is type(({shown})) and {name} == ({shown})"


def guarded(candidate: str, original: str, name: str, tests: dict[str, str]) -> str:
    """``candidate`` (a source whose last top-level ``def name`` is the replacement) with a first statement that
    calls a nested copy of ``original`` unless every test in ``tests`` holds. Unchanged without tests, or when
    either source does not parse."""
    if not tests:
        return candidate
    try:
        tree = ast.parse(textwrap.dedent(candidate))
        source = defines(textwrap.dedent(original), name)
    except SyntaxError:
        return candidate
    target = next((s for s in reversed(tree.body) if isinstance(s, ast.FunctionDef) and s.name == name), None)
    if target is None or source is None:
        return candidate
    condition = " and ".join(tests[k] for k in sorted(tests))
    branch = ast.parse(f"if not ({condition}):\n    pass\n").body[0]
    assert isinstance(branch, ast.If)
    branch.body = handoff(source, generator=is_generator(target))
    body = target.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else []
    target.body = [*docstring, branch, *body[len(docstring) :]]
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def handoff(original: ast.FunctionDef, *, generator: bool) -> list[ast.stmt]:
    """Statements that define a copy of ``original`` (named ``FALLBACK``, without decorators) and give back what
    it gives for the same arguments: ``return`` its result, or, in a generator, ``yield from`` it."""
    fallback = copy.deepcopy(original)
    fallback.name, fallback.decorator_list = FALLBACK, []
    call = f"{FALLBACK}({_passed(original.args)})"
    return [fallback, *ast.parse(f"yield from {call}\nreturn" if generator else f"return {call}").body]


def is_generator(func: ast.FunctionDef) -> bool:
    """Whether ``func`` itself yields (nested functions aside)."""
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in _own_nodes(func))


def _passed(a: ast.arguments) -> str:
    """The arguments of a call that passes every parameter of ``a`` on as it came."""
    parts = [arg.arg for arg in [*a.posonlyargs, *a.args]]
    if a.vararg:
        parts.append(f"*{a.vararg.arg}")
    parts += [f"{arg.arg}={arg.arg}" for arg in a.kwonlyargs]
    if a.kwarg:
        parts.append(f"**{a.kwarg.arg}")
    return ", ".join(parts)


def _own_nodes(func: ast.FunctionDef) -> list[ast.AST]:
    """The nodes of ``func``'s own scope (not inside nested functions, lambdas or classes)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))
    return out
