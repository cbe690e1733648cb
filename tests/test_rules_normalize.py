"""The normalisation pass: each canonical form on several spellings of unannotated functions, the normalised
function checked in the sandboxed verifier against the original, and the guards that keep a step away."""

from __future__ import annotations

# ruff: noqa: E713, E714, SIM118, RUF005, UP031  (the spellings under test)
import ast
import inspect
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._code import CodeRef, bound_types
from perfkit.optimizers._types import Context
from perfkit.optimizers.rewrite import apply_rules
from perfkit.optimizers.rules._normalize import STEPS, normalize
from perfkit.optimizers.verify import verify

NUMS = [(i * 7919) % 1000 - 500 for i in range(20_000)]
WORDS = [f"w{(i * 31) % 700}" for i in range(20_000)]


def normalised(func: Callable[..., Any], observed: list[tuple]) -> tuple[str, list[str]]:
    """``func`` after the pass, with the argument types of ``observed`` calls, and the steps that changed it."""
    source = textwrap.dedent(inspect.getsource(func))
    types = {k: frozenset(v) for k, v in bound_types(func, [(a, {}) for a in observed]).items()}
    ctx = Context(
        name=func.__name__,
        source=source,
        module_name=func.__module__,
        module_source=inspect.getsource(sys.modules[func.__module__]),
        params=tuple(types),
        arg_types=types,
    )
    tree = ast.parse(source).body[0]
    assert isinstance(tree, ast.FunctionDef)
    t.link_parents(tree)
    steps = [s.name for s in normalize(tree, ctx)]
    return ast.unparse(tree) + "\n", steps


def check(func: Callable[..., Any], observed: list[tuple], wide: list[tuple], step: str) -> str:
    new, steps = normalised(func, observed)
    assert step in steps, (func.__name__, steps, new)
    inputs = [(tuple(a), {}) for a in observed + wide]
    verdict = verify(CodeRef(func.__module__, func.__name__), CodeRef(func.__module__, func.__name__, new), inputs)
    assert verdict.ok, (func.__name__, verdict.reason, new)
    return new


# --- not x in y ---------------------------------------------------------------------------------------------


def negated_in(xs, ys):
    return [x for x in xs if not x in ys]


def negated_is(xs):
    return sum(1 for x in xs if not x is None)


def negated_in_while(xs, stop):
    i = 0
    while i < len(xs) and not xs[i] in stop:
        i += 1
    return i


def test_not_in() -> None:
    assert "x not in ys" in check(negated_in, [(NUMS[:20], NUMS[:5])], [([], "ab"), ([[1]], [[1]])], "not-in")
    assert "x is not None" in check(negated_is, [([1, None],)], [([],), (NUMS,)], "not-in")
    new = check(negated_in_while, [(NUMS[:20], {3})], [([], set()), ("abc", "c")], "not-in")
    assert "xs[i] not in stop" in new


# --- x in d.keys(), for k in d.keys() -----------------------------------------------------------------------


def keys_of_local(words):
    counts = {}
    for w in words:
        if w in counts.keys():
            counts[w] += 1
        else:
            counts[w] = 1
    return counts


def keys_of_argument(d, probes):
    return [p for p in probes if p not in d.keys()]


def loop_over_keys(words):
    first = dict()
    for i, w in enumerate(words):
        first.setdefault(w, i)
    return [k for k in first.keys()] + [k for k in sorted(first.keys())]


class Mapping:
    def __init__(self, keys):
        self._keys = list(keys)

    def keys(self):
        return self._keys


def test_dict_keys() -> None:
    new = check(keys_of_local, [(WORDS[:30],)], [([],), (WORDS,)], "dict-keys")
    assert "w in counts:" in new
    new = check(keys_of_argument, [({1: 2}, [1, 3])], [({}, []), (Mapping([1]), [1, 2]), ({"a": 1}, "ab")], "dict-keys")
    assert "type(d) is dict" in new  # another mapping keeps its own keys()
    assert "in first]" in check(loop_over_keys, [(WORDS[:30],)], [([],), (WORDS,)], "dict-keys")
    # the counting rule now sees its pattern
    assert "counting-dict" in apply_rules_to(keys_of_local, [(WORDS[:30],)])


