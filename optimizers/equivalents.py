"""The library-equivalents proposer: a function that re-implements what Python already does in C.

Everyday code carries its own bubble sorts, gcds, factorials, permutation generators and order-keeping
de-duplications. Each is offered, whole, as the library call that does the same thing: ``sorted(xs)``,
``math.gcd(a, b)``, ``yield from itertools.permutations(items, r)``, ``list(dict.fromkeys(xs))``. Whether it
*is* the same thing is never assumed: the candidate goes through the verifier like any other, on hundreds of
inputs widened beyond the observed ones (negatives, duplicates, empty, unicode), where a gcd that keeps the sign
or a sort that is not stable is rejected. Where the library refuses an input the original accepts or refuses
differently (``math.factorial(-1)`` raises, a loop returns 1; ``pow(a, -1, m)`` raises ValueError, an extended
Euclid asserts), the candidate hands the call to a nested copy of the original, so only the inputs the library
answers have to agree; this holds for entries that change nothing in place.

Which equivalents are tried is a search prior, not a proof: the catalogue entry must fit the function's
parameters (their number, and the types observed for them) and its observed result type, and one of the entry's
word stems must appear in the function's name or docstring, or its body must show the entry's shape (swapping two
items of a list, for the sorts). At most three candidates a round, best first.
"""

from __future__ import annotations

import ast
import copy
import itertools
import re
from dataclasses import dataclass

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._iterators import MARK
from perfkit.optimizers._types import Candidate, Context
from perfkit.optimizers._unexplored import handoff, is_generator

__all__ = ["CATALOGUE", "Equivalent", "EquivalentsProposer", "candidates_for"]

_INTS = frozenset({"int", "bool"})
_LISTS = ("list[",)
_SEQUENCES = ("list[", "tuple[", "str")


@dataclass(frozen=True)
class Equivalent:
    """One library equivalent: ``body`` (``{0}``, ``{1}``... are the parameters, in order) for functions with
    exactly ``len(kinds)`` parameters of those ``kinds`` ("int", "list", "seq", "any") whose observed results
    are of ``result`` kinds ("int", "bool", "list", "none", "iter", "any"); ``stems``: words that suggest it."""

    name: str
    stems: tuple[str, ...]
    kinds: tuple[str, ...]
    result: str
    body: str
    shape: str = ""  # a structural hint that counts like a stem ("swap": two items of a parameter swapped)
    domain: str = ""  # where the library call is tried at all (else the original runs): "{1} > 1"

    @property
    def mutates(self) -> bool:
        """Whether the body changes an argument in place (then an exception it raises is not handed back)."""
        return ".sort()" in self.body or ".reverse()" in self.body


def _e(name: str, stems: str, kinds: str, result: str, body: str, shape: str = "", domain: str = "") -> Equivalent:
    return Equivalent(name, tuple(stems.split()), tuple(kinds.split()), result, body, shape, domain)


_SORTS = "sort bubble insertion selection merge quick heap shell gnome cocktail shaker comb cycle pancake"
_PERMUTATIONS = "import itertools\n{out} itertools.permutations({args})"

