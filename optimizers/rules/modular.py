"""Naive modular arithmetic: the multiplicative order of ``x`` mod ``m`` found by stepping through the powers of
``x`` one at a time (linear in the order, up to ``m``) → the order from the factors of Euler's ``phi(m)``.

Three spellings of the search: repeated multiplication (``z = x; c = 1; while z != 1: z = z * x % m; c += 1``,
also ``z *= x; z %= m``, ``z = x % m``), ``while pow(x, k, m) != 1: k += 1`` and ``for k in range(A, B): if
pow(x, k, m) == 1: ...``. The fast path runs only for ints with ``m > 1`` and ``gcd(x, m) == 1``: there every
spelling ends at the first multiple of the order it can reach, which the fast path computes; anything else (a
non-unit, where the loops never end, floats, ``m <= 1``) runs the original loop.

The order itself: first up to ``4 * isqrt(m) + 64`` plain steps (small orders are found as fast as the loop finds
them), then ``phi(m)`` and its prime factors by trial division up to their square roots (fewer steps than those
already taken), and ``o = phi(m)`` divided by each prime ``q`` while ``pow(x, o // q, m) == 1``.
"""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_ORDER = """\
_pk_x = {x} % {m}
_pk_z, _pk_o, _pk_lim = _pk_x, 1, 4 * _pk_isqrt({m}) + 64
while _pk_z != 1 and _pk_o < _pk_lim:
    _pk_z = _pk_z * _pk_x % {m}
    _pk_o += 1
if _pk_z != 1:
    _pk_o, _pk_rest, _pk_p = {m}, {m}, 2
    while _pk_p * _pk_p <= _pk_rest:
        if _pk_rest % _pk_p == 0:
            while _pk_rest % _pk_p == 0:
                _pk_rest //= _pk_p
            _pk_o = _pk_o // _pk_p * (_pk_p - 1)
        _pk_p += 1
    if _pk_rest > 1:
        _pk_o = _pk_o // _pk_rest * (_pk_rest - 1)
    _pk_rest, _pk_p = _pk_o, 2
    while _pk_p * _pk_p <= _pk_rest:
        if _pk_rest % _pk_p == 0:
            while _pk_rest % _pk_p == 0:
                _pk_rest //= _pk_p
            while _pk_o % _pk_p == 0 and pow(_pk_x, _pk_o // _pk_p, {m}) == 1:
                _pk_o //= _pk_p
        _pk_p += 1
    if _pk_rest > 1 and pow(_pk_x, _pk_o // _pk_rest, {m}) == 1:
        _pk_o //= _pk_rest
"""
_IMPORTS = "from math import gcd as _pk_gcd, isqrt as _pk_isqrt"


def _guard(x: str, m: str) -> str:
    return f"type({x}) is int and type({m}) is int and {m} > 1 and _pk_gcd({x}, {m}) == 1"


def _order_block(x: str, m: str, then: str, *, extra: str = "") -> list[ast.stmt]:
    """``if <ints, m > 1, x a unit> and extra: <o = order of x mod m>; then``."""
    body = "".join("    " + line + "\n" for line in (_ORDER.format(x=x, m=m) + then).splitlines())
    return t.stmts(f"if {_guard(x, m)}{extra}:\n{body}")


def multiplicative_order(func: ast.FunctionDef, ctx: Context) -> bool:
    """Each order search of the three spellings gets the fast path before it; the loop stays for other inputs
    (and, for ``while pow(...)`` and ``for``, checks the one power the fast path lands on)."""
    if _shared_names(func):
        return False
    fired = 0
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            block = _product_loop(func, body, stmt) or _pow_while(func, stmt) or _pow_for(func, stmt)
            if block is not None:
                body[body.index(stmt) : body.index(stmt)] = block
                fired += 1
    if fired:
        t.insert_at_start(func, t.stmts(_IMPORTS))
        t.link_parents(func)
    return bool(fired)


def _shared_names(func: ast.FunctionDef) -> bool:
    """``global``/``nonlocal`` names, or calls that read the frame: others could see a loop's names change."""
    readers = {"locals", "vars", "eval", "exec"}
    return any(isinstance(x, ast.Global | ast.Nonlocal) for x in ast.walk(func)) or any(
        x.id in readers for x in f.walk_loads(func)
    )


