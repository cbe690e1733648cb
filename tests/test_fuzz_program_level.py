"""Program-level reach of the pattern search (issue 15): the two ends the code tests its input for (a quoted
value whose loop only runs between both quotes), and a large rule table whose dangerous pattern sits far down."""

from __future__ import annotations

import re

from perfkit.fuzzers._pump import PumpSearch, enclosed
from perfkit.fuzzers._regex_find import reach
from perfkit.fuzzers._regex_redos import risk
from perfkit.fuzzers._regex_seeds import regex_attacks

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
