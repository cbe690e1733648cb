"""A mixed workload for ``jellyfish`` 0.5.6 from PyPI (its pure-Python implementation, as installed without a
compiler): deduplicating a list of names the way a record-linkage script would (phonetic keys to block, then
edit distances and Jaro-Winkler within blocks). Run from the package's source root; deterministic."""

import itertools
import random

import jellyfish

rng = random.Random(5)
stems = ["smith", "johnson", "macdonald", "knight", "philips", "schmidt", "wright", "evans", "katherine", "nguyen"]
names = []
for _ in range(1500):
    name = list(rng.choice(stems) + rng.choice(["", "son", "s", "er", "ington"]))
    for _ in range(rng.randint(0, 2)):
        name[rng.randrange(len(name))] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    names.append("".join(name))

blocks = {}
for name in names:
    blocks.setdefault(jellyfish.soundex(name), []).append(name)
keys = [jellyfish.metaphone(n) + jellyfish.nysiis(n) + jellyfish.match_rating_codex(n) for n in names]

close = 0
for block in blocks.values():
    for i, a in enumerate(block[:60]):
        for b in block[i + 1 : 60]:
            close += jellyfish.levenshtein_distance(a, b) <= 2
            close += jellyfish.damerau_levenshtein_distance(a, b) <= 2
            close += jellyfish.jaro_winkler(a, b) > 0.9
            close += bool(jellyfish.match_rating_comparison(a, b))
            close += jellyfish.hamming_distance(a, b) < 3
texts = ["".join(rng.choice("acgt") for _ in range(500)) for _ in range(12)]
for a, b in itertools.pairwise(texts):
    close += jellyfish.levenshtein_distance(a, b) + jellyfish.damerau_levenshtein_distance(a, b)
print("checksum", close, len(keys), len(blocks))
