"""Static ReDoS analysis of one regular expression, and a cheap empirical check of what it finds.

The pattern is parsed by Python's own parser into the tree of :mod:`._regex_tree`. Ambiguity is decided by
counting, on short strings, the ways a part of the tree matches:

- exponential: a repeat whose body can match one pump string ``w`` in two ways as ``body+`` (``(a+)+``,
  ``(a|aa)*``, ``(\\w+\\s?)+``, or two iterations splitting ``w`` another way): ``w * k`` has ``2**k`` parses;
  the densest pumps come first (most parses per character: within a length budget every character counts), and
  a pump a lookahead forbids at the repeat's start gets one body iteration as a lead (``^a`` then ``^``); a
  repeat in a positive lookahead whose body already matched is left out (lookarounds are atomic in ``re``);
- polynomial: in a sequence (plain groups spliced in), a run of parts where ``d`` absorb any number of ``w``
  and those between pass on a few ``w`` or empty (``\\d+\\.?\\d+``, ``\\s*=\\s*``), tested in the middle of a run of
  pumps so anchors and lookaheads count; a part after the run that must scan it again before failing adds one;
  a searched pattern (``re.search``/``sub``/``findall``) adds one more when it can start inside the run (what
  comes before the run matching empty or pumps; ``^``, ``(?:^|,)`` do not).

Each finding becomes an :class:`Attack` ``prefix + pump * k + suffix``: the prefix is the shortest string that leads
from the pattern's start into the vulnerable part (checked with the tree, a newline tried for line anchors), the
suffix one that leaves no match starting inside the pumps (tried with ``re`` at a small ``k``, so flags, anchors
and ``MULTILINE`` are respected). :func:`verify` times the attack at growing ``k`` in a forked child with a hard
timeout (``re`` cannot be interrupted mid-match). Lookbehinds are taken as passing, backreferences as empty.
"""

from __future__ import annotations

import math
import mmap
import multiprocessing
import pickle
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Literal

from perfkit.fuzzers._regex_tree import (
    INF,
    Builder,
    Chart,
    Node,
    children,
    contains,
    entries,
    flat,
    literal_runs,
    prefix_to,
    rep_char,
    representatives,
    samples,
    walk,
    ways,
    witness,
)

from perfkit.errors import InvalidArgument

__all__ = ["Attack", "analyse", "class_mates", "growth", "literal_runs", "risk", "timings", "verify", "ways"]

_BIG_BOUND = 16  # a bounded repeat {m,n} with n at least this counts as unbounded
_LONG = 64  # a repeat bounded below this absorbs a bounded run only: adjacent to another, a constant factor
_MAX_PUMPS = 20  # pump candidates tried on one sequence
_MAX_PUMP_TRIES = 40  # pump candidates scored on one repeat (exponential)
_MAX_ATTACKS = 12  # attacks kept for one pattern
_PUMPS_PER_PART = 3  # distinct pump strings kept for one vulnerable part (the program may filter some out)
_SUFFIXES_KEPT = 6  # failing suffixes kept per attack, for the same reason
# failing-suffix candidates: ordinary characters first (the code before the regex often cuts at delimiters)
_SUFFIXES = "!\x00 _-.@a0A~\"'=<>&%[]:;,*+$^|\\`(){}\t\n/#?\u2028\xe9"


