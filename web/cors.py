"""Cross-origin reads of the API, for the pages of the sites the owner lists, and no others.

The app's ``CORS_ORIGINS`` (``sokbo serve --cors-origin``, repeatable, or
``$SOKBO_CORS_ORIGINS``) lists origins such as ``https://news.example.com``. A request to
``/api`` from one of them gets ``Access-Control-Allow-Origin`` with that origin; any other
origin gets no such header, so its page cannot read the answer. Every ``/api`` response says
``Vary: Origin``, since the header depends on it, and no cache may give one origin's answer
to another. ``*`` (any origin) is only ever there when the owner lists it.

Example:
    >>> normalize_origin("HTTPS://News.Example.com:443/")
    'https://news.example.com'
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from .api import is_api_request

ANY_ORIGIN = "*"
DEFAULT_PORTS = {"http": 80, "https": 443}
PREFLIGHT_MAX_AGE = 7200
"""Seconds a browser may cache a preflight's answer (Chromium's own upper bound)."""


def normalize_origin(value: str) -> str:
    """``value`` as browsers write an ``Origin`` header: ``scheme://host[:port]``, lower case.

    Raises ValueError for anything that is not an http(s) origin (a path, a query, a user).
    """
    text = value.strip()
    if text == ANY_ORIGIN:
        return ANY_ORIGIN
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not an origin: {value!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an origin: {value!r}: write it as https://news.example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"not an origin: {value!r}: an origin has no path, query or user, only scheme://host[:port]")
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"not an origin: {value!r}: the host name is not valid") from None
    if ":" in host:
        host = f"[{host}]"
    shown_port = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{shown_port}"


def allowed_origins(values: Iterable[str]) -> tuple[str, ...]:
    """The allow-list, normalized and without repeats (ValueError names a bad entry)."""
    return tuple(dict.fromkeys(normalize_origin(v) for v in values if v.strip()))


def init_app(app: Flask) -> None:
    """Normalize ``CORS_ORIGINS`` once and add the headers to every API response."""
    configured = app.config.get("CORS_ORIGINS") or ()
    if isinstance(configured, str):
        configured = configured.replace(",", " ").split()
    app.config["CORS_ORIGINS"] = allowed_origins(configured)
    app.after_request(add_cors_headers)


def add_cors_headers(response: Response) -> Response:
    """``Access-Control-Allow-Origin`` for a listed origin (preflights answered too), on /api only."""
    if not is_api_request():
        return response
    allowed: tuple[str, ...] = current_app.config["CORS_ORIGINS"]
    origin = request.headers.get("Origin", "")
    if ANY_ORIGIN in allowed:
        response.headers["Access-Control-Allow-Origin"] = ANY_ORIGIN
    else:
        response.vary.add("Origin")
        if not origin or origin not in allowed:
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response
