"""Arguments the verification never varied: a candidate hands them back to the original.

Verification draws inputs wider than the observed ones, but only within the types it saw. A parameter that every
input left at ``None`` (``def permutations(iterable, r=None)`` called as ``permutations(cols)``), a ``*args``
that was always empty and a ``**kwargs`` that never held a key have no type to widen: whatever a caller may pass
there was never checked. Nor was a parameter that no input passed at all, whatever its default (``step=1``,
``reverse=False``, ``key=EMPTY``, ``default=no_default``): every check ran with the default alone. So every
candidate is guarded: when such an argument is anything else, the call goes to a copy of the original function,
nested in the candidate (a method's copy keeps ``super()`` and private names working, since it still sits in the
class body). What was verified is exactly what runs, guard included.

Types verification never exercised go the same way (:func:`seen_types`). Drawn inputs keep each value's type (a
list of ints stays a list of ints), so a rewrite correct for ints alone (``dict.fromkeys`` for a loop that also
takes unhashable items, ``x & 1`` for ``x % 2``) was never tried with anything else. Each parameter's test holds
only for the exact types seen there in some verification input: the argument's own type (for an int, also the
range drawn), its items' types, and their items' types (a tuple's position by position). Item checks run at C
speed (``set(map(type, xs)) <= {int}``) and iterate only builtin containers and ``collections``' dicts and deques,
which has no side effects.
"""

from __future__ import annotations

import ast
import collections
import copy
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from perfkit.optimizers._code import bound_calls, defines

FALLBACK = "_pk_original"
RECORD = 8  # tuples up to this length, all of one length at a place, are checked position by position
_HELPERS = {  # names a test may use, and the statement that binds them before the guard
    "_pk_chain": "from itertools import chain as _pk_chain",
    "_pk_item": "from operator import itemgetter as _pk_item",
    "_pk_builtins": "import builtins as _pk_builtins",
}
_SEQUENCES = (list, tuple, set, frozenset, collections.deque)
_MAPPINGS = (dict, collections.defaultdict, collections.OrderedDict, collections.Counter)


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


