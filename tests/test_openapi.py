"""The OpenAPI document (web/openapi.py) is valid OpenAPI 3.1, is served, and is true: real answers
of a running server, for many requests (every parameter, every error), match it exactly.

Answers are validated with jsonschema against the document's own schemas, made strict
(``additionalProperties: false`` on every object), so a field the server sends but the document
does not name fails here too.
"""

from __future__ import annotations

import copy
import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from sokbo.search import request as limits
from sokbo.web.openapi import SEARCH_PARAMS, SUGGEST_PARAMS, document
from tests.servers import sokbo_server

Answer = tuple[int, dict[str, str], bytes]


# -- the document ---------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = document()
    assert doc["openapi"].startswith("3.1.")
    validate_openapi(copy.deepcopy(doc))


def test_every_endpoint_is_described() -> None:
    assert set(document()["paths"]) == {
        "/api/search", "/api/suggest", "/api/health", "/api/openapi.json", "/healthz", "/feed.atom", "/opensearch.xml",
    }


def test_the_limits_are_the_validations_own() -> None:
    """The numbers come from search/request.py, so they cannot drift from what is enforced."""
    search = {p["name"]: p for p in document()["paths"]["/api/search"]["get"]["parameters"] if p["in"] == "query"}
    assert [p for p in search] == list(SEARCH_PARAMS)
    assert search["q"]["schema"]["maxLength"] == limits.MAX_QUERY_CHARS
    assert search["category"]["schema"]["maxItems"] == limits.MAX_CATEGORIES
    assert (search["page"]["schema"]["minimum"], search["page"]["schema"]["maximum"]) == (1, limits.MAX_PAGE)
    assert search["per_page"]["schema"]["maximum"] == limits.MAX_PER_PAGE
    assert search["per_page"]["schema"]["default"] == limits.DEFAULT_PER_PAGE
    assert search["sort"]["schema"]["enum"] == list(limits.SORTS)
    suggest = {p["name"]: p for p in document()["paths"]["/api/suggest"]["get"]["parameters"]}
    assert list(suggest) == list(SUGGEST_PARAMS)
    assert suggest["limit"]["schema"]["maximum"] == limits.MAX_SUGGESTIONS


