"""starlette 0.49.0: parse a ``Range`` request header the way ``FileResponse`` does for a 1 MB file.

The header parser is ``FileResponse``'s own static method (the advisory's component); calling it directly
skips the ASGI plumbing and the file system, which only run after it.
"""

from starlette.responses import FileResponse


def target(s: str) -> list[tuple[int, int]]:
    return FileResponse._parse_range_header(s, 1_000_000)
