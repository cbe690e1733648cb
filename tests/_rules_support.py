"""What the catalogue's rule tests share: rewrite an unannotated function with every rule, then check the result
through the real verifier (a sandboxed child comparing results, exception types and argument mutations)."""

from __future__ import annotations

import textwrap
from typing import Any

from perfkit.optimizers._code import CodeRef, bound_types
from perfkit.optimizers._types import Context
from perfkit.optimizers.rewrite import apply_rules
from perfkit.optimizers.verify import verify

from .fixtures import slow_funcs as sf

MOD = sf.__name__
Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]


def args(*values: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (values, {})


def rewrite(source: str, name: str, inputs: Inputs) -> tuple[str, list[str], str]:
    """(original source, fired rule names, new source), the argument types taken from ``inputs``."""
    source = textwrap.dedent(source)
    namespace = dict(vars(sf))
    exec(source, namespace)
    types = {k: frozenset(v) for k, v in bound_types(namespace[name], inputs).items()}
    context = Context(name=name, source=source, module_name=MOD, params=tuple(types), arg_types=types)
    new, fired = apply_rules(source, name, context)
    return source, fired, new


def fires(source: str, name: str, inputs: Inputs, rule: str, *, edge: Inputs | None = None) -> str:
    """Assert ``rule`` fires and the rewrite passes the verifier on ``inputs`` and ``edge``; the new source."""
    old, fired, new = rewrite(source, name, inputs)
    assert rule in fired, (fired, new)
    compile(new, "<candidate>", "exec")
    verdict = verify(CodeRef(MOD, name, old), CodeRef(MOD, name, new), [*inputs, *(edge or [])])
    assert verdict.ok, (verdict.reason, new)
    return new


def never(source: str, name: str, inputs: Inputs, rule: str) -> None:
    """Assert ``rule`` does not fire."""
    _, fired, new = rewrite(source, name, inputs)
    assert rule not in fired, new


def run(source: str, name: str, *values: Any) -> Any:
    namespace = dict(vars(sf))
    exec(textwrap.dedent(source), namespace)
    try:
        return ("ok", namespace[name](*values))
    except Exception as exc:
        return ("raised", type(exc))
