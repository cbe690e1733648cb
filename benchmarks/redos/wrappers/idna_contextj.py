"""idna 3.6: encode a domain name to its ASCII (punycode) form."""

import idna


def target(s: str) -> bytes:
    return idna.encode(s)
