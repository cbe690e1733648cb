"""Digits of a big int taken one at a time: ``while n: n, r = divmod(n, B); ...`` (or ``r = n % B ... n //= B``) → the
same digits, in the same order, from chunks of ``B ** K`` below ``2 ** 30``.

Each ``divmod`` of a big int by a small ``B`` is one pass over all of its machine digits, so the loop is quadratic
in the size of ``n``. Dividing by ``B ** K`` instead (still one machine digit, so one pass of the same cost) gives
``K`` digits per pass; they are split with small-int arithmetic. For ``B = 58`` that is 5 digits a pass (about 4.5x
on a 50 000-digit number). The fast block runs only for ``int`` ``n > 0`` and ``int`` ``2 <= B < 2 ** 15``, before
the original loop, which stays and takes the last ``K`` digits or fewer (or everything, for any other input; for a
constant ``B`` the guard is ``type(n) is int and n >= B ** K``, so small numbers pay one comparison). While
``n >= B ** K`` the original loop's next ``K`` steps all run (``n`` stays >= ``B``, so its test is true) and produce
exactly the ``K`` digits of the chunk, zeros included.
"""

from __future__ import annotations

import ast
import copy

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_TESTS = ("{n}", "{n} > 0", "{n} != 0", "0 < {n}", "0 != {n}", "{n} >= 1")
_ESCAPES = (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_FRAME_READERS = frozenset({"locals", "vars", "eval", "exec", "globals"})


def digit_chunks(func: ast.FunctionDef, ctx: Context) -> bool:
    """Each digit loop of the function gets a fast block before it that consumes ``K`` digits per big ``divmod``."""
    fired = 0
    for loop in [n for n in ast.walk(func) if isinstance(n, ast.While)]:
        found = _digit_loop(func, loop)
        if found is None or f.caught_around(loop, func):
            continue
        n, base, body = found
        owner = t.containing_list(func, loop)
        if owner is None:
            continue
        k, bk, c, d, j = (f"_pk_{x}{fired}" for x in ("k", "bk", "c", "d", "j"))
        value = ast.literal_eval(base) if base.isdigit() else None
        if value is not None:  # a constant base: the chunk's size is known now, the guard is one comparison
            if not 2 <= value < 32768:
                continue
            size = 30 // value.bit_length()
            head = f"if type({n}) is int and {n} >= {value**size}:\n    {k}, {bk} = {size}, {value**size}\n"
        else:
            head = (
                f"if type({n}) is int and type({base}) is int and 2 <= {base} < 32768 and {n} >= {base} * {base}:\n"
                f"    {k} = 30 // {base}.bit_length()\n    {bk} = {base} ** {k}\n"
            )
        block = t.stmts(
            head + f"    while {n} >= {bk}:\n"
            f"        {n}, {c} = divmod({n}, {bk})\n"
            f"        for {j} in range({k}):\n"
            f"            {c}, {d} = divmod({c}, {base})\n"
            f"            pass\n"
        )
        inner = block[0].body[-1].body[-1]  # type: ignore[attr-defined]
        inner.body[1:] = _chunk_body(body, n, base, d)
        owner.insert(owner.index(loop), block[0])
        t.link_parents(func)
        fired += 1
    return bool(fired)


def _digit_loop(func: ast.FunctionDef, loop: ast.While) -> tuple[str, str, list[ast.stmt]] | None:
    """(n, B, the loop's body) when ``loop`` takes the digits of the local ``n`` in base ``B``: one update of
    ``n`` in the body (``n, r = divmod(n, B)``, ``n //= B`` or ``n = n // B``), ``n`` read before it only as
    ``n % B`` and not at all after it, nothing that leaves the loop early, ``B`` a constant or a name bound once."""
    if loop.orelse:
        return None
    test = ast.unparse(loop.test)
    names = [x.id for x in ast.walk(loop.test) if isinstance(x, ast.Name)]
    if len(names) != 1 or test not in {form.format(n=names[0]) for form in _TESTS}:
        return None
    n = names[0]
    if any(isinstance(x, _ESCAPES + _SCOPES) for s in loop.body for x in ast.walk(s)):
        return None
    if any(x.id in _FRAME_READERS for x in f.walk_loads(func)):
        return None
    if any(isinstance(x, ast.Global | ast.Nonlocal) for x in ast.walk(func)):  # others could see n change
        return None
    updates = [i for i, s in enumerate(loop.body) if _update(s, n) is not None]
    if len(updates) != 1:
        return None
    at = updates[0]
    base = _update(loop.body[at], n)
    assert base is not None
    if not _stable_base(func, loop, base, n):
        return None
    stores = [x for s in loop.body for x in t.name_nodes(s, n) if not isinstance(x.ctx, ast.Load)]
    if len(stores) != 1:
        return None
    b = ast.unparse(base)
    for i, stmt in enumerate(loop.body):
        if i == at:
            continue
        reads = t.name_nodes(stmt, n)
        if i > at and reads:
            return None
        digit_reads = [x for x in ast.walk(stmt) if _is_mod(x, n, b)]
        if len(reads) != len(digit_reads):
            return None
    return n, b, loop.body


def _update(stmt: ast.stmt, n: str) -> ast.expr | None:
    """B when ``stmt`` is ``n, r = divmod(n, B)``, ``n //= B`` or ``n = n // B``."""
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.FloorDiv):
        return stmt.value if _is_name(stmt.target, n) else None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target, value = stmt.targets[0], stmt.value
    if _is_name(target, n) and isinstance(value, ast.BinOp) and isinstance(value.op, ast.FloorDiv):
        return value.right if _is_name(value.left, n) else None
    if isinstance(target, ast.Tuple) and len(target.elts) == 2 and _is_name(target.elts[0], n):
        r = target.elts[1]
        if isinstance(r, ast.Name) and r.id != n and t.is_call(value, "divmod", 2):
            left, right = value.args  # type: ignore[attr-defined]
            return right if _is_name(left, n) else None
    return None


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_mod(node: ast.AST, n: str, base: str) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and _is_name(node.left, n)
        and ast.unparse(node.right) == base
    )


