"""The page's reader-facing features, server side: filter chips, quick periods, the month
histogram, relative dates, thumbnails, and the page in English. (The same features in a real
browser, with JavaScript, are in test_browser.py.)"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from sokbo.web import errors, i18n, view

WEB = Path(__file__).resolve().parent.parent / "web"
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
SEOUL = ZoneInfo("Asia/Seoul")


def page(client: Any, status: int = 200, headers: dict[str, str] | None = None, **params: Any) -> BeautifulSoup:
    if "from_" in params:
        params["from"] = params.pop("from_")
    response = client.get("/", query_string=params, headers=headers or {})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- chips ---------------------------------------------------------------------------------


def test_active_filters_show_as_chips_each_removing_only_itself(web_client) -> None:
    soup = page(web_client, q="동맹", category=["정치", "국제"], from_="2024-07-01", to="2024-07-31", sort="newest")
    chips = soup.select(".status-line ul.chips a.chip")
    labels = [c.get_text(" ", strip=True) for c in chips]
    assert labels == ["정치 ×", "국제 ×", "2024년 7월 ×", "최신순 ×", "모든 조건 해제"]
    assert chips[0]["aria-label"] == "정치 조건 해제"
    assert query_of(chips[0]["href"]) == {
        "q": ["동맹"], "category": ["국제"], "from": ["2024-07-01"], "to": ["2024-07-31"], "sort": ["newest"]}
    assert query_of(chips[2]["href"]) == {"q": ["동맹"], "category": ["정치", "국제"], "sort": ["newest"]}
    assert query_of(chips[3]["href"]) == {"q": ["동맹"], "category": ["정치", "국제"], "from": ["2024-07-01"], "to": ["2024-07-31"]}
    assert query_of(chips[4]["href"]) == {"q": ["동맹"]}


def test_filters_are_kept_visibly_for_a_new_query(web_client) -> None:
    """The search form carries the filters (by form="search"), and the chips say which."""
    soup = page(web_client, q="동맹", from_="2024-07-01")
    assert soup.select_one("input[form=search][name=from]")["value"] == "2024-07-01"
    assert [c.get_text(" ", strip=True) for c in soup.select("a.chip")] == ["2024년 7월 1일 이후 ×"]


def test_no_chips_without_filters(web_client) -> None:
    assert page(web_client, q="동맹").select_one("ul.chips") is None


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [("2024-02-01", "2024-02-29", "2024년 2월"), ("2024-07-02", "2024-07-09", "2024년 7월 2일 ~ 2024년 7월 9일"),
     (None, "2024-07-09", "2024년 7월 9일 이전")],
)
def test_date_chip_labels(web_client, first: str | None, last: str | None, label: str) -> None:
    soup = page(web_client, **{k: v for k, v in (("from_", first), ("to", last)) if v})
    assert soup.select_one("a.chip").get_text(" ", strip=True) == f"{label} ×"


# -- quick periods and the histogram -------------------------------------------------------


def test_quick_periods_count_back_from_today_in_the_sites_zone(web_client) -> None:
    today = dt.datetime.now(SEOUL).date()
    soup = page(web_client, q="동맹")
    links = soup.select("ul.quick-periods a")
    assert [a.get_text() for a in links] == ["1일", "1주", "1개월", "1년"]
    assert [a["aria-label"] for a in links] == ["최근 1일", "최근 1주", "최근 1개월", "최근 1년"]
    starts = [query_of(a["href"])["from"][0] for a in links]
    assert starts == [(today - dt.timedelta(days=n)).isoformat() for n in (1, 7, 30, 365)]
    assert all("to" not in query_of(a["href"]) and query_of(a["href"])["q"] == ["동맹"] for a in links)
    chosen = page(web_client, q="동맹", **{"from": starts[1]})
    assert chosen.select_one("ul.quick-periods a[aria-current]").get_text() == "1주"


def test_the_month_histogram_draws_each_month_as_a_linked_bar(web_client) -> None:
    soup = page(web_client, q="동맹")
    items = soup.select("ol.months li")
    counts = [int(li.select_one(".count").get_text()) for li in items]
    heights = [int(li.select_one("svg rect")["height"]) for li in items]
    assert counts == [3, 5, 4]  # August, July, June: newest first in the list
    assert max(heights) == view.HISTOGRAM_HEIGHT and heights[1] == view.HISTOGRAM_HEIGHT
    assert heights == [round(view.HISTOGRAM_HEIGHT * c / 5) for c in counts]
    for li in items:
        rect = li.select_one("rect")
        assert int(rect["y"]) + int(rect["height"]) == view.HISTOGRAM_HEIGHT  # bars stand on one line
        assert li.select_one("svg")["aria-hidden"] == "true"  # the link's name is its text


def test_histogram_of_no_months_is_empty() -> None:
    assert view.histogram([]) == []


# -- dates ---------------------------------------------------------------------------------


NOW = dt.datetime(2026, 12, 7, 15, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("iso", "ko", "en"),
    [("2026-12-07T14:59:30+09:00", "방금", "just now"),
     ("2026-12-07T14:35:00+09:00", "25분 전", "25 min ago"),
     ("2026-12-07T12:00:00+09:00", "3시간 전", "3 h ago"),
     ("2026-12-07T03:00:00Z", "3시간 전", "3 h ago"),  # 12:00 in Seoul
     ("2026-12-07", "오늘", "today"),
     ("2026-12-06T09:00:00+09:00", "어제", "yesterday"),
     ("2026-12-03", "4일 전", "4 days ago"),
     ("2026-11-30", "2026년 11월 30일", "Nov 30, 2026"),
     ("2026-12-08T09:00:00+09:00", "2026년 12월 8일", "Dec 8, 2026"),  # the future: the date
     ("not a date", "not a date", "not a date")],
)
def test_recent_posts_show_relative_dates(web_app, iso: str, ko: str, en: str) -> None:
    for lang, expected in (("ko", ko), ("en", en)):
        with web_app.test_request_context(f"/?lang={lang}"):
            assert view.post_date(iso, NOW).text == expected, lang


def test_a_relative_date_keeps_the_full_date_as_its_title(tmp_path: Path) -> None:
    client = _client_with(tmp_path, [_post("1", "방금 들어온 속보", dt.datetime.now(SEOUL) - dt.timedelta(hours=2))])
    time = page(client).select_one("li.hit time")
    assert time.get_text() == "2시간 전"
    assert re.fullmatch(r"\d{4}년 \d{1,2}월 \d{1,2}일", time["title"])


# -- thumbnails ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "shown"),
    [("https://img.example.org/a.jpg", "https://img.example.org/a.jpg"), ("http://x.org/b.png", "http://x.org/b.png"),
     ("/assets/c.jpg", "/assets/c.jpg"), ("javascript:alert(1)", ""), ("JaVaScRiPt:alert(1)", ""),
     ("data:image/svg+xml,<svg onload=alert(1)>", ""), ("//evil.example/x.jpg", ""), ("", ""), ("c.jpg", ""),
     ("https://", "")],
)
def test_only_web_and_site_images_become_thumbnails(image: str, shown: str) -> None:
    assert view.thumbnail(image) == shown


def test_a_thumbnail_is_lazy_and_sized(tmp_path: Path) -> None:
    posts = [_post("1", "사진 있는 기사", dt.datetime(2024, 7, 1, 9, tzinfo=SEOUL), image="https://img.example.org/a.jpg"),
             _post("2", "사진 없는 기사", dt.datetime(2024, 7, 2, 9, tzinfo=SEOUL)),
             _post("3", "위험한 사진 기사", dt.datetime(2024, 7, 3, 9, tzinfo=SEOUL), image="javascript:alert(1)")]
    soup = page(_client_with(tmp_path, posts), sort="oldest")
    hits = soup.select("li.hit")
    img = hits[0].select_one("img.thumb")
    assert img["src"] == "https://img.example.org/a.jpg" and img["loading"] == "lazy" and img["alt"] == ""
    assert img["width"] and img["height"] and img["referrerpolicy"] == "no-referrer"
    assert hits[1].select_one("img") is None and hits[2].select_one("img") is None
    assert "javascript:" not in str(soup)


def test_a_post_url_that_is_not_a_web_address_is_not_a_link(tmp_path: Path) -> None:
    from sokbo.search import Post

    when = dt.datetime(2024, 7, 1, 9, tzinfo=SEOUL)
    posts = [Post(id="2024-07-01-x", title="수상한 주소 기사", date=when.isoformat(), day=when.date(), categories=(),
                  body="본문", url="javascript:alert(1)")]
    soup = page(_client_with(tmp_path, posts))
    assert soup.select_one("li.hit h2").get_text() == "수상한 주소 기사"
    assert soup.select_one("li.hit h2 a") is None and "javascript:" not in str(soup)


# -- languages -----------------------------------------------------------------------------


def test_lang_en_switches_the_page_and_every_link_keeps_it(web_client) -> None:
    soup = page(web_client, q="NATO", lang="en", category="정치")
    assert soup.html["lang"] == "en"
    assert soup.select_one("h1.summary").get_text(strip=True) == "Results for ‘NATO’"
    assert soup.select_one("#search button").get_text() == "Search"
    assert soup.select_one("#search input[type=hidden][name=lang]")["value"] == "en"
    for link in soup.select("main a[href^='/?']"):
        assert query_of(link["href"]).get("lang") == ["en"], link
    switch = soup.select_one("nav.languages a")
    assert switch.get_text() == "한국어" and switch["lang"] == "ko"
    assert query_of(switch["href"]) == {"q": ["NATO"], "category": ["정치"], "lang": ["ko"]}


def test_the_english_page_has_no_korean_of_its_own(web_client) -> None:
    """Every string is translated: what Korean remains is the posts' own text, marked lang=ko."""
    for params in ({"q": "NATO"}, {"q": "NATO", "category": "정치", "from": "2024-07-01", "sort": "oldest"},
                   {"q": "zzzqqq", "category": "정치"}, {}, {"page": "99"}, {"page": "x"}, {"sort": "bad"}):
        response = web_client.get("/", query_string={**params, "lang": "en"})
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.html["lang"] == "en"
        for marked in soup.select("[lang=ko]"):
            marked.decompose()
        texts = [soup.get_text(" "), *(t.get(a, "") for t in soup.find_all(True) for a in ("aria-label", "title", "placeholder"))]
        texts += [t.get(a, "") for t in soup.find_all(True) for a in t.attrs if a.startswith("data-") and a != "data-suggest-url"]
        text = " ".join(texts).replace("Remove filter 정치", "")  # a chip's name holds the category's own name
        assert not HANGUL.findall(text), (params, sorted(set(HANGUL.findall(text))))


