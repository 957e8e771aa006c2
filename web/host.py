"""A request whose ``Host`` is not a host name is a 400, before Flask routes it.

Flask builds every URL of a page (the stylesheet's, the links') from the request's host; a
``Host: a..b`` (an empty label) or a label over 63 characters leaves it no URL adapter, and
every HTML route failed with a 500 and two tracebacks. The check is the URL standard's: a
bracketed IPv6 literal, or labels IDNA can encode, and a port from 0 to 65535.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

_IPV6 = re.compile(r"\[[0-9A-Fa-f:.]+\]")
_PORT = re.compile(r"\d{1,5}")
_LABEL = re.compile(r"[\w-]+")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def valid_host(host: str) -> bool:
    """Whether ``host`` (``name[:port]``) names a host.

    Example:
        >>> [valid_host(h) for h in ("news.example.com:8080", "[::1]:80", "a..b", "x y", "h:99999")]
        [True, True, False, False, False]
    """
    name, colon, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not colon:
        name = host
    elif not _PORT.fullmatch(port) or int(port) > 65535:
        return False
    if _IPV6.fullmatch(name):
        return True
    if not name or len(name) > 253:
        return False
    labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        return False
    try:
        return all(0 < len(label.encode("idna")) <= 63 for label in labels)
    except UnicodeError:
        return False


class HostCheck:
    """WSGI middleware: a JSON 400 for a request with a ``Host`` that is not a host name."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is None or valid_host(host):
            return self.app(environ, start_response)
        body = json.dumps({"error": {"code": "bad_host", "message": "the Host header is not a host name"}}).encode()
        start_response(
            "400 Bad Request",
            [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body))),
             ("X-Content-Type-Options", "nosniff")],
        )
        return [body]
