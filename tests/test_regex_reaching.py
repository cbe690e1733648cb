"""Regex attacks that reach the regex: the densest exponential pumps, leads past a lookahead, attacks spread
across patterns, bytes in the trace, enclosures proposed from the code (another regex's capture group, the
separators it tests) and confirmed by a one-call trace, rule strings kept in class attributes.

The targets are small functions written here (no type hints), several spellings of each idea; every assertion is
on structure or on what ``re`` and the trace see, never on a timing.
"""

from __future__ import annotations

import re

import pytest
from perfkit.fuzzers._regex_find import reach
from perfkit.fuzzers._regex_gates import gate_enclosures, separator_enclosures
from perfkit.fuzzers._regex_redos import Attack, analyse
from perfkit.fuzzers._regex_seeds import prober, reaching, regex_attacks, spread, traced_attacks
from perfkit.fuzzers._regex_trace import trace

# ---- the densest pump first


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(?:(?:[a-z]|[a-z][a-z]|[a-z0-9][-a-z0-9]{0,30}[a-z0-9])\.)+[a-z]{2,6}$",  # domain labels
        r"^(?:(?:\w|\w\w|\w[\w-]*\w)-)+\d$",  # dash-separated words
        r"(?:(?:[0-9]{1,2}|[0-9]+):)+x",  # colon-separated numbers, searched
    ],
)
def test_exponential_attacks_come_densest_first(pattern):
    """Among the pumps of one repeat, the one with the most parses per character leads (a label of two
    characters and its separator, 3 characters with two parses, before two labels, 5 characters with two)."""
    attacks = [a for a in analyse(pattern, 0, search=not pattern.startswith("^")) if a.kind == "exponential"]
    assert attacks
    assert attacks[0].rate == max(a.rate for a in attacks) > 0
    assert attacks[0].rate > next((a.rate for a in attacks if len(a.pump) > len(attacks[0].pump)), 0.0)
    assert re.compile(pattern).search(attacks[0].string(8)) is None  # the attack string fails: it backtracks


@pytest.mark.parametrize(
    ("pattern", "delimiter"),
    [
        (r"%(?![%\s])((?:[^%\s]|%{2,})+?)(?<![%\s])%(?!%)", "%"),  # lazy, delimiter runs of two or more
        (r"~(?!~)((?:~~+|[^~\s])+)(?<!~)~(?!~)", "~"),  # greedy, the alternatives the other way round
        (r"=(?![=\s])(?:[^=\s]|={2,})*?(?<![=\s])=(?!=)", "="),  # a lazy star
    ],
)
def test_a_lookahead_at_the_repeat_start_gets_a_lead(pattern, delimiter):
    """The densest pump is the delimiter itself (a run of n splits into parts of two or more in exponentially
    many ways), but a lookahead forbids it right after the opening one: one iteration of the body goes first."""
    attacks = analyse(pattern, 0, search=True)
    best = attacks[0]
    assert best.kind == "exponential" and best.pump == delimiter
    assert best.prefix.startswith(delimiter) and len(best.prefix) == 2 and best.prefix[1] != delimiter
    assert re.compile(pattern).search(best.string(10)) is None


def test_spread_puts_patterns_seen_running_first_then_takes_turns():
    def attack(pattern, pump, kind="exponential", rate=0.5):
        return Attack(pattern, "", pump, "!", kind, 0 if kind == "exponential" else 2, rate=rate)

    many = [attack("(a+)+", p, rate=r) for p, r in (("a", 0.9), ("aa", 0.8), ("aaa", 0.7))]
    other = attack("(b|bb)+", "b", rate=0.2)
    seen = attack("(c+)+d", "c", rate=0.1)
    poly = attack(r"\s*x\s*", " ", kind="polynomial")
    ordered = spread([*many, other, seen, poly], ran={("(c+)+d", 0)})
    assert ordered[0] is seen  # seen running: the trace proved the program hands it input
    assert ordered[1:3] == [many[0], other]  # every pattern's best before any pattern's second
    assert ordered[3:5] == [many[1], many[2]]
    assert ordered[-1] is poly  # exponential before polynomial


# ---- bytes in the trace


_LINE = re.compile(rb"^([A-Za-z-]+):[ \t]*((?:[!-~]+[ \t]?)*)$")


def bytes_compiled(s):
    data = s.encode("latin-1")
    for line in data.split(b"\r\n")[1:]:
        _LINE.match(line)


def bytes_literal(s):
    data = s.encode("latin-1")
    for line in data.split(b"\n"):
        re.fullmatch(rb"([a-z]+)=((?:[0-9]+,?)*)", line)


