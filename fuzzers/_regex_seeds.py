"""Regex-aware seeds for the fuzz search: attack strings on the regexes a target reaches, and their validation.

:func:`regex_attacks` finds the target's regexes (:mod:`._regex_find`), analyses each (:mod:`._regex_redos`) and
checks the attacks with ``re`` alone; :func:`regex_seeds` sizes them to the search's length bound;
:func:`regex_dictionary` gives libFuzzer dictionary entries; :func:`validate` runs attack strings through the real
target (a caller's ``measure``) and keeps those whose cost grows with the number of pumps, trying the attack bare
and behind leading strings taken from the code around the regex (the part of the program that runs first must
let the string through).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from perfkit.fuzzers._regex_find import FoundRegex, reach
from perfkit.fuzzers._regex_redos import Attack, analyse, literal_runs, verify

from perfkit.errors import InvalidArgument

__all__ = ["Attack", "regex_attacks", "regex_dictionary", "regex_seeds", "validate"]

_MAX_PATTERNS = 200
_MAX_CONTEXTS = 12


def _check_len(max_len: int) -> None:
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise InvalidArgument("max_len", max_len, "pass the input size bound as a positive int (characters)")


def _contexts(found: FoundRegex, constants: list[str]) -> tuple[str, ...]:
    """Leading strings to try before an attack: short constants of the code that reaches the regex."""
    picks = [c for c in constants if 1 <= len(c) <= 24 and c.isprintable() and c != found.pattern]
    return tuple(picks[:_MAX_CONTEXTS])


def regex_attacks(
    func: Callable[..., Any], *, max_len: int, check: bool = True, time_budget: float = 10.0
) -> list[Attack]:
    """Attacks on the regexes ``func`` reaches (best first): exponential before polynomial, then by degree, direct
    regexes before those only present in a reached module. With ``check``, each is timed at growing ``k`` in a
    child process (:func:`verify`) within ``time_budget`` seconds overall; the ones that do not grow go last."""
    _check_len(max_len)
    if not callable(func):
        raise InvalidArgument("func", func, "pass the target function (a callable)")
    found = reach(func)
    attacks: list[tuple[int, Attack]] = []
    for regex in found.regexes[:_MAX_PATTERNS]:
        for attack in analyse(regex.pattern, regex.flags, search=regex.search):
            attack = replace(attack, where=regex.where, contexts=_contexts(regex, found.constants))
            attacks.append((0 if regex.direct else 1, attack))
    attacks.sort(key=lambda pair: (pair[1].rank, pair[0]))
    ordered = [a for _, a in attacks]
    if not check:
        return ordered
    deadline = time.monotonic() + time_budget
    checked = []
    for attack in ordered:
        left = deadline - time.monotonic()
        checked.append(verify(attack, max_len=max(max_len, 64), timeout=min(1.0, left)) if left > 0.05 else attack)
    checked.sort(key=lambda a: a.rank)
    return checked


def _fit_variants(attack: Attack, max_len: int) -> list[str]:
    full = attack.fit(max_len)
    if full is None:
        return []
    out = [full]
    k = (max_len - len(attack.prefix) - len(attack.suffix)) // len(attack.pump)
    out.append(attack.prefix + attack.pump * k)  # no suffix: the code after may supply the failing character
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


def regex_dictionary(func: Callable[..., Any], *, limit: int = 400) -> list[str]:
    """libFuzzer dictionary entries: the code's short string constants and the literal runs of its regexes."""
    found = reach(func)
    entries = [c for c in found.constants if len(c) <= 32]
    for regex in found.regexes:
        entries.extend(literal_runs(regex.pattern, regex.flags))
    return list(dict.fromkeys(e for e in entries if e))[:limit]


def _sizes(attack: Attack, max_len: int) -> list[int]:
    """Two or three pump counts to measure at, growing, all within ``max_len``."""
    room = (max_len - len(attack.prefix) - len(attack.suffix)) // len(attack.pump)
    if room < 2:
        return []
    if attack.kind == "exponential":
        top = min(room, 22)
        return sorted({max(1, top - 8), max(1, top - 4), top})
    return sorted({max(1, room // 4), max(1, room // 2), room})


def _grows(points: list[tuple[int, float]]) -> bool:
    """Whether cost grows faster than the string's length over the measured sizes."""
    usable = [(n, c) for n, c in points if c > 0 and math.isfinite(c)]
    if len(usable) < 2:
        return False
    (n1, c1), (n2, c2) = usable[0], usable[-1]
    return c2 / c1 >= 1.5 * (n2 / n1)


def validate(
    attacks: list[Attack], measure: Callable[[str], float], *, max_len: int, budget: float
) -> list[tuple[str, float]]:
    """Attack strings that make the real target's cost grow, with the cost ``measure`` gave, costliest first.

    ``measure`` runs the target on one string and returns its cost (it must bound its own time). Each attack is
    tried bare and behind each of its leading contexts, at two or three sizes up to ``max_len``; only the forms
    whose cost grows faster than their length are kept, at their largest size. Stops when ``budget`` seconds
    are spent.
    """
    _check_len(max_len)
    if not isinstance(budget, int | float) or budget <= 0:
        raise InvalidArgument("budget", budget, "pass a positive number of seconds")
    deadline = time.monotonic() + budget
    kept: dict[str, float] = {}
    for attack in attacks:
        for context in ("", *attack.contexts):
            if time.monotonic() >= deadline:
                break
            form = replace(attack, prefix=context + attack.prefix) if context else attack
            points = []
            for k in _sizes(form, max_len):
                if time.monotonic() >= deadline:
                    break
                text = form.string(k)
                points.append((len(text), measure(text)))
            if _grows(points):
                text = form.string(_sizes(form, max_len)[len(points) - 1])
                kept[text] = max(kept.get(text, 0.0), points[-1][1])
                break
    return sorted(kept.items(), key=lambda pair: -pair[1])
