"""``perfkit optimize --interactive``: a reviewer accepts, rejects or edits each verified winner before it lands.

Each winner is shown as a diff of its function, with its speedup interval, where it came from (proposer, model,
round, parent), the inputs it was checked on and the tests it passed. The reviewer answers ``a`` (accept), ``r``
(reject), ``e`` (edit in ``$VISUAL``/``$EDITOR``), ``i`` (type the new code inline), ``d`` (show again) or ``q``
(reject this and every winner not yet reviewed). Edited code goes through the same verifier as every candidate
(:func:`perfkit.optimizers.optimize_function`: the same inputs, timing and ``--min-speedup``; the project tests
that name the function); code that fails is refused with the reason and the input it failed on, and the reviewer
chooses again. After the review the kept winners are written into the copy, the repository's tests run again
when anything was edited, and the workload is timed again when the set of changes differs from the one timed.
Decisions go to the results store (:meth:`perfkit.store.Store.add_decisions`), and the dashboard shows them.
"""

from __future__ import annotations

import getpass
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from perfkit.progress import Progress
from perfkit.repo.config import RepoConfig
from perfkit.repo.report import FunctionOutcome, OptimizeReport
from perfkit.repo.workspace import Workspace
from perfkit.store import Decision

CHOICES = "[a]ccept  [r]eject  [e]dit in $EDITOR  [i]nline edit  [d]iff again  [q]uit (reject the rest)? "
END_OF_INLINE = "."


class Terminal(Protocol):
    """How the review talks to the reviewer."""

    def say(self, text: str) -> None:
        """Show ``text`` (one or more lines)."""

    def ask(self, prompt: str) -> str:
        """One line typed after ``prompt``; raises EOFError when input ends."""

    def edit(self, text: str) -> str | None:
        """``text`` after the reviewer edited it in their editor; None when no editor is set."""


class ConsoleTerminal:
    """The real terminal: stdout, ``input()``, and ``$VISUAL`` or ``$EDITOR`` on a temporary ``.py`` file."""

    def say(self, text: str) -> None:
        print(text, flush=True)

    def ask(self, prompt: str) -> str:
        return input(prompt)

    def edit(self, text: str) -> str | None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            return None
        with tempfile.TemporaryDirectory(prefix="perfkit-edit-") as folder:
            path = Path(folder) / "candidate.py"
            path.write_text(text)
            finished = subprocess.run([*shlex.split(editor), str(path)], check=False)
            if finished.returncode != 0:
                self.say(f"the editor exited with status {finished.returncode}: the edit is dropped")
                return text
            return path.read_text()


@dataclass
class Review:
    """What the reviewer decided, and whether the set of changes differs from the one the run checked."""

    decisions: list[Decision] = field(default_factory=list)
    changed: bool = False


def review(
    report: OptimizeReport,
    work: Workspace,
    *,
    terminal: Terminal | None = None,
    progress: Progress | None = None,
) -> Review:
    """Ask about each improved function of ``report`` (whose winners are written in ``work``); update the report
    (rejected winners become 'declined', edited ones replace the winner) and the copy; then check again what
    the changes now need: the repository's tests after an edit, the workload whenever the set changed."""
    from perfkit.repo.winners import apply_winners, refresh_diffs

    term = terminal or ConsoleTerminal()
    say = progress or (lambda message: None)
    winners = list(report.improved)
    result = Review()
    if not winners:
        term.say("no verified winner to review")
        return result
    reviewer = _reviewer()
    quitting = False
    for number, outcome in enumerate(winners, 1):
        if quitting:
            decision = _decision(outcome, "rejected", work, note="not reviewed: the reviewer quit", who=reviewer)
        else:
            try:
                decision = _review_one(outcome, number, len(winners), report, work, term, winners, reviewer)
            except _Quit:
                quitting = True
                decision = _decision(outcome, "rejected", work, note="the reviewer quit here", who=reviewer)
        if decision.decision == "rejected":
            outcome.status, outcome.reason = "declined", "rejected in review"
        result.decisions.append(decision)
    apply_winners(work, report.improved, touched=winners)
    refresh_diffs(work, report.improved)
    result.changed = any(d.decision != "accepted" for d in result.decisions)
    if result.changed:
        _settle(report, work, result, say)
    accepted = sum(d.decision != "rejected" for d in result.decisions)
    term.say(f"review done: {accepted} of {len(winners)} kept ({_tally(result.decisions)})")
    return result


class _Quit(Exception):
    pass


