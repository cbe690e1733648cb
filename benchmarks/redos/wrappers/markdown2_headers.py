"""markdown2 2.4.0: render a Markdown document to HTML."""

import markdown2


def target(s: str) -> str:
    return str(markdown2.markdown(s))
