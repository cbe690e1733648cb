"""Input specs from signatures: hypothesis strategies for a function's arguments, bounded by a size.

Shared by the fuzzers (stress inputs), the optimizers' verifier (inputs drawn from the signature) and
``perfkit optimize``. Collections and strings hold at most ``max_size`` items, numbers lie within
``±max_size``. A parameter without a usable hint draws values of the shape its observed calls had
(:mod:`perfkit.shapes`); with neither, it needs an explicit strategy.
"""

from __future__ import annotations

import collections.abc as cabc
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from perfkit.errors import InvalidArgument

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from perfkit.shapes import Mode, Observed

Arguments = tuple[tuple[Any, ...], dict[str, Any]]

_SEQUENCES = (list, cabc.Sequence, cabc.MutableSequence, cabc.Iterable, cabc.Collection)
_MAPPINGS = (dict, cabc.Mapping, cabc.MutableMapping)
_SETS = (set, cabc.Set, cabc.MutableSet)


class UnsupportedHint(Exception):
    """A type hint that has no bounded strategy; carries the hint for the error message."""


def arguments_strategy(
    func: Callable[..., Any],
    *,
    max_size: int,
    overrides: Mapping[str, SearchStrategy[Any]] | None = None,
    samples: Sequence[Arguments] | Observed | None = None,
    widen: bool = False,
) -> SearchStrategy[Arguments]:
    """A strategy of ``(args, kwargs)`` for ``func``, from its type hints and the ``overrides`` by parameter name.

    ``samples``: observed calls (``(args, kwargs)`` pairs, or their :class:`perfkit.shapes.Observed`): a
    parameter without a usable hint draws values of its observed shape (:mod:`perfkit.shapes`). ``widen``: draw
    beyond the observed shapes (for verification), and for a hinted parameter also from its observed shape, since
    hints can be narrow or wrong. Required parameters need a supported hint, an observed shape or an override;
    optional ones without any keep their default.
    """
    from hypothesis import strategies as st

    from perfkit.shapes import Observed, observe
    from perfkit.shapes import strategy as shape_strategy

    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 1:
        raise InvalidArgument("max_size", max_size, "give a whole number of at least 1")
    if not callable(func):
        raise InvalidArgument("func", func, "give a callable")
    overrides = dict(overrides or {})
    signature = _signature(func)
    hints = _hints(func)
    unknown = set(overrides) - set(signature.parameters)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidArgument("overrides", name, f"{_name(func)} has no parameter {name!r}")
    if samples is not None and not isinstance(samples, Observed):
        if not isinstance(samples, list | tuple) or not all(_is_call(item) for item in samples):
            raise InvalidArgument("samples", type(samples).__name__, "give a list of (args tuple, kwargs dict) pairs")
        samples = observe(func, samples)
    shapes = samples.shapes if samples is not None else {}
    mode: Mode = "widened" if widen else "observed"
    positional: list[SearchStrategy[Any]] = []
    keyword: dict[str, SearchStrategy[Any]] = {}
    extra: SearchStrategy[Any] | None = None  # *args, drawn as the tuples observed there
    as_keyword = False  # once a positional parameter keeps its default, later ones must be passed by name
    for param in signature.parameters.values():
        if param.kind is param.VAR_POSITIONAL and param.name in shapes and not as_keyword:
            extra = shape_strategy(shapes[param.name], mode=mode, max_size=max_size)
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        strategy = overrides.get(param.name)
        shape = shapes.get(param.name)
        observed = shape_strategy(shape, mode=mode, max_size=max_size) if shape is not None else None
        if strategy is None and param.name in hints:
            try:
                strategy = strategy_for_hint(hints[param.name], max_size=max_size)
            except UnsupportedHint as exc:
                if param.default is param.empty and observed is None:
                    raise InvalidArgument(
                        f"parameter {param.name!r} of {_name(func)}",
                        hints[param.name],
                        f"perfkit cannot generate {exc}; pass a hypothesis strategy for it (--strategy)",
                    ) from None
            else:
                if widen and observed is not None:
                    strategy = st.one_of(strategy, observed)
        if strategy is None:
            strategy = observed
        if strategy is None:
            if param.default is param.empty:
                raise InvalidArgument(
                    f"parameter {param.name!r} of {_name(func)}",
                    None,
                    "it has no type hint and no observed calls: add one (e.g. 'xs: list[int]'), give sample calls "
                    "(samples=), or pass a hypothesis strategy (--strategy)",
                )
            if param.kind is param.POSITIONAL_ONLY:
                break  # later positional-only parameters cannot be given without this one
            as_keyword = True
            continue
        if param.kind is param.KEYWORD_ONLY or as_keyword:
            keyword[param.name] = strategy
        else:
            positional.append(strategy)
    if extra is None:
        return st.tuples(st.tuples(*positional), st.fixed_dictionaries(keyword))
    return st.tuples(st.tuples(*positional), extra, st.fixed_dictionaries(keyword)).map(_splat)


