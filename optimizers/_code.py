"""Source handling shared by the proposers and the loop: candidate callables, type descriptions, diffs."""

from __future__ import annotations

import ast
import difflib
import hashlib
import importlib
import inspect
import os
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument


class CodeRef:
    """A picklable callable: ``module:name`` as imported, or as redefined by ``source`` in a copy of its module.

    Worker processes import the module, run the candidate source in a copy of its namespace and call the
    function it defines, so a candidate never touches the real module. ``name`` may be a method's qualified name
    (``Class.method``); the callable then takes the instance as its first argument.
    """

    def __init__(self, module: str, name: str, source: str | None = None) -> None:
        self.module = module
        self.name = name
        self.source = source
        self._func: Callable[..., Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"module": self.module, "name": self.name, "source": self.source}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["module"], state["name"], state["source"])  # type: ignore[misc]

    def load(self) -> Callable[..., Any]:
        """The function (compiled once, then cached)."""
        if self._func is None:
            module = importlib.import_module(self.module)
            if self.source is None:
                found: Any = module
                for part in self.name.split("."):  # a method: Class.method, called with the instance first
                    found = getattr(found, part)
                self._func = found
            else:
                namespace = dict(vars(module))
                code = compile(self.source, _source_file(module, self.name, self.source), "exec")
                exec(code, namespace)
                self._func = namespace[self.name.rsplit(".", 1)[-1]]
        assert self._func is not None
        return self._func

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.load()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"CodeRef({self.module}:{self.name}{', candidate' if self.source else ''})"


def _source_file(module: Any, name: str, source: str) -> str:
    """A file holding ``source``, named by a hash of it and of its module's file: tools that read a function's
    file work for candidates too (numba's on-disk cache, shared by the processes that check and time one)."""
    try:
        module_bytes = Path(module.__file__).read_bytes()
    except (AttributeError, TypeError, OSError):
        module_bytes = b""
    digest = hashlib.sha256(source.encode() + b"\0" + module_bytes).hexdigest()[:20]
    folder = os.environ.get("PERFKIT_CANDIDATES") or Path(tempfile.gettempdir()) / "perfkit-candidates"
    path = Path(folder) / f"{name.replace('.', '_')}_{digest}.py"
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
            partial.write_text(source, encoding="utf-8")
            os.replace(partial, path)
        except OSError:  # no writable temporary directory: the candidate runs from its string
            return f"<perfkit candidate {name}>"
    return str(path)


def function_source(func: Callable[..., Any]) -> tuple[str, int]:
    """The dedented source of a module-level function or a method, and its first line in the file."""
    if not inspect.isfunction(func) or "<locals>" in func.__qualname__ or func.__module__ == "__main__":
        raise InvalidArgument(
            "func",
            func,
            "give a function or method of an importable module (not a nested function, lambda or __main__)",
        )
    try:
        lines, start = inspect.getsourcelines(func)
    except (OSError, TypeError) as exc:
        fix = f"its source is not available ({exc}); give a function defined in a .py file"
        raise InvalidArgument("func", func, fix) from None
    source = textwrap.dedent("".join(lines))
    if "." in func.__qualname__:
        problem = _class_bound(source)
        if problem:
            raise InvalidArgument("func", func, f"a method that {problem} only works inside its class body")
    return source, start


def _class_bound(source: str) -> str:
    """What ties a method's source to its class body (``super()``, ``__class__``, private names), or ""."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "does not parse"
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if name in ("super", "__class__"):
            return f"uses {name}"
        if name.startswith("__") and not name.endswith("__"):
            return f"uses the private name {name}"
    return ""


def as_method(source: str, name: str) -> str:
    """A candidate for a method, as the method alone: statements around ``def name`` (imports, helpers) move to
    the start of its body, so the source can replace the method inside its class and run the same way there as
    it did when verified. Unchanged when it is the method alone or does not parse."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return source
    defs = [stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef) and stmt.name == name]
    target = defs[-1] if defs else None
    others = [stmt for stmt in tree.body if stmt is not target]
    if target is None or not others:
        return source
    body = target.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else []
    target.body = [*docstring, *others, *body[len(docstring) :]]
    return ast.unparse(target) + "\n"


