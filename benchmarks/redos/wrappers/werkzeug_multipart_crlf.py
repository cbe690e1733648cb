"""Werkzeug 3.0.0: parse a ``multipart/form-data`` request body (boundary ``b``) as a WSGI application does
(its characters are the body's bytes, Latin-1)."""

import io

from werkzeug.formparser import parse_form_data


def target(s: str) -> int:
    body = s.encode("latin-1")
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "multipart/form-data; boundary=b",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    _, form, files = parse_form_data(environ)
    return len(form) + len(files)
