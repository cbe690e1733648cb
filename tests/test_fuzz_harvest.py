"""Inputs harvested from a target's own package files, and attacks placed inside them (perfkit.fuzzers._harvest)."""

from __future__ import annotations

import ast
import re
import time

import pytest
from perfkit.fuzzers._harvest import blocks, cuts, harvest, line_splices, package_roots, placed
from perfkit.fuzzers._regex_redos import Attack
from perfkit.fuzzers._regex_trace import trace

from perfkit.errors import InvalidArgument
from tests.fixtures.harvest_fmt.fmt import _FIELD, format_source
from tests.fixtures.harvest_markup.markup import _CALL, render
from tests.fixtures.harvest_none.config import _PAIR, read_config


def accepted_by(func):
    def accepts(text):
        try:
            func(text)
        except Exception:
            return False
        return True

    return accepts


def reached(func, seeds, pattern):
    """The harvested inputs on which ``func`` ran ``pattern``, and where its subjects sit in them."""
    out = []
    for seed in seeds:
        for seen in trace(func, [((seed,), {})], text_of=lambda a, k: a[0], budget=5.0):
            if seen.pattern == pattern.pattern and seen.splices:
                out.append((seed, seen.splices))
    return out


SOURCE = '''import os


class Box:
    """A box.

    It holds things.
    """

    def put(self, thing):
        """Put a thing in.

        Returns nothing.
        """
        self.things.append(thing)
        return None
'''


def test_cuts_keep_whole_blocks_dedented():
    found = blocks(SOURCE, max_len=80)
    assert '''def put(self, thing):\n    """Put a thing in.\n\n    Returns nothing.\n    """\n''' in found
    for block in found:
        assert len(block) <= 80
    assert cuts("short text\n", max_len=80) == ["short text\n"]
    assert cuts(SOURCE, max_len=30)[0] == "import os\n\n\n"  # the longest top-level prefix that fits
    assert all(len(c) <= 30 for c in cuts(SOURCE, max_len=30))


def test_package_roots_are_the_fixture_package():
    roots = package_roots(format_source)
    assert roots and roots[0][0].name == "harvest_fmt" and roots[0][1] is True
    assert all("perfkit" not in str(root) for root, _ in roots)


def test_formatter_harvest_reaches_the_docstring_regex():
    seeds = harvest(format_source, accepted_by(format_source), max_len=200)
    assert seeds and all(len(s) <= 200 for s in seeds)
    for seed in seeds:
        ast.parse(seed)  # every kept input is one the target accepts
    hits = reached(format_source, seeds, _FIELD)
    assert hits, "no harvested input reached the docstring regex"
    seed, splices = hits[0]
    lead, trail = splices[0]
    assert seed.startswith(lead) and seed.endswith(trail) and '"""' in lead  # the subject sits in a docstring
    attack = lead + "a" * 50 + trail
    assert reached(format_source, [attack], _FIELD)  # an attack spliced there reaches the regex


def test_markup_harvest_takes_the_documents_not_the_code():
    seeds = harvest(render, accepted_by(render), max_len=200)
    assert seeds and all(s.startswith("# ") for s in seeds)  # the .md documents; the .py files are rejected
    hits = reached(render, seeds, _CALL)
    assert {seed for seed, _ in hits} == set(seeds)
    lead, _ = hits[0][1][0]
    assert lead.startswith("# ")


def test_nothing_accepted_harvests_nothing():
    offered = []

    def accepts(text):
        offered.append(text)
        return accepted_by(read_config)(text)

    assert harvest(read_config, accepts, max_len=200) == []
    assert offered  # the files were offered, none was accepted
    assert not reached(read_config, offered, _PAIR)


def test_harvest_checks_its_arguments():
    with pytest.raises(InvalidArgument):
        harvest(render, accepted_by(render), max_len=0)
    with pytest.raises(InvalidArgument):
        harvest(render, accepted_by(render), max_len=100, budget=0)


def docstring_cost(text):
    """A deterministic stand-in for a compiled formatter's time: 1 for any input, plus the square of each line's
    length in its multi-line docstrings (one-line docstrings are only stripped); 0 when the input does not parse."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return 0.0
    cost = 1.0
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            doc = ast.get_docstring(node, clean=False) or ""
            cost += sum(len(line) ** 2 for line in doc.splitlines()) if "\n" in doc else 0
    return cost


def test_placed_puts_the_attack_inside_a_docstring_line():
    seed = 'def f(x):\n    """One line."""\n    return x\n'
    assert any('"""' in lead and trail.startswith('."""') for lead, trail in line_splices(seed))
    attack = Attack(r"\s*\t+\s*(\S)", "", "\t", "", "polynomial", 3, suffixes=("\n",))
    out = placed([attack], [seed], docstring_cost, max_len=400, deadline=time.monotonic() + 5)
    assert len(out) == 2 and out[1] == attack
    first = out[0]
    assert first.prefix.endswith('"""') and first.suffix.startswith("\n")  # a line break: a multi-line docstring
    text = first.string(100)
    assert docstring_cost(text) > 100**2
    skipped = placed(
        [attack],
        [seed],
        docstring_cost,
        max_len=400,
        deadline=time.monotonic() + 5,
        skip=frozenset({(attack.pattern, 0)}),
    )
    assert skipped == [attack]


@pytest.mark.slow
def test_fuzz_formatter_finds_the_docstring_blowup():
    from perfkit.fuzzers import fuzz

    samples = [(("print(1)\n",), {})]  # a program without a docstring: drawn variants of it mostly raise
    result = fuzz(format_source, max_size=600, budget=15, seed=0, samples=samples)
    worst = result.worst
    assert worst is not None and worst.outcome == "ok"
    text = worst.args[0] if worst.args else next(iter(worst.kwargs.values()))
    assert any(re.match(r"pump: [1-9]\d* input\(s\) the target accepts harvested", note) for note in result.notes)
    ast.parse(text)
    assert max(len(line) for line in text.splitlines()) >= 200  # a long docstring line: the attack


@pytest.mark.slow
def test_fuzz_works_when_nothing_is_harvested():
    from perfkit.fuzzers import fuzz

    result = fuzz(read_config, max_size=600, budget=10, seed=0, samples=[(("PKV1\nname=1\n",), {})])
    worst = result.worst
    assert worst is not None
    text = worst.args[0] if worst.args else next(iter(worst.kwargs.values()))
    assert text.startswith("PKV1\n") and len(text) >= 300
