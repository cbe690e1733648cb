"""numba kernels for functions that use strings as data: each string an int32 array of its code points.

Where :mod:`._numba_kinds` takes a string only as characters to compare and :mod:`._numba_strings` only builds a
string result from characters, this translator follows every value of the function through its statements, in
order, with a kind: ``int`` (any other value numba computes with), ``char`` (a one-character string: its code
point), ``text`` (a string: an int32 array, never written), ``chars`` (``list(s)``: an array the kernel may write
into), ``grow`` (``[]`` grown by ``append``: a typed list of code points), ``build`` (a string grown by ``+=`` in a
loop: a typed list, read as a fresh array, so that a name bound to it earlier keeps its value), ``table`` and
``row`` (module tuples of tuples of ints, and tuples of ints, as 2-D and 1-D int64 arrays), ``slice`` and ``none``
(a parameter seen only as None: the kernel is for None, other calls run the original). What each kind may do:

- ``len``, ``s[i]`` (a character), ``s[a:b:c]``, ``for c in s`` / ``enumerate(s)`` / ``reversed(s)``, ``list(s)``,
  ``s + t`` (a character or a string on either side), ``s * n``, ``c in s``, ``t in s``, ``s.index/find/count``
  (of a character or a string), ``s.startswith/endswith``, ``s.upper()/lower()``, ``c.isdigit/isalpha/isspace``
  (ASCII; others raise), ``ord(c)``, ``chr(n)``, ``sep.join(chars)``, comparisons between characters and between
  strings (code point by code point), truth tests;
- ``chars[i] = c`` (swaps too), ``chars.reverse()``, ``grow.append(c)``, ``grow += s``;
- module helpers called with such values compile with the kernel (one set of kinds per helper);
- ints as the numba proposer takes them, every operation checked (:mod:`._numba_ints`); no floats.

Anything else refuses the candidate; every operation that raises in Python raises in the kernel, and the wrapper
then hands the call to the original. Arguments: ``str`` exactly (code points through UTF-32 with
``surrogatepass``: exact for every string, non-BMP and lone surrogates included), ints within int64, lists of ints
(read only), None where the kernel was made for None; a result string is rebuilt from its code points.
"""

from __future__ import annotations

import ast
import copy
import textwrap
from dataclasses import dataclass, field

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._numba_imports import module_facts
from perfkit.optimizers._numba_ints import PRELUDE as INT_PRELUDE
from perfkit.optimizers._numba_ints import checked_ints
from perfkit.optimizers._numba_kinds import parse_description
from perfkit.optimizers._numba_prepare import plain_raises
from perfkit.optimizers._numba_scan import Refused
from perfkit.optimizers._numba_strings import _always_returns, _assigned_before_use
from perfkit.optimizers._numba_text_globals import module_constants
from perfkit.optimizers._numba_text_prelude import PRELUDE
from perfkit.optimizers._types import Context

INT, CHAR, TEXT, CHARS, GROW, BUILD = "int", "char", "text", "chars", "grow", "build"
TABLE, ROW, SLICE, NONE, NUMS = "table", "row", "slice", "none", "nums"
_STRINGY = frozenset({CHAR, TEXT, BUILD})  # a str value
_SEQS = frozenset({TEXT, CHARS, GROW, BUILD})  # indexed and iterated by character
_BUILTINS = frozenset({"len", "ord", "chr", "list", "range", "enumerate", "min", "max", "abs", "slice", "isinstance"})
_BUILTINS |= frozenset({"reversed", "divmod", "int", "bool", "str"})
_MAX_PASSES = 12


class _Again(Exception):
    """A name's kind changed (a character that also holds strings, a string grown in a loop): translate again."""


def text_function(context: Context) -> bool:
    """Whether the function takes a string and otherwise only ints, lists of ints or None, and returns one of
    str, ints or None (as seen in the inputs)."""
    kinds = param_kinds(context)
    return kinds is not None and TEXT in kinds.values() and result_of(context) is not None


def param_kinds(context: Context) -> dict[str, str] | None:
    kinds = {}
    for name in context.params:
        seen = set(context.arg_types.get(name, frozenset()))
        if not seen:
            return None
        if seen == {"str"}:
            kinds[name] = TEXT
        elif "NoneType" in seen:
            kinds[name] = NONE
        elif seen <= {"int", "bool"}:
            kinds[name] = INT
        elif all(_ints(d) for d in seen) and any(d != "list[]" and d != "tuple[]" for d in seen):
            kinds[name] = NUMS  # read only: a list or tuple of ints reads as an array
        else:
            return None
    return kinds


def _ints(description: str) -> bool:
    """A list or tuple (of any length) holding only ints."""
    kind, positions = parse_description(description)
    return kind in ("list", "tuple") and all(len(p) == 1 and p[0] == ("int", []) for p in positions)


def result_of(context: Context) -> str | None:
    seen = set(context.return_types)
    if seen == {"str"}:
        return TEXT
    if seen and seen <= {"int", "bool"}:
        return INT
    return NONE if seen == {"NoneType"} else None


