"""pymdown-extensions 10.16: render Markdown with the figure caption block (``/// caption``)."""

import markdown
from pymdownx.blocks import caption


def target(s: str) -> str:
    return markdown.markdown(s, extensions=[caption.makeExtension()])
