"""``bytes`` arguments in a numba kernel: an array of their byte values (crcmod's ``for x in mv.tobytes()``).

Python's ``bytes`` reads like a tuple of ints 0..255: indexing and iterating give ints, ``len`` is its length. The
boundary hands the kernel its bytes as an int64 array (empty bytes too) for a value of type ``bytes`` exactly; a
``bytearray``, a ``memoryview`` or a ``str`` goes to the original. int64, not uint8: numba computes ``-b`` or
``b - 200`` on an unsigned byte in unsigned arithmetic, where Python's int goes negative. The scan then treats the
argument as an array of rank 1 that is never stored into (Python raises there: refused).

Code that handles bytes also checks and wraps them. :func:`fold_bytes` rewrites the kernel and the module helpers
it calls with bytes, following each name that only ever holds the argument (``mv = memoryview(data)``):

- ``isinstance(b, bytes)`` is True; ``isinstance(b, str | bytearray | memoryview | int | float | list | tuple)``
  False (the boundary took ``bytes`` only);
- ``memoryview(b)``, ``bytes(b)`` and ``b.tobytes()`` are ``b`` (bytes never change: a copy reads the same);
  ``b.ndim`` is 1;
- a helper whose every ``return`` gives back its bytes parameter (a check that raises or returns its argument,
  such as ``mv = _get_buffer_view(data)``) is called for its checks, and the name is bound to the argument itself:
  ``_get_buffer_view(data); mv = data``.

Each helper gets one set of bytes parameters; a helper the kernel calls with bytes at one place and not at another
is refused.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_scan import ModuleFacts, Refused

PRELUDE = '''

def _pkb_bytes(value):
    """A ``bytes`` object as an int64 array of its bytes, or None for any other type."""
    return _pk_np.frombuffer(value, dtype=_pk_np.uint8).astype(_pk_np.int64) if type(value) is bytes else None
'''
_OTHER_TYPES = frozenset({"str", "bytearray", "memoryview", "int", "float", "list", "tuple", "bool", "dict"})
_SAME = frozenset({"memoryview", "bytes"})


def fold_bytes(func: ast.FunctionDef, params: set[str], module: ModuleFacts) -> tuple[ast.FunctionDef, ModuleFacts]:
    """``func`` (``params`` are bytes) and ``module`` with the helpers it reaches with bytes, rewritten."""
    if not params:
        return func, module
    state = _State(dict(module.functions))
    folded = _fold(func, set(params), state, chain=(func.name,))
    for name, param in state.passes.items():  # its callers bind the argument themselves
        helper = state.functions[name]
        for node in ast.walk(helper):
            if isinstance(node, ast.Return):
                node.value = None
        state.functions[name] = ast.fix_missing_locations(helper)
        del param
    return folded, replace(module, functions=state.functions)


class _State:
    """The module's functions (folded ones replaced), each helper's bytes parameters, and the helpers that give
    back one of them (name -> parameter)."""

    def __init__(self, functions: dict[str, ast.FunctionDef]) -> None:
        self.functions = functions
        self.carried: dict[str, frozenset[str]] = {}
        self.passes: dict[str, str] = {}

    def helper(self, call: ast.expr, local: set[str]) -> str | None:
        """The module helper ``call`` calls, if it is one."""
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            name = call.func.id
            if name in self.functions and name not in local:
                return name
        return None


def _fold(func: ast.FunctionDef, params: set[str], state: _State, *, chain: tuple[str, ...]) -> ast.FunctionDef:
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    local = {n.id for n in ast.walk(copy) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    local |= set(t.params(copy))
    aliases = _aliases(copy, params, state, local)
    for _ in range(3):  # helpers reached with bytes are folded first: what they return decides the aliases here
        for call in [n for n in ast.walk(copy) if isinstance(n, ast.Call)]:
            name = state.helper(call, local)
            if name is None or name in chain:
                continue
            assert isinstance(call, ast.Call)
            helper = state.functions[name]
            names = [p.arg for p in helper.args.args]
            bound = dict(zip(names, call.args, strict=False)) | {k.arg: k.value for k in call.keywords if k.arg}
            carried = frozenset(p for p, arg in bound.items() if _is_alias(arg, aliases, state, local))
            if name in state.carried:
                if state.carried[name] != carried:
                    raise Refused(f"helper {name} is called with bytes at one place and other values at another")
                continue
            state.carried[name] = carried
            if carried:
                folded = _fold(helper, set(carried), state, chain=(*chain, name))
                state.functions[name] = folded
                returned = _returned_param(folded, carried)
                if returned is not None:
                    state.passes[name] = returned
        aliases = _aliases(copy, params, state, local)
    return ast.fix_missing_locations(_Rewrite(aliases, state, local).visit(copy))


def _aliases(func: ast.FunctionDef, params: set[str], state: _State | None, local: set[str]) -> set[str]:
    """Names whose every binding is the bytes argument itself (a parameter never rebound, or a copy of one)."""
    bindings: dict[str, list[ast.expr | None]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bindings.setdefault(node.targets[0].id, []).append(node.value)
            continue
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr | ast.For | ast.comprehension):
            targets = [node.target]
        for target in targets:
            for n in ast.walk(target):
                if isinstance(n, ast.Name):
                    bindings.setdefault(n.id, []).append(None)
    found = {p for p in params if p not in bindings}
    changed = True
    while changed:
        changed = False
        for name, values in bindings.items():
            if name not in found and all(v is not None and _is_alias(v, found, state, local) for v in values):
                found.add(name)
                changed = True
    return found


def _is_alias(node: ast.expr, aliases: set[str], state: _State | None, local: set[str]) -> bool:
    """Whether ``node`` evaluates to the bytes object itself (or a copy that reads the same)."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    if isinstance(node, ast.Call) and not node.keywords:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _SAME and func.id not in local and len(node.args) == 1:
            return _is_alias(node.args[0], aliases, state, local)
        if isinstance(func, ast.Attribute) and func.attr == "tobytes" and not node.args:
            return _is_alias(func.value, aliases, state, local)
        name = state.helper(node, local) if state is not None else None
        if name is not None and name in state.passes:  # type: ignore[union-attr]
            index = [p.arg for p in state.functions[name].args.args].index(state.passes[name])  # type: ignore[union-attr]
            return index < len(node.args) and _is_alias(node.args[index], aliases, state, local)
    return False


