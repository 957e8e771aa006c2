"""Search behaviour on a real index on disk built from the bundled sample posts."""

from __future__ import annotations

import pytest

from sokbo.search import SearchRequest, SearchService


def search(service: SearchService, q: str = "", **params: object):
    values = {k: v if isinstance(v, list) else [str(v)] for k, v in params.items()}
    return service.search(SearchRequest.from_params({"q": [q], **values}))


def ids(response) -> list[str]:
    return [h.id for h in response.hits]


def test_a_bare_noun_finds_the_post_that_has_it_only_with_a_particle(service) -> None:
    assert "2024-06-05-defense-cost-talks" in ids(search(service, "동맹", per_page=20))
    assert ids(search(service, "대통령")) == ["2024-07-22-biden-exits-race"]


def test_title_words_find_their_post_first(service) -> None:
    for q, expected in [
        ("마켓바다 정산 지연", "2024-07-30-marketbada-settlement-delay"),
        ("가거도", "2024-09-11-gageodo-island-concert"),
        ("네오루미텍", "2024-09-10-neolumitech-series-b"),
        ("한미동맹", "2024-07-03-hanmi-alliance-seminar"),
    ]:
        assert ids(search(service, q))[0] == expected, q


def test_words_are_anded(service) -> None:
    both = search(service, "국민의힘 국정감사")
    assert both.total >= 1 and not both.partial
    assert both.total < search(service, "국민의힘").total


def test_no_post_with_every_word_falls_back_to_partial_matches(service) -> None:
    response = search(service, "가거도 네오루미텍")
    assert response.partial
    assert set(ids(response)) == {"2024-09-11-gageodo-island-concert", "2024-09-10-neolumitech-series-b"}


def test_exclusion(service) -> None:
    with_all = set(ids(search(service, "국민의힘", per_page=20)))
    without = set(ids(search(service, "국민의힘 -국정감사", per_page=20)))
    assert without < with_all


def test_phrase_needs_the_words_in_order(service) -> None:
    assert search(service, '"국정감사 계획서"').total >= 1
    assert search(service, '"계획서 국정감사"').total == 0
    assert search(service, "계획서 국정감사").total >= 1


def test_drafts_and_script_contents_are_not_indexed(service) -> None:
    for q in ["청람위원회", "trackingpixelid", "스크립트전용문구", "stylesheettoken", "광고"]:
        assert search(service, q).total == 0, q


def test_recovered_posts_keep_their_real_titles(service) -> None:
    hit = search(service, "속보 한미 동맹").hits[0]
    assert hit.id == "2024-07-01-breaking-us-korea-alliance"
    assert hit.title.startswith("[속보]")
    flood = [h for h in search(service, "", per_page=100).hits if h.id == "2024-07-17-flood-recovery"][0]
    assert "\n" not in flood.title and flood.title


def test_date_from_front_matter_with_time_and_zone(service) -> None:
    hit = [h for h in search(service, "", per_page=100).hits if h.id.endswith("independence-descendants-visit")][0]
    assert hit.date == "2024-08-14T09:30:00+09:00"
    assert "independence" in ",".join(ids(search(service, "", **{"from": "2024-08-14", "to": "2024-08-14"})))


def test_categories_filter_any_of_and_facets_keep_other_counts(service) -> None:
    everything = search(service, "")
    economy = search(service, "", category="경제")
    counts = {v.value: v.count for v in everything.facets["category"]}
    assert economy.total == counts["경제"]
    assert {v.value: v.count for v in economy.facets["category"]} == counts
    both = search(service, "", category=["경제", "정치"])
    assert max(counts["경제"], counts["정치"]) <= both.total <= counts["경제"] + counts["정치"]
    assert all({"경제", "정치"} & set(h.categories) for h in both.hits)


def test_month_facet_with_a_category_and_a_date_range(service) -> None:
    politics = search(service, "", category="정치")
    months = {v.value: v.count for v in politics.facets["month"]}
    assert sum(months.values()) == politics.total
    july = search(service, "", category="정치", **{"from": "2024-07-01", "to": "2024-07-31"})
    assert july.total == months.get("2024-07", 0)
    assert {v.value: v.count for v in july.facets["month"]} == months  # its own filter is not applied


def with_folded(response) -> list[str]:
    """The ids of the hits and of the near-duplicates folded under them."""
    return [i for h in response.hits for i in (h.id, *(s.id for s in h.similar))]


def test_browse_sorts_newest_and_oldest(service) -> None:
    newest = search(service, "", per_page=100)
    oldest = search(service, "", sort="oldest", per_page=100)
    # the same order reversed, but for which one of a near-duplicate pair comes first
    assert sorted(with_folded(newest)) == sorted(with_folded(oldest))
    assert [h.date[:10] for h in newest.hits] == sorted((h.date[:10] for h in newest.hits), reverse=True)
    assert [h.date[:10] for h in oldest.hits] == sorted(h.date[:10] for h in oldest.hits)
    assert newest.total == oldest.total == 54 and len(with_folded(newest)) == 54
    assert newest.stories == oldest.stories == 53  # one pair folded: a story of two posts


def test_pagination_is_a_partition(service) -> None:
    pages = [with_folded(search(service, "", page=p, per_page=7)) for p in range(1, 10)]
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat)) == 54
    assert ids(search(service, "", page=20, per_page=7)) == []


def test_snippets_mark_matches_and_escape_everything_else(service) -> None:
    hit = search(service, "R&D 예산").hits[0]
    assert hit.id == "2024-08-26-rnd-budget-record"
    assert "<mark>" in hit.snippet
    stripped = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_script_title_is_escaped_in_title_html(service) -> None:
    hit = [h for h in search(service, "태그 논란").hits if "xss" in h.id][0]
    assert "<script>" in hit.title
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html


def test_markdown_table_cells_do_not_run_together(service) -> None:
    assert search(service, '"서울 15℃"').total >= 1


def test_stats(service) -> None:
    stats = service.stats()
    assert stats["posts"] == 54
    assert stats["first_date"] == "2024-06-03" and stats["last_date"] == "2024-09-30"
    assert stats["size_bytes"] > 0


@pytest.mark.parametrize("q", ["동맹", '"군사 원조"', "-북한", "푸틴 OR 시진핑", "title:x*", "😀"])
def test_response_dict_has_the_api_shape(service, q: str) -> None:
    body = search(service, q).as_dict()
    assert {"query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion"} <= set(body)
    assert set(body["facets"]) == {"category", "month"}
