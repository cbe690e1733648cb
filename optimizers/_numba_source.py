"""The numba candidate's source: boundary helpers, the original renamed (the fallback), compiled helpers and kernel,
and the wrapper that converts each argument exactly or hands the call to the fallback.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import replace

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_arrays import PRELUDE as ARRAY_PRELUDE
from perfkit.optimizers._numba_arrays import array_names, local_arrays, same_type_test
from perfkit.optimizers._numba_bytes import PRELUDE as BYTES_PRELUDE
from perfkit.optimizers._numba_bytes import fold_bytes
from perfkit.optimizers._numba_flags import guard
from perfkit.optimizers._numba_flow import placeholder_rewrites
from perfkit.optimizers._numba_imports import module_facts
from perfkit.optimizers._numba_ints import PRELUDE as INT_PRELUDE
from perfkit.optimizers._numba_ints import checked_ints
from perfkit.optimizers._numba_kinds import (
    NUMBERS,
    RANKS,
    parse_description,
    result_kind,
    shape_of,
    text_analysis,
    text_helpers,
)
from perfkit.optimizers._numba_maps import defaultdicts_as_dicts
from perfkit.optimizers._numba_prefix import split_prologue
from perfkit.optimizers._numba_prepare import plain_raises, prepared
from perfkit.optimizers._numba_scan import ModuleFacts, Refused, scan, tested
from perfkit.optimizers._numba_tables import PRELUDE as TABLE_PRELUDE
from perfkit.optimizers._numba_tables import local_grids
from perfkit.optimizers._types import Context

_INT_LIMIT = 2**20  # lengths; and elements (scalars: 2**31) where numba made an int a float (see candidate_source)
_LENGTH_LIMIT = 2**25  # elements of an argument where ints are exact (memory: 256 MB as int64)
_EXACT_LIMIT = 2**63 - 1  # ints the kernel takes where its int operations are checked (_numba_ints)
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


_PRELUDE = (
    '''import array as _pk_array
import math as _pk_math
import warnings as _pk_warnings
from itertools import chain as _pk_chain_lists

import numba as _pk_numba
import numpy as _pk_np


def _pkb_njit(func):
    """numba.njit with bounds checks (an index out of range raises IndexError, as on a list)."""
    try:  # numba keeps the machine code beside the module, so later runs of the program do not compile again
        return _pk_numba.njit(cache=True, boundscheck=True)(func)
    except RuntimeError:  # no file to keep it beside (the source was run from a string)
        return _pk_numba.njit(boundscheck=True)(func)


def _pkb_call(kernel, *args):
    """The kernel's result; its first call compiles it, where numba's warning that a table's key type is not yet
    known (an empty dict read before its first store) is not for the program's user."""
    if getattr(kernel, "signatures", True):  # compiled already (or not a dispatcher)
        return kernel(*args)
    with _pk_warnings.catch_warnings():
        _pk_warnings.simplefilter("ignore", _pk_numba.core.errors.NumbaTypeSafetyWarning)
        return kernel(*args)


@_pkb_njit
def _pkb_same(a, b):
    """Whether two strings, as arrays of code points, are equal (``s1 == s2`` in the original)."""
    if len(a) != len(b):
        return False
    for i in range(len(a)):
        if a[i] != b[i]:
            return False
    return True


def _pkb_scalar(value, limit=LIMIT31, kinds=(bool, int, float)):
    """The number as numba takes it, or None: ints past ``limit``, NaN, infinities, types not in ``kinds`` (the
    types the candidate was compiled and checked for) and other types go to the original."""
    kind = type(value)
    if kind not in kinds:
        return None
    if kind is bool or (kind is int and -limit <= value <= limit) or (kind is float and _pk_math.isfinite(value)):
        return value
    return None


