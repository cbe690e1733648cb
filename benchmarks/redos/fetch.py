"""Install each bug's vulnerable release outside perfkit's environment, once, and say where it is.

``pip install --no-deps --target <cache>/<name>-<version> name==version`` for the release and each of its
``needs``; a folder that already holds a ``.done`` marker is reused, so runs after the first need no network.
The cache is ``$PERFKIT_REDOS_CACHE`` or ``<tmp>/perfkit-redos``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from redos.manifest import Bug

CACHE = Path(os.environ.get("PERFKIT_REDOS_CACHE", Path(tempfile.gettempdir()) / "perfkit-redos"))
BENCHMARKS = Path(__file__).resolve().parent.parent


def folder(requirement: str, *, cache: Path = CACHE) -> Path:
    """The cache folder of one ``name==version`` requirement."""
    name, _, version = requirement.partition("==")
    return cache / f"{name.lower()}-{version}"


def install(requirement: str, *, cache: Path = CACHE) -> Path:
    """Install one pinned requirement into its own folder (first use only); the folder."""
    target = folder(requirement, cache=cache)
    if (target / ".done").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    done = subprocess.run([*command, "--upgrade", "--target", str(target), requirement], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not install {requirement}: {done.stderr.strip()[-400:]}")
    (target / ".done").write_text(requirement + "\n")
    return target


def paths(bug: Bug, *, fixed: bool = False, cache: Path = CACHE) -> list[Path]:
    """The import path of ``bug``: its release (``fixed``: the fixed one), its needs, then ``benchmarks/`` (for
    ``redos.wrappers``)."""
    requirements = [*bug.requirements, *bug.fixed_needs] if fixed else list(bug.requirements)
    if fixed:
        requirements[0] = f"{bug.package}=={bug.fixed}"
    return [*(install(r, cache=cache) for r in requirements), BENCHMARKS]


def environment(bug: Bug, *, fixed: bool = False, cache: Path = CACHE) -> dict[str, str]:
    """A copy of ``os.environ`` whose PYTHONPATH imports the bug's release first (for the subprocesses)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths(bug, fixed=fixed, cache=cache))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env
