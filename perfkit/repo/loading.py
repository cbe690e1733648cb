"""Importing the repository's functions from the private copy, not from wherever Python found them first."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError
from perfkit.repo.sources import import_roots


@contextmanager
def importable(root: Path) -> Iterator[None]:
    """Put the copy's import roots first on sys.path and make the copy the current folder, for the duration
    (project tests and relative paths then resolve in the copy)."""
    roots = [str(p) for p in import_roots(root)]
    cwd = os.getcwd()
    sys.path[:0] = roots
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(cwd)
        for entry in roots:
            if entry in sys.path:
                sys.path.remove(entry)


def fresh_module(name: str) -> Any:
    """Import ``name`` from the copy, dropping any earlier import of its package (another copy, or stale)."""
    top = name.split(".")[0]
    for loaded in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
        del sys.modules[loaded]
    importlib.invalidate_caches()
    return importlib.import_module(name)


def plain_function(module: Any, qualname: str) -> Any:
    """The plain function ``qualname`` names in ``module`` (a method's function, looked up in its class)."""
    found: Any = module
    for part in qualname.split("."):
        found = inspect.getattr_static(found, part)
    if not inspect.isfunction(found):
        kind = type(found).__name__
        raise PerfkitError(f"{qualname} is a {kind}, not a plain function or method; perfkit leaves it alone")
    return found