def _review_one(
    outcome: FunctionOutcome,
    number: int,
    total: int,
    report: OptimizeReport,
    work: Workspace,
    term: Terminal,
    winners: list[FunctionOutcome],
    reviewer: str,
) -> Decision:
    term.say(card(outcome, number, total, report, work))
    while True:
        try:
            answer = term.ask(CHOICES).strip().lower()[:1]
        except EOFError:
            raise _Quit from None
        if answer == "a":
            term.say("accepted")
            return _decision(outcome, "accepted", work, who=reviewer)
        if answer == "r":
            term.say("rejected")
            return _decision(outcome, "rejected", work, who=reviewer)
        if answer == "q":
            raise _Quit
        if answer == "d":
            term.say(card(outcome, number, total, report, work))
            continue
        if answer not in ("e", "i"):
            term.say("answer a, r, e, i, d or q")
            continue
        current = outcome.winner.source
        edited = term.edit(current) if answer == "e" else None
        if answer == "e" and edited is None:
            term.say("no $VISUAL or $EDITOR is set: type the code inline instead")
        if edited is None:
            edited = _inline(term)
        if edited is None or not edited.strip() or edited == current:
            term.say("nothing changed")
            continue
        term.say("verifying the edited code (the same checks as every candidate)...")
        attempt = recheck(outcome, edited, work=work, winners=winners, config=report.config)
        if attempt.verdict != "accepted":
            failed = f" It failed on: {attempt.counterexample}" if attempt.counterexample else ""
            term.say(f"the edited code is refused ({attempt.verdict}): {attempt.reason}.{failed}")
            continue
        _take(outcome, attempt)
        term.say(f"the edited code is verified: {attempt.reason}")
        term.say(function_diff(outcome, work))
        return _decision(outcome, "edited", work, note=attempt.reason, who=reviewer)


def card(outcome: FunctionOutcome, number: int, total: int, report: OptimizeReport, work: Workspace) -> str:
    """What the reviewer sees about one winner: origin, speedup interval, inputs, tests, and the diff."""
    winner = outcome.winner
    speed = winner.speed
    result = outcome.result
    lines = [
        f"\n=== [{number}/{total}] {outcome.info.key} ({100 * outcome.share:.1f}% of the workload's time) ===",
        f"from: {winner.origin}" + (f" - {winner.note}" if winner.note else ""),
    ]
    if speed is not None:
        lines.append(
            f"speedup: {speed.speedup:.2f}x, 95% interval [{speed.low:.2f}, {speed.high:.2f}], "
            "timed on the largest inputs"
        )
    checked = winner.check.checked if winner.check is not None else 0
    total_inputs = result.verification_inputs if result is not None else checked
    lines.append(
        f"checked on: {checked} of {total_inputs} inputs with the same results, exceptions and argument changes "
        f"as the original ({outcome.inputs} captured from the workload or fuzzed, the rest drawn from their shapes)"
    )
    for example in examples(outcome):
        lines.append(f"  e.g. {example}")
    lines.append("tests passed: " + "; ".join(tests_passed(outcome, report, work)))
    lines.append(function_diff(outcome, work))
    return "\n".join(lines)


def examples(outcome: FunctionOutcome, *, limit: int = 2) -> list[str]:
    """A few of the inputs the winner was checked on, described short (the workload's own calls first)."""
    from perfkit.optimizers.loop import _describe

    stress = getattr(outcome, "stress", None) or []
    described = [_describe(a, k) for a, k in [*getattr(stress, "representative", []), *stress]]
    return list(dict.fromkeys(described))[:limit]


def tests_passed(outcome: FunctionOutcome, report: OptimizeReport, work: Workspace) -> list[str]:
    """The tests the winner passed: the project's tests that name the function, and the repository's tests."""
    from perfkit.repo.optimize import _tests_mentioning

    out = []
    named = _tests_mentioning(work.path, outcome.info)
    if named:
        out.append(f"{', '.join(named)} (the project's tests naming it, run with the candidate in place)")
    if report.tests_after:
        out.append(f"the repository's tests ({' '.join(report.config.tests_argv())}) with every winner in place")
    elif report.tests_passed is False:
        out.append("the repository's tests failed before any change, so they are no check here")
    return out or ["none ran (no project test names it, and the repository's tests did not run with it)"]


def function_diff(outcome: FunctionOutcome, work: Workspace) -> str:
    """The diff of this function alone, from the original file to the winner as it is written (a JIT winner
    switches itself on late: :mod:`perfkit.repo.jit_startup`)."""
    from perfkit.optimizers._code import unified_diff
    from perfkit.repo.jit_startup import patch_source

    relative = outcome.info.path.relative_to(work.path)
    text = (work.original / relative).read_text()
    old = "".join(text.splitlines(keepends=True)[outcome.info.lineno - 1 : outcome.info.end_lineno])
    return unified_diff(text, old, outcome.info.lineno, patch_source(outcome), path=relative.as_posix())


