"""The refinement loop: propose, verify, measure, feed the outcome back; keep the best and the whole history.

Each round asks every proposer for candidates given the context (source, profile lines, the slowest inputs
and their timings, and the outcome of every earlier candidate). A candidate is accepted when the verifier finds
no difference on the stress inputs and on a few hundred inputs drawn from the type hints and from the shapes of
the stress inputs, widened beyond them (:mod:`perfkit.shapes`; so an unannotated function is checked as widely
as an annotated one), and when the lower bound of its speedup interval on the largest stress input is above
``min_speedup``.

The search (issue 17): verified candidates form a population per function (:mod:`perfkit.optimizers.population`);
a model is asked once per parent drawn from it by speedup and diversity, and its prompt carries the parent, other
verified rewrites with their measured speedups, the failures with their inputs, the profile lines and the growth
class (:mod:`perfkit.optimizers.llm_prompt`). A candidate whose normalised syntax tree was met before, from any
proposer, is never verified again (:mod:`perfkit.optimizers.novelty`). Each attempt records where it came from:
proposer, model, round and parent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from perfkit.optimizers._code import (
    CodeRef,
    as_method,
    bound_types,
    defines,
    describe_type,
    function_source,
    unified_diff,
)
from perfkit.optimizers._iterators import MARK, drain, is_iterator
from perfkit.optimizers._types import Candidate, Context, Feedback, Inputs, InputTiming, Program, Proposer
from perfkit.optimizers._unexplored import guarded, never_passed, same_function, seen_types, unexplored
from perfkit.optimizers.novelty import Seen
from perfkit.optimizers.population import Population
from perfkit.optimizers.speed import SpeedReport, compare_speed
from perfkit.optimizers.verify import DEFAULT_TOLERANCE, Tolerance, Verdict, behaves_like

from perfkit.errors import InvalidArgument
from perfkit.profile import Hotspot, Profile
from perfkit.progress import Progress

SCHEMA_VERSION = 2  # 2: 'format' beside 'schema_version'
VERIFY_EXAMPLES = 300  # inputs drawn for verification: every candidate faces all of them
VERIFY_MAX_SIZE = 100  # the largest tier of drawn inputs (items per collection, characters per string)
DRAW_BUDGET = 20.0  # seconds of the original's time on the drawn inputs; slower inputs give way to smaller ones
IDLE_ROUNDS = 2  # a sampling proposer (a model) whose answers were all met before gets this many rounds in a row
_TIERS = ((0.02, 0.2), (0.06, 0.25), (0.15, 0.25), (0.4, 0.2), (1.0, 0.1))  # (share of max_size, of examples)


@dataclass(frozen=True)
class Attempt:
    """One candidate and what became of it.

    ``verdict``: accepted, rejected (behaves differently), slower, error (proposer or measurement failed), or
    "no candidate" (the proposer declined, e.g. numba could not compile, or the model's reply had no code).
    """

    round: int
    proposer: str
    note: str
    source: str
    verdict: str
    reason: str
    check: Verdict | None = None
    speed: SpeedReport | None = None
    model: str = ""  # the model that wrote it (LLM proposers)
    parent: int | None = None  # the program it was asked to improve on: 0 the original, else a history number
    tokens: int = 0
    counterexample: str = ""  # the input it failed on, when verification found one

    @property
    def speedup(self) -> float | None:
        return None if self.speed is None else self.speed.speedup

    @property
    def origin(self) -> str:
        """Where it came from: proposer (and model), round, and the program it improved on."""
        who = f"{self.proposer} ({self.model})" if self.model else self.proposer
        parent = "" if not self.parent else f", from candidate #{self.parent}"
        return f"{who}, round {self.round}{parent}"


@dataclass
class Result:
    """The history of every attempt, the winner (None when nothing was accepted) and its unified diff."""

    name: str
    path: str
    original_source: str
    history: list[Attempt] = field(default_factory=list)
    winner: Attempt | None = None
    diff: str = ""
    notes: list[str] = field(default_factory=list)
    verification_inputs: int = 0
    duplicates: int = 0  # candidates not verified because the same program (normalised) was met before
    population: list[int] = field(default_factory=list)  # history numbers of the verified programs kept at the end
    complexity: str = ""  # the original's growth on the stress inputs, as the prompts saw it

    @property
    def tokens(self) -> int:
        """Tokens the candidates' requests cost, as far as the proposers reported them."""
        return sum(a.tokens for a in self.history)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (schema-versioned)."""
        from perfkit._io import document

        return document("optimize-function", SCHEMA_VERSION, asdict(self))


def default_proposers() -> list[Proposer]:
    """The offline proposers: AST rewrites, library equivalents, then numba."""
    from perfkit.optimizers.equivalents import EquivalentsProposer
    from perfkit.optimizers.numba_jit import NumbaProposer
    from perfkit.optimizers.rewrite import RewriteProposer

    return [RewriteProposer(), EquivalentsProposer(), NumbaProposer()]


def hotspots_from_profile(profile: Profile, func: Callable[..., Any]) -> tuple[Hotspot, ...]:
    """The lines of ``func`` in a :class:`perfkit.profile.Profile`, busiest first, ready for ``hotspots=``."""
    source, start = function_source(func)
    end = start + len(source.splitlines())
    path = Path(func.__code__.co_filename).resolve()
    return tuple(h for h in profile.lines if Path(h.file).resolve() == path and start <= h.line < end)


def optimize_function(
    func: Callable[..., Any],
    *,
    stress_inputs: Inputs,
    module_source: str | None = None,
    proposers: Sequence[Proposer] | None = None,
    rounds: int = 3,
    candidates_per_round: int = 3,
    examples: int = VERIFY_EXAMPLES,
    max_size: int = VERIFY_MAX_SIZE,
    overrides: dict[str, Any] | None = None,
    hotspots: Sequence[Hotspot] = (),
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    min_speedup: float = 1.05,
    measure_rounds: int = 3,
    max_sizes: int = 3,
    timeout: float = 60.0,
    memory_limit: int | None = 2 * 2**30,
    project_tests: Sequence[str] | None = None,
    progress: Progress | None = None,
    executor: Any = None,
    population: int = 8,
    inspirations: int = 2,
    novelty: bool = True,
    complexity: str = "",
) -> Result:
    """Look for a faster function that behaves like ``func``; returns the full history and the winner's diff.

    ``stress_inputs`` are ``(args, kwargs)`` pairs (the fuzzers' slow inputs): candidates are measured on the
    largest ``max_sizes`` of them and verified on all of them plus ``examples`` inputs drawn (deterministically)
    from the type hints and from the shapes the stress inputs have, widened (:mod:`perfkit.shapes`), at sizes
    from 1 to ``max_size``.
    ``project_tests`` (pytest arguments, e.g. ``["tests/test_mod.py"]``) are run with each verified candidate
    patched in; a candidate that fails tests the original passes is rejected.
    ``executor`` (:mod:`perfkit.executors`): each round's candidates are checked in parallel on it (finished
    checks are reused from its store); the speedup timing always runs here, one candidate at a time.

    Search: every candidate that behaves like the original joins a ``population`` of at most that many programs
    (:mod:`perfkit.optimizers.population`; 0 turns it off: each request then sees the original and the
    feedback only). A proposer that samples (a model) is asked once per parent drawn from it, shown with
    ``inspirations`` other verified programs and their speedups. ``novelty``: a candidate whose normalised
    syntax tree was met before (:mod:`perfkit.optimizers.novelty`) is never verified again (False: only
    identical syntax trees are skipped). ``complexity``: the original's growth class (e.g. the fuzzer's);
    fitted from the stress inputs' times when not given.
    """
    _validate(stress_inputs, rounds, candidates_per_round, examples, min_speedup)
    if not isinstance(population, int) or population < 0:
        raise InvalidArgument("population", population, "give a whole number of at least 0 (0: no population)")
    if not isinstance(inspirations, int) or inspirations < 0:
        raise InvalidArgument("inspirations", inspirations, "give a whole number of at least 0")
    source, start = function_source(func)
    path = Path(func.__code__.co_filename)
    if module_source is None:
        module_source = path.read_text(encoding="utf-8")
    say = progress or (lambda message: None)
    result = Result(name=func.__name__, path=str(path), original_source=source)
    original = CodeRef(func.__module__, func.__qualname__)
    method = "." in func.__qualname__

    say(f"drawing {examples} verification inputs")
    drawn, seen, notes = verification_inputs(
        func, stress_inputs=stress_inputs, examples=examples, max_size=max_size, overrides=overrides
    )
    result.notes.extend(notes)
    extremes = extreme_variants(min(stress_inputs, key=_size))
    checks = drawn + extremes + list(stress_inputs)
    result.verification_inputs = len(checks)
    say(f"observing the original on {len(checks) - len(drawn)} inputs")
    observed = seen + _observe(original, extremes + list(stress_inputs), timeout=timeout)
    timings = observed[len(drawn) + len(extremes) :]
    context = Context(
        name=func.__name__,
        source=source,
        module_name=func.__module__,
        module_source=module_source,
        params=tuple(bound_types(func, []).keys()),
        arg_types={k: frozenset(v) for k, v in bound_types(func, checks).items()},
        return_types=frozenset(kind for kind, _ in observed if kind is not None and not kind.startswith("raises ")),
        hotspots=tuple(hotspots),
        inputs=tuple(
            InputTiming(_describe(args, kwargs), _size((args, kwargs)), seconds)
            for (args, kwargs), (_, seconds) in zip(stress_inputs, timings, strict=True)
        ),
        sample_inputs=tuple(sorted(stress_inputs, key=_size)[:2]),
    )
    context = replace(context, complexity=complexity or _growth(context.inputs))
    handed_back = unexplored(context.arg_types, source, func.__name__, never_passed=never_passed(func, checks))
    handed_back = {**same_function(func, checks), **handed_back}
    if handed_back:
        shown = ", ".join(f"{name} ({test})" for name, test in handed_back.items())
        result.notes.append(f"never varied by any input, so other values go to the original: {shown}")
    handed_back = {**seen_types(func, checks), **handed_back}  # and types no input had: to the original too
    result.complexity = context.complexity
    seen = Seen(name=func.__name__, normalise=novelty)
    seen.admit(source)
    pool = Population(source, name=func.__qualname__, capacity=population) if population else None
    chosen = list(proposers) if proposers is not None else default_proposers()
    idle = counted = 0  # rounds in a row that brought no new program; duplicates counted so far
    for round_number in range(1, rounds + 1):
        context = replace(context, round=round_number)
        slots: list[Attempt | Candidate] = []  # the round's history in order; candidates are tried below
        for proposer in chosen:
            for asked, n, parent in _requests(proposer, context, pool, candidates_per_round, inspirations):
                rejected_before = len(getattr(proposer, "rejections", ()))
                try:
                    candidates = proposer.propose(asked, n=n)
                except Exception as exc:  # a proposer failing (network, model) is history, not a crash
                    slots.append(Attempt(round_number, proposer.name, "", "", "error", f"{type(exc).__name__}: {exc}"))
                    continue
                for text in list(getattr(proposer, "rejections", ()))[rejected_before:]:
                    slots.append(Attempt(round_number, proposer.name, "", "", "no candidate", text))
                for candidate in candidates[:n]:
                    if method:  # verified exactly as it will sit in the class
                        candidate = replace(candidate, source=as_method(candidate.source, func.__name__))
                    guard = guarded(candidate.source, source, func.__name__, handed_back)
                    candidate = replace(candidate, source=guard)
                    if not seen.admit(candidate.source):  # a duplicate is never verified twice
                        continue
                    candidate = replace(candidate, parent=parent if candidate.parent is None else candidate.parent)
                    say(f"round {round_number}: {candidate.proposer} candidate ({candidate.note or 'no note'})")
                    slots.append(candidate)
        fresh = [slot for slot in slots if isinstance(slot, Candidate)]
        trial = _Trial(
            original,
            checks,
            stress_inputs,
            context,
            module_source,
            tolerance,
            min_speedup,
            measure_rounds,
            max_sizes,
            timeout,
            memory_limit,
            project_tests,
        )
        attempts = iter(trial.run(fresh, round_number, executor, say))
        for slot in slots:
            attempt = slot if isinstance(slot, Attempt) else next(attempts)
            result.history.append(attempt)
            if pool is not None and attempt.speed is not None and attempt.verdict in ("accepted", "slower"):
                pool.add(_program(attempt, len(result.history)))
        repeats, counted = seen.duplicates - counted, seen.duplicates
        context = replace(context, feedback=tuple(_feedback(a) for a in result.history if a.source), repeats=repeats)
        idle = 0 if fresh else idle + 1
        if idle and (idle >= IDLE_ROUNDS or not any(_samples(p) for p in chosen)):
            break  # nothing new: rules will not change their minds; a model gets IDLE_ROUNDS tries
    result.duplicates = seen.duplicates
    result.population = [p.id for p in pool.programs[1:]] if pool is not None else []
    accepted = [a for a in result.history if a.verdict == "accepted"]
    if accepted:
        result.winner = max(accepted, key=lambda a: a.speed.low if a.speed else 0.0)
        result.diff = unified_diff(module_source, source, start, result.winner.source, path=_shown_path(path))
    return result


@dataclass(frozen=True)
class _Trial:
    """How one function's candidates are tried: behaviour checks (farmed out), then timing here."""

    original: CodeRef
    checks: Inputs
    stress_inputs: Inputs
    context: Context
    module_source: str
    tolerance: Tolerance
    min_speedup: float
    measure_rounds: int
    max_sizes: int
    timeout: float
    memory_limit: int | None
    project_tests: Sequence[str] | None

    def run(self, candidates: list[Candidate], round_number: int, executor: Any, say: Progress) -> list[Attempt]:
        """One attempt per candidate, in order: all are checked (in parallel on ``executor``), then the ones
        that behave like the original are timed one after another."""
        from perfkit.executors import Failed, Unit, run_units, unit_key

        def attempt(candidate: Candidate, verdict: str, reason: str, **extra: Any) -> Attempt:
            origin = {"model": candidate.model, "parent": candidate.parent, "tokens": candidate.tokens}
            return Attempt(
                round_number, candidate.proposer, candidate.note, candidate.source, verdict, reason, **origin, **extra
            )

        out: dict[int, Attempt] = {}
        units, indices = [], []
        for i, candidate in enumerate(candidates):
            if defines(candidate.source, self.context.name) is None:
                out[i] = attempt(
                    candidate, "rejected", f"the candidate does not define a function named {self.context.name!r}"
                )
                continue
            ref = CodeRef(self.original.module, self.original.name, candidate.source)
            tests = list(self.project_tests) if self.project_tests else None
            options = {
                "tolerance": self.tolerance,
                "original_timeout": self.timeout,
                "memory_limit": self.memory_limit,
                "project_tests": tests,
            }
            key = unit_key(
                "verify",
                getattr(executor, "site", None),
                self.module_source,
                self.original.module,
                self.original.name,
                candidate.source,
                self.checks,
                options,
            )
            label = f"{self.context.name}: {candidate.proposer} candidate"
            units.append(Unit("verify", label, key, behaves_like, (self.original, ref, self.checks), options))
            indices.append(i)
        checked = run_units(executor, units, noun="candidates", verb="verified", progress=say)
        for i, outcome in zip(indices, checked, strict=True):
            candidate = candidates[i]
            if isinstance(outcome, Failed):
                out[i] = attempt(candidate, "error", f"verification failed: {outcome.message}")
            elif outcome.verdict != "ok":
                shown = self.counterexample(outcome.check)
                out[i] = attempt(candidate, outcome.verdict, outcome.reason, check=outcome.check, counterexample=shown)
            else:
                candidate = replace(candidate, source=outcome.source or candidate.source)  # item checks left out
                started = time.monotonic()
                out[i] = self.timed(candidate, outcome.check, attempt)
                if executor is not None:
                    tally = executor.ledger.tally("timing")
                    tally.units, tally.wall = tally.units + 1, tally.wall + time.monotonic() - started
        return [out[i] for i in range(len(candidates))]

    def counterexample(self, check: Verdict | None) -> str:
        """The input a candidate failed on, described short (the prompt shows it to the next round)."""
        if check is None or check.input_index is None or not 0 <= check.input_index < len(self.checks):
            return ""
        args, kwargs = self.checks[check.input_index]
        return _describe(args, kwargs)

    def timed(self, candidate: Candidate, check: Verdict | None, attempt: Callable[..., Attempt]) -> Attempt:
        ref = CodeRef(self.original.module, self.original.name, candidate.source)
        try:
            speed = compare_speed(
                self.original,
                ref,
                self.stress_inputs,
                rounds=self.measure_rounds,
                max_inputs=self.max_sizes,
                timeout=self.timeout,
                memory_limit=self.memory_limit,
                target=self.min_speedup,
                drain=any(kind.endswith(MARK) for kind in self.context.return_types),
            )
        except Exception as exc:  # a measurement that fails is a failed candidate
            return attempt(candidate, "error", f"measurement failed: {type(exc).__name__}: {exc}", check=check)
        shown = f"{speed.speedup:.2f}x [{speed.low:.2f}, {speed.high:.2f}] on the largest input"
        if speed.low <= self.min_speedup:
            need = f"need the lower bound above {self.min_speedup}"
            return attempt(candidate, "slower", f"not faster enough: {shown} ({need})", check=check, speed=speed)
        checked = check.checked if check is not None else 0
        return attempt(candidate, "accepted", f"verified on {checked} inputs; {shown}", check=check, speed=speed)


