"""The small tree perfkit's ReDoS analysis works on, built by Python's own regex parser, and a parse counter.

``re._parser`` output becomes nodes: ``("char", frozenset)`` (one character, as the set of characters of a finite
universe it accepts: ASCII, a few non-ASCII probes and the pattern's own literals, with ``IGNORECASE``, ``ASCII``
and scoped flags applied), ``("seq", [...])``, ``("alt", [...])``, ``("rep", lo, hi, body, mode)`` (greedy, lazy
or possessive; atomic groups are possessive repeats of one), ``("eps", tag)`` (anchors; backreferences are taken
as empty) and ``("look", body, positive, ahead)``. :class:`Chart` counts, for a node and a start position in a
short string, the ways to match ending at each position; lookaheads are checked, lookbehinds pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

INF = 1 << 30
_CAP = 1 << 20
_PREFERRED = "az0AZ9 _-.,:;/@!~\t\n'\"=+&?#%*()[]<>{}|\\^$`"
_EXTRA = "\x00\x0b\x0c\x1b\x7f\x85\xa0\xe9\xc9\xdf\u017f\u212a\u2028\u3000\u4e2d\u0661\U0001f600"

Node = tuple[Any, ...]


class Builder:
    """Converts ``re._parser`` output into the small tree, over a finite universe of characters."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.parsed = sre_parse.parse(pattern, flags)
        self.flags = self.parsed.state.flags
        literals: set[str] = set()
        _collect_literals(self.parsed, literals)
        extra = {v for c in literals for v in (c.lower(), c.upper()) if len(v) == 1}
        self.universe = tuple(dict.fromkeys([chr(i) for i in range(128)] + list(_EXTRA) + sorted(literals | extra)))
        self._cat: dict[Any, frozenset[str]] = {}
        self.groups: dict[int, Node] = {}  # capture group number -> its node (filled by ``tree``)

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
            group, add, delete, body = av
            node = self._seq(body, (flags | add) & ~delete)
            if group is not None:
                self.groups[group] = node
            return node
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


class Chart:
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
    return Chart(s).ends(node, 0).get(len(s), 0)


# ---- walking the tree


def children(node: Node) -> list[Node]:
    if node[0] in ("seq", "alt"):
        return list(node[1])
    if node[0] == "rep":
        return [node[3]]
    if node[0] == "look":
        return [node[1]]
    return []


def walk(node: Node, *, atomic: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every node, with whether it sits inside a possessive repeat or atomic group (no backtracking into it)."""
    yield node, atomic
    inner = atomic or (node[0] == "rep" and node[4] == "possessive")
    for child in children(node):
        yield from walk(child, atomic=inner)


def charsets(node: Node) -> list[frozenset[str]]:
    return [n[1] for n, _ in walk(node) if n[0] == "char"]


def char_rank(c: str) -> tuple[int, int]:
    """Common characters first: the preferred list, then lower case, digits, upper case, the rest."""
    if c in _PREFERRED:
        return (0, _PREFERRED.index(c))
    group = 1 if c.islower() else 2 if c.isdigit() else 3 if c.isupper() else 4 if c.isprintable() else 5
    return (group, ord(c))


def rep_char(chars: frozenset[str]) -> str | None:
    return min(chars, key=char_rank) if chars else None


def representatives(node: Node, limit: int = 10) -> list[str]:
    """One character per class of characters that every set in ``node`` treats alike, common ones first."""
    sets = list(dict.fromkeys(charsets(node)))
    classes: dict[tuple[bool, ...], set[str]] = {}
    for c in frozenset().union(*sets) if sets else ():
        classes.setdefault(tuple(c in s for s in sets), set()).add(c)
    reps = [r for r in (rep_char(frozenset(v)) for v in classes.values()) if r is not None]
    reps.sort(key=char_rank)
    return reps[:limit]


def witness(node: Node) -> str:
    """A short string ``node`` matches (lookarounds ignored)."""
    kind = node[0]
    if kind == "char":
        return rep_char(node[1]) or ""
    if kind == "seq":
        return "".join(witness(c) for c in node[1])
    if kind == "alt":
        return min((witness(b) for b in node[1]), key=len, default="")
    if kind == "rep":
        return witness(node[3]) * node[1]
    return ""


def samples(node: Node, limit: int = 12, longest: int = 8) -> list[str]:
    """A few short strings ``node`` matches: each repeat taken its least number of times and one or two more."""
    kind = node[0]
    if kind == "char":
        return [rep_char(node[1]) or ""]
    if kind == "alt":
        return list(dict.fromkeys(x for b in node[1] for x in samples(b, limit, longest)))[:limit]
    if kind == "seq":
        out = [""]
        for child in node[1]:
            tails = samples(child, limit, longest)
            out = list(dict.fromkeys(a + b for a in out for b in tails if len(a + b) <= longest))[:limit]
        return out
    if kind == "rep":
        body = samples(node[3], limit, longest)
        out = []
        for n in range(node[1], min(node[2], node[1] + 2) + 1):
            got = [""]
            for _ in range(n):
                got = list(dict.fromkeys(a + b for a in got for b in body if len(a + b) <= longest))[:limit]
            out.extend(got)
        return list(dict.fromkeys(out))[:limit]
    return [""]


def prefix_to(node: Node, target: Node) -> str | None:
    """The witness of everything matched before ``target`` on the path from ``node``, or None if not below it."""
    if node is target:
        return ""
    if node[0] == "seq":
        for idx, child in enumerate(node[1]):
            below = prefix_to(child, target)
            if below is not None:
                return "".join(witness(c) for c in node[1][:idx]) + below
        return None
    for child in children(node):
        below = prefix_to(child, target)
        if below is not None:
            return below
    return None


def around(node: Node, target: Node, *, fill: Any = witness) -> tuple[str, str] | None:
    """What comes before and after ``target`` on the path from ``node`` through it, each part written by ``fill``
    (a witness by default; a caller can fill groups with strings of its own), or None if ``target`` is not below
    ``node``. An optional container on the path is taken once; a repeat needing more iterations gets witnesses."""
    if node is target:
        return "", ""
    if node[0] == "seq":
        parts = node[1]
        for idx, child in enumerate(parts):
            below = around(child, target, fill=fill)
            if below is not None:
                before = "".join(fill(c) for c in parts[:idx])
                after = "".join(fill(c) for c in parts[idx + 1 :])
                return before + below[0], below[1] + after
        return None
    for child in children(node):
        below = around(child, target, fill=fill)
        if below is not None:
            more = fill(child) * max(0, node[1] - 1) if node[0] == "rep" else ""
            return below[0], below[1] + more
    return None


def flat(items: list[Node]) -> list[Node]:
    """A sequence's parts with the parts of its plain groups spliced in (concatenation is associative)."""
    out: list[Node] = []
    for item in items:
        out.extend(flat(item[1]) if item[0] == "seq" else [item])
    return out


def contains(node: Node, target: Node) -> bool:
    return node is target or any(contains(c, target) for c in children(node))


def entries(node: Node, target: Node, chart: Chart, starts: set[int]) -> set[int] | None:
    """The positions at which ``target`` can be entered when ``node`` starts at one of ``starts``."""
    if node is target:
        return starts
    if node[0] == "seq":
        current = set(starts)
        for child in node[1]:
            if contains(child, target):
                return entries(child, target, chart, current)
            current = {end for pos in current for end in chart.ends(child, pos)}
            if not current:
                return set()
        return None
    for child in children(node):
        if contains(child, target):
            return entries(child, target, chart, starts)
    return None


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
