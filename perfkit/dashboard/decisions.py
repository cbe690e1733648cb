"""The dashboard's review section: what reviewers decided about optimize winners (``perfkit optimize
--interactive``), newest first, with the code decided on as a diff."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from perfkit.store import Decision, Store


def load_decisions(store: Store) -> tuple[Decision, ...]:
    """The store's decisions, newest first."""
    return tuple(reversed(store.decisions()))


def decisions_section(decisions: Sequence[Decision]) -> str:
    """A table of decisions (run, function, decision, speedup interval, reviewer, time, note) and their diffs."""
    from perfkit.dashboard.page import _interval, _table, _x, diff_block

    rows = [
        [
            (f"#{d.run_id}" if d.run_id is not None else "-", d.run_id),
            (d.key, d.key),
            (d.decision, d.decision),
            (_x(d.speedup) + _interval(d.low, d.high), d.speedup),
            (d.reviewer or "-", d.reviewer),
            (d.decided_at, d.decided_at),
            (d.note, d.note),
        ]
        for d in decisions
    ]
    parts = ['<section id="decisions"><h2>Review decisions</h2>']
    parts.append(
        "<p>Each verified winner of <code>perfkit optimize --interactive</code> as the reviewer left it: accepted, "
        "rejected, or edited (edited code was verified again before it was kept).</p>"
    )
    parts.append(
        _table(
            "decisions",
            ["Run", "Function", "Decision", "Speedup", "Reviewer", "When", "Note"],
            rows,
            row_classes=[f"decision-{d.decision}" for d in decisions],
        )
    )
    for d in decisions:
        if d.diff and d.decision != "rejected":
            parts.append(
                f"<details><summary>{escape(d.key)}: {escape(d.decision)} code</summary>{diff_block(d.diff)}</details>"
            )
    parts.append("</section>")
    return "".join(parts)
