"""What the verifier's drawn inputs buy: wrong-but-plausible candidates rejected, correct rewrites accepted.

Pairs of (original, candidate) on functions taken as they are from PyPI packages we did not write (toolz 1.0.0,
inflection 0.5.1, boltons 24.1.0; downloaded with ``pip download --no-deps`` into a folder outside perfkit's
venv) and from ``tests/fixtures/unannotated.py``. Each original gets a few stress inputs of the everyday kind
(what a workload or a fuzz campaign would give). Two settings are compared:

- old: the stress inputs, their extreme-int variants and 60 inputs drawn from the type hints (none without
  hints), order always compared (what perfkit did before observed shapes);
- new: the stress inputs, their extreme-int variants and 300 inputs drawn from the hints and the widened observed
  shapes (``verification_inputs``), with the hash-seed order rule, each candidate guarded as ``optimize_function``
  guards it (``loop_guards``: types no input had, and parameters never varied, go to the original).

Prints, per candidate, each setting's verdict and the new setting's verification time, then the totals.

    python benchmarks/verify_strength.py                 # downloads the packages to /tmp/perfkit-verify-strength
    python benchmarks/verify_strength.py --packages DIR  # wheels (or their unpacked files) already in DIR
    python benchmarks/verify_strength.py --group guards  # never-varied parameters, iterators, equivalents
    python benchmarks/verify_strength.py --group guards --only windowed  # the cases whose module:name match

``--group guards`` measures the three mechanisms that came after observed shapes, on functions taken as they are
from more-itertools 6.0.0, labmath 2.2.0, funcy 1.17 and toolz 1.0.0 (none of them in a corpus part): optional
parameters no input varied (handed to a nested copy of the original), iterator results (drained and compared item
by item) and library-equivalent lookalikes that differ on edge inputs; also every candidate perfkit's own
library-equivalents proposer offers for those functions. For each candidate it prints the old setting's verdict
(no guard, iterators compared as returned), the new setting's (the guard as ``optimize_function`` builds it:
parameters left at None, never passed whatever their default, or always the same named function, and argument
or item types no input had; its item checks left out where the candidate also behaves like the original on
copies with items of other types; drained iterators; the widened inputs)
and an independent check of what the new setting accepted: a separate process that calls the accepted source
(guard included) and the original on 400 inputs of the observed types with wider values and every optional
parameter varied ("wide"), and on 200 inputs of other types the function documents ("foreign": unhashable items,
a single iterable instead of ints), compared with its own code (iterators turned into lists, nested ones too).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import random
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("toolz==1.0.0", "inflection==0.5.1", "boltons==24.1.0")
GUARD_PACKAGES = ("more-itertools==6.0.0", "labmath==2.2.0", "funcy==1.17", "toolz==1.0.0")


@dataclass(frozen=True)
class Case:
    module: str
    name: str
    stress: list[tuple[tuple[Any, ...], dict[str, Any]]]
    wrong: dict[str, str]  # what is wrong -> candidate source
    right: dict[str, str]  # what the rewrite does -> candidate source


def calls(*args_list: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    return [(args, {}) for args in args_list]


def cases() -> list[Case]:
    from tests.fixtures import unannotated as un

    fixtures = un.__name__
    return [
        Case(
            "toolz.itertoolz",
            "frequencies",
            calls(([1, 2, 2, 3],), ([0, 0, 5, 7, 7],), (list(range(10)) * 3,)),
            {
                "set order": "def frequencies(seq):\n    return {k: seq.count(k) for k in set(seq)}\n",
                "sorted keys": "def frequencies(seq):\n    return dict(sorted(collections.Counter(seq).items()))\n",
            },
            {"Counter": "def frequencies(seq):\n    return dict(collections.Counter(seq))\n"},
        ),
        Case(
            "toolz.itertoolz",
            "groupby",
            calls((len, ["a", "bb", "cc", "ddd"]), (len, ["x", "yy"])),
            {
                "sorts the items": "def groupby(key, seq):\n    rv = {}\n    for item in sorted(seq):\n"
                "        rv.setdefault(key(item), []).append(item)\n    return rv\n",
            },
            {
                "setdefault": "def groupby(key, seq):\n    if not callable(key):\n        key = getter(key)\n"
                "    rv = {}\n    for item in seq:\n        rv.setdefault(key(item), []).append(item)\n    return rv\n",
            },
        ),
        Case(
            "toolz.itertoolz",
            "topk",
            calls((2, [5, 1, 9, 3]), (3, [4, 4, 1, 0, 8])),
            {"negative k": "def topk(k, seq, key=None):\n    return tuple(sorted(seq, key=key, reverse=True)[:k])\n"},
            {
                "sorted": "def topk(k, seq, key=None):\n    if k <= 0:\n        return ()\n"
                "    return tuple(sorted(seq, key=key, reverse=True)[:k])\n",
            },
        ),
        Case(
            "inflection",
            "ordinal",
            calls((1,), (2,), (3,), (4,), (22,), (101,)),
            {
                "no teen rule": "def ordinal(number):\n"
                "    return {1: 'st', 2: 'nd', 3: 'rd'}.get(abs(int(number)) % 10, 'th')\n",
                "no abs": "def ordinal(number):\n    n = int(number)\n    if n % 100 in (11, 12, 13):\n"
                "        return 'th'\n"
                "    return {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')\n",
            },
            {
                "table": "def ordinal(number):\n    n = abs(int(number)) % 100\n    if 11 <= n <= 13:\n"
                "        return 'th'\n"
                "    return ('th', 'st', 'nd', 'rd', 'th', 'th', 'th', 'th', 'th', 'th')[n % 10]\n",
            },
        ),
        Case(
            "inflection",
            "underscore",
            calls(("DeviceType",), ("camelCase",), ("simple",), ("already_under",)),
            {
                "character loop": "def underscore(word):\n"
                "    return ''.join('_' + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(word))\n",
            },
            {
                "compiled patterns": "_A = re.compile(r'([A-Z]+)([A-Z][a-z])')\n_B = re.compile(r'([a-z\\d])([A-Z])')\n"
                "def underscore(word):\n    return _B.sub(r'\\1_\\2', _A.sub(r'\\1_\\2', word)).replace('-',"
                " '_').lower()\n",
            },
        ),
        Case(
            "boltons.strutils",
            "camel2under",
            calls(("BasicParseTest",), ("camelCase",), ("simple",)),
            {
                "every capital": "def camel2under(camel_string):\n"
                "    return re.sub(r'(?<!^)([A-Z])', r'_\\1', camel_string).lower()\n",
            },
            {},
        ),
        Case(
            "boltons.mathutils",
            "clamp",
            calls((5, 0, 10), (-3, 0, 10), (2.5, 1.0, 2.0)),
            {
                "no bounds check": "def clamp(x, lower=float('-inf'), upper=float('inf')):\n"
                "    return min(max(x, lower), upper)\n"
            },
            {
                "branches": "def clamp(x, lower=float('-inf'), upper=float('inf')):\n    if upper < lower:\n"
                "        raise ValueError('expected upper bound (%r) >= lower bound (%r)' % (upper, lower))\n"
                "    v = lower if lower > x else x\n    return upper if v > upper else v\n",
            },
        ),
        Case(
            "boltons.iterutils",
            "unique",
            calls(([1, 2, 2, 3],), ([0, 5, 5],)),
            {"set": "def unique(src, key=None):\n    return list(set(src))\n"},
            {
                "dict.fromkeys": "def unique(src, key=None):\n    if key is None:\n"
                "        return list(dict.fromkeys(src))\n"
                "    return list(unique_iter(src, key))\n",
            },
        ),
        Case(
            "boltons.iterutils",
            "chunked",
            calls(([1, 2, 3, 4, 5], 2), (list(range(10)), 3)),
            {
                "slices": "def chunked(src, size, count=None, **kw):\n"
                "    return [src[i:i + size] for i in range(0, len(src), size)]\n"
            },
            {},
        ),
        Case(
            fixtures,
            "distinct_sorted",
            calls(([3, 1, 3, 2],), (list(range(40)) * 3,), ([7, 7, 0, 5],)),
            {"set order": "def distinct_sorted(items):\n    return list(set(items))\n"},
            {"sorted set": "def distinct_sorted(items):\n    return sorted(set(items))\n"},
        ),
        Case(
            fixtures,
            "word_counts",
            calls((["a", "b", "a", "c"],), (["x", "y", "x"],)),
            {
                "drops one": "from collections import Counter\ndef word_counts(words):\n"
                "    return dict(Counter(words[1:]))\n"
            },
            {"Counter": "from collections import Counter\ndef word_counts(words):\n    return dict(Counter(words))\n"},
        ),
        Case(
            fixtures,
            "fold_names",
            calls((["alice", "Bob"],), (["Eve"],)),
            {"lower": "def fold_names(names):\n    return [n.lower() for n in names]\n"},
            {"comprehension": "def fold_names(names):\n    return [n.casefold() for n in names]\n"},
        ),
        Case(
            fixtures,
            "by_length",
            calls((["a", "bb", "ccc"],), (["hello", "hi", "hey there"],)),
            {"reversed sort": "def by_length(words):\n    return sorted(words, key=len, reverse=True)[::-1]\n"},
            {"sorted": "def by_length(words):\n    return sorted(words, key=len)\n"},
        ),
        Case(
            fixtures,
            "mean",
            calls(([1.0, 2.5, 4.0],), ([3.0],)),
            {"empty input": "def mean(values):\n    return sum(values) / len(values)\n"},
            {},
        ),
        Case(
            fixtures,
            "unique_words",
            calls(("the cat sat on the mat",), ("a b c",)),
            {"lowercases": "def unique_words(text):\n    return list(set(text.lower().split()))\n"},
            {"first seen": "def unique_words(text):\n    return list(dict.fromkeys(text.split()))\n"},
        ),
    ]


def old_inputs(func: Any, stress: list[Any]) -> list[Any]:
    """What perfkit verified on before observed shapes: 60 draws from the hints (if any), extremes, stress."""
    from perfkit.optimizers.loop import _examples, _size, extreme_variants

    from perfkit.errors import InvalidArgument
    from perfkit.inputs import arguments_strategy

    try:
        drawn = _examples(arguments_strategy(func, max_size=8), count=60, seed=0)
    except InvalidArgument:
        drawn = []
    return sorted(drawn, key=_size) + extreme_variants(min(stress, key=_size)) + list(stress)


def packages(folder: Path, specs: tuple[str, ...] = PACKAGES + GUARD_PACKAGES) -> None:
    """The wheels of ``specs`` downloaded (those not in ``folder`` yet) and unpacked into ``folder/site``, which
    joins sys.path."""
    folder.mkdir(parents=True, exist_ok=True)
    present = {w.name.lower() for w in folder.glob("*.whl")}
    missing = [
        s for s in specs if not any(n.startswith(s.lower().replace("-", "_").replace("==", "-") + "-") for n in present)
    ]
    if missing:
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), *missing]
        subprocess.run(pip, check=True)
    site = folder / "site"
    for wheel in folder.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
    sys.path.insert(0, str(site))


# --- the guards group: never-varied parameters, drained iterators, library-equivalent lookalikes --------------------

MECHANISMS = ("guard", "iterator", "equivalent")
WIDE, FOREIGN = 400, 200  # inputs of the independent check: observed types widened, and other documented types

Call = tuple[tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True)
class GuardCase(Case):
    """A case of the guards group: which ``mechanism`` it measures, and the independent check's inputs:
    ``wide(rng)`` draws one call of the observed types with wider values and the optional parameters varied;
    ``foreign(rng)`` one call of another type the function documents (None: the function documents none)."""

    mechanism: str = "guard"
    wide: Callable[[random.Random], Call] | None = None
    foreign: Callable[[random.Random], Call] | None = None

    @property
    def key(self) -> str:
        return f"{self.module}:{self.name}"


def _d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _opt(**optional: Any) -> dict[str, Any]:
    """Keyword arguments, leaving out the ones drawn as ``_OMIT`` (the call keeps the default)."""
    return {k: v for k, v in optional.items() if v is not _OMIT}


_OMIT = object()


def _ints(rng: random.Random, n: int, low: int = -50, high: int = 50) -> list[int]:
    return [rng.randint(low, high) for _ in range(n)]


def _some(rng: random.Random, *choices: Any) -> Any:
    return choices[rng.randrange(len(choices))]


def _mixed(rng: random.Random) -> list[Any]:
    """Items a set-based rewrite gets wrong: unhashable lists, and 1 / 1.0 / True beside each other."""
    pool: list[Any] = [[1], [1], [2, 3], 1, 1.0, True, 0, False, "a", (1,), [], None]
    return [_some(rng, *pool) for _ in range(rng.randint(0, 10))]


def guard_cases() -> list[GuardCase]:
    """The guards group, by mechanism. Sources are the candidates as a model or a rule would write them."""
    out: list[GuardCase] = []
    out += _guard_cases()
    out += _iterator_cases()
    out += _equivalent_cases()
    return out


def _guard_cases() -> list[GuardCase]:
    """Optional parameters that the stress inputs leave at their default; the wrong candidate ignores them."""
    return [
        GuardCase(
            "labmath.labmath",
            "polyval",
            calls(([1, 2, 3], 2), (list(range(40)), 3), ([5, -1, 0, 7], -2)),
            {
                "ignores m (None)": _d("""
                    def polyval(f, x, m=None):
                        out = 0
                        for a in reversed(f):
                            out = a + out * x
                        return out
                    """),
            },
            {
                "Horner, both": _d("""
                    def polyval(f, x, m=None):
                        out = 0
                        if m is None:
                            for a in f[::-1]:
                                out = out * x + a
                            return out
                        for a in f[::-1]:
                            out = (out * x + a) % m
                        return out
                    """),
            },
            mechanism="guard",
            wide=lambda r: (
                (_ints(r, r.randint(0, 12)), r.randint(-20, 20)),
                _opt(m=_some(r, _OMIT, r.randint(1, 97))),
            ),
        ),
        GuardCase(
            "labmath.labmath",
            "introot",
            calls((10**6,), (12345678901234,), (99,), (2,)),
            {
                "square root only (r=2)": _d("""
                    def introot(n, r=2):
                        if n < 0:
                            return None
                        return isqrt(n) if n > 1 else n
                    """),
            },
            {
                "math.isqrt for r=2": _d("""
                    import math
                    def introot(n, r=2):
                        if r == 2 and n >= 0:
                            return math.isqrt(n)
                        if n < 0: return None if r%2 == 0 else -introot(-n, r)
                        if n < 2: return n
                        if r == 1: return n
                        lower = upper = 1 << (n.bit_length() // r)
                        while lower ** r >  n: lower >>= 2
                        while upper ** r <= n: upper <<= 2
                        while lower != upper - 1:
                            mid = (lower + upper) // 2
                            m = mid**r
                            if   m == n: return  mid
                            elif m <  n: lower = mid
                            elif m >  n: upper = mid
                        return lower
                    """),
            },
            mechanism="guard",
            wide=lambda r: (
                (_some(r, r.randint(-(10**6), 10**6), r.randint(0, 10**30), r.randint(-5, 5)),),
                _opt(r=_some(r, _OMIT, 1, 2, 3, 4, 5, 7)),
            ),
        ),
        GuardCase(
            "labmath.labmath",
            "totient",
            calls((12,), (97,), (360,), (1001,)),
            {
                "Euler's only (k=1)": _d("""
                    def totient(n, k=1):
                        fac = set(primefac(n))
                        out = n
                        for p in fac:
                            out = out // p * (p - 1)
                        return out
                    """),
            },
            {},
            mechanism="guard",
            wide=lambda r: ((r.randint(1, 5000),), _opt(k=_some(r, _OMIT, 0, 1, 2, 3))),
        ),
        GuardCase(
            "more_itertools.more",
            "sort_together",
            calls(([[4, 3, 2, 1], ["a", "b", "c", "d"]],), ([[3, 1, 2], [0, 1, 0], ["c", "b", "a"]],)),
            {
                "ignores reverse": _d("""
                    def sort_together(iterables, key_list=(0,), reverse=False):
                        return list(zip(*sorted(zip(*iterables), key=itemgetter(*key_list))))
                    """),
            },
            {},
            mechanism="guard",
            wide=lambda r: _sort_together_call(r),
        ),
        GuardCase(
            "toolz.itertoolz",
            "pluck",
            calls((0, [[1, 2], [3, 4]]), (1, [[5, 6, 7], [8, 9]])),
            {
                "ignores default": _d("""
                    def pluck(ind, seqs, default=no_default):
                        return map(operator.itemgetter(ind), seqs)
                    """),
            },
            {},
            mechanism="guard",
            wide=lambda r: (
                (r.randint(-3, 3), [_ints(r, r.randint(0, 4)) for _ in range(r.randint(0, 6))]),
                _opt(default=_some(r, _OMIT, 0, None, "x")),
            ),
        ),
        GuardCase(
            "toolz.itertoolz",
            "groupby",
            calls((len, ["a", "bb", "cc", "ddd"]), (len, ["x", "yy", "zzz", "w"])),
            {
                "hard-codes len": _d("""
                    def groupby(key, seq):
                        rv = {}
                        for item in seq:
                            rv.setdefault(len(item), []).append(item)
                        return rv
                    """),
            },
            {
                "setdefault": _d("""
                    def groupby(key, seq):
                        if not callable(key):
                            key = getter(key)
                        rv = {}
                        for item in seq:
                            rv.setdefault(key(item), []).append(item)
                        return rv
                    """),
            },
            mechanism="guard",
            wide=lambda r: (
                (_some(r, len, str.upper, _first, 0), [_word(r) for _ in range(r.randint(0, 12))]),
                {},
            ),
        ),
        GuardCase(
            "funcy.seqs",
            "distinct",
            calls(([1, 2, 2, 3],), (list(range(30)) * 2,), ([5, 5, 5],)),
            {
                "ignores key (EMPTY)": _d("""
                    def distinct(seq, key=EMPTY):
                        yield from dict.fromkeys(seq)
                    """),
            },
            {
                "lazy, key kept": _d("""
                    def distinct(seq, key=EMPTY):
                        seen = set()
                        add = seen.add
                        if key is EMPTY:
                            for item in seq:
                                if item not in seen:
                                    add(item)
                                    yield item
                            return
                        key = make_func(key)
                        for item in seq:
                            k = key(item)
                            if k not in seen:
                                add(k)
                                yield item
                    """),
            },
            mechanism="guard",
            wide=lambda r: ((_ints(r, r.randint(0, 20), -5, 5),), _opt(key=_some(r, _OMIT, abs, _mod3, str))),
            foreign=lambda r: ((_mixed(r),), {}),
        ),
    ]


def _first(word: str) -> str:
    return word[:1]


def _word(r: random.Random) -> str:
    return "".join(r.choice("abcAB") for _ in range(r.randint(1, 4)))


def _mod3(x: int) -> int:
    return x % 3


def _sort_together_call(r: random.Random) -> Call:
    rows = r.randint(0, 10)
    columns = [_ints(r, rows, -3, 3), [r.choice("abcde") for _ in range(rows)], _ints(r, rows, 0, 2)]
    return (columns,), _opt(key_list=_some(r, _OMIT, (0,), (1,), (2, 0)), reverse=_some(r, _OMIT, True, False))


_WINDOWED_RIGHT = _d("""
    def windowed(seq, n, fillvalue=None, step=1):
        if n < 0:
            raise ValueError('n must be >= 0')
        if n == 0:
            yield tuple()
            return
        if step < 1:
            raise ValueError('step must be >= 1')
        items = tuple(seq)
        size = len(items)
        if size <= n:
            yield items + (fillvalue,) * (n - size)
            return
        start = 0
        for start in range(0, size - n + 1, step):
            yield items[start:start + n]
        after = start + step
        if size - start - n and after < size:
            yield items[after:] + (fillvalue,) * (n - size + after)
    """)


def _windowed_wrong(change: str) -> str:
    """The windowed rewrite with one thing wrong: ``step`` ignored, lists, one window too few, n < 0 swallowed."""
    plain = _d("""
        def windowed(seq, n, fillvalue=None, step=1):
            if n < 0:
                raise ValueError('n must be >= 0')
            if n == 0:
                yield tuple()
                return
            items = tuple(seq)
            if len(items) <= n:
                yield items + (fillvalue,) * (n - len(items))
                return
            for start in range(len(items) - n + 1):
                yield items[start:start + n]
        """)
    if change == "lists":
        return plain.replace("yield items[start:start + n]", "yield list(items[start:start + n])")
    if change == "one too few":
        return plain.replace("range(len(items) - n + 1)", "range(len(items) - n)")
    if change == "swallowed":
        return plain.replace("raise ValueError('n must be >= 0')", "return")
    return plain


def _iterator_cases() -> list[GuardCase]:
    """Generator functions: wrong candidates that differ in order, item type, length or the exception at the end."""
    windowed_wide = lambda r: (  # noqa: E731
        (_ints(r, r.randint(0, 15)), r.randint(-2, 6)),
        _opt(fillvalue=_some(r, _OMIT, 0, "!"), step=_some(r, _OMIT, 0, 1, 2, 3, 5)),
    )
    return [
        GuardCase(
            "more_itertools.more",
            "windowed",
            calls((list(range(10)), 3), ([1, 2, 3, 4, 5], 2), (list(range(40)), 5), ([1, 2], 4)),
            {
                "ignores step": _windowed_wrong("step"),
                "lists, not tuples": _windowed_wrong("lists"),
                "one window too few": _windowed_wrong("one too few"),
                "n < 0 swallowed": _windowed_wrong("swallowed"),
            },
            {"slices of a tuple": _WINDOWED_RIGHT},
            mechanism="iterator",
            wide=windowed_wide,
        ),
        GuardCase(
            "labmath.labmath",
            "powerset",
            calls(([1, 2, 3],), (list(range(8)),), ([4, 4, 0],)),
            {
                "itertools, tuples": _d("""
                    import itertools
                    def powerset(l):
                        yield from itertools.chain.from_iterable(
                            itertools.combinations(l, r) for r in range(len(l) + 1))
                    """),
                "lists by size": _d("""
                    import itertools
                    def powerset(l):
                        for r in range(len(l) + 1):
                            for c in itertools.combinations(l, r):
                                yield list(c)
                    """),
                "one too few": _d("""
                    def powerset(l):
                        n = len(l)
                        for mask in range(2**n - 1):
                            yield [l[i] for i in range(n) if mask >> i & 1]
                    """),
            },
            {
                "doubling": _d("""
                    def powerset(l):
                        subsets = [[]]
                        for x in l:
                            subsets += [s + [x] for s in subsets]
                        yield from subsets
                    """),
            },
            mechanism="iterator",
            wide=lambda r: ((_ints(r, r.randint(0, 9), -3, 3),), {}),
        ),
        GuardCase(
            "more_itertools.more",
            "distinct_permutations",
            calls(([1, 0, 1],), ([1, 2, 3, 4],), ([2, 2, 1, 1, 0],)),
            {
                "sorted set": _d("""
                    import itertools
                    def distinct_permutations(iterable):
                        yield from sorted(set(itertools.permutations(iterable)))
                    """),
                "first seen": _d("""
                    import itertools
                    def distinct_permutations(iterable):
                        yield from dict.fromkeys(itertools.permutations(iterable))
                    """),
            },
            {},
            mechanism="iterator",
            wide=lambda r: ((_ints(r, r.randint(0, 6), -2, 2),), {}),
        ),
        GuardCase(
            "more_itertools.recipes",
            "unique_everseen",
            calls(([1, 2, 2, 3],), (list(range(20)) * 2,), ([7, 7, 0],)),
            {
                "dict.fromkeys, hashable only": _d("""
                    def unique_everseen(iterable, key=None):
                        yield from dict.fromkeys(iterable)
                    """),
            },
            {
                "set, list fallback": _d("""
                    def unique_everseen(iterable, key=None):
                        seen = set()
                        unhashable = []
                        for element in iterable:
                            k = element if key is None else key(element)
                            try:
                                if k in seen:
                                    continue
                                seen.add(k)
                            except TypeError:
                                if k in unhashable:
                                    continue
                                unhashable.append(k)
                            yield element
                    """),
            },
            mechanism="iterator",
            wide=lambda r: ((_ints(r, r.randint(0, 20), -5, 5),), _opt(key=_some(r, _OMIT, abs, _mod3))),
            foreign=lambda r: ((_mixed(r),), {}),
        ),
        GuardCase(
            "more_itertools.more",
            "divide",
            calls((2, [1, 2, 3, 4, 5, 6]), (3, list(range(10)))),
            {
                "round robin": _d("""
                    def divide(n, iterable):
                        if n < 1:
                            raise ValueError('n must be at least 1')
                        seq = tuple(iterable)
                        return [iter(seq[i::n]) for i in range(n)]
                    """),
            },
            {
                "slices by size": _d("""
                    def divide(n, iterable):
                        if n < 1:
                            raise ValueError('n must be at least 1')
                        seq = tuple(iterable)
                        q, r = divmod(len(seq), n)
                        out = []
                        start = 0
                        for i in range(n):
                            stop = start + q + (i < r)
                            out.append(iter(seq[start:stop]))
                            start = stop
                        return out
                    """),
            },
            mechanism="iterator",
            wide=lambda r: ((r.randint(-1, 6), _ints(r, r.randint(0, 15))), {}),
        ),
    ]


def _equivalent_cases() -> list[GuardCase]:
    """Hand-written versions of library functions, and library calls that differ from them on edge inputs."""
    return [
        GuardCase(
            "labmath.labmath",
            "gcd",
            calls((12, 18), (117, 17883411), (3549, 70161, 336882, 702702)),
            {
                "keeps the sign": _d("""
                    def gcd(a, *r):
                        if not isinstance(a, inttypes): r = iter(a); a = next(r)
                        for b in r:
                            while b: a, b = b, a % b
                        return a
                    """),
                "math.gcd, no fallback": _d("""
                    import math
                    def gcd(a, *r):
                        return math.gcd(a, *r)
                    """),
            },
            {
                "math.gcd, original on error": _d("""
                    import math
                    def gcd(a, *r):
                        try:
                            return math.gcd(a, *r)
                        except Exception:
                            pass
                        if not isinstance(a, inttypes): r = iter(a); a = next(r)
                        for b in r:
                            while b: a, b = b, a % b
                        return abs(a)
                    """),
            },
            mechanism="equivalent",
            wide=lambda r: (
                tuple(_some(r, r.randint(-100, 100), r.randint(-(10**20), 10**20), 0) for _ in range(r.randint(1, 4))),
                {},
            ),
            foreign=lambda r: ((_ints(r, r.randint(1, 5), -100, 100),), {}),
        ),
        GuardCase(
            "labmath.labmath",
            "binomial",
            calls((30, 12), (10, 3), (52, 5)),
            {"math.comb": "import math\ndef binomial(n, k):\n    return math.comb(n, k)\n"},
            {
                "math.comb in 0 <= k <= n": _d("""
                    import math
                    def binomial(n, k):
                        if 0 <= k <= n:
                            return math.comb(n, k)
                        nt = 1
                        for t in range(min(k, n-k)):
                            nt  *= n - t
                            nt //= t + 1
                        return nt
                    """),
            },
            mechanism="equivalent",
            wide=lambda r: ((r.randint(-5, 60), r.randint(-5, 65)), {}),
        ),
        GuardCase(
            "labmath.labmath",
            "isqrt",
            calls((10**6,), (99,), (2**64 + 7,)),
            {"math.isqrt (negatives raise)": "import math\ndef isqrt(n):\n    return math.isqrt(n)\n"},
            {"math.isqrt for n >= 0": "import math\ndef isqrt(n):\n    return math.isqrt(n) if n >= 0 else int(n)\n"},
            mechanism="equivalent",
            wide=lambda r: ((_some(r, r.randint(-1000, 1000), r.randint(0, 10**40), r.randint(-(10**30), 0)),), {}),
        ),
        GuardCase(
            "labmath.labmath",
            "modinv",
            calls((2, 5), (37, 100), (17, 3120)),
            {
                "pow(a, -1, m)": "def modinv(a, m):\n    return pow(a, -1, m)\n",
                "pow, None on error": _d("""
                    def modinv(a, m):
                        try:
                            return pow(a, -1, m)
                        except ValueError:
                            return None
                    """),
            },
            {
                "pow for m > 1": _d("""
                    def modinv(a, m):
                        if m > 1:
                            try:
                                return pow(a, -1, m)
                            except ValueError:
                                return None
                        if m <= 0: return None
                        return 0
                    """),
            },
            mechanism="equivalent",
            wide=lambda r: ((r.randint(-200, 200), _some(r, r.randint(-20, 200), r.randint(1, 10**12))), {}),
        ),
        GuardCase(
            "more_itertools.more",
            "sort_together",
            calls(([[4, 3, 2, 1], ["a", "b", "c", "d"]],), ([[3, 1, 2], [0, 1, 0], ["c", "b", "a"]],)),
            {
                "sorts whole rows": _d("""
                    def sort_together(iterables, key_list=(0,), reverse=False):
                        return list(zip(*sorted(zip(*iterables), reverse=reverse)))
                    """),
            },
            {},
            mechanism="equivalent",
            wide=lambda r: _sort_together_call(r),
        ),
        GuardCase(
            "funcy.seqs",
            "ldistinct",
            calls(([1, 2, 2, 3],), (list(range(30)) * 2,), ([9, 5, 9, 1],)),
            {"set": "def ldistinct(seq, key=EMPTY):\n    return list(set(seq))\n"},
            {
                "dict.fromkeys": _d("""
                    def ldistinct(seq, key=EMPTY):
                        if key is EMPTY:
                            return list(dict.fromkeys(seq))
                        return list(distinct(seq, key))
                    """),
            },
            mechanism="equivalent",
            wide=lambda r: ((_ints(r, r.randint(0, 20), -9, 9),), _opt(key=_some(r, _OMIT, abs, _mod3))),
            foreign=lambda r: ((_mixed(r),), {}),
        ),
    ]


@dataclass(frozen=True)
class Row:
    """One candidate of the guards group and what became of it."""

    case: GuardCase
    label: str
    kind: str  # wrong, right, or proposed (offered by perfkit's library-equivalents proposer)
    old: bool
    new: bool
    reason: str
    seconds: float
    raw: dict[str, Any]  # the independent check of the candidate as written (wide inputs)
    final: dict[str, Any] | None  # of what the new setting accepted (guard included), wide inputs; None: rejected
    foreign: dict[str, Any] | None  # the same on the foreign inputs (None: rejected, or no foreign inputs)


def _as_returned(name: str, source: str) -> str:
    """``source`` (empty: the original) with iterator results replaced by a fresh ``object()``: how the verifier
    compared them before iterators were drained (generators have no state, so only identity was left)."""
    return source + _d(f"""
        _pk_inner = {name}
        def {name}(*args, **kwargs):
            value = _pk_inner(*args, **kwargs)
            return object() if hasattr(type(value), '__next__') and iter(value) is value else value
        """)


def independent(folder: Path, case: GuardCase, source: str, *, tier: str) -> dict[str, Any]:
    """The independent check, in a separate process: ``source`` against the original on the ``tier`` inputs."""
    count = WIDE if tier == "wide" else FOREIGN
    command = [sys.executable, str(Path(__file__).resolve()), "--independent", case.key, "--tier", tier]
    command += ["--packages", str(folder), "--count", str(count)]
    try:
        done = subprocess.run(command, input=source, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return {"mismatches": -1, "total": count, "first": "the independent check ran past 300 s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"mismatches": -1, "total": count, "first": f"the check failed: {done.stderr.strip()[-300:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _independent_main(folder: Path, key: str, tier: str, count: int) -> None:
    """Child side of :func:`independent`: the source comes on stdin; one JSON line goes out."""
    sys.path.insert(0, str(folder / "site"))
    case = next(c for c in guard_cases() if c.key == key)
    draw = case.wide if tier == "wide" else case.foreign
    assert draw is not None, f"{key} has no {tier} inputs"
    module = importlib.import_module(case.module)
    original = getattr(module, case.name)
    namespace = dict(vars(module))
    exec(compile(sys.stdin.read(), f"<accepted {case.name}>", "exec"), namespace)
    accepted = namespace[case.name]
    rng = random.Random(f"{key}:{tier}")
    mismatches, first = 0, ""
    for _ in range(count):
        args, kwargs = draw(rng)
        expected, got = _outcome(original, args, kwargs), _outcome(accepted, args, kwargs)
        if expected != got:
            mismatches += 1
            if not first:
                first = f"{case.name}(*{args!r:.80}, **{kwargs!r:.60}): original {expected!r:.90}, accepted {got!r:.90}"
    print(json.dumps({"mismatches": mismatches, "total": count, "first": first}))


def _outcome(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a call gives, as plain data: its value or the name of the exception it raised, and its arguments
    afterwards. Iterators, nested ones too, become their items and the exception that ended them."""
    args, kwargs = copy.deepcopy((args, kwargs))
    try:
        value = _plain(func(*args, **kwargs))
    except Exception as exc:
        value = ("raises", type(exc).__qualname__)
    return value, _plain((args, kwargs))


def _plain(value: Any, depth: int = 0) -> Any:
    kind = type(value).__qualname__
    if depth > 30:
        return ("deep", repr(value))
    if hasattr(type(value), "__next__") and hasattr(type(value), "__iter__"):
        items: list[Any] = []
        try:
            for item in value:
                items.append(_plain(item, depth + 1))
                if len(items) > 200_000:
                    return ("iterator", items, "too long")
        except Exception as exc:
            return ("iterator", items, type(exc).__qualname__)
        return ("iterator", items, None)
    if isinstance(value, list | tuple):
        return (kind, [_plain(item, depth + 1) for item in value])
    if isinstance(value, dict):
        return (kind, [(_plain(k, depth + 1), _plain(v, depth + 1)) for k, v in value.items()])
    if isinstance(value, float) and value != value:
        return (kind, "nan")
    return (kind, value)


def run_guards(folder: Path, *, only: str = "") -> list[Row]:
    """Every candidate of :func:`guard_cases` (whose key contains ``only``) and every equivalent perfkit's
    proposer offers for them, under both settings, with the independent check."""
    from perfkit.optimizers._code import CodeRef, bound_types, function_source
    from perfkit.optimizers._iterators import MARK
    from perfkit.optimizers._types import Context
    from perfkit.optimizers._unexplored import guarded
    from perfkit.optimizers.equivalents import candidates_for
    from perfkit.optimizers.loop import _observe, _size, extreme_variants, verification_inputs
    from perfkit.optimizers.verify import verify

    rows: list[Row] = []
    for case in guard_cases():
        if only not in case.key:
            continue
        func = getattr(importlib.import_module(case.module), case.name)
        source = function_source(func)[0]
        started = time.perf_counter()
        drawn, seen, _ = verification_inputs(func, stress_inputs=case.stress)
        extremes = extreme_variants(min(case.stress, key=_size))
        checks = drawn + extremes + case.stress
        draw_s = time.perf_counter() - started
        original = CodeRef(case.module, case.name)
        observed = seen + _observe(original, extremes + case.stress, timeout=60.0)
        arg_types = {k: frozenset(v) for k, v in bound_types(func, checks).items()}
        returns = frozenset(k for k, _ in observed if k is not None and not k.startswith("raises "))
        tests = loop_guards(func, checks)
        iterator = any(k.endswith(MARK) for k in returns)
        old = old_inputs(func, case.stress)
        old_original = CodeRef(case.module, case.name, _as_returned(case.name, "")) if iterator else original
        module_source = Path(func.__code__.co_filename).read_text(encoding="utf-8")
        context = Context(
            name=case.name,
            source=source,
            module_name=case.module,
            module_source=module_source,
            params=tuple(arg_types),
            arg_types=arg_types,
            return_types=returns,
        )
        proposed = {c.note.removeprefix("library equivalent: "): c.source for c in candidates_for(context)}
        shown = ", ".join(f"{k} ({v[:60]}{'...' if len(v) > 60 else ''})" for k, v in tests.items()) or "none"
        print(f"{case.key} [{case.mechanism}]: {len(checks)} inputs new, {len(old)} old; handed back: {shown}")
        for kind, group in (("wrong", case.wrong), ("right", case.right), ("proposed", proposed)):
            for label, text in group.items():
                old_text = _as_returned(case.name, text) if iterator else text
                before = verify(old_original, CodeRef(case.module, case.name, old_text), old, hash_seeds=None)
                final = guarded(text, source, case.name, tests)
                started = time.perf_counter()
                after, final = accepted(original, CodeRef(case.module, case.name, final), checks)
                spent = time.perf_counter() - started + draw_s
                raw = independent(folder, case, text, tier="wide")
                checked = independent(folder, case, final, tier="wide") if after.ok else None
                foreign = None
                if after.ok and case.foreign is not None:
                    foreign = independent(folder, case, final, tier="foreign")
                row = Row(case, label, kind, before.ok, after.ok, after.reason, spent, raw, checked, foreign)
                rows.append(row)
                print(_row_line(row), flush=True)
    return rows


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str


def accepted(original: Any, candidate: Any, checks: list[Call]) -> tuple[Outcome, str]:
    """The candidate checked as ``optimize_function`` checks it (``behaves_like``: its item checks are left out
    when it also behaves like the original with items of other types), and the source it was accepted as."""
    from perfkit.optimizers.verify import behaves_like

    outcome = behaves_like(original, candidate, checks)
    return Outcome(outcome.verdict == "ok", outcome.reason), outcome.source or candidate.source


def loop_guards(func: Any, checks: list[Call]) -> dict[str, str]:
    """The tests ``optimize_function`` guards every candidate with: parameters never varied or never passed, a
    named function passed in every input, and the types seen in ``checks`` (anything else goes to the original)."""
    from perfkit.optimizers._code import bound_types, function_source
    from perfkit.optimizers._unexplored import never_passed, same_function, seen_types, unexplored

    arg_types = {k: frozenset(v) for k, v in bound_types(func, checks).items()}
    tests = unexplored(arg_types, function_source(func)[0], func.__name__, never_passed=never_passed(func, checks))
    tests = {**same_function(func, checks), **tests}
    return {**seen_types(func, checks), **tests}


def _fails(check: dict[str, Any] | None) -> bool:
    return check is not None and check["mismatches"] != 0


def _shown_check(check: dict[str, Any] | None) -> str:
    if check is None:
        return "-"
    if check["mismatches"] < 0:
        return "error"
    return "pass" if not check["mismatches"] else f"{check['mismatches']}/{check['total']}"


def _row_line(row: Row) -> str:
    where = f"{row.case.module.rsplit('.', 1)[-1]}.{row.case.name}"
    verdicts = ["accept" if ok else "reject" for ok in (row.old, row.new)]
    checks = [_shown_check(c) for c in (row.raw, row.final, row.foreign)]
    line = f"  {where:28s} {row.label[:30]:30s} {row.kind:8s} {verdicts[0]:7s} {verdicts[1]:7s} "
    line += f"{checks[0]:>8s} {checks[1]:>8s} {checks[2]:>8s} {row.seconds:6.1f}"
    relaxed = "  (item types not checked: alike with other items too)" if "are not checked" in row.reason else ""
    return line + (relaxed if row.new else f"  {row.reason[:70]}")


def guards_summary(rows: list[Row]) -> list[str]:
    """The figures: per kind, what each setting accepted, and what the independent check found in it."""
    out = []
    for kind in ("wrong", "right", "proposed"):
        mine = [r for r in rows if r.kind == kind]
        if not mine:
            continue
        holes = [r for r in mine if r.new and _fails(r.final)]
        beyond = [r for r in mine if r.new and _fails(r.foreign)]
        out.append(
            f"{kind}: {len(mine)} candidates; accepted old {sum(r.old for r in mine)}, new {sum(r.new for r in mine)}; "
            f"accepted by the new setting and failing the independent check: wide {len(holes)}, foreign {len(beyond)}"
        )
        for r in holes + beyond:
            failed = r.final if r in holes else r.foreign
            assert failed is not None
            out.append(f"    {r.case.key} {r.label!r}: {failed['first'][:230]}")
    unshown = [r for r in rows if r.kind == "wrong" and not _fails(r.raw)]
    broken = [r for r in rows if r.kind == "right" and _fails(r.raw)]
    for r in unshown:
        out.append(f"  note: wrong candidate {r.case.key} {r.label!r} passes the wide check as written (only foreign)")
    for r in broken:
        out.append(f"  CASE ERROR: right candidate {r.case.key} {r.label!r} fails the wide check: {r.raw['first']}")
    seconds = sorted(r.seconds for r in rows)
    out.append(f"verification time per candidate (new, drawing included): median {seconds[len(seconds) // 2]:.1f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, default=Path("/tmp/perfkit-verify-strength"))
    parser.add_argument("--group", choices=("strength", "guards", "all"), default="strength")
    parser.add_argument("--only", default="", help="guards group: only cases whose module:name contains this")
    parser.add_argument("--independent", default="", help=argparse.SUPPRESS)  # the independent check's child
    parser.add_argument("--tier", default="wide", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=WIDE, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.independent:
        _independent_main(options.packages, options.independent, options.tier, options.count)
        return
    packages(options.packages)
    sys.path.insert(0, str(ROOT))
    if options.group in ("strength", "all"):
        strength()
    if options.group in ("guards", "all"):
        print()
        header = f"  {'function':28s} {'candidate':30s} {'kind':8s} {'old':7s} {'new':7s} "
        print(header + f"{'written':>8s} {'accepted':>8s} {'foreign':>8s} {'verify':>6s}")
        rows = run_guards(options.packages, only=options.only)
        print()
        print("\n".join(guards_summary(rows)))


def strength() -> None:
    """The first group: wrong-but-plausible and correct rewrites, stress inputs vs observed shapes."""
    from perfkit.optimizers._code import CodeRef, function_source
    from perfkit.optimizers._unexplored import guarded
    from perfkit.optimizers.loop import _size, extreme_variants, verification_inputs
    from perfkit.optimizers.verify import verify

    tally = {"wrong": 0, "old rejects": 0, "new rejects": 0, "right": 0, "old accepts": 0, "new accepts": 0}
    seconds: list[float] = []
    print(f"{'function':34s} {'candidate':18s} {'kind':5s} {'old':8s} {'new':8s} {'verify s':>8s}  new reason")
    for case in cases():
        func = getattr(importlib.import_module(case.module), case.name)
        started = time.perf_counter()
        drawn, _, _ = verification_inputs(func, stress_inputs=case.stress)
        draw_s = time.perf_counter() - started
        new = drawn + extreme_variants(min(case.stress, key=_size)) + case.stress
        old = old_inputs(func, case.stress)
        original = CodeRef(case.module, case.name)
        tests = loop_guards(func, new)
        for kind, group in (("wrong", case.wrong), ("right", case.right)):
            for label, source in group.items():
                candidate = CodeRef(case.module, case.name, source)
                before = verify(original, candidate, old, hash_seeds=None)
                started = time.perf_counter()
                final = guarded(source, function_source(func)[0], case.name, tests)  # as optimize_function does
                after, final = accepted(original, CodeRef(case.module, case.name, final), new)
                spent = time.perf_counter() - started + draw_s
                seconds.append(spent)
                tally[kind] += 1
                if kind == "wrong":
                    tally["old rejects"] += not before.ok
                    tally["new rejects"] += not after.ok
                else:
                    tally["old accepts"] += before.ok
                    tally["new accepts"] += after.ok
                shown = "accept" if before.ok else "reject"
                now = "accept" if after.ok else "reject"
                where = f"{case.module.rsplit('.', 1)[-1]}.{case.name}"
                reason = (
                    after.reason[:90] if not after.ok or "are not checked" not in after.reason else after.reason[-90:]
                )
                print(f"{where:34s} {label:18s} {kind:5s} {shown:8s} {now:8s} {spent:8.2f}  {reason}")
        print(f"{'':34s} ({len(new)} inputs new, {len(old)} old; drawing took {draw_s:.2f} s)")
    print()
    wrong, right = tally["wrong"], tally["right"]
    print(f"wrong candidates rejected: old {tally['old rejects']}/{wrong}, new {tally['new rejects']}/{wrong}")
    print(f"correct rewrites accepted: old {tally['old accepts']}/{right}, new {tally['new accepts']}/{right}")
    seconds.sort()
    print(
        f"verification time per candidate (new, drawing included): median {seconds[len(seconds) // 2]:.2f} s, "
        f"max {seconds[-1]:.2f} s"
    )


if __name__ == "__main__":
    main()
