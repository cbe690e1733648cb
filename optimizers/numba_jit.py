"""The numba proposer: a ``numba.njit`` copy of a numeric function behind a boundary that keeps its signature.

It fires for functions whose arguments (as seen in the inputs) are ints, floats, bools, lists or tuples of ints or
floats, and strings used only as characters to compare (see :func:`text_params`), and whose results are one scalar
type or a list of numbers. The wrapper converts lists to numpy arrays (float64 when every element is a float,
int64 when every element is a small int) and strings to arrays of code points; after the call it writes the arrays
back into the caller's lists (the original may sort in place) and returns the caller's own list when the kernel
returned its array. Any other input, and ints large enough to overflow 64 bits, go to a renamed copy of the
original. Before offering it, the proposer compiles the candidate on sample inputs in a child process and drops
it when numba cannot compile it.
"""

from __future__ import annotations

import ast
import textwrap
from typing import Any

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._types import Candidate, Context

_SCALARS = {"int", "float", "bool"}
_LISTS = {"list[int]", "list[float]", "tuple[int]", "tuple[float]", "list[]", "tuple[]"}
_LIST_RESULTS = {"list[int]", "list[float]", "list[]"}
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_INT_LIMIT = 2**20  # elements; scalars may reach 2**31 (keeps sums and products of a few inside int64)
_COMPILE_TIMEOUT = 120.0


def numeric_kinds(context: Context) -> dict[str, str] | None:
    """``{param: "scalar" | "array" | "text"}`` when every parameter has numba-friendly seen types, else None."""
    kinds = {}
    texts = text_params(context)
    for name in context.params:
        seen = context.arg_types.get(name, frozenset())
        if not seen:
            return None
        if seen <= _SCALARS:
            kinds[name] = "scalar"
        elif seen <= _LISTS | {"list[float | int]", "list[int | float]"}:
            kinds[name] = "array"
        elif seen == {"str"} and name in texts:
            kinds[name] = "text"
        else:
            return None
    if result_kind(context) is None:
        return None
    return kinds


def result_kind(context: Context) -> str | None:
    """``"scalar"`` (one scalar type), ``"list"`` (lists of numbers), or None when numba cannot return it."""
    if len(context.return_types) == 1 and context.return_types <= _SCALARS:
        return "scalar"
    if context.return_types and context.return_types <= _LIST_RESULTS and context.return_types != {"list[]"}:
        return "list"
    return None


def text_params(context: Context) -> set[str]:
    """The parameters a string may be passed to as an array of code points without changing what the function does.

    That holds when the body has no string constants and uses the parameter only as ``len(p)`` and ``p[i]``
    (no slices), where each ``p[i]`` is compared (``==``, ``<``, ...) only with other such characters: a code point
    compares with a code point exactly as a one-character string with another.
    """
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        return set()
    _, func = parsed
    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    nodes = [node for stmt in body for node in ast.walk(stmt)]
    if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in nodes):
        return set()
    parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
    names = {a.arg for a in func.args.args}
    chars = {
        id(n)
        for n in nodes
        if isinstance(n, ast.Subscript)
        and isinstance(n.value, ast.Name)
        and n.value.id in names
        and not isinstance(n.slice, ast.Slice)
    }
    ok = set(names)
    for node in nodes:
        if not (isinstance(node, ast.Name) and node.id in names):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Call) and t.is_call(parent, "len", 1) and parent.args[0] is node:
            continue
        if isinstance(parent, ast.Subscript) and id(parent) in chars and parent.value is node:
            compare = parents.get(id(parent))
            if (
                isinstance(compare, ast.Compare)
                and all(isinstance(op, _COMPARISONS) for op in compare.ops)
                and all(id(side) in chars for side in [compare.left, *compare.comparators])
            ):
                continue
        ok.discard(node.id)
    return ok


def build_source(context: Context, kinds: dict[str, str]) -> str | None:
    """The candidate: the original renamed (the fallback), its numba kernel (cached on disk when the candidate
    lives in a file), and the typed boundary."""
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        return None
    _, func = parsed
    a = func.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults or t.has_nested_scopes(func):
        return None
    if any(isinstance(n, ast.Yield | ast.YieldFrom | ast.Try | ast.With) for n in ast.walk(func)):
        return None
    func.decorator_list = []
    func.returns = None
    for arg in a.args:
        arg.annotation = None
    body = "\n".join(ast.unparse(s) for s in func.body)
    params = ", ".join(context.params)
    kernel, fallback = f"_pk_jit_{context.name}", f"_pk_py_{context.name}"
    lines = [
        "import numba as _pk_numba",
        "import numpy as _pk_np",
        "",
        "",
        f"def {fallback}({params}):",
        textwrap.indent(body, "    "),
        "",
        "",
        "try:  # numba keeps the machine code beside the module, so later runs of the program do not compile again",
        f"    {kernel} = _pk_numba.njit(cache=True)({fallback})",
        "except RuntimeError:  # no file to keep it beside (the source was run from a string)",
        f"    {kernel} = _pk_numba.njit({fallback})",
        "",
        "",
        f"def {context.name}({params}):",
    ]
    converted = []
    for name, kind in kinds.items():
        lines += _boundary(name, kind, fallback, params)
        converted.append(name if kind == "scalar" else f"_pk_{name}")
    lines.append(f"    _pk_result = {kernel}({', '.join(converted)})")
    lists = [name for name, kind in kinds.items() if kind == "array"]
    for name in [n for n in lists if _stores_into(func, n)]:  # the original changes this list in place
        lines += [f"    if type({name}) is list:", f"        {name}[:] = _pk_{name}.tolist()"]
    if result_kind(context) == "scalar":
        lines.append(f"    return {next(iter(context.return_types))}(_pk_result)")
    else:
        for name in lists:  # the kernel returned the caller's list, sorted or changed in place
            lines += [
                f"    if type({name}) is list and isinstance(_pk_result, _pk_np.ndarray) and "
                f"_pk_np.shares_memory(_pk_result, _pk_{name}):",
                f"        return {name}",
            ]
        lines.append("    return _pk_result.tolist() if isinstance(_pk_result, _pk_np.ndarray) else list(_pk_result)")
    return "\n".join(lines) + "\n"


