"""The real-code corpus: slow functions from third-party projects on PyPI, pinned by version, and their halves.

Every function is the project's own code, imported from its unpacked sdist (``benchmarks/_corpus_fetch.py``);
what we wrote is only each entry's input generator (``corpus/generators.py``) and its sizes. The hidden check
(``benchmarks/_corpus_hidden.py``) runs the original itself, in a separate process, on the generator's wide
inputs (``wide=True``, another seed) and compares it with an accepted candidate.

The split into a tuning half and a held-out half is by project and was decided on 2026-11-29 (SPLIT_DATE) before
any run: the projects, sorted by name, were shuffled with ``random.Random(20261129)``, then each in turn went to
the half with fewer functions so far (ties to tuning). Rules may be tuned on the tuning half only; no test or
example may use a held-out function.

Since then (session 5, 2026-11-29 22:45 UTC) the former held-out half has been looked at and is tuning material
too. A second held-out half, ``held-out-2`` (``HELD_OUT_2`` below, listed in ``HELDOUT2.md``), was fixed on
2026-11-29 before any perfkit run, by a helper who never ran perfkit's optimizer on it: nobody tunes on it. Its
projects are new to the corpus, except pyperformance's benchmark kernels that no other half uses (a second part of
the same release, ``part="held-out-2"``: the two parts share no function). ``FUNCTIONS`` stays the first corpus
(tuning and held-out); ``ALL_FUNCTIONS`` is every half, which ``entries()`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass

SPLIT_DATE = "2026-11-29"
SPLIT_SEED = 20261129
HALVES = ("tuning", "held-out", "held-out-2")
HELD_OUT_2_DATE = "2026-11-29"  # fixed before any perfkit run on it


@dataclass(frozen=True)
class Project:
    """A PyPI project of the corpus: the exact release, where its code sits in the unpacked sdist, its half."""

    name: str
    version: str
    licence: str
    half: str
    root: str = ""  # folder inside the unpacked sdist that goes on sys.path ("" = the sdist's top folder)
    modules: tuple[tuple[str, str], ...] = ()  # (module name, file inside the sdist) for scripts that need a name
    part: str = ""  # a second part of a release already in the corpus, split on its own (key "name:part")

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def key(self) -> str:
        """The project's key in PROJECTS and in ``Entry.project``."""
        return f"{self.name}:{self.part}" if self.part else self.name


@dataclass(frozen=True)
class Entry:
    """One corpus function and how we feed it."""

    name: str  # unique short name, used by --only
    project: str
    module: str
    qualname: str
    pattern: str  # the slow pattern, in words
    gen: str  # the generator's name in corpus/generators.py
    sizes: tuple[int, ...]  # stress sizes (the role of a workload's captured inputs), ascending
    check_size: int  # the hidden check's wide inputs have sizes up to this
    hints: bool = False  # whether the function has type hints
    compare: str = "exact"  # "exact", or "float" (relative 1e-9) for floating-point results