def bytes_array(s):
    buffer = bytearray(s.encode("latin-1"))
    for part in bytes(buffer).split(b";"):
        re.compile(rb"\s*(\w+)\s*").search(part)


@pytest.mark.parametrize(
    ("func", "text", "subject"),
    [
        (bytes_compiled, "GET / x\r\nHost: example\r\n", "Host: example"),
        (bytes_literal, "top\nkey=1,2,3\n", "key=1,2,3"),
        (bytes_array, "alpha ; beta", " beta"),
    ],
)
def test_trace_reads_bytes_patterns_and_subjects(func, text, subject):
    """A bytes pattern is keyed as the walk keys it (Latin-1, ``re.ASCII``) and a bytes subject is placed in
    the input text."""
    seen = trace(func, [((text,), {})], text_of=lambda a, k: a[0])
    assert seen and all(t.flags & re.ASCII for t in seen)
    placed = [(lead, trail) for t in seen for lead, trail in t.splices]
    assert any(text[len(lead) : len(text) - len(trail)] == subject for lead, trail in placed)


# ---- enclosures proposed from the code


@pytest.mark.parametrize(
    ("gate", "fills", "lead"),
    [
        (r"(?:^|\n)[ ]{0,3}(:{3,})[ ]*([\w-]+)[ ]*(?:\|[ ]*(.*?)[ ]*)?(?:\n|$)", ["figure", "x y"], ":::figure|"),
        (r"^([A-Za-z-]+):[ \t]*(.*?)[ \t]*$", ["Accept-Language", "no such"], "Accept-Language:"),
        (r"\[(\w+)=([^\]]*)\]", ["size", "?"], "[size="),
    ],
)
def test_gate_enclosures_put_the_attack_in_a_capture_group(gate, fills, lead):
    """The attack goes where another regex captures it, that regex's other groups filled with the code's own
    constants when they match them; ``re`` confirms the group captures exactly the attack string."""
    strings = ["123.4!", "123.4.4!"]
    pairs = gate_enclosures(gate, 0, strings, fills)
    assert pairs and pairs[0][0] == lead
    for before, after in pairs:
        for s in strings:
            found = re.search(gate, before + s + after)
            assert found is not None and s in found.groups()


def test_no_gate_without_a_group_that_holds_the_attack():
    assert gate_enclosures(r"^(\d+)-(\d+)$", 0, ["ab!", "abab!"], ["7"]) == []


def test_separator_enclosures_lead_with_a_part_and_end_with_the_terminator():
    pairs = separator_enclosures(["\r\n", "\r\n\r\n", "name", "--", ", "], starts=["#"])
    assert ("a\r\n", "\r\n\r\n") in pairs and ("#a--", "") in pairs
    assert all(not any(c.isalnum() for c in lead.replace("a", "") + trail) for lead, trail in pairs)  # no words
    assert pairs[0] == ("a\r\n", "\r\n\r\n")  # the longest terminator, after a part cut by a piece of it
    assert ("a\r\n", "\r\n") not in pairs  # cut where it ends: the attack would sit after the end


# three small programs whose vulnerable regex only sees part of the input


_FIELD = re.compile(r"^([A-Za-z-]+):[ \t]*((?:[!-~]+[ \t]?)*)$")


def request_head(s):
    """A protocol head: the regex sees each header line, only once the blank line ends the head."""
    head, sep, _ = s.partition("\n\n")
    if not sep:
        return None
    return all(_FIELD.match(line) for line in head.split("\n")[1:])


_BLOCK = re.compile(r"^::: *(\w+) *\| *(.*?) *$", re.M)
_NUMBER = re.compile(r"^([1-9][0-9]*(?:.[1-9][0-9]*)*)(?= |$)")


def directive(s):
    """A markup directive: the regex sees the argument of a ``::: figure | ...`` line of a known kind."""
    out = []
    for block in _BLOCK.finditer(s):
        if block.group(1) in ("figure", "table"):
            out.append(_NUMBER.match(block.group(2)))
    return out


_PAIR = re.compile(rb"^([a-z]+)=((?:[0-9]+,?)*)$")


def record(s):
    """A binary record: encoded, cut at ``;`` after a ``#`` header, each field matched as bytes."""
    data = s.encode("latin-1")
    if not data.startswith(b"#") or b";" not in data:
        return None
    return [_PAIR.match(field) for field in data.split(b";")[1:]]


