"""Generators over characters → ``map`` with a builtin or an ``operator`` function, behind a str/bytes/range check:
Distance's hamming spelling, counted matches, checksums and joins, verified at real sizes; lists of objects whose
methods raise ``StopIteration`` (where ``map`` and a generator differ) go to the original."""

from __future__ import annotations

import random
from collections.abc import Callable

from .test_optimizers_rewrite import rewrite_real, verified


class Stopper:
    """An element whose comparison raises StopIteration: a generator turns it into RuntimeError, map stops."""

    def __ne__(self, other):
        raise StopIteration

    def __eq__(self, other):
        raise StopIteration

    def __hash__(self):
        return 0


def hamming(seq1, seq2, normalized=False):  # Distance 0.1.3's spelling
    size = len(seq1)
    if size != len(seq2):
        raise ValueError("expected two strings of the same length")
    if size == 0:
        return 0.0 if normalized else 0
    dist = sum(c1 != c2 for c1, c2 in zip(seq1, seq2))  # noqa: B905
    if normalized:
        return dist / float(size)
    return dist


def matches(s, t):
    return sum(1 for a, b in zip(s, t) if a == b)  # noqa: B905


def checksum(word):
    total = sum(ord(c) for c in word)
    return total % 65521, max(ord(c) for c in word) if word else -1


def decode(data):
    return "".join(chr(b) for b in data)


def pairs_joined(xs, ys):
    return list(a + b for a, b in zip(xs, ys))  # noqa: B905


def lazy(s):
    return (ord(c) for c in s)


def swapped(s, t):
    return sum(b != a for a, b in zip(s, t))  # noqa: B905


def _compiled(source: str) -> Callable[..., object]:
    namespace = dict(globals())
    exec(source, namespace)
    return namespace["hamming"]  # type: ignore[no-any-return]


def _outcome(func: Callable[..., object], *args: object) -> object:
    try:
        return func(*args)
    except Exception as exc:  # the type is what must agree
        return type(exc)


def text(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("abcé ") for _ in range(n))


def test_hamming_spelling() -> None:
    a, b = text(50_000, 1), text(50_000, 2)
    wide = [("", ""), ("a", "b", True), ("ab", "a"), ([1, 2], [1, 3]), (b"ab", b"ac"), ("é", "e")]
    new, fired, verdict = verified(hamming, [(a, b), (a, b, True)], wide)
    assert "map-builtin" in fired and "map(_pk_operator.ne, seq1, seq2)" in new, new
    assert verdict.ok, verdict.reason
    assert _outcome(hamming, [Stopper()], [1]) is _outcome(_compiled(new), [Stopper()], [1]) is RuntimeError


def test_operator_pairs_and_counted_matches() -> None:
    a, b = text(50_000, 3), text(40_000, 4)
    _, fired = rewrite_real(matches, [(a, b)])
    assert "map-builtin" not in fired  # summing map's bools leaves sum's int fast path: no faster
    new, fired, verdict = verified(pairs_joined, [(a, b)], [("", "x"), (["a"], ["b"]), (range(3), range(3))])
    assert "map-builtin" in fired and "map(_pk_operator.add, xs, ys)" in new, new
    assert verdict.ok, verdict.reason


def test_builtin_of_each_character_or_byte() -> None:
    new, fired, verdict = verified(checksum, [(text(60_000, 5),)], [("",), ("\x00",), (["a", "b"],), (b"xyz",)])
    assert "map-builtin" in fired and "map(ord, word)" in new, new
    assert verdict.ok, verdict.reason
    data = bytes(random.Random(6).randrange(256) for _ in range(60_000))
    new, fired, verdict = verified(decode, [(data,)], [(b"",), ([65, 66],), (range(60, 70),), ([-1],)])
    assert "map-builtin" in fired and "map(chr, data)" in new, new
    assert verdict.ok, verdict.reason


def test_lazy_swapped_and_unknown_stay() -> None:
    for func, observed in ((lazy, [("abc",)]), (swapped, [("ab", "ba")])):
        _, fired = rewrite_real(func, observed)
        assert "map-builtin" not in fired, func.__name__
