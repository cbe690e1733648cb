"""Input generators of the real-code corpus, written by us (the corpus functions are not).

Each generator is ``gen(rng, size, wide)`` -> ``(args, kwargs)``. ``size`` is the input's scale (a length, a count
or a number of digits, as the manifest says). ``wide=False`` draws the everyday inputs that play the role of a
workload's captured inputs; ``wide=True`` draws the hidden check's inputs: the same types with other value ranges
(negatives, zero, empty, duplicates, unicode, mixed case, large values), within what the function accepts or
rejects by raising. Generators are deterministic in ``rng`` and never iterate a set (hash order would differ
between processes).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Args = tuple[tuple[Any, ...], dict[str, Any]]
Generator = Callable[[random.Random, int, bool], Args]

NARROW = "abcdefgh"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
WIDE = LETTERS + "ABCDEFXYZ  -'éèßçøñüÅ中文字😀\u0301"
NAMES = ["smith", "macdonald", "knight", "philips", "schmidt", "kathryn", "wright", "evans", "van der berg", "agnes"]


def _text(rng: random.Random, n: int, wide: bool) -> str:
    if wide and rng.random() < 0.1:
        return ""
    alphabet = WIDE if wide else NARROW
    return "".join(rng.choice(alphabet) for _ in range(n))


def _related(rng: random.Random, text: str, wide: bool) -> str:
    """A string that shares most of ``text``, with edits (as in record linkage)."""
    chars = list(text)
    alphabet = WIDE if wide else NARROW
    for _ in range(max(1, len(chars) // 5)):
        where = rng.randrange(len(chars) + 1)
        move = rng.random()
        if move < 0.4 and chars:
            chars[min(where, len(chars) - 1)] = rng.choice(alphabet)
        elif move < 0.7:
            chars.insert(where, rng.choice(alphabet))
        elif chars:
            del chars[min(where, len(chars) - 1)]
    return "".join(chars)


def _ints(rng: random.Random, n: int, wide: bool, *, low: int = 0, high: int = 10**6) -> list[int]:
    if wide:
        pool = [rng.randint(-(10**9), 10**9) for _ in range(max(1, n // 4 + 1))] + [0, -1, 1, 2**40]
        return [rng.choice(pool) for _ in range(n)]  # duplicates on purpose
    return [rng.randint(low, high) for _ in range(n)]


def _floats(rng: random.Random, n: int, wide: bool) -> list[float]:
    if wide:
        return [
            rng.choice((rng.uniform(-1e6, 1e6), rng.uniform(-1, 1), 0.0, float(rng.randint(-5, 5)))) for _ in range(n)
        ]
    return [rng.uniform(0.5, 1.5) for _ in range(n)]


def two_strings(rng: random.Random, size: int, wide: bool) -> Args:
    """Two related strings of about ``size`` characters (edit distances, alignments)."""
    first = _text(rng, size if not wide else rng.randint(0, size), wide)
    second = _related(rng, first, wide) if first and rng.random() < 0.8 else _text(rng, rng.randint(0, size), wide)
    return (first, second), {}


def two_strings_equal_length(rng: random.Random, size: int, wide: bool) -> Args:
    """Two strings of the same length (Hamming distance)."""
    n = size if not wide else rng.randint(0, size)
    first = _text(rng, n, wide)
    second = "".join(c if rng.random() < 0.7 else rng.choice(WIDE if wide else NARROW) for c in first)
    return (first, second), {}


def two_strings_any_length(rng: random.Random, size: int, wide: bool) -> Args:
    """Two strings whose lengths may differ (jellyfish's Hamming distance counts the excess)."""
    (first, second), _ = two_strings_equal_length(rng, size, wide)
    if wide and rng.random() < 0.5:
        second += _text(rng, rng.randint(0, 5), wide)
    return (first, second), {}


def jaro_args(rng: random.Random, size: int, wide: bool) -> Args:
    """jellyfish's ``_jaro_winkler(ying, yang, long_tolerance, winklerize)``."""
    (first, second), _ = two_strings(rng, size, wide)
    return (first, second, rng.random() < 0.5, rng.random() < 0.7 or not wide), {}


def name_text(rng: random.Random, size: int, wide: bool) -> Args:
    """A name-like string of about ``size`` characters (phonetic codes)."""
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(NAMES) if not wide or rng.random() < 0.6 else _text(rng, rng.randint(1, 8), True))
    text = "".join(parts)[: size if not wide else rng.randint(0, size)]
    if wide and rng.random() < 0.3:
        text = text.upper()
    return (text,), {}


def words_text(rng: random.Random, size: int, wide: bool) -> Args:
    """A word of ``size`` letters (``word_numerical_val``; wide: mixed case, sometimes an illegal character)."""
    word = "".join(rng.choice(LETTERS) for _ in range(size if not wide else rng.randint(0, size)))
    if wide:
        word = "".join(c.upper() if rng.random() < 0.3 else c for c in word)
        if rng.random() < 0.2:
            word += rng.choice("1 -é")
    return (word,), {}


def sequences(rng: random.Random, size: int, wide: bool) -> Args:
    """Two sequences for the ``distance`` package: strings, or lists of small ints when wide."""
    if wide and rng.random() < 0.3:
        first = _ints(rng, rng.randint(0, size), False, low=-3, high=3)
        second = [x if rng.random() < 0.7 else rng.randint(-3, 3) for x in first] + _ints(rng, rng.randint(0, 3), False)
        return (first, second), {}
    return two_strings(rng, size, wide)


def sequences_normalized(rng: random.Random, size: int, wide: bool) -> Args:
    """``nlevenshtein(seq1, seq2, method)``: two sequences and the normalisation method (1 or 2)."""
    (first, second), _ = sequences(rng, size, wide)
    return (first, second), {"method": rng.choice((1, 2))}


def sequences_positions(rng: random.Random, size: int, wide: bool) -> Args:
    """``lcsubstrings(seq1, seq2, positions)``."""
    (first, second), _ = two_strings(rng, size, wide)
    return (first, second), {"positions": wide and rng.random() < 0.5}


def sequences_equal_normalized(rng: random.Random, size: int, wide: bool) -> Args:
    """``hamming(seq1, seq2, normalized)`` from ``distance`` (lengths must match; wide: sometimes they don't)."""
    (first, second), _ = two_strings_equal_length(rng, size, wide)
    if wide and rng.random() < 0.1:
        second += "x"
    return (first, second), {"normalized": wide and rng.random() < 0.5}


def int_list(rng: random.Random, size: int, wide: bool) -> Args:
    """A list of ``size`` ints (sorting, subsequences); wide: negatives, duplicates, huge, empty."""
    n = size if not wide else rng.randint(0, size)
    return (_ints(rng, n, wide),), {}


def prices(rng: random.Random, size: int, wide: bool) -> Args:
    """A random walk of prices (``max_profit_naive``)."""
    n = size if not wide else rng.randint(0, size)
    price, out = 1000, []
    for _ in range(n):
        price = max(0 if not wide else -50, price + rng.randint(-20, 20))
        out.append(price)
    return (out,), {}


def graph_sets(rng: random.Random, size: int, wide: bool) -> Args:
    """An adjacency dict of sets with ``size`` vertices and a start vertex (pygorithm's BFS)."""
    n = max(1, size if not wide else rng.randint(1, size))
    graph = {v: {rng.randrange(n) for _ in range(rng.randint(0 if wide else 1, 4))} for v in range(n)}
    start = rng.randrange(n) if not wide or rng.random() < 0.9 else n + 5
    return (graph, start), {}


def anagram_args(rng: random.Random, size: int, wide: bool) -> Args:
    """A word and a list of ``size`` candidate words, some of them anagrams."""
    word = "".join(rng.choice(NARROW if not wide else WIDE) for _ in range(rng.randint(1 if not wide else 0, 6)))
    words = []
    for _ in range(size if not wide else rng.randint(0, size)):
        if rng.random() < 0.2:
            shuffled = list(word)
            rng.shuffle(shuffled)
            w = "".join(shuffled)
            words.append(w.upper() if wide and rng.random() < 0.3 else w)
        else:
            words.append(_text(rng, rng.randint(1, 7), wide) or "a")
    return (word, words), {}


def isogram_word(rng: random.Random, size: int, wide: bool) -> Args:
    """A long string of distinct letters (worst case of a list-membership isogram test)."""
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + max(size, 1))]  # letters, all distinct
    rng.shuffle(alphabet)
    word = "".join(alphabet[: size if not wide else rng.randint(0, size)])
    if wide and word and rng.random() < 0.5:
        word += rng.choice(word).upper()  # a repeat
    if wide and rng.random() < 0.3:
        word = "".join(rng.choice(WIDE) for _ in range(rng.randint(0, 12)))
    return (word,), {}


def small_int(rng: random.Random, size: int, wide: bool) -> Args:
    """An int argument equal to ``size`` (counts, limits); wide: a smaller value, sometimes 0 or 1."""
    if wide:
        return (rng.choice((0, 1, 2, 3, rng.randint(0, size))),), {}
    return (size,), {}