def recheck(
    outcome: FunctionOutcome, source: str, *, work: Workspace, winners: list[FunctionOutcome], config: RepoConfig
) -> Any:
    """Verify and time ``source`` as a replacement for the function exactly as every candidate is (the same
    stress inputs, drawn inputs, timing and minimum speedup, and the project tests naming it), against the
    original function; the Attempt (verdict 'accepted' when it may replace the winner)."""
    from perfkit.optimizers import optimize_function
    from perfkit.optimizers.loop import Attempt
    from perfkit.repo.loading import fresh_module, importable, plain_function
    from perfkit.repo.optimize import _tests_mentioning
    from perfkit.repo.winners import apply_winners

    stress = getattr(outcome, "stress", None)
    if not stress:
        return Attempt(0, "reviewer", "", source, "error", "the inputs this function was checked on were not kept")
    others = [f for f in winners if f is not outcome and f.status == "improved"]
    apply_winners(work, others, touched=winners)  # this function as it was, the other winners in place
    try:
        with importable(work.path):
            func = plain_function(fresh_module(outcome.info.module), outcome.info.qualname)
            result = optimize_function(
                func,
                stress_inputs=stress,
                proposers=[_Edited(source)],
                rounds=1,
                candidates_per_round=1,
                min_speedup=config.min_speedup,
                project_tests=_tests_mentioning(work.path, outcome.info) or None,
                population=0,
            )
    except Exception as exc:  # a broken edit is refused, never a crash of the review
        return Attempt(0, "reviewer", "", source, "error", f"{type(exc).__name__}: {exc}")
    finally:
        apply_winners(work, [f for f in winners if f.status == "improved"], touched=winners)
    if not result.history:
        return Attempt(0, "reviewer", "", source, "rejected", "it is the original function again")
    return result.history[0]


class _Edited:
    """The proposer of the reviewer's edit: offers exactly that source, once."""

    name = "reviewer"
    samples = False

    def __init__(self, source: str) -> None:
        self.source = source

    def propose(self, context: Any, *, n: int) -> list[Any]:
        from perfkit.optimizers._types import Candidate

        return [Candidate(self.source, self.name, "edited in review")]


def _take(outcome: FunctionOutcome, attempt: Any) -> None:
    """The edited code becomes the function's winner (and the last entry of its history)."""
    from dataclasses import replace

    previous = outcome.winner
    attempt = replace(attempt, note=f"edited in review from: {previous.origin}")
    if outcome.result is not None:
        outcome.result.history.append(attempt)
        outcome.result.winner = attempt
    outcome.fallback = None


def _inline(term: Terminal) -> str | None:
    term.say(f"Type the new function (and any helpers); end with a line holding only '{END_OF_INLINE}'.")
    lines: list[str] = []
    while True:
        try:
            line = term.ask("")
        except EOFError:
            return None
        if line.strip() == END_OF_INLINE:
            return "\n".join(lines) + "\n"
        lines.append(line)


def _settle(report: OptimizeReport, work: Workspace, done: Review, say: Progress) -> None:
    """After edits, the repository's tests on the copy; after any change, the workload timed again."""
    from perfkit.repo import checks

    if any(d.decision == "edited" for d in done.decisions) and report.tests_passed:
        checks.whole_program_check(work, report.config, report, say)
        for d in done.decisions:
            outcome = next(f for f in report.functions if f.info.key == d.key)
            if d.decision != "rejected" and outcome.status == "dropped":
                d.note = (d.note + "; " if d.note else "") + f"dropped afterwards: {outcome.reason}"
    report.before = report.after = report.speedup = None
    if report.improved:
        baseline = Workspace(report.repo)
        try:
            checks.measure_workload(baseline, work, report.config, report, say)
        finally:
            baseline.close()


def _decision(outcome: FunctionOutcome, kind: str, work: Workspace, *, note: str = "", who: str = "") -> Decision:
    winner = outcome.winner
    speed = getattr(winner, "speed", None)
    return Decision(
        key=outcome.info.key,
        decision=kind,
        speedup=speed.speedup if speed else None,
        low=speed.low if speed else None,
        high=speed.high if speed else None,
        source=winner.source,
        diff=function_diff(outcome, work),
        note=note,
        reviewer=who,
    )


def _tally(decisions: list[Decision]) -> str:
    counts = {kind: sum(d.decision == kind for d in decisions) for kind in ("accepted", "edited", "rejected")}
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)


def _reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return ""


def record(decisions: list[Decision], store: Path) -> None:
    """Add the decisions to the results store, under the newest optimize run (the one just saved)."""
    from perfkit.store import Store

    with Store(store) as db:
        runs = db.runs(kind="optimize")
        run_id = runs[-1].id if runs else None
        for d in decisions:
            d.run_id = run_id
        db.add_decisions(decisions)


def needs_terminal() -> str | None:
    """Why ``--interactive`` cannot run here (None when stdin and stdout are terminals)."""
    if not sys.stdin.isatty():
        return "--interactive needs a terminal: stdin is not one (run it in a terminal, or drop --interactive)"
    return None
