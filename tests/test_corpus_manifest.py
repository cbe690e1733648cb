"""The real-code corpus manifest (benchmarks/corpus) is well formed; offline: nothing is downloaded or imported
from the corpus projects."""

from __future__ import annotations

import ast
import pickle
import random
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus.generators import GENERATORS  # noqa: E402
from corpus.manifest import FUNCTIONS, HALVES, PROJECTS, SPLIT_DATE, entries  # noqa: E402


def test_projects_are_pinned_and_split_by_project() -> None:
    for project in PROJECTS.values():
        assert re.fullmatch(r"\d+(\.\d+)*", project.version), project
        assert project.requirement == f"{project.name}=={project.version}"
        assert project.half in HALVES and project.licence
    halves = {half: {p.name for p in PROJECTS.values() if p.half == half} for half in HALVES}
    assert not halves["tuning"] & halves["held-out"]
    assert all(len(names) >= 2 for names in halves.values())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", SPLIT_DATE)


def test_corpus_size_and_entries() -> None:
    assert len(FUNCTIONS) >= 40 and len({e.project for e in FUNCTIONS}) >= 5
    assert len({e.name for e in FUNCTIONS}) == len(FUNCTIONS)
    assert sorted(e.name for e in entries("tuning") + entries("held-out")) == sorted(e.name for e in FUNCTIONS)
    assert sum(not e.hints for e in FUNCTIONS) > len(FUNCTIONS) / 2  # mostly unannotated, as real code is
    for e in FUNCTIONS:
        assert e.project in PROJECTS and e.module and e.qualname and e.pattern, e
        assert e.gen in GENERATORS, e
        assert e.compare in ("exact", "float"), e
        assert len(e.sizes) >= 2 and list(e.sizes) == sorted(set(e.sizes)) and e.sizes[0] > 0, e
        assert e.check_size >= 0, e


@pytest.mark.parametrize("entry", FUNCTIONS, ids=lambda e: e.name)
def test_generators_are_deterministic_and_wide_differs(entry) -> None:
    gen = GENERATORS[entry.gen]
    small = entry.sizes[0]
    first, again = gen(random.Random(3), small, False), gen(random.Random(3), small, False)
    assert pickle.dumps(first) == pickle.dumps(again)
    args, kwargs = first
    assert isinstance(args, tuple) and isinstance(kwargs, dict)
    wide = [pickle.dumps(gen(random.Random(i), entry.check_size, True)) for i in range(30)]
    assert len(set(wide)) > 1, "the hidden check needs varied inputs"


def test_hidden_check_is_independent_of_perfkit() -> None:
    """The hidden check may call the functions, nothing else of perfkit (no shared verifier code)."""
    tree = ast.parse((ROOT / "benchmarks" / "_corpus_hidden.py").read_text())
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not [name for name in imported if name.startswith("perfkit")]


def test_tuning_list_matches_the_manifest() -> None:
    listed = (ROOT / "benchmarks" / "corpus" / "TUNING.md").read_text().split("```")[1].split()
    names = [word for word in listed if any(word == e.name for e in FUNCTIONS)]
    assert names == [e.name for e in entries("tuning")]
