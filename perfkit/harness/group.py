"""Running a program so that nothing it starts outlives it.

The program runs in a new session, and its environment carries a mark of its own (``PERFKIT_RUN_<token>=1``,
inherited by everything it starts). When it exits, or runs past its time limit, every process left in its group
is killed, and so is every process that carries its mark: children that started sessions of their own
(``setsid``, daemons) included. Output is read by threads, so children that keep the pipes open cannot hold the
caller past the program's own exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

_MARK = "PERFKIT_RUN_"


@dataclass(frozen=True)
class Finished:
    """How the program ended: exit status (None when killed at the limit), its output and the wall time."""

    returncode: int | None
    stdout: str
    stderr: str
    elapsed: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run_group(
    argv: list[str],
    *,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Finished:
    """Run ``argv`` to its end or to ``timeout`` seconds, then kill what is left of its process group.

    Raises FileNotFoundError/OSError when the program cannot start.
    """
    started = time.perf_counter()
    env, token = marked(env)
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}
    readers = [
        threading.Thread(target=_drain, args=(stream, chunks[name]), daemon=True)
        for name, stream in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for reader in readers:
        reader.start()
    try:
        code: int | None = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = None
    except BaseException:  # Ctrl-C or SIGTERM to us: the program's group goes too
        kill_group(proc)
        kill_marked(token)
        raise
    kill_group(proc)
    kill_marked(token)
    for reader in readers:
        reader.join(timeout=5.0)
    elapsed = time.perf_counter() - started
    text = {name: b"".join(parts).decode("utf-8", errors="replace") for name, parts in chunks.items()}
    return Finished(code, text["out"], text["err"], elapsed)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL every process of ``proc``'s group (it leads one: started with ``start_new_session``) and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        proc.wait()


def marked(env: dict[str, str] | None) -> tuple[dict[str, str], str]:
    """A copy of ``env`` (default: this process's) with a new mark, and the mark's token."""
    token = uuid.uuid4().hex[:16]
    out = dict(os.environ if env is None else env)
    out[f"{_MARK}{token}"] = "1"
    return out, token


def kill_marked(token: str) -> int:
    """SIGKILL every process whose environment carries ``token``'s mark; how many there were (Linux's /proc)."""
    needle = f"{_MARK}{token}=1".encode()
    killed = 0
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as handle:
                if needle not in handle.read().split(b"\0"):
                    continue
            os.kill(int(entry.name), signal.SIGKILL)
            killed += 1
        except (OSError, ValueError):  # gone, or not ours to read
            continue
    return killed


def _drain(stream: object, into: list[bytes]) -> None:
    read = getattr(stream, "read1", None) or stream.read  # type: ignore[attr-defined]
    while True:
        data = read(65536)
        if not data:
            return
        into.append(data)
