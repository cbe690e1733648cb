"""Tornado 6.4.1: parse a ``Cookie`` request header into a dict."""

from tornado.httputil import parse_cookie


def target(s: str) -> dict[str, str]:
    return parse_cookie(s)
