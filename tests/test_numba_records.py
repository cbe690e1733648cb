"""Lists of records in numba kernels: ``bodies`` as ``[([x, y, z], [vx, vy, vz], m), ...]`` and ``pairs`` of such
records become numba typed lists of tuples of arrays, each inner list converted once, so that lists shared between
records and arguments stay shared; the kernel's writes go back into the caller's very list objects.

Three spellings (unpacked in the ``for`` target as pyperformance's nbody does, unpacked in the body, and indexed),
unannotated; the functions live here so that the verifier's child processes can import them.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers.numba_jit import classify

from .test_numba_ints import _candidate


def advance(dt, n, bodies, pairs):
    for _ in range(n):
        for ([x1, y1, z1], v1, m1), ([x2, y2, z2], v2, m2) in pairs:
            dx = x1 - x2
            dy = y1 - y2
            dz = z1 - z2
            mag = dt * ((dx * dx + dy * dy + dz * dz) ** (-1.5))
            v1[0] -= dx * m2 * mag
            v1[1] -= dy * m2 * mag
            v1[2] -= dz * m2 * mag
            v2[0] += dx * m1 * mag
            v2[1] += dy * m1 * mag
            v2[2] += dz * m1 * mag
        for r, [vx, vy, vz], m in bodies:  # noqa: B007  (nbody's own spelling)
            r[0] += dt * vx
            r[1] += dt * vy
            r[2] += dt * vz


def drift(bodies, dt):
    total = 0.0
    for body in bodies:
        r, v, m = body
        for k in range(len(r)):
            r[k] = r[k] + v[k] * dt
        total += m
    return total


def kick(bodies, dt):
    for i in range(len(bodies)):
        bodies[i][1][0] += bodies[i][2] * dt


def _system(rng: random.Random, n: int) -> tuple[list[Any], list[Any]]:
    def body() -> tuple[list[float], list[float], float]:
        return [rng.uniform(-5, 5) for _ in range(3)], [rng.uniform(-1, 1) for _ in range(3)], rng.uniform(1, 2)

    bodies = [body() for _ in range(n)]
    pairs = [(bodies[i], bodies[j]) for i in range(n) for j in range(i + 1, n)]
    return bodies, pairs


def _same_effect(func: Any, candidate: Any, args: tuple[Any, ...]) -> bool:
    """The same result and the same final values in the same list objects (and shared lists still shared)."""
    mine, theirs = copy.deepcopy(args), copy.deepcopy(args)  # deepcopy keeps the sharing between records and pairs
    outcomes = []
    for function, given in ((func, mine), (candidate, theirs)):
        try:
            outcomes.append(("returned", function(*given)))
        except Exception as exc:
            outcomes.append(("raised", type(exc)))
    return outcomes[0] == outcomes[1] and mine == theirs


def test_lists_of_records_and_pairs_of_them_are_classified() -> None:
    assert classify("list[tuple[list[float], list[], float] | tuple[list[float], list[float], float]]") == (
        "objects:(1, 1, 0)"
    )
    pairs = "list[tuple[tuple[list[float], list[float], float], tuple[list[float], list[float], float]]]"
    assert classify(pairs) == "objects:((1, 1, 0), (1, 1, 0))"
    assert classify("list[tuple[list[float], str]]") == "other" and classify("list[tuple[int, int]]") == "matrix"


def test_nbody_steps_write_back_into_the_shared_lists() -> None:
    rng = random.Random(5)
    candidate = _candidate(advance, [((0.01, 3, *_system(rng, 3)), {}), ((0.01, 5, *_system(rng, 4)), {})])
    for n in (2, 5):
        bodies, pairs = _system(rng, n)
        assert _same_effect(advance, candidate, (0.01, 10, bodies, pairs))
        sun = bodies[0]
        candidate(0.01, 3, bodies, pairs)
        assert bodies[0] is sun and pairs[0][0][1] is bodies[0][1]  # the caller's objects, still shared
    mixed = [([1, 2, 3], [0.5, 0.5, 0.5], 1.0), ([1.5, 2.0, 3.0], [0.5, 0.5, 0.5], 1.0)]  # ints in one record
    assert _same_effect(advance, candidate, (0.1, 2, mixed, [(mixed[0], mixed[0])]))  # 0 ** -1.5 raises
    assert _same_effect(advance, candidate, (0.1, 2, mixed, [(mixed[0], mixed[1])]))


def test_records_unpacked_in_the_body_or_indexed() -> None:
    rng = random.Random(6)
    moved = _candidate(drift, [((_system(rng, 3)[0], 0.1), {}), ((_system(rng, 5)[0], 0.2), {})])
    bodies = _system(rng, 4)[0]
    shared = bodies[0][1]
    bodies[2] = (bodies[2][0], shared, bodies[2][2])  # two records share one velocity list
    assert _same_effect(drift, moved, (bodies, 0.3))
    kicked = _candidate(kick, [((_system(rng, 3)[0], 0.1), {}), ((_system(rng, 5)[0], 0.2), {})])
    bodies = _system(rng, 4)[0]
    bodies[3] = (bodies[3][0], bodies[1][1], bodies[3][2])
    assert _same_effect(kick, kicked, (bodies, 0.5))  # the shared list gets both kicks, as in Python
    frozen = [((1.0, 2.0), (0.1, 0.2), 1.0)]  # tuples inside: the kernel would write them, the original raises
    try:
        kicked(frozen, 0.5)
    except TypeError:
        pass
    else:
        raise AssertionError("a tuple inside a record was written to")


def test_nbody_through_the_real_verifier() -> None:
    rng = random.Random(7)
    inputs = [((0.01, steps, *_system(rng, 5)), {}) for steps in (5, 50)]
    result = optimize_function(advance, stress_inputs=inputs, proposers=[NumbaProposer()], examples=20, max_sizes=1)
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "_pkb_objects(bodies" in attempt.source and "_pkb_write_memo(_pk_memo)" in attempt.source
