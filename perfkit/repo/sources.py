"""A repository's own Python sources: which files count, their module names, and the functions in them."""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from pathlib import Path

from perfkit.repo.workspace import IGNORED


@dataclass(frozen=True)
class FunctionInfo:
    """A function or method defined in a source file (``qualname`` like ``Class.method``)."""

    path: Path
    module: str
    qualname: str
    lineno: int  # first line, decorators included
    end_lineno: int

    @property
    def key(self) -> str:
        """``module:qualname``, the name perfkit reports and targets use."""
        return f"{self.module}:{self.qualname}"


def python_files(root: Path, *, include: tuple[str, ...], exclude: tuple[str, ...]) -> list[Path]:
    """The repository's ``.py`` files that match ``include`` and not ``exclude`` (globs on the relative path)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(_ignored(part) for part in relative.parts[:-1]):
            continue
        text = relative.as_posix()
        if _matches(text, include) and not _matches(text, exclude):
            found.append(path)
    return found


def module_name(root: Path, path: Path) -> str | None:
    """The import name of ``path`` when the repository root (or its ``src/``) is on sys.path."""
    relative = path.relative_to(root)
    if relative.parts and relative.parts[0] == "src":
        relative = relative.relative_to("src")
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def import_roots(root: Path) -> list[Path]:
    """The folders to put on sys.path so the repository's modules import: the root, and ``src/`` if present."""
    return [root, root / "src"] if (root / "src").is_dir() else [root]


def functions_in(root: Path, path: Path) -> list[FunctionInfo]:
    """Every function and method of a file (nested functions excluded: they cannot be targeted by name)."""
    module = module_name(root, path)
    if module is None:
        return []
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    result: list[FunctionInfo] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                end = node.end_lineno or node.lineno
                result.append(FunctionInfo(path, module, prefix + node.name, first, end))
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return result


def function_at(functions: list[FunctionInfo], line: int) -> FunctionInfo | None:
    """The innermost listed function whose lines contain ``line``."""
    holding = [f for f in functions if f.lineno <= line <= f.end_lineno]
    return min(holding, key=lambda f: f.end_lineno - f.lineno, default=None)


def _matches(text: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if fnmatch.fnmatch(text, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatch(text, pattern[3:]):
            return True  # '**/x' also matches 'x' at the top
    return False


def _ignored(part: str) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for pattern in IGNORED)
