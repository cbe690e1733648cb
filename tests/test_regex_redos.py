"""The static ReDoS analysis: which patterns give attacks, their shape, and that the attacks really blow up."""

from __future__ import annotations

import re
import time

import pytest
from perfkit.fuzzers._regex_redos import Attack, analyse, growth, literal_runs, timings, verify, ways

from perfkit.errors import InvalidArgument

# Safe under re.match: no two parts can share a run of the same characters, nor a repeat's body parse one string twice.
SAFE = [
    r"^[a-z]+$",
    r"\d+-\d+",
    r"(ab|cd)*",
    r"^\d+$",
    r"^[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z]{2,}$",
    r'^"([^"\\]|\\.)*"$',
    r"^(a++)+$",
    r"^(?>a+)+b$",
    r"^\s*#",
    r"^(\d+)\s*,\s*(\d+)$",
    r"^(a+)\1$",
    r"^[A-Za-z_][A-Za-z0-9_]*$",
]

# Published vulnerable patterns (OWASP's ReDoS page, CPython advisories), with the kind of blow-up they have.
PUBLISHED = [
    (r"^(a+)+$", 0, "exponential"),  # OWASP "evil regex"
    (r"^([a-zA-Z]+)*$", 0, "exponential"),  # OWASP
    (r"^(a|aa)+$", 0, "exponential"),  # OWASP
    (r"^(a|a?)+$", 0, "exponential"),  # OWASP
    (r"^(\w+\s?)*$", 0, "exponential"),  # OWASP
    (r"^(([a-z])+.)+[A-Z]([a-z])+$", 0, "exponential"),  # OWASP: Java class name validation
    (
        r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
        0,
        "exponential",
    ),  # OWASP: e-mail validation
    (r"(?:.*,)*[ \t]*([^ \t]+)[ \t]+realm=(['\"]?)([^'\"]*)\2", re.I, "exponential"),  # CVE-2020-8492 urllib
    (r"\s*#?\s*$", 0, "polynomial"),  # bpo-32981 difflib IS_LINE_JUNK (CVE-2018-1061)
]


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_give_no_attack(pattern: str) -> None:
    assert analyse(pattern) == []


@pytest.mark.parametrize(("pattern", "flags", "kind"), PUBLISHED)
def test_published_vulnerable_patterns_give_an_attack_of_their_kind(pattern: str, flags: int, kind: str) -> None:
    attacks = analyse(pattern, flags)
    assert attacks, pattern
    best = attacks[0]
    assert best.kind == kind
    rx = re.compile(pattern, flags)
    # the attack string must make the whole match fail, or the engine would stop at the first success
    assert rx.match(best.string(4)) is None and rx.match(best.string(5)) is None


def test_exponential_attack_shape() -> None:
    (attack, *_) = analyse(r"^(a+)+$")
    assert (attack.prefix, attack.pump, attack.kind) == ("", "a", "exponential")
    assert attack.suffix and attack.suffix not in "a"
    assert attack.string(3) == "aaa" + attack.suffix
    assert attack.fit(10) is not None and len(attack.fit(10) or "") == 10
    assert attack.fit(1) is None


def test_prefix_reaches_the_vulnerable_part_and_respects_case() -> None:
    (attack, *_) = analyse(r"^https?://(?:[a-z0-9]+-?)+\.com$", re.I)
    assert attack.prefix == "http://" and attack.kind == "exponential"
    assert re.match(r"^https?://", attack.string(4), re.I)


def test_ignorecase_makes_alternatives_overlap() -> None:
    assert [a.kind for a in analyse(r"(ab|AB)*c$", re.I)][:1] == ["exponential"]
    assert analyse(r"(ab|AB)*c$") == []


def test_multiline_suffix_still_fails() -> None:
    for flags in (0, re.M):
        (attack, *_) = analyse(r"^(\w+\s?)*$", flags)
        assert re.match(r"^(\w+\s?)*$", attack.string(6), flags) is None


