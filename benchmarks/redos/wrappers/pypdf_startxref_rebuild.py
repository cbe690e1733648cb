"""pypdf 6.5.0: open a PDF document in the default (non-strict) mode (its characters are the file's bytes,
Latin-1); the constructor reads (or, when it is broken, rebuilds) its cross-reference table."""

import io
import logging

from pypdf import PdfReader

logging.getLogger("pypdf").setLevel(logging.ERROR)  # the reader warns once per repaired entry


def target(s: str) -> str:
    return PdfReader(io.BytesIO(s.encode("latin-1"))).pdf_header
