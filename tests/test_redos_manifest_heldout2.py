"""The second held-out half of the real-bug corpus (``held-out-2``) is well formed and apart from the first two by
package; offline: nothing is installed, and the wrappers are only parsed, never imported. Its figure was taken once,
at the end of session 5; since session 6 it is tuning material ("seen"), and the ``--final`` guard belongs to
held-out-3 (tests/test_redos_manifest_heldout3.py)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import redos_corpus  # noqa: E402
from redos.manifest import BUGS, HALVES, HELD_OUT_2, HELD_OUT_2_PACKAGES, UNSEEN, Bug, half, split_rule  # noqa: E402

WRAPPERS = ROOT / "benchmarks" / "redos" / "wrappers"
HELD = half(HELD_OUT_2)


def wrapper_path(bug_id: str) -> Path:
    return WRAPPERS / (bug_id.replace("-", "_") + ".py")


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
    assert re.search(r"CVE-\d{4}-\d{4,}|GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}|#\d+", bug.advisory), bug.advisory
    assert bug.has_fix and re.fullmatch(r"\d+(\.\d+)+", bug.fixed), bug.fixed
    as_tuple = [tuple(int(x) for x in v.split(".")) for v in (bug.version, bug.fixed)]
    assert as_tuple[0] < as_tuple[1], f"{bug.id}: the fix must come after the vulnerable release"
    assert bug.length == len(bug.exploit) and bug.pump * bug.k in bug.exploit
    path = wrapper_path(bug.id)
    assert path.exists(), f"{bug.id} has no wrapper {path.name}"
    tree = ast.parse(path.read_text(), filename=str(path))
    funcs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "target" in funcs and ast.get_docstring(tree), path.name
    arg = funcs["target"].args.args
    assert len(arg) == 1 and isinstance(arg[0].annotation, ast.Name) and arg[0].annotation.id == "str"
    imported = {
        alias.name.split(".")[0] if isinstance(node, ast.Import) else (node.module or "").split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert bug.function.split(":")[0].split(".")[0] in imported, f"{path.name} does not import the library"


def test_held_out_2_is_tuning_material_now() -> None:
    """Looked at since session 6: in "seen", searched without ``--final`` (the runner's guard is for UNSEEN parts)."""
    assert HELD_OUT_2 not in UNSEEN
    seen = {bug.id for bug in half("seen")}
    assert {bug.id for bug in HELD} <= seen
    assert redos_corpus.needs_final(HELD) == []
    assert all(bug.half in UNSEEN for bug in BUGS if bug.id not in seen)