_PYPERF = "pyperformance/data-files/benchmarks"
PROJECTS: dict[str, Project] = {
    p.key: p
    for p in (
        Project(
            "pyperformance",
            "1.0.6",
            "MIT",
            "held-out",
            modules=tuple(
                (f"bm_{b}", f"{_PYPERF}/bm_{b}/run_benchmark.py")
                for b in ("fannkuch", "spectral_norm", "float", "nbody", "scimark", "pidigits")
            ),
        ),
        Project("jellyfish", "0.5.6", "BSD-2-Clause", "tuning"),
        Project("pylev", "1.4.0", "BSD-3-Clause", "held-out"),
        Project("Distance", "0.1.3", "GPL-2.0", "tuning"),
        Project("primePy", "1.3", "MIT", "tuning"),
        Project("eulerlib", "0.2", "Apache-2.0", "tuning"),
        Project("algorithms", "1.0.1", "MIT", "held-out"),
        Project("pygorithm", "1.0.4", "MIT", "held-out"),
        # --- held-out-2 (fixed 2026-11-29 before any perfkit run, by a helper; never tuned on)
        Project(
            "pyperformance",
            "1.0.6",
            "MIT",
            "held-out-2",
            modules=tuple(
                (f"bm_{b}", f"{_PYPERF}/bm_{b}/run_benchmark.py")
                for b in ("nqueens", "deltablue", "scimark", "spectral_norm")
            ),
            part="held-out-2",
        ),
        Project("ecdsa", "0.13.3", "MIT", "held-out-2"),
        Project("mpmath", "1.3.0", "BSD-3-Clause", "held-out-2"),
        Project("base58", "1.0.3", "MIT", "held-out-2"),
        # nltk's distance module alone, under its own name: the package's __init__ needs regex, click, joblib, tqdm
        Project("nltk", "3.8.1", "Apache-2.0", "held-out-2", modules=(("nltk_distance", "nltk/metrics/distance.py"),)),
        Project("phonetics", "1.0.5", "MIT", "held-out-2"),
        Project("StringDist", "1.0.9", "MIT", "held-out-2"),
        Project("crcmod", "1.7", "MIT", "held-out-2", root="python3"),
    )
}

