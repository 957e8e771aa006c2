"""``GET /api/openapi.json``: the HTTP API described once, as an OpenAPI 3.1 document.

The document is built here, in Python, so that every limit it states is the very constant the
code enforces (:mod:`sokbo.search.request`'s ``MAX_PER_PAGE``, ``MAX_QUERY_CHARS``, ...,
:mod:`.api`'s suggestion formats, :mod:`.feeds`' feed size): a limit changed there is changed
here, and the document cannot drift from the validation. ``tests/test_openapi.py`` validates
real answers of the app against it, and schemathesis fuzzes a running server with it
(``tests/test_fuzz_api.py``); ``docs/api.md`` is its human-readable companion.

Parameters are described as the API's users should send them (``page=2``, ``correct=0``).
What the server also tolerates (surrounding spaces, an empty value meaning "the default",
``correct=false``) is said in the descriptions, so that clients are not encouraged to rely on it.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response

import sokbo
from sokbo.search.request import (
    DEFAULT_PER_PAGE,
    DEFAULT_SUGGESTIONS,
    MAX_CATEGORIES,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_SUGGESTIONS,
    FALSE_VALUES,
    SORTS,
    TRUE_VALUES,
)

from .api import JSON_TYPE, SUGGEST_FORMATS, json_response
from .feeds import FEED_ENTRIES

OPENAPI_VERSION = "3.1.0"
PATH = "/api/openapi.json"

FLAG_VALUES = tuple(v for pair in zip(FALSE_VALUES, TRUE_VALUES) for v in pair)
"""What a 0/1 parameter takes: ``0``, ``1``, ``false``, ``true``, ... (request.py's own lists)."""
FLAG_PATTERN = "^(" + "|".join("".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in v) for v in FLAG_VALUES) + ")$"
"""The same in any case, spelt without ``(?i)``, which JSON Schema's regular expressions lack."""

SEARCH_PARAMS = ("q", "category", "from", "to", "month", "sort", "page", "per_page", "correct")
"""The names ``SearchRequest.from_params`` reads (a 400 names one of them)."""
SUGGEST_PARAMS = ("q", "limit", "format")
"""The names ``GET /api/suggest`` reads."""

ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ISO_MONTH = "^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])$"
"""``YYYY-MM`` of a real month: Python's dates (and so sokbo's) begin in year 1."""
POST_DATE = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?)?)?$"
)
"""A post's ``date``: its day, or the day with the time (and zone) its front matter gave."""

bp = Blueprint("openapi", __name__)


@bp.get(PATH)
def openapi_json() -> Response:
    """The document, as JSON (it describes itself too)."""
    return json_response(document())


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of sokbo's HTTP API (built once per process; do not mutate)."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "sokbo",
            "version": sokbo.__version__,
            "summary": "Korean full-text search of a Jekyll news site",
            "description": (
                "Search, autocomplete, health and feeds of a sokbo server. Every `/api/*` answer is "
                "UTF-8 JSON, errors included. The human-readable reference is docs/api.md in sokbo's "
                "repository. Unknown parameters are ignored; a parameter given twice counts once "
                "(its first value), except `category`, which is repeatable. An empty value (`page=`, as an HTML "
                "form sends an empty field) is the same as none."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {
            "/api/search": {"get": _search()},
            "/api/suggest": {"get": _suggest()},
            "/api/health": {"get": _health()},
            "/healthz": {"get": _healthz()},
            "/feed.atom": {"get": _feed()},
            "/opensearch.xml": {"get": _opensearch()},
            PATH: {"get": _self()},
        },
        "components": {"schemas": _schemas(), "responses": _responses()},
    }


# -- operations ---------------------------------------------------------------------------