CATALOGUE: tuple[Equivalent, ...] = (
    # sorting a list: a new list, in place, or in place and returned
    _e("sorted", _SORTS, "list", "list", "return sorted({0})", "swap"),
    _e("sort in place", _SORTS, "list", "none", "{0}.sort()", "swap"),
    _e("sorted by key", _SORTS, "list any", "list", "return sorted({0}, key={1})", "swap"),
    _e("sort in place, returned", _SORTS, "list", "list", "{0}.sort()\nreturn {0}", "swap"),
    # number theory on ints
    _e("math.gcd", "gcd hcf greatest_common", "int int", "int", "import math\nreturn math.gcd({0}, {1})"),
    _e("math.lcm", "lcm least_common", "int int", "int", "import math\nreturn math.lcm({0}, {1})"),
    _e("math.factorial", "factorial fact", "int", "int", "import math\nreturn math.factorial({0})"),
    _e("math.isqrt", "isqrt sqrt root", "int", "int", "import math\nreturn math.isqrt({0})"),
    _e("math.comb", "comb binom choose ncr", "int int", "int", "import math\nreturn math.comb({0}, {1})"),
    _e("math.perm", "perm npr arrange", "int int", "int", "import math\nreturn math.perm({0}, {1})"),
    _e(
        "pow with modulus",
        "pow power modexp expmod modpow exp_mod mod_exp modular_exp exp",
        "int int int",
        "int",
        "return pow({0}, {1}, {2})",
        domain="{1} >= 0",  # a negative exponent makes pow invert; loops over the exponent's bits never run
    ),
    _e("modular inverse", "inverse inv modinv invmod", "int int", "int", "return pow({0}, -1, {1})", domain="{1} > 1"),
    _e(
        "int.bit_count",
        "popcount bit_count count_ones hamming_weight ones set_bits",
        "int",
        "int",
        "return {0}.bit_count()",
    ),
    _e("int.bit_length", "bit_length bitlength num_bits", "int", "int", "return {0}.bit_length()"),
    # sequences
    _e("slice reversal", "reverse rev", "seq", "any", "return {0}[::-1]"),
    _e("list.reverse", "reverse rev", "list", "none", "{0}.reverse()"),
    _e(
        "order-keeping de-duplication",
        "unique uniq dedup distinct remove_dup",
        "seq",
        "list",
        "return list(dict.fromkeys({0}))",
    ),
    _e("sorted set", "unique uniq dedup distinct remove_dup", "seq", "list", "return sorted(set({0}))"),
    _e("sum", "sum total", "seq", "any", "return sum({0})"),
    _e("max", "max maximum largest biggest greatest", "seq", "any", "return max({0})"),
    _e("min", "min minimum smallest least", "seq", "any", "return min({0})"),
    _e("palindrome test", "palindrom", "seq", "bool", "return {0} == {0}[::-1]"),
    _e("flattening", "flat", "list", "list", "return [y for x in {0} for y in x]"),
    _e("transposition", "transpos", "list", "list", "return [list(row) for row in zip(*{0})]"),
    _e("count", "count occurrence", "seq any", "int", "return {0}.count({1})"),
    _e(
        "index or -1",
        "index find search position locate",
        "seq any",
        "int",
        "return {0}.index({1}) if {1} in {0} else -1",
    ),
    _e("membership", "contain includes member exists", "seq any", "bool", "return {1} in {0}"),
    _e("anagram test", "anagram", "seq seq", "bool", "return sorted({0}) == sorted({1})"),
    _e(
        "running totals",
        "prefix cumulative running accumulat cumsum",
        "seq",
        "list",
        "import itertools\nreturn list(itertools.accumulate({0}))",
    ),
    # iterators over arrangements: the original's own result kind decides the wrapping (see ``_wrapped``)
    _e("itertools.permutations", "permut perms arrangement", "seq", "iter", _PERMUTATIONS),
    _e("itertools.permutations", "permut perms arrangement", "seq any", "iter", _PERMUTATIONS),
    _e(
        "itertools.combinations",
        "combin choose subset",
        "seq int",
        "iter",
        "import itertools\n{out} itertools.combinations({args})",
    ),
    _e(
        "itertools.product", "product cartesian", "seq seq", "iter", "import itertools\n{out} itertools.product({args})"
    ),
)


def candidates_for(context: Context, *, catalogue: tuple[Equivalent, ...] = CATALOGUE) -> list[Candidate]:
    """Every catalogue entry that fits ``context``'s function, as a candidate, best supported first."""
    parsed = t.parse_function(context.source, context.name)
    if parsed is None:
        return []
    _, func = parsed
    names = _plain_params(func)
    if names is None or (names and names[0] in ("self", "cls")):
        return []
    words = _words(func)
    shapes = _shapes(func, names)
    generator = is_generator(func)  # its own yields: a nested generator does not make it one
    results = {kind.removesuffix(MARK) for kind in context.return_types}
    scored: list[tuple[int, int, Candidate]] = []
    for order, entry in enumerate(catalogue):
        if len(entry.kinds) != len(names) or not all(
            _fits(kind, context.arg_types.get(name, frozenset())) for kind, name in zip(entry.kinds, names, strict=True)
        ):
            continue
        hits = sum(any(word.startswith(stem) for word in words) for stem in entry.stems) + (entry.shape in shapes)
        if not hits:
            continue
        fallback = entry.result not in ("iter", "none") and not entry.mutates
        for body in _wrapped(entry, names, results, generator):
            source = _define(func, body, fallback=fallback, domain=entry.domain.format(*names) if fallback else "")
            scored.append((-hits, order, Candidate(source, "equivalent", f"library equivalent: {entry.name}")))
    scored.sort(key=lambda item: item[:2])
    return [candidate for _, _, candidate in scored] + _call_sites(func, context, catalogue)


