"""Atomic writes keep the user's file modes: an existing file keeps its mode, a new one follows the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from perfkit._io import umask, write_atomic


def test_new_files_follow_the_umask_and_existing_files_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert umask() == 0o022
        write_atomic(tmp_path / "new.json", "{}")
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
        script = tmp_path / "run.sh"
        script.write_text("old")
        script.chmod(0o755)
        write_atomic(script, "new")
        assert stat.S_IMODE(script.stat().st_mode) == 0o755 and script.read_text() == "new"
        os.umask(0o077)
        write_atomic(tmp_path / "private.json", "{}")
        assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "private.json", "run.sh"]
