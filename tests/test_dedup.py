"""Near-duplicate posts fold under the best of them: 비슷한 기사 n건."""

from __future__ import annotations

from pathlib import Path

from sokbo.search import SearchRequest, SearchService
from sokbo.search.dedup import clusters, similarity, sketch_body, sketch_title

FIRST = "2024-09-03-medical-school-early-admission"
UPDATE = "2024-09-04-medical-school-early-admission-update"
STORY = "정부가 내년 예산안을 확정했다. 연구개발 예산은 역대 최대 규모로 늘었고 복지 예산도 증가했다. " * 3


def test_sketches_estimate_overlap() -> None:
    tagged = sketch_title("[속보] 정부, 내년 예산안 677조원 확정")
    assert similarity(tagged, sketch_title("정부, 내년 예산안 677조원 확정 (종합)")) >= 0.7
    assert similarity(tagged, sketch_title("서울 아파트값 5주 연속 상승")) < 0.2
    assert similarity(sketch_body(STORY), sketch_body(STORY + " 국회 심사는 다음 달 시작된다.")) >= 0.7
    assert similarity(sketch_body(""), sketch_body(STORY)) == 0.0


def test_clusters_need_a_close_title_in_days_or_a_close_body() -> None:
    titles = [
        sketch_title("정부, 내년 예산안 677조원 확정"),
        sketch_title("[단독] 정부, 내년 예산안 677조원 확정"),  # two days later: the same story
        sketch_title("정부, 내년 예산안 677조원 확정"),  # a year later: another story
        sketch_title("완전히 다른 제목의 기사"),  # a different title, the same body: republished
        sketch_title("서울 아파트값 5주 연속 상승"),
    ]
    bodies = [sketch_body(t) for t in ("가 나 다 라", "마 바 사 아", "자 차 카 타", STORY, "하늘 바다 구름 산")]
    bodies[0] = sketch_body(STORY)
    days = [100, 102, 465, 300, 100]
    assert clusters(titles, bodies, days) == [0, 0, 2, 0, 4]


def search(service: SearchService, **params: object):
    request = SearchRequest.from_params({k: v if isinstance(v, list) else [str(v)] for k, v in params.items()})
    return service.search(request)


def test_a_republished_story_is_one_hit_carrying_the_other(sample_index: Path) -> None:
    service = SearchService(sample_index)
    for sort in ("relevance", "newest", "oldest"):
        response = search(service, q="의대 수시 원서접수", sort=sort)
        ids = [h.id for h in response.hits]
        assert len({FIRST, UPDATE} & set(ids)) == 1, (sort, ids)
        hit = next(h for h in response.hits if h.id in (FIRST, UPDATE))
        assert [s.id for s in hit.similar] == [UPDATE if hit.id == FIRST else FIRST]
        assert hit.similar[0].url and hit.similar[0].title
        assert response.stories == len(ids)  # what a reader pages through
        assert response.total == len(ids) + 1  # every post matched, the folded one included
    newest = search(service, q="의대 수시 원서접수", sort="newest").hits[0]
    assert newest.id == UPDATE  # the first in the order shown carries the rest
    assert search(service, q="의대", sort="oldest").hits[0].as_dict()["similar"][0]["id"] == UPDATE


def test_only_matching_posts_fold_and_pages_count_results(sample_index: Path) -> None:
    service = SearchService(sample_index)
    one_day = search(service, q="의대 수시 원서접수", **{"from": "2024-09-04", "to": "2024-09-04"})
    assert [h.id for h in one_day.hits] == [UPDATE] and one_day.hits[0].similar == []
    everything = search(service, per_page=100)
    assert everything.stories == len(everything.hits) == 53 and everything.total == 54  # one folded
    assert sum(len(h.similar) for h in everything.hits) == 1


def test_the_page_says_how_many_similar_articles(sample_index: Path) -> None:
    from sokbo.web import create_app

    client = create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()
    html = client.get("/?q=의대 수시").get_data(as_text=True)
    assert "비슷한 기사 1건" in html
    body = client.get("/api/search?q=의대 수시").get_json()
    assert sum(len(h["similar"]) for h in body["hits"]) == 1
