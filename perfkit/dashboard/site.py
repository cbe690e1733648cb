"""Writing the static site (``index.html`` and ``assets/``) and serving it on localhost."""

from __future__ import annotations

import functools
import http.server
from importlib import resources
from pathlib import Path

from perfkit._io import write_atomic
from perfkit.dashboard.model import Dashboard
from perfkit.dashboard.page import render

ASSETS = ("app.js", "style.css")


def write_site(data: Dashboard, out: Path) -> Path:
    """Write the site into ``out`` (created if needed); returns the path of ``index.html``."""
    for name in ASSETS:
        text = resources.files("perfkit.dashboard").joinpath("assets", name).read_text(encoding="utf-8")
        write_atomic(out / "assets" / name, text)
    index = out / "index.html"
    write_atomic(index, render(data))
    return index


def serve(site: Path, *, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``site`` on 127.0.0.1 (port 0 picks a free one); call ``serve_forever`` on it."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
