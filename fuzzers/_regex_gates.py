"""Where an attack string must sit for the program to hand it to the vulnerable regex (PufferDoS' program level).

Code rarely gives its whole input to the regex that backtracks: it first cuts the input with another regex (a
block's ``/// name | argument`` line, a ``name: value`` header) or with the separators it splits and searches for
(``\\r\\n``, ``\\r\\n\\r\\n``). This module proposes ``(lead, trail)`` pairs to put around an attack string:

- :func:`gate_enclosures`: for each other regex of the code with a capture group that can hold the whole attack
  string, the text that regex needs before and after that group, its other groups filled with the code's own
  constants where they match them (the block or field names the code registers), checked with ``re`` (the gate
  matches and the group captures exactly the attack string);
- :func:`separator_enclosures`: the separators the code tests its input for, the attack between a short first
  part ending in one and another one (a request line, then a header line, then the blank line).

They are proposals: :func:`perfkit.fuzzers._regex_seeds.reaching` keeps those on which the target is seen running
the vulnerable regex on the attack (a trace of one call each).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from perfkit.fuzzers._regex_tree import Builder, Chart, Node, around, contains, rep_char

__all__ = ["gate_enclosures", "separator_enclosures"]

_FILLS = 6  # constants tried in one group
_PER_GATE = 8  # (lead, trail) pairs kept from one gate regex
_MAX_LEAD = 200  # a lead or trail longer than this is not a plausible place


def _matches(node: Node, text: str) -> bool:
    return len(text) in Chart(text).ends(node, 0)


def _filled(node: Node, choice: dict[int, str]) -> str:
    """A short string ``node`` matches, with the chosen groups (by node id) written as given."""
    if id(node) in choice:
        return choice[id(node)]
    kind = node[0]
    if kind == "char":
        return rep_char(node[1]) or ""
    if kind == "seq":
        return "".join(_filled(c, choice) for c in node[1])
    if kind == "alt":
        return min((_filled(b, choice) for b in node[1]), key=len, default="")
    if kind == "rep":
        return _filled(node[3], choice) * node[1]
    return ""


def gate_enclosures(
    pattern: str, flags: int, attack_strings: list[str], fills: Iterable[str], *, limit: int = _PER_GATE
) -> list[tuple[str, str]]:
    """``(lead, trail)`` pairs for which ``pattern`` (the gate) matches ``lead + s + trail`` with one of its capture
    groups capturing exactly ``s``, for every ``s`` of ``attack_strings`` (the attack at two sizes). The gate's
    other groups are filled with strings of ``fills`` they match (the code's constants, nearest code first; each
    group's first fill, then one group at a time with its next fills), else with a witness."""
    parsed = _parsed(pattern, flags) if attack_strings else None
    if parsed is None:
        return []
    groups, root, compiled = parsed
    constants = [f for f in dict.fromkeys(fills) if f and len(f) <= 40]
    out: list[tuple[str, str]] = []
    for number, group in sorted(groups.items()):
        if not all(_matches(group, s) for s in attack_strings):
            continue
        others = {n: g for n, g in groups.items() if g is not group and not contains(group, g)}
        options = {n: [c for c in constants if _accepts(pattern, flags, n, c)][:_FILLS] for n in others}
        base = {id(others[n]): opts[0] for n, opts in options.items() if opts}
        choices = [base] + [{**base, id(others[n]): c} for n, opts in options.items() for c in opts[1:]]
        for choice in choices:
            got = around(root, group, fill=lambda node, choice=choice: _filled(node, choice))
            if got is None or len(got[0]) > _MAX_LEAD or len(got[1]) > _MAX_LEAD:
                continue
            lead, trail = got
            if all(_captures(compiled, number, lead, s, trail) for s in attack_strings) and got not in out:
                out.append(got)
            if len(out) >= limit:
                return out
    return out


@functools.lru_cache(maxsize=128)
def _parsed(pattern: str, flags: int) -> tuple[dict[int, Node], Node, re.Pattern[str]] | None:
    """The gate's capture groups (number -> node), its tree and its compiled form; None if it does not parse."""
    try:
        builder = Builder(pattern, flags)
        root = builder.tree()
        return builder.groups, root, re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError, ValueError, TypeError):
        return None


@functools.lru_cache(maxsize=1 << 16)
def _accepts(pattern: str, flags: int, number: int, text: str) -> bool:
    """Whether group ``number`` of the gate matches all of ``text`` (a constant tried as its filling)."""
    parsed = _parsed(pattern, flags)
    return parsed is not None and _matches(parsed[0][number], text)


def _captures(compiled: re.Pattern[str], number: int, lead: str, s: str, trail: str) -> bool:
    try:
        found = compiled.search(lead + s + trail)
        return found is not None and found.group(number) == s and found.start(number) == len(lead)
    except (IndexError, re.error):
        return False


def separator_enclosures(
    separators: Iterable[str], *, starts: Iterable[str] = (), limit: int = 24
) -> list[tuple[str, str]]:
    """``(lead, trail)`` pairs from the separators the code tests its input for (``find``, ``split``, ``in``,
    ``startswith``): ``"a" + one`` before the attack (a first part that ends where the code cuts) and another
    after it (the terminator the code looks for), the longer ones first (``\\r\\n\\r\\n`` ends a head that
    ``\\r\\n`` splits); with ``starts`` (what the code tests its input to start with), also each of those then
    a part and a separator (``#a;``)."""
    seps = [s for s in dict.fromkeys(separators) if s and len(s) <= 8 and s.strip(" ") == s]
    seps = [s for s in seps if not any(c.isalnum() for c in s)]
    seps.sort(key=lambda s: (-len(s), s))
    # a part cut by a piece of the terminator first (a head of ``\\r\\n`` lines ended by ``\\r\\n\\r\\n``)
    out = [
        ("a" + first, last)
        for last in seps
        for first in sorted(seps, key=lambda f: (f not in last, -len(f)))
        if len(first) < len(last) or (len(first) == len(last) and first != last)
    ]
    heads = [h for h in dict.fromkeys(starts) if h and len(h) <= 8][:2]
    out[2:2] = [(head + "a" + first, "") for head in heads for first in seps[:3] if first != head]
    out += [("", last) for last in seps] + [("a" + first, "") for first in seps]
    return list(dict.fromkeys(out))[:limit]
