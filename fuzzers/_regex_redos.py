"""Static ReDoS analysis of one regular expression, and a cheap empirical check of what it finds.

The pattern is parsed by Python's own parser (``re._parser``) into a small tree of character sets, sequences,
alternations and repeats. Ambiguity is decided by counting, on short strings, the number of ways a part of
the tree matches (a chart parser over that tree):

- exponential: a repeat whose body can match one pump string ``w`` in two ways as ``body+`` (``(a+)+``,
  ``(a|aa)*``, ``(\\w+\\s?)+``): ``w * k`` then has at least ``2**k`` parses;
- polynomial: a run of adjacent parts of one sequence where ``d`` of them absorb arbitrarily many ``w`` and
  those between them can be passed on ``w`` or empty (``\\d+\\.?\\d+``, ``\\s*=\\s*``): degree ``d``, and one more when
  the pattern is searched for (``re.search``/``sub``/``findall``) from every start position of an unanchored run.

Each finding becomes an :class:`Attack` ``prefix + pump * k + suffix``: the prefix is the shortest string that leads
from the pattern's start to the vulnerable part, the suffix one that makes the whole match fail (chosen by trying
candidates with ``re`` at a small ``k``, so flags, anchors and ``MULTILINE`` are respected). :func:`verify` times the
attack at growing ``k`` in a forked child with a hard timeout (``re`` cannot be interrupted mid-match).
Lookarounds and word boundaries are approximated as always passing, backreferences as empty.
"""

from __future__ import annotations

import math
import multiprocessing
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Literal

from perfkit.errors import InvalidArgument

INF = 1 << 30
_CAP = 1 << 20
_BIG_BOUND = 16  # a bounded repeat {m,n} with n at least this counts as unbounded
_LONG = 64  # a repeat bounded below this absorbs a bounded run only: adjacent to another, a constant factor
_MAX_PUMPS = 20  # pump candidates tried on one sequence
_MAX_ATTACKS = 12  # attacks kept for one pattern
_PUMPS_PER_PART = 3  # distinct pump strings kept for one vulnerable part (the program may filter some out)
_SUFFIXES_KEPT = 6  # failing suffixes kept per attack, for the same reason
_PREFERRED = "az0AZ9 _-.,:;/@!~\t\n'\"=+&?#%*()[]<>{}|\\^$`"
_EXTRA = "\x00\x0b\x0c\x1b\x7f\x85\xa0\xe9\xc9\xdf\u017f\u212a\u2028\u3000\u4e2d\u0661\U0001f600"
# failing-suffix candidates: ordinary characters first (the code before the regex often cuts at delimiters)
_SUFFIXES = "!\x00 _-.@a0A~\"'=<>&%[]:;,*+$^|\\`(){}\t\n/#?\u2028\xe9"


@dataclass(frozen=True)
class Attack:
    """An attack string family ``prefix + pump * k + suffix`` on ``pattern`` (compiled with ``flags``).

    ``kind`` is ``'exponential'`` or ``'polynomial'`` (of ``degree`` in the string's length, counting the search
    loop when ``search``); ``verified`` is None until :func:`verify` ran; ``contexts`` are leading strings taken
    from the code around the regex (for program-level wrappers); ``where`` names the code that uses it;
    ``suffixes`` other suffixes that also make the match fail (the program may strip or reject some).
    """

    pattern: str
    prefix: str
    pump: str
    suffix: str
    kind: Literal["exponential", "polynomial"]
    degree: int
    flags: int = 0
    search: bool = False
    verified: bool | None = None
    contexts: tuple[str, ...] = ()
    where: str = ""
    growth: float = field(default=0.0, compare=False)
    suffixes: tuple[str, ...] = field(default=(), compare=False)

    def string(self, k: int) -> str:
        """The attack string with ``k`` pumps."""
        return self.prefix + self.pump * k + self.suffix

    def fit(self, max_len: int) -> str | None:
        """The attack string with the most pumps that fits ``max_len`` characters, or None if none fits."""
        k = (max_len - len(self.prefix) - len(self.suffix)) // len(self.pump)
        return self.string(k) if k >= 1 else None

    @property
    def rank(self) -> tuple[int, int, int]:
        """Sort key, best first: verified, exponential, higher degree."""
        return (0 if self.verified is not False else 1, 0 if self.kind == "exponential" else 1, -self.degree)


