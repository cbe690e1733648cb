"""Facts the catalogue's loop rules share: which calls are pure, which names cannot change inside a region, which
locals are fresh objects nobody else can see, and how to splice a node into the tree."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from perfkit.optimizers import _ast_tools as t

# builtins that neither mutate their arguments nor call user code beyond the elements' own dunder methods
PURE_BUILTINS = frozenset(
    {
        "abs", "all", "any", "bin", "bool", "chr", "divmod", "enumerate", "float", "frozenset", "hex", "int",
        "isinstance", "len", "list", "max", "min", "oct", "ord", "pow", "range", "repr", "reversed", "round", "set",
        "sorted", "str", "sum", "tuple", "zip", "dict", "bytes", "hash", "type",
    }
)  # fmt: skip
# methods that never change the object they are called on (str, list, tuple, dict, set)
READ_METHODS = frozenset(
    {
        "count", "index", "get", "keys", "values", "items", "copy", "lower", "upper", "strip", "lstrip", "rstrip",
        "split", "rsplit", "startswith", "endswith", "join", "find", "rfind", "replace", "casefold", "isdigit",
        "isalpha", "isalnum", "isspace", "isupper", "islower", "title", "format", "issubset", "issuperset",
        "union", "intersection", "difference", "splitlines", "partition", "rpartition", "zfill", "encode", "decode",
    }
)  # fmt: skip
# methods that change only the object they are called on
WRITE_METHODS = frozenset(
    {
        "append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear", "add", "discard", "update",
        "setdefault", "popitem", "appendleft", "popleft", "extendleft", "difference_update",
        "intersection_update", "symmetric_difference_update",
    }
)  # fmt: skip
FRESH_CALLS = frozenset({"list", "dict", "set", "sorted", "tuple", "frozenset", "str", "int", "float", "len", "sum"})
SCALARS = "(int, float, str, bool, bytes)"  # types whose == agrees with hash, for run-time guards


def walk_loads(root: ast.AST) -> Iterator[ast.Name]:
    for node in ast.walk(root):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            yield node


def assigned_names(func: ast.FunctionDef) -> set[str]:
    """Every name the function binds (parameters included): those are not globals or builtins."""
    out = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return out | set(t.params(func))


def fresh_locals(func: ast.FunctionDef) -> set[str]:
    """Locals every assignment of which makes a new object (a display, a comprehension, ``list(...)``...), so no
    other name can alias them; loop variables and parameters are not fresh."""
    stores: dict[str, list[ast.Name]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores.setdefault(node.id, []).append(node)
    out = set()
    for name, nodes in stores.items():
        if name in t.params(func):
            continue
        if all(_fresh_store(n) for n in nodes):
            out.add(name)
    return out


def _fresh_store(node: ast.Name) -> bool:
    up = t.parent(node)
    if (isinstance(up, ast.Assign) and up.targets == [node]) or (isinstance(up, ast.AnnAssign) and up.target is node):
        value = up.value
        if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp | ast.Constant):
            return True
        if isinstance(value, ast.Tuple | ast.BinOp | ast.JoinedStr):
            return True
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in FRESH_CALLS
    return isinstance(up, ast.AugAssign) and up.target is node


def unknown_calls(region: ast.AST, func: ast.FunctionDef, *, fresh: set[str]) -> bool:
    """Whether ``region`` calls anything that could run unknown code or change an object it did not create:
    only pure builtins (not rebound), read-only methods, and writing methods on fresh locals are known."""
    bound = assigned_names(func)
    for node in ast.walk(region):
        if not isinstance(node, ast.Call):
            continue
        if any(k.arg == "key" and not _pure_key(k.value, bound) for k in node.keywords):
            return True
        if isinstance(node.func, ast.Name):
            if node.func.id not in PURE_BUILTINS or node.func.id in bound:
                return True
        elif isinstance(node.func, ast.Attribute):
            if node.func.attr in READ_METHODS:
                continue
            owner = node.func.value
            if not (node.func.attr in WRITE_METHODS and isinstance(owner, ast.Name) and owner.id in fresh):
                return True
        else:
            return True
    return False


def _pure_key(node: ast.expr, bound: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in PURE_BUILTINS and node.id not in bound
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "str"


def writes_objects(region: ast.AST, *, fresh: set[str]) -> bool:
    """Whether ``region`` stores into an attribute or item of anything but a fresh local, or deletes one."""
    for node in ast.walk(region):
        if isinstance(node, ast.Attribute | ast.Subscript) and not isinstance(node.ctx, ast.Load):
            base = node.value
            if not (isinstance(node, ast.Subscript) and isinstance(base, ast.Name) and base.id in fresh):
                return True
    return False


def read_only_use(use: ast.expr) -> bool:
    """A use of a name that cannot change the object: indexing, ``len``/``sorted``/..., iteration, ``in``,
    comparison, truth test, a read-only method."""
    up = t.parent(use)
    if isinstance(up, ast.Subscript) and up.value is use:
        return isinstance(up.ctx, ast.Load)
    if isinstance(up, ast.Attribute) and up.value is use:
        grand = t.parent(up)
        return up.attr in READ_METHODS and isinstance(grand, ast.Call) and grand.func is up
    if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and use in up.args:
        if up.func.id in ("max", "min") and len(up.args) > 1:
            return False  # hands one of its arguments back itself: the result is an alias
        if up.func.id == "sum" and len(up.args) > 1 and up.args[1] is use:
            return False  # sum(empty, start) returns start itself
        return up.func.id in PURE_BUILTINS - {"hash"}
    if isinstance(up, ast.For | ast.comprehension) and up.iter is use:
        return True
    if isinstance(up, ast.Compare | ast.BinOp | ast.FormattedValue):
        return True
    if isinstance(up, ast.If | ast.While | ast.IfExp) and up.test is use:
        return True
    if isinstance(up, ast.BoolOp):  # only as a truth test, never as the value (``y = xs or []`` aliases)
        grand = t.parent(up)
        return isinstance(grand, ast.If | ast.While) and grand.test is up
    return isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not)


def unchanged_in(
    region: ast.AST,
    name: str,
    func: ast.FunctionDef,
    *,
    fresh: set[str] | None = None,
    definition: ast.AST | None = None,
) -> bool:
    """``name`` is neither rebound (except by the statement ``definition``) nor changed, through any alias,
    anywhere in ``region``."""
    fresh = fresh_locals(func) if fresh is None else fresh
    uses = [u for u in t.name_nodes(region, name) if definition is None or t.parent(u) is not definition]
    if any(not isinstance(u.ctx, ast.Load) or not read_only_use(u) for u in uses):
        return False
    if name in fresh:  # nobody else holds it: its own uses are all there is
        return True
    return not unknown_calls(region, func, fresh=fresh) and not writes_objects(region, fresh=fresh)


def replace_node(old: ast.AST, new: ast.AST) -> None:
    """Put ``new`` where ``old`` sits in its parent."""
    holder = t.parent(old)
    assert holder is not None
    for field, value in ast.iter_fields(holder):
        if value is old:
            setattr(holder, field, new)
            break
        if isinstance(value, list) and any(v is old for v in value):
            value[[id(v) for v in value].index(id(old))] = new
            break
    new._pk_parent = holder  # type: ignore[attr-defined]
    old._pk_detached = True  # type: ignore[attr-defined]
    t.link_parents(new)


def detached(node: ast.AST) -> bool:
    """Whether ``node`` was cut out of the tree by :func:`replace_node` (directly or through an ancestor)."""
    return getattr(node, "_pk_detached", False) or any(getattr(up, "_pk_detached", False) for up in t.ancestors(node))


def in_comprehension_iter(node: ast.AST, stop: ast.AST) -> bool:
    """Whether ``node`` sits in the iterable of a comprehension (where ``:=`` is a syntax error)."""
    child = node
    for up in t.ancestors(node):
        if isinstance(up, ast.comprehension) and up.iter is child:
            return True
        if up is stop:
            return False
        child = up
    return False


def nearest(node: ast.AST, stop: ast.AST, kinds: tuple[type[ast.AST], ...]) -> ast.AST | None:
    """The innermost ancestor of ``node`` of one of ``kinds``, below ``stop``."""
    for up in t.ancestors(node):
        if up is stop:
            return None
        if isinstance(up, kinds):
            return up
    return None


def enclosing_loop(node: ast.AST, stop: ast.AST) -> ast.For | ast.While | None:
    """The innermost for/while statement around ``node`` below ``stop``."""
    return nearest(node, stop, (ast.For, ast.While))  # type: ignore[return-value]


def in_comprehension(node: ast.AST, stop: ast.AST) -> bool:
    return nearest(node, stop, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) is not None


def caught_around(node: ast.stmt, func: ast.FunctionDef) -> bool:
    """Whether an enclosing ``try`` or ``with`` could catch an exception from ``node`` and go on."""
    return nearest(node, func, (ast.Try, ast.With)) is not None


def empty_assignments(func: ast.FunctionDef, kind: type[ast.List] | type[ast.Dict]) -> list[tuple[ast.Assign, str]]:
    """``name = []`` (or ``{}``) statements binding a single name."""
    found = []
    for stmt in [n for n in ast.walk(func) if isinstance(n, ast.Assign)]:
        value = stmt.value
        empty = isinstance(value, kind) and not (value.elts if isinstance(value, ast.List) else value.keys)  # type: ignore[attr-defined]
        if empty and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            found.append((stmt, stmt.targets[0].id))
    return found


def fresh_empty_lists(func: ast.FunctionDef) -> Iterator[tuple[ast.Assign, str]]:
    """``name = []`` statements inside a statement list, for locals assigned only there."""
    fresh = fresh_locals(func)
    for stmt, name in empty_assignments(func, ast.List):
        if name in fresh and len(t.stored(func, name)) == 1 and t.containing_list(func, stmt) is not None:
            yield stmt, name