def _call_sites(func: ast.FunctionDef, context: Context, catalogue: tuple[Equivalent, ...]) -> list[Candidate]:
    """The function with its calls of one module helper replaced by the library expression the helper's name
    suggests (``for vec in permutations(cols)`` → ``itertools.permutations(cols)``): one candidate per helper and
    entry, for helpers defined at the module's top level and never rebound in the function."""
    try:
        module = ast.parse(context.module_source) if context.module_source else None
    except SyntaxError:
        return []
    if module is None:
        return []
    helpers = {node.name: node for node in module.body if isinstance(node, ast.FunctionDef)}
    bound = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    calls: dict[str, list[ast.Call]] = {}
    for node in ast.walk(func):
        called = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None
        if called in helpers and called != func.name and called not in bound and isinstance(node, ast.Call):
            calls.setdefault(called, []).append(node)
    out: list[Candidate] = []
    for name, sites in sorted(calls.items()):
        helper = helpers[name]
        params = _plain_params(helper)
        if params is None or not all(not site.keywords and len(site.args) <= len(params) for site in sites):
            continue
        if any(isinstance(arg, ast.Starred) for site in sites for arg in site.args):
            continue
        words = _words(helper)
        for entry in catalogue:
            # no types are observed for a helper's parameters here, so its shape alone (a swap) is too weak a
            # hint: a name or docstring stem must say what it does (hashids' _reorder swaps, and is no sort)
            hits = sum(any(word.startswith(stem) for word in words) for stem in entry.stems)
            expression = _expression(entry)
            if not hits or expression is None or len(entry.kinds) != len(params):
                continue
            imports, template = expression
            swap = _CallSwap(name, helper, params, template)
            trial = swap.visit(copy.deepcopy(func))
            replaced = swap.replaced
            if replaced != len(sites):
                continue
            trial.body = [*(ast.parse(line).body[0] for line in imports), *trial.body]
            source = ast.unparse(ast.fix_missing_locations(trial)) + "\n"
            out.append(Candidate(source, "equivalent", f"library equivalent at the call: {name} → {entry.name}"))
    return out


class _CallSwap(ast.NodeTransformer):
    """Replaces each call of ``name`` with ``template`` filled with the call's arguments (the helper's defaults
    for the ones it leaves out); ``replaced`` counts them."""

    def __init__(self, name: str, helper: ast.FunctionDef, params: list[str], template: str) -> None:
        self.name, self.helper, self.params, self.template = name, helper, params, template
        self.replaced = 0

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == self.name):
            return node
        given: list[ast.expr] = list(node.args)
        defaults = self.helper.args.defaults
        missing = len(self.params) - len(given)
        if missing > len(defaults):
            return node
        given += defaults[len(defaults) - missing :] if missing else []
        args = [ast.unparse(a) if isinstance(a, ast.Name | ast.Constant) else f"({ast.unparse(a)})" for a in given]
        self.replaced += 1
        return ast.parse(self.template.replace("{args}", ", ".join(args)).format(*args), mode="eval").body


def _expression(entry: Equivalent) -> tuple[list[str], str] | None:
    """An entry's body as imports and one expression (None when it is more than ``return EXPR``)."""
    lines = entry.body.splitlines()
    imports = [line for line in lines if line.startswith("import ")]
    rest = [line for line in lines if not line.startswith("import ")]
    if len(rest) != 1 or not rest[0].startswith(("return ", "{out} ")) or entry.domain:
        return None
    return imports, rest[0].split(" ", 1)[1]


