"""What the numba boundary can take: seen type descriptions (``list[tuple[float, float]]``) as boundary kinds.

A parameter's kind is ``scalar``, ``array`` (a list or tuple of numbers), ``matrix`` (a list of lists or tuples of
numbers), ``record(...)`` (a fixed-size tuple of numbers and lists of numbers), ``text`` (a string used only as
characters to compare, see :func:`text_params`) or ``bytes`` (an array of byte values); a result must be numbers,
None, or lists/tuples of numbers.
"""

from __future__ import annotations

import ast
from typing import Any

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_arrays import array_names
from perfkit.optimizers._numba_imports import module_facts
from perfkit.optimizers._numba_maps import char_keyed_maps, is_map_key
from perfkit.optimizers._numba_prefix import split_prologue
from perfkit.optimizers._numba_scan import Seq, Shape
from perfkit.optimizers._types import Context

_SCALARS = {"int", "float", "bool"}
NUMBERS = frozenset({"int", "float"})
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
RANKS = {"array": 1, "matrix": 2, "text": 1, "bytes": 1}

Parsed = tuple[str, list[list[Any]]]  # ("list", [alternatives of position 0, ...]); alternatives are Parsed


def parse_description(description: str) -> Parsed:
    """``"list[tuple[int, float] | list[]]"`` as ``("list", [[("tuple", [[("int", [])], [("float", [])]]),
    ("list", [])]])``: a type name and, per position, its alternatives."""
    parsed, end = _parse_at(description, 0)
    return parsed if end == len(description) else ("?", [])


def _parse_at(text: str, i: int) -> tuple[Parsed, int]:
    j = i
    while j < len(text) and text[j] not in "[], |":  # any name: 'int', 'NoneType', '?' (an empty dict's keys)
        j += 1
    name, positions = text[i:j], []
    if j < len(text) and text[j] == "[":
        j += 1
        alternatives: list[Any] = []
        while j < len(text) and text[j] != "]":
            start = j
            item, j = _parse_at(text, j)
            alternatives.append(item)
            if j == start and not text.startswith((" | ", ", "), j):
                j += 1  # a character no description holds: step over it rather than loop on it
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
    return name in ("list", "tuple") and all(alt[0] in NUMBERS and not alt[1] for p in positions for alt in p)


def classify(description: str) -> str:
    """The boundary kind of one seen type: scalar, array, matrix, record(...), text, empty, or other."""
    parsed = parse_description(description)
    name, positions = parsed
    if name in _SCALARS and not positions:
        return "scalar"
    if name == "str":
        return "text"
    if name == "bytes":  # an array of its byte values (:mod:`perfkit.optimizers._numba_bytes`)
        return "bytes"
    if name == "array" and not positions:  # array.array: ints or floats, read as a list of numbers (the boundary
        return "array"  # checks the type code; one that is written to goes to the original)
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
    nests = {_nest(alt) for alt in alternatives} if name == "list" and len(positions) == 1 else {None}
    if len(nests) == 1 and isinstance(item := nests.pop(), tuple) and 1 in _flat(item):
        return f"objects:{item!r}"  # a list of records: (list, list, number), or pairs of such
    return "other"


def _nest(parsed: Parsed) -> int | tuple | None:  # type: ignore[type-arg]
    """0 for a number, 1 for a list or tuple of numbers (or an empty one), a tuple of nests for a fixed-size tuple
    of those (two levels at most), None otherwise."""
    name, positions = parsed
    if name in NUMBERS and not positions:
        return 0
    if (
        name in ("list", "tuple")
        and (not positions or _is_numbers(parsed))
        and not (name == "tuple" and len(positions) > 1)
    ):
        return 1
    if name != "tuple" or len(positions) < 2:
        return None
    items = []
    for position in positions:
        nests = {_nest(alt) for alt in position}
        if len(nests) != 1 or None in nests or _depth(next(iter(nests))) > 1:
            return None
        items.append(nests.pop())
    return tuple(items)


def _depth(nest: object) -> int:
    return 1 + max(map(_depth, nest)) if isinstance(nest, tuple) else 0


def _flat(nest: object) -> list[object]:
    return [leaf for item in nest for leaf in _flat(item)] if isinstance(nest, tuple) else [nest]


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
    if kind.startswith("objects:"):
        return Seq(ast.literal_eval(kind[len("objects:") :]))
    if kind.startswith("record("):
        return tuple(RANKS.get(item, 0) for item in kind[len("record(") : -1].split(","))
    return RANKS.get(kind, 0)


