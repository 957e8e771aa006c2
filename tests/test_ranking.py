"""sokbo's ranking on top of BM25F (search/ranking.py), on real indexes built for each case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sokbo.search import Post, SearchRequest, SearchService, ranking


def post(post_id: str, title: str, body: str, day: dt.date = dt.date(2024, 7, 1)) -> Post:
    return Post(id=post_id, title=title, date=day.isoformat(), day=day, categories=("정치",), body=body)


def ranked(tmp_path: Path, posts: list[Post], q: str) -> list[str]:
    service = SearchService(tmp_path / "ix")
    service.rebuild(posts)
    return [h.id for h in service.search(SearchRequest.from_params({"q": [q]})).hits]


def test_a_post_whose_title_has_every_word_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """BM25F alone prefers the post with one word in its title and the other all over its body."""
    posts = [
        post("one-in-title", "장맛비 예보", "중부 지방 중부 내륙 중부 산간 중부 해안에 비. " * 3),
        post("all-in-title", "중부 장맛비 계속", "이번 주 내내 비가 오겠다. 우산을 챙기자. " * 6),
    ]
    monkeypatch.setattr(ranking, "TITLE_HAS_ALL", 1.0)
    assert ranked(tmp_path / "bm25", posts, "장맛비 중부")[0] == "one-in-title"
    monkeypatch.undo()
    assert ranked(tmp_path / "sokbo", posts, "장맛비 중부")[0] == "all-in-title"


def test_of_posts_scored_alike_the_newer_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = [
        post("older", "예산안 통과 소식", "국회 본회의에서 예산안이 통과됐다.", dt.date(2024, 7, 1)),
        post("newer", "예산안 처리 소식", "국회 상임위에서 예산안이 처리됐다.", dt.date(2024, 9, 1)),
    ]
    service = SearchService(tmp_path / "ix")
    service.rebuild(posts)

    def hits() -> list[tuple[str, float]]:
        return [(h.id, h.score) for h in service.search(SearchRequest.from_params({"q": ["예산안"]})).hits]

    monkeypatch.setattr(ranking, "RECENCY", 0.0)
    (first, a), (second, b) = hits()
    assert a == b and first == "older"  # BM25F alone: a tie, broken by index order
    monkeypatch.undo()
    assert [i for i, _ in hits()] == ["newer", "older"]


def test_a_quoted_phrase_as_typed_stays_first_above_titles_with_every_word(tmp_path: Path) -> None:
    posts = [
        post("title-words", "직접적인 영향 미치는 것 그것은", "직접적인 영향 미치는 요인을 분석했다. 그것은 방향을 바꾼다."),
        post("as-typed", "물가 점검", "금리가 물가에 직접적인 영향을 미치는 것은 분명하다. " + "다른 이야기. " * 40),
    ]
    assert ranked(tmp_path, posts, '"직접적인 영향을 미치는 것은"')[0] == "as-typed"


def test_words_as_written_are_kept_by_hash_and_found_again() -> None:
    import doctest

    from sokbo.search import words

    assert doctest.testmod(words).failed == 0
    index = words.WordIndex([words.sketch_words("", "", "한미 동맹을 강화, 3.5% 인상"), words.sketch_words("동맹", "", "동맹 강화")])
    assert index.posts_with("동맹을").tolist() == [0] and index.posts_with("동맹").tolist() == [1]
    assert index.mask_with_all(["3", "5"]).tolist() == [True, False]  # 3.5% is written as 3 and 5
    assert index.posts_with("없는말").tolist() == []
    docs, tf = index.counts("동맹")
    assert docs.tolist() == [1] and tf.tolist() == [[1, 0, 1]]  # once in the title, once in the body
    assert index.lengths.tolist() == [[0, 0, 6], [1, 0, 2]]


def test_word_counts_weigh_by_field_frequency_and_length() -> None:
    """BM25F of the words as written: more of a word scores more, with diminishing returns;
    a word in a long post less than in a short one; a title weighs as its weight says."""
    from sokbo.search.words import WordIndex, sketch_words

    filler = " ".join(f"낱말{i}" for i in range(40))
    index = WordIndex([
        sketch_words("", "", "남해안 " + filler),
        sketch_words("", "", "남해안 남해안 " + filler),
        sketch_words("", "", "남해안 남해안 남해안 남해안 " + filler),
        sketch_words("", "", "남해안 " + filler + " " + filler),
        sketch_words("남해안", "", filler),
        sketch_words("", "", filler),
    ])
    body = index.bm25f(["남해안"], (0.0, 0.0, 1.0)).tolist()
    assert body[0] < body[1] < body[2] and body[2] - body[1] < 2 * (body[1] - body[0])
    assert body[3] < body[0] and body[4] == body[5] == 0.0
    both = index.bm25f(["남해안"], (4.0, 0.0, 1.0)).tolist()
    assert both[4] > both[0] > 0 and both[:4] == body[:4]


def test_posts_with_every_word_as_typed_come_first_for_several_words(tmp_path: Path) -> None:
    """Every post here matches 외출 내륙 남해안 by its morphemes; the one that has the words as
    typed is the one whose wording the reader recalls. One word alone says no such thing."""
    posts = [
        post("inflected", "내륙 남해안 날씨", "내륙에는 소나기가, 남해안에는 비가 오겠다. 외출에 우산을 챙기자. 내륙과 남해안의 비."),
        post("as-typed", "이번 주 무더위", "외출 자제를 권고했다. 내륙 지역과 남해안 일대는 무덥겠다." + " 한낮 기온이 높다." * 5),
    ]
    assert ranked(tmp_path, posts, "외출 내륙 남해안")[0] == "as-typed"
    assert ranked(tmp_path / "one", posts, "남해안")[0] == "inflected"  # one word: BM25F decides


def test_a_word_kiwi_splits_alone_finds_the_post_that_has_it_first(tmp_path: Path) -> None:
    """예후 typed alone reads as 예 + 후 (after): the posts that say 후 in their titles must not
    bury the one post about a prognosis."""
    posts = [
        post(f"after-{i}", f"회의 후 발표 {i}", f"회의가 끝난 후 기자회견이 열렸다. 그 후 {i}일 뒤 다시 만났다.") for i in range(4)
    ]
    posts.append(post("prognosis", "환자 상태 호전", "의료진은 환자의 예후가 좋다고 밝혔다. 치료는 계속된다."))
    assert ranked(tmp_path, posts, "예후")[0] == "prognosis"


def test_of_posts_with_every_word_as_typed_the_one_that_says_them_most_comes_first(tmp_path: Path) -> None:
    """Both posts have 외출 and 남해안 as typed. By morphemes the first says them most (외출을,
    남해안에, ...); as the reader typed them, the second does."""
    posts = [
        post("by-morphemes", "주말 날씨", "외출 전 확인. 남해안 비. 외출을 삼가고 외출이 잦은 분은 외출할 때 조심. 남해안에 비, 남해안의 바람, 남해안으로 북상."),
        post("as-typed", "주말 날씨 전망", "외출 자제. 남해안 호우. 외출 시 우산. 남해안 강풍. 내륙은 맑다. 수도권도 맑다."),
    ]
    assert ranked(tmp_path, posts, "외출 남해안")[0] == "as-typed"


def test_a_post_with_the_words_as_typed_only_in_its_excerpt_still_comes_first(tmp_path: Path) -> None:
    """The summary does not weigh in the words' score (TYPED_WEIGHTS), so that post scores 0
    there: it must still rank above every post that matches only by morphemes."""
    excerpt_only = Post(
        id="excerpt-only", title="주말 날씨", date="2024-07-01", day=dt.date(2024, 7, 1),
        excerpt="외출 전 남해안 비 소식을 확인하세요.", body="주말에는 전국이 흐리겠다.",
    )
    inflected = post("inflected", "외출과 남해안", "외출을 삼가고 남해안에는 비. 외출이 잦으면 남해안의 바람에 주의. " * 3)
    assert ranked(tmp_path, [inflected, excerpt_only], "외출 남해안")[0] == "excerpt-only"


def test_a_word_the_index_has_whole_is_searched_whole_even_when_kiwi_splits_it_everywhere_alone(tmp_path: Path) -> None:
    """이식 typed alone is 이 (this) + 식, and stays so followed by a particle; in a post it is
    이식 (뼈 이식과). The index has the word, so it is searched whole."""
    posts = [post(f"ceremony-{i}", f"식 순서 안내 {i}", f"이번 식은 오전에 시작한다. 식이 끝나면 {i}시에 점심을 먹는다.") for i in range(4)]
    posts.append(post("transplant", "치과 치료비 안내", "치과마다 다양합니다. 뼈 이식과 관련한 비용은 병원마다 다르다."))
    assert ranked(tmp_path, posts, "이식")[0] == "transplant"
