"""Small module helpers called in hot loops → their expression written in place.

A call costs a frame; ``def eval_A(i, j): return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)`` called once per
matrix cell spends more on the call than on the arithmetic. Written in place, the same operations run in the same
order on the same values, so results (floats included) and exceptions are the same; only the traceback loses a
frame. Inlining also lets the other rules see what the helper does.
"""

from __future__ import annotations

import ast
import copy

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f
from perfkit.optimizers.rules._helper_expr import as_expression
from perfkit.optimizers.rules._imports import imported, module_function
from perfkit.optimizers.rules._inference import is_builtin

_ROUNDS = 3  # a helper's expression may call another helper: inlined up to this depth
_SCOPES = (ast.Lambda, ast.NamedExpr, ast.Yield, ast.Await)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCALARS = "(int, float, bool)"  # the run-time check before an expression made from a search loop
_PLAIN_CALLS = frozenset({"any", "range", "len", "int", "abs", "min", "max", "pow", "round", "float", "divmod"})
_MATH_CALLS = frozenset({"isqrt", "sqrt", "floor", "ceil", "gcd"})


def inline_helper(func: ast.FunctionDef, ctx: Context) -> bool:
    """``h(a, b)`` in a loop or comprehension, ``h`` a module function whose body is one ``return EXPR``, → EXPR
    with the arguments in place of the parameters. Guards: the module binds ``h`` only by its ``def`` (and ``func``
    does not); ``h`` has plain positional parameters (no defaults, ``*args``, keywords or decorators) and does not
    call itself; EXPR holds no lambda, ``:=``, ``yield`` or ``await``, reads no name ``func`` binds (it must see the
    module's), and its comprehensions bind no name an argument reads; each
    argument is a constant or a name certainly bound at the call (a parameter, an enclosing loop's variable, or a
    name set by an earlier top-level statement), so evaluating it later, twice or never changes nothing."""
    fired = False
    for _ in range(_ROUNDS):
        bound = f.assigned_names(func)
        changed = False
        for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
            if f.detached(call) or not isinstance(call.func, ast.Name) or call.func.id == func.name:
                continue
            if not (t.inside_loop(call, func) or f.in_comprehension(call, func)):
                continue
            body = _expression(call, func, ctx, bound)
            if body is None:
                continue
            f.replace_node(call, body)
            t.link_parents(func)
            changed = fired = True
        if not changed:
            break
    return fired


def _expression(call: ast.Call, func: ast.FunctionDef, ctx: Context, bound: set[str]) -> ast.expr | None:
    """The helper's expression with the call's arguments in place, or None when a guard fails."""
    assert isinstance(call.func, ast.Name)
    helper = module_function(func, call.func.id, ctx)
    if helper is None or helper.decorator_list:
        return None
    spec = helper.args
    if spec.posonlyargs or spec.vararg or spec.kwonlyargs or spec.kwarg or spec.defaults:
        return None
    converted = as_expression(helper.body)
    if converted is None:
        return None
    expr, searched = converted
    params = [a.arg for a in spec.args]
    if searched and not _plain_arithmetic(expr, params, func, ctx):
        return None
    if call.keywords or len(call.args) != len(params) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if any(isinstance(n, _SCOPES) for n in ast.walk(expr)):
        return None
    for name in {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)} - set(params):
        if name in bound or name == helper.name or name.startswith("_pk_"):
            return None  # it would read the caller's local, or recurse
    if not all(_settled(arg, call, func) for arg in call.args):
        return None
    inner = {n.id for c in ast.walk(expr) if isinstance(c, _COMPS) for g in c.generators for n in ast.walk(g.target)
             if isinstance(n, ast.Name)}  # fmt: skip
    if inner & {n.id for a in call.args for n in ast.walk(a) if isinstance(n, ast.Name)}:
        return None  # ``all(n % d for d in ...)`` called as ``h(d)``: the argument would be captured
    values = dict(zip(params, call.args, strict=True))
    inlined = copy.deepcopy(expr)
    for node in [n for n in ast.walk(inlined) if isinstance(n, ast.Name) and n.id in values]:
        t.link_parents(inlined)
        holder = t.parent(node)
        if holder is None:  # the whole expression is one parameter
            inlined = copy.deepcopy(values[node.id])
            break
        f.replace_node(node, copy.deepcopy(values[node.id]))
    if searched:  # exact builtin scalars only: no user code can raise StopIteration inside the search
        checks = [f"type({a.id}) in {_SCALARS}" for a in call.args if isinstance(a, ast.Name)]
        if checks:
            guarded = t.expr(f"(None if {' and '.join(checks)} else None)")
            assert isinstance(guarded, ast.IfExp)
            guarded.body, guarded.orelse = inlined, copy.deepcopy(call)
            inlined = guarded
    return ast.copy_location(inlined, call)


