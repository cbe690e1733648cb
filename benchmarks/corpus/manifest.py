"""The real-code corpus: slow functions from third-party projects on PyPI, pinned by version, and their halves.

Every function is the project's own code, imported from its unpacked sdist (``benchmarks/_corpus_fetch.py``);
what we wrote is only each entry's input generator (``corpus/generators.py``) and its sizes. The hidden check
(``benchmarks/_corpus_hidden.py``) runs the original itself, in a separate process, on the generator's wide
inputs (``wide=True``, another seed) and compares it with an accepted candidate.

The split into a tuning half and a held-out half is by project and was decided on 2026-11-29 (SPLIT_DATE) before
any run: the projects, sorted by name, were shuffled with ``random.Random(20261129)``, then each in turn went to
the half with fewer functions so far (ties to tuning). Rules may be tuned on the tuning half only; no test or
example may use a held-out function.
"""

from __future__ import annotations

from dataclasses import dataclass

SPLIT_DATE = "2026-11-29"
SPLIT_SEED = 20261129
HALVES = ("tuning", "held-out")


@dataclass(frozen=True)
class Project:
    """A PyPI project of the corpus: the exact release, where its code sits in the unpacked sdist, its half."""

    name: str
    version: str
    licence: str
    half: str
    root: str = ""  # folder inside the unpacked sdist that goes on sys.path ("" = the sdist's top folder)
    modules: tuple[tuple[str, str], ...] = ()  # (module name, file inside the sdist) for scripts that need a name

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


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
    p.name: p
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


def entries(half: str = "all") -> list[Entry]:
    """The functions of one half ("tuning", "held-out") or of both ("all"), in manifest order."""
    return [e for e in FUNCTIONS if half == "all" or PROJECTS[e.project].half == half]


def half_of(entry: Entry) -> str:
    """The half an entry belongs to (its project's)."""
    return PROJECTS[entry.project].half
