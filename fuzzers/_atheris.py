"""Coverage-guided search with atheris (libFuzzer): bytes become inputs through hypothesis' ``fuzz_one_input``.

Guided, libFuzzer sees the instrumented copy of the target (each constraint check is a branch: reaching it is
new coverage, and its comparisons are traced for value profiles), the constraint mutators chosen by the input
bytes, and a ladder of cost levels (an input that reaches a higher level of log-cost is new coverage, so the
corpus climbs in cost, as in PerfFuzz). Guided, libFuzzer also gets a dictionary (``-dict=``: the string
constants of the code and the regex dictionary), and a target that takes one str or bytes argument gets libFuzzer's
bytes directly (decoded as UTF-8, invalid bytes dropped), so that dictionary entries and libFuzzer's own
comparison tracing land in the input as they are; the slowest inputs so far are its starting corpus. Unguided,
it sees the target's own branches only, through hypothesis. ``atheris.Fuzz()`` never returns: the test function
ends the child with ``os._exit`` once the budget is spent.
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
MAX_ENTRY = 64  # bytes of one dictionary entry (libFuzzer's limit)


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
        raw = raw_argument(session) if self.guided else None

        @settings(database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(st.data())
        def one(data: Any) -> None:
            args, kwargs = data.draw(session.strategy)
            if mutators:
                chosen = [c for c in mutators if data.draw(st.integers(0, 3)) == 0]
                bound = session.bind(args, kwargs) if chosen else None
                if bound is not None:
                    args, kwargs = session.unbind(apply_repairs(bound, chosen, max_size=session.max_size))
            score = session.feedback(session.evaluate(args, kwargs))
            if ladder is not None and score:
                ladder(min(LEVELS, int(4 * math.log2(1 + score))))

        fuzz_one_input = one.hypothesis.fuzz_one_input  # type: ignore[attr-defined]

        def direct(buffer: bytes) -> None:
            assert raw is not None
            name, positional, is_text = raw
            value: str | bytes = buffer.decode("utf-8", "ignore") if is_text else buffer
            value = value[: session.max_size]
            args, kwargs = ((value,), {}) if positional else ((), {name: value})
            score = session.feedback(session.evaluate(args, kwargs))
            if ladder is not None and score:
                ladder(min(LEVELS, int(4 * math.log2(1 + score))))

        def test_one_input(buffer: bytes) -> None:
            if session.expired():
                session.finish()
                sys.stdout.flush()
                os._exit(0)
            try:
                direct(buffer) if raw is not None else fuzz_one_input(buffer)
            except Exception:  # the target's exceptions are counted by the session; hypothesis' own are noise
                session.counts["undecodable"] += 1

        folder = os.path.dirname(session.job.current_file)
        budget = max(1, int(session.deadline - session.started + 1))
        max_len = 4 * session.max_size if raw is not None else max(4096, 32 * session.max_size)
        flags = [f"-seed={session.job.seed + 1}", f"-max_len={max_len}", f"-max_total_time={budget}", "-timeout=0"]
        flags += ["-use_value_profile=1", "-print_final_stats=0"]
        # libFuzzer writes crash-*/timeout-* files: into the campaign's temporary folder, never the user's cwd
        flags.append(f"-artifact_prefix={folder}{os.sep}")
        corpus: list[str] = []
        if self.guided:
            from perfkit.fuzzers._pump import code_tokens

            tokens = code_tokens(session)
            if tokens:
                path = os.path.join(folder, "tokens.dict")
                with open(path, "w", encoding="ascii") as handle:
                    handle.write(dictionary_text(tokens))
                flags.append(f"-dict={path}")
            if raw is not None:
                corpus = [start_corpus(session, raw, folder)]
        atheris.Setup([sys.argv[0], *flags, *corpus], test_one_input)
        atheris.Fuzz()


def raw_argument(session: Session) -> tuple[str, bool, bool] | None:
    """(name, positional, is_text) when every drawn input is one str (or one bytes) argument, else None."""
    from perfkit.fuzzers._pump import draw

    drawn = draw(session, 5)
    shapes = set()
    for args, kwargs in drawn:
        values = [*args, *kwargs.values()]
        if len(values) != 1 or not isinstance(values[0], str | bytes):
            return None
        shapes.add((next(iter(kwargs), ""), bool(args), isinstance(values[0], str)))
    if len(shapes) != 1:
        return None
    name, positional, is_text = shapes.pop()
    return name, positional, is_text


def start_corpus(session: Session, raw: tuple[str, bool, bool], folder: str) -> str:
    """A folder holding the session's slowest inputs so far as libFuzzer inputs (bytes)."""
    where = os.path.join(folder, "corpus")
    os.makedirs(where, exist_ok=True)
    for i, found in enumerate(sorted(session.corpus, key=lambda f: -f.cost)[:16]):
        value: Any = [*found.args, *found.kwargs.values()][0]
        data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
        with open(os.path.join(where, f"seed-{i:02d}"), "wb") as handle:
            handle.write(data)
    return where


def _escape(byte: int) -> str:
    if byte in (34, 92):  # " and \\
        return "\\" + chr(byte)
    return chr(byte) if 32 <= byte < 127 else f"\\x{byte:02X}"


def dictionary_text(tokens: list[str]) -> str:
    """libFuzzer's dictionary format: one quoted entry a line; backslash, quote and bytes outside printable ASCII
    escaped (backslash-backslash, backslash-quote, backslash-x and two hex digits)."""
    lines = []
    for token in tokens:
        data = token.encode("utf-8", "surrogatepass")
        if not data or len(data) > MAX_ENTRY:
            continue
        lines.append('"' + "".join(_escape(b) for b in data) + '"')
    return "\n".join(lines) + "\n"
