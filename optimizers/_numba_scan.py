"""What a numba kernel may do with the arrays it gets instead of lists, and which module helpers compile with it.

The boundary hands a kernel numpy arrays where the original got lists (or tuples) of numbers. An array behaves like
such a list under a few uses only: ``len``, indexing an element, storing an element, iterating, unpacking, ``sum``,
``min``, ``max`` and ``in`` on one row. Other uses change what the code does: ``a + b`` adds instead of
concatenating, a slice is a view instead of a copy, ``m[i] = row`` copies a row where a list would share it (a row
swap then loses a row). :func:`scan` walks the kernel and the module functions it calls, follows each array (and
every name bound to it or to its rows), and refuses any other use, any global that is not a constant, a helper, a
math/numpy name or a supported builtin, and any helper that is not small, plain and non-recursive.

A value's *shape* is ``0`` (a number, or anything that is not an argument's array), ``r >= 1`` (an array of rank
``r``), or a tuple of shapes (a tuple argument whose items are numbers or arrays).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from perfkit.optimizers import _ast_tools as t


@dataclass(frozen=True)
class Seq:
    """A list of tuples (records) that hold numbers and lists of numbers: nbody's ``bodies`` and ``pairs``."""

    item: object  # the shape of one element (a tuple of shapes)


Shape = int | tuple | Seq  # type: ignore[type-arg]  # 0, a rank, a tuple of shapes, or a list of records

MAX_HELPERS = 8
MAX_DEPTH = 3
MAX_HELPER_NODES = 600
BUILTINS = frozenset(
    {
        "range", "len", "abs", "min", "max", "sum", "enumerate", "zip", "int", "float", "bool", "round", "divmod",
        "pow", "reversed", "list", "tuple", "any", "all", "ValueError", "IndexError", "ZeroDivisionError",
        "KeyError", "TypeError", "ArithmeticError", "RuntimeError", "AssertionError", "Exception", "OverflowError",
    }
)  # fmt: skip
_NUMERIC_MODULES = frozenset({"math", "cmath", "numpy"})
_OWN_HELPERS = frozenset({"_pkb_same", "_pkb_carray", "_pkb_farray", "_pkb_store", "_pkb_grid"})  # the prelude
_LOCAL_ARRAYS = frozenset({"_pkb_carray", "_pkb_farray"})  # an array.array the kernel builds (_numba_arrays)
LOCAL = "<local>"  # the root of such an array: stored into without write-back
_ROW_FUNCS = frozenset({"sum", "min", "max", "list"})  # fine on one row (rank 1), not on a table


class Refused(Exception):
    """Why the kernel cannot be compiled the way the original runs."""


@dataclass
class Scan:
    """The outcome: helpers to compile with the kernel (in dependency order) and the arguments it writes into."""

    helpers: list[str] = field(default_factory=list)
    stores: set[str] = field(default_factory=set)
    truth_tests: dict[str, set[str]] = field(default_factory=dict)  # function -> arrays it tests (``if xs:``)


@dataclass(frozen=True)
class ModuleFacts:
    """The module's top-level functions, numeric constants and math/numpy names, from its source."""

    functions: dict[str, ast.FunctionDef]
    constants: frozenset[str]
    numeric: frozenset[str]  # names bound to math/cmath/numpy modules or imported from them
    math_names: dict[str, str] = field(default_factory=dict)  # "math" for the module, else the math function

    @classmethod
    def of(cls, source: str) -> ModuleFacts:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return cls({}, frozenset(), frozenset())
        bound: dict[str, int] = {}
        for name in _top_bindings(tree.body):
            bound[name] = bound.get(name, 0) + 1
        for node in ast.walk(tree):  # names a function rebinds through ``global`` are not constants
            if isinstance(node, ast.Global | ast.Nonlocal):
                for name in node.names:
                    bound[name] = bound.get(name, 0) + 2
        once = {name for name, count in bound.items() if count == 1}
        functions = {s.name: s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name in once}
        numeric: set[str] = set()
        values: dict[str, ast.expr] = {}
        math_names: dict[str, str] = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.Import):
                numeric |= {a.asname or a.name for a in stmt.names if a.name in _NUMERIC_MODULES}
                math_names |= {a.asname or a.name: "math" for a in stmt.names if a.name == "math"}
            elif isinstance(stmt, ast.ImportFrom) and stmt.module in _NUMERIC_MODULES and not stmt.level:
                numeric |= {a.asname or a.name for a in stmt.names}
                if stmt.module == "math":
                    math_names |= {a.asname or a.name: a.name for a in stmt.names}
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                values[stmt.targets[0].id] = stmt.value
        numeric &= once
        constants: set[str] = set()
        changed = True
        while changed:  # a constant may be computed from earlier constants (SOLAR_MASS = 4 * PI * PI)
            changed = False
            for name, value in values.items():
                if name in once and name not in constants and _constant_expr(value, constants, frozenset(numeric)):
                    constants.add(name)
                    changed = True
        math_names = {k: v for k, v in math_names.items() if k in once}
        return cls(functions, frozenset(constants), frozenset(numeric), math_names)


