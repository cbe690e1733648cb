"""The API the fuzz search calls: attacks on the target's regexes, seeds sized to the bound, dictionary, validation."""

from __future__ import annotations

import contextlib
import time

import pytest
from perfkit.fuzzers._regex_redos import Attack
from perfkit.fuzzers._regex_seeds import regex_attacks, regex_dictionary, regex_seeds, validate

from perfkit.errors import InvalidArgument
from tests.fixtures import regex_targets as t


def test_attacks_on_an_unannotated_target_best_first() -> None:
    attacks = regex_attacks(t.check_url, max_len=64, check=False)
    assert attacks and attacks[0].kind == "exponential" and attacks[0].prefix == "http://"
    assert attacks[0].where == "tests.fixtures.regex_pkg.urls.is_url"


def test_safe_target_gives_no_attack() -> None:
    assert regex_attacks(t.safe, max_len=64, check=False) == []
    assert regex_seeds(t.safe, max_len=64) == []


def test_checked_attacks_are_verified() -> None:
    attacks = regex_attacks(t.check_email, max_len=64, time_budget=5.0)
    assert attacks[0].verified is True


def test_seeds_fit_the_bound_with_the_most_pumps() -> None:
    seeds = regex_seeds(t.strip_trailing, max_len=50)
    assert seeds and all(len(s) <= 50 for s in seeds)
    assert seeds[0] == " " * 49 + "!"


def test_seeds_for_every_spelling() -> None:
    for func in (t.check_email, t.words, t.parse_header, t.check_url, t.pairs, t.parse_auth, t.lex, t.joined):
        seeds = regex_seeds(func, max_len=40, attacks=regex_attacks(func, max_len=40, check=False))
        assert seeds, func.__name__


def test_dictionary_has_constants_and_regex_literals() -> None:
    entries = regex_dictionary(t.parse_auth)
    assert "Basic " in entries
    assert "@example.com" in regex_dictionary(t.check_email)


def test_validate_tries_the_code_s_leading_strings() -> None:
    # a deterministic stand-in for the real target: it rejects what does not start with "Basic " at once,
    # and otherwise costs 2**pumps, as the exponential regex behind it would
    def measure(s: str) -> float:
        if not s.startswith("Basic "):
            return 1e-6
        return 1e-6 * 2.0 ** s.count("a")

    (attack, *_) = regex_attacks(t.parse_auth, max_len=64, check=False)
    assert "Basic " in attack.contexts
    kept = validate([attack], measure, max_len=64, budget=5.0)
    assert kept and kept[0][0].startswith("Basic ") and kept[0][1] > 1.0


def test_validate_drops_attacks_whose_cost_does_not_grow() -> None:
    attack = Attack("x", "", "a", "!", "polynomial", 2, contexts=("Basic ",))
    assert validate([attack], lambda s: 1e-6 * len(s), max_len=100, budget=5.0) == []


def test_validate_on_the_real_target() -> None:
    def measure(s: str) -> float:
        t0 = time.perf_counter()
        with contextlib.suppress(ValueError):
            t.parse_auth(s)
        return time.perf_counter() - t0

    attacks = regex_attacks(t.parse_auth, max_len=30, check=False)
    kept = validate(attacks, measure, max_len=30, budget=10.0)
    assert kept and kept[0][0].startswith("Basic ")


def test_arguments_are_checked() -> None:
    with pytest.raises(InvalidArgument, match="max_len"):
        regex_seeds(t.safe, max_len=0)
    with pytest.raises(InvalidArgument, match="budget"):
        validate([], lambda s: 0.0, max_len=10, budget=0)


def test_validate_screens_polynomial_attacks_costliest_first() -> None:
    """Three quadratic attacks of one degree; the program lets only the '.' run cost (a deterministic cost
    model, no timing): with a budget for about one climb, the screen must pick '.' first."""
    from perfkit.fuzzers._regex_seeds import _screened

    attacks = [Attack(r"\S*[.!?]x", "", p, "", "polynomial", 2, search=True) for p in ("a", ":", ".")]
    calls: list[str] = []

    def cost(text: str) -> float:
        calls.append(text)
        return (text.count(".") / 100) ** 2 + len(text) * 1e-6

    order = _screened(attacks, cost, max_len=4000, deadline=time.monotonic() + 60)
    assert [a.pump for a in order] == [".", "a", ":"]
    assert len(calls) == 3  # one measurement per attack
    exponential = Attack(r"(a+)+$", "", "a", "!", "exponential", 0)
    assert _screened([*attacks, exponential], cost, max_len=4000, deadline=time.monotonic() + 60)[0] is exponential
    kept = validate(attacks, cost, max_len=4000, budget=60, enough=50.0)
    assert kept and kept[0][0].startswith("....")
