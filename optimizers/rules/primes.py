"""Naive number theory: primality by trial division in a loop → a sieve; trial division up to ``n`` → up to
``isqrt(n)``; divisors by scanning ``range(1, n + 1)`` → pairs up to ``isqrt(n)``; gcd loops → ``math.gcd``;
factorial and products by loop → ``math.factorial``/``math.prod``.

Every fast path runs only for ``int`` arguments in the range where it provably agrees with the loop (``n >= 2``
for primality, ``n >= 1`` for divisors, ``a, b > 0`` for gcd, ``n >= 0`` for factorial); anything else runs the
original code, so floats, negatives, zero and the loops' own quirks (a factorial of -3 is 1) stay as they were.
"""

from __future__ import annotations

import ast
import copy

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules import _facts as f

_BOUNDS = (
    "{k}", "{k} + 1", "{k} // 2 + 1", "{k} // 2", "int({k} ** 0.5) + 1", "int(math.sqrt({k})) + 1",
    "math.isqrt({k}) + 1", "isqrt({k}) + 1", "int(sqrt({k})) + 1",
)  # fmt: skip


def _bound_ok(node: ast.expr, k: str) -> bool:
    return ast.unparse(node) in {b.format(k=k) for b in _BOUNDS}


def _divides(test: ast.expr, k: str, d: str) -> bool:
    """``k % d == 0`` or ``not k % d``."""
    text = ast.unparse(test)
    return text in {f"{k} % {d} == 0", f"not {k} % {d}", f"0 == {k} % {d}"}


def _dividend(test: ast.expr) -> str | None:
    """k in a divisibility test ``k % d == 0``, ``0 == k % d`` or ``not k % d`` (checked by :func:`_divides`)."""
    sides = [test.left, *test.comparators] if isinstance(test, ast.Compare) else [getattr(test, "operand", None)]
    for mod in sides:
        if isinstance(mod, ast.BinOp) and isinstance(mod.op, ast.Mod) and isinstance(mod.left, ast.Name):
            return mod.left.id
    return None


def _all_form(node: ast.AST) -> tuple[str, ast.Call] | None:
    """``all(k % d for d in range(2, B))`` (or ``!= 0``, or ``not any(k % d == 0 ...)``): (k, the range call)."""
    negated = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    call = node.operand if negated else node  # type: ignore[attr-defined]
    if not t.is_call(call, "any" if negated else "all", 1):
        return None
    assert isinstance(call, ast.Call)
    if not isinstance(call.args[0], ast.GeneratorExp):
        return None
    gen = call.args[0]
    if len(gen.generators) != 1 or gen.generators[0].ifs or not isinstance(gen.generators[0].target, ast.Name):
        return None
    loop = gen.generators[0]
    d = loop.target.id  # type: ignore[attr-defined]
    if not (t.is_call(loop.iter, "range", 2) and isinstance(loop.iter.args[0], ast.Constant)):  # type: ignore[attr-defined]
        return None
    if loop.iter.args[0].value != 2 or type(loop.iter.args[0].value) is not int:  # type: ignore[attr-defined]
        return None
    elt = gen.elt
    if not (isinstance(elt, ast.Compare | ast.BinOp | ast.UnaryOp)):
        return None
    mod = elt.left if isinstance(elt, ast.Compare) else elt
    if not (isinstance(mod, ast.BinOp) and isinstance(mod.op, ast.Mod) and isinstance(mod.left, ast.Name)):
        return None
    k = mod.left.id
    text = ast.unparse(elt)
    wanted = {f"{k} % {d} == 0", f"0 == {k} % {d}"} if negated else {f"{k} % {d}", f"{k} % {d} != 0"}
    if text not in wanted or not _bound_ok(loop.iter.args[1], k):  # type: ignore[attr-defined]
        return None
    return k, loop.iter  # type: ignore[return-value]


