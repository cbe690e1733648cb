"""What the tests of the real-bug corpus's parts share: where a bug's wrapper is, and that it is a typed ``str`` entry
point that imports the library (the wrapper is only parsed, never imported)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from redos.manifest import Bug  # noqa: E402

WRAPPERS = ROOT / "benchmarks" / "redos" / "wrappers"
ADVISORY = re.compile(r"CVE-\d{4}-\d{4,}|GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}|#\d+")


def wrapper_path(bug_id: str) -> Path:
    return WRAPPERS / (bug_id.replace("-", "_") + ".py")


def check_wrapper(bug: Bug) -> None:
    """``bug``'s wrapper exists, has a docstring, a ``target(s: str)`` and imports the library of ``bug.function``."""
    path = wrapper_path(bug.id)
    assert path.exists(), f"{bug.id} has no wrapper {path.name}"
    tree = ast.parse(path.read_text(), filename=str(path))
    funcs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "target" in funcs and ast.get_docstring(tree), path.name
    arg = funcs["target"].args.args
    assert len(arg) == 1 and isinstance(arg[0].annotation, ast.Name) and arg[0].annotation.id == "str"
    imported = {
        alias.name.split(".")[0] if isinstance(node, ast.Import) else (node.module or "").split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert bug.function.split(":")[0].split(".")[0] in imported, f"{path.name} does not import the library"
