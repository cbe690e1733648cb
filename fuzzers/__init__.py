"""perfkit.fuzzers: find the inputs that make a function slowest under a size bound, and how its cost grows.

>>> from perfkit.fuzzers import fuzz
>>> result = fuzz("examples/slow.py:dedupe", max_size=200, budget=20)
>>> result.worst.cost, result.complexity          # doctest: +SKIP
(40401.0, 'O(n^2)')

Search strategies (``search=``): "auto" (hypothesis-targeted search, then the pattern search that pumps the
slowest inputs and the regex attack strings, then coverage-guided atheris, all guided by constraints),
"hypothesis", "pump", "atheris", "random" (the unguided baseline). Constraints are synthesized from
the function's source (:func:`static_constraints`) and, when a client callable is given (``llm=``), by an LLM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perfkit.fuzzers._base import SEARCHERS, Searcher
from perfkit.fuzzers._constraints import Constraint, static_constraints
from perfkit.fuzzers._corpus import Finding
from perfkit.fuzzers._cost import SIGNALS
from perfkit.fuzzers._result import SCHEMA_VERSION, CurvePoint, Failure, FuzzResult, decode_input
from perfkit.fuzzers._session import FEATURES
from perfkit.fuzzers._store import record

__all__ = [
    "SCHEMA_VERSION",
    "Constraint",
    "CurvePoint",
    "Failure",
    "Finding",
    "FuzzResult",
    "Searcher",
    "decode_input",
    "fuzz",
    "record",
    "static_constraints",
]

SEARCH_NAMES = ("auto", *SEARCHERS)
DEFAULT_MEMORY_LIMIT = 4 * 2**30


def fuzz(
    target: str | Callable[..., Any],
    *,
    max_size: int,
    budget: float,
    seed: int = 0,
    strategy: Any = None,
    search: str = "auto",
    constraints: bool = True,
    signal: str = "auto",
    timeout: float = 2.0,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    llm: Callable[[str], str] | None = None,
    progress: Callable[[float, float, float], None] | None = None,
    samples: list[tuple[tuple[Any, ...], dict[str, Any]]] | None = None,
    valid_only: bool = False,
    features: frozenset[str] | set[str] = FEATURES,
) -> FuzzResult:
    """Search for the costliest inputs of ``target`` of size at most ``max_size`` within ``budget`` seconds.

    ``target``: "path/file.py:func", "package.module:func" or an importable function. ``strategy``: a
    hypothesis strategy of ``(args, kwargs)``, a generator ``gen(rng, max_size) -> (args, kwargs)``, or
    "module:name" naming one; default: from the type hints. ``constraints``: synthesize constraints and guide
    the search with them. ``signal``: "auto" (lines, or time where C work dominates), "lines" or "time".
    ``timeout``: seconds per call (slower calls are censored there). ``llm``: a callable prompt -> reply that
    proposes more constraints. ``progress(elapsed_s, budget_s, best_cost)`` is called as the search goes.
    ``samples``: real calls ``(args, kwargs)`` (e.g. captured from a workload): a parameter without a type hint
    draws values of the shape they show (:mod:`perfkit.shapes`, mode ``observed``, sizes up to ``max_size``);
    ignored when ``strategy`` is given. ``valid_only``: inputs that make the target raise are rejections; by
    default a slow input that raises is kept as its own class ("slow, then raised": a denial of service too) and
    can be the worst input. ``features``: the parts of the search to use, of "pump" (the pattern search),
    "regex" (the regex attack strings, dictionary and seeds) and "adaptive" (switching to time when line counts
    are blind); all by default, fewer for ablations.
    """
    from perfkit.fuzzers._campaign import Campaign
    from perfkit.fuzzers._strategy import check_draws, input_strategy, observed_calls

    from perfkit.errors import InvalidArgument

    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 1:
        raise InvalidArgument("max_size", max_size, "give a whole number of at least 1 (the largest input size)")
    if not isinstance(budget, int | float) or isinstance(budget, bool) or not budget > 0:
        raise InvalidArgument("budget", budget, "give a positive number of seconds, e.g. 30")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InvalidArgument("seed", seed, "give a whole number >= 0")
    if search not in SEARCH_NAMES:
        raise InvalidArgument("search", search, f"choose one of {', '.join(SEARCH_NAMES)}")
    if signal not in SIGNALS:
        raise InvalidArgument("signal", signal, f"choose one of {', '.join(SIGNALS)}")
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not timeout > 0:
        raise InvalidArgument("timeout", timeout, "give a positive number of seconds per call, e.g. 2")
    if memory_limit is not None and (not isinstance(memory_limit, int) or memory_limit < 64 * 2**20):
        raise InvalidArgument("memory_limit", memory_limit, "give bytes, at least 64 MiB, or None")
    if not isinstance(valid_only, bool):
        raise InvalidArgument("valid_only", valid_only, "give True or False")
    if not isinstance(features, set | frozenset) or not set(features) <= FEATURES:
        raise InvalidArgument("features", features, f"give a set of {', '.join(sorted(FEATURES))}")
    if llm is not None and not callable(llm):
        raise InvalidArgument("llm", llm, "give a callable that takes a prompt and returns the reply text")
    func, name = _resolve(target)
    if samples is not None and strategy is None:
        strategy = observed_calls(func, samples)  # checked to reach the workers
    check_draws(input_strategy(func, max_size=max_size, user=strategy))
    if strategy is not None and not isinstance(strategy, str):
        import pickle

        try:
            pickle.dumps(strategy)
        except Exception:
            raise InvalidArgument(
                "strategy", strategy, "the worker process cannot receive it: name it as 'module:name' instead"
            ) from None
    guided = constraints and search != "random"
    found = static_constraints(func, max_size=max_size) if guided else []
    campaign = Campaign(
        func=func,
        target=target,
        name=name,
        max_size=max_size,
        budget=float(budget),
        seed=seed,
        timeout=float(timeout),
        memory_limit=memory_limit,
        search=search,
        guided=guided,
        signal=signal,
        strategy=strategy,
        constraints=found,
        llm=llm,
        progress=progress,
        valid_only=valid_only,
        features=frozenset(features),
    )
    return campaign.run()


def _resolve(target: str | Callable[..., Any]) -> tuple[Callable[..., Any], str]:
    from perfkit.errors import InvalidArgument

    if isinstance(target, str):
        from perfkit.target import resolve

        return resolve(target).func, target
    if callable(target):
        module = getattr(target, "__module__", None)
        qualname = getattr(target, "__qualname__", "")
        if not module or module == "__main__" or "<" in qualname:
            raise InvalidArgument("target", target, "give an importable function, or 'path/file.py:function'")
        return target, f"{module}:{qualname}"
    raise InvalidArgument("target", target, "give 'path/file.py:function', 'package.module:function' or a function")
