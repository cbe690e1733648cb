"""Program-level reach of the pattern search (issue 15): the two ends the code tests its input for (a quoted
value whose loop only runs between both quotes), a large rule table whose dangerous pattern sits far down, and an
attribute value of markup that the caller's allow-list lets through."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from perfkit.fuzzers._pump import PumpSearch, enclosed
from perfkit.fuzzers._regex_find import reach
from perfkit.fuzzers._regex_redos import risk
from perfkit.fuzzers._regex_seeds import regex_attacks, validate

from tests._fuzz_support import session_for

_ESCAPE = re.compile(r"\\.")
_HEX = re.compile(r"\\x[0-9a-f][0-9a-f]")


def unquote(s):  # unannotated, like the library code it stands for
    """A quoted value's escapes undone; each step searches the rest for a hex escape (quadratic without one)."""
    if len(s) < 2 or s[0] != "'" or s[-1] != "'":
        return s
    s = s[1:-1]
    i, out = 0, []
    while i < len(s):
        hexed = _HEX.search(s, i)
        escaped = _ESCAPE.search(s, i)
        if not escaped:
            out.append(s[i:])
            break
        if hexed is not None and hexed.start() == escaped.start():
            out.append(chr(int(s[hexed.start() + 2 : hexed.end()], 16)))
            i = hexed.end()
            continue
        out.append(s[i : escaped.start()])
        out.append(s[escaped.start() + 1])
        i = escaped.end()
    return "".join(out)


RESERVED = ("expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite")


def cookie_value(header: str) -> str:
    """One ``name=value`` pair of a cookie header (reserved names dropped, as a cookie parser does)."""
    name, _, value = header.partition("=")
    if name.strip().lower() in RESERVED or name.strip().startswith("$"):
        return ""
    return unquote(value.strip()) if "=" in header else unquote(name.strip())


def bracketed(text):
    if text.startswith("(") and text.endswith(")"):
        return text[1:-1].split(",")
    return None


def commented(text):
    if text[:2] == "/*" and text[-2:] == "*/":
        return text[2:-2]
    return text


def test_the_two_ends_a_function_tests_are_read_in_three_spellings() -> None:
    assert ("'", "'") in reach(unquote).ends  # s[0] != "'" or s[-1] != "'"
    assert ("(", ")") in reach(bracketed).ends  # startswith / endswith
    assert ("/*", "*/") in reach(commented).ends  # s[:2] == ... and s[-2:] == ...
    assert ("'", "'") in reach(cookie_value).ends  # one call down


def test_enclosed_patterns_pump_the_dictionary_s_characters_punctuation_first() -> None:
    patterns = enclosed("s", "", [("'", "'")], ["\\x", "ab"])
    assert all(p.prefix == "'" and p.suffix == "'" for p in patterns)
    segments = [p.segment for p in patterns]
    assert segments.index("\\") < segments.index("x") and "a" in segments
    assert enclosed("s", b"", [("(", ")")], ["\\"])[0].prefix == b"("


def test_pumping_between_the_quotes_finds_the_quadratic_unquoting(tmp_path) -> None:
    """The loop only runs on a value quoted at both ends; the pattern search pumps the regex dictionary's
    backslash between the quotes the code tests for (no regex here backtracks: the cost is the repeated scan)."""
    session, _ = session_for(cookie_value, tmp_path, max_size=4000, budget=1.0, timeout=1.0)
    session.evaluate(("a=b",), {})
    PumpSearch(guided=True).run(session)
    best = session.corpus.best()
    assert best is not None
    (text,) = best.args
    value = text.partition("=")[2].strip() if "=" in text else text.strip()
    assert value[:1] == "'" and value[-1:] == "'" and value.count("\\") > len(value) // 3, text[:40]


def test_risk_ranks_patterns_before_the_analysis() -> None:
    assert risk(r"^(\w+\s?)+$")[0] == 1  # a repeat inside a repeat
    assert risk(r"\bX *\( *([^;]+) *; *([^;]+) *;") == (0, 7)
    assert risk(r"abc\d+") == (0, 1) and risk(r"a{2,3}b") == (0, 0) and risk("(") == (0, 0)


def test_a_dangerous_rule_far_down_a_large_table_is_analysed() -> None:
    """Three hundred harmless rules before one cubic one: the analysis cap (and a short time budget) would stop
    before it in table order; riskiest first, it is analysed."""
    rules = [re.compile(f"Device{i}/(\\d+)") for i in range(300)] + [re.compile(r"\bWatch *\( *([^;]+) *; *;")]

    def device(ua):
        for rule in rules:
            if rule.search(ua):
                return rule.pattern
        return None

    attacks = regex_attacks(device, max_len=200, check=False, time_budget=3.0)
    assert any("Watch" in a.pattern and a.pump == " " for a in attacks)


def test_the_regex_sources_hand_the_enclosed_patterns_to_the_search(tmp_path) -> None:
    session, _ = session_for(cookie_value, tmp_path, max_size=400, budget=2.0, timeout=1.0)
    session.evaluate(("a=b",), {})
    bound = session.bind(("a=b",), {})
    assert bound is not None
    got = PumpSearch(guided=True).regex_sources(session, bound, ["header"])
    assert got is not None
    quoted = [(p.prefix, p.segment, p.suffix) for p in got[1] if p.origin == "enclosed"]
    assert ("'", "\\", "'") in quoted[:4]  # the regex dictionary's backslash, among the first pumped


CSS = re.compile(r"^([-:,.\s\w]|\w-\w)*$")  # exponential on 'a-' * k + '@'


