"""Pygments 2.7.3: tokenize an ODIN document."""

from pygments.lexers.archetype import OdinLexer


def target(s: str) -> int:
    return len(list(OdinLexer().get_tokens(s)))