# ---- the tree: ("char", frozenset) ("seq", list) ("alt", list) ("rep", lo, hi, body, mode) ("eps", tag)
Node = tuple[Any, ...]


class _Builder:
    """Converts ``re._parser`` output into the small tree, over a finite universe of characters."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.parsed = sre_parse.parse(pattern, flags)
        self.flags = self.parsed.state.flags
        literals: set[str] = set()
        _collect_literals(self.parsed, literals)
        extra = {v for c in literals for v in (c.lower(), c.upper()) if len(v) == 1}
        self.universe = tuple(dict.fromkeys([chr(i) for i in range(128)] + list(_EXTRA) + sorted(literals | extra)))
        self._cat: dict[Any, frozenset[str]] = {}

    def tree(self) -> Node:
        return self._seq(self.parsed, self.flags)

    def _seq(self, items: Any, flags: int) -> Node:
        return ("seq", [self._node(op, av, flags) for op, av in items])

    def _node(self, op: Any, av: Any, flags: int) -> Node:
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL, sre_c.ANY, sre_c.IN):
            return ("char", self._charset(op, av, flags))
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            lo, hi, body = av
            mode = {sre_c.MAX_REPEAT: "greedy", sre_c.MIN_REPEAT: "lazy"}.get(op, "possessive")
            return ("rep", lo, INF if hi == sre_c.MAXREPEAT else hi, self._seq(body, flags), mode)
        if op is sre_c.SUBPATTERN:
            _, add, delete, body = av
            return self._seq(body, (flags | add) & ~delete)
        if op is sre_c.BRANCH:
            return ("alt", [self._seq(b, flags) for b in av[1]])
        if op is sre_c.ATOMIC_GROUP:
            return ("rep", 1, 1, self._seq(av, flags), "possessive")
        if op is sre_c.GROUPREF_EXISTS:
            yes = self._seq(av[1], flags)
            return ("alt", [yes, self._seq(av[2], flags)]) if av[2] is not None else ("alt", [yes, ("seq", [])])
        if op is sre_c.AT:
            return ("eps", _anchor(av, flags))
        if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            # zero-width; a lookahead is checked, a lookbehind taken as passing; its body scans all the same
            return ("look", self._seq(av[1], flags), op is sre_c.ASSERT, av[0] == 1)
        return ("eps", "other")  # GROUPREF, CATEGORY at top level and the rest: approximated as empty

    def _charset(self, op: Any, av: Any, flags: int) -> frozenset[str]:
        ic = bool(flags & re.IGNORECASE)
        if op is sre_c.ANY:
            return frozenset(c for c in self.universe if flags & re.DOTALL or c != "\n")
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL):
            hit = frozenset(c for c in self.universe if _same(c, chr(av), ic))
            return hit if op is sre_c.LITERAL else frozenset(self.universe) - hit
        negate = bool(av) and av[0][0] is sre_c.NEGATE
        members = frozenset(c for c in self.universe if any(self._item(c, o, a, flags, ic) for o, a in av))
        return frozenset(self.universe) - members if negate else members

    def _item(self, c: str, op: Any, av: Any, flags: int, ic: bool) -> bool:
        if op is sre_c.LITERAL:
            return _same(c, chr(av), ic)
        if op is sre_c.RANGE:
            return any(av[0] <= ord(v) <= av[1] for v in ((c, c.lower(), c.upper()) if ic else (c,)) if len(v) == 1)
        if op is sre_c.CATEGORY:
            key = (av, flags & (re.ASCII | re.LOCALE))
            if key not in self._cat:
                rx = re.compile(_CATEGORY_RE[str(av)], flags & re.ASCII)
                self._cat[key] = frozenset(ch for ch in self.universe if rx.fullmatch(ch))
            return c in self._cat[key]
        return False


_CATEGORY_RE = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _same(c: str, lit: str, ic: bool) -> bool:
    return c == lit or (ic and (c.lower() == lit.lower() or c.upper() == lit.upper()))


def _anchor(av: Any, flags: int) -> str:
    multiline = bool(flags & re.MULTILINE)
    name = str(av)
    if name == "AT_BEGINNING":
        return "bol" if multiline else "bos"
    if name == "AT_BEGINNING_STRING":
        return "bos"
    if name == "AT_END":
        return "eol" if multiline else "eos_nl"
    if name == "AT_END_STRING":
        return "eos"
    return "boundary"


def _collect_literals(items: Any, out: set[str]) -> None:
    for op, av in items:
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL):
            out.add(chr(av))
        elif op is sre_c.IN:
            out.update(chr(a) for o, a in av if o is sre_c.LITERAL)
            out.update(chr(v) for o, a in av if o is sre_c.RANGE for v in a)
        elif isinstance(av, tuple | list):
            for sub in av:
                if isinstance(sub, sre_parse.SubPattern):
                    _collect_literals(sub, out)
                elif isinstance(sub, list):
                    for branch in sub:
                        if isinstance(branch, sre_parse.SubPattern):
                            _collect_literals(branch, out)
        elif isinstance(av, sre_parse.SubPattern):
            _collect_literals(av, out)


# ---- counting parses on short strings


class _Chart:
    """Counts, for a node and a start position in ``s``, the ways to match ending at each position (capped)."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.memo: dict[tuple[int, int], dict[int, int]] = {}

    def ends(self, node: Node, i: int) -> dict[int, int]:
        key = (id(node), i)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._ends(node, i)
        return got

    def _ends(self, node: Node, i: int) -> dict[int, int]:
        s, kind = self.s, node[0]
        if kind == "char":
            return {i + 1: 1} if i < len(s) and s[i] in node[1] else {}
        if kind == "eps":
            return {i: 1} if _eps_ok(node[1], s, i) else {}
        if kind == "look":
            if not node[3]:
                return {i: 1}
            return {i: 1} if bool(self.ends(node[1], i)) == node[2] else {}
        if kind == "alt":
            out: dict[int, int] = {}
            for branch in node[1]:
                _add(out, self.ends(branch, i), 1)
            return out
        if kind == "seq":
            cur = {i: 1}
            for child in node[1]:
                nxt: dict[int, int] = {}
                for pos, n in cur.items():
                    _add(nxt, self.ends(child, pos), n)
                cur = nxt
                if not cur:
                    break
            return cur
        _, lo, hi, body, mode = node
        out = {i: 1} if lo == 0 else {}
        frontier, count = {i: 1}, 0
        while frontier and count < hi:
            count += 1
            nxt = {}
            for pos, n in frontier.items():
                for end, m in self.ends(body, pos).items():
                    if end > pos or count <= lo:
                        nxt[end] = min(_CAP, nxt.get(end, 0) + n * m)
            frontier = nxt
            if count >= lo:
                _add(out, frontier, 1)
            if count > len(s) + lo:
                break
        if mode == "possessive" and out:
            return {max(out): 1}
        return out


