"""Tracing the regexes a target runs: patterns built at run time, and where an attack string must go so that the
code before the regex hands it over (behind a ``split``, a ``startswith`` check, inside a lexer's comment token)."""

from __future__ import annotations

import re
import time

from perfkit.fuzzers._regex_redos import Attack
from perfkit.fuzzers._regex_seeds import _forms, traced_attacks
from perfkit.fuzzers._regex_trace import Traced, trace

from tests.fixtures import regex_runtime as r


def traced(func: object, *texts: str) -> dict[str, Traced]:
    found = trace(func, [((s,), {}) for s in texts], text_of=lambda a, k: a[0])  # type: ignore[arg-type]
    return {t.pattern: t for t in found}


def subject_of(func: object, pattern: str, text: str) -> tuple[str, str] | None:
    """The (lead, trail) around the longest subject ``pattern`` was run on, for input ``text``."""
    got = traced(func, text).get(pattern)
    return got.splices[0] if got is not None and got.splices else None


def test_pattern_compiled_on_first_use_from_properties_is_seen() -> None:
    found = traced(r.sentences, "Hello there. Mr. Smith went! ok")
    (pattern,) = [p for p in found if p.startswith(r"\S*")]
    assert found[pattern].search and found[pattern].flags & re.VERBOSE
    assert found[pattern].splices == []  # run on the whole input: an attack goes in bare


def test_subject_behind_a_split_and_behind_startswith() -> None:
    assert traced(r.challenge, "Digest realm=x, nonce=y")[r.PARAM.pattern].splices[0] == ("Digest ", "")
    got = traced(r.version_line, "Version: 1.2.3")[r"^(\d+\.?)+$"]
    assert not got.search and got.splices == [("Version: ", "")]
    assert traced(r.version_line, "1.2.3") == {}  # the check before the regex stops other inputs


def test_subject_inside_a_lexer_token_goes_between_its_delimiters() -> None:
    got = traced(r.strip_comments, "select a /* note\n */ from b")[r"((\r\n|\r|\n)+) *$"]
    assert ("select a /*", "*/ from b") in got.splices


def test_traced_attacks_embed_the_attack_where_the_program_hands_it_over() -> None:
    """An enclosed attack form, run through the target, reaches the vulnerable regex with the attack's pumps in
    its subject (checked by tracing again: deterministic, no timing); the bare attack does not."""
    cases = [
        (r.challenge, "Digest realm=x, nonce=y", r.PARAM.pattern),
        (r.version_line, "Version: 1.2.3", r"^(\d+\.?)+$"),
        (r.strip_comments, "select a /* note\n */ from b", r"((\r\n|\r|\n)+) *$"),
    ]
    for func, example, pattern in cases:
        seen = trace(func, [((example,), {})], text_of=lambda a, k: a[0])
        attacks = traced_attacks([], seen, deadline=time.monotonic() + 30)
        mine = [a for a in attacks if a.pattern == pattern and a.enclosures]
        assert mine, (func, [a.pattern for a in attacks])
        reached = 0
        for attack in mine:
            for lead, trail in attack.enclosures:
                for form in _forms(attack):
                    if form.prefix == lead + attack.prefix and form.suffix.endswith(trail):
                        text = form.string(4)
                        got = traced(func, text).get(pattern)
                        subjects = [text[len(a) : len(text) - len(b)] for a, b in got.splices] if got else []
                        reached += any(attack.pump * 4 in x for x in subjects)
        assert reached, func
        bare = traced(func, mine[0].string(4)).get(pattern)
        assert bare is None or not any(mine[0].pump * 4 in mine[0].string(4)[len(a) :] for a, _ in bare.splices)


def test_forms_put_enclosures_before_contexts() -> None:
    attack = Attack("(a+)+$", "", "a", "!", "exponential", 0, suffixes=("", "?"), contexts=("X",))
    attack = Attack(**{**attack.__dict__, "enclosures": (("k=", ";"),)})
    strings = [f.string(2) for f in _forms(attack)]
    assert strings.index("k=aa!;") < strings.index("Xaa!")


def test_trace_starts_no_call_past_its_budget() -> None:
    calls = [(("Version: 1.2.3",), {})] * 3
    assert trace(r.version_line, calls, text_of=lambda a, k: a[0], budget=0.0) == []
    assert trace(r.version_line, calls, text_of=lambda a, k: a[0], budget=5.0)[0].calls == 3


def test_static_enclosures_from_the_lexer_s_token_rules() -> None:
    """Without any input that holds a comment, the lexer's own comment rule gives the enclosure: the attack
    inside '/* */' (behind a leading word from the code) reaches the regex that runs on comment tokens."""
    from perfkit.fuzzers._regex_seeds import regex_attacks

    from tests.fixtures import regex_deep as d

    pattern = r"((\r\n|\r|\n)+) *$"
    attacks = [a for a in regex_attacks(d.format_sql, max_len=60, check=False) if a.pattern == pattern]
    assert attacks and all(("/*", "*/") in a.enclosures for a in attacks)
    attack = attacks[0]
    reached = []
    for form in _forms(attack):
        text = form.string(4)
        got = traced(d.format_sql, text).get(pattern)
        subjects = [text[len(a) : len(text) - len(b)] for a, b in got.splices] if got else []
        reached.append(any(attack.pump * 4 in x for x in subjects))
    assert any(reached) and not reached[0]  # some form gets there; the bare attack does not


def test_bytes_checks_give_leading_strings_for_a_str_target() -> None:
    from perfkit.fuzzers._regex_find import reach
    from perfkit.fuzzers._regex_seeds import regex_attacks

    assert ";" in reach(r.options).guards  # b";" in value, value.split(b";", 1): decoded as Latin-1
    attacks = regex_attacks(r.options, max_len=40, check=False)
    assert attacks and ";" in attacks[0].contexts[:2]


def test_trace_stops_early_on_a_target_that_runs_no_regex() -> None:
    seen: list[str] = []

    def plain(s: str) -> str:
        seen.append(s)
        return s.replace("()", "")

    assert trace(plain, [((str(i),), {}) for i in range(6)], text_of=lambda a, k: a[0]) == []
    assert seen == ["0", "1"]