@dataclass
class _Program:
    """What the kernel and its helpers share: the module's functions and constants, the helpers translated."""

    functions: dict[str, ast.FunctionDef]
    constants: dict[str, object]
    helpers: dict[str, tuple[tuple[str, ...], str, ast.FunctionDef | None]] = field(default_factory=dict)
    arrays: dict[str, tuple[str, object]] = field(default_factory=dict)  # name -> (dtype, values)

    def array(self, dtype: str, values: object) -> str:
        for name, known in self.arrays.items():
            if known == (dtype, values):
                return name
        name = f"_pkt_k{len(self.arrays)}"
        self.arrays[name] = (dtype, values)
        return name

    def helper(self, name: str, kinds: tuple[str, ...]) -> str:
        """The kind of what helper ``name`` returns when called with ``kinds`` (translated once)."""
        known = self.helpers.get(name)
        if known is not None:
            if known[0] != kinds:
                raise Refused(f"helper {name} is called with different kinds of values")
            if known[2] is None:
                raise Refused(f"helper {name} calls itself")
            return known[1]
        func = self.functions[name]
        a = func.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or t.has_nested_scopes(func):
            raise Refused(f"helper {name} takes *args, **kwargs or keyword-only parameters, or nests scopes")
        self.helpers[name] = (kinds, "", None)
        params = [arg.arg for arg in a.args]
        kernel, result = _Function(self, plain_raises(func), dict(zip(params, kinds, strict=True))).translate()
        kernel.name = f"_pk_nb_{name}"
        self.helpers[name] = (kinds, result, kernel)
        return result


def text_candidate(context: Context, *, prelude: str) -> str:
    """The candidate (``prelude``: the numba proposer's, defining ``_pkb_njit``, ``_pkb_call`` and
    ``_pkb_scalar``/``_pkb_array``), or :class:`Refused` saying why the function cannot run on code points."""
    kinds = param_kinds(context)
    result = result_of(context)
    if kinds is None or result is None:
        raise Refused("its arguments are not strings, ints, lists of ints or None, or its result not str or int")
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        raise Refused("its source cannot be read")
    func = parsed[1]
    a = func.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or t.has_nested_scopes(func):
        raise Refused("it takes *args, **kwargs or keyword-only parameters, or nests scopes")
    params = [arg.arg for arg in a.args]
    if params != list(context.params):
        raise Refused("its parameters are not the ones seen")
    program = _Program(module_facts(context).functions, module_constants(context))
    program.helpers[context.name] = ((), "", None)  # the function itself: a recursive call is refused
    kernel, kind = _Function(program, plain_raises(func), kinds).translate()
    if (kind, result) not in ((TEXT, TEXT), (CHAR, TEXT), (INT, INT), (NONE, NONE)):
        raise Refused(f"its kernel returns a {kind} where the function returned {result}")
    taken = [p for p in params if kinds[p] != NONE]
    kernel.name = f"_pk_nb_{context.name}"
    kernel.args.args = [ast.arg(p) for p in taken]
    kernel.args.defaults = []
    return _source(context, prelude, program, kernel, kinds, kind, func)


def _source(
    context: Context,
    prelude: str,
    program: _Program,
    kernel: ast.FunctionDef,
    kinds: dict[str, str],
    kind: str,
    func: ast.FunctionDef,
) -> str:
    name = context.name
    fallback, jit = f"_pk_py_{name}", f"_pk_jit_{name}"
    names = ", ".join(context.params)
    body = "\n".join(ast.unparse(s) for s in func.body)
    lines = [prelude, INT_PRELUDE, PRELUDE, "", f"def {fallback}({names}):", textwrap.indent(body, "    "), "", ""]
    for array, (dtype, values) in program.arrays.items():
        lines.append(f"{array} = _pk_np.array({values!r}, dtype=_pk_np.{dtype})")
    lines += ["", ""]
    for _, _, compiled in program.helpers.values():
        if compiled is not None:
            lines += [ast.unparse(compiled), "", "", f"{compiled.name} = _pkb_njit({compiled.name})", "", ""]
    lines += [ast.unparse(kernel), "", "", f"{jit} = _pkb_njit({kernel.name})", "", ""]
    header = copy.deepcopy(func.args)
    for arg in header.args:
        arg.annotation = None
    lines.append(f"def {name}({ast.unparse(header)}):")
    call_fallback = f"return {fallback}({names})"
    converted = []
    for param, param_kind in kinds.items():
        if param_kind == NONE:
            lines += [f"    if {param} is not None:", f"        {call_fallback}"]
            continue
        if param_kind == TEXT:
            value = f"_pkt_arg({param})"
        elif param_kind == INT:
            types = "".join(f"{k}, " for k in sorted(context.arg_types[param]))
            value = f"_pkb_scalar({param}, {2**63 - 1}, ({types}))"
        else:
            value = f"_pkb_array({param}, 1, False, {2**63 - 1}, int)"
        lines += [f"    _pka_{param} = {value}", f"    if _pka_{param} is None:", f"        {call_fallback}"]
        converted.append(f"_pka_{param}")
    lines += [
        "    try:",
        f"        _pk_result = {jit}({', '.join(converted)})",
        "    except Exception:  # the original raises too, or a value the kernel does not take exactly",
        f"        {call_fallback}",
    ]
    if kind == TEXT:
        lines.append("    return _pkt_str(_pk_result)")
    elif kind == CHAR:
        lines.append("    return chr(_pk_result)")
    elif kind == INT:
        seen = ", ".join(sorted(context.return_types))
        lines += [f"    if type(_pk_result) not in ({seen},):", f"        {call_fallback}", "    return _pk_result"]
    else:
        lines += ["    if _pk_result is not None:", f"        {call_fallback}", "    return None"]
    return "\n".join(lines) + "\n"


def _name(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_name(name), list(args), [])


def _length(node: ast.expr) -> ast.Call:
    return _call("len", node)


