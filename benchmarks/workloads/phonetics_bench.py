"""A workload for ``phonetics`` 1.0.5 from PyPI (held-out-2 half; written before any perfkit run on it): matching
a list of surnames the way a genealogy or CRM clean-up script would, by blocking on Soundex and NYSIIS keys and
comparing Double Metaphone codes within blocks. Run from the package's source root; deterministic."""

import random

import phonetics

rng = random.Random(23)
stems = [
    "smith",
    "schmidt",
    "macdonald",
    "mcdonnell",
    "knight",
    "naito",
    "philips",
    "filipps",
    "wright",
    "right",
    "czarnecki",
    "tsarnetski",
    "gonzalez",
    "gonsales",
    "thompson",
    "tomson",
    "xavier",
    "zavier",
    "ghiselin",
]
endings = ["", "son", "sen", "s", "er", "ington", "berg", "stein", "ski", "ova"]
names = []
for _ in range(50000):
    name = list(rng.choice(stems) + rng.choice(endings))
    for _ in range(rng.randint(0, 2)):
        name[rng.randrange(len(name))] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    names.append("".join(name))


def nysiis_key(name):
    try:
        return phonetics.nysiis(name)
    except IndexError:  # phonetics 1.0.5's NYSIIS fails on some short codes
        return ""


blocks = {}
for name in names:
    blocks.setdefault((phonetics.soundex(name), nysiis_key(name)), []).append(name)

codes = {name: phonetics.dmetaphone(name) for name in names}
primary = [phonetics.metaphone(name) for name in names[:15000]]

matches = 0
for block in blocks.values():
    for i, a in enumerate(block[:40]):
        for b in block[i + 1 : 40]:
            ca, cb = codes[a], codes[b]
            matches += bool(set(filter(None, ca)) & set(filter(None, cb)))
print("checksum", matches, len(blocks), len(primary), sum(len(c[0] or "") for c in codes.values()))
