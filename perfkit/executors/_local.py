"""The local executor: a pool of threads, each driving one sandboxed child process at a time.

Threads, not processes, because every unit perfkit farms out (a fuzz campaign, a candidate's behaviour check)
already runs its heavy part in a :class:`perfkit.harness.sandbox.Child` of its own; the thread only sends the
payload and waits on the pipe, so N threads keep N cores busy without a second layer of processes, without
pickling the inputs twice, and while sharing this process's import path and working folder (nothing to ship).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from perfkit.executors._base import BaseExecutor, tree_digest


def cores() -> int:
    """The cores this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class LocalExecutor(BaseExecutor):
    """``jobs`` threads on this machine (0: one per core)."""

    name = "local"

    def __init__(self, *, jobs: int = 0, store: str | Path | None = None) -> None:
        super().__init__(store=store)
        self.workers = jobs or cores()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="perfkit")

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        return self._pool.submit(fn, *args, **kwargs)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return concurrent.futures.as_completed(list(futures))

    def ship(self, root: Path, roots: Sequence[Path] = ()) -> None:
        """Nothing travels (the threads share this process's files and import path); records the digest."""
        self.site = tree_digest(root)

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
