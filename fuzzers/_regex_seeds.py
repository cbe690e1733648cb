"""Regex-aware seeds for the fuzz search: attack strings on the regexes a target reaches, and their validation.

:func:`regex_attacks` finds the target's regexes (:mod:`._regex_find`), analyses each (:mod:`._regex_redos`) and
checks the attacks with ``re`` alone; :func:`regex_seeds` sizes them to the search's length bound;
:func:`regex_dictionary` gives libFuzzer dictionary entries; :func:`validate` runs attack strings through the real
target (a caller's ``measure``) and keeps those whose cost grows with the number of pumps, trying the attack bare
and behind leading strings taken from the code around the regex (the part of the program that runs first must
let the string through). Each attack also carries enclosures proposed from the code (:mod:`._regex_gates`: a
capture group of another regex, the separators the code tests), kept by :func:`reaching` when a one-call trace
sees the target run the regex on the attack; :func:`spread` orders attacks for the few tries validation has
(patterns seen running first, then taking turns between patterns).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import zip_longest
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from perfkit.fuzzers._regex_find import FoundRegex, Reach, reach
from perfkit.fuzzers._regex_gates import gate_enclosures, separator_enclosures
from perfkit.fuzzers._regex_redos import Attack, analyse, literal_runs, risk, verify
from perfkit.fuzzers._regex_trace import prober

from perfkit.errors import InvalidArgument

__all__ = [
    "Attack",
    "prober",
    "reaching",
    "regex_attacks",
    "regex_dictionary",
    "regex_seeds",
    "spread",
    "traced_attacks",
    "validate",
]

_MAX_PATTERNS = 200
_MAX_TOKENS = 60  # other regexes looked at as tokens that could hold an attack
_MAX_ENCLOSURES = 4
RUN_TIME = "seen at run time"  # the ``where`` of an attack on a pattern only the trace saw
_MAX_CONTEXTS = 16
_EXP_TOP = 48
_EXP_FLAT = 8  # measured sizes (k from 6 by 2) after which an exponential form that stays flat is dropped
_SCREENED = 8  # polynomial attacks measured once before the climbs, to order them
_MARKUP_WORDS = 8  # the first constants of the walk (the target's own) read as tag and attribute names
_MAX_MARKUP = 3  # attribute-value enclosures tried
_MAX_MEMBERS = 3  # strings the input must contain, tried before an attack's failing suffix
_PROBED = 16  # attacks given enclosures proposed from the code (checked by a trace in the pattern search)
_MAX_PROBES = 40  # proposed enclosures per attack
_GATES = 30  # other regexes looked at as gates (a capture group that can hold the attack)
_FILL_CONSTANTS = 300  # code constants tried as the other groups of a gate
_CONFIRMED = 2  # enclosures a trace confirms per pattern
_PROBE_TRIES = 24  # proposed enclosures traced per pattern


def _check_len(max_len: int) -> None:
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise InvalidArgument("max_len", max_len, "pass the input size bound as a positive int (characters)")


def _contexts(found: FoundRegex, reached: Reach) -> tuple[str, ...]:
    """Leading strings to try before an attack: the constants the code tests its input against first (as is,
    followed by a space, capitalised), the literal runs of the other regexes it reaches (a string usually passes
    one regex before another sees a part of it), then its other short constants."""
    out: list[str] = []
    home = _module_of(found.where)  # the guards of the regex's own module first: the code that hands it its subject
    for guard in sorted(reached.guards, key=lambda g: reached.guard_modules.get(g) != home):
        if guard.strip() and guard.isprintable():
            out.extend((guard, guard + " ") if not guard.endswith(" ") else (guard,))
            if guard != guard.capitalize():
                out.append(guard.capitalize() + ("" if guard.endswith(" ") else " "))
    for other in reached.regexes[:20]:
        if other.pattern != found.pattern:
            out.extend(run for run in literal_runs(other.pattern, other.flags) if len(run) >= 2 and not run.isalnum())
    out.extend(c for c in reached.constants if 1 <= len(c) <= 24 and c.isprintable() and c.strip())
    return tuple(c for c in dict.fromkeys(out) if c != found.pattern)[:_MAX_CONTEXTS]


def _module_of(where: str) -> str:
    """The module named at the start of a ``where`` (``pkg.mod.Class.method:12`` -> ``pkg.mod``)."""
    import sys

    parts = where.partition(":")[0].split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in sys.modules:
            return ".".join(parts[:end])
    return ""


def _members(found: FoundRegex, reached: Reach) -> tuple[str, ...]:
    """The strings the code tests its input for containing (``"j" in s``), its own module's first: an attack
    string must hold them to get past such a test."""
    home = _module_of(found.where)
    ranked = sorted(reached.members, key=lambda m: reached.guard_modules.get(m) != home)
    return tuple(m for m in ranked if m.isprintable())[:_MAX_MEMBERS]


def _token_ends(pattern: str, flags: int) -> tuple[str, str]:
    """The literal text a token regex opens and closes with (``/*`` and ``*/``, quotes), or empty strings."""
    try:
        parsed = list(sre_parse.parse(pattern, flags))
    except (re.error, OverflowError, RecursionError, ValueError):
        return "", ""
    opens = ""
    for op, av in parsed:
        if op is not sre_c.LITERAL:
            break
        opens += chr(av)
    closes = ""
    for op, av in reversed(parsed[len(opens) :]):
        if op is not sre_c.LITERAL:
            break
        closes = chr(av) + closes
    return opens, closes


def _enclosures(attack: Attack, reached: Reach) -> tuple[tuple[str, str], ...]:
    """Tokens of the other regexes the code reaches (a lexer's comment, string, bracket rules) that can hold the
    attack string between their opening and closing text, checked with ``re`` (the whole token must match at two
    sizes): a program that hands the regex only such tokens needs the attack inside one."""
    out: list[tuple[str, str]] = []
    for other in reached.regexes[:_MAX_TOKENS]:
        if other.pattern == attack.pattern:
            continue
        opens, closes = _token_ends(other.pattern, other.flags)
        if not opens or opens.isalnum() or not closes:
            continue
        try:
            token = re.compile(other.pattern, other.flags)
        except (re.error, OverflowError, RecursionError, ValueError):
            continue
        if all(token.fullmatch(opens + attack.string(k) + closes) for k in (3, 4)):
            out.append((opens, closes))
    return tuple(dict.fromkeys(out))[:_MAX_ENCLOSURES]


def _markup(reached: Reach) -> tuple[tuple[str, str], ...]:
    """For code that tokenizes markup (its short constants, guards or regexes hold ``<``): an attribute
    value, ``<tag name="...">``, named by the first short words among the constants of the target's own code (the
    caller names the tags and attributes it lets through: a sanitizer's allow-list), each word as the tag and
    another as the attribute."""
    texts = [*reached.guards, *(c for c in reached.constants if len(c) <= 4)]
    texts += [r.pattern for r in reached.regexes[:_MAX_TOKENS]]
    if not any("<" in t for t in texts):  # (a C tokenizer, ElementTree's, leaves no "=" to read)
        return ()
    words = [c for c in reached.constants[:_MARKUP_WORDS] if c.isalnum() and c.isascii() and len(c) <= 12]
    pairs = [(tag, name) for tag in words for name in words if tag != name]
    return tuple((f'<{tag} {name}="', f'">{tag}</{tag}>') for tag, name in pairs[:_MAX_MARKUP])


def regex_attacks(
    func: Callable[..., Any],
    *,
    max_len: int,
    check: bool = True,
    time_budget: float = 10.0,
    reached: Reach | None = None,
) -> list[Attack]:
    """Attacks on the regexes ``func`` reaches (best first): exponential before polynomial, then by degree, direct
    regexes before those only present in a reached module. The analysis stops when ``time_budget`` seconds are
    spent (direct regexes are analysed first, the riskiest first: :func:`~._regex_redos.risk`); with ``check``,
    each attack is then timed at growing ``k`` in a child process (:func:`verify`) in the time left; the ones that
    do not grow go last."""
    _check_len(max_len)
    if not callable(func):
        raise InvalidArgument("func", func, "pass the target function (a callable)")
    if not isinstance(time_budget, int | float) or time_budget <= 0:
        raise InvalidArgument("time_budget", time_budget, "pass a positive number of seconds")
    deadline = time.monotonic() + time_budget
    found = reached if reached is not None else reach(func)
    attacks: list[tuple[int, Attack]] = []
    ordered = sorted(found.regexes, key=lambda r: (not r.direct, [-x for x in risk(r.pattern, r.flags)], r.depth))
    for regex in ordered[:_MAX_PATTERNS]:
        if time.monotonic() >= deadline:
            break
        for attack in analyse(regex.pattern, regex.flags, search=regex.search):
            attack = replace(attack, where=regex.where, contexts=_contexts(regex, found))
            attack = replace(attack, members=_members(regex, found))
            around = (*_enclosures(attack, found), *found.ends[:2], *_markup(found))
            attack = replace(attack, enclosures=around)
            attacks.append((0 if regex.direct else 1, attack))
    attacks.sort(key=lambda pair: (pair[1].rank, pair[0]))
    ordered = [a for _, a in attacks]
    # the first attacks in the order they will be tried get enclosures proposed from the code, checked later
    probed = {id(a): _probes(a, found) for a in spread(ordered)[:_PROBED] if time.monotonic() < deadline}
    ordered = [replace(a, probes=probed[id(a)]) if id(a) in probed else a for a in ordered]
    if not check:
        return ordered
    checked = []
    for attack in ordered:
        left = deadline - time.monotonic()
        checked.append(verify(attack, max_len=max(max_len, 64), timeout=min(1.0, left)) if left > 0.05 else attack)
    checked.sort(key=lambda a: a.rank)
    return checked


def _probes(attack: Attack, found: Reach) -> tuple[tuple[str, str], ...]:
    """Enclosures proposed for ``attack`` from the code (:mod:`._regex_gates`): inside a capture group of another
    regex it reaches (its other groups filled with the code's constants, those of the attacked regex's own module
    first), then between the separators the code tests its input for."""
    home = _module_of(attack.where)
    package = home.partition(".")[0]
    fills = sorted(found.constants, key=lambda c: found.constant_modules.get(c) != home)[:_FILL_CONSTANTS]
    gates = [r for r in found.regexes if r.pattern != attack.pattern][:_GATES]
    gates.sort(key=lambda r: (_module_of(r.where) != home, _module_of(r.where).partition(".")[0] != package))
    strings = [attack.string(3), attack.string(4)]
    gated: list[tuple[str, str]] = []
    for gate in gates:
        gated.extend(gate_enclosures(gate.pattern, gate.flags, strings, fills))
    guards = sorted(found.guards, key=lambda g: found.guard_modules.get(g) != home)
    cut = separator_enclosures(guards, starts=found.starts)
    mixed = [pair for duo in zip_longest(gated, cut) for pair in duo if pair is not None]  # taking turns
    return tuple(dict.fromkeys(mixed))[:_MAX_PROBES]


def reaching(
    attacks: list[Attack],
    probe: Callable[[str], list[Any]],
    *,
    deadline: float,
    ran: set[tuple[str, int]] | frozenset[tuple[str, int]] = frozenset(),
) -> tuple[list[Attack], set[tuple[str, int]]]:
    """``attacks`` with the proposed enclosures (``probes``) on which the target is seen running the attacked
    regex on the attack (``probe(text)``: a trace of one call, :func:`._regex_trace.prober`) put first among
    their enclosures, and the (pattern, flags) keys so confirmed (where the trace cannot place the regex's
    subject, an expression passed straight to it, the regex running at all confirms). One attack per pattern is
    probed (at most ``_PROBE_TRIES`` enclosures) and what it confirms goes to every attack on that pattern;
    patterns not yet seen running (not in ``ran``) first, as they have the most to gain."""
    by_key: dict[tuple[str, int], list[Attack]] = {}
    for attack in attacks:
        by_key.setdefault((attack.pattern, attack.flags & ~re.UNICODE), []).append(attack)
    found: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for key in sorted(by_key, key=lambda k: k in ran):  # stable: the attacks' order within each group
        attack = next((a for a in by_key[key] if a.probes), None)
        if attack is None or time.monotonic() >= deadline:
            continue
        core = attack.prefix + attack.pump * 3
        confirmed: list[tuple[str, str]] = []
        ran_only: list[tuple[str, str]] = []  # the regex ran, on a subject the trace could not place
        for lead, trail in attack.probes[:_PROBE_TRIES]:
            if time.monotonic() >= deadline or len(confirmed) >= _CONFIRMED:
                break
            text = lead + attack.string(3) + trail
            seen = next((t for t in probe(text) if (t.pattern, t.flags) == key), None)
            if seen is not None and any(core in text[len(a) : len(text) - len(b)] for a, b in seen.splices):
                confirmed.append((lead, trail))
            elif seen is not None and not seen.splices:
                ran_only.append((lead, trail))
        if confirmed or ran_only:
            found[key] = [*confirmed, *ran_only][:_CONFIRMED]
    out = []
    for attack in attacks:
        confirmed = found.get((attack.pattern, attack.flags & ~re.UNICODE), [])
        out.append(replace(attack, enclosures=tuple(dict.fromkeys([*confirmed, *attack.enclosures]))))
    return out, set(found)


def traced_attacks(
    attacks: list[Attack],
    traced: list[Any],
    *,
    deadline: float,
    max_new: int = 12,
    probe: Callable[[str], list[Any]] | None = None,
    probe_budget: float = 0.0,
) -> list[Attack]:
    """``attacks`` and the attacks on the patterns the target was seen running (:mod:`._regex_trace`) that the
    static walk missed (analysed until ``deadline``, at most ``max_new`` patterns), each with the enclosures seen
    around its pattern's subjects; with ``probe``, the enclosures proposed from the code that a trace confirms
    (:func:`reaching`, for ``probe_budget`` seconds); in :func:`spread` order (the patterns seen running first)."""
    by_pattern = {(t.pattern, t.flags): t for t in traced}
    out = []
    for attack in attacks:
        seen = by_pattern.get((attack.pattern, attack.flags & ~re.UNICODE))
        around = (*seen.splices, *attack.enclosures) if seen is not None else attack.enclosures
        out.append(replace(attack, enclosures=tuple(dict.fromkeys(around))))
    known = {(a.pattern, a.flags & ~re.UNICODE) for a in attacks}
    new = [t for t in traced if (t.pattern, t.flags) not in known][:max_new]
    for seen in new:
        if time.monotonic() >= deadline:
            break
        for attack in analyse(seen.pattern, seen.flags, search=seen.search):
            out.append(replace(attack, where=RUN_TIME, enclosures=tuple(seen.splices)))
    ran = set(by_pattern)
    if probe is not None:
        placed = frozenset(k for k, t in by_pattern.items() if t.splices)
        ordered = spread(out, ran=ran)
        unplaced = [a for a in ordered if (a.pattern, a.flags & ~re.UNICODE) not in placed]
        until = time.monotonic() + probe_budget
        probed, confirmed = reaching(unplaced, probe, deadline=until, ran=ran)
        swap = {id(old): new for old, new in zip(unplaced, probed, strict=True)}
        out, ran = [swap.get(id(a), a) for a in ordered], ran | confirmed
    return spread(out, ran=ran)


def spread(
    attacks: list[Attack], *, ran: set[tuple[str, int]] | frozenset[tuple[str, int]] = frozenset()
) -> list[Attack]:
    """``attacks`` in the order they are worth the budget: those on patterns the target was seen running first
    (``ran``: (pattern, flags) keys; the trace proves the program hands them input), then taking turns between
    patterns within a kind (exponential, polynomial): every pattern's best attack before any pattern's second, so
    that one pattern with many attacks (a false alarm among them) cannot hold the few tries the validation has."""
    turns: dict[tuple[str, int], int] = {}
    keyed = []
    for attack in sorted(attacks, key=lambda a: a.rank):
        key = (attack.pattern, attack.flags & ~re.UNICODE)
        turn = turns[key] = turns.get(key, -1) + 1
        keyed.append(((key not in ran, attack.rank[:2], turn, attack.rank), attack))
    return [attack for _, attack in sorted(keyed, key=lambda pair: pair[0])]


def _fit_variants(attack: Attack, max_len: int) -> list[str]:
    full = attack.fit(max_len)
    if full is None:
        return []
    out = [full]
    k = (max_len - len(attack.prefix) - len(attack.suffix)) // len(attack.pump)
    out.append(attack.prefix + attack.pump * k)  # no suffix: the code after may supply the failing character
    for member in attack.members[:1]:  # holding what the code tests the input for containing
        got = replace(attack, suffix=member + attack.suffix).fit(max_len)
        if got is not None:
            out.append(got)
    for lead, trail in attack.enclosures[:2]:
        wrapped = Attack(attack.pattern, lead + attack.prefix, attack.pump, attack.suffix + trail, attack.kind, 1)
        got = wrapped.fit(max_len)
        if got is not None:
            out.append(got)
    for context in attack.contexts[:4]:
        wrapped = Attack(attack.pattern, context + attack.prefix, attack.pump, attack.suffix, attack.kind, 1)
        got = wrapped.fit(max_len)
        if got is not None:
            out.append(got)
    if attack.kind == "exponential":
        out.extend(attack.string(j) for j in (24, 28, 32) if j < k)  # seconds-scale sizes for exponential ones
    else:
        out.append(attack.string(max(1, k // 2)))
    return out


def regex_seeds(func: Callable[..., Any], *, max_len: int, attacks: list[Attack] | None = None) -> list[str]:
    """Attack strings of at most ``max_len`` characters, best first: each attack with the most pumps that fit,
    then variants (without the failing suffix, behind the code's leading strings, at smaller sizes)."""
    _check_len(max_len)
    found = attacks if attacks is not None else regex_attacks(func, max_len=max_len)
    firsts, rest = [], []
    for attack in found:
        variants = _fit_variants(attack, max_len)
        firsts.extend(variants[:1])
        rest.extend(variants[1:])
    return [s for s in dict.fromkeys(firsts + rest) if len(s) <= max_len]


def regex_dictionary(func: Callable[..., Any], *, limit: int = 400, reached: Reach | None = None) -> list[str]:
    """libFuzzer dictionary entries: the code's short string constants and the literal runs of its regexes."""
    found = reached if reached is not None else reach(func)
    entries = [c for c in found.constants if len(c) <= 32]
    for regex in found.regexes:
        entries.extend(literal_runs(regex.pattern, regex.flags))
    return list(dict.fromkeys(e for e in entries if e))[:limit]


def _forms(attack: Attack) -> list[Attack]:
    """The attack bare with each failing suffix, then between each enclosure (the input seen around the regex's
    subject at run time; a non-empty suffix too, as the program may strip an empty one), then behind each
    leading context (main suffix first); last, holding each member (``"j" in s``) before its suffix, bare and
    behind the first contexts."""
    forms = [attack] + [replace(attack, suffix=x) for x in attack.suffixes]
    for lead, trail in attack.enclosures:
        ends = dict.fromkeys([attack.suffix, *[x for x in attack.suffixes if x.strip()][:1]])
        forms.extend(replace(attack, prefix=lead + attack.prefix, suffix=end + trail) for end in ends)
    for context in attack.contexts[:2]:  # a token usually needs another one before it (a comment after a name)
        forms.extend(
            replace(attack, prefix=context + lead + attack.prefix, suffix=attack.suffix + trail)
            for lead, trail in attack.enclosures
        )
    for context in attack.contexts:
        forms.append(replace(attack, prefix=context + attack.prefix))
    # last, what the code tests the input for containing ("j" in s), before the failing suffix: bare, then behind
    # the first leading strings (a member the form already holds needs no second copy)
    for member in attack.members:
        forms += [replace(attack, suffix=member + attack.suffix)] if member not in attack.string(2) else []
    for context in attack.contexts[:4] if attack.members else ():
        member = attack.members[0]
        if member not in context + attack.string(2):
            forms.append(replace(attack, prefix=context + attack.prefix, suffix=member + attack.suffix))
    for context in attack.contexts[:4]:
        forms.extend(replace(attack, prefix=context + attack.prefix, suffix=x) for x in attack.suffixes[:2])
    return forms


def _room(attack: Attack, max_len: int) -> int:
    return (max_len - len(attack.prefix) - len(attack.suffix)) // len(attack.pump)


def _ks(attack: Attack, room: int) -> list[int]:
    """Pump counts to climb through: +2 at a time for exponential attacks (up to 48: a program-level blow-up
    shows long before), doubling for polynomial ones."""
    if attack.kind == "exponential":
        top = min(room, _EXP_TOP)
        return sorted({*range(min(top, 6), top + 1, 2), top})
    ks, k = [], max(1, room // 32)
    while k < room:
        ks.append(k)
        k *= 2
    return [*ks, room]


def _grows(points: list[tuple[int, float]]) -> bool:
    """Whether cost grows faster than the string's length: the last cost is at least three times the first and
    outgrows the length ratio by half again (margins far above timing noise)."""
    if len(points) < 2:
        return False
    (n1, c1), (n2, c2) = points[0], points[-1]
    return c1 > 0 and c2 >= 3 * c1 and c2 / c1 >= 1.5 * (n2 / n1)


def _climb(
    form: Attack, measure: Callable[[str], float], *, max_len: int, deadline: float, enough: float
) -> tuple[str, float] | None:
    """Measure ``form`` at growing sizes until its cost reaches ``enough`` (or the room or the time runs out);
    the largest measured string and its cost if the cost grew super-linearly (the ends measured twice)."""
    room = _room(form, max_len)
    if room < 2:
        return None
    points: list[tuple[int, float]] = []
    for k in _ks(form, room):
        if time.monotonic() >= deadline:
            break
        text = form.string(k)
        cost = measure(text)
        if not math.isfinite(cost):
            break
        points.append((k, cost))
        if cost >= enough:
            break
        if form.kind == "exponential" and len(points) >= 2 and cost >= max(enough / 20, 3 * points[-2][1]):
            break  # it multiplies by steps already: the most pumps that fit are measured next, not every k up
        if form.kind == "polynomial" and len(points) >= 4 and not _grows(points[-4:]):
            return None  # flat while the length grew eightfold: not worth the budget
        if form.kind == "exponential" and len(points) >= _EXP_FLAT and cost < 1.5 * points[0][1]:
            return None  # 2**14 times the paths and not even half again the cost: the regex is not reached
    if len(points) < 2:
        return None
    first_k, last_k = points[0][0], points[-1][0]
    base = min(c for _, c in points[:2]) if len(points) > 2 else points[0][1]  # a spike at the start is noise
    if not _grows([(len(form.string(first_k)), base), (len(form.string(last_k)), points[-1][1])]):
        return None
    first = min(base, measure(form.string(first_k)))
    last = min(points[-1][1], measure(form.string(last_k)))
    if not _grows([(len(form.string(first_k)), first), (len(form.string(last_k)), last)]):
        return None
    if last_k < room:  # even past the deadline (one call, within measure's own bound): a form that grew is worth
        full = measure(form.string(room))  # most at the most pumps that fit
        if math.isfinite(full) and full >= last:
            return form.string(room), full
    return form.string(last_k), last


def _screened(attacks: list[Attack], measure: Callable[[str], float], *, max_len: int, deadline: float) -> list[Attack]:
    """``attacks`` with the polynomial ones ordered by what their bare form costs at a quarter of the room, one
    measurement each (the analysis cannot tell which of several pumps of one degree the program lets through or
    makes costliest; climbing each in turn can spend the budget on the cheapest); exponential ones stay first."""
    screened: dict[int, float] = {}
    polynomial = [i for i, a in enumerate(attacks) if a.kind == "polynomial"][:_SCREENED]
    for i in polynomial if len(polynomial) > 1 else ():
        room = _room(attacks[i], max_len)
        if time.monotonic() >= deadline:
            break
        if room >= 8:
            screened[i] = measure(attacks[i].string(room // 4))
    order = sorted(range(len(attacks)), key=lambda i: (attacks[i].kind != "exponential", -screened.get(i, -1.0), i))
    return [attacks[i] for i in order]


def validate(
    attacks: list[Attack],
    measure: Callable[[str], float],
    *,
    max_len: int,
    budget: float,
    enough: float = 0.1,
) -> list[tuple[str, float]]:
    """Attack strings that make the real target's cost grow, with the cost ``measure`` gave, costliest first.

    ``measure`` runs the target on one string and returns its cost (it must bound its own time). Each attack is
    tried bare with each of its failing suffixes, then between its enclosures, then behind the leading strings of
    the code (``contexts``): the program must let the string reach the regex. Polynomial attacks are first
    screened by one measurement each and climbed costliest first. A form is measured at growing sizes up to ``max_len``
    until its cost reaches ``enough``; it is kept when the cost grew faster than the length (confirmed by measuring
    both ends twice), at the most pumps that fit ``max_len`` (measured once more, even when the budget has just
    run out: one call, bounded by ``measure``) if that costs more. One form per
    attack is kept. Stops after ``budget`` seconds.
    """
    _check_len(max_len)
    if not isinstance(budget, int | float) or budget <= 0:
        raise InvalidArgument("budget", budget, "pass a positive number of seconds")
    deadline = time.monotonic() + budget
    kept: dict[str, float] = {}
    for attack in _screened(attacks, measure, max_len=max_len, deadline=deadline):
        forms = _forms(attack)
        for form in forms if attack.verified is not False else forms[:2]:  # did not grow even on the bare regex
            if time.monotonic() >= deadline:
                break
            got = _climb(form, measure, max_len=max_len, deadline=deadline, enough=enough)
            if got is not None:
                kept[got[0]] = max(kept.get(got[0], 0.0), got[1])
                break
    return sorted(kept.items(), key=lambda pair: -pair[1])