def trial_division(func: ast.FunctionDef, ctx: Context) -> bool:
    """Primality of ``k`` by trial division, ``k`` from ``range(A, B)`` (``A >= 0``) in a for loop or a
    comprehension → a sieve of size ``B``: the flag loop (``p = True; for d in range(2, ...): if k % d == 0:
    p = False; break``) or the expressions ``all(k % d for d in range(2, ...))`` / ``not any(k % d == 0 ...)``."""
    fired = 0
    for loop in [n for n in ast.walk(func) if isinstance(n, ast.For)]:
        if not (isinstance(loop.target, ast.Name) and t.is_call(loop.iter, "range", 2)):
            continue
        start, stop = loop.iter.args  # type: ignore[attr-defined]
        k = loop.target.id
        if not (isinstance(start, ast.Constant) and type(start.value) is int and start.value >= 0):
            continue
        if len(t.stored(func, k)) != 1:
            continue
        for position, stmt in enumerate(loop.body[:-1]):
            inner = loop.body[position + 1]
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant)
                and stmt.value.value is True
                and isinstance(inner, ast.For)
                and isinstance(inner.target, ast.Name)
                and not inner.orelse
            ):
                continue
            flag, d = stmt.targets[0].id, inner.target.id
            body = f"if {k} % {d} == 0:\n    {flag} = False\n    break"
            if not (t.is_call(inner.iter, "range", 2) and ast.unparse(inner.iter.args[0]) == "2"):  # type: ignore[attr-defined]
                continue
            if not _bound_ok(inner.iter.args[1], k) or "\n".join(ast.unparse(s) for s in inner.body) != body:  # type: ignore[attr-defined]
                continue
            if len(t.name_nodes(func, d)) != 2:  # the loop target and its use in the test
                continue
            sieve = _add_sieve(func, loop, stop, fired)
            loop.body[position : position + 2] = t.stmts(f"{flag} = bool({sieve}[{k}])")
            fired += 1
            break
    for node in [n for n in ast.walk(func) if isinstance(n, ast.Call | ast.UnaryOp)]:
        found = _all_form(node)
        if found is None or f.detached(node):
            continue
        k, _ = found
        binder = _range_binder(func, node, k)
        if binder is None:
            continue
        anchor, stop = binder
        sieve = _add_sieve(func, anchor, stop, fired, guarded=True)
        lookup = f"(bool({sieve}[{k}]) if {sieve} is not None and type({k}) is int and 0 <= {k} < len({sieve}) else "
        f.replace_node(node, t.expr(lookup + ast.unparse(node) + ")"))
        t.link_parents(func)
        fired += 1
    return bool(fired)


def _range_binder(func: ast.FunctionDef, node: ast.AST, k: str) -> tuple[ast.stmt, ast.expr] | None:
    """(statement to put the sieve before, the range's stop) when ``k`` is bound by ``for k in range(A, B)``
    (a loop or a comprehension around ``node``, ``A`` a constant >= 0) and nowhere else."""
    if len(t.stored(func, k)) != 1:
        return None
    for up in t.ancestors(node):
        if up is func:
            return None
        gens = [up] if isinstance(up, ast.For) else getattr(up, "generators", [])
        for gen in gens:
            if isinstance(gen.target, ast.Name) and gen.target.id == k:
                it = gen.iter
                if not (t.is_call(it, "range", 2) or t.is_call(it, "range", 1)):
                    return None
                assert isinstance(it, ast.Call)
                start = it.args[0] if len(it.args) == 2 else ast.Constant(0)
                if not (isinstance(start, ast.Constant) and type(start.value) is int and start.value >= 0):
                    return None
                anchor = up if isinstance(up, ast.stmt) else next(a for a in t.ancestors(up) if isinstance(a, ast.stmt))
                return anchor, it.args[-1]
    return None


