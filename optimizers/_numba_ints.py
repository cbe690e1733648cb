"""Exact Python integers in a numba kernel: every integer operation that could leave int64 is checked.

numba computes with int64 and wraps around silently where Python's ints grow; it converts a float past 2**63 to
an int as garbage, shifts by 64 or more to 0, compares a big int with a float after rounding the int, and divides
two big ints after rounding both. Instead of proving bounds for the arguments the kernel may see, the kernel is
rewritten (:func:`checked_ints`) so that each such operation calls a helper of the candidate's prelude
(:data:`PRELUDE`) that numba specialises by the operands' types:

- on ints (and bools mixed with ints), ``+ - * ** << & | ^ ~`` compute in int64 with LLVM's overflow flags and
  raise ``OverflowError`` on overflow, on a result of exactly -2**63 (so that ``-x``, ``abs(x)`` and ``x // -1``
  can never wrap), on a negative exponent (Python's result is a float) and on a negative shift; ``>>`` by 64 or
  more gives what Python gives; ``/`` of two ints past 2**53 raises (Python rounds once, numba twice);
  ``sum`` of ints adds with the same checks; a comparison or ``in`` between an int past 2**53 and a float
  raises (Python compares exactly); ``range(a, b[, s])`` raises where numba's length ``b - a`` would wrap;
- ``int``, ``round``, ``math.floor/ceil/trunc`` of a float outside (-2**63, 2**63), or NaN, raise;
- unsigned ints (code points) are taken as int64 first, and raise past 2**63 (``-x`` too);
- every other type (floats, lists, arrays) takes numba's own operation, compiled as before.

The wrapper hands any call whose kernel raises to the original function, so an int that would leave int64 costs
one fallback, never a wrong result. The rewrite evaluates nothing twice that could differ: a chained comparison
``a < b < c`` and ``x[i] += v`` repeat only side-effect-free operands, and are refused otherwise.
"""

from __future__ import annotations

import ast

from perfkit.optimizers._numba_scan import Refused

_BINARY = {
    ast.Add: "_pkb_add",
    ast.Sub: "_pkb_sub",
    ast.Mult: "_pkb_mul",
    ast.Pow: "_pkb_pow",
    ast.LShift: "_pkb_lshift",
    ast.RShift: "_pkb_rshift",
    ast.BitAnd: "_pkb_and",
    ast.BitOr: "_pkb_or",
    ast.BitXor: "_pkb_xor",
    ast.Div: "_pkb_truediv",
}
_IN_PLACE = {ast.Add: "_pkb_iadd", ast.Mult: "_pkb_imul"}  # in place on lists and arrays, checked on ints
_COMPARE = {
    ast.Eq: "_pkb_eq",
    ast.NotEq: "_pkb_ne",
    ast.Lt: "_pkb_lt",
    ast.LtE: "_pkb_le",
    ast.Gt: "_pkb_gt",
    ast.GtE: "_pkb_ge",
}
_CALLS = {("int", 1): "_pkb_int", ("round", 1): "_pkb_round", ("pow", 2): "_pkb_pow", ("sum", 1): "_pkb_sum"}
_CALLS |= {("sum", 2): "_pkb_sum_from"}
_CALLS |= {("range", 2): "_pkb_range2", ("range", 3): "_pkb_range3"}
_MATH = {"floor": "_pkb_floor", "ceil": "_pkb_ceil", "trunc": "_pkb_trunc", "isqrt": "_pkb_isqrt"}
_PURE_CALLS = frozenset({"len", "abs", "int", "float", "min", "max", "round"})
_INT64 = 2**63

