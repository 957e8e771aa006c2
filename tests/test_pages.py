"""The reader's page at ``/``, rendered through the Flask test client over a real index."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from sokbo.web.view import korean_date, month_range


def page(client: Any, status: int = 200, **params: Any) -> BeautifulSoup:
    """GET / (``from_`` stands for ``from``) and parse it, checking the status."""
    if "from_" in params:
        params["from"] = params.pop("from_")
    response = client.get("/", query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def hit_titles(soup: BeautifulSoup) -> list[str]:
    return [a.get_text() for a in soup.select("li.hit h2.title a")]


def korean(day: dt.date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


# -- results ---------------------------------------------------------------------------


def test_results_show_linked_title_korean_date_categories_and_snippet(web_client, web_posts) -> None:
    posts = {p.url: p for p in web_posts}
    soup = page(web_client, q="동맹", per_page=5)
    assert soup.html["lang"] == "ko"
    hits = soup.select("li.hit")
    assert len(hits) == 5
    for hit in hits:
        link = hit.select_one("h2.title a")
        post = posts[link["href"]]
        assert link.get_text() == post.title
        assert link.mark.get_text() == "동맹"
        time = hit.select_one("time")
        assert time.get_text() == korean(post.day) and time["datetime"] == post.date
        assert [a.get_text() for a in hit.select("a.category")] == list(post.categories)
        assert hit.select_one("p.snippet mark").get_text() == "동맹"


def test_the_heading_and_the_results_line(web_client) -> None:
    soup = page(web_client, q="동맹")
    assert soup.select_one("h1.summary").get_text(" ", strip=True) == "‘동맹’ 검색 결과"
    assert soup.title.get_text() == "‘동맹’ 검색 결과 - 속보 검색"
    line = soup.select_one(".status-line .count").get_text(" ", strip=True)
    assert re.fullmatch(r"12건 \(\d+\.\d\d초\)", line), line


def test_page_two_says_so_in_its_title_and_heading(web_client) -> None:
    soup = page(web_client, q="동맹", per_page=5, page=2)
    assert soup.select_one("h1.summary").get_text(" ", strip=True) == "‘동맹’ 검색 결과 (2쪽)"
    assert soup.title.get_text() == "‘동맹’ 검색 결과 (2쪽) - 속보 검색"
    assert len(soup.select("h1")) == 1


@pytest.mark.parametrize("query", ['"군사 원조"', "“군사 원조”", "'군사 원조'"])
def test_a_quoted_query_is_not_quoted_twice(web_client, query: str) -> None:
    heading = page(web_client, q=query).select_one("h1.summary").get_text(strip=True)
    assert heading == "‘군사 원조’ 검색 결과"


def test_a_date_with_time_and_offset_shows_its_own_day(web_client) -> None:
    time = page(web_client, from_="2024-08-14", to="2024-08-14").select_one("li.hit time")
    assert time.get_text() == "2024년 8월 14일" and time["datetime"] == "2024-08-14T09:30:00+09:00"


def test_an_empty_query_shows_the_newest_posts(web_client, web_posts) -> None:
    soup = page(web_client)
    assert soup.select_one("h1.summary").get_text(" ", strip=True) == "최신 기사"
    assert soup.select_one(".status-line .count").get_text(strip=True) == f"{len(web_posts)}건"
    newest = sorted(web_posts, key=lambda p: p.day, reverse=True)
    assert hit_titles(soup) == [p.title for p in newest[:10]]


def test_a_category_link_filters_by_that_category_keeping_the_query(web_client) -> None:
    link = page(web_client, q="동맹", per_page=5).select_one("li.hit a.category")
    params = query_of(link["href"])
    assert params["category"] == [link.get_text()] and params["q"] == ["동맹"] and params["per_page"] == ["5"]
    filtered = page(web_client, **params)
    assert all(link.get_text() in [a.get_text() for a in hit.select("a.category")] for hit in filtered.select("li.hit"))


def test_a_post_without_categories_has_no_category_links(web_client) -> None:
    soup = page(web_client, q="태풍")
    assert hit_titles(soup) == ["태풍 북상, 주말 남부 지방 비"] and soup.select("li.hit a.category") == []


def test_partial_matches_are_announced(web_client) -> None:
    notice = page(web_client, q="동맹 올림픽").select_one(".notice").get_text(strip=True)
    assert notice == "모든 단어를 포함한 기사가 없어 일부 단어가 일치하는 기사를 보여 드립니다."
    assert page(web_client, q="동맹").select_one(".notice") is None


def test_a_suggestion_is_a_link_to_that_query(web_app, monkeypatch: pytest.MonkeyPatch) -> None:
    service = web_app.extensions["sokbo"]
    search = service.search
    monkeypatch.setattr(service, "search", lambda request: dataclasses.replace(search(request), suggestion="동맹"))
    link = page(web_app.test_client(), q="동멩", category="정치").select_one(".notice a")
    assert link.get_text() == "동맹" and query_of(link["href"]) == {"q": ["동맹"], "category": ["정치"]}


def test_no_hits_gives_advice(web_client) -> None:
    soup = page(web_client, q="블록체인")
    assert soup.select("li.hit") == []
    assert "‘블록체인’에 대한 검색 결과가 없습니다." in soup.select_one(".empty").get_text()
    assert soup.select_one(".empty a") is None  # no filters to remove


def test_no_hits_with_filters_offers_to_remove_them(web_client) -> None:
    soup = page(web_client, q="블록체인", category="정치", from_="2024-07-01")
    link = soup.select_one(".empty a")
    assert query_of(link["href"]) == {"q": ["블록체인"]}
    assert page(web_client, **query_of(link["href"])).select_one("input#q")["value"] == "블록체인"


def test_no_posts_in_the_filters_without_a_query(web_client) -> None:
    soup = page(web_client, category="없는분류")
    assert "선택한 조건에 맞는 기사가 없습니다." in soup.select_one(".empty").get_text()


def test_a_page_past_the_end_links_to_the_first(web_client) -> None:
    soup = page(web_client, q="동맹", page=9)
    assert soup.select("li.hit") == []
    assert "12건" in soup.select_one(".empty").get_text()
    assert query_of(soup.select_one(".empty a")["href"]) == {"q": ["동맹"]}


# -- the form --------------------------------------------------------------------------


def test_the_form_is_a_plain_get_form_holding_every_control(web_client) -> None:
    """Without JavaScript the page is one GET form: the filters belong to it by ``form="search"``."""
    soup = page(web_client, q="동맹", per_page=5)
    form = soup.select_one("form#search.search[role=search]")
    assert form["method"] == "get" and form["action"] == "/"
    assert form.select_one("input#q[name=q]")["value"] == "동맹"
    assert form.select_one("button[type=submit]").get_text() == "검색"
    assert form.select_one("input[type=hidden][name=per_page]")["value"] == "5"
    controls = soup.select("[form=search]")
    assert {c.get("name") for c in controls if c.name != "button"} == {"category", "from", "to", "sort"}
    assert soup.select("input[type=checkbox][name=category][form=search]")
    assert all(b["type"] == "submit" for b in soup.select("button.apply[form=search]"))
    assert not form.select_one("main"), "the results are not inside the search landmark"
    scripts = soup.find_all("script")
    assert [s["src"] for s in scripts] == ["/static/search.js"] and all(not s.string for s in scripts)


def test_no_inline_script_or_style_anywhere(web_client) -> None:
    """The Content-Security-Policy allows only the page's own files."""
    for params in ({}, {"q": "동맹"}, {"q": "블록체인", "category": "정치"}, {"page": "x"}):
        html = web_client.get("/", query_string=params).get_data(as_text=True)
        soup = BeautifulSoup(html, "html.parser")
        assert all(s.get("src") for s in soup.find_all("script")), params
        assert not soup.find_all("style") and not soup.select("[style]"), params
        assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")], params


