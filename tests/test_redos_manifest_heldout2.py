"""The second held-out half of the real-bug corpus (``held-out-2``) is well formed and apart from the first two by
package; offline: nothing is installed, and the wrappers are only parsed, never imported. Its figure was taken once,
at the end of session 5; since session 6 it is tuning material ("seen"), and so is held-out-3 since session 7: the
``--final`` guard belongs to the part nobody has looked at yet (tests/test_redos_manifest_later_parts.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import redos_corpus  # noqa: E402
from redos.manifest import (  # noqa: E402
    BUGS,
    HALVES,
    HELD_OUT_2,
    HELD_OUT_2_PACKAGES,
    HELD_OUT_3,
    UNSEEN,
    Bug,
    half,
    split_rule,
)

from ._redos_parts import ADVISORY, check_wrapper  # noqa: E402

HELD = half(HELD_OUT_2)


def test_the_second_held_out_half_is_big_enough_and_new() -> None:
    assert HELD_OUT_2 in HALVES
    assert len(HELD) >= 8
    assert {bug.package for bug in HELD} == HELD_OUT_2_PACKAGES
    first_two = {bug.package for bug in BUGS if bug.half in HALVES[:2]}
    assert not first_two & HELD_OUT_2_PACKAGES, "a held-out-2 package is already in the first two halves"


def test_the_halves_are_disjoint_by_package() -> None:
    packages = {name: {bug.package for bug in half(name)} for name in HALVES}
    for a in HALVES:
        for b in HALVES:
            if a < b:
                assert not packages[a] & packages[b], (a, b, packages[a] & packages[b])
    rule = split_rule()
    assert all(rule[bug.package] == bug.half for bug in BUGS)
    assert len(half("all")) == len(BUGS)


@pytest.mark.parametrize("bug", HELD, ids=lambda bug: bug.id)
def test_each_bug_has_an_advisory_a_fix_and_a_wrapper(bug: Bug) -> None:
    assert ADVISORY.search(bug.advisory), bug.advisory
    assert bug.has_fix and re.fullmatch(r"\d+(\.\d+)+", bug.fixed), bug.fixed
    as_tuple = [tuple(int(x) for x in v.split(".")) for v in (bug.version, bug.fixed)]
    assert as_tuple[0] < as_tuple[1], f"{bug.id}: the fix must come after the vulnerable release"
    assert bug.length == len(bug.exploit) and bug.pump * bug.k in bug.exploit
    check_wrapper(bug)


@pytest.mark.parametrize("part", [HELD_OUT_2, HELD_OUT_3])
def test_a_measured_part_is_tuning_material_now(part: str) -> None:
    """held-out-2 since session 6, held-out-3 since session 7: in "seen", searched without ``--final`` (the runner's
    guard is for UNSEEN parts)."""
    assert part not in UNSEEN
    held, seen = half(part), {bug.id for bug in half("seen")}
    assert held and {bug.id for bug in held} <= seen
    assert redos_corpus.needs_final(held) == []
    assert all(bug.half in UNSEEN for bug in BUGS if bug.id not in seen)
