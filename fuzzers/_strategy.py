"""The inputs a campaign draws: from the target's type hints, a user's hypothesis strategy of ``(args, kwargs)``,
or a user's generator function ``gen(rng: random.Random, max_size: int) -> (args, kwargs)``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from perfkit.errors import InvalidArgument

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


def input_strategy(func: Callable[..., Any], *, max_size: int, user: Any = None) -> Any:
    """A hypothesis strategy of ``(args, kwargs)`` for ``func``; InvalidArgument names what is missing."""
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy

    if isinstance(user, str):
        user = load_user_strategy(user)
    if user is None:
        from perfkit.inputs import arguments_strategy

        return arguments_strategy(func, max_size=max_size)
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
    from hypothesis import HealthCheck, Phase, given, settings

    @settings(
        max_examples=1, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
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
