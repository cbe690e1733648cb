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


GENERATORS: dict[str, Generator] = {
    name: value
    for name, value in globals().items()
    if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == __name__
}
