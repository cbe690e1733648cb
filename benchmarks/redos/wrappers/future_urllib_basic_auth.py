"""future 0.18.2: a basic-auth handler answering a 401 whose WWW-Authenticate header is ``s``."""

from future.backports.urllib import request


def target(s: str) -> object:
    handler = request.HTTPBasicAuthHandler()
    req = request.Request("http://example.com/")
    return handler.http_error_auth_reqed("www-authenticate", "example.com", req, {"www-authenticate": s})