def result_kind(context: Context) -> str | None:
    """``"scalar"`` (one scalar type, or ints and floats: a float that is a whole number then goes to the
    original), ``"none"``, ``"value"`` (numbers, lists and tuples of them, nested once, each list of one element
    type), or None when numba cannot return it exactly."""
    types = context.return_types
    if (len(types) == 1 and types <= _SCALARS) or types == NUMBERS:
        return "scalar"
    if types == {"NoneType"}:
        return "none"
    if not types or types & _SCALARS or all(_empty_inside(parse_description(d)) for d in types):
        return None
    for description in types:
        name, positions = parse_description(description)
        if name == "list" and len(positions) == 1 and len(positions[0]) == 1:
            (inner,) = positions[0]
            if (inner[0] in NUMBERS and not inner[1]) or (inner[0] in ("list", "tuple") and _homogeneous(inner)):
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
    if not positions or not all(len(p) == 1 and p[0][0] in NUMBERS and not p[0][1] for p in positions):
        return False
    return name == "tuple" or len(positions) == 1


def text_params(context: Context) -> set[str]:
    """The parameters a string may be passed to as an array of code points (see :func:`text_analysis`)."""
    return text_analysis(context)[0]


def text_analysis(context: Context) -> tuple[set[str], set[str]]:
    """(The parameters a string may be passed to as an array of code points without changing what the function does.

    That holds when the body has no string constants (error messages and array type codes aside) and uses the
    parameter only as ``len(p)``, in a truth test, in ``isinstance(p, str | bytes)`` (the kernel knows the answer),
    swapped with another such parameter, compared whole with another (``p == q``: the kernel compares lengths and
    code points), and as characters: ``p[i]`` (no slices) and ``c`` of ``for c in p`` / ``for i, c in
    enumerate(p)``, each compared (``==``, ``<``, ...) only with other such characters (a code point compares with a
    code point exactly as a one-character string with another), tested for truth (a character is never empty: the
    kernel reads True) or used as keys of a local table that only ever sees characters as keys
    (:mod:`perfkit.optimizers._numba_maps`), or passed to a module helper that takes it the same way (see
    :func:`text_helpers`); and those tables' names.
    """
    return _text_analysis(context)[:2]


def text_helpers(context: Context) -> dict[str, tuple[set[str], set[str]]]:
    """The module helpers the function passes its strings to: name -> (its parameters that get a string, passed
    on as code points; its character-keyed tables). Each such helper passes the same test as the function (a
    helper calling helpers too, without recursion)."""
    return _text_analysis(context)[2]


def text_refusal(context: Context, name: str) -> str:
    """Why the string parameter ``name`` cannot be passed as code points (its first use that would read
    differently), or ``""``."""
    why: dict[str, str] = {}
    _text_analysis(context, why)
    return why.get(name, why.get("*", ""))


def _text_analysis(
    context: Context, why: dict[str, str] | None = None
) -> tuple[set[str], set[str], dict[str, tuple[set[str], set[str]]]]:
    context = split_prologue(context)[0]  # the wrapper runs a warning prologue in Python (:mod:`._numba_prefix`)
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        return set(), set(), {}
    functions = module_facts(context).functions
    helpers: dict[str, tuple[set[str], set[str]]] = {}
    ok, maps = _analyse(parsed[1], context.module_source, functions, helpers, (context.name,), why)
    return ok, maps, helpers


def _analyse(
    func: ast.FunctionDef,
    module_source: str,
    functions: dict[str, ast.FunctionDef],
    helpers: dict[str, tuple[set[str], set[str]]],
    chain: tuple[str, ...],
    why: dict[str, str] | None = None,
) -> tuple[set[str], set[str]]:
    why = {} if why is None else why  # parameter -> its first use that keeps it out ("*": all of them)
    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    nodes = [node for stmt in body for node in ast.walk(stmt)]
    messages = {id(n) for r in nodes if isinstance(r, ast.Raise) for n in ast.walk(r)}  # raise E("message")
    types, modules = array_names(module_source)
    messages |= {id(n.args[0]) for n in nodes if isinstance(n, ast.Call) and _array_call(n, types, modules)}
    texts = [n for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in messages]
    if texts:
        why.setdefault("*", f"{func.name} holds the string {texts[0].value!r} (not an error message)")
        return set(), set()
    parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
    names = {a.arg for a in func.args.args}
    letters = _loop_letters(nodes, names)  # char name -> the parameter it iterates
    chars = {
        id(n)
        for n in nodes
        if (
            isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Name)
            and n.value.id in names
            and not isinstance(n.slice, ast.Slice)
        )
        or (isinstance(n, ast.Name) and n.id in letters and isinstance(n.ctx, ast.Load))
    }
    maps = char_keyed_maps(nodes, parents, chars)  # last = defaultdict(int) read and written as last[c]
    ok = set(names)
    for node in nodes:
        if not (isinstance(node, ast.Name) and (node.id in names or node.id in letters)):
            continue
        parent = parents.get(id(node))
        if node.id in letters:
            if not isinstance(node.ctx, ast.Load) or _compared(node, parents, chars) or _kept(node, parent, letters):
                continue
            if is_map_key(node, parent, maps):
                continue
            ok.discard(letters[node.id])
            why.setdefault(letters[node.id], f"its character {node.id} is used in `{_shown(parent, node)}`")
            continue
        if _text_use(node, parent, parents, chars, names, letters, maps):
            continue
        if _passed_on(node, parent, func, module_source, functions, helpers, chain):
            continue
        ok.discard(node.id)
        why.setdefault(node.id, f"it is used in `{_shown(parent, node)}`")
    return ok, maps