_S = (120, 300, 600)  # quadratic string DP
FUNCTIONS: tuple[Entry, ...] = (
    # --- pyperformance: the classic numeric/combinatorial benchmark kernels
    Entry(
        "pyperf.fannkuch",
        "pyperformance",
        "bm_fannkuch",
        "fannkuch",
        "permutation flips with pop(0)/insert and slice reversal",
        "small_int",
        (6, 7, 8),
        7,
    ),
    Entry(
        "pyperf.eval_AtA_times_u",
        "pyperformance",
        "bm_spectral_norm",
        "eval_AtA_times_u",
        "O(n^2) matrix-vector products through tiny helper calls",
        "float_vector",
        (100, 200, 350),
        30,
    ),
    Entry(
        "pyperf.part_A_times_u",
        "pyperformance",
        "bm_spectral_norm",
        "part_A_times_u",
        "accumulating loop calling a helper per element",
        "index_and_vector",
        (5000, 20000, 60000),
        40,
        compare="float",
    ),
    Entry(
        "pyperf.float_benchmark",
        "pyperformance",
        "bm_float",
        "benchmark",
        "object-per-point float arithmetic, attribute access in loops",
        "small_int",
        (5000, 20000, 60000),
        40,
    ),
    Entry(
        "pyperf.report_energy",
        "pyperformance",
        "bm_nbody",
        "report_energy",
        "pairwise loop with tuple unpacking",
        "energy_args",
        (100, 200, 400),
        8,
        compare="float",
    ),
    Entry(
        "pyperf.advance",
        "pyperformance",
        "bm_nbody",
        "advance",
        "n-body time steps on nested lists, updated in place",
        "advance_args",
        (500, 2000, 5000),
        50,
        compare="float",
    ),
    Entry(
        "pyperf.combinations",
        "pyperformance",
        "bm_nbody",
        "combinations",
        "pairs built with a slice copy per element (quadratic copying)",
        "any_list",
        (200, 500, 1000),
        12,
    ),
    Entry(
        "pyperf.monte_carlo",
        "pyperformance",
        "bm_scimark",
        "MonteCarlo",
        "pure-Python random generator in a counting loop",
        "small_int",
        (20000, 60000, 150000),
        60,
    ),
    Entry(
        "pyperf.calc_ndigits",
        "pyperformance",
        "bm_pidigits",
        "calc_ndigits",
        "spigot on big ints through generator composition",
        "small_int",
        (200, 500, 1000),
        60,
    ),
    # --- jellyfish 0.5.6: the pure-Python fallback _jellyfish.py
    Entry(
        "jellyfish.levenshtein_distance",
        "jellyfish",
        "jellyfish._jellyfish",
        "levenshtein_distance",
        "row-by-row DP with index loops",
        "two_strings",
        _S,
        12,
    ),
    Entry(
        "jellyfish.damerau_levenshtein_distance",
        "jellyfish",
        "jellyfish._jellyfish",
        "damerau_levenshtein_distance",
        "full 2-D DP matrix with defaultdict lookups",
        "two_strings",
        _S,
        12,
    ),
    Entry(
        "jellyfish.jaro_winkler",
        "jellyfish",
        "jellyfish._jellyfish",
        "_jaro_winkler",
        "windowed nested match loop with flag lists",
        "jaro_args",
        (400, 1500, 4000),
        14,
        compare="float",
    ),
    Entry(
        "jellyfish.hamming_distance",
        "jellyfish",
        "jellyfish._jellyfish",
        "hamming_distance",
        "index-based comparison loop",
        "two_strings_any_length",
        (20000, 100000, 300000),
        20,
    ),
    Entry(
        "jellyfish.nysiis",
        "jellyfish",
        "jellyfish._jellyfish",
        "nysiis",
        "character loop with repeated len() and slicing",
        "name_text",
        (5000, 20000, 60000),
        16,
    ),
    Entry(
        "jellyfish.metaphone",
        "jellyfish",
        "jellyfish._jellyfish",
        "metaphone",
        "character loop with lookahead branches, list building",
        "name_text",
        (5000, 20000, 60000),
        16,
    ),
    Entry(
        "jellyfish.match_rating_codex",
        "jellyfish",
        "jellyfish._jellyfish",
        "match_rating_codex",
        "character loop with membership in string constants",
        "name_text",
        (20000, 80000, 200000),
        16,
    ),
    # --- pylev 1.4.0
    Entry(
        "pylev.classic_levenshtein",
        "pylev",
        "pylev.classic",
        "classic_levenshtein",
        "recursion without memoisation (exponential), slicing per call",
        "two_strings",
        (6, 7, 8),
        5,
    ),
    Entry(
        "pylev.wf_levenshtein",
        "pylev",
        "pylev.wf",
        "wf_levenshtein",
        "full 2-D DP matrix with index loops",
        "two_strings",
        _S,
        12,
    ),
    Entry(
        "pylev.wfi_levenshtein",
        "pylev",
        "pylev.wf",
        "wfi_levenshtein",
        "two-row DP with list copies",
        "two_strings",
        _S,
        12,
    ),
    Entry(
        "pylev.damerau_levenshtein",
        "pylev",
        "pylev.damerau",
        "damerau_levenshtein",
        "three-row DP with list copies",
        "two_strings",
        _S,
        12,
    ),
    # --- Distance 0.1.3: the pure-Python modules
    Entry(
        "distance.levenshtein",
        "Distance",
        "distance._levenshtein",
        "levenshtein",
        "DP column in array('L') with min() per cell",
        "sequences",
        _S,
        12,
    ),
    Entry(
        "distance.nlevenshtein",
        "Distance",
        "distance._levenshtein",
        "nlevenshtein",
        "two DP tables of tuples",
        "sequences_normalized",
        (100, 250, 450),
        12,
        compare="float",
    ),
    Entry(
        "distance.lcsubstrings",
        "Distance",
        "distance._lcsubstrings",
        "lcsubstrings",
        "O(n*m) common-substring DP with list appends",
        "sequences_positions",
        _S,
        12,
    ),
    Entry(
        "distance.hamming",
        "Distance",
        "distance._simpledists",
        "hamming",
        "generator sum over zip",
        "sequences_equal_normalized",
        (50000, 200000, 500000),
        20,
        compare="float",
    ),
    # --- primePy 1.3
    Entry(
        "primepy.factors",
        "primePy",
        "primePy.primes",
        "factors",
        "trial division by every odd number, restarted per factor",
        "int_with_digits",
        (8, 10, 12),
        0,
    ),
    Entry(
        "primepy.phi",
        "primePy",
        "primePy.primes",
        "phi",
        "totient through naive factorisation",
        "int_with_digits",
        (8, 10, 12),
        0,
    ),
    Entry(
        "primepy.first",
        "primePy",
        "primePy.primes",
        "first",
        "each candidate divided by all primes so far, list concatenation",
        "small_int",
        (300, 800, 1500),
        40,
    ),
    Entry(
        "primepy.upto",
        "primePy",
        "primePy.primes",
        "upto",
        "each candidate divided by all primes so far, list concatenation",
        "small_int",
        (2000, 6000, 12000),
        300,
    ),
    Entry(
        "primepy.between",
        "primePy",
        "primePy.primes",
        "between",
        "trial-division primality per odd number, list concatenation",
        "range_pair",
        (2000, 8000, 20000),
        0,
    ),
    Entry(
        "primepy.check",
        "primePy",
        "primePy.primes",
        "check",
        "trial division to the square root",
        "prime_with_digits",
        (10, 12, 13),
        0,
    ),
    # --- eulerlib 0.2
    Entry(
        "eulerlib.primes",
        "eulerlib",
        "eulerlib.prime_numbers",
        "primes",
        "incremental sieve generator driven by next()",
        "small_int",
        (20000, 80000, 200000),
        300,
    ),
    Entry(
        "eulerlib.is_prime",
        "eulerlib",
        "eulerlib.prime_numbers",
        "is_prime",
        "primality by a fresh prime generator up to the square root",
        "prime_with_digits",
        (9, 11, 12),
        0,
    ),
    Entry(
        "eulerlib.primitive_triples",
        "eulerlib",
        "eulerlib.pythagoras",
        "primitive_triples",
        "tree walk with list stacks through a generator",
        "small_int",
        (10000, 40000, 100000),
        60,
    ),
    Entry(
        "eulerlib.decimal_to_base",
        "eulerlib",
        "eulerlib.etc",
        "decimal_to_base",
        "string prepended digit by digit (quadratic)",
        "big_int_base",
        (2000, 5000, 10000),
        0,
    ),
    Entry(
        "eulerlib.lcm_n",
        "eulerlib",
        "eulerlib.numtheory",
        "lcm_n",
        "hand-written Euclid per element, index loop",
        "int_list_positive",
        (5000, 20000, 50000),
        0,
    ),
    Entry(
        "eulerlib.word_numerical_val",
        "eulerlib",
        "eulerlib.etc",
        "word_numerical_val",
        "membership and find() in a string per character",
        "words_text",
        (20000, 100000, 300000),
        30,
    ),
    # --- algorithms 1.0.1 (annotated)
    Entry(
        "algorithms.insertion_sort",
        "algorithms",
        "algorithms.sorting.insertion_sort",
        "insertion_sort",
        "quadratic sort",
        "int_list",
        (300, 1000, 2000),
        30,
        hints=True,
    ),
    Entry(
        "algorithms.selection_sort",
        "algorithms",
        "algorithms.sorting.selection_sort",
        "selection_sort",
        "quadratic sort",
        "int_list",
        (300, 1000, 2000),
        30,
        hints=True,
    ),
    Entry(
        "algorithms.edit_distance",
        "algorithms",
        "algorithms.dynamic_programming.edit_distance",
        "edit_distance",
        "full 2-D DP matrix",
        "two_strings",
        _S,
        12,
        hints=True,
    ),
    Entry(
        "algorithms.longest_common_subsequence",
        "algorithms",
        "algorithms.dynamic_programming.longest_common_subsequence",
        "longest_common_subsequence",
        "full 2-D DP matrix",
        "two_strings",
        _S,
        12,
        hints=True,
    ),
    Entry(
        "algorithms.longest_increasing_subsequence",
        "algorithms",
        "algorithms.dynamic_programming.longest_increasing",
        "longest_increasing_subsequence",
        "O(n^2) DP over all earlier elements",
        "int_list",
        (300, 1000, 2000),
        30,
        hints=True,
    ),
    Entry(
        "algorithms.max_profit_naive",
        "algorithms",
        "algorithms.dynamic_programming.buy_sell_stock",
        "max_profit_naive",
        "all pairs with max() per pair",
        "prices",
        (300, 1000, 2000),
        30,
        hints=True,
    ),
    # --- pygorithm 1.0.4
    Entry(
        "pygorithm.bubble_sort",
        "pygorithm",
        "pygorithm.sorting.bubble_sort",
        "sort",
        "quadratic in-place sort with index loops",
        "int_list",
        (300, 1000, 2000),
        30,
    ),
    Entry(
        "pygorithm.selection_sort",
        "pygorithm",
        "pygorithm.sorting.selection_sort",
        "sort",
        "quadratic in-place sort with index loops",
        "int_list",
        (300, 1000, 2000),
        30,
    ),
    Entry(
        "pygorithm.insertion_sort",
        "pygorithm",
        "pygorithm.sorting.insertion_sort",
        "sort",
        "quadratic in-place sort",
        "int_list",
        (300, 1000, 2000),
        30,
    ),
    Entry(
        "pygorithm.bfs",
        "pygorithm",
        "pygorithm.searching.breadth_first_search",
        "search",
        "FIFO queue on a list with pop(0)",
        "graph_sets",
        (5000, 20000, 60000),
        30,
    ),
    Entry(
        "pygorithm.is_anagram",
        "pygorithm",
        "pygorithm.strings.anagram",
        "is_anagram",
        "Counter rebuilt for the word on every candidate",
        "anagram_args",
        (5000, 20000, 60000),
        30,
    ),
    Entry(
        "pygorithm.lis",
        "pygorithm",
        "pygorithm.dynamic_programming.lis",
        "longest_increasing_subsequence",
        "O(n^2) DP over all earlier elements",
        "int_list",
        (300, 1000, 2000),
        30,
    ),
    Entry(
        "pygorithm.is_isogram",
        "pygorithm",
        "pygorithm.strings.isogram",
        "is_isogram",
        "membership test on a growing list",
        "isogram_word",
        (1000, 3000, 8000),
        30,
    ),
    Entry(
        "pygorithm.sieve",
        "pygorithm",
        "pygorithm.math.sieve_of_eratosthenes",
        "sieve_of_eratosthenes",
        "sieve with a Python inner loop",
        "small_int",
        (50000, 200000, 600000),
        300,
    ),
)


