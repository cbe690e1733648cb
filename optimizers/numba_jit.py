"""The numba proposer: a ``numba.njit`` copy of a numeric function behind a boundary that keeps its signature.

It fires for functions whose arguments (as seen in the inputs) are numbers, lists or tuples of numbers (1-D),
lists of lists or of tuples of numbers (2-D, e.g. a matrix, a DP table, points as ``(x, y)``), tuples mixing
numbers and such lists (``(i, u)``), and strings used only as characters to compare (see :func:`text_params`);
and whose results are numbers, None, or lists/tuples of numbers (nested once). Module functions the kernel calls
compile with it as ``_pk_nb_<name>`` (see :mod:`perfkit.optimizers._numba_scan`, which also refuses uses where an
array would not behave like the list it replaces); module number constants are frozen by numba.

The wrapper converts each argument exactly or hands the call to a renamed copy of the original: a rectangular,
non-empty list of all-int (within ±2**20) or all-float (no NaN) elements becomes an int64/float64 array; anything
else (ragged rows, mixed or huge numbers, empty lists, rows shared between places the kernel writes to, tuples it
would write into) goes to the original. Changes the kernel makes to an argument are written back into the caller's
lists (and rows) after the call; a kernel that raises hands the call to the original, so the caller sees the
original's exception and partial changes; a float result that is a whole number is recomputed by the original
(numba makes an int that meets a float a float). The kernel runs with bounds checks. Before offering it, the
proposer compiles the candidate on sample inputs in a child process and drops it when numba cannot compile it.
"""

from __future__ import annotations

import ast
import contextlib
import textwrap
from typing import Any

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._numba_scan import ModuleFacts, Refused, Shape, scan, tested
from perfkit.optimizers._types import Candidate, Context

_SCALARS = {"int", "float", "bool"}
_NUMBERS = frozenset({"int", "float"})
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_INT_LIMIT = 2**20  # elements; scalars may reach 2**31 (keeps sums and products of a few inside int64)
_COMPILE_TIMEOUT = 120.0
_RANKS = {"array": 1, "matrix": 2, "text": 1}
_REDUCERS = frozenset({"sum", "min", "max", "any", "all", "sorted", "list"})
_TRUTHS = {"all": ("not x", "False", "True"), "any": ("x", "True", "False")}  # numba lacks these builtins
_DOMAINS = {  # math functions that raise ValueError outside these bounds, where numba returns NaN
    "sqrt": "x < 0",
    "log": "x <= 0",
    "log2": "x <= 0",
    "log10": "x <= 0",
    "log1p": "x <= -1",
    "acos": "x < -1 or x > 1",
    "asin": "x < -1 or x > 1",
    "acosh": "x < 1",
    "atanh": "x <= -1 or x >= 1",
}

Parsed = tuple[str, list[list[Any]]]  # ("list", [alternatives of position 0, ...]); alternatives are Parsed


def parse_description(description: str) -> Parsed:
    """``"list[tuple[int, float] | list[]]"`` as ``("list", [[("tuple", [[("int", [])], [("float", [])]]),
    ("list", [])]])``: a type name and, per position, its alternatives."""
    parsed, end = _parse_at(description, 0)
    return parsed if end == len(description) else ("?", [])


def _parse_at(text: str, i: int) -> tuple[Parsed, int]:
    j = i
    while j < len(text) and (text[j].isalnum() or text[j] == "_"):
        j += 1
    name, positions = text[i:j], []
    if j < len(text) and text[j] == "[":
        j += 1
        alternatives: list[Any] = []
        while j < len(text) and text[j] != "]":
            item, j = _parse_at(text, j)
            alternatives.append(item)
            if text.startswith(" | ", j):
                j += 3
            elif text.startswith(", ", j):
                positions.append(alternatives)
                alternatives, j = [], j + 2
        if alternatives:
            positions.append(alternatives)
        j += 1
    return (name, positions), j


def _is_numbers(parsed: Parsed) -> bool:
    """A list/tuple of ints and floats (or empty)."""
    name, positions = parsed
    return name in ("list", "tuple") and all(alt[0] in _NUMBERS and not alt[1] for p in positions for alt in p)


