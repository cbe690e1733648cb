"""Atomic file writes: results are written to a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any


def document(kind: str, version: int, body: dict[str, Any]) -> dict[str, Any]:
    """perfkit's one convention for the JSON it writes: an object whose first keys are ``format``
    (``"perfkit.<kind>"``) and ``schema_version`` (an int, raised when a field changes meaning or goes away)."""
    return {"format": f"perfkit.{kind}", "schema_version": version, **body}


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of one."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """The bytes version of :func:`write_atomic`. A file that exists keeps its mode; a new one gets the mode the
    user's umask gives new files (the temporary file alone would be 0600)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
        _keep_owner(tmp_name, target)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The permission bits ``target`` keeps (when it exists) or gets under the current umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~umask()


def _keep_owner(tmp_name: str, target: Path) -> None:
    """Give the new file the old one's owner and group where we may (root writing a user's file)."""
    try:
        old = target.stat()
    except FileNotFoundError:
        return
    if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):
            os.chown(tmp_name, old.st_uid, old.st_gid)


def umask() -> int:
    """The process's umask, read without changing it where the kernel tells it (``os.umask`` sets it for a moment,
    which other threads creating files would see)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