def test_no_hidden_per_page_by_default(web_client) -> None:
    assert page(web_client, q="동맹").select_one("input[name=per_page]") is None


def test_checked_categories_stay_checked_with_their_counts(web_client) -> None:
    api = web_client.get("/api/search", query_string={"q": "동맹", "category": "정치"}).get_json()
    soup = page(web_client, q="동맹", category="정치")
    boxes = {box["value"]: box for box in soup.select("input[type=checkbox][name=category]")}
    assert set(boxes) == {f["value"] for f in api["facets"]["category"]}
    assert boxes["정치"].has_attr("checked") and not boxes["국제"].has_attr("checked")
    counts = {
        label.select_one("input")["value"]: int(label.select_one(".count").get_text())
        for label in soup.select("label.option")
    }
    assert counts == {f["value"]: f["count"] for f in api["facets"]["category"]}


def test_a_chosen_category_without_hits_stays_checked(web_client) -> None:
    box = page(web_client, q="동맹", category="스포츠").select_one("input[name=category][value=스포츠]")
    assert box.has_attr("checked")
    assert box.find_parent("label").select_one(".count").get_text() == "0"


def test_month_links_set_the_months_first_and_last_day(web_client) -> None:
    soup = page(web_client, q="동맹", category=["정치", "국제"], sort="oldest", per_page=5, page=2)
    links = soup.select("ol.months a")
    assert [a.select_one(".label").get_text() for a in links] == ["2024년 8월", "2024년 7월", "2024년 6월"]
    counts = [int(li.select_one(".count").get_text()) for li in soup.select("ol.months li")]
    assert sum(counts) == 12
    july = query_of(links[1]["href"])
    assert july == {
        "q": ["동맹"], "category": ["정치", "국제"], "from": ["2024-07-01"], "to": ["2024-07-31"],
        "sort": ["oldest"], "per_page": ["5"],
    }
    chosen = page(web_client, **july)
    assert chosen.select_one("ol.months a[aria-current] .label").get_text() == "2024년 7월"
    assert chosen.select_one("input[name=from]")["value"] == "2024-07-01"
    assert chosen.select_one("input[name=to]")["value"] == "2024-07-31"
    assert query_of(chosen.select_one("a.clear")["href"]) == {
        "q": ["동맹"], "category": ["정치", "국제"], "sort": ["oldest"], "per_page": ["5"],
    }


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [("2024-07", "2024-07-01", "2024-07-31"), ("2024-02", "2024-02-01", "2024-02-29"),
     ("2023-02", "2023-02-01", "2023-02-28"), ("2024-12", "2024-12-01", "2024-12-31")],
)
def test_month_range(month: str, first: str, last: str) -> None:
    assert month_range(month) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize(
    ("iso", "shown"),
    [("2024-07-03", "2024년 7월 3일"), ("2024-08-14T09:30:00+09:00", "2024년 8월 14일"),
     ("2024-12-31T23:59:59-05:00", "2024년 12월 31일"), ("", ""), ("not a date", "not a date")],
)
def test_korean_date(iso: str, shown: str) -> None:
    assert korean_date(iso) == shown


