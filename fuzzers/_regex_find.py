"""Find the regular expressions a function reaches, and the string constants of the code it runs.

Starting at the target, the functions, classes and modules its code names are followed (bounded by depth and a
count), including methods of the classes it references and the class of a method. In each function's source,
calls of ``re.compile/match/search/fullmatch/sub/subn/split/findall/finditer`` (spelled ``re.x``, ``import re as r``
or ``from re import x``) give pattern literals, evaluated when built from constants (``A + B``, ``"|".join([...])``,
``"%s" % C``, f-strings over constants, ``re.escape``) with their ``flags``. Compiled ``re.Pattern`` objects are
taken from the globals the code names, class attributes (also inside lists, tuples and dicts) and instance attributes
of module-level objects; other patterns of a reached module are kept as indirect. A pattern is taken as searched
(``search``) unless every call the reached code makes on its name is ``match`` or ``fullmatch``.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import os
import re
import sys
import textwrap
import types
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

_RE_FUNCS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
_MATCH_ONLY = {"match", "fullmatch"}
_FLAGS_AT = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3}
_FLAGS_AT |= {"sub": 4, "subn": 4}
_SKIP_MODULES = frozenset(
    {"re", "sre_compile", "sre_parse", "sre_constants", "regex", "typing", "functools", "abc", "enum", "builtins"}
    | {"perfkit", "hypothesis", "atheris", "_pytest", "pytest", "pluggy", "inspect", "ast", "dis", "types", "copyreg"}
)
_GUARD_CALLS = {"startswith", "endswith", "find", "index", "split", "partition", "count"}
_RE_FLAGS = re.IGNORECASE | re.LOCALE | re.MULTILINE | re.DOTALL | re.UNICODE | re.VERBOSE | re.ASCII
_MAX_ENDS = 4  # (first, last) pairs kept from one function
_MAX_CLASSES = 8  # characters kept per code-point table (one per class)
_MAX_CODE_POINTS = 16  # characters kept from code-point comparisons
_REGEXY = re.compile(r"[*+?{}\[\]\\()|^$]")


@dataclass(frozen=True)
class FoundRegex:
    """One regular expression the target can reach: ``where`` is ``module.qualname`` (with a line when literal),
    ``depth`` the number of calls from the target, ``direct`` whether the reached code names it (not only its
    module), ``search`` whether it is searched for rather than matched at the start."""

    pattern: str
    flags: int
    search: bool
    where: str
    depth: int
    direct: bool


@dataclass
class Reach:
    """What :func:`reach` found: the regexes (direct ones first, by depth), the code's string constants, and
    ``guards``: the constants the code compares the input with (``==``, ``in``, ``startswith``) before going on."""

    regexes: list[FoundRegex] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    guards: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    guard_modules: dict[str, str] = field(default_factory=dict)  # each guard: the module of the first code testing it
    members: list[str] = field(default_factory=list)  # guards tested as ``"j" in s``: the input must contain them
    ends: list[tuple[str, str]] = field(default_factory=list)  # (first, last): one function tests both ends for them
    code_points: list[str] = field(default_factory=list)  # characters code that calls ord() compares code points with
    classes: list[str] = field(default_factory=list)  # one character per class of a code-point table it looks up
    constant_modules: dict[str, str] = field(default_factory=dict)  # each constant: the module of the first code
    starts: list[str] = field(default_factory=list)  # what code tests its input to start with (``startswith``)


def _unwrap(obj: Any) -> Any:
    for _ in range(5):
        if isinstance(obj, staticmethod | classmethod | types.MethodType):
            obj = obj.__func__
        elif isinstance(obj, functools.partial):
            obj = obj.func
        elif isinstance(obj, property) and obj.fget is not None:
            obj = obj.fget
        else:
            break
    try:
        return inspect.unwrap(obj)
    except Exception:  # a cycle (ValueError), or an object whose __getattr__ raises its own error (pyasn1 schemas)
        return obj


def _skipped(module: str | None) -> bool:
    """Modules not worth following: ``re`` itself, typing helpers, perfkit and the fuzzers' own machinery."""
    return not module or module.partition(".")[0] in _SKIP_MODULES


def _is_re_module(obj: Any) -> bool:
    return isinstance(obj, types.ModuleType) and obj.__name__ in ("re", "regex")


def _re_func_name(obj: Any) -> str | None:
    name = getattr(obj, "__name__", None)
    module = getattr(obj, "__module__", None)
    return name if name in _RE_FUNCS and module in ("re", "regex", "regex.regex") else None


