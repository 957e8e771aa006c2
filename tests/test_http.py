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
