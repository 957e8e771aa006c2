"""Safe-by-default headers on every response, and the API's CORS allow-list (web/security.py, web/cors.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from sokbo.web import create_app
from sokbo.web.cors import normalize_origin
from sokbo.web.security import CONTENT_SECURITY_POLICY

SITE = "https://news.example.com"
OTHER = "https://evil.example"

EVERY_KIND_OF_RESPONSE = [
    ("/", 200),
    ("/?q=동맹", 200),
    ("/?page=0", 400),
    ("/nope", 404),
    ("/api/search?q=동맹", 200),
    ("/api/search?page=0", 400),
    ("/api/suggest?q=동", 200),
    ("/api/health", 200),
    ("/api/nope", 404),
    ("/feed.atom?q=동맹", 200),
    ("/feed.atom?sort=x", 400),
    ("/opensearch.xml", 200),
    ("/static/style.css", 200),
    ("/static/embed.js", 200),
    ("/embed.js", 200),
    ("/embed.css", 200),
]


def assert_safe_headers(headers: Any) -> None:
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# -- the headers -------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "status"), EVERY_KIND_OF_RESPONSE)
def test_every_response_carries_the_safe_headers(web_client, path: str, status: int) -> None:
    response = web_client.get(path)
    assert response.status_code == status
    assert_safe_headers(response.headers)


@pytest.mark.parametrize("path", ["/", "/api/search?q=동맹", "/api/health", "/feed.atom"])
def test_without_an_index_the_503s_carry_them_too(empty_client, path: str) -> None:
    response = empty_client.get(path)
    assert response.status_code == 503
    assert_safe_headers(response.headers)


def test_a_405_and_a_500_carry_them(web_client, web_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_safe_headers(web_client.post("/api/search").headers)
    app = create_app({"INDEX_DIR": str(web_index)})  # not TESTING: a crash becomes a 500 page

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["sokbo"], "search", crash)
    for path in ("/?q=x", "/api/search?q=x"):
        response = app.test_client().get(path)
        assert response.status_code == 500
        assert_safe_headers(response.headers)


def test_the_policy_forbids_inline_script_framing_plugins_and_base() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["default-src"] == "'self'" and directives["connect-src"] == "'self'"


def test_the_pages_have_no_inline_script_or_style(web_client) -> None:
    """The policy would block them: every page's scripts and styles are files of /static."""
    from bs4 import BeautifulSoup

    for path in ("/", "/?q=동맹", "/?page=0", "/nope"):
        soup = BeautifulSoup(web_client.get(path).get_data(as_text=True), "html.parser")
        assert all(script.get("src") for script in soup.find_all("script")), path
        assert not soup.find_all("style") and not soup.select("[style]"), path
        assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)], path


def test_only_the_embeds_files_may_be_loaded_by_other_sites(web_client) -> None:
    for path in ("/embed.js", "/embed.css"):
        response = web_client.get(path)
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    for path in ("/", "/static/style.css", "/api/search?q=동맹", "/feed.atom", "/nope"):
        assert web_client.get(path).headers["Cross-Origin-Resource-Policy"] == "same-origin", path


def test_json_is_never_sniffed(web_client) -> None:
    response = web_client.get("/api/search", query_string={"q": "<script>alert(1)</script>"})
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- CORS ---------------------------------------------------------------------------------


@pytest.fixture()
def cors_client(web_index: Path) -> Any:
    app = create_app({"TESTING": True, "INDEX_DIR": str(web_index), "CORS_ORIGINS": [SITE, "http://localhost:4000"]})
    return app.test_client()