def _shown(parent: ast.AST | None, node: ast.AST) -> str:
    text = ast.unparse(parent if parent is not None else node)
    return text if len(text) <= 60 else text[:57] + "..."


def _passed_on(
    node: ast.Name,
    parent: ast.AST | None,
    func: ast.FunctionDef,
    module_source: str,
    functions: dict[str, ast.FunctionDef],
    helpers: dict[str, tuple[set[str], set[str]]],
    chain: tuple[str, ...],
) -> bool:
    """Whether the string parameter ``node`` is an argument of a module helper that takes it as code points."""
    if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in functions):
        return False
    name = parent.func.id
    local = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    if name in local or name in t.params(func) or name in chain or len(chain) > 3:
        return False
    helper = functions[name]
    names = [a.arg for a in helper.args.args]
    if helper.args.vararg or helper.args.kwarg or any(isinstance(a, ast.Starred) for a in parent.args):
        return False
    bound = dict(zip(names, parent.args, strict=False)) | {k.arg: k.value for k in parent.keywords if k.arg}
    param = next((p for p, arg in bound.items() if arg is node), None)
    if param is None:
        return False
    ok, maps = _analyse(helper, module_source, functions, helpers, (*chain, name))
    if param not in ok:
        return False
    known = helpers.setdefault(name, (set(), set()))
    known[0].add(param)
    known[1].update(maps)
    return True


def _array_call(node: ast.Call, types: frozenset[str], modules: frozenset[str]) -> bool:
    """``array(code, ...)`` or ``array.array(code, ...)``, the names as the module imports them (the code is a
    type code, not text)."""
    if not node.args:
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in types) or (
        isinstance(func, ast.Attribute)
        and func.attr == "array"
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    )


def _loop_letters(nodes: list[ast.AST], names: set[str]) -> dict[str, str]:
    """Names that only ever hold a character of a parameter: bound by ``for c in p``, ``for i, c in
    enumerate(p)``, ``c = p[i]`` or ``c = d`` (d such a name); each maps to the parameter it came from."""
    bound: dict[str, list[str | None]] = {}  # name -> the parameter of each binding (None: not a character)
    for node in nodes:
        if isinstance(node, ast.For | ast.comprehension):
            source, target = node.iter, node.target
            if t.is_call(source, "enumerate", 1) and isinstance(target, ast.Tuple) and len(target.elts) == 2:
                bound.setdefault(getattr(target.elts[0], "id", ""), []).append(None)
                source, target = source.args[0], target.elts[1]  # type: ignore[attr-defined]
            pairs = [(source, target)]
            zipped = isinstance(source, ast.Call) and t.is_call(source, "zip") and not source.keywords
            if zipped and isinstance(target, ast.Tuple) and len(target.elts) == len(source.args):  # type: ignore[attr-defined]
                pairs = list(zip(source.args, target.elts, strict=True))  # type: ignore[attr-defined]
            for one_source, one_target in pairs:
                param = one_source.id if isinstance(one_source, ast.Name) and one_source.id in names else None
                for n in ast.walk(one_target):
                    if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                        bound.setdefault(n.id, []).append(param if n is one_target else None)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            single = len(targets) == 1 and isinstance(targets[0], ast.Name) and not isinstance(node, ast.AugAssign)
            value = node.value if single else None
            for target in targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):  # not the c of seen[c] = 1
                        bound.setdefault(n.id, []).append(_char_source(value, names) if single else None)
    letters: dict[str, str] = {}
    changed = True
    while changed:  # c = d, where d is a character name found in an earlier pass
        changed = False
        for name, sources in bound.items():
            resolved = [letters.get(src[1:], "") if src and src.startswith("=") else src for src in sources]
            if name not in letters and resolved and all(resolved):
                letters[name] = resolved[0]  # type: ignore[assignment]
                changed = True
    return letters


