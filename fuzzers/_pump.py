"""Pumping search: a search over input patterns ``prefix + segment * k + suffix``, scored by how cost grows.

Sources of patterns: the slowest inputs so far (segments read off them, see :func:`~._patterns.from_value`),
the attack strings of the regular expressions the target reaches (``regex`` feature: ``perfkit.fuzzers.
_regex_seeds``; they are first validated at program level, through the target itself, with this session's
time-bounded measure), letters and pieces from the code's string constants and the regex dictionary, and
the regex dictionary's characters pumped between the two ends the code tests its input for (``s[0] == '"' and
s[-1] == '"'``: a quoted value whose loop only runs when both quotes are there).

Each candidate is measured at two small sizes (N/8 and N/4, and N/2 under a bound of 256 when it is flat from
N/8 to N/4: there the call's fixed cost can hide the growth); the slope of log(cost) over log(size)
extrapolates its cost at N, and only the candidates whose extrapolated cost is near the best, or whose growth
is the steepest so far, are measured at N/2 and N
(successive halving: most patterns cost two cheap evaluations). The best-scored patterns are mutated
(one part changed) into the next candidates. A call cut off at the time limit is the slowest possible outcome:
once one is found the pattern search stops (nothing can outrank it) and leaves the rest of the budget to the
next phase. Every measurement goes through ``session.evaluate``, so every input enters the corpus by its cost.
"""

from __future__ import annotations

import math
import os
import pickle
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from perfkit.fuzzers._patterns import (
    GENERIC_CHARS,
    Pattern,
    alphabet,
    binary_format,
    byte_constants,
    convert,
    from_value,
    growth,
    mutate,
    predicted,
    pumpable,
    string_constants,
    sub_tokens,
)

if TYPE_CHECKING:
    from perfkit.fuzzers._session import Session

REGEX_SHARE = 0.4  # of the phase's budget, at most, for validating the regex attacks through the target
CHECK_SHARE = 0.1  # of the phase's budget, at most, for checking them on ``re`` alone
PROMOTE = math.log(0.5)  # measured at N when its extrapolated cost is at least half the best's
POOL = 8  # best-scored patterns that are mutated
SMALL_BOUND = 256  # below this size bound, a pattern flat from N/8 to N/4 is measured at N/2 too
FLAT = 1.5  # cost ratio from N/8 to N/4 under which a pattern counts as flat there
STEEPER = 0.1  # a pattern whose growth beats the steepest so far by this much is measured at N
MAX_LEADS = 16  # leading strings an attack is validated behind
MAX_ATTACKS = 8  # attacks tried (the analysis orders them best first)
LOOK_S = 0.25  # how often the pattern search looks for the regex analysis until it comes
SEEDS = 6  # regex seeds (attack strings sized to the bound) measured as they are
SEED_SHARE = 0.15  # of the phase's budget, at most, for measuring them (each is a call at the size bound)
TRACED = 4  # corpus inputs (the costliest, and the longest) the target is traced on for the regexes it runs
TRACE_CALL_S = 0.05  # only inputs quicker than this are traced
TRACE_SHARE = 0.1  # of the phase's budget, at most, for analysing the patterns seen only at run time
HARVEST_SHARE = 0.05  # of the phase's budget, at most, for harvesting valid inputs
PLACE_SHARE = 0.25  # of the phase's budget, at most, for placing attacks inside them
PLACED = 4  # attacks (the best ranked) placed inside harvested inputs
ENCLOSED = 24  # characters pumped between the two ends the code tests its input for
FRAME_SHARE = 0.3  # of the phase's budget, at most, for building frames (:mod:`._frames`)
VALIDATED = frozenset({"regex-mate", "regex-validated"})  # regex patterns tried before the frames' ones
WHOLE = 2  # filler items in a frame pumped after or before as a whole
FRAME_LOOK_S = 1.0  # how often the pattern search reads the frame worker's file again
FRAMES_NICE = 5  # the frame worker's niceness above the search's
FRAMES_FILE = "frames.pkl"  # the frame worker's result, next to the regex analysis' file
FRAME_WAIT = 0.2  # of the phase's budget, at most, waited for the regex analysis before the frames are built
# pumped in every frame after its own filler: separators, a letter, digits, bytes, and an item with its separator
# (one line or field per item: a reader that walks lines backwards, a split that copies the rest each time)
FRAME_UNITS = (" ", "a", "1", "0", "\n", "\x01", "\x00", "a\n", "a\r", "a ")
BYTE_LETTERS = 8  # one-byte constants of the code pumped alone first (``\xff``: every bit set)
FIRST = 40  # framed patterns pumping each frame's own filler, tried first
FRAMED = 600  # framed patterns (other units, every first byte with a length) queued after them


