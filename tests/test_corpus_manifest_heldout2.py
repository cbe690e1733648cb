"""The second held-out half of the real-code corpus (``held-out-2``) is well formed and kept apart; offline: nothing
is downloaded or imported from the corpus projects."""

from __future__ import annotations

import pickle
import random
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus.generators import GENERATORS  # noqa: E402
from corpus.manifest import (  # noqa: E402
    ALL_FUNCTIONS,
    FUNCTIONS,
    HALVES,
    HELD_OUT_2,
    HELD_OUT_2_DATE,
    PROJECTS,
    entries,
    half_of,
)

HALF = "held-out-2"
SECOND = entries(HALF)
OTHERS = [e for e in ALL_FUNCTIONS if half_of(e) != HALF]


def test_the_half_is_declared_and_dated() -> None:
    assert HALF in HALVES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", HELD_OUT_2_DATE)
    assert list(HELD_OUT_2) == SECOND  # the first corpus is untouched, later parts come after it
    assert list(FUNCTIONS) == [e for e in OTHERS if half_of(e) in ("tuning", "held-out")]
    assert sorted(e.name for half in HALVES for e in entries(half)) == sorted(e.name for e in ALL_FUNCTIONS)


def test_size_projects_and_kernels() -> None:
    assert len(SECOND) >= 24
    old = {PROJECTS[e.project].name for e in OTHERS}
    new = {PROJECTS[e.project].name for e in SECOND} - old
    assert len(new) >= 5, new
    kernels = [e for e in SECOND if PROJECTS[e.project].name in old]  # benchmark kernels of a release already used
    assert len(kernels) >= 6
    assert sum(not e.hints for e in SECOND) >= 2 * len(SECOND) / 3  # mostly unannotated


def test_names_unique_and_halves_disjoint() -> None:
    assert len({e.name for e in ALL_FUNCTIONS}) == len(ALL_FUNCTIONS)
    keys = {half: {e.project for e in entries(half)} for half in HALVES}
    assert not keys[HALF] & (keys["tuning"] | keys["held-out"])
    assert not {(e.module, e.qualname) for e in SECOND} & {(e.module, e.qualname) for e in OTHERS}
    for key in keys[HALF]:  # a release shared with another half comes back only as a separate part
        project = PROJECTS[key]
        assert project.key == key and project.half == HALF and project.licence
        assert re.fullmatch(r"\d+(\.\d+)*", project.version)
        assert project.part or project.name not in {PROJECTS[e.project].name for e in OTHERS}


def test_entries_are_complete() -> None:
    for e in SECOND:
        assert e.module and e.qualname and e.pattern and e.gen in GENERATORS, e
        assert e.compare in ("exact", "float"), e
        assert len(e.sizes) >= 2 and list(e.sizes) == sorted(set(e.sizes)) and e.sizes[0] > 0, e
        assert e.check_size >= 0, e


@pytest.mark.parametrize("entry", SECOND, ids=lambda e: e.name)
def test_generators_are_deterministic_and_wide_varies(entry) -> None:
    gen, size = GENERATORS[entry.gen], min(entry.sizes[0], 64)  # small: the stress sizes take seconds to draw
    first, again = gen(random.Random(5), size, False), gen(random.Random(5), size, False)
    assert pickle.dumps(first) == pickle.dumps(again)
    args, kwargs = first
    assert isinstance(args, tuple) and isinstance(kwargs, dict)
    wide = [pickle.dumps(gen(random.Random(i), entry.check_size, True)) for i in range(30)]
    assert len(set(wide)) > 5, "the hidden check needs varied inputs"


def test_held_out_2_list_matches_the_manifest() -> None:
    listed = (ROOT / "benchmarks" / "corpus" / "HELDOUT2.md").read_text().split("```")[1].split()
    assert [word for word in listed if any(word == e.name for e in ALL_FUNCTIONS)] == [e.name for e in SECOND]
