"""The real-code corpus's third held-out part (``held-out-3``) and the parts after it are well formed, new and apart
from the others; offline: nothing is downloaded or imported from the corpus projects. Held-out-3 was measured
once, at the end of session 6, and is tuning material since session 7: perfkit runs on it need no ``--final``.
What only held-out-4 needs (kept out, run only with ``--final``) is in ``tests/test_corpus_manifest_heldout4.py``;
the checks are in ``tests/_corpus_parts.py``."""

from __future__ import annotations

import pytest

from ._corpus_parts import (
    UNSEEN,
    check_complete,
    check_declared,
    check_disjoint,
    check_generator,
    check_list_file,
    check_size,
    check_wide_items,
    code_bases,
    entries,
    manifest,
    markers,
)

HALF = "held-out-3"
# names that are everyday words or another project's too: a test or rule may spell them without using the corpus
GENERIC = {
    "without",
    "transpose",
    "diff",
    "solve",
    "erat",
    "factorise",
    "_hash",
    "_unhash",
    "_split",
    "_encode",
    "_decode",
}
# each later part: its tuple, its date, the parts before it, its pyperformance kernels at least (list: HELDOUT<n>.md)
PARTS = {
    "held-out-3": (manifest.HELD_OUT_3, manifest.HELD_OUT_3_DATE, manifest.FUNCTIONS + manifest.HELD_OUT_2, 6),
    "held-out-4": (
        manifest.HELD_OUT_4,
        manifest.HELD_OUT_4_DATE,
        manifest.FUNCTIONS + manifest.HELD_OUT_2 + manifest.HELD_OUT_3,
        0,
    ),
}
LATER = [(part, entry) for part in PARTS for entry in entries(part)]


@pytest.mark.parametrize("part", PARTS)
def test_the_part_is_declared_dated_and_listed(part: str) -> None:
    listed, date, earlier, _ = PARTS[part]
    check_declared(part, listed, date, earlier)
    check_list_file(part, "HELDOUT" + part.rsplit("-", 1)[1] + ".md")


@pytest.mark.parametrize("part", PARTS)
def test_size_projects_and_kernels(part: str) -> None:
    check_size(part, functions=30, new_projects=6, kernels=PARTS[part][3])


@pytest.mark.parametrize("part", PARTS)
def test_names_unique_parts_disjoint_entries_complete(part: str) -> None:
    check_disjoint(part)
    check_complete(part)


@pytest.mark.parametrize(("part", "entry"), LATER, ids=[entry.name for _, entry in LATER])
def test_generators_are_deterministic_and_wide_varies(part: str, entry) -> None:
    check_generator(entry)


@pytest.mark.parametrize("gen", ["list_and_values", "list_and_front_items", "duplicated_items", "two_item_lists"])
def test_wide_inputs_of_list_helpers_hold_unhashable_and_equal_but_distinct_items(gen: str) -> None:
    check_wide_items(gen)


def test_the_markers_name_every_project_and_the_distinctive_functions() -> None:
    found = markers(HALF, GENERIC)
    assert {"pydash", "hashids", "toposort", "simplediff", "wcwidth", "pyprimes", "bm_pyflate"} <= found
    assert {"iterduplicates", "generate_candidate_keyword_scores", "topoSort", "printbits"} <= found
    assert not found & GENERIC


def test_held_out_3_is_tuning_material_now() -> None:
    """Measured once at the end of session 6: no longer unseen, so its functions and its code base (hashids) run
    without ``--final`` and its names may appear in tests."""
    assert HALF not in UNSEEN
    assert code_bases(HALF) == ["hashids"]
