"""A mixed workload for the ``algorithms`` package from PyPI (keon/algorithms): the kind of script a user would
profile. Run from the package's source root; deterministic."""

import random

from algorithms.dynamic_programming.edit_distance import edit_distance
from algorithms.dynamic_programming.longest_common_subsequence import longest_common_subsequence
from algorithms.graph.traversal import bfs_traverse, dfs_traverse
from algorithms.math.euler_totient import euler_totient
from algorithms.math.goldbach import verify_goldbach
from algorithms.sorting.insertion_sort import insertion_sort
from algorithms.sorting.selection_sort import selection_sort
from algorithms.string.delete_reoccurring import delete_reoccurring_characters
from algorithms.string.group_anagrams import group_anagrams

rng = random.Random(7)
words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(3, 8))) for _ in range(20000)]
text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(100000))
graph = {n: [rng.randrange(20000) for _ in range(4)] for n in range(20000)}

checks = 0
for _ in range(6):
    checks += len(insertion_sort([rng.randrange(10**6) for _ in range(2000)]))
    checks += len(selection_sort([rng.randrange(10**6) for _ in range(1500)]))
    checks += len(bfs_traverse(graph, 0)) + len(dfs_traverse(graph, 0))
    checks += len(group_anagrams(words))
    checks += len(delete_reoccurring_characters(text))
    checks += edit_distance(text[:400], text[200:600]) + longest_common_subsequence(text[:400], text[100:500])
    checks += sum(euler_totient(n) for n in range(2, 4000))
    checks += int(verify_goldbach(6000))
print("checksum", checks)
