"""The random baseline: hypothesis generation with no targeting and no constraints (guided is ignored)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from perfkit.fuzzers._hypothesis import _Stop, stop_when_expired

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

        try:
            search()
        except _Stop:
            return
        except Exception as exc:  # at the deadline hypothesis may complain about the stopped case
            if not session.expired():
                session.notes.append(f"random search stopped early: {type(exc).__name__}")
