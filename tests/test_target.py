"""Resolving targets and parsing their arguments: what every command shares."""

from __future__ import annotations

import pytest

from perfkit.errors import InvalidArgument, TargetError
from perfkit.target import parse_arguments, resolve, split_spec

from .conftest import FIXTURES, ROOT


def test_resolves_file_target() -> None:
    target = resolve(f"{FIXTURES / 'workloads.py'}:add")
    assert target.func(2, 3) == 5
    assert target.path == FIXTURES / "workloads.py"
    assert target.qualname == "add"


def test_resolves_module_target_and_nested_attribute() -> None:
    assert resolve("tests.fixtures.workloads:busy").func(4) == 14
    assert resolve("collections:OrderedDict.fromkeys").func("ab") == {"a": None, "b": None}


def test_relative_file_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert resolve("examples/slow.py:dedupe").func([1, 1, 2]) == [1, 2]


@pytest.mark.parametrize("spec", ["nocolon", ":f", "file.py:", "file.py:not-an-identifier", 42])
def test_malformed_spec_is_invalid_argument(spec: object) -> None:
    with pytest.raises(InvalidArgument, match="target="):
        split_spec(spec)  # type: ignore[arg-type]


def test_missing_file() -> None:
    with pytest.raises(TargetError, match="no such file"):
        resolve("does/not/exist.py:f")


def test_missing_function_lists_what_exists() -> None:
    with pytest.raises(TargetError, match=r"has no attribute 'nope'.*busy"):
        resolve(f"{FIXTURES / 'workloads.py'}:nope")


def test_import_failure_is_one_line() -> None:
    with pytest.raises(TargetError, match="ZeroDivisionError: import-time failure") as info:
        resolve(f"{FIXTURES / 'broken_import.py'}:anything")
    assert "\n" not in str(info.value)


def test_missing_module() -> None:
    with pytest.raises(TargetError, match="no module named 'no_such_module_xyz'"):
        resolve("no_such_module_xyz:f")


def test_not_callable() -> None:
    with pytest.raises(TargetError, match="not a callable"):
        resolve("math:pi")


def test_parse_json_arguments() -> None:
    assert parse_arguments(args_json="[[3, 1, 2], 2]", kwargs_json='{"x": 1}') == (([3, 1, 2], 2), {"x": 1})
    assert parse_arguments() == ((), {})


@pytest.mark.parametrize(
    ("args_json", "kwargs_json", "message"),
    [("[1,", None, "not valid JSON"), ('{"a": 1}', None, "JSON list"), (None, "[1]", "JSON object")],
)
def test_bad_json_arguments(args_json: str | None, kwargs_json: str | None, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse_arguments(args_json=args_json, kwargs_json=kwargs_json)


def test_args_file_expression(tmp_path) -> None:
    path = tmp_path / "args.py"
    path.write_text("# comment\n[list(range(5, 0, -1))]\n")
    assert parse_arguments(args_file=str(path)) == (([5, 4, 3, 2, 1],), {})
    path.write_text("{'args': [1], 'kwargs': {'scale': 3}}")
    assert parse_arguments(args_file=str(path)) == ((1,), {"scale": 3})


@pytest.mark.parametrize(("text", "message"), [("[1,", "one Python expression"), ("1/0", "ZeroDivisionError")])
def test_bad_args_file(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "args.py"
    path.write_text(text)
    with pytest.raises(InvalidArgument, match=message):
        parse_arguments(args_file=str(path))


def test_args_file_and_json_conflict(tmp_path) -> None:
    with pytest.raises(InvalidArgument, match="not both"):
        parse_arguments(args_json="[]", args_file=str(tmp_path / "x.py"))
