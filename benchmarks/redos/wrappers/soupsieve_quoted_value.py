"""soupsieve 2.8.3: select the elements of a parsed HTML document with the CSS selector ``s`` (as
BeautifulSoup's ``select`` does); a bad selector raises ``SelectorSyntaxError``."""

import soupsieve
from bs4 import BeautifulSoup

DOCUMENT = '<html><body><p a="x" class="c">text</p><a href="/">link</a></body></html>'


def target(s: str) -> int:
    return len(soupsieve.select(s, BeautifulSoup(DOCUMENT, "html.parser")))