class _Collect(HTMLParser):
    def __init__(self, allowed):
        super().__init__()
        self.allowed, self.out = allowed, []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in self.allowed and value is not None:
                self.out.append(check_css(value))


def check_css(value):
    return bool(CSS.match(value))


def sanitize_html(text, allowed):  # the standard library's HTML tokenizer
    parser = _Collect(allowed)
    parser.feed(text)
    return parser.out


TAG = re.compile(r'<(\w+)((?:\s+\w+="[^"]*")*)\s*>')
ATTR = re.compile(r'(\w+)="([^"]*)"')


def sanitize_regex(text, allowed):  # a tokenizer of its own
    if "<" not in text or "=" not in text:
        return []
    return [check_css(v) for t in TAG.finditer(text) for k, v in ATTR.findall(t.group(2)) if (t.group(1), k) in allowed]


def sanitize_xml(text, allowed):  # ElementTree
    if not text.startswith("<"):
        return []
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return []
    return [check_css(v) for k, v in root.attrib.items() if (root.tag, k) in allowed]


def by_parser(s):
    return sanitize_html(s, {("b", "title")})


def by_regex(s):
    return sanitize_regex(s, {("b", "title")})


def by_xml(s):
    return sanitize_xml(s, {("b", "title")})


@pytest.mark.parametrize("target", [by_parser, by_regex, by_xml])
def test_an_attack_inside_an_attribute_value_the_caller_allows(target) -> None:
    """The regex only sees the value of an attribute the caller lets through (a sanitizer's allow-list): the
    attack goes inside ``<b title="...">``, named by the caller's own constants, and is validated through the
    real target (an exponential regex: its growth is far above timing noise)."""

    def measure(text: str) -> float:
        start = time.process_time()
        target(text)
        return time.process_time() - start

    attacks = [a for a in regex_attacks(target, max_len=70, check=False) if a.pattern == CSS.pattern]
    assert attacks and ('<b title="', '">b</b>') in attacks[0].enclosures
    kept = validate(attacks[:3], measure, max_len=70, budget=20.0, enough=0.02)
    assert kept and kept[0][0].startswith('<b title="')  # kept: its cost grew faster than its length


# a property table keyed by code points (the joining type of each letter), as Unicode-handling code keeps one
JOINING = {0x622: "R", 0x628: "D", 0x62A: "D", 0x640: "C", 0x64B: "T", 0x6C0: "R", 0xA872: "L"}


def joiner_ok(label, pos):
    """Like IDNA's CONTEXTJ rule: a joiner needs a joining letter before it and after it (each scan runs to the
    label's end when there is none: quadratic over a label of joiners)."""
    before = any(JOINING.get(ord(label[i])) in ("L", "D") for i in range(pos - 1, -1, -1))
    after = any(JOINING.get(ord(label[i])) in ("R", "D") for i in range(pos + 1, len(label)))
    return before and after


def check_label(label):
    for pos, char in enumerate(label):
        cp = ord(char)
        if cp == 0x200C and not joiner_ok(label, pos):
            raise ValueError("joiner out of context")
        if ord(char) in (0x5F3, 0x5F4) and pos == 0:
            raise ValueError("geresh first")
    return label


def encode(domain: str) -> str:
    return ".".join(check_label(part) for part in domain.split("."))


def test_code_points_the_code_compares_and_one_letter_per_table_class() -> None:
    found = reach(encode)
    assert {"\u200c", "\u05f3", "\u05f4"} <= set(found.code_points)  # cp == 0x200C, ord(c) in (0x5F3, 0x5F4)
    assert set(found.classes) == {"\u0622", "\u0628", "\u0640", "\u064b", "\ua872"}  # first key of each class


def test_a_joiner_between_two_letters_of_one_class(tmp_path) -> None:
    """The joiner pumped between two copies of a class's letter (a dual-joining letter stands on either side):
    among the first enclosed patterns the search tries, and reached end to end."""
    session, _ = session_for(encode, tmp_path, max_size=600, budget=3.0, timeout=1.0)
    session.evaluate(("ab.c",), {})
    bound = session.bind(("ab.c",), {})
    assert bound is not None
    got = PumpSearch(guided=True).regex_sources(session, bound, ["domain"])
    assert got is not None
    enclosed_first = [(p.prefix, p.segment, p.suffix) for p in got[1] if p.origin == "enclosed"][:8]
    assert ("\u0628", "\u200c", "\u0628") in enclosed_first


def test_the_best_scored_pattern_is_measured_at_the_bound_when_time_ran_out(tmp_path) -> None:
    """A pattern scored at N/8 and N/4 only (the phase ended before its promotion) is measured at N once."""
    import random

    from perfkit.fuzzers._patterns import Pattern
    from perfkit.fuzzers._pump import Pumping

    session, _ = session_for(encode, tmp_path, max_size=400, budget=0.0, timeout=1.0)
    bound = {"domain": "ab"}
    pumping = Pumping(session, bound, ["domain"], [], random.Random(0))
    best, other = Pattern("domain", "\u0628", "\u200c", "\u0628"), Pattern("domain", "", "a", "")
    pumping.scored[best.key()] = (5.0, best, [(50, 10.0), (100, 40.0)])
    pumping.scored[other.key()] = (1.0, other, [(50, 10.0), (100, 20.0)])
    pumping.finish()
    assert [len(f.args[0]) for f in session.corpus] == [400]
    assert next(iter(session.corpus)).args[0] == best.render(400)
    measured = Pumping(session, bound, ["domain"], [], random.Random(0))
    measured.scored[best.key()] = (5.0, best, [(100, 40.0), (400, 700.0)])
    before = session.counts["evaluations"]
    measured.finish()
    assert session.counts["evaluations"] == before  # already measured at the bound: nothing more
