"""Rules still run on functions that hold a lambda, as long as the lambda sees none of the function's own names
(``key=lambda p: p[1]``); a lambda that reads or reuses a local keeps them away. Unannotated code, several
spellings, checked by the verifier at real sizes."""

from __future__ import annotations

import random

from .test_optimizers_rewrite import rewrite_real, verified


def top_pairs(pairs):
    ranked = sorted(pairs, key=lambda p: (-p[1], p[0]))
    seen = []
    for name, _ in ranked:
        if name not in seen:
            seen.append(name)
    return seen


def queue_by_length(words):
    pending = list(filter(lambda s: len(s) > 1, words))
    out = []
    while pending:
        w = pending.pop(0)
        out.append(w.upper())
    return out


def report_lines(rows):
    text = ""
    for row in sorted(rows, key=lambda r: r[0]):
        text = text + str(row[0]) + ": " + ", ".join(map(lambda v: str(v), row[1])) + "\n"
    return text


def captures_a_local(words):
    seen = []
    rank = lambda w: seen.index(w) if w in seen else -1  # noqa: E731 - reads the local 'seen'
    for w in words:
        if w not in seen:
            seen.append(w)
    return sorted(seen, key=rank)


def reuses_a_name(words):
    out = []
    for w in words:
        if w not in out:
            out.append(w)
    return sorted(out, key=lambda out: len(out))  # the lambda's parameter shadows the local


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("abc") for _ in range(rng.randint(1, 4))) for _ in range(n)]


def test_rules_run_beside_lambdas_that_see_no_local_and_stay_exact() -> None:
    rng = random.Random(3)
    pairs = [(w, rng.randint(-5, 5)) for w in _words(3000, 1)]
    rows = [(i, [rng.randint(-9, 9) for _ in range(rng.randint(0, 4))]) for i in range(2000)]
    cases = [
        (top_pairs, [(pairs,)], [([],), ([("a", 1), ("a", 2), ("b", 1)],)]),
        (queue_by_length, [(_words(4000, 2),)], [([],), (["a", "bb", "é😀"],)]),
        (report_lines, [(rows,)], [([],), ([(2, []), (1, [0, -1])],)]),
    ]
    for func, observed, wide in cases:
        new, fired, verdict = verified(func, observed, wide)
        assert fired, func.__name__
        assert verdict.ok, (func.__name__, verdict.reason)
        assert "lambda" in new


def test_a_lambda_that_reads_or_reuses_a_local_keeps_the_rules_away() -> None:
    for func in (captures_a_local, reuses_a_name):
        _, fired = rewrite_real(func, [(_words(50, 4),)])
        assert fired == [], func.__name__