def _plain_arithmetic(expr: ast.expr, params: list[str], func: ast.FunctionDef, ctx: Context) -> bool:
    """EXPR reads only its parameters, its own loop names and a few builtins (or ``math``), and calls only those:
    on exact scalars nothing in it runs user code."""
    inner = {n.id for c in ast.walk(expr) if isinstance(c, _COMPS) for g in c.generators for n in ast.walk(g.target)
             if isinstance(n, ast.Name)}  # fmt: skip
    for node in ast.walk(expr):
        if isinstance(node, ast.Call):
            callee = node.func
            plain = isinstance(callee, ast.Name) and callee.id in _PLAIN_CALLS and is_builtin(func, callee.id, ctx)
            in_math = (
                isinstance(callee, ast.Attribute)
                and isinstance(callee.value, ast.Name)
                and callee.value.id == "math"
                and callee.attr in _MATH_CALLS
            )
            if not (plain or in_math) or node.keywords:
                return False
        elif isinstance(node, ast.Name) and node.id not in set(params) | inner:
            if node.id == "math":
                if imported(func, "math", ctx) != "math":
                    return False
            elif node.id not in _PLAIN_CALLS or not is_builtin(func, node.id, ctx):
                return False
    return True


def _settled(arg: ast.expr, call: ast.Call, func: ast.FunctionDef) -> bool:
    """``arg`` is a constant or a name bound wherever ``call`` runs, and ``del`` never unbinds."""
    if isinstance(arg, ast.Constant):
        return True
    if not isinstance(arg, ast.Name):
        return False
    name = arg.id
    if any(isinstance(n.ctx, ast.Del) for n in t.name_nodes(func, name)):
        return False
    if any(isinstance(n, ast.ExceptHandler) and n.name == name for n in ast.walk(func)):
        return False  # ``except E as name`` unbinds it at the handler's end
    if name in t.params(func):
        return True
    child: ast.AST = call
    for up in t.ancestors(call):
        if isinstance(up, ast.For) and any(child is s for s in up.body) and _targets(up.target, name):
            return True
        if isinstance(up, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            gens = up.generators
            if isinstance(child, ast.comprehension):  # a header: its ifs see its own target, its iterable only earlier
                inside = {id(n) for cond in child.ifs for n in ast.walk(cond)}
                seen = gens[: [id(g) for g in gens].index(id(child)) + (1 if id(call) in inside else 0)]
                return any(_targets(g.target, name) for g in seen)
            if any(_targets(g.target, name) for g in gens):
                return True
        if isinstance(child, ast.stmt):  # the statements before it in its block have all run
            block = next((b for b in t.statement_lists(up) if any(s is child for s in b)), None)
            if block is not None and any(_sets(s, name) for s in block[: [id(s) for s in block].index(id(child))]):
                return True
        if up is func:
            break
        child = up
    return False


def _targets(target: ast.expr, name: str) -> bool:
    """``target`` binds ``name`` (as itself or inside a tuple; ``xs[name] = ...`` does not)."""
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(target))


def _sets(stmt: ast.stmt, name: str) -> bool:
    """A top-level statement that always binds ``name`` when it completes (an assignment to it)."""
    if isinstance(stmt, ast.Assign):
        return any(_targets(tgt, name) for tgt in stmt.targets)
    return isinstance(stmt, ast.AnnAssign | ast.AugAssign) and _targets(stmt.target, name)
