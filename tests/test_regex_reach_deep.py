"""The regex finder follows calls several levels down and reads patterns kept as bound methods in tables and
globals (a lexer's rule list of ``re.compile(rx).match``, ``_valid = re.compile(rx).match``, a dict of ``.split``)."""

from __future__ import annotations

from perfkit.fuzzers._regex_find import reach

from tests.fixtures import regex_deep as d

STRING = r"'(''|\\\\|\\'|[^'])*'"


def found(func: object, **kw: int) -> dict[str, tuple[bool, bool, int]]:
    return {r.pattern: (r.search, r.direct, r.depth) for r in reach(func, **kw).regexes}  # type: ignore[arg-type]


def test_lexer_table_of_bound_match_methods_five_calls_down() -> None:
    got = found(d.parse_sql)
    assert got[STRING] == (False, True, 5)  # matched at a position, not searched; named by the lexer's code
    assert got[r"/\*[\s\S]*?\*/"][:2] == (False, True)
    shallow = found(d.parse_sql, max_depth=3)  # the walk must go that deep to see the code that uses it
    assert STRING not in shallow or not shallow[STRING][1]


def test_regex_in_a_filter_method_beside_the_lexer_table() -> None:
    got = found(d.format_sql)
    assert got[r"((\r\n|\r|\n)+) *$"] == (True, True, 2)
    assert got[STRING][:2] == (False, True)


def test_bound_methods_in_a_global_and_in_a_dict() -> None:
    got = found(d.header)
    assert got[r"^([a-z]+-?)+$"] == (False, True, 1)  # `.match` bound: matched
    assert got[r"\s*;\s*"] == (True, True, 1)  # `.split` bound: searched


def test_objects_that_import_on_attribute_access_are_not_touched() -> None:
    from tests.fixtures.regex_deep_pkg import tables

    assert tables.MOVES  # a module-level list holding one: the walk reads the module's tables
    assert STRING in found(d.parse_sql)


def test_patterns_of_the_regex_package_are_read_by_type() -> None:
    """A compiled pattern of the third-party ``regex`` package (its type is ``_regex.Pattern``, its flags carry
    the package's own VERSION0 bit): recognised by its type, flags reduced to ``re``'s."""
    import re

    from perfkit.fuzzers._regex_find import _normal, _pattern_of, compiled

    class Pattern:  # stands in for _regex.Pattern (the package is not a dependency)
        pattern, flags = r"(a+)+$", re.IGNORECASE | re.UNICODE | 0x2000

        def match(self, s: str) -> None:
            return None

    Pattern.__module__ = "_regex"
    fake = Pattern()
    assert compiled(fake) and _normal(fake, 0) == (r"(a+)+$", re.IGNORECASE)
    assert _pattern_of(fake) == (fake, "")
    assert not compiled(object()) and _pattern_of(len) is None
