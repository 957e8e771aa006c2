"""The JSON API: ``GET /api/search``, ``GET /api/suggest`` and ``GET /api/health``.

``GET /api/openapi.json`` (:mod:`.openapi`) describes them; ``docs/api.md`` is their reference.

Responses are UTF-8 JSON with Korean kept readable (``ensure_ascii=False``). Which other
origins' pages may read them is :mod:`.cors`'s business (an allow-list, empty by default).
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, Response, request

from sokbo.search import BadParameter, SearchRequest
from sokbo.search.request import SuggestRequest

from . import access_log, get_service, validators

JSON_TYPE = "application/json; charset=utf-8"
OPENSEARCH_SUGGESTIONS_TYPE = "application/x-suggestions+json; charset=utf-8"
SUGGEST_FORMATS = ("json", "opensearch")

bp = Blueprint("api", __name__, url_prefix="/api")


def json_response(body: Any, status: int = 200) -> Response:
    """``body`` as a JSON response with an explicit UTF-8 charset."""
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=JSON_TYPE)


def is_api_request() -> bool:
    """Whether the current request is for the API (its errors are JSON, not HTML)."""
    return request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")


@bp.get("/search")
def search() -> Response:
    """One page of hits with facets; a bad parameter raises BadParameter (a 400)."""
    search_request = SearchRequest.from_params(request.args.to_dict(flat=False))
    service = get_service()
    etag = validators.etag_for(service.version(), search_request, "json")
    unchanged = validators.not_modified(etag)
    if unchanged is not None:
        return unchanged
    response = service.search(search_request)
    access_log.record_hits(response.total)
    return validators.validated(json_response(response.as_dict()), etag)


@bp.get("/suggest")
def suggest() -> Response:
    """Completions of what the reader is typing (대토 → 대통령, ㄱㅈ → 김정은): terms, then titles.

    ``format=opensearch`` answers in the OpenSearch suggestions format, ``[q, [texts]]``, which
    a browser that added sokbo as a search engine (``/opensearch.xml``) shows in its address bar.
    """
    started = time.perf_counter()
    params = request.args.to_dict(flat=False)
    suggest_format = (params.get("format") or [""])[0] or "json"
    if suggest_format not in SUGGEST_FORMATS:
        raise BadParameter("format", f"format must be one of {', '.join(SUGGEST_FORMATS)}, not {suggest_format[:40]!r}")
    suggest_request = SuggestRequest.from_params(params)
    completions = get_service().lexicon().complete(suggest_request.q, suggest_request.limit) if suggest_request.q else []
    if suggest_format == "opensearch":
        body = [suggest_request.q, [c.text for c in completions]]
        return Response(json.dumps(body, ensure_ascii=False), content_type=OPENSEARCH_SUGGESTIONS_TYPE)
    return json_response(
        {
            "query": suggest_request.q,
            "suggestions": [c.as_dict() for c in completions],
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    )


@bp.get("/health")
def health() -> Response:
    """Liveness for monitors: the live index's post count and generation (503 without one)."""
    stats = get_service().stats()
    return json_response({"status": "ok", "posts": stats["posts"], "generation": stats["generation"]})
