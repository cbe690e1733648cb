"""Finding the regexes a target reaches, on unannotated code spelled several ways."""

from __future__ import annotations

import re

from perfkit.fuzzers._regex_find import reach

from tests.fixtures import regex_targets as t


def patterns(func: object, **kw: int) -> dict[str, tuple[int, bool, bool]]:
    return {r.pattern: (r.flags, r.search, r.direct) for r in reach(func, **kw).regexes}  # type: ignore[arg-type]


def test_module_level_compiled_pattern_used_with_match() -> None:
    assert patterns(t.check_email)[t.EMAIL.pattern] == (0, False, True)


def test_inline_literal_in_re_sub_is_searched() -> None:
    assert patterns(t.strip_trailing)[r"\s+$"] == (0, True, True)


def test_pattern_built_by_concatenation_of_constants() -> None:
    assert r"^([a-z]+\s?)+$" in patterns(t.words)


def test_pattern_joined_from_a_local_list() -> None:
    assert r"(?:\d+\.?\d+)x" in patterns(t.joined)


def test_class_attribute_of_the_method_owner() -> None:
    assert patterns(t.parse_header)[r"^(\w+\s*)+:"] == (0, False, True)


def test_pattern_in_another_module_reached_through_calls() -> None:
    found = {r.pattern: r for r in reach(t.check_url).regexes}
    url = found[r"^https?://(?:[a-z0-9]+-?)+\.com$"]
    assert url.flags == re.IGNORECASE and url.direct and url.depth == 3 and not url.search
    assert url.where == "tests.fixtures.regex_pkg.urls.is_url"
    # with a shallower walk the module's pattern is still seen, as present in a reached module
    shallow = {r.pattern: r for r in reach(t.check_url, max_depth=1).regexes}
    assert not shallow[url.pattern].direct


def test_flags_keyword_and_alias_import() -> None:
    assert patterns(t.pairs)[r"(ab|AB)*c$"][0] == re.IGNORECASE
    assert patterns(t.pairs_case_sensitive)[r"(ab|AB)*c$"][0] == 0
    assert r"^([A-Za-z0-9+/]+=*)+$" in patterns(t.parse_auth)  # `from re import compile as _rx`


def test_lexer_token_table_strings_and_class_patterns() -> None:
    found = patterns(t.lex)
    assert r"(\w+\s?)+;" in found and r"^\d+(\.\d+)?$" in found


def test_constants_are_collected() -> None:
    assert "Basic " in reach(t.parse_auth).constants


def test_closure_and_method_targets() -> None:
    rx = re.compile(r"^(x+x+)+y$")

    def inner(s):  # type: ignore[no-untyped-def]
        return rx.match(s)

    assert rx.pattern in patterns(inner)
    assert r"^(\w+\s*)+:" in patterns(t.HeaderParser().parse)


def test_function_budget_is_respected() -> None:
    assert len(reach(t.check_url, max_functions=1).functions) == 1


def test_bytes_patterns_and_compile_then_match() -> None:
    rx = re.compile(rb"\+OK.*(<[^>]+>)")

    def timestamp(line):  # type: ignore[no-untyped-def]
        return rx.search(line)

    def chained(s):  # type: ignore[no-untyped-def]
        return re.compile(r"^(\w+\s?)*$", re.I).match(s)

    found = reach(timestamp).regexes
    assert [(r.pattern, r.flags & re.ASCII, r.search) for r in found] == [(r"\+OK.*(<[^>]+>)", re.ASCII, True)]
    (got,) = reach(chained).regexes
    assert (got.pattern, got.flags, got.search) == (r"^(\w+\s?)*$", re.I, False)


def test_string_class_attribute_read_through_self() -> None:
    assert patterns(t.tokenize_words)[r"^(\w+[ _-]?)+$"] == (0, False, True)


def test_pattern_passed_through_a_helper_that_calls_re() -> None:
    assert patterns(t.version_ok)[r"^(\d+\.?)+$"] == (0, False, True)


def test_regex_reached_only_through_a_rule_table_of_slotted_records() -> None:
    found = {r.pattern: r for r in reach(t.parse_document).regexes}
    tag = found[r"^<[a-z]+(?:\s+[a-z]+(?:\s*=\s*[^\s>]+)?)*\s*>"]
    assert tag.direct and tag.where == "tests.fixtures.regex_pkg.rules.tag_rule" and not tag.search


def test_annotations_are_not_taken_for_patterns() -> None:
    assert all("__annotations__" not in r.where for r in reach(t.parse_document).regexes)
