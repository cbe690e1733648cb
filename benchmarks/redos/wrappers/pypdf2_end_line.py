"""PyPDF2 1.27.8: open a PDF document (its characters are the file's bytes, Latin-1)."""

import io

from PyPDF2 import PdfFileReader


def target(s: str) -> int:
    return PdfFileReader(io.BytesIO(s.encode("latin-1")), strict=False).getNumPages()