@dataclass(frozen=True)
class Attack:
    """An attack string family ``prefix + pump * k + suffix`` on ``pattern`` (compiled with ``flags``).

    ``kind`` is ``'exponential'`` or ``'polynomial'`` (of ``degree`` in the string's length, counting the search
    loop when ``search``); ``verified`` is None until :func:`verify` ran; ``contexts`` are leading strings taken
    from the code around the regex (for program-level wrappers); ``where`` names the code that uses it;
    ``suffixes`` other suffixes that also make the match fail (the program may strip or reject some);
    ``enclosures`` pairs ``(lead, trail)`` the attack string goes between so that the program hands it to the
    regex (the input around the regex's subject seen at run time, a token the lexer must cut); ``members``
    strings the code tests the input for containing (``"j" in s``), tried before the failing suffix; ``rate``
    the parses per pumped character of an exponential one; ``probes`` enclosures proposed from the code (another
    regex's capture group, its separators) that a trace of the target must confirm before they are tried.
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
    enclosures: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    members: tuple[str, ...] = field(default=(), compare=False)
    rate: float = field(default=0.0, compare=False)  # exponential: parses per pumped character (bits)
    probes: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # enclosures to check by a trace

    def string(self, k: int) -> str:
        """The attack string with ``k`` pumps."""
        return self.prefix + self.pump * k + self.suffix

    def fit(self, max_len: int) -> str | None:
        """The attack string with the most pumps that fits ``max_len`` characters, or None if none fits."""
        k = (max_len - len(self.prefix) - len(self.suffix)) // len(self.pump)
        return self.string(k) if k >= 1 else None

    @property
    def rank(self) -> tuple[int, int, int, float]:
        """Sort key, best first: verified, exponential, higher degree, more parses per pumped character."""
        verified = 0 if self.verified is not False else 1
        return (verified, 0 if self.kind == "exponential" else 1, -self.degree, -self.rate)


# ---- the analysis


def _pumps(node: Node) -> list[str]:
    reps = representatives(node)
    singles = list(reps)
    pairs = [a + b for a in reps[:6] for b in reps[:6]]
    runs = [c * n for c in reps[:4] for n in (3, 4)]
    walk = witness(node[3]) if node[0] == "rep" else witness(node)
    body = samples(node[3]) if node[0] == "rep" else []
    joined = [a + b for a in body for b in body if 2 < len(a + b) <= 10][:60]  # two iterations split another way
    return list(dict.fromkeys([*singles, *pairs, *runs, *([walk] if 2 < len(walk) <= 6 else []), *joined]))


@dataclass(frozen=True)
class _Finding:
    node: Node
    pump: str
    kind: Literal["exponential", "polynomial"]
    degree: int
    start_anchored: bool
    rate: float = 0.0  # exponential: parses per pumped character (bits)


def _exponential(root: Node) -> list[_Finding]:
    """Repeats whose body matches a pump string two ways, the densest pumps first: the ones with the most parses
    per character (``aa.`` splits two ways in 3 characters, ``a.aa.`` in 5: within a length budget the denser pump
    is exponentially slower). A pump the pattern cannot take right at the repeat's start (a lookahead there) gets a
    lead of one body iteration (``^a`` then ``^`` pumped), kept in the finding's ``lead``."""
    found: list[_Finding] = []
    for node, atomic in walk(root):
        if node[0] != "rep" or atomic or node[4] == "possessive" or node[2] < 2:
            continue
        plus = ("rep", 1, INF, node[3], "greedy")
        scored: dict[str, float] = {}
        tried: set[str] = set()
        singles = representatives(node)
        for pump in list(dict.fromkeys([*singles, *samples(node[3]), *_pumps(node)]))[:_MAX_PUMP_TRIES]:
            if pump and pump not in tried:
                tried.add(pump)
                rate = _rate(plus, pump)
                if rate > 0:
                    shortest = _shortest_power(plus, pump)
                    scored.setdefault(shortest, rate if shortest == pump else _rate(plus, shortest))
        pumps: list[str] = []
        for pump in sorted(scored, key=lambda p: (-scored[p], len(p))):
            if len(pumps) < _PUMPS_PER_PART and not any(set(pump) == set(p) for p in pumps):
                pumps.append(pump)
        bounded = node[2] < _BIG_BOUND
        kind: Literal["exponential", "polynomial"] = "polynomial" if bounded else "exponential"
        found.extend(_Finding(node, pump, kind, node[2] if bounded else 0, False, rate=scored[pump]) for pump in pumps)
    return found


