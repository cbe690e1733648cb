"""pypdf 6.13.3: open a PDF document in the default (non-strict) mode (its characters are the file's bytes,
Latin-1); reading its cross-reference table is all the constructor does."""

import io
import logging

from pypdf import PdfReader

logging.getLogger("pypdf").setLevel(logging.ERROR)  # the reader warns once per repaired entry


def target(s: str) -> str:
    return PdfReader(io.BytesIO(s.encode("latin-1"))).pdf_header
