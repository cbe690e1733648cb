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


def test_a_file_written_by_root_keeps_its_owner(tmp_path: Path) -> None:
    import pytest

    if os.getuid() != 0:
        pytest.skip("only root can give a file to another user")
    target = tmp_path / "user.py"
    target.write_text("old")
    os.chown(target, 1234, 1234)
    write_atomic(target, "new")
    assert (target.stat().st_uid, target.stat().st_gid) == (1234, 1234) and target.read_text() == "new"
