"""A numba winner switches itself on late (:mod:`perfkit.repo.jit_startup`): the plain version runs, timed, until it
has cost numba's start-up in the process; then the kernel. The switch is tested with an injected clock and budget
on stand-in kernels laid out as the numba proposer writes them; one test loads a real numba kernel."""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from perfkit.repo.jit_startup import BUDGETS, lazy_source, patch_source

# Three spellings: positional; a default and a keyword-only argument; a function calling itself.
SPELLINGS = {
    "total": ("xs", "xs", "s = 0\nfor x in xs:\n    s += x\nreturn s", [([3, 1, 2],), ([],), ([-5, 5, 7],)]),
    "scaled": (
        "xs, factor=2, *, offset=0",
        "xs, factor, offset",
        "out = []\nfor x in xs:\n    out.append(x * factor + offset)\nreturn out",
        [([1, 2],), ([4],), ([1.5, -2.0],)],
    ),
    "down": ("n", "n", "if n <= 0:\n    return 0\nreturn n + down(n - 1)", [(4,), (0,), (7,)]),
}


def stand_in(name: str, *, extra: str = "") -> str:
    """A numba candidate's layout without numba: the original renamed ``_pk_py_<name>``, a top-level import and
    constant, and the wrapper ``<name>`` (which logs "kernel" and answers as the original)."""
    signature, params, body, _ = SPELLINGS[name]
    call = ", ".join(p if p != "offset" else "offset=offset" for p in params.split(", "))
    return (
        f"import math as _pk_math\n\n_PK_LIMIT = 2**31\n{extra}\n\n"
        f"def _pk_py_{name}({params}):\n{textwrap.indent(body, '    ')}\n\n\n"
        f"def {name}({signature}):\n    LOG.append('kernel')\n    return _pk_py_{name}({call})\n"
    )


def load(tmp_path: Path, source: str, *, module: str = "lazymod") -> ModuleType:
    path = tmp_path / f"{module}.py"
    path.write_text("LOG = []\n\n\n" + source)
    spec = importlib.util.spec_from_file_location(module, path)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def ticking(step: float) -> Callable[[], float]:
    """A clock that moves ``step`` seconds each time it is read (each timed call lasts ``step``: two reads)."""
    now = [0.0]

    def clock() -> float:
        now[0] += step
        return now[0]

    return clock


def call(module: ModuleType, name: str, args: tuple[Any, ...]) -> Any:
    return getattr(module, name)(*[list(a) if isinstance(a, list) else a for a in args])


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_the_kernel_takes_over_once_the_plain_version_has_spent_the_start_up(tmp_path: Path, name: str) -> None:
    lazy = lazy_source(stand_in(name), name)
    assert lazy is not None
    module = load(tmp_path, lazy, module=f"lazy_{name}")
    original = load(tmp_path, stand_in(name), module=f"eager_{name}")  # its wrapper answers as the original
    module._pk_clock, module._pk_startup_left = ticking(0.1), lambda: 0.25
    module._pk_share = lambda since, now: 1.0  # a whole CPU
    module._pk_defer_blas = lambda: None  # numba's registries are not this test's business
    inputs = SPELLINGS[name][3]
    for i in range(6):
        args = inputs[i % len(inputs)]
        before = len(module.LOG)
        assert call(module, name, args) == call(original, name, args)
        ran_kernel = len(module.LOG) > before  # (a recursive kernel logs once per level)
        assert ran_kernel == (i >= 3), (i, module.LOG)  # 0.1 s a call: the third call passes 0.25 s
    assert getattr(module, f"_pk_run_{name}").__name__ == f"_pk_fast_{name}"
    assert module._PK_LIMIT == 2**31 and module._pk_math.pi > 3  # the kernel's top level, defined at the switch


@pytest.mark.parametrize(("cpu_step", "switch_after"), [(0.1, 3), (0.05, 5), (0.025, 10)])
def test_on_a_busy_machine_the_plain_version_runs_as_much_longer_as_the_start_up_takes(
    tmp_path: Path, cpu_step: float, switch_after: int
) -> None:
    """Each call lasts 0.1 s by the clock, and the process gets a whole CPU, a half or a quarter of one (its CPU time
    moves ``cpu_step`` a call): the switch comes once the plain version has had 0.24 s of CPU, after 3, 5 or 10
    calls."""
    module = load(tmp_path, lazy_source(stand_in("total"), "total") or "")
    now = {"wall": 0.0, "cpu": 0.0}
    plain = module._pk_py_total

    def lasting(xs: list[int]) -> int:
        now["wall"] += 0.1
        now["cpu"] += cpu_step
        return int(plain(xs))

    module._pk_py_total, module._pk_startup_left = lasting, lambda: 0.24
    module._pk_clock, module._pk_cpu = (lambda: now["wall"]), (lambda: now["cpu"])
    module._pk_defer_blas = lambda: None
    calls = 0
    while module._pk_run_total is module._pk_rent_total and calls < 20:
        assert module.total([1, 2]) == 3
        calls += 1
    assert calls == switch_after and module.LOG == []
    assert module.total([1, 2]) == 3 and module.LOG == ["kernel"]


