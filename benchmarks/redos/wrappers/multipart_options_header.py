"""python-multipart 0.0.6: parse a request's Content-Type header."""

from multipart.multipart import parse_options_header


def target(s: str) -> tuple[bytes, dict[bytes, bytes]]:
    return parse_options_header(s)