def test_adjacent_quantifiers_give_polynomial_degree() -> None:
    assert [(a.kind, a.degree) for a in analyse(r"^\d+\.?\d+x")][:1] == [("polynomial", 2)]
    assert [(a.kind, a.degree) for a in analyse(r"(\d+)(\d+)(\d+)x")][:1] == [("polynomial", 3)]
    assert [(a.kind, a.degree) for a in analyse(r"^\s*=?\s*=?\s*$")][:1] == [("polynomial", 3)]


def test_search_adds_a_degree_for_an_unanchored_run() -> None:
    assert analyse(r"\d+-\d+") == []
    (attack, *_) = analyse(r"\d+-\d+", search=True)
    assert (attack.kind, attack.degree, attack.prefix, attack.pump) == ("polynomial", 2, "", "0")
    assert re.search(r"\d+-\d+", attack.string(10)) is None
    assert analyse(r"^\d+-\d+", search=True) == []
    assert [a.degree for a in analyse(r"\s+$", search=True)][:1] == [2]


def test_bounded_repeat_gives_polynomial_of_its_bound() -> None:
    (attack, *_) = analyse(r"^(.*a){12}$")
    assert (attack.kind, attack.degree) == ("polynomial", 12)


def test_lookarounds_are_approximated_and_classes_handled() -> None:
    assert analyse(r"^(?=\w)(\w+\s?)+$")[0].kind == "exponential"
    assert analyse(r"^([^@\s]+\s?)+@")[0].kind == "exponential"
    assert analyse(r"^(\d+[.,]?)+$")[0].kind == "exponential"
    # the parser merges one-character alternatives into one set, as the engine runs them: nothing to backtrack
    assert analyse(r"^(\d|[0-9])+$") == []


def test_ways_counts_parses() -> None:
    plus = ("rep", 1, 1 << 30, ("seq", [("rep", 1, 1 << 30, ("seq", [("char", frozenset("a"))]), "greedy")]), "greedy")
    assert ways(plus, "a") == 1
    assert ways(plus, "aa") == 2
    assert ways(plus, "aaaa") == 8


def test_bad_pattern_argument() -> None:
    with pytest.raises(InvalidArgument, match="pattern"):
        analyse(b"(a+)+")  # type: ignore[arg-type]
    assert analyse("(unclosed") == []


def test_literal_runs() -> None:
    assert "Basic " in literal_runs(r"^Basic ([A-Za-z0-9+/]+=*)+$")
    assert "://" in literal_runs(r"https?://(\w+)")


def test_growth_is_the_log_log_slope() -> None:
    assert growth([(100, 0.001), (200, 0.004)]) == pytest.approx(2.0)
    assert growth([(100, 0.001), (200, 0.002)]) == pytest.approx(1.0)
    assert growth([(100, 1e-6), (200, 2e-6)]) == 0.0  # below the measurable floor


def test_exponential_attack_time_explodes_with_k() -> None:
    (attack, *_) = analyse(r"^(a+)+$")
    rx = re.compile(attack.pattern)

    def best(k: int) -> float:
        out = []
        for _ in range(3):
            t0 = time.perf_counter()
            rx.match(attack.string(k))
            out.append(time.perf_counter() - t0)
        return min(out)

    # 2**12 times more backtracking; a factor of 50 is far outside timing noise
    assert best(20) > 50 * best(8)


def test_verify_times_in_a_child_and_marks_growth() -> None:
    (attack, *_) = analyse(r"^(\w+\s?)*$")
    checked = verify(attack, timeout=2.0)
    assert checked.verified is True and checked.growth > 1.5


def test_a_hanging_match_is_killed() -> None:
    hang = Attack(r"^(a+)+$", "a" * 40, "a", "!", "exponential", 0)
    t0 = time.monotonic()
    assert timings(hang, timeout=0.3) == []
    assert time.monotonic() - t0 < 10


def test_groups_are_spliced_into_the_sequence() -> None:
    # bpo-32981 poplib: .* then a group starting with the same character as its own repeat
    (attack, *_) = analyse(r"\+OK.*(<[^>]+>)", search=True)
    assert (attack.prefix, attack.pump, attack.kind) == ("+OK", "<", "polynomial")
    assert re.search(attack.pattern, attack.string(10)) is None


