"""pyasn1 0.6.3: decode a BER-encoded value (its characters are the encoding's bytes, Latin-1)."""

from pyasn1.codec.ber import decoder


def target(s: str) -> object:
    return decoder.decode(s.encode("latin-1"))