def _add(into: dict[int, int], more: dict[int, int], times: int) -> None:
    for k, v in more.items():
        into[k] = min(_CAP, into.get(k, 0) + v * times)


def _eps_ok(tag: str, s: str, i: int) -> bool:
    if tag == "bos":
        return i == 0
    if tag == "eos":
        return i == len(s)
    if tag == "eos_nl":
        return i == len(s) or (i == len(s) - 1 and s[i] == "\n")
    if tag == "bol":
        return i == 0 or s[i - 1] == "\n"
    if tag == "eol":
        return i == len(s) or s[i] == "\n"
    return True


def ways(node: Node, s: str) -> int:
    """The number of ways ``node`` matches all of ``s`` (capped at about a million)."""
    return _Chart(s).ends(node, 0).get(len(s), 0)


# ---- walking the tree


def _children(node: Node) -> list[Node]:
    if node[0] in ("seq", "alt"):
        return list(node[1])
    if node[0] == "rep":
        return [node[3]]
    if node[0] == "look":
        return [node[1]]
    return []


def _walk(node: Node, *, atomic: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every node, with whether it sits inside a possessive repeat or atomic group (no backtracking into it)."""
    yield node, atomic
    inner = atomic or (node[0] == "rep" and node[4] == "possessive")
    for child in _children(node):
        yield from _walk(child, atomic=inner)


def _charsets(node: Node) -> list[frozenset[str]]:
    return [n[1] for n, _ in _walk(node) if n[0] == "char"]


def _char_rank(c: str) -> tuple[int, int]:
    """Common characters first: the preferred list, then lower case, digits, upper case, the rest."""
    if c in _PREFERRED:
        return (0, _PREFERRED.index(c))
    group = 1 if c.islower() else 2 if c.isdigit() else 3 if c.isupper() else 4 if c.isprintable() else 5
    return (group, ord(c))


def _rep_char(chars: frozenset[str]) -> str | None:
    return min(chars, key=_char_rank) if chars else None


def _representatives(node: Node, limit: int = 10) -> list[str]:
    """One character per class of characters that every set in ``node`` treats alike, common ones first."""
    sets = list(dict.fromkeys(_charsets(node)))
    classes: dict[tuple[bool, ...], set[str]] = {}
    for c in frozenset().union(*sets) if sets else ():
        classes.setdefault(tuple(c in s for s in sets), set()).add(c)
    reps = [r for r in (_rep_char(frozenset(v)) for v in classes.values()) if r is not None]
    reps.sort(key=_char_rank)
    return reps[:limit]


def _witness(node: Node) -> str:
    """A short string ``node`` matches (lookarounds ignored)."""
    kind = node[0]
    if kind == "char":
        return _rep_char(node[1]) or ""
    if kind == "seq":
        return "".join(_witness(c) for c in node[1])
    if kind == "alt":
        return min((_witness(b) for b in node[1]), key=len, default="")
    if kind == "rep":
        return _witness(node[3]) * node[1]
    return ""


def _samples(node: Node, limit: int = 12, longest: int = 8) -> list[str]:
    """A few short strings ``node`` matches: each repeat taken its least number of times and one or two more."""
    kind = node[0]
    if kind == "char":
        return [_rep_char(node[1]) or ""]
    if kind == "alt":
        return list(dict.fromkeys(x for b in node[1] for x in _samples(b, limit, longest)))[:limit]
    if kind == "seq":
        out = [""]
        for child in node[1]:
            tails = _samples(child, limit, longest)
            out = list(dict.fromkeys(a + b for a in out for b in tails if len(a + b) <= longest))[:limit]
        return out
    if kind == "rep":
        body = _samples(node[3], limit, longest)
        out = []
        for n in range(node[1], min(node[2], node[1] + 2) + 1):
            got = [""]
            for _ in range(n):
                got = list(dict.fromkeys(a + b for a in got for b in body if len(a + b) <= longest))[:limit]
            out.extend(got)
        return list(dict.fromkeys(out))[:limit]
    return [""]


def _prefix_to(node: Node, target: Node) -> str | None:
    """The witness of everything matched before ``target`` on the path from ``node``, or None if not below it."""
    if node is target:
        return ""
    if node[0] == "seq":
        for idx, child in enumerate(node[1]):
            below = _prefix_to(child, target)
            if below is not None:
                return "".join(_witness(c) for c in node[1][:idx]) + below
        return None
    for child in _children(node):
        below = _prefix_to(child, target)
        if below is not None:
            return below
    return None


def _pumps(node: Node) -> list[str]:
    reps = _representatives(node)
    singles = list(reps)
    pairs = [a + b for a in reps[:6] for b in reps[:6]]
    runs = [c * n for c in reps[:4] for n in (3, 4)]
    walk = _witness(node[3]) if node[0] == "rep" else _witness(node)
    body = _samples(node[3]) if node[0] == "rep" else []
    joined = [a + b for a in body for b in body if 2 < len(a + b) <= 10][:60]  # two iterations split another way
    return list(dict.fromkeys([*singles, *pairs, *runs, *([walk] if 2 < len(walk) <= 6 else []), *joined]))


# ---- the analysis


@dataclass(frozen=True)
class _Finding:
    node: Node
    pump: str
    kind: Literal["exponential", "polynomial"]
    degree: int
    start_anchored: bool


def _exponential(root: Node) -> list[_Finding]:
    found: list[_Finding] = []
    for node, atomic in _walk(root):
        if node[0] != "rep" or atomic or node[4] == "possessive" or node[2] < 2:
            continue
        plus = ("rep", 1, INF, node[3], "greedy")
        pumps: list[str] = []
        for pump in _pumps(node):
            if len(pumps) < _PUMPS_PER_PART and ways(plus, pump) >= 2:
                pump = _shortest_power(plus, pump)
                if not any(set(pump) <= set(p) for p in pumps):
                    pumps.append(pump)
        bounded = node[2] < _BIG_BOUND
        kind: Literal["exponential", "polynomial"] = "polynomial" if bounded else "exponential"
        found.extend(_Finding(node, pump, kind, node[2] if bounded else 0, False) for pump in pumps)
    return found


def _shortest_power(plus: Node, pump: str) -> str:
    """The shortest ``u`` with ``pump == u * j`` whose own repetitions are still ambiguous (``a`` for ``aa``)."""
    for size in range(1, len(pump)):
        unit = pump[:size]
        if len(pump) % size == 0 and unit * (len(pump) // size) == pump and ways(plus, unit * 4) >= 2:
            return unit
    return pump


def _mid_run(node: Node, pump: str, count: int) -> bool:
    """Whether ``node`` matches exactly ``count`` pumps in the middle of a run of them (so anchors and
    lookaheads see the pumps around, as in the attack string)."""
    start = 2 * len(pump)
    return start + count * len(pump) in _Chart(pump * (count + 4)).ends(node, start)


def _absorbs(node: Node, pump: str) -> bool:
    """Whether ``node`` matches any number of pumps: it matches 5 and 8 of them and holds a long repeat
    (a repeat bounded below ``_LONG`` only costs a constant factor)."""
    long = any(n[0] == "rep" and n[2] >= _LONG for n, _ in _walk(node))
    return long and _mid_run(node, pump, 5) and _mid_run(node, pump, 8)


def _passes(node: Node, pump: str) -> bool:
    return any(_mid_run(node, pump, j) for j in range(3))


def _flat(items: list[Node]) -> list[Node]:
    """A sequence's parts with the parts of its plain groups spliced in (concatenation is associative)."""
    out: list[Node] = []
    for item in items:
        out.extend(_flat(item[1]) if item[0] == "seq" else [item])
    return out


def _long(node: Node) -> bool:
    return any(n[0] == "rep" and n[2] >= _LONG for n, _ in _walk(node))


def _chain_pumps(elements: list[Node]) -> list[str]:
    """Pump candidates for a sequence: characters and short samples of its long repeats, the single characters
    between them, and the literal text before each long repeat (a search restarts at each copy of it)."""
    out: list[str] = []
    for idx, el in enumerate(elements):
        if el[0] == "char":
            out.extend(c for c in [_rep_char(el[1])] if c)
        elif _long(el):
            out.extend(_representatives(el, limit=4))
            out.extend(x for x in _samples(el[3] if el[0] == "rep" else el) if 2 <= len(x) <= 4)
            lead = "".join(_witness(e) for e in elements[:idx])
            if 2 <= len(lead) <= 12:
                out.append(lead)
    return list(dict.fromkeys(out))[:_MAX_PUMPS]


def _scans(node: Node, pump: str) -> bool:
    """Whether ``node`` must first run through any number of pumps (its leading part absorbs them) before it can
    fail: a repeat taken at least once, or a group, whose first part absorbs the pump."""
    first = node
    while True:
        if first is not node and _absorbs(first, pump):
            return True
        if first[0] == "rep" and first[1] >= 1 and first[4] != "possessive":
            first = first[3]
        elif first[0] == "seq" and first[1]:
            first = _flat(first[1])[0]
        else:
            return False


def _by_id(test: Callable[[Node, str], bool]) -> Callable[[Node, str], bool]:
    """``test`` remembered per (node, pump) for one analysis (nodes hold lists: keyed by identity)."""
    memo: dict[tuple[int, str], bool] = {}

    def remembered(node: Node, pump: str) -> bool:
        key = (id(node), pump)
        if key not in memo:
            memo[key] = test(node, pump)
        return memo[key]

    return remembered


def _sequences(node: Node, *, atomic: bool = False, spliced: bool = False) -> Iterator[Node]:
    """The sequences to scan for chains: not those spliced into a parent sequence, none under an atomic group."""
    if node[0] == "seq" and not spliced and not atomic:
        yield node
    inner = atomic or (node[0] == "rep" and node[4] == "possessive")
    for child in _children(node):
        yield from _sequences(child, atomic=inner, spliced=node[0] == "seq" and child[0] == "seq")


def _polynomial(root: Node, *, search: bool) -> list[_Finding]:
    found: list[_Finding] = []
    absorbs, passes = _by_id(_absorbs), _by_id(_passes)
    for seq in _sequences(root):
        elements = _flat(seq[1])
        if not elements:
            continue
        for pump in list(dict.fromkeys(_representatives(seq, limit=8) + _chain_pumps(elements))):
            chains: dict[int, int] = {}
            start = -1
            for idx, child in enumerate(elements):
                if absorbs(child, pump) and not (child[0] == "rep" and child[4] == "possessive"):
                    start = idx if start < 0 else start
                    chains[start] = chains.get(start, 0) + 1
                elif passes(child, pump):
                    continue
                else:
                    if start >= 0 and _scans(child, pump):
                        chains[start] += 1
                    start = -1
            for begin, degree in chains.items():
                if degree >= 2 or search:
                    found.append(_Finding(elements[begin], pump, "polynomial", degree, False))
    return found


def analyse(pattern: str, flags: int = 0, *, search: bool = False, check: bool = True) -> list[Attack]:
    """The super-linear backtracking attacks on ``pattern``, best first (unverified; see :func:`verify`).

    ``search``: the pattern is searched for (``re.search``/``sub``/``findall``/``split``), not matched at the start,
    so a run that can start anywhere costs one more degree. ``check``: keep only attacks whose string makes the
    whole match fail at a small ``k`` (checked with ``re``), which is what makes the engine backtrack.
    """
    if not isinstance(pattern, str):
        raise InvalidArgument("pattern", pattern, "pass the regular expression as a str (bytes are not analysed)")
    try:
        builder = _Builder(pattern, flags)
        compiled = re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError, ValueError):
        return []
    root = builder.tree()
    attacks: list[Attack] = []
    candidates = []
    for finding in _exponential(root) + _polynomial(root, search=search):
        prefix = _reaching_prefix(root, finding.node, finding.pump, search=search)
        if prefix is None:
            continue
        degree = finding.degree
        if finding.kind == "polynomial" and search and _starts_mid_run(root, finding.node, finding.pump):
            degree += 1  # the search restarts at every position of the run
        if finding.kind == "exponential" or degree >= 2:
            candidates.append((finding.kind != "exponential", -degree, len(finding.pump), finding, prefix, degree))
    candidates.sort(key=lambda c: c[:3])
    seen: set[tuple[str, str]] = set()
    per_node: dict[int, int] = {}
    for _, _, _, finding, prefix, degree in candidates:
        if (prefix, finding.pump) in seen or per_node.get(id(finding.node), 0) >= _PUMPS_PER_PART:
            continue
        seen.add((prefix, finding.pump))
        bare = Attack(pattern, prefix, finding.pump, "", finding.kind, degree, flags=flags, search=search)
        restarts = search and degree > finding.degree
        attack = _with_failing_suffix(bare, compiled, lead=restarts) if check else replace(bare, suffix="!")
        if attack is not None:
            per_node[id(finding.node)] = per_node.get(id(finding.node), 0) + 1
            attacks.append(attack)
        if len(attacks) >= _MAX_ATTACKS:
            break
    attacks.sort(key=lambda a: a.rank)
    return attacks


