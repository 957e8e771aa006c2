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
