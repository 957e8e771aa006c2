"""The result cache (search/cache.py): keyed by index version and normalised request, bounded in bytes."""

from __future__ import annotations

from sokbo.search import SearchRequest
from sokbo.search.cache import ResultCache


def test_a_response_is_reused_for_the_same_request_on_the_same_version(service) -> None:
    cache = ResultCache()
    request = SearchRequest(q="동맹", categories=("정치", "국제"))
    response = service.search(request)
    cache.put(("g", 1), request, response)
    assert cache.get(("g", 1), request) is response
    swapped = SearchRequest(q="동맹", categories=("국제", "정치"))  # the same search
    again = cache.get(("g", 1), swapped)
    assert again is not None and again.hits == response.hits and again.request == swapped
    assert cache.get(("g", 2), request) is None  # a publish: another version
    assert cache.get(("g", 1), SearchRequest(q="동맹", categories=("정치", "국제"), page=2)) is None
    assert (cache.hits, cache.misses) == (2, 2)


def test_the_cache_keeps_to_its_budget_dropping_the_least_recently_used(service) -> None:
    from sokbo.search.analysis import deep_size

    requests = [SearchRequest(page=p, per_page=1) for p in range(1, 61)]  # all about one size
    cache = ResultCache(max_bytes=20 * deep_size(service.search(requests[0])))  # room for about 20
    hot = requests[0]
    for request in requests:
        cache.put(("g", 1), request, service.search(request))
        assert cache.get(("g", 1), hot) is not None  # used after every put: never the least recent
        assert cache.bytes <= cache.max_bytes
    assert 0 < len(cache) < len(requests)  # some went
    assert cache.get(("g", 1), requests[1]) is None  # the oldest that was not used again
    assert cache.get(("g", 1), requests[-1]) is not None  # the newest


def test_an_entry_over_a_sixteenth_of_the_budget_is_not_kept(service) -> None:
    small = ResultCache(max_bytes=16 * 100)
    small.put(("g", 1), SearchRequest(q="동맹"), service.search(SearchRequest(q="동맹")))
    assert len(small) == 0 and small.bytes == 0


def test_a_search_that_spans_a_publish_keeps_its_searcher(tmp_path) -> None:
    """A publish lands while a search is under way (here: when the search reads the lexicon,
    which refreshes this thread's searcher): the search finishes on the searcher it started
    with, and the next one sees the new post. It was a 500 (ReaderClosed)."""
    import datetime as dt

    from sokbo.search import Post, SearchService

    def post(n: int, title: str) -> Post:
        day = dt.date(2024, 7, n)
        return Post(id=f"{day}-{n}", title=title, date=day.isoformat(), day=day, categories=("정치",),
                    body=f"{title} 관련 본문입니다.", url=f"https://example.org/{n}/")

    service = SearchService(tmp_path)
    service.rebuild([post(1, "동맹 강화 논의"), post(2, "동맹 비용 협상")])
    publisher = SearchService(tmp_path)
    lexicon = service.lexicon
    published = []

    def lexicon_with_a_publish(**kwargs):
        if not published:
            publisher.update([post(3, "동맹 현대화 발표")], [])
            published.append(True)
            service._checked = 0.0  # the once-a-second check is due
        return lexicon(**kwargs)

    service.lexicon = lexicon_with_a_publish  # type: ignore[method-assign]
    first = service.search(SearchRequest(q="동멩"))  # a misspelling: the correction reads the lexicon
    assert published and first.total in (0, 2)
    assert service.search(SearchRequest(q="동맹", correct=False)).total == 3


def test_the_cache_budget_comes_from_the_environment(monkeypatch, sample_index) -> None:
    import pytest as _pytest

    from sokbo.search import SearchService, config

    monkeypatch.setenv("SOKBO_CACHE_MB", "0")
    service = SearchService(sample_index)
    service.search(SearchRequest(q="동맹"))
    assert len(service.results) == 0  # off
    monkeypatch.setenv("SOKBO_CACHE_MB", "1.5")
    assert config.result_cache_bytes() == int(1.5 * 1024 * 1024)
    monkeypatch.setenv("SOKBO_CACHE_MB", "lots")
    with _pytest.raises(ValueError, match="SOKBO_CACHE_MB must be a number of megabytes"):
        config.result_cache_bytes()


def test_decoded_postings_are_reused_across_searches_and_commits(tmp_path) -> None:
    """A word's posting list is decoded once per segment; a commit adds a segment and deletes
    in the old one, and the old segment's decoded list is still used, its deleted post masked."""
    import datetime as dt

    from sokbo.search import Post, SearchService

    def post(n: int, body: str) -> Post:
        day = dt.date(2024, 7, n)
        return Post(id=f"p{n}", title=f"{n}번째 소식", date=day.isoformat(), day=day, body=body)

    service = SearchService(tmp_path / "ix")
    service.rebuild([post(n, f"예산안 심사 {n}차 회의, {'가나다'[n - 1]}위원회") for n in range(1, 4)])
    assert service.postings is not None
    first = service.search(SearchRequest(q="예산안", per_page=10))
    misses = service.postings.misses
    assert misses and service.search(SearchRequest(q="예산안", per_page=20)).total == first.total == 3
    assert service.postings.misses == misses and service.postings.hits  # nothing decoded again
    service.update([post(2, "환율 급등 소식")])  # deletes post 2 in the old segment, adds it in a new one
    after = service.search(SearchRequest(q="예산안", per_page=10))
    assert sorted(h.id for h in after.hits) == ["p1", "p3"] and after.total == 2
    assert [h.id for h in service.search(SearchRequest(q="환율")).hits] == ["p2"]