def _reaching_prefix(root: Node, target: Node, pump: str, *, search: bool) -> str | None:
    """The shortest witness of what comes before ``target``, checked to lead into it followed by pumps (anchors
    and lookaheads included; a newline is tried after it for line anchors), or None if it does not."""
    prefix = _prefix_to(root, target)
    if prefix is None:
        return None
    for candidate in (prefix, prefix + "\n"):
        chart = _Chart(candidate + pump * 4)
        entries = _entries(root, target, chart, set(range(len(candidate) + 1)) if search else {0})
        if entries and len(candidate) in entries:
            return candidate
    return None


def _with_failing_suffix(attack: Attack, compiled: re.Pattern[str], *, lead: bool) -> Attack | None:
    """``attack`` with the suffixes that make it fail, or None. With ``lead`` (a search that restarts inside the
    run), when another branch matches at the string's start, the attack leads with a character the pump lacks."""
    suffixes = _failing_suffixes(attack, compiled)
    leads = [c for c in _SUFFIXES[:16] if c not in attack.pump] if lead and not suffixes else []
    for char in leads:
        suffixes = _failing_suffixes(replace(attack, prefix=char + attack.prefix), compiled)
        if suffixes:
            attack = replace(attack, prefix=char + attack.prefix)
            break
    return replace(attack, suffix=suffixes[0], suffixes=tuple(suffixes[1:])) if suffixes else None


