"""Invariant ``Counter(...)`` calls hoisted out of loops when the module's source proves the name is
``collections.Counter`` (imported once, never rebound) and counting runs no user code (str, bytes, lists of scalars);
verified on unannotated functions at real sizes."""

from __future__ import annotations

import collections
import random
from collections import Counter

from .test_optimizers_rewrite import rewrite_real, verified


def anagrams_of(word, _list):  # pygorithm's spelling: the parameter is rebound before the loop
    word = word.lower()
    anagrams = []
    for words in _list:
        if word != words.lower():  # noqa: SIM102 (the library's own spelling)
            if Counter(word) == Counter(words.lower()):
                anagrams.append(words)
    return anagrams


def same_letters(target, candidates):
    return [w for w in candidates if collections.Counter(w) == collections.Counter(target)]


def anagram_windows(text, key):
    hits = []
    i = 0
    while i + len(key) <= len(text):
        if Counter(text[i : i + len(key)]) == Counter(key):
            hits.append(i)
        i += 1
    return hits


def rows_like(pattern, rows):
    hits = 0
    for row in rows:
        if Counter(row) == Counter(pattern):
            hits += 1
    return hits


def growing_word(word, extra):
    out = []
    for c in extra:
        word += c
        out.append(Counter(word) == Counter(extra))
    return out


def counter_changed(word, words):
    out = []
    for w in words:
        mine = Counter(word)
        mine.update(w)
        out.append(len(mine))
    return out


def words(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("aabcdeE") for _ in range(rng.randint(3, 6))) for _ in range(n)]


def test_anagram_spelling_hoists_the_word_counter() -> None:
    new, fired, verdict = verified(
        anagrams_of, [("Bead", words(20_000))], [("", ["", "a"]), ("ÄB", ["bä", "BÄ", "ab"]), ("aab", ["aba", "ab"])]
    )
    assert "hoist-invariant" in fired and ":= Counter(word)" in new, new
    assert verdict.ok, verdict.reason


def test_module_attribute_spelling_in_a_comprehension() -> None:
    new, fired, verdict = verified(same_letters, [("deab", words(20_000))], [("", [""]), ("x", [])])
    assert "hoist-invariant" in fired and ":= collections.Counter(target)" in new, new
    assert verdict.ok, verdict.reason


def test_while_loop_window_spelling() -> None:
    text = "".join(random.Random(4).choice("abcab") for _ in range(20_000))
    new, fired, verdict = verified(
        anagram_windows, [(text, "abca")], [("", ""), ("aa", ""), ("ab", "abc"), ("é" * 9, "éé")]
    )
    assert "hoist-invariant" in fired and ":= Counter(key)" in new, new
    assert verdict.ok, verdict.reason


def test_changed_or_mutated_counters_stay() -> None:
    new, _ = rewrite_real(growing_word, [("ab", "cde" * 100)])
    assert ":= Counter(word)" not in new and ":= Counter(extra)" in new, new  # only the unchanged one
    _, fired = rewrite_real(counter_changed, [("abc", words(100))])
    assert "hoist-invariant" not in fired
    _, fired = rewrite_real(rows_like, [([object()], [[1]])])  # objects: their __hash__/__eq__ may run user code
    assert "hoist-invariant" not in fired
    _, fired = rewrite_real(rows_like, [([1, 2], [[1]])])  # a list argument: Counter(row) is not yet known harmless
    assert "hoist-invariant" not in fired
