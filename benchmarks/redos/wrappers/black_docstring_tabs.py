"""black 24.2.0: format a source file (its docstrings get their leading tabs expanded)."""

import black


def target(s: str) -> str:
    return black.format_str(s, mode=black.Mode())
