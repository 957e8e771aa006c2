"""gzip for large text answers, when the client accepts it.

A page of 100 hits is ~85 KB of JSON and ~11 KB gzipped. Answers under :data:`MIN_BYTES`
are sent as they are (gzip would cost more time than it saves). A response that carries an
``ETag`` gets a gzip-specific one, since its bytes differ; ``Vary: Accept-Encoding`` keeps
caches from serving one to a client that asked for the other.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_BYTES = 1024
LEVEL = 6
"""zlib's default: most of the ratio of level 9 at a fraction of its time."""

TYPES = frozenset(
    {"application/json", "text/html", "text/css", "text/javascript", "application/javascript",
     "application/atom+xml", "application/opensearchdescription+xml", "application/x-suggestions+json",
     "image/svg+xml", "text/plain"}
)


def init_app(app: Flask) -> None:
    """Compress ``app``'s answers; registered first, so it runs after every other after_request."""
    app.after_request(compress)


def compress(response: Response) -> Response:
    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.status_code != 200
        or response.mimetype not in TYPES
        or "Content-Encoding" in response.headers
        or request.accept_encodings["gzip"] <= 0
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response
