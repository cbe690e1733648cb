"""urllib3 1.26.4: parse a URL."""

from urllib3.util.url import parse_url


def target(s: str) -> str:
    return parse_url(s).url
