"""pydantic 1.10.12: validate a "Name <address>" e-mail field (``NameEmail``)."""

from pydantic import NameEmail, parse_obj_as


def target(s: str) -> str:
    return str(parse_obj_as(NameEmail, s))
