"""linkify-it-py 2.1.0: find the links in a text, as a chat or comment renderer does before it makes them clickable
(one linkifier, built once, as an application keeps it)."""

from linkify_it import LinkifyIt

LINKIFY = LinkifyIt()


def target(s: str) -> int:
    return len(LINKIFY.match(s) or [])
