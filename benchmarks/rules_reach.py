"""How far the rewrite rules reach: for each class of slow Python, everyday spellings of the same idea, unannotated,
and for each one whether a rule fires, whether the rewrite returns the same on the real-size input and on a
few odd ones, and its speedup at that size (original and rewrite timed interleaved, best of two each).

Spellings marked ``expect_miss`` are ones the rules leave alone on purpose or do not cover yet; they count in
the share (reach is measured, not assumed).

    python benchmarks/rules_reach.py            # every class (about two minutes on 2 cores)
    python benchmarks/rules_reach.py --quick    # sizes divided by 4
    python benchmarks/rules_reach.py queues     # one class
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Spelling:
    name: str
    source: str
    make: Callable[[int], tuple[Any, ...]]  # size → arguments
    size: int
    odd: tuple[tuple[Any, ...], ...] = ()  # small unusual arguments the rewrite must agree on
    expect_miss: bool = False
    note: str = ""


@dataclass
class Outcome:
    spelling: Spelling
    fired: list[str] = field(default_factory=list)
    same: bool = True
    original: float = 0.0
    rewritten: float = 0.0

    @property
    def speedup(self) -> float:
        return self.original / self.rewritten if self.fired and self.rewritten > 0 else 1.0


def _rows(n: int) -> tuple[Any, ...]:
    return ([(f"name{i}", i if i % 3 else i * 0.5) for i in range(n)],)


def _words(n: int) -> list[str]:
    rng = random.Random(n)
    return [rng.choice(["apple", "Kiwi", "fig", "é"]) + str(rng.randint(0, n)) for _ in range(n)]


def _ints(n: int, hi: int | None = None) -> list[int]:
    rng = random.Random(n + 1)
    top = hi if hi is not None else n
    return [rng.randint(-top, top) for _ in range(n)]


ODD_ROWS = (([],), ([("", 0)],), ([("ä", -1), ("b", 2.5), ("c", True)],))

BUILDING = [
    Spelling(
        "s = s + a + b (issue 14 hotspot)",
        """
        def f(rows):
            out = ""
            for name, x in rows:
                out = out + name + ": " + str(x) + "\\n"
            return out
        """,
        _rows,
        20_000,
        ODD_ROWS,
    ),
    Spelling(
        "s += piece",
        """
        def f(xs):
            s = ""
            for x in xs:
                s += str(x) + ","
            return s
        """,
        lambda n: (_ints(n),),
        200_000,
        (([],), ([1.5, True],)),
        expect_miss=True,
        note="already linear on CPython",
    ),
    Spelling(
        "s = f'{s}...'",
        """
        def f(rows):
            s = ""
            for k, v in rows:
                s = f"{s}{k}={v!r};"
            return s
        """,
        _rows,
        20_000,
        ODD_ROWS,
    ),
    Spelling(
        "s = ''.join([s, a])",
        """
        def f(words):
            s = "["
            for w in words:
                s = "".join([s, w, ","])
            return s
        """,
        lambda n: (_words(n),),
        40_000,
        (([],), (["x"],)),
    ),
    Spelling(
        "s = s + one piece, nested loops",
        """
        def f(grid, sep):
            s = str()
            for row in grid:
                for cell in row:
                    if cell % 2:
                        s = s + "%d%s" % (cell, sep)
                s = s + "\\n"
            return s
        """,
        lambda n: ([_ints(200) for _ in range(n // 200)], ","),
        60_000,
        (([], ","), ([[1, 2], []], "-")),
        expect_miss=True,
        note="already linear on CPython",
    ),
    Spelling(
        "s = piece + s (prepend)",
        """
        def f(words):
            s = ""
            for w in words:
                s = w + s
            return s
        """,
        lambda n: (_words(n),),
        40_000,
        (([],), (["a", "b"],)),
    ),
    Spelling(
        "bytes b = b + w.encode()",
        """
        def f(words):
            data = bytes()
            for w in words:
                data = data + w.encode("utf-8") + b"\\n"
            return data
        """,
        lambda n: (_words(n),),
        20_000,
        (([],), (["é"],)),
    ),
    Spelling(
        "s = '%s%s' % (s, x)",
        """
        def f(words):
            s = ""
            for w in words:
                s = "%s%s;" % (s, w)
            return s
        """,
        lambda n: (_words(n),),
        40_000,
        (([],), ([1, None],)),
    ),
    Spelling(
        "xs = xs + [x]",
        """
        def f(xs):
            out = []
            for x in xs:
                if x % 2 == 0:
                    out = out + [x]
            return out
        """,
        lambda n: (_ints(n),),
        40_000,
        (([],), ([2.0, True],)),
    ),
    Spelling(
        "xs = [*xs, a, b]",
        """
        def f(xs):
            out = list()
            for i, x in enumerate(xs):
                out = [*out, x, i]
            return out
        """,
        lambda n: (_ints(n),),
        20_000,
        (([],), ("ab",)),
    ),
    Spelling(
        "t = t + (x,)",
        """
        def f(xs):
            t = ()
            for x in xs:
                if x > 0:
                    t = t + (x,)
            return t
        """,
        lambda n: (_ints(n),),
        40_000,
        (([],), ([1.5, 0],)),
    ),
    Spelling(
        "t += (a, b) and len(t)",
        """
        def f(rows):
            t = tuple()
            for name, x in rows:
                if len(t) < 10**9:
                    t += (name, x)
            return t
        """,
        _rows,
        20_000,
        ODD_ROWS,
    ),
]

MEMBERSHIP = [
    Spelling(
        "if x not in out: out.append(x)",
        """
        def f(xs):
            out = []
            for x in xs:
                if x not in out:
                    out.append(x)
            return out
        """,
        lambda n: (_ints(n, n // 4),),
        10_000,
        (([],), ([1, 1.0, True],)),
    ),
    Spelling(
        "while + tuple pairs, not (a, b) in seen",
        """
        def f(pairs):
            seen = list()
            i = 0
            while i < len(pairs):
                a, b = pairs[i]
                if not (a, b) in seen:
                    seen.append((a, b))
                i += 1
            return seen
        """,
        lambda n: ([(x % 97, x % 89) for x in _ints(n)],),
        10_000,
        (([],), ([(1, 1.0)],)),
    ),
    Spelling(
        "uniq.count(w) == 0 on split words",
        """
        def f(text):
            uniq = []
            for w in text.split():
                w = w.lower()
                if uniq.count(w) == 0:
                    uniq.append(w)
            return uniq
        """,
        lambda n: (" ".join(_words(n)),),
        10_000,
        (("",), ("A a",)),
    ),
    Spelling(
        "key = (a, b) held in a name, not key in seen",
        """
        def f(rows):
            seen = []
            for name, x in rows:
                key = name[:4], x
                if not key in seen:
                    seen.append(key)
            return seen
        """,
        _rows,
        10_000,
        (*ODD_ROWS, ([("a", [1]), ("a", [1])],)),
    ),
    Spelling(
        "tag = row.get('tag') may be None",
        """
        def f(rows):
            tags = [None]
            for row in rows:
                tag = row.get("tag")
                if tag not in tags:
                    tags.append(tag)
            return tags
        """,
        lambda n: ([{"tag": x} if x % 5 else {} for x in _ints(n, n // 2)],),
        10_000,
        (([],), ([{"tag": 1}, {"tag": 1.0}, {}],), ([{"tag": [1]}, {"tag": [1]}],)),
    ),
    Spelling(
        "x in allowed (argument)",
        """
        def f(xs, allowed):
            kept = []
            for x in xs:
                if x in allowed:
                    kept.append(x)
            return kept
        """,
        lambda n: (_ints(n), _ints(n // 4)),
        20_000,
        (([], []), ([1], [1.0]), ([1], "1")),
    ),
    Spelling(
        "allowed.count(x) > 0 (argument)",
        """
        def f(xs, allowed):
            return [x for x in xs if allowed.count(x) > 0]
        """,
        lambda n: (_ints(n), _ints(n // 4)),
        20_000,
        (([], []), ([True], [1])),
    ),
    Spelling(
        "not w in stop (comprehension)",
        """
        def f(words, stop):
            return [w for w in words if not w in stop]
        """,
        lambda n: (_words(n), _words(n // 4)),
        20_000,
        (([], []), (["a"], "abc")),
    ),
    Spelling(
        "vocab.index(w) after a test",
        """
        def f(words, vocab):
            out = []
            for w in words:
                if w in vocab:
                    out.append(vocab.index(w))
            return out
        """,
        lambda n: (_words(n), sorted(set(_words(n)))[: n // 4]),
        20_000,
        (([], []), (["a"], ["a", "a"])),
    ),
    Spelling(
        "repeated remove",
        """
        def f(xs, drop):
            out = list(xs)
            for d in drop:
                if d in out:
                    out.remove(d)
            return out
        """,
        lambda n: (_ints(n), _ints(n // 4)),
        20_000,
        (([], []), ([1, 1.0, 2], [True])),
    ),
]

QUEUES = [
    Spelling(
        "q.pop(0) BFS",
        """
        def f(n):
            queue = [0]
            seen = {0}
            order = []
            while queue:
                node = queue.pop(0)
                order.append(node)
                for nxt in (2 * node + 1, 2 * node + 2):
                    if nxt < n and nxt not in seen:
                        seen.add(nxt)
                        queue.append(nxt)
            return order
        """,
        lambda n: (n,),
        200_000,
        ((0,), (-1,)),
    ),
    Spelling(
        "x = q[0]; del q[0]; while len(q) > 0",
        """
        def f(jobs):
            q = list(jobs)
            done = []
            while len(q) > 0:
                job = q[0]
                del q[0]
                if job % 7 == 3:
                    q.append(job + 1)
                done.append(job)
            return done
        """,
        lambda n: (_ints(n),),
        100_000,
        (([],), ((1, 3),)),
    ),
    Spelling(
        "x = q[0]; q = q[1:]; while q != []",
        """
        def f(jobs):
            pending = list(jobs)
            done = []
            while pending != []:
                job = pending[0]
                pending = pending[1:]
                done.append(job)
            return done
        """,
        lambda n: (_ints(n),),
        40_000,
        (([],),),
    ),
    Spelling(
        "insert(0, x) with pop() (stack at the head)",
        """
        def f(events, keep):
            recent = []
            for e in events:
                recent.insert(0, e)
                if len(recent) > keep:
                    recent.pop()
            return recent
        """,
        lambda n: (_ints(n), n // 2),
        100_000,
        (([], 0), ([1, 2], -1)),
    ),
    Spelling(
        "pop(0) with len(q) read each step",
        """
        def f(jobs):
            q = list(jobs)
            total = 0
            while q:
                total += len(q)
                q.pop(0)
            return total
        """,
        lambda n: (_ints(n),),
        100_000,
        (([],),),
    ),
]

ENABLERS = [
    Spelling(
        "w in counts.keys() counting",
        """
        def f(words):
            counts = {}
            for w in words:
                if w in counts.keys():
                    counts[w] += 1
                else:
                    counts[w] = 1
            return counts
        """,
        lambda n: (_words(n),),
        400_000,
        (([],),),
    ),
    Spelling(
        "for i in range(len(xs)) with xs[i] membership",
        """
        def f(xs, ys):
            out = []
            for i in range(len(xs)):
                if xs[i] not in ys:
                    out.append(xs[i])
            return out
        """,
        lambda n: (_ints(n), _ints(n // 4)),
        20_000,
        (([], []), ([1], [1.0])),
    ),
]


def _groups(n: int, width: int = 10) -> list[list[int]]:
    ints = _ints(n)
    return [ints[i : i + width] for i in range(0, len(ints), width)]


def _sets(n: int, width: int = 10) -> list[set[int]]:
    return [set(g) for g in _groups(n, width)]


INVARIANT = [
    Spelling(
        "x in allowed (*values)",
        """
        def f(xs, *allowed):
            return [x for x in xs if x in allowed]
        """,
        lambda n: (_ints(n), *_ints(n // 4)),
        20_000,
        (([],), ([1, 2], 1.0, True), ([(1, 2), None], (1, 2), None), ([[1]], [1])),
    ),
    Spelling(
        "w.lower() not in stop (*values, for)",
        """
        def f(words, *stop):
            out = []
            for w in words:
                if w.lower() not in stop:
                    out.append(w)
            return out
        """,
        lambda n: (_words(n), *[w.lower() for w in _words(n // 4)]),
        20_000,
        (([],), (["A", "b"], "a"), (["x"], 1, None)),
    ),
    Spelling(
        "while + items[i] in keep (*values)",
        """
        def f(items, *keep):
            count = 0
            i = 0
            while i < len(items):
                if items[i] in keep:
                    count += 1
                i += 1
            return count
        """,
        lambda n: (_ints(n), *_ints(n // 4)),
        20_000,
        (([],), ([1, True, 1.0], 1), ([None, (1,)], None, (1,))),
    ),
    Spelling(
        "w not in STOP (module list comprehension)",
        """
        STOP = [f"apple{i}" for i in range(0, 20_000, 4)]

        def f(words):
            return [w for w in words if w not in STOP]
        """,
        lambda n: (_words(n),),
        20_000,
        (([],), (["apple0", 0, None],)),
    ),
    Spelling(
        "x in BANNED (module list(range)), for + count",
        """
        BANNED = list(range(0, 20_000, 3))

        def f(xs):
            hits = 0
            for x in xs:
                if x in BANNED:
                    hits += 1
            return hits
        """,
        lambda n: (_ints(n),),
        20_000,
        (([],), ([3.0, True, "3", None],)),
    ),
    Spelling(
        "(a, b) in EDGES (module tuple display), while",
        """
        EDGES = tuple((i, (i * 7) % 101) for i in range(5000))

        def f(pairs):
            found = []
            i = 0
            while i < len(pairs):
                a, b = pairs[i]
                if (a, b) in EDGES:
                    found.append(i)
                i += 1
            return found
        """,
        lambda n: ([(x % 5000, x % 101) for x in _ints(n)],),
        20_000,
        (([],), ([(1, 7), (1.0, 7.0), (None, 1)],)),
    ),
    Spelling(
        "x in table.values() (argument)",
        """
        def f(xs, table):
            return [x for x in xs if x in table.values()]
        """,
        lambda n: (_ints(n), {i: v for i, v in enumerate(_ints(n // 4))}),
        20_000,
        (([], {}), ([1], {"a": 1.0}), ([1], {1: [1]}), ([(1,)], {0: (1,)})),
    ),
    Spelling(
        "w not in aliases.values() (for)",
        """
        def f(words, aliases):
            out = []
            for w in words:
                if w not in aliases.values():
                    out.append(w)
            return out
        """,
        lambda n: (_words(n), {f"k{i}": w for i, w in enumerate(_words(n // 4))}),
        20_000,
        (
            ([], {}),
            (["a"], {"x": "a", "y": None}),
        ),
    ),
    Spelling(
        "x in owners.values(), owners = dict(pairs)",
        """
        def f(ids, pairs):
            owners = dict(pairs)
            hits = 0
            for i in ids:
                if i in owners.values():
                    hits += 1
            return hits
        """,
        lambda n: (_ints(n), [(i, v) for i, v in enumerate(_ints(n // 4))]),
        20_000,
        (([], []), ([1], [(0, True)]), ([None], [(0, None)])),
    ),
    Spelling(
        "banned = [b.lower() for b in banned]",
        """
        def f(words, banned):
            banned = [b.lower() for b in banned]
            return [w for w in words if w.lower() not in banned]
        """,
        lambda n: (_words(n), _words(n // 4)),
        20_000,
        (([], []), (["A"], ["a", "B"])),
    ),
    Spelling(
        "keep = list(keep), for + append",
        """
        def f(xs, keep):
            keep = list(keep)
            out = []
            for x in xs:
                if x in keep:
                    out.append(x)
            return out
        """,
        lambda n: (_ints(n), _ints(n // 4)),
        20_000,
        (([], []), ([1, None], (1.0, None)), ([[1]], [[1]]), ([1], "1")),
    ),
    Spelling(
        "skip = [s for s in skip if s], while",
        """
        def f(items, skip):
            skip = [s for s in skip if s]
            kept = 0
            i = 0
            while i < len(items):
                if not items[i] in skip:
                    kept += 1
                i += 1
            return kept
        """,
        lambda n: (_ints(n), _ints(n // 4)),
        20_000,
        (([], []), ([0, 1, None], [0, 1.0, None]), ([(1, 2)], [(1, 2)])),
    ),
]

FOLDS = [
    Spelling(
        "sum(rows, [])",
        """
        def f(rows):
            return sum(rows, [])
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1]],), ([(1,)],), ([[1], "ab"],)),
    ),
    Spelling(
        "sum([r[1:] for r in rows], [])",
        """
        def f(rows):
            flat = sum([r[1:] for r in rows], [])
            return len(flat), flat[:3]
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1, 2]],), (["ab", "cd"],)),
    ),
    Spelling(
        "acc = sum(parts, list()) in a loop, then grown",
        """
        def f(blocks):
            out = []
            for parts in blocks:
                acc = sum(parts, list())
                acc.append(len(out))
                out.append(acc)
            return out
        """,
        lambda n: ([_groups(n // 4, 5) for _ in range(4)],),
        40_000,
        (([],), ([[]],), ([[[1], (2,)]],), ([range(0), range(0)],)),  # sum returns its start for an empty range
        note="hoist-invariant shares one list() start across iterations: open soundness bug (see tests)",
    ),
    Spelling(
        "reduce(operator.add, rows)",
        """
        import operator
        from functools import reduce

        def f(rows):
            return reduce(operator.add, rows)
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1]],), (["ab", "c"],), ([(1,), (2,)],), ([[1], (2,)],)),
    ),
    Spelling(
        "functools.reduce(lambda a, b: a + b, rows, [])",
        """
        import functools

        def f(rows):
            return functools.reduce(lambda a, b: a + b, rows, [])
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1]],), ([(1,)],)),
    ),
    Spelling(
        "reduce(concat, words) on strs",
        """
        from functools import reduce
        from operator import concat

        def f(words):
            return reduce(concat, words)
        """,
        lambda n: (_words(n),),
        40_000,
        (([],), (["a"],), (["a", [1]],)),
    ),
    Spelling(
        "s = s | set(g) in a loop, len(s)",
        """
        def f(groups):
            s = set()
            for g in groups:
                s = s | set(g)
            return len(s)
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1], [1.0, True]],)),
    ),
    Spelling(
        "tags = tags.union(r), returned",
        """
        def f(rows):
            tags = set()
            for r in rows:
                tags = tags.union(r)
            return tags
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1], (2, 2)],), ([[[1]]],)),
    ),
    Spelling(
        "seen = seen | {a, b} in a while, x in seen",
        """
        def f(pairs, probe):
            seen = set()
            i = 0
            while i < len(pairs):
                a, b = pairs[i]
                seen = seen | {a, b}
                i += 1
            return [x for x in probe if x in seen]
        """,
        lambda n: ([(x, x + 1) for x in _ints(n)], _ints(n // 4)),
        20_000,
        (
            ([], []),
            ([(1, 2)], [1.0, 3]),
        ),
    ),
    Spelling(
        "reduce(set.union, groups)",
        """
        from functools import reduce

        def f(groups):
            return reduce(set.union, groups)
        """,
        lambda n: (_sets(n),),
        40_000,
        (([],), ([{1}],), ([{1}, frozenset({2})],), ([{1}, [2]],)),
    ),
    Spelling(
        "u = functools.reduce(operator.or_, groups, set())",
        """
        import functools
        import operator

        def f(groups):
            u = functools.reduce(operator.or_, groups, set())
            return len(u)
        """,
        lambda n: (_sets(n),),
        40_000,
        (([],), ([{1}, {1.0}],), ([{1}, 3],)),
    ),
    Spelling(
        "return reduce(lambda a, b: a | b, [set(r) for r in rows])",
        """
        from functools import reduce

        def f(rows):
            return reduce(lambda a, b: a | b, [set(r) for r in rows])
        """,
        lambda n: (_groups(n),),
        40_000,
        (([],), ([[1]],), ([[1], [2, 2]],)),
    ),
]

CLASSES = {
    "building": BUILDING,
    "membership": MEMBERSHIP,
    "invariant": INVARIANT,
    "folds": FOLDS,
    "queues": QUEUES,
    "normalisation": ENABLERS,
}


def measure(spelling: Spelling, *, scale: float) -> Outcome:
    from perfkit.optimizers._code import bound_types
    from perfkit.optimizers._types import Context
    from perfkit.optimizers.rewrite import apply_rules

    source = textwrap.dedent(spelling.source).strip() + "\n"
    original: dict[str, Any] = {}
    exec(source, original)
    small = spelling.make(50)
    types = {k: frozenset(v) for k, v in bound_types(original["f"], [(small, {})]).items()}
    ctx = Context(
        name="f", source=source, module_name="__bench__", module_source=source, params=tuple(types), arg_types=types
    )
    new_source, fired = apply_rules(source, "f", ctx)
    outcome = Outcome(spelling, fired)
    if not fired:
        return outcome
    rewritten: dict[str, Any] = {k: v for k, v in original.items() if k != "f"}  # the module's globals, own f
    exec(new_source, rewritten)
    args = spelling.make(max(50, int(spelling.size * scale)))
    for trial in (args, *spelling.odd):
        outcome.same = outcome.same and _call(original["f"], trial) == _call(rewritten["f"], trial)
    best = {"original": math.inf, "rewritten": math.inf}
    for _ in range(2):  # interleaved: original, rewrite, original, rewrite
        for key, func in (("original", original["f"]), ("rewritten", rewritten["f"])):
            started = time.perf_counter()
            func(*args)
            best[key] = min(best[key], time.perf_counter() - started)
    outcome.original, outcome.rewritten = best["original"], best["rewritten"]
    return outcome


def _call(func: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("raised", type(exc).__name__)


def report(name: str, outcomes: list[Outcome]) -> list[str]:
    lines = [f"== {name}", f"{'spelling':46} {'fired':38} {'same':5} {'orig s':>8} {'new s':>8} {'speedup':>8}"]
    for o in outcomes:
        s = o.spelling
        fired = ", ".join(o.fired) or ("- (expected)" if s.expect_miss else "-")
        timing = f"{o.original:8.3f} {o.rewritten:8.3f} {o.speedup:7.1f}x" if o.fired else f"{'':8} {'':8} {'':>8}"
        lines.append(f"{s.name[:46]:46} {fired[:38]:38} {'yes' if o.same else 'NO':5} {timing}")
    hit = [o for o in outcomes if o.fired]
    geo = math.exp(sum(math.log(o.speedup) for o in hit) / len(hit)) if hit else 1.0
    wrong = sum(not o.same for o in outcomes)
    lines.append(
        f"   fired on {len(hit)}/{len(outcomes)} spellings; geometric-mean speedup where fired {geo:.1f}x; "
        f"different results: {wrong}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("classes", nargs="*", help=f"classes to run: {', '.join(CLASSES)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="sizes divided by 4")
    options = parser.parse_args(argv)
    unknown = [c for c in options.classes if c not in CLASSES]
    if unknown:
        parser.error(f"unknown class {unknown[0]!r}; choose from {', '.join(CLASSES)}")
    scale = 0.25 if options.quick else 1.0
    wrong = 0
    for name in options.classes or list(CLASSES):
        outcomes = [measure(s, scale=scale) for s in CLASSES[name]]
        wrong += sum(not o.same for o in outcomes)
        print("\n".join(report(name, outcomes)), flush=True)
    print(f"python {sys.version.split()[0]}; sizes x{scale}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