def apply_rules_to(func: Callable[..., Any], observed: list[tuple]) -> list[str]:
    from .test_optimizers_rewrite import rewrite_real

    return rewrite_real(func, observed)[1]


def keys_of_unknown(m, probes):
    return [p for p in probes if p in m.keys()]


def test_dict_keys_stays_away_from_values_not_seen_as_dicts() -> None:
    assert "dict-keys" not in normalised(keys_of_unknown, [(Mapping([1]), [1])])[1]


# --- xs.count(x) compared with 0 ----------------------------------------------------------------------------


def count_positive(xs, ys):
    return [y for y in ys if xs.count(y) > 0]


def count_zero(text, letters):
    out = []
    for ch in letters:
        if text.count(ch) == 0:
            out.append(ch)
    return out


def count_truth(xs, ys):
    n = 0
    for y in ys:
        if not xs.count(y):
            n += 1
        elif xs.count(y) >= 1 and y:
            n += 2
    return n


def test_count_membership() -> None:
    check(
        count_positive,
        [(NUMS[:50], NUMS[:20])],
        [([], []), ([1.0], [1, True]), (NUMS[:4000], NUMS[:4000])],
        "count-membership",
    )
    check(count_zero, [("hello", "abcl")], [("", ""), ("aaa", "a"), ("x" * 9000, "xyz")], "count-membership")
    new = check(count_truth, [(NUMS[:50], NUMS[:20])], [([], [0]), (NUMS[:3000], NUMS[:3000])], "count-membership")
    assert ".count(" not in new


def count_objects(xs, ys):
    return [y for y in ys if xs.count(y) > 0]


def count_other(xs, y):
    return xs.count(y) > 1


def test_count_membership_needs_scalars_and_a_comparison_with_zero() -> None:
    assert "count-membership" not in normalised(count_objects, [([[1]], [[1]])])[1]
    assert "count-membership" not in normalised(count_other, [([1], 1)])[1]


# --- s = s + a + b → s += a + b -----------------------------------------------------------------------------


def lines(rows):
    out = ""
    for name, x in rows:
        out = out + name + ": " + str(x) + "\n"
    return out


def csv_row(cells):
    s = "id"
    for c in cells:
        s = s + "," + c.strip()
    return s


def padded(words, width):
    text = f"{width}:"
    for w in words:
        text = text + w.ljust(width) + "|"
        if len(text) > 10 * width:
            text = text + "\n"
    return text


def test_str_concat() -> None:
    rows = [(f"k{i}", i) for i in range(20_000)]
    check(lines, [(rows[:30],)], [([],), ([("é", -1.5)],), ([(1, 2)],), (rows,)], "str-concat")
    check(csv_row, [(WORDS[:30],)], [([],), ([" a "],), ([1],), (WORDS,)], "str-concat")
    new = check(padded, [(WORDS[:30], 5)], [([], 0), (["a"], -1), (WORDS, 3)], "str-concat")
    assert "text = text +" not in new


def fstring_self(rows):
    s = ""
    for k, v in rows:
        s = f"{s}{k}={v!r};"
    return s


def join_self(words):
    s = "["
    for w in words:
        s = "".join([s, w, ","])
    return s


def percent_self(words):
    s = ""
    for w in words:
        s = "%s%s;%%" % (s, w)
    return s


def fstring_converted(rows):
    s = ""
    for k, _ in rows:
        s = f"{s!r}{k}"
    return s