@pytest.mark.parametrize(
    ("func", "pattern"),
    [
        (request_head, _FIELD.pattern),
        (directive, _NUMBER.pattern),
        (record, _PAIR.pattern.decode("latin-1")),
    ],
)
def test_a_traced_probe_confirms_where_the_attack_reaches_the_regex(func, pattern):
    """Attacks on the vulnerable regex fail bare (the code cuts the input first); among the enclosures proposed
    from the code, a one-call trace confirms one, and the attack wrapped in it is seen reaching the regex."""
    attacks = regex_attacks(func, max_len=200, check=False)
    mine = [a for a in attacks if a.pattern == pattern and a.kind == "exponential"]
    assert mine and mine[0].probes
    key = (mine[0].pattern, mine[0].flags & ~re.UNICODE)
    probe = prober(func, lambda text: ((text,), {}))
    bare = probe(mine[0].string(3))
    assert not any((t.pattern, t.flags) == key for t in bare)  # bare, the program never hands it over
    ordered = traced_attacks(attacks, [], deadline=0.0, probe=probe, probe_budget=60.0)
    first = next(a for a in ordered if a.pattern == pattern)
    assert ordered.index(first) == 0  # confirmed reachable: first in line
    lead, trail = first.enclosures[0]
    text = lead + first.string(4) + trail
    seen = [t for t in probe(text) if (t.pattern, t.flags) == key]
    core = first.prefix + first.pump * 4
    assert seen  # the regex runs; where the trace can place its subject, the attack is inside it
    assert not seen[0].splices or any(core in text[len(a) : len(text) - len(b)] for a, b in seen[0].splices)


def test_reaching_shares_a_pattern_confirmation_with_its_other_attacks():
    attacks = [a for a in regex_attacks(request_head, max_len=200, check=False) if a.pattern == _FIELD.pattern]
    assert len(attacks) >= 2
    probe = prober(request_head, lambda text: ((text,), {}))
    calls = []

    def counting(text):
        calls.append(text)
        return probe(text)

    out, confirmed = reaching(attacks, counting, deadline=float("inf"))
    assert confirmed == {(_FIELD.pattern, _FIELD.flags & ~re.UNICODE)}
    assert all(a.enclosures[0] == out[0].enclosures[0] for a in out)
    assert len(calls) <= 20  # one attack probed for the pattern


# ---- rule strings kept in class attributes


class Inline:
    EMPHASIS = r"(\*{1,2})(?=[^\s*])((?:\\[\\*]|[^*])*(?:\\[\\*]|[^\s*]))\1"
    TITLE = "Inline rules"  # plain text: not a regex
    WORD = r"[a-z]+"  # a regex, but a single repeated class: no group to backtrack into

    def __init__(self):
        self.rules = ["emphasis", "word"]

    def scan(self, s):
        lexicon = [(getattr(self, name.upper()), name) for name in self.rules]
        return re.Scanner(lexicon).scan(s)


class Lexer:
    STRING = r'"(?:[^"\\]|\\.|\\\\)*"'

    def tokens(self, s):
        return [re.compile(getattr(type(self), n)).match(s) for n in ("STRING",)]


class Dialect(Lexer):
    NUMBER = r"(?:\d+_?)+\.\d"


def render_inline(s):
    return Inline().scan(s)


def lex(s):
    return Lexer().tokens(s)


def lex_dialect(s):
    return Dialect().tokens(s)


@pytest.mark.parametrize(
    ("func", "attribute"),
    [(render_inline, "EMPHASIS"), (lex, "STRING"), (lex_dialect, "NUMBER")],
)
def test_upper_case_rule_strings_of_reached_classes_are_analysed(func, attribute):
    found = reach(func)
    where = {r.where.rpartition(".")[2]: r for r in found.regexes}
    assert attribute in where and not where[attribute].direct
    assert analyse(where[attribute].pattern, 0, search=True)  # and the analysis finds the blow-up in it
    assert "TITLE" not in where and "WORD" not in where


# ---- repeats inside lookaheads


@pytest.mark.parametrize(
    ("pattern", "blows_up"),
    [
        (r"^[ ]{0,3}(?=(?P<run>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}))(?P=run)[ ]*$", False),  # the atomic-group idiom
        (r"(?=(?P<a>(\d+,?)+))(?P=a);", False),  # the same idiom, another spelling
        (r"(?=(a+)+b)a", True),  # the body itself fails without a b: it backtracks inside the lookahead
        (r"^(?=(\w+\s?)+$)x", True),  # the body fails at any character that is not a word or space
    ],
)
def test_a_lookahead_that_already_matched_is_never_backtracked_into(pattern, blows_up):
    """``re``'s lookarounds are atomic: a repeat inside one costs exponentially only when the lookahead's own body
    fails; once it matched (an end anchor aside, whatever follows), no exponential attack is reported."""
    exponential = [a for a in analyse(pattern, 0, search=True) if a.kind == "exponential"]
    assert bool(exponential) == blows_up
