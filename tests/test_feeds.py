"""``/opensearch.xml``, ``/feed.atom`` and the OpenSearch suggestions, parsed as XML and JSON (web/feeds.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from sokbo.web.i18n import translate
from tests.hostile_posts import HOSTILE_TITLES, build_hostile_index

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def xml(response: Any, content_type: str) -> Any:
    """The parsed body of a 200 XML response of this content type."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == content_type
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return etree.fromstring(response.data)


def feed(client: Any, **params: Any) -> Any:
    if "from_" in params:
        params["from"] = params.pop("from_")
    return xml(client.get("/feed.atom", query_string=params), ATOM_TYPE)


def entries(root: Any) -> list[Any]:
    return root.findall(f"{ATOM}entry")


def text(element: Any, name: str) -> str:
    return element.findtext(f"{ATOM}{name}")


def link(element: Any, rel: str) -> str | None:
    found = element.find(f"{ATOM}link[@rel='{rel}']")
    return None if found is None else found.get("href")


def rfc3339(value: str) -> dt.datetime:
    """Parse RFC 3339, insisting on a time and a zone."""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert "T" in value and moment.tzinfo is not None, value
    return moment


# -- OpenSearch ------------------------------------------------------------------------------


def test_opensearch_describes_the_page_suggestions_and_feed_with_absolute_urls(web_client) -> None:
    response = web_client.get("/opensearch.xml", base_url="https://search.example.com")
    root = xml(response, "application/opensearchdescription+xml; charset=utf-8")
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "속보 검색"
    assert len(root.findtext(f"{OPENSEARCH}ShortName")) <= 16
    assert root.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    urls = {u.get("type"): u.get("template") for u in root.findall(f"{OPENSEARCH}Url")}
    assert urls["text/html"] == "https://search.example.com/?q={searchTerms}"
    assert urls["application/x-suggestions+json"] == "https://search.example.com/api/suggest?format=opensearch&q={searchTerms}"
    assert urls["application/atom+xml"] == "https://search.example.com/feed.atom?q={searchTerms}"
    assert urls["application/opensearchdescription+xml"] == "https://search.example.com/opensearch.xml"


def test_opensearch_short_name_comes_from_site_title(web_index: Path) -> None:
    from sokbo.web import create_app

    title = "<아주 긴 이름의 뉴스 사이트 & 검색> 서비스"
    client = create_app({"TESTING": True, "INDEX_DIR": str(web_index), "SITE_TITLE": title}).test_client()
    root = xml(client.get("/opensearch.xml"), "application/opensearchdescription+xml; charset=utf-8")
    assert root.findtext(f"{OPENSEARCH}ShortName") == title[:16]
    assert title in root.findtext(f"{OPENSEARCH}Description")


