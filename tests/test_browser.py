"""The page in a real Chromium (Playwright), served by waitress as in production.

Skipped where Debian's ``chromium`` is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path("/tmp/sokbo-page.png")


@pytest.fixture(scope="module")
def base_url(web_index: Path) -> Iterator[str]:
    """The app behind a real waitress server on a free local port."""
    import waitress

    from sokbo.web import create_app

    server = waitress.create_server(create_app({"INDEX_DIR": str(web_index)}), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):  # .ci/run installs it: a missing browser there is a failure
            pytest.fail(f"CI must provide chromium at {CHROMIUM}")
        pytest.skip(f"no chromium binary at {CHROMIUM}: install it with `apt-get install chromium` to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install sokbo[test])")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh Korean-locale tab; the test fails if any script opens a dialog."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], f"a script ran and opened dialogs: {dialogs}"


def params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_typing_a_query_and_pressing_enter_shows_marked_results(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1.summary").inner_text().startswith("최신 기사")
    page.fill("#q", "동맹")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert params(page)["q"] == ["동맹"]
    assert page.locator(".summary").inner_text().startswith("'동맹' 검색 결과 12건")
    assert page.locator("li.hit").count() == 10
    assert page.locator("li.hit h2 mark").first.inner_text() == "동맹"
    assert page.locator("li.hit .snippet mark").count() >= 10


def test_ticking_a_category_and_submitting_filters_the_results(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    page.check("input[name=category][value=정치]")
    with page.expect_navigation():
        page.click("button.apply")
    assert params(page)["category"] == ["정치"] and params(page)["q"] == ["동맹"]
    assert page.locator(".summary").inner_text().startswith("'동맹' 검색 결과 7건")
    for hit in page.locator("li.hit").all():
        assert "정치" in hit.locator("a.category").all_inner_texts()
    assert page.is_checked("input[name=category][value=정치]")
    assert not page.is_checked("input[name=category][value=국제]")


def test_clicking_page_2(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹&per_page=5")
    first = page.locator("li.hit h2").all_inner_texts()
    with page.expect_navigation():
        page.locator("nav.pager a.page", has_text="2").click()
    assert params(page)["page"] == ["2"] and params(page)["q"] == ["동맹"] and params(page)["per_page"] == ["5"]
    assert page.locator("nav.pager [aria-current=page]").inner_text() == "2"
    second = page.locator("li.hit h2").all_inner_texts()
    assert len(second) == 5 and not set(first) & set(second)


def test_a_month_link_sets_the_date_range(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    with page.expect_navigation():
        page.click("ul.months a:text('2024년 7월')")
    assert page.input_value("input[name=from]") == "2024-07-01"
    assert page.input_value("input[name=to]") == "2024-07-31"
    dates = page.locator("li.hit time").all_inner_texts()
    assert dates and all(d.startswith("2024년 7월") for d in dates)


def test_script_in_a_title_or_query_never_runs(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=태그")
    assert "\"<script>alert('속보')</script>\" 태그 논란…" in page.locator("li.hit h2").all_inner_texts()
    page.fill("#q", "<script>alert(1)</script>")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert page.input_value("#q") == "<script>alert(1)</script>"
    assert page.evaluate("document.scripts.length") == 0
    # The page fixture fails the test if either alert() ran.


def test_screenshot(page: Any, base_url: str) -> None:
    """A picture of a typical results page, for a person to look at."""
    page.goto(base_url + "/?q=동맹&category=정치&category=국제&per_page=5")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
