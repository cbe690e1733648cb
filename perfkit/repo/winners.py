"""The chosen winners as a set of file changes: write any subset of them into a copy, and each winner's diff.

A JIT winner is written to switch itself on late (:mod:`perfkit.repo.jit_startup`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from perfkit.repo.jit_startup import patch_source
from perfkit.repo.report import FunctionOutcome
from perfkit.repo.workspace import Workspace


def _relative(outcome: FunctionOutcome, root: Path) -> Path:
    return outcome.info.path.relative_to(root)


def apply_winners(
    work: Workspace,
    winners: Sequence[FunctionOutcome],
    *,
    touched: Sequence[FunctionOutcome],
    found_in: Path | None = None,
) -> None:
    """Put every file of ``touched`` and ``winners`` back to the original, then write ``winners`` into them.

    ``found_in`` is the copy whose paths the outcomes carry (default: ``work`` itself). Functions are replaced
    from the bottom of each file up, at the lines the original file gives them, so several winners in one file do
    not disturb each other's positions.
    """
    from perfkit.optimizers._code import replace_function

    root = found_in or work.path
    files = {_relative(f, root) for f in (*touched, *winners)}
    for relative in files:
        text = (work.original / relative).read_text()
        here = sorted((f for f in winners if _relative(f, root) == relative), key=lambda f: -f.info.lineno)
        for f in here:
            lines = text.splitlines(keepends=True)
            old = "".join(lines[f.info.lineno - 1 : f.info.end_lineno])
            text = replace_function(text, old, f.info.lineno, patch_source(f))
        work.write(relative, text)


def refresh_diffs(work: Workspace, winners: Sequence[FunctionOutcome]) -> None:
    """Each winner's diff: its file's diff in ``work`` (shared by the winners of one file)."""
    for f in winners:
        f.diff = work.diff(_relative(f, work.path))
