"""The third held-out part of the real-bug corpus (``held-out-3``) is well formed, new and kept apart; offline:
nothing is installed, and the wrappers are only parsed, never imported."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import redos_corpus  # noqa: E402
from redos import methods  # noqa: E402
from redos.manifest import (  # noqa: E402
    BUGS,
    HALVES,
    HELD_OUT_2_PACKAGES,
    HELD_OUT_3,
    HELD_OUT_3_PACKAGES,
    SPLIT_3_DATE,
    UNSEEN,
    Bug,
    half,
    split_rule,
)

WRAPPERS = ROOT / "benchmarks" / "redos" / "wrappers"
HELD = half(HELD_OUT_3)
NOT_A_REGEX = re.compile(r"\bnot a regex\b")


def wrapper_path(bug_id: str) -> Path:
    return WRAPPERS / (bug_id.replace("-", "_") + ".py")


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_the_third_held_out_part_is_big_new_and_mixed() -> None:
    assert HELD_OUT_3 in HALVES and HELD_OUT_3 in UNSEEN
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", SPLIT_3_DATE)
    assert len(HELD) >= 12
    assert {bug.package for bug in HELD} == HELD_OUT_3_PACKAGES and len(HELD_OUT_3_PACKAGES) >= 10
    earlier = {bug.package for bug in BUGS if bug.half != HELD_OUT_3}
    assert not earlier & HELD_OUT_3_PACKAGES, "a held-out-3 package is already in an earlier part"
    assert not HELD_OUT_2_PACKAGES & HELD_OUT_3_PACKAGES
    # nor a requirement that an earlier bug installs beside its release (the same code would be in both parts)
    earlier_needs = {need.partition("==")[0].lower() for bug in BUGS if bug.half != HELD_OUT_3 for need in bug.needs}
    assert not earlier_needs & HELD_OUT_3_PACKAGES
    assert sum(bool(NOT_A_REGEX.search(bug.note)) for bug in HELD) >= 3, "at least three bugs that are not ReDoS"


def test_the_parts_are_disjoint_by_package_and_seen_leaves_out_held_out_3() -> None:
    packages = {name: {bug.package for bug in half(name)} for name in HALVES}
    for a in HALVES:
        for b in HALVES:
            if a < b:
                assert not packages[a] & packages[b], (a, b, packages[a] & packages[b])
    rule = split_rule()
    assert all(rule[bug.package] == bug.half for bug in BUGS)
    seen = {bug.id for bug in half("seen")}
    assert seen == {bug.id for bug in BUGS if bug.half != HELD_OUT_3}
    assert {bug.id for bug in half("held-out-2")} <= seen
    assert len(half("all")) == len(BUGS)


@pytest.mark.parametrize("bug", HELD, ids=lambda bug: bug.id)
def test_each_bug_has_an_advisory_a_fix_and_a_wrapper(bug: Bug) -> None:
    assert re.search(r"CVE-\d{4}-\d{4,}|GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}|#\d+", bug.advisory), bug.advisory
    assert bug.has_fix and re.fullmatch(r"\d+(\.\d+)+", bug.fixed), bug.fixed
    assert version_tuple(bug.version) < version_tuple(bug.fixed), f"{bug.id}: the fix must come after the release"
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


def test_counted_prefixes_count_the_pumped_units() -> None:
    """Two formats carry a count of the pumped units before them: the exploit must state the real count."""
    oid = next(bug for bug in HELD if bug.id == "pyasn1-oid-arcs")
    assert oid.prefix[:2] == "\x06\x83" and int.from_bytes(oid.prefix[2:].encode("latin-1"), "big") == oid.k
    pdf = next(bug for bug in HELD if bug.id == "pypdf-xref-recovery")
    assert f"xref\n0 {pdf.k}\n" in pdf.prefix and f"/Size {pdf.k} " in pdf.suffix
    assert pdf.prefix.index("xref") == int(pdf.suffix.split("startxref\n")[1].split()[0])
    assert len(pdf.pump) == 20, "a cross-reference entry is 20 bytes"


def keep_out_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """What may not appear outside the corpus: the bug ids, the wrapper modules, the PyPI names and the names the
    wrappers import the libraries by (as imports: ``git``-like short names are words in ordinary text)."""
    patterns = [(bug.id, re.compile(re.escape(bug.id))) for bug in HELD]
    patterns += [(m, re.compile(rf"\b{re.escape(m)}\b")) for m in {bug.id.replace("-", "_") for bug in HELD}]
    patterns += [(p, re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])", re.I)) for p in HELD_OUT_3_PACKAGES]
    tops = {bug.function.split(":")[0].split(".")[0] for bug in HELD}
    patterns += [(t, re.compile(rf"^\s*(?:import|from)\s+{re.escape(t)}\b", re.M)) for t in tops]
    return patterns


def named_in(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    """The keep-out names ``text`` holds (a case-blind substring test first: most files hold none)."""
    lower = text.lower()
    return [name for name, pattern in patterns if name.lower() in lower and pattern.search(text)]


def test_no_test_example_or_source_names_a_held_out_3_bug() -> None:
    """Nobody tunes on held-out-3: its bug ids, wrapper modules and packages appear only in the corpus
    (benchmarks/redos/, its runner) and this file: not in tests, examples, the code, or another benchmark."""
    patterns = keep_out_patterns()
    allowed = {Path(__file__).resolve(), (ROOT / "benchmarks" / "redos_corpus.py").resolve()}
    corpus = (ROOT / "benchmarks" / "redos").resolve()
    checked = 0
    for folder in ("tests", "examples", "perfkit", "fuzzers", "optimizers", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".md", ".txt", ".toml", ".json", ".yaml", ".yml", ".cfg"}:
                continue
            resolved = path.resolve()
            if resolved in allowed or corpus in resolved.parents or ".hypothesis" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            checked += 1
            found = named_in(text, patterns)
            assert not found, f"{path.relative_to(ROOT)} names held-out-3 bugs or packages {found}"
    assert checked > 50


def test_the_keep_out_patterns_catch_each_spelling() -> None:
    patterns = keep_out_patterns()

    def caught(text: str) -> bool:
        return bool(named_in(text, patterns))

    bug = HELD[0]
    assert caught(f"run --only {bug.id}") and caught(f"from redos.wrappers import {bug.id.replace('-', '_')}")
    assert caught("pip install Werkzeug==3.0.0") and caught("import pymdownx.caret") and caught("\nimport git\n")
    assert not caught("a py file in the git tree") and not caught("markdown2 and idna")
    assert named_in("see Pylint's pyreverse", patterns) == ["pylint"]


def test_the_runner_searches_held_out_3_only_in_the_final_run(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--half", HELD_OUT_3], ["--half", "all"], ["--only", HELD[0].id, "--methods", "random"]):
        with pytest.raises(SystemExit) as stop:
            redos_corpus.main(argv)
        assert stop.value.code == 2
        assert "--final" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        methods.main(["random", HELD[0].id, "--out", "/nonexistent/best.json"])
    assert stop.value.code == 2 and "--final" in capsys.readouterr().err
    assert redos_corpus.needs_final(HELD) == [bug.id for bug in HELD]
    assert redos_corpus.needs_final(half("seen")) == []
