"""The later held-out parts of the real-bug corpus (``held-out-3``, ``held-out-4``) are well formed, new and kept
apart; offline: nothing is installed, and the wrappers are only parsed, never imported. A part nobody has looked at
yet (``UNSEEN``: held-out-4 since session 7) is kept out of the code and searched only in the final run; held-out-3
was measured at the end of session 6 and is tuning material now (tests/test_redos_manifest_heldout2.py)."""

from __future__ import annotations

import re
import sys
import tarfile
from pathlib import Path

import pytest
from packaging.version import Version

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
    HELD_OUT_4,
    HELD_OUT_4_PACKAGES,
    SPLIT_3_DATE,
    SPLIT_4_DATE,
    UNSEEN,
    Bug,
    half,
    split_rule,
)

from ._redos_parts import ADVISORY, check_wrapper  # noqa: E402

NOT_A_REGEX = re.compile(r"\bnot a regex\b")
NAMESPACES = {"backports"}  # import names shared by several PyPI packages: the module under them names the library
# PyPI names that are ordinary words in the code's prose ("pip install X"): kept out as imports and module paths only
WORDS = frozenset({"pip"})
# each later part: its packages, its date, how many bugs and packages at least, how many that are not regexes
PARTS = {
    HELD_OUT_3: (HELD_OUT_3_PACKAGES, SPLIT_3_DATE, 12, 10, 3),
    HELD_OUT_4: (HELD_OUT_4_PACKAGES, SPLIT_4_DATE, 14, 11, 5),
}
LATER = [bug for name in PARTS for bug in half(name)]


@pytest.mark.parametrize("part", PARTS)
def test_each_later_part_is_big_new_and_mixed(part: str) -> None:
    packages, date, least_bugs, least_packages, least_not_regex = PARTS[part]
    held = half(part)
    assert part in HALVES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    assert len(held) >= least_bugs
    assert {bug.package for bug in held} == packages and len(packages) >= least_packages
    earlier_parts = HALVES[: HALVES.index(part)]
    earlier = {bug.package for bug in BUGS if bug.half in earlier_parts}
    assert not earlier & packages, f"a {part} package is already in an earlier part"
    # nor a requirement that an earlier bug installs beside its release (the same code would be in both parts)
    earlier_needs = {need.partition("==")[0].lower() for bug in BUGS if bug.half in earlier_parts for need in bug.needs}
    assert not earlier_needs & packages
    assert sum(bool(NOT_A_REGEX.search(bug.note)) for bug in held) >= least_not_regex, "too few bugs are not ReDoS"


def test_the_later_parts_are_disjoint_and_seen_leaves_out_only_the_unseen_part() -> None:
    assert not HELD_OUT_2_PACKAGES & HELD_OUT_3_PACKAGES and not (HELD_OUT_2_PACKAGES | HELD_OUT_3_PACKAGES) & (
        HELD_OUT_4_PACKAGES
    )
    packages = {name: {bug.package for bug in half(name)} for name in HALVES}
    for a in HALVES:
        for b in HALVES:
            if a < b:
                assert not packages[a] & packages[b], (a, b, packages[a] & packages[b])
    rule = split_rule()
    assert all(rule[bug.package] == bug.half for bug in BUGS)
    assert UNSEEN == (HELD_OUT_4,)
    seen = {bug.id for bug in half("seen")}
    assert seen == {bug.id for bug in BUGS if bug.half != HELD_OUT_4}
    assert {bug.id for bug in half(HELD_OUT_3)} <= seen
    assert len(half("all")) == len(BUGS)


@pytest.mark.parametrize("bug", LATER, ids=lambda bug: bug.id)
def test_each_bug_has_an_advisory_a_fix_or_a_reason_and_a_wrapper(bug: Bug) -> None:
    assert ADVISORY.search(bug.advisory), bug.advisory
    if bug.has_fix:
        assert Version(bug.version) < Version(bug.fixed), f"{bug.id}: the fix must come after the release"
    else:  # no fixed release: say why (held-out-3 has a fix for every bug)
        assert bug.half != HELD_OUT_3 and re.match(r"none: .{20,}", bug.fixed), bug.fixed
    assert bug.length == len(bug.exploit) and bug.pump * bug.k in bug.exploit
    check_wrapper(bug)


def test_counted_prefixes_count_the_pumped_units() -> None:
    """Three formats carry a count of the pumped units before them: the exploit must state the real count."""
    by_id = {bug.id: bug for bug in LATER}
    oid = by_id["pyasn1-oid-arcs"]
    assert oid.prefix[:2] == "\x06\x83" and int.from_bytes(oid.prefix[2:].encode("latin-1"), "big") == oid.k
    pdf = by_id["pypdf-xref-recovery"]
    assert f"xref\n0 {pdf.k}\n" in pdf.prefix and f"/Size {pdf.k} " in pdf.suffix
    assert pdf.prefix.index("xref") == int(pdf.suffix.split("startxref\n")[1].split()[0])
    assert len(pdf.pump) == 20, "a cross-reference entry is 20 bytes"
    tar = by_id["backports-tarfile-pax-digits"]
    header = tarfile.TarInfo.frombuf(tar.prefix.encode("latin-1"), "utf-8", "surrogateescape")
    assert len(tar.prefix) == 512 and header.type == tarfile.XHDTYPE and header.size == tar.k
    assert (len(tar.prefix) + tar.k + len(tar.suffix)) % 512 == 0, "a tar archive is whole 512-byte blocks"


