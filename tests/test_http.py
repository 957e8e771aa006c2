"""HTTP done properly: compression, and (below) validators and caching."""

from __future__ import annotations

import gzip
import json

import pytest


def test_a_large_answer_is_gzipped_when_accepted(web_client) -> None:
    plain = web_client.get("/api/search?per_page=100")
    packed = web_client.get("/api/search?per_page=100", headers={"Accept-Encoding": "gzip, br"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    body = json.loads(gzip.decompress(packed.data))
    assert body["hits"] == plain.get_json()["hits"]
    assert len(packed.data) < len(plain.data) / 3
    assert int(packed.headers["Content-Length"]) == len(packed.data)


@pytest.mark.parametrize("path", ["/?q=동맹", "/feed.atom?q=동맹", "/opensearch.xml", "/api/suggest?q=동"])
def test_pages_and_feeds_are_gzipped_too(web_client, path: str) -> None:
    response = web_client.get(path, headers={"Accept-Encoding": "gzip"})
    plain = web_client.get(path)
    if response.headers.get("Content-Encoding") == "gzip":
        unpacked = gzip.decompress(response.data)
        assert abs(len(unpacked) - len(plain.data)) < 8  # the same answer, but for took_ms
    else:
        assert len(plain.data) < 1024


def test_small_answers_errors_and_refusals_stay_plain(web_client) -> None:
    assert web_client.get("/api/health", headers={"Accept-Encoding": "gzip"}).headers.get("Content-Encoding") is None
    assert web_client.get("/api/search?page=0", headers={"Accept-Encoding": "gzip"}).headers.get("Content-Encoding") is None
    refused = web_client.get("/api/search?per_page=100", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.headers.get("Content-Encoding") is None and refused.get_json()["total"] > 0


# -- validators ------------------------------------------------------------------------


def test_a_search_has_an_etag_and_a_client_that_holds_it_gets_a_304(web_client) -> None:
    first = web_client.get("/api/search?q=동맹&category=정치&category=국제")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = web_client.get("/api/search?q=동맹&category=국제&category=정치", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = web_client.get("/api/search?q=동맹&page=2", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    assert web_client.get("/api/search?q=동맹&category=정치&category=국제", headers={"If-None-Match": '"nope"'}).status_code == 200


def test_a_gzipped_answers_etag_validates_too(web_client) -> None:
    packed = web_client.get("/api/search?per_page=100", headers={"Accept-Encoding": "gzip"})
    etag = packed.headers["ETag"]
    assert etag.endswith('-gzip"')
    again = web_client.get("/api/search?per_page=100", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_a_publish_changes_the_etag(tmp_path) -> None:
    import datetime as dt

    from sokbo.search import Post, SearchService
    from sokbo.web import create_app

    def post(n: int) -> Post:
        day = dt.date(2024, 7, n)
        return Post(id=f"{day}-{n}", title=f"동맹 기사 {n}", date=day.isoformat(), day=day, categories=(),
                    body="동맹 본문", url=f"https://example.org/{n}/")

    SearchService(tmp_path).rebuild([post(1)])
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)})
    client = app.test_client()
    first = client.get("/api/search?q=동맹")
    SearchService(tmp_path).update([post(2)], [])
    app.extensions["sokbo"]._checked = 0.0  # the once-a-second check is due
    after = client.get("/api/search?q=동맹", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["total"] == 2
    assert after.headers["ETag"] != first.headers["ETag"]