def _stores_into(func: ast.FunctionDef, name: str) -> bool:
    """Whether the body assigns to ``name[...]``."""
    return any(
        isinstance(n, ast.Subscript)
        and isinstance(n.ctx, ast.Store)
        and isinstance(n.value, ast.Name)
        and n.value.id == name
        for n in ast.walk(func)
    )


def _boundary(name: str, kind: str, fallback: str, params: str) -> list[str]:
    """The wrapper's lines that check and convert one argument, or hand the call to the fallback."""
    if kind == "scalar":
        return [
            f"    if type({name}) is int and not -{2**31} <= {name} <= {2**31}:",
            f"        return {fallback}({params})",
        ]
    if kind == "text":
        return [
            f"    if type({name}) is not str:",
            f"        return {fallback}({params})",
            f"    _pk_{name} = _pk_np.frombuffer({name}.encode('utf-32-le', 'surrogatepass'), dtype=_pk_np.uint32)",
        ]
    return [
        f"    if type({name}) not in (list, tuple) or len({name}) > {_INT_LIMIT}:",
        f"        return {fallback}({params})",
        f"    if all(type(_pk_v) is float for _pk_v in {name}):",
        f"        _pk_{name} = _pk_np.array({name}, dtype=_pk_np.float64)",
        f"    elif all(type(_pk_v) is int and -{_INT_LIMIT} <= _pk_v <= {_INT_LIMIT} for _pk_v in {name}):",
        f"        _pk_{name} = _pk_np.array({name}, dtype=_pk_np.int64)",
        "    else:",
        f"        return {fallback}({params})",
    ]


class NumbaProposer:
    """One ``numba.njit`` candidate for numeric functions, compiled on sample inputs before it is offered."""

    name = "numba"

    def __init__(self, *, check_compile: bool = True) -> None:
        self.check_compile = check_compile
        self.rejections: list[str] = []

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """The jitted candidate, or nothing (the reason lands in ``self.rejections``)."""
        if context.round > 1 or n < 1:
            return []
        kinds = numeric_kinds(context)
        if kinds is None:
            self.rejections.append(f"{context.name}: arguments or result are not numba-friendly numbers")
            return []
        source = build_source(context, kinds)
        if source is None:
            self.rejections.append(f"{context.name}: unsupported function shape (varargs, defaults, try, closures)")
            return []
        if self.check_compile:
            problem = compile_check(CodeRef(context.module_name, context.name, source), context)
            if problem:
                self.rejections.append(f"{context.name}: {problem}")
                return []
        return [Candidate(source, self.name, "numba.njit kernel with list/str→array boundary")]


def compile_check(candidate: CodeRef, context: Context) -> str | None:
    """Compile and run ``candidate`` on the sample inputs in a child; the problem, or None when numba took them."""
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    samples = list(context.sample_inputs[:2])
    try:
        with Child("perfkit.optimizers.numba_jit:_compile_child", {"ref": candidate, "inputs": samples}) as child:
            message = child.recv(timeout=_COMPILE_TIMEOUT)
    except ChildTimeout:
        return "numba did not compile it in time"
    except ChildDied as exc:
        return f"compiling crashed: {exc.describe()}"
    if message["kind"] == "crash":
        return f"numba cannot compile it: {message['type']}: {message['message']}"
    if not message["compiled"]:
        return "numba compiled no version for the sample inputs (they take the fallback)"
    return None


def _compile_child(payload: dict[str, Any], emit: Any) -> None:
    ref: CodeRef = payload["ref"]
    func = ref.load()
    kernel = func.__globals__[f"_pk_jit_{ref.name}"]
    for args, kwargs in payload["inputs"]:
        try:
            func(*args, **kwargs)
        except Exception as exc:
            if type(exc).__module__.startswith("numba"):
                raise
    emit({"kind": "compiled", "compiled": bool(kernel.signatures)})
