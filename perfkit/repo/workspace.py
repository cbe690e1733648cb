"""A private copy of the user's repository to patch and test; diffs against the original; guarded apply.

perfkit never edits the user's tree except through :func:`apply_files`, which the CLI calls only for
``--apply`` and which refuses files with uncommitted changes.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import tempfile
from pathlib import Path

from perfkit._io import write_atomic
from perfkit.errors import PerfkitError

IGNORED = (
    ".git",
    ".hg",
    ".venv",
    "venv",
    "__pycache__",
    ".perfkit",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "node_modules",
    "build",
    "dist",
    "*.egg-info",
    ".tox",
    ".nox",
)


class Workspace:
    """A temporary copy of ``root``. Use as a context manager; the copy is deleted on exit."""

    def __init__(self, root: Path) -> None:
        self.original = root.resolve()
        self._tmp = tempfile.TemporaryDirectory(prefix="perfkit-work-")
        self.path = Path(self._tmp.name) / self.original.name
        shutil.copytree(self.original, self.path, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)

    def read(self, relative: str | Path) -> str:
        """The current text of a file of the copy."""
        return (self.path / relative).read_text()

    def write(self, relative: str | Path, text: str) -> None:
        """Replace a file of the copy."""
        write_atomic(self.path / relative, text)

    def reset(self, relative: str | Path) -> None:
        """Put a file of the copy back as it is in the original."""
        self.write(relative, (self.original / relative).read_text())

    def diff(self, relative: str | Path) -> str:
        """A unified diff (``a/``, ``b/`` paths, as git writes them) from the original file to the copy's."""
        name = Path(relative).as_posix()
        before = (self.original / relative).read_text().splitlines(keepends=True)
        after = self.read(relative).splitlines(keepends=True)
        return "".join(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))

    def close(self) -> None:
        """Delete the copy."""
        self._tmp.cleanup()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def uncommitted(root: Path, files: list[str]) -> list[str]:
    """Which of ``files`` (relative to ``root``) have uncommitted changes; [] outside a git repository."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--", *files], cwd=root, capture_output=True, text=True, check=False
        )
    except OSError:
        return []
    if out.returncode != 0:
        return []
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True)
    prefix = root.resolve().relative_to(Path(top.stdout.strip()).resolve()) if top.returncode == 0 else Path()
    changed = []
    for line in out.stdout.splitlines():
        path = Path(line[3:].split(" -> ")[-1])
        changed.append(str(path.relative_to(prefix)) if prefix.parts and path.is_relative_to(prefix) else str(path))
    return sorted(changed)


def apply_files(workspace: Workspace, files: list[str]) -> None:
    """Copy ``files`` from the workspace over the user's tree; refuses if any has uncommitted changes."""
    dirty = uncommitted(workspace.original, files)
    if dirty:
        raise PerfkitError(
            f"--apply refused: {', '.join(dirty)} has uncommitted changes; commit or stash them, then run again "
            "(the patches are in the results folder)"
        )
    for relative in files:
        write_atomic(workspace.original / relative, workspace.read(relative))