def _stable_base(func: ast.FunctionDef, loop: ast.While, base: ast.expr, n: str) -> bool:
    """``B`` is an int constant, a parameter never rebound, or a local bound once at the top level before the
    loop; never stored in the loop (so evaluating it early reads the same value and raises nothing new)."""
    if isinstance(base, ast.Constant):
        return type(base.value) is int
    if not isinstance(base, ast.Name) or base.id == n:
        return False
    stores = t.stored(func, base.id)
    if base.id in t.params(func):
        return not stores
    if len(stores) != 1:
        return False
    top = next((s for s in func.body if s is loop or any(a is s for a in t.ancestors(loop))), None)
    bind = t.parent(stores[0])
    return (
        top is not None
        and isinstance(bind, ast.Assign)
        and any(s is bind for s in func.body)
        and func.body.index(bind) < func.body.index(top)
    )


def _chunk_body(body: list[ast.stmt], n: str, base: str, digit: str) -> list[ast.stmt]:
    """The loop body for one digit ``digit`` of a chunk: the update of ``n`` dropped (``r = digit`` for the divmod
    form) and every ``n % B`` read as ``digit``."""
    out: list[ast.stmt] = []
    for stmt in body:
        base_expr = _update(stmt, n)
        if base_expr is not None:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Tuple):
                r = stmt.targets[0].elts[1]
                out += t.stmts(f"{ast.unparse(r)} = {digit}")
            continue
        new = copy.deepcopy(stmt)
        t.link_parents(new)
        for node in [x for x in ast.walk(new) if _is_mod(x, n, base)]:
            holder = t.parent(node)
            if holder is None:
                continue
            f.replace_node(node, ast.Name(digit, ast.Load()))
        out.append(new)
    return out or [ast.Pass()]
