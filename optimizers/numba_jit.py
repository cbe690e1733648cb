"""The numba proposer: a ``numba.njit`` copy of a numeric function behind a boundary that keeps its signature.

It fires for functions whose arguments (as seen in the inputs) are numbers, lists or tuples of numbers (1-D),
``array.array`` of numbers (read only), lists of lists or of tuples of numbers (2-D: a matrix, a DP table, points as
``(x, y)``), tuples mixing numbers and such lists (``(i, u)``), lists of records holding lists (nbody's ``bodies``
and ``pairs``: typed lists of tuples of arrays, each list object converted once so that shared lists stay shared,
written back into the same objects), and strings used only as characters to compare; and whose results are numbers,
None, or lists/tuples of numbers nested once (:mod:`perfkit.optimizers._numba_kinds`). Module functions the kernel
calls compile with it as ``_pk_nb_<name>``, and uses where an array would not behave like the list it replaces are
refused (:mod:`perfkit.optimizers._numba_scan`); module number constants are frozen by numba. Local ``array.array``
tables of ints or doubles become arrays the kernel owns, with stores checked against the type code
(:mod:`perfkit.optimizers._numba_arrays`). A function that cannot be compiled as a whole because of a branch a flag
parameter switches (``normalized=False``) gets a kernel for the flag's default; other calls run the original
(:mod:`perfkit.optimizers._numba_flags`).

A function taking only strings and returning a string built character by character (``out += piece``,
``out.append(piece)`` then ``"".join(out)``) gets a kernel that builds the result as code points
(:mod:`perfkit.optimizers._numba_strings`). A function using its strings as data (``alphabet.index(c)``,
``list(s)`` with swaps, ``a + b``, slices, module tables of ranges), which the paths above refuse, gets a kernel on
int32 code-point arrays that follows each value's kind through the body (:mod:`perfkit.optimizers._numba_text`).

Also taken: ``bytes`` arguments as arrays of byte values, with the checks that wrap them folded
(:mod:`._numba_bytes`); ``array.array`` arguments of doubles or int64 written in place; strings passed on to module
helpers, and self-contained helpers imported from a sibling module (:mod:`._numba_imports`); a warning or logging
prologue, run by the wrapper in Python (:mod:`._numba_prefix`); any ``raise`` (:mod:`._numba_prepare`); local 2-D
tables used element by element, as 2-D arrays (:mod:`._numba_tables`).

The wrapper (:mod:`perfkit.optimizers._numba_source`) converts each argument exactly or hands the call to a renamed
copy of the original: ints within int64 are taken (every integer operation of the kernel is checked, and one that
would leave int64 hands the call to the original: :mod:`perfkit.optimizers._numba_ints`); a rectangular, non-empty
list of all-int or all-float (finite) elements becomes an int64/float64 array; ragged rows, mixed numbers, ints past
int64, empty lists, shared rows and tuples the kernel would write into go to the original. The kernel's changes to
an argument are written back into the caller's lists and rows; a kernel that raises, and an output holding NaN, hand
the call to the original; math functions raise where Python's do; the kernel runs with bounds checks. Before
offering it, the proposer compiles the candidate on sample inputs in a child process and reads numba's typing
(:func:`widened_ints`): a kernel that would store a float into an int array or a bool as a number is dropped, and
where an int became a float, a float output that is a whole number is recomputed by the original (and ints past
2**31, elements past 2**20, go to the original, since numba's float may round an int Python keeps exact).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._numba_flags import flags_fixed, guard
from perfkit.optimizers._numba_kinds import classify, numeric_kinds, result_kind, shape_of, text_params, why_not_numeric
from perfkit.optimizers._numba_scan import Refused
from perfkit.optimizers._numba_source import _PRELUDE as PRELUDE
from perfkit.optimizers._numba_source import build_source, candidate_source
from perfkit.optimizers._numba_strings import string_candidate, string_result
from perfkit.optimizers._numba_text import text_candidate, text_function
from perfkit.optimizers._types import Candidate, Context

__all__ = [
    "NumbaProposer",
    "build_source",
    "candidate_source",
    "classify",
    "compile_check",
    "numeric_kinds",
    "result_kind",
    "shape_of",
    "text_params",
    "widened_ints",
]
_COMPILE_TIMEOUT = 120.0


class NumbaProposer:
    """One ``numba.njit`` candidate for numeric functions, compiled on sample inputs before it is offered."""

    name = "numba"

    def __init__(self, *, check_compile: bool = True) -> None:
        self.check_compile = check_compile
        self.rejections: list[str] = []

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """The jitted candidate, or nothing (the reason lands in ``self.rejections``)."""
        if context.round > 1 or n < 1:
            return []
        found = _string_kernel(context) if string_result(context) else _kernel_context(context)
        if isinstance(found, str) and text_function(context):  # strings used as data (:mod:`._numba_text`)
            text = _text_kernel(context)
            if isinstance(text, str):
                self.rejections.append(f"{context.name}: as text: {text}")
            else:
                found = text
        if isinstance(found, str):
            self.rejections.append(f"{context.name}: {found}")
            return []
        original = context.source
        context, kinds, fixed, source = found
        note = "numba.njit kernel with list/str→array boundary"
        if fixed:
            note += f"; for calls with {guard(fixed)} (others run the original)"
        if self.check_compile:
            problem, widened = compile_check(CodeRef(context.module_name, context.name, source), context)
            if problem:
                self.rejections.append(f"{context.name}: {problem}")
                return []
            if widened and not kinds:  # a string kernel holds no floats: numba made one where Python does not
                self.rejections.append(f"{context.name}: numba made an int a float ({', '.join(widened[:3])})")
                return []
            if widened:  # the kernel is the same; the wrapper also checks for whole floats
                source = candidate_source(context, kinds, whole_floats=True, fixed=fixed, original=original)
                note += f"; whole-number floats go to the original ({', '.join(widened[:3])})"
                # compiled once more, from its own file: numba's disk cache then serves the verifier's processes
                problem, _ = compile_check(CodeRef(context.module_name, context.name, source), context)
                if problem:
                    self.rejections.append(f"{context.name}: {problem}")
                    return []
        return [Candidate(source, self.name, note)]


def _string_kernel(context: Context) -> tuple[Context, dict[str, str], dict[str, Any], str] | str:
    """A kernel that returns a string as code points (:mod:`._numba_strings`), or why there is none."""
    try:
        return context, {}, {}, string_candidate(context, prelude=PRELUDE)
    except Refused as exc:
        return str(exc)


def _text_kernel(context: Context) -> tuple[Context, dict[str, str], dict[str, Any], str] | str:
    """A kernel on strings as code-point arrays (:mod:`._numba_text`), or why there is none."""
    try:
        return context, {}, {}, text_candidate(context, prelude=PRELUDE)
    except Refused as exc:
        return str(exc)


def _kernel_context(context: Context) -> tuple[Context, dict[str, str], dict[str, Any], str] | str:
    """(The context the kernel is made from, the boundary kinds, flags fixed at their defaults, the candidate), or
    why there is none: the function as it stands, else with its flags fixed (:mod:`._numba_flags`)."""
    kinds = numeric_kinds(context)
    try:
        if kinds is not None:
            return context, kinds, {}, candidate_source(context, kinds)
        problem = why_not_numeric(context)
    except Refused as exc:
        problem = str(exc)
    specialised = flags_fixed(context.source, context.name)
    if specialised is None:
        return problem
    source, fixed = specialised
    narrowed = replace(context, source=source)
    kinds = numeric_kinds(narrowed)
    if kinds is None:
        return problem
    try:
        return narrowed, kinds, fixed, candidate_source(narrowed, kinds, fixed=fixed, original=context.source)
    except Refused:
        return problem


def compile_check(candidate: CodeRef, context: Context) -> tuple[str | None, list[str]]:
    """Compile and run ``candidate`` on the sample inputs in a child: the problem (None when numba took them) and
    the places where numba made an int or bool a float (see :func:`widened_ints`)."""
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    samples = list(context.sample_inputs[:2])
    try:
        with Child("perfkit.optimizers.numba_jit:_compile_child", {"ref": candidate, "inputs": samples}) as child:
            message = child.recv(timeout=_COMPILE_TIMEOUT)
    except ChildTimeout:
        return "numba did not compile it in time", []
    except ChildDied as exc:
        return f"compiling crashed: {exc.describe()}", []
    if message["kind"] in ("crash", "numba error"):
        return f"numba cannot compile it: {message['type']}: {message['message']}", []
    if not message["compiled"]:
        return "numba compiled no version for the sample inputs (they take the fallback)", []
    refused = [place for place in message["widened"] if place.startswith("stores")]
    if refused:
        return f"numba would change a number's type where Python does not: {'; '.join(refused[:2])}", []
    return None, list(message["widened"])


def _compile_child(payload: dict[str, Any], emit: Any) -> None:
    ref: CodeRef = payload["ref"]
    func = ref.load()
    kernel = func.__globals__[f"_pk_jit_{ref.name}"]
    failures: list[BaseException] = []

    def spy(*args: Any) -> Any:  # the wrapper hands a failing kernel to the original; numba's own errors count here
        try:
            return kernel(*args)
        except Exception as exc:
            if type(exc).__module__.startswith("numba"):
                failures.append(exc)
            raise

    func.__globals__[f"_pk_jit_{ref.name}"] = spy
    for args, kwargs in payload["inputs"]:
        with contextlib.suppress(Exception):  # the original's own exceptions are fine; numba's are recorded
            func(*args, **kwargs)
        if failures:
            lines = [line.strip() for line in str(failures[0]).splitlines()]
            skip = ("Failed in ", "<source elided>", "File ", "During:", "^", "")
            shown = [line for line in lines if not line.startswith(skip)][:2]
            emit({"kind": "numba error", "type": type(failures[0]).__name__, "message": " / ".join(shown)})
            return
    dispatchers = [v for k, v in func.__globals__.items() if k.startswith("_pk_nb_") or k == f"_pk_jit_{ref.name}"]
    widened = [place for d in [kernel, *dispatchers] if hasattr(d, "overloads") for place in widened_ints(d)]
    emit({"kind": "compiled", "compiled": bool(kernel.signatures), "widened": sorted(set(widened))})


def widened_ints(dispatcher: Any) -> list[str]:
    """Where numba's typing changes a number's type where Python would not: an int made a float (a variable
    Python keeps as an int on some path, ``total = 0`` that later meets a float; an int stored into a float array
    or list; an int returned where other paths return floats), reported by name; and, reported as ``"stores ..."``
    (the candidate cannot be exact), a float stored into an int array (numba truncates it, Python's list keeps
    it) or a bool made a number (Python keeps ``True``)."""
    from numba.core import ir, types

    def change(source: Any, target: Any) -> str:
        source = types.unliteral(source)
        if isinstance(source, types.Boolean) and isinstance(target, types.Integer | types.Float):
            return "stores a bool as a number"
        if isinstance(source, types.Float) and isinstance(target, types.Integer):
            return "stores a float into ints"
        return "widens" if isinstance(source, types.Integer) and isinstance(target, types.Float) else ""

    places = []
    compiled_versions = list(dispatcher.overloads.values())
    if any(not hasattr(c.type_annotation, "typemap") for c in compiled_versions):  # loaded from numba's cache
        import numba

        fresh = numba.njit(dispatcher.py_func)
        for signature in dispatcher.signatures:
            fresh.compile(signature)
        compiled_versions = list(fresh.overloads.values())
    for compiled in compiled_versions:
        annotation = compiled.type_annotation
        typemap = annotation.typemap
        for block in annotation.blocks.values():
            for stmt in block.body:
                pair = None
                if isinstance(stmt, ir.Assign):
                    value = stmt.value
                    if isinstance(value, ir.Expr) and value.op == "cast":
                        value = value.value
                    if isinstance(value, ir.Var) and value.name in typemap and stmt.target.name in typemap:
                        pair = typemap[value.name], typemap[stmt.target.name]
                elif isinstance(stmt, ir.SetItem | ir.StaticSetItem) and stmt.value.name in typemap:
                    container = typemap.get(stmt.target.name)
                    pair = typemap[stmt.value.name], getattr(container, "dtype", None)
                kind = change(*pair) if pair is not None else ""
                name = stmt.target.name.split(".")[0] if kind else ""
                if kind.startswith("stores"):
                    places.append(f"{kind} ({name} at line {stmt.loc.line})")
                elif kind:
                    places.append("the result" if name.startswith("$") else name)
            for stmt in block.body:  # list.append(int) / insert(i, int) on a list of floats
                if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Expr) and stmt.value.op == "call":
                    callee = typemap.get(stmt.value.func.name)
                    if isinstance(callee, types.BoundFunction) and isinstance(callee.this, types.List):
                        item = callee.this.dtype
                        kinds = {change(typemap[a.name], item) for a in stmt.value.args if a.name in typemap}
                        places += [f"{kind} ({callee.typing_key})" for kind in kinds if kind.startswith("stores")]
                        places += [f"{callee.typing_key} of an int" for kind in kinds if kind == "widens"]
    return places
