"""The inputs a campaign draws: from the target's type hints (and, for parameters without one, the shapes of its
observed calls), a user's hypothesis strategy of ``(args, kwargs)``, or a user's generator function
``gen(rng: random.Random, max_size: int) -> (args, kwargs)``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from perfkit.errors import InvalidArgument

if TYPE_CHECKING:
    from perfkit.shapes import Observed

STRATEGY_FIX = (
    "give 'module:name' or 'path/file.py:name' naming a hypothesis strategy of (args, kwargs) "
    "or a function gen(rng, max_size) -> (args, kwargs)"
)


def load_user_strategy(spec: str) -> Any:
    """The object named by ``--strategy module:name`` (or ``path/file.py:name``)."""
    from perfkit.errors import TargetError
    from perfkit.target import resolve_object

    try:
        return resolve_object(spec)[0]
    except InvalidArgument:
        raise InvalidArgument("--strategy", spec, STRATEGY_FIX) from None
    except TargetError as exc:
        raise InvalidArgument("--strategy", spec, str(exc)) from None


@dataclass(frozen=True)
class ObservedCalls:
    """The shapes of a target's observed calls, standing in for a strategy: the campaign's workers draw inputs
    from the hints, and from these shapes (mode ``observed``, scaled to ``max_size``) where hints are missing.
    Small and picklable (values of classes that cannot be generated are kept, at most a few per parameter)."""

    observed: Observed


def observed_calls(func: Callable[..., Any], samples: Any) -> ObservedCalls:
    """``samples`` (``(args, kwargs)`` pairs of real calls) as an :class:`ObservedCalls`; InvalidArgument when
    they are not pairs, none binds to ``func``'s signature, or their shapes cannot be sent to a worker."""
    import pickle

    from perfkit.shapes import observe

    if not isinstance(samples, list | tuple) or not samples or not all(_is_pair(item) for item in samples):
        raise InvalidArgument("samples", _short(samples), "give a non-empty list of (args tuple, kwargs dict) pairs")
    observed = observe(func, samples)
    if not observed.calls:
        raise InvalidArgument("samples", _short(samples), "none of them binds to the function's parameters")
    calls = ObservedCalls(observed)
    try:
        pickle.dumps(calls)
    except Exception as exc:
        raise InvalidArgument(
            "samples", _short(samples), f"their values cannot be sent to a worker process ({exc})"
        ) from None
    return calls


def _is_pair(item: object) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple) and isinstance(item[1], dict)


def input_strategy(func: Callable[..., Any], *, max_size: int, user: Any = None) -> Any:
    """A hypothesis strategy of ``(args, kwargs)`` for ``func``; InvalidArgument names what is missing."""
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy

    if isinstance(user, str):
        user = load_user_strategy(user)
    if user is None or isinstance(user, ObservedCalls):
        from perfkit.inputs import arguments_strategy

        samples = user.observed if user is not None else None
        return arguments_strategy(func, max_size=max_size, samples=samples)
    if isinstance(user, SearchStrategy):
        return user.map(_normalized)
    if callable(user):
        try:
            inspect.signature(user).bind(None, max_size)
        except (TypeError, ValueError):
            raise InvalidArgument("strategy", user, STRATEGY_FIX) from None
        return st.randoms(use_true_random=False).map(lambda rng: _normalized(user(rng, max_size)))
    raise InvalidArgument("strategy", user, STRATEGY_FIX)


def _normalized(value: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    if (
        isinstance(value, tuple | list)
        and len(value) == 2
        and isinstance(value[0], tuple | list)
        and isinstance(value[1], dict)
    ):
        return tuple(value[0]), dict(value[1])
    raise InvalidArgument("strategy", _short(value), "it must produce (args, kwargs) pairs, e.g. (([3, 1, 2],), {})")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def check_draws(strategy: Any) -> None:
    """Draw one example now, so a strategy that produces the wrong shape fails before the campaign."""
    from hypothesis import HealthCheck, Phase, given, seed, settings

    @settings(
        max_examples=1, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @seed(0)  # a seeded draw: hypothesis prints no "reproduce with @seed(...)" line to the user's terminal
    @given(strategy)
    def draw(value: Any) -> None:
        pass

    try:
        draw()
    except InvalidArgument:
        raise
    except Exception as exc:
        from perfkit.target import describe_exception

        raise InvalidArgument("strategy", "", f"drawing an input failed: {describe_exception(exc)}") from None