def classify(description: str) -> str:
    """The boundary kind of one seen type: scalar, array, matrix, record(...), text, empty, or other."""
    parsed = parse_description(description)
    name, positions = parsed
    if name in _SCALARS and not positions:
        return "scalar"
    if name == "str":
        return "text"
    if name not in ("list", "tuple"):
        return "other"
    if not positions:
        return "empty"
    if name == "tuple" and len(positions) > 1:  # a fixed-arity tuple: numbers, or numbers and lists of numbers
        items = []
        for position in positions:
            kinds = {classify(_unparse(alt)) for alt in position}
            kinds = kinds - {"empty"} or kinds  # an empty list inside: its kind comes from other calls
            if len(kinds) != 1 or not kinds <= {"scalar", "array", "empty"}:
                return "other"
            items.append(kinds.pop())
        return f"record({','.join(items)})"
    if _is_numbers(parsed):
        return "array"
    alternatives = positions[0]
    if all(alt[0] in ("list", "tuple") and _is_numbers(alt) for alt in alternatives):
        return "matrix"
    return "other"


def _unparse(parsed: Parsed) -> str:
    name, positions = parsed
    if not positions:
        return name if name not in ("list", "tuple") else f"{name}[]"
    inner = ", ".join(" | ".join(_unparse(alt) for alt in position) for position in positions)
    return f"{name}[{inner}]"


def numeric_kinds(context: Context) -> dict[str, str] | None:
    """``{param: kind}`` (see :func:`classify`) when every parameter has numba-friendly seen types, else None."""
    kinds = {}
    texts = text_params(context)
    for name in context.params:
        seen = _merged({classify(d) for d in context.arg_types.get(name, frozenset())} - {"empty"})
        if len(seen) != 1 or "other" in seen or (seen == {"text"} and name not in texts):
            return None
        kinds[name] = seen.pop()
    if result_kind(context) is None:
        return None
    return kinds


def _merged(kinds: set[str]) -> set[str]:
    """Tuple kinds of one arity merged item by item, an empty list's item taking the others' kind
    (``record(scalar,empty)`` and ``record(scalar,array)`` are one ``record(scalar,array)``)."""
    records = {k for k in kinds if k.startswith("record(")}
    if len(records) < 2:
        return {k.replace("empty", "array") for k in kinds}
    columns = list(zip(*(k[len("record(") : -1].split(",") for k in records), strict=False))
    if len({len(k.split(",")) for k in records}) != 1:
        return {"other"}
    items = []
    for column in columns:
        known = set(column) - {"empty"}
        if len(known) > 1:
            return {"other"}
        items.append(known.pop() if known else "array")
    return (kinds - records) | {f"record({','.join(items)})"}


def shape_of(kind: str) -> Shape:
    """The shape :func:`perfkit.optimizers._numba_scan.scan` follows for a boundary kind."""
    if kind.startswith("record("):
        return tuple(_RANKS.get(item, 0) for item in kind[len("record(") : -1].split(","))
    return _RANKS.get(kind, 0)


def result_kind(context: Context) -> str | None:
    """``"scalar"`` (one scalar type, or ints and floats: a float that is a whole number then goes to the
    original), ``"none"``, ``"value"`` (numbers, lists and tuples of them, nested once, each list of one element
    type), or None when numba cannot return it exactly."""
    types = context.return_types
    if (len(types) == 1 and types <= _SCALARS) or types == _NUMBERS:
        return "scalar"
    if types == {"NoneType"}:
        return "none"
    if not types or types & _SCALARS or all(_empty_inside(parse_description(d)) for d in types):
        return None
    for description in types:
        name, positions = parse_description(description)
        if name == "list" and len(positions) == 1 and len(positions[0]) == 1:
            (inner,) = positions[0]
            if (inner[0] in _NUMBERS and not inner[1]) or (inner[0] in ("list", "tuple") and _homogeneous(inner)):
                continue
        elif name == "tuple" and all(len(p) == 1 and p[0][0] in _SCALARS and not p[0][1] for p in positions):
            continue
        if not _empty_inside(parse_description(description)):
            return None
    return "value"


def _empty_inside(parsed: Parsed) -> bool:
    """An empty list or tuple, or one holding only such (``list[list[]]``, the result for empty rows)."""
    name, positions = parsed
    return name in ("list", "tuple") and all(_empty_inside(alt) for p in positions for alt in p)


