"""The protocol every search strategy follows, and the registry of strategies (one module each)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from perfkit.fuzzers._session import Session

SEARCHERS = {
    "hypothesis": "perfkit.fuzzers._hypothesis:HypothesisSearch",
    "atheris": "perfkit.fuzzers._atheris:AtherisSearch",
    "random": "perfkit.fuzzers._random:RandomSearch",
    "pump": "perfkit.fuzzers._pump:PumpSearch",
}


class Searcher(Protocol):
    """A search for costly inputs. ``run`` draws inputs and hands each to ``session.evaluate`` until
    ``session.expired()``; the session keeps the corpus, the counts and the messages to the parent.
    ``guided``: whether it uses the constraints (their mutators, measures or coverage)."""

    name: str

    def __init__(self, *, guided: bool) -> None: ...

    def run(self, session: Session) -> None: ...


def searcher(name: str, *, guided: bool) -> Searcher:
    """An instance of the search strategy registered as ``name``."""
    module, _, cls = SEARCHERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)(guided=guided)  # type: ignore[no-any-return]