class EquivalentsProposer:
    """Offers library equivalents (:data:`CATALOGUE`) three at a time, until one is accepted."""

    name = "equivalent"

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """The next ``n`` fitting equivalents not offered in earlier rounds; none once one was accepted."""
        if any(f.proposer == self.name and f.verdict == "accepted" for f in context.feedback):
            return []
        return candidates_for(context)[(context.round - 1) * n : context.round * n]


def _plain_params(func: ast.FunctionDef) -> list[str] | None:
    """The positional parameters, or None when there are others (``*args``, keyword-only, ``**kwargs``)."""
    a = func.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
        return None
    return [arg.arg for arg in a.args]


def _words(func: ast.FunctionDef) -> set[str]:
    """Lower-case words of the function's name (snake and camel case split, and joined pairs) and docstring."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", func.name).lower()
    parts = [p for p in spaced.split("_") if p]
    words = set(parts) | {f"{a}_{b}" for a, b in itertools.pairwise(parts)}
    doc = ast.get_docstring(func) or ""
    words |= {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z_]+", doc.split("\n\n")[0])}
    return {w for w in words if len(w) >= 3}


def _shapes(func: ast.FunctionDef, names: list[str]) -> set[str]:
    """Structural hints: "swap" when two items of a parameter are swapped (``xs[i], xs[j] = xs[j], xs[i]``)."""
    found = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Tuple) and len(target.elts) == 2 == len(node.value.elts):
                items = [*target.elts, *node.value.elts]
                owners = {e.value.id for e in items if isinstance(e, ast.Subscript) and isinstance(e.value, ast.Name)}
                if len(owners) == 1 and owners <= set(names) and all(isinstance(e, ast.Subscript) for e in items):
                    found.add("swap")
    return found


def _fits(kind: str, seen: frozenset[str]) -> bool:
    """Whether every type observed for a parameter is of ``kind``."""
    if not seen:
        return False
    if kind == "int":
        return seen <= _INTS
    if kind == "list":
        return all(s.startswith(_LISTS) for s in seen)
    if kind == "seq":
        return all(s.startswith(_SEQUENCES) for s in seen)
    return True


def _wrapped(entry: Equivalent, names: list[str], results: set[str], generator: bool) -> list[str]:
    """The entry's body for this function: its parameters filled in, its result in the original's form."""
    args = ", ".join(names)
    fill = entry.body.replace("{args}", args)
    if entry.result == "iter":
        if generator:
            return [fill.replace("{out} ", "yield from ")]
        if any(r.startswith("list[tuple") for r in results):
            return [fill.replace("{out} ", "return list(") + ")"]
        if any(r.startswith("list[list") for r in results):
            body = fill.replace("{out} ", "return [list(_pk_p) for _pk_p in ") + "]"
            return [body]
        return []
    if generator or not _result_fits(entry.result, results):
        return []
    return [fill.format(*names)]


def _result_fits(kind: str, results: set[str]) -> bool:
    if not results:
        return False
    if kind == "int":
        return results <= {"int"}
    if kind == "bool":
        return results == {"bool"}
    if kind == "list":
        return all(r.startswith("list[") for r in results)
    if kind == "none":
        return results == {"NoneType"}
    return True


def _define(func: ast.FunctionDef, body: str, *, fallback: bool = False, domain: str = "") -> str:
    """``def`` with the function's own name, parameters and defaults, around ``body``. ``fallback``: where the
    library call raises, or outside ``domain`` (an expression of the parameters), a copy of the original runs
    instead (its result or its own exception is the answer)."""
    signature = ast.unparse(func.args)
    if fallback:
        body = "try:\n" + "\n".join("    " + line for line in body.splitlines()) + "\nexcept Exception:\n    pass"
        if domain:
            body = f"if {domain}:\n" + "\n".join("    " + line for line in body.splitlines())
    indented = "\n".join("    " + line for line in body.splitlines())
    source = f"def {func.name}({signature}):\n{indented}\n"
    if not fallback:
        return source
    tree = ast.parse(source)
    defined = tree.body[0]
    assert isinstance(defined, ast.FunctionDef)
    defined.body += handoff(func, generator=False)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"
