"""A mixed workload for ``pygorithm`` 1.0.4 from PyPI: the kind of script a user would profile (sorting several
lists, graph search, word games, a subsequence, primes). Run from the package's source root; deterministic."""

import random

from pygorithm.dynamic_programming import lis
from pygorithm.math import sieve_of_eratosthenes
from pygorithm.searching import binary_search, breadth_first_search
from pygorithm.sorting import bubble_sort, insertion_sort, merge_sort, quick_sort, selection_sort
from pygorithm.strings import anagram, isogram

rng = random.Random(11)
vertices = 20000
graph = {v: {rng.randrange(vertices) for _ in range(3)} for v in range(vertices)}
words = ["".join(rng.choice("aelrst") for _ in range(rng.randint(3, 6))) for _ in range(20000)]

checks = 0
for _ in range(4):
    checks += len(bubble_sort.sort([rng.randrange(10**6) for _ in range(1000)]))
    checks += len(insertion_sort.sort([rng.randrange(10**6) for _ in range(1200)]))
    checks += len(selection_sort.sort([rng.randrange(10**6) for _ in range(1200)]))
    checks += len(merge_sort.sort([rng.randrange(10**6) for _ in range(3000)]))
    ordered = quick_sort.sort([rng.randrange(10**6) for _ in range(20000)])
    checks += sum(binary_search.search(ordered, x) is not False for x in ordered[::50])
    checks += len(breadth_first_search.search(graph, 0))
    checks += len(anagram.is_anagram("alerts", words))
    checks += lis.longest_increasing_subsequence([rng.randrange(1000) for _ in range(1200)])[0]
    checks += sum(isogram.is_isogram(w) for w in words)
    checks += len(sieve_of_eratosthenes.sieve_of_eratosthenes(150000))
print("checksum", checks)
