"""waitress 1.4.2: parse the head of an HTTP request as the server does with the bytes it receives (its characters
are the bytes, Latin-1); a bad request is recorded on the parser, not raised."""

from waitress.adjustments import Adjustments
from waitress.parser import HTTPRequestParser


def target(s: str) -> object:
    parser = HTTPRequestParser(Adjustments())
    parser.received(s.encode("latin-1"))
    return parser.error or parser.headers