def _homogeneous(parsed: Parsed) -> bool:
    """A list whose elements are of one number type, or a tuple of numbers (one type per position)."""
    name, positions = parsed
    if not positions or not all(len(p) == 1 and p[0][0] in _NUMBERS and not p[0][1] for p in positions):
        return False
    return name == "tuple" or len(positions) == 1


def text_params(context: Context) -> set[str]:
    """The parameters a string may be passed to as an array of code points without changing what the function does.

    That holds when the body has no string constants and uses the parameter only as ``len(p)`` and ``p[i]``
    (no slices), where each ``p[i]`` is compared (``==``, ``<``, ...) only with other such characters: a code point
    compares with a code point exactly as a one-character string with another.
    """
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        return set()
    _, func = parsed
    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    nodes = [node for stmt in body for node in ast.walk(stmt)]
    if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in nodes):
        return set()
    parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
    names = {a.arg for a in func.args.args}
    chars = {
        id(n)
        for n in nodes
        if isinstance(n, ast.Subscript)
        and isinstance(n.value, ast.Name)
        and n.value.id in names
        and not isinstance(n.slice, ast.Slice)
    }
    ok = set(names)
    for node in nodes:
        if not (isinstance(node, ast.Name) and node.id in names):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Call) and t.is_call(parent, "len", 1) and parent.args[0] is node:
            continue
        if isinstance(parent, ast.Subscript) and id(parent) in chars and parent.value is node:
            compare = parents.get(id(parent))
            if (
                isinstance(compare, ast.Compare)
                and all(isinstance(op, _COMPARISONS) for op in compare.ops)
                and all(id(side) in chars for side in [compare.left, *compare.comparators])
            ):
                continue
        ok.discard(node.id)
    return ok


_PRELUDE = '''import math as _pk_math
from itertools import chain as _pk_chain_lists

import numba as _pk_numba
import numpy as _pk_np


def _pkb_njit(func):
    """numba.njit with bounds checks (an index out of range raises IndexError, as on a list)."""
    try:  # numba keeps the machine code beside the module, so later runs of the program do not compile again
        return _pk_numba.njit(cache=True, boundscheck=True)(func)
    except RuntimeError:  # no file to keep it beside (the source was run from a string)
        return _pk_numba.njit(boundscheck=True)(func)


def _pkb_scalar(value):
    """The number as numba takes it, or None: ints past 2**31, NaN, infinities and other types go to the original."""
    kind = type(value)
    if kind is bool or (kind is int and -LIMIT31 <= value <= LIMIT31) or (kind is float and _pk_math.isfinite(value)):
        return value
    return None


def _pkb_array(value, rank, writable):
    """A non-empty list (a tuple when not written to) of numbers as an int64/float64 array of ``rank``
    dimensions, or None when that is not exact: ragged, mixed, huge or non-finite elements, or shared rows."""
    kinds = (list,) if writable else (list, tuple)
    if type(value) not in kinds or not value or len(value) > LIMIT20:
        return None
    if rank == 2:
        row_kind = type(value[0])
        width = len(value[0]) if row_kind in kinds else 0
        if not width or len(value) * width > LIMIT20:
            return None
        if set(map(type, value)) != {row_kind} or set(map(len, value)) != {width}:
            return None
        if writable and len(set(map(id, value))) != len(value):
            return None
        flat, shape = list(_pk_chain_lists.from_iterable(value)), (len(value), width)
    else:
        flat, shape = value, (len(value),)
    seen = set(map(type, flat))
    if seen == {float}:
        array = _pk_np.fromiter(flat, dtype=_pk_np.float64, count=len(flat)).reshape(shape)
        return array if _pk_np.isfinite(array).all() else None
    if seen == {int}:
        try:
            array = _pk_np.fromiter(flat, dtype=_pk_np.int64, count=len(flat)).reshape(shape)
        except OverflowError:
            return None
        return array if -LIMIT20 <= array.min() and array.max() <= LIMIT20 else None
    return None


def _pkb_record(value, ranks):
    """A tuple of numbers and lists of numbers, each converted, or None."""
    if type(value) is not tuple or len(value) != len(ranks):
        return None
    items = tuple(_pkb_array(v, r, False) if r else _pkb_scalar(v) for v, r in zip(value, ranks))
    return None if any(item is None for item in items) else items


def _pkb_shared(*values):
    """Whether a list appears twice among the arguments and their rows (a write through one would show in both)."""
    lists = [v for value in values if type(value) is list for v in (value, *value) if type(v) is list]
    return len({id(v) for v in lists}) != len(lists)


def _pkb_write(target, array):
    """The kernel's changes copied into the caller's list and its rows, keeping every list object."""
    if array.ndim == 1:
        target[:] = array.tolist()
    else:
        for row, values in zip(target, array.tolist()):
            row[:] = values


def _pkb_suspect(value, whole):
    """Whether an output holds NaN (Python would have raised or made a complex number) or, with ``whole``, a
    float that is a whole number (where numba made an int a float, Python may have kept the int)."""
    if isinstance(value, _pk_np.ndarray):
        if value.dtype.kind != "f":
            return False
        return bool(_pk_np.isnan(value).any() or (whole and (value == _pk_np.floor(value)).any()))
    if type(value) is float:
        return value != value or (whole and value.is_integer())
    if type(value) in (list, tuple):
        return any(_pkb_suspect(item, whole) for item in value)
    return False


def _pkb_back(result, *pairs):
    """The caller's own list when the kernel returned the array made from it; other results as they are."""
    if isinstance(result, _pk_np.ndarray):
        for caller, array in pairs:
            if result is array:
                return caller
    return result
'''.replace("LIMIT31", str(2**31)).replace("LIMIT20", str(_INT_LIMIT))
_TEXT = (
    "_pk_np.frombuffer({name}.encode('utf-32-le', 'surrogatepass'), dtype=_pk_np.uint32) "
    "if type({name}) is str else None"
)