_EXTREMES = (2**20 - 3, 2**62 + 5)  # at numba's int guard, and far beyond 64 bits once multiplied


def extreme_variants(item: tuple[tuple[Any, ...], dict[str, Any]], *, limit: int = 64) -> Inputs:
    """Copies of an input whose ints inside collections are huge (keeping their signs), cut to ``limit`` items.

    They expose candidates that assume small numbers (64-bit overflow in compiled code); top-level ints are
    kept, since they are often sizes or loop bounds.
    """
    variants: Inputs = []
    if not any(_nested_int(v) for v in (*item[0], *item[1].values())):
        return variants
    for big in _EXTREMES:
        args = tuple(_grow(a, big, limit) for a in item[0])
        kwargs = {k: _grow(v, big, limit) for k, v in item[1].items()}
        variants.append((args, kwargs))
    return variants


def _nested_int(value: Any, depth: int = 0) -> bool:
    if type(value) in (list, tuple) and depth < 3:
        return any(type(v) is int or _nested_int(v, depth + 1) for v in value)
    return False


def _grow(value: Any, big: int, limit: int, depth: int = 0) -> Any:
    if depth > 0 and type(value) is int:
        return big if value >= 0 else -big
    if type(value) in (list, tuple) and depth < 3:
        return type(value)(_grow(v, big, limit, depth + 1) for v in list(value)[:limit])
    return value