def _add_sieve(func: ast.FunctionDef, anchor: ast.stmt, stop: ast.expr, n: int, *, guarded: bool = False) -> str:
    """Insert a sieve of Eratosthenes of size ``max(stop, 2)`` before ``anchor``; its name. ``guarded``: when
    ``stop`` is not an int (or evaluating it early fails, or it is over 10**8) the sieve is None."""
    sieve = f"_pk_sieve{n}"
    build = (
        f"{sieve} = bytearray([1]) * max(_pk_stop{n}, 2)\n"
        f"for _pk_p in range(2, int(len({sieve}) ** 0.5) + 1):\n"
        f"    if {sieve}[_pk_p]:\n"
        f"        {sieve}[_pk_p * _pk_p::_pk_p] = bytes(len(range(_pk_p * _pk_p, len({sieve}), _pk_p)))\n"
    )
    if guarded:
        indented = "".join("    " + line + "\n" for line in build.splitlines())
        setup = (
            f"{sieve} = None\n"
            f"try:\n    _pk_stop{n} = {ast.unparse(stop)}\nexcept Exception:\n    _pk_stop{n} = None\n"
            f"if type(_pk_stop{n}) is int and _pk_stop{n} <= 10 ** 8:\n" + indented
        )
    else:
        setup = f"_pk_stop{n} = {ast.unparse(stop)}\n" + build
        assert isinstance(anchor, ast.For)
        holder = anchor.iter  # the loop's range reads the stop computed once
        holder.args[-1] = ast.Name(f"_pk_stop{n}", ast.Load())  # type: ignore[attr-defined]
    owner = t.containing_list(func, anchor)
    assert owner is not None
    owner[owner.index(anchor) : owner.index(anchor)] = t.stmts(setup)
    return sieve


def prime_bound(func: ast.FunctionDef, ctx: Context) -> bool:
    """Trial division of ``n`` by ``d in range(2, B)`` that stops at the first divisor (``return``/``break``, or
    ``all``/``not any``) → the same scan up to ``min(B, isqrt(n) + 1)``: below that the first divisor is the same,
    and past it the only divisor left is ``n`` itself, found when ``n < B``. Only for ints ``n >= 2``."""
    fired = 0
    _while_scans(func)
    for node in [n for n in ast.walk(func) if isinstance(n, ast.For | ast.Call | ast.UnaryOp)]:
        if f.detached(node):
            continue
        if isinstance(node, ast.For):
            found = _scan_loop(func, node)
            if found is None:
                continue
            k, rng, on_divisor = found
        else:
            form = _all_form(node)
            if form is None:
                continue
            k, rng = form
            on_divisor = []
        if k not in t.params(func) or t.stored(func, k) or any(isinstance(a, ast.Try) for a in t.ancestors(node)):
            continue
        if f.in_comprehension(node, func) and not isinstance(node, ast.For):
            continue
        bound, lim = rng.args[1], f"_pk_lim{fired}"
        b = ast.unparse(bound)
        anchor = node if isinstance(node, ast.For) else next(a for a in t.ancestors(node) if isinstance(a, ast.stmt))
        owner = t.containing_list(func, anchor)
        assert owner is not None
        setup = f"{lim} = min({b}, _pk_isqrt({k}) + 1) if type({k}) is int and {k} >= 2 else None"
        owner.insert(owner.index(anchor), t.stmts(setup)[0])
        rng.args[1] = t.expr(f"{b} if {lim} is None else {lim}")
        missed = f"{lim} is not None and {lim} < {b} and {k} < {b}"  # n itself divides n
        if isinstance(node, ast.For):  # in the loop's else: only when no smaller divisor was found
            check = t.stmts(f"if {missed}:\n    pass")[0]
            check.body = on_divisor  # type: ignore[attr-defined]
            node.orelse = [check]
        else:
            f.replace_node(node, t.expr(f"({ast.unparse(node)} and not ({missed}))"))
        t.link_parents(func)
        fired += 1
    if fired:
        t.insert_at_start(func, t.stmts("from math import isqrt as _pk_isqrt"))
    return bool(fired)