def build_source(context: Context, kinds: dict[str, str], *, whole_floats: bool = False) -> str | None:
    """The candidate (see :func:`candidate_source`), or None when the function cannot be compiled as it runs."""
    try:
        return candidate_source(context, kinds, whole_floats=whole_floats)
    except Refused:
        return None


def candidate_source(context: Context, kinds: dict[str, str], *, whole_floats: bool = False) -> str:
    """The boundary helpers, the original renamed (the fallback), the helpers and kernel, and the typed wrapper.

    ``whole_floats``: numba typed a variable that Python may keep an int as a float (``total = 0`` meeting a
    float); any float output that is a whole number then hands the call to the original, which gives its type.
    Raises :class:`Refused` with the reason when the function or a helper cannot run the same way in numba.
    """
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        raise Refused("its source does not parse")
    _, func = parsed
    a = func.args
    if a.vararg or a.kwarg or t.has_nested_scopes(func):
        raise Refused("it takes *args or **kwargs, or has nested functions, classes or global statements")
    func.decorator_list, func.returns = [], None
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        arg.annotation = None
    module = ModuleFacts.of(context.module_source)
    found = scan(func, {name: shape_of(kind) for name, kind in kinds.items()}, module)
    renamed = {name: f"_pk_nb_{name}" for name in found.helpers}
    params = ", ".join(context.params)
    kernel, fallback = f"_pk_jit_{context.name}", f"_pk_py_{context.name}"
    lines = [_PRELUDE, "", f"def {fallback}({params}):", textwrap.indent(_body(func), "    "), "", ""]
    used: set[str] = set()
    compiled = []
    for name in found.helpers:
        tests = found.truth_tests.get(name, set())
        helper = _renamed(module.functions[name], renamed, tests, module.math_names, used, f"_pk_nb_{name}")
        compiled += [ast.unparse(helper), f"_pk_nb_{name} = _pkb_njit(_pk_nb_{name})", "", ""]
    own = _renamed(func, renamed, found.truth_tests.get(func.name, set()), module.math_names, used)
    for name in sorted(used & set(_TRUTHS)):
        test, found_value, otherwise = _TRUTHS[name]
        lines += [
            f"def _pkb_{name}(xs):",
            "    for x in xs:",
            f"        if {test}:",
            f"            return {found_value}",
        ]
        lines += [f"    return {otherwise}", "", "", f"_pkb_{name} = _pkb_njit(_pkb_{name})", "", ""]
    for name in sorted(used - set(_TRUTHS)):
        raises = '        raise ValueError("math domain error")'
        lines += [f"def _pkb_m_{name}(x):", f"    if {_DOMAINS[name]}:", raises, f"    return _pk_math.{name}(x)"]
        lines += ["", "", f"_pkb_m_{name} = _pkb_njit(_pkb_m_{name})", "", ""]
    lines += compiled
    if _body(own) != _body(func):
        lines += [f"def _pk_nb_{context.name}({params}):", textwrap.indent(_body(own), "    ")]
        lines += ["", "", f"{kernel} = _pkb_njit(_pk_nb_{context.name})", "", ""]
    else:
        lines += [f"{kernel} = _pkb_njit({fallback})", "", ""]
    lines += [f"def {context.name}({ast.unparse(a)}):"]
    call_fallback = f"return {fallback}({params})"
    converted = []
    for name, kind in kinds.items():
        if kind == "scalar":
            value = f"_pkb_scalar({name})"
        elif kind == "text":
            value = _TEXT.format(name=name)
        elif kind.startswith("record("):
            value = f"_pkb_record({name}, {shape_of(kind)!r})"
        else:
            value = f"_pkb_array({name}, {_RANKS[kind]}, {name in found.stores})"
        lines += [f"    _pka_{name} = {value}", f"    if _pka_{name} is None:", f"        {call_fallback}"]
        converted.append(f"_pka_{name}")
    arrays = [name for name, kind in kinds.items() if kind in ("array", "matrix")]
    if found.stores and len(arrays) > 1:
        lines += [f"    if _pkb_shared({', '.join(arrays)}):", f"        {call_fallback}"]
    lines += [
        "    try:",
        f"        _pk_result = {kernel}({', '.join(converted)})",
        "    except Exception:  # the original raises too: it gives the caller its exception and partial changes",
        f"        {call_fallback}",
    ]
    lines += _result_guard(context, call_fallback)
    written = [name for name in arrays if name in found.stores]
    whole = whole_floats or len(context.return_types & _NUMBERS) > 1
    outputs = ", ".join(["_pk_result", *(f"_pka_{name}" for name in written)])
    lines += [f"    if _pkb_suspect(({outputs},), {whole}):", f"        {call_fallback}"]
    for name in written:
        lines.append(f"    _pkb_write({name}, _pka_{name})")
    pairs = ", ".join(f"({name}, _pka_{name})" for name in arrays)
    lines.append(f"    return _pkb_back(_pk_result, {pairs})" if pairs else "    return _pk_result")
    return "\n".join(lines) + "\n"


