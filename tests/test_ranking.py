"""sokbo's scoring model (search/scoring.py) and matching (search/pipeline.py), on real indexes built for each case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sokbo.search import Post, SearchRequest, SearchService, pipeline, scoring


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
    for feature in ("title", "typed_tf", "typed_tf_bare"):
        monkeypatch.setitem(scoring.WEIGHTS, feature, 0.0)
    assert ranked(tmp_path / "bm25", posts, "장맛비 중부")[0] == "one-in-title"
    monkeypatch.undo()
    assert ranked(tmp_path / "sokbo", posts, "장맛비 중부")[0] == "all-in-title"


def test_of_posts_scored_alike_the_newer_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = [
        post("older", "예산안 통과 소식", "국회 본회의에서 예산안이 통과됐다.", dt.date(2024, 7, 1)),
        post("newer", "예산안 처리 소식", "국회 상임위에서 예산안이 처리됐다.", dt.date(2024, 9, 1)),
    ]
    monkeypatch.setenv("SOKBO_CACHE_MB", "0")  # the same search is asked twice under different constants
    service = SearchService(tmp_path / "ix")
    service.rebuild(posts)

    def hits() -> list[tuple[str, float]]:
        return [(h.id, h.score) for h in service.search(SearchRequest.from_params({"q": ["예산안"]})).hits]

    monkeypatch.setattr(scoring, "RECENCY", 0.0)
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


@pytest.mark.parametrize("at_a_time", [1, 3, 50, 1 << 20])
def test_each_posts_word_counts_are_summed_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch, at_a_time: int) -> None:
    """A segment's records are summed per post a bounded slice at a time (empty posts, and
    posts longer than a slice, included): the sums are those of summing each post alone."""
    import random

    import numpy as np

    from sokbo.search import words

    monkeypatch.setattr(words, "_SUM_RECORDS", at_a_time)
    rng = random.Random(at_a_time)
    texts = [" ".join(rng.choice(["동맹", "강화", "한미", "정부", "3.5%"]) for _ in range(rng.choice([0, 1, 7, 60]))) for _ in range(80)]
    table = words.WordTable([words.sketch_words(t[:9], "", t) for t in texts])
    expected = [[len(words.written_words(t[:9])), 0, len(words.written_words(t))] for t in texts]
    assert np.array_equal(table.lengths, np.array(expected, dtype=float))


def test_words_as_typed_weigh_by_their_counts_with_diminishing_returns_and_length() -> None:
    """More of a word weighs more, less and less; a word in a long post less than in a short
    one; a title as its weight says; every figure below 1, whatever the other posts."""
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
    body = index.saturation(["남해안"], (0.0, 0.0, 1.0)).tolist()
    assert body[0] < body[1] < body[2] < 1 and body[2] - body[1] < 2 * (body[1] - body[0])
    assert body[3] < body[0] and body[4] == body[5] == 0.0
    both = index.saturation(["남해안"], (4.0, 0.0, 1.0)).tolist()
    assert both[4] > both[0] > 0
    assert index.saturation(["남해안", "없는말"], (0.0, 0.0, 1.0)).tolist()[0] == body[0] / 2  # the mean over the words


def test_a_headline_about_the_words_beats_a_post_that_has_them_once_as_typed(tmp_path: Path) -> None:
    """The headline says 연설에서 and its body 대통령이, 연설을; the festival has 대통령 and 연설
    exactly as typed, once, among sixty sentences about something else. Having the words as
    typed is evidence, not a tier: the post about them comes first."""
    festival = " ".join(f"올해 축제에는 {i}번째 공연과 먹거리 장터가 열렸다." for i in range(60))
    posts = [
        post("speech", "대통령, 광복절 연설에서 통일 강조", "대통령이 광복절 경축식 연설에서 통일을 강조했다. 대통령은 연설을 마치며 평화를 말했다."),
        post("festival", "지역 축제 개막", festival + " 행사장에는 대통령 사진과 연설 녹음이 전시됐다."),
    ]
    assert ranked(tmp_path, posts, "대통령 연설")[0] == "speech"


def test_of_posts_alike_the_one_with_the_words_as_typed_comes_first(tmp_path: Path) -> None:
    """Both posts are about the same thing in the same words; only one says 남해안에 as typed."""
    posts = [
        post("stem-only", "주말 날씨 전망", "내륙은 맑고 남해안의 바다는 잔잔하겠다. 주말 외출에 참고하자."),
        post("as-typed", "주말 날씨 전망", "내륙은 맑고 남해안에 비가 조금 오겠다. 주말 외출에 참고하자."),
    ]
    assert ranked(tmp_path, posts, "남해안에 외출")[0] == "as-typed"


def test_a_question_finds_its_answer_though_the_answer_lacks_the_question_words(tmp_path: Path) -> None:
    """무엇을 and 언제 are in no post; the post with the question's content words is found first,
    and one post that happens to say 무엇 does not win by it."""
    posts = [
        post("answer", "세종의 업적", "세종은 1443년에 훈민정음을 창제하였다. 집현전 학자들과 함께 한글을 만들었다."),
        post("decoy", "질문의 기술", "무엇을 물을지 언제 물을지 정하는 것이 중요하다. 세종 시에서 강연이 열렸다."),
        post("other", "훈민정음 해례본 공개", "간송미술관이 해례본을 공개했다."),
    ]
    assert ranked(tmp_path, posts, "세종이 창제한 문자는 무엇인가?")[0] == "answer"
    assert ranked(tmp_path / "when", posts, "훈민정음은 언제 창제되었나")[0] == "answer"


def test_a_questions_answer_needs_only_one_of_its_words(tmp_path: Path) -> None:
    """Three content words would need two of them, and only the decoy says 병 and 앓다; the
    answer, which names the man and his illness in other words, is found too."""
    posts = [
        post("answer", "곽영욱 전 사장 재판", "곽영욱 전 사장은 협심증으로 입원해 치료를 받았고 재판은 미뤄졌다."),
        post("decoy", "겨울철 건강 관리", "오랫동안 병을 앓고 있는 노인은 독감 예방접종을 서둘러야 한다."),
    ]
    assert set(ranked(tmp_path, posts, "곽영욱이 앓은 병은 무엇인가?")) == {"answer", "decoy"}
    assert ranked(tmp_path / "keywords", posts, "곽영욱 앓은 병") == ["decoy"]  # keywords: a majority


def test_a_post_with_every_word_ranks_above_posts_with_some(tmp_path: Path) -> None:
    """A post may lack one of three words and still match; the one with all three comes first."""
    posts = [
        post("two-of-three", "태풍 북상 소식", "태풍이 북상하며 남해안에 강풍이 분다. " * 4),
        post("all-three", "남부 지방 비", "태풍 영향으로 제주와 남해안에 호우, 항공편이 결항됐다."),
    ]
    hits = ranked(tmp_path, posts, "태풍 남해안 결항")
    assert hits[0] == "all-three" and "two-of-three" in hits


def test_weak_words_do_not_decide_matching() -> None:
    from sokbo.search.query import Term, is_weak

    assert all(is_weak([Term(w)]) for w in ("무엇을", "누구인가", "언제", "왜", "어떻게", "어디에서"))
    assert not any(is_weak([Term(w)]) for w in ("동맹을", "세종", "NATO", "2024년"))
    assert not is_weak([Term("무엇", phrase=True)])
    assert [pipeline.required(n) for n in (1, 2, 3, 4, 6)] == [1, 2, 2, 3, 1]  # both of two; a question: any


def test_a_word_kiwi_splits_alone_finds_the_post_that_has_it_first(tmp_path: Path) -> None:
    """예후 typed alone reads as 예 + 후 (after): the posts that say 후 in their titles must not
    bury the one post about a prognosis."""
    posts = [
        post(f"after-{i}", f"회의 후 발표 {i}", f"회의가 끝난 후 기자회견이 열렸다. 그 후 {i}일 뒤 다시 만났다.") for i in range(4)
    ]
    posts.append(post("prognosis", "환자 상태 호전", "의료진은 환자의 예후가 좋다고 밝혔다. 치료는 계속된다."))
    assert ranked(tmp_path, posts, "예후")[0] == "prognosis"


def test_a_word_the_index_has_whole_is_searched_whole_even_when_kiwi_splits_it_everywhere_alone(tmp_path: Path) -> None:
    """이식 typed alone is 이 (this) + 식, and stays so followed by a particle; in a post it is
    이식 (뼈 이식과). The index has the word, so it is searched whole."""
    posts = [post(f"ceremony-{i}", f"식 순서 안내 {i}", f"이번 식은 오전에 시작한다. 식이 끝나면 {i}시에 점심을 먹는다.") for i in range(4)]
    posts.append(post("transplant", "치과 치료비 안내", "치과마다 다양합니다. 뼈 이식과 관련한 비용은 병원마다 다르다."))
    assert ranked(tmp_path, posts, "이식")[0] == "transplant"


def test_doctests_of_the_query_path() -> None:
    import doctest

    from sokbo.search import analysis

    for module in (pipeline, scoring, analysis):
        assert doctest.testmod(module).failed == 0, module.__name__


def _evidence(in_title: list[list[bool]], needed: int, weak: list[bool] | None = None) -> scoring.Evidence:
    import numpy as np

    rows = np.array(in_title, dtype=bool)
    n = rows.shape[1]
    return scoring.Evidence(
        matched=np.ones_like(rows), in_title=rows, typed=np.zeros_like(rows), weak=weak or [False] * len(rows),
        needed=needed, inflected=[False] * len(rows), bm25=np.ones(n), typed_weight=(np.zeros(n), np.zeros(n)),
        phrase=None, recency=np.zeros(n),
    )


def test_the_title_counts_only_when_it_alone_would_match_the_query() -> None:
    """Two words: a headline with one of them shares a topic, not the query (BM25F's title
    weight counts that word already). Three words: two in the headline are a majority. When
    matching fell back to any one word (no post had enough), one in the headline counts."""
    import numpy as np

    two = _evidence([[True, True, False], [True, False, False]], needed=2)
    assert scoring.titled(two).tolist() == [True, False, False]
    assert scoring.features(two, np.ones(3, dtype=bool))["title"].tolist() == [1.0, 0.0, 0.0]
    three = _evidence([[True, True], [True, False], [False, False]], needed=2)
    assert scoring.titled(three).tolist() == [True, False]
    assert scoring.titled(_evidence([[True], [False]], needed=1)).tolist() == [True]
    weak_word = _evidence([[True], [False], [True]], needed=2, weak=[False, False, True])  # 무엇 in the title is no match
    assert scoring.titled(weak_word).tolist() == [False]
