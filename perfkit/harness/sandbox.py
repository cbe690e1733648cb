"""Run perfkit code in a child Python process, with time and memory limits, over a private pipe.

The parent sends one pickled payload on the child's stdin; the child calls ``entry(payload, emit)``, and each
``emit(message)`` reaches the parent as a length-prefixed pickle on a pipe that is not the child's stdout, so
whatever the measured code prints cannot corrupt the channel. The parent reads with a deadline; on a timeout
it kills the child's whole process group. Used by the harness, and by fuzzers and optimizers to run candidates.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from perfkit.pickling import dump, dumps

_HEADER = struct.Struct("!I")
MEMORY_LIMIT_ENV = "PERFKIT_MEMORY_LIMIT"


class ChildTimeout(Exception):
    """The child did not send its next message before the deadline; it has been killed."""


class ChildDied(Exception):
    """The child exited (or crashed) before sending the message the parent waited for."""

    def __init__(self, returncode: int | None, stderr_tail: str) -> None:
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line: how the child ended, and the last line it wrote to stderr."""
        code = self.returncode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exited with status {code}"
        last = self.stderr_tail.strip().splitlines()[-1:] if self.stderr_tail.strip() else []
        return f"worker process {how}" + (f" ({last[0]})" if last else "")


class Child:
    """One child process running ``entry`` (``"module:function"``) on ``payload``.

    Use as a context manager so the process is always reaped.
    """

    def __init__(
        self,
        entry: str,
        payload: Any,
        *,
        memory_limit: int | None = None,
        cwd: str | Path | None = None,
        env: dict[str, str] | None = None,
        python: str = sys.executable,
    ) -> None:
        read_fd, write_fd = os.pipe()
        self._reader = os.fdopen(read_fd, "rb", buffering=0)
        self._buffer = b""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        from perfkit.harness.group import marked

        child_env, self._token = marked(env)
        if memory_limit:
            child_env[MEMORY_LIMIT_ENV] = str(int(memory_limit))
        try:
            self.process = subprocess.Popen(
                [python, "-P", "-m", "perfkit.harness._child", entry, str(write_fd)],  # -P: no cwd first
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                pass_fds=(write_fd,),
                cwd=cwd,
                env=child_env,
                start_new_session=True,
            )
        finally:
            os.close(write_fd)
        assert self.process.stdin is not None
        try:
            # the parent's import path first, so that what it imported (even from a folder it added to
            # sys.path at run time) unpickles in the child
            pickle.dump(list(sys.path), self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            dump(payload, self.process.stdin)  # by cloudpickle when pickle refuses (perfkit.pickling)
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # the child died at start-up; recv() reports how
        except BaseException:
            self.close()  # the payload cannot be pickled: no child may be left behind
            raise

    def recv(self, timeout: float | None = None) -> Any:
        """The next message; raises ChildTimeout (after killing the child) or ChildDied."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            message = self._take_frame()
            if message is not None:
                return message
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                self.kill()
                raise ChildTimeout(f"no answer within {timeout:.3g} s")
            ready, _, _ = select.select([self._reader], [], [], wait)
            if not ready:
                continue
            chunk = self._reader.read(1 << 16)
            if not chunk:
                raise ChildDied(self._wait(), self._stderr_tail())
            self._buffer += chunk

    def _take_frame(self) -> Any | None:
        if len(self._buffer) < _HEADER.size:
            return None
        (size,) = _HEADER.unpack_from(self._buffer)
        if len(self._buffer) < _HEADER.size + size:
            return None
        frame = self._buffer[_HEADER.size : _HEADER.size + size]
        self._buffer = self._buffer[_HEADER.size + size :]
        return pickle.loads(frame)

    def _wait(self) -> int | None:
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.process.returncode

    def _stderr_tail(self, limit: int = 4000) -> str:
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - limit))
        return self._stderr.read().decode(errors="replace")

    def kill(self) -> None:
        """Kill the child and everything it started (its process group, and whatever carries its mark)."""
        from perfkit.harness.group import kill_marked

        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        kill_marked(self._token)

    def close(self) -> None:
        """Reap the child (killing it if it still runs) and release the pipe."""
        self.kill()
        self._reader.close()
        self._stderr.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_frame(fd: int, message: Any) -> None:
    """Send one message from the child (the other half of :meth:`Child.recv`)."""
    data = dumps(message)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
