"""validators 0.12.5: check that a string is a valid domain name."""

import validators


def target(s: str) -> bool:
    return validators.domain(s) is True