def positive_int(rng: random.Random, size: int, wide: bool) -> Args:
    """An int in [1, size] (wide: small edge values, 2, primes and squares)."""
    if wide:
        return (rng.choice((1, 2, 3, 4, 9, 25, 97, rng.randint(1, size), rng.randint(1, 60) ** 2)),), {}
    return (rng.randint(size // 2, size),), {}


def int_with_digits(rng: random.Random, size: int, wide: bool) -> Args:
    """A number of ``size`` digits whose smallest prime factor is large (trial division's worst case)."""
    if wide:
        return (rng.choice((2, 3, 4, 9, 15, 49, 97, 1024, 3 * 3 * 7 * 11, rng.randint(2, 10**6))),), {}
    half = max(1, size // 2)
    p, q = _prime_near(rng, 10**half), _prime_near(rng, 10 ** (size - half))
    return (p * q,), {}


def prime_with_digits(rng: random.Random, size: int, wide: bool) -> Args:
    """A prime of ``size`` digits (primality tests run to the square root)."""
    if wide:
        return (rng.choice((0, 1, 2, 3, 4, 25, 49, 91, 97, 561, rng.randint(-10, 10**5))),), {}
    return (_prime_near(rng, 10 ** (size - 1)),), {}


def _prime_near(rng: random.Random, scale: int) -> int:
    n = rng.randint(scale, 2 * scale) | 1
    while any(n % d == 0 for d in range(3, int(n**0.5) + 1, 2)):
        n += 2
    return n


def range_pair(rng: random.Random, size: int, wide: bool) -> Args:
    """``between(m, n)``: a range of ``size`` numbers (wide: empty, reversed, even starts)."""
    if wide:
        m = rng.randint(2, 500)
        return (m, m + rng.randint(-5, 200)), {}
    m = rng.randint(10**5, 2 * 10**5)
    return (m, m + size), {}


def big_int_base(rng: random.Random, size: int, wide: bool) -> Args:
    """``decimal_to_base(num, b)``: a number of ``size`` digits and a base in 2..36 (wide: other bases, 0)."""
    if wide:
        return (rng.choice((0, 1, 35, 36, rng.randint(0, 10**6))), rng.choice((1, 2, 7, 16, 36, 37))), {}
    return (rng.randint(10 ** (size - 1), 10**size), rng.choice((2, 3, 16, 36))), {}


def int_list_positive(rng: random.Random, size: int, wide: bool) -> Args:
    """``lcm_n(num_list)``: ``size`` positive ints (wide: zeros, ones, duplicates, one or no element)."""
    if wide:
        return ([rng.choice((0, 1, 2, 6, 12, rng.randint(1, 1000))) for _ in range(rng.randint(0, 8))],), {}
    return ([rng.randint(2, 20) for _ in range(size)],), {}  # the LCM stays below 2**53 (lcm uses float division)


def float_vector(rng: random.Random, size: int, wide: bool) -> Args:
    """A list of ``size`` floats (spectral norm's vector)."""
    return (_floats(rng, size if not wide else rng.randint(0, size), wide),), {}


def index_and_vector(rng: random.Random, size: int, wide: bool) -> Args:
    """The ``(i, u)`` pair of spectral norm's ``part_A_times_u``."""
    u = _floats(rng, size if not wide else rng.randint(0, size), wide)
    return ((rng.randint(0, max(0, len(u) - 1)) if not wide else rng.randint(0, 3 * size + 3), u),), {}


def _bodies(rng: random.Random, n: int, wide: bool) -> list[Any]:
    bodies = []
    for _ in range(n):
        spread = 50.0 if not wide else 1e4
        position = [rng.uniform(-spread, spread) for _ in range(3)]
        velocity = [rng.uniform(-1, 1) for _ in range(3)]
        bodies.append((position, velocity, rng.uniform(0.001, 40.0)))
    return bodies


def _pairs(bodies: list[Any]) -> list[Any]:
    return [(bodies[i], bodies[j]) for i in range(len(bodies)) for j in range(i + 1, len(bodies))]


def energy_args(rng: random.Random, size: int, wide: bool) -> Args:
    """``report_energy(bodies, pairs, e)``: ``size`` bodies and all their pairs."""
    bodies = _bodies(rng, size if not wide else rng.randint(0, size), wide)
    return (bodies, _pairs(bodies)), ({"e": rng.uniform(-5, 5)} if wide else {})


def advance_args(rng: random.Random, size: int, wide: bool) -> Args:
    """``advance(dt, n, bodies, pairs)``: ``size`` steps of 5 bodies (the bodies are updated in place)."""
    bodies = _bodies(rng, 5 if not wide else rng.randint(0, 6), wide)
    steps = size if not wide else rng.randint(0, 50)
    return (rng.choice((0.01, 0.001)) if not wide else rng.uniform(-0.1, 0.1), steps, bodies, _pairs(bodies)), {}


def any_list(rng: random.Random, size: int, wide: bool) -> Args:
    """``combinations(l)``: a list of ``size`` items (wide: mixed types, duplicates, empty)."""
    n = size if not wide else rng.randint(0, size)
    if wide:
        return ([rng.choice((1, -2, "a", (1, 2), None, 3.5, "é")) for _ in range(n)],), {}
    return (list(range(n)),), {}


def grid(rng: random.Random, size: int, wide: bool) -> Args:
    """``count_paths_recursive(m, n)``: grid sides summing to about ``size``."""
    if wide:
        return (rng.randint(-1, 8), rng.randint(-1, 8)), {}
    m = size // 2
    return (m, size - m), {}


# --- generators of the held-out-2 half (written before any perfkit run on it)

_PRIMES = (2, 3, 7, 65537, 1000003, 2**31 - 1, 2**61 - 1)


def int_limit(rng: random.Random, size: int, wide: bool) -> Args:
    """An int limit or count equal to ``size``; wide: small values, zero and negatives."""
    if wide:
        return (rng.choice((-3, -1, 0, 1, 2, 3, rng.randint(0, size))),), {}
    return (size,), {}


def pool_and_r(rng: random.Random, size: int, wide: bool) -> Args:
    """``permutations(iterable, r)``: ``size`` distinct items (wide: mixed items, duplicates, a string, any r)."""
    if not wide:
        return (list(range(size)),), {}
    n = rng.randint(0, size)
    pool: Any = [rng.choice((1, -2, "a", (1, 2), None, 3.5, "é", 1)) for _ in range(n)]
    if rng.random() < 0.3:
        pool = "".join(rng.choice(WIDE) for _ in range(n))
    r = rng.choice((None, None, 0, -1, rng.randint(0, n)))
    return (pool,), ({} if r is None and rng.random() < 0.5 else {"r": r})


def _fft_vector(rng: random.Random, n: int, wide: bool) -> Any:
    from array import array

    values = _floats(rng, n, wide)
    return list(values) if wide and rng.random() < 0.3 else array("d", values)


def fft_data(rng: random.Random, size: int, wide: bool) -> Args:
    """``(N, data)`` for scimark's FFT: ``size`` complex points as 2*size doubles (wide: other powers of two, N
    unlike the data's length, a list instead of an array). N // 2 stays a power of two (or 0): for any other
    value FFT_bitreverse never ends, outside the domain the benchmark calls it on."""
    if not wide:
        return (2 * size, _fft_vector(rng, 2 * size, False)), {}
    points = rng.choice((0, 1, 2, 4, 8, 2 ** rng.randint(0, max(0, size.bit_length() - 1))))
    data = _fft_vector(rng, 2 * points, True)
    n = 2 * points if rng.random() < 0.8 else rng.choice((0, 1, 2 * points + 1, points, 4 * max(1, points)))
    return (n, data), {}


def fft_transform_args(rng: random.Random, size: int, wide: bool) -> Args:
    """``(N, data, direction)`` for scimark's FFT (direction -1 forward, +1 inverse; wide: other directions, and
    sometimes an N whose half is not a power of two, which the transform rejects by raising)."""
    (n, data), _ = fft_data(rng, size, wide)
    if wide and rng.random() < 0.1:
        n = rng.choice((6, 10, 2 * len(data) // 2 + 6))
    return (n, data, rng.choice((-1, 1)) if not wide else rng.choice((-1, 1, 0, 2, -1.5))), {}


def semiprime(rng: random.Random, size: int, wide: bool) -> Args:
    """A number of ``size`` digits with two large prime factors (trial division's worst case); wide: 0, 1,
    negatives, primes, prime powers, squares of large primes, smooth numbers."""
    if wide:
        big = _prime_near(rng, 10**4)
        choices = (
            0,
            1,
            2,
            3,
            -7,
            4,
            1024,
            3**15,
            2**40,
            big,
            big * big,
            2 * 3 * 5 * 7 * 11 * 13,
            rng.randint(2, 10**7),
        )
        return (rng.choice(choices),), {}
    half = max(1, size // 2)
    return (_prime_near(rng, 10**half) * _prime_near(rng, 10 ** (size - half)),), {}


def unit_mod_prime(rng: random.Random, size: int, wide: bool) -> Args:
    """``order_mod(x, m)``: a prime modulus up to ``size`` and a generator x of its group (wide: composite and tiny
    moduli, x not a unit, negative x, x above m)."""
    if not wide:  # a generator of the group: the order is m - 1 (a primality or discrete-log workload's worst case)
        m = _prime_near(rng, max(5, size // 2))
        factors, rest, d = [], m - 1, 2
        while d * d <= rest:
            if rest % d == 0:
                factors.append(d)
                while rest % d == 0:
                    rest //= d
            d += 1
        factors += [rest] if rest > 1 else []
        x = rng.randint(2, m - 2)
        while any(pow(x, (m - 1) // q, m) == 1 for q in factors):
            x = rng.randint(2, m - 2)
        return (x, m), {}
    m = rng.choice((0, 1, 2, 15, 64, 97, rng.randint(2, size), _prime_near(rng, max(3, size // 2))))
    x = rng.choice((1, 2, -1, -3, m + 1, rng.randint(-m - 3, 2 * m + 3)))
    return (x, m), {}


def _monic(rng: random.Random, degree: int, p: int) -> list[int]:
    return [rng.randrange(p) for _ in range(degree)] + [1]


def poly_exp_args(rng: random.Random, size: int, wide: bool) -> Args:
    """``polynomial_exp_mod(base, exponent, polymod, p)``: degree-``size`` polynomials over a large prime field
    (wide: small primes, exponent 0 or 1 or too large, a non-monic modulus, an empty base, negative coefficients)."""
    if not wide:
        p = rng.choice(_PRIMES[-3:])
        base = [rng.randrange(p) for _ in range(size)]
        return (base, rng.randrange(p), _monic(rng, size, p), p), {}
    p = rng.choice(_PRIMES)
    degree = rng.randint(1, max(1, size))
    base = [rng.randint(-p, p) for _ in range(rng.randint(0, degree + 2))]
    polymod = _monic(rng, degree, p)
    if rng.random() < 0.1:
        polymod[-1] = rng.choice((0, 2, p + 1))
    exponent = rng.choice((0, 1, 2, p - 1, p, rng.randrange(p)))
    return (base, exponent, polymod, p), {}


def poly_mul_args(rng: random.Random, size: int, wide: bool) -> Args:
    """``polynomial_multiply_mod(m1, m2, polymod, p)``: two degree-``size`` polynomials and a monic modulus of the
    same degree over a large prime field (wide: small primes, empty or short operands, a non-monic modulus)."""
    if not wide:
        p = rng.choice(_PRIMES[-3:])
        m1 = [rng.randrange(p) for _ in range(size)]
        m2 = [rng.randrange(p) for _ in range(size)]
        return (m1, m2, _monic(rng, size, p), p), {}
    p = rng.choice(_PRIMES)
    m1 = [rng.randint(-p, 2 * p) for _ in range(rng.randint(0, size))]
    m2 = [rng.randint(-p, 2 * p) for _ in range(rng.randint(0, size))]
    polymod = _monic(rng, rng.randint(0, size), p)
    if rng.random() < 0.1:
        polymod[-1] = 3
    return (m1, m2, polymod, p), {}


def squarefree_int(rng: random.Random, size: int, wide: bool) -> Args:
    """``moebius(n)``: a squarefree n about ``size`` (the loop runs to n); wide: negatives, 0, 1, squares, primes,
    a float and a numeric string (the function calls int() on its argument)."""
    if wide:
        return (rng.choice((0, 1, -1, 2, 4, 12, -30, 97, 30.0, "30", 49, rng.randint(-size, size))),), {}
    return (6 * _prime_near(rng, max(5, size // 12)),), {}


def n_and_k(rng: random.Random, size: int, wide: bool) -> Args:
    """Stirling numbers' ``(n, k)``: n = ``size``, k = n // 2 (wide: negatives, k = 0, 1, n and above n)."""
    if wide:
        n = rng.choice((-1, 0, 1, 2, rng.randint(0, size)))
        return (n, rng.choice((-1, 0, 1, n, n + 1, rng.randint(0, max(0, n))))), {}
    return (size, size // 2), {}


def big_int_radix(rng: random.Random, size: int, wide: bool) -> Args:
    """``small_numeral(n, base, digits)``: a positive number of ``size`` digits and a base in 2..36 other than 10
    (wide: 0, base 10 and 36, base 0, short digit strings)."""
    if wide:
        n = rng.choice((0, 1, 35, 36, rng.randint(0, 10**size)))
        kwargs: dict[str, Any] = {"digits": rng.choice(("01", "0123456789abcdef"))} if rng.random() < 0.2 else {}
        return (n, rng.choice((0, 2, 3, 10, 16, 36, 37))), kwargs
    return (rng.randint(10 ** (size - 1), 10**size), rng.choice((2, 3, 7, 16, 36))), {}


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def payload_bytes(rng: random.Random, size: int, wide: bool) -> Args:
    """``b58encode(v)``: ``size`` random bytes after a few zero bytes (wide: empty, all zeros, ASCII and
    non-ASCII str, bytearray)."""
    if not wide:
        return (bytes(rng.randint(0, 3)) + bytes(rng.randrange(256) for _ in range(size)),), {}
    n = rng.randint(0, size)
    data = bytes(rng.choice((0, 0, 1, 255, rng.randrange(256))) for _ in range(n))
    shape = rng.random()
    if shape < 0.15:
        return ("".join(rng.choice(LETTERS) for _ in range(n)),), {}
    if shape < 0.25:
        return (_text(rng, n, True),), {}
    if shape < 0.3:
        return (bytearray(data),), {}
    return (data,), {}


def base58_text(rng: random.Random, size: int, wide: bool) -> Args:
    """``b58decode(v)``: ``size`` Base58 characters as bytes after a few '1's (wide: str, trailing whitespace,
    characters outside the alphabet, empty)."""
    if not wide:
        text = "1" * rng.randint(0, 3) + "".join(rng.choice(_B58) for _ in range(size))
        return (text.encode("ascii"),), {}
    text = "1" * rng.randint(0, 3) + "".join(rng.choice(_B58) for _ in range(rng.randint(0, size)))
    shape = rng.random()
    if shape < 0.15:
        text += rng.choice(("0", "O", "l", "I", "-", "é"))
    elif shape < 0.3:
        text += rng.choice(("\n", "  ", "\t"))
    return (text if rng.random() < 0.3 else text.encode("utf-8"),), {}


def nonnegative_big_int(rng: random.Random, size: int, wide: bool) -> Args:
    """``b58encode_int(i, default_one)``: a number of ``size`` digits (wide: 0 and small values, either flag)."""
    if wide:
        n = rng.choice((0, 1, 57, 58, rng.randint(0, 10**size)))
        return (n,), ({"default_one": rng.random() < 0.5} if rng.random() < 0.6 else {})
    return (rng.randint(10 ** (size - 1), 10**size),), {}


def edit_distance_args(rng: random.Random, size: int, wide: bool) -> Args:
    """nltk's ``edit_distance(s1, s2, substitution_cost, transpositions)``."""
    (first, second), _ = two_strings(rng, size, wide)
    cost = rng.choice((1, 2)) if not wide else rng.choice((0, 1, 2, 3))
    return (first, second), {"substitution_cost": cost, "transpositions": rng.random() < 0.5}


def jaro_winkler_args(rng: random.Random, size: int, wide: bool) -> Args:
    """nltk's ``jaro_winkler_similarity(s1, s2, p, max_l)`` (wide: other scaling factors and prefix bounds)."""
    (first, second), _ = two_strings(rng, size, wide)
    if not wide:
        return (first, second), {}
    return (first, second), {"p": rng.choice((0.0, 0.1, 0.2, 0.25)), "max_l": rng.choice((0, 1, 4, 10))}


def lower_word(rng: random.Random, size: int, wide: bool) -> Args:
    """``soundex(source, size)``: a lower-case word of ``size`` letters (wide: empty, upper case, spaces,
    non-ASCII, other code sizes)."""
    if not wide:
        return ("".join(rng.choice(LETTERS) for _ in range(size)),), {}
    alphabet = LETTERS if rng.random() < 0.7 else LETTERS + "AZ -é"  # "A", a space or an accent raises
    word = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, size)))
    return (word,), ({"size": rng.choice((0, 1, 4, 10, -1))} if rng.random() < 0.4 else {})


def _crc_table(width: int, poly: int, reflected: bool) -> list[int]:
    top, mask, table = 1 << (width - 1), (1 << width) - 1, []
    for i in range(256):
        c = i if reflected else i << (width - 8)
        for _ in range(8):
            if reflected:
                c = (c >> 1) ^ poly if c & 1 else c >> 1
            else:
                c = ((c << 1) ^ poly) & mask if c & top else (c << 1) & mask
        table.append(c)
    return table


def _crc_args(rng: random.Random, size: int, wide: bool, *, table: list[int], mask: int) -> Args:
    if not wide:
        return (bytes(rng.randrange(256) for _ in range(size)), rng.choice((0, mask)), table), {}
    data: Any = bytes(rng.randrange(256) for _ in range(rng.randint(0, size)))
    shape = rng.random()
    if shape < 0.1:
        data = bytearray(data)
    elif shape < 0.2:
        data = data.decode("latin-1")  # a str: the function refuses it
    if rng.random() < 0.2:
        table = [rng.randint(0, mask) for _ in range(rng.choice((256, 256, 16)))]
    return (data, rng.choice((0, mask, -1, mask + 5, rng.randint(0, mask))), table), {}


def crc16_args(rng: random.Random, size: int, wide: bool) -> Args:
    """crcmod's ``_crc16(data, crc, table)``: ``size`` bytes, an initial CRC, the CRC-16 (0x8005) table (wide:
    empty data, bytearray, str, initial values out of range, other and short tables)."""
    return _crc_args(rng, size, wide, table=_crc_table(16, 0x8005, False), mask=0xFFFF)


def crc32r_args(rng: random.Random, size: int, wide: bool) -> Args:
    """crcmod's ``_crc32r(data, crc, table)``: as :func:`crc16_args` with the reflected CRC-32 table."""
    return _crc_args(rng, size, wide, table=_crc_table(32, 0xEDB88320, True), mask=0xFFFFFFFF)


# --- generators of the held-out-3 part (written 2026-11-30 before any perfkit run on it)

_UNHASHABLE = ([1], [1, 2], {"a": 1}, [], {1, 2})


def _item(rng: random.Random, pool: int, wide: bool) -> Any:
    """An everyday small int; wide: also equal-but-different values (1, 1.0, True), strings, None, tuples and
    unhashable lists, dicts and sets (each drawn fresh, so equal items are not the same object)."""
    if not wide or rng.random() < 0.5:
        return rng.randrange(max(1, pool))
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice((1, 1.0, True, 0, 0.0, False, -1))
    if kind == 1:
        return rng.choice(("a", "b", "é", "", "1"))
    if kind == 2:
        return None
    if kind == 3:
        return (rng.randrange(3), "x")
    if kind == 4:
        return float("nan") if rng.random() < 0.2 else rng.uniform(-2, 2)
    import copy

    return copy.deepcopy(rng.choice(_UNHASHABLE))


def _items(rng: random.Random, n: int, pool: int, wide: bool) -> list[Any]:
    return [_item(rng, pool, wide) for _ in range(n)]


def list_and_values(rng: random.Random, size: int, wide: bool) -> Args:
    """``without(array, *values)``: ``size`` ints and ``size // 8`` values to drop (wide: mixed and unhashable
    items, equal values of other types, no values, an empty array)."""
    n = size if not wide else rng.randint(0, size)
    pool = max(2, n // 2)
    array = _items(rng, n, pool, wide)
    values = _items(rng, size // 8 if not wide else rng.randint(0, max(1, size // 4)), pool, wide)
    return (array, *values), {}


def list_and_front_items(rng: random.Random, size: int, wide: bool) -> Args:
    """``unshift(array, *items)``: a list of ``size`` items and ``size`` more to put in front of it, in place
    (wide: mixed and unhashable items, nothing to add, an empty list)."""
    n = size if not wide else rng.randint(0, size)
    items = _items(rng, size if not wide else rng.randint(0, size), max(2, size), wide)
    return (_items(rng, n, max(2, size), wide), *items), {}


def duplicated_items(rng: random.Random, size: int, wide: bool) -> Args:
    """``iterduplicates(array)``: ``size`` items with about half of them repeats (wide: mixed, unhashable, empty)."""
    n = size if not wide else rng.randint(0, size)
    return (_items(rng, n, max(2, n // 2), wide),), {}


def two_item_lists(rng: random.Random, size: int, wide: bool) -> Args:
    """Two lists of about ``size`` items sharing some (``iterintersection``/``iterdifference``; wide: mixed and
    unhashable items, an empty side)."""
    n = size if not wide else rng.randint(0, size)
    m = size if not wide else rng.randint(0, size)
    pool = max(2, (n + m) // 2)
    return (_items(rng, n, pool, wide), _items(rng, m, pool, wide)), {}


def series_and_window(rng: random.Random, size: int, wide: bool) -> Args:
    """``moving_mean(array, size)``: ``size`` readings and a window of ``size // 10`` (wide: floats, windows of 0,
    1, negative or longer than the data, a window given as a string, a tuple, an empty series)."""
    if not wide:
        return ([rng.randint(0, 1000) for _ in range(size)], max(1, size // 10)), {}
    n = rng.randint(0, size)
    data: Any = [rng.choice((rng.randint(-50, 50), rng.uniform(-1e3, 1e3))) for _ in range(n)]
    if rng.random() < 0.2:
        data = tuple(data)
    window: Any = rng.choice((0, 1, 2, -1, n, n + 1, rng.randint(1, max(1, n))))
    if rng.random() < 0.1:
        window = str(max(1, window))
    return (data, window), {}


def table_rows(rng: random.Random, size: int, wide: bool) -> Args:
    """``transpose(array)``: ``size`` rows of ``size // 2`` cells (wide: ragged rows, tuples, strings, empty)."""
    if not wide:
        return ([[rng.randint(0, 99) for _ in range(size // 2)] for _ in range(size)],), {}
    rows: list[Any] = []
    width = rng.randint(0, 6)
    for _ in range(rng.randint(0, size)):
        row: Any = [_item(rng, 5, True) for _ in range(width if rng.random() < 0.8 else rng.randint(0, 6))]
        rows.append(tuple(row) if rng.random() < 0.2 else row)
    return (rows,), {}


_HASHIDS_ALPHABET = "abegjklmnopqrvwxyzBDEJKLMNOPQRVWXYZ123456789"  # no separator, no guard ("AdG0")
_HASHIDS_SEPARATORS = "cfhistuCFHISTU"


def _id_alphabet(rng: random.Random, wide: bool) -> str:
    letters = list(_HASHIDS_ALPHABET)
    rng.shuffle(letters)
    if wide and rng.random() < 0.3:
        letters = letters[: rng.randint(2, 6)] + (["é", "中"] if rng.random() < 0.5 else [])
    return "".join(letters)


def number_and_alphabet(rng: random.Random, size: int, wide: bool) -> Args:
    """hashids' ``_hash(number, alphabet)``: a number of ``size`` digits and a shuffled alphabet (wide: 0, small
    numbers, the alphabet's length, short and non-ASCII alphabets)."""
    alphabet = _id_alphabet(rng, wide)
    if not wide:
        return (rng.randint(10 ** (size - 1), 10**size), alphabet), {}
    return (
        rng.choice((0, 1, len(alphabet) - 1, len(alphabet), rng.randint(0, 10 ** rng.randint(1, size)))),
        alphabet,
    ), {}


def hashed_and_alphabet(rng: random.Random, size: int, wide: bool) -> Args:
    """hashids' ``_unhash(hashed, alphabet)``: ``size`` characters of the alphabet (wide: empty, short and
    non-ASCII alphabets, a character outside the alphabet)."""
    alphabet = _id_alphabet(rng, wide)
    hashed = "".join(rng.choice(alphabet) for _ in range(size if not wide else rng.randint(0, size)))
    if wide and rng.random() < 0.15:
        hashed += rng.choice("c!é ")
    return (hashed, alphabet), {}


def text_and_splitters(rng: random.Random, size: int, wide: bool) -> Args:
    """hashids' ``_split(string, splitters)``: ``size`` characters, one in ten a separator (wide: empty text or
    separators, separators given as a list, non-ASCII, runs of separators)."""
    alphabet = _HASHIDS_ALPHABET + ("éß中 " if wide else "")
    n = size if not wide else rng.randint(0, size)
    text = "".join(rng.choice(_HASHIDS_SEPARATORS) if rng.random() < 0.1 else rng.choice(alphabet) for _ in range(n))
    splitters: Any = _HASHIDS_SEPARATORS
    if wide:
        splitters = rng.choice((_HASHIDS_SEPARATORS, "", "aé", list("cfh"), "cfhistuCFHISTU中"))
    return (text, splitters), {}


def _salt(rng: random.Random, wide: bool) -> str:
    if wide and rng.random() < 0.2:
        return ""
    return "".join(rng.choice(LETTERS + (" é" if wide else "")) for _ in range(rng.randint(1, 20)))


def encode_args(rng: random.Random, size: int, wide: bool) -> Args:
    """hashids' ``_encode(values, salt, min_length, alphabet, separators, guards)``: ``size`` ids to encode in
    one hashid (wide: one or no value, zeros, huge values, long minimum lengths, short alphabets, no guards)."""
    alphabet = _id_alphabet(rng, wide)
    if not wide:
        values = [rng.randint(0, 10**9) for _ in range(size)]
        return (values, _salt(rng, False), rng.choice((0, 8)), alphabet, _HASHIDS_SEPARATORS, "AdG0"), {}
    values = [rng.choice((0, 1, rng.randint(0, 10**12), 10**30)) for _ in range(rng.randint(0, size))]
    min_length = rng.choice((0, 0, 1, 3, 10, 60))
    guards = rng.choice(("AdG0", "A", "", "中é"))
    separators = rng.choice((_HASHIDS_SEPARATORS, "c", "cf"))
    return (values, _salt(rng, True), min_length, alphabet, separators, guards), {}


def decode_args(rng: random.Random, size: int, wide: bool) -> Args:
    """hashids' ``_decode(hashid, salt, alphabet, separators, guards)``: a hashid of ``size`` parts between two
    guards (wide: no guards, empty parts, characters outside the alphabet, three or more guards, empty)."""
    alphabet = _id_alphabet(rng, wide and rng.random() < 0.3)
    guards = "AdG0"
    parts = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        for _ in range(size if not wide else rng.randint(0, size))
    ]
    body = rng.choice(alphabet) + "".join(part + rng.choice(_HASHIDS_SEPARATORS) for part in parts)[:-1]
    hashid = rng.choice(guards) + body + rng.choice(guards)
    if wide:
        shape = rng.random()
        if shape < 0.15:
            hashid = body
        elif shape < 0.25:
            hashid = ""
        elif shape < 0.35:
            hashid += rng.choice("!é") + body
        elif shape < 0.45:
            hashid = rng.choice(guards) + hashid
    return (hashid, _salt(rng, wide), alphabet, _HASHIDS_SEPARATORS, guards), {}


def _vocabulary(rng: random.Random, n: int) -> list[str]:
    words = {"".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9))) for _ in range(n)}
    return sorted(words)


def _phrase(rng: random.Random, vocabulary: list[str], wide: bool) -> str:
    words = [vocabulary[min(int(rng.paretovariate(1.2)) - 1, len(vocabulary) - 1)] for _ in range(rng.randint(1, 4))]
    if wide:
        words = [w.upper() if rng.random() < 0.1 else w for w in words]
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words) + 1), rng.choice(("42", "3.5", "-7", "x2")))
    return " ".join(words)


def phrases_and_scores(rng: random.Random, size: int, wide: bool) -> Args:
    """RAKE's ``generate_candidate_keyword_scores(phrase_list, word_score, minFrequency)``: ``size`` candidate
    phrases drawn with repeats from a Zipf-like vocabulary, every word's score (wide: upper case, numbers, an
    unscored word, minimum frequencies 0 to 3, no phrases)."""
    vocabulary = _vocabulary(rng, max(5, size // 4))
    phrases = [_phrase(rng, vocabulary, wide) for _ in range(size if not wide else rng.randint(0, size))]
    scores = {w: rng.choice((1.0, 1.5, 2.0, 2.5, 4.0, rng.uniform(1, 5))) for w in [*vocabulary, "x2"]}
    if wide and rng.random() < 0.1 and phrases:
        phrases.append("unscoredword " + phrases[0])
    return (phrases, scores, rng.choice((1, 2)) if not wide else rng.choice((0, 1, 2, 3))), {}


def phrase_list(rng: random.Random, size: int, wide: bool) -> Args:
    """RAKE's ``calculate_word_scores(phraseList)``: ``size`` candidate phrases (wide: upper case, numbers,
    punctuation, empty phrases, no phrases)."""
    vocabulary = _vocabulary(rng, max(5, size // 4))
    phrases = [_phrase(rng, vocabulary, wide) for _ in range(size if not wide else rng.randint(0, size))]
    if wide:
        phrases = [p + rng.choice(("", "", "-x", ", é", "")) if rng.random() < 0.9 else "" for p in phrases]
    return (phrases,), {}


def prose_text(rng: random.Random, size: int, wide: bool) -> Args:
    """RAKE's ``separate_words(text)``: ``size`` words of prose with punctuation and numbers (wide: unicode,
    decimals, exponents, empty)."""
    vocabulary = _vocabulary(rng, 300)
    pieces = []
    for _ in range(size if not wide else rng.randint(0, size)):
        r = rng.random()
        if r < 0.05:
            pieces.append(str(rng.randint(0, 999)))
        elif r < 0.08 and wide:
            pieces.append(rng.choice(("3.5", "1e5", "nan", "Ünïcode", "中文", "x.y", "4.")))
        else:
            pieces.append(vocabulary[min(int(rng.paretovariate(1.1)) - 1, 299)])
        pieces.append(rng.choice((" ", " ", " ", ", ", ". ", "; ", " - ", "\n")))
    return ("".join(pieces),), {}


def dependency_graph(rng: random.Random, size: int, wide: bool) -> Args:
    """toposort's ``data``: ``size`` items in a long dependency chain with random shortcuts to earlier items, as a
    dict of sets (wide: self-dependencies, dependencies on unlisted items, cycles, string items, empty)."""
    n = size if not wide else rng.randint(0, size)
    data: dict[Any, set[Any]] = {}
    for i in range(n):
        deps = {i - 1} if i and rng.random() < 0.9 else set()
        deps |= {rng.randrange(i) for _ in range(rng.randint(0, 3))} if i else set()
        data[i] = deps
    if wide and n:
        if rng.random() < 0.3:
            data[rng.randrange(n)].add(rng.randrange(n))  # a self-dependency or a cycle
        if rng.random() < 0.3:
            data[rng.randrange(n)].add(n + rng.randint(0, 5))  # an item with no entry of its own
        if rng.random() < 0.2:
            data = {f"item{k}": {f"item{d}" for d in v} for k, v in data.items()}
    return (data,), {}


def dependency_graph_sort(rng: random.Random, size: int, wide: bool) -> Args:
    """``toposort_flatten(data, sort)``: as :func:`dependency_graph`, sorting each level or not."""
    (data,), _ = dependency_graph(rng, size, wide)
    return (data,), ({"sort": rng.random() < 0.7} if wide else {})


def _tokens(rng: random.Random, n: int, vocabulary: list[str]) -> list[str]:
    return [vocabulary[min(int(rng.paretovariate(1.0)) - 1, len(vocabulary) - 1)] for _ in range(n)]


def _edited(rng: random.Random, tokens: list[Any], vocabulary: list[Any]) -> list[Any]:
    out = list(tokens)
    for _ in range(max(1, len(out) // 20)):
        where = rng.randrange(len(out) + 1)
        move = rng.random()
        if move < 0.4 and out:
            del out[min(where, len(out) - 1) : where + rng.randint(1, 8)]
        elif move < 0.8:
            out[where:where] = rng.sample(vocabulary, min(len(vocabulary), rng.randint(1, 6)))
        elif out:
            out[min(where, len(out) - 1)] = rng.choice(vocabulary)
    return out


def token_lists(rng: random.Random, size: int, wide: bool) -> Args:
    """simplediff's ``diff(old, new)``: ``size`` word tokens of a text with Zipf-like repeats and its edited
    version (wide: strings, ints, tuples, unhashable lists, empty sides, unrelated sides)."""
    vocabulary: list[Any] = _vocabulary(rng, 200)
    if wide:
        vocabulary = rng.choice((vocabulary, list(range(-3, 4)), [(1, 2), (2, 1), "a", 1]))
    old = _tokens(rng, size if not wide else rng.randint(0, size), vocabulary)
    new = (
        _edited(rng, old, vocabulary)
        if not wide or rng.random() < 0.7
        else _tokens(rng, rng.randint(0, size), vocabulary)
    )
    if wide and rng.random() < 0.15:
        return ("".join(map(str, old)), "".join(map(str, new))), {}
    if wide and rng.random() < 0.05:
        new.append([1])
    return (old, new), {}


def text_versions(rng: random.Random, size: int, wide: bool) -> Args:
    """simplediff's ``html_diff(old, new)``: two versions of a text of ``size`` words (wide: empty, extra
    whitespace, non-ASCII words, unrelated texts)."""
    vocabulary = _vocabulary(rng, 200) + (["é", "中文", "<b>"] if wide else [])
    old = _tokens(rng, size if not wide else rng.randint(0, size), vocabulary)
    new = (
        _edited(rng, old, vocabulary)
        if not wide or rng.random() < 0.8
        else _tokens(rng, rng.randint(0, size), vocabulary)
    )
    joiner = " " if not wide else rng.choice((" ", "  ", "\n", " \t"))
    return (joiner.join(old), joiner.join(new)), {}


_CJK = "".join(chr(c) for c in range(0x4E00, 0x4E40))
_COMBINING = "\u0301\u0308\u200b"


def terminal_text(rng: random.Random, size: int, wide: bool) -> Args:
    """wcwidth's ``wcswidth(pwcs, n)``: ``size`` characters of mixed ASCII, CJK (two cells) and combining marks
    (zero cells) (wide: control characters, emoji, a prefix length n, empty)."""
    alphabet = LETTERS + "  .,-" + _CJK[:8] + _COMBINING
    if wide:
        alphabet += "\x07\x1b\t😀ÅßĲ\u00ad\u3000"
    n = size if not wide else rng.randint(0, size)
    text = "".join(rng.choice(alphabet) for _ in range(n))
    if not wide:
        return (text,), {}
    return (text,), ({"n": rng.choice((None, 0, 1, n // 2, n + 3))} if rng.random() < 0.4 else {})


def bits_and_count(rng: random.Random, size: int, wide: bool) -> Args:
    """``(v, n)``: a random ``size``-bit value and its bit count (pyflate's bit helpers; wide: 0, 1, 2, odd
    counts, a value wider than n, negative values)."""
    if not wide:
        return (rng.getrandbits(size) | (1 << (size - 1)), size), {}
    n = rng.choice((1, 2, 3, 8, 16, rng.randint(1, size)))
    v = rng.choice((0, 1, (1 << n) - 1, rng.getrandbits(n), rng.getrandbits(n + 5), -rng.getrandbits(n)))
    return (v, n), {}


def bwt_block(rng: random.Random, size: int, wide: bool) -> Args:
    """A block of ``size`` bytes of skewed text (the last column of a Burrows-Wheeler transform; wide: empty,
    one repeated byte, every byte value, a bytearray)."""
    if not wide:
        return (bytes(rng.choice(b"eeettaaoinshrdlu  .\n") for _ in range(size)),), {}
    n = rng.randint(0, size)
    data = bytes(rng.choice((rng.randrange(256), 101, 0, 255)) for _ in range(n))
    if rng.random() < 0.1:
        data = bytes([rng.randrange(256)]) * n
    return ((bytearray(data) if rng.random() < 0.2 else data),), {}


def bwt_block_and_end(rng: random.Random, size: int, wide: bool) -> Args:
    """``bwt_reverse(L, end)``: a block and the row of the original (wide: end at either edge, negative or past
    the block)."""
    (data,), _ = bwt_block(rng, size, wide)
    n = len(data)
    if not wide:
        return (data, rng.randrange(n)), {}
    return (data, rng.choice((0, max(0, n - 1), rng.randint(0, max(0, n - 1)), -1, n))), {}


_HEX = {"E": 2, "W": -2, "SE": 51.0, "SW": 49.0, "NE": -49.0, "NW": -51.0}  # the hexagonal grid's offsets


def hex_board(rng: random.Random, size: int, wide: bool) -> Args:
    """meteor's ``get_footprints(board, cti, pieces)``: a hexagonal board of 5 columns and ``size`` rows, cell
    to index, and 10 pieces of 5 cells in 12 orientations each, as coordinate offsets (wide: small boards, pieces
    of other sizes, integer offsets, no pieces)."""
    rows = size if not wide else rng.randint(0, size)
    board = [2 * x + 50 * y + (y % 2) for y in range(rows) for x in range(5)]
    cti = {cell: i for i, cell in enumerate(board)}
    steps = list(_HEX.values())
    pieces = []
    for _ in range(10 if not wide else rng.randint(0, 10)):
        orientations = []
        for _ in range(12 if not wide else rng.randint(1, 12)):
            offsets, at = [0], 0
            for _ in range(4 if not wide else rng.randint(0, 5)):
                at += rng.choice(steps)
                offsets.append(at)
            orientations.append(list(dict.fromkeys(int(o) if wide and rng.random() < 0.2 else o for o in offsets)))
        pieces.append(orientations)
    return (board, cti, pieces), {}


# the ten pieces of the meteor puzzle as direction steps (data of the benchmark's setup)
_METEOR_PIECES = (
    ("E", "E", "E", "SE"),
    ("SE", "SW", "W", "SW"),
    ("W", "W", "SW", "SE"),
    ("E", "E", "SW", "SE"),
    ("NW", "W", "NW", "SE", "SW"),
    ("E", "E", "NE", "W"),
    ("NW", "NE", "NE", "W"),
    ("NE", "SE", "E", "NE"),
    ("SE", "SE", "E", "SE"),
    ("E", "NW", "NW", "NW"),
)
_TURN = {"E": "NE", "NE": "NW", "NW": "W", "W": "SW", "SW": "SE", "SE": "E"}
_MIRROR = {"E": "E", "NE": "SE", "NW": "SW", "W": "W", "SW": "NW", "SE": "NE"}


def meteor_search(rng: random.Random, size: int, wide: bool) -> Args:
    """meteor's ``solve(n, i_min, free, curr_board, pieces_left, solutions, fps, se_nh)``: the 5x10 board and
    its ten pieces (footprints and south-east neighbourhoods built here as the benchmark's setup builds them),
    asking for the first ``size`` solutions, collected in place (wide: n of 0 to a few, pieces tried in another
    order)."""
    board = [2 * x + 50 * y + (y % 2) for y in range(10) for x in range(5)]
    cti = {cell: i for i, cell in enumerate(board)}
    pieces = []
    for steps in _METEOR_PIECES:
        orientations = [list(steps)]
        for _ in range(5):
            orientations.append([_TURN[d] for d in orientations[-1]])
            if list(steps) == list(_METEOR_PIECES[3]):  # the benchmark keeps half of piece 3's turns (symmetry)
                orientations = orientations[:3]
        orientations += [[_MIRROR[d] for d in o] for o in list(orientations)]
        shapes = []
        for o in orientations:
            offsets: list[float] = [0]
            for d in o:
                offsets.append(offsets[-1] + _HEX[d])
            shapes.append(list(dict.fromkeys(offsets)))
        pieces.append(shapes)
    fps: list[list[list[frozenset[int]]]] = [[[] for _ in pieces] for _ in board]
    for cell in board:
        for index, shapes in enumerate(pieces):
            for shape in shapes:
                footprint = frozenset(cti[cell + o] for o in shape if cell + o in cti)
                if len(footprint) == 5:
                    fps[min(footprint)][index].append(footprint)
    se_nh = [frozenset(cti[cell + o] for o in (2, 49.0, 51.0) if cell + o in cti) for cell in board]
    order = list(range(len(pieces)))
    n = size
    if wide:
        rng.shuffle(order)
        n = rng.choice((0, 1, 2, 3, rng.randint(0, size)))
    return (n, 0, frozenset(range(len(board))), [-1] * len(board), order, [], fps, se_nh), {}


def parents_graph(rng: random.Random, size: int, wide: bool) -> Args:
    """mdp's ``topoSort(roots, getParents)``: ``size`` nodes, each with the one before and up to 2 more earlier
    ones as parents, ``getParents`` a list's bound ``__getitem__`` (wide: cycles, self-parents, a root out of range,
    no roots)."""
    n = size if not wide else rng.randint(1, size)
    parents = [sorted({i - 1} | {rng.randrange(i) for _ in range(rng.randint(0, 2))}) if i else [] for i in range(n)]
    if wide and rng.random() < 0.3:
        parents[rng.randrange(n)].append(rng.randrange(n))  # a cycle or a self-parent
    roots = [n - 1 - k for k in range(min(n, 5))]
    if wide:
        roots = rng.choice((roots, [], [0], [*roots, n + 2] if rng.random() < 0.2 else roots[::-1]))
    return (roots, parents.__getitem__), {}


def bodies_and_ref(rng: random.Random, size: int, wide: bool) -> Args:
    """nbody's ``offset_momentum(ref, bodies, px, py, pz)``: ``size`` bodies, the first one the reference whose
    velocity is set in place (wide: no other bodies, a massless reference, starting momenta, integer masses)."""
    bodies = _bodies(rng, max(1, size if not wide else rng.randint(1, size)), wide)
    if wide and rng.random() < 0.1:
        bodies[0] = (bodies[0][0], bodies[0][1], 0.0)
    kwargs: dict[str, Any] = {}
    if wide and rng.random() < 0.3:
        kwargs = {"px": rng.uniform(-1, 1), "pz": float(rng.randint(-3, 3))}
    return (bodies[0], bodies), kwargs


def ray_hits(rng: random.Random, size: int, wide: bool) -> Args:
    """raytrace's ``firstIntersection(intersections)``: ``size`` (object, distance) pairs, some misses (None)
    and some behind the ray (wide: ties, distances at the epsilon boundary, ints, empty)."""
    hits = []
    for i in range(size if not wide else rng.randint(0, size)):
        t: Any = rng.uniform(-5.0, 1000.0) if rng.random() < 0.7 else None
        if wide and rng.random() < 0.3:
            t = rng.choice((0.0, -0.00001, -0.000009, 0.00001, 3, 3.0, 1e-300, -1e-300, None))
        hits.append((f"shape{i % 7}", t))
    return (hits,), {}


# --- generators of the held-out-4 part (written 2026-11-30 before any perfkit run on it)

_CELL_WORDS = ("apple", "Zürich", "naïve café", "東京", "data-set", "x", "", "  padded  ", "O'Brien", "a\tb")
_ANSI = ("\x1b[31m{}\x1b[0m", "\x1b[1;32m{}\x1b[0m", "\x1b]8;;https://example.com\x1b\\{}\x1b]8;;\x1b\\")
_TABLE_FORMATS = (
    "simple", "plain", "grid", "fancy_grid", "pipe", "orgtbl", "jira", "presto", "pretty", "psql", "rst",
    "mediawiki", "moinmoin", "youtrack", "html", "unsafehtml", "latex", "latex_raw", "latex_booktabs",
    "latex_longtable", "textile", "tsv", "github",
)  # fmt: skip


def _cell(rng: random.Random, column: int, wide: bool) -> Any:
    """One table cell: by column an id, a name, a price, a numeric string, a ratio, a flag or a date string;
    wide: any of them anywhere, with None, ANSI colours, thousands separators, inf/nan, multiline text, bytes."""
    kind = column % 7 if not wide or rng.random() < 0.6 else rng.randrange(12)
    if kind == 0:
        return rng.randint(0, 10**6) if not wide else rng.choice((rng.randint(-(10**12), 10**12), 0, -1))
    if kind == 1:
        return rng.choice(NAMES) + (f" {rng.randint(1, 99)}" if rng.random() < 0.3 else "")
    if kind == 2:
        return round(rng.uniform(0, 1000), 2) if not wide else rng.choice((rng.uniform(-1e9, 1e9), 0.0, -0.5, 1e-7))
    if kind == 3:
        return str(rng.randint(0, 99999)) if not wide else rng.choice(("-12", "+7", "007", "1e5", "3.25", " 42 "))
    if kind == 4:
        return f"{rng.uniform(0, 1):.{rng.randint(1, 6)}f}"
    if kind == 5:
        return rng.random() < 0.5
    if kind == 6:
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == 7:
        return None
    if kind == 8:
        return rng.choice(_ANSI).format(rng.choice(("42", "-3.5", "red", "1,000")))
    if kind == 9:
        return rng.choice(("1,000", "12,345.678", "1,0000", "inf", "-inf", "nan", "NaN", "1e400", ".5", "5."))
    if kind == 10:
        return "\n".join(rng.choice(_CELL_WORDS) for _ in range(rng.randint(1, 3)))
    return rng.choice(_CELL_WORDS).encode() if rng.random() < 0.3 else rng.choice(_CELL_WORDS)


def table_and_format(rng: random.Random, size: int, wide: bool) -> Args:
    """``tabulate(tabular_data, headers, tablefmt, ...)``: ``size`` rows of 7 columns (ids, names, prices, numeric
    strings, ratios, flags, dates) in a format, with headers; wide: every cell kind anywhere (None, ANSI colours,
    inf/nan, multiline, bytes), ragged rows, dict rows with headers="keys", no rows, every format and option."""
    n = size if not wide else rng.randint(0, size)
    width = 7 if not wide else rng.randint(1, 8)
    rows: list[Any] = [[_cell(rng, c, wide) for c in range(width)] for _ in range(n)]
    kwargs: dict[str, Any] = {
        "headers": ["id", "name", "price", "code", "ratio", "active", "date"][:width],
        "tablefmt": rng.choice(("simple", "grid", "pipe", "github", "psql", "html", "latex")),
        "floatfmt": rng.choice(("g", ".2f", ".4f")),
    }
    if wide:
        kwargs["tablefmt"] = rng.choice(_TABLE_FORMATS)
        kwargs["headers"] = rng.choice((kwargs["headers"], "firstrow", (), ["only one"], [f"h{i}" for i in range(9)]))
        if rng.random() < 0.2 and rows:  # ragged rows
            rows[rng.randrange(len(rows))] = rows[0][: rng.randint(0, width)]
        if rng.random() < 0.2:
            names = ["id", "name", "price", "code", "ratio", "active", "date", "extra"]
            rows = [{names[c]: cell for c, cell in enumerate(row) if rng.random() < 0.9} for row in rows]
            kwargs["headers"] = rng.choice(("keys", (), {"id": "ID", "name": "Name"}, "firstrow"))
        if rng.random() < 0.5:
            kwargs["numalign"] = rng.choice(("decimal", "right", "center", "left", None))
            kwargs["stralign"] = rng.choice(("left", "right", "center", None))
        if rng.random() < 0.3:
            kwargs["showindex"] = rng.choice(("always", "never", "default", True, False))
        if rng.random() < 0.3:
            kwargs["missingval"] = rng.choice(("?", "", "n/a"))
        if rng.random() < 0.2:
            kwargs["disable_numparse"] = rng.choice((True, [0, 2], False))
        if rng.random() < 0.2:
            kwargs["colalign"] = tuple(rng.choice(("left", "right", "center", "decimal")) for _ in range(width))
        if rng.random() < 0.15:
            kwargs["maxcolwidths"] = rng.choice((rng.randint(1, 12), [rng.choice((None, 3, 8)) for _ in range(width)]))
    return (rows,), kwargs


def column_cells(rng: random.Random, size: int, wide: bool) -> Args:
    """``_column_type(strings, has_invisible, numparse)``: one column of ``size`` cells, mostly numbers written
    as strings (ints, then a float or text late in the column); wide: every cell kind, ANSI colours, no cells."""
    n = size if not wide else rng.randint(0, size)
    if not wide:
        cells: list[Any] = [str(rng.randint(-5000, 5000)) for _ in range(n)]
        for i in range(n - n // 50, n):  # the column's tail decides its type
            cells[i] = rng.choice((f"{rng.uniform(0, 100):.3f}", str(rng.randint(0, 9)), None))
        return (cells,), {}
    column = rng.randrange(7)
    cells = [_cell(rng, column, True) for _ in range(n)]
    return (cells,), {"has_invisible": rng.random() < 0.7, "numparse": rng.random() < 0.8}


def column_strings(rng: random.Random, size: int, wide: bool) -> Args:
    """``_align_column(strings, alignment, minwidth, has_invisible, enable_widechars, is_multiline)``: ``size``
    formatted cells of a numeric column aligned on the decimal point; wide: text, ANSI colours, multiline cells
    (with ``is_multiline``), every alignment, a minimum width."""
    n = size if not wide else rng.randint(1, size)
    if not wide:
        strings = [
            rng.choice((f"{rng.uniform(-1e4, 1e4):.{rng.randint(0, 5)}f}", str(rng.randint(0, 10**6))))
            for _ in range(n)
        ]
        return (strings, "decimal"), {"minwidth": 6}
    multiline = rng.random() < 0.3
    strings = []
    for _ in range(n):
        cell = _cell(rng, rng.randrange(12), True)
        text = cell.decode() if isinstance(cell, bytes) else str(cell)
        strings.append(text if multiline else text.replace("\n", " "))
    alignment = rng.choice(("decimal", "right", "center", "left", None, ""))
    return (strings, alignment), {
        "minwidth": rng.choice((0, 1, 10)),
        "has_invisible": rng.random() < 0.6,
        "is_multiline": multiline,
    }


def rows_and_widths(rng: random.Random, size: int, wide: bool) -> Args:
    """``_wrap_text_to_colwidths(list_of_lists, colwidths, numparses)``: ``size`` rows of a number and two
    sentences, wrapped to column widths; wide: long words, unicode, empty cells, numbers, no width for a column,
    per-column number parsing."""
    n = size if not wide else rng.randint(1, size)
    words = [*LETTERS, "lorem", "ipsum", "dolor", "sit", "amet", "consectetur"]
    if wide:
        words += ["Überstraßenbahnhaltestelle", "東京都", "x" * 30, "😀", "-", "12.5", "\x1b[31mred\x1b[0m"]

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(0 if wide else 3, 14)))

    rows = [[str(rng.randint(0, 10**5)), sentence(), sentence()] for _ in range(n)]
    widths: list[Any] = [None, rng.randint(8, 20), rng.randint(10, 30)]
    kwargs: dict[str, Any] = {}
    if wide:
        widths = [rng.choice((None, 1, 2, 5, 40)) for _ in range(3)]
        if rng.random() < 0.4:
            kwargs["numparses"] = rng.choice((False, [True, False, True], [False] * 3))
    return (rows, widths), kwargs


def dict_records(rng: random.Random, size: int, wide: bool) -> Args:
    """``_normalize_tabular_data(tabular_data, headers, showindex)``: ``size`` records as dicts whose keys differ
    a little (the column set is their union), with headers="keys"; wide: lists of lists, firstrow headers, a dict
    of columns, a header mapping, show-index options, no records."""
    n = size if not wide else rng.randint(0, size)
    keys = [f"field{i}" for i in range(12)]
    records: Any = [
        {k: _cell(rng, i, wide) for i, k in enumerate(keys) if rng.random() < 0.85 or i < 3} for _ in range(n)
    ]
    if not wide:
        return (records, "keys"), {}
    headers: Any = rng.choice(("keys", "firstrow", (), {"field0": "F0", "field3": "F3"}))
    kwargs: dict[str, Any] = {}
    shape = rng.randrange(4)
    if shape == 1:
        records = [list(r.values()) for r in records]
        headers = rng.choice(("keys", "firstrow", (), ["a", "b"]))
    elif shape == 2:
        records = {k: [_cell(rng, i, True) for _ in range(rng.randint(0, 5))] for i, k in enumerate(keys[:4])}
        headers = rng.choice(("keys", (), "firstrow"))
    if rng.random() < 0.4:
        index = list(range(len(records) + (rng.random() < 0.1)))  # a wrong length rarely (tabulate prints, raises)
        kwargs["showindex"] = rng.choice(("always", "never", "default", True, False, index))
    return (records, headers), kwargs


def _numbers(rng: random.Random, n: int, wide: bool) -> list[Any]:
    """Everyday: ints 0..1000 (many repeats); wide: negatives, floats, equal values of other types, bools."""
    if not wide:
        return [rng.randint(0, 1000) for _ in range(n)]
    pool = [rng.choice((rng.randint(-50, 50), rng.uniform(-1e3, 1e3), 2.5, 1, 1.0, True, 0, -0.0)) for _ in range(5)]
    return [rng.choice(pool) if rng.random() < 0.5 else rng.randint(-(10**9), 10**9) for _ in range(n)]


def number_list(rng: random.Random, size: int, wide: bool) -> Args:
    """A list of ``size`` numbers (``mode``, ``z_scores``: sorted or converted in place); wide: negatives,
    floats, ints equal to floats, one or no item, a bare number, a tuple, strings."""
    if not wide:
        return (_numbers(rng, size, False),), {}
    n = rng.randint(0, size)
    data: Any = _numbers(rng, n, True)
    shape = rng.random()
    if shape < 0.08:
        data = rng.choice((7, -3, 2.5, 0))
    elif shape < 0.14:
        data = tuple(data)
    elif shape < 0.2:
        data = [rng.choice(("b", "a", "é", "")) for _ in range(n)]
    elif shape < 0.25:
        data = [4] * n
    kwargs = {"sample": rng.random() < 0.5} if rng.random() < 0.3 else {}
    return (data,), kwargs


def mode_data(rng: random.Random, size: int, wide: bool) -> Args:
    """``mode(data)``: like ``number_list`` without the keyword (mode takes none)."""
    return number_list(rng, size, wide)[0], {}


def data_and_probabilities(rng: random.Random, size: int, wide: bool) -> Args:
    """``quantile(data, p)``: ``size`` numbers and the 101 percentiles; wide: one probability, 0 and 1, outside
    [0, 1], an empty list of probabilities, empty data."""
    data = number_list(rng, size, wide)[0][0] if wide else _numbers(rng, size, False)
    if not isinstance(data, list):
        data = list(data) if isinstance(data, tuple) else [data]
    p: Any = [i / 100 for i in range(101)]
    if wide:
        p = rng.choice(
            (0.5, 0, 1, -0.25, 1.5, [], [0.99, 0.01, 0.5], [rng.random() for _ in range(rng.randint(1, 20))], p)
        )
    return (data, p), {}


def two_series(rng: random.Random, size: int, wide: bool) -> Args:
    """``correlate(x, y)``, ``covariance(x, y)``: two related series of ``size`` numbers; wide: floats,
    negatives, constant series, unequal lengths, one item, tuples."""
    n = size if not wide else rng.randint(0, size)
    x: Any = _numbers(rng, n, wide)
    y: Any = [(v if isinstance(v, int | float) else 0) * 2 + rng.randint(-30, 30) for v in x]
    if wide:
        shape = rng.random()
        if shape < 0.1:
            y = y[:-1]
        elif shape < 0.2:
            x = [3] * n
        elif shape < 0.3:
            x, y = tuple(x), tuple(y)
    return (x, y), {}


def small_counts(rng: random.Random, size: int, wide: bool) -> Args:
    """``factorial(x)``: ``size`` counts up to 160; wide: zero, negatives, one bare int, floats, an empty list."""
    if not wide:
        return ([rng.randint(0, 160) for _ in range(size)],), {}
    if rng.random() < 0.1:
        return (rng.choice((0, 5, -2, 2.0, "3")),), {}
    values: list[Any] = [rng.randint(-3, 60) for _ in range(rng.randint(0, size))]
    if values and rng.random() < 0.1:
        values[rng.randrange(len(values))] = rng.choice((2.5, "4", None))
    return (values,), {}


def successes_trials_p(rng: random.Random, size: int, wide: bool) -> Args:
    """``binomial(k, n, p)``: ``size`` success counts of ``n = 160`` trials; wide: one bare k, k above n,
    negative k, p of 0 or 1 or outside [0, 1], few trials."""
    if not wide:
        return ([rng.randint(0, 160) for _ in range(size)], 160, 0.3), {}
    n = rng.randint(0, 40)
    k: Any = [rng.randint(0, n) for _ in range(rng.randint(0, size))]
    if k and rng.random() < 0.1:  # k above n or negative: factorial() of a negative raises
        k[rng.randrange(len(k))] = rng.choice((-1, n + 1))
    if rng.random() < 0.1:
        k = rng.randint(0, n)
    edge = rng.random()  # p of 0 or 1 (0 ** 0 raises in Decimal), or outside [0, 1], now and then
    p = (
        rng.choice((0.5, rng.random()))
        if edge < 0.85
        else rng.choice((0.0, 1.0))
        if edge < 0.93
        else rng.choice((-0.1, 1.2))
    )
    return (k, n, p), {}


def rate_and_counts(rng: random.Random, size: int, wide: bool) -> Args:
    """``poisson(lam, k, decimals)``: a rate and ``size`` event counts up to 160; wide: rates near 0 or large, a
    non-positive rate, one bare k, other roundings, an empty list."""
    if not wide:
        return (rng.uniform(1, 20), [rng.randint(0, 160) for _ in range(size)]), {}
    k: Any = [rng.randint(0, 120) for _ in range(rng.randint(0, size))]
    if rng.random() < 0.1:
        k = rng.randint(0, 30)
    kwargs = {"decimals": rng.choice((0, 2, 8))} if rng.random() < 0.3 else {}
    lam = (
        rng.choice((rng.uniform(0.01, 50), rng.uniform(0.5, 5), 1e-6, 3))
        if rng.random() < 0.9
        else rng.choice((0.0, -1.0))
    )
    return (lam, k), kwargs


def unhashable_rows(rng: random.Random, size: int, wide: bool) -> Args:
    """``unique_everseen``/``duplicates_everseen(iterable, key)``: ``size`` rows as lists (unhashable), about
    half of them repeats; wide: mixed hashable and unhashable items, 1/1.0/True, a key function, empty."""
    n = size if not wide else rng.randint(0, size)
    if not wide:
        return ([[rng.randrange(max(1, n // 2)), "row"] for _ in range(n)],), {}
    kwargs = {"key": rng.choice((str, repr, tuple))} if rng.random() < 0.2 else {}
    items = _items(rng, n, max(2, n // 2), True)
    if "key" in kwargs and kwargs["key"] is tuple:
        items = [it if isinstance(it, list | tuple | str) else [it] for it in items]
    return (items,), kwargs


def distinct_rows(rng: random.Random, size: int, wide: bool) -> Args:
    """``all_unique(iterable, key)``: ``size`` distinct rows as lists (so every one is compared with the ones
    before); wide: a repeat somewhere, mixed items, a key function, empty."""
    if not wide:
        return ([[i, "row"] for i in rng.sample(range(size * 10), size)],), {}
    return unhashable_rows(rng, size, True)


def permutation_and_pool(rng: random.Random, size: int, wide: bool) -> Args:
    """``permutation_index(element, iterable)``: a shuffled permutation of ``size`` items and the items; wide:
    partial permutations, an item not in the pool, repeated items, strings, empty."""
    n = size if not wide else rng.randint(0, size)
    pool: list[Any] = list(range(n)) if not wide or rng.random() < 0.5 else [rng.choice("abcdeé") for _ in range(n)]
    element = pool[:]
    rng.shuffle(element)
    if wide:
        element = element[: rng.randint(0, n)]
        if rng.random() < 0.15:
            element.append("missing")
    return (element, pool), {}


def pool_r_index(rng: random.Random, size: int, wide: bool) -> Args:
    """``nth_permutation(iterable, r, index)``: ``size`` items, full length, an index below size!; wide: a
    shorter r, negative indexes, an index out of range, r out of range, empty."""
    n = size if not wide else rng.randint(0, size)
    import math

    total = math.factorial(n)
    if not wide:
        return (list(range(n)), None, rng.randrange(total)), {}
    r: Any = rng.choice((None, n, rng.randint(0, n))) if rng.random() < 0.9 else rng.choice((n + 1, -1))
    count = total if r in (None, n) else (math.factorial(n) // math.factorial(n - r) if 0 <= r < n else 1)
    index = rng.choice((rng.randrange(count), -rng.randint(1, count), 0)) if rng.random() < 0.9 else count
    return ([rng.choice("abcé") for _ in range(n)] if rng.random() < 0.3 else list(range(n)), r, index), {}


def _leaf(rng: random.Random, wide: bool) -> Any:
    if not wide:
        return rng.randint(0, 9)
    return rng.choice((rng.randint(-5, 5), "ab", "", b"xy", None, 1.5, (), {"k": 1}, [], (1, [2])))


def _nested(rng: random.Random, budget: int, depth: int, wide: bool) -> Any:
    """A nested list of about ``budget`` leaves, the deepest lists holding what is left of the budget (wide: leaves
    also strings, bytes, None, floats, tuples, dicts; subtrees cut short at random)."""
    if budget <= 1 or (wide and rng.random() < 0.1):
        return _leaf(rng, wide)
    if depth == 0:
        return [_leaf(rng, wide) for _ in range(budget)]
    k = rng.randint(2, 4)
    parts = [_nested(rng, budget // k, depth - 1, wide) for _ in range(k)]
    return tuple(parts) if wide and rng.random() < 0.2 else parts


def nested_lists(rng: random.Random, size: int, wide: bool) -> Args:
    """``flatten(iterable)``: nested lists with about ``size`` leaves, up to 12 deep; wide: tuples, strings and
    bytes (kept whole), empty containers, dicts (their keys), None."""
    n = size if not wide else rng.randint(0, size)
    root: Any = [_nested(rng, n // 3, 11, wide) for _ in range(3)]  # three subtrees, so the size holds
    if wide and rng.random() < 0.1:
        root = rng.choice((_nested(rng, n, 12, True), "text", 7, ()))  # scalars raise, strings are one leaf
    return (root,), {}


def _json_value(rng: random.Random, depth: int, wide: bool) -> Any:
    kind = rng.randrange(9 if depth > 0 else 5)
    if kind == 0:
        return rng.randint(-(10**6), 10**6) if wide else rng.randint(0, 999)
    if kind == 1:
        return rng.choice(_CELL_WORDS) if wide else rng.choice(NAMES)
    if kind == 2:
        return rng.choice((None, True, False, 0.5, -0.0, float("inf"))) if wide else None
    if kind == 3:
        return rng.random() < 0.5
    if kind == 4:
        return round(rng.uniform(-10, 10), 3)
    if kind in (5, 6):
        return {f"k{rng.randrange(6)}": _json_value(rng, depth - 1, wide) for _ in range(rng.randint(0, 4))}
    if kind == 7:
        return [_json_value(rng, depth - 1, wide) for _ in range(rng.randint(0, 4))]
    return tuple(_json_value(rng, depth - 1, wide) for _ in range(rng.randint(0, 3))) if wide else []


def json_document(rng: random.Random, size: int, wide: bool) -> Args:
    """``remap(root)``/``research(root)``: a parsed JSON document of ``size`` records (ids, names, tags, nested
    metadata); wide: tuples, sets of small ints, unicode keys, scalars at the root, empty containers."""
    n = size if not wide else rng.randint(0, size)
    records = [
        {
            "id": i,
            "name": rng.choice(NAMES),
            "tags": [rng.choice(("new", "sale", "eu")) for _ in range(rng.randint(0, 3))],
            "meta": {"score": round(rng.uniform(0, 5), 2), "seen": [rng.randint(0, 99), {"z": i}]},
        }
        for i in range(n)
    ]
    if not wide:
        return ({"count": n, "records": records},), {}
    root: Any = {"records": records, "extra": _json_value(rng, 4, True), "é": frozenset(range(rng.randint(0, 4)))}
    if rng.random() < 0.15:
        root = rng.choice(([root, (1, 2)], (root,), _json_value(rng, 3, True), 5, "text"))
    return (root,), {}


def page_numbers(rng: random.Random, size: int, wide: bool) -> Args:
    """``format_int_list(int_list, delim, range_delim, delim_space)``: ``size`` page numbers with runs and
    repeats; wide: negatives, zero, one item, empty, other delimiters, spaces after delimiters."""
    n = size if not wide else rng.randint(0, size)
    values = []
    current = rng.randint(0, 10)
    for _ in range(n):
        current += rng.choice((1, 1, 1, 2, 0, rng.randint(3, 40)))
        values.append(current)
    rng.shuffle(values)
    kwargs: dict[str, Any] = {}
    if wide:
        if rng.random() < 0.3:
            values = [v - rng.randint(0, 60) for v in values]
        if rng.random() < 0.4:
            kwargs = {"delim": rng.choice((",", ";", ", ")), "range_delim": rng.choice(("-", "..", ":"))}
        if rng.random() < 0.3:
            kwargs["delim_space"] = True
    return (values,), kwargs


def int_range_string(rng: random.Random, size: int, wide: bool) -> Args:
    """``complement_int_list(range_string, range_start, range_end, ...)``: a page-range string of ``size``
    numbers and runs; wide: empty parts, reversed runs, spaces, a start or end inside the ranges, non-numbers."""
    values, _ = page_numbers(rng, size, False)
    ordered = sorted(set(values[0]))
    parts, i = [], 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    rng.shuffle(parts)
    kwargs: dict[str, Any] = {}
    if wide:
        parts = parts[: rng.randint(0, len(parts))]
        if parts and rng.random() < 0.3:
            parts[rng.randrange(len(parts))] = rng.choice(("", "9-3", " 4 ", "x", "5-5", "-"))
        if rng.random() < 0.5:
            kwargs["range_start"] = rng.randint(0, 30)
        if rng.random() < 0.4:
            kwargs["range_end"] = rng.randint(0, size * 3)
    return (",".join(parts),), kwargs


def two_polynomials_mod_p(rng: random.Random, size: int, wide: bool) -> Args:
    """``polymulmodp(a, b, p)``: two polynomials of ``size`` coefficients modulo a prime; wide: negative and
    large coefficients, trailing zeros, empty or constant polynomials, None, a modulus of 1 or 2."""
    if not wide:
        p = rng.choice((101, 257, 65537))
        return ([rng.randrange(p) for _ in range(size)], [rng.randrange(p) for _ in range(size)], p), {}
    p = rng.choice((2, 3, 101, 10**9 + 7, 1))
    a: Any = [rng.randint(-(10**12), 10**12) for _ in range(rng.randint(0, size))]
    b: Any = [rng.choice((0, 0, rng.randint(-5, 5))) for _ in range(rng.randint(0, size))]
    if rng.random() < 0.05:
        a = None
    return (a, b, p), {}


def dividend_divisor_mod_p(rng: random.Random, size: int, wide: bool) -> Args:
    """``polydivmodmodp(a, b, p)``: a polynomial of ``2 * size`` coefficients divided by one of ``size + 1``, modulo a
    prime; wide: a divisor whose leading coefficient is 0 mod p (no inverse), longer than the dividend, empty or
    None, negative and large coefficients, small or composite moduli."""
    if not wide:
        p = rng.choice((101, 65537, 10**9 + 7))
        return (
            [rng.randrange(p) for _ in range(2 * size)],
            [rng.randrange(p) for _ in range(size)] + [1 + rng.randrange(p - 1)],
            p,
        ), {}
    p = rng.choice((2, 3, 101, 65537, 10, 1))
    a: Any = [rng.randint(-(10**6), 10**6) for _ in range(rng.randint(0, 2 * size))]
    b: Any = [rng.randint(-50, 50) for _ in range(rng.randint(0, size + 1))]
    if b and rng.random() < 0.7:
        b[-1] = rng.choice((1, -1, p + 1, rng.randint(1, 10**6)))
    if rng.random() < 0.05:
        a, b = rng.choice(((None, b), (a, None), (a, [])))
    return (a, b, p), {}


def partition_size(rng: random.Random, size: int, wide: bool) -> Args:
    """``partgen(n)``: every partition of ``size``; wide: 1, 2, small sizes, 0 and negatives (they raise)."""
    if not wide:
        return (size,), {}
    if rng.random() < 0.1:
        return (rng.choice((0, -2)),), {}
    return (rng.choice((1, 2, 3, rng.randint(1, max(1, size)))),), {}


def sieve_limit(rng: random.Random, size: int, wide: bool) -> Args:
    """A sieve's limit ``size`` (``divcountsieve``, ``totientsieve``, ``factorsieve``); wide: 0, 1, 2, small
    limits and around small prime powers (negative limits raise)."""
    if not wide:
        return (size,), {}
    return (rng.choice((0, 1, 2, 3, 4, 8, 9, 25, 26, 49, rng.randint(0, max(2, size)), -1)),), {}


def two_documents(rng: random.Random, size: int, wide: bool) -> Args:
    """``diff(first, second)``: a document of ``size`` records and an edited copy (values changed, records added
    and removed, list items appended); wide: sets, tuples, floats within the tolerance, ignored keys, expand, keys
    with dots, type changes, dot notation off."""
    (first,) = json_document(rng, size, False)[0]
    import copy

    second = copy.deepcopy(first)
    records = second["records"]
    for record in records[:: rng.randint(2, 5)]:
        record["meta"]["score"] = round(record["meta"]["score"] + rng.choice((0.5, -1.0)), 2)
    for record in records[:: rng.randint(3, 7)]:
        record["tags"].append("edited")
    for i in sorted({rng.randrange(len(records)) for _ in range(len(records) // 20)} if records else (), reverse=True):
        del records[i]
    second["owner"] = {"name": "ops", "since": 2026}
    kwargs: dict[str, Any] = {}
    if wide:
        root_a, root_b = _json_value(rng, 4, True), _json_value(rng, 4, True)
        shape = rng.randrange(6)
        if shape == 0:
            first, second = {"a": root_a, "s": {1, 2, 3}, "x.y": 1}, {"a": root_b, "s": {2, 3, 4}, "x.y": 2}
        elif shape == 1:
            first, second = [root_a, 1.0, (1, 2)], [root_b, 1.0 + 1e-12, (1, 3), "new"]
        elif shape == 2:
            first, second = root_a, root_b
        if rng.random() < 0.3:
            kwargs["ignore"] = rng.choice(({"count"}, ["owner"], {("records", 0)}, {"a"}))
        if rng.random() < 0.3:
            kwargs["expand"] = True
        if rng.random() < 0.2:
            kwargs["dot_notation"] = False
        if rng.random() < 0.2:
            kwargs["tolerance"] = rng.choice((0.0, 0.1))
    return (first, second), kwargs


def diff_and_document(rng: random.Random, size: int, wide: bool) -> Args:
    """``patch(diff_result, destination)``: a document of ``size`` records and a list of dictdiffer-style changes
    to it (values changed, tags appended, records removed, a key added); wide: in place, changes on paths that do
    not exist, changes given as lists of keys, an empty diff."""
    (document,), _ = json_document(rng, size, False)
    records = document["records"]
    changes: list[Any] = []
    for i in range(0, len(records), rng.randint(2, 5)):
        score = records[i]["meta"]["score"]
        path = f"records.{i}.meta.score" if i % 2 else ["records", i, "meta", "score"]  # both spellings of a node
        changes.append(("change", path, (score, score + 1)))
    for i in range(0, len(records), rng.randint(3, 7)):
        changes.append(("add", ["records", i, "tags"], [(len(records[i]["tags"]), "edited")]))
    removed = sorted({rng.randrange(len(records)) for _ in range(len(records) // 20)} if records else (), reverse=True)
    changes.append(("remove", "records", [(i, records[i]) for i in removed]))
    changes.append(("add", "", [("owner", {"name": "ops"})]))
    kwargs: dict[str, Any] = {}
    if wide:
        changes = changes[: rng.randint(0, len(changes))]
        if rng.random() < 0.1:
            changes.append(("change", rng.choice(("missing.key", ["records", 10**6, "id"], "count")), (0, 1)))
        if rng.random() < 0.05:
            changes.append(("add", "count", [("x", 1)]))  # an add on an int raises
        if rng.random() < 0.3:
            kwargs["in_place"] = True
    return (changes, document), kwargs


_SCRIPTS = (
    "abcdefghijklmnop qrstuvwxyz",
    "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "北京東京大阪中文字漢語",
    "ㄱㄴㄷ한국어",
    "ـأبتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20ac\u2122",  # dashes, quotes, ellipsis, euro, TM
)


def international_text(rng: random.Random, size: int, wide: bool) -> Args:
    """``unidecode_expect_nonascii(string)``: ``size`` characters of words from several scripts (Latin with
    accents, Cyrillic, Greek, CJK, Hangul, Arabic, punctuation); wide: emoji, private-use and unassigned code
    points, combining marks, control characters, empty."""
    n = size if not wide else rng.randint(0, size)
    alphabet = "".join(_SCRIPTS)
    if wide:
        alphabet += "😀🎉\U000f0001\U000e0041\u0301\u200b\x00\x7f\ufffd\U0010ffff"
    out, length = [], 0
    while length < n:
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
        out.append(word)
        length += len(word) + 1
    return (" ".join(out)[:n],), {}


def field_exponent(rng: random.Random, size: int, wide: bool) -> Args:
    """``find_prime_polys(generator, c_exp, fast_primes, single)``: all prime polynomials of GF(2^``size``); wide:
    small fields, other generators, the prime-number shortcut, only the first one."""
    if not wide:
        return (), {"c_exp": size}
    return (), {
        "generator": rng.choice((2, 3, 5)),
        "c_exp": rng.randint(1, max(1, size)),
        "fast_primes": rng.random() < 0.4,
        "single": rng.random() < 0.3,
    }


GENERATORS: dict[str, Generator] = {
    name: value
    for name, value in globals().items()
    if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == __name__
}
