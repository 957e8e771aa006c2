"""``GET /healthz``: whether this server can search, for load balancers and monitors.

200 when the live index opens, with its generation, its posts, when it was last written and
how long ago (``age_s``: a publishing pipeline that stopped shows as a growing age); 503 with
the reason otherwise. Always JSON, never cached.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Blueprint, Response

from sokbo.search import IndexDamaged, IndexMissing

from . import get_service
from .api import json_response

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    try:
        body = index_health()
    except IndexMissing as exc:
        code = "index_damaged" if isinstance(exc, IndexDamaged) else "index_missing"
        response = json_response({"status": "unavailable", "error": {"code": code, "message": str(exc)}}, 503)
    else:
        response = json_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def index_health() -> dict[str, Any]:
    """The live index as a monitor sees it (raises IndexMissing without one)."""
    stats = get_service().stats()
    updated = stats.get("updated_at")  # seconds since the epoch, when the index was last written
    if not isinstance(updated, (int, float)):
        return {"status": "ok", "generation": stats["generation"], "posts": stats["posts"], "updated_at": None, "age_s": None}
    return {
        "status": "ok",
        "generation": stats["generation"],
        "posts": stats["posts"],
        "updated_at": dt.datetime.fromtimestamp(updated, dt.timezone.utc).isoformat(timespec="seconds"),
        "age_s": round(max(0.0, time.time() - updated), 1),
    }