@pytest.mark.parametrize("value", ["0", "1", "true", "False", "YES", "no", "On", "off"])
def test_the_flag_pattern_takes_what_the_validation_takes(value: str) -> None:
    import re

    correct = next(p for p in document()["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "correct")
    assert re.fullmatch(correct["schema"]["pattern"], value)
    assert limits.SearchRequest.from_params({"correct": [value]}).correct is (value.lower() in limits.TRUE_VALUES)
    assert not re.fullmatch(correct["schema"]["pattern"], "maybe")


# -- a real server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(web_index: Path) -> Iterator[tuple[str, int]]:
    yield from _serve(web_index)


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    yield from _serve(tmp_path_factory.mktemp("no-index"))


def _serve(index: Path) -> Iterator[tuple[str, int]]:
    with sokbo_server(index) as address:
        yield address


def get(address: tuple[str, int], target: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def raw(address: tuple[str, int], request: bytes) -> Answer:
    with socket.create_connection(address, timeout=30) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return int(status.split()[1]), {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def url(path: str, params: list[tuple[str, str]] | dict[str, Any] | None = None) -> str:
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


# -- validating against the document --------------------------------------------------------


def strict(node: Any, doc: dict[str, Any]) -> Any:
    """``node`` with every ``$ref`` resolved and every object closed (``additionalProperties: false``)."""
    if isinstance(node, list):
        return [strict(item, doc) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return strict(target, doc)
    out = {key: strict(value, doc) for key, value in node.items()}
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def documented(path: str, status: int, method: str = "get") -> dict[str, Any]:
    """The documented response of ``method path`` with ``status`` (refs resolved)."""
    doc = document()
    responses = doc["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, which the document does not list"
    return strict(responses[str(status)], doc)


def check(answer: Answer, path: str, status: int | None = None) -> Any:
    """Assert that ``answer`` is one the document describes for ``GET path`` (and has ``status``); its body."""
    code, headers, body = answer
    if status is not None:
        assert code == status, body[:300]
    response = documented(path, code)
    media_type = headers["content-type"].split(";")[0].strip()
    assert media_type in response["content"], f"{path} {code}: {media_type} is not documented"
    for name, header in response.get("headers", {}).items():
        assert name.lower() in headers, f"{path} {code}: the documented {name} header is missing"
        Draft202012Validator(header["schema"]).validate(headers[name.lower()])
    if media_type.endswith("json"):
        data = json.loads(body)
        validator = Draft202012Validator(response["content"][media_type]["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        return data
    assert body
    return body.decode()


def check_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    """An error answer outside any operation (404, 405, the server layer): the document's Error shape."""
    got, headers, body = answer
    assert got == status, body[:300]
    assert headers["content-type"] == "application/json; charset=utf-8"
    data = json.loads(body)
    Draft202012Validator(strict({"$ref": "#/components/schemas/Error"}, document())).validate(data)
    assert data["error"]["code"] == code
    return data


# -- /api/search ------------------------------------------------------------------------------

SEARCHES: list[list[tuple[str, str]]] = [
    [],
    [("q", "동맹")],
    [("q", "동맹"), ("category", "정치"), ("category", "국제"), ("from", "2024-06-01"), ("to", "2024-08-31"),
     ("sort", "relevance"), ("page", "1"), ("per_page", "3"), ("correct", "0")],
    [("q", "동맹"), ("month", "2024-07")],
    [("q", "동맹"), ("sort", "newest")],
    [("q", "동맹"), ("sort", "oldest"), ("page", "2"), ("per_page", "5")],
    [("q", "반도체 수출"), ("per_page", "100")],
    [("q", "\"동맹 강화\"")],
    [("q", "동맹 -나토")],
    [("q", "올림픽 OR 반도체")],
    [("q", "ㄷㅁ")],
    [("q", "동맴")],
    [("q", "동맹 존재하지않는낱말")],
    [("q", "없는낱말입니다")],
    [("q", "물가"), ("month", "2024-08")],
    [("q", "<script>")],
    [("category", "스포츠"), ("per_page", "1"), ("page", "1000")],
    [("from", "2024-08-14"), ("to", "2024-08-14")],
    [("q", "동맹"), ("correct", "true"), ("page", ""), ("per_page", ""), ("from", ""), ("sort", "")],
    [("q", "   동맹   ")],
]


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: urlencode(p)[:60] or "browse")
def test_search_answers_match_the_document(server: tuple[str, int], params: list[tuple[str, str]]) -> None:
    body = check(get(server, url("/api/search", params)), "/api/search", 200)
    if body["sort"] != "relevance":
        assert all(hit["score"] is None for hit in body["hits"])


def test_every_field_of_a_search_is_exercised(server: tuple[str, int]) -> None:
    """The cases above reach the fields that are often empty: a time in a date, a score, a suggestion."""
    bodies = [json.loads(get(server, url("/api/search", p))[2]) for p in SEARCHES]
    dates = {hit["date"] for b in bodies for hit in b["hits"]}
    assert any("T" in d for d in dates) and any(len(d) == 10 for d in dates)
    assert any(isinstance(hit["score"], float) for b in bodies for hit in b["hits"])
    assert any(b["facets"]["category"] and b["facets"]["month"] for b in bodies)
    assert any(b["expanded"] for b in bodies)
    assert any(b["suggestion"] for b in bodies)


BAD_SEARCHES: list[tuple[list[tuple[str, str]], str]] = [
    ([("page", "0")], "page"),
    ([("page", str(limits.MAX_PAGE + 1))], "page"),
    ([("page", "two")], "page"),
    ([("page", " 2")], "page"),
    ([("per_page", "0")], "per_page"),
    ([("per_page", str(limits.MAX_PER_PAGE + 1))], "per_page"),
    ([("q", "가" * (limits.MAX_QUERY_CHARS + 1))], "q"),
    ([("q", "가" * limits.MAX_QUERY_CHARS + " ")], "q"),
    ([("category", f"c{i}") for i in range(limits.MAX_CATEGORIES + 1)], "category"),
    ([("category", "정치")] * (limits.MAX_CATEGORIES + 1), "category"),
    ([("from", "2024-02-30")], "from"),
    ([("from", "2024/07/01")], "from"),
    ([("to", "yesterday")], "to"),
    ([("from", "2024-07-02"), ("to", "2024-07-01")], "to"),
    ([("month", "2024-13")], "month"),
    ([("month", "0000-01")], "month"),
    ([("month", "2024-07"), ("from", "2024-07-01")], "month"),
    ([("sort", "best")], "sort"),
    ([("sort", "\t")], "sort"),
    ([("correct", "maybe")], "correct"),
]


@pytest.mark.parametrize(("params", "param"), BAD_SEARCHES, ids=lambda v: v if isinstance(v, str) else urlencode(v)[:40])
def test_a_bad_search_parameter_is_the_documented_400(server: tuple[str, int], params: list[tuple[str, str]], param: str) -> None:
    body = check(get(server, url("/api/search", params)), "/api/search", 400)
    assert body["error"]["code"] == "bad_parameter" and body["error"]["param"] == param


# -- /api/suggest, health, feeds, the document itself ------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"q": "동"}, {"q": "동맹", "limit": "1"}, {"q": "ㄷㅁ"}, {"q": "올림", "limit": "20", "format": "json"}, {}, {"q": ""},
     {"q": "zzzz"}],
    ids=lambda p: urlencode(p) or "empty",
)
def test_suggest_answers_match_the_document(server: tuple[str, int], params: dict[str, str]) -> None:
    check(get(server, url("/api/suggest", params)), "/api/suggest", 200)


def test_opensearch_suggestions_match_the_document(server: tuple[str, int]) -> None:
    answer = get(server, url("/api/suggest", {"q": "올림", "format": "opensearch"}))
    assert answer[1]["content-type"].startswith("application/x-suggestions+json")
    body = check(answer, "/api/suggest", 200)
    assert body[0] == "올림" and body[1]


@pytest.mark.parametrize(
    ("params", "param"),
    [({"limit": "0"}, "limit"), ({"limit": "21"}, "limit"), ({"limit": "x"}, "limit"), ({"format": "xml"}, "format"),
     ({"format": " json"}, "format"), ({"q": "a" * 1001}, "q")],
    ids=lambda v: v if isinstance(v, str) else urlencode(v)[:30],
)
def test_a_bad_suggest_parameter_is_the_documented_400(server: tuple[str, int], params: dict[str, str], param: str) -> None:
    body = check(get(server, url("/api/suggest", params)), "/api/suggest", 400)
    assert body["error"]["param"] == param


def test_health_and_healthz_match_the_document(server: tuple[str, int]) -> None:
    assert check(get(server, "/api/health"), "/api/health", 200)["posts"] == 25
    assert check(get(server, "/healthz"), "/healthz", 200)["status"] == "ok"


def test_feeds_match_the_document(server: tuple[str, int]) -> None:
    assert "<feed" in check(get(server, url("/feed.atom", {"q": "동맹", "category": "정치", "per_page": "5"})), "/feed.atom", 200)
    assert "<OpenSearchDescription" in check(get(server, "/opensearch.xml"), "/opensearch.xml", 200)
    check(get(server, url("/feed.atom", {"page": "0"})), "/feed.atom", 400)


def test_the_document_is_served_as_json_and_describes_itself(server: tuple[str, int]) -> None:
    answer = get(server, "/api/openapi.json")
    assert answer[1]["content-type"] == "application/json; charset=utf-8"
    assert check(answer, "/api/openapi.json", 200) == json.loads(json.dumps(document()))


# -- without an index, and errors outside any operation -----------------------------------------


@pytest.mark.parametrize("target", ["/api/search?q=동맹", "/api/suggest?q=동", "/api/health", "/healthz"])
def test_no_index_is_the_documented_503(empty_server: tuple[str, int], target: str) -> None:
    path, _, query = target.partition("?")
    body = check(get(empty_server, url(path, dict([query.split("=")]) if query else None)), path, 503)
    assert body["error"]["code"] == "index_missing"


def test_an_unknown_api_path_is_a_json_404(server: tuple[str, int]) -> None:
    check_error(get(server, "/api/nothing-here"), 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_a_json_405_with_allow(server: tuple[str, int], method: str) -> None:
    answer = get(server, "/api/search?q=x", method=method)
    check_error(answer, 405, "method_not_allowed")
    assert "GET" in answer[1]["allow"]


def test_errors_of_the_server_layer_match_the_document(server: tuple[str, int]) -> None:
    bad_request = raw(server, b"GET /api/search?q=a b c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(bad_request, "/api/search", 400)
    assert check_error(bad_request, 400, "bad_request")
    bad_host = get(server, "/api/search?q=x", headers={"Host": "a..b"})
    check(bad_host, "/api/search", 400)
    assert check_error(bad_host, 400, "bad_host")


def test_a_raw_utf8_url_is_searched_like_an_escaped_one(server: tuple[str, int]) -> None:
    answer = raw(server, "GET /api/search?q=동맹 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert check(answer, "/api/search", 200)["query"] == "동맹"


# -- the human-readable reference ---------------------------------------------------------------

API_MD = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_docs_api_md_names_every_path_and_parameter_of_the_document() -> None:
    """docs/api.md, the reference people read, covers what the document describes."""
    text = API_MD.read_text(encoding="utf-8")
    for path, operations in document()["paths"].items():
        assert f"`GET {path}`" in text, f"docs/api.md does not describe GET {path}"
        for parameter in operations["get"].get("parameters", []):
            assert f"`{parameter['name']}`" in text, f"docs/api.md does not name {path}'s parameter {parameter['name']}"
    codes = ["bad_parameter", "bad_request", "bad_host", "not_found", "method_not_allowed", "index_missing", "index_damaged"]
    for code in codes:
        assert f"`{code}`" in text, f"docs/api.md does not name the error code {code}"


def test_docs_api_md_states_the_documents_limits() -> None:
    text = API_MD.read_text(encoding="utf-8").replace(",", "")
    for limit in (limits.MAX_QUERY_CHARS, limits.MAX_CATEGORIES, limits.MAX_PAGE, limits.MAX_PER_PAGE, limits.MAX_SUGGESTIONS):
        assert str(limit) in text


def test_the_readme_points_to_the_reference_and_nothing_to_a_file_a_clone_lacks() -> None:
    root = API_MD.parents[1]
    assert "(docs/api.md)" in (root / "README.md").read_text(encoding="utf-8")
    outside = "shared/" + "API.md"  # the workplace's notes, which a clone of sokbo does not have
    files = [root / "README.md", *(root / "docs").rglob("*.md")]
    files += [f for folder in ("search", "indexer", "web", "sokbo", "tests", "bench", "scripts") for f in (root / folder).rglob("*.py")]
    assert [f for f in files if outside in f.read_text(encoding="utf-8", errors="replace")] == []