class _Function:
    """One function (the kernel or a helper) translated for its parameters' kinds."""

    def __init__(self, program: _Program, func: ast.FunctionDef, kinds: dict[str, str]) -> None:
        self.program = program
        self.func = func
        self.kinds = kinds
        self.widened: set[str] = set()  # names holding a character and strings: characters become strings
        self.builders: set[str] = set()  # strings grown by += in a loop
        body = func.body[1:] if ast.get_docstring(func) is not None else func.body
        stores = [n for s in body for n in ast.walk(s) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]
        shadowed = "sum" in program.functions or any(n.id == "sum" for n in stores)
        self.body = (body if shadowed else _sums_hoisted(copy.deepcopy(body))) or [ast.Pass()]
        nodes = [n for s in self.body for n in ast.walk(s)]
        self.local = {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        self.local |= set(kinds)
        _assigned_before_use(self.body, set(kinds), self.local)
        self.loops = 0
        self.breaks: list[list[dict[str, str]]] = []
        self.returns: list[tuple[ast.Return, str]] = []

    def translate(self) -> tuple[ast.FunctionDef, str]:
        for _ in range(_MAX_PASSES):
            try:
                return self._once()
            except _Again:
                continue
        raise Refused(f"{self.func.name}: the kinds of its names do not settle")

    def _once(self) -> tuple[ast.FunctionDef, str]:
        self.returns, self.loops, self.breaks = [], 0, []
        env = dict(self.kinds)
        body = self._block(copy.deepcopy(self.body), env)
        kinds = {kind for _, kind in self.returns}
        if not kinds:
            kind = NONE
        elif kinds == {CHAR, TEXT} or (kinds == {CHAR} and "<return>" in self.widened):
            if "<return>" not in self.widened:
                self.widened.add("<return>")
                raise _Again
            kind = TEXT
        elif len(kinds) == 1:
            kind = kinds.pop()
        else:
            raise Refused(f"{self.func.name} returns values of different kinds ({', '.join(sorted(kinds))})")
        if kind not in (TEXT, CHAR, INT, NONE):
            raise Refused(f"{self.func.name} returns a {kind}")
        if kind != NONE and not _ends(body):
            raise Refused(f"{self.func.name} does not end in a return")
        args = ast.arguments([], [ast.arg(p) for p in self.kinds if self.kinds[p] != NONE], None, [], [], None, [])
        func = ast.FunctionDef(name=self.func.name, args=args, body=body, decorator_list=[], returns=None)
        func = ast.fix_missing_locations(func)
        stored = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        return checked_ints(func, math_names={}, local=stored | set(self.kinds)), kind

    # --- statements -----------------------------------------------------------------------------------------

    def _block(self, stmts: list[ast.stmt], env: dict[str, str]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            out += self._stmt(stmt, env)
        return out

    def _stmt(self, stmt: ast.stmt, env: dict[str, str]) -> list[ast.stmt]:
        if isinstance(stmt, ast.Assign):
            return self._assign(stmt, env)
        if isinstance(stmt, ast.AugAssign):
            return self._augassign(stmt, env)
        if isinstance(stmt, ast.Expr):
            return self._expr_stmt(stmt.value, env)
        if isinstance(stmt, ast.Return):
            if stmt.value is None:
                self.returns.append((stmt, NONE))
                return [stmt]
            value, kind = self._value(stmt.value, env)
            if kind == CHAR and "<return>" in self.widened:
                value, kind = _call("_pkt_one", value), TEXT
            if kind == BUILD:
                value, kind = _call("_pkt_array", value), TEXT
            self.returns.append((stmt, kind))
            return [ast.Return(value)]
        if isinstance(stmt, ast.If):
            test = self._truth(stmt.test, env)
            if isinstance(test, ast.Constant) and isinstance(test.value, bool):
                return self._block(stmt.body if test.value else stmt.orelse, env) or [ast.Pass()]
            left, right = dict(env), dict(env)
            body, orelse = self._block(stmt.body, left), self._block(stmt.orelse, right)
            env.clear()
            env.update(self._merge(left, right))
            return [ast.If(test, body or [ast.Pass()], orelse)]
        if isinstance(stmt, ast.For | ast.While):
            return self._loop(stmt, env)
        if isinstance(stmt, ast.Break):
            if self.breaks:
                self.breaks[-1].append(dict(env))
            return [stmt]
        if isinstance(stmt, ast.Continue | ast.Pass | ast.Raise):
            return [stmt]
        if isinstance(stmt, ast.Assert):
            test = self._truth(stmt.test, env)
            fail = ast.Raise(ast.Call(_name("RuntimeError"), [ast.Constant("assertion")], []), None)
            return [ast.If(ast.UnaryOp(ast.Not(), test), [fail], [])]
        raise Refused(f"{self.func.name} holds a {type(stmt).__name__} statement")

    def _merge(self, left: dict[str, str], right: dict[str, str]) -> dict[str, str]:
        merged = {}
        for name in left.keys() & right.keys():
            a, b = left[name], right[name]
            if a == b:
                merged[name] = a
            elif {a, b} == {CHAR, TEXT} and name not in self.widened:
                self.widened.add(name)
                raise _Again
            else:
                merged[name] = f"{a}|{b}"
        return merged

    def _loop(self, stmt: ast.For | ast.While, env: dict[str, str]) -> list[ast.stmt]:
        if stmt.orelse:
            raise Refused(f"{self.func.name} uses a loop's else")
        start = dict(env)
        for _ in range(_MAX_PASSES):
            inner = dict(start)
            self.breaks.append([])
            self.loops += 1
            if isinstance(stmt, ast.For):
                head = self._for_head(stmt, inner)
                test = None
            else:
                head, test = None, self._truth(stmt.test, inner)
            body = self._block(copy.deepcopy(stmt.body), inner)
            self.loops -= 1
            breaks = self.breaks.pop()
            merged = self._merge(start, inner)
            if merged == start:
                for state in breaks:
                    merged = self._merge(merged, state)
                env.clear()
                env.update(merged)
                if head is not None:
                    return [ast.For(head[0], head[1], body or [ast.Pass()], [])]
                assert test is not None
                return [ast.While(test, body or [ast.Pass()], [])]
            start = merged
        raise Refused(f"{self.func.name}: the kinds in a loop do not settle")

    def _for_head(self, stmt: ast.For, env: dict[str, str]) -> tuple[ast.expr, ast.expr]:
        target, source = stmt.target, stmt.iter
        if t.is_call(source, "enumerate", 1) and "enumerate" not in self.local:
            if not (isinstance(target, ast.Tuple) and len(target.elts) == 2):
                raise Refused(f"{self.func.name} binds enumerate() other than to two names")
            inner, kind = self._items(source.args[0], env)  # type: ignore[attr-defined]
            self._bind_target(target.elts[0], INT, env)
            self._bind_target(target.elts[1], kind, env)
            return target, ast.Call(_name("enumerate"), [inner], [])
        if t.is_call(source, "range") and "range" not in self.local:
            args = [self._int(a, env) for a in source.args]  # type: ignore[attr-defined]
            self._bind_target(target, INT, env)
            return target, ast.Call(_name("range"), args, [])
        inner, kind = self._items(source, env)
        self._bind_target(target, kind, env)
        return target, inner

    def _items(self, node: ast.expr, env: dict[str, str]) -> tuple[ast.expr, str]:
        """What a loop iterates and the kind of each item."""
        if t.is_call(node, "reversed", 1) and "reversed" not in self.local:
            inner, kind = self._items(node.args[0], env)  # type: ignore[attr-defined]
            return ast.Subscript(inner, ast.Slice(None, None, ast.Constant(-1)), ast.Load()), kind
        value, kind = self._value(node, env)
        if kind == BUILD:  # a string grown in the loop: Python iterates the string as it was
            return _call("_pkt_array", value), CHAR
        if kind in _SEQS:
            return value, CHAR
        if kind == NUMS:
            return value, INT
        raise Refused(f"{self.func.name} iterates over {ast.unparse(node)} (a {kind})")

    def _bind_target(self, target: ast.expr, kind: str, env: dict[str, str]) -> None:
        if not isinstance(target, ast.Name):
            raise Refused(f"{self.func.name}: its loop stores into {ast.unparse(target)}")
        if kind == CHAR and target.id in self.widened:
            raise Refused(f"{self.func.name}: the loop name {target.id} also holds strings")
        env[target.id] = kind

    def _assign(self, stmt: ast.Assign, env: dict[str, str]) -> list[ast.stmt]:
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple) and isinstance(stmt.value, ast.Tuple):
            targets, values = stmt.targets[0].elts, stmt.value.elts
            if len(targets) != len(values) or any(isinstance(v, ast.Starred) for v in values):
                raise Refused(f"{self.func.name} unpacks {ast.unparse(stmt)}")
            pairs = [self._value(v, env) for v in values]
            stores = [self._store(target, v, k, env) for target, (v, k) in zip(targets, pairs, strict=True)]
            tuple_targets = ast.Tuple([s[0] for s in stores], ast.Store())
            return [ast.Assign([tuple_targets], ast.Tuple([s[1] for s in stores], ast.Load()))]
        value, kind = self._value(stmt.value, env)
        names = stmt.targets[0].elts if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple) else []
        if names and t.is_call(stmt.value, "divmod", 2) and all(isinstance(n, ast.Name) for n in names):
            for n in names:  # q, r = divmod(a, b): two ints
                self._store(n, value, INT, env)
            return [ast.Assign([stmt.targets[0]], value)]
        if len(stmt.targets) == 1:
            stored, value = self._store(stmt.targets[0], value, kind, env)
            return [ast.Assign([stored], value)]
        held = f"_pkt_held{id(stmt)}"  # a = b = v: v once, each target converting it for its own kind
        out: list[ast.stmt] = [ast.Assign([ast.Name(held, ast.Store())], value)]
        for target in stmt.targets:
            stored, one = self._store(target, _name(held), kind, env)
            out.append(ast.Assign([stored], one))
        return out

    def _store(self, target: ast.expr, value: ast.expr, kind: str, env: dict[str, str]) -> tuple[ast.expr, ast.expr]:
        """The target and the value stored in it, the name's kind recorded."""
        if isinstance(target, ast.Name):
            name = target.id
            if name in self.kinds and self.kinds[name] == NONE:
                raise Refused(f"{self.func.name} rebinds {name}")
            if kind == CHAR and name in self.widened:
                value, kind = _call("_pkt_one", value), TEXT
            if name in self.builders and kind in (TEXT, CHAR, BUILD):
                if kind == BUILD:
                    value = _call("_pkt_array", value)
                value = _call("_pkt_listed", value if kind != CHAR else _call("_pkt_one", value))
                kind = BUILD
            elif kind == BUILD:
                value, kind = _call("_pkt_array", value), TEXT  # y = x: y keeps the string x holds now
            if kind not in (INT, CHAR, TEXT, CHARS, GROW, BUILD, SLICE, ROW, TABLE, NUMS):
                raise Refused(f"{self.func.name} binds {name} to a {kind}")
            env[name] = kind
            return ast.Name(name, ast.Store()), value
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            base = env.get(target.value.id, "")
            if base not in (CHARS, GROW) or isinstance(target.slice, ast.Slice):
                raise Refused(f"{self.func.name} stores into {ast.unparse(target)}")
            if kind != CHAR:
                raise Refused(f"{self.func.name} stores a {kind} into a list of characters")
            index = self._int(target.slice, env)
            return ast.Subscript(_name(target.value.id), index, ast.Store()), value
        raise Refused(f"{self.func.name} stores into {ast.unparse(target)}")

    def _augassign(self, stmt: ast.AugAssign, env: dict[str, str]) -> list[ast.stmt]:
        target = stmt.target
        if not isinstance(target, ast.Name):
            raise Refused(f"{self.func.name} changes {ast.unparse(target)} in place")
        name = target.id
        kind = env.get(name, "")
        value, value_kind = self._value(stmt.value, env)
        if kind == INT and value_kind == INT:
            return [ast.AugAssign(ast.Name(name, ast.Store()), stmt.op, value)]
        if not isinstance(stmt.op, ast.Add):
            raise Refused(f"{self.func.name} changes the {kind} {name} other than by adding to it")
        if kind in (GROW, BUILD) and value_kind in (CHAR, TEXT, BUILD, CHARS, GROW):
            if value_kind in (BUILD, GROW):
                value = _call("_pkt_array", value)
            if value_kind == CHAR:
                return [ast.Expr(ast.Call(ast.Attribute(_name(name), "append", ast.Load()), [value], []))]
            return [ast.Expr(_call("_pkt_extend", _name(name), value))]
        if kind == TEXT and value_kind in _STRINGY:
            if self.loops and name not in self.kinds and name not in self.builders:
                self.builders.add(name)  # grown in a loop: a typed list, amortised like CPython's +=
                raise _Again
            return [ast.Assign([ast.Name(name, ast.Store())], self._concat(_name(name), TEXT, value, value_kind))]
        if kind == CHAR and value_kind in _STRINGY:
            self.widened.add(name)
            raise _Again
        raise Refused(f"{self.func.name} adds a {value_kind} to the {kind or 'unbound'} {name}")

    def _expr_stmt(self, node: ast.expr, env: dict[str, str]) -> list[ast.stmt]:
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(node, ast.Call) and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner, method = func.value.id, func.attr
            kind = env.get(owner, "")
            if kind == GROW and method == "append" and len(node.args) == 1 and not node.keywords:
                value, value_kind = self._value(node.args[0], env)
                if value_kind != CHAR:
                    raise Refused(f"{self.func.name} appends a {value_kind} to a list of characters")
                return [ast.Expr(ast.Call(ast.Attribute(_name(owner), "append", ast.Load()), [value], []))]
            if kind in (GROW, CHARS) and method == "reverse" and not node.args and not node.keywords:
                return [ast.Expr(_call("_pkt_reverse", _name(owner)))]
        value, _ = self._value(node, env)
        if isinstance(value, ast.Constant):
            return []  # a bare string or number: nothing happens
        return [ast.Expr(value)]

    # --- expressions ----------------------------------------------------------------------------------------

    def _int(self, node: ast.expr, env: dict[str, str]) -> ast.expr:
        value, kind = self._value(node, env)
        if kind != INT:
            raise Refused(f"{self.func.name} uses the {kind} {ast.unparse(node)} as a number")
        return value

    def _text(self, value: ast.expr, kind: str) -> ast.expr:
        """A str value as an array."""
        if kind == CHAR:
            return _call("_pkt_one", value)
        if kind == BUILD:
            return _call("_pkt_array", value)
        if kind == TEXT:
            return value
        raise Refused(f"{self.func.name} uses a {kind} as a string")

    def _concat(self, left: ast.expr, left_kind: str, right: ast.expr, right_kind: str) -> ast.expr:
        return _call("_pkt_cat", self._text(left, left_kind), self._text(right, right_kind))

    def _value(self, node: ast.expr, env: dict[str, str]) -> tuple[ast.expr, str]:
        if isinstance(node, ast.Constant):
            return self._constant(node.value)
        if isinstance(node, ast.Name):
            return self._named(node, env)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, env)
        if isinstance(node, ast.BinOp):
            return self._binop(node, env)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return ast.UnaryOp(ast.Not(), self._truth(node.operand, env)), INT
            return ast.UnaryOp(node.op, self._int(node.operand, env)), INT
        if isinstance(node, ast.BoolOp):
            return ast.BoolOp(node.op, [self._int(v, env) for v in node.values]), INT
        if isinstance(node, ast.Compare):
            return self._compare(node, env), INT
        if isinstance(node, ast.IfExp):
            test = self._truth(node.test, env)
            if isinstance(test, ast.Constant) and isinstance(test.value, bool):
                return self._value(node.body if test.value else node.orelse, env)
            (body, a), (orelse, b) = self._value(node.body, env), self._value(node.orelse, env)
            if a != b and {a, b} <= _STRINGY:
                body, orelse, a, b = self._text(body, a), self._text(orelse, b), TEXT, TEXT
            if a != b:
                raise Refused(f"{self.func.name}: {ast.unparse(node)} gives a {a} or a {b}")
            return ast.IfExp(test, body, orelse), a
        if isinstance(node, ast.Call):
            return self._call(node, env)
        if isinstance(node, ast.List) and not node.elts:
            return _call("_pkt_new"), GROW
        raise Refused(f"{self.func.name} holds {ast.unparse(node)}, which the text kernel does not take")

    def _constant(self, value: object) -> tuple[ast.expr, str]:
        if isinstance(value, str):
            if len(value) == 1:
                return ast.Constant(ord(value)), CHAR
            name = self.program.array("int32", [ord(c) for c in value])
            return _call("_pkt_copy", _name(name)), TEXT
        if isinstance(value, int):  # bool too
            return ast.Constant(value), INT
        raise Refused(f"{self.func.name} holds the constant {value!r}")

    def _named(self, node: ast.Name, env: dict[str, str]) -> tuple[ast.expr, str]:
        name = node.id
        if name in env:
            kind = env[name]
            if "|" in kind:
                raise Refused(f"{self.func.name}: {name} holds a {kind.replace('|', ' or a ')}")
            if kind == NONE:
                raise Refused(f"{self.func.name} reads {name} (None) other than to test it")
            return _name(name), kind
        if name in self.local:
            raise Refused(f"{self.func.name} may read {name} before binding it")
        if name in self.program.constants:
            value = self.program.constants[name]
            if isinstance(value, str | int):
                return self._constant(value)
            if isinstance(value, tuple) and value and all(type(v) is int for v in value):
                return _name(self.program.array("int64", list(value))), ROW
            if isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
                width = {len(v) for v in value}
                ints = all(type(x) is int and -(2**63) < x < 2**63 for v in value for x in v)
                if len(width) == 1 and width != {0} and ints:
                    return _name(self.program.array("int64", [list(v) for v in value])), TABLE
            raise Refused(f"{self.func.name} reads the module constant {name}, not a string, int or table")
        raise Refused(f"{self.func.name} reads the name {name}, not its own")

    def _subscript(self, node: ast.Subscript, env: dict[str, str]) -> tuple[ast.expr, str]:
        base, kind = self._value(node.value, env)
        if isinstance(node.slice, ast.Slice):
            parts = [None if p is None else self._int(p, env) for p in (node.slice.lower, node.slice.upper)]
            step = None if node.slice.step is None else self._int(node.slice.step, env)
            cut = ast.Subscript(base, ast.Slice(parts[0], parts[1], step), ast.Load())
            if kind == TEXT:
                return cut, TEXT
            if kind == BUILD:
                return ast.Subscript(_call("_pkt_array", base), cut.slice, ast.Load()), TEXT
            if kind == CHARS:
                return _call("_pkt_copy", cut), CHARS  # a list slice is a copy
            if kind == GROW:
                return _call("_pkt_copy", ast.Subscript(_call("_pkt_array", base), cut.slice, ast.Load())), CHARS
            raise Refused(f"{self.func.name} slices a {kind}")
        index, index_kind = self._value(node.slice, env)
        if index_kind == SLICE and kind == TEXT:
            return ast.Subscript(base, index, ast.Load()), TEXT
        if index_kind != INT:
            raise Refused(f"{self.func.name} indexes with a {index_kind}")
        if kind in _SEQS:
            return ast.Subscript(base, index, ast.Load()), CHAR
        if kind == TABLE:
            return ast.Subscript(base, index, ast.Load()), ROW
        if kind in (ROW, NUMS):
            return ast.Subscript(base, index, ast.Load()), INT
        raise Refused(f"{self.func.name} indexes a {kind}")

    def _binop(self, node: ast.BinOp, env: dict[str, str]) -> tuple[ast.expr, str]:
        (left, a), (right, b) = self._value(node.left, env), self._value(node.right, env)
        if a == INT and b == INT:
            if isinstance(node.op, ast.Div | ast.MatMult):
                raise Refused(f"{self.func.name} divides with / (floats)")
            return ast.BinOp(left, node.op, right), INT
        if isinstance(node.op, ast.Add) and a in _STRINGY and b in _STRINGY:
            return self._concat(left, a, right, b), TEXT
        if isinstance(node.op, ast.Add) and a == CHARS and b == CHARS:
            return _call("_pkt_cat", left, right), CHARS
        if isinstance(node.op, ast.Mult) and {a, b} & _STRINGY and INT in (a, b):
            text, count = (left, right) if b == INT else (right, left)
            return _call("_pkt_rep", self._text(text, a if b == INT else b), count), TEXT
        raise Refused(f"{self.func.name} computes {ast.unparse(node)} on a {a} and a {b}")

    def _truth(self, node: ast.expr, env: dict[str, str]) -> ast.expr:
        if isinstance(node, ast.BoolOp):
            return ast.BoolOp(node.op, [self._truth(v, env) for v in node.values])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._truth(node.operand, env)
            if isinstance(inner, ast.Constant) and isinstance(inner.value, bool):
                return ast.Constant(not inner.value)
            return ast.UnaryOp(ast.Not(), inner)
        if isinstance(node, ast.Compare):
            return self._compare(node, env)
        if isinstance(node, ast.Call) and t.is_call(node, "isinstance", 2) and "isinstance" not in self.local:
            known = self._isinstance(node, env)
            if known is not None:
                return ast.Constant(known)
        value, kind = self._value(node, env)
        if kind in (TEXT, CHARS, GROW, BUILD, NUMS, TABLE, ROW):
            return ast.Compare(_length(value), [ast.Gt()], [ast.Constant(0)])
        if kind == CHAR:  # a character is never empty (its code point may be 0); evaluated for its errors
            return ast.Compare(value, [ast.GtE()], [ast.Constant(0)])
        if kind == INT:
            return value
        raise Refused(f"{self.func.name} tests a {kind} for truth")

    def _isinstance(self, node: ast.Call, env: dict[str, str]) -> bool | None:
        subject, kind = node.args
        if not (isinstance(subject, ast.Name) and isinstance(kind, ast.Name) and kind.id not in self.local):
            return None
        held = env.get(subject.id, "")
        if held in (TEXT, CHAR) and kind.id in ("str", "bytes", "int", "list", "tuple"):
            return kind.id == "str"
        return None

    def _compare(self, node: ast.Compare, env: dict[str, str]) -> ast.expr:
        sides = [node.left, *node.comparators]
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.Is | ast.IsNot):
            none = [isinstance(s, ast.Constant) and s.value is None for s in sides]
            named = [isinstance(s, ast.Name) and env.get(s.id) == NONE for s in sides]
            if any(none) and any(named):
                return ast.Constant(isinstance(node.ops[0], ast.Is))
            if any(none) and isinstance(sides[none.index(False)], ast.Name):  # a name: nothing to evaluate
                self._value(sides[none.index(False)], env)  # refuses what the kernel cannot hold
                return ast.Constant(isinstance(node.ops[0], ast.IsNot))  # only None is None
            raise Refused(f"{self.func.name} compares identities in {ast.unparse(node)}")
        values = [self._value(s, env) for s in sides]
        kinds = [k for _, k in values]
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn):
            (item, a), (seq, b) = values
            if a == CHAR and b in _SEQS:
                found: ast.expr = _call("_pkt_has", self._seq(seq, b), item)
            elif a in (TEXT, BUILD) and b in (TEXT, BUILD):
                found = ast.Compare(
                    _call("_pkt_find_sub", self._text(seq, b), self._text(item, a)), [ast.GtE()], [ast.Constant(0)]
                )
            elif a == INT and b in (ROW, NUMS):
                found = _call("_pkt_has", seq, item)
            else:
                raise Refused(f"{self.func.name} tests whether a {a} is in a {b}")
            return found if isinstance(node.ops[0], ast.In) else ast.UnaryOp(ast.Not(), found)
        if all(k in (INT, CHAR) for k in kinds):
            if len(set(kinds)) > 1 and not all(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                raise Refused(f"{self.func.name} orders a character against a number")
            if len(set(kinds)) > 1:  # "a" == 97 is False in Python; the sides are names (nothing to evaluate)
                if len(node.ops) == 1 and all(isinstance(side, ast.Name | ast.Constant) for side in sides):
                    return ast.Constant(isinstance(node.ops[0], ast.NotEq))
                return _refuse(node)
            return ast.Compare(values[0][0], node.ops, [v for v, _ in values[1:]])
        if len(node.ops) != 1 or isinstance(node.ops[0], ast.In | ast.NotIn | ast.Is | ast.IsNot):
            raise Refused(f"{self.func.name} chains comparisons of strings in {ast.unparse(node)}")
        (left, a), (right, b) = values
        if a in _STRINGY and b in _STRINGY:
            pair = (self._text(left, a), self._text(right, b))
        elif a in (CHARS, GROW) and b in (CHARS, GROW):
            pair = (self._seq(left, a), self._seq(right, b))
        else:
            raise Refused(f"{self.func.name} compares a {a} with a {b}")
        return ast.Compare(_call("_pkt_cmp", *pair), node.ops, [ast.Constant(0)])

    def _seq(self, value: ast.expr, kind: str) -> ast.expr:
        return _call("_pkt_array", value) if kind in (GROW, BUILD) else value

    def _call(self, node: ast.Call, env: dict[str, str]) -> tuple[ast.expr, str]:
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise Refused(f"{self.func.name} calls {ast.unparse(node.func)} with keywords or *args")
        func = node.func
        if isinstance(func, ast.Attribute):
            return self._method(node, func, env)
        if not isinstance(func, ast.Name) or func.id in self.local:
            raise Refused(f"{self.func.name} calls {ast.unparse(func)}")
        name, args = func.id, node.args
        if name in self.program.functions:
            values = [self._value(a, env) for a in args]
            params = self.program.functions[name].args.args
            if len(values) != len(params):
                raise Refused(f"{self.func.name} calls {name} leaving parameters to their defaults")
            kinds = tuple(TEXT if k == BUILD else k for _, k in values)
            passed = [_call("_pkt_array", v) if k == BUILD else v for v, k in values]
            result = self.program.helper(name, kinds)
            return ast.Call(_name(f"_pk_nb_{name}"), passed, []), result
        if name not in _BUILTINS:
            raise Refused(f"{self.func.name} calls {name}")
        if name == "len" and len(args) == 1:
            value, kind = self._value(args[0], env)
            if kind == CHAR:  # evaluated for its errors (an index out of range)
                return _length(_call("_pkt_one", value)), INT
            if kind in (*_SEQS, TABLE, ROW, NUMS):
                return _length(value), INT
        elif name == "ord" and len(args) == 1:
            value, kind = self._value(args[0], env)
            if kind == CHAR:
                return value, INT
            if kind in (TEXT, BUILD):
                return _call("_pkt_ord", self._text(value, kind)), INT
        elif name == "chr" and len(args) == 1:
            return _call("_pkt_chr", self._int(args[0], env)), CHAR
        elif name == "list" and len(args) == 1:
            value, kind = self._value(args[0], env)
            if kind in _SEQS:
                return _call("_pkt_copy", self._seq(value, kind)), CHARS
        elif name == "str" and len(args) == 1:
            value, kind = self._value(args[0], env)
            if kind == INT:
                return _call("_pkt_digits", value), TEXT
            if kind in _STRINGY:
                return self._text(value, kind), TEXT
        elif name == "slice" and 1 <= len(args) <= 3:
            return ast.Call(_name("slice"), [self._int(a, env) for a in args], []), SLICE
        elif name in ("min", "max", "abs", "divmod", "int", "bool") and args:
            return ast.Call(_name(name), [self._int(a, env) for a in args], []), INT
        elif name == "isinstance" and len(args) == 2:
            known = self._isinstance(node, env)
            if known is not None:
                return ast.Constant(known), INT
        raise Refused(f"{self.func.name} calls {ast.unparse(node)}, which the text kernel does not take")

    def _method(self, node: ast.Call, func: ast.Attribute, env: dict[str, str]) -> tuple[ast.expr, str]:
        method, args = func.attr, node.args
        if method == "join" and len(args) == 1:
            sep, sep_kind = self._value(func.value, env)
            items, kind = self._value(args[0], env)
            if sep_kind in _STRINGY and kind in _SEQS:
                if kind == BUILD:  # "".join(s) of a string: its characters
                    items, kind = _call("_pkt_array", items), TEXT
                seq = self._seq(items, kind)
                if isinstance(func.value, ast.Constant) and func.value.value == "":
                    return _call("_pkt_copy", seq), TEXT
                return _call("_pkt_join", self._text(sep, sep_kind), seq), TEXT
            raise Refused(f"{self.func.name} joins a {kind} with a {sep_kind}")
        owner, kind = self._value(func.value, env)
        values = [self._value(a, env) for a in args]
        if kind == CHAR and not args:
            calls = {"upper": ("_pkt_upper", CHAR), "lower": ("_pkt_lower", CHAR), "isdigit": ("_pkt_digit", INT)}
            calls |= {"isalpha": ("_pkt_alpha", INT), "isspace": ("_pkt_space", INT)}
            if method in calls:
                helper, result = calls[method]
                return _call(helper, owner), result
        if kind in (TEXT, BUILD) and method in ("upper", "lower") and not args:
            return _call(f"_pkt_{method}_all", self._text(owner, kind)), TEXT
        if kind in _SEQS and method in ("index", "find", "count") and len(values) == 1:
            (item, item_kind), seq = values[0], self._seq(owner, kind)
            is_text = kind in (TEXT, BUILD)
            if item_kind == CHAR and (is_text or method != "find"):
                return _call(f"_pkt_{method}", seq, item), INT
            if item_kind in (TEXT, BUILD) and is_text:
                return _call(f"_pkt_{method}_sub", seq, self._text(item, item_kind)), INT
        if kind in (TEXT, BUILD) and method in ("startswith", "endswith") and len(values) == 1:
            item, item_kind = values[0]
            if item_kind in _STRINGY:
                helper = "_pkt_starts" if method == "startswith" else "_pkt_ends"
                return _call(helper, self._text(owner, kind), self._text(item, item_kind)), INT
        raise Refused(f"{self.func.name} calls .{method}() of a {kind}")


def _sums_hoisted(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """``x = sum(e for v in xs)`` (the whole value of an assignment or return, one ``for``, no ``if``) as a loop
    adding into a fresh name before the statement, its loop names fresh too (a generator's names are its own).
    Nothing else in the statement is evaluated before the sum, so the order of evaluation is the same."""
    out: list[ast.stmt] = []
    for stmt in stmts:
        for field_name, value in ast.iter_fields(stmt):
            if isinstance(value, list) and value and all(isinstance(s, ast.stmt) for s in value):
                setattr(stmt, field_name, _sums_hoisted(value))
        value = stmt.value if isinstance(stmt, ast.Assign | ast.Return | ast.AugAssign) else None
        if (
            isinstance(value, ast.Call)
            and t.is_call(value, "sum", 1)
            and isinstance(value.args[0], ast.GeneratorExp)
            and len(value.args[0].generators) == 1
            and not value.args[0].generators[0].ifs
            and not value.args[0].generators[0].is_async
        ):
            gen = value.args[0]
            loop = gen.generators[0]
            total = f"_pkt_sum{len(out)}_{id(stmt)}"
            names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
            fresh = {name: f"{total}_{name}" for name in names}
            target, elt = copy.deepcopy(loop.target), copy.deepcopy(gen.elt)
            for node in [*ast.walk(target), *ast.walk(elt)]:
                if isinstance(node, ast.Name) and node.id in fresh:
                    node.id = fresh[node.id]
            add = ast.AugAssign(ast.Name(total, ast.Store()), ast.Add(), elt)
            out += [ast.Assign([ast.Name(total, ast.Store())], ast.Constant(0)), ast.For(target, loop.iter, [add], [])]
            assert isinstance(stmt, ast.Assign | ast.Return | ast.AugAssign)
            stmt.value = ast.Name(total, ast.Load())
        out.append(stmt)
    return [ast.fix_missing_locations(s) for s in out]


def _ends(stmts: list[ast.stmt]) -> bool:
    """Whether every path through ``stmts`` ends in a return or a raise; ``while True:`` without a ``break`` of
    its own never falls through."""
    last = stmts[-1] if stmts else None
    if isinstance(last, ast.While) and isinstance(last.test, ast.Constant) and last.test.value is True:
        return not any(isinstance(n, ast.Break) for n in _own_nodes(last.body))
    if isinstance(last, ast.If) and not _always_returns(stmts):
        return _ends(last.body) and _ends(last.orelse)
    return _always_returns(stmts)


def _own_nodes(stmts: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of ``stmts`` outside nested loops (a ``break`` there ends the inner loop)."""
    found: list[ast.AST] = []
    for stmt in stmts:
        found.append(stmt)
        if not isinstance(stmt, ast.For | ast.While):
            for child in ast.iter_child_nodes(stmt):
                found += _own_nodes([child]) if isinstance(child, ast.stmt) else list(ast.walk(child))
        else:
            found += _own_nodes(stmt.orelse)
    return found


def _refuse(node: ast.AST) -> ast.expr:
    raise Refused(f"it compares characters with numbers in {ast.unparse(node)}")


__all__ = ["param_kinds", "result_of", "text_candidate", "text_function"]