def test_sort_select_labels_and_selection(web_client) -> None:
    def options(**params: Any) -> list[tuple[str, str, bool]]:
        soup = page(web_client, **params)
        return [(o["value"], o.get_text(), o.has_attr("selected")) for o in soup.select("select[name=sort] option")]

    # The default sort submits as "", so a new query typed over it gets its own default.
    assert options(q="동맹") == [("", "관련도순", True), ("newest", "최신순", False), ("oldest", "오래된순", False)]
    assert options(q="동맹", sort="oldest") == [("", "관련도순", False), ("newest", "최신순", False), ("oldest", "오래된순", True)]
    assert options() == [("relevance", "관련도순", False), ("", "최신순", True), ("oldest", "오래된순", False)]


# -- pagination ------------------------------------------------------------------------


def pager(soup: BeautifulSoup) -> list[tuple[str, str | None]]:
    """The pager as (label, page parameter or None for the current page)."""
    items = []
    for element in soup.select("nav.pager a, nav.pager span"):
        page_param = query_of(element["href"]).get("page", ["1"])[0] if element.name == "a" else None
        items.append((element.get_text(), page_param))
    return items


def test_pager_links_keep_every_other_parameter(web_client) -> None:
    state = {"q": "동맹", "category": ["정치", "국제"], "from": "2024-06-01", "to": "2024-08-31", "sort": "oldest", "per_page": "2"}
    soup = page(web_client, page=3, **state)
    assert pager(soup) == [("이전", "2"), ("1", "1"), ("2", "2"), ("3", None), ("4", "4"), ("5", "5"), ("6", "6"), ("다음", "4")]
    expected = {k: v if isinstance(v, list) else [v] for k, v in state.items()}
    for link in soup.select("nav.pager a"):
        params = query_of(link["href"])
        params.pop("page", None)
        assert params == expected


