"""numba kernels that return strings: a string built character by character becomes a list of code points.

A function whose arguments are all seen as ``str`` and whose result is seen as ``str`` gets a kernel when it builds
its result in one accumulator, ``out = ""`` (grown by ``out += piece`` or ``out = out + piece``) or ``out = []``
(grown by ``out.append(piece)`` or ``out += piece``, returned as ``"".join(out)``). Inside the kernel each string
argument is an int64 array of its code points and the accumulator a typed list of code points; the wrapper turns
the returned code points back into a ``str`` (UTF-32 with ``surrogatepass``: exact for every ``str``).

What the kernel may hold, each exact on code points (anything else is refused and no candidate is made):

- characters: ``p[i]`` (no slice), names bound only by ``for c in p`` / ``for c in p[a:b]`` / ``enumerate(p)`` /
  ``c = <character>``, ``"const"[i]``, ``chr(n)`` (raises where Python's does), and ``c.upper()``/``c.lower()``
  (ASCII letters mapped in the kernel; a non-ASCII character raises, so the call goes to the original);
- a character used only in comparisons with characters or one-character constants (a one-character string
  compares with another as its code point does), as ``c in "const"`` / ``not in`` (code point membership), as
  ``ord(c)``, or as a piece of the result;
- pieces appended to the result: characters, string constants, ``"const" * n`` and ``+`` of those (``"".join``
  of a list of strings is their concatenation, and ``list += str`` extends by characters, so both spellings read
  the same); returns of the accumulator, a string argument or a string constant, with the function ending in a
  ``return``;
- numbers as the numba proposer takes them (every int operation checked: :mod:`._numba_ints`); no floats.

Names the kernel reads must be its own, the parameters or the builtins ``range``, ``len``, ``enumerate``, ``min``,
``max``, ``abs``, ``ord``, ``chr``; no other string may exist in it (a string constant anywhere else refuses).
A kernel that raises hands the call to the original, which then does what Python does.
"""

from __future__ import annotations

import ast
import textwrap

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_ints import PRELUDE as INT_PRELUDE
from perfkit.optimizers._numba_ints import checked_ints
from perfkit.optimizers._numba_scan import Refused
from perfkit.optimizers._types import Context

_BUILTINS = frozenset({"range", "len", "enumerate", "min", "max", "abs", "ord", "chr"})
_ACC = "_pk_acc"
_ORDER = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)

PRELUDE = '''
from numba.typed import List as _pks_List
from numba.core import types as _pks_types


@_pkb_njit
def _pks_out(acc):
    """The code points of a typed list as an array."""
    out = _pk_np.empty(len(acc), _pk_np.int64)
    for i in range(len(acc)):
        out[i] = acc[i]
    return out


@_pkb_njit
def _pks_u32(points):
    """The code points (0 to 0x10FFFF) as UTF-32 units."""
    return points.astype(_pk_np.uint32)


@_pkb_njit
def _pks_copy(points):
    """A fresh array of the code points (an argument or a constant returned)."""
    return points.copy()


@_pkb_njit
def _pks_upper(c):
    """``c.upper()`` of an ASCII character; raises for others (the call then goes to the original)."""
    if c >= 128:
        raise ValueError("not ASCII")
    return c - 32 if 97 <= c <= 122 else c


@_pkb_njit
def _pks_lower(c):
    """``c.lower()`` of an ASCII character; raises for others."""
    if c >= 128:
        raise ValueError("not ASCII")
    return c + 32 if 65 <= c <= 90 else c


@_pkb_njit
def _pks_upper_all(points):
    """``s.upper()`` of an ASCII string; raises for others (non-ASCII case maps may change the length)."""
    out = points.copy()
    for i in range(len(out)):
        out[i] = _pks_upper(out[i])
    return out


@_pkb_njit
def _pks_lower_all(points):
    """``s.lower()`` of an ASCII string; raises for others."""
    out = points.copy()
    for i in range(len(out)):
        out[i] = _pks_lower(out[i])
    return out


@_pkb_njit
def _pks_chr(n):
    """``chr(n)`` as a code point; raises where Python's chr does."""
    if n < 0 or n > 0x10FFFF:
        raise ValueError("chr() arg not in range(0x110000)")
    return n
'''


