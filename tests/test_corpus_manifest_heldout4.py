"""The fourth held-out part of the real-code corpus (``held-out-4``) is kept apart: nobody has looked at it, so its
names stay out of product code, tests and examples, and perfkit runs on it need ``--final``; its wide inputs hold
the hard cases. Offline: nothing is downloaded or imported from the corpus projects. That it is declared, new and
complete is tested with the other later parts in ``tests/test_corpus_manifest_heldout3.py``."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ._corpus_parts import (
    GENERATORS,
    check_final_guard,
    check_keep_out,
    check_wide_items,
    code_bases,
    markers,
)

HALF = "held-out-4"
# names that are everyday words or another project's too: a test or rule may spell them without using the corpus
GENERIC = {
    "mode",
    "quantile",
    "z_scores",
    "correlate",
    "covariance",
    "factorial",
    "binomial",
    "poisson",
    "all_unique",
    "flatten",
    "remap",
    "research",
    "diff",
    "patch",
}


@pytest.mark.parametrize("gen", ["unhashable_rows", "distinct_rows"])
def test_wide_inputs_of_everseen_helpers_hold_unhashable_and_equal_but_distinct_items(gen: str) -> None:
    check_wide_items(gen)


def test_wide_table_cells_hold_what_a_type_sniffer_gets_wrong() -> None:
    """A rewrite of tabulate's per-cell type tests is rejected only if the wide cells hold the hard cases: None,
    bools, ANSI colours, thousands separators, inf/nan strings, bytes and multiline text."""
    cells = [cell for i in range(40) for cell in GENERATORS["column_cells"](random.Random(i), 40, True)[0][0]]
    assert {type(None), bool, int, float, str, bytes} <= {type(cell) for cell in cells}
    texts = [cell for cell in cells if isinstance(cell, str)]
    for marker in ("\x1b[", "1,000", "inf", "nan", "\n"):
        assert any(marker in text for text in texts), marker


def test_wide_numbers_mix_types_and_signs() -> None:
    """The statistics helpers' wide data hold negatives, floats equal to ints and bools, so a rewrite that changes
    the order of equal keys or the result's types is caught."""
    draws = [GENERATORS["number_list"](random.Random(i), 40, True)[0][0] for i in range(40)]
    values = [v for data in draws for v in (data if isinstance(data, list | tuple) else [data])]
    numbers = [v for v in values if isinstance(v, int | float)]
    assert any(v < 0 for v in numbers) and {type(v) for v in numbers if v == 1} >= {int, float, bool}


def test_the_markers_name_every_project_and_the_distinctive_functions() -> None:
    found = markers(HALF, GENERIC)
    projects = {"tabulate", "simplestatistics", "more-itertools", "more_itertools", "boltons", "labmath"}
    assert projects | {"dictdiffer", "unidecode", "reedsolo"} <= found
    assert {"unique_everseen", "_column_type", "polymulmodp", "find_prime_polys", "format_int_list"} <= found
    assert not found & GENERIC


def test_no_held_out_4_code_in_product_tests_or_examples() -> None:
    check_keep_out(HALF, GENERIC, skip=(Path(__file__).name,))


def test_perfkit_runs_on_the_part_need_final(capsys: pytest.CaptureFixture[str]) -> None:
    check_final_guard(HALF, capsys)
    assert code_bases(HALF) == ["tabulate"]


def test_the_hidden_check_tells_decimal_values_apart() -> None:
    """Some of this part's functions return Decimals or convert their input to Decimals in place; the hidden check
    compares them by value (they have no ``__dict__`` or ``__slots__`` to compare)."""
    import decimal
    import fractions

    import _corpus_hidden

    canon = _corpus_hidden._canon
    assert canon([decimal.Decimal(1), 2]) != canon([decimal.Decimal(2), 2])
    assert canon(decimal.Decimal("1.0")) == canon(decimal.Decimal("1.0")) != canon(1.0)
    assert canon(fractions.Fraction(1, 3)) != canon(fractions.Fraction(2, 3))