@pytest.mark.parametrize(
    ("current", "numbers"),
    [(1, range(1, 8)), (4, range(1, 8)), (10, range(7, 14)), (23, range(19, 26)), (25, range(19, 26))],
)
def test_pager_shows_a_window_of_7_pages(web_client, web_posts, current: int, numbers: range) -> None:
    assert len(web_posts) == 25
    items = pager(page(web_client, per_page=1, page=current))
    assert [label for label, _ in items if label.isdigit()] == [str(n) for n in numbers]
    assert ("이전" in dict(items)) == (current > 1)
    assert ("다음" in dict(items)) == (current < 25)
    assert (str(current), None) in items


def test_a_single_page_has_no_pager(web_client) -> None:
    assert page(web_client, q="태풍").select_one("nav.pager") is None


def test_following_the_next_link_gives_the_next_page(web_client) -> None:
    first = page(web_client, q="동맹", per_page=5)
    second = page(web_client, **query_of(first.select_one("nav.pager a[rel=next]")["href"]))
    assert set(hit_titles(first)).isdisjoint(hit_titles(second)) and len(hit_titles(second)) == 5


# -- escaping --------------------------------------------------------------------------

OWN_SCRIPT = '<script src="/static/search.js" defer></script>'


def scripts_other_than_ours(html: str) -> bool:
    return "<script" in html.replace(OWN_SCRIPT, "").lower()


def test_a_script_query_is_inert_text(web_client) -> None:
    query = "<script>alert(1)</script>"
    response = web_client.get("/", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not scripts_other_than_ours(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("input#q")["value"] == query
    assert query in soup.select_one(".summary").get_text()


@pytest.mark.parametrize("query", ["태그", "논란", "해킹"])
def test_the_script_titled_post_is_inert_text(web_client, query: str) -> None:
    html = web_client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert not scripts_other_than_ours(html)
    assert "&lt;script&gt;alert(" in html or "&lt;script&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    assert "\"<script>alert('속보')</script>\" 태그 논란…" in hit_titles(soup)


def test_attribute_values_are_escaped(web_client) -> None:
    html = web_client.get("/", query_string={"q": '"><b onmouseover=x>'}).get_data(as_text=True)
    assert "<b onmouseover" not in html
    assert 'value="&#34;&gt;&lt;b onmouseover=x&gt;"' in html


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "label"),
    [({"page": "abc"}, "‘페이지’(page)"), ({"page": "0"}, "‘페이지’(page)"), ({"per_page": "500"}, "‘쪽당 기사 수’(per_page)"),
     ({"from": "2024-13-45"}, "‘시작일’(from)"), ({"from": "2024-07-10", "to": "2024-07-01"}, "‘종료일’(to)"),
     ({"sort": "bogus"}, "‘정렬’(sort)"), ({"q": "가" * 1001}, "‘검색어’(q)")],
)
def test_a_bad_parameter_is_a_korean_400_page_naming_it(web_client, params: dict[str, str], label: str) -> None:
    soup = page(web_client, status=400, **params)
    assert soup.html["lang"] == "ko"
    assert label in soup.select_one(".message").get_text()
    assert soup.select_one("a.button")["href"] == "/"


def test_no_value_of_any_parameter_is_a_500_on_the_page(web_client, nasty_values: list[str]) -> None:
    for param in ("q", "category", "from", "to", "sort", "page", "per_page"):
        for value in nasty_values:
            response = web_client.get("/", query_string={param: value})
            assert response.status_code in (200, 400), (param, value)
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_an_empty_index_shows_a_korean_message(empty_client) -> None:
    soup = page(empty_client, status=503, q="동맹")
    assert soup.select_one(".message").get_text() == "검색 색인이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요."


def test_an_unknown_page_is_a_korean_404(web_client) -> None:
    response = web_client.get("/nope")
    assert response.status_code == 404
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("h1").get_text() == "페이지를 찾을 수 없습니다"


def test_an_unexpected_error_is_a_korean_500_without_details(web_index, monkeypatch: pytest.MonkeyPatch) -> None:
    from sokbo.web import create_app

    app = create_app({"INDEX_DIR": str(web_index)})  # not TESTING: errors are handled, not raised

    def broken(request: Any) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(app.extensions["sokbo"], "search", broken)
    response = app.test_client().get("/?q=동맹")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "일시적인 오류" in html and "secret" not in html and "Traceback" not in html


def test_the_stylesheet_is_served(web_client) -> None:
    response = web_client.get("/static/style.css")
    assert response.status_code == 200 and b"mark" in response.data
