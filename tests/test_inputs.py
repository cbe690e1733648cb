"""Strategies from type hints: shapes, bounds, and the errors that tell a user how to give a strategy."""

from __future__ import annotations

from typing import Literal, Optional

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfkit.errors import InvalidArgument
from perfkit.inputs import arguments_strategy, input_size

N = 6


def scalars(a: int, b: float, c: str, d: bytes, e: bool) -> None: ...


def nested(xs: list[list[int]], m: dict[str, tuple[int, ...]], s: set[int], f: frozenset[str]) -> None: ...


def optional(x: Optional[int], y: int | str, mode: Literal["a", "b"], *, flag: bool) -> None: ...  # noqa: UP045


def defaults(xs: list[int], scale=2, step: int = 1, *rest: int, **extra: str) -> None: ...


def array(a: np.ndarray) -> None: ...


@settings(max_examples=60, deadline=None)
@given(arguments_strategy(scalars, max_size=N))
def test_scalars_are_bounded(call: tuple) -> None:
    (a, b, c, d, e), kwargs = call
    assert kwargs == {}
    assert isinstance(a, int) and -N <= a <= N
    assert isinstance(b, float) and -N <= b <= N
    assert isinstance(c, str) and len(c) <= N
    assert isinstance(d, bytes) and len(d) <= N
    assert isinstance(e, bool)


@settings(max_examples=60, deadline=None)
@given(arguments_strategy(nested, max_size=N))
def test_nested_collections_have_the_hinted_shape(call: tuple) -> None:
    (xs, m, s, f), _ = call
    assert isinstance(xs, list) and len(xs) <= N and all(isinstance(x, list) and len(x) <= N for x in xs)
    assert all(isinstance(k, str) and isinstance(v, tuple) for k, v in m.items()) and len(m) <= N
    assert isinstance(s, set) and isinstance(f, frozenset)


@settings(max_examples=80, deadline=None)
@given(arguments_strategy(optional, max_size=N))
def test_unions_literals_and_keyword_only(call: tuple) -> None:
    (x, y, mode), kwargs = call
    assert x is None or isinstance(x, int)
    assert isinstance(y, int | str)
    assert mode in ("a", "b")
    assert set(kwargs) == {"flag"}


@settings(max_examples=30, deadline=None)
@given(arguments_strategy(defaults, max_size=N))
def test_unhinted_defaults_are_kept_and_later_parameters_go_by_name(call: tuple) -> None:
    args, kwargs = call
    assert len(args) == 1 and isinstance(args[0], list)
    assert set(kwargs) == {"step"}  # 'scale' keeps its default, so 'step' must be passed by name
    defaults(*args, **kwargs)


@settings(max_examples=20, deadline=None)
@given(arguments_strategy(array, max_size=N))
def test_numpy_arrays(call: tuple) -> None:
    (a,), _ = call
    assert a.dtype == np.float64 and a.size <= N


@settings(max_examples=10, deadline=None)
@given(arguments_strategy(scalars, max_size=N, overrides={"a": st.just(99)}))
def test_overrides_win(call: tuple) -> None:
    assert call[0][0] == 99


def test_overrides_are_checked() -> None:
    with pytest.raises(InvalidArgument, match="no parameter 'zz'"):
        arguments_strategy(scalars, max_size=N, overrides={"zz": st.just(1)})


def test_missing_hint_names_the_parameter_and_the_fix() -> None:
    def f(xs, n: int) -> None: ...

    with pytest.raises(InvalidArgument, match=r"parameter 'xs'.*add one.*--strategy"):
        arguments_strategy(f, max_size=N)


@pytest.mark.parametrize("hint", [list, object])
def test_unsupported_hint(hint: object) -> None:
    def f(x) -> None: ...

    f.__annotations__["x"] = hint
    with pytest.raises(InvalidArgument, match=r"parameter 'x'.*pass a hypothesis strategy"):
        arguments_strategy(f, max_size=N)


@pytest.mark.parametrize("size", [0, -3, 1.5, True])
def test_max_size_is_validated(size: object) -> None:
    with pytest.raises(InvalidArgument, match="max_size"):
        arguments_strategy(scalars, max_size=size)  # type: ignore[arg-type]


def test_input_size() -> None:
    assert input_size(([1, 2, 3],), {}) == 3
    assert input_size((500, "ab"), {"xs": [[1] * 10]}) == 500
    assert input_size(([[0] * 7, []],)) == 7
    assert input_size(({"k": "v" * 9},)) == 9
    assert input_size((np.zeros(12),)) == 12
    assert input_size((None, True, float("nan"))) == 0
    assert input_size(()) == 0


def test_samples_stand_in_for_missing_or_unsupported_hints() -> None:
    def f(xs, n: int, table: object) -> None: ...  # type: ignore[no-untyped-def]

    samples = [(([3, 1], 40, {"a": (1, 2.5)}), {}), (([],), {"n": 2, "table": {}})]
    seen: list[tuple] = []

    @settings(max_examples=80, deadline=None, database=None)
    @given(arguments_strategy(f, max_size=N, samples=samples))
    def collect(call: tuple) -> None:
        seen.append(call)

    collect()
    for (xs, n, table), kwargs in seen:
        assert kwargs == {} and isinstance(xs, list) and all(type(x) is int and 1 <= x <= 3 for x in xs)
        assert type(n) is int and -N <= n <= N  # a usable hint wins over the observed shape
        assert isinstance(table, dict)  # 'object' cannot be generated: the observed shape is used
        assert all(type(k) is str and type(v) is tuple and len(v) == 2 for k, v in table.items())
    assert any(len(xs) > 2 for (xs, _, _), _ in seen)