@pytest.mark.parametrize("path", ["/api/search?q=동맹", "/api/suggest?q=동", "/api/health", "/api/search?page=0", "/api/nope"])
def test_an_allowed_origin_is_echoed_with_vary(cors_client, path: str) -> None:
    response = cors_client.get(path, headers={"Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("origin", [OTHER, "null", "https://news.example.com.evil.example", "http://news.example.com", "https://news.example.com:8443"])
def test_other_origins_get_no_allow_origin(cors_client, origin: str) -> None:
    response = cors_client.get("/api/search?q=동맹", headers={"Origin": origin})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.vary  # a cache must not give an allowed origin this answer


def test_no_origin_gets_no_allow_origin(cors_client) -> None:
    response = cors_client.get("/api/search?q=동맹")
    assert "Access-Control-Allow-Origin" not in response.headers and "Origin" in response.vary


def test_the_page_and_feeds_never_get_cors_headers(cors_client) -> None:
    for path in ("/", "/feed.atom", "/opensearch.xml"):
        assert "Access-Control-Allow-Origin" not in cors_client.get(path, headers={"Origin": SITE}).headers


def test_a_preflight_for_get_is_answered_for_an_allowed_origin_only(cors_client) -> None:
    asking = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "content-type"}
    allowed = cors_client.options("/api/search?q=동맹", headers={"Origin": SITE, **asking})
    assert allowed.status_code in (200, 204)
    assert allowed.headers["Access-Control-Allow-Origin"] == SITE
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET"
    assert "content-type" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert int(allowed.headers["Access-Control-Max-Age"]) > 0
    refused = cors_client.options("/api/search?q=동맹", headers={"Origin": OTHER, **asking})
    assert not {"Access-Control-Allow-Origin", "Access-Control-Allow-Methods"} & set(refused.headers.keys())


def test_the_origins_are_normalized_as_browsers_write_them(web_index: Path) -> None:
    app = create_app({"INDEX_DIR": str(web_index), "CORS_ORIGINS": ["HTTPS://News.Example.com:443/", "http://127.0.0.1:4000"]})
    assert app.config["CORS_ORIGINS"] == (SITE, "http://127.0.0.1:4000")
    response = app.test_client().get("/api/health", headers={"Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE


@pytest.mark.parametrize("value", ["news.example.com", "https://news.example.com/search", "ftp://x.example", "https://", "https://a.example?x=1", "https://u@a.example"])
def test_a_value_that_is_not_an_origin_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        normalize_origin(value)


def test_any_origin_only_when_the_owner_lists_it(web_index: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(web_index), "CORS_ORIGINS": ["*"]})
    assert app.test_client().get("/api/health", headers={"Origin": OTHER}).headers["Access-Control-Allow-Origin"] == "*"


def test_the_environment_sets_the_allow_list(web_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOKBO_CORS_ORIGINS", f"{SITE}, http://localhost:4000  https://b.example")
    app = create_app({"TESTING": True, "INDEX_DIR": str(web_index)})
    assert app.config["CORS_ORIGINS"] == (SITE, "http://localhost:4000", "https://b.example")
    client = app.test_client()
    assert client.get("/api/health", headers={"Origin": "https://b.example"}).headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Access-Control-Allow-Origin" not in client.get("/api/health", headers={"Origin": OTHER}).headers


# -- `sokbo serve --cors-origin`: a real server, a real HTTP request ---------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(tmp_path: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], int]:
    """``sokbo serve`` on an empty index folder (no Korean model to load), up and answering."""
    port = free_port()
    command = [sys.executable, "-m", "sokbo.indexer", "serve", "--index", str(tmp_path), "--port", str(port), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read() if process.stdout else "sokbo serve exited")
            time.sleep(0.1)
    process.kill()
    raise AssertionError("sokbo serve did not start listening")


def allow_origin(port: int, origin: str) -> str | None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/health", headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as error:  # 503: no index yet; its headers count all the same
        return error.headers.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--cors-origin", SITE, "--cors-origin", "http://localhost:4000"], None),
        ([], {"SOKBO_CORS_ORIGINS": f"{SITE},http://localhost:4000"}),
    ],
    ids=["option", "environment"],
)
def test_sokbo_serve_allows_the_origins_it_is_given(tmp_path: Path, args: list[str], env: dict[str, str] | None) -> None:
    process, port = serve(tmp_path, args, env)
    try:
        assert allow_origin(port, SITE) == SITE
        assert allow_origin(port, "http://localhost:4000") == "http://localhost:4000"
        assert allow_origin(port, OTHER) is None
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"pages of {SITE}, http://localhost:4000 may call the API" in output


def test_sokbo_serve_allows_no_origin_by_default(tmp_path: Path) -> None:
    process, port = serve(tmp_path, [])
    try:
        assert allow_origin(port, SITE) is None
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_sokbo_serve_refuses_a_value_that_is_not_an_origin(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sokbo.indexer.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path), "--cors-origin", "news.example.com/search"])
    assert result.exit_code == 2
    assert "not an origin" in result.output and "--cors-origin" in result.output


# -- what the API hands the embed as HTML -------------------------------------------------------


def test_title_html_and_snippet_hold_no_markup_but_mark(tmp_path: Path) -> None:
    """The embed keeps the API's <mark> (search/snippets.py escapes everything else): prove it on hostile posts."""
    from bs4 import BeautifulSoup

    from tests.hostile_posts import HOSTILE_TITLES, build_hostile_index

    client = create_app({"TESTING": True, "INDEX_DIR": str(build_hostile_index(tmp_path))}).test_client()
    hits = client.get("/api/search", query_string={"q": "해킹 alert", "per_page": 100}).get_json()["hits"]
    assert {hit["id"] for hit in hits} == set(HOSTILE_TITLES)
    for hit in hits:
        for field in ("title_html", "snippet"):
            parsed = BeautifulSoup(hit[field], "html.parser")
            assert {tag.name for tag in parsed.find_all(True)} == {"mark"}, (field, hit[field])
            assert all(not tag.attrs for tag in parsed.find_all(True))
        assert BeautifulSoup(hit["title_html"], "html.parser").get_text() == hit["title"]
