"""The rewrite proposer: AST rewrites of well-known slow patterns, one small function per rule.

A rule fires only when it can show that the rewrite keeps behaviour: the names it touches are local and used
in the few ways it understands, the values it relies on have the types seen in the inputs (``Context.arg_types``),
and where a type cannot be known ahead it adds a run-time guard that falls back to the original expression.
Every rule gets a fresh copy of the function; the proposer offers all fired rules together, then each alone.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Candidate, Context

RuleFunc = Callable[[ast.FunctionDef, Context], bool]


@dataclass(frozen=True)
class Rule:
    """A named rewrite: ``apply(func_tree, context)`` edits the tree in place and says whether it fired."""

    name: str
    apply: RuleFunc
    summary: str


def _hashable_loop_name(func: ast.FunctionDef, node: ast.expr, ctx: Context) -> bool:
    """``node`` is a name bound only by ``for node in PARAM`` where PARAM holds hashable scalars."""
    if not isinstance(node, ast.Name):
        return False
    loop = t.loop_over(func, node, node.id)
    if loop is None or not isinstance(loop.iter, ast.Name):
        return False
    source = loop.iter.id
    if source not in t.params(func) or t.stored(func, source):
        return False
    if len(t.stored(func, node.id)) != 1:
        return False
    return t.elements_hashable(ctx.arg_types.get(source, frozenset()))


# ------------------------------------------------------------------------------------- membership → set
def _empty_list_target(stmt: ast.stmt) -> ast.Name | None:
    """The name bound by ``name = []`` or ``name: list[T] = []``, else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    if isinstance(target, ast.Name) and isinstance(value, ast.List) and not value.elts:
        return target
    return None