def _shown_path(path: Path) -> str:
    """The path as the diff names it: relative to the working directory when inside it (``git apply`` works)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def _feedback(attempt: Attempt) -> Feedback:
    return Feedback(
        attempt.source, attempt.proposer, attempt.verdict, attempt.reason, attempt.speedup, attempt.counterexample
    )


def _program(attempt: Attempt, number: int) -> Program:
    speed = attempt.speed
    assert speed is not None
    return Program(
        number,
        attempt.source,
        speed.speedup,
        speed.low,
        speed.high,
        attempt.proposer,
        attempt.model,
        attempt.round,
        attempt.parent,
    )


def _samples(proposer: Proposer) -> bool:
    """Whether each call of ``proposer`` is a fresh sample (a model): it is then asked once per parent."""
    declared = getattr(proposer, "samples", None)
    if declared is not None:
        return bool(declared)
    from perfkit.optimizers.llm import LLMProposer

    return isinstance(proposer, LLMProposer)


def _requests(
    proposer: Proposer, context: Context, pool: Population | None, n: int, shown: int
) -> list[tuple[Context, int, int]]:
    """The calls to make of ``proposer`` this round: (context, n, parent id). A sampling proposer gets one call
    per parent drawn from the population, each with its own inspirations; the others (and every proposer
    without a population) one call on the original."""
    if pool is None or not _samples(proposer):
        return [(context, n, 0)]
    return [
        (replace(context, parent=p, inspirations=tuple(pool.inspirations(p, shown))), 1, p.id) for p in pool.parents(n)
    ]


def _growth(inputs: Sequence[InputTiming]) -> str:
    """The original's growth class fitted on the stress inputs' sizes and times ("" when they cannot tell)."""
    timed = [(i.size, i.seconds) for i in inputs if i.seconds is not None and i.seconds > 0 and i.size >= 1]
    if len({size for size, _ in timed}) < 4:
        return ""
    from perfkit.stats import fit_complexity

    try:
        fit = fit_complexity([s for s, _ in timed], [t for _, t in timed])
    except Exception:  # too few or degenerate points: say nothing rather than guess
        return ""
    return fit.complexity if fit.r2 >= 0.9 else ""


def _validate(stress_inputs: object, rounds: int, per_round: int, examples: int, min_speedup: float) -> None:
    if not isinstance(stress_inputs, list | tuple) or not stress_inputs:
        raise InvalidArgument("stress_inputs", stress_inputs, "give a non-empty list of (args tuple, kwargs dict)")
    for item in stress_inputs:
        if not (
            isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple) and isinstance(item[1], dict)
        ):
            raise InvalidArgument("stress_inputs", item, "each input is a pair (args tuple, kwargs dict)")
    for name, value in (("rounds", rounds), ("candidates_per_round", per_round)):
        if not isinstance(value, int) or value < 1:
            raise InvalidArgument(name, value, "give a whole number of at least 1")
    if not isinstance(examples, int) or examples < 0:
        raise InvalidArgument("examples", examples, "give a whole number of at least 0")
    if not isinstance(min_speedup, int | float) or min_speedup < 1.0:
        raise InvalidArgument("min_speedup", min_speedup, "give a ratio of at least 1.0, e.g. 1.05")


def _size(item: tuple[tuple[Any, ...], dict[str, Any]]) -> int:
    from perfkit.inputs import input_size

    return input_size(*item)


def _describe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    from perfkit.optimizers._compare import short

    parts = [f"{describe_type(a)} {short(a)}" for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def verification_inputs(
    func: Callable[..., Any],
    *,
    stress_inputs: Inputs,
    examples: int = VERIFY_EXAMPLES,
    max_size: int = VERIFY_MAX_SIZE,
    overrides: dict[str, Any] | None = None,
    budget: float = DRAW_BUDGET,
) -> tuple[Inputs, list[tuple[str | None, float | None]], list[str]]:
    """The inputs drawn to verify candidates for ``func`` (smallest first; the same on every run), what the
    original did on each (result type, seconds), and notes on what could not be drawn or was replaced.

    Drawn from the hints and from the shapes of ``stress_inputs`` widened (:func:`perfkit.inputs.arguments_strategy`
    with ``widen=True``) in tiers of sizes up to ``max_size``; an input on which the original takes more than
    ``budget / examples`` seconds gives way to a smaller one.
    """
    original = CodeRef(func.__module__, func.__qualname__)
    drawn, reserve, notes = _draw_inputs(
        func, examples=examples, max_size=max_size, overrides=overrides, samples=list(stress_inputs)
    )
    kept, seen, dropped = _within_budget(original, drawn, reserve, budget=budget)
    return kept, seen, notes + ([dropped] if dropped else [])


def _draw_inputs(
    func: Callable[..., Any],
    *,
    examples: int,
    max_size: int,
    overrides: dict[str, Any] | None,
    samples: Inputs | None = None,
) -> tuple[Inputs, Inputs, list[str]]:
    """About ``examples`` inputs, tiny to ``max_size``, and a reserve of small ones, from the hints and the
    widened shapes of ``samples``; deterministic. Also returns notes: what could not be drawn, and why."""
    if examples == 0:
        return [], [], []
    from perfkit.inputs import arguments_strategy
    from perfkit.shapes import observe

    notes: list[str] = []
    shapes = observe(func, samples or [])
    if shapes.shapes:
        notes.append(f"verification inputs widened from the observed shapes: {shapes.describe()}")
    notes.extend(shapes.notes())
    drawn: list[Inputs] = []
    counts = [int(part * examples) for _, part in _TIERS]
    counts[0] += examples - sum(counts)
    tiers = [(max(1, round(share * max_size)), count) for (share, _), count in zip(_TIERS, counts, strict=True)]
    tiers.append((tiers[1][0], max(1, examples // 3)))  # the reserve: replaces inputs the original is slow on
    for number, (size, count) in enumerate(tiers):
        if count == 0:
            drawn.append([])
            continue
        try:
            strategy = arguments_strategy(func, max_size=size, overrides=overrides, samples=shapes, widen=True)
        except InvalidArgument as exc:
            return [], [], [*notes, f"no inputs drawn ({exc}); verified on the stress inputs only"]
        try:
            drawn.append(_examples(strategy, count=count, seed=number))
        except Exception as exc:  # a strategy that cannot draw: said, and the other tiers still count
            drawn.append([])
            notes.append(f"drawing inputs of size {size} failed: {type(exc).__name__}: {exc}")
    return [item for tier in drawn[:-1] for item in tier], drawn[-1], notes


def _examples(strategy: Any, *, count: int, seed: int) -> Inputs:
    """``count`` examples of ``strategy`` (fewer when it has fewer), the same on every run."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    found: Inputs = []

    @seeded(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(item: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        found.append(item)

    collect()
    return found


def _within_budget(
    original: CodeRef, drawn: Inputs, reserve: Inputs, *, budget: float
) -> tuple[Inputs, list[tuple[str | None, float | None]], str]:
    """The drawn inputs the original runs quickly on, smallest first, with what it did on each (type, seconds):
    an input on which it takes over ``budget / len(drawn)`` seconds gives way to one from the ``reserve``."""
    if not drawn:
        return [], [], ""
    cap = budget / len(drawn)
    seen = _observe(original, drawn + reserve, timeout=min(2.0, max(0.5, 20 * cap)))
    observed = list(zip(drawn + reserve, seen, strict=True))
    fast = [(item, s) for item, s in observed[: len(drawn)] if s[1] is not None and s[1] <= cap]
    slow = len(drawn) - len(fast)
    spare = [(item, s) for item, s in observed[len(drawn) :] if s[1] is not None and s[1] <= cap]
    kept = sorted(fast + spare[:slow], key=lambda pair: _size(pair[0]))
    note = ""
    if slow:
        note = (
            f"{slow} drawn inputs took the original over {cap:.3g} s (or failed to run): "
            f"{min(slow, len(spare))} smaller ones replace them"
        )
    return [item for item, _ in kept], [s for _, s in kept], note


def _observe(original: CodeRef, inputs: Inputs, *, timeout: float) -> list[tuple[str | None, float | None]]:
    """The original's result type (``"raises T"`` for exceptions) and time on each input, in a child."""
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    out: list[tuple[str | None, float | None]] = []
    while len(out) < len(inputs):
        start = len(out)
        try:
            with Child("perfkit.optimizers.loop:_observe_child", {"ref": original, "inputs": inputs[start:]}) as child:
                try:  # loaded (imports may be slow): from here on each input has ``timeout``
                    loaded = child.recv(timeout=60.0)["kind"] == "ready"
                except ChildTimeout:
                    loaded = False
                if not loaded:
                    raise ChildDied(1, "the original could not be loaded")
                while len(out) < len(inputs):
                    message = child.recv(timeout=timeout)
                    if message["kind"] == "crash":
                        raise ChildDied(1, message["message"])
                    out.append((message["type"], message["seconds"]))
        except ChildTimeout:
            out.append((None, None))
        except ChildDied:
            out.extend([(None, None)] * (len(inputs) - len(out)))
    return out


def _observe_child(payload: dict[str, Any], emit: Any) -> None:
    func = payload["ref"].load()
    emit({"kind": "ready"})
    for args, kwargs in payload["inputs"]:
        started = time.perf_counter()
        try:
            value = func(*args, **kwargs)
            kind = describe_type(value) + (MARK if is_iterator(value) else "")
            drain(value)  # a generator's work happens while it is iterated
        except Exception as exc:
            kind = f"raises {type(exc).__name__}"
        emit({"kind": "observed", "type": kind, "seconds": time.perf_counter() - started})
