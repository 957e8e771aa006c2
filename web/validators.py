"""ETags and Cache-Control for answers that depend only on the index and the request.

A search's answer is the same as long as the index's version (generation and commit) and the
normalised request are: its ETag is their hash, known before searching, so a client that
already holds the answer (``If-None-Match``) gets a 304 without any search being run.
``Cache-Control: no-cache`` lets browsers and shared caches keep the answer but ask each time,
which a publish makes necessary.
"""

from __future__ import annotations

import hashlib

from flask import Response, request

from sokbo.search import SearchRequest
from sokbo.search.cache import normalised

CACHE_CONTROL = "public, no-cache"
GZIP_SUFFIX = "-gzip"
""":mod:`.compress` gives a gzipped body this suffix on its ETag; either matches."""


def etag_for(version: tuple[object, ...], search: SearchRequest, kind: str) -> str:
    """The ETag of the answer of ``kind`` (``json``, ``atom``) to ``search`` on ``version``."""
    key = repr((kind, version, normalised(search))).encode()
    return hashlib.blake2b(key, digest_size=12).hexdigest()


def not_modified(etag: str) -> Response | None:
    """A 304 when the client already holds the answer with ``etag`` (plain or gzipped), else None."""
    held = request.if_none_match
    for tag in (etag, etag + GZIP_SUFFIX):
        if held.contains(tag):
            response = Response(status=304)
            response.set_etag(tag)
            response.headers["Cache-Control"] = CACHE_CONTROL
            return response
    return None


def validated(response: Response, etag: str) -> Response:
    """``response`` with its ETag and Cache-Control."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