def test_the_suggestions_url_answers_in_the_opensearch_format(web_client) -> None:
    response = web_client.get("/api/suggest", query_string={"q": "동", "format": "opensearch"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-suggestions+json; charset=utf-8"
    query, completions = response.get_json()
    plain = web_client.get("/api/suggest", query_string={"q": "동"}).get_json()
    assert query == "동" and completions == [s["text"] for s in plain["suggestions"]]
    assert "동맹" in completions


def test_the_suggestions_of_nothing_and_a_bad_format(web_client) -> None:
    assert web_client.get("/api/suggest?q=&format=opensearch").get_json() == ["", []]
    response = web_client.get("/api/suggest?q=동&format=xml")
    assert response.status_code == 400 and response.get_json()["error"]["param"] == "format"


# -- Atom --------------------------------------------------------------------------------


def test_the_feed_holds_the_searchs_newest_posts_newest_first(web_client, web_posts) -> None:
    root = feed(web_client, q="동맹")
    assert root.tag == f"{ATOM}feed"
    expected = sorted((p for p in web_posts if "동맹" in p.title), key=lambda p: p.day, reverse=True)
    got = entries(root)
    assert [link(e, "alternate") for e in got] == [p.url for p in expected]
    assert [text(e, "title") for e in got] == [p.title for p in expected]
    published = [rfc3339(text(e, "published")) for e in got]
    assert published == sorted(published, reverse=True)
    # The same posts as the API's newest-first search, in the same order.
    api = web_client.get("/api/search", query_string={"q": "동맹", "sort": "newest", "per_page": 20}).get_json()
    assert [link(e, "alternate") for e in got] == [h["url"] for h in api["hits"]]


def test_sort_is_always_newest_and_pages_have_links(web_client) -> None:
    oldest_asked = feed(web_client, q="동맹", sort="oldest", per_page=5)
    newest = feed(web_client, q="동맹", per_page=5)
    assert [text(e, "id") for e in entries(oldest_asked)] == [text(e, "id") for e in entries(newest)]
    assert len(entries(newest)) == 5
    following = link(newest, "next")
    assert following is not None and parse_qs(urlsplit(following).query)["page"] == ["2"]
    page_2 = feed(web_client, **{k: v[0] for k, v in parse_qs(urlsplit(following).query).items()})
    assert not {text(e, "id") for e in entries(page_2)} & {text(e, "id") for e in entries(newest)}
    assert link(page_2, "previous") is not None and link(page_2, "self") == following


def test_feed_metadata(web_client) -> None:
    root = feed(web_client, q="동맹", category=["정치", "국제"])
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert text(root, "title") == "‘동맹’ 검색 결과 (정치, 국제) - 속보 검색"
    assert text(root, "id").startswith("http://localhost/feed.atom?")
    assert root.find(f"{ATOM}author/{ATOM}name").text == "속보 검색"
    self_query = parse_qs(urlsplit(link(root, "self")).query)
    assert self_query == {"q": ["동맹"], "category": ["정치", "국제"]}
    alternate = urlsplit(link(root, "alternate"))
    assert alternate.path == "/" and parse_qs(alternate.query) == {"q": ["동맹"], "category": ["정치", "국제"], "sort": ["newest"]}
    newest = max(rfc3339(text(e, "updated")) for e in entries(root))
    assert rfc3339(text(root, "updated")) == newest


def test_entries_have_id_link_dates_categories_and_summary(web_client, web_posts) -> None:
    posts = {p.url: p for p in web_posts}
    for entry in entries(feed(web_client, q="반도체")):
        post = posts[link(entry, "alternate")]
        assert text(entry, "id") == post.url
        assert entry.find(f"{ATOM}title").get("type") == "text" and text(entry, "title") == post.title
        assert rfc3339(text(entry, "published")) == rfc3339(text(entry, "updated"))
        assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == list(post.categories)
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert BeautifulSoup(summary.text, "html.parser").mark.get_text() == "반도체"


def test_a_posts_time_and_offset_are_kept_and_a_date_is_midnight_utc(web_client) -> None:
    by_id = {text(e, "title"): text(e, "published") for e in entries(feed(web_client, q="반도체"))}
    assert by_id["8월 반도체 수출 호조"] == "2024-08-14T09:30:00+09:00"
    assert by_id["반도체 인력 양성 지원"] == "2024-07-17T00:00:00Z"


def test_a_feed_of_nothing_is_still_a_valid_feed(web_client, empty_client) -> None:
    root = feed(web_client, q="존재하지않는낱말")
    assert entries(root) == [] and rfc3339(text(root, "updated"))
    assert empty_client.get("/feed.atom").status_code == 503


def test_the_feed_and_the_head_links_in_english(web_client) -> None:
    root = feed(web_client, q="동맹", lang="en")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert text(root, "title") == f"Results for ‘동맹’ - {translate('속보 검색', 'en')}"
    assert parse_qs(urlsplit(link(root, "self")).query)["lang"] == ["en"]
    head = BeautifulSoup(web_client.get("/?q=NATO&category=정치&lang=en").get_data(as_text=True), "html.parser").head
    alternate = head.find("link", rel="alternate", type="application/atom+xml")
    assert alternate["title"] == f"Results for ‘NATO’ - {translate('속보 검색', 'en')}"
    assert parse_qs(urlsplit(alternate["href"]).query) == {"q": ["NATO"], "category": ["정치"], "lang": ["en"]}
    assert head.find("link", rel="search")["title"] == translate("속보 검색", "en")


@pytest.mark.parametrize(
    ("params", "param"),
    [({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page"), ({"from": "2024-13-01"}, "from"), ({"sort": "best"}, "sort"), ({"q": "x" * 1001}, "q")],
)
def test_bad_parameters_are_400s(web_client, params: dict[str, str], param: str) -> None:
    response = web_client.get("/feed.atom", query_string=params)
    assert response.status_code == 400
    assert param in response.get_data(as_text=True)


def test_no_value_of_any_parameter_is_a_500(web_client, nasty_values: list[str]) -> None:
    for value in nasty_values:
        for param in ("q", "category", "from", "page", "per_page"):
            response = web_client.get("/feed.atom", query_string={param: value})
            assert response.status_code in (200, 400), (param, value)
            if response.status_code == 200:
                etree.fromstring(response.data)


# -- hostile posts and queries stay text -----------------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from sokbo.web import create_app

    index = build_hostile_index(tmp_path_factory.mktemp("hostile-index"))
    return create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client()


def test_hostile_titles_categories_and_urls_are_text(hostile_client) -> None:
    root = feed(hostile_client, q="해킹")
    got = entries(root)
    assert len(got) == len(HOSTILE_TITLES)
    titles = [text(e, "title") for e in got]
    assert "</title><script>alert('script')</script> 해킹 ]]> & \"따옴표\"" in titles
    assert "<img src=x onerror=alert('title')> 해킹 제목" in titles
    assert "제어문자 해킹 \ufeff기사" in titles  # characters XML cannot hold are dropped, the rest kept
    assert not root.findall(f".//{ATOM}script") and not root.xpath("//*[local-name()='script' or local-name()='img']")
    for entry in got:
        assert all(child.tag.startswith(ATOM) for child in entry.iter() if isinstance(child.tag, str))
        assert entry.findall(f"{ATOM}category")[0].get("term").startswith("<svg onload=")
        href = link(entry, "alternate")
        assert href is None or href.startswith("https://example.org/")
        # The summary is HTML in which only <mark> is markup.
        summary = BeautifulSoup(entry.find(f"{ATOM}summary").text, "html.parser")
        assert {tag.name for tag in summary.find_all(True)} == {"mark"}
    link_post = next(e for e in got if "자바스크립트" in text(e, "title"))
    assert link(link_post, "alternate") is None and text(link_post, "id").startswith("tag:localhost,2024-09-03:")


def test_a_hostile_query_is_text_in_the_feed_and_the_page_links(web_client) -> None:
    query = "<script>alert(1)</script> ]]> &amp;"
    assert text(feed(web_client, q=query), "title") == f"‘{query}’ 검색 결과 - 속보 검색"
    assert text(feed(web_client, q=query + " \x00\x07"), "title") == f"‘{query} ’ 검색 결과 - 속보 검색"
    page = BeautifulSoup(web_client.get("/", query_string={"q": query}).get_data(as_text=True), "html.parser")
    alternate = page.find("link", rel="alternate", type="application/atom+xml")
    assert parse_qs(urlsplit(alternate["href"]).query)["q"] == [query.strip()]
    assert alternate["title"].startswith("‘<script>alert(1)</script>")


# -- the links in every page's head ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?q=동맹&category=정치&page=2&sort=oldest", "/?page=0", "/nope"])
def test_every_page_links_opensearch_and_its_feed(web_client, path: str) -> None:
    page = BeautifulSoup(web_client.get(path).get_data(as_text=True), "html.parser")
    search = page.head.find("link", rel="search")
    assert search["type"] == "application/opensearchdescription+xml" and search["href"] == "/opensearch.xml"
    assert search["title"] == "속보 검색"
    alternate = page.head.find("link", rel="alternate", type="application/atom+xml")
    target = urlsplit(alternate["href"])
    assert target.path == "/feed.atom" and alternate["title"]
    if "동맹" in path:  # the current search, without its page or sort
        assert parse_qs(target.query) == {"q": ["동맹"], "category": ["정치"]}
        assert alternate["title"] == "‘동맹’ 검색 결과 - 속보 검색"
    else:
        assert target.query == "" and alternate["title"] == "최신 기사 - 속보 검색"
    assert feed(web_client, **{k: v for k, v in parse_qs(target.query).items()}) is not None