def _starts_mid_run(root: Node, target: Node, pump: str) -> bool:
    """Whether a search can start the pattern inside a run of pumps and reach ``target`` still inside it (what
    comes before matching empty or pumps; anchors, ``(?:^|,)`` and the like fail there): then every start
    position in the run costs again."""
    text = pump * 8
    entries = _entries(root, target, _Chart(text), {2 * len(pump)})
    return any(p <= len(text) - 2 * len(pump) for p in entries or ())


def _contains(node: Node, target: Node) -> bool:
    return node is target or any(_contains(c, target) for c in _children(node))


def _entries(node: Node, target: Node, chart: _Chart, starts: set[int]) -> set[int] | None:
    """The positions at which ``target`` can be entered when ``node`` starts at one of ``starts``."""
    if node is target:
        return starts
    if node[0] == "seq":
        current = set(starts)
        for child in node[1]:
            if _contains(child, target):
                return _entries(child, target, chart, current)
            current = {end for pos in current for end in chart.ends(child, pos)}
            if not current:
                return set()
        return None
    for child in _children(node):
        if _contains(child, target):
            return _entries(child, target, chart, starts)
    return None


def _failing_suffixes(attack: Attack, compiled: re.Pattern[str]) -> list[str]:
    """Suffixes after which ``prefix + pump * k`` cannot match, so the engine must try every split of the pumps:
    the empty one if it fails, then single characters outside the pump, at most a few."""
    k = 3 if attack.kind == "exponential" else max(6, attack.degree + 2)
    pump_chars = set(attack.pump)
    candidates = [""] + [c for c in _SUFFIXES if c not in pump_chars] + [c for c in _SUFFIXES if c in pump_chars]
    out = []
    for suffix in candidates:
        if _fails(attack, compiled, k, suffix) and _fails(attack, compiled, k + 1, suffix):
            out.append(suffix)
            if len(out) >= _SUFFIXES_KEPT:
                return out
    if out:
        return out
    for a in _SUFFIXES:
        for b in _SUFFIXES[:8]:
            if _fails(attack, compiled, k, a + b):
                return [a + b]
    return []


