"""Running a repository's workload and tests in a copy, so that the copy's modules are the ones imported."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from perfkit.errors import PerfkitError
from perfkit.repo.sources import import_roots


def repo_env(root: Path) -> dict[str, str]:
    """The environment for commands run in ``root``: its import roots first on PYTHONPATH (ahead of any installed
    copy of the same package), this interpreter's folder first on PATH (so 'python' is the one perfkit runs on),
    and no bytecode files written into the copy."""
    env = dict(os.environ)
    paths = [str(p) for p in import_roots(root)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_checked(argv: list[str], *, root: Path, timeout: float, what: str) -> str:
    """Run ``argv`` in ``root``; its output on success, else a PerfkitError quoting the end of its output."""
    from perfkit.harness.group import run_group

    try:
        result = run_group(argv, cwd=root, env=repo_env(root), timeout=timeout)  # nothing it starts outlives it
    except FileNotFoundError:
        raise PerfkitError(f"{what} {' '.join(argv)!r}: no such program {argv[0]!r}") from None
    if result.timed_out:
        raise PerfkitError(f"{what} {' '.join(argv)!r} did not finish within {timeout:.0f} s")
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:]) or "(no output)"
        raise PerfkitError(f"{what} {' '.join(argv)!r} failed with status {result.returncode}:\n{tail}")
    return output
