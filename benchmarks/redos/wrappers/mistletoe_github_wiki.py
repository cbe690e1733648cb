"""mistletoe 1.5.1: render Markdown with GitHub wiki links (``[[text | target]]``), mistletoe's contrib renderer."""

import mistletoe
from mistletoe.contrib.github_wiki import GithubWikiRenderer


def target(s: str) -> str:
    return mistletoe.markdown(s, GithubWikiRenderer)