def test_str_concat_in_f_strings_and_joins() -> None:
    rows = [(f"k{i}", i) for i in range(20_000)]
    new = check(fstring_self, [(rows[:30],)], [([],), ([("é", None)],), (rows,)], "str-concat")
    assert "s += f'{k}={v!r};'" in new
    new = check(join_self, [(WORDS[:30],)], [([],), ([1],), (WORDS,)], "str-concat")
    assert "s += ''.join([w, ','])" in new
    new = check(percent_self, [(WORDS[:30],)], [([],), ([1, None],), (WORDS,)], "str-concat")
    assert "s += '%s;%%' % (w,)" in new
    assert "str-concat" not in normalised(fstring_converted, [(rows[:3],)])[1]  # f"{s!r}" is not s


def concat_list(xs):
    acc = [0]
    for x in xs:
        acc = acc + [x] + [x]
    return acc


def concat_radd(xs, start):
    s = ""
    for x in xs:
        s = s + start + x
    return s


def test_str_concat_needs_a_str_local_and_str_pieces() -> None:
    assert "str-concat" not in normalised(concat_list, [([1],)])[1]
    assert "str-concat" not in normalised(concat_radd, [([1], "a")])[1]  # x is an int: s + start + x raises there


# --- for i in range(len(xs)) --------------------------------------------------------------------------------


def index_only(xs):
    total = 0
    for i in range(len(xs)):
        total += xs[i] * xs[i]
    return total


def index_and_position(words):
    out = []
    for i in range(0, len(words)):
        if words[i].startswith("w1"):
            out.append((i, words[i]))
    return out, i if words else None


def index_of_local(n):
    squares = [k * k for k in range(n)]
    best = 0
    for j in range(len(squares)):
        if squares[j] % 7 == 1:
            best = max(best, squares[j])
    return best


def test_range_len() -> None:
    new = check(index_only, [(NUMS[:30],)], [([],), ((1, 2),), ({0: 3, 1: -2},), ({1: 1},), (NUMS,)], "range-len")
    assert "for _pk_xs_item in xs if type(xs) in (list, tuple, str) else" in new  # a dict is indexed as before
    new = check(index_and_position, [(WORDS[:30],)], [([],), (["w1"],), (WORDS,)], "range-len")
    assert "enumerate(words if type(words) in (list, tuple, str)" in new
    check(index_of_local, [(30,)], [(0,), (-2,), (5000,)], "range-len")


def index_written(xs):
    for i in range(len(xs)):
        xs[i] = xs[i] + 1
    return xs


def index_shifted(xs):
    return [xs[i] - xs[i - 1] for i in range(1, len(xs))]


def index_and_call(xs, f):
    total = 0
    for i in range(len(xs)):
        total += f(xs[i])
    return total


def test_range_len_needs_an_unchanged_list_indexed_by_the_loop_variable() -> None:
    assert "range-len" not in normalised(index_written, [([1],)])[1]
    assert "range-len" not in normalised(index_shifted, [([1],)])[1]
    assert "range-len" not in normalised(index_and_call, [([1], abs)])[1]  # f may change xs


def test_every_step_has_a_name_and_a_summary_and_normalisation_alone_is_no_candidate() -> None:
    assert len({s.name for s in STEPS}) == len(STEPS) and all(s.summary for s in STEPS)
    assert apply_rules_to(negated_is, [([1, None],)]) == []  # not-in alone is no speedup: nothing offered
    source = textwrap.dedent(inspect.getsource(index_only))
    ctx = Context(name="index_only", source=source, module_name=__name__, arg_types={"xs": frozenset({"list[int]"})})
    assert apply_rules(source, "index_only", ctx) == (source, [])


def one_piece(words):
    s = b""
    for w in words:
        s = s + w
    return s


def test_one_piece_is_normalised_but_is_no_speedup_by_itself() -> None:
    new, steps = normalised(one_piece, [([b"a"],)])
    assert steps == ["self-add"] and "s += w" in new
    assert apply_rules_to(one_piece, [([b"a"],)]) == ["string-join"]  # bytes: the join rule takes it from there