PRELUDE = '''
import operator as _pk_operator

from numba import types as _pk_types
from numba.extending import intrinsic as _pk_intrinsic
from numba.extending import overload as _pk_overload

_PKB_INT_MIN = -9223372036854775808
_PKB_EXACT = 9007199254740992  # 2**53: an int up to this converts to a float exactly
_PKB_FLOAT_LIMIT = 9223372036854775808.0  # 2**63


def _pkb_kind(t):
    """"i" for an int type, "b" for bool, "" otherwise (numba's types, at compile time)."""
    if isinstance(t, _pk_types.Boolean):
        return "b"
    return "i" if isinstance(t, _pk_types.Integer) else ""


def _pkb_i64(x):
    return x


@_pk_overload(_pkb_i64)
def _pkb_i64_typed(x):
    if isinstance(x, _pk_types.Integer) and not x.signed and x.bitwidth >= 64:
        def unsigned(x):
            if x >> _pk_np.uint64(63):
                raise OverflowError("an unsigned int past 2**63")
            return _pk_np.int64(x)
        return unsigned
    return lambda x: _pk_np.int64(x)


def _pkb_flagged(method):
    """An int64 operation with LLVM's overflow flag: (result, 1 when it wrapped)."""
    @_pk_intrinsic
    def flagged(typingctx, a, b):
        def codegen(context, builder, signature, args):
            pair = getattr(builder, method)(*args)
            value = builder.extract_value(pair, 0)
            flag = builder.zext(builder.extract_value(pair, 1), value.type)
            return context.make_tuple(builder, signature.return_type, [value, flag])
        return _pk_types.UniTuple(_pk_types.int64, 2)(_pk_types.int64, _pk_types.int64), codegen
    return flagged


def _pkb_arith(op, method):
    """``op`` checked on ints: raises where Python's result would not fit int64 (or is -2**63)."""
    def python(a, b):
        return op(a, b)
    flagged = _pkb_flagged(method)

    @_pk_overload(python)
    def typed(a, b):
        if _pkb_kind(a) and _pkb_kind(b):
            def checked(a, b):
                value, wrapped = flagged(_pkb_i64(a), _pkb_i64(b))
                if wrapped or value == _PKB_INT_MIN:
                    raise OverflowError("an int leaves int64: the original computes it")
                return value
            return checked
        return lambda a, b: op(a, b)
    return python


_pkb_add = _pkb_arith(_pk_operator.add, "sadd_with_overflow")
_pkb_sub = _pkb_arith(_pk_operator.sub, "ssub_with_overflow")
_pkb_mul = _pkb_arith(_pk_operator.mul, "smul_with_overflow")


def _pkb_in_place(op, checked_op):
    """``a op= b``: checked on ints, in place on lists and arrays (the same object comes back)."""
    def python(a, b):
        return op(a, b)

    @_pk_overload(python)
    def typed(a, b):
        if _pkb_kind(a) and _pkb_kind(b):
            return lambda a, b: checked_op(a, b)
        return lambda a, b: op(a, b)
    return python


_pkb_iadd = _pkb_in_place(_pk_operator.iadd, _pkb_add)
_pkb_imul = _pkb_in_place(_pk_operator.imul, _pkb_mul)


def _pkb_bitwise(op):
    """``& | ^`` on ints (two's complement is exact for int64); bools keep numba's bool result."""
    def python(a, b):
        return op(a, b)

    @_pk_overload(python)
    def typed(a, b):
        kinds = _pkb_kind(a) + _pkb_kind(b)
        if len(kinds) == 2 and kinds != "bb":
            def checked(a, b):
                value = op(_pkb_i64(a), _pkb_i64(b))
                if value == _PKB_INT_MIN:
                    raise OverflowError("an int leaves int64: the original computes it")
                return value
            return checked
        return lambda a, b: op(a, b)
    return python


_pkb_and = _pkb_bitwise(_pk_operator.and_)
_pkb_or = _pkb_bitwise(_pk_operator.or_)
_pkb_xor = _pkb_bitwise(_pk_operator.xor)


def _pkb_invert(x):
    return ~x


@_pk_overload(_pkb_invert)
def _pkb_invert_typed(x):
    if _pkb_kind(x):
        def checked(x):
            value = ~_pkb_i64(x)
            if value == _PKB_INT_MIN:
                raise OverflowError("an int leaves int64: the original computes it")
            return value
        return checked
    return lambda x: ~x


def _pkb_neg(x):
    return -x


@_pk_overload(_pkb_neg)
def _pkb_neg_typed(x):
    """``-x``: an unsigned int (a code point, a byte) is taken as int64 first (numba would negate it unsigned)."""
    if isinstance(x, _pk_types.Integer) and not x.signed:
        return lambda x: -_pkb_i64(x)
    return lambda x: -x


def _pkb_lshift(a, b):
    return a << b


@_pk_overload(_pkb_lshift)
def _pkb_lshift_typed(a, b):
    if _pkb_kind(a) and _pkb_kind(b):
        def checked(a, b):
            x, k = _pkb_i64(a), _pkb_i64(b)
            if k < 0:
                raise ValueError("negative shift count")
            if x == 0 or k == 0:
                return x
            if k > 62:
                raise OverflowError("an int leaves int64: the original computes it")
            limit = _pk_np.int64(1) << (63 - k)
            if not -limit < x < limit:
                raise OverflowError("an int leaves int64: the original computes it")
            return x << k
        return checked
    return lambda a, b: a << b


def _pkb_rshift(a, b):
    return a >> b


@_pk_overload(_pkb_rshift)
def _pkb_rshift_typed(a, b):
    if _pkb_kind(a) and _pkb_kind(b):
        def checked(a, b):
            x, k = _pkb_i64(a), _pkb_i64(b)
            if k < 0:
                raise ValueError("negative shift count")
            if k > 63:
                return _pk_np.int64(0) if x >= 0 else _pk_np.int64(-1)
            return x >> k
        return checked
    return lambda a, b: a >> b


def _pkb_pow(a, b):
    return a ** b


@_pk_overload(_pkb_pow)
def _pkb_pow_typed(a, b):
    if _pkb_kind(a) and _pkb_kind(b):
        def checked(a, b):
            base, exponent = _pkb_i64(a), _pkb_i64(b)
            if exponent < 0:  # Python gives a float (or raises for 0)
                raise OverflowError("an int leaves int64: the original computes it")
            result = _pk_np.int64(1)
            while exponent:
                if exponent & 1:
                    result = _pkb_mul(result, base)
                exponent >>= 1
                if exponent:
                    base = _pkb_mul(base, base)
            return result
        return checked
    return lambda a, b: a ** b


@_pkb_njit
def _pkb_exact(x):
    """``x`` when a float holds it exactly (an int within 2**53), else OverflowError."""
    if not -_PKB_EXACT <= x <= _PKB_EXACT:
        raise OverflowError("an int past 2**53 meets a float")
    return x


def _pkb_truediv(a, b):
    return a / b


@_pk_overload(_pkb_truediv)
def _pkb_truediv_typed(a, b):
    if _pkb_kind(a) and _pkb_kind(b):
        return lambda a, b: _pkb_exact(_pkb_i64(a)) / _pkb_exact(_pkb_i64(b))
    return lambda a, b: a / b


def _pkb_comparison(op):
    """``op`` exact between an int and a float (past 2**53 it raises) and between signed and unsigned ints."""
    def python(a, b):
        return op(a, b)

    @_pk_overload(python)
    def typed(a, b):
        left, right = _pkb_kind(a), _pkb_kind(b)
        if left and isinstance(b, _pk_types.Float):
            return lambda a, b: op(_pkb_exact(_pkb_i64(a)), b)
        if right and isinstance(a, _pk_types.Float):
            return lambda a, b: op(a, _pkb_exact(_pkb_i64(b)))
        if left and right:
            return lambda a, b: op(_pkb_i64(a), _pkb_i64(b))
        return lambda a, b: op(a, b)
    return python


_pkb_eq = _pkb_comparison(_pk_operator.eq)
_pkb_ne = _pkb_comparison(_pk_operator.ne)
_pkb_lt = _pkb_comparison(_pk_operator.lt)
_pkb_le = _pkb_comparison(_pk_operator.le)
_pkb_gt = _pkb_comparison(_pk_operator.gt)
_pkb_ge = _pkb_comparison(_pk_operator.ge)


def _pkb_in(a, b):
    return a in b


@_pk_overload(_pkb_in)
def _pkb_in_typed(a, b):
    item = b.dtype if isinstance(b, _pk_types.Array | _pk_types.List) else None
    if (_pkb_kind(a) and isinstance(item, _pk_types.Float)) or (isinstance(a, _pk_types.Float) and _pkb_kind(item)):
        def exact(a, b):
            for x in b:
                if _pkb_eq(a, x):
                    return True
            return False
        return exact
    return lambda a, b: a in b


def _pkb_to_int(convert):
    """``convert`` (int, round, math.floor, ...) raising for a float outside (-2**63, 2**63) or NaN."""
    def python(x):
        return convert(x)

    @_pk_overload(python)
    def typed(x):
        if isinstance(x, _pk_types.Float):
            def checked(x):
                if not -_PKB_FLOAT_LIMIT < x < _PKB_FLOAT_LIMIT:
                    raise OverflowError("an int leaves int64: the original computes it")
                return convert(x)
            return checked
        return lambda x: convert(x)
    return python


_pkb_int = _pkb_to_int(int)
_pkb_round = _pkb_to_int(round)
_pkb_floor = _pkb_to_int(_pk_math.floor)
_pkb_ceil = _pkb_to_int(_pk_math.ceil)
_pkb_trunc = _pkb_to_int(_pk_math.trunc)


def _pkb_isqrt(n):
    return _pk_math.isqrt(n)


@_pk_overload(_pkb_isqrt)
def _pkb_isqrt_typed(n):
    if _pkb_kind(n):
        def exact(n):
            x = _pkb_i64(n)
            if x < 0:
                raise ValueError("isqrt() argument must be nonnegative")
            root = _pk_np.int64(_pk_math.sqrt(x))
            while root > 0 and root > x // root:
                root -= 1
            while root + 1 <= x // (root + 1):
                root += 1
            return root
        return exact
    return None


def _pkb_sum(xs):
    return sum(xs)


@_pk_overload(_pkb_sum)
def _pkb_sum_typed(xs):
    item = getattr(xs, "dtype", None)
    if item is not None and _pkb_kind(item):
        def checked(xs):
            total = _pk_np.int64(0)
            for x in xs:
                total = _pkb_add(total, x)
            return total
        return checked
    return lambda xs: sum(xs)


def _pkb_sum_from(xs, start):
    return sum(xs, start)


@_pk_overload(_pkb_sum_from)
def _pkb_sum_from_typed(xs, start):
    item = getattr(xs, "dtype", None)
    if item is not None and _pkb_kind(item) and _pkb_kind(start):
        def checked(xs, start):
            total = _pkb_i64(start)
            for x in xs:
                total = _pkb_add(total, x)
            return total
        return checked
    return lambda xs, start: sum(xs, start)


def _pkb_range2(a, b):
    return range(a, b)


@_pk_overload(_pkb_range2)
def _pkb_range2_typed(a, b):
    if _pkb_kind(a) and _pkb_kind(b):
        def checked(a, b):
            _pkb_sub(b, a)  # numba's range takes its length from b - a
            return range(_pkb_i64(a), _pkb_i64(b))
        return checked
    return lambda a, b: range(a, b)


def _pkb_range3(a, b, c):
    return range(a, b, c)


@_pk_overload(_pkb_range3)
def _pkb_range3_typed(a, b, c):
    if _pkb_kind(a) and _pkb_kind(b) and _pkb_kind(c):
        def checked(a, b, c):
            _pkb_sub(b, a)
            return range(_pkb_i64(a), _pkb_i64(b), _pkb_i64(c))
        return checked
    return lambda a, b, c: range(a, b, c)
'''