def _result_guard(context: Context, call_fallback: str) -> list[str]:
    """Lines that hand the call to the original when the kernel's result type is not the original's."""
    kind = result_kind(context)
    if kind == "scalar":
        names = sorted(context.return_types)
        problem = f"type(_pk_result) not in ({', '.join(names)},)"
        if "int" in names:  # past this, int64 arithmetic may have wrapped around
            problem += f" or (type(_pk_result) is int and not -{2**62} < _pk_result < {2**62})"
        return [f"    if {problem}:", f"        {call_fallback}"]
    if kind == "none":
        return ["    if _pk_result is not None:", f"        {call_fallback}"]
    return []


def _body(func: ast.FunctionDef) -> str:
    return "\n".join(ast.unparse(s) for s in func.body)


def _renamed(
    func: ast.FunctionDef,
    renamed: dict[str, str],
    tests: set[str],
    math_names: dict[str, str],
    used: set[str],
    new_name: str | None = None,
) -> ast.FunctionDef:
    """A copy of ``func`` for the kernel: calls to module helpers use their compiled copies, a truth test of an
    array (``if xs:``, true for every list the boundary converts) reads ``len(xs) > 0``, and ``math.sqrt(x)``
    (and the other functions of ``_DOMAINS``) raise ValueError where Python's do (their names land in ``used``)."""
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    t.link_parents(copy)
    stored = {n.id for n in ast.walk(copy) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    local = set(t.params(copy)) | stored
    swap = {id(n) for n in ast.walk(copy) if isinstance(n, ast.Name) and n.id in tests and tested(n)}

    class Rewrite(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.expr:
            self.generic_visit(node)
            target = node.func
            if (  # sum(x * y for ...) -> sum([x * y for ...]): numba takes the list; an error a lazy generator
                # would not have reached hands the call to the original, which then does what Python does
                isinstance(target, ast.Name)
                and target.id in _REDUCERS
                and target.id not in local
                and len(node.args) == 1
                and isinstance(node.args[0], ast.GeneratorExp)
            ):
                node.args[0] = ast.ListComp(node.args[0].elt, node.args[0].generators)
            name = ""
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                if math_names.get(target.value.id) == "math" and target.value.id not in local:
                    name = target.attr
            elif isinstance(target, ast.Name) and target.id not in local:
                name = math_names.get(target.id, "")
            if name in _DOMAINS and len(node.args) == 1 and not node.keywords:
                used.add(name)
                node.func = ast.Name(f"_pkb_m_{name}", ast.Load())
            elif isinstance(target, ast.Name) and target.id in _TRUTHS and target.id not in local:
                used.add(target.id)
                node.func = ast.Name(f"_pkb_{target.id}", ast.Load())
            return node

        def visit_Name(self, node: ast.Name) -> ast.expr:
            if id(node) in swap:
                call = ast.Call(ast.Name("len", ast.Load()), [ast.Name(node.id, ast.Load())], [])
                return ast.Compare(call, [ast.Gt()], [ast.Constant(0)])
            if node.id in renamed and node.id not in local:
                node.id = renamed[node.id]
            return node

    copy = Rewrite().visit(copy)
    copy.decorator_list, copy.returns = [], None
    for arg in [*copy.args.posonlyargs, *copy.args.args, *copy.args.kwonlyargs]:
        arg.annotation = None
    if new_name:
        copy.name = new_name
    return ast.fix_missing_locations(copy)


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
        kinds = numeric_kinds(context)
        if kinds is None:
            self.rejections.append(f"{context.name}: {_why_not_numeric(context)}")
            return []
        try:
            source = candidate_source(context, kinds)
        except Refused as exc:
            self.rejections.append(f"{context.name}: {exc}")
            return []
        note = "numba.njit kernel with list/str→array boundary"
        if self.check_compile:
            problem, widened = compile_check(CodeRef(context.module_name, context.name, source), context)
            if problem:
                self.rejections.append(f"{context.name}: {problem}")
                return []
            if widened:  # the kernel is the same; the wrapper also checks for whole floats
                source = candidate_source(context, kinds, whole_floats=True)
                note += f"; whole-number floats go to the original ({', '.join(widened[:3])})"
        return [Candidate(source, self.name, note)]


def _why_not_numeric(context: Context) -> str:
    for name in context.params:
        seen = sorted(context.arg_types.get(name, frozenset()))
        kinds = _merged({classify(d) for d in seen} - {"empty"})
        if len(kinds) != 1 or "other" in kinds or (kinds == {"text"} and name not in text_params(context)):
            return f"argument {name} ({' | '.join(seen) or 'never seen'}) is not numbers numba can take exactly"
    return f"the result ({' | '.join(sorted(context.return_types)) or 'never seen'}) is not one numba returns exactly"


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
    """Where numba's typing made an int (or bool) a float, or a bool an int: a variable Python would keep as an
    int on some path (``total = 0`` that later meets a float), an int stored into a float array or list, an int
    returned where other paths return floats. Python keeps the int there; numba cannot."""
    from numba.core import ir, types

    def widens(source: Any, target: Any) -> bool:
        source = types.unliteral(source)
        if isinstance(source, types.Boolean):
            return isinstance(target, types.Integer | types.Float)
        return isinstance(source, types.Integer) and isinstance(target, types.Float)

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
                if pair is not None and widens(*pair):
                    name = stmt.target.name.split(".")[0]
                    places.append("the result" if name.startswith("$") else name)
            for stmt in block.body:  # list.append(int) / insert(i, int) on a list of floats
                if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Expr) and stmt.value.op == "call":
                    callee = typemap.get(stmt.value.func.name)
                    if isinstance(callee, types.BoundFunction) and isinstance(callee.this, types.List):
                        item = callee.this.dtype
                        if any(widens(typemap[a.name], item) for a in stmt.value.args if a.name in typemap):
                            places.append(f"{callee.typing_key} of an int")
    return places