def seen_types(func: Callable[..., Any], inputs: Sequence[tuple[tuple[Any, ...], dict[str, Any]]]) -> dict[str, str]:
    """For each parameter of ``func``, the test that an argument has only the types it had in some input of
    ``inputs`` (the verification inputs): its exact type (an int also within the range seen), its items' exact
    types, and theirs, ``DEPTH`` levels down (a dict's keys and values apart, a record tuple's positions apart).
    Types are spelled by the names that bind them among ``func``'s globals or the builtins, else compared by
    module and qualified name."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return {}
    values: dict[str, list[Any]] = {}
    for arguments in bound_calls(signature, inputs):
        for name, value in arguments.items():
            values.setdefault(name, []).append(value)
    spell = _Spelling(func, taken=set(signature.parameters))
    tests = {name: _value_test(f"_pk_arg_{name}", seen, spell, depth=0) for name, seen in values.items()}
    return {name: _named(test, parameters=set(signature.parameters)) for name, test in tests.items()}


def _named(test: str, *, parameters: set[str]) -> str:
    """``test`` with each ``_pk_arg_NAME`` written as the parameter ``NAME``, and a builtin the function has a
    parameter for (``def f(items, type=None)``) written as ``_pk_builtins.type``."""

    class Name(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id.startswith("_pk_arg_"):
                return ast.Name(id=node.id.removeprefix("_pk_arg_"), ctx=node.ctx)
            if node.id in parameters:
                return ast.Attribute(value=ast.Name(id="_pk_builtins", ctx=ast.Load()), attr=node.id, ctx=node.ctx)
            return node

    return ast.unparse(Name().visit(ast.parse(test, mode="eval")))


DEPTH = 3  # levels of items below an argument whose types are checked


class _Spelling:
    """How a guard names a type: ``int``, ``Node`` (a name that binds it in the function's globals or the
    builtins), ``type(None)``; None when no name does."""

    def __init__(self, func: Callable[..., Any], *, taken: set[str]) -> None:
        self.func, self.taken = func, taken
        self.cache: dict[type, str | None] = {}

    def __call__(self, kind: type) -> str | None:
        if kind not in self.cache:
            name = "type(None)" if kind is type(None) else _global_name(self.func, kind, taken=self.taken)
            self.cache[kind] = name or None
        return self.cache[kind]


def _value_test(expr: str, seen: list[Any], spell: _Spelling, *, depth: int) -> str:
    """The test that the one value ``expr`` has a type (and contents) it had in ``seen``."""
    by_kind: dict[type, list[Any]] = {}
    for value in seen:
        by_kind.setdefault(type(value), []).append(value)
    plain: set[type] = set()
    alternatives: list[str] = []
    for kind, values in by_kind.items():
        extra = _contents_test(expr, kind, values, spell, depth=depth)
        if kind is int and depth == 0:  # a top-level int was drawn within a range (often a size or a bound)
            extra.insert(0, f"{_bound(min(values), up=False)} <= {expr} <= {_bound(max(values), up=True)}")
        if extra:
            alternatives.append(" and ".join([_member(f"type({expr})", {kind}, spell), *extra]))
        else:
            plain.add(kind)
    if plain:
        alternatives.insert(0, _member(f"type({expr})", plain, spell))
    if len(alternatives) == 1:
        return alternatives[0]
    return " or ".join(f"({a})" if " and " in a else a for a in alternatives)


def _bound(value: int, *, up: bool) -> str:
    """``value`` as a literal; past 64 bits, the power of two beyond it (``up``: at or above it), so that a
    guard never spells thousands of digits."""
    if abs(value) < 2**64:
        return repr(value)
    bits = abs(value).bit_length()
    beyond = (value > 0) == up  # away from zero
    power = f"(1 << {bits if beyond else bits - 1})"
    return power if value > 0 else f"-{power}"


def _contents_test(expr: str, kind: type, values: list[Any], spell: _Spelling, *, depth: int) -> list[str]:
    """Tests on what the containers ``values`` (all of type ``kind``, at ``expr``) held."""
    if depth >= DEPTH:
        return []
    if kind in _MAPPINGS:
        keys = _items_test(expr, [k for v in values for k in v], spell, depth=depth + 1)
        return keys + _items_test(f"{expr}.values()", [x for v in values for x in v.values()], spell, depth=depth + 1)
    if kind not in _SEQUENCES:
        return []
    lengths = {len(v) for v in values}
    if kind is tuple and len(lengths) == 1 and 0 < (length := lengths.pop()) <= RECORD:  # a record
        positions = [_value_test(f"{expr}[{i}]", [v[i] for v in values], spell, depth=depth + 1) for i in range(length)]
        return [f"len({expr}) == {length}", *(f"({p})" if " or " in p else p for p in positions)]
    return _items_test(expr, [x for v in values for x in v], spell, depth=depth + 1)


def _items_test(expr: str, items: list[Any], spell: _Spelling, *, depth: int) -> list[str]:
    """Tests that every item of the iterable ``expr`` (written anew at each use) has a type some of ``items``
    had, and contents like theirs."""
    kinds: dict[type, list[Any]] = {}
    for item in items:
        kinds.setdefault(type(item), []).append(item)
    out = [_subset(f"set(map(type, {expr}))", set(kinds), spell)]
    if depth >= DEPTH:
        return out
    for kind, members in kinds.items():
        named = spell(kind)
        if named is None or (kind not in _MAPPINGS and kind not in _SEQUENCES):
            continue  # unnamed containers: their own type is checked, not what they hold
        only = expr if len(kinds) == 1 else f"[_pk_i for _pk_i in {expr} if type(_pk_i) is {named}]"
        lengths = {len(m) for m in members}
        if kind is tuple and len(lengths) == 1 and 0 < (length := lengths.pop()) <= RECORD:
            out.append(f"set(map(len, {only})) <= {{{length}}}")
            for i in range(length):
                at = [m[i] for m in members]
                out += _items_test(f"map(_pk_item({i}), {only})", at, spell, depth=depth + 1)
        elif kind in _MAPPINGS:
            keys, vals = [k for m in members for k in m], [v for m in members for v in m.values()]
            out += _items_test(f"_pk_chain.from_iterable({only})", keys, spell, depth=depth + 1)
            out += _items_test(f"_pk_chain.from_iterable(map(dict.values, {only}))", vals, spell, depth=depth + 1)
        else:
            inner = [x for m in members for x in m]
            out += _items_test(f"_pk_chain.from_iterable({only})", inner, spell, depth=depth + 1)
    return out


def _subset(types: str, seen: set[type], spell: _Spelling) -> str:
    """The test that the set of types ``types`` holds only types in ``seen``."""
    if not seen:
        return f"not {types}"
    names = [spell(kind) for kind in seen]
    if all(names):
        return f"{types} <= {{{', '.join(sorted(n for n in names if n))}}}"
    qualified = ", ".join(sorted(repr((k.__module__, k.__qualname__)) for k in seen))
    return f"{{(_pk_t.__module__, _pk_t.__qualname__) for _pk_t in {types}}} <= {{{qualified}}}"


def _member(kind: str, seen: set[type], spell: _Spelling) -> str:
    """The test that the type ``kind`` is one of ``seen``."""
    names = [spell(k) for k in seen]
    if all(names):
        shown = sorted(n for n in names if n)
        return f"{kind} is {shown[0]}" if len(shown) == 1 else f"{kind} in {{{', '.join(shown)}}}"
    qualified = ", ".join(sorted(repr((k.__module__, k.__qualname__)) for k in seen))
    return f"({kind}.__module__, {kind}.__qualname__) in {{{qualified}}}"


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
    order = sorted(tests, key=lambda k: ("map(" in tests[k], k))  # the checks that iterate come last
    condition = ast.parse(" and ".join(f"({tests[k]})" for k in order), mode="eval").body
    condition = _resolved(condition, clashing=_bound_names(target) - _parameters(source))
    used = {n.id for n in ast.walk(condition) if isinstance(n, ast.Name)}
    block = [ast.parse(_HELPERS[n]).body[0] for n in sorted(used & set(_HELPERS))]
    branch = ast.If(test=ast.UnaryOp(op=ast.Not(), operand=condition), body=[ast.Pass()], orelse=[])
    block.append(branch)
    body = target.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else []
    rest = _unguarded(body[len(docstring) :])  # a guard the candidate kept from its parent is written anew
    branch.body = handoff(source, generator=is_generator(target))
    target.body = [*docstring, *block, *rest]
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _unguarded(body: list[ast.stmt]) -> list[ast.stmt]:
    """``body`` without a leading guard (and the helper imports before it), as :func:`guarded` writes one."""
    start = 0
    while start < len(body) and _helper_import(body[start]):
        start += 1
    return body[start + 1 :] if start < len(body) and _is_guard(body[start]) else body


def _parameters(func: ast.FunctionDef) -> set[str]:
    a = func.args
    names = [arg.arg for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
    return {*names, *(x.arg for x in (a.vararg, a.kwarg) if x is not None)}


def _bound_names(func: ast.FunctionDef) -> set[str]:
    """Names ``func`` binds in its own scope (or in a comprehension: more than it binds is harmless here)."""
    found = _parameters(func)
    for node in _own_nodes(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            found.add(node.name)
    return found


def _resolved(condition: ast.expr, *, clashing: set[str]) -> ast.expr:
    """``condition`` with each global or builtin name that the candidate also binds locally (``type = row[0]``,
    ``len = len``) looked up as Python would outside it: in the module's globals, then among the builtins."""

    class Resolve(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id not in clashing or node.id.startswith("_pk_"):
                return node
            text = f"_pk_builtins.globals().get({node.id!r}, _pk_builtins.getattr(_pk_builtins, {node.id!r}, None))"
            return ast.parse(text, mode="eval").body

    return Resolve().visit(condition)


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


def relaxed(source: str, name: str) -> str:
    """``source`` with the item checks of its guard (the tests that iterate an argument) left out: the candidate
    then answers for items of any type. For a candidate that behaved like the original on items of other types
    too (:func:`perfkit.shapes.foreign_variants`), so the checks cost time for nothing. Unchanged when there are
    none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    target = next((s for s in reversed(tree.body) if isinstance(s, ast.FunctionDef) and s.name == name), None)
    branch = next((s for s in target.body[:6] if _is_guard(s)), None) if target is not None else None
    if target is None or not isinstance(branch, ast.If) or not isinstance(branch.test, ast.UnaryOp):
        return source
    kept = _without_item_checks(branch.test.operand)
    if kept is None or ast.unparse(kept) == ast.unparse(branch.test.operand):
        return source
    branch.test.operand = kept
    used = {n.id for n in ast.walk(kept) if isinstance(n, ast.Name)}
    target.body = [s for s in target.body if not _helper_import(s) or _helper_import(s) in used]
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _is_guard(stmt: ast.stmt) -> bool:
    """Whether ``stmt`` is a guard ``guarded`` wrote: ``if not (...)`` whose body defines ``FALLBACK`` first."""
    return (
        isinstance(stmt, ast.If)
        and bool(stmt.body)
        and isinstance(stmt.body[0], ast.FunctionDef)
        and stmt.body[0].name == FALLBACK
    )


def _helper_import(stmt: ast.stmt) -> str:
    """The helper name a statement binds when it is one of ``_HELPERS``' imports, else ""."""
    if isinstance(stmt, ast.Import | ast.ImportFrom) and len(stmt.names) == 1:
        name = stmt.names[0].asname or ""
        return name if name in _HELPERS and ast.unparse(stmt) == _HELPERS[name] else ""
    return ""


def _without_item_checks(test: ast.expr) -> ast.expr | None:
    """``test`` without the conjuncts that iterate (call ``map``); None when nothing is left of it."""
    if isinstance(test, ast.BoolOp):
        parts = [_without_item_checks(v) for v in test.values]
        if isinstance(test.op, ast.Or):
            return test if any(p is None for p in parts) else ast.BoolOp(op=ast.Or(), values=[p for p in parts if p])
        kept = [p for p in parts if p is not None]
        return None if not kept else kept[0] if len(kept) == 1 else ast.BoolOp(op=ast.And(), values=kept)
    return None if _iterates(test) else test


def _iterates(node: ast.expr) -> bool:
    """Whether ``node`` calls ``map`` (as the guard's item checks do, by name or looked up past a local)."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and any(
            (isinstance(f, ast.Name) and f.id == "map") or (isinstance(f, ast.Constant) and f.value == "map")
            for f in ast.walk(n.func)
        ):
            return True
    return False


def unguarded(source: str, name: str | None = None) -> str:
    """``source`` as its proposer wrote it: without the guard :func:`guarded` put first in its ``def name`` (by
    default its last top-level ``def``); unchanged when it has none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    defs = [s for s in tree.body if isinstance(s, ast.FunctionDef) and name in (None, s.name)]
    target = defs[-1] if defs else None
    if target is None:
        return source
    body = target.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else []
    rest = _unguarded(body[len(docstring) :])
    if len(rest) == len(body) - len(docstring):
        return source
    target.body = [*docstring, *rest]
    return ast.unparse(tree) + "\n"