@pytest.mark.parametrize(
    ("header", "lang"),
    [("en-US,en;q=0.9", "en"), ("ko-KR,ko;q=0.9,en;q=0.8", "ko"), ("fr-FR,fr;q=0.9", "ko"), ("", "ko"),
     ("de;q=0.9,en;q=0.5", "en")],
)
def test_accept_language_chooses_without_marking_links(web_client, header: str, lang: str) -> None:
    response = web_client.get("/?q=동맹", headers={"Accept-Language": header} if header else {})
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.html["lang"] == lang
    assert "Accept-Language" in response.headers["Vary"]
    assert not [a for a in soup.select("main a[href^='/?']") if "lang" in query_of(a["href"])]


def test_lang_in_the_url_wins_over_the_header_and_junk_is_ignored(web_client) -> None:
    assert page(web_client, headers={"Accept-Language": "en"}, lang="ko").html["lang"] == "ko"
    assert page(web_client, headers={"Accept-Language": "en"}, lang="xx").html["lang"] == "en"
    assert page(web_client, lang="<script>").html["lang"] == "ko"


def test_error_pages_speak_english_too(web_client) -> None:
    soup = page(web_client, status=400, page="x", lang="en")
    assert soup.html["lang"] == "en" and soup.h1.get_text() == "Invalid search"
    assert "‘page’ (page)" in soup.select_one(".message").get_text()
    response = web_client.get("/nope", headers={"Accept-Language": "en"})
    assert BeautifulSoup(response.get_data(as_text=True), "html.parser").h1.get_text() == "Page not found"