def _splat(parts: tuple[tuple[Any, ...], tuple[Any, ...], dict[str, Any]]) -> Arguments:
    positional, extra, keyword = parts
    return (*positional, *extra), keyword


def _is_call(item: object) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple) and isinstance(item[1], dict)


def strategy_for_hint(hint: Any, *, max_size: int) -> SearchStrategy[Any]:
    """A bounded strategy for one type hint; raises UnsupportedHint for hints it cannot generate."""
    from hypothesis import strategies as st

    n = max_size
    if hint is typing.Any or hint is object:
        raise UnsupportedHint(f"values of type {hint!r}")
    if hint is None or hint is type(None):
        return st.none()
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-n, n)
    if hint is float:
        return st.floats(-n, n, allow_nan=False, allow_infinity=False)
    if hint is str:
        return st.text(max_size=n)
    if hint is bytes:
        return st.binary(max_size=n)
    if _is_ndarray(hint):
        return _array_strategy(n)
    origin, params = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy_for_hint(p, max_size=n) for p in params))
    if origin is typing.Literal:
        return st.sampled_from(params)
    if origin is None:
        raise UnsupportedHint(
            f"values of type {getattr(hint, '__name__', hint)!r} (give element types, e.g. list[int])"
        )
    inner = [strategy_for_hint(p, max_size=n) for p in params if p is not Ellipsis]
    if origin is tuple:
        if len(params) == 2 and params[1] is Ellipsis:
            return st.lists(inner[0], max_size=n).map(tuple)
        return st.tuples(*inner)
    if origin in _MAPPINGS and len(inner) == 2:
        return st.dictionaries(inner[0], inner[1], max_size=n)
    if origin in _SETS and len(inner) == 1:
        return st.sets(inner[0], max_size=n)
    if origin is frozenset and len(inner) == 1:
        return st.frozensets(inner[0], max_size=n)
    if origin in _SEQUENCES and len(inner) == 1:
        return st.lists(inner[0], max_size=n)
    raise UnsupportedHint(f"values of type {hint!r}")


def input_size(args: tuple[Any, ...] | list[Any], kwargs: Mapping[str, Any] | None = None) -> int:
    """The size of a call's inputs: the largest length of a string or collection, or magnitude of an integer,
    among the arguments and (recursively) their items. Used for cost-by-size curves."""
    values = [*args, *(kwargs or {}).values()]
    return max((_size_of(value, depth=0) for value in values), default=0)


def _size_of(value: Any, *, depth: int) -> int:
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return abs(value)
    if isinstance(value, float):
        return int(abs(value)) if value == value and abs(value) != float("inf") else 0
    if isinstance(value, str | bytes | bytearray):
        return len(value)
    if hasattr(value, "shape") and hasattr(value, "size"):  # numpy arrays
        return int(value.size)
    if isinstance(value, Mapping):
        items: list[Any] = [*value.keys(), *value.values()]
        size = len(value)
    elif isinstance(value, cabc.Collection):
        items = list(value)
        size = len(value)
    else:
        return 0
    if depth > 20:
        return size
    return max([size, *(_size_of(item, depth=depth + 1) for item in items)])


def _signature(func: Callable[..., Any]) -> inspect.Signature:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        raise InvalidArgument("func", func, "its signature cannot be read; pass a hypothesis strategy") from None


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func)
    except Exception as exc:  # unresolvable forward references and the like
        raise InvalidArgument(
            "func", _name(func), f"its type hints cannot be evaluated ({exc}); pass a hypothesis strategy"
        ) from None


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)


def _is_ndarray(hint: Any) -> bool:
    module = getattr(hint, "__module__", "") or ""
    origin = typing.get_origin(hint) or hint
    return module.startswith("numpy") and getattr(origin, "__name__", "") == "ndarray"


def _array_strategy(n: int) -> SearchStrategy[Any]:
    import numpy as np
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    elements = st.floats(-n, n, allow_nan=False, allow_infinity=False, width=64)
    return hnp.arrays(np.float64, st.integers(0, n), elements=elements)
