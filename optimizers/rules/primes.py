"""Naive number theory: primality by trial division → a sieve."""

from __future__ import annotations

import ast

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context

_BOUNDS = ("{k}", "int({k} ** 0.5) + 1", "int(math.sqrt({k})) + 1", "math.isqrt({k}) + 1", "isqrt({k}) + 1")


def trial_division(func: ast.FunctionDef, ctx: Context) -> bool:
    """A primality flag by trial division of ``k`` from ``range(A, B)``, ``A >= 0`` → a sieve of size ``B``."""
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
            allowed = {f"range(2, {b.format(k=k)})" for b in _BOUNDS}
            body = f"if {k} % {d} == 0:\n    {flag} = False\n    break"
            if ast.unparse(inner.iter) not in allowed or "\n".join(ast.unparse(s) for s in inner.body) != body:
                continue
            if len(t.name_nodes(func, d)) != 2:  # the loop target and its use in the test
                continue
            sieve = f"_pk_sieve{fired}"
            loop.body[position : position + 2] = t.stmts(f"{flag} = bool({sieve}[{k}])")
            setup = (
                f"_pk_stop{fired} = {ast.unparse(stop)}\n"
                f"{sieve} = bytearray([1]) * max(_pk_stop{fired}, 2)\n"
                f"for _pk_p in range(2, int(len({sieve}) ** 0.5) + 1):\n"
                f"    if {sieve}[_pk_p]:\n"
                f"        {sieve}[_pk_p * _pk_p::_pk_p] = bytes(len(range(_pk_p * _pk_p, len({sieve}), _pk_p)))\n"
            )
            owner = t.containing_list(func, loop)
            assert owner is not None
            owner[owner.index(loop) : owner.index(loop)] = t.stmts(setup)
            loop.iter.args[1] = ast.Name(f"_pk_stop{fired}", ast.Load())  # type: ignore[attr-defined]
            fired += 1
            break
    return bool(fired)