def test_search_restarts_only_where_the_pattern_can_start() -> None:
    # an alternation that matches at the start: the attack leads with a character that defeats it
    (attack, *_) = analyse(r"^\s+|\s+$", search=True)
    assert attack.degree == 2 and attack.prefix and attack.prefix[-1] != " "
    assert re.search(attack.pattern, attack.string(10)) is None
    # (?:^|,) cannot match inside a run of letters: no restart cost, nothing super-linear left
    assert analyse(r"(?:^|,)[ \t]*([^ \t,]+)[ \t]+realm=", re.I, search=True) == []
    # ^ under MULTILINE only restarts after a newline
    assert analyse(r"(^[ \t]*)(?:[^ \t\n])", re.M, search=True) == []


@pytest.mark.parametrize(
    ("pattern", "kind", "degree"),
    [
        (r"<[^>]*?>", "polynomial", 2),  # the search restarts at every '<' the prefix consumes
        (r"<!--[\d\D]*?-->", "polynomial", 2),  # ... at every copy of a literal lead
        (r"\w*$", "polynomial", 2),  # the match found at the end comes after quadratic work
        (r"(?=[-_a-zA-Z0-9]*?[A-Z])[-_a-zA-Z0-9]{6,}", "polynomial", 2),  # a lookahead's body scans
        (r"^[a-z\.]*\s?([a-z\-']+\s)+[a-z\-']+$", "polynomial", 2),  # the group after the run scans it again
        (r"^([a-z]+?\.[a-z]+)+\%$", "exponential", 0),  # two iterations split one string two ways
        (r"(AUX|PRN|NUL)+\s*$", "polynomial", 2),  # a pump taken from the repeat's body
    ],
)
def test_regexlib_shapes(pattern: str, kind: str, degree: int) -> None:
    # shapes from regexlib entries of the ReDoS-Benchmarks tuning half (never the held-out sample)
    (attack, *_) = analyse(pattern, search=True)
    assert (attack.kind, attack.degree) == (kind, degree)
    found = re.search(pattern, attack.string(8))
    assert found is None or found.start() >= len(attack.prefix) + 8 * len(attack.pump)


def test_lookbehind_and_lookahead_do_not_block_the_prefix() -> None:
    (attack, *_) = analyse(r"<(?![!/]?[ABIU][>\s])[^>]*>", search=True)
    assert attack.degree == 2 and attack.pump == "<"


def test_a_suffix_check_that_hangs_is_cut_off_and_kept() -> None:
    from perfkit.fuzzers._regex_redos import _suffixes_bounded

    hang = Attack(r"^(a+)+$", "", "a" * 12, "", "exponential", 0)  # 36 pumped characters: 2**36 paths on failure
    t0 = time.monotonic()
    (checked,) = _suffixes_bounded([(hang, False)], per_check=0.3)
    assert checked is not None and checked.suffix == "!"  # kept with the suffix that hung: it blows up already
    assert time.monotonic() - t0 < 10


def test_class_mates_are_treated_alike_by_every_set_non_ascii_first() -> None:
    from perfkit.fuzzers._regex_redos import class_mates

    mates = class_mates(r"^\s*([^ \t\r\n=]+)\s*=", 0, "\x0b")  # vertical tab: a space to \s, a name char too
    assert mates and not mates[0].isascii() and "\xa0" in class_mates(r"^\s*([^ \t\r\n=]+)\s*=", 0, "\x0b", limit=9)
    assert " " not in class_mates(r"^\s*([^ \t\r\n=]+)\s*=", 0, "\x0b", limit=99)  # a space is not a name char
    assert class_mates(r"^(\d+)+$", 0, "1")[0] == "\u0661"  # an Arabic-Indic digit matches \d too
    assert class_mates(r"^(\d+)+$", re.ASCII, "1", limit=99) == [c for c in "0123456789" if c != "1"]
    assert class_mates(r"(a+)+$", 0, "a") == [] and class_mates(r"(a+)+$", re.IGNORECASE, "a") == ["A"]
