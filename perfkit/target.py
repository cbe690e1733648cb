"""Resolving what to measure: ``path/to/file.py:func`` or ``package.module:func``, and its arguments.

Every command that takes a target (measure, fuzz, optimize) resolves it here, so the errors read the same
everywhere.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from perfkit.errors import InvalidArgument, TargetError


@dataclass(frozen=True)
class Target:
    """A resolved callable and where it came from."""

    spec: str
    func: Callable[..., Any]
    module: ModuleType
    qualname: str
    path: Path | None = field(default=None)

    @property
    def name(self) -> str:
        """A short display name: ``module.qualname``."""
        return f"{self.module.__name__}.{self.qualname}"


def split_spec(spec: str) -> tuple[str, str]:
    """Split ``where:qualname`` at the last colon; validates the shape only."""
    if not isinstance(spec, str) or ":" not in spec:
        raise InvalidArgument("target", spec, "give it as 'path/to/file.py:function' or 'package.module:function'")
    where, _, qualname = spec.rpartition(":")
    if not where or not qualname or not all(part.isidentifier() for part in qualname.split(".")):
        raise InvalidArgument("target", spec, "give it as 'path/to/file.py:function' or 'package.module:function'")
    return where, qualname


def resolve(spec: str) -> Target:
    """Import the module or file named by ``spec`` and return the callable it names."""
    obj, module, path = resolve_object(spec)
    qualname = split_spec(spec)[1]
    if not callable(obj):
        raise TargetError(f"target {spec!r}: {qualname!r} is a {type(obj).__name__}, not a callable")
    return Target(spec=spec, func=obj, module=module, qualname=qualname, path=path)


def resolve_object(spec: str) -> tuple[Any, ModuleType, Path | None]:
    """The object (callable or not) named by ``spec``, its module, and the file when ``spec`` names one."""
    where, qualname = split_spec(spec)
    path: Path | None = None
    if where.endswith(".py") or "/" in where or "\\" in where:
        path = Path(where).expanduser().resolve()
        if not path.is_file():
            raise TargetError(f"target {spec!r}: no such file {where!r}")
        module = _import_file(path, spec)
    else:
        module = _import_module(where, spec)
    obj: Any = module
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
            hint = f"; it defines: {', '.join(names[:12])}" if names else ""
            raise TargetError(f"target {spec!r}: {where!r} has no attribute {qualname!r}{hint}") from None
    return obj, module, path


def _import_file(path: Path, spec: str) -> ModuleType:
    """Import a source file as a module named after its stem (so its objects pickle); its folder joins sys.path."""
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = path.stem if path.stem.isidentifier() else "perfkit_target"
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve() == path:
        return existing
    if existing is not None:
        name = f"perfkit_target_{abs(hash(str(path)))}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise TargetError(f"target {spec!r}: cannot load {str(path)!r} as Python source")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException as exc:
        del sys.modules[name]
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise TargetError(f"target {spec!r}: importing {path.name} failed: {_describe(exc)}") from exc
    return module


def _import_module(name: str, spec: str) -> ModuleType:
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise TargetError(f"target {spec!r}: no module named {exc.name!r}") from exc
        raise TargetError(f"target {spec!r}: importing {name} failed: {_describe(exc)}") from exc
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise TargetError(f"target {spec!r}: importing {name} failed: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    """One line: the exception type and message, with the line number for syntax errors."""
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} (line {exc.lineno})"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe_exception(exc: BaseException) -> str:
    """Public one-line description of an exception raised by user code."""
    return _describe(exc)


def parse_arguments(
    *, args_json: str | None = None, kwargs_json: str | None = None, args_file: str | None = None
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Turn the CLI's ``--args``/``--kwargs`` JSON or ``--args-file`` into ``(args, kwargs)``.

    ``--args`` is a JSON list of positional arguments. ``--args-file`` holds one Python expression that gives
    a list/tuple of positional arguments (``[list(range(1000, 0, -1))]``) or ``{"args": [...], "kwargs": {...}}``.
    """
    if args_file is not None and (args_json is not None or kwargs_json is not None):
        raise InvalidArgument("--args-file", args_file, "use either --args-file or --args/--kwargs, not both")
    if args_file is not None:
        return _arguments_from_file(args_file)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if args_json is not None:
        args = _load_json("--args", args_json)
        if not isinstance(args, list):
            raise InvalidArgument("--args", args_json, "give a JSON list of positional arguments, e.g. '[[3, 1, 2]]'")
    if kwargs_json is not None:
        kwargs = _load_json("--kwargs", kwargs_json)
        if not isinstance(kwargs, dict):
            raise InvalidArgument("--kwargs", kwargs_json, "give a JSON object, e.g. '{\"reverse\": true}'")
    return tuple(args), kwargs


def _load_json(option: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidArgument(option, text, f"not valid JSON ({exc.msg} at column {exc.colno})") from None


def _arguments_from_file(filename: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    path = Path(filename)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InvalidArgument("--args-file", filename, f"cannot read it ({exc.strerror})") from None
    try:
        code = compile(text.strip(), str(path), "eval")
    except SyntaxError as exc:
        raise InvalidArgument(
            "--args-file", filename, f"it must hold one Python expression (line {exc.lineno}: {exc.msg})"
        ) from None
    try:
        value = eval(code, {"__builtins__": builtins})  # the user's own file, like the target itself
    except Exception as exc:
        raise InvalidArgument("--args-file", filename, f"evaluating it raised {_describe(exc)}") from None
    if isinstance(value, dict) and set(value) <= {"args", "kwargs"}:
        args, kwargs = value.get("args", []), value.get("kwargs", {})
        if isinstance(args, list | tuple) and isinstance(kwargs, dict):
            return tuple(args), dict(kwargs)
    if isinstance(value, list | tuple):
        return tuple(value), {}
    raise InvalidArgument(
        "--args-file", filename, "it must hold a list of arguments or {'args': [...], 'kwargs': {...}}"
    )
