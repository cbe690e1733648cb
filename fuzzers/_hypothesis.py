"""Hypothesis-targeted search: hypothesis draws inputs and hill-climbs ``target(cost)``.

Guided, each draw also picks which constraint mutators to apply (so hypothesis' own search mutates that choice
too), and every constraint's graded measure is a separate ``target`` label, so hypothesis climbs towards inputs
that satisfy it (sortedness, equal elements, closeness of a guard's condition).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from perfkit.fuzzers._repairs import apply_repairs, closeness

if TYPE_CHECKING:
    from perfkit.fuzzers._session import Session


class _Stop(Exception):
    """The budget is spent."""


def stop_when_expired(session: Session) -> None:
    if session.expired():
        raise _Stop


def run_search(search: Callable[[], None], session: Session, name: str) -> bool:
    """Run one hypothesis-driven search; False when it stopped (budget spent, or it failed) rather than finished."""
    try:
        search()
    except _Stop:
        return False
    except Exception as exc:  # at the deadline hypothesis may complain about the stopped case
        if not session.expired():
            session.notes.append(f"{name} search stopped early: {type(exc).__name__}")
        return False
    return True


class HypothesisSearch:
    name = "hypothesis"

    def __init__(self, *, guided: bool) -> None:
        self.guided = guided

    def run(self, session: Session) -> None:
        from hypothesis import HealthCheck, Phase, given, settings, target
        from hypothesis import seed as hypothesis_seed
        from hypothesis import strategies as st

        mutators = [c for c in session.constraints if c.repair is not None]
        measured = [c for c in session.constraints if c.measure]
        namespace = {**getattr(session.func, "__globals__", {}), "__perfkit_closeness__": None}

        @settings(
            database=None,
            deadline=None,
            max_examples=10**9,
            phases=[Phase.generate, Phase.target],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        @hypothesis_seed(session.job.seed)
        @given(st.data())
        def search(data: Any) -> None:
            stop_when_expired(session)
            args, kwargs = data.draw(session.strategy)
            bound = session.bind(args, kwargs) if mutators or measured else None
            if bound is not None and mutators:
                chosen = [c for c in mutators if data.draw(st.integers(0, 3)) == 0]
                if chosen:
                    bound = apply_repairs(bound, chosen, max_size=session.max_size)
                    args, kwargs = session.unbind(bound)
            score = session.feedback(session.evaluate(args, kwargs))
            if score is not None:
                target(math.log1p(score), label="cost")
            if bound is not None:
                ns = {**namespace, **bound}
                ns["__perfkit_closeness__"] = lambda expr: closeness(expr, ns)
                for c in measured:
                    try:
                        value = float(eval(c.measure, ns))  # type: ignore[arg-type]
                    except Exception:
                        continue
                    if math.isfinite(value):
                        target(value, label=c.id)

        while not session.expired():
            if not run_search(search, session, "hypothesis"):
                return
