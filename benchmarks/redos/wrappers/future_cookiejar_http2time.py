"""future 0.18.2: parse a cookie's expires date (a server's Set-Cookie header) with the backported cookiejar."""

from future.backports.http.cookiejar import http2time


def target(s: str) -> float | None:
    return http2time(s)