def _search() -> dict[str, Any]:
    return {
        "operationId": "search",
        "summary": "One page of hits with their facets",
        "description": (
            "Hits in rank order (or by date), the facet counts of the query with the other "
            "filters applied, and a did-you-mean suggestion. With no `q`, browses the newest posts. "
            "Two constraints span parameters (a 400 otherwise): `month` excludes `from` and `to`, "
            "and `to` is not before `from`."
        ),
        "tags": ["search"],
        "parameters": [
            *_search_parameters(),
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag of an answer the client holds: a 304 when it is still the answer.",
                "schema": {"type": "string"},
            },
        ],
        "responses": {
            "200": {
                **_json("One page of results.", _ref("SearchResponse")),
                "headers": {
                    "ETag": {"description": "Changes when the index or the request does.", "schema": {"type": "string"}},
                    "Cache-Control": {"schema": {"type": "string", "const": "public, no-cache"}},
                },
            },
            "304": {"description": "The answer the client holds (If-None-Match) is still the answer."},
            "400": {"$ref": "#/components/responses/SearchBadParameter"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    }


def _search_parameters() -> list[dict[str, Any]]:
    """``SearchRequest.from_params``' parameters, with its limits."""
    return [
        _query("q", f"The query: words, `\"a phrase\"`, `-excluded`, `OR`; at most {MAX_QUERY_CHARS} "
               "characters (surrounding spaces are ignored, but counted). Empty or absent: browse the newest posts.",
               {"type": "string", "maxLength": MAX_QUERY_CHARS}, example="동맹"),
        {
            "name": "category",
            "in": "query",
            "description": f"Posts in any of these categories; repeat it for several (`category=정치&category=국제`), "
                           f"at most {MAX_CATEGORIES} different ones.",
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_CATEGORIES},
            "example": ["정치"],
        },
        _query("from", "Posts of this day or later (`YYYY-MM-DD`).",
               {"type": "string", "format": "date", "pattern": ISO_DATE}, example="2024-07-01"),
        _query("to", "Posts of this day or earlier (`YYYY-MM-DD`); not before `from`.",
               {"type": "string", "format": "date", "pattern": ISO_DATE}, example="2024-07-31"),
        _query("month", "Posts of this calendar month (`YYYY-MM`): instead of `from`/`to` (both at once is a 400).",
               {"type": "string", "pattern": ISO_MONTH}),
        _query("sort", "The order: `relevance` (the default with a query), `newest` (the default without one), `oldest`.",
               {"type": "string", "enum": list(SORTS)}),
        _query("page", f"The 1-based page, at most {MAX_PAGE}.",
               {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
        _query("per_page", f"Hits a page, 1 to {MAX_PER_PAGE}.",
               {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}),
        _query("correct", "`0`: never search a corrected query instead of this one (`1`, the default: do when "
               "this one finds nothing and its correction does). `false`/`true`, `no`/`yes`, `off`/`on` "
               "(in any case) say the same.",
               {"type": "string", "pattern": FLAG_PATTERN, "default": "1", "examples": ["0", "1"]}),
    ]


def _suggest() -> dict[str, Any]:
    opensearch = {
        "type": "array",
        "description": "OpenSearch suggestions: what was typed, and the completions' texts.",
        "prefixItems": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": MAX_SUGGESTIONS}],
        "minItems": 2,
        "maxItems": 2,
    }
    return {
        "operationId": "suggest",
        "summary": "Completions of what a reader is typing",
        "description": (
            "Words of the index that complete the last word typed (대토 → 대통령, ㄱㅈ → 김정은), then posts "
            "whose title does. `format=opensearch` answers `[q, [texts]]` as "
            "`application/x-suggestions+json`, the format browsers read."
        ),
        "tags": ["search"],
        "parameters": [
            _query("q", f"What has been typed so far; at most {MAX_QUERY_CHARS} characters. Empty: no suggestions.",
                   {"type": "string", "maxLength": MAX_QUERY_CHARS}, example="대토"),
            _query("limit", f"How many suggestions, 1 to {MAX_SUGGESTIONS}.",
                   {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": DEFAULT_SUGGESTIONS}),
            _query("format", "`json` (the default) or `opensearch`.",
                   {"type": "string", "enum": list(SUGGEST_FORMATS), "default": SUGGEST_FORMATS[0]}),
        ],
        "responses": {
            "200": {
                "description": "The suggestions, terms first.",
                "content": {
                    "application/json": {"schema": _ref("SuggestResponse")},
                    "application/x-suggestions+json": {"schema": opensearch},
                },
            },
            "400": {"$ref": "#/components/responses/SuggestBadParameter"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    }


def _health() -> dict[str, Any]:
    body = _object(
        {"status": {"const": "ok"}, "posts": _count(), "generation": {"type": "string"}},
        "The live index: its posts and generation.",
    )
    return {
        "operationId": "health",
        "summary": "Whether the API can search (the live index's size and generation)",
        "tags": ["health"],
        "responses": {"200": _json("The index is live.", body), "503": {"$ref": "#/components/responses/Unavailable"}},
    }


def _healthz() -> dict[str, Any]:
    ok = _object(
        {
            "status": {"const": "ok"},
            "generation": {"type": "string"},
            "posts": _count(),
            "updated_at": {"type": ["string", "null"], "format": "date-time",
                           "description": "When the index was last written (UTC)."},
            "age_s": {"type": ["number", "null"], "minimum": 0,
                      "description": "Seconds since then: a growing age says publishing stopped."},
        },
        "The live index opens.",
    )
    down = _object({"status": {"const": "unavailable"}, "error": _ref("ErrorDetail")}, "The index does not open.")
    no_store = {"Cache-Control": {"description": "Never cached.", "schema": {"const": "no-store"}}}
    return {
        "operationId": "healthz",
        "summary": "Whether this server can search, for load balancers and monitors",
        "tags": ["health"],
        "responses": {
            "200": {**_json("The index opens.", ok), "headers": no_store},
            "503": {**_json("The index does not open.", down), "headers": no_store},
        },
    }


def _feed() -> dict[str, Any]:
    parameters = [p for p in _search_parameters() if p["name"] != "sort"]
    for parameter in parameters:
        if parameter["name"] == "per_page":
            parameter["schema"] = {**parameter["schema"], "default": FEED_ENTRIES}
            parameter["description"] = f"Entries in the feed, 1 to {MAX_PER_PAGE} ({FEED_ENTRIES} unless given)."
    return {
        "operationId": "feed",
        "summary": "Any search as an Atom feed, newest first",
        "description": "Takes the parameters of `/api/search` (its order is always `newest`).",
        "tags": ["feeds"],
        "parameters": parameters,
        "responses": {
            "200": {"description": "An Atom 1.0 feed.", "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
            "400": _html("A bad parameter: an error page naming it."),
            "503": _html("No index yet: an error page."),
        },
    }


def _opensearch() -> dict[str, Any]:
    return {
        "operationId": "opensearch",
        "summary": "The OpenSearch description, so browsers can add the site's search",
        "tags": ["feeds"],
        "responses": {
            "200": {
                "description": "An OpenSearch 1.1 description (search page, suggestions, Atom results).",
                "content": {"application/opensearchdescription+xml": {"schema": {"type": "string"}}},
            }
        },
    }


def _self() -> dict[str, Any]:
    return {
        "operationId": "openapi",
        "summary": "This document",
        "tags": ["meta"],
        "responses": {"200": _json("The OpenAPI 3.1 document of this API.", {"type": "object", "required": ["openapi", "paths"]})},
    }


# -- shared pieces ------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    facet = _object({"value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}}, "One facet value and its posts.")
    month_facet = _object({"value": {"type": "string", "pattern": ISO_MONTH}, "count": {"type": "integer", "minimum": 1}},
                          "A month (`YYYY-MM`) and its posts.")
    return {
        "SearchResponse": _object(
            {
                "query": {"type": "string", "description": "The query as typed (stripped)."},
                "total": {**_count(), "description": "Posts matched: every post the query and filters allow, folded "
                          "near-duplicates included (the month counts add up to it)."},
                "stories": {**_count(), "description": "What pages divide: `total` less the posts folded under another hit."},
                "pages": {"type": "integer", "minimum": 1, "description": "`stories` over `per_page`, at least 1."},
                "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "sort": {"type": "string", "enum": list(SORTS), "description": "The order used."},
                "took_ms": {"type": "number", "minimum": 0, "description": "Milliseconds the search took."},
                "partial": {"type": "boolean", "description": "No post had every word: these have the most of them."},
                "hits": {"type": "array", "items": _ref("Hit"), "maxItems": MAX_PER_PAGE},
                "facets": _object({"category": {"type": "array", "items": facet}, "month": {"type": "array", "items": month_facet}},
                                  "Counts of the query with the other filters applied."),
                "suggestion": {"type": ["string", "null"], "description": "The query with misspelt words corrected, or null."},
                "corrected": {"type": "boolean", "description": "The hits, `total` and facets are those of `suggestion`."},
                "expanded": {"type": "array", "items": {"type": "string"},
                             "description": "The words a 초성 query was searched as, most prominent first."},
            },
            "One page of results.",
        ),
        "Hit": _object(
            {
                "id": {"type": "string", "description": "The post's file name without its extension."},
                "title": {"type": "string"},
                "title_html": {"type": "string", "description": "The title as HTML: everything escaped but `<mark>`."},
                "url": {"type": "string", "description": "The post's public URL."},
                "date": {"type": "string", "pattern": POST_DATE, "description": "ISO 8601: the day, or with its time and zone."},
                "categories": {"type": "array", "items": {"type": "string"}},
                "snippet": {"type": "string", "description": "Words around the match as HTML: everything escaped but `<mark>`."},
                "score": {"type": ["number", "null"], "description": "Relevance; null when hits are ordered by date."},
                "image": {"type": "string", "description": "The post's image URL, or empty."},
                "similar": {"type": "array", "items": _ref("Similar"), "description": "Near-duplicates folded under this hit."},
            },
            "One post found.",
        ),
        "Similar": _object(
            {"id": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"},
             "date": {"type": "string", "pattern": POST_DATE}},
            "A near-duplicate (the same story republished) folded under a hit.",
        ),
        "SuggestResponse": _object(
            {
                "query": {"type": "string"},
                "suggestions": {"type": "array", "items": _ref("Suggestion"), "maxItems": MAX_SUGGESTIONS},
                "took_ms": {"type": "number", "minimum": 0},
            },
            "Completions, terms first.",
        ),
        "Suggestion": _object(
            {
                "text": {"type": "string"},
                "kind": {"type": "string", "enum": ["term", "title"],
                         "description": "`term`: a word to search; `title`: a post whose title matches."},
                "url": {"type": ["string", "null"], "description": "The post's URL (titles), else null."},
                "id": {"type": ["string", "null"], "description": "The post's id (titles), else null."},
            },
            "One completion.",
        ),
        "ErrorDetail": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable and machine-readable: `bad_parameter`, `not_found`, "
                         "`method_not_allowed`, `index_missing`, `index_damaged`, `bad_request`, `bad_host`, ..."},
                "param": {"type": "string", "description": "With `bad_parameter`: the parameter at fault."},
                "message": {"type": "string", "description": "For people; its wording may change."},
            },
        },
        "Error": _object({"error": _ref("ErrorDetail")}, "Every error of the API and of the server layer."),
        "SearchBadParameter": _bad_parameter(SEARCH_PARAMS),
        "SuggestBadParameter": _bad_parameter(SUGGEST_PARAMS),
        "ServerLayerError": _object(
            {"error": _object({"code": {"type": "string", "enum": ["bad_request", "bad_host"]}, "message": {"type": "string"}})},
            "A request the HTTP layer refused before the app saw it: a malformed request line or "
            "header (`bad_request`), a `Host` that is not a host name (`bad_host`).",
        ),
    }


def _responses() -> dict[str, Any]:
    unavailable = {
        "description": "No index to search: none built yet (`index_missing`) or a damaged one being rebuilt (`index_damaged`).",
        "content": {"application/json": {"schema": _object(
            {"error": _object({"code": {"type": "string", "enum": ["index_missing", "index_damaged"]}, "message": {"type": "string"}})}
        )}},
    }
    return {
        "SearchBadParameter": _json("A parameter that cannot be used (named in `param`), or a request the server "
                                    "layer refused.", {"oneOf": [_ref("SearchBadParameter"), _ref("ServerLayerError")]}),
        "SuggestBadParameter": _json("A parameter that cannot be used (named in `param`), or a request the server "
                                     "layer refused.", {"oneOf": [_ref("SuggestBadParameter"), _ref("ServerLayerError")]}),
        "Unavailable": unavailable,
    }


def _bad_parameter(params: tuple[str, ...]) -> dict[str, Any]:
    return _object(
        {"error": _object({"code": {"const": "bad_parameter"}, "param": {"type": "string", "enum": list(params)},
                           "message": {"type": "string"}})},
        "A parameter that cannot be used; `param` names it.",
    )


def _query(name: str, description: str, schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    """A query parameter; empty (``page=``, as an HTML form sends an empty field) means absent."""
    parameter = {"name": name, "in": "query", "description": description, "schema": schema}
    if schema.get("type") != "string" or "maxLength" not in schema:  # free text takes "" already
        parameter["allowEmptyValue"] = True
    if example is not None:
        parameter["example"] = example
    return parameter


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """An object with every one of ``properties`` required (the API always sends them all)."""
    schema: dict[str, Any] = {"type": "object", "required": list(properties), "properties": properties}
    if description:
        schema["description"] = description
    return schema


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _count() -> dict[str, Any]:
    return {"type": "integer", "minimum": 0}


__all__ = ["JSON_TYPE", "PATH", "bp", "document"]