def checked_ints(func: ast.FunctionDef, *, math_names: dict[str, str], local: set[str]) -> ast.FunctionDef:
    """``func`` (a kernel or helper copy, changed in place and returned) with each integer operation that numba
    could compute differently from Python replaced by its checked helper of :data:`PRELUDE`.

    Operations on ints known to be small stay as they are (:class:`_Bits`): ``j - 1`` with ``j`` a counter of
    ``range(1, len(b) + 1)`` cannot leave int64, and ``len(row) == len(weights)`` compares ints a float would
    hold exactly. ``math_names``: the module's names for ``math`` ("math") and for functions imported from it;
    ``local``: the function's own names (a local ``sum`` is not the builtin). Raises :class:`Refused` for an int
    constant past int64, and for a chained comparison or ``x[i] op= v`` whose repeated operand could have side
    effects."""
    for node in ast.walk(func):
        if isinstance(node, ast.Constant) and type(node.value) is int and not -_INT64 < node.value < _INT64:
            raise Refused(f"{func.name} holds the int constant {node.value}, past numba's 64 bits")
    return ast.fix_missing_locations(_Checked(math_names, local, _Bits(func, local)).visit(func))


class _Bits:
    """Sound bounds, in bits, on int expressions that are small by construction: int constants, ``len(...)``
    (a container never holds 2**40 items), counters bound only by ``for i in range(...)`` over such bounds or by
    ``enumerate``, names only ever assigned such values, and sums, differences and products of those. ``None``:
    not known to be a small int."""

    _LEN = 40

    def __init__(self, func: ast.FunctionDef, local: set[str]) -> None:
        self.local = local
        stores: dict[str, list[ast.AST]] = {}  # name -> the loops and assignments that bind it
        targets = set()
        for node in ast.walk(func):
            if isinstance(node, ast.For | ast.comprehension):
                for bound in ast.walk(node.target):
                    if isinstance(bound, ast.Name):
                        stores.setdefault(bound.id, []).append(node)
                        targets.add(id(bound))
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                for target, value in _pairs(node.targets[0], node.value):  # a = v, and a, b = v, w
                    stores.setdefault(target.id, []).append(value)
                    targets.add(id(target))
        for node in ast.walk(func):  # any other binding (x += 1, a, b = ..., walrus) makes a name unknown
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in targets:
                stores.setdefault(node.id, []).append(node)
        params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
        self.known: dict[str, int] = {}
        stores = {name: bindings for name, bindings in stores.items() if name not in params}
        for _ in range(4):  # a bound may use another known name (``for j in range(i)``, ``width = len(b) + 2``)
            for name, bindings in stores.items():  # a copy from a name not yet known (a swap) is assumed for now
                found = [self._binding(name, b) for b in bindings if not self._pending_copy(b)]
                sizes = [bits for bits in found if bits is not None]
                if sizes and len(sizes) == len(found):
                    self.known[name] = max(sizes)
        changed = True
        while changed:  # then every binding, copies included, must stay within its name's bound (or the name goes)
            changed = False
            for name in list(self.known):
                found = [self._binding(name, binding) for binding in stores[name]]
                sizes = [bits for bits in found if bits is not None]
                if len(sizes) < len(found) or max(sizes) > 62:
                    del self.known[name]
                    changed = True
                elif max(sizes) > self.known[name]:
                    self.known[name] = max(sizes)
                    changed = True

    def _pending_copy(self, binding: ast.AST) -> bool:
        return isinstance(binding, ast.Name) and isinstance(binding.ctx, ast.Load) and binding.id not in self.known

    def _binding(self, name: str, binding: ast.AST) -> int | None:
        if isinstance(binding, ast.For | ast.comprehension):
            return self._counter(name, binding)
        if isinstance(binding, ast.expr) and not isinstance(binding, ast.Name | ast.Starred):
            return self.of(binding)
        if isinstance(binding, ast.Name) and isinstance(binding.ctx, ast.Load):
            return self.of(binding)
        return None

    def _counter(self, name: str, loop: ast.For | ast.comprehension) -> int | None:
        source, target = loop.iter, loop.target
        if isinstance(target, ast.Name) and target.id == name and self._builtin(source, "range"):
            args = [self.of(arg) for arg in source.args]  # type: ignore[attr-defined]
            sizes = [bits for bits in args if bits is not None]
            return max(sizes) if sizes and len(sizes) == len(args) else None
        if self._builtin(source, "enumerate") and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            first = target.elts[0]
            if isinstance(first, ast.Name) and first.id == name and len(source.args) == 1:  # type: ignore[attr-defined]
                return self._LEN
        return None

    def _builtin(self, node: ast.AST, name: str) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == name
            and name not in self.local
            and not node.keywords
            and not any(isinstance(arg, ast.Starred) for arg in node.args)
        )

    def of(self, node: ast.AST) -> int | None:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return abs(node.value).bit_length()
        if isinstance(node, ast.Name):
            return self.known.get(node.id)
        if self._builtin(node, "len") and len(node.args) == 1:  # type: ignore[attr-defined]
            return self._LEN
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self.of(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
            left, right = self.of(node.left), self.of(node.right)
            if left is None or right is None:
                return None
            return left + right if isinstance(node.op, ast.Mult) else max(left, right) + 1
        return None

    def within(self, node: ast.AST, bits: int) -> bool:
        found = self.of(node)
        return found is not None and found <= bits


class _Checked(ast.NodeTransformer):
    def __init__(self, math_names: dict[str, str], local: set[str], bits: _Bits) -> None:
        self.math_names, self.local, self.bits = math_names, local, bits

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        small = self.bits.within(node, 62)  # decided on the original operands, before they are rewritten
        small = small or _sequence(node.left) or _sequence(node.right)  # [x] * n, xs + [y]: no int arithmetic
        self.generic_visit(node)
        helper = _BINARY.get(type(node.op))
        return _call(helper, node.left, node.right) if helper and not small else node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            return _call("_pkb_neg", node.operand)
        return _call("_pkb_invert", node.operand) if isinstance(node.op, ast.Invert) else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        helper = _IN_PLACE.get(type(node.op)) or _BINARY.get(type(node.op))
        if helper is None or _sequence(node.value):  # xs += [x] extends a list (numba types an empty one by it)
            return node
        target = node.target
        if isinstance(target, ast.Name):
            read: ast.expr = ast.Name(target.id, ast.Load())
        elif isinstance(target, ast.Subscript) and pure_expr(target) and not _walrus(node.value):
            read = ast.Subscript(_copy(target.value), _copy(target.slice), ast.Load())
        else:
            raise Refused(f"`{ast.unparse(node)}` would repeat an operand that may have side effects")
        return ast.Assign(targets=[target], value=_call(helper, read, node.value))

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        sides = [node.left, *node.comparators]
        exact = [self.bits.within(sides[i], 53) or self.bits.within(sides[i + 1], 53) for i in range(len(node.ops))]
        self.generic_visit(node)
        sides = [node.left, *node.comparators]
        if len(node.ops) > 1 and not all(pure_expr(side) for side in sides[1:-1]):
            raise Refused(f"`{ast.unparse(node)}` chains comparisons around an operand with side effects")
        parts: list[ast.expr] = []
        for i, op in enumerate(node.ops):
            left, right = sides[i] if i == 0 else _copy(sides[i]), sides[i + 1]
            if type(op) in _COMPARE and not exact[i]:  # a small int compares exactly with an int or a float
                parts.append(_call(_COMPARE[type(op)], left, right))
            elif isinstance(op, ast.In | ast.NotIn):
                found = _call("_pkb_in", left, right)
                parts.append(found if isinstance(op, ast.In) else ast.UnaryOp(ast.Not(), found))
            else:  # is / is not, and exact comparisons
                parts.append(ast.Compare(left, [op], [right]))
        if len(parts) == 1:
            return parts[0]
        if all(isinstance(part, ast.Compare) for part in parts):
            return node  # nothing rewritten: the chain stays as it was
        return ast.BoolOp(ast.And(), parts)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        small_range = self.bits._builtin(node, "range") and all(self.bits.within(arg, 61) for arg in node.args)
        self.generic_visit(node)
        target = node.func
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args) or small_range:
            return node
        helper = None
        if isinstance(target, ast.Name) and target.id not in self.local:
            helper = _CALLS.get((target.id, len(node.args)))
            if helper is None and len(node.args) == 1:
                helper = _MATH.get(self.math_names.get(target.id, ""))
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and len(node.args) == 1
            and self.math_names.get(target.value.id) == "math"
            and target.value.id not in self.local
        ):
            helper = _MATH.get(target.attr)
        return _call(helper, *node.args) if helper else node


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.Name, ast.expr]]:
    """The (name, value) bindings of ``a = v`` and ``a, b = v, w`` (values taken before any name is bound)."""
    if isinstance(target, ast.Name):
        return [(target, value)]
    if (
        isinstance(target, ast.Tuple)
        and isinstance(value, ast.Tuple)
        and len(target.elts) == len(value.elts)
        and all(isinstance(e, ast.Name) for e in target.elts)
        and not any(isinstance(e, ast.Starred) for e in value.elts)
    ):
        return list(zip(target.elts, value.elts, strict=True))  # type: ignore[arg-type]
    return []


def _sequence(node: ast.expr) -> bool:
    """A list or tuple display or comprehension, or one concatenated or repeated: never an int."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mult):
        return _sequence(node.left) or _sequence(node.right)
    return isinstance(node, ast.List | ast.Tuple | ast.ListComp)


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), list(args), [])


def _copy(node: ast.expr) -> ast.expr:
    return ast.parse(ast.unparse(node), mode="eval").body


def _walrus(node: ast.AST) -> bool:
    return any(isinstance(n, ast.NamedExpr) for n in ast.walk(node))


def pure_expr(node: ast.AST) -> bool:
    """Whether evaluating ``node`` twice gives the same value and changes nothing: names, constants, indexing,
    arithmetic and comparisons, and calls of the checked helpers and of side-effect-free builtins."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            name = n.func.id if isinstance(n.func, ast.Name) else ""
            if not (name.startswith("_pkb_") or name in _PURE_CALLS):
                return False
        elif not isinstance(n, _PURE_NODES):
            return False
    return True


_PURE_NODES = (
    ast.Name, ast.Constant, ast.Subscript, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Tuple, ast.Slice,
    ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)  # fmt: skip
