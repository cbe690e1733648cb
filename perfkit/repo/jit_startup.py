"""JIT winners in the patched program: loaded late, and only once they pay for themselves.

A numba kernel costs every process that runs it a start-up: importing numba, numba loading its registries, and
the kernel loaded from numba's disk cache (0.3 to 0.6 s in all on a quiet 2-core machine; the next kernel of the
same process about 0.02 s). :func:`lazy_source` writes a numba winner so that the program pays it only where it
earns it back ("ski rental"): the function runs its plain version (the best verified pure-Python candidate, else
the original) and times itself until it has spent about the start-up still to pay in this process (its time weighed
by the share of a CPU the process gets: on a busy machine the start-up takes longer too); then it imports
numba, defines the kernel (the winner's own code, unchanged, inside a loader function) and calls the kernel from
then on. A process whose calls of the function take less than that never imports numba, one that takes more pays
at most about twice the start-up, and a long one runs the kernel. A process where numba cannot be imported or the
kernel cannot be defined keeps the plain version.

The loader also leaves out numba's BLAS probe: when numba first loads its numpy registries it imports
``scipy.linalg`` (about 0.2 s) to decide whether ``np.correlate``/``np.convolve`` may call BLAS; the answer is
computed when numba first asks for it instead, by the same probe, so compiled code is the same.
"""

from __future__ import annotations

import ast
import re
import symtable
from typing import Any

JIT_PROPOSERS = frozenset({"numba"})  # proposers whose code compiles (or loads) at its first call in each process
# numba's start-up still to pay, in seconds: nothing of numba loaded yet; numba imported, registries not loaded;
# registries loaded (a cached kernel then loads in a few milliseconds). Measured by benchmarks/numba_startup.py:
# 0.3 to 0.6 s in all on a quiet 2-core machine (about 1.5 s at a load of 10); the upper half is taken.
BUDGETS = (0.5, 0.2, 0.02)
BUDGET_KEYS = ("COLD", "IMPORTED", "WARM")

_HELPERS = '''import sys as _pk_sys
import time as _pk_time

_pk_clock = _pk_time.perf_counter  # the clock the plain versions are timed with
_pk_cpu = _pk_time.process_time  # read when a plain version has run for its budget, to weigh it by the CPU share


def _pk_startup_left():
    """numba's start-up still to pay in this process, in seconds."""
    if "numba.np.arraymath" in _pk_sys.modules:  # its registries are loaded: a cached kernel loads at once
        return @WARM@
    return @IMPORTED@ if "numba" in _pk_sys.modules else @COLD@


def _pk_share(since, now):
    """The share of a CPU this process has had since ``since`` (clock, CPU time): numba's start-up is CPU work, so
    on a busy machine it takes longer by as much as the plain version's calls did (at most 1: threads)."""
    wall = now - since[0]
    return 1.0 if wall <= 0 else min(1.0, (_pk_cpu() - since[1]) / wall)


class _PkLaterProbe:
    """numba's answer to "is BLAS there?", computed by numba's own probe when numba first asks for it."""

    def __init__(self, probe):
        self.probe, self.answer = probe, None

    def __bool__(self):
        if self.answer is None:
            try:
                self.probe()
                self.answer = True
            except ImportError:
                self.answer = False
        return self.answer


def _pk_defer_blas():
    """Load numba's numpy registries without their BLAS probe (an import of scipy.linalg, for np.correlate and
    np.convolve only); the probe runs when numba types one of them. Nothing changes where numba is laid out
    otherwise, or already loaded them."""
    if "numba.np.arraymath" in _pk_sys.modules:
        return
    try:
        import numba.np.linalg as linalg
    except ImportError:
        return
    probe = getattr(linalg, "ensure_blas", None)
    if probe is None:
        return

    def later():
        raise ImportError("numba's BLAS probe runs when it is needed")

    linalg.ensure_blas = later
    try:
        import numba.np.arraymath
    except Exception:  # numba's own loading then happens as usual
        return
    finally:
        linalg.ensure_blas = probe
    for name, module in list(_pk_sys.modules.items()):
        found = getattr(module, "__dict__", None) if name.startswith("numba.") else None
        if isinstance(found, dict):
            if found.get("ensure_blas") is later:
                found["ensure_blas"] = probe
            if found.get("_HAVE_BLAS") is False:
                found["_HAVE_BLAS"] = _PkLaterProbe(probe)
'''

