"""Local ``array.array`` tables in a numba kernel (Distance's ``column = array('L', range(n + 1))``).

An ``array.array`` of ints or doubles built in the function and used only as a list of numbers is a numpy array
of int64 or float64 in the kernel. Reads give the same numbers (Python's array hands back ints and floats). A
store into an int array raises ``OverflowError`` in Python when the value does not fit the type code (a negative
number into ``'L'``, past 2**31 into ``'i'``): the kernel checks every store and every initial element against
the type code's range (:func:`local_arrays`), and raises there too, so the wrapper hands the call to the original,
which raises as Python does. An initial element that is a float raises (Python's ``TypeError``); a float stored
later is caught by the compile check (numba would truncate it). ``'f'`` (float32) and the character codes are left
alone (the scan refuses them as an unknown global). The scan (:mod:`perfkit.optimizers._numba_scan`) then treats
such a name as an array the kernel owns: stored into without write-back, and refused wherever a numpy array
would not act like the Python array (``+``, slices, methods, returned whole).
"""

from __future__ import annotations

import ast
from array import array

from perfkit.optimizers._numba_ints import pure_expr
from perfkit.optimizers._numba_scan import Refused

_INT_CODES = frozenset("bBhHiIlLqQ")

PRELUDE = '''

def _pkb_carray(values, low, high):
    return _pk_np.array(list(values), dtype=_pk_np.int64)


@_pk_overload(_pkb_carray)
def _pkb_carray_typed(values, low, high):
    item = getattr(values, "dtype", None)
    if not _pkb_kind(item):
        def wrong(values, low, high):
            raise TypeError("an int array gets a value that is not an int")
        return wrong

    def checked(values, low, high):
        out = _pk_np.empty(len(values), dtype=_pk_np.int64)
        i = 0
        for value in values:
            out[i] = _pkb_store(value, low, high)
            i += 1
        return out
    return checked


@_pkb_njit
def _pkb_store(value, low, high):
    """``value`` when the array's type code holds it, else OverflowError (as Python's array raises)."""
    if value < low or value > high:
        raise OverflowError("the value does not fit the array's type code")
    return value


@_pkb_njit
def _pkb_farray(values):
    out = _pk_np.empty(len(values), dtype=_pk_np.float64)
    i = 0
    for value in values:
        out[i] = value
        i += 1
    return out
'''


