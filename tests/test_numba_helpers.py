"""Strings passed on to helpers in numba kernels: a helper of the module, or one imported by name from a sibling
module when it reads nothing of its own module, takes the code points as the kernel does; a warning or logging
prologue runs in the wrapper, in Python; a range local sliced in a loop is read as a list.

Three spellings of each, unannotated; the functions live here (and in ``tests/_numba_shared.py``) so that the
verifier's child processes can import them.
"""

from __future__ import annotations

import logging
import random
import warnings
from typing import Any

import pytest
from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._numba_imports import module_facts
from perfkit.optimizers._numba_kinds import text_helpers
from perfkit.optimizers._numba_prepare import without_default_keywords

from ._numba_shared import capped, table_distance
from .test_numba_ints import _candidate, _context, _mismatches

_log = logging.getLogger(__name__)


def _matches(a, b):
    n = 0
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            n += 1
    return n


def similarity(s, t):  # a module helper, then arithmetic
    if not s or not t:
        return 0.0
    return _matches(s, t) / max(len(s), len(t))


def _common_prefix(a, b, cap):
    n = 0
    for x, y in zip(a, b, strict=False):  # the keyword ruff's B905 asks for: read as zip(a, b)
        if x != y or n == cap:
            break
        n += 1
    return n


def _score(a, b):
    return _matches(a, b) + _common_prefix(a, b, 4)  # a helper calling helpers


def winkler(s1, s2, p=0.1, max_l=4):  # a warning prologue, two helpers
    if not 0 <= max_l * p <= 1:
        warnings.warn(str("the product max_l * p is not within [0, 1]"), stacklevel=2)  # noqa: UP018  (nltk)
    base = _matches(s1, s2) / max(1, len(s1))
    return base + _common_prefix(s1, s2, max_l) * p * (1 - base)


def logged_score(a, b, level):  # a logging prologue
    if level > 1:
        _log.debug("scoring %d against %d characters", len(a), len(b))
    return _score(a, b)


def warned_distance(a, b):  # a module-logging prologue, then an imported helper
    if len(a) > 10**6:
        logging.info("long input")
    return table_distance(a, b, False)


def swap_distance(a, b):  # an imported helper with a flag, and a range local sliced in its loops
    return table_distance(a, b, True)


def bounded(a, b):  # an imported helper that reads its own module's constant: not compiled
    return capped(a, b)