_LAZY = '''

def _pk_load_@NAME@():
    """@NAME@'s numba kernel, defined now (numba is imported here, at the switch)."""
@GLOBALS@
    _pk_defer_blas()
@KERNEL@
    return _pk_fast_@NAME@


def _pk_switch_@NAME@():
    """The kernel from now on; the plain version when numba cannot be imported or the kernel cannot be made."""
    global _pk_run_@NAME@
    try:
        _pk_run_@NAME@ = _pk_load_@NAME@()
    except Exception:
        _pk_run_@NAME@ = @PLAIN@


_pk_spent_@NAME@ = 0.0  # seconds @NAME@'s plain version has run in this process (outermost calls)
_pk_depth_@NAME@ = 0
_pk_since_@NAME@ = None  # (clock, CPU time) at its first call


def _pk_rent_@NAME@(@PARAMS@):
    """@NAME@'s plain version, timed, until it has cost numba's start-up in this process (weighed by the CPU share
    the process gets); then the kernel."""
    global _pk_spent_@NAME@, _pk_depth_@NAME@, _pk_since_@NAME@
    if _pk_depth_@NAME@:  # a call from inside the timed one (recursion): counted there
        return @PLAIN@(@CALL@)
    _pk_depth_@NAME@ = 1
    start = _pk_clock()
    if _pk_since_@NAME@ is None:
        _pk_since_@NAME@ = (start, _pk_cpu())
    try:
        return @PLAIN@(@CALL@)
    finally:
        _pk_depth_@NAME@ = 0
        end = _pk_clock()
        _pk_spent_@NAME@ += end - start
        left = _pk_startup_left()
        if _pk_spent_@NAME@ >= left and _pk_spent_@NAME@ * _pk_share(_pk_since_@NAME@, end) >= left:
            _pk_switch_@NAME@()


def @NAME@(@SIGNATURE@):
    return _pk_run_@NAME@(@CALL@)


_pk_run_@NAME@ = _pk_rent_@NAME@
'''


def lazy_source(
    kernel: str, name: str, *, plain: str | None = None, budgets: tuple[float, float, float] = BUDGETS
) -> str | None:
    """``kernel`` (a numba candidate for the module-level function ``name``) rewritten to switch itself on late
    (see the module's docstring); ``plain``, a verified pure-Python candidate for ``name``, runs until then (the
    original otherwise). None when ``kernel`` is not laid out as the numba proposer writes it (it is then used as
    it is)."""
    tree = _parse(kernel)
    if tree is None:
        return None
    wrapper = _last_def(tree, name)
    fallback = _last_def(tree, f"_pk_py_{name}")
    if wrapper is None or fallback is None or wrapper.decorator_list or fallback.decorator_list:
        return None
    a = wrapper.args
    if (
        a.vararg
        or a.kwarg
        or [x.arg for x in fallback.args.args] != [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
    ):
        return None
    lines = kernel.splitlines(keepends=True)
    hoisted = "".join(lines[fallback.lineno - 1 : fallback.end_lineno])
    rest = lines[: fallback.lineno - 1] + lines[fallback.end_lineno or 0 :]
    shift = (fallback.end_lineno or 0) - fallback.lineno + 1
    at = wrapper.lineno - 1 - (shift if wrapper.lineno > fallback.lineno else 0)
    rest[at] = rest[at].replace(f"def {name}(", f"def _pk_fast_{name}(", 1)
    body = "".join(rest)
    bound = sorted(_bound_names(body))
    scaffold = ("load", "switch", "spent", "depth", "since", "rent", "run", "plain")
    ours = {f"_pk_{part}_{name}" for part in scaffold}
    if not bound or set(bound) & (ours | _bound_names(_filled(_HELPERS, dict.fromkeys(BUDGET_KEYS, "0")))):
        return None
    call = ", ".join([*(x.arg for x in [*a.posonlyargs, *a.args]), *(f"{x.arg}={x.arg}" for x in a.kwonlyargs)])
    plain_call, plain_defs = f"_pk_py_{name}", ""
    if plain is not None:
        renamed = _renamed_def(plain, name, f"_pk_plain_{name}")
        if renamed is not None:
            plain_call, plain_defs = f"_pk_plain_{name}", renamed
    helpers = _filled(_HELPERS, dict(zip(BUDGET_KEYS, map(repr, budgets), strict=True)))
    lazy = _filled(
        _LAZY,
        {
            "GLOBALS": "\n".join(f"    global {', '.join(bound[i : i + 6])}" for i in range(0, len(bound), 6)),
            "KERNEL": _indented(body).rstrip("\n"),
            "PARAMS": ", ".join(x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]),
            "SIGNATURE": ast.unparse(a),
            "PLAIN": plain_call,
            "CALL": call,
            "NAME": name,
        },
    )
    parts = [helpers, "\n\n", hoisted.rstrip("\n"), "\n"]
    if plain_defs:
        parts += ["\n\n", plain_defs.rstrip("\n"), "\n"]
    return "".join([*parts, lazy])


