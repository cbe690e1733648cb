"""Pygments 2.14.0: tokenize a Smithy model."""

from pygments.lexers.smithy import SmithyLexer


def target(s: str) -> int:
    return len(list(SmithyLexer().get_tokens(s)))