def compiled(obj: Any) -> bool:
    """Whether ``obj`` is a compiled pattern: ``re``'s, or the ``regex`` package's (read by type only: never
    ``getattr`` on an unknown object, lazy modules import on attribute access)."""
    kind = type(obj)
    return isinstance(obj, re.Pattern) or (kind.__name__ == "Pattern" and kind.__module__ in ("_regex", "regex"))


def _pattern_of(obj: Any) -> tuple[Any, str] | None:
    """A compiled pattern and the method it is used through: the pattern itself (``""``: not known), or a method
    bound to one (``PATTERN.match`` kept in a table or a global: ``"match"``)."""
    if compiled(obj):
        return obj, ""
    if not isinstance(obj, types.BuiltinMethodType):
        return None
    owner = obj.__self__
    return (owner, obj.__name__) if compiled(owner) else None


def _code_strings(code: types.CodeType) -> Iterator[str]:
    for const in code.co_consts:
        if isinstance(const, str):
            yield const
        elif isinstance(const, types.CodeType):
            yield from _code_strings(const)
        elif isinstance(const, tuple | frozenset):
            yield from (c for c in const if isinstance(c, str))


def _code_names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_names(const)


class _Evaluator:
    """Evaluates expressions built only from constants, names bound to constants and ``re`` flags."""

    def __init__(self, namespace: dict[str, Any], local: dict[str, Any]) -> None:
        self.namespace = namespace
        self.local = local

    def value(self, node: ast.AST | None) -> Any:
        try:
            return self._value(node)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError):
            return None

    def _value(self, node: ast.AST | None) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            got = self.local.get(node.id, self.namespace.get(node.id))
            return got if isinstance(got, str | int | tuple | re.Pattern) else None
        if isinstance(node, ast.Attribute):
            base = self.obj(node.value)
            got = inspect.getattr_static(base, node.attr, None) if base is not None else None
            return got if isinstance(got, str | int) else None
        if isinstance(node, ast.BinOp):
            left, right = self._value(node.left), self._value(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(node.op, ast.Mod) and isinstance(left, str):
                return left % right
            if isinstance(node.op, ast.BitOr) and isinstance(left, int) and isinstance(right, int):
                return left | right
            return None
        if isinstance(node, ast.Tuple | ast.List):
            items = [self._value(e) for e in node.elts]
            return tuple(items) if all(i is not None for i in items) else None
        if isinstance(node, ast.JoinedStr):
            parts = [self._value(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
            return "".join(str(p) for p in parts) if all(p is not None for p in parts) else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return self._method(node)
        return None

    def _method(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Attribute)
        attr = node.func.attr
        if attr == "escape" and _is_re_module(self.obj(node.func.value)) and node.args:
            arg = self._value(node.args[0])
            return re.escape(arg) if isinstance(arg, str) else None
        receiver = self._value(node.func.value)
        args = [self._value(a) for a in node.args]
        if not isinstance(receiver, str) or any(a is None for a in args) or node.keywords:
            return None
        if attr == "join" and len(args) == 1 and all(isinstance(a, str) for a in args[0]):
            return receiver.join(args[0])
        if attr == "format":
            return receiver.format(*args)
        if attr in ("strip", "lower", "upper", "replace"):
            return getattr(receiver, attr)(*args)
        return None

    def obj(self, node: ast.AST) -> Any:
        """The module, class or object a dotted name refers to (without running any code)."""
        if isinstance(node, ast.Name):
            return self.namespace.get(node.id, getattr(builtins, node.id, None))
        if isinstance(node, ast.Attribute):
            base = self.obj(node.value)
            return inspect.getattr_static(base, node.attr, None) if base is not None else None
        return None


def _local_constants(tree: ast.AST, evaluator: _Evaluator) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            got = evaluator.value(node.value)
            if isinstance(got, str | int | tuple):
                evaluator.local[node.targets[0].id] = got


@dataclass(frozen=True)
class _CompiledSource:
    """A function compiled to C (mypyc) and its definition in the ``.py`` its module ships beside the extension."""

    module: types.ModuleType
    qualname: str
    node: ast.FunctionDef | ast.AsyncFunctionDef


@functools.lru_cache(maxsize=256)
def _module_source(path: str) -> ast.Module | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _cython(obj: Any) -> bool:
    """Whether ``obj`` is a function compiled by Cython (read by its type's name: Cython has no importable type)."""
    return type(obj).__name__ in ("cython_function_or_method", "fused_cython_function")


def _compiled_source(obj: Any) -> _CompiledSource | None:
    """The source definition of a compiled function or method (``builtin_function_or_method`` or
    ``method_descriptor`` of an extension module with a ``.py`` of the same name beside it), or None."""
    owner = getattr(obj, "__objclass__", None)
    module_name = getattr(owner if owner is not None else obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    module = sys.modules.get(module_name) if isinstance(module_name, str) else None
    path = getattr(module, "__file__", None) or ""
    if not isinstance(qualname, str) or not path.endswith((".so", ".pyd")):
        return None
    source = os.path.join(os.path.dirname(path), os.path.basename(path).split(".")[0] + ".py")
    tree = _module_source(source) if os.path.exists(source) else None
    body: list[ast.stmt] = tree.body if tree is not None else []
    node: ast.AST | None = None
    for part in qualname.split("."):
        node = next((n for n in body if isinstance(n, _DEFS) and n.name == part), None)
        body = node.body if isinstance(node, _DEFS) else []
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and module is not None:
        return _CompiledSource(module, qualname, node)
    return None


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _source_tree(func: types.FunctionType) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None


class _Walker:
    def __init__(self, *, max_depth: int, max_functions: int) -> None:
        self.max_depth = max_depth
        self.max_functions = max_functions
        self.queue: deque[tuple[Any, int]] = deque()  # functions, classes and compiled sources, with depths
        self.seen: set[int] = set()
        self.reach = Reach()
        self.patterns: dict[tuple[str, int], FoundRegex] = {}
        self.pattern_names: dict[tuple[str, int], set[str]] = {}
        self.uses: dict[str, set[str]] = {}
        self.modules: dict[str, tuple[types.ModuleType, int]] = {}
        self.helpers: dict[int, dict[int, str]] = {}

    def run(self, target: Any) -> Reach:
        self.push(target, 0)
        while self.queue and len(self.reach.functions) < self.max_functions:
            obj, depth = self.queue.popleft()
            if isinstance(obj, types.FunctionType):
                self.function(obj, depth)
            elif isinstance(obj, _CompiledSource):
                self.compiled_function(obj, depth)
            elif isinstance(obj, type):
                self.klass(obj, depth)
        for module, depth in self.modules.values():
            self.module_patterns(module, depth)
        return self.finish()

    def push(self, obj: Any, depth: int) -> None:
        obj = _unwrap(obj)
        if depth > self.max_depth or id(obj) in self.seen:
            return
        if isinstance(obj, types.FunctionType | type):
            if _skipped(getattr(obj, "__module__", None)) and depth > 0:
                return
            self.seen.add(id(obj))
            self.queue.append((obj, depth))
        elif isinstance(obj, types.ModuleType):
            if not _skipped(obj.__name__) and obj.__name__ not in self.modules:
                self.modules[obj.__name__] = (obj, depth)
        elif isinstance(obj, types.BuiltinFunctionType | types.MethodDescriptorType) or _cython(obj):
            source = _compiled_source(obj)
            if source is not None and (depth == 0 or not _skipped(source.module.__name__)):
                self.seen.add(id(obj))
                self.queue.append((source, depth))
        elif callable(obj) and not isinstance(obj, types.BuiltinFunctionType) and depth <= self.max_depth:
            call = inspect.getattr_static(type(obj), "__call__", None)
            if isinstance(call, types.FunctionType):
                self.push(call, depth)

    def add(
        self, pattern: Any, flags: int, where: str, depth: int, *, direct: bool, name: str | None, method: str = ""
    ) -> None:
        """Record a pattern; ``method``: the ``re`` method it is known to be used through (a bound method)."""
        key = _normal(pattern, flags)
        if key is None:
            return
        pattern, flags = key
        old = self.patterns.get(key)
        if old is None or (direct, -depth) > (old.direct, -old.depth):
            search = old.search if old is not None else method not in _MATCH_ONLY
            self.patterns[key] = FoundRegex(pattern, flags, search, where, depth, direct)
        if old is not None and method and method not in _MATCH_ONLY:
            self.patterns[key] = _with_search(self.patterns[key], True)
        if name:
            self.pattern_names.setdefault(key, set()).add(name)

    def function(self, func: types.FunctionType, depth: int) -> None:
        where = f"{func.__module__}.{func.__qualname__}"
        self.reach.functions.append(where)
        strings = list(_code_strings(func.__code__))
        self.reach.constants.extend(strings)
        for text in strings:
            self.reach.constant_modules.setdefault(text, func.__module__)
        namespace = dict(func.__globals__)
        if func.__closure__:
            for name, cell in zip(func.__code__.co_freevars, func.__closure__, strict=False):
                try:
                    namespace[name] = cell.cell_contents
                except ValueError:
                    continue
        names = set(_code_names(func.__code__)) | set(func.__code__.co_freevars)
        tree = _source_tree(func)
        imported = _local_imports(tree, func.__globals__) if tree is not None else {}
        namespace.update(imported)  # ``from . import parser as p`` inside the function: ``p.X`` reads the module
        if "ord" in names and tree is not None:  # a code point compared with a constant: that character
            self.reach.code_points.extend(_compared_code_points(tree))
        for name in sorted(names | set(imported)):  # sorted: one walk order in every process
            if name in namespace:
                self.referenced(namespace[name], name, where, depth, names)
        owner = self.owner(func)
        if owner is not None:
            self.referenced(owner, owner.__name__, where, depth, names)
            args = func.__code__.co_varnames[: func.__code__.co_argcount]
            if args and args[0] not in namespace:
                namespace[args[0]] = owner  # self.PATTERN / cls.PATTERN: the class attribute, read statically
        if tree is not None:
            self.calls(tree, _Evaluator(namespace, {}), where, func.__code__.co_firstlineno, depth)

    def compiled_function(self, func: _CompiledSource, depth: int) -> None:
        """A function compiled to C whose module ships its Python source: walked from that source, its names
        resolved in the module (and its class, for ``self.X``)."""
        where = f"{func.module.__name__}.{func.qualname}"
        self.reach.functions.append(where)
        node = func.node
        self.reach.constants.extend(
            n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
        namespace = dict(vars(func.module))
        namespace.update(_local_imports(node, vars(func.module)))
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        for name in sorted(names):
            if name in namespace:
                self.referenced(namespace[name], name, where, depth, names)
        owner = namespace.get(func.qualname.split(".")[0]) if "." in func.qualname else None
        if isinstance(owner, type):
            self.referenced(owner, owner.__name__, where, depth, names)
            args = node.args.posonlyargs + node.args.args
            if args and args[0].arg not in namespace:
                namespace[args[0].arg] = owner
        self.calls(node, _Evaluator(namespace, {}), where, 1, depth)

    def owner(self, func: types.FunctionType) -> type | None:
        parts = func.__qualname__.split(".<locals>.")[-1].split(".")[:-1]
        obj: Any = func.__globals__.get(parts[0]) if parts else None
        for part in parts[1:]:
            obj = getattr(obj, part, None)
        return obj if isinstance(obj, type) else None

    def referenced(self, value: Any, name: str, where: str, depth: int, names: set[str]) -> None:
        bound = _pattern_of(value)
        if bound is not None:
            self.add(bound[0], 0, where, depth, direct=True, name=name, method=bound[1])
        elif isinstance(value, list | tuple | dict) and value:  # a table of patterns (a lexer's token rules)
            if isinstance(value, dict) and "ord" in names:
                self.reach.classes.extend(_table_classes(value))
            for pattern, flags, method in _patterns_in(value, depth=1):
                self.add(pattern, flags, f"{where}:{name}", depth, direct=True, name=None, method=method)
            items = list(value.values() if isinstance(value, dict) else value)[:50]
            if any(type(item).__module__ != "builtins" and hasattr(item, "__dict__") for item in items):
                self.holdings(value, name, depth)  # a table of rule objects (a parser list of pattern holders)
        elif isinstance(value, types.ModuleType):
            self.push(value, depth)
            if _skipped(value.__name__):
                return
            for attr in names:
                got = inspect.getattr_static(value, attr, None)
                bound = _pattern_of(got)
                if bound is not None:
                    self.add(bound[0], 0, f"{value.__name__}.{attr}", depth, direct=True, name=attr, method=bound[1])
                elif isinstance(
                    got, types.FunctionType | type | types.BuiltinFunctionType | types.MethodType
                ) or _cython(got):
                    self.push(got, depth + 1)  # a bound method too: ``mod.f = _context.f`` (its function)
                    owner = getattr(got, "__self__", None)
                    if isinstance(got, types.MethodType) and not isinstance(owner, type | types.ModuleType):
                        self.push(type(owner), depth + 1)  # and the methods of the instance it is bound to
                elif isinstance(got, dict) and "ord" in names:  # ``table.get(ord(c))``: a code-point table
                    self.reach.classes.extend(_table_classes(got))
                elif isinstance(got, types.ModuleType) and got.__name__.startswith(value.__name__ + "."):
                    if got.__name__ not in self.modules:  # ``import pkg.mod`` then ``pkg.mod.f``
                        self.referenced(got, attr, where, depth, names)
                elif got is not None and type(got).__module__ != "builtins" and hasattr(got, "__dict__"):
                    self.instance(got, attr, depth)  # ``mod.context.method``: a module-level object
        elif isinstance(value, type):
            self.push(value, depth + 1 if depth else 1)
            self.class_patterns(value, depth, names)
        elif isinstance(value, types.FunctionType | functools.partial | types.MethodType):
            self.push(value, depth + 1)
        elif isinstance(value, types.BuiltinFunctionType) or _cython(value):
            if not _skipped(getattr(value, "__module__", None)):
                self.push(value, depth + 1)  # a function compiled to C (mypyc, Cython): followed through its source
        elif type(value).__module__ not in ("builtins",) and hasattr(value, "__dict__"):
            self.instance(value, name, depth)

    def instance(self, value: Any, name: str, depth: int) -> None:
        """An object the code names: its class, and what its attributes hold (followed through nested objects,
        lists and dicts, bounded): patterns, and the functions of dispatch tables (a parser's rule list, a
        lexer's callbacks) that the code reaches only through data."""
        self.push(type(value), depth + 1)
        self.holdings(value, name, depth)

    def holdings(self, value: Any, name: str, depth: int) -> None:
        """What ``value`` holds (:func:`_held`): its patterns, its functions and classes, and the classes of the
        objects it holds (whose methods use those patterns: ``self.rx.search``)."""
        for path, got in _held(value, name):
            bound = _pattern_of(got)
            if bound is not None:
                self.add(bound[0], 0, path, depth, direct=True, name=path.rpartition(".")[2], method=bound[1])
            elif isinstance(got, types.FunctionType | types.MethodType | functools.partial | type):
                self.push(got, depth + 1)
            elif type(got).__module__ != "builtins" and hasattr(got, "__dict__"):
                self.push(type(got), depth + 1)

    def class_patterns(self, cls: type, depth: int, names: set[str]) -> None:
        for klass in cls.__mro__[:-1]:
            if _skipped(klass.__module__):
                continue
            for attr, got in vars(klass).items():
                if attr.startswith("__"):
                    continue
                where = f"{klass.__module__}.{klass.__qualname__}.{attr}"
                for pattern, flags, method in _patterns_in(got):
                    self.add(pattern, flags, where, depth, direct=attr in names, name=attr, method=method)
                if isinstance(got, str) and attr.isupper() and _repeated_group(got):
                    self.add(got, 0, where, depth + 1, direct=False, name=attr)  # a rule kept as a string

    def klass(self, cls: type, depth: int) -> None:
        self.class_patterns(cls, depth, set())
        for klass in cls.__mro__[:-1]:
            if _skipped(klass.__module__):
                continue
            for value in vars(klass).values():
                if isinstance(_unwrap(value), types.FunctionType | types.MethodDescriptorType) or _cython(
                    _unwrap(value)
                ):
                    self.push(value, depth)

    def module_patterns(self, module: types.ModuleType, depth: int) -> None:
        for attr, got in list(vars(module).items()):
            for pattern, flags, method in _patterns_in(got, strings=False):
                where = f"{module.__name__}.{attr}"
                self.add(pattern, flags, where, depth + 1, direct=False, name=attr, method=method)

    def calls(self, tree: ast.AST, evaluator: _Evaluator, where: str, first: int, depth: int) -> None:
        _local_constants(tree, evaluator)
        module = str(evaluator.namespace.get("__name__", ""))
        opens: list[str] = []
        closes: list[str] = []
        for node in ast.walk(tree):
            _end_test(node, opens, closes)
        pairs = [(o, c) for o in dict.fromkeys(opens) for c in dict.fromkeys(closes)]
        self.reach.starts.extend(o for o in opens if o not in self.reach.starts)
        self.reach.ends.extend(pair for pair in pairs[:_MAX_ENDS] if pair not in self.reach.ends)
        for node in ast.walk(tree):
            self.guard(node, module)
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute | ast.Name):
                continue
            target = evaluator.obj(node.func)
            method = _re_func_name(target)
            if method is None and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                recv_name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
                if recv_name:
                    self.uses.setdefault(recv_name, set()).add(node.func.attr)
                if isinstance(receiver, ast.Call) and node.func.attr in _RE_FUNCS:
                    inner = _re_func_name(evaluator.obj(receiver.func))
                    if inner == "compile":
                        self.literal(receiver, evaluator, "compile", where, first, depth, used=node.func.attr)
                continue
            if method is not None:
                self.literal(node, evaluator, method, where, first, depth)
            elif isinstance(_unwrap(target), types.FunctionType):
                self.helper_call(node, evaluator, _unwrap(target), where, first, depth)

    def helper_call(
        self, node: ast.Call, ev: _Evaluator, helper: types.FunctionType, where: str, first: int, depth: int
    ) -> None:
        """A call of a helper that hands one of its parameters to ``re``: the constant passed there is a pattern."""
        params = self.regex_params(helper)
        code = helper.__code__
        names = code.co_varnames[: code.co_argcount]
        shift = 1 if isinstance(node.func, ast.Attribute) and names[:1] in (("self",), ("cls",)) else 0
        for index, method in params.items():
            position = index - shift
            arg = node.args[position] if 0 <= position < len(node.args) else _keyword(node, names[index])
            pattern = ev.value(arg) if arg is not None else None
            key = _normal(pattern, 0)
            if key is not None:
                line = first + getattr(node, "lineno", 1) - 1
                self.add(pattern, 0, f"{where}:{line}", depth, direct=True, name=None)
                if method in _MATCH_ONLY:
                    self.patterns[key] = _with_search(self.patterns[key], False)

    def regex_params(self, helper: types.FunctionType) -> dict[int, str]:
        """Which parameters of ``helper`` it passes as the pattern of an ``re`` call, and to which function."""
        if id(helper) not in self.helpers:
            found: dict[int, str] = {}
            tree = _source_tree(helper) if not _skipped(helper.__module__) else None
            names = helper.__code__.co_varnames[: helper.__code__.co_argcount]
            ev = _Evaluator(dict(helper.__globals__), {})
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
                    method = (
                        _re_func_name(ev.obj(node.func)) if isinstance(node.func, ast.Attribute | ast.Name) else None
                    )
                    if method is not None and node.args[0].id in names:
                        found[names.index(node.args[0].id)] = method
            self.helpers[id(helper)] = found
        return self.helpers[id(helper)]

    def guard(self, node: ast.AST, module: str = "") -> None:
        """Record string constants compared with, or tested as a start/end of, something (and the module of the
        code that does it); those tested for being ``in`` something also as members."""
        operands: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            member = node.left.value if isinstance(node.left, ast.Constant) else None
            if isinstance(node.ops[0], ast.In) and isinstance(member, str) and 0 < len(member) <= 40:
                self.reach.members.append(member)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _GUARD_CALLS:
            operands = list(node.args[:1])
        for operand in operands:
            items = operand.elts if isinstance(operand, ast.Tuple | ast.List | ast.Set) else [operand]
            for item in items:
                value = item.value if isinstance(item, ast.Constant) else None
                if isinstance(value, bytes):  # b";" in a str target that encodes its input: the same characters
                    value = value.decode("latin-1")
                if isinstance(value, str) and 0 < len(value) <= 40:
                    self.reach.guards.append(value)
                    self.reach.guard_modules.setdefault(value, module)

    def literal(
        self, node: ast.Call, ev: _Evaluator, method: str, where: str, first: int, depth: int, *, used: str = ""
    ) -> None:
        """The pattern (and flags) of a call of ``re.<method>``; ``used``: the method then called on its result."""
        pattern = ev.value(node.args[0]) if node.args else ev.value(_keyword(node, "pattern"))
        flag_at = _FLAGS_AT[method]
        flags_node = node.args[flag_at] if len(node.args) > flag_at else _keyword(node, "flags")
        flags = ev.value(flags_node) if flags_node is not None else 0
        flags = flags if isinstance(flags, int) else 0
        key = _normal(pattern, flags)
        if key is None:
            return
        line = first + getattr(node, "lineno", 1) - 1
        self.add(pattern, flags, f"{where}:{line}", depth, direct=True, name=None)
        if (used or method) in _MATCH_ONLY:
            self.patterns[key] = _with_search(self.patterns[key], False)

    def finish(self) -> Reach:
        for key, found in list(self.patterns.items()):
            used = set().union(*(self.uses.get(n, set()) for n in self.pattern_names.get(key, ())))
            if used & _RE_FUNCS and used & _RE_FUNCS <= _MATCH_ONLY:
                self.patterns[key] = _with_search(found, False)
        self.reach.regexes = sorted(self.patterns.values(), key=lambda f: (not f.direct, f.depth))
        self.reach.constants = list(dict.fromkeys(c for c in self.reach.constants if 0 < len(c) <= 80))
        self.reach.guards = list(dict.fromkeys(self.reach.guards))
        self.reach.members = list(dict.fromkeys(self.reach.members))
        self.reach.code_points = list(dict.fromkeys(self.reach.code_points))[:_MAX_CODE_POINTS]
        self.reach.classes = list(dict.fromkeys(self.reach.classes))[:_MAX_CLASSES]
        return self.reach


def _end_test(node: ast.AST, opens: list[str], closes: list[str]) -> None:
    """Record the constant a test compares a string's first or last character (or start or end) with:
    ``s[0] != '"'``, ``s[:1] == "("``, ``s[-1] == '"'``, ``s[-1:]``, ``s.startswith("<")``, ``s.endswith(">")``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 1:
        arg = node.args[0]
        value = arg.value if isinstance(arg, ast.Constant) else None
        value = value.decode("latin-1") if isinstance(value, bytes) else value  # an encoded input: same characters
        if isinstance(value, str) and 0 < len(value) <= 4:
            if node.func.attr == "startswith":
                opens.append(value)
            elif node.func.attr == "endswith":
                closes.append(value)
        return
    if not isinstance(node, ast.Compare) or len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq | ast.NotEq):
        return
    sides = [node.left, node.comparators[0]]
    constant = next((x.value for x in sides if isinstance(x, ast.Constant) and isinstance(x.value, str)), None)
    subscript = next((x for x in sides if isinstance(x, ast.Subscript)), None)
    if not constant or len(constant) > 4 or subscript is None:
        return
    index = subscript.slice
    if isinstance(index, ast.Slice):
        first = index.lower is None and _int(index.upper) == len(constant)
        last = index.upper is None and _int(index.lower) == -len(constant)
    else:
        first, last = _int(index) == 0, _int(index) == -1
    if first:
        opens.append(constant)
    elif last:
        closes.append(constant)


def _code_point(value: Any) -> str | None:
    """The character of a code point outside ASCII (ASCII numbers are too often plain numbers), or None."""
    if type(value) is int and 0x80 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
        return chr(value)
    return None


def _compared_code_points(tree: ast.AST) -> list[str]:
    """The characters of the int constants a function that calls ``ord`` compares something with
    (``cp == 0x200c``, ``ord(c) in (0x5f3, 0x5f4)``)."""
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
                out.extend(c for x in items if (c := _code_point(_int(x))) is not None)
    return out


def _table_classes(table: dict[Any, Any]) -> list[str]:
    """One character per value of a table keyed by code points (a Unicode property table: the joining type of
    each letter), the first key of each value, at most a few values; nothing when its keys are not code points."""
    first: dict[Any, str] = {}
    for key, value in list(table.items())[:100_000]:
        char = _code_point(key)
        if char is None:
            return []
        try:
            first.setdefault(value, char)
        except TypeError:  # an unhashable value: not a property table
            return []
        if len(first) >= _MAX_CLASSES:
            break
    return list(first.values())


def _int(node: ast.AST | None) -> int | None:
    """The value of an int literal, negative ones included (``-1`` is a unary minus in the tree)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int(node.operand)
        return None if inner is None else -inner
    return node.value if isinstance(node, ast.Constant) and type(node.value) is int else None


def _local_imports(tree: ast.AST, globals_: dict[str, Any]) -> dict[str, Any]:
    """The names the ``import`` statements inside a function's body bind, resolved to the modules (and their
    attributes) already imported, or to submodules of packages already imported (what the function itself
    would import when it runs): ``from . import parser as p``, ``import pkg.mod``, ``from pkg.mod import f``."""
    import importlib.util

    package = globals_.get("__package__") or str(globals_.get("__name__", "")).rpartition(".")[0]

    def module(name: str) -> Any:
        if name in sys.modules:
            return sys.modules[name]
        if name.partition(".")[0] not in sys.modules or "." not in name:
            return None  # a package nothing imported yet: importing it is not the walk's business
        try:
            return importlib.import_module(name)
        except Exception:  # an import that fails here fails in the target too: nothing to follow
            return None

    out: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                got = module(alias.name)
                if got is not None:
                    out[alias.asname or alias.name.partition(".")[0]] = (
                        got if alias.asname else sys.modules.get(alias.name.partition(".")[0])
                    )
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            try:
                name = importlib.util.resolve_name(base, package) if node.level else base
            except (ImportError, ValueError):
                continue
            source = module(name)
            for alias in node.names if source is not None else ():
                if alias.name == "*":
                    continue
                got = inspect.getattr_static(source, alias.name, None)
                out[alias.asname or alias.name] = got if got is not None else module(f"{name}.{alias.name}")
    return {k: v for k, v in out.items() if v is not None}


@functools.lru_cache(maxsize=4096)
def _repeated_group(text: str) -> bool:
    """Whether ``text`` reads as a regex with an unbounded repeat of a group (nested quantifiers or an alternation
    under ``*``/``+``: what can backtrack exponentially): an upper-case class attribute holding it is taken as a
    rule the class compiles at run time (a lexer's or markup parser's rule strings, joined into a scanner)."""
    if len(text) > 4000 or not _REGEXY.search(text):
        return False
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    try:
        parsed = sre_parse.parse(text)
    except (re.error, OverflowError, RecursionError, ValueError, TypeError):
        return False
    repeats = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)

    def visit(items: Any) -> bool:
        for op, av in items:
            if op in repeats and (av[1] == sre_c.MAXREPEAT or av[1] >= 16):
                body = list(av[2])
                if len(body) != 1 or body[0][0] not in (sre_c.LITERAL, sre_c.IN, sre_c.ANY, sre_c.NOT_LITERAL):
                    return True
            for sub in av if isinstance(av, tuple | list) else ():
                if isinstance(sub, sre_parse.SubPattern) and visit(sub):
                    return True
                if isinstance(sub, list) and any(isinstance(b, sre_parse.SubPattern) and visit(b) for b in sub):
                    return True
        return False

    return visit(parsed)


def _normal(pattern: Any, flags: Any) -> tuple[str, int] | None:
    """(pattern text, flags) as analysed: a compiled pattern's own flags; a bytes pattern read as Latin-1 with
    ``re.ASCII`` (what bytes patterns mean by ``\\w``, ``\\d``, ``\\s`` and case)."""
    if compiled(pattern):  # the regex package's own flags (VERSION0, ...) are dropped
        pattern, flags = pattern.pattern, pattern.flags & _RE_FLAGS & ~re.UNICODE
    if not isinstance(flags, int):
        return None
    if isinstance(pattern, bytes):
        return pattern.decode("latin-1"), flags | re.ASCII
    return (pattern, flags) if isinstance(pattern, str) else None


def _with_search(found: FoundRegex, search: bool) -> FoundRegex:
    return FoundRegex(found.pattern, found.flags, search, found.where, found.depth, found.direct)


def _keyword(node: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _held(root: Any, name: str, *, limit: int = 3000, max_depth: int = 5) -> Iterator[tuple[str, Any]]:
    """What an object holds: its attributes, the items of its lists, tuples, sets and dicts, and so on through
    the objects found (breadth first, each object once, at most ``limit`` of them, ``max_depth`` levels)."""
    seen = {id(root)}
    queue = deque([(root, name, 0)])
    count = 0
    while queue and count < limit:
        value, path, level = queue.popleft()
        if isinstance(value, dict):
            items = [(f"{path}[{k!r}]", v) for k, v in list(value.items())[:500]]
        elif isinstance(value, list | tuple | set | frozenset):
            items = [(f"{path}[{i}]", v) for i, v in enumerate(list(value)[:500])]
        elif not isinstance(value, type | types.ModuleType | types.FunctionType | types.BuiltinFunctionType):
            items = [(f"{path}.{k}", v) for k, v in _attributes(value)]
        else:
            continue
        for sub_path, item in items:
            if id(item) in seen or isinstance(item, str | bytes | int | float | bool | type(None)):
                continue
            seen.add(id(item))
            count += 1
            yield sub_path, item
            if level + 1 < max_depth and not isinstance(item, type | types.ModuleType | types.FunctionType):
                queue.append((item, sub_path, level + 1))


def _attributes(value: Any) -> list[tuple[str, Any]]:
    """An object's instance attributes: its ``__dict__`` and its ``__slots__`` (dataclasses with slots)."""
    out = list(vars(value).items()) if hasattr(value, "__dict__") else []
    for klass in type(value).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for slot in (slots,) if isinstance(slots, str) else slots:
            if slot not in ("__dict__", "__weakref__"):
                try:
                    out.append((slot, object.__getattribute__(value, slot)))
                except AttributeError:
                    continue
    return out


def _patterns_in(value: Any, *, strings: bool = True, depth: int = 0) -> Iterator[tuple[Any, int, str]]:
    """Compiled patterns in ``value`` (and in its lists, tuples, dicts), also as bound methods (``P.match``), with
    the method they are used through ("" when unknown); with ``strings``, also regex-looking strings inside such
    containers (lexer token tables keep their patterns as strings until first use)."""
    bound = _pattern_of(value)
    if bound is not None:
        yield bound[0], 0, bound[1]
    elif depth < 5 and isinstance(value, list | tuple | dict):
        items = list(value.items()) if isinstance(value, dict) else list(value)
        for item in items[:500]:
            if strings and depth > 0 and isinstance(item, str) and _REGEXY.search(item):
                yield item, 0, ""
            else:
                yield from _patterns_in(item, strings=strings, depth=depth + 1)


def reach(func: Callable[..., Any], *, max_depth: int = 6, max_functions: int = 400) -> Reach:
    """The regexes and string constants reached from ``func`` (see the module docstring)."""
    return _Walker(max_depth=max_depth, max_functions=max_functions).run(func)
