"""Parallel assignments split per name (``seen, q = set(), [start]``), so the queue, membership and counting rules
see them; verified on unannotated functions at real sizes. A swap, or a later value that could raise, stays whole."""

from __future__ import annotations

import ast
import inspect
import random
import sys
import textwrap

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Context
from perfkit.optimizers.rules._split import split_parallel

from .test_optimizers_rewrite import verified


def graph(n: int, seed: int = 1) -> dict[int, set[int]]:
    rng = random.Random(seed)
    return {v: {rng.randrange(n) for _ in range(3)} for v in range(n)}


def bfs_set_queue(graph, start_vertex):  # pygorithm's spelling
    if start_vertex not in graph or graph[start_vertex] is None or graph[start_vertex] == []:
        return None
    visited, queue = set(), [start_vertex]
    while queue:
        vertex = queue.pop(0)
        if vertex not in visited:
            visited.add(vertex)
            queue.extend(sorted(graph[vertex] - visited))
    return visited


def bfs_order(adj, root):
    order, queue, depth = [], [root], 0
    while queue:
        node = queue.pop(0)
        order.append(node)
        depth += 1
        for nxt in adj.get(node, ()):
            if nxt not in order and nxt not in queue:
                queue.append(nxt)
    return order, depth


def levels(adj, root):
    frontier, seen = [(root, 0)], [root]
    out = []
    while len(frontier) > 0:
        node, d = frontier[0]
        del frontier[0]
        out.append((node, d))
        for nxt in sorted(adj.get(node, ())):
            if nxt not in seen:
                seen.append(nxt)
                frontier.append((nxt, d + 1))
    return out


def swap_stays(xs):
    a, b = 0, 1
    for x in xs:
        a, b = b, a + b + x
    return a


def raising_value_stays(xs, d):
    total, share = 0, 100 // d
    for x in xs:
        total += x * share
    return total


WIDE_GRAPHS = [({}, 0), ({0: set()}, 0), ({0: {0}}, 0), ({-1: {2, -1}, 2: {-1}}, -1), ({0: []}, 0)]


def test_pygorithm_bfs_spelling_becomes_a_deque() -> None:
    new, fired, verdict = verified(bfs_set_queue, [(graph(3000), 0)], [*WIDE_GRAPHS, (graph(5000, 2), 17)])
    assert "pop0-deque" in fired and "queue = _pk_deque([start_vertex])" in new, new
    assert verdict.ok, verdict.reason


def test_three_names_one_line_becomes_a_deque() -> None:
    adj = {v: [(v * 7 + 1) % 400, (v * 3) % 400] for v in range(400)}
    new, fired, verdict = verified(bfs_order, [(adj, 0)], [({}, 5), ({1: [1, 2], 2: [1]}, 1)])
    assert "pop0-deque" in fired and "depth = 0" in new, new
    assert verdict.ok, verdict.reason


def test_tuple_queue_with_del_and_shadow_set() -> None:
    adj = {v: {(v * 5 + 3) % 600, (v + 1) % 600} for v in range(600)}
    new, fired, verdict = verified(levels, [(adj, 0)], [({}, 0), ({0: {0}}, 0), ({"a": {"b"}, "b": {"a"}}, "a")])
    assert {"pop0-deque", "membership-local-list"} <= set(fired), new
    assert verdict.ok, verdict.reason


def _split(func) -> str:
    source = textwrap.dedent(inspect.getsource(func))
    _, tree = t.parse_function(source, func.__name__)
    t.link_parents(tree)
    ctx = Context(
        name=func.__name__, source=source, module_name=__name__, module_source=inspect.getsource(sys.modules[__name__])
    )
    split_parallel(tree, ctx)
    return ast.unparse(tree)


def test_swap_and_raising_value_are_not_split() -> None:
    new = _split(swap_stays)
    assert "a = 0\n    b = 1" in new and "a, b = (b, a + b + x)" in new, new
    new = _split(raising_value_stays)
    assert "total, share = (0, 100 // d)" in new, new
    new = _split(bfs_order)
    assert "order = []\n    queue = [root]\n    depth = 0" in new, new