def keep_out_patterns(part: str) -> list[tuple[str, re.Pattern[str]]]:
    """What may not appear outside the corpus: the part's bug ids, wrapper modules, PyPI names and the names the
    wrappers import the libraries by (as imports: ``git``-like short names are words in ordinary text)."""
    held = half(part)
    patterns = [(bug.id, re.compile(re.escape(bug.id))) for bug in held]
    patterns += [(m, re.compile(rf"\b{re.escape(m)}\b")) for m in {bug.id.replace("-", "_") for bug in held}]
    patterns += [(p, re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])", re.I)) for p in PARTS[part][0] - WORDS]
    patterns += [(p, re.compile(rf"(?<![\w.-]){re.escape(p)}\.\w")) for p in PARTS[part][0] & WORDS]
    for bug in held:
        top, *rest = bug.function.split(":")[0].split(".")
        if top in NAMESPACES:  # backports.tarfile: the name is the second part (``from backports import tarfile``)
            name, sub = rest[0], re.escape(rest[0])  # ``name``: the case-blind pre-test, in both spellings
            either = rf"import\s+{top}\.{sub}\b|from\s+{top}(?:\.{sub}\b|\s+import\s+(?:\w+\s*,\s*)*{sub}\b)"
            patterns.append((name, re.compile(rf"^\s*(?:{either})", re.M)))
        else:
            patterns.append((top, re.compile(rf"^\s*(?:import|from)\s+{re.escape(top)}\b", re.M)))
    return patterns


def named_in(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    """The keep-out names ``text`` holds (a case-blind substring test first: most files hold none)."""
    lower = text.lower()
    return [name for name, pattern in patterns if name.lower() in lower and pattern.search(text)]


@pytest.mark.parametrize("part", UNSEEN)
def test_no_test_example_or_source_names_an_unseen_bug(part: str) -> None:
    """Nobody tunes on a part nobody has looked at: its bug ids, wrapper modules and packages appear only in the
    corpus (benchmarks/redos/, its runner) and this file: not in tests, examples, the code, or another benchmark."""
    patterns = keep_out_patterns(part)
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
            assert not found, f"{path.relative_to(ROOT)} names {part} bugs or packages {found}"
    assert checked > 50


def test_the_keep_out_patterns_catch_each_spelling() -> None:
    patterns = keep_out_patterns(HELD_OUT_4)

    def caught(text: str) -> bool:
        return bool(named_in(text, patterns))

    bug = half(HELD_OUT_4)[0]
    assert caught(f"run --only {bug.id}") and caught(f"from redos.wrappers import {bug.id.replace('-', '_')}")
    assert caught("pip install Soupsieve==2.8.3") and caught("import linkify_it.main") and caught("\nimport marko\n")
    assert caught("pip install backports.tarfile") and caught("\nfrom backports import tarfile\n")
    assert not caught("\nfrom backports import zoneinfo\n")
    assert caught("from pip._internal.models.wheel import Wheel") and caught("\nimport pip\n")
    assert caught("calls pip._internal directly") and not caught("pip install perfkit[dev]")
    assert not caught("CommonMark-compliant, the markdown-it-py2 fork") and not caught("a cleo-like CLI")
    assert named_in("see Soupsieve's selectors", patterns) == ["soupsieve"]


@pytest.mark.parametrize("part", UNSEEN)
def test_the_runner_searches_an_unseen_part_only_in_the_final_run(
    part: str, capsys: pytest.CaptureFixture[str]
) -> None:
    held = half(part)
    for argv in (["--half", part], ["--half", "all"], ["--only", held[0].id, "--methods", "random"]):
        with pytest.raises(SystemExit) as stop:
            redos_corpus.main(argv)
        assert stop.value.code == 2
        assert "--final" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        methods.main(["random", held[0].id, "--out", "/nonexistent/best.json"])
    assert stop.value.code == 2 and "--final" in capsys.readouterr().err
    assert redos_corpus.needs_final(held) == [bug.id for bug in held]
    assert redos_corpus.needs_final(half("seen")) == []


def test_the_random_baseline_is_as_long_as_the_exploit_and_fixed_by_the_seed() -> None:
    """``--validate`` times a random string of the exploit's length (no search): the same one for the same seed."""
    bug = half(HELD_OUT_4)[0]
    one, again, other = (redos_corpus.random_input(bug, seed=s) for s in (0, 0, 1))
    assert len(one) == bug.length and one == again and one != other
    assert set(one) <= set(methods.ALPHABET)