def string_result(context: Context) -> bool:
    """Whether the function takes only strings and returns strings (as seen in the inputs)."""
    return (
        context.return_types == {"str"}
        and bool(context.params)
        and all(context.arg_types.get(p) == {"str"} for p in context.params)
    )


def string_candidate(context: Context, *, prelude: str) -> str:
    """The candidate's source (``prelude``: the numba proposer's own, defining ``_pkb_njit`` and ``_pkb_call``),
    or :class:`Refused` saying why the function's string result cannot be built exactly on code points."""
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        raise Refused("its source cannot be read")
    _, func = parsed
    a = func.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults or func.decorator_list:
        raise Refused("only plain positional string parameters are taken")
    params = [arg.arg for arg in a.args]
    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    if not _always_returns(body):
        raise Refused("it does not end in a return")
    kernel, tables = _Kernel(params, body).build()
    kernel.name = f"_pk_nb_{context.name}"
    kernel = checked_ints(kernel, math_names={}, local=_locals(kernel, params))
    fallback, jit = f"_pk_py_{context.name}", f"_pk_jit_{context.name}"
    names = ", ".join(params)
    lines = [prelude, INT_PRELUDE, PRELUDE, "", f"def {fallback}({names}):", textwrap.indent(_body(func), "    ")]
    lines += ["", ""] + [f"{name} = _pk_np.array({cps!r}, dtype=_pk_np.int64)" for name, cps in tables.items()]
    lines += ["", "", ast.unparse(kernel), "", "", f"{jit} = _pkb_njit(_pk_nb_{context.name})", "", ""]
    lines += [f"def {context.name}({names}):"]
    call_fallback = f"return {fallback}({names})"
    test = " or ".join(f"type({p}) is not str" for p in params)
    lines += [f"    if {test}:", f"        {call_fallback}"]
    codes = ", ".join(
        f"_pk_np.frombuffer({p}.encode('utf-32-le', 'surrogatepass'), dtype=_pk_np.uint32)" for p in params
    )
    lines += [
        "    try:",
        f"        _pk_result = _pkb_call({jit}, {codes})",
        "    except Exception:  # the original raises too, or a character the kernel does not map exactly",
        f"        {call_fallback}",
        "    return _pk_result.tobytes().decode('utf-32-le', 'surrogatepass')",
    ]
    return "\n".join(lines) + "\n"


def _body(func: ast.FunctionDef) -> str:
    return "\n".join(ast.unparse(s) for s in func.body)