def best_pure_python(outcome: Any) -> Any:
    """The accepted attempt of ``outcome``'s history (a FunctionOutcome) from a proposer that does not compile at
    start-up, with the highest lower bound of its speedup interval; None when there is none."""
    history = outcome.result.history if outcome.result is not None else []
    plain = [a for a in history if a.verdict == "accepted" and a.proposer not in JIT_PROPOSERS and a.speed]
    return max(plain, key=lambda a: a.speed.low, default=None)


def patch_source(outcome: Any) -> str:
    """The source written into the repository for ``outcome``'s winner: a JIT winner of a module-level function
    switches itself on late (:func:`lazy_source`), with the best pure-Python candidate running until then;
    others as they are."""
    winner = outcome.winner
    if winner.proposer not in JIT_PROPOSERS or "." in outcome.info.qualname:
        return str(winner.source)
    backup = best_pure_python(outcome)
    lazy = lazy_source(winner.source, outcome.info.qualname, plain=backup.source if backup is not None else None)
    return str(winner.source) if lazy is None else lazy


def _filled(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``@KEY@`` replaced by its value, in one pass (a value is never read again)."""
    return re.sub(r"@([A-Z]+)@", lambda m: values[m.group(1)], template)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _last_def(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    found = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == name]
    return found[-1] if found else None


def _bound_names(source: str) -> set[str]:
    """The names the top level of ``source`` binds (assignments, imports, definitions, at any nesting of its
    statements but not inside functions, classes or comprehensions)."""
    table = symtable.symtable(source, "<kernel>", "exec")
    return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}


def _renamed_def(source: str, name: str, new_name: str) -> str | None:
    """``source`` with its module-level ``def name`` named ``new_name`` (calls inside it keep the old name, so a
    recursive call goes through the patched function), or None when it has none or its top level uses the name
    otherwise (the patched function is defined after it)."""
    tree = _parse(source)
    found = _last_def(tree, name) if tree is not None else None
    if found is None:
        return None
    lines = source.splitlines(keepends=True)
    line = lines[found.lineno - 1]
    if f"def {name}(" not in line:
        return None
    lines[found.lineno - 1] = line.replace(f"def {name}(", f"def {new_name}(", 1)
    renamed = "".join(lines)
    top = symtable.symtable(renamed, "<plain>", "exec")
    if name in top.get_identifiers():  # its top level still binds or reads the name (``f = cache(f)``)
        return None
    return renamed


def _indented(source: str, prefix: str = "    ") -> str:
    """``source`` indented by ``prefix``, except blank lines and the lines a string literal continues on (whose
    text would change)."""
    inside: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant | ast.JoinedStr) and (node.end_lineno or 0) > node.lineno:
            inside.update(range(node.lineno, node.end_lineno or 0))  # 0-based indexes of the continuation lines
    lines = source.splitlines(keepends=True)
    return "".join(line if i in inside or not line.strip() else prefix + line for i, line in enumerate(lines))
