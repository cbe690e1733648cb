"""marko 2.2.3: render a Markdown document to HTML."""

import marko


def target(s: str) -> str:
    return marko.convert(s)
