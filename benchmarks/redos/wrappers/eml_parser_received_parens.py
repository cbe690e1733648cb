"""eml_parser 3.0.1: parse an e-mail message (its characters are the message's bytes, Latin-1) as a mail-analysis
service does, Received headers included."""

from eml_parser import EmlParser


def target(s: str) -> dict:
    return EmlParser().decode_email_bytes(s.encode("latin-1"))
