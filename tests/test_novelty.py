"""Novelty rejection: programs that differ only in what cannot change behaviour share a key; the others never do."""

from __future__ import annotations

import pytest
from perfkit.optimizers.novelty import Seen, exact_key, program_key

BASE = """
def f(xs):
    seen = set()
    out = []
    for x in xs:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
"""

SAME = [
    # docstring, comments, annotations, another spelling of the locals, one-line statements
    '''
def f(xs: list) -> list:
    """Keep the first of each."""
    s: set = set()  # what we met
    res = []
    for item in xs:
        if item not in s:
            s.add(item); res.append(item)
    return res
''',
    # the same with other local names again, in another order of first use
    "def f(xs):\n    a = set()\n    b = []\n    for c in xs:\n        if c not in a:\n            a.add(c)\n"
    "            b.append(c)\n    return b\n",
]

DIFFERENT = [
    # a missing statement
    "def f(xs):\n    seen = set()\n    out = []\n    for x in xs:\n        if x not in seen:\n"
    "            out.append(x)\n    return out\n",
    # the parameter renamed: part of the interface (keyword calls)
    "def f(ys):\n    seen = set()\n    out = []\n    for x in ys:\n        if x not in seen:\n"
    "            seen.add(x)\n            out.append(x)\n    return out\n",
    # another algorithm
    "def f(xs):\n    return list(dict.fromkeys(xs))\n",
]


@pytest.mark.parametrize("other", SAME)
def test_spellings_of_one_program_share_a_key(other: str) -> None:
    assert program_key(BASE, name="f") == program_key(other, name="f")


@pytest.mark.parametrize("other", DIFFERENT)
def test_different_programs_have_different_keys(other: str) -> None:
    assert program_key(BASE, name="f") != program_key(other, name="f")


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        ("def f(a):\n    return 0x10\n", "def f(a):\n    return 16\n", True),  # constant spelling
        ("def f(a):\n    return 'x' + a\n", 'def f(a):\n    return "x" + a\n', True),  # quotes
        ("def f(a):\n    return 1.50\n", "def f(a):\n    return 1.5\n", True),
        ("def f(a):\n    return 1\n", "def f(a):\n    return 1.0\n", False),  # int and float differ
        ("def f(a):\n    return [x for x in a]\n", "def f(a):\n    return [y for y in a]\n", True),
        # a name used outside its comprehension is a global there: never renamed
        ("def f(a):\n    return [x for x in a] + [x]\n", "def f(a):\n    return [y for y in a] + [y]\n", False),
        ("def f(a):\n    return x\n", "def f(a):\n    return y\n", False),  # different globals
        # helpers beside the function are renamed with their uses; the function's own name is kept
        (
            "def _twice(v):\n    return v * 2\ndef f(a):\n    return _twice(a)\n",
            "def _double(v):\n    return v * 2\ndef f(a):\n    return _double(a)\n",
            True,
        ),
        ("def f(a):\n    return a\n", "def g(a):\n    return a\n", False),
        # a closure reading the outer local against one reading its own local
        (
            "def f(a):\n    def g():\n        b = 1\n        return b + c\n    c = 2\n    return g()\n",
            "def f(a):\n    def g():\n        b = 1\n        return b + b\n    c = 2\n    return g()\n",
            False,
        ),
        (
            "def f(a):\n    def g():\n        b = 1\n        return b + c\n    c = 2\n    return g()\n",
            "def f(a):\n    def h():\n        z = 1\n        return z + q\n    q = 2\n    return h()\n",
            True,
        ),
        # a function that reads its locals by name keeps them
        ("def f(a):\n    b = a\n    return locals()\n", "def f(a):\n    c = a\n    return locals()\n", False),
        ("def f(a):\n    global t\n    t = a\n", "def f(a):\n    global u\n    u = a\n", False),
    ],
)
def test_what_normalisation_may_and_may_not_merge(one: str, two: str, same: bool) -> None:
    assert (program_key(one, name="f") == program_key(two, name="f")) is same


def test_text_that_does_not_parse_is_compared_as_text() -> None:
    assert program_key("def f(:\n") == program_key("def f(:\n  ")
    assert program_key("def f(:\n") != program_key("def g(:\n")


def test_seen_admits_each_program_once_and_counts_duplicates() -> None:
    seen = Seen(name="f")
    assert seen.admit(BASE)
    assert [seen.admit(s) for s in SAME] == [False, False]
    assert all(seen.admit(s) for s in DIFFERENT)
    assert seen.duplicates == 2 and len(seen.keys) == 1 + len(DIFFERENT)


def test_without_normalisation_only_identical_trees_are_duplicates() -> None:
    seen = Seen(name="f", normalise=False)
    assert seen.admit(BASE) and seen.admit(SAME[0]) and not seen.admit(BASE + "\n# a comment\n")
    assert exact_key(BASE) != exact_key(SAME[1])