def _pkb_array(value, rank, writable, limit=LIMIT20, only=None):
    """A non-empty list (a tuple when not written to) of numbers as an int64/float64 array of ``rank``
    dimensions, or None when that is not exact: ragged, mixed, non-finite elements or ints past ``limit``, or
    shared rows. Lengths past 2**20 are taken only where ints are exact (``limit`` past 2**20)."""
    kinds = (list,) if writable else (list, tuple)
    if type(value) is _pk_array.array and rank == 1:
        if writable and value.typecode not in _PKB_WRITABLE_CODES:
            return None
        return _pkb_typed(value, limit)
    cap = LIMITLEN if limit > LIMIT20 else LIMIT20
    if type(value) not in kinds or not value or len(value) > cap:
        return None
    if rank == 2:
        row_kind = type(value[0])
        width = len(value[0]) if row_kind in kinds else 0
        if not width or len(value) * width > cap:
            return None
        if set(map(type, value)) != {row_kind} or set(map(len, value)) != {width}:
            return None
        if writable and len(set(map(id, value))) != len(value):
            return None
        flat, shape = list(_pk_chain_lists.from_iterable(value)), (len(value), width)
    else:
        flat, shape = value, (len(value),)
    seen = set(map(type, flat))
    if only is not None and seen != {only}:  # an element type the candidate was not compiled and checked for
        return None
    if seen == {float}:
        array = _pk_np.fromiter(flat, dtype=_pk_np.float64, count=len(flat)).reshape(shape)
        return array if _pk_np.isfinite(array).all() else None
    if seen == {int}:
        try:
            array = _pk_np.fromiter(flat, dtype=_pk_np.int64, count=len(flat)).reshape(shape)
        except OverflowError:
            return None
        return array if -limit <= array.min() and array.max() <= limit else None
    return None


_PKB_WRITABLE_CODES = "d" + "".join(c for c in "lq" if _pk_array.array(c).itemsize == 8)


def _pkb_typed(value, limit):
    """A non-empty ``array.array`` of ints or floats as an int64/float64 array (a copy), or None. One the kernel
    writes into must hold doubles or int64 (``_PKB_WRITABLE_CODES``): a store then keeps the value Python's array
    would keep (the kernel's ints never leave int64), and :func:`_pkb_write` copies the changes back."""
    cap = LIMITLEN if limit > LIMIT20 else LIMIT20
    if not value or len(value) > cap or value.typecode not in "bBhHiIlLqQfd":
        return None
    raw = _pk_np.frombuffer(value, dtype=value.typecode)
    if value.typecode in "fd":
        array = raw.astype(_pk_np.float64)
        return array if _pk_np.isfinite(array).all() else None
    if raw.dtype.kind == "u" and raw.max() > limit:
        return None
    array = raw.astype(_pk_np.int64)
    return array if -limit <= array.min() and array.max() <= limit else None


def _pkb_objects(value, nest, memo, writable, limits):
    """A non-empty list of records (tuples of numbers and lists of numbers, shaped like ``nest``) as a numba
    typed list of tuples of arrays, each list object converted once (``memo``: id -> (list, array)), so that
    lists shared between records or arguments stay shared; None when not exact or not of one type."""
    if type(value) is not list or not value or len(value) > LIMIT20:
        return None
    items = _pk_numba.typed.List()
    kinds = None
    for item in value:
        converted = _pkb_nest(item, nest, memo, writable, limits)
        if converted is None:
            return None
        kind = _pkb_kind_of(converted)
        if kinds is not None and kind != kinds:
            return None
        kinds = kind
        items.append(converted)
    return items


def _pkb_nest(value, nest, memo, writable, limits):
    if nest == 0:
        return _pkb_scalar(value, limits[0])
    if nest == 1:
        if writable and type(value) is not list:
            return None
        known = memo.get(id(value))
        if known is not None:
            return known[1] if known[0] is value else None
        array = _pkb_array(value, 1, writable, limits[1])
        if array is not None:
            memo[id(value)] = (value, array)
        return array
    if type(value) is not tuple or len(value) != len(nest):
        return None
    items = tuple(_pkb_nest(v, n, memo, writable, limits) for v, n in zip(value, nest))
    return None if any(item is None for item in items) else items


def _pkb_kind_of(value):
    if isinstance(value, tuple):
        return tuple(_pkb_kind_of(v) for v in value)
    return value.dtype.str if isinstance(value, _pk_np.ndarray) else type(value)


def _pkb_write_memo(memo):
    """The kernel's changes copied into every list inside the records (the same list objects)."""
    for target, array in memo.values():
        if type(target) is list:
            target[:] = array.tolist()


