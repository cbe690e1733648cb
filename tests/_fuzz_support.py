"""A fuzzing session in the test process (no worker): the searchers and the cost signal, tested on their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfkit.fuzzers._session import FEATURES, Job, Session


def session_for(
    func: Any,
    folder: Path,
    *,
    max_size: int,
    budget: float = 1.0,
    signal: str = "auto",
    features: frozenset[str] = FEATURES,
    valid_only: bool = False,
    timeout: float = 1.0,
    searcher: str = "pump",
) -> tuple[Session, list[dict[str, Any]]]:
    """A session on ``func`` and the list its messages to the parent go to."""
    messages: list[dict[str, Any]] = []
    job = Job(
        target=func,
        max_size=max_size,
        budget_s=budget,
        seed=1,
        timeout=timeout,
        signal=signal,
        searcher=searcher,
        guided=True,
        constraints=(),
        current_file=str(folder / "current.pkl"),
        valid_only=valid_only,
        features=features,
    )
    return Session(job, messages.append), messages