def _generated(text: str, prefix: str, pump: str, suffix: str) -> bool:
    """Whether ``text`` is ``prefix + pump * k + suffix`` for some k >= 1."""
    if not text.startswith(prefix) or not text.endswith(suffix) or len(text) < len(prefix) + len(suffix):
        return False
    middle = text[len(prefix) : len(text) - len(suffix)]
    return bool(middle) and len(middle) % len(pump) == 0 and middle == pump * (len(middle) // len(pump))


def _with_contexts(attack: Any, leads: list[str]) -> Any:
    """``attack`` with ``leads`` added to the leading strings it is validated behind."""
    import dataclasses

    if not dataclasses.is_dataclass(attack) or not hasattr(attack, "contexts"):
        return attack
    contexts = tuple(dict.fromkeys((*attack.contexts, *leads)))[:MAX_LEADS]
    return dataclasses.replace(attack, contexts=contexts)  # type: ignore[type-var]


def lead_strings(session: Session, slot: str, tokens: list[str], longest: int) -> list[str]:
    """Leading strings to put before an attack: the slowest inputs so far cut right after each constant of the
    code they contain, and a letter followed by each short constant (a field name, then its separator)."""
    out: list[str] = []
    for found in sorted(session.corpus, key=lambda f: -f.cost)[:4]:
        value = (session.bind(found.args, found.kwargs) or {}).get(slot)
        if not isinstance(value, str):
            continue
        ends = {i + len(tok) for tok in tokens if tok for i in _positions(value, tok)}
        cuts = ends | {i + 1 for i in ends if i < len(value) and not value[i].isalnum()}  # and its separator
        out.extend(value[:i] for i in sorted(cuts)[:8])
    out.extend("a" + tok for tok in tokens[:12] if tok and len(tok) <= 4)
    return [lead for lead in dict.fromkeys(out) if 0 < len(lead) <= max(1, longest)]


def _positions(text: str, token: str) -> list[int]:
    found: list[int] = []
    i = text.find(token)
    while i >= 0 and len(found) < 4:
        found.append(i)
        i = text.find(token, i + 1)
    return found


def _attack_parts(attack: Any) -> tuple[str, str, str] | None:
    parts = (getattr(attack, "prefix", None), getattr(attack, "pump", None), getattr(attack, "suffix", None))
    if all(isinstance(p, str) for p in parts) and parts[1]:
        return parts  # type: ignore[return-value]
    return None


class PumpSearch:
    name = "pump"

    def __init__(self, *, guided: bool) -> None:
        self.guided = guided

    def run(self, session: Session) -> None:
        rng = random.Random(session.job.seed)
        base = self.base_input(session)
        if base is None:
            session.notes.append("pump: no input to start from")
            return
        bound = session.bind(*base)
        slots = [name for name, value in (bound or {}).items() if pumpable(value)]
        if bound is None or not slots:
            session.notes.append("pump: no str, bytes, list or tuple parameter to pump")
            return
        tokens, ones = frame_tokens(session.func)
        pumping = Pumping(session, bound, slots, tokens, rng)
        pumping.bytes_ = ones
        if "regex" in session.job.features and self.guided:  # the analysis may come while the search runs
            pumping.run(late=lambda: self.regex_sources(session, bound, slots))
            if session.regex is None and regex_data(session) is None and session.regex is None:
                session.notes.append("pump: the regex analysis was not ready in time")  # (not: no time to use it)
        else:
            pumping.run()

    def base_input(self, session: Session) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        best = session.corpus.best()
        if best is not None:
            return best.args, best.kwargs
        drawn = draw(session, 1)
        return drawn[0] if drawn else None

    def regex_sources(
        self, session: Session, bound: dict[str, Any], slots: list[str]
    ) -> tuple[list[str], list[Pattern]] | None:
        """The regex dictionary and seeds, and patterns from the attack strings, validated through the target;
        None while the analysis is not ready."""
        data = regex_data(session)
        if data is None:
            return None if session.regex is None else ([], [])
        attacks, dictionary, end_pairs = data
        from perfkit.fuzzers import _regex_seeds as regex
        from perfkit.fuzzers._regex_redos import class_mates

        limit = session.max_size
        budget = max(0.0, session.deadline - time.monotonic())
        try:
            seeds = list(regex.regex_seeds(session.func, max_len=limit, attacks=attacks))
        except Exception as exc:  # the analysis must never stop the search
            session.notes.append(f"pump: regex seeds failed ({type(exc).__name__}: {exc})")
            seeds = []
        text_slots = [s for s in slots if isinstance(bound[s], str | bytes)][:2]
        patterns: list[Pattern] = []
        share = REGEX_SHARE * budget / max(1, len(text_slots))
        passed = 0
        for slot in text_slots:
            like = bound[slot]

            def measure(text: str, slot: str = slot, like: Any = like) -> float:
                """Seconds of the target on ``text`` (0 when it is rejected): the unit of ``validate``'s
                ``enough`` (the search's cost is in line-equivalents)."""
                value = convert(text, like)
                if value is None or session.expired():
                    return 0.0
                sample = session.evaluate(*session.unbind({**bound, slot: value[: session.max_size]}))
                return sample.time_s if session.feedback(sample) is not None else 0.0

            seeds_end = time.monotonic() + SEED_SHARE * budget  # a slow target must leave time for the rest
            for text in seeds[:SEEDS]:
                if time.monotonic() >= seeds_end:
                    break
                measure(text)
            if any(f.outcome == "timeout" for f in session.corpus):  # a seed ran past the limit: the slowest
                session.notes.append(f"pump: a regex seed ran past the time limit ({len(attacks)} attack(s))")
                return [*dictionary, *seeds[:8]], patterns
            # the attack must survive the code before the regex: try it behind the code's leading strings and
            # behind the starts of real inputs (cut after a separator or constant), validated through the target
            leads = lead_strings(session, slot, [*dictionary, *string_constants(session.func)], limit // 3)
            here = attacks
            harvested = harvest_slot(session, bound, slot, budget=HARVEST_SHARE * budget)
            if not session.expired():  # the patterns the target runs on real inputs, and where their subject sits
                try:
                    first = [session.unbind({**bound, slot: text}) for text in harvested]
                    traced = trace_slot(session, slot, first=first)
                    call = (
                        (lambda text, at=slot: session.unbind({**bound, at: text})) if isinstance(like, str) else None
                    )
                    here = regex.traced_attacks(
                        attacks,
                        traced,
                        deadline=time.monotonic() + TRACE_SHARE * budget,
                        probe=regex.prober(session.func, call, timeout=min(0.5, session.job.timeout)) if call else None,
                        probe_budget=TRACE_SHARE * budget,
                    )
                    if harvested:  # the regexes called from compiled code: the trace cannot see them
                        here = place_in(session, here, harvested, traced, measure, budget=PLACE_SHARE * budget)
                    new = sum(a.where == regex.RUN_TIME for a in here)
                    session.notes.append(
                        f"pump: {len(traced)} regex(es) seen running on {slot!r}, {new} attack(s) on those the code "
                        "walk missed"
                    )
                except Exception as exc:
                    session.notes.append(f"pump: tracing the regexes failed ({type(exc).__name__}: {exc})")
            widened = [_with_contexts(a, leads) for a in here[:MAX_ATTACKS]]
            validated: list[tuple[str, float]] = []
            if widened and not session.expired():
                try:
                    validated = list(regex.validate(widened, measure, max_len=limit, budget=share))
                except Exception as exc:
                    session.notes.append(f"pump: validating regex attacks failed ({type(exc).__name__}: {exc})")
            texts = [text for text, _ in sorted(validated, key=lambda v: -v[1])]
            for attack in widened:
                parts = _attack_parts(attack)
                if parts is None:
                    continue
                prefix, pump, suffix = parts
                around = [("", ""), *getattr(attack, "enclosures", ())]
                around += [(context, "") for context in getattr(attack, "contexts", ())]
                ends = [suffix, *getattr(attack, "suffixes", ())]  # the failing suffix validate kept may be another
                for context, trail in dict.fromkeys(around):
                    kept = [e for e in ends if any(_generated(t, context + prefix, pump, e + trail) for t in texts)]
                    for end in kept[:1] or [suffix]:
                        ok = bool(kept)
                        converted = [convert(part, like) for part in (context + prefix, pump, end + trail)]
                        if all(c is not None for c in converted):  # unvalidated forms too: screening measures them
                            origin = "regex-validated" if ok else "regex" if not context + trail else "regex-context"
                            patterns.append(Pattern(slot, *converted, origin=origin))
                            passed += ok
                        # the same form pumping another character of the pump's class, or each letter of a longer pump
                        if ok:
                            regex_of = (getattr(attack, "pattern", ""), getattr(attack, "flags", 0))
                            mates = class_mates(*regex_of, pump) if len(pump) == 1 else list(dict.fromkeys(pump))
                            for mate in mates:
                                converted = [convert(x, like) for x in (context + prefix, mate, end + trail)]
                                if all(c is not None for c in converted):
                                    patterns.append(Pattern(slot, *converted, origin="regex-mate"))
                for part in dict.fromkeys(pump) if len(pump) > 1 else ():  # each letter of a longer pump alone:
                    converted = [convert(x, like) for x in (prefix, part, suffix)]  # the analysis may over-fit it
                    if all(c is not None for c in converted):
                        patterns.append(Pattern(slot, *converted, origin="regex-read"))
            for text in texts[:4]:
                value = convert(text, like)
                if value is not None:
                    patterns.extend(from_value(slot, value, random.Random(0), origin="regex-read")[:6])
            patterns.extend(enclosed(slot, like, end_pairs, dictionary))
        if attacks or seeds:
            session.notes.append(
                f"pump: {len(attacks)} regex attack(s), {len(seeds)} seed(s); {passed} attack form(s) passed the "
                "code before the regex (validated through the target)"
            )
        return [*dictionary, *seeds[:8]], patterns


class Pumping:
    """The pattern search of one session (see the module docstring)."""

    def __init__(
        self, session: Session, bound: dict[str, Any], slots: list[str], tokens: list[str], rng: random.Random
    ) -> None:
        self.session = session
        self.bound = bound
        self.slots = slots
        self.rng = rng
        self.size = session.max_size
        self.tokens = tokens
        self.bytes_: list[str] = []  # the code's one-byte constants (:func:`~._patterns.byte_constants`)
        self.frames_used: set[Any] = set()  # frames whose patterns are queued
        self.letters = {s: alphabet([bound[s]], tokens, bound[s]) for s in slots}
        self.pieces = {s: self.make_pieces(bound[s], tokens) for s in slots}
        self.scored: dict[tuple[str, str, str, str], tuple[float, Pattern, list[tuple[int, float]]]] = {}
        self.best = -math.inf
        self.steepest = 0.0  # the largest growth (log-log slope) of a pattern so far
        self.censored = any(f.outcome == "timeout" for f in session.corpus)  # nothing can outrank it

    def make_pieces(self, like: Any, tokens: list[str]) -> list[Any]:
        if isinstance(like, str | bytes):
            pieces = [convert(t, like) for t in tokens]
            return [p for p in pieces if p is not None and len(p)][:200]
        return [like[i : i + k] for k in (1, 2, 4) for i in range(0, max(0, len(like) - k + 1), max(1, k))][:100]

    def run(self, *, late: Callable[[], tuple[list[str], list[Pattern]] | None] | None = None) -> None:
        """Search until the budget is spent or a call runs past the limit. ``late()`` gives the regex tokens and
        patterns once they are ready (None before): they go to the front of the queue."""
        session = self.session
        queue: list[Pattern] = []
        for found in sorted(session.corpus, key=lambda f: -f.cost)[:4]:
            found_bound = session.bind(found.args, found.kwargs) or {}
            for slot in self.slots:
                value = found_bound.get(slot)
                if pumpable(value) and type(value) is type(self.bound[slot]):
                    queue.extend(from_value(slot, value, self.rng, origin="best input"))
        for slot in self.slots:
            like = self.bound[slot]
            for letter in self.rng.sample(self.letters[slot], min(12, len(self.letters[slot]))):
                queue.append(Pattern(slot, like[:0], self.one(letter, like), like[:0], "letter"))
            for piece in self.rng.sample(self.pieces[slot], min(12, len(self.pieces[slot]))):
                queue.append(Pattern(slot, like[:0], piece, like[:0], "constant"))
        self.rng.shuffle(queue)
        ones = []  # the code's byte constants alone (a loop that runs while a bit is set)
        for slot in self.slots:
            like = self.bound[slot]
            for letter in self.bytes_[:BYTE_LETTERS]:
                piece = convert(letter, like)
                if piece is not None:
                    ones.append(Pattern(slot, like[:0], piece, like[:0], "byte"))
        text_slot = self.frame_slot()
        tagged = []  # a binary format: every first byte as a tag with a BER length of the rest, first of all
        if text_slot is not None and binary_format(self.bytes_):
            tagged = self.tagged(text_slot, self.bound[text_slot])
        queue[:0] = ones
        for pattern in tagged:  # screened in one pass before anything is mutated: each costs two cheap calls
            if session.expired() or self.censored:
                break
            if pattern.key() not in self.scored:
                self.try_pattern(pattern)
        # variants of validated attacks, validated attacks, then every bare attack and its letters, then the
        # attacks behind leading strings
        # (a validated form was measured at N already: the variants of it that were not come first)
        first = {"regex-mate": 0, "regex-validated": 1, "regex": 2, "regex-read": 3, "enclosed": 4, "regex-context": 5}
        next_look = 0.0
        # the frames once the regex patterns are queued (they are quick to try and often decide), or once a
        # share of the phase has passed without them (an analysis of a large library can take long)
        frames_at = time.monotonic() + FRAME_WAIT * max(0.0, session.deadline - time.monotonic())
        framed = False
        look_frames = 0.0
        while not session.expired() and not self.censored:
            if not framed and (late is None or time.monotonic() >= frames_at):
                framed, look_frames = True, time.monotonic() + FRAME_LOOK_S
                ahead = next((i for i, p in enumerate(queue) if p.origin not in VALIDATED), len(queue))
                own, others = self.framed(share=0.0 if ahead else FRAME_SHARE)  # validated attacks first
                # behind the validated regex attacks, taking turns with the plain patterns (a letter pumped alone
                # is still often the worst: a parser that reads its whole input first)
                queue[ahead:] = _alternate(own[:FIRST] + others[:FRAMED], queue[ahead:])
                continue
            if framed and time.monotonic() >= look_frames:  # the frame worker's newer frames, ahead of the rest
                look_frames = time.monotonic() + FRAME_LOOK_S
                ahead = next((i for i, p in enumerate(queue) if p.origin not in VALIDATED), len(queue))
                queue[ahead:] = _alternate(self.more_frames(), queue[ahead:])
            if late is not None and time.monotonic() >= next_look:
                next_look = time.monotonic() + LOOK_S
                got = late()
                if got is not None:
                    late = None
                    tokens, found = got
                    self.add_tokens(tokens)
                    queue[:0] = sorted(found, key=lambda p: first.get(p.origin, 5))  # the regex attacks first
                    continue
            if queue and (not self.scored or self.rng.random() < 0.5):
                candidate = queue.pop(0)
            elif self.scored:
                pool = sorted(self.scored.values(), key=lambda v: -v[0])[:POOL]
                _, parent, _ = pool[min(int(self.rng.expovariate(0.5)), len(pool) - 1)]
                candidate = mutate(parent, self.rng, self.letters[parent.slot], self.pieces[parent.slot])
            else:
                break
            if candidate.key() not in self.scored:
                self.try_pattern(candidate)
        self.finish()

    def framed(self, *, share: float = FRAME_SHARE) -> tuple[list[Pattern], list[Pattern]]:
        """Patterns pumping units inside the frames the code needs (:func:`perfkit.fuzzers._frames.build`, for
        the first str or bytes parameter): those the campaign's frame worker wrote, else searched here within
        ``share`` of the budget left (none when validated regex attacks wait in the queue: they decide sooner).
        See :meth:`frame_patterns`."""
        from perfkit.fuzzers._frames import build

        session = self.session
        slot = self.frame_slot()
        if slot is None or session.expired():
            return [], []
        like = self.bound[slot]

        def depth(text: str) -> tuple[frozenset[object], object]:
            value = convert(text, like)
            if value is None:
                return frozenset(), None
            lines, site = session.evaluator.covered(*session.unbind({**self.bound, slot: value}))
            return frozenset(lines), site

        frames = read_frames(session, slot)
        if frames is None and share <= 0:
            return [], []
        if frames is None:  # no frame worker, or it has not written yet: search here
            deadline = time.monotonic() + share * max(0.0, session.deadline - time.monotonic())
            try:
                first_bytes = binary_format(self.bytes_)
                frames = build(depth, self.tokens, deadline=deadline, first_bytes=first_bytes, seed=session.job.seed)
            except Exception as exc:  # the frames must never stop the search
                session.notes.append(f"pump: building frames failed ({type(exc).__name__}: {exc})")
                return [], []
        return self.frame_patterns(slot, frames)

    def frame_slot(self) -> str | None:
        return next((s for s in self.slots if isinstance(self.bound[s], str | bytes)), None)

    def more_frames(self) -> list[Pattern]:
        """Patterns of the frames the frame worker found since they were last read (it writes as it goes)."""
        slot = self.frame_slot()
        frames = None if slot is None else read_frames(self.session, slot)
        if slot is None or not frames:
            return []
        new = [(n, f) for n, f in frames if f not in self.frames_used]
        if not new:
            return []
        own, others = self.frame_patterns(slot, new)
        return own + others[:FRAMED]

    def frame_patterns(self, slot: str, frames: list[tuple[int, Any]]) -> tuple[list[Pattern], list[Pattern]]:
        """Each frame's own filler pumped, then the other units; each in three places: between the frame's two
        ends (with its length field), after the whole frame as it ran with a short body, and before it (a parser
        that checks the end of its input and then scans all of it: ``startxref``, a number and ``%%EOF`` first).
        When the format is binary (:func:`~._patterns.binary_format`: the code tests bytes against values with the
        high bit set), each also with a BER length field (the search starts with :meth:`tagged` then)."""
        like = self.bound[slot]
        self.frames_used.update(f for _, f in frames)
        self.session.notes.append(
            "pump: frames " + "; ".join(f"{f.prefix!r}..{f.suffix!r} ({n} lines)" for n, f in frames[:4])
        )
        first: list[Pattern] = []
        rest: list[Pattern] = []
        fillers = list(dict.fromkeys(f.filler for _, f in frames))
        binary = binary_format(self.bytes_)
        for unit in dict.fromkeys([*fillers, *FRAME_UNITS, *self.bytes_[:2]]):
            for _, frame in frames:
                whole = frame.text(WHOLE)  # the frame as it ran, with a short body and its length field
                places = [(frame.prefix, frame.suffix, True), (whole, "", False), ("", whole, False)]
                for pre, suf, inside in places:
                    parts = [convert(x, like) for x in (pre, unit, suf)]
                    counts = [frame.count, *(["ber"] if binary and not frame.count else [])] if inside else [""]
                    if all(p is not None for p in parts):
                        for count in counts:  # a length field lets the body through; a short body covers as much
                            pattern = Pattern(slot, *parts, origin="frame", count=count)
                            (first if unit == frame.filler else rest).append(pattern)
        return first, rest

    def tagged(self, slot: str, like: Any) -> list[Pattern]:
        """For code that compares bytes with small integers (a binary format): every first byte, then a BER
        length of the rest, then ``\x01`` pumped (type-length-value: the type that runs the slow decoder is often
        named by a table, not a literal; a small byte is a valid item of most bodies)."""
        if not self.bytes_:
            return []
        out = []
        for tag in range(256):
            parts = [convert(x, like) for x in (chr(tag), "\x01", "")]
            if all(p is not None for p in parts):
                out.append(Pattern(slot, *parts, origin="tagged", count="ber"))
        return out

    def finish(self) -> None:
        """The best-scored pattern measured at the size bound if the budget ran out before it was (one call past
        the deadline: the pattern the search ranks first must be tried where it is costliest)."""
        if self.censored or not self.scored:
            return
        _, pattern, points = max(self.scored.values(), key=lambda v: v[0])
        if any(size == self.size for size, _ in points):
            return
        value = pattern.render(self.size)
        self.session.evaluate(*self.session.unbind({**self.bound, pattern.slot: value}))

    def add_tokens(self, tokens: list[str]) -> None:
        for slot in self.slots:
            like = self.bound[slot]
            self.letters[slot] = alphabet([like], tokens, like) + self.letters[slot]
            self.pieces[slot] = self.make_pieces(like, tokens) + self.pieces[slot]

    @staticmethod
    def one(letter: Any, like: Any) -> Any:
        if isinstance(like, str | bytes):
            return letter
        return tuple(letter) if isinstance(like, tuple) else list(letter)

    def try_pattern(self, pattern: Pattern) -> None:
        """Measure at two small sizes; at N/2 and N too when its extrapolated cost is near the best, or its cost
        grows faster than any pattern's so far (a fixed cost of the call can hide an exponential at small sizes:
        the steepest growth gets the full size)."""
        n = self.size
        small = sorted({max(1, n // 8), max(1, n // 4)})
        points: list[tuple[int, float]] = []
        for size in small:
            cost = self.measure(pattern, size)
            if cost is None:
                return
            points.append((size, cost))
        if n < SMALL_BOUND and n // 2 not in small and points[-1][1] < FLAT * points[0][1]:
            # under a small bound the call's fixed cost can hide the growth at N/8 and N/4: look at N/2 too
            cost = self.measure(pattern, n // 2)
            if cost is None:
                return
            points.append((n // 2, cost))
            small.append(n // 2)
        score, slope = predicted(points[-2:], n), growth(points[-2:])
        steepest = slope > self.steepest + STEEPER
        self.steepest = max(self.steepest, slope)
        if (score >= self.best + PROMOTE or steepest) and not self.censored:
            for size in sorted({max(1, n // 2), n} - set(small)):
                cost = self.measure(pattern, size)
                if cost is None:
                    break
                points.append((size, cost))
            score = predicted(points, n)
            self.best = max(self.best, score)
        self.scored[pattern.key()] = (score, pattern, points)

    def measure(self, pattern: Pattern, size: int) -> float | None:
        """The cost of the pattern rendered at ``size`` (None: the budget is spent, or it ran past the limit)."""
        if self.session.expired():
            return None
        value = pattern.render(size)
        sample = self.session.evaluate(*self.session.unbind({**self.bound, pattern.slot: value}))
        if sample.outcome == "timeout":
            self.censored = True
            self.session.notes.append(f"pump: {pattern.show()} ran past the time limit at size {len(value)}")
            if size < self.size:  # the worst input is the pattern at the bound (a call cut off there too)
                self.session.evaluate(*self.session.unbind({**self.bound, pattern.slot: pattern.render(self.size)}))
            return None
        return self.session.feedback(sample) or 0.0


def _alternate(first: list[Pattern], second: list[Pattern]) -> list[Pattern]:
    """The two lists taking turns, ``first`` leading; what is left of the longer one at the end."""
    out: list[Pattern] = []
    for a, b in zip(first, second, strict=False):
        out += [a, b]
    n = min(len(first), len(second))
    return out + first[n:] + second[n:]


def enclosed(slot: str, like: Any, ends: list[tuple[str, str]], tokens: list[str]) -> list[Pattern]:
    """Patterns between the (first, last) strings the code tests its input's ends for (a quoted value: work
    that only starts when both quotes are there), pumping each character of the regex dictionary (punctuation
    first), then a few separators."""
    own = sorted(dict.fromkeys(c for token in tokens for c in token), key=lambda c: c.isalnum())
    letters = list(dict.fromkeys([*own, *GENERIC_CHARS]))[:ENCLOSED]
    out = []
    for letter in letters:  # each letter between every pair first: the pair that lets the work run is unknown
        for first, last in ends:
            parts = [convert(x, like) for x in (first, letter, last)]
            if all(p is not None for p in parts):
                out.append(Pattern(slot, *parts, origin="enclosed"))
    return out


def harvest_slot(session: Session, bound: dict[str, Any], slot: str, *, budget: float) -> list[str]:
    """When most inputs so far made the target raise (a parser's syntax errors: its regexes are never reached),
    inputs it accepts harvested from its packages' files (:func:`perfkit.fuzzers._harvest.harvest`), cut to a
    third of the size bound (room is left for an attack string inside), each measured through the session."""
    from perfkit.fuzzers._harvest import harvest

    like = bound[slot]
    evaluations = session.counts["evaluations"]
    if not isinstance(like, str) or evaluations == 0 or session.counts["rejected"] * 2 < evaluations:
        return []

    def accepts(text: str) -> bool:
        if session.expired():
            return False
        return session.evaluate(*session.unbind({**bound, slot: text})).outcome == "ok"

    try:
        found = harvest(session.func, accepts, max_len=max(1, session.max_size // 3), budget=max(budget, 1e-3))
    except Exception as exc:  # the harvest must never stop the search
        session.notes.append(f"pump: harvesting inputs failed ({type(exc).__name__}: {exc})")
        return []
    session.notes.append(f"pump: {len(found)} input(s) the target accepts harvested from its packages' files")
    return found


def place_in(
    session: Session,
    attacks: list[Any],
    seeds: list[str],
    traced: list[Any],
    measure: Callable[[str], float],
    *,
    budget: float,
) -> list[Any]:
    """The first attacks placed in the harvested ``seeds`` where their string makes the cost grow, ahead of
    ``attacks`` (:func:`perfkit.fuzzers._harvest.placed`); those the trace saw running are not placed."""
    from perfkit.fuzzers._harvest import placed

    seen = frozenset((t.pattern, t.flags) for t in traced if t.splices)
    head = placed(
        attacks[:PLACED], seeds, measure, max_len=session.max_size, deadline=time.monotonic() + budget, skip=seen
    )
    session.notes.append(f"pump: {len(head) - len(attacks[:PLACED])} attack(s) placed in harvested inputs")
    return [*head, *attacks[PLACED:]]


def trace_slot(
    session: Session, slot: str, *, first: list[tuple[tuple[Any, ...], dict[str, Any]]] | None = None
) -> list[Any]:
    """The regexes the target runs on the calls ``first`` (harvested inputs) and the corpus' inputs (the costliest quick
    ones, then the longest), and where their subjects sit in parameter ``slot``
    (:func:`perfkit.fuzzers._regex_trace.trace`)."""
    import copy

    from perfkit.fuzzers._regex_trace import trace

    quick = [f for f in session.corpus if f.outcome != "timeout" and f.time_s < TRACE_CALL_S]
    chosen = sorted(quick, key=lambda f: -f.cost)[:TRACED] + sorted(quick, key=lambda f: -f.size)[:TRACED]
    calls, seen = [], set()
    calls = [copy.deepcopy(call) for call in first or ()]
    for found in chosen:
        value = (session.bind(found.args, found.kwargs) or {}).get(slot)
        if isinstance(value, str) and value not in seen:
            seen.add(value)
            calls.append(copy.deepcopy((found.args, found.kwargs)))

    def text_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        value = (session.bind(args, kwargs) or {}).get(slot)
        return value if isinstance(value, str) else None

    left = max(0.0, session.deadline - time.monotonic())
    return trace(session.func, calls, text_of=text_of, timeout=min(1.0, session.job.timeout), budget=TRACE_SHARE * left)


def code_tokens(session: Session) -> list[str]:
    """The regex dictionary (``regex`` feature) and the string constants of the target's code."""
    data = regex_data(session) if "regex" in session.job.features else None
    tokens = list(data[1]) if data else []
    return list(dict.fromkeys([*tokens, *string_constants(session.func)]))


def analyse(func: Any, max_size: int) -> tuple[list[Any], list[str], list[tuple[str, str]]]:
    """The attacks on the regexes ``func`` reaches, best first (unchecked: the pattern search measures them
    through the target), the regex dictionary, and the (first, last) strings the code tests its input's two ends
    for (``s[0] == '"' and s[-1] == '"'``), with one character of each class of the code-point tables it looks up
    as both ends."""
    from perfkit.fuzzers import _regex_seeds as regex
    from perfkit.fuzzers._regex_find import reach

    found = reach(func)
    attacks = list(regex.regex_attacks(func, max_len=max_size, check=False, reached=found))
    # the characters code classifying code points names (ord(c) == 0x200c) and one of each class its tables hold:
    # dictionary entries, and each class's character as both ends (a letter that must stand on either side)
    dictionary = [*found.code_points, *found.classes, *regex.regex_dictionary(func, reached=found)]
    return attacks, list(dict.fromkeys(dictionary)), [*found.ends, *((c, c) for c in found.classes)]


def analyse_entry(payload: tuple[Any, int, str], emit: Any) -> None:
    """Child entry: analyse the target's regexes and write ``(attacks, dictionary)`` to ``path`` (a pickle,
    replaced atomically), or ``("error", message)``; the campaign starts it beside the search."""
    from perfkit.target import resolve

    target, max_size, path = payload
    try:
        func = resolve(target).func if isinstance(target, str) else target
        data: Any = analyse(func, max_size)
    except Exception as exc:
        data = ("error", f"{type(exc).__name__}: {exc}")
    with open(path + ".tmp", "wb") as handle:
        pickle.dump(data, handle)
    os.replace(path + ".tmp", path)
    emit({"kind": "done"})


def frame_tokens(func: Any) -> tuple[list[str], list[str]]:
    """The tokens frames are built from (the code's strings, their parts, its byte constants) and the byte
    constants alone."""
    constants, ones = string_constants(func), byte_constants(func)
    return [*constants, *sub_tokens(constants), *ones], ones


def frames_entry(payload: tuple[Any, Any, int, str, float, int, float], emit: Any) -> None:
    """Child entry: search frames (:func:`perfkit.fuzzers._frames.build`) for the target's first str or bytes
    parameter, the others as one drawn input has them, for ``budget`` seconds, and write ``(slot, frames)`` to
    ``path`` (a pickle, replaced atomically; ``("error", message)`` when there is none). The campaign starts it
    beside the first phase, so that the pattern search finds the frames ready."""
    import inspect
    import signal

    from perfkit.fuzzers._cost import CallTimeout, lines_run
    from perfkit.fuzzers._frames import build
    from perfkit.fuzzers._strategy import input_strategy

    from perfkit.target import resolve

    target, strategy, max_size, path, budget, seed, timeout = payload
    deadline = time.monotonic() + budget
    import contextlib

    with contextlib.suppress(OSError):  # below the search's priority: it takes the time the search leaves
        os.nice(FRAMES_NICE)
    try:
        func = resolve(target).func if isinstance(target, str) else target
        drawn = _draw(input_strategy(func, max_size=max_size, user=strategy), seed)
        signature = inspect.signature(func)
        bound = dict(signature.bind(*drawn[0], **drawn[1]).arguments) if drawn else {}
        slot = next((name for name, value in bound.items() if isinstance(value, str | bytes)), None)
        if slot is None:
            raise ValueError("no str or bytes parameter")
        like = bound[slot]

        def on_alarm(signum: int, frame: Any) -> None:
            raise CallTimeout

        signal.signal(signal.SIGALRM, on_alarm)

        def depth(text: str) -> tuple[frozenset[object], object]:
            value = convert(text, like)
            if value is None:
                return frozenset(), None
            call = inspect.BoundArguments(signature, {**bound, slot: value})  # type: ignore[arg-type]
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                lines, site = lines_run(func, tuple(call.args), dict(call.kwargs))
            except CallTimeout:
                return frozenset(), ("timeout", "", 0, "")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            return frozenset(lines), site

        def write(frames: list[tuple[int, Any]]) -> None:
            _write(path, (slot, frames))

        tokens, ones = frame_tokens(func)
        write(build(depth, tokens, deadline=deadline, first_bytes=binary_format(ones), seed=seed, progress=write))
    except Exception as exc:
        _write(path, ("error", f"{type(exc).__name__}: {exc}"))
    emit({"kind": "done"})


def _write(path: str, data: Any) -> None:
    with open(path + ".tmp", "wb") as handle:
        pickle.dump(data, handle)
    os.replace(path + ".tmp", path)


def _draw(strategy: Any, seed: int) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    @settings(
        database=None, deadline=None, max_examples=1, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(arguments: Any) -> None:
        out.append(arguments)

    try:
        collect()
    except Exception:
        return None
    return out[0] if out else None


def read_frames(session: Session, slot: str) -> list[tuple[int, Any]] | None:
    """The frames the campaign's frame worker found for ``slot`` (None: no worker, not written yet, or for
    another parameter)."""
    if session.job.regex_file is None:
        return None
    path = os.path.join(os.path.dirname(session.job.regex_file), FRAMES_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
    except Exception:
        return None
    if not data or data[0] == "error" or data[0] != slot:
        if data and data[0] == "error":
            session.notes.append(f"pump: the frame worker found none ({data[1]})")
        return None
    return list(data[1])


def regex_data(session: Session) -> tuple[list[Any], list[str], list[tuple[str, str]]] | None:
    """The regex analysis for this session: read from the file the campaign's analysis worker writes, or run
    here when there is no such worker. None while the file is not there yet (``session.regex`` stays None), or
    when there is no analysis to be had (``session.regex`` is then ``()``, with a note)."""
    if session.regex is not None:
        return session.regex or None
    path = session.job.regex_file
    if path is None:
        try:
            session.regex = analyse(session.func, session.max_size)
        except Exception as exc:  # the analysis must never stop the search
            session.notes.append(f"pump: regex analysis failed ({type(exc).__name__}: {exc})")
            session.regex = ()
        return session.regex or None
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        data = pickle.load(handle)
    if data and data[0] == "error":
        session.notes.append(f"pump: regex analysis failed ({data[1]})")
        session.regex = ()
        return None
    session.regex = (list(data[0]), list(data[1]), list(data[2]))
    return session.regex


def draw(session: Session, k: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """``k`` inputs drawn from the session's strategy (seeded by the job)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    @settings(
        database=None,
        deadline=None,
        max_examples=k,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis_seed(session.job.seed)
    @given(session.strategy)
    def collect(arguments: Any) -> None:
        out.append(arguments)

    try:
        collect()
    except Exception:
        return out
    return out
