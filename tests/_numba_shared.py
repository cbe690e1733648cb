"""A sibling module whose helpers tests/test_numba_helpers.py imports by name (as StringDist imports
``_levenshtein_compute`` from ``levenshtein_shared``): self-contained ones compile with the kernel."""

LIMIT = 3  # a constant of this module: a helper reading it is not self-contained


def table_distance(a, b, swaps):
    rows = range(len(a) + 1)
    cols = range(len(b) + 1)
    d = [[(i if j == 0 else j) for j in cols] for i in rows]
    for i in rows[1:]:
        for j in cols[1:]:
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if swaps and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + cost)
    return d[len(a)][len(b)]


def capped(a, b):
    n = 0
    for x, y in zip(a, b):  # noqa: B905  (the spelling under test)
        if x == y:
            n += 1
        if n >= LIMIT:
            break
    return n
