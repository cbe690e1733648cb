"""What the tests of the real-code corpus's later parts share (held-out-3, held-out-4): each part is declared and
dated, new, complete, listed in its own file, and, while nobody has looked at it (``UNSEEN``), kept out of product
code, tests and examples and run by perfkit only with ``--final``. Offline: nothing is downloaded or imported from
the corpus projects."""

from __future__ import annotations

import pickle
import random
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import manifest  # noqa: E402, F401  (the test files reach the parts through it)
from corpus.generators import GENERATORS  # noqa: E402
from corpus.manifest import ALL_FUNCTIONS, HALVES, PROJECTS, UNSEEN, Entry, entries, half_of  # noqa: E402


def others(part: str) -> list[Entry]:
    return [e for e in ALL_FUNCTIONS if half_of(e) != part]


def check_declared(part: str, listed: tuple[Entry, ...], date: str, earlier: tuple[Entry, ...]) -> None:
    """The part is a half of the manifest, dated, in its own tuple, and the parts before it are untouched."""
    assert part in HALVES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    assert list(listed) == entries(part)
    assert list(ALL_FUNCTIONS[: len(earlier)]) == list(earlier)  # earlier parts first, unchanged
    assert sorted(e.name for half in HALVES for e in entries(half)) == sorted(e.name for e in ALL_FUNCTIONS)


def check_size(part: str, *, functions: int = 30, new_projects: int = 6, kernels: int = 0) -> None:
    """Enough functions, from enough projects new to the corpus, mostly unannotated; ``kernels`` pyperformance
    kernels at least, in a part of the release of their own."""
    mine, old = entries(part), {PROJECTS[e.project].name for e in others(part)}
    assert len(mine) >= functions
    new = {PROJECTS[e.project].name for e in mine} - old
    assert len(new) >= new_projects, new
    found = [e for e in mine if PROJECTS[e.project].name == "pyperformance"]
    assert len(found) >= kernels and {PROJECTS[e.project].part for e in found} <= {part}
    assert sum(not e.hints for e in mine) >= 2 * len(mine) / 3


def check_disjoint(part: str) -> None:
    """Unique names; no project key or function shared with another part; a release that another part uses comes
    back only as a part of its own."""
    assert len({e.name for e in ALL_FUNCTIONS}) == len(ALL_FUNCTIONS)
    keys = {half: {e.project for e in entries(half)} for half in HALVES}
    assert not keys[part] & set().union(*(keys[h] for h in HALVES if h != part))
    rest = others(part)
    assert not {(e.module, e.qualname) for e in entries(part)} & {(e.module, e.qualname) for e in rest}
    for key in keys[part]:
        project = PROJECTS[key]
        assert project.key == key and project.half == part and project.licence
        assert re.fullmatch(r"\d+(\.\d+)*", project.version)
        assert project.part or project.name not in {PROJECTS[e.project].name for e in rest}


def check_complete(part: str) -> None:
    for e in entries(part):
        assert e.module and e.qualname and e.pattern and e.gen in GENERATORS, e
        assert e.compare in ("exact", "float"), e
        assert len(e.sizes) >= 2 and list(e.sizes) == sorted(set(e.sizes)) and e.sizes[0] > 0, e
        assert e.check_size >= 0, e


def check_generator(entry: Entry) -> None:
    """Deterministic in its seed, ``(args, kwargs)``, and wide inputs that vary (small sizes: stress sizes take
    seconds to draw)."""
    gen, size = GENERATORS[entry.gen], min(entry.sizes[0], 64)
    first, again = gen(random.Random(5), size, False), gen(random.Random(5), size, False)
    assert pickle.dumps(first) == pickle.dumps(again)
    args, kwargs = first
    assert isinstance(args, tuple) and isinstance(kwargs, dict)
    wide = [pickle.dumps(gen(random.Random(i), entry.check_size, True)) for i in range(30)]
    assert len(set(wide)) > 5, "the hidden check needs varied inputs"


def unhashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


def check_wide_items(gen: str, *, size: int = 30) -> None:
    """The hidden check rejects a set-based rewrite only if some wide input holds an unhashable item, and one that
    drops ``1 == 1.0 == True`` only if such items meet: both must be drawn."""
    draws = [GENERATORS[gen](random.Random(i), size, True)[0] for i in range(40)]
    items = [item for args in draws for part in args for item in (part if isinstance(part, list) else [part])]
    assert any(unhashable(item) for item in items)
    assert {type(item) for item in items if item == 1} >= {int, float, bool}


def markers(part: str, generic: set[str]) -> set[str]:
    """Names that would show a function of ``part`` used in product code, tests or examples: its projects, their
    top modules, pyperformance modules no other part uses, and the function names that are not everyday words."""
    mine, rest = entries(part), others(part)
    found = {PROJECTS[e.project].name.lower() for e in mine if not PROJECTS[e.project].part}
    found |= {e.module for e in mine if e.module.startswith("bm_")} - {e.module for e in rest}
    found |= {e.module.split(".")[0] for e in mine if not PROJECTS[e.project].part}
    found |= {e.qualname for e in mine} - {e.qualname for e in rest} - generic
    return found


def check_keep_out(part: str, generic: set[str], *, skip: tuple[str, ...]) -> None:
    """No marker of ``part`` in ``perfkit/``, ``optimizers/``, ``fuzzers/``, ``examples/`` or ``tests/`` (but the
    files named in ``skip``, which list them)."""
    found_markers = markers(part, generic)
    files = [p for p in (ROOT / "tests").rglob("*.py") if p.name not in skip]
    for folder in ("examples", "perfkit", "optimizers", "fuzzers"):
        files += list((ROOT / folder).rglob("*.py"))
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(found_markers))) + r")\b", re.IGNORECASE)
    for path in files:
        found = pattern.findall(path.read_text(encoding="utf-8", errors="replace"))
        assert not found, f"{path} uses {part} corpus code: {found}"


def check_final_guard(part: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An unseen part is searched and measured once, at the end: every runner refuses it without --final (no
    download, no run); ``--list`` needs no flag."""
    import optimize_e2e
    import real_corpus

    mine = entries(part)
    assert part in UNSEEN
    for argv in (["--half", part], ["--half", "all"], ["--only", "pylev.wf_levenshtein", mine[0].name]):
        with pytest.raises(SystemExit) as stop:
            real_corpus.main(argv)
        assert stop.value.code == 2 and "--final" in capsys.readouterr().err
    assert real_corpus.main(["--list", part]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [e.name for e in mine]
    bases = code_bases(part)
    assert bases and all((ROOT / "benchmarks" / "workloads" / optimize_e2e.PYPI[n].workload).is_file() for n in bases)
    for name in bases:
        with pytest.raises(SystemExit) as stop:
            optimize_e2e.main(["--only", name])
        assert stop.value.code == 2 and "--final" in capsys.readouterr().err


def code_bases(part: str) -> list[str]:
    """The end-to-end code bases of ``part`` (``benchmarks/optimize_e2e.py``)."""
    import optimize_e2e

    return [name for name, base in optimize_e2e.PYPI.items() if PROJECTS[base.project].half == part]


def check_list_file(part: str, document: str) -> None:
    """The part's list in ``benchmarks/corpus/<document>`` names its functions in manifest order."""
    listed = (ROOT / "benchmarks" / "corpus" / document).read_text().split("```")[1].split()
    assert [word for word in listed if any(word == e.name for e in ALL_FUNCTIONS)] == [e.name for e in entries(part)]