def _top_bindings(body: list[ast.stmt]) -> list[str]:
    """Every module-level binding of a name (one entry per binding), not looking inside functions and classes."""
    names: list[str] = []
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(stmt.name)
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            names += [(a.asname or a.name).split(".")[0] for a in stmt.names]
        else:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    names.append(node.id)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.append(node.name)
            for sub in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, sub, None)
                if isinstance(inner, list) and any(isinstance(x, ast.Import | ast.ImportFrom) for x in inner):
                    names += _top_bindings([x for x in inner if isinstance(x, ast.Import | ast.ImportFrom)])
    return names


def _constant_expr(node: ast.expr, constants: set[str], numeric: frozenset[str]) -> bool:
    """A number, a tuple of numbers, or arithmetic on numbers, constants and ``math.pi``-like names."""
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float, bool)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id in numeric and node.attr in ("pi", "e", "tau", "inf")
    if isinstance(node, ast.UnaryOp):
        return _constant_expr(node.operand, constants, numeric)
    if isinstance(node, ast.BinOp):
        return _constant_expr(node.left, constants, numeric) and _constant_expr(node.right, constants, numeric)
    if isinstance(node, ast.Tuple):
        return all(_constant_expr(e, constants, numeric) for e in node.elts)
    return False


def scan(func: ast.FunctionDef, shapes: dict[str, Shape], module: ModuleFacts) -> Scan:
    """Check ``func`` (parameters of the given shapes) and its helpers; raises :class:`Refused` with the reason."""
    result = Scan()
    _Walk(func, shapes, module, result, chain=(func.name,)).run()
    return result