def test_a_recursive_call_is_timed_once_with_the_outermost(tmp_path: Path) -> None:
    module = load(tmp_path, lazy_source(stand_in("down"), "down") or "")
    reads = []
    module._pk_clock = lambda: reads.append(1) or 0.0
    module._pk_startup_left = lambda: 1.0
    assert module.down(30) == sum(range(31))
    assert len(reads) == 2 and module._pk_depth_down == 0


def test_a_kernel_that_cannot_be_defined_leaves_the_plain_version(tmp_path: Path) -> None:
    broken = stand_in("total", extra="import perfkit_no_such_module as _pk_missing")
    module = load(tmp_path, lazy_source(broken, "total") or "")
    module._pk_clock, module._pk_startup_left = ticking(1.0), lambda: 0.5
    module._pk_share = lambda since, now: 1.0
    module._pk_defer_blas = lambda: None
    assert [module.total([1, 2, 3]) for _ in range(4)] == [6] * 4
    assert module._pk_run_total is module._pk_py_total and module.LOG == []


def test_the_best_pure_python_candidate_runs_until_the_switch(tmp_path: Path) -> None:
    plain = "def scaled(xs, factor=2, *, offset=0):\n    LOG.append('plain')\n"
    plain += "    return [x * factor + offset for x in xs]\n"
    module = load(tmp_path, lazy_source(stand_in("scaled"), "scaled", plain=plain) or "")
    module._pk_clock, module._pk_startup_left = ticking(0.1), lambda: 0.15
    module._pk_share = lambda since, now: 1.0
    module._pk_defer_blas = lambda: None
    results = [module.scaled([1, 2], 3, offset=1) for _ in range(4)]
    assert results == [[4, 7]] * 4
    assert module.LOG == ["plain", "plain", "kernel", "kernel"]


@pytest.mark.parametrize(
    "tail", ["scaled = functools.lru_cache(scaled)", "SCALE_DOC = scaled.__doc__", "import os as scaled"]
)
def test_a_pure_python_candidate_using_the_name_at_its_top_level_is_not_the_plain_version(tail: str) -> None:
    plain = f"import functools\n\n\ndef scaled(xs, factor=2, *, offset=0):\n    return xs\n\n\n{tail}\n"
    lazy = lazy_source(stand_in("scaled"), "scaled", plain=plain)
    assert (
        lazy is not None
        and "_pk_plain_scaled" not in lazy
        and "return _pk_py_scaled(xs, factor, offset=offset)" in lazy
    )


def test_strings_spanning_lines_keep_their_text_inside_the_loader(tmp_path: Path) -> None:
    text = '_PK_TEXT = """first\n  second\nthird"""\n_PK_F = f"""{1 + 1}\n x"""\n_PK_WORDS = "@NAME@ CALL PLAIN"'
    module = load(tmp_path, lazy_source(stand_in("total", extra=text), "total") or "")
    module._pk_defer_blas = lambda: None
    module._pk_switch_total()
    assert module._PK_TEXT == "first\n  second\nthird" and module._PK_F == "2\n x"
    assert module._PK_WORDS == "@NAME@ CALL PLAIN"  # the kernel's text is not read as the scaffold's template
    assert module.total([2, 2]) == 4 and module.LOG == ["kernel"]


def test_other_layouts_are_written_as_they_are(tmp_path: Path) -> None:
    assert lazy_source("def total(xs):\n    return sum(xs)\n", "total") is None  # no renamed original
    star = stand_in("total").replace("def total(xs):", "def total(*xs):")
    assert lazy_source(star, "total") is None
    clash = stand_in("total", extra="_pk_run_total = None")
    assert lazy_source(clash, "total") is None

    class Winner:
        proposer, source = "numba", stand_in("total")

    class Info:
        qualname = "Box.total"

    class Outcome:
        winner, info, result = Winner(), Info(), None

    assert patch_source(Outcome()) == Winner.source  # a method: as it is
    Info.qualname = "total"
    assert "_pk_rent_total" in patch_source(Outcome())
    Winner.proposer = "rewrite"
    assert patch_source(Outcome()) == Winner.source