def _char_source(value: ast.expr | None, names: set[str]) -> str | None:
    """The parameter a character comes from (``p[i]``), ``"=d"`` for a copy of the name d, else None."""
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id in names:
        return None if isinstance(value.slice, ast.Slice) else value.value.id
    if isinstance(value, ast.Name) and value.id not in names:
        return f"={value.id}"
    return None


def _compared(node: ast.AST, parents: dict[int, ast.AST], chars: set[int]) -> bool:
    compare = parents.get(id(node))
    return (
        isinstance(compare, ast.Compare)
        and all(isinstance(op, _COMPARISONS) for op in compare.ops)
        and all(id(side) in chars for side in [compare.left, *compare.comparators])
    )


def _kept(node: ast.expr, parent: ast.AST | None, letters: dict[str, str]) -> bool:
    """Whether ``node`` is the value of ``c = node`` with c a character name."""
    return (
        isinstance(parent, ast.Assign)
        and parent.value is node
        and len(parent.targets) == 1
        and isinstance(parent.targets[0], ast.Name)
        and parent.targets[0].id in letters
    )


def _text_use(
    node: ast.Name,
    parent: ast.AST | None,
    parents: dict[int, ast.AST],
    chars: set[int],
    names: set[str],
    letters: dict[str, str],
    maps: set[str],
) -> bool:
    """Whether this use of a string parameter reads the same on an array of its code points."""
    if isinstance(parent, ast.Call) and t.is_call(parent, "len", 1) and parent.args[0] is node:
        return True
    if isinstance(parent, ast.Subscript) and id(parent) in chars and parent.value is node:
        up = parents.get(id(parent))
        return (
            _compared(parent, parents, chars)
            or _kept(parent, up, letters)
            or _truth_test(parent, up, parents)
            or is_map_key(parent, up, maps)
        )
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1 and isinstance(parent.ops[0], ast.Eq | ast.NotEq):
        sides = [parent.left, *parent.comparators]  # s1 == s2: the kernel compares lengths and code points
        return all(isinstance(side, ast.Name) and side.id in names for side in sides)
    if isinstance(parent, ast.For | ast.comprehension) and parent.iter is node:
        return True
    if isinstance(parent, ast.Call) and (t.is_call(parent, "enumerate", 1) or t.is_call(parent, "zip")):
        loop = parents.get(id(parent))  # for i, c in enumerate(p) / for c, d in zip(p, q): c and d are characters
        if not (isinstance(loop, ast.For | ast.comprehension) and loop.iter is parent) or parent.keywords:
            return False
        return t.is_call(parent, "enumerate", 1) or (
            isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == len(parent.args)
        )
    if isinstance(parent, ast.Call) and t.is_call(parent, "isinstance", 2) and parent.args[0] is node:
        kind = parent.args[1]
        return isinstance(kind, ast.Name) and kind.id in ("str", "bytes")
    if isinstance(parent, ast.Tuple):  # a, b = b, a between string parameters
        assign = parents.get(id(parent))
        return (
            isinstance(assign, ast.Assign)
            and len(assign.targets) == 1
            and all(
                isinstance(side, ast.Tuple) and all(isinstance(e, ast.Name) and e.id in names for e in side.elts)
                for side in (assign.targets[0], assign.value)
            )
        )
    return _truth_test(node, parent, parents)


def _truth_test(node: ast.expr, parent: ast.AST | None, parents: dict[int, ast.AST]) -> bool:
    """Whether ``node`` is only tested for truth (``if p``, ``while i < n and p[i]``, ``not p``)."""
    inner: ast.AST = node
    up = parent
    while isinstance(up, ast.BoolOp) or (isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not)):
        inner, up = up, parents.get(id(up))
    return isinstance(up, ast.If | ast.While | ast.Assert | ast.IfExp) and up.test is inner


def why_not_numeric(context: Context) -> str:
    for name in context.params:
        seen = sorted(context.arg_types.get(name, frozenset()))
        kinds = _merged({classify(d) for d in seen} - {"empty"})
        if kinds == {"text"} and name not in text_params(context):
            reason = text_refusal(context, name)
            return f"argument {name} (str) is not only characters to compare" + (f": {reason}" if reason else "")
        if len(kinds) != 1 or "other" in kinds:
            return f"argument {name} ({' | '.join(seen) or 'never seen'}) is not numbers numba can take exactly"
    return f"the result ({' | '.join(sorted(context.return_types)) or 'never seen'}) is not one numba returns exactly"
