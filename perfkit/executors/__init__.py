"""perfkit.executors: where fuzz campaigns and candidate checks run — threads on this machine, or a Dask cluster.

>>> from perfkit.executors import Unit, make_executor, run_units
>>> with make_executor("dask", jobs=2) as executor:          # doctest: +SKIP
...     results = run_units(executor, units, noun="candidates", verb="verified")

An executor runs :class:`Unit` s (idempotent, keyed by content hash) and keeps a ledger of where the time
went; with ``store=`` it keeps each finished unit in the results store, and a later run of the same job reuses
it. Final speedup timing is never farmed out: callers time candidates here, one at a time. A new backend (Ray)
implements the :class:`Executor` protocol beside ``_local`` and ``_dask``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.executors._base import Ledger, UnitCache, unit_key
from perfkit.executors._units import Failed, Unit, run_units

__all__ = ["KINDS", "Executor", "Failed", "Ledger", "Unit", "make_executor", "run_units", "unit_key"]

KINDS = ("local", "dask")


@runtime_checkable
class Executor(Protocol):
    """Runs units somewhere. ``submit`` returns a future with ``result()``; ``as_completed`` yields the given
    futures as they finish; ``ship`` makes a code tree importable where units run; ``site`` is its digest."""

    name: str
    ledger: Ledger
    cache: UnitCache | None
    site: str | None

    @property
    def workers(self) -> int:
        """How many workers it has now."""
        ...

    def describe(self) -> str: ...

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any: ...

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def ship(self, root: Path, roots: Sequence[Path] = ()) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: object) -> None: ...


def make_executor(
    kind: str = "local", *, jobs: int = 0, scheduler: str | None = None, store: str | Path | None = None
) -> Executor:
    """A ``local`` executor of ``jobs`` threads, or a ``dask`` one (at ``scheduler``, else on a LocalCluster of
    ``jobs`` process workers); ``jobs`` 0 means one per core. ``store``: the results store that keeps finished
    units."""
    if kind not in KINDS:
        raise InvalidArgument("--executor", kind, f"choose one of {', '.join(KINDS)}")
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise InvalidArgument("--jobs", jobs, "give a whole number of workers, 0 for one per core")
    if scheduler is not None and kind != "dask":
        raise InvalidArgument("--scheduler", scheduler, "a scheduler address needs --executor dask")
    if kind == "dask":
        try:
            from perfkit.executors._dask import DaskExecutor
        except ImportError as exc:
            raise PerfkitError(
                f"--executor dask needs Dask distributed, which is not installed ({exc}); "
                "install it with: pip install 'perfkit[dask]'"
            ) from None

        return DaskExecutor(jobs=jobs, scheduler=scheduler or None, store=store)
    from perfkit.executors._local import LocalExecutor

    return LocalExecutor(jobs=jobs, store=store)
