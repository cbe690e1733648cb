"""xhtml2pdf 0.2.16: convert a CSS color value (as a style attribute of the HTML being rendered gives it) to a
ReportLab color; an unknown value raises ``ValueError``."""

from xhtml2pdf.util import getColor


def target(s: str) -> object:
    return getColor(s)