def test_the_budget_is_what_is_left_of_numba_s_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load(tmp_path, lazy_source(stand_in("total"), "total") or "")
    cold, imported, warm = BUDGETS
    monkeypatch.setattr(module._pk_sys, "modules", {})
    assert module._pk_startup_left() == cold
    monkeypatch.setattr(module._pk_sys, "modules", {"numba": None})
    assert module._pk_startup_left() == imported
    monkeypatch.setattr(module._pk_sys, "modules", {"numba": None, "numba.np.arraymath": None})
    assert module._pk_startup_left() == warm
    assert cold > imported > warm > 0


def test_a_kernel_the_workload_keeps_off_is_said(tmp_path: Path) -> None:
    """The note comes from the function's share of the workload's time (timed without the kernel): 10% of 2 s is
    below numba's start-up, 10% of 20 s is not."""
    from types import SimpleNamespace

    from perfkit.repo.checks import _note_if_off

    outcome = SimpleNamespace(share=0.1, info=SimpleNamespace(key="m:f"), winner=SimpleNamespace(proposer="numba"))
    report = SimpleNamespace(notes=[])
    _note_if_off(outcome, report, SimpleNamespace(times=[2.1, 1.9, 2.0]))  # type: ignore[arg-type]
    assert len(report.notes) == 1 and "spends about 0.20 s in it" in report.notes[0]
    _note_if_off(outcome, report, SimpleNamespace(times=[20.0, 21.0, 19.0]))  # type: ignore[arg-type]
    _note_if_off(outcome, report, None)  # type: ignore[arg-type]
    assert len(report.notes) == 1


REAL = """
def pairs(xs):
    total = 0.0
    for i in range(len(xs)):
        for j in range(i):
            gap = xs[i] - xs[j]
            total += gap * gap
    return total
"""

REAL_DRIVER = """
import json, random, sys
import lazy_pairs, original_pairs
report = {"numba_at_import": "numba" in sys.modules}
rng = random.Random(5)
cases = [[rng.uniform(-50, 50) for _ in range(rng.randint(1, 60))] for _ in range(40)]
report["plain_same"] = all(lazy_pairs.pairs(list(c)) == original_pairs.pairs(list(c)) for c in cases)
report["numba_while_plain"] = "numba" in sys.modules
lazy_pairs._pk_switch_pairs()
report["switched"] = lazy_pairs._pk_run_pairs.__name__
report["kernel_same"] = all(lazy_pairs.pairs(list(c)) == original_pairs.pairs(list(c)) for c in cases)
report["compiled"] = len(lazy_pairs._pk_jit_pairs.signatures)
report["scipy_linalg_after_kernel"] = "scipy.linalg" in sys.modules
import numba.np.arraymath as arraymath
report["blas_answer"] = bool(arraymath._HAVE_BLAS)
try:
    import scipy.linalg.cython_blas
    report["blas_there"] = True
except ImportError:
    report["blas_there"] = False
print(json.dumps(report))
"""


def test_a_real_kernel_loads_at_the_switch_without_the_blas_probe_and_answers_as_the_original(
    tmp_path: Path,
) -> None:
    from perfkit.optimizers._types import Context
    from perfkit.optimizers.numba_jit import NumbaProposer

    rng = random.Random(1)
    samples = tuple((([rng.uniform(-9, 9) for _ in range(50)],), {}) for _ in range(2))
    context = Context(
        name="pairs", source=REAL.strip() + "\n", module_name="original_pairs", module_source=REAL,
        params=("xs",), arg_types={"xs": frozenset({"list[float]"})}, return_types=frozenset({"float"}),
        sample_inputs=samples,
    )  # fmt: skip
    (candidate,) = NumbaProposer(check_compile=False).propose(context, n=1)
    lazy = lazy_source(candidate.source, "pairs")
    assert lazy is not None
    (tmp_path / "lazy_pairs.py").write_text(lazy)
    (tmp_path / "original_pairs.py").write_text(REAL)
    run = subprocess.run(
        [sys.executable, "-c", REAL_DRIVER], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["numba_at_import"] is False and report["numba_while_plain"] is False
    assert report["plain_same"] and report["kernel_same"]
    assert report["switched"] == "_pk_fast_pairs" and report["compiled"] >= 1
    assert report["scipy_linalg_after_kernel"] is False
    assert report["blas_answer"] == report["blas_there"]  # numba's own probe, asked later
