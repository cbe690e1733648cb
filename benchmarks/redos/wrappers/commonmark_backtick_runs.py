"""commonmark 0.9.1 (commonmark.py, the Python port of commonmark.js): render a Markdown document to HTML."""

import commonmark


def target(s: str) -> str:
    return commonmark.commonmark(s)