def _pkb_record(value, ranks, limits=(LIMIT31, LIMIT20)):
    """A tuple of numbers and lists of numbers, each converted (ints within ``limits``: scalars, elements), or
    None."""
    if type(value) is not tuple or len(value) != len(ranks):
        return None
    scalar, element = limits
    items = tuple(_pkb_array(v, r, False, element) if r else _pkb_scalar(v, scalar) for v, r in zip(value, ranks))
    return None if any(item is None for item in items) else items


def _pkb_shared(*values):
    """Whether a list (or an ``array.array``) appears twice among the arguments and their rows (a write through
    one would show in both)."""
    lists = [v for value in values if type(value) is list for v in (value, *value) if type(v) is list]
    lists += [value for value in values if type(value) is _pk_array.array]
    return len({id(v) for v in lists}) != len(lists)


def _pkb_write(target, array):
    """The kernel's changes copied into the caller's list and its rows (or ``array.array``), keeping every
    object."""
    if type(target) is _pk_array.array:
        _pk_np.frombuffer(target, dtype=target.typecode)[:] = array
    elif array.ndim == 1:
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
'''.replace("LIMIT31", str(2**31))
    .replace("LIMIT20", str(_INT_LIMIT))
    .replace("LIMITLEN", str(_LENGTH_LIMIT))
)
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


def candidate_source(
    context: Context,
    kinds: dict[str, str],
    *,
    whole_floats: bool = False,
    fixed: dict[str, object] | None = None,
    original: str | None = None,
) -> str:
    """The boundary helpers, the original renamed (the fallback), the helpers and kernel, and the typed wrapper.

    ``whole_floats``: numba typed a variable that Python may keep an int as a float (``total = 0`` meeting a
    float); any float output that is a whole number then hands the call to the original, which gives its type.
    ``fixed``: flags the kernel (``context.source``) takes at these values (:mod:`._numba_flags`); other calls go
    to the fallback, made from ``original`` (the function's own source). Raises :class:`Refused` with the reason
    when the function or a helper cannot run the same way in numba.
    """
    context, prologue = split_prologue(context)  # run by the wrapper, in Python (:mod:`._numba_prefix`)
    if original is not None:
        original, before = (lambda c, lines: (c.source, lines))(*split_prologue(replace(context, source=original)))
        if before != prologue:
            raise Refused("its warning prologue differs once its flags are fixed")
    parsed = t.parse_function(context.source, context.name)
    whole = t.parse_function(original, context.name) if original is not None else parsed
    if parsed is None or whole is None:
        raise Refused("its source does not parse")
    _, func = parsed
    fallback_body = _body(whole[1])
    a = func.args
    if a.vararg or a.kwarg or t.has_nested_scopes(func):
        raise Refused("it takes *args or **kwargs, or has nested functions, classes or global statements")
    func.decorator_list, func.returns = [], None
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        arg.annotation = None
    module = prepared(module_facts(context))
    aliases = builtin_aliases(func, context.module_source)
    texts = {name for name, kind in kinds.items() if kind == "text"}
    kernel_func = _known_types(plain_raises(func), texts)
    module = _text_helpers(module, kernel_func, texts, text_helpers(context) if texts else {})
    kernel_func, module = fold_bytes(kernel_func, {name for name, kind in kinds.items() if kind == "bytes"}, module)
    kernel_func = local_grids(placeholder_rewrites(_with_builtins(kernel_func, aliases)))
    kernel_func = defaultdicts_as_dicts(kernel_func, text_analysis(context)[1] if "text" in kinds.values() else set())
    array_types, array_modules = array_names(context.module_source)
    kernel_func, arrays_used = local_arrays(kernel_func, types=array_types, modules=array_modules)
    kernel_func.args.defaults = []  # the wrapper passes every argument: defaults (bodies=SYSTEM) are its own
    kernel_func.args.kw_defaults = [None] * len(kernel_func.args.kwonlyargs)
    found = scan(kernel_func, {name: shape_of(kind) for name, kind in kinds.items()}, module)
    renamed = {name: f"_pk_nb_{name}" for name in found.helpers}
    params = ", ".join(context.params)
    kernel, fallback = f"_pk_jit_{context.name}", f"_pk_py_{context.name}"
    lines = [
        _PRELUDE,
        INT_PRELUDE,
        ARRAY_PRELUDE,
        BYTES_PRELUDE,
        TABLE_PRELUDE,
        "",
        f"def {fallback}({params}):",
        textwrap.indent(fallback_body, "    "),
        "",
        "",
    ]
    used: set[str] = set()
    compiled = []
    for name in found.helpers:
        tests = found.truth_tests.get(name, set())
        helper = _renamed(module.functions[name], renamed, tests, module.math_names, used, f"_pk_nb_{name}")
        compiled += [ast.unparse(helper), f"_pk_nb_{name} = _pkb_njit(_pk_nb_{name})", "", ""]
    own = _renamed(kernel_func, renamed, found.truth_tests.get(func.name, set()), module.math_names, used)
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
    if _body(own) != fallback_body:
        lines += [f"def _pk_nb_{context.name}({params}):", textwrap.indent(_body(own), "    ")]
        lines += ["", "", f"{kernel} = _pkb_njit(_pk_nb_{context.name})", "", ""]
    else:
        lines += [f"{kernel} = _pkb_njit({fallback})", "", ""]
    lines += [f"def {context.name}({ast.unparse(a)}):", *(f"    {line}" for line in prologue)]
    call_fallback = f"return {fallback}({params})"
    if aliases:  # the kernel calls the builtin itself: only while the imported name really is that builtin
        same = " and ".join(f"{alias} is {builtin}" for alias, builtin in sorted(aliases.items()))
        lines += [f"    if not ({same}):", f"        {call_fallback}"]
    if fixed:  # the kernel was made for these flag values
        lines += [f"    if not ({guard(fixed)}):", f"        {call_fallback}"]
    if any(arrays_used):  # the kernel builds numpy arrays where the original calls array.array
        lines += [f"    if not ({same_type_test(*arrays_used)}):", f"        {call_fallback}"]
    converted = []
    limits = (2**31, _INT_LIMIT) if whole_floats else (_EXACT_LIMIT, _EXACT_LIMIT)
    objects = [name for name, kind in kinds.items() if kind.startswith("objects:")]
    if objects:
        lists = [kind for kind in kinds.values() if kind in ("array", "matrix") or kind.startswith("record(")]
        if lists and found.stores:
            raise Refused("it writes into lists of records and takes other lists (their sharing is not followed)")
        if result_kind(context) not in ("scalar", "none"):
            raise Refused("it takes lists of records and returns more than a number")
        lines.append("    _pk_memo = {}  # every list inside the records, once: shared lists stay shared")
    for name, kind in kinds.items():
        if kind.startswith("objects:"):
            value = f"_pkb_objects({name}, {shape_of(kind).item!r}, _pk_memo, {name in found.stores}, {limits})"  # type: ignore[union-attr]
        elif kind == "scalar":
            value = f"_pkb_scalar({name}, {limits[0]}, ({''.join(f'{k}, ' for k in _seen_numbers(context, name))}))"
        elif kind == "text":
            value = _TEXT.format(name=name)
        elif kind == "bytes":
            if name in found.stores:
                raise Refused(f"it stores into the bytes {name} (Python raises there)")
            value = f"_pkb_bytes({name})"
        elif kind.startswith("record("):
            value = f"_pkb_record({name}, {shape_of(kind)!r}, {limits})"
        else:
            only = _seen_numbers(context, name)
            element = only[0] if len(only) == 1 and only[0] != "bool" else None
            value = f"_pkb_array({name}, {RANKS[kind]}, {name in found.stores}, {limits[1]}, {element})"
        lines += [f"    _pka_{name} = {value}", f"    if _pka_{name} is None:", f"        {call_fallback}"]
        converted.append(f"_pka_{name}")
    arrays = [name for name, kind in kinds.items() if kind in ("array", "matrix")]
    if found.stores and len(arrays) > 1:
        lines += [f"    if _pkb_shared({', '.join(arrays)}):", f"        {call_fallback}"]
    lines += [
        "    try:",
        f"        _pk_result = _pkb_call({kernel}, {', '.join(converted)})",
        "    except Exception:  # the original raises too: it gives the caller its exception and partial changes",
        f"        {call_fallback}",
    ]
    lines += _result_guard(context, call_fallback)
    written = [name for name in arrays if name in found.stores]
    whole = whole_floats or len(context.return_types & NUMBERS) > 1
    outputs = ", ".join(["_pk_result", *(f"_pka_{name}" for name in written)])
    if any(name in found.stores for name in objects):
        outputs += ", *(array for _, array in _pk_memo.values())"
    lines += [f"    if _pkb_suspect(({outputs},), {whole}):", f"        {call_fallback}"]
    for name in written:
        lines.append(f"    _pkb_write({name}, _pka_{name})")
    if any(name in found.stores for name in objects):
        lines.append("    _pkb_write_memo(_pk_memo)")
    pairs = ", ".join(f"({name}, _pka_{name})" for name in arrays)
    lines.append(f"    return _pkb_back(_pk_result, {pairs})" if pairs else "    return _pk_result")
    return "\n".join(lines) + "\n"


def _text_helpers(
    module: ModuleFacts, func: ast.FunctionDef, texts: set[str], helpers: dict[str, tuple[set[str], set[str]]]
) -> ModuleFacts:
    """``module`` with each helper the kernel passes strings to rewritten for code points as the kernel is
    (:func:`_known_types`, character-keyed tables as dicts). Every call of such a helper, from the kernel or from
    another such helper, must pass strings in the same places: the helper is compiled once."""
    if not helpers:
        return module
    functions = dict(module.functions)
    callers = [(func, texts)] + [(functions[name], params) for name, (params, _) in helpers.items()]
    for caller, strings in callers:
        for call in ast.walk(caller):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers):
                continue
            names = [a.arg for a in functions[call.func.id].args.args]
            bound = dict(zip(names, call.args, strict=False)) | {k.arg: k.value for k in call.keywords if k.arg}
            given = {p for p, arg in bound.items() if isinstance(arg, ast.Name) and arg.id in strings}
            if given != helpers[call.func.id][0]:
                raise Refused(f"helper {call.func.id} gets strings at one place and other values at another")
    for name, (params, maps) in helpers.items():
        functions[name] = defaultdicts_as_dicts(_known_types(functions[name], params), maps)
    return replace(module, functions=functions)


def _seen_numbers(context: Context, name: str) -> list[str]:
    """The number types (``bool``, ``int``, ``float``) seen in the parameter's values, at any depth: the boundary
    takes only these, since numba compiles a new version for another type, one the compile check never read (a
    float list copied into an int list would be truncated)."""
    found: set[str] = set()

    def walk(parsed: tuple[str, list[list[object]]]) -> None:
        kind, positions = parsed
        if kind in ("bool", "int", "float") and not positions:
            found.add(kind)
        for position in positions:
            for alternative in position:
                walk(alternative)  # type: ignore[arg-type]

    for description in context.arg_types.get(name, frozenset()):
        walk(parse_description(description))
    return sorted(found) or ["bool", "float", "int"]


def _result_guard(context: Context, call_fallback: str) -> list[str]:
    """Lines that hand the call to the original when the kernel's result type is not the original's."""
    kind = result_kind(context)
    if kind == "scalar":
        names = sorted(context.return_types)
        problem = f"type(_pk_result) not in ({', '.join(names)},)"
        return [f"    if {problem}:", f"        {call_fallback}"]
    if kind == "none":
        return ["    if _pk_result is not None:", f"        {call_fallback}"]
    return []


def _known_types(func: ast.FunctionDef, texts: set[str]) -> ast.FunctionDef:
    """A copy of ``func`` where ``isinstance(p, str)`` is True and ``isinstance(p, bytes)`` False for the string
    parameters ``texts`` (the boundary converts only ``str``), and ``if`` branches that can no longer run are
    dropped (``if isinstance(s, bytes): raise TypeError(MESSAGE)`` leaves no global behind)."""
    if not texts:
        return func

    def known(node: ast.expr) -> bool | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = known(node.operand)
            return None if inner is None else not inner
        if isinstance(node, ast.BoolOp):
            values = [known(v) for v in node.values]
            if isinstance(node.op, ast.Or):
                return True if True in values else (False if all(v is False for v in values) else None)
            return False if False in values else (True if all(v is True for v in values) else None)
        return None

    class Fold(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.expr:
            self.generic_visit(node)
            if t.is_call(node, "isinstance", 2) and isinstance(node.args[0], ast.Name) and node.args[0].id in texts:
                kind = node.args[1]
                if isinstance(kind, ast.Name) and kind.id in ("str", "bytes"):
                    return ast.Constant(kind.id == "str")
            return node

        def visit_Compare(self, node: ast.Compare) -> ast.expr:
            self.generic_visit(node)
            sides = [node.left, *node.comparators]
            whole = [isinstance(side, ast.Name) and side.id in texts for side in sides]
            if len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq | ast.NotEq) or not any(whole):
                return node
            if not all(whole):
                raise Refused("it compares a string argument whole with something else")
            same = ast.Call(ast.Name("_pkb_same", ast.Load()), sides, [])
            return same if isinstance(node.ops[0], ast.Eq) else ast.UnaryOp(ast.Not(), same)

        def visit_While(self, node: ast.While) -> ast.AST:
            self.generic_visit(node)
            node.test = _chars_true(node.test, texts)
            return node

        def visit_If(self, node: ast.If) -> ast.AST | list[ast.stmt]:
            self.generic_visit(node)
            node.test = _chars_true(node.test, texts)
            value = known(node.test)
            if value is None:
                return node
            return (node.body if value else node.orelse) or [ast.Pass()]

    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    return ast.fix_missing_locations(Fold().visit(copy))


def builtin_aliases(func: ast.FunctionDef, module_source: str) -> dict[str, str]:
    """Imported names the function calls that stand for a builtin numba knows (``from .compat import _range``,
    ``xrange``): alias -> builtin. The name says which builtin; the wrapper checks ``alias is builtin`` at run time,
    so a wrong guess only sends calls to the original."""
    try:
        tree = ast.parse(module_source)
    except SyntaxError:
        return {}
    imported = {a.asname or a.name for s in tree.body if isinstance(s, ast.ImportFrom) for a in s.names}
    local = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    local |= {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    aliases = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            guess = name.lstrip("_").removeprefix("x")
            if name in imported and name not in local and name != guess and guess in _ALIASABLE:
                aliases[name] = guess
    return aliases


_ALIASABLE = frozenset({"range", "len", "min", "max", "sum", "abs", "enumerate", "zip", "int", "float", "round"})


def _with_builtins(func: ast.FunctionDef, aliases: dict[str, str]) -> ast.FunctionDef:
    """A copy of ``func`` calling the builtins themselves where it calls their aliases."""
    if not aliases:
        return func
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    for node in ast.walk(copy):
        if isinstance(node, ast.Name) and node.id in aliases and isinstance(node.ctx, ast.Load):
            node.id = aliases[node.id]
    return copy


def _chars_true(test: ast.expr, texts: set[str]) -> ast.expr:
    """``test`` with each character ``p[i]`` of a string argument that is only tested for truth read as True (a
    one-character string is never empty; its code point may be 0)."""
    if isinstance(test, ast.Subscript) and isinstance(test.value, ast.Name) and test.value.id in texts:
        return ast.Constant(True) if not isinstance(test.slice, ast.Slice) else test
    if isinstance(test, ast.BoolOp):
        test.values = [_chars_true(value, texts) for value in test.values]
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test.operand = _chars_true(test.operand, texts)
    return test


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
    array (``if xs:``, true for every list the boundary converts) reads ``len(xs) > 0``, ``math.sqrt(x)``
    (and the other functions of ``_DOMAINS``) raise ValueError where Python's do (their names land in ``used``),
    and integer operations are checked (:func:`perfkit.optimizers._numba_ints.checked_ints`)."""
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

    copy = checked_ints(Rewrite().visit(copy), math_names=math_names, local=local)
    copy.decorator_list, copy.returns = [], None
    for arg in [*copy.args.posonlyargs, *copy.args.args, *copy.args.kwonlyargs]:
        arg.annotation = None
    if new_name:
        copy.name = new_name
    return ast.fix_missing_locations(copy)
