"""Coverage-guided search with atheris (libFuzzer): bytes become inputs through hypothesis' ``fuzz_one_input``.

Guided, libFuzzer sees the instrumented copy of the target (each constraint check is a branch: reaching it is
new coverage, and its comparisons are traced for value profiles), the constraint mutators chosen by the input
bytes, and a ladder of cost levels (an input that reaches a higher level of log-cost is new coverage, so the
corpus climbs in cost, as in PerfFuzz). Unguided, it sees the target's own branches only. ``atheris.Fuzz()``
never returns: the test function ends the child with ``os._exit`` once the budget is spent.
"""

from __future__ import annotations

import math
import os
import sys
from typing import TYPE_CHECKING, Any

from perfkit.fuzzers._repairs import apply_repairs

if TYPE_CHECKING:
    from perfkit.fuzzers._session import Session

LEVELS = 96  # cost levels: 4 per doubling, up to 2**24 line-equivalents


def _ladder() -> Any:
    """A function with one branch per cost level, for atheris to instrument."""
    lines = ["def ladder(level):"] + [f"    if level >= {k}:\n        pass" for k in range(1, LEVELS + 1)]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<perfkit cost ladder>", "exec"), namespace)
    return namespace["ladder"]


class AtherisSearch:
    name = "atheris"

    def __init__(self, *, guided: bool) -> None:
        self.guided = guided

    def run(self, session: Session) -> None:
        import atheris
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import strategies as st

        copy = atheris.instrument_func(session.copy.func) if session.copy.instrumented else session.copy.func
        session.copy.func = copy
        ladder = atheris.instrument_func(_ladder()) if self.guided else None
        mutators = [c for c in session.constraints if c.repair is not None] if self.guided else []

        @settings(database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(st.data())
        def one(data: Any) -> None:
            args, kwargs = data.draw(session.strategy)
            if mutators:
                chosen = [c for c in mutators if data.draw(st.integers(0, 3)) == 0]
                bound = session.bind(args, kwargs) if chosen else None
                if bound is not None:
                    args, kwargs = session.unbind(apply_repairs(bound, chosen, max_size=session.max_size))
            sample = session.evaluate(args, kwargs)
            if ladder is not None and sample.cost > 0:
                ladder(min(LEVELS, int(4 * math.log2(1 + sample.cost))))

        fuzz_one_input = one.hypothesis.fuzz_one_input  # type: ignore[attr-defined]

        def test_one_input(buffer: bytes) -> None:
            if session.expired():
                session.finish()
                sys.stdout.flush()
                os._exit(0)
            try:
                fuzz_one_input(buffer)
            except Exception:  # the target's exceptions are counted by the session; hypothesis' own are noise
                session.counts["undecodable"] += 1

        budget = max(1, int(session.deadline - session.started + 1))
        max_len = max(4096, 32 * session.max_size)
        flags = [f"-seed={session.job.seed + 1}", f"-max_len={max_len}", f"-max_total_time={budget}", "-timeout=0"]
        flags += ["-use_value_profile=1", "-print_final_stats=0"]
        # libFuzzer writes crash-*/timeout-* files: into the campaign's temporary folder, never the user's cwd
        flags.append(f"-artifact_prefix={os.path.dirname(session.job.current_file)}{os.sep}")
        atheris.Setup([sys.argv[0], *flags], test_one_input)
        atheris.Fuzz()