def defines(source: str, name: str) -> ast.FunctionDef | None:
    """The top-level ``def name`` in ``source`` (None if absent or the source does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            found = node
    return found


def describe_type(value: Any, depth: int = 0) -> str:
    """``list[int]``, ``dict[str, int]``, ``tuple[int, str]``: the shape of a value, for rules and prompts."""
    kind = type(value)
    if depth > 2:
        return kind.__name__
    if kind in (list, set, frozenset) or (kind is tuple and len(value) > 8):
        inner = sorted({describe_type(v, depth + 1) for v in list(value)[:1000]})
        return f"{kind.__name__}[{' | '.join(inner)}]" if inner else f"{kind.__name__}[]"
    if kind is tuple:
        return f"tuple[{', '.join(describe_type(v, depth + 1) for v in value)}]"
    if kind is dict:
        keys = sorted({describe_type(k, depth + 1) for k in list(value)[:1000]})
        vals = sorted({describe_type(v, depth + 1) for v in list(value.values())[:1000]})
        return f"dict[{' | '.join(keys) or '?'}, {' | '.join(vals) or '?'}]"
    return kind.__name__


def element_types(description: str) -> set[str] | None:
    """The element types of a ``list[...]``/``tuple[...]``/``set[...]`` description (None if it is not one)."""
    for prefix in ("list[", "tuple[", "set[", "frozenset["):
        if description.startswith(prefix) and description.endswith("]"):
            inner = description[len(prefix) : -1]
            return {part.strip() for part in inner.split(" | ")} - {""}
    return None


def bound_calls(
    signature: inspect.Signature, inputs: Iterable[tuple[tuple[Any, ...], dict[str, Any]]], *, defaults: bool = True
) -> Iterator[dict[str, Any]]:
    """Each input's arguments by parameter name (with the defaults it leaves out filled in when ``defaults``);
    inputs that do not bind to ``signature`` are passed over."""
    for args, kwargs in inputs:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            continue
        if defaults:
            bound.apply_defaults()
        yield dict(bound.arguments)


def bound_types(func: Callable[..., Any], inputs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> dict[str, set[str]]:
    """For each parameter, the type descriptions its values had across ``inputs``."""
    signature = inspect.signature(func)
    seen: dict[str, set[str]] = {name: set() for name in signature.parameters}
    for arguments in bound_calls(signature, inputs):
        for name, value in arguments.items():
            seen.setdefault(name, set()).add(describe_type(value))
    return seen


def replace_function(module_source: str, old_source: str, start: int, new_source: str) -> str:
    """``module_source`` with the function at lines ``start``.. (``old_source``) replaced by ``new_source``."""
    lines = module_source.splitlines(keepends=True)
    old_lines = old_source.splitlines(keepends=True)
    first = lines[start - 1] if start - 1 < len(lines) else ""
    indent = first[: len(first) - len(first.lstrip())]
    new_lines = [indent + line if line.strip() else line for line in textwrap.dedent(new_source).splitlines(True)]
    if new_lines and not new_lines[-1].endswith("\n"):
        new_lines[-1] += "\n"
    return "".join(lines[: start - 1] + new_lines + lines[start - 1 + len(old_lines) :])


def unified_diff(module_source: str, old_source: str, start: int, new_source: str, *, path: str) -> str:
    """The unified diff that replaces the function (lines ``start``.. of ``module_source``) by ``new_source``."""
    patched = replace_function(module_source, old_source, start, new_source)
    lines, new_lines = module_source.splitlines(keepends=True), patched.splitlines(keepends=True)
    return "".join(difflib.unified_diff(lines, new_lines, fromfile=f"a/{path}", tofile=f"b/{path}"))
