"""The Dask executor: units run on the workers of a Dask distributed cluster (``pip install 'perfkit[dask]'``).

With no scheduler address it starts a ``LocalCluster`` of process workers on this machine. The code tree a job
works on travels as one tarball per version of the tree: a worker plugin unpacks it once in each worker's
local folder (also in a worker that joins or is restarted later), and each unit runs with that copy first on
the import path and as its working folder. Workers need perfkit installed and nothing else. Each worker must
run one thread (``dask worker ADDRESS --nthreads 1``): a unit sets the process-wide import path and folder.
A unit that raises is retried (``retries``); one whose worker dies is rerun elsewhere by the scheduler.
"""

from __future__ import annotations

import importlib
import io
import os
import shutil
import sys
import tarfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import distributed
from distributed.diagnostics.plugin import WorkerPlugin

from perfkit.errors import PerfkitError
from perfkit.executors._base import BaseExecutor, tree_digest, tree_files

SITES = "perfkit-sites"
MAX_SHIP = 256 * 2**20  # bytes of files shipped to each worker


@dataclass(frozen=True)
class Site:
    """Where a unit's code is on a worker: the tree ``digest``, its import ``roots`` (relative) and the
    top-level modules it defines (dropped from ``sys.modules`` when a worker switches trees)."""

    digest: str
    roots: tuple[str, ...]
    tops: frozenset[str]


class DaskExecutor(BaseExecutor):
    """Units on a Dask cluster: at ``scheduler`` (``tcp://host:8786``), or on a new LocalCluster of ``jobs``
    process workers (0: one per core)."""

    name = "dask"

    def __init__(
        self,
        *,
        jobs: int = 0,
        scheduler: str | None = None,
        store: str | Path | None = None,
        retries: int = 2,
        connect_timeout: float = 10.0,
        workers_timeout: float = 60.0,
    ) -> None:
        import logging

        super().__init__(store=store)
        self.retries = retries
        self.scheduler = scheduler
        self.cluster: Any = None
        self._site: Site | None = None
        self._plugin: str | None = None
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout=connect_timeout, set_as_default=False)
            except Exception as exc:
                raise PerfkitError(
                    f"--scheduler {scheduler!r}: no Dask scheduler answered within {connect_timeout:g} s "
                    f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and give its address, "
                    "e.g. tcp://HOST:8786"
                ) from None
        else:
            from perfkit.executors._local import cores

            self.cluster = distributed.LocalCluster(
                n_workers=jobs or cores(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = distributed.Client(self.cluster, set_as_default=False)
        try:
            self.client.wait_for_workers(1, timeout=workers_timeout)
            self._check_threads()
        except BaseException as exc:
            self._shutdown()
            if isinstance(exc, PerfkitError):
                raise
            raise PerfkitError(
                f"the Dask scheduler {self.client.scheduler.address} has no worker after {workers_timeout:g} s; "
                "start some with `dask worker ADDRESS --nthreads 1`"
            ) from None

    @property
    def workers(self) -> int:  # type: ignore[override]
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def describe(self) -> str:
        where = "a local cluster" if self.cluster is not None else self.scheduler
        return f"{self.workers} Dask workers ({where})"

    def _check_threads(self) -> None:
        many = [a for a, w in self.client.scheduler_info(n_workers=-1)["workers"].items() if w["nthreads"] != 1]
        if many:
            raise PerfkitError(
                f"Dask worker {many[0]} runs several threads; perfkit's units need one thread per worker process: "
                "start workers with `dask worker ADDRESS --nthreads 1` (add --nworkers N for more)"
            )

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        return self.client.submit(in_site, self._site, fn, args, kwargs, pure=False, retries=self.retries)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return iter(distributed.as_completed(list(futures), loop=self.client.loop))

    def ship(self, root: Path, roots: Sequence[Path] = ()) -> None:
        """Send the tree at ``root`` to every worker (once per version of it); later units run in it."""
        files = tree_files(root)
        digest = tree_digest(root, files)
        if self._site is not None and self._site.digest == digest:
            return
        size = sum((root / f).stat().st_size for f in files if (root / f).is_file())
        if size > MAX_SHIP:
            raise PerfkitError(
                f"{root} holds {size / 2**20:.0f} MiB of files to send to every Dask worker (at most "
                f"{MAX_SHIP / 2**20:.0f} MiB); run perfkit from the project's own folder"
            )
        relative = tuple(Path(os.path.relpath(r, root)).as_posix() for r in (roots or [root]))
        tops = frozenset(_top_modules(root, relative))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for path in files:
                tar.add(root / path, arcname=path.as_posix(), recursive=False)
        name = f"perfkit-site-{digest}"
        self.client.register_plugin(SitePlugin(digest, buffer.getvalue()), name=name)
        if self._plugin is not None:
            self.client.unregister_worker_plugin(self._plugin)
        self._plugin, self._site, self.site = name, Site(digest, relative, tops), digest

    def _shutdown(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def _top_modules(root: Path, roots: Sequence[str]) -> set[str]:
    tops = set()
    for relative in roots:
        folder = root / relative
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.suffix == ".py":
                    tops.add(entry.stem)
                elif entry.is_dir() and entry.name.isidentifier():
                    tops.add(entry.name)
    return tops


class SitePlugin(WorkerPlugin):
    """A Dask worker plugin that unpacks one code tree into the worker's local folder (and removes it when
    unregistered)."""

    idempotent = True

    def __init__(self, digest: str, data: bytes) -> None:
        self.digest = digest
        self.data = data

    def setup(self, worker: Any) -> None:
        target = Path(worker.local_directory) / SITES / self.digest
        if target.is_dir():
            return
        partial = target.with_name(target.name + f".part{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(self.data), mode="r:gz") as tar:
            tar.extractall(partial, filter="data")
        partial.rename(target)

    def teardown(self, worker: Any) -> None:
        shutil.rmtree(Path(worker.local_directory) / SITES / self.digest, ignore_errors=True)


_current: list[str] = []  # the digest of the tree this worker process ran its last unit in
_own: set[str] = set()  # top-level modules the worker had before its first unit (perfkit, dask...): never dropped


def in_site(site: Site | None, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run on a worker: ``fn(*args, **kwargs)`` with the tree ``site`` first on sys.path and as the folder."""
    if site is None:
        return fn(*args, **kwargs)
    root = Path(distributed.get_worker().local_directory) / SITES / site.digest
    if not root.is_dir():
        raise RuntimeError(f"the code tree {site.digest} is not unpacked on this worker")
    if not _own:
        _own.update(name.split(".")[0] for name in sys.modules)
    if _current != [site.digest]:
        prefix = str(root)
        for name, module in list(sys.modules.items()):
            top, where = name.split(".")[0], getattr(module, "__file__", None) or ""
            if top not in _own and (top in site.tops or SITES in where) and not where.startswith(prefix):
                del sys.modules[name]
        importlib.invalidate_caches()
        _current[:] = [site.digest]
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    sys.path[:0] = [str(root / r) for r in site.roots]
    os.chdir(root)
    try:
        return fn(*args, **kwargs)
    finally:
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