def _fails(attack: Attack, compiled: re.Pattern[str], k: int, suffix: str) -> bool:
    """Whether no match starts within the prefix and pumps (a search may still match in the suffix; a match
    attempt that succeeds early would end the backtracking)."""
    text = attack.string(k)[: len(attack.string(k)) - len(attack.suffix)] + suffix
    found = (compiled.search if attack.search else compiled.match)(text)
    return found is None or (attack.search and found.start() >= len(attack.prefix) + len(attack.pump) * k)


# ---- empirical check


def _time_child(conn: Any, pattern: str, flags: int, search: bool, strings: list[str]) -> None:
    compiled = re.compile(pattern, flags)
    run = compiled.search if search else compiled.match
    for s in strings:
        best = math.inf
        for _ in range(3):
            t0 = time.perf_counter()
            run(s)
            best = min(best, time.perf_counter() - t0)
        conn.send((len(s), best))
        if best > 0.004:
            break
    conn.close()


def _sizes(attack: Attack, max_len: int) -> list[int]:
    if attack.kind == "exponential":
        return [k for k in range(2, 80) if len(attack.string(k)) <= max_len]
    step = 2.0 if attack.degree <= 3 else 1.4 if attack.degree <= 6 else 1.15
    sizes, k = [], 8.0
    while len(attack.string(int(k))) <= max_len:
        sizes.append(int(k))
        k *= step
    return sizes


