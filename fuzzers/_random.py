"""The random baseline: hypothesis generation with no targeting and no constraints (guided is ignored)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from perfkit.fuzzers._hypothesis import run_search, stop_when_expired

if TYPE_CHECKING:
    from perfkit.fuzzers._session import Session


class RandomSearch:
    name = "random"

    def __init__(self, *, guided: bool) -> None:
        self.guided = False

    def run(self, session: Session) -> None:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hypothesis_seed

        @settings(
            database=None,
            deadline=None,
            max_examples=10**9,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis_seed(session.job.seed)
        @given(session.strategy)
        def search(arguments: Any) -> None:
            stop_when_expired(session)
            session.evaluate(*arguments)

        run_search(search, session, "random")
