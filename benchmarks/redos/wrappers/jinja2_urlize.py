"""Jinja2 2.11.2: the urlize filter on a text."""

from jinja2.utils import urlize


def target(s: str) -> str:
    return str(urlize(s))
