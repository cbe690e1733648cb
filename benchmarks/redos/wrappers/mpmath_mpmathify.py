"""mpmath 1.2.1: convert a string to an mpmath number (real or complex)."""

import mpmath


def target(s: str) -> object:
    return mpmath.mpmathify(s)
