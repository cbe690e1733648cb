"""Run a workload as ``__main__`` with the repository's modules patched as they load.

Shared by the workload children (:mod:`perfkit.repo._capture_run`, :mod:`perfkit.repo._selection_run`): each says
which functions of which modules it wants and how to patch a module once it has executed.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import runpy
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

Patch = Callable[[ModuleType, list[str]], None]


class _AfterExec(importlib.abc.MetaPathFinder):
    """Calls ``patch(module, qualnames)`` right after each wanted module executes."""

    def __init__(self, wanted: dict[str, list[str]], patch: Patch) -> None:
        self.wanted = wanted
        self.patch = patch

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname not in self.wanted:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        exec_module, qualnames, patch = spec.loader.exec_module, self.wanted[fullname], self.patch

        def patched_exec(module: ModuleType) -> None:
            exec_module(module)
            patch(module, qualnames)

        spec.loader.exec_module = patched_exec  # type: ignore[method-assign]
        return spec


def install(wanted: dict[str, list[str]], patch: Patch) -> None:
    """Patch the wanted modules already imported now, and the others as they load."""
    wanted = dict(wanted)
    for name in [m for m in wanted if m in sys.modules]:
        patch(sys.modules[name], wanted.pop(name))
    sys.meta_path.insert(0, _AfterExec(wanted, patch))


def run_workload(command: list[str]) -> None:
    """Run ``script.py args`` or ``-m module args`` as ``__main__``, as ``python`` would."""
    sys.path.insert(0, "")
    if command[0] == "-m":
        sys.argv = [command[1], *command[2:]]
        runpy.run_module(command[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(command)
        sys.path[0] = str(Path(command[0]).resolve().parent)
        runpy.run_path(command[0], run_name="__main__")
