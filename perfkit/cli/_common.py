"""Printing helpers shared by the command modules: two-column tables, progress bars, stderr lines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def err(message: str) -> None:
    """One line on stderr."""
    print(message, file=sys.stderr)


def print_rows(title: str, rows: list[tuple[str, str]]) -> None:
    """A titled two-column table (label, text) on stdout."""
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left", box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for label, text in rows:
        table.add_row(label, text)
    console().print(table)


def console():  # type: ignore[no-untyped-def]
    """A rich console for stdout; wide when stdout is not a terminal, so tables do not wrap in logs."""
    from rich.console import Console

    out = Console()
    return out if out.is_terminal else Console(width=200)


def _bars(*, transient: bool):  # type: ignore[no-untyped-def]
    """A rich progress display on stderr (disabled when stderr is not a terminal): name, bar, count, time."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    stderr = Console(stderr=True)
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=transient,
        disable=not stderr.is_terminal,
    )


@contextmanager
def progress(what: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr when it is a terminal; yields the callback ``(done, total)`` the library calls."""
    with _bars(transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def steps(prefix: str = "perfkit") -> Iterator[Callable[[object], None]]:
    """Progress of a job in phases, on stderr. The callback takes a message (a line) or a counted event with
    ``phase``, ``done`` and ``total`` (one bar per phase). Without a terminal, events are plain lines for logs.
    Each message first raises a pending interrupt (:mod:`perfkit.interrupts`)."""
    from rich.progress import TaskID

    from perfkit.interrupts import raise_if_pending

    with _bars(transient=False) as bars:
        if bars.disable:

            def line(event: object) -> None:
                raise_if_pending()
                err(f"{prefix}: {event}")

            yield line
            return
        tasks: dict[str, TaskID] = {}

        def update(event: object) -> None:
            raise_if_pending()  # a Ctrl-C Python swallowed in a finaliser stops the run here
            phase = getattr(event, "phase", None)
            if phase is None:
                bars.console.print(f"{prefix}: {event}", highlight=False, markup=False)
                return
            if phase not in tasks:
                tasks[phase] = bars.add_task(phase, total=getattr(event, "total", None))
            bars.update(tasks[phase], completed=getattr(event, "done", 0), total=getattr(event, "total", None))

        yield update


def check_output_file(option: str, path: str | None) -> None:
    """Before any work: ``path`` (when given) can be written as a file; InvalidArgument names the option if not."""
    import os
    from pathlib import Path

    from perfkit.errors import InvalidArgument

    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise InvalidArgument(option, path, "it is a folder; give a file name, e.g. result.json")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidArgument(option, path, f"its folder {str(folder)!r} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise InvalidArgument(option, path, f"its folder {str(folder)!r} is not writable")


def check_output_dir(option: str, path: str | None) -> None:
    """Before any work: ``path`` (when given) is a folder or can be created as one."""
    import os
    from pathlib import Path

    from perfkit.errors import InvalidArgument

    if path is None:
        return
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise InvalidArgument(option, path, "it is an existing file; give a folder")
    existing = next((p for p in (target, *target.parents) if p.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise InvalidArgument(option, path, f"cannot create a folder under {str(existing)!r}")


def check_at_least(option: str, value: float | None, minimum: float, example: str) -> None:
    """``value`` (when given) is at least ``minimum``."""
    from perfkit.errors import InvalidArgument

    if value is not None and value < minimum:
        raise InvalidArgument(option, value, f"give at least {minimum:g}, e.g. {option} {example}")
