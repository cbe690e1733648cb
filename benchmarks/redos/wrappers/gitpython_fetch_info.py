"""GitPython 3.1.26: parse one line of ``git fetch -v`` output into a ``FetchInfo`` (what ``Remote.fetch``
does with each line git prints; no repository is needed before the line is parsed)."""

from git.remote import FetchInfo


def target(s: str) -> object:
    return FetchInfo._from_line(None, s, "")