def _returned_param(helper: ast.FunctionDef, carried: frozenset[str]) -> str | None:
    """The bytes parameter every ``return`` of the (folded) helper gives back, or None."""
    aliases = _aliases(helper, set(carried), None, set())
    returns = [n for n in ast.walk(helper) if isinstance(n, ast.Return)]
    if not returns or not isinstance(helper.body[-1], ast.Return | ast.Raise):  # falling off the end gives None
        return None
    origins = set()
    for node in returns:
        if not (isinstance(node.value, ast.Name) and node.value.id in aliases):
            return None
        origins.add(_origin(helper, node.value.id, carried))
    return origins.pop() if len(origins) == 1 and None not in origins else None


def _origin(helper: ast.FunctionDef, name: str, carried: frozenset[str]) -> str | None:
    """The parameter an alias copies (one step at a time through ``a = memoryview(b)``)."""
    seen = set()
    while name not in carried:
        if name in seen:
            return None
        seen.add(name)
        values = [
            n.value
            for n in ast.walk(helper)
            if isinstance(n, ast.Assign) and any(isinstance(x, ast.Name) and x.id == name for x in n.targets)
        ]
        if len(values) != 1:
            return None
        inner: ast.expr = values[0]
        while isinstance(inner, ast.Call):
            inner = inner.args[0] if inner.args else inner.func.value  # type: ignore[attr-defined]
        if not isinstance(inner, ast.Name):
            return None
        name = inner.id
    return name


class _Rewrite(ast.NodeTransformer):
    def __init__(self, aliases: set[str], state: _State, local: set[str]) -> None:
        self.aliases, self.state, self.local = aliases, state, local

    def alias(self, node: ast.expr) -> bool:
        return _is_alias(node, self.aliases, self.state, self.local)

    def visit_Assign(self, node: ast.Assign) -> ast.AST | list[ast.stmt]:
        value = node.value
        name = self.state.helper(value, self.local)
        if name in self.state.passes and self.alias(value):  # mv = check(data): the check runs, mv is data
            assert isinstance(value, ast.Call) and name is not None
            index = [p.arg for p in self.state.functions[name].args.args].index(self.state.passes[name])
            argument = self.visit(ast.parse(ast.unparse(value.args[index]), mode="eval").body)
            value.args = [self.visit(arg) for arg in value.args]
            return [ast.Expr(value), ast.Assign(targets=node.targets, value=argument)]
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        func = node.func
        if self.state.helper(node, self.local) in self.state.passes:
            raise Refused(f"{ast.unparse(node)} gives back bytes where no name is bound to them")
        if t.is_call(node, "isinstance", 2) and "isinstance" not in self.local and self.alias(node.args[0]):
            kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            names = [k.id for k in kinds if isinstance(k, ast.Name) and k.id not in self.local]
            if len(names) == len(kinds) and set(names) <= _OTHER_TYPES | {"bytes"}:
                return ast.Constant("bytes" in names)
        if isinstance(func, ast.Name) and func.id in _SAME and func.id not in self.local and self.alias(node):
            return node.args[0]
        if isinstance(func, ast.Attribute) and func.attr == "tobytes" and self.alias(node):
            return func.value
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if node.attr == "ndim" and isinstance(node.ctx, ast.Load) and self.alias(node.value):
            return ast.Constant(1)
        return node
