"""NLTK 3.6.5: split a text into sentences with an (untrained) Punkt tokenizer."""

from nltk.tokenize.punkt import PunktSentenceTokenizer


def target(s: str) -> list[str]:
    return PunktSentenceTokenizer().tokenize(s)
