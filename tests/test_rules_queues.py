"""Lists used as queues: every spelling of taking from the front becomes a deque, verified on unannotated functions
at real sizes; escapes, slices and loops that change the queue keep the rule away."""

from __future__ import annotations

from .test_optimizers_rewrite import rewrite_real, verified


def bfs_pop0(n):
    queue = [0]
    seen = {0}
    order = []
    while queue:
        node = queue.pop(0)
        order.append(node)
        for nxt in (2 * node + 1, 2 * node + 2, node // 3):
            if nxt < n and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


def bfs_del(graph, start):
    q = [start]
    seen = [start]
    while len(q) > 0:
        node = q[0]
        del q[0]
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.append(nxt)
                q.append(nxt)
    return seen


def drain_slice(jobs):
    pending = list(jobs)
    done = []
    while pending != []:
        job = pending[0]
        pending = pending[1:]
        if job % 7 == 3:
            pending.append(job + 1)
        done.append(job)
    return done


def recent_first(events, keep):
    recent = []
    for e in events:
        recent.insert(0, e)
        if len(recent) > keep:
            recent.pop()
    return recent


def rotate(xs, k):
    q = list(xs)
    for _ in range(k):
        if not q:
            break
        q.append(q.pop(0))
    return q, len(q)


def test_queue_spellings_become_deques_and_verify() -> None:
    graph = {i: [(i * 7 + 1) % 3000, (i * 13 + 5) % 3000, i // 2] for i in range(3000)}
    jobs = [(i * 37) % 1000 for i in range(6000)]
    for func, observed, wide in (
        (bfs_pop0, [(200,)], [(-1,), (0,), (1,), (60_000,)]),
        (bfs_del, [({0: [1, 2], 1: [2]}, 0)], [({}, 5), ({"a": ["a", "b"]}, "a"), (graph, 0)]),
        (drain_slice, [(jobs[:50],)], [([],), ([3],), ((1, 2),), (jobs,)]),
        (recent_first, [(jobs[:50], 10)], [([], 0), (jobs, -1), (jobs, 5000), ("abc", 2)]),
        (rotate, [(jobs[:50], 7)], [([], 3), ([1], 0), (jobs, 6000)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "pop0-deque" in fired, (func.__name__, new)
        assert verdict.ok, (func.__name__, verdict.reason, new)
        assert "_pk_deque(" in new


def test_emptiness_tests_and_returns_keep_their_meaning() -> None:
    new = rewrite_real(drain_slice, [([1, 2],)])[0]
    assert "len(pending) != 0" in new and "pending = pending[1:]" not in new  # a deque never equals []
    assert "return (list(q), len(q))" in rewrite_real(rotate, [([1, 2], 1)])[0]
    assert "return list(recent)" in rewrite_real(recent_first, [([1, 2], 1)])[0]


def passed_on(xs, sink):
    q = list(xs)
    while q:
        sink(q)
        q.pop(0)
    return 0


def sliced(xs):
    q = list(xs)
    while q:
        q.pop(0)
        if q[:2] == [1, 1]:
            return 1
    return 0


def changed_while_iterated(xs):
    q = list(xs)
    for x in q:
        if x > 0:
            q.pop(0)
    return q


def from_argument(q):
    out = []
    while q:
        out.append(q.pop(0))
    return out


def concatenated(xs):
    q = list(xs)
    q.pop(0)
    return q + [0]  # noqa: RUF005  (the spelling under test)


def test_queue_rule_stays_away_from_escapes_slices_iteration_arguments_and_concatenation() -> None:
    for func, args in (
        (passed_on, ([1, 2], print)),
        (sliced, ([1, 2],)),
        (changed_while_iterated, ([1, 2],)),
        (from_argument, ([1, 2],)),  # the caller sees its list emptied
        (concatenated, ([1, 2],)),
    ):
        assert "pop0-deque" not in rewrite_real(func, [args])[1], func.__name__