def membership_local_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``if x not in out: out.append(x)`` on a local list → a shadow set for the test; the list keeps its order."""
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            target = _empty_list_target(stmt)
            if target is None:
                continue
            name = target.id
            uses = [n for n in t.name_nodes(func, name) if n is not target]
            appends: list[ast.Expr] = []
            tests: list[ast.Compare] = []
            for use in uses:
                up = t.parent(use)
                grand = t.parent(up) if up is not None else None
                if isinstance(up, ast.Attribute) and up.attr == "append" and t.is_method_call(grand, name, "append", 1):
                    assert isinstance(grand, ast.Call)
                    stmt_node = t.parent(grand)
                    if not isinstance(stmt_node, ast.Expr) or not _hashable_loop_name(func, grand.args[0], ctx):
                        break
                    appends.append(stmt_node)
                elif isinstance(up, ast.Compare) and up.comparators == [use] and len(up.ops) == 1:
                    if not isinstance(up.ops[0], ast.In | ast.NotIn) or not _hashable_loop_name(func, up.left, ctx):
                        break
                    tests.append(up)
                elif (
                    isinstance(up, ast.Return)
                    or t.is_call(up, "len", 1)
                    or (isinstance(up, ast.For) and up.iter is use)
                ):
                    continue
                else:
                    break
            else:
                if not tests or not any(t.inside_loop(c, func) for c in tests):
                    continue
                seen = f"_pk_seen_{name}"
                body.insert(body.index(stmt) + 1, t.stmts(f"{seen} = set()")[0])
                for test in tests:
                    test.comparators = [ast.Name(seen, ast.Load())]
                for append in appends:
                    owner = t.containing_list(func, append)
                    assert owner is not None
                    value = ast.unparse(append.value.args[0])  # type: ignore[attr-defined]
                    owner.insert(owner.index(append) + 1, t.stmts(f"{seen}.add({value})")[0])
                fired = True
    return fired


def membership_param_list(func: ast.FunctionDef, ctx: Context) -> bool:
    """``x in allowed`` in a loop, ``allowed`` a list parameter never changed → a set made once (guarded)."""
    fired = False
    for name in t.params(func):
        if t.stored(func, name) or not t.elements_hashable(ctx.arg_types.get(name, frozenset())):
            continue
        tests = []
        for use in t.name_nodes(func, name):
            up = t.parent(use)
            if isinstance(up, ast.Compare) and up.comparators == [use] and isinstance(up.ops[0], ast.In | ast.NotIn):
                if len(up.ops) != 1 or not _hashable_loop_name(func, up.left, ctx):
                    break
                tests.append(up)
            elif (isinstance(up, ast.For) and up.iter is use) or t.is_call(up, "len", 1):
                continue
            else:
                break
        else:
            if not tests or not any(t.inside_loop(c, func) for c in tests):
                continue
            lookup = f"_pk_set_{name}"
            guard = (
                f"{lookup} = {name}\n"
                f"if type({name}) in (list, tuple):\n"
                f"    try:\n        {lookup} = set({name})\n    except TypeError:\n        pass\n"
            )
            t.insert_at_start(func, t.stmts(guard))
            for test in tests:
                test.comparators = [ast.Name(lookup, ast.Load())]
            fired = True
    return fired


# --------------------------------------------------------------------------------------- str += → join
_STR_FUNCS = {"str", "repr", "chr", "format", "ascii"}


def _is_str(node: ast.expr, func: ast.FunctionDef, ctx: Context) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _STR_FUNCS:
        return not node.keywords and 1 <= len(node.args) <= 2 and node.func.id not in t.params(func)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_str(node.left, func, ctx) and _is_str(node.right, func, ctx)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    if isinstance(node, ast.IfExp):
        return _is_str(node.body, func, ctx) and _is_str(node.orelse, func, ctx)
    if isinstance(node, ast.Name):  # a character of a str parameter
        loop = t.loop_over(func, node, node.id)
        if loop is None or not isinstance(loop.iter, ast.Name) or len(t.stored(func, node.id)) != 1:
            return False
        return ctx.arg_types.get(loop.iter.id) == frozenset({"str"}) and not t.stored(func, loop.iter.id)
    return False


def string_join(func: ast.FunctionDef, ctx: Context) -> bool:
    """``s = ""`` then ``s += piece`` in a loop that never reads ``s`` → pieces appended, joined after it."""
    fired = False
    for body in list(t.statement_lists(func)):
        for stmt in list(body):
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant)
                and stmt.value.value == ""
            ):
                continue
            name = stmt.targets[0].id
            later = body[body.index(stmt) + 1 :]
            loop = next((s for s in later if isinstance(s, ast.For | ast.While) and t.name_nodes(s, name)), None)
            if loop is None or loop.orelse or (isinstance(loop, ast.While) and t.name_nodes(loop.test, name)):
                continue
            if any(isinstance(n, ast.Return | ast.Yield | ast.YieldFrom | ast.Try) for n in ast.walk(loop)):
                continue
            adds = [n for n in ast.walk(loop) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)]
            adds = [n for n in adds if n.target.id == name]  # type: ignore[union-attr]
            inside = t.name_nodes(loop, name)
            if (
                not adds
                or len(inside) != len(adds)
                or not all(isinstance(a.op, ast.Add) and _is_str(a.value, func, ctx) for a in adds)
                or len(t.stored(func, name)) != 1 + len(adds)
            ):
                continue
            parts = f"_pk_parts_{name}"
            for add in adds:
                owner = t.containing_list(func, add)
                assert owner is not None
                owner[owner.index(add)] = t.stmts(f"{parts}.append({ast.unparse(add.value)})")[0]
            body.insert(body.index(loop) + 1, t.stmts(f"{name} = ''.join({parts})")[0])
            body.insert(body.index(loop), t.stmts(f"{parts} = []")[0])
            fired = True
    return fired


# -------------------------------------------------------------------------------- list.pop(0) → deque
def pop0_deque(func: ast.FunctionDef, ctx: Context) -> bool:
    """A local list used as a FIFO queue (``append``/``pop(0)``/truth/len only) → ``collections.deque``."""
    fired = False
    for stmt in [n for n in ast.walk(func) if isinstance(n, ast.Assign)]:
        if not (len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        if not (isinstance(stmt.value, ast.List) or t.is_call(stmt.value, "list")):
            continue
        name = stmt.targets[0].id
        if len(t.stored(func, name)) != 1:
            continue
        pops = []
        for use in t.name_nodes(func, name):
            if use is stmt.targets[0]:
                continue
            up = t.parent(use)
            grand = t.parent(up) if up is not None else None
            if t.is_method_call(grand, name, "pop", 1):
                assert isinstance(grand, ast.Call)
                arg = grand.args[0]
                if not (isinstance(arg, ast.Constant) and arg.value == 0 and type(arg.value) is int):
                    break
                pops.append(grand)
            elif (
                t.is_method_call(grand, name, "append", 1)
                or t.is_method_call(grand, name, "extend", 1)
                or (isinstance(up, ast.While | ast.If) and up.test is use)
                or (isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not))
                or (isinstance(up, ast.BoolOp) and isinstance(grand, ast.While | ast.If) and grand.test is up)
                or t.is_call(up, "len", 1)
            ):
                continue
            else:
                break
        else:
            if not pops:
                continue
            stmt.value = ast.Call(ast.Name("_pk_deque", ast.Load()), [stmt.value], [])
            for pop in pops:
                pop.func.attr = "popleft"  # type: ignore[attr-defined]
                pop.args = []
            fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from collections import deque as _pk_deque"))
    return fired


# -------------------------------------------------------------------- sum(xs[i:i+k]) → running prefix sums
def window_sums(func: ast.FunctionDef, ctx: Context) -> bool:
    """``sum(xs[i:i + k])`` with ``i`` from a non-negative range → prefix sums, when ``xs`` holds only ints."""
    fired: set[str] = set()
    for call in [n for n in ast.walk(func) if t.is_call(n, "sum", 1)]:
        sliced = call.args[0]  # type: ignore[attr-defined]
        if not (isinstance(sliced, ast.Subscript) and isinstance(sliced.value, ast.Name)):
            continue
        window = sliced.slice
        if not (isinstance(window, ast.Slice) and window.step is None and isinstance(window.lower, ast.Name)):
            continue
        xs, i = sliced.value.id, window.lower.id
        upper = window.upper
        if not (
            isinstance(upper, ast.BinOp)
            and isinstance(upper.op, ast.Add)
            and isinstance(upper.left, ast.Name)
            and upper.left.id == i
            and isinstance(upper.right, ast.Name | ast.Constant)
        ):
            continue
        k = upper.right
        if isinstance(k, ast.Name) and (k.id not in t.params(func) or t.stored(func, k.id)):
            continue
        if xs not in t.params(func) or t.stored(func, xs) or len(t.stored(func, i)) != 1:
            continue
        if not all(_read_only_use(u) for u in t.name_nodes(func, xs)):
            continue  # xs might change, or escape to code that changes it
        loop = t.loop_over(func, call, i)
        if loop is None or not t.is_call(loop.iter, "range"):
            continue
        bounds = loop.iter.args  # type: ignore[attr-defined]
        if len(bounds) > 2 or (
            len(bounds) == 2
            and not (isinstance(bounds[0], ast.Constant) and type(bounds[0].value) is int and bounds[0].value >= 0)
        ):
            continue
        pre, ks = f"_pk_pre_{xs}", ast.unparse(k)
        replacement = t.expr(
            f"({pre}[min({i} + {ks}, len({pre}) - 1)] - {pre}[min({i}, len({pre}) - 1)] "
            f"if {pre} is not None and type({ks}) is int and {ks} >= 0 else sum({xs}[{i}:{i} + {ks}]))"
        )
        holder = t.parent(call)
        assert holder is not None
        for field, value in ast.iter_fields(holder):
            if value is call:
                setattr(holder, field, replacement)
            elif isinstance(value, list) and any(v is call for v in value):
                value[[id(v) for v in value].index(id(call))] = replacement
        if xs not in fired:
            setup = (
                f"{pre} = None\n"
                f"if type({xs}) in (list, tuple) and all(type(_pk_v) is int for _pk_v in {xs}):\n"
                f"    {pre} = [0]\n"
                f"    for _pk_v in {xs}:\n"
                f"        {pre}.append({pre}[-1] + _pk_v)\n"
            )
            t.insert_at_start(func, t.stmts(setup))
            fired.add(xs)
    return bool(fired)


def _read_only_use(use: ast.Name) -> bool:
    """``xs[...]``, ``len(xs)`` or ``for v in xs``: uses that cannot change ``xs``."""
    up = t.parent(use)
    if isinstance(up, ast.Subscript) and up.value is use:
        return isinstance(up.ctx, ast.Load)
    return t.is_call(up, "len", 1) or (isinstance(up, ast.For) and up.iter is use)


# ----------------------------------------------------------------------- manual counting → Counter
def counting_dict(func: ast.FunctionDef, ctx: Context) -> bool:
    """``d = {}`` then ``for w in it: if w in d: d[w] += 1 else: d[w] = 1`` → ``d = dict(Counter(it))``."""
    fired = False
    for body in list(t.statement_lists(func)):
        for position, stmt in enumerate(list(body[:-1])):
            loop = body[position + 1]
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Dict)
                and not stmt.value.keys
                and isinstance(loop, ast.For)
                and isinstance(loop.target, ast.Name)
                and not loop.orelse
                and len(loop.body) == 1
            ):
                continue
            d, w = stmt.targets[0].id, loop.target.id
            if not _counts(loop.body[0], d, w) or t.name_nodes(loop.iter, d) or t.name_nodes(loop.iter, w):
                continue
            if len(t.name_nodes(func, w)) != len(t.name_nodes(loop, w)) - len(t.name_nodes(loop.iter, w)):
                continue  # the loop variable is read after the loop
            body[position + 1] = t.stmts(f"{d} = dict(_pk_Counter({ast.unparse(loop.iter)}))")[0]
            fired = True
    if fired:
        t.insert_at_start(func, t.stmts("from collections import Counter as _pk_Counter"))
    return fired


def _counts(stmt: ast.stmt, d: str, w: str) -> bool:
    """Whether ``stmt`` adds one to ``d[w]`` (if/else on membership, or ``d.get(w, 0) + 1``)."""
    text = ast.unparse(stmt)
    return text in {
        f"if {w} in {d}:\n    {d}[{w}] += 1\nelse:\n    {d}[{w}] = 1",
        f"if {w} not in {d}:\n    {d}[{w}] = 1\nelse:\n    {d}[{w}] += 1",
        f"{d}[{w}] = {d}.get({w}, 0) + 1",
    }


# ------------------------------------------------------------------------- trial division → sieve
_BOUNDS = ("{k}", "int({k} ** 0.5) + 1", "int(math.sqrt({k})) + 1", "math.isqrt({k}) + 1", "isqrt({k}) + 1")


def trial_division(func: ast.FunctionDef, ctx: Context) -> bool:
    """A primality flag by trial division of ``k`` from ``range(A, B)``, ``A >= 0`` → a sieve of size ``B``."""
    fired = 0
    for loop in [n for n in ast.walk(func) if isinstance(n, ast.For)]:
        if not (isinstance(loop.target, ast.Name) and t.is_call(loop.iter, "range", 2)):
            continue
        start, stop = loop.iter.args  # type: ignore[attr-defined]
        k = loop.target.id
        if not (isinstance(start, ast.Constant) and type(start.value) is int and start.value >= 0):
            continue
        if len(t.stored(func, k)) != 1:
            continue
        for position, stmt in enumerate(loop.body[:-1]):
            inner = loop.body[position + 1]
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant)
                and stmt.value.value is True
                and isinstance(inner, ast.For)
                and isinstance(inner.target, ast.Name)
                and not inner.orelse
            ):
                continue
            flag, d = stmt.targets[0].id, inner.target.id
            allowed = {f"range(2, {b.format(k=k)})" for b in _BOUNDS}
            body = f"if {k} % {d} == 0:\n    {flag} = False\n    break"
            if ast.unparse(inner.iter) not in allowed or "\n".join(ast.unparse(s) for s in inner.body) != body:
                continue
            if len(t.name_nodes(func, d)) != 2:  # the loop target and its use in the test
                continue
            sieve = f"_pk_sieve{fired}"
            loop.body[position : position + 2] = t.stmts(f"{flag} = bool({sieve}[{k}])")
            setup = (
                f"_pk_stop{fired} = {ast.unparse(stop)}\n"
                f"{sieve} = bytearray([1]) * max(_pk_stop{fired}, 2)\n"
                f"for _pk_p in range(2, int(len({sieve}) ** 0.5) + 1):\n"
                f"    if {sieve}[_pk_p]:\n"
                f"        {sieve}[_pk_p * _pk_p::_pk_p] = bytes(len(range(_pk_p * _pk_p, len({sieve}), _pk_p)))\n"
            )
            owner = t.containing_list(func, loop)
            assert owner is not None
            owner[owner.index(loop) : owner.index(loop)] = t.stmts(setup)
            loop.iter.args[1] = ast.Name(f"_pk_stop{fired}", ast.Load())  # type: ignore[attr-defined]
            fired += 1
            break
    return bool(fired)


# ------------------------------------------------------------- pure tree recursion → per-call memo
_MEMO_KEYS = frozenset({"int", "bool", "str", "bytes", "NoneType"})  # not float: 0.0 == -0.0 as keys
_PURE_BUILTINS = frozenset({"abs", "min", "max", "len", "int", "float", "divmod", "pow", "round", "range", "sum"})


def memoize_recursion(func: ast.FunctionDef, ctx: Context) -> bool:
    """A pure function of hashable scalars that calls itself twice or more → memo of results within one call.

    Pure: it reads only its parameters, its locals, constants and a few pure builtins, stores into no object
    and calls nothing else. The memo lives for one top-level call (no state between calls) and keys on the
    argument types too, so ``f(True)`` and ``f(1)`` stay apart.
    """
    a = func.args
    names = t.params(func)
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults or func.decorator_list or not names:
        return False
    if not all(ctx.arg_types.get(p) and ctx.arg_types[p] <= _MEMO_KEYS for p in names):
        return False
    local = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | set(names)
    self_calls = 0
    for node in ast.walk(func):
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await | ast.Global | ast.Nonlocal | ast.Lambda):
            return False
        if isinstance(node, ast.Attribute | ast.Starred) or (
            isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load)
        ):
            return False
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords:
                return False
            if node.func.id == func.name:
                if len(node.args) != len(names):
                    return False
                self_calls += 1
            elif node.func.id not in _PURE_BUILTINS or node.func.id in local:
                return False
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id not in local | {func.name} | _PURE_BUILTINS
        ):
            return False
    if self_calls < 2:
        return False
    inner, raw = f"_pk_memo_{func.name}", f"_pk_raw_{func.name}"
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == func.name:
            node.func.id = inner
    params = ", ".join(names)
    key = "(" + ", ".join(f"type({p}), {p}" for p in names) + ")"
    body = "\n".join(ast.unparse(s) for s in func.body)
    code = (
        "_pk_memo = {}\n\n"
        f"def {inner}({params}):\n"
        f"    _pk_key = {key}\n"
        "    if _pk_key in _pk_memo:\n        return _pk_memo[_pk_key]\n"
        f"    _pk_value = {raw}({params})\n"
        "    _pk_memo[_pk_key] = _pk_value\n    return _pk_value\n\n"
        f"def {raw}({params}):\n" + "\n".join("    " + line for line in body.splitlines()) + "\n"
        f"return {raw}({params})\n"
    )
    func.body = t.stmts(code)
    return True


RULES: tuple[Rule, ...] = (
    Rule("membership-local-list", membership_local_list, "membership test on a growing list → shadow set"),
    Rule("membership-param-list", membership_param_list, "membership test on a list argument → set made once"),
    Rule("string-join", string_join, "string built by += in a loop → list of pieces and ''.join"),
    Rule("pop0-deque", pop0_deque, "list.pop(0) queue → collections.deque.popleft"),
    Rule("window-sums", window_sums, "sum over a sliding slice → prefix sums (int elements)"),
    Rule("counting-dict", counting_dict, "manual counting dict → collections.Counter"),
    Rule("trial-division", trial_division, "primality by trial division in a loop → sieve"),
    Rule("memoize-recursion", memoize_recursion, "pure function recursing twice or more → memo within one call"),
)


def apply_rules(source: str, name: str, context: Context, rules: tuple[Rule, ...] = RULES) -> tuple[str, list[str]]:
    """Apply ``rules`` one after another to ``def name`` in ``source``: (new source, names of the fired rules)."""
    parsed = t.parse_function(source, name)
    if parsed is None:
        return source, []
    _, func = parsed
    if t.has_nested_scopes(func):
        return source, []
    fired = []
    for rule in rules:
        trial = copy.deepcopy(func)
        t.link_parents(trial)
        if rule.apply(trial, context):
            func = trial
            fired.append(rule.name)
    if not fired:
        return source, []
    return ast.unparse(ast.fix_missing_locations(func)) + "\n", fired


class RewriteProposer:
    """Offers the function with every rule that fires applied, then with each fired rule alone."""

    name = "rewrite"

    def __init__(self, *, rules: tuple[Rule, ...] = RULES) -> None:
        self.rules = rules

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """Up to ``n`` candidates; none after the first round (the rules are deterministic)."""
        if context.round > 1:
            return []
        combined, fired = apply_rules(context.source, context.name, context, self.rules)
        if not fired:
            return []
        out = [Candidate(combined, self.name, "rules: " + ", ".join(fired))]
        if len(fired) > 1:
            for rule in self.rules:
                if rule.name in fired:
                    single, did = apply_rules(context.source, context.name, context, (rule,))
                    if did:
                        out.append(Candidate(single, self.name, f"rule: {rule.name}"))
        return out[:n]
