"""One JSON line per request on the ``sokbo.access`` logger: what was asked, what it answered,
how long it took, and for a search how many posts it found.

Example line::

    {"time": "2026-12-07T06:12:03.412+00:00", "method": "GET", "path": "/api/search",
     "query": "q=%EB%8F%99%EB%A7%B9", "status": 200, "took_ms": 7.9, "hits": 42, "bytes": 8894,
     "pid": 4242}

``sokbo serve`` writes these to standard output (``--no-access-log`` turns them off); a view
records its hits with :func:`record_hits`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time

from flask import Flask, Response, g, request

log = logging.getLogger("sokbo.access")


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_log)


def record_hits(hits: int) -> None:
    """The number of posts the current request's search matched, for its log line."""
    g.access_hits = hits


def _start() -> None:
    g.access_started = time.perf_counter()


def _log(response: Response) -> Response:
    if not log.isEnabledFor(logging.INFO):
        return response
    started = g.get("access_started")
    line = {
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": request.path,
        "query": request.query_string.decode("latin-1"),
        "status": response.status_code,
        "took_ms": round((time.perf_counter() - started) * 1000, 2) if started is not None else None,
        "hits": g.get("access_hits"),
        "bytes": response.calculate_content_length(),
        "pid": os.getpid(),
    }
    log.info(json.dumps(line, ensure_ascii=False))
    return response


def to_stdout() -> None:
    """Send the access log to standard output, one bare JSON line per request."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