_PP2 = "pyperformance:held-out-2"
_N = "nltk_distance"  # nltk/metrics/distance.py, linked under this name
HELD_OUT_2: tuple[Entry, ...] = (
    # --- pyperformance 1.0.6: benchmark kernels no other half uses
    Entry(
        "pyperf2.n_queens",
        _PP2,
        "bm_nqueens",
        "n_queens",
        "brute force over all permutations, two sets built per permutation",
        "int_limit",
        (6, 7, 8),
        6,
    ),
    Entry(
        "pyperf2.permutations",
        _PP2,
        "bm_nqueens",
        "permutations",
        "pure-Python permutation generator: slice rotation and a tuple per item",
        "pool_and_r",
        (7, 8, 9),
        6,
    ),
    Entry(
        "pyperf2.fft_transform_internal",
        _PP2,
        "bm_scimark",
        "FFT_transform_internal",
        "in-place radix-2 FFT with index arithmetic on an array('d')",
        "fft_transform_args",
        (4096, 16384, 65536),
        64,
        compare="float",
    ),
    Entry(
        "pyperf2.fft_bitreverse",
        _PP2,
        "bm_scimark",
        "FFT_bitreverse",
        "bit-reversal permutation with a while loop per index",
        "fft_data",
        (65536, 262144, 1048576),
        64,
        compare="float",
    ),
    Entry(
        "pyperf2.part_At_times_u",
        _PP2,
        "bm_spectral_norm",
        "part_At_times_u",
        "accumulating loop calling a helper per element",
        "index_and_vector",
        (50000, 200000, 800000),
        40,
        compare="float",
    ),
    Entry(
        "pyperf2.delta_blue",
        _PP2,
        "bm_deltablue",
        "delta_blue",
        "object-heavy constraint solver: method calls and attribute access per variable",
        "int_limit",
        (500, 2000, 8000),
        30,
    ),
    # --- ecdsa 0.13.3: numbertheory.py
    Entry(
        "ecdsa.factorization",
        "ecdsa",
        "ecdsa.numbertheory",
        "factorization",
        "trial division by every odd number after a small-prime table",
        "semiprime",
        (10, 12, 14),
        0,
    ),
    Entry(
        "ecdsa.phi",
        "ecdsa",
        "ecdsa.numbertheory",
        "phi",
        "totient through trial-division factorisation",
        "semiprime",
        (10, 12, 14),
        0,
    ),
    Entry(
        "ecdsa.order_mod",
        "ecdsa",
        "ecdsa.numbertheory",
        "order_mod",
        "multiplicative order by repeated multiplication (linear in the modulus)",
        "unit_mod_prime",
        (200000, 1000000, 8000000),
        2000,
    ),
    Entry(
        "ecdsa.polynomial_exp_mod",
        "ecdsa",
        "ecdsa.numbertheory",
        "polynomial_exp_mod",
        "square-and-multiply on coefficient lists, O(d^2) nested index loops per product",
        "poly_exp_args",
        (40, 80, 150),
        6,
    ),
    Entry(
        "ecdsa.polynomial_multiply_mod",
        "ecdsa",
        "ecdsa.numbertheory",
        "polynomial_multiply_mod",
        "schoolbook product with % per term, then reduction with list slicing per degree",
        "poly_mul_args",
        (200, 500, 1000),
        8,
    ),
    # --- mpmath 1.3.0: libmp/libintmath.py (pure-Python backend)
    Entry(
        "mpmath.moebius",
        "mpmath",
        "mpmath.libmp.libintmath",
        "moebius",
        "trial division by every number up to n",
        "squarefree_int",
        (1000000, 5000000, 20000000),
        2000,
    ),
    Entry(
        "mpmath.list_primes",
        "mpmath",
        "mpmath.libmp.libintmath",
        "list_primes",
        "sieve with a Python inner loop, list comprehension filter",
        "int_limit",
        (100000, 500000, 2000000),
        300,
    ),
    Entry(
        "mpmath.stirling1",
        "mpmath",
        "mpmath.libmp.libintmath",
        "stirling1",
        "O(n*k) big-int DP on one row, index loops",
        "n_and_k",
        (300, 700, 1500),
        30,
    ),
    Entry(
        "mpmath.stirling2",
        "mpmath",
        "mpmath.libmp.libintmath",
        "stirling2",
        "alternating sum of big powers with a running binomial",
        "n_and_k",
        (500, 1500, 3500),
        30,
    ),
    Entry(
        "mpmath.small_numeral",
        "mpmath",
        "mpmath.libmp.libintmath",
        "small_numeral",
        "digits by repeated divmod of a big int (quadratic)",
        "big_int_radix",
        (4000, 12000, 25000),
        40,
    ),
    # --- base58 1.0.3
    Entry(
        "base58.b58encode",
        "base58",
        "base58",
        "b58encode",
        "big int accumulated byte by byte, then bytes prepended per digit (quadratic)",
        "payload_bytes",
        (2000, 6000, 15000),
        40,
    ),
    Entry(
        "base58.b58decode",
        "base58",
        "base58",
        "b58decode",
        "alphabet.index per character, big-int multiply-add, divmod per byte",
        "base58_text",
        (4000, 12000, 30000),
        40,
    ),
    Entry(
        "base58.b58encode_int",
        "base58",
        "base58",
        "b58encode_int",
        "bytes prepended digit by digit from repeated divmod (quadratic)",
        "nonnegative_big_int",
        (6000, 20000, 50000),
        40,
    ),
    # --- nltk 3.8.1: nltk/metrics/distance.py
    Entry(
        "nltk.edit_distance",
        "nltk",
        _N,
        "edit_distance",
        "full 2-D DP matrix, a helper call with keyword arguments per cell",
        "edit_distance_args",
        _S,
        12,
    ),
    Entry(
        "nltk.edit_distance_align",
        "nltk",
        _N,
        "edit_distance_align",
        "full 2-D DP matrix, then a backtrace through min() over a generator per step",
        "two_strings",
        (150, 400, 900),
        12,
    ),
    Entry(
        "nltk.jaro_similarity",
        "nltk",
        _N,
        "jaro_similarity",
        "windowed match loop with membership tests on a growing list",
        "two_strings",
        (300, 800, 1500),
        14,
        compare="float",
    ),
    Entry(
        "nltk.jaro_winkler_similarity",
        "nltk",
        _N,
        "jaro_winkler_similarity",
        "Jaro's windowed match loop with list membership, then a prefix scan",
        "jaro_winkler_args",
        (300, 800, 1500),
        14,
        compare="float",
    ),
    # --- phonetics 1.0.5
    Entry(
        "phonetics.dmetaphone",
        "phonetics",
        "phonetics.metaphone",
        "dmetaphone",
        "character loop dispatching through globals() by name, strings grown with +=",
        "name_text",
        (20000, 100000, 400000),
        16,
    ),
    Entry(
        "phonetics.nysiis",
        "phonetics",
        "phonetics.nysiis",
        "nysiis",
        "character loop joining list slices per position, dict lookups",
        "name_text",
        (50000, 200000, 800000),
        16,
    ),
    Entry(
        "phonetics.soundex",
        "phonetics",
        "phonetics.soundex",
        "soundex",
        "character loop with ord() arithmetic and list appends",
        "lower_word",
        (200000, 1000000, 3000000),
        16,
    ),
    # --- StringDist 1.0.9: the pure-Python fallback
    Entry(
        "stringdist.levenshtein",
        "StringDist",
        "stringdist.pystringdist.levenshtein",
        "levenshtein",
        "full 2-D DP matrix built with nested comprehensions, min() per cell",
        "two_strings",
        (150, 400, 800),
        12,
    ),
    Entry(
        "stringdist.rdlevenshtein",
        "StringDist",
        "stringdist.pystringdist.rdlevenshtein",
        "rdlevenshtein",
        "full 2-D DP matrix with a transposition branch per cell",
        "two_strings",
        (150, 400, 800),
        12,
    ),
    # --- crcmod 1.7: the pure-Python fallback _crcfunpy.py
    Entry(
        "crcmod.crc16",
        "crcmod",
        "crcmod._crcfunpy",
        "_crc16",
        "table-driven CRC, one Python iteration per byte",
        "crc16_args",
        (200000, 1000000, 3000000),
        40,
    ),
    Entry(
        "crcmod.crc32r",
        "crcmod",
        "crcmod._crcfunpy",
        "_crc32r",
        "reflected table-driven CRC, one Python iteration per byte",
        "crc32r_args",
        (200000, 1000000, 3000000),
        40,
    ),
)

ALL_FUNCTIONS: tuple[Entry, ...] = FUNCTIONS + HELD_OUT_2


def entries(half: str = "all") -> list[Entry]:
    """The functions of one half ("tuning", "held-out", "held-out-2") or of all ("all"), in manifest order."""
    return [e for e in ALL_FUNCTIONS if half == "all" or PROJECTS[e.project].half == half]


def half_of(entry: Entry) -> str:
    """The half an entry belongs to (its project's)."""
    return PROJECTS[entry.project].half
