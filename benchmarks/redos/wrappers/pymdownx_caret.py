"""pymdown-extensions 11.0: render Markdown with the caret (superscript/insert), tilde (subscript/delete) and
BetterEm extensions."""

import markdown
from pymdownx import betterem, caret, tilde


def target(s: str) -> str:
    extensions = [caret.makeExtension(), tilde.makeExtension(), betterem.makeExtension()]
    return markdown.markdown(s, extensions=extensions)