def _rate(plus: Node, pump: str) -> float:
    """Parses per character of ``pump`` repeated, as they grow (bits: log2 of how the ways ``body+`` matches
    about 20 characters of it outnumber the ways it matches half as many, over the characters added; a ratio,
    so the edges' constant factors cancel: a run of backslashes whose parses grow as Fibonacci numbers is not
    undercounted at short lengths); 0 when there is one way or none."""
    times = max(2, -(-10 // len(pump)))
    few = ways(plus, pump * times)
    if few <= 1:
        return 0.0
    return max(0.0, math.log2(ways(plus, pump * (2 * times)) / few)) / (len(pump) * times)


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
    return start + count * len(pump) in Chart(pump * (count + 4)).ends(node, start)


def _absorbs(node: Node, pump: str) -> bool:
    """Whether ``node`` matches any number of pumps: it matches 5 and 8 of them and holds a long repeat
    (a repeat bounded below ``_LONG`` only costs a constant factor)."""
    long = any(n[0] == "rep" and n[2] >= _LONG for n, _ in walk(node))
    return long and _mid_run(node, pump, 5) and _mid_run(node, pump, 8)


def _passes(node: Node, pump: str) -> bool:
    return any(_mid_run(node, pump, j) for j in range(3))


def _long(node: Node) -> bool:
    return any(n[0] == "rep" and n[2] >= _LONG for n, _ in walk(node))


def _chain_pumps(elements: list[Node]) -> list[str]:
    """Pump candidates for a sequence: characters and short samples of its long repeats, the single characters
    between them, and the literal text before each long repeat (a search restarts at each copy of it)."""
    out: list[str] = []
    for idx, el in enumerate(elements):
        if el[0] == "char":
            out.extend(c for c in [rep_char(el[1])] if c)
        elif _long(el):
            out.extend(representatives(el, limit=4))
            out.extend(x for x in samples(el[3] if el[0] == "rep" else el) if 2 <= len(x) <= 4)
            lead = "".join(witness(e) for e in elements[:idx])
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
            first = flat(first[1])[0]
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
    for child in children(node):
        yield from _sequences(child, atomic=inner, spliced=node[0] == "seq" and child[0] == "seq")


def _polynomial(root: Node, *, search: bool) -> list[_Finding]:
    found: list[_Finding] = []
    absorbs, passes = _by_id(_absorbs), _by_id(_passes)
    for seq in _sequences(root):
        elements = flat(seq[1])
        if not elements:
            continue
        for pump in list(dict.fromkeys(representatives(seq, limit=8) + _chain_pumps(elements))):
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
        builder = Builder(pattern, flags)
        re.compile(pattern, flags)  # the engine must accept it too
    except (re.error, OverflowError, RecursionError, ValueError):
        return []
    root = builder.tree()
    attacks: list[Attack] = []
    candidates = []
    for finding in _exponential(root) + _polynomial(root, search=search):
        prefix = _reaching_prefix(root, finding.node, finding.pump, search=search)
        if prefix is None and finding.kind == "exponential":  # a lookahead at the repeat's start: one iteration first
            leads = (x for x in samples(finding.node[3]) if x)
            prefix = next(
                (p for x in leads if (p := _reaching_prefix(root, finding.node, finding.pump, search=search, lead=x))),
                None,
            )
        if prefix is None or _settled_in_lookahead(root, finding.node, prefix + finding.pump * 4):
            continue
        degree = finding.degree
        if finding.kind == "polynomial" and search and _starts_mid_run(root, finding.node, finding.pump):
            degree += 1  # the search restarts at every position of the run
        if finding.kind == "exponential" or degree >= 2:
            key = (finding.kind != "exponential", -degree, -finding.rate, len(finding.pump))
            candidates.append((key, finding, prefix, degree))
    candidates.sort(key=lambda c: c[0])
    seen: set[tuple[str, str]] = set()
    tried: dict[int, int] = {}
    bares: list[tuple[Attack, bool, int]] = []
    for _, finding, prefix, degree in candidates:
        if (prefix, finding.pump) in seen or tried.get(id(finding.node), 0) > _PUMPS_PER_PART:
            continue
        seen.add((prefix, finding.pump))
        tried[id(finding.node)] = tried.get(id(finding.node), 0) + 1
        bare = Attack(
            pattern,
            prefix,
            finding.pump,
            "",
            finding.kind,
            degree,
            flags=flags,
            search=search,
            rate=round(finding.rate, 3),
        )
        bares.append((bare, search and degree > finding.degree, id(finding.node)))
        if len(bares) >= 2 * _MAX_ATTACKS:
            break
    if check:
        checked = _suffixes_bounded([(bare, lead) for bare, lead, _ in bares])
    else:
        checked = [replace(bare, suffix="!") for bare, _, _ in bares]
    per_node: dict[int, int] = {}
    for attack, (_, _, node) in zip(checked, bares, strict=True):
        if attack is not None and per_node.get(node, 0) < _PUMPS_PER_PART and len(attacks) < _MAX_ATTACKS:
            per_node[node] = per_node.get(node, 0) + 1
            attacks.append(attack)
    attacks.sort(key=lambda a: a.rank)
    return attacks


def _suffixes_bounded(bares: list[tuple[Attack, bool]], *, per_check: float = 0.5) -> list[Attack | None]:
    """:func:`_with_failing_suffix` for each attack, run in a forked child: a check at a small ``k`` can already
    backtrack for long, and ``re`` cannot be interrupted. A check that takes over ``per_check`` seconds means the
    attack blows up already: it is kept with the prefix and suffix being tried, and the child is replaced. The
    child writes the (prefix, suffix) it tries into shared memory (no message per try: tens of thousands of
    tries on a big lexer cost seconds in pipe round trips)."""
    context = multiprocessing.get_context("fork")
    results: list[Attack | None] = [None] * len(bares)
    shared = mmap.mmap(-1, _SHARED)
    index = 0
    try:
        while index < len(bares):
            parent, child = context.Pipe(duplex=False)
            proc = context.Process(target=_suffix_child, args=(child, bares[index:], shared), daemon=True)
            proc.start()
            child.close()
            try:
                while index < len(bares):
                    if not parent.poll(per_check):
                        prefix, suffix = _read_trying(shared)
                        results[index] = replace(bares[index][0], prefix=prefix, suffix=suffix)
                        index += 1
                        break
                    results[index], index = parent.recv(), index + 1
            except EOFError:
                index += 1  # the child died on this attack: leave it out
            finally:
                if proc.is_alive():
                    proc.kill()
                proc.join()
                parent.close()
    finally:
        shared.close()
    return results


_SHARED = 1 << 16  # bytes of the (prefix, suffix) being tried


def _read_trying(shared: mmap.mmap) -> tuple[str, str]:
    size = int.from_bytes(shared[:4], "little")
    if not 0 < size <= _SHARED - 4:
        return "", ""
    try:
        got = pickle.loads(shared[4 : 4 + size])
    except Exception:
        return "", ""
    return got if isinstance(got, tuple) and len(got) == 2 else ("", "")


def _suffix_child(conn: Any, bares: list[tuple[Attack, bool]], shared: mmap.mmap) -> None:
    compiled = re.compile(bares[0][0].pattern, bares[0][0].flags)

    def report(prefix: str, suffix: str) -> None:
        data = pickle.dumps((prefix, suffix))
        if len(data) <= _SHARED - 4:
            shared[4 : 4 + len(data)] = data
            shared[:4] = len(data).to_bytes(4, "little")

    for attack, lead in bares:
        conn.send(_with_failing_suffix(attack, compiled, lead=lead, report=report))
    conn.close()


def _reaching_prefix(root: Node, target: Node, pump: str, *, search: bool, lead: str = "") -> str | None:
    """The shortest witness of what comes before ``target``, checked to lead into it followed by ``lead`` and pumps
    (anchors and lookaheads included; a newline is tried after it for line anchors), or None if it does not;
    with ``lead``, the witness followed by it."""
    prefix = prefix_to(root, target)
    if prefix is None:
        return None
    for candidate in (prefix, prefix + "\n"):
        chart = Chart(candidate + lead + pump * 4)
        entered = entries(root, target, chart, set(range(len(candidate) + 1)) if search else {0})
        if entered and len(candidate) in entered and (not lead or _body_through(target, chart, len(candidate))):
            return candidate + lead
    return None


def _lookahead_over(node: Node, target: Node) -> Node | None:
    """The innermost positive lookahead on the path from ``node`` down to ``target``, or None."""
    if node is target:
        return None
    for child in children(node):
        if contains(child, target):
            inner = _lookahead_over(child, target)
            if inner is not None:
                return inner
            return node if node[0] == "look" and node[2] and node[3] else None
    return None


def _settled_in_lookahead(root: Node, target: Node, text: str) -> bool:
    """Whether ``target`` sits in a positive lookahead whose body already matches on ``text`` (the prefix and
    pumps) where it is entered, whatever character follows: ``re``'s lookarounds are atomic, so once the body has
    matched, the engine never backtracks into it and the repeat's many parses are never tried (the
    ``(?=(?P<g>...))(?P=g)`` idiom for an atomic group)."""
    look = _lookahead_over(root, target)
    if look is None:
        return False
    for end in _SUFFIXES[:8]:  # whatever comes after the pumps (an end anchor inside the body can still fail)
        chart = Chart(text + end)
        entered = entries(root, look, chart, {0}) or set()
        if not entered or not all(chart.ends(look[1], at) for at in entered):
            return False
    return True


def _body_through(target: Node, chart: Chart, start: int) -> bool:
    """Whether the repeat ``target`` entered at ``start`` can run through the whole rest of the chart's string (its
    lead and every pump)."""
    return len(chart.s) in chart.ends(("rep", 1, INF, target[3], "greedy"), start)


def _with_failing_suffix(
    attack: Attack, compiled: re.Pattern[str], *, lead: bool, report: Callable[[str, str], None] | None = None
) -> Attack | None:
    """``attack`` with the suffixes that make it fail, or None. With ``lead`` (a search that restarts inside the
    run), when another branch matches at the string's start, the attack leads with a character the pump lacks."""
    suffixes = _failing_suffixes(attack, compiled, report=report)
    leads = [c for c in _SUFFIXES[:16] if c not in attack.pump] if lead and not suffixes else []
    for char in leads:
        suffixes = _failing_suffixes(replace(attack, prefix=char + attack.prefix), compiled, report=report)
        if suffixes:
            attack = replace(attack, prefix=char + attack.prefix)
            break
    return replace(attack, suffix=suffixes[0], suffixes=tuple(suffixes[1:])) if suffixes else None


def _starts_mid_run(root: Node, target: Node, pump: str) -> bool:
    """Whether a search can start the pattern inside a run of pumps and reach ``target`` still inside it (what
    comes before matching empty or pumps; anchors, ``(?:^|,)`` and the like fail there): then every start
    position in the run costs again."""
    text = pump * 8
    entered = entries(root, target, Chart(text), {2 * len(pump)})
    return any(p <= len(text) - 2 * len(pump) for p in entered or ())


def _failing_suffixes(
    attack: Attack, compiled: re.Pattern[str], *, report: Callable[[str, str], None] | None = None
) -> list[str]:
    """Suffixes after which ``prefix + pump * k`` cannot match, so the engine must try every split of the pumps:
    the empty one if it fails, then single characters outside the pump, at most a few. ``report`` is told each
    (prefix, suffix) before it is tried."""
    k = 3 if attack.kind == "exponential" else max(6, attack.degree + 2)
    pump_chars = set(attack.pump)
    candidates = [""] + [c for c in _SUFFIXES if c not in pump_chars] + [c for c in _SUFFIXES if c in pump_chars]
    out = []
    for suffix in candidates:
        if report is not None:
            report(attack.prefix, suffix)
        if _fails(attack, compiled, k, suffix) and _fails(attack, compiled, k + 1, suffix):
            out.append(suffix)
            if len(out) >= _SUFFIXES_KEPT:
                return out
    if out:
        return out
    for a in _SUFFIXES:
        for b in _SUFFIXES[:8]:
            if report is not None:
                report(attack.prefix, a + b)
            if _fails(attack, compiled, k, a + b):
                return [a + b]
    return []


def _fails(attack: Attack, compiled: re.Pattern[str], k: int, suffix: str) -> bool:
    """Whether no match starts within the prefix and pumps (a search may still match in the suffix; a match
    attempt that succeeds early would end the backtracking)."""
    text = attack.string(k)[: len(attack.string(k)) - len(attack.suffix)] + suffix
    found = (compiled.search if attack.search else compiled.match)(text)
    return found is None or (attack.search and found.start() >= len(attack.prefix) + len(attack.pump) * k)


def class_mates(pattern: str, flags: int, char: str, *, limit: int = 3) -> list[str]:
    """Other characters every character set of ``pattern`` treats as it treats ``char``, characters outside
    ASCII first (a pump of one of them backtracks the same way, and ``re`` often spends longer per step on
    them: a negated class or ``\\s`` checked against Unicode ranges)."""
    try:
        root = Builder(pattern, flags).tree()
    except (re.error, OverflowError, RecursionError, ValueError):
        return []
    sets = list(dict.fromkeys(n[1] for n, _ in walk(root) if n[0] == "char"))
    if not any(char in x for x in sets):
        return []
    mark = tuple(char in x for x in sets)
    universe = sorted(frozenset().union(*sets), key=lambda c: (c.isascii(), not c.isprintable(), ord(c)))
    return [c for c in universe if c != char and tuple(c in x for x in sets) == mark][:limit]


def risk(pattern: str, flags: int = 0) -> tuple[int, int]:
    """A cheap pre-screen (one parse, no analysis): (1 when an unbounded repeat sits inside another, else 0; the
    most unbounded repeats in one sequence, groups spliced in). Patterns are analysed riskiest first, so that a
    large table (hundreds of rule patterns) gets its dangerous ones analysed within the time budget."""
    try:
        tree = list(sre_parse.parse(pattern, flags))
    except (re.error, OverflowError, RecursionError, ValueError, TypeError):
        return (0, 0)
    best = [0, 0]

    def sequence(items: Any, inside: bool) -> int:
        count = 0
        for op, av in items:
            if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
                unbounded = av[1] == sre_c.MAXREPEAT or av[1] >= _BIG_BOUND
                count += unbounded
                best[0] = max(best[0], int(unbounded and inside))
                sequence(av[2], inside or unbounded)
            elif op is sre_c.SUBPATTERN:
                count += sequence(av[3], inside)
            elif op is sre_c.BRANCH:
                for branch in av[1]:
                    sequence(branch, inside)
            elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT, getattr(sre_c, "ATOMIC_GROUP", None)):
                sequence(av[1] if op is not getattr(sre_c, "ATOMIC_GROUP", None) else av, inside)
        best[1] = max(best[1], count)
        return count

    sequence(tree, False)
    return best[0], best[1]


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