def _operand(node: ast.expr) -> str | None:
    """A plain name, or an int constant."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return repr(node.value)
    return None


def _increment(stmt: ast.stmt) -> str | None:
    """c when ``stmt`` is ``c += 1`` or ``c = c + 1``."""
    text = ast.unparse(stmt)
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and text.endswith(" += 1"):
        return stmt.target.id
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        c = stmt.targets[0].id
        return c if text == f"{c} = {c} + 1" else None
    return None


def _product_loop(func: ast.FunctionDef, body: list[ast.stmt], loop: ast.stmt) -> list[ast.stmt] | None:
    """``z = x`` (or ``x % m``) earlier in the same block, then ``while z != 1:`` whose body is the step of ``z``
    by ``x`` mod ``m`` and ``c += 1``: the fast path sets ``c`` and ``z`` to where the loop ends."""
    if not (isinstance(loop, ast.While) and not loop.orelse and isinstance(loop.test, ast.Compare)):
        return None
    test = ast.unparse(loop.test)
    z = next((x.id for x in ast.walk(loop.test) if isinstance(x, ast.Name)), None)
    if z is None or test not in {f"{z} != 1", f"1 != {z}"}:
        return None
    counters = [c for c in (_increment(s) for s in loop.body) if c is not None]
    steps = [s for s in loop.body if _increment(s) is None]
    if len(counters) != 1 or counters[0] == z:
        return None
    c = counters[0]
    found = _step(steps, z)
    if found is None:
        return None
    x, m = found
    if len({x, m, z, c}) != 4:
        return None
    init = _init(func, body, loop, z, x, m)
    if init is None:
        return None
    between = body[body.index(init) : body.index(loop) + 1]
    if any(t.stored(s, name) for s in between for name in (x, m) if not name[0].isdigit()):  # type: ignore[arg-type]
        return None
    then = f"{c} += max(_pk_o, 2) - 1\n{z} = 1"  # the loop's z starts at x: it stops at x ** k == 1 with k >= 2
    return _order_block(x, m, then, extra=f" and type({c}) is int and {z} != 1")


def _step(steps: list[ast.stmt], z: str) -> tuple[str, str] | None:
    """(x, m) when ``steps`` is ``z = z * x % m`` (either factor order, parenthesised or not) or ``z *= x`` then
    ``z %= m``."""
    texts = [ast.unparse(s) for s in steps]
    if len(steps) == 1 and isinstance(steps[0], ast.Assign) and len(steps[0].targets) == 1:
        value = steps[0].value
        if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod)):
            return None
        prod, m = value.left, _operand(value.right)
        if not (isinstance(prod, ast.BinOp) and isinstance(prod.op, ast.Mult) and m is not None):
            return None
        for a, b in ((prod.left, prod.right), (prod.right, prod.left)):
            x = _operand(b)
            if _is(a, z) and x is not None and texts[0] == f"{z} = {ast.unparse(prod)} % {m}":
                return x, m
        return None
    if len(steps) == 2 and all(isinstance(s, ast.AugAssign) for s in steps):
        first, second = steps
        x, m = _operand(first.value), _operand(second.value)  # type: ignore[attr-defined]
        if x is not None and m is not None and texts == [f"{z} *= {x}", f"{z} %= {m}"]:
            return x, m
    return None


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _init(func: ast.FunctionDef, body: list[ast.stmt], loop: ast.stmt, z: str, x: str, m: str) -> ast.stmt | None:
    """The statement ``z = x`` or ``z = x % m`` before ``loop`` in ``body``, when ``z`` is bound nowhere else but
    in the loop."""
    stores = t.stored(func, z)
    inits = [s for s in body[: body.index(loop)] if any(n in stores for n in t.name_nodes(s, z))]
    if len(inits) != 1 or len(stores) != 1 + len(t.stored(loop, z)):  # type: ignore[arg-type]
        return None
    init = inits[0]
    if ast.unparse(init) in {f"{z} = {x}", f"{z} = {x} % {m}"}:
        return init
    return None


def _pow_call(node: ast.expr) -> tuple[str, str, str] | None:
    """(x, k, m) for ``pow(x, k, m)`` with plain operands."""
    if not t.is_call(node, "pow", 3):
        return None
    found = [_operand(a) for a in node.args]  # type: ignore[attr-defined]
    if any(v is None for v in found):
        return None
    x, k, m = found
    return (x, k, m) if len({x, k, m}) == 3 else None  # type: ignore[return-value]


def _pow_while(func: ast.FunctionDef, loop: ast.stmt) -> list[ast.stmt] | None:
    """``while pow(x, k, m) != 1: k += 1`` → ``k`` set to the first multiple of the order from ``k`` on."""
    if not (isinstance(loop, ast.While) and not loop.orelse and len(loop.body) == 1):
        return None
    test = loop.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq)):
        return None
    if ast.unparse(test.comparators[0]) != "1":
        return None
    found = _pow_call(test.left)
    if found is None:
        return None
    x, k, m = found
    if _increment(loop.body[0]) != k or x == m:
        return None
    then = f"{k} = -(-{k} // _pk_o) * _pk_o"
    return _order_block(x, m, then, extra=f" and type({k}) is int and {k} >= 0")


def _pow_for(func: ast.FunctionDef, loop: ast.stmt) -> list[ast.stmt] | None:
    """``for k in range(A, B): if pow(x, k, m) == 1: ...`` (the ``if`` alone in the body, ``k`` read nowhere
    else) → the range starts at the first multiple of the order from ``A`` on; the powers skipped are not 1."""
    if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and t.is_call(loop.iter, "range", 2)):
        return None
    if len(loop.body) != 1 or not isinstance(loop.body[0], ast.If) or loop.body[0].orelse:
        return None
    k = loop.target.id
    test = loop.body[0].test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    found = _pow_call(test.left)
    if found is None or found[1] != k or ast.unparse(test.comparators[0]) != "1":
        return None
    x, _, m = found
    start = _operand(loop.iter.args[0])  # type: ignore[attr-defined]
    if start is None or start in (x, m, k) or x == m or k in (x, m):
        return None
    if len(t.name_nodes(func, k)) != len(t.name_nodes(loop, k)) or f.caught_around(loop, func):
        return None
    if any(t.stored(loop, name) for name in (x, m, start) if not name[0].isdigit()):  # type: ignore[arg-type]
        return None
    if t.stored(func, "_pk_start"):
        return None
    loop.iter.args[0] = t.expr(f"{start} if _pk_start is None else _pk_start")  # type: ignore[attr-defined]
    block = _order_block(x, m, f"_pk_start = -(-{start} // _pk_o) * _pk_o", extra=f" and type({start}) is int")
    return [*t.stmts("_pk_start = None"), *block]


# Square-and-multiply: the parity test of e, the step of r by b, the squaring of b, the halving of e.
_LOOP_TESTS = ("{e} > 0", "{e}", "{e} != 0", "{e} >= 1", "0 < {e}")
_PARITY = ("{e} & 1", "{e} & 1 == 1", "{e} % 2", "{e} % 2 == 1", "{e} % 2 != 0", "{e} & 1 != 0")
_MULTIPLY = ("{r} = {r} * {b} % {m}", "{r} = {b} * {r} % {m}", "{r} *= {b}\n{r} %= {m}")
_SQUARE = ("{b} = {b} * {b} % {m}", "{b} = {b} ** 2 % {m}", "{b} = pow({b}, 2, {m})", "{b} *= {b}\n{b} %= {m}")
_HALVE = ("{e} >>= 1", "{e} //= 2", "{e} = {e} >> 1", "{e} = {e} // 2")


def _canon(code: str) -> str:
    return "\n".join(ast.unparse(s) for s in ast.parse(code).body)


def modular_power(func: ast.FunctionDef, ctx: Context) -> bool:
    """``r = 1`` then ``while e > 0: if e & 1: r = r * b % m; b = b * b % m; e >>= 1`` (the usual spellings of
    each step) → ``r = pow(b, e, m)`` for ints ``e > 0``, ``m > 0`` (the loop's own ``1`` for ``e == 0`` and its
    results for other types stay: the loop runs then); ``b`` and ``e`` must not be read after the loop."""
    if _shared_names(func):
        return False
    fired = 0
    for body in list(t.statement_lists(func)):
        for loop in list(body):
            found = _square_and_multiply(func, body, loop)
            if found is None:
                continue
            r, b, e, m = found
            fast = t.stmts(
                f"if type({b}) is int and type({e}) is int and type({m}) is int and {e} > 0 and {m} > 0:\n"
                f"    {r} = pow({b}, {e}, {m})\nelse:\n    pass"
            )[0]
            fast.orelse = [loop]  # type: ignore[attr-defined]
            body[body.index(loop)] = fast
            fired += 1
    if fired:
        t.link_parents(func)
    return bool(fired)


def _square_and_multiply(
    func: ast.FunctionDef, body: list[ast.stmt], loop: ast.stmt
) -> tuple[str, str, str, str] | None:
    if not (isinstance(loop, ast.While) and not loop.orelse and loop.body and isinstance(loop.body[0], ast.If)):
        return None
    step = loop.body[0]
    names = [x.id for x in ast.walk(loop.test) if isinstance(x, ast.Name)]
    if step.orelse or len(names) != 1 or ast.unparse(loop.test) not in {s.format(e=names[0]) for s in _LOOP_TESTS}:
        return None
    e = names[0]
    if ast.unparse(step.test) not in {s.format(e=e) for s in _PARITY}:
        return None
    first = step.body[0]
    if not isinstance(first, ast.Assign | ast.AugAssign):
        return None
    target = first.targets[0] if isinstance(first, ast.Assign) else first.target
    value = first.value
    if not isinstance(target, ast.Name):
        return None
    r = target.id
    mod = value if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod) else None
    factors = [x.id for x in ast.walk(mod.left if mod else value) if isinstance(x, ast.Name) and x.id != r]
    m_node = mod.right if mod else (step.body[1].value if len(step.body) == 2 else None)  # type: ignore[attr-defined]
    m = _operand(m_node) if m_node is not None else None
    if len(factors) != 1 or m is None:
        return None
    b = factors[0]
    if len({r, b, e, m}) != 4:
        return None
    fill = {"r": r, "b": b, "e": e, "m": m}
    if _canon("\n".join(ast.unparse(s) for s in step.body)) not in {_canon(s.format(**fill)) for s in _MULTIPLY}:
        return None
    rest = _canon("\n".join(ast.unparse(s) for s in loop.body[1:]))
    orders = [f"{a}\n{c}" for a in _SQUARE for c in _HALVE] + [f"{c}\n{a}" for a in _SQUARE for c in _HALVE]
    if rest not in {_canon(text.format(**fill)) for text in orders}:
        return None
    if not _one_start(func, body, loop, r) or not _dead_after(func, body, loop, (b, e)):
        return None
    return r, b, e, m


def _one_start(func: ast.FunctionDef, body: list[ast.stmt], loop: ast.While, r: str) -> bool:
    """``r = 1`` is the last binding of ``r`` before ``loop`` in ``body``, and ``r`` is bound nowhere else outside
    the loop on the way (so the loop starts from 1)."""
    before = body[: body.index(loop)]
    binds = [s for s in before if any(not isinstance(n.ctx, ast.Load) for n in t.name_nodes(s, r))]
    return bool(binds) and ast.unparse(binds[-1]) == f"{r} = 1"


def _dead_after(func: ast.FunctionDef, body: list[ast.stmt], loop: ast.While, names: tuple[str, ...]) -> bool:
    """No use of ``names`` outside ``loop`` can see the values it leaves: outside any other loop, none comes after
    it; inside one, every use sits in ``body`` before it, the first a plain binding."""
    inside = {id(n) for n in ast.walk(loop)}
    end = loop.end_lineno or loop.lineno
    nested = t.inside_loop(loop, func)
    for name in names:
        outside = [n for n in t.name_nodes(func, name) if id(n) not in inside]
        if any((n.lineno or 0) > end for n in outside):
            return False
        if not nested:
            continue
        before = body[: body.index(loop)]
        in_body = {id(n) for s in before for n in t.name_nodes(s, name)}
        if any(id(n) not in in_body for n in outside):
            return False
        first = next((s for s in before if t.name_nodes(s, name)), None)
        if first is None or not (
            isinstance(first, ast.Assign)
            and [ast.unparse(x) for x in first.targets] == [name]
            and not t.name_nodes(first.value, name)
        ):
            return False
    return True


_ZERO = (
    "if p1 == 0:\n    return 1",
    "if not p1:\n    return 1",
    "if p1 < 1:\n    return 1",
    "if p1 <= 0:\n    return 1",
)
_HALF = ("p1 // 2", "p1 >> 1")
_ODD = ("p1 % 2 == 1", "p1 % 2", "p1 & 1", "p1 & 1 == 1", "p1 % 2 != 0")
_RECURSIVE = (
    "{zero}\nv0 = {f}(p0, {half}, p2)\nv0 = v0 * v0 % p2\nif {odd}:\n    v0 = v0 * p0 % p2\nreturn v0",
    "{zero}\nv0 = {f}(p0, {half}, p2)\nif {odd}:\n    return v0 * v0 * p0 % p2\nreturn v0 * v0 % p2",
    "{zero}\nv0 = {f}(p0, {half}, p2)\nif {odd}:\n    return v0 * v0 % p2 * p0 % p2\nreturn v0 * v0 % p2",
    "{zero}\nv0 = {f}(p0, {half}, p2) ** 2 % p2\nif {odd}:\n    v0 = v0 * p0 % p2\nreturn v0",
)


def recursive_power(func: ast.FunctionDef, ctx: Context) -> bool:
    """A whole function ``f(b, e, m)`` that is square-and-multiply by recursion on ``e // 2`` → ``pow(b, e, m)``
    first, for ints ``e > 0`` and ``m > 0`` (its own ``1`` at ``e == 0`` and anything else run the original)."""
    from perfkit.optimizers.rules.number_theory import _canonical

    a = func.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults or func.decorator_list:
        return False
    names = t.params(func)
    if len(names) != 3:
        return False
    forms = {
        _canon(text.format(zero=zero, half=half, odd=odd, f=func.name))
        for text in _RECURSIVE
        for zero in _ZERO
        for half in _HALF
        for odd in _ODD
    }
    if _canonical(func) not in forms:
        return False
    b, e, m = names
    fast = f"if type({b}) is int and type({e}) is int and type({m}) is int and {e} > 0 and {m} > 0:\n"
    t.insert_at_start(func, t.stmts(fast + f"    return pow({b}, {e}, {m})"))
    return True
