"""What the verifier's drawn inputs buy: wrong-but-plausible candidates rejected, correct rewrites accepted.

Pairs of (original, candidate) on functions taken as they are from PyPI packages we did not write (toolz 1.0.0,
inflection 0.5.1, boltons 24.1.0; downloaded with ``pip download --no-deps`` into a folder outside perfkit's
venv) and from ``tests/fixtures/unannotated.py``. Each original gets a few stress inputs of the everyday kind
(what a workload or a fuzz campaign would give). Two settings are compared:

- old: the stress inputs, their extreme-int variants and 60 inputs drawn from the type hints (none without
  hints), order always compared (what perfkit did before observed shapes);
- new: the stress inputs, their extreme-int variants and 300 inputs drawn from the hints and the widened observed
  shapes (``verification_inputs``), with the hash-seed order rule.

Prints, per candidate, each setting's verdict and the new setting's verification time, then the totals.

    python benchmarks/verify_strength.py                 # downloads the packages to /tmp/perfkit-verify-strength
    python benchmarks/verify_strength.py --packages DIR  # wheels (or their unpacked files) already in DIR
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("toolz==1.0.0", "inflection==0.5.1", "boltons==24.1.0")


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


def packages(folder: Path) -> None:
    """The wheels downloaded (unless present) and unpacked into ``folder/site``, which joins sys.path."""
    folder.mkdir(parents=True, exist_ok=True)
    if not list(folder.glob("*.whl")):
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), *PACKAGES]
        subprocess.run(pip, check=True)
    site = folder / "site"
    for wheel in folder.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
    sys.path.insert(0, str(site))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, default=Path("/tmp/perfkit-verify-strength"))
    options = parser.parse_args()
    packages(options.packages)
    sys.path.insert(0, str(ROOT))
    import importlib

    from perfkit.optimizers._code import CodeRef
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
        for kind, group in (("wrong", case.wrong), ("right", case.right)):
            for label, source in group.items():
                candidate = CodeRef(case.module, case.name, source)
                before = verify(original, candidate, old, hash_seeds=None)
                started = time.perf_counter()
                after = verify(original, candidate, new)
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
                print(f"{where:34s} {label:18s} {kind:5s} {shown:8s} {now:8s} {spent:8.2f}  {after.reason[:90]}")
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
