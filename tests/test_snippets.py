"""A quoted phrase is highlighted as the phrase: one ``<mark>`` run in titles and snippets,
its words never marked alone when the query is only the phrase, and the snippet shows the
passage that has it. On real indexes: the bundled samples and a small one built here."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sokbo.search import Post, SearchRequest, SearchService
from sokbo.search.snippets import highlight, snippet

FILLER = "관계자들은 이번 결정이 지역 정세에 미칠 영향을 면밀히 살피고 있다고 전했다. " * 4

AID_POSTS = [
    # 군사 and 원조 close together early (but not as the phrase), the phrase only far later.
    Post(
        id="2024-06-01-aid",
        title="미국, 우크라이나에 군사 원조 확대",
        date="2024-06-01",
        day=dt.date(2024, 6, 1),
        categories=("국제",),
        body="국방부는 다음 달 군사 훈련 일정을 발표하며 인도적 원조 물자도 함께 보낸다고 밝혔다. "
        + FILLER
        + "미국 정부는 우크라이나에 대한 군사 원조를 두 배로 늘리기로 했다. "
        + FILLER,
    ),
    Post(
        id="2024-06-02-drill",
        title="한미 군사 훈련 시작",
        date="2024-06-02",
        day=dt.date(2024, 6, 2),
        categories=("정치",),
        body="한미 양국이 연합 군사 훈련을 시작했다. 식량 원조 논의는 다음 주로 미뤄졌다.",
    ),
]


def search(service: SearchService, q: str):
    return service.search(SearchRequest.from_params({"q": [q], "per_page": ["20"]}))


def marked(html: str) -> list[str]:
    """The text of every ``<mark>`` in ``html``."""
    return re.findall(r"<mark>(.*?)</mark>", html)


@pytest.fixture(scope="module")
def aid_service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """An index on disk of AID_POSTS."""
    index_dir: Path = tmp_path_factory.mktemp("aid-index")
    service = SearchService(index_dir)
    assert service.rebuild(AID_POSTS) == len(AID_POSTS)
    return service


def test_a_phrase_is_marked_as_one_run_in_the_title_and_nothing_else_is(aid_service) -> None:
    response = search(aid_service, '"군사 원조"')
    assert [h.id for h in response.hits] == ["2024-06-01-aid"]
    hit = response.hits[0]
    assert hit.title_html == "미국, 우크라이나에 <mark>군사 원조</mark> 확대"
    assert marked(hit.snippet) == ["군사 원조"]


def test_the_snippet_shows_the_passage_with_the_phrase(aid_service) -> None:
    hit = search(aid_service, '"군사 원조"').hits[0]
    assert "우크라이나에 대한 <mark>군사 원조</mark>를" in hit.snippet
    assert "군사 훈련" not in hit.snippet


def test_a_phrase_and_a_word_mark_the_phrase_as_a_phrase_and_the_word_as_a_word(aid_service) -> None:
    hit = search(aid_service, '"군사 원조" 미국').hits[0]
    assert hit.title_html == "<mark>미국</mark>, 우크라이나에 <mark>군사 원조</mark> 확대"
    assert set(marked(hit.snippet)) == {"군사 원조", "미국"}


def test_a_word_ored_with_a_phrase_is_marked_and_the_phrase_words_alone_are_not(aid_service) -> None:
    hits = {h.id: h for h in search(aid_service, '"군사 원조" OR 훈련').hits}
    assert hits["2024-06-02-drill"].title_html == "한미 군사 <mark>훈련</mark> 시작"
    assert set(marked(hits["2024-06-02-drill"].snippet)) == {"훈련"}
    assert "<mark>군사 원조</mark>" in hits["2024-06-01-aid"].title_html


def test_sample_phrases_are_marked_whole_and_their_words_never_alone(service) -> None:
    response = search(service, '"군사 동맹"')
    assert response.total == 2
    for hit in response.hits:
        assert marked(hit.snippet) and set(marked(hit.snippet)) == {"군사 동맹"}, hit.snippet
        assert set(marked(hit.title_html)) <= {"군사 동맹"}, hit.title_html


def test_a_phrase_found_with_a_suffix_between_its_words_is_one_run(service) -> None:
    """The phrase search matches 군사적 원조 (군사 + 원조, 적 aside): so does the mark."""
    hit = search(service, '"군사 원조"').hits[0]
    assert marked(hit.snippet) == ["군사적 원조"]


def test_a_phrase_and_a_word_both_fit_in_the_sample_snippet(service) -> None:
    hit = search(service, '"군사 동맹" 러시아').hits[0]
    assert set(marked(hit.snippet)) == {"군사 동맹", "러시아"}, hit.snippet


def test_highlight_marks_a_phrase_with_its_stem_and_a_particle() -> None:
    from sokbo.search.snippets import Marks

    marks = Marks(words=("러시아",), phrases=((("미국의", "미국"), ("군사",)),))
    assert highlight("미국 군사 지원, 미국의 군사 훈련, 군사 미국", marks) == (
        "<mark>미국 군사</mark> 지원, <mark>미국의 군사</mark> 훈련, 군사 미국"
    )


def test_a_snippet_keeps_its_last_phrase_whole_at_the_window_end() -> None:
    from sokbo.search.snippets import Marks

    text = "가" * 100 + " 러시아와 " + "나" * 60 + " 군사 동맹 " + "다" * 300
    out = snippet(text, Marks(words=("러시아",), phrases=((("군사",), ("동맹",)),)))
    assert set(marked(out)) == {"러시아", "군사 동맹"}, out
