"""A function's population of verified programs, and how parents and inspirations are drawn from it.

Every candidate that behaves like the original joins (accepted or merely not faster), with its measured speedup
and where it came from (proposer, model, round, parent). The original is program 0, speedup 1.

- Parents (ShinkaEvolve's weighted sampling): program ``i`` is drawn with weight
  ``sigmoid(sharpness * (log s_i - median log s)) / (1 + children_i)``: fast programs are preferred, and a
  program already asked about many times gives way to others, so the search does not stay on one line.
- Inspirations (SBLLM's representative samples, AlphaEvolve's prior programs in the prompt): the fastest
  program unlike the parent, then those most unlike the ones already shown (Jaccard distance between the sets of
  calls and constructs they use), each a different way of doing it, with its speedup.
- Capacity: when full, the slowest program of the most crowded approach leaves (the original always stays).

Draws use a generator seeded by the function's name: the same run picks the same parents.
"""

from __future__ import annotations

import ast
import math
import random
import statistics
import zlib

from perfkit.optimizers._types import Program

from perfkit.errors import InvalidArgument

_CONSTRUCTS = (
    *(ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
    *(ast.Dict, ast.Set, ast.List, ast.Tuple, ast.Subscript, ast.Lambda, ast.Yield),
)
SHARPNESS = 4.0  # on log speedups: 1.5x against a median of 1x weighs about 0.83 against 0.5


class Population:
    """Verified programs of one function (the original first), drawn from as parents and inspirations."""

    def __init__(self, original: str, *, name: str = "", capacity: int = 8, sharpness: float = SHARPNESS) -> None:
        if not isinstance(capacity, int) or capacity < 1:
            raise InvalidArgument("capacity", capacity, "give a whole number of at least 1")
        self.capacity = capacity
        self.sharpness = sharpness
        self.programs: list[Program] = [Program(0, original)]
        self.children: dict[int, int] = {0: 0}
        self._traits: dict[int, frozenset[str]] = {0: traits(original)}
        self._rng = random.Random(zlib.crc32(name.encode()))

    def __len__(self) -> int:
        return len(self.programs)

    def add(self, program: Program) -> None:
        """Add a verified program; when over capacity, the slowest of the most crowded approach leaves."""
        self.programs.append(program)
        self.children.setdefault(program.id, 0)
        self._traits[program.id] = traits(program.source)
        if len(self.programs) > self.capacity:
            self._evict()

    def best(self) -> Program:
        """The fastest program (the original when nothing beat it)."""
        return max(self.programs, key=lambda p: (p.speedup, -p.id))

    def parents(self, k: int) -> list[Program]:
        """``k`` parents, drawn one after another by weight; each draw counts as a child of the one drawn."""
        chosen = []
        for _ in range(k):
            weights = self.weights()
            parent = self._rng.choices(self.programs, weights=weights)[0]
            self.children[parent.id] = self.children.get(parent.id, 0) + 1
            chosen.append(parent)
        return chosen

    def weights(self) -> list[float]:
        """Each program's weight as a parent: sigmoid of its log speedup against the median, over 1 + children."""
        scores = [math.log(max(p.speedup, 1e-9)) for p in self.programs]
        middle = statistics.median(scores)
        return [
            _sigmoid(self.sharpness * (s - middle)) / (1 + self.children.get(p.id, 0))
            for p, s in zip(self.programs, scores, strict=True)
        ]

    def inspirations(self, parent: Program, k: int) -> list[Program]:
        """Up to ``k`` other programs: the fastest that does it another way than the parent, then each the one
        least like those already picked (and the parent), faster first among equals. The original is not among
        them (the prompt shows it anyway)."""
        pool = sorted((p for p in self.programs if p.id not in (0, parent.id)), key=lambda p: (-p.speedup, p.id))
        picked: list[Program] = []
        shown = [self._traits[parent.id]]
        while pool and len(picked) < k:
            if not picked:  # the fastest that does it another way than the parent (else the fastest)
                choice = next((p for p in pool if self._traits[p.id] != shown[0]), pool[0])
            else:
                choice = max(pool, key=lambda p: (min(_distance(self._traits[p.id], t) for t in shown), p.speedup))
            picked.append(choice)
            shown.append(self._traits[choice.id])
            pool.remove(choice)
        return picked

    def _evict(self) -> None:
        groups: dict[frozenset[str], list[Program]] = {}
        for p in self.programs[1:]:
            groups.setdefault(self._traits[p.id], []).append(p)
        crowded = max(groups.values(), key=lambda g: (len(g), -min(p.speedup for p in g)))
        leaving = min(crowded, key=lambda p: (p.speedup, -p.id))
        self.programs.remove(leaving)


def traits(source: str) -> frozenset[str]:
    """What a program is made of, for diversity: the names it calls and the kinds of loops, comprehensions
    and containers it builds."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            found.add("call " + (func.id if isinstance(func, ast.Name) else getattr(func, "attr", "?")))
        elif isinstance(node, _CONSTRUCTS):
            found.add(type(node).__name__)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.update("import " + a.name for a in node.names)
    return frozenset(found)


def _distance(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return 1.0 - len(a & b) / len(union) if union else 0.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))
