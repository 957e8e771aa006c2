"""The embed on another origin's page, in a real Chromium (Playwright): sokbo behind waitress on
one port, a static "Jekyll" site on another, the site's page holding the one-element include.

Skipped where Debian's ``chromium`` is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.hostile_posts import HOSTILE_TITLES, hostile_posts
from tests.servers import ARTIFACTS, chromium, sokbo_server

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="ko">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {csp}
  <title>검색 - 예시 뉴스</title>
  <link rel="stylesheet" href="/site.css">
</head>
<body>
  <header><a href="/">예시 뉴스</a></header>
  <main>
    <h1>{heading}</h1>
    <div data-sokbo-search{attributes}>
      <form action="{sokbo}/" method="get" role="search">
        <input type="search" name="q" aria-label="검색어"> <button>검색</button>
      </form>
    </div>
    <script src="{sokbo}/embed.js" async></script>
  </main>
</body>
</html>
"""

SITE_CSS = "body { font-family: 'Noto Sans CJK KR', 'NanumGothic', sans-serif; max-width: 760px; margin: 0 auto; padding: 16px; }\n"


def serve_in_thread(server: http.server.ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def embed_index(tmp_path_factory: pytest.TempPathFactory, web_posts: list) -> Path:
    """The web app's posts and the hostile ones, in one index."""
    from sokbo.search import SearchService

    index_dir = tmp_path_factory.mktemp("embed-index")
    posts = [*web_posts, *hostile_posts()]
    assert SearchService(index_dir).rebuild(posts) == len(posts)
    return index_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A static site (the Jekyll site's _site) on its own port: another origin than sokbo's."""
    root = tmp_path_factory.mktemp("jekyll-site")
    (root / "site.css").write_text(SITE_CSS)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def sokbo(stack: ExitStack, index: Path, origins: list[str]) -> str:
    """sokbo behind its waitress, allowing these origins, until ``stack`` closes: its URL."""
    host, port = stack.enter_context(sokbo_server(index, CORS_ORIGINS=origins))
    return f"http://{host}:{port}"


@pytest.fixture(scope="module")
def pages(embed_index: Path, site: tuple[str, Path]) -> Iterator[dict[str, str]]:
    """The site's pages: one on a sokbo that allows the site, one on a sokbo that does not."""
    site_url, root = site
    stack = ExitStack()
    allowing_url = sokbo(stack, embed_index, [site_url])
    refusing_url = sokbo(stack, embed_index, ["https://news.example.com"])
    # The site's own strict policy: the embed needs no inline script or style, only sokbo's origin.
    csp = (
        f'<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\' {allowing_url}; '
        f"style-src 'self' {allowing_url}; connect-src 'self' {allowing_url}; img-src 'self'\">"
    )
    files = {
        "search.html": PAGE.format(csp=csp, heading="기사 검색", attributes="", sokbo=allowing_url),
        "plain.html": PAGE.format(csp="", heading="기사 검색", attributes="", sokbo=allowing_url),
        "english.html": PAGE.format(csp="", heading="Search", attributes=' data-lang="en" data-per-page="5"', sokbo=allowing_url),
        "refused.html": PAGE.format(csp="", heading="기사 검색", attributes="", sokbo=refusing_url),
    }
    for name, html in files.items():
        (root / name).write_text(html, encoding="utf-8")
    yield {"site": site_url, "sokbo": allowing_url, "refusing": refusing_url, **{n.split(".")[0]: f"{site_url}/{n}" for n in files}}
    stack.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh Korean-locale tab; the test fails if any script opens a dialog or the page has a CSP violation."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert dialogs == [], f"a script ran and opened dialogs: {dialogs}"
    assert console == [], f"the site's Content-Security-Policy blocked something: {console}"


def expect(locator: Any) -> Any:
    """Playwright's retrying assertions (they wait without evaluating strings, which a strict CSP forbids)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def hits(page: Any) -> Any:
    return page.locator("[data-sokbo-search] li.sokbo-hit")


def test_the_embed_shows_results_for_the_pages_query(page: Any, pages: dict[str, str]) -> None:
    page.goto(pages["search"] + "?q=동맹")
    summary = page.locator(".sokbo-summary")
    assert summary.inner_text() == "‘동맹’ 검색 결과 12건"
    assert hits(page).count() == 10
    assert page.input_value("[data-sokbo-search] input[type=search]") == "동맹"
    first = hits(page).first
    assert first.locator("h2 a mark").first.inner_text() == "동맹"
    assert first.locator("h2 a").get_attribute("href").startswith("https://example.org/news/2024/")
    assert first.locator(".sokbo-snippet mark").count() >= 1
    assert first.locator("time").inner_text().startswith("2024년 ")
    # embed.css arrived (the list lost its numbers) under the site's own strict policy.
    assert page.locator(".sokbo-hits").evaluate("list => getComputedStyle(list).listStyleType") == "none"
    # "더 보기" adds the rest, moves the focus to them, then goes away.
    page.get_by_role("button", name="더 보기").click()
    expect(hits(page)).to_have_count(12)
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('li.sokbo-hit')[10]")
    assert page.get_by_role("button", name="더 보기").is_hidden()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(pages["search"] + "?q=동맹")
    summary.wait_for()
    page.screenshot(path=str(ARTIFACTS / "embed-desktop.png"), full_page=True)
    assert (ARTIFACTS / "embed-desktop.png").stat().st_size > 10_000


def test_searching_in_the_embed_keeps_the_query_in_the_sites_url(page: Any, pages: dict[str, str]) -> None:
    page.goto(pages["search"])
    assert hits(page).count() == 0 and page.locator(".sokbo-summary").count() == 0
    page.fill("[data-sokbo-search] input[type=search]", "반도체")
    page.press("[data-sokbo-search] input[type=search]", "Enter")
    assert re.fullmatch(r"‘반도체’ 검색 결과 \d건", page.locator(".sokbo-summary").inner_text())
    assert parse_qs(urlsplit(page.url).query) == {"q": ["반도체"]}
    page.fill("[data-sokbo-search] input[type=search]", "올림픽")
    page.press("[data-sokbo-search] input[type=search]", "Enter")
    page.locator(".sokbo-summary", has_text="올림픽").wait_for()
    page.go_back()
    page.locator(".sokbo-summary", has_text="반도체").wait_for()
    assert page.input_value("[data-sokbo-search] input[type=search]") == "반도체"


def test_a_site_that_is_not_allowed_gets_no_results_and_a_clear_message(page: Any, pages: dict[str, str]) -> None:
    page.goto(pages["refused"] + "?q=동맹")
    error = page.locator(".sokbo-error")
    error.wait_for()
    assert hits(page).count() == 0
    message = error.inner_text()
    assert "허용하지 않았습니다" in message and pages["site"] in message
    assert f"--cors-origin {pages['site']}" in message
    link = error.locator("a")
    assert link.get_attribute("href") == pages["refusing"] + "/?q=%EB%8F%99%EB%A7%B9"
    page.screenshot(path=str(ARTIFACTS / "embed-refused.png"))


def test_hostile_posts_run_nothing_in_the_embed(page: Any, pages: dict[str, str]) -> None:
    page.goto(pages["plain"] + "?q=해킹")
    page.locator(".sokbo-summary").wait_for()
    titles = page.locator("li.sokbo-hit h2").all_inner_texts()
    assert len(titles) == len(HOSTILE_TITLES) + 1  # and the web posts' "<script>alert('속보')</script>" 태그 논란…
    assert "\"<script>alert('속보')</script>\" 태그 논란…" in titles
    assert "<img src=x onerror=alert('title')> 해킹 제목" in titles
    assert "</title><script>alert('script')</script> 해킹 ]]> & \"따옴표\"" in titles
    widget = page.locator("[data-sokbo-search]")
    assert widget.locator("img, script, svg, iframe, a[href^='javascript:'], [onerror], [onload]").count() == 0
    assert {tag for tag in widget.locator("li.sokbo-hit *").evaluate_all("nodes => nodes.map(n => n.localName)")} <= {
        "h2", "a", "span", "mark", "p", "time",
    }
    # The post whose URL is javascript: is shown without a link.
    link_post = page.locator("li.sokbo-hit", has_text="자바스크립트 링크")
    assert link_post.locator("a").count() == 0
    page.fill("[data-sokbo-search] input[type=search]", "<img src=x onerror=alert(1)>")
    page.press("[data-sokbo-search] input[type=search]", "Enter")
    page.locator(".sokbo-summary").wait_for()
    assert "<img src=x onerror=alert(1)>" in page.locator(".sokbo-status").inner_text()
    # The page fixture fails the test if any alert() ran.


def test_english_labels_and_its_own_page_size(page: Any, pages: dict[str, str]) -> None:
    page.goto(pages["english"] + "?q=동맹")
    assert page.locator(".sokbo-summary").inner_text() == "12 results for ‘동맹’"
    assert hits(page).count() == 5
    assert page.locator("[data-sokbo-search]").get_attribute("lang") == "en"
    assert hits(page).first.locator("time").inner_text().startswith(("Aug", "Jul"))
    page.get_by_role("button", name="Load more").click()
    expect(hits(page)).to_have_count(10)


def test_without_javascript_the_sites_fallback_form_searches_sokbo(browser: Any, pages: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(pages["search"])
        form = page.locator("[data-sokbo-search] form")
        assert form.get_attribute("action") == pages["sokbo"] + "/"
        page.fill("[data-sokbo-search] input[name=q]", "동맹")
        with page.expect_navigation():
            page.press("[data-sokbo-search] input[name=q]", "Enter")
        assert page.url.startswith(pages["sokbo"] + "/?q=")
    finally:
        context.close()


def test_the_phone_screenshot(browser: Any, pages: dict[str, str]) -> None:
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(pages["search"] + "?q=동맹")
        page.locator(".sokbo-summary").wait_for()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "embed-phone.png"))
        box = hits(page).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()
