"""The third held-out part of the real-code corpus (``held-out-3``) is well formed and kept apart; offline: nothing
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
    HELD_OUT_3,
    HELD_OUT_3_DATE,
    PROJECTS,
    UNSEEN,
    entries,
    half_of,
)

HALF = "held-out-3"
THIRD = entries(HALF)
OTHERS = [e for e in ALL_FUNCTIONS if half_of(e) != HALF]
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


def test_the_part_is_declared_and_dated() -> None:
    assert HALF in HALVES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", HELD_OUT_3_DATE)
    assert list(HELD_OUT_3) == THIRD
    assert list(FUNCTIONS + HELD_OUT_2) == OTHERS  # the earlier parts are untouched
    assert sorted(e.name for half in HALVES for e in entries(half)) == sorted(e.name for e in ALL_FUNCTIONS)


def test_size_projects_and_kernels() -> None:
    assert len(THIRD) >= 30
    old = {PROJECTS[e.project].name for e in OTHERS}
    new = {PROJECTS[e.project].name for e in THIRD} - old
    assert len(new) >= 6, new
    kernels = [e for e in THIRD if PROJECTS[e.project].name == "pyperformance"]
    assert len(kernels) >= 6 and {PROJECTS[e.project].part for e in kernels} == {HALF}
    assert sum(not e.hints for e in THIRD) >= 2 * len(THIRD) / 3  # mostly unannotated


def test_names_unique_and_parts_disjoint() -> None:
    assert len({e.name for e in ALL_FUNCTIONS}) == len(ALL_FUNCTIONS)
    keys = {half: {e.project for e in entries(half)} for half in HALVES}
    assert not keys[HALF] & set().union(*(keys[h] for h in HALVES if h != HALF))
    assert not {(e.module, e.qualname) for e in THIRD} & {(e.module, e.qualname) for e in OTHERS}
    for key in keys[HALF]:  # a release shared with another part comes back only as a separate part
        project = PROJECTS[key]
        assert project.key == key and project.half == HALF and project.licence
        assert re.fullmatch(r"\d+(\.\d+)*", project.version)
        assert project.part or project.name not in {PROJECTS[e.project].name for e in OTHERS}


def test_entries_are_complete() -> None:
    for e in THIRD:
        assert e.module and e.qualname and e.pattern and e.gen in GENERATORS, e
        assert e.compare in ("exact", "float"), e
        assert len(e.sizes) >= 2 and list(e.sizes) == sorted(set(e.sizes)) and e.sizes[0] > 0, e
        assert e.check_size >= 0, e


@pytest.mark.parametrize("entry", THIRD, ids=lambda e: e.name)
def test_generators_are_deterministic_and_wide_varies(entry) -> None:
    gen, size = GENERATORS[entry.gen], min(entry.sizes[0], 64)  # small: the stress sizes take seconds to draw
    first, again = gen(random.Random(5), size, False), gen(random.Random(5), size, False)
    assert pickle.dumps(first) == pickle.dumps(again)
    args, kwargs = first
    assert isinstance(args, tuple) and isinstance(kwargs, dict)
    wide = [pickle.dumps(gen(random.Random(i), entry.check_size, True)) for i in range(30)]
    assert len(set(wide)) > 5, "the hidden check needs varied inputs"


def _unhashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


@pytest.mark.parametrize("gen", ["list_and_values", "list_and_front_items", "duplicated_items", "two_item_lists"])
def test_wide_inputs_of_list_helpers_hold_unhashable_and_equal_but_distinct_items(gen: str) -> None:
    """The hidden check rejects a set-based rewrite only if some wide input holds an unhashable item, and one that
    drops ``1 == 1.0 == True`` only if such items meet: both must be drawn."""
    draws = [GENERATORS[gen](random.Random(i), 30, True)[0] for i in range(40)]
    items = [item for args in draws for part in args for item in (part if isinstance(part, list) else [part])]
    assert any(_unhashable(item) for item in items)
    assert {type(item) for item in items if item == 1} >= {int, float, bool}


def _markers() -> set[str]:
    """Names that would show a held-out-3 function used in product code, tests or examples."""
    other_qualnames = {e.qualname for e in OTHERS}
    found = {PROJECTS[e.project].name.lower() for e in THIRD if not PROJECTS[e.project].part}
    found |= {e.module for e in THIRD if e.module.startswith("bm_")} - {e.module for e in OTHERS}
    found |= {e.module.split(".")[0] for e in THIRD if not PROJECTS[e.project].part}
    found |= {e.qualname for e in THIRD} - other_qualnames - GENERIC
    return found


def test_the_markers_name_every_project_and_the_distinctive_functions() -> None:
    markers = _markers()
    assert {"pydash", "hashids", "toposort", "simplediff", "wcwidth", "pyprimes", "bm_pyflate"} <= markers
    assert {"iterduplicates", "generate_candidate_keyword_scores", "topoSort", "printbits"} <= markers
    assert not markers & GENERIC


def test_no_held_out_3_code_in_product_tests_or_examples() -> None:
    markers = _markers()
    files = [p for p in (ROOT / "tests").rglob("*.py") if p.name != Path(__file__).name]
    for folder in ("examples", "perfkit", "optimizers", "fuzzers"):
        files += list((ROOT / folder).rglob("*.py"))
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(markers))) + r")\b", re.IGNORECASE)
    for path in files:
        found = pattern.findall(path.read_text(encoding="utf-8", errors="replace"))
        assert not found, f"{path} uses held-out-3 corpus code: {found}"


def test_perfkit_runs_on_the_part_need_final(capsys: pytest.CaptureFixture[str]) -> None:
    """Searched and measured once, at the end: every runner refuses it without --final (no download, no run)."""
    import optimize_e2e
    import real_corpus

    assert HALF in UNSEEN
    for argv in (["--half", HALF], ["--half", "all"], ["--only", "pylev.wf_levenshtein", THIRD[0].name]):
        with pytest.raises(SystemExit) as stop:
            real_corpus.main(argv)
        assert stop.value.code == 2 and "--final" in capsys.readouterr().err
    assert real_corpus.main(["--list", HALF]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [e.name for e in THIRD]
    bases = [name for name, base in optimize_e2e.PYPI.items() if PROJECTS[base.project].half == HALF]
    assert bases and all((ROOT / "benchmarks" / "workloads" / optimize_e2e.PYPI[n].workload).is_file() for n in bases)
    for name in bases:
        with pytest.raises(SystemExit) as stop:
            optimize_e2e.main(["--only", name])
        assert stop.value.code == 2 and "--final" in capsys.readouterr().err


def test_held_out_3_list_matches_the_manifest() -> None:
    listed = (ROOT / "benchmarks" / "corpus" / "HELDOUT3.md").read_text().split("```")[1].split()
    assert [word for word in listed if any(word == e.name for e in ALL_FUNCTIONS)] == [e.name for e in THIRD]