def array_names(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """(Names bound to the ``array.array`` type, names bound to the ``array`` module) by the module's top-level
    imports, and bound nowhere else at its top level. (The wrapper checks at run time that they still are.)"""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset(), frozenset()
    types, modules, others = set(), set(), set()
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "array" and not stmt.level:
            types |= {a.asname or a.name for a in stmt.names if a.name == "array"}
        elif isinstance(stmt, ast.Import):
            modules |= {a.asname or a.name for a in stmt.names if a.name == "array"}
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            others |= {a.asname or a.name for a in stmt.names if a.name != "array"}
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            others.add(stmt.name)
        else:
            others |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return frozenset(types - others), frozenset(modules - others)


def same_type_test(types: frozenset[str], modules: frozenset[str]) -> str:
    """The wrapper's run-time test that the names still stand for ``array.array``."""
    tests = [f"{name} is _pk_array.array" for name in sorted(types)]
    tests += [f"getattr({name}, 'array', None) is _pk_array.array" for name in sorted(modules)]
    return " and ".join(tests)


def local_arrays(
    func: ast.FunctionDef, *, types: frozenset[str], modules: frozenset[str]
) -> tuple[ast.FunctionDef, tuple[frozenset[str], frozenset[str]]]:
    """A copy of ``func`` where ``name = array(code, values)`` (code an int code or ``'d'``) builds a numpy array
    (``_pkb_carray``/``_pkb_farray``) and each store ``name[i] = v`` (``name[i] op= v`` too) into an int array
    checks ``v`` against the code's range; other uses are left for the scan to judge. Also the type and module
    names it replaced."""
    copy = ast.parse(ast.unparse(func)).body[0]
    assert isinstance(copy, ast.FunctionDef)
    local = {n.id for n in ast.walk(copy) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    ranges: dict[str, tuple[int, int] | None] = {}  # array name -> (low, high), None for doubles
    used: set[str] = set()
    bindings: dict[str, int] = {}
    for node in ast.walk(copy):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bindings[node.id] = bindings.get(node.id, 0) + 1
    for node in ast.walk(copy):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        code = _array_code(node.value, types - local, modules - local)
        name = node.targets[0].id
        if code is None or bindings.get(name) != 1:
            continue
        func_node = node.value.func  # type: ignore[attr-defined]
        used.add(func_node.id if isinstance(func_node, ast.Name) else func_node.value.id)
        values = node.value.args[1]  # type: ignore[attr-defined]
        if code == "d":
            ranges[name] = None
            node.value = ast.Call(ast.Name("_pkb_farray", ast.Load()), [values], [])
        else:
            low, high = _bounds(code)
            ranges[name] = (low, high)
            node.value = ast.Call(
                ast.Name("_pkb_carray", ast.Load()), [values, ast.Constant(low), ast.Constant(high)], []
            )
    if any(bounds is not None for bounds in ranges.values()):
        _only_plain_stores(copy, {name for name, bounds in ranges.items() if bounds is not None})
        _StoreChecks(ranges).visit(copy)
    return ast.fix_missing_locations(copy), (types & used, modules & used)


def _only_plain_stores(func: ast.FunctionDef, names: set[str]) -> None:
    """Refuse a store into one of the int arrays ``names`` other than ``a[i] = v`` or ``a[i] op= v`` (a tuple
    target ``a[i], a[j] = ...`` or a loop target would escape the range check)."""
    plain = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            plain |= {id(target) for target in node.targets}
        elif isinstance(node, ast.AugAssign):
            plain.add(id(node.target))
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Subscript)
            and not isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and id(node) not in plain
        ):
            raise Refused(f"{func.name} stores into the array {node.value.id} other than by `a[i] = v`")


def _array_code(value: ast.expr, types: frozenset[str], modules: frozenset[str]) -> str | None:
    """The type code of ``array(code, values)`` / ``array.array(code, values)`` when it is ints or ``'d'``."""
    if not (isinstance(value, ast.Call) and len(value.args) == 2 and not value.keywords):
        return None
    func = value.func
    named = (isinstance(func, ast.Name) and func.id in types) or (
        isinstance(func, ast.Attribute)
        and func.attr == "array"
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    )
    code = value.args[0]
    if not (named and isinstance(code, ast.Constant) and isinstance(code.value, str)):
        return None
    return code.value if code.value in _INT_CODES or code.value == "d" else None


def _bounds(code: str) -> tuple[int, int]:
    """The values an int array of ``code`` holds on this platform."""
    bits = 8 * array(code).itemsize
    if code.isupper():
        return 0, min(2**bits - 1, 2**63 - 1)  # the kernel's ints stop at int64 (its arithmetic is checked)
    return -(2 ** (bits - 1)) + (bits == 64), 2 ** (bits - 1) - 1


class _StoreChecks(ast.NodeTransformer):
    def __init__(self, ranges: dict[str, tuple[int, int] | None]) -> None:
        self.ranges = ranges

    def _bounds_of(self, target: ast.expr) -> tuple[int, int] | None:
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            return self.ranges.get(target.value.id)
        return None

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        found = [b for b in (self._bounds_of(target) for target in node.targets) if b is not None]
        if found:
            low, high = max(b[0] for b in found), min(b[1] for b in found)
            node.value = _checked(node.value, low, high)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        bounds = self._bounds_of(node.target)
        if bounds is None:
            return node
        target = node.target
        assert isinstance(target, ast.Subscript)
        if not pure_expr(target):
            raise Refused(f"`{ast.unparse(node)}` would repeat an index that may have side effects")
        read = ast.parse(ast.unparse(target), mode="eval").body
        value = ast.BinOp(read, node.op, node.value)
        return ast.Assign(targets=[target], value=_checked(value, *bounds))


def _checked(value: ast.expr, low: int, high: int) -> ast.Call:
    return ast.Call(ast.Name("_pkb_store", ast.Load()), [value, ast.Constant(low), ast.Constant(high)], [])
