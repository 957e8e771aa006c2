"""The page in a real Chromium (Playwright), served by waitress as in production.

Skipped where Debian's ``chromium`` is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.servers import ARTIFACTS, chromium, sokbo_server

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PLACEHOLDER_IMAGE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="100" viewBox="0 0 160 100">'
    b'<rect width="160" height="100" fill="#9db4d6"/><circle cx="120" cy="30" r="14" fill="#f4d35e"/>'
    b'<path d="M0 100 L55 45 L95 85 L120 62 L160 100 Z" fill="#4a6fa5"/></svg>'
)
"""Served for the sample posts' picsum.photos images: tests have no network."""


def serve(index: Path) -> Iterator[str]:
    """The app over ``index`` behind sokbo's waitress on a free local port."""
    with sokbo_server(index, threads=4) as (host, port):
        yield f"http://{host}:{port}"


@pytest.fixture(scope="module")
def base_url(web_index: Path) -> Iterator[str]:
    """The web tests' own posts (known counts and orders)."""
    yield from serve(web_index)


@pytest.fixture(scope="module")
def samples_url(sample_index: Path) -> Iterator[str]:
    """The bundled sample posts (images, long titles): what the screenshots show."""
    yield from serve(sample_index)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture()
def open_page(browser: Any) -> Iterator[Any]:
    """A factory of fresh Korean-locale tabs; a test fails if any script opens a dialog."""
    contexts: list[Any] = []
    dialogs: list[str] = []

    def new(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(locale=options.pop("locale", "ko-KR"), viewport=viewport, **options)
        context.route("https://picsum.photos/**", lambda route: route.fulfill(body=PLACEHOLDER_IMAGE, content_type="image/svg+xml"))
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        return tab

    yield new
    for context in contexts:
        context.close()
    assert dialogs == [], f"a script ran and opened dialogs: {dialogs}"


@pytest.fixture()
def page(open_page: Any) -> Any:
    """A desktop tab."""
    return open_page()


def params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shot(page: Any, name: str, full_page: bool = False) -> Path:
    """Save a screenshot of the current state as an artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000
    return path


# -- searching -----------------------------------------------------------------------------


def test_typing_a_query_and_pressing_enter_shows_marked_results(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1.summary").inner_text() == "최신 기사"
    page.fill("#q", "동맹")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert params(page)["q"] == ["동맹"]
    assert page.locator("h1.summary").inner_text() == "‘동맹’ 검색 결과"
    assert page.locator(".status-line .count").inner_text().startswith("12건")
    assert page.locator("li.hit").count() == 10
    assert page.locator("li.hit h2 mark").first.inner_text() == "동맹"
    assert page.locator("li.hit .snippet mark").count() >= 10


@pytest.mark.parametrize("typed", ["대통", "대ㅌ", "ㄷㅌㄹ"])
def test_suggestions_complete_what_is_typed_and_enter_searches_one(page: Any, base_url: str, typed: str) -> None:
    page.goto(base_url + "/")
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.press_sequentially(typed, delay=30)
    option = page.locator("#q-suggestions [role=option]", has_text="대통령").first
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    shot(page, f"suggest-{typed}")
    for _ in range(page.locator("#q-suggestions [role=option]").count()):
        box.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    with page.expect_navigation():
        box.press("Enter")
    assert params(page)["q"] == ["대통령"]
    assert "대통령" in page.locator("li.hit h2").first.inner_text()


def test_escape_closes_the_suggestions_and_the_form_still_submits_what_was_typed(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("대통", delay=30)
    page.locator("#q-suggestions [role=option]").first.wait_for()
    page.press("#q", "Escape")
    assert page.locator("#q-suggestions").is_hidden()
    assert page.get_attribute("#q", "aria-expanded") == "false"
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert params(page)["q"] == ["대통"]


def test_clicking_a_suggestion_searches_it(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("올림", delay=30)
    with page.expect_navigation():
        page.locator("#q-suggestions [role=option]", has_text="올림픽").first.click()
    assert params(page)["q"] == ["올림픽"]


def test_without_javascript_the_page_is_a_plain_form(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    page = context.new_page()
    page.goto(base_url + "/?q=동맹")
    assert page.get_attribute("#q", "role") is None
    page.click("details.filter >> nth=0")
    page.check("input[name=category][value=정치]")
    assert page.url.endswith("/?q=%EB%8F%99%EB%A7%B9")  # nothing happens until the button
    with page.expect_navigation():
        page.locator("details.filter[open] button.apply").click()
    assert params(page)["category"] == ["정치"] and params(page)["q"] == ["동맹"]
    context.close()


# -- filters -------------------------------------------------------------------------------


def test_ticking_a_category_applies_at_once(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    page.click("details.filter summary:text('분류')")
    assert page.locator("details.filter[open] button.apply").is_hidden()  # no 적용 with JavaScript
    with page.expect_navigation():
        page.check("input[name=category][value=정치]")
    assert params(page)["category"] == ["정치"] and params(page)["q"] == ["동맹"]
    assert page.locator(".status-line .count").inner_text().startswith("7건")
    for hit in page.locator("li.hit").all():
        assert "정치" in hit.locator("a.category").all_inner_texts()
    # The panel comes back open with the box focused, so a second box is one more tap.
    assert page.locator("details.filter").first.get_attribute("open") is not None
    assert page.evaluate("document.activeElement.value") == "정치"
    shot(page, "category-applied")
    with page.expect_navigation():
        page.check("input[name=category][value=국제]")
    assert params(page)["category"] == ["정치", "국제"]
    assert [" ".join(t.split()) for t in page.locator("a.chip").all_inner_texts()[:2]] == ["정치 ×", "국제 ×"]


def test_choosing_a_sort_applies_at_once(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    page.click("details.filter >> nth=2")
    with page.expect_navigation():
        page.select_option("select[name=sort]", "oldest")
    assert params(page)["sort"] == ["oldest"]
    dates = page.locator("li.hit time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert dates == sorted(dates)


def test_a_chip_removes_its_filter(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹&category=정치&category=국제")
    with page.expect_navigation():
        page.click("a.chip[aria-label='정치 조건 해제']")
    assert params(page) == {"q": ["동맹"], "category": ["국제"]}


def test_a_quick_period_and_a_month_bar_set_the_dates(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    page.click("details.filter >> nth=1")
    shot(page, "dates-panel")
    with page.expect_navigation():
        page.click("ul.quick-periods a:text('1년')")
    today = dt.datetime.now(ZoneInfo("Asia/Seoul")).date()
    assert params(page)["from"] == [(today - dt.timedelta(days=365)).isoformat()] and "to" not in params(page)
    assert " ".join(page.locator("a.chip").first.inner_text().split()).endswith("이후 ×")
    page.goto(base_url + "/?q=동맹")
    page.click("details.filter >> nth=1")
    with page.expect_navigation():
        page.click("ol.months a:has-text('2024년 7월')")
    assert page.input_value("input[name=from]") == "2024-07-01"
    assert page.input_value("input[name=to]") == "2024-07-31"
    dates = page.locator("li.hit time").all_inner_texts()
    assert dates and all(d.startswith("2024년 7월") for d in dates)


def test_one_panel_at_a_time_and_escape_closes_it(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    page.click("details.filter >> nth=0")
    page.click("details.filter >> nth=1 >> summary")
    assert page.locator("details.filter[open]").count() == 1
    page.focus("ul.quick-periods a >> nth=0")
    page.keyboard.press("Escape")
    assert page.locator("details.filter[open]").count() == 0
    assert page.evaluate("document.activeElement.textContent.trim()").startswith("기간")


def test_clicking_page_2(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹&per_page=5")
    first = page.locator("li.hit h2").all_inner_texts()
    with page.expect_navigation():
        page.locator("nav.pager a.page", has_text="2").click()
    assert params(page)["page"] == ["2"] and params(page)["q"] == ["동맹"] and params(page)["per_page"] == ["5"]
    assert page.locator("nav.pager [aria-current=page]").inner_text() == "2"
    assert page.title() == "‘동맹’ 검색 결과 (2쪽) - 속보 검색"
    second = page.locator("li.hit h2").all_inner_texts()
    assert len(second) == 5 and not set(first) & set(second)


# -- the phone, dark mode, the keyboard, languages -----------------------------------------


def test_on_a_phone_the_first_result_is_in_the_top_half(open_page: Any, samples_url: str) -> None:
    page = open_page(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(samples_url + "/?q=동맹")
    box = page.locator("li.hit").first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] / 2, box
    bar = page.locator("div.filters").bounding_box()
    assert bar is not None and bar["height"] < 60  # the filters are one line of chips
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shot(page, "phone-results")
    page.click("details.filter >> nth=1")
    shot(page, "phone-dates-panel")


def test_at_200_percent_zoom_a_result_is_on_the_first_screen(open_page: Any, samples_url: str) -> None:
    """A 1280x900 window at 200% zoom lays out as 640x450 CSS pixels."""
    page = open_page({"width": 640, "height": 450}, device_scale_factor=2)
    page.goto(samples_url + "/?q=동맹")
    box = page.locator("li.hit h2").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 450, box


def test_dark_mode_follows_the_system(open_page: Any, samples_url: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(PHONE, color_scheme=scheme)
        page.goto(samples_url + "/?q=동맹")
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        shot(page, f"phone-{scheme}")
    assert colours["light"] == "rgb(255, 255, 255)"
    assert _luminance(colours["dark"]) < 0.15  # a near-black background


def test_the_skip_link_is_the_first_tab_stop_and_jumps_to_the_results(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=동맹")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.filters') !== null")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible


def test_lang_en_in_the_browser(open_page: Any, base_url: str) -> None:
    page = open_page(locale="en-US")
    page.goto(base_url + "/?q=동맹")
    assert page.evaluate("document.documentElement.lang") == "en"  # from Accept-Language
    assert page.locator("h1.summary").inner_text() == "Results for ‘동맹’"
    with page.expect_navigation():
        page.click("nav.languages a")
    assert page.evaluate("document.documentElement.lang") == "ko" and params(page)["lang"] == ["ko"]
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert params(page)["lang"] == ["ko"]


# -- accessibility -------------------------------------------------------------------------

PAGE_TYPES = {
    "start": "/",
    "results": "/?q=동맹&category=정치&from=2024-06-01",
    "page-2": "/?q=동맹&per_page=5&page=2",
    "empty": "/?q=블록체인&category=정치",
    "error": "/?page=abc",
    "not-found": "/nope",
    "english": "/?q=동맹&lang=en",
}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page(open_page: Any, samples_url: str, viewport: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_page(PHONE if viewport == "phone" else DESKTOP, color_scheme=scheme)
    found = {}
    for name, path in PAGE_TYPES.items():
        page.goto(samples_url + path)
        found[name] = _violations(axe, page)
        if name == "results":
            for i in range(3):  # every panel open
                page.locator("details.filter summary").nth(i).click()
                found[f"{name}-panel-{i}"] = _violations(axe, page)
            page.locator("#q").fill("")
            page.locator("#q").press_sequentially("대통", delay=30)
            page.locator("#q-suggestions [role=option]").first.wait_for()
            found[f"{name}-suggestions"] = _violations(axe, page)
        shot(page, f"{name}-{viewport}-{scheme}")
    assert {name: v for name, v in found.items() if v} == {}


def _violations(axe: Any, page: Any) -> list[tuple[str, str, list[str]]]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [(v["id"], v["impact"], [str(n["target"]) for n in v["nodes"]][:3]) for v in results.response["violations"]]


def _luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# -- hostile input -------------------------------------------------------------------------


def test_script_in_a_title_a_suggestion_or_a_query_never_runs(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=태그")
    assert "\"<script>alert('속보')</script>\" 태그 논란…" in page.locator("li.hit h2").all_inner_texts()
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("\"<script>", delay=20)
    page.wait_for_timeout(400)  # whatever the suggestions show is text
    page.fill("#q", "<script>alert(1)</script><img src=x onerror=alert(2)>")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert page.input_value("#q") == "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert page.evaluate("Array.from(document.scripts, s => s.src.split('/').pop())") == ["search.js"]
    assert page.evaluate("document.images.length") == 0
    # The open_page fixture fails the test if any alert() ran.


def test_screenshots(open_page: Any, samples_url: str) -> None:
    """Pictures of the page for people (and the README): desktop and phone."""
    page = open_page(DESKTOP)
    page.goto(samples_url + "/?q=동맹")
    page.locator("img.thumb").first.wait_for()
    shot(page, "desktop-results")
    page = open_page(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(samples_url + "/?q=동맹")
    shot(page, "phone-results-2x")
