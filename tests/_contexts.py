"""The proposer context the optimisation loop would build for a function, for tests that call proposers directly."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from perfkit.optimizers._code import bound_types, describe_type, function_source
from perfkit.optimizers._types import Context

Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]


def observed_context(
    func: Any, inputs: Inputs, returns: Iterable[str] | None = None, *, module_source: bool = False
) -> Context:
    """``func``'s context on ``inputs``: the argument types seen, the result types given in ``returns`` (else those
    of ``func`` called on copies of the inputs, the ones that raise left out), the first two inputs as samples and,
    with ``module_source``, its module's source."""
    if returns is None:
        returns = set()
        for args, kwargs in inputs:
            try:
                returns.add(describe_type(func(*copy.deepcopy(args), **copy.deepcopy(kwargs))))
            except Exception:  # the original's own exception: no result type
                continue
    types = {k: frozenset(v) for k, v in bound_types(func, inputs).items()}
    source = Path(sys.modules[func.__module__].__file__ or "").read_text(encoding="utf-8") if module_source else ""
    return Context(
        name=func.__name__,
        source=function_source(func)[0],
        module_name=func.__module__,
        module_source=source,
        params=tuple(types),
        arg_types=types,
        return_types=frozenset(returns),
        sample_inputs=tuple(inputs[:2]),
    )
