"""What type a value in a function has, as far as the code and the observed arguments show.

Types are the descriptions :func:`perfkit.optimizers._code.describe_type` gives (``"str"``, ``"list[int]"``,
``"tuple[str, int]"``, ``"dict[str, int]"``). A parameter has the types seen in the inputs
(``Context.arg_types``) as long as the function never rebinds it; a loop variable has the element types of what
it iterates (unpacked by position for ``for name, x in rows``); a local has the union of the types of every value
assigned to it. ``None`` means unknown: rules then stay away or add a run-time guard.
"""

from __future__ import annotations

import ast
import functools

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules._facts import read_only_use

Types = frozenset[str]

# str methods that return a str (on a str receiver)
_STR_METHODS = frozenset(
    {
        "upper", "lower", "strip", "lstrip", "rstrip", "replace", "title", "capitalize", "casefold", "swapcase",
        "center", "ljust", "rjust", "zfill", "expandtabs", "format", "join", "removeprefix", "removesuffix",
    }
)  # fmt: skip
_STR_CALLS = frozenset({"str", "repr", "chr", "format", "ascii", "hex", "oct", "bin"})
_SCALAR_CALLS = {"int": "int", "float": "float", "bool": "bool", "len": "int", "ord": "int"}


def split_top(text: str, sep: str) -> list[str]:
    """``text`` split on ``sep`` where it is not inside brackets."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _inside(description: str, prefix: str) -> str | None:
    if description.startswith(prefix + "[") and description.endswith("]"):
        return description[len(prefix) + 1 : -1]
    return None


def element_types(types: Types) -> Types | None:
    """The types of what iterating a value of ``types`` yields (None when unknown)."""
    out: set[str] = set()
    for description in types:
        if description in ("str", "range"):
            out.add("str" if description == "str" else "int")
            continue
        if description == "bytes":
            out.add("int")
            continue
        for prefix in ("list", "set", "frozenset"):
            inner = _inside(description, prefix)
            if inner is not None:
                out.update(split_top(inner, " | "))
                break
        else:
            inner = _inside(description, "tuple")
            if inner is not None:
                for part in split_top(inner, ","):
                    out.update(split_top(part, " | "))
                continue
            inner = _inside(description, "dict")
            parts = split_top(inner, ",") if inner is not None else []
            if len(parts) != 2 or parts[0] == "?":
                if inner is not None and parts and parts[0] == "?":
                    continue  # an empty dict yields nothing
                return None
            out.update(split_top(parts[0], " | "))
    return frozenset(out)


def _dict_parts(types: Types) -> tuple[Types, Types] | None:
    keys: set[str] = set()
    values: set[str] = set()
    for description in types:
        inner = _inside(description, "dict")
        parts = split_top(inner, ",") if inner is not None else []
        if len(parts) != 2:
            return None
        if parts[0] != "?":
            keys.update(split_top(parts[0], " | "))
            values.update(split_top(parts[1], " | "))
    return frozenset(keys), frozenset(values)


def _unpack(types: Types, width: int) -> list[Types] | None:
    """The types at each position when values of ``types`` are unpacked into ``width`` names."""
    columns: list[set[str]] = [set() for _ in range(width)]
    for description in types:
        inner = _inside(description, "tuple")
        if inner is None:
            return None
        parts = split_top(inner, ",")
        if len(parts) != width:
            return None
        for column, part in zip(columns, parts, strict=True):
            column.update(split_top(part, " | "))
    return [frozenset(c) for c in columns]


@functools.lru_cache(maxsize=64)
def module_names(module_source: str) -> frozenset[str]:
    """Names bound at the top level of a module (they shadow builtins of the same name)."""
    try:
        tree = ast.parse(module_source)
    except SyntaxError:
        return frozenset()
    out = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            out.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return frozenset(out)


def _read_only(use: ast.Name) -> bool:
    return read_only_use(use) and not isinstance(t.parent(use), ast.Starred)


def is_builtin(func: ast.FunctionDef, name: str, ctx: Context) -> bool:
    """``name`` refers to the builtin: the function does not bind it and its module does not define it."""
    if name in t.params(func) or t.stored(func, name):
        return False
    return name not in module_names(ctx.module_source) if ctx.module_source else True


class Inference:
    """Types of expressions in one function (memoised per name; a name being resolved counts as neutral)."""

    def __init__(self, func: ast.FunctionDef, ctx: Context) -> None:
        self.func = func
        self.ctx = ctx
        self._names: dict[str, Types | None] = {}
        self._busy: set[str] = set()

    def types(self, node: ast.expr) -> Types | None:
        """The types ``node`` may evaluate to; an empty set means "only what a name being resolved has"."""
        if isinstance(node, ast.Constant):
            return frozenset({type(node.value).__name__})
        if isinstance(node, ast.JoinedStr):
            return frozenset({"str"})
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.IfExp):
            a, b = self.types(node.body), self.types(node.orelse)
            return None if a is None or b is None else a | b
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            owner = self.types(node.value)
            if owner == frozenset({"str"}):
                return owner
            if owner and all(d.startswith("list[") for d in owner):
                return element_types(owner) or None
            parts = _dict_parts(owner) if owner else None
            return (parts[1] or None) if parts else None
        if isinstance(node, ast.Subscript):
            owner = self.types(node.value)
            return owner if owner and owner <= {"str", "bytes"} else None
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.ListComp):
            kinds = self.types(node.elt)
            return frozenset({f"list[{' | '.join(sorted(kinds))}]"}) if kinds else frozenset({"list[?]"})
        if isinstance(node, ast.List):
            return frozenset({"list[?]"})
        if isinstance(node, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in node.elts):
            items = [self.types(e) for e in node.elts]
            if any(not kinds for kinds in items):
                return None
            return frozenset({f"tuple[{', '.join(' | '.join(sorted(k)) for k in items if k)}]"})
        return None

    def is_str(self, node: ast.expr) -> bool:
        return self.types(node) == frozenset({"str"})

    def is_bytes(self, node: ast.expr) -> bool:
        return self.types(node) == frozenset({"bytes"})

    def hashable_scalar(self, node: ast.expr) -> bool:
        """``node`` is always an int, float, str, bool, bytes or None (hash and == agree)."""
        kinds = self.types(node)
        return bool(kinds) and kinds is not None and kinds <= t.HASHABLE_SCALARS

    def hashable(self, node: ast.expr) -> bool:
        """``node`` is a hashable scalar or a tuple display of them (hash agrees with ==, no user code runs)."""
        if isinstance(node, ast.Tuple):
            return bool(node.elts) and all(self.hashable(e) for e in node.elts)
        return self.hashable_scalar(node)

    def _binop(self, node: ast.BinOp) -> Types | None:
        left, right = self.types(node.left), self.types(node.right)
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return frozenset({"str"})
        if left is None or right is None:
            return None
        both = left | right
        if isinstance(node.op, ast.Add) and len(both) == 1 and next(iter(both)) in ("str", "bytes"):
            return both
        one_str = (left == {"str"}) != (right == {"str"})
        if isinstance(node.op, ast.Mult) and both and both <= {"str", "int"} and one_str:
            return frozenset({"str"})
        if both and both <= {"int", "bool"} and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.FloorDiv):
            return frozenset({"int"})
        return None

    def _call(self, node: ast.Call) -> Types | None:
        callee = node.func
        if isinstance(callee, ast.Name) and is_builtin(self.func, callee.id, self.ctx):
            if callee.id in _STR_CALLS and not node.keywords and len(node.args) <= 2:
                return frozenset({"str"})
            if callee.id in ("bytes", "bytearray") and not node.keywords:
                return frozenset({callee.id})
            if callee.id in ("int", "float", "bool", "len", "ord") and not node.keywords:
                return frozenset({_SCALAR_CALLS[callee.id]})
            if callee.id in ("sorted", "list", "tuple") and len(node.args) == 1:
                inner = self.iterated(node.args[0])
                kind = "tuple" if callee.id == "tuple" else "list"
                return None if not inner else frozenset({f"{kind}[{' | '.join(sorted(inner))}]"})
            return None
        if isinstance(callee, ast.Attribute):
            owner = self.types(callee.value)
            if owner is not None and owner <= {"str"} and callee.attr in _STR_METHODS:
                return frozenset({"str"})  # an empty owner is a name being resolved: str by its other values
            if owner == frozenset({"str"}) and callee.attr == "encode":
                return frozenset({"bytes"})
            if owner == frozenset({"bytes"}) and callee.attr == "decode":
                return frozenset({"str"})
            if owner == frozenset({"str"}) and callee.attr in ("split", "rsplit", "splitlines"):
                return frozenset({"list[str]"})
            if owner == frozenset({"int"}) and callee.attr == "to_bytes":
                return frozenset({"bytes"})
            parts = _dict_parts(owner) if owner else None
            if parts and callee.attr == "get" and 1 <= len(node.args) <= 2 and not node.keywords:
                default = self.types(node.args[1]) if len(node.args) == 2 else frozenset({"NoneType"})
                return None if not default or not parts[1] else parts[1] | default
        return None

    def name(self, node: ast.Name) -> Types | None:
        key = node.id
        if len(t.stored(self.func, key)) == 1:
            loop = t.loop_over(self.func, node, key) or self._tuple_loop(node)
            if loop is not None:
                return self._loop_target(loop, key)
        if key in self._busy:
            return frozenset()
        if key in self._names:
            return self._names[key]
        self._busy.add(key)
        try:
            found = self._resolve(key)
            if found and "list[?]" in found:
                found = self._refine_list(key, found)
        finally:
            self._busy.discard(key)
        self._names[key] = found
        return found

    def _tuple_loop(self, node: ast.Name) -> ast.For | None:
        for up in t.ancestors(node):
            if up is self.func:
                return None
            names = up.target.elts if isinstance(up, ast.For) and isinstance(up.target, ast.Tuple) else []
            if any(isinstance(e, ast.Name) and e.id == node.id for e in names):
                return up  # type: ignore[return-value]
        return None

    def _resolve(self, name: str) -> Types | None:
        stores = t.stored(self.func, name)
        out: set[str] = set()
        if name in t.params(self.func):
            seen = self.ctx.arg_types.get(name)
            if not seen:
                return None  # observed types only; never empty
            if not stores:
                return frozenset(seen)
            out |= seen  # a parameter rebound (``word = word.lower()``): its own types or those of its new values
        if not stores:
            return None
        for store in stores:
            up = t.parent(store)
            if (isinstance(up, ast.Assign) and up.targets == [store]) or (
                isinstance(up, ast.AnnAssign) and up.target is store and up.value is not None
            ):
                value = up.value  # type: ignore[union-attr]
                # a list's elements are known only once every use is (see _refine_list)
                kinds = frozenset({"list[?]"}) if isinstance(value, ast.ListComp) else self.types(value)  # type: ignore[arg-type]
            elif isinstance(up, ast.AugAssign) and up.target is store:
                kinds = self._binop(ast.BinOp(store, up.op, up.value))
            elif isinstance(up, ast.For | ast.comprehension) and up.target is store:
                kinds = self.iterated(up.iter) or None
            elif isinstance(up, ast.Tuple) and isinstance(t.parent(up), ast.For | ast.comprehension | ast.Assign):
                kinds = self._unpacked(t.parent(up), up, store)  # type: ignore[arg-type]
            else:
                return None
            if kinds is None:
                return None
            out |= kinds
        return frozenset(out)

    def _unpacked(
        self, holder: ast.For | ast.comprehension | ast.Assign, target: ast.Tuple, store: ast.Name
    ) -> Types | None:
        """The type of ``store`` in ``for a, b in ...`` or ``a, b = ...`` (None if the shape is not known)."""
        if isinstance(holder, ast.For | ast.comprehension):
            if holder.target is not target:
                return None
            items = self.iterated(holder.iter)
        else:
            if holder.targets != [target]:
                return None
            items = self.types(holder.value)
        if not items or not all(isinstance(e, ast.Name) for e in target.elts):
            return None
        columns = _unpack(items, len(target.elts))
        if columns is None:
            return None
        position = next(i for i, e in enumerate(target.elts) if e is store)
        return columns[position] or None

    def _refine_list(self, name: str, found: Types) -> Types:
        """``list[?]`` made precise for a local list whose elements all come from displays, comprehensions and
        appends."""
        if found != {"list[?]"} or name in t.params(self.func):
            return found
        elements: set[str] = set()
        for store in t.stored(self.func, name):
            up = t.parent(store)
            if not (isinstance(up, ast.Assign) and isinstance(up.value, ast.List | ast.ListComp)):
                return found
            items = up.value.elts if isinstance(up.value, ast.List) else [up.value.elt]
            for element in items:
                kinds = self.types(element)
                if not kinds:
                    return found
                elements |= kinds
        for use in t.name_nodes(self.func, name):
            if not isinstance(use.ctx, ast.Load):
                continue
            up = t.parent(use)
            call = t.parent(up) if up is not None else None
            if isinstance(up, ast.Attribute) and isinstance(call, ast.Call) and call.func is up:
                if up.attr in ("append", "insert") and call.args:
                    kinds = self.types(call.args[-1])
                    if not kinds:
                        return found
                    elements |= kinds
                elif up.attr not in ("sort", "reverse", "pop", "remove", "clear", "index", "count", "copy"):
                    return found
            elif not (any(isinstance(a, ast.Return) for a in t.ancestors(use)) or _read_only(use)):
                return found  # an item assignment, or a use that could add anything
        return frozenset({f"list[{' | '.join(sorted(elements))}]"})

    def _loop_target(self, loop: ast.For, name: str) -> Types | None:
        if len(t.stored(self.func, name)) != 1:
            return None  # the loop variable is rebound elsewhere as well
        items = self.iterated(loop.iter)
        if not items:
            return None  # unknown, or only ever empty: no evidence about the elements
        if isinstance(loop.target, ast.Name):
            return items
        if isinstance(loop.target, ast.Tuple) and all(isinstance(e, ast.Name) for e in loop.target.elts):
            columns = _unpack(items, len(loop.target.elts))
            if columns is None:
                return None
            for element, kinds in zip(loop.target.elts, columns, strict=True):
                if isinstance(element, ast.Name) and element.id == name:
                    return kinds
        return None

    def iterated(self, node: ast.expr) -> Types | None:
        """The types of the elements iterating ``node`` yields."""
        builtin = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if builtin and is_builtin(self.func, node.func.id, self.ctx):  # type: ignore[attr-defined]
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            name, args = node.func.id, node.args
            if node.keywords and name not in ("sorted", "enumerate"):
                return None
            if name == "range":
                return frozenset({"int"})
            if name in ("sorted", "reversed", "list", "tuple", "set") and len(args) == 1:
                return self.iterated(args[0])
            if name == "enumerate" and len(args) == 1 and not node.keywords:
                inner = self.iterated(args[0])
                return None if inner is None else frozenset({f"tuple[int, {' | '.join(sorted(inner)) or '?'}]"})
            if name == "zip" and len(args) >= 2:
                columns = [self.iterated(a) for a in args]
                if any(c is None or not c for c in columns):
                    return None
                return frozenset({f"tuple[{', '.join(' | '.join(sorted(c)) for c in columns if c)}]"})
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
            owner = self.types(node.func.value)
            parts = _dict_parts(owner) if owner else None
            if parts is None:
                if owner == frozenset({"str"}) and node.func.attr in ("split", "splitlines"):
                    return frozenset({"str"})
                return frozenset({"str"}) if self.types(node) == {"str"} else None  # ``for c in word.lower()``
            keys, values = parts
            method = node.func.attr
            if method == "keys":
                return keys
            if method == "values":
                return values
            if method == "items":
                return frozenset({f"tuple[{' | '.join(sorted(keys)) or '?'}, {' | '.join(sorted(values)) or '?'}]"})
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = self.types(node.func.value)
            if owner == frozenset({"str"}) and node.func.attr in ("split", "splitlines"):
                return frozenset({"str"})
        kinds = self.types(node)
        return None if not kinds else element_types(kinds)
