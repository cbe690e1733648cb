"""mistune 2.0.2: render a Markdown document to HTML."""

import mistune


def target(s: str) -> str:
    return str(mistune.html(s))