class _Walk:
    """One function checked with its parameters' shapes; helpers get their own walk."""

    def __init__(
        self, func: ast.FunctionDef, shapes: dict[str, Shape], module: ModuleFacts, result: Scan, chain: tuple[str, ...]
    ) -> None:
        self.func, self.module, self.result, self.chain = func, module, result, chain
        self.shapes: dict[str, Shape] = {k: _norm(v) for k, v in shapes.items() if _norm(v) != 0}
        self.roots: dict[str, str | None] = {name: name for name in self.shapes}  # array name -> argument it came from
        self.params = set(t.params(func))
        self.locals = self.params | {
            n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        }

    def run(self) -> None:
        func = self.func
        a = func.args
        if a.vararg or a.kwarg or t.has_nested_scopes(func):
            raise Refused(f"{func.name} has *args, **kwargs, nested functions or global statements")
        bad = (ast.Yield, ast.YieldFrom, ast.Try, ast.With, ast.Await, ast.Delete, ast.Starred)
        if any(isinstance(n, bad) for n in ast.walk(func)):
            raise Refused(f"{func.name} uses yield, try, with, del or starred arguments")
        t.link_parents(func)
        for _ in range(4):  # shapes flow through assignments and loops; a few passes reach the fixed point
            self.bind_all()
        self.bind_all(strict=True)
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in self.locals:
                self.global_name(node)
            elif isinstance(node, ast.Name | ast.Subscript) and isinstance(node.ctx, ast.Load) and self.shape(node):
                self.use(node)

    # shapes -----------------------------------------------------------------------------------------------------
    def shape(self, node: ast.AST) -> Shape:
        if _builds_array(node):
            return 1
        if isinstance(node, ast.Name):
            return self.shapes.get(node.id, 0)
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            return _item(self.shape(node.value), node.slice)
        if isinstance(node, ast.Subscript):
            return self.shape(node.value)
        return 0

    def root(self, node: ast.AST) -> str | None:
        if _builds_array(node):
            return LOCAL
        while isinstance(node, ast.Subscript):
            node = node.value
        return self.roots.get(node.id) if isinstance(node, ast.Name) else None

    def element(self, node: ast.expr) -> tuple[Shape, object]:
        """The shape (and roots) of what iterating ``node`` yields."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            name, args = node.func.id, node.args
            if name == "enumerate" and len(args) in (1, 2):
                inner, root = self.element(args[0])
                return (0, inner), (None, root)
            if name == "zip" and args:
                pairs = [self.element(arg) for arg in args]
                return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
            if name == "reversed" and len(args) == 1:
                return self.element(args[0])
        shape = self.shape(node)
        if isinstance(shape, Seq):
            return shape.item, self.root(node)  # type: ignore[return-value]
        if isinstance(shape, tuple):
            if any(shape):
                raise Refused(f"{self.func.name} iterates over a tuple holding arrays")
            return 0, None
        return max(shape - 1, 0), self.root(node) if shape else None

    def bind(self, target: ast.AST, shape: Shape, root: object, *, strict: bool) -> None:
        """Record that ``target`` holds ``shape``; ``strict`` (the last pass) refuses a name bound two ways."""
        shape = _norm(shape)
        if isinstance(target, ast.Name):
            old = self.shapes.get(target.id, 0)
            if old != shape and (strict or (old != 0 and shape != 0)):
                raise Refused(f"{self.func.name} binds {target.id} to an array and to other values")
            if shape != 0:
                self.shapes[target.id] = shape
                self.roots.setdefault(target.id, root if isinstance(root, str) else None)
        elif isinstance(target, ast.Tuple | ast.List):
            if isinstance(shape, Seq):
                raise Refused(f"{self.func.name} unpacks a list of records")
            if isinstance(shape, tuple):
                if len(shape) != len(target.elts):
                    raise Refused(f"{self.func.name} unpacks a tuple of the wrong length")
                roots = root if isinstance(root, tuple) else (root if isinstance(root, str) else None,) * len(shape)
                for elt, sub, sub_root in zip(target.elts, shape, roots, strict=True):
                    self.bind(elt, sub, sub_root, strict=strict)
            else:
                for elt in target.elts:
                    self.bind(elt, max(shape - 1, 0), root, strict=strict)
        elif shape != 0 and not isinstance(target, ast.Subscript):
            raise Refused(f"{self.func.name} binds an array to {ast.unparse(target)}")

    def bind_all(self, *, strict: bool = False) -> None:
        for node in ast.walk(self.func):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Tuple | ast.List) and isinstance(node.value, ast.Tuple | ast.List):
                        if len(target.elts) != len(node.value.elts):
                            raise Refused(f"{self.func.name} unpacks a tuple of the wrong length")
                        for elt, value in zip(target.elts, node.value.elts, strict=True):
                            self.bind(elt, self.shape(value), self.root(value), strict=strict)
                    else:
                        self.bind(target, self.shape(node.value), self.root(node.value), strict=strict)
            elif isinstance(node, ast.For | ast.comprehension):
                shape, root = self.element(node.iter)
                self.bind(node.target, shape, root, strict=strict)
            elif isinstance(node, ast.NamedExpr | ast.AnnAssign) and node.value is not None:
                self.bind(node.target, self.shape(node.value), self.root(node.value), strict=strict)
            elif (
                isinstance(node, ast.AugAssign)
                and isinstance(node.target, ast.Name)
                and self.shapes.get(node.target.id, 0) != 0
            ):
                raise Refused(f"{self.func.name} uses {node.target.id} op= ...: a list extends, an array adds")

    # uses -------------------------------------------------------------------------------------------------------
    def use(self, node: ast.expr) -> None:
        """Refuse ``node`` (an array, or a tuple holding arrays) unless its place keeps list behaviour."""
        up = t.parent(node)
        shape = self.shape(node)
        name = ast.unparse(node)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            if shape == 1 and (self.iterated(node) or _call_arg(up, node, {"len", "sum", "min", "max", "list"})):
                return
            raise Refused(f"{self.func.name} slices {name}: a list slice is a copy, an array slice a view")
        if isinstance(node, ast.Name) and tested(node):  # ``if xs:``: the boundary only converts non-empty lists
            self.result.truth_tests.setdefault(self.func.name, set()).add(node.id)
            return
        if isinstance(up, ast.Subscript) and up.value is node:
            if isinstance(up.ctx, ast.Store | ast.Del):
                if isinstance(up.slice, ast.Slice):
                    raise Refused(f"{self.func.name} assigns a slice of {name} (a list may change length there)")
                if _item(shape, up.slice) != 0 or isinstance(shape, tuple):
                    raise Refused(f"{self.func.name} assigns whole rows of {name} (lists share rows, arrays copy)")
                self.store(node)
            return
        if isinstance(up, ast.Assign | ast.NamedExpr) and up.value is node:
            return
        if isinstance(up, ast.For | ast.comprehension) and up.iter is node:
            return
        if isinstance(up, ast.Call) and node in up.args and not up.keywords:
            callee = up.func.id if isinstance(up.func, ast.Name) else ""
            if callee == "len" or (callee in _ROW_FUNCS and shape == 1) or (callee in _OWN_HELPERS and shape == 1):
                return
            if callee in ("enumerate", "zip", "reversed") and self.iterated(up):
                return
            if callee in self.module.functions and callee not in self.locals:
                return  # checked with the helper
        if (  # x in row
            isinstance(up, ast.Compare)
            and shape == 1
            and up.comparators == [node]
            and isinstance(up.ops[0], ast.In | ast.NotIn)
        ):
            return
        if isinstance(up, ast.Return) and isinstance(node, ast.Name) and node.id in self.params:
            if self.chain == (self.func.name,) and not isinstance(shape, Seq | tuple):
                return
            raise Refused(f"helper {self.func.name} returns its array argument {name}")
        if isinstance(up, ast.Tuple) and isinstance(t.parent(up), ast.Assign) and t.parent(up).value is up:
            return  # a, b = xs, ys
        raise Refused(f"{self.func.name} uses {name} in `{ast.unparse(up) if up else name}`, where an array "
                      "would not behave like a list")  # fmt: skip

    def iterated(self, node: ast.expr) -> bool:
        up = t.parent(node)
        return isinstance(up, ast.For | ast.comprehension) and up.iter is node

    def store(self, node: ast.expr) -> None:
        root = self.root(node)
        if root is None:
            raise Refused(f"{self.func.name} stores into {ast.unparse(node)}, which it cannot trace to an argument")
        if root == LOCAL:
            if len(self.chain) > 1:  # the caller's array.array: its type code is checked in the kernel only
                raise Refused(f"helper {self.func.name} stores into an array the kernel builds")
            return
        if self.shapes.get(root) is not None and isinstance(self.shapes[root], tuple):
            raise Refused(f"{self.func.name} stores into a list inside the tuple {root}")
        self.result.stores.add(root)

    # globals and helpers ----------------------------------------------------------------------------------------
    def global_name(self, node: ast.Name) -> None:
        name, module = node.id, self.module
        if name in _OWN_HELPERS:  # ours, even when an earlier winner put its prelude into the module
            return
        if name in module.functions:
            up = t.parent(node)
            if not (isinstance(up, ast.Call) and up.func is node):
                raise Refused(f"{self.func.name} uses the function {name} as a value")
            self.helper(name, up)
        elif not (name in module.constants or name in module.numeric or name in BUILTINS):
            raise Refused(f"{self.func.name} uses the global {name!r}, which is not a number constant, "
                          "a helper of this module, math/numpy or a supported builtin")  # fmt: skip

    def helper(self, name: str, call: ast.Call) -> None:
        if name in self.chain:
            raise Refused(f"{name} is recursive (numba would overflow the C stack where Python raises)")
        if len(self.chain) > MAX_DEPTH:
            raise Refused(f"helpers nest deeper than {MAX_DEPTH} calls ({' -> '.join(self.chain)} -> {name})")
        func = self.module.functions[name]
        if sum(1 for _ in ast.walk(func)) > MAX_HELPER_NODES:
            raise Refused(f"helper {name} is too large to compile with the kernel")
        a = func.args
        if any(isinstance(arg, ast.Starred) for arg in call.args) or a.posonlyargs or a.kwonlyargs:
            raise Refused(f"helper {name} takes keyword-only or positional-only arguments, or gets *args")
        names = [p.arg for p in a.args]
        shapes: dict[str, Shape] = {}
        roots: dict[str, str | None] = {}
        for param, arg in [*zip(names, call.args, strict=False), *[(k.arg, k.value) for k in call.keywords]]:
            if param is None or param not in names:
                raise Refused(f"{self.func.name} calls {name} with arguments it does not take")
            shapes[param] = self.shape(arg)
            roots[param] = self.root(arg)
        if len(names) - len(shapes) > len(a.defaults):
            raise Refused(f"{self.func.name} calls {name} with too few arguments")
        walk = _Walk(func, {k: v for k, v in shapes.items() if v != 0}, self.module, Scan(), (*self.chain, name))
        walk.roots = {k: v for k, v in roots.items() if shapes[k] != 0}
        walk.run()
        for func_name, tested_names in walk.result.truth_tests.items():
            self.result.truth_tests.setdefault(func_name, set()).update(tested_names)
        for stored in walk.result.stores:
            root = roots.get(stored)
            if root == LOCAL:
                continue
            if root is None:
                raise Refused(f"helper {name} stores into an array the kernel cannot trace")
            self.result.stores.add(root)
        for inner in walk.result.helpers:
            if inner not in self.result.helpers:
                self.result.helpers.append(inner)
        if name not in self.result.helpers:
            self.result.helpers.append(name)
        if len(self.result.helpers) > MAX_HELPERS:
            raise Refused(f"the kernel calls more than {MAX_HELPERS} helpers")


def tested(node: ast.expr) -> bool:
    """Whether ``node`` is used only for its truth (``if xs``, ``not xs``, ``assert xs``, ``xs and ...`` there)."""
    up = t.parent(node)
    if isinstance(up, ast.If | ast.While | ast.Assert | ast.IfExp) and up.test is node:
        return True
    if isinstance(up, ast.comprehension) and any(test is node for test in up.ifs):
        return True
    if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
        return True
    return isinstance(up, ast.BoolOp) and tested(up)


def _builds_array(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _LOCAL_ARRAYS


def _norm(shape: Shape) -> Shape:
    """A tuple of numbers is a plain value (0); a tuple holding arrays keeps its item shapes."""
    if isinstance(shape, tuple):
        items = tuple(_norm(s) for s in shape)
        return items if any(items) else 0
    return shape


def _item(shape: Shape, index: ast.expr) -> Shape:
    """The shape of ``value[index]`` for a value of ``shape``."""
    if isinstance(shape, Seq):
        return shape.item  # type: ignore[return-value]
    if isinstance(shape, tuple):
        if isinstance(index, ast.Constant) and type(index.value) is int and -len(shape) <= index.value < len(shape):
            return _norm(shape[index.value])
        if any(shape):
            raise Refused("a tuple holding arrays is indexed with a non-constant")
        return 0
    return max(shape - 1, 0)


def _call_arg(up: ast.AST | None, node: ast.expr, names: set[str]) -> bool:
    return (
        isinstance(up, ast.Call)
        and isinstance(up.func, ast.Name)
        and up.func.id in names
        and node in up.args
        and not up.keywords
    )
