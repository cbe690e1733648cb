"""The rewrite catalogue's classes of slow Python, spelling by spelling: does the rule fire, does the verifier
accept the rewrite, and how much faster is it at real sizes (original and rewrite timed interleaved, best of
``--repeat`` each, one process).

The spellings are the ones the rule tests check (``tests/test_rules_*.py``), on unannotated functions; the sizes
here are larger than the tests' where the original allows it.

    python benchmarks/rules_catalogue.py              # every class (about 3 minutes on 2 cores)
    python benchmarks/rules_catalogue.py joins sorting --repeat 5 --no-verify
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

RNG = random.Random(2024)


@dataclass(frozen=True)
class Case:
    group: str
    spelling: str
    rule: str
    source: str
    name: str
    inputs: tuple[Any, ...]
    module: str = ""  # a real module holding the function (its source is the context's module source)


def _cases() -> list[Case]:
    from tests import test_rules_counting as counting
    from tests import test_rules_invariants as invariants
    from tests import test_rules_joins as joins
    from tests import test_rules_numbers as numbers
    from tests import test_rules_recursion as recursion
    from tests import test_rules_sorting as sorting
    from tests import test_rules_windows as windows

    words = [RNG.choice(["ab", "cd", "efg", "h", ""]) + str(RNG.randint(0, 2000)) for _ in range(200_000)]
    ints = [RNG.randint(-(10**6), 10**6) for _ in range(4000)]
    out: list[Case] = []
    for key, src in counting.COUNTING.items():
        out.append(Case("counting", key, "counting-dict", src, "f", (words,)))
    for key, src in counting.COUNT_IN_LOOP.items():
        data: Any = " ".join(words[:4000]) if key == "split-local" else words[:4000]
        out.append(Case("counting", "count: " + key, "count-in-loop", src, "f", (data,)))
    pairs = [(RNG.randint(0, 50), i) for i in range(40_000)]
    for key, src in counting.GROUPING.items():
        out.append(Case("grouping", key, "group-append", src, "f", (pairs,)))
    left = [(RNG.randint(0, 3000), f"l{i}") for i in range(3000)]
    right = [(RNG.randint(0, 3000), RNG.random()) for _ in range(3000)]
    for key, src in joins.JOINS.items():
        out.append(Case("joins", key, "index-join", src, "f", (left, right)))
    rows = [[RNG.randint(-(10**6), 10**6) for _ in range(1000)] for _ in range(200)]
    for key, body in sorting.PICKS.items():
        out.append(Case("sorting", key, "sorted-pick", "def f(rows):\n    " + body + "\n", "f", (rows,)))
    for key, src in sorting.RUNNING.items():
        out.append(Case("sorting", "running: " + key, "running-extreme", src, "f", (ints * 2,)))
    for key, src in sorting.INSORT.items():
        out.append(Case("sorting", "insort: " + key, "insort", src, "f", (ints * 5,)))
    banned = [RNG.randint(-1000, 1000) for _ in range(1000)]
    for key, src in invariants.HOISTS.items():
        out.append(Case("invariants", key, "hoist-invariant", src, "f", (ints * 5, banned)))
    long = [RNG.randint(-(10**9), 10**9) for _ in range(20_000)]
    for key, body in windows.SUMS.items():
        size = long[:4000] if key.startswith("generator") else long
        out.append(Case("windows", key, "window-sums", "def f(xs, k):\n    " + body + "\n", "f", (size, 200)))
    for key, body in windows.EXTREMES.items():
        src = "def f(xs, k):\n    " + body + "\n"
        out.append(Case("windows", "extreme: " + key, "window-extreme", src, "f", (long, 200)))
    for key, body in numbers.SIEVES.items():
        src = "def f(n):\n    " + body + "\n"
        out.append(Case("numbers", "sieve: " + key, "trial-division", src, "f", (6000,)))
    for key, src in numbers.IS_PRIME.items():
        out.append(Case("numbers", "is_prime: " + key, "prime-bound", src, "is_prime", (1_000_003,)))
    for key, body in numbers.DIVISORS.items():
        src = "def f(n):\n    " + body + "\n"
        out.append(Case("numbers", "divisors: " + key, "divisor-scan", src, "f", (5_000_000,)))
    for key, body in numbers.GCDS.items():
        names = "x, y" if key == "count-up" else "a, b"
        arguments = (10**6 * 7, 10**6 * 3) if key.startswith("count") else (10**6 * 7, 21)
        out.append(Case("numbers", "gcd: " + key, "gcd-factorial", f"def g({names}):\n    " + body + "\n", "g",
                        arguments))  # fmt: skip
    for key, body in numbers.FACTORIALS.items():
        out.append(Case("numbers", "factorial: " + key, "gcd-factorial", "def fact(n):\n    " + body + "\n", "fact",
                        (5000,)))  # fmt: skip
    for key, (src, name, inputs, _) in recursion.RECURSIVE.items():
        out.append(Case("recursion", key, "memoize-recursion", src, name, inputs[0][0]))
    lcs = textwrap.dedent(
        """
        def lcs(s, t):
            n = len(s)
            def go(i, j):
                if i == n or j == len(t):
                    return 0
                if s[i] == t[j]:
                    return 1 + go(i + 1, j + 1)
                return max(go(i + 1, j), go(i, j + 1))
            return go(0, 0)
        """
    )
    out.append(
        Case("recursion", "inner helper", "memoize-inner-helper", lcs, "lcs", ("ACGTTGCAAGTCA", "TGCATGCAGTCAA"))
    )
    return out + _module_cases()


def _module_cases() -> list[Case]:
    """Rules that need the function's module (helpers, imports): the test modules' own functions, larger inputs."""
    import inspect

    from tests import test_rules_generators as gens
    from tests import test_rules_imports as imports
    from tests import test_rules_inlining as inlining
    from tests import test_rules_lookups as lookups
    from tests import test_rules_pairs as pairs
    from tests import test_rules_split as split

    def case(group: str, spelling: str, rule: str, func: Any, *inputs: Any) -> Case:
        return Case(group, spelling, rule, inspect.getsource(func), func.__name__, inputs, func.__module__)

    rng = random.Random(7)
    floats = [rng.uniform(-2, 2) for _ in range(200_000)]
    pts = [(rng.uniform(-9, 9), rng.uniform(-9, 9)) for _ in range(1500)]
    text_a, text_b = gens.text(500_000, 1), gens.text(500_000, 2)
    adj = {v: [(v * 7 + 1) % 20_000, (v * 3) % 20_000] for v in range(20_000)}
    many, window = imports.words(200_000), "".join(rng.choice("abcab") for _ in range(200_000))
    short = ["".join(rng.choice("ab") for _ in range(3)) for _ in range(1500)]
    data = bytes(rng.randrange(256) for _ in range(500_000))
    ints300k = list(range(-150_000, 150_000))
    return [
        case("queues", "visited, queue = set(), [v]", "pop0-deque", split.bfs_set_queue, split.graph(60_000), 0),
        case("queues", "three names, one line", "pop0-deque", split.bfs_order, adj, 0),
        case("invariants", "Counter(word) per candidate", "hoist-invariant", imports.anagrams_of, "Bead", many),
        case("invariants", "collections.Counter, comprehension", "hoist-invariant", imports.same_letters, "de", many),
        case("invariants", "Counter(key), while window", "hoist-invariant", imports.anagram_windows, window, "abca"),
        case("pairs", "for y in l[x + 1:] collecting pairs", "pair-loops", pairs.pairs_by_slice, list(range(2000))),
        case("pairs", "index pairs, arithmetic, continue", "pair-loops", pairs.close_pairs, pts, 4.0),
        case("pairs", "n = len(xs); range(i + 1, n)", "pair-loops", pairs.closest_pair, floats[:1500]),
        case("pairs", "enumerate + index, condition", "pair-loops", pairs.mirrored, short),
        case("pairs", "enumerate + slice, collecting", "pair-loops", pairs.collect_enumerated, list(range(2000))),
        case("pairs", "comprehension of index pairs", "pair-loops", pairs.all_pairs, list(range(1500))),
        case("generators", "sum(c1 != c2 for ... zip)", "map-builtin", gens.hamming, text_a, text_b),
        case("generators", "sum/max(ord(c) for c in s)", "map-builtin", gens.checksum, text_a),
        case("generators", '"".join(chr(b) for b in data)', "map-builtin", gens.decode, data),
        case("inlining", "spectral-norm eval_A per element", "inline-helper", inlining.times_u, (7, floats)),
        case("inlining", "helper in a comprehension", "inline-helper", inlining.squares_plus, list(range(300_000))),
        case("inlining", "two levels in a while loop", "inline-helper", inlining.walk, pts * 100),
        case("inlining", "primality helper in comprehension ifs", "trial-division", inlining.primes_below, 20_000),
        case("inlining", "sqrt primality helper in a for loop", "trial-division", inlining.count_primes, 300_000),
        case("inlining", "if/for/return primality helper", "trial-division", inlining.primes_listed, 300_000),
        case("inlining", "if/elif/else helper in a loop", "inline-helper", inlining.signs, ints300k),
        case("lookups", "math.sqrt in a for loop", "module-alias", lookups.norms, pts * 600),
        case("lookups", "math.sin/cos/pi in a while loop", "module-alias", lookups.wave, 150_000, 0.001),
        case("lookups", "math.log, math.inf in a conditional", "module-alias", lookups.logs, floats),
    ]


def _best(func: Callable[..., Any], arguments: tuple[Any, ...]) -> float:
    started = time.perf_counter()
    func(*arguments)
    return time.perf_counter() - started


def run(case: Case, *, repeat: int, check: bool) -> tuple[bool, str, float | None]:
    """(fired, verdict, speedup) for one spelling."""
    import importlib
    import inspect

    from perfkit.optimizers._code import CodeRef, bound_types
    from perfkit.optimizers._types import Context
    from perfkit.optimizers.rewrite import apply_rules
    from perfkit.optimizers.verify import verify

    from tests.fixtures import slow_funcs

    module = importlib.import_module(case.module) if case.module else slow_funcs
    module_source = inspect.getsource(module) if case.module else ""
    source = textwrap.dedent(case.source)
    old_ns, new_ns = dict(vars(module)), dict(vars(module))
    exec(source, old_ns)
    inputs = [(case.inputs, {})]
    types = {k: frozenset(v) for k, v in bound_types(old_ns[case.name], inputs).items()}
    context = Context(case.name, source, module.__name__, module_source, params=tuple(types), arg_types=types)
    new, fired = apply_rules(source, case.name, context)
    if case.rule not in fired:
        return False, "-", None
    verdict = "not checked"
    if check:
        result = verify(CodeRef(module.__name__, case.name, source), CodeRef(module.__name__, case.name, new),
                        inputs)  # fmt: skip
        verdict = "verified" if result.ok else f"REJECTED: {result.reason[:60]}"
    exec(new, new_ns)
    old_f, new_f = old_ns[case.name], new_ns[case.name]
    old_t, new_t = math.inf, math.inf
    for _ in range(repeat):  # interleaved: a change in the machine's speed hits both alike
        old_t = min(old_t, _best(old_f, case.inputs))
        new_t = min(new_t, _best(new_f, case.inputs))
    return True, verdict, old_t / new_t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "groups", nargs="*", help="classes to run (counting, joins, sorting, pairs, generators, inlining, ...)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed calls of each, interleaved (default 3)")
    parser.add_argument("--no-verify", action="store_true", help="skip the verifier (timing only)")
    options = parser.parse_args(argv)
    cases = [c for c in _cases() if not options.groups or c.group in options.groups]
    by_group: dict[str, list[float]] = {}
    fired_count: dict[str, list[int]] = {}
    print(f"{'class':<11} {'spelling':<34} {'rule':<21} {'verdict':<12} speedup")
    for case in cases:
        fired, verdict, speedup = run(case, repeat=options.repeat, check=not options.no_verify)
        shown = f"{speedup:8.1f}x" if speedup is not None else "       -"
        print(f"{case.group:<11} {case.spelling:<34} {case.rule:<21} {verdict:<12} {shown}", flush=True)
        tally = fired_count.setdefault(case.group, [0, 0])
        tally[0] += fired
        tally[1] += 1
        by_group.setdefault(case.group, []).append(speedup if speedup is not None else 1.0)
    print()
    print(f"{'class':<11} {'fired':>7}  geometric mean speedup (1.0 where nothing fired)")
    for group, speedups in by_group.items():
        done, total = fired_count[group]
        mean = math.exp(sum(math.log(s) for s in speedups) / len(speedups))
        print(f"{group:<11} {done:>3}/{total:<3}  {mean:8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