def _scan_loop(func: ast.FunctionDef, loop: ast.For) -> tuple[str, ast.Call, list[ast.stmt]] | None:
    """``for d in range(2, B): if k % d == 0: <stmts ending in return or break>``: (k, the range, the stmts to
    run for the divisor ``k`` itself, without a final ``break``)."""
    if loop.orelse or not isinstance(loop.target, ast.Name) or len(loop.body) != 1:
        return None
    d = loop.target.id
    test = loop.body[0]
    if not (isinstance(test, ast.If) and not test.orelse and t.is_call(loop.iter, "range", 2)):
        return None
    rng = loop.iter
    assert isinstance(rng, ast.Call)
    if not (isinstance(rng.args[0], ast.Constant) and rng.args[0].value == 2 and type(rng.args[0].value) is int):
        return None
    cond = test.test
    k = _dividend(cond)
    if k is None:
        return None
    if not _divides(cond, k, d) or not _bound_ok(rng.args[1], k):
        return None
    last = test.body[-1]
    if not isinstance(last, ast.Return | ast.Break) or t.name_nodes(ast.Module(test.body, []), d):
        return None
    if len(t.name_nodes(func, d)) != len(t.name_nodes(loop, d)):
        return None
    if any(isinstance(n, ast.Break | ast.Continue) for s in test.body[:-1] for n in ast.walk(s)):
        return None

    return (
        k,
        rng,
        [copy.deepcopy(s) for s in (test.body[:-1] if isinstance(last, ast.Break) else test.body)] or [ast.Pass()],
    )


def _while_scans(func: ast.FunctionDef) -> None:
    """``d = 2`` then ``while d < B: if k % d == 0: ...; d += 1`` (or ``d <= X`` with ``B = X + 1``), ``d`` read
    nowhere else → ``for _pk_dN in range(2, B)`` for an int ``k`` (the while loop stays for anything else), so that
    :func:`prime_bound` sees the for loop it knows."""
    for body in list(t.statement_lists(func)):
        for at in range(len(body) - 1, 0, -1):
            init, loop = body[at - 1], body[at]
            if not (isinstance(loop, ast.While) and not loop.orelse and len(loop.body) == 2):
                continue
            test, step = loop.body
            cond = loop.test
            if not (isinstance(init, ast.Assign) and isinstance(test, ast.If) and not test.orelse):
                continue
            if not (isinstance(cond, ast.Compare) and len(cond.ops) == 1 and isinstance(cond.left, ast.Name)):
                continue
            d = cond.left.id
            if ast.unparse(init) != f"{d} = 2" or ast.unparse(step) not in {f"{d} += 1", f"{d} = {d} + 1"}:
                continue
            k = _dividend(test.test)
            if k is None:
                continue
            if isinstance(cond.ops[0], ast.Lt):
                bound = cond.comparators[0]
            elif isinstance(cond.ops[0], ast.LtE):
                bound = t.expr(f"{ast.unparse(cond.comparators[0])} + 1")
            else:
                continue
            if not (_divides(test.test, k, d) and _bound_ok(bound, k)) or t.stored(loop, k):  # type: ignore[arg-type]
                continue
            uses = t.name_nodes(init, d) + t.name_nodes(cond, d) + t.name_nodes(test.test, d) + t.name_nodes(step, d)
            if len(t.name_nodes(func, d)) != len(uses):  # d read nowhere else, not even in the divisor's branch
                continue
            fresh = f"_pk_d{at}_{len(body)}"
            scan = t.stmts(
                f"if type({k}) is int:\n    for {fresh} in range(2, {ast.unparse(bound)}):\n"
                f"        if {fresh}:\n            pass\nelse:\n    pass"
            )[0]
            inner = scan.body[0].body[0]  # type: ignore[attr-defined]
            inner.test, inner.body = copy.deepcopy(test.test), copy.deepcopy(test.body)
            for name in t.name_nodes(inner.test, d):
                name.id = fresh
            scan.orelse = [init, loop]  # type: ignore[attr-defined]
            body[at - 1 : at + 1] = [scan]
    t.link_parents(func)
