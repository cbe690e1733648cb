"""httplib2 0.18.1: parse a server's WWW-Authenticate header, as Http.request does on a 401."""

import httplib2


def target(s: str) -> dict[str, dict[str, str]]:
    return httplib2._parse_www_authenticate({"www-authenticate": s})
