"""GET /api/search and /api/health over a real index on disk: the behaviour docs/api.md describes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from sokbo.search import BadParameter, SearchRequest

JSON_TYPE = "application/json; charset=utf-8"

PARAMS = ("q", "category", "from", "to", "sort", "page", "per_page")



def get(client: Any, **params: Any) -> Any:
    """GET /api/search; a list value repeats its parameter; ``from_`` stands for ``from``."""
    if "from_" in params:
        params["from"] = params.pop("from_")
    return client.get("/api/search", query_string=params)


def ok(client: Any, **params: Any) -> dict[str, Any]:
    """The JSON body of a successful search."""
    response = get(client, **params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(body: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in body["hits"]]


def facet(body: dict[str, Any], name: str) -> dict[str, int]:
    return {f["value"]: f["count"] for f in body["facets"][name]}


# -- shape -----------------------------------------------------------------------------


def test_search_body_has_every_contract_key_with_its_type(web_client) -> None:
    response = get(web_client, q="동맹")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert "동맹".encode() in response.data  # UTF-8, not \\u escapes
    body = response.get_json()

    assert body["query"] == "동맹"
    for key in ("total", "page", "per_page"):
        assert type(body[key]) is int
    assert isinstance(body["took_ms"], (int, float)) and not isinstance(body["took_ms"], bool)
    assert body["took_ms"] >= 0
    assert body["suggestion"] is None or isinstance(body["suggestion"], str)
    assert (body["page"], body["per_page"], body["total"]) == (1, 10, 12)

    assert isinstance(body["hits"], list) and len(body["hits"]) == 10
    for hit in body["hits"]:
        assert {"id", "title", "url", "date", "categories", "snippet", "score"} <= hit.keys()
        for key in ("id", "title", "url", "date", "snippet"):
            assert isinstance(hit[key], str)
        assert isinstance(hit["categories"], list) and all(isinstance(c, str) for c in hit["categories"])
        assert type(hit["score"]) is float
        dt.date.fromisoformat(hit["date"][:10])

    assert set(body["facets"]) >= {"category", "month"}
    for name in ("category", "month"):
        for item in body["facets"][name]:
            assert set(item) == {"value", "count"}
            assert isinstance(item["value"], str) and type(item["count"]) is int and item["count"] > 0
    for item in body["facets"]["month"]:
        dt.date.fromisoformat(item["value"] + "-01")


def test_hits_carry_the_posts_fields(web_client, web_posts) -> None:
    posts = {p.id: p for p in web_posts}
    body = ok(web_client, q="동맹", per_page=100)
    assert sorted(ids(body)) == sorted(p.id for p in web_posts if "동맹" in p.title)
    for hit in body["hits"]:
        post = posts[hit["id"]]
        assert (hit["title"], hit["url"], hit["date"]) == (post.title, post.url, post.date)
        assert hit["categories"] == list(post.categories)


def test_a_date_with_time_and_offset_is_returned_as_written(web_client) -> None:
    body = ok(web_client, from_="2024-08-14", to="2024-08-14")
    assert [hit["date"] for hit in body["hits"]] == ["2024-08-14T09:30:00+09:00"]


def test_date_ordered_hits_have_no_score(web_client) -> None:
    body = ok(web_client, q="동맹", sort="newest")
    assert body["sort"] == "newest"
    assert all(hit["score"] is None for hit in body["hits"])


# -- filters, sorting, paging ----------------------------------------------------------


def test_category_filter(web_client, web_posts) -> None:
    body = ok(web_client, category="정치", per_page=100)
    assert body["total"] == sum("정치" in p.categories for p in web_posts)
    assert all("정치" in hit["categories"] for hit in body["hits"])


def test_repeated_category_means_any_of_them(web_client, web_posts) -> None:
    body = ok(web_client, category=["정치", "경제"], per_page=100)
    expected = {p.id for p in web_posts if {"정치", "경제"} & set(p.categories)}
    assert set(ids(body)) == expected and body["total"] == len(expected)


def test_unknown_category_matches_nothing_but_keeps_the_facet(web_client) -> None:
    body = ok(web_client, category="없는분류")
    assert body["total"] == 0 and body["hits"] == []
    assert facet(body, "category") == facet(ok(web_client), "category")


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_filters_that_exclude_every_match_return_no_hits(web_client, sort: str) -> None:
    body = ok(web_client, q="올림픽", category="정치", sort=sort)
    assert body["total"] == 0
    assert body["hits"] == []


@pytest.mark.parametrize(
    ("low", "high"),
    [("2024-07-01", "2024-07-31"), ("2024-07-01", "2024-07-01"), ("2024-06-05", "2024-06-10"), ("2024-08-14", None), (None, "2024-06-05")],
)
def test_date_range_is_inclusive(web_client, web_posts, low: str | None, high: str | None) -> None:
    params = {k: v for k, v in (("from_", low), ("to", high)) if v}
    body = ok(web_client, per_page=100, **params)
    first = dt.date.fromisoformat(low) if low else dt.date.min
    last = dt.date.fromisoformat(high) if high else dt.date.max
    expected = {p.id for p in web_posts if first <= p.day <= last}
    assert expected and set(ids(body)) == expected and body["total"] == len(expected)


def test_sort_newest_and_oldest(web_client, web_posts) -> None:
    by_date = [p.id for p in sorted(web_posts, key=lambda p: p.day)]
    assert ids(ok(web_client, sort="newest", per_page=100)) == by_date[::-1]
    assert ids(ok(web_client, sort="oldest", per_page=100)) == by_date
    alliance = [i for i in by_date if i in set(ids(ok(web_client, q="동맹", per_page=100)))]
    assert ids(ok(web_client, q="동맹", sort="oldest", per_page=100)) == alliance
    assert ids(ok(web_client, q="동맹", sort="newest", per_page=100)) == alliance[::-1]


def test_relevance_is_the_default_with_a_query(web_client) -> None:
    body = ok(web_client, q="동맹")
    assert body["sort"] == "relevance"
    scores = [hit["score"] for hit in body["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_pages_split_the_ranking_without_overlap(web_client, web_posts) -> None:
    pages = [ok(web_client, per_page=7, page=n) for n in (1, 2, 3, 4)]
    assert [len(p["hits"]) for p in pages] == [7, 7, 7, 4]
    assert all(p["total"] == len(web_posts) and p["per_page"] == 7 for p in pages)
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    seen = [i for p in pages for i in ids(p)]
    assert len(seen) == len(set(seen)) == len(web_posts)
    assert ids(pages[0]) != ids(pages[1])


def test_page_2_of_a_query_continues_page_1(web_client) -> None:
    everything = ids(ok(web_client, q="동맹", per_page=100))
    assert ids(ok(web_client, q="동맹", per_page=5, page=2)) == everything[5:10]


def test_a_page_past_the_end_is_empty_with_the_right_total(web_client, web_posts) -> None:
    body = ok(web_client, per_page=10, page=4)
    assert body["hits"] == [] and body["total"] == len(web_posts) and body["page"] == 4


def test_default_per_page_is_10(web_client) -> None:
    body = ok(web_client)
    assert body["per_page"] == 10 and len(body["hits"]) == 10


# -- facets ----------------------------------------------------------------------------


def test_facets_count_every_post_when_browsing(web_client, web_posts) -> None:
    body = ok(web_client)
    assert facet(body, "category") == Counter(c for p in web_posts for c in p.categories)
    assert facet(body, "month") == Counter(p.day.strftime("%Y-%m") for p in web_posts)
    assert [f["value"] for f in body["facets"]["month"]] == sorted(facet(body, "month"))


def test_choosing_a_category_keeps_the_other_categories_counts(web_client) -> None:
    unfiltered = facet(ok(web_client, q="동맹"), "category")
    assert set(unfiltered) == {"정치", "국제"}
    for chosen in (["정치"], ["국제"], ["정치", "국제"]):
        assert facet(ok(web_client, q="동맹", category=chosen), "category") == unfiltered


def test_month_counts_follow_the_chosen_category(web_client, web_posts) -> None:
    body = ok(web_client, category="스포츠")
    assert facet(body, "month") == Counter(p.day.strftime("%Y-%m") for p in web_posts if "스포츠" in p.categories)


def test_a_date_range_filters_category_counts_but_not_month_counts(web_client, web_posts) -> None:
    body = ok(web_client, from_="2024-07-01", to="2024-07-31")
    july = [p for p in web_posts if p.day.month == 7]
    assert facet(body, "category") == Counter(c for p in july for c in p.categories)
    assert facet(body, "month") == facet(ok(web_client), "month")


# -- queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_an_empty_query_browses_the_newest_posts(web_client, web_posts, params: dict[str, str]) -> None:
    body = ok(web_client, **params)
    newest = sorted(web_posts, key=lambda p: p.day, reverse=True)
    assert body["query"] == "" and body["sort"] == "newest" and body["total"] == len(web_posts)
    assert ids(body) == [p.id for p in newest[:10]]


def test_no_post_with_every_word_falls_back_to_partial_matches(web_client) -> None:
    body = ok(web_client, q="동맹 올림픽", per_page=100)
    assert body["partial"] is True and body["total"] > 0
    assert all("동맹" in hit["title"] or "올림픽" in hit["title"] for hit in body["hits"])
    assert ok(web_client, q="동맹")["partial"] is False


def test_snippet_marks_the_query_word_and_escapes_everything_else(web_client) -> None:
    body = ok(web_client, q="해킹")
    assert ids(body) == ["2024-07-10-24"]
    snippet = body["hits"][0]["snippet"]
    assert "<mark>해킹</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "AT&amp;T" in snippet and "&lt; 보통" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert "&T" not in snippet.replace("&amp;T", "")


def test_title_html_marks_and_escapes_the_title(web_client) -> None:
    hit = ok(web_client, q="태그")["hits"][0]
    assert hit["title"] == "\"<script>alert('속보')</script>\" 태그 논란…"
    assert "<mark>태그</mark>" in hit["title_html"]
    assert "&lt;script&gt;" in hit["title_html"]
    assert "<" not in hit["title_html"].replace("<mark>", "").replace("</mark>", "")


def test_unknown_parameters_are_ignored(web_client) -> None:
    plain = ok(web_client, q="동맹")
    extra = ok(web_client, q="동맹", utm_source="x", foo=["1", "2"], limit="5", callback="alert")
    assert ids(extra) == ids(plain) and extra["total"] == plain["total"]


# -- 400s ------------------------------------------------------------------------------


BAD = [
    ({"page": "0"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "-1"}, "page"),
    ({"page": "1.5"}, "page"),
    ({"page": "1001"}, "page"),
    ({"per_page": "0"}, "per_page"),
    ({"per_page": "101"}, "per_page"),
    ({"per_page": "x"}, "per_page"),
    ({"from": "2024-13-01"}, "from"),
    ({"from": "20240101"}, "from"),
    ({"from": "2024-02-30"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2024-07-10", "to": "2024-07-01"}, "to"),
    ({"sort": "bogus"}, "sort"),
    ({"q": "가" * 1001}, "q"),
    ({"category": [f"c{i}" for i in range(51)]}, "category"),
    ({"month": "2024-13"}, "month"),
    ({"month": "2024-7"}, "month"),
    ({"month": "July"}, "month"),
    ({"month": "2024-07", "from": "2024-07-02"}, "month"),
]


@pytest.mark.parametrize(("params", "param"), BAD, ids=[f"{p}:{list(v.values())[0]!s:.20}" for v, p in BAD])
def test_a_bad_parameter_is_a_400_naming_it(web_client, params: dict[str, Any], param: str) -> None:
    response = web_client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == JSON_TYPE
    with pytest.raises(BadParameter) as raised:
        SearchRequest.from_params({k: v if isinstance(v, list) else [v] for k, v in params.items()})
    assert response.get_json() == raised.value.as_dict()
    error = response.get_json()["error"]
    assert set(error) == {"code", "param", "message"}
    assert error["code"] == "bad_parameter" and error["param"] == param and error["message"]


def test_the_longest_allowed_query_is_fine(web_client) -> None:
    assert get(web_client, q="가" * 1000).status_code == 200


@pytest.mark.parametrize("param", PARAMS)
def test_no_value_of_any_parameter_is_a_500(web_client, nasty_values: list[str], param: str) -> None:
    for value in nasty_values:
        response = web_client.get("/api/search", query_string={param: value})
        assert response.status_code in (200, 400), (param, value, response.status_code)
        assert response.headers["Content-Type"] == JSON_TYPE
        body = response.get_json()
        if response.status_code == 400:
            assert body["error"]["param"] == param
        else:
            assert isinstance(body["hits"], list)


@pytest.mark.parametrize(
    "query_string",
    ["q=%", "q=%ff%fe", "q=%E0%A4%A", "q=%00", "page=%00", "&&&=&q", "category", "q=a&q=%ff", "from=%20", "sort=%0a"],
)
def test_malformed_query_strings_are_never_a_500(web_client, query_string: str) -> None:
    response = web_client.get(f"/api/search?{query_string}")
    assert response.status_code in (200, 400)
    assert response.headers["Content-Type"] == JSON_TYPE


# -- other endpoints and errors --------------------------------------------------------


def test_month_filters_by_that_calendar_month(web_client, web_posts) -> None:
    body = get(web_client, q="동맹", month="2024-07").get_json()
    same = get(web_client, q="동맹", **{"from": "2024-07-01", "to": "2024-07-31"}).get_json()
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in same["hits"]] and body["total"] == same["total"] == 5
    assert all(h["date"].startswith("2024-07") for h in body["hits"])
    month_counts = {f["value"]: f["count"] for f in body["facets"]["month"]}
    assert body["total"] == month_counts["2024-07"]  # the month facet still counts the other months
    assert get(web_client, month="2024-02").get_json()["total"] == 0


def test_total_counts_every_matched_post_so_the_facets_add_up_to_it(service) -> None:
    """The sample posts hold a near-duplicate pair: it folds into one story but counts as two posts."""
    from sokbo.search import SearchRequest as Request

    for params in ({}, {"q": "동맹"}, {"q": "삼성전자"}, {"category": ["정치"]}, {"q": "대통령", "sort": "newest"}):
        response = service.search(Request.from_params({k: v if isinstance(v, list) else [v] for k, v in params.items()} | {"per_page": ["100"]}))
        body = response.as_dict()
        assert body["total"] == sum(f["count"] for f in body["facets"]["month"]), params
        shown = [h for h in body["hits"]] + [s for h in body["hits"] for s in h["similar"]]
        assert body["total"] == len(shown), params
        assert body["stories"] == len(body["hits"]) and body["pages"] == 1, params
    browse = service.search(Request(per_page=100)).as_dict()
    assert browse["stories"] == browse["total"] - 1


def test_health(web_client, web_posts) -> None:
    response = web_client.get("/api/health")
    assert response.status_code == 200 and response.headers["Content-Type"] == JSON_TYPE
    body = response.get_json()
    assert body["status"] == "ok" and body["posts"] == len(web_posts)
    assert isinstance(body["generation"], str) and body["generation"]


@pytest.mark.parametrize("path", ["/api/search?q=동맹", "/api/health"])
def test_an_empty_index_dir_is_a_503(empty_client, path: str) -> None:
    response = empty_client.get(path)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == JSON_TYPE
    error = response.get_json()["error"]
    assert error["code"] == "index_missing" and error["message"]


@pytest.mark.parametrize("path", ["/api/search?q=동맹", "/api/search?page=0", "/api/health", "/api/nope"])
def test_api_responses_allow_no_other_origin_by_default(web_client, path: str) -> None:
    """No ``*``: other sites' pages read the API only from the allow-list (tests/test_security.py)."""
    response = web_client.get(path, headers={"Origin": "https://news.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.vary


def test_the_page_has_no_cors_header(web_client) -> None:
    assert "Access-Control-Allow-Origin" not in web_client.get("/").headers


def test_an_unknown_api_path_is_a_json_404(web_client) -> None:
    response = web_client.get("/api/nope")
    assert response.status_code == 404 and response.headers["Content-Type"] == JSON_TYPE
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/search", "/api/health", "/"])
def test_a_wrong_method_is_a_json_405(web_client, path: str) -> None:
    response = web_client.post(path, data={"q": "동맹"})
    assert response.status_code == 405 and response.headers["Content-Type"] == JSON_TYPE
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_a_json_500_without_details(web_index, monkeypatch: pytest.MonkeyPatch) -> None:
    from sokbo.web import create_app

    app = create_app({"INDEX_DIR": str(web_index)})  # not TESTING: errors are handled, not raised

    def broken(request: SearchRequest) -> None:
        raise RuntimeError("secret /srv/path detail")

    monkeypatch.setattr(app.extensions["sokbo"], "search", broken)
    response = app.test_client().get("/api/search?q=동맹")
    assert response.status_code == 500 and response.headers["Content-Type"] == JSON_TYPE
    assert response.get_json() == {"error": {"code": "internal_error", "message": "an unexpected error occurred"}}
    assert b"secret" not in response.data and b"Traceback" not in response.data