def _words(rng: random.Random, n: int, alphabet: str = "abcd") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _pairs(rng: random.Random, sizes: tuple[int, ...]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    return [((_words(rng, n), _words(rng, n + 3)), {}) for n in sizes]


def _trials(rng: random.Random) -> list[tuple[Any, ...]]:
    pairs: list[tuple[Any, ...]] = [(_words(rng, a), _words(rng, b)) for a in (0, 1, 6, 40) for b in (0, 2, 39)]
    return [*pairs, ("é😀ab", "😀éab"), ("ab", ["a", "b"]), (b"ab", b"ba"), (None, "a")]


def test_strings_passed_to_module_helpers() -> None:
    rng = random.Random(1)
    context = _context(similarity, _pairs(rng, (5, 30)))
    assert text_helpers(context) == {"_matches": ({"a", "b"}, set())}
    candidate = _candidate(similarity, _pairs(rng, (5, 30)))
    assert not _mismatches(similarity, candidate, _trials(rng))
    scored = _candidate(_score, _pairs(rng, (5, 30)))
    assert not _mismatches(_score, scored, _trials(rng))


def test_warning_and_logging_prologues_run_in_the_wrapper() -> None:
    rng = random.Random(2)
    inputs = _pairs(rng, (5, 30))
    candidate = _candidate(winkler, inputs)
    trials = [(*pair, p, m) for pair in _trials(rng) for p, m in ((0.1, 4), (0.3, 4), (0.0, 0))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not _mismatches(winkler, candidate, trials)
    for function, args in ((winkler, ("ab", "ac", 0.5, 4)), (candidate, ("ab", "ac", 0.5, 4))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            function(*args)
        assert [str(w.message) for w in caught] == ["the product max_l * p is not within [0, 1]"]  # once each
    logged = _candidate(logged_score, [((*args, 2), {}) for args, _ in inputs])
    assert not _mismatches(logged_score, logged, [(*pair, level) for pair in _trials(rng) for level in (1, 2)])
    source = NumbaProposer(check_compile=False).propose(_context(logged_score, [((*a, 2), {}) for a, _ in inputs]), n=1)
    wrapper = source[0].source.split("\ndef logged_score(")[1]
    assert wrapper.splitlines()[1].strip() == "if level > 1:"  # first, before any conversion


def test_imported_helpers_compile_when_self_contained() -> None:
    rng = random.Random(3)
    inputs = _pairs(rng, (5, 30))
    for function in (warned_distance, swap_distance):
        candidate = _candidate(function, inputs)
        assert not _mismatches(function, candidate, _trials(rng))
        assert "_pk_nb_table_distance" in candidate.__globals__
    context = _context(bounded, inputs)
    proposer = NumbaProposer(check_compile=False)
    assert not proposer.propose(context, n=1)
    assert proposer.rejections[-1].endswith(
        "argument a (str) is not only characters to compare: it is used in `capped(a, b)`"
    )
    helpers = module_facts(context).functions
    assert "table_distance" in helpers and "capped" not in helpers  # capped reads its module's LIMIT


@pytest.mark.slow  # the verifier on a DP helper; test_numba_tables keeps one such run unmarked
def test_an_imported_helper_through_the_real_verifier() -> None:
    rng = random.Random(4)
    result = optimize_function(
        swap_distance,
        stress_inputs=_pairs(rng, (60, 300)),
        proposers=[NumbaProposer()],
        examples=30,
        measure_rounds=2,
        max_sizes=1,
    )
    (attempt,) = result.history
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert "def _pk_nb_table_distance(a, b, swaps):" in attempt.source


def test_zip_strict_false_is_plain_zip_and_strict_true_stays() -> None:
    assert without_default_keywords("for a, b in zip(x, y, strict=False):\n    pass\n") == (
        "for a, b in zip(x, y):\n    pass\n"
    )
    kept = "z = zip(x, y, strict=True)\n"
    assert without_default_keywords(kept) == kept and without_default_keywords("z = 1  # same\n") == "z = 1  # same\n"


integer_types = (int,)  # six's spelling


def checked_totient(n):  # a type assertion with a module tuple the kernel cannot read
    assert isinstance(n, integer_types)
    result = n
    p = 2
    while p * p <= n:
        if n % p == 0:
            while n % p == 0:
                n //= p
            result -= result // p
        p += 1
    if n > 1:
        result -= result // n
    return result


def checked_sum(xs, k):  # a type check that raises, then a loop
    if not isinstance(xs, list) or type(k) is not int:
        raise TypeError("a list and an int")
    total = 0
    for x in xs:
        total += x * k
    return total


def test_argument_checks_with_names_the_kernel_cannot_read_run_in_the_wrapper() -> None:
    totient = _candidate(checked_totient, [((97,), {}), ((10**6 + 3,), {})])
    assert not _mismatches(checked_totient, totient, [(n,) for n in (1, 2, 12, 2**40 + 15, 10**12)] + [(2.0,), (True,)])
    assert totient(10**6) == checked_totient(10**6) and totient.__globals__["_pk_jit_checked_totient"].signatures
    summed = _candidate(checked_sum, [(([1, 2, 3], 2), {}), (([4] * 50, 3), {})])
    trials = [([1, 2], 3), ((1, 2), 3), ([1, 2], 3.0), ([1.5], 2), ([2**62, 2**62], 2)]
    assert not _mismatches(checked_sum, summed, trials)