def test_every_korean_string_has_its_english() -> None:
    """Each literal given to _() in the templates and in web/*.py, and each label table, is in ENGLISH."""
    strings: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        strings.update(m.group(2) for m in re.finditer(r"""\b_(?:markup)?\((["'])(.*?)\1""", template.read_text()))
    for module in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    strings.add(node.args[0].value)
    strings.update(view.SORT_LABELS.values())
    strings.update(label for period in view.QUICK_PERIODS for label in period[:2])
    strings.update(errors.PARAM_LABELS.values())
    strings.update(text for pair in errors.HTTP_PAGES.values() for text in pair)
    korean = {s for s in strings if HANGUL.search(s)}
    assert len(korean) > 60
    assert sorted(korean - set(i18n.ENGLISH)) == []
    assert not [s for s in i18n.ENGLISH.values() if HANGUL.search(s)]


# -- helpers -------------------------------------------------------------------------------


def _post(number: str, title: str, when: dt.datetime, image: str = "") -> Any:
    from sokbo.search import Post

    return Post(id=f"{when:%Y-%m-%d}-{number}", title=title, date=when.isoformat(), day=when.date(),
                categories=("사회",), body=f"{title} 본문입니다.", url=f"https://example.org/{number}/", image=image)


def _client_with(tmp_path: Path, posts: list[Any]) -> Any:
    from sokbo.search import SearchService
    from sokbo.web import create_app

    SearchService(tmp_path).rebuild(posts)
    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client()