def _locals(func: ast.FunctionDef, params: list[str]) -> set[str]:
    stored = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return stored | set(params)


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Kernel:
    """The kernel made from the body, checked as it is rewritten (see the module docstring)."""

    def __init__(self, params: list[str], body: list[ast.stmt]) -> None:
        self.params = set(params)
        self.order = params
        self.body = [ast.parse(ast.unparse(s)).body[0] for s in body]  # a copy
        self.tables: dict[str, list[int]] = {}
        nodes = [n for s in self.body for n in ast.walk(s)]
        self.acc, self.listed = self._accumulator(nodes)
        self.maybe: set[str] = set()
        self.chars = self._char_names(nodes)
        self.single = not self.listed or self._one_per_item(nodes)  # len(result) is the string's length
        stored = {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        self.local = stored | self.params
        _assigned_before_use(self.body, set(self.params), stored)

    def build(self) -> tuple[ast.FunctionDef, dict[str, list[int]]]:
        body = [ast.parse(f"{p} = _pkr_{p}.astype(_pk_np.int64)").body[0] for p in self.order]  # code points
        body += [ast.parse(f"{_ACC} = _pks_List.empty_list(_pks_types.int64)").body[0]]
        body += self._block(self.body)
        func = ast.FunctionDef(
            name="_pk_nb_kernel",
            args=ast.arguments([], [ast.arg(f"_pkr_{p}") for p in self.order], None, [], [], None, []),
            body=body,
            decorator_list=[],
            returns=None,
        )
        for node in ast.walk(func):
            if _str(node) is not None:
                raise Refused(f"it uses the string {node.value!r} other than as a character or a piece of the result")  # type: ignore[attr-defined]
            if isinstance(node, ast.Constant) and isinstance(node.value, float | complex | bytes):
                raise Refused("it computes with floats")
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id == self.acc:
                    raise Refused(f"it uses the result {self.acc} other than to grow and return it")
                if node.id not in self.local and node.id not in _BUILTINS and not node.id.startswith("_pk"):
                    raise Refused(f"it reads the name {node.id}, not its own")
            if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and node.value.id.startswith("_pk")
            ):
                raise Refused(f"it uses the attribute .{node.attr}")
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.Pow):
                raise Refused("it computes with floats")
            if isinstance(node, ast.Lambda | ast.Yield | ast.YieldFrom | ast.Await | ast.Global | ast.Nonlocal):
                raise Refused("it holds a lambda, yield, await, global or nonlocal")
        return ast.fix_missing_locations(func), self.tables

    # --- what the body holds ------------------------------------------------------------------------------------

    def _accumulator(self, nodes: list[ast.AST]) -> tuple[str, bool]:
        """The name bound once, at the top of the body, to ``""`` or ``[]``; whether it is a list."""
        found = []
        for stmt in self.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = stmt.value
                if _str(value) == "" or (isinstance(value, ast.List) and not value.elts):
                    found.append((stmt.targets[0].id, isinstance(value, ast.List)))
        if len(found) != 1:
            raise Refused("it does not build its result in one string or list started empty")
        name, listed = found[0]
        grown = {id(s.target) for s in nodes if isinstance(s, ast.AugAssign)}
        grown |= {id(s.targets[0]) for s in nodes if isinstance(s, ast.Assign) and _starts_with(s.value, name)}
        binds = [n for n in nodes if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
        if len([n for n in binds if id(n) not in grown]) != 1 or name in self.params:
            raise Refused(f"it binds its result {name} more than once")
        return name, listed

    def _char_names(self, nodes: list[ast.AST]) -> set[str]:
        """Names every binding of which is a character of a string argument."""
        binds: dict[str, list[bool | None]] = {}  # None: bound to None (a character or None)
        for node in nodes:
            if isinstance(node, ast.For):
                target, source = node.target, node.iter
                if t.is_call(source, "enumerate", 1) and isinstance(target, ast.Tuple) and len(target.elts) == 2:
                    source, target = source.args[0], target.elts[1]  # type: ignore[attr-defined]
                for n in ast.walk(node.target):
                    if isinstance(n, ast.Name):
                        binds.setdefault(n.id, []).append(n is target and self._text(source))
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.NamedExpr | ast.comprehension):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value if isinstance(node, ast.Assign) and len(targets) == 1 else None
                for target in targets:
                    for n in ast.walk(target):
                        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                            one = n is target and value is not None and self._direct_char(value)
                            none = n is target and isinstance(value, ast.Constant) and value.value is None
                            binds.setdefault(n.id, []).append(None if none else one)
        chars = {name for name, ok in binds.items() if False not in ok and True in ok}
        self.maybe = {name for name in chars if None in binds[name]}
        changed = True
        while changed:  # c = d with d a character name
            changed = False
            for node in nodes:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    name = node.targets[0].id
                    value = node.value
                    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                        value = value.func.value  # c.upper(): a character when c is
                    if name in chars and isinstance(value, ast.Name) and value.id not in chars:
                        chars.discard(name)
                        changed = True
                    if name in chars and isinstance(value, ast.Name) and value.id in self.maybe - {name}:
                        self.maybe.add(name)
                        changed = True
        self.maybe &= chars
        return chars

    def _one_per_item(self, nodes: list[ast.AST]) -> bool:
        """Whether every item appended to the result list is one character (its length is then the string's)."""
        for node in nodes:
            if isinstance(node, ast.AugAssign) and _is_name(node.target, self.acc):  # type: ignore[arg-type]
                return False
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and _is_name(node.func.value, self.acc)
            ) and not (len(node.args) == 1 and (len(_str(node.args[0]) or "") == 1 or self._one_char(node.args[0]))):
                return False
        return True

    def _one_char(self, node: ast.expr) -> bool:
        return (isinstance(node, ast.Name) and node.id in self.chars and node.id not in self.maybe) or (
            not isinstance(node, ast.Name) and self._direct_char(node)
        )

    def _text(self, node: ast.expr) -> bool:
        """A string argument, or a slice of one (iterated)."""
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            node = node.value
        return isinstance(node, ast.Name) and node.id in self.params

    def _direct_char(self, node: ast.expr) -> bool:
        """``p[i]``, ``"const"[i]``, or a name (a character name, confirmed later)."""
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            return (isinstance(node.value, ast.Name) and node.value.id in self.params) or _str(node.value) is not None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords:
            return node.func.attr in ("upper", "lower") and self._direct_char(node.func.value)
        return isinstance(node, ast.Name)

    # --- rewriting ----------------------------------------------------------------------------------------------

    def _char(self, node: ast.expr) -> ast.expr | None:
        """The code point of a character expression, or None when ``node`` is not one."""
        if isinstance(node, ast.Name) and node.id in self.chars and node.id not in self.maybe:
            return node
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            if isinstance(node.value, ast.Name) and node.value.id in self.params:
                return ast.Subscript(node.value, self._expr(node.slice), ast.Load())
            text = _str(node.value)
            if text is not None:
                return ast.Subscript(ast.Name(self._table(text), ast.Load()), self._expr(node.slice), ast.Load())
        if isinstance(node, ast.Call) and not node.keywords:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("upper", "lower") and not node.args:
                inner = self._char(func.value)
                if inner is not None:
                    return ast.Call(ast.Name(f"_pks_{func.attr}", ast.Load()), [inner], [])
            if t.is_call(node, "chr", 1) and "chr" not in self.local:
                return ast.Call(ast.Name("_pks_chr", ast.Load()), [self._expr(node.args[0])], [])
        return None

    def _table(self, text: str) -> str:
        name = f"_pks_t{len(self.tables)}_{id(self)}"
        self.tables[name] = [ord(c) for c in text]
        return name

    def _expr(self, node: ast.expr) -> ast.expr:
        """An expression of the body rewritten: characters as code points, comparisons with one-character
        constants and membership in constants on code points."""
        if self._char(node) is not None:
            raise Refused(f"it uses the character {ast.unparse(node)} other than to compare or add to its result")
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if t.is_call(node, "ord", 1) and "ord" not in self.local:
            inner = self._char(node.args[0])  # type: ignore[attr-defined]
            if inner is None:
                raise Refused("it takes ord() of something that is not a character")
            return inner
        if isinstance(node, ast.Name) and (node.id in self.chars or node.id in self.params):
            raise Refused(f"it uses {node.id} other than as characters")
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in self.params:
            raise Refused(f"it slices {node.value.id}")
        if t.is_call(node, "len", 1) and isinstance(node.args[0], ast.Name) and node.args[0].id in self.params:  # type: ignore[attr-defined]
            return node
        if t.is_call(node, "len", 1) and self.single and _is_name(node.args[0], self.acc):  # type: ignore[attr-defined]
            return ast.Call(ast.Name("len", ast.Load()), [ast.Name(_ACC, ast.Load())], [])  # one per code point
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                setattr(node, field, self._expr(value))
            elif isinstance(value, list):
                setattr(node, field, [self._expr(v) if isinstance(v, ast.expr) else v for v in value])
        if isinstance(node, ast.comprehension | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            raise Refused("it holds a comprehension")
        return node

    def _test(self, node: ast.expr) -> ast.expr:
        """A condition: a string argument tested for truth reads ``len(p) > 0``."""
        if isinstance(node, ast.Name) and node.id in self.params:
            return ast.Compare(ast.Call(ast.Name("len", ast.Load()), [node], []), [ast.Gt()], [ast.Constant(0)])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ast.UnaryOp(ast.Not(), self._test(node.operand))
        if isinstance(node, ast.BoolOp):
            return ast.BoolOp(node.op, [self._test(v) for v in node.values])
        if t.is_call(node, "isinstance", 2) and "isinstance" not in self.local:
            p, kind = node.args  # type: ignore[attr-defined]
            named = isinstance(p, ast.Name) and p.id in self.params and isinstance(kind, ast.Name)
            if named and kind.id in ("str", "bytes") and kind.id not in self.local:
                return ast.Constant(kind.id == "str")  # the wrapper takes exactly str
        return self._expr(node)

    def _compare(self, node: ast.Compare) -> ast.expr:
        sides = [node.left, *node.comparators]
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn) and _str(sides[1]) is not None:
            point = self._char(sides[0])
            if point is None:
                raise Refused("it tests membership in a string of something that is not a character")
            text = _str(sides[1]) or ""
            tests: list[ast.expr] = [
                ast.Compare(point, [ast.Eq()], [ast.Constant(cp)]) for cp in sorted({ord(c) for c in text})
            ]
            found: ast.expr = ast.BoolOp(ast.Or(), tests) if len(tests) > 1 else (tests or [ast.Constant(False)])[0]
            return found if isinstance(node.ops[0], ast.In) else ast.UnaryOp(ast.Not(), found)
        points: list[ast.expr | None] = []
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.Is | ast.IsNot) and any(map(_is_none, sides)):
            name = sides[0] if _is_none(sides[1]) else sides[1]
            if isinstance(name, ast.Name) and name.id in self.maybe:  # None is -1 in the kernel
                same = ast.Eq() if isinstance(node.ops[0], ast.Is) else ast.NotEq()
                return ast.Compare(ast.Name(name.id, ast.Load()), [same], [ast.Constant(-1)])
        maybe_none = any(isinstance(side, ast.Name) and side.id in self.maybe for side in sides)
        if maybe_none and not all(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            raise Refused("it orders a character that may be None")
        for side in sides:
            if isinstance(side, ast.Name) and side.id in self.maybe:
                points.append(side)  # None is -1 in the kernel: no code point equals it
                continue
            one = _str(side)
            points.append(ast.Constant(ord(one)) if one is not None and len(one) == 1 else self._char(side))
        if all(p is None for p in points):
            node.left = self._expr(node.left)
            node.comparators = [self._expr(c) for c in node.comparators]
            return node
        if any(p is None for p in points) or not all(isinstance(op, _ORDER) for op in node.ops):
            raise Refused("it compares a character with something that is not a character")
        return ast.Compare(points[0], node.ops, points[1:])  # type: ignore[arg-type]

    def _pieces(self, node: ast.expr) -> list[ast.stmt]:
        """Statements appending the string ``node`` (characters, constants, ``const * n``, their sums)."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._pieces(node.left) + self._pieces(node.right)
        text = _str(node)
        if text is not None:
            return [_append(ast.Constant(ord(c))) for c in text]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            text, count = _str(node.left), node.right
            if text is None:
                text, count = _str(node.right), node.left
            if text is not None:
                loop = ast.For(
                    ast.Name("_pk_rep", ast.Store()),
                    ast.Call(ast.Name("range", ast.Load()), [self._expr(count)], []),
                    [_append(ast.Constant(ord(c))) for c in text] or [ast.Pass()],
                    [],
                )
                return [loop]
        point = self._char(node)
        if point is None:
            raise Refused(f"it adds {ast.unparse(node)} to its result, not a character or string constant")
        return [_append(point)]

    def _returned(self, value: ast.expr | None) -> ast.expr:
        if self.listed and isinstance(value, ast.Call) and not value.keywords and len(value.args) == 1:
            func = value.func
            joined = isinstance(func, ast.Attribute) and func.attr == "join" and _str(func.value) == ""
            if joined:
                return self._joined(value.args[0])
        if not self.listed and isinstance(value, ast.Name) and value.id == self.acc:
            return ast.Call(ast.Name("_pks_out", ast.Load()), [ast.Name(_ACC, ast.Load())], [])
        if isinstance(value, ast.Name) and value.id in self.params:
            return ast.Call(ast.Name("_pks_copy", ast.Load()), [value], [])
        text = _str(value)
        if text is not None:
            return ast.Call(ast.Name("_pks_copy", ast.Load()), [ast.Name(self._table(text), ast.Load())], [])
        raise Refused("it returns something other than its result, an argument or a string constant")

    def _joined(self, node: ast.expr) -> ast.expr:
        """The code points of ``"".join(node)``: the list, and (when it holds one character per item) its slices
        and their concatenations."""
        whole = ast.Call(ast.Name("_pks_out", ast.Load()), [ast.Name(_ACC, ast.Load())], [])
        if _is_name(node, self.acc):
            return whole
        if (
            self.single
            and isinstance(node, ast.Subscript)
            and _is_name(node.value, self.acc)
            and isinstance(node.slice, ast.Slice)
        ):
            return ast.Call(ast.Name("_pks_copy", ast.Load()), [ast.Subscript(whole, self._slice(node.slice))], [])
        if self.single and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pair = ast.Tuple([self._joined(node.left), self._joined(node.right)], ast.Load())
            return ast.Call(ast.Attribute(ast.Name("_pk_np", ast.Load()), "concatenate", ast.Load()), [pair], [])
        raise Refused(f"it joins {ast.unparse(node)}, not its result")

    def _block(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            out += self._stmt(stmt)
        return out

    def _stmt(self, stmt: ast.stmt) -> list[ast.stmt]:
        acc = self.acc
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
            if name == acc:
                if _str(value) == "" or (isinstance(value, ast.List) and not value.elts):
                    return []  # the kernel's list, made at its top
                if not self.listed and isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
                    return self._grow(value, acc)
                raise Refused(f"it sets its result {acc} other than by growing it")
            if name in self.maybe and (_is_none(value) or (isinstance(value, ast.Name) and value.id in self.maybe)):
                copied = ast.Constant(-1) if _is_none(value) else value
                return [ast.Assign([ast.Name(name, ast.Store())], copied)]
            if name in self.params and _case_of(value, name):  # s = s.upper(): ASCII only, others raise
                mapped = ast.Call(ast.Name(f"_pks_{_case_of(value, name)}_all", ast.Load()), [value.func.value], [])  # type: ignore[attr-defined]
                return [ast.Assign([ast.Name(name, ast.Store())], mapped)]
            if name in self.chars:
                point = self._char(value)
                if point is None:
                    raise Refused(f"{name} is not a character")
                return [ast.Assign([ast.Name(name, ast.Store())], point)]
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == acc:
            if not isinstance(stmt.op, ast.Add):
                raise Refused(f"it changes its result {acc} other than by adding to it")
            return self._pieces(stmt.value)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            if isinstance(call.func, ast.Attribute) and _is_name(call.func.value, acc):
                if self.listed and call.func.attr == "append" and len(call.args) == 1 and not call.keywords:
                    return self._pieces(call.args[0])
                raise Refused(f"it calls {acc}.{call.func.attr}")
        if isinstance(stmt, ast.Return):
            returned = stmt.value
            if not self.listed and isinstance(returned, ast.BinOp) and _starts_with(returned, acc):  # out + "0" * k
                return [*self._grow(returned, acc), _return(self._returned(ast.Name(acc, ast.Load())))]
            return [_return(self._returned(returned))]
        if isinstance(stmt, ast.For):
            target, source = stmt.target, stmt.iter
            if not all(isinstance(n, ast.Name | ast.Tuple | ast.expr_context) for n in ast.walk(target)):
                raise Refused("its loop stores into something other than a local name")
            if t.is_call(source, "enumerate", 1) and self._text(source.args[0]):  # type: ignore[attr-defined]
                if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and self._one_char(target.elts[1])):
                    raise Refused("its loop over a string binds something that is not only a character")
                inner = source.args[0]  # type: ignore[attr-defined]
                if isinstance(inner, ast.Subscript):
                    source.args[0] = ast.Subscript(inner.value, self._slice(inner.slice), ast.Load())  # type: ignore[attr-defined,arg-type]
            elif self._text(source) and not self._one_char(target):
                raise Refused("its loop over a string binds something that is not only a character")
            elif self._text(source) and isinstance(source, ast.Subscript):
                source = ast.Subscript(source.value, self._slice(source.slice), ast.Load())  # type: ignore[arg-type]
            elif not self._text(source):
                source = self._expr(source)
            if stmt.orelse:
                raise Refused("it uses for-else")
            return [ast.For(target, source, self._block(stmt.body), [])]
        if isinstance(stmt, ast.While):
            if stmt.orelse:
                raise Refused("it uses while-else")
            return [ast.While(self._test(stmt.test), self._block(stmt.body), [])]
        if isinstance(stmt, ast.If):
            test = self._test(stmt.test)
            if isinstance(test, ast.Constant) and isinstance(test.value, bool):  # isinstance(s, bytes): dead
                return self._block(stmt.body if test.value else stmt.orelse)
            return [ast.If(test, self._block(stmt.body), self._block(stmt.orelse))]
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.Expr | ast.Break | ast.Continue | ast.Pass):
            for field, value in ast.iter_fields(stmt):
                if isinstance(value, ast.expr) and field not in ("target", "targets"):
                    setattr(stmt, field, self._expr(value))
            if isinstance(stmt, ast.Assign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if not all(isinstance(n, ast.Name | ast.Tuple | ast.expr_context) for n in ast.walk(target)):
                        raise Refused("it stores into something other than a local name")
                    if any(isinstance(n, ast.Name) and n.id in self.params for n in ast.walk(target)):
                        raise Refused("it rebinds a string argument")
            return [stmt]
        raise Refused(f"it holds a statement the string kernel does not take ({type(stmt).__name__})")

    def _grow(self, value: ast.BinOp, acc: str) -> list[ast.stmt]:
        """``acc = acc + a + b``: the pieces after ``acc``."""
        pieces: list[ast.expr] = []
        node: ast.expr = value
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pieces.insert(0, node.right)
            node = node.left
        if not (isinstance(node, ast.Name) and node.id == acc):
            raise Refused(f"it puts something before its result {acc}")
        return [s for piece in pieces for s in self._pieces(piece)]

    def _slice(self, node: ast.Slice) -> ast.Slice:
        parts = [None if p is None else self._expr(p) for p in (node.lower, node.upper, node.step)]
        return ast.Slice(*parts)


def _assigned_before_use(stmts: list[ast.stmt], bound: set[str], local: set[str]) -> set[str]:
    """The names bound after ``stmts`` on every path; raises :class:`Refused` where a local may be read before it
    is bound (Python raises UnboundLocalError; numba would read a zero)."""

    def reads(node: ast.AST | None, known: set[str]) -> None:
        for n in ast.walk(node) if node is not None else ():
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in local and n.id not in known:
                raise Refused(f"it may read {n.id} before binding it")

    bound = set(bound)
    for stmt in stmts:
        if isinstance(stmt, ast.For):
            reads(stmt.iter, bound)
            targets = {n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)}
            _assigned_before_use(stmt.body, bound | targets, local)
            _assigned_before_use(stmt.orelse, bound, local)
        elif isinstance(stmt, ast.While):
            reads(stmt.test, bound)
            _assigned_before_use(stmt.body, bound, local)
            _assigned_before_use(stmt.orelse, bound, local)
        elif isinstance(stmt, ast.If):
            reads(stmt.test, bound)
            bound |= _assigned_before_use(stmt.body, bound, local) & _assigned_before_use(stmt.orelse, bound, local)
        elif isinstance(stmt, ast.Assign):
            reads(stmt.value, bound)
            for target in stmt.targets:
                reads(target, bound)  # x[i] = v reads x
                bound |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        else:  # x += v reads x first; other statements only read (and bind nothing)
            stores = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if stores - bound:
                raise Refused(f"it may read {min(stores - bound)} before binding it")
            reads(stmt, bound)
    return bound


def _always_returns(stmts: list[ast.stmt]) -> bool:
    """Whether every path through ``stmts`` ends in a return (numba would otherwise return None on some)."""
    last = stmts[-1] if stmts else None
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return isinstance(last, ast.Return | ast.Raise)


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _case_of(value: ast.expr, name: str) -> str:
    """ "upper" or "lower" for ``name.upper()`` / ``name.lower()``, else ""."""
    if isinstance(value, ast.Call) and not value.args and not value.keywords:
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in ("upper", "lower") and _is_name(func.value, name):
            return func.attr
    return ""


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _starts_with(value: ast.expr, name: str) -> bool:
    """``name + a + b``."""
    while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        value = value.left
    return isinstance(value, ast.Name) and value.id == name and value is not None


def _return(points: ast.expr) -> ast.stmt:
    """``return`` of code points, as the UTF-32 units the wrapper decodes."""
    return ast.Return(ast.Call(ast.Name("_pks_u32", ast.Load()), [points], []))


def _append(point: ast.expr) -> ast.stmt:
    call = ast.Call(ast.Attribute(ast.Name(_ACC, ast.Load()), "append", ast.Load()), [point], [])
    return ast.Expr(call)
