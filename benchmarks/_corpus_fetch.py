"""Fetch the corpus projects from PyPI (``pip download --no-deps``, sdists first, wheels when there is no sdist),
unpack them in a cache under the temporary folder, and import corpus functions from there.

Nothing is installed: each project's code folder goes on ``sys.path`` and on ``PYTHONPATH`` (so perfkit's
worker processes and the hidden check find the same modules). Scripts that are not importable under a unique
name (pyperformance's ``bm_*/run_benchmark.py``) get a symlink named after their benchmark; the file is the
project's, byte for byte. The parts of one release in different halves (``Project.part``) share its download,
its unpacked folder and its folder of links; files are linked under ``Project.modules`` the same way when the
package's ``__init__`` needs what the corpus does not install (nltk's distance module).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from corpus.manifest import PROJECTS, Entry, Project

CACHE = Path(os.environ.get("PERFKIT_CORPUS_CACHE", Path(tempfile.gettempdir()) / "perfkit-corpus"))


def archive(project: Project, *, cache: Path = CACHE) -> Path:
    """The project's downloaded sdist (or wheel), downloading it on first use."""
    folder = cache / "downloads" / f"{project.name}-{project.version}"
    found = sorted(folder.glob("*")) if folder.is_dir() else []
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(folder)]
        done = subprocess.run([*pip, "--no-binary", ":all:", project.requirement], capture_output=True, text=True)
        if done.returncode != 0:  # no sdist on PyPI: the wheel
            subprocess.run([*pip, "--only-binary", ":all:", project.requirement], check=True)
        found = sorted(folder.glob("*"))
    return found[0]


def unpack(path: Path, into: Path) -> Path:
    """Unpack an sdist or wheel into ``into``; the project's top folder (``into`` itself for a wheel)."""
    into.mkdir(parents=True, exist_ok=True)
    if path.name.endswith((".tar.gz", ".tgz", ".tar.bz2")):
        with tarfile.open(path) as tar:
            tar.extractall(into, filter="data")
    else:
        with zipfile.ZipFile(path) as zipped:
            zipped.extractall(into)
    if path.suffix == ".whl":
        return into
    tops = [p for p in into.iterdir() if p.is_dir()]
    return tops[0] if len(tops) == 1 else into


def project_root(project: Project, *, cache: Path = CACHE) -> Path:
    """The unpacked project's import root in the cache (unpacked on first use)."""
    folder = cache / "src" / f"{project.name}-{project.version}"
    if not folder.is_dir():
        staging = folder.with_name(folder.name + ".partial")
        unpack(archive(project, cache=cache), staging)
        staging.rename(folder)
    inside = list(folder.iterdir())
    top = inside[0] if len(inside) == 1 and inside[0].is_dir() else folder
    return top / project.root if project.root else top


def import_paths(projects: Iterable[str], *, cache: Path = CACHE) -> list[str]:
    """Fetch and unpack the projects; the folders to import them from (with the symlinked script modules)."""
    paths = []
    for name in projects:
        project = PROJECTS[name]
        root = project_root(project, cache=cache)
        paths.append(str(root))
        if project.modules:
            links = cache / "modules" / f"{project.name}-{project.version}"
            links.mkdir(parents=True, exist_ok=True)
            for module, file in project.modules:
                link = links / f"{module}.py"
                if not link.exists():
                    link.symlink_to(root / file)
            paths.append(str(links))
    return paths


def activate(paths: list[str]) -> None:
    """Put ``paths`` first on ``sys.path`` and on ``PYTHONPATH`` (inherited by every child process)."""
    for path in reversed(paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    current = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([*paths, *(p for p in current if p not in paths)])


def load(entry: Entry) -> Callable[..., Any]:
    """The corpus function itself (its project must be on ``sys.path``)."""
    value: Any = importlib.import_module(entry.module)
    for part in entry.qualname.split("."):
        value = getattr(value, part)
    return value  # type: ignore[no-any-return]