def timings(attack: Attack, *, max_len: int = 200_000, timeout: float = 1.0) -> list[tuple[int, float]]:
    """Best-of-3 match times of the attack at growing ``k`` (stops past 4 ms), run in a forked child that is
    killed after ``timeout`` seconds. Pairs of (string length, seconds)."""
    strings = [attack.string(k) for k in _sizes(attack, max_len)]
    parent, child = multiprocessing.get_context("fork").Pipe(duplex=False)
    proc = multiprocessing.get_context("fork").Process(
        target=_time_child, args=(child, attack.pattern, attack.flags, attack.search, strings), daemon=True
    )
    proc.start()
    child.close()
    out: list[tuple[int, float]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < len(strings):
            left = deadline - time.monotonic()
            if left <= 0 or not parent.poll(left):
                break
            try:
                out.append(parent.recv())
            except EOFError:
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    return out


def growth(points: list[tuple[int, float]]) -> float:
    """The log-log slope of time against length over the last two points with a measurable time (0 if none)."""
    usable = [(n, t) for n, t in points if t > 5e-5]
    if len(usable) < 2:
        return 0.0
    (n1, t1), (n2, t2) = usable[-2], usable[-1]
    return math.log(t2 / t1) / math.log(n2 / n1) if n2 > n1 else 0.0


def verify(attack: Attack, *, max_len: int = 200_000, timeout: float = 1.0) -> Attack:
    """``attack`` with ``verified`` set: its match time grows faster than linearly in the string's length."""
    points = timings(attack, max_len=max_len, timeout=timeout)
    slope = growth(points)
    timed_out = len(points) < len(_sizes(attack, max_len)) and bool(points) and points[-1][1] <= 0.004
    ok = slope >= 1.5 or timed_out
    return replace(attack, verified=ok, growth=round(slope, 2))


def literal_runs(pattern: str, flags: int = 0) -> list[str]:
    """The runs of literal characters in ``pattern`` (``'Basic '``, ``'://'``), for a fuzzing dictionary."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except (re.error, OverflowError, RecursionError, ValueError):
        return []
    runs: list[str] = []
    _runs(parsed, runs)
    return [r for r in dict.fromkeys(runs) if r]


def _runs(items: Any, out: list[str]) -> None:
    current = ""
    for op, av in items:
        if op is sre_c.LITERAL:
            current += chr(av)
            continue
        out.append(current)
        current = ""
        for sub in av if isinstance(av, tuple | list) else ():
            if isinstance(sub, sre_parse.SubPattern):
                _runs(sub, out)
            elif isinstance(sub, list):
                for branch in sub:
                    if isinstance(branch, sre_parse.SubPattern):
                        _runs(branch, out)
    out.append(current)
