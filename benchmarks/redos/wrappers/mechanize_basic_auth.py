"""mechanize 0.4.5: handle a 401 response's ``WWW-Authenticate`` header with the basic-auth handler (its
``AbstractBasicAuthHandler`` is a fork of Python 2's urllib2)."""

import mechanize


def target(s: str) -> object:
    handler = mechanize.HTTPBasicAuthHandler()
    request = mechanize.Request("http://example.com/")
    return handler.http_error_auth_reqed("www-authenticate", "http://example.com/", request, {"www-authenticate": s})
