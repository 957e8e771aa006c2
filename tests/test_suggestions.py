"""Did-you-mean, 초성 search and autocomplete over a real index of the sample posts.

The words are the samples' own: 바이든, 해리스 and 엔비디아 are each in one post (and its
title), 국민의힘 in several.
"""

from __future__ import annotations

import doctest
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from sokbo.search import BadParameter, SearchRequest, SearchService, correction, request
from sokbo.search import lexicon as lexicon_module
from sokbo.search.document import order_key
from sokbo.search.hangul import initials
from sokbo.search.lexicon import Lexicon, LexiconCache, is_stem
from sokbo.search.request import MAX_SUGGESTIONS, SuggestRequest
from sokbo.web.view import ro

from .conftest import SAMPLES, copy_posts

JSON_TYPE = "application/json; charset=utf-8"
BIDEN = "2024-07-22-biden-exits-race"
NVIDIA = "2024-06-12-samsung-hbm3e-test"
NEOLUMITECH = "2024-09-10-neolumitech-series-b"


def search(service: SearchService, q: str, **params: object):
    values = {k: v if isinstance(v, list) else [str(v)] for k, v in params.items()}
    return service.search(SearchRequest.from_params({"q": [q], **values}))


def ids(response) -> list[str]:
    return [h.id for h in response.hits]


def suggest(client: Any, status: int = 200, **params: Any) -> dict[str, Any]:
    response = client.get("/api/suggest", query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == JSON_TYPE
    return response.get_json()


def page(client: Any, **params: Any) -> BeautifulSoup:
    response = client.get("/", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_doctests() -> None:
    for module in (lexicon_module, correction, request):
        assert doctest.testmod(module).failed == 0, module.__name__


# -- the lexicon -----------------------------------------------------------------------


def test_the_lexicon_holds_the_indexed_words_with_their_post_counts(service) -> None:
    lexicon = service.lexicon()
    assert lexicon.frequency("바이든") == 1 and lexicon.title_df["바이든"] == 1
    assert lexicon.frequency("국민의힘") >= 3
    assert lexicon.frequency("없는말") == 0
    assert len(lexicon.titles) == len(service.indexed_ids())


def test_the_lexicon_is_read_once_per_index_version(service) -> None:
    assert service.lexicon() is service.lexicon()


def test_verb_and_adjective_stems_are_told_from_nouns() -> None:
    assert [w for w in ("걸치", "밝히", "새롭", "가져오", "저렴하") if not is_stem(w)] == []
    assert [w for w in ("갈치", "인하", "설치", "바이든", "대통령", "국민의힘") if is_stem(w)] == []


def test_the_lexicon_follows_updates_reading_only_new_segments(tmp_path: Path) -> None:
    from sokbo.indexer.build import build_index

    names = sorted(p.name for p in SAMPLES.glob("*.md"))
    posts = copy_posts(tmp_path, [n for n in names if "biden" not in n][:6])
    index = tmp_path / "ix"
    build_index(posts, index, procs=1)
    service = SearchService(index)
    before = service.lexicon()
    assert before.frequency("바이든") == 0
    segments = dict(service._lexicons._segments._terms)  # noqa: SLF001 - the per-segment cache

    shutil.copy(SAMPLES / "2024-07-22-biden-exits-race.md", posts)
    build_index(posts, index, procs=1)
    service._checked = 0.0  # noqa: SLF001 - look at the new commit now, not in a second
    after = service.lexicon(wait=True)
    assert after is not before and after.frequency("바이든") == 1
    assert any(c.text == "바이든" for c in after.complete("바읻"))
    kept = service._lexicons._segments._terms  # noqa: SLF001
    assert set(segments) <= set(kept) and len(kept) == len(segments) + 1
    assert all(kept[k] is segments[k] for k in segments)  # old segments were not read again


def test_title_completions_per_segment_answer_as_one_completer_of_every_title(tmp_path: Path) -> None:
    """Titles complete from one completer per segment, read as one: the answers are those of a
    single completer over each title's newest live post, across segments that lose posts, hold
    the same title twice, and merge; a publish builds a completer for its new segment only.
    The Latin words' counts, summed per segment, are those of every live post too."""
    import random

    from sokbo.indexer.build import build_index
    from sokbo.search.hangul import compose, decompose
    from sokbo.search.suggest import Completer

    rng = random.Random(3)
    names = sorted(p.name for p in SAMPLES.glob("*.md"))
    posts = copy_posts(tmp_path, names[:30])
    index = tmp_path / "ix"
    build_index(posts, index, procs=1)
    service = SearchService(index)
    service.lexicon().titles  # noqa: B018 - builds the first segment's completer
    first = dict(service._lexicons._segments._titles)  # noqa: SLF001 - the per-segment cache
    for step in range(4):
        for name in rng.sample(names[30:], 3):  # new posts, some with an older post's title
            text = (SAMPLES / name).read_text(encoding="utf-8")
            if rng.random() < 0.5:
                title = rng.choice(service.lexicon()._rows)[0]
                text = "\n".join(f"title: {title}" if line.startswith("title:") else line for line in text.split("\n"))
            (posts / name).write_text(text, encoding="utf-8")
        for path in rng.sample(sorted(posts.glob("*.md")), 2):
            path.unlink()
        build_index(posts, index, procs=1)
        service._checked = 0.0  # noqa: SLF001
        lexicon = service.lexicon(wait=True)
        whole = Completer((title, recency) for title, (_, _, recency) in lexicon._posts.items())
        merged = lexicon.titles
        prefixes = set()
        for title, *_ in lexicon._rows:
            keys = decompose(title)
            prefixes |= {compose(keys[: rng.randint(1, len(keys))]), initials(title)[:2]}
            prefixes |= {word[: rng.randint(1, len(word))] for word in title.split()[1:]}
        for prefix in sorted(prefixes):
            for limit, slips in ((10, True), (3, False), (1, True)):
                assert merged.complete(prefix, limit, slips) == whole.complete(prefix, limit, slips), (step, prefix)
        # the Latin words' counts, kept per segment too, are those of every live post
        assert sorted(lexicon._latin) == sorted(Lexicon(lexicon.df, lexicon.title_df, list(lexicon._rows))._latin), step
        assert len(lexicon._latin) > 10
        if step == 0:
            kept = service._lexicons._segments._titles  # noqa: SLF001
            assert all(kept[k] is first[k] for k in first if k in kept)  # not built again
            assert len(kept) == len(first) + 1


def test_posts_are_ordered_by_day_then_by_id_with_numbers_by_value() -> None:
    import random
    import re

    def natural(s: str) -> tuple:
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", s))

    rng = random.Random(0)
    ids = ["".join(rng.choice("ab-09 1x가") for _ in range(rng.randint(0, 9))) for _ in range(5000)]
    by_key = sorted(ids, key=lambda i: order_key("2024-01-01", i))
    assert [natural(i) for i in by_key] == sorted(natural(i) for i in ids)
    assert order_key("2024-01-01", "z") < order_key("2024-01-02", "a")


def test_a_rebuild_happens_in_the_background_while_the_old_lexicon_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    first = Lexicon({"바이든": 1}, {"바이든": 1}, [])
    second = Lexicon({"해리스": 1}, {}, [])
    release = threading.Event()
    built = iter([first, second])

    class Reader:
        def leaf_readers(self) -> list:
            return []

        def close(self) -> None:
            pass

    def read(reader: Any, segments: Any, open_reader: Any = None) -> Lexicon:
        lexicon = next(built)
        if lexicon is second:
            release.wait(5)
        return lexicon

    monkeypatch.setattr(Lexicon, "read", staticmethod(read))
    cache = LexiconCache()
    assert cache.get(1, Reader) is first  # the first build: in this thread
    assert cache.get(2, Reader) is first  # the rebuild runs in another thread meanwhile
    assert cache.get(2, Reader) is first
    release.set()
    assert cache.get(2, Reader, wait=True) is second
    assert cache.get(2, Reader) is second


def test_an_index_without_posts_has_an_empty_lexicon(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    service.rebuild([])
    assert service.lexicon().complete("바이") == []
    response = search(service, "바이던")
    assert response.total == 0 and response.suggestion is None and not response.corrected
    assert search(service, "ㄱㅈㅇ").expanded == []


# -- did you mean ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("바이던", "바이든"), ("해리수", "해리스"), ("엔비디어", "엔비디아"), ("네오루미택", "네오루미텍"), ("국밍의힘", "국민의힘")],
)
def test_a_misspelt_word_that_finds_nothing_searches_the_correction(service, typed: str, meant: str) -> None:
    response = search(service, typed)
    assert (response.suggestion, response.corrected) == (meant, True)
    assert response.total == search(service, meant).total > 0
    assert ids(response) == ids(search(service, meant))
    body = response.as_dict()
    assert body["query"] == typed and body["suggestion"] == meant and body["corrected"] is True


def test_a_word_and_its_particle_are_corrected_together(service) -> None:
    response = search(service, "바이던의")
    assert response.suggestion == "바이든의" and response.corrected and ids(response)[0] == BIDEN


def test_when_no_post_has_every_word_the_correction_that_has_them_is_searched(service) -> None:
    """바이던 matches nothing, so 바이던 재선 finds only posts with 재선 alone; 바이든 재선
    finds the post with both: that is what is shown, as a search engine shows the results of
    its correction."""
    assert search(service, "바이던 재선", correct=0).partial
    response = search(service, "바이던 재선")
    assert response.suggestion == "바이든 재선" and response.corrected and not response.partial
    assert ids(response) == [BIDEN]


def test_when_the_correction_has_no_post_with_every_word_either_it_is_only_suggested(service) -> None:
    typed = search(service, "바이던 물가")
    assert typed.partial and typed.total and typed.suggestion == "바이든 물가" and not typed.corrected
    assert search(service, "바이든 물가").partial  # the correction would not find both words either


def test_a_misspelt_headline_word_is_corrected_as_the_headline_prints_it(service) -> None:
    """The index keeps stems (몰리), so the words of the headlines as printed (몰린다) are the
    speller's too: a reader remembers a headline's words as she read them."""
    response = search(service, "몰린댜")
    assert (response.suggestion, response.corrected) == ("몰린다", True)
    assert ids(response)[0] == "2024-07-15-summer-music-festival"
    assert search(service, "음악 축제 몰릳다").suggestion == "음악 축제 몰린다"


@pytest.mark.parametrize(("typed", "meant"), [("장마 제두", "장마 제주"), ("국회 불찬", "국회 불참"), ("여름 음액", "여름 음악")])
def test_of_equally_near_corrections_the_one_that_goes_with_the_other_words_wins(service, typed: str, meant: str) -> None:
    lexicon = service.lexicon()
    searcher, view = service._searcher()
    alone = correction.word_corrections(typed.split()[1], lexicon, correction.post_counter(searcher, view))
    assert len(alone) > 1 and alone[0] != meant.split()[1]  # alone, the speller prefers another word
    assert search(service, typed).suggestion == meant


def test_a_typo_that_the_analyser_reads_as_common_pieces_is_corrected(service) -> None:
    """Alone, Kiwi may read a typo as pieces that are common words; its text is in no post."""
    for typed, meant in [("국회 붕참", "국회 불참"), ("제주 장나", "제주 장마"), ("경기 불류창고", "경기 물류창고")]:
        assert search(service, typed).suggestion == meant, typed


def test_only_the_misspelt_words_change_and_the_syntax_stays(service) -> None:
    response = search(service, '"한미 동맹" 엔비디어 -해리수')
    assert response.suggestion == '"한미 동맹" 엔비디아 -해리수'


@pytest.mark.parametrize("q", ["바이든", "국민의힘", "동맹을", "한미동맹", "반도체 수출", "NATO", "3.5%", "ㅂㅇㄷ", '"바이던"'])
def test_a_query_the_index_knows_gets_no_suggestion(service, q: str) -> None:
    response = search(service, q)
    assert response.suggestion is None and not response.corrected


@pytest.mark.parametrize("q", ["독도", "푸틴", "이재명", "계엄", "하이브", "지진", "독도에서", "푸틴의", "푸틴 대통령", "이재명 대표"])
def test_a_word_the_dictionary_knows_and_no_post_has_is_searched_as_typed(service, q: str) -> None:
    """A news site prints new names every day: 독도 is not a typo of 속도 because the samples
    never mention it, nor 푸틴 of 부팅, nor 이재명 of 인명."""
    assert all(word not in text for word in ("독도", "푸틴", "이재명") for text in _sample_texts())
    response = search(service, q)
    assert (response.suggestion, response.corrected) == (None, False)
    assert response.total == search(service, q, correct=0).total


def _sample_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in SAMPLES.glob("*.md")]


def test_a_synonym_is_never_corrected(service) -> None:
    """국힘 finds the posts of 국민의힘 through the samples' synonyms: it is no typo of 국한."""
    response = search(service, "국힘")
    assert (response.suggestion, response.corrected) == (None, False)
    assert response.total == search(service, "국민의힘").total > 0
    assert search(service, "국힘 전당대회").suggestion is None


def test_a_dictionary_word_is_only_offered_when_a_headline_has_its_correction_with_the_other_words(service) -> None:
    """바비 is a word, but 보안 바비 is the title's 보안 … 마비 mistyped: that is offered, not
    searched instead (the reader may mean 바비); alone, 바비 gets nothing."""
    response = search(service, "보안 바비")
    assert (response.suggestion, response.corrected) == ("보안 마비", False)
    assert search(service, "바비").suggestion is None


def test_a_typo_more_than_a_slip_from_its_word_is_offered_not_searched(service) -> None:
    """바이딘 is an arbitrary key from 바이든 (ㅣ for ㅡ, not a neighbour), a word of one post:
    as likely a name the dictionary lacks as a typo, so the reader is asked; with other words,
    only when the correction goes with them."""
    response = search(service, "바이딘")
    assert (response.suggestion, response.corrected, response.total) == ("바이든", False, 0)
    assert search(service, "바이딘 재선").suggestion == "바이든 재선"
    assert search(service, "바이딘 물가").suggestion is None  # no post has 바이든 and 물가


def test_of_equally_near_corrections_the_one_a_headline_has_with_the_other_words_wins(service) -> None:
    assert search(service, "파리올림픽 다라").suggestion == "파리올림픽 따라"


def test_correct_0_searches_exactly_what_was_typed(service) -> None:
    response = search(service, "바이던", correct="0")
    assert response.total == 0 and response.suggestion == "바이든" and not response.corrected
    with pytest.raises(BadParameter) as raised:
        SearchRequest.from_params({"q": ["바이던"], "correct": ["maybe"]})
    assert raised.value.param == "correct"


def test_a_correction_keeps_the_filters(service) -> None:
    response = search(service, "바이던", category="정치")
    assert response.request.categories == ("정치",)
    assert all("정치" in hit.categories for hit in response.hits)


def test_a_correction_is_fast(service) -> None:
    search(service, "엔비디어 해리수")  # analyses cached, as for a reader who searches again
    assert min(search(service, "엔비디어 해리수").took_ms for _ in range(3)) < 100


# -- 초성 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "post"),
    [("ㅂㅇㄷ", BIDEN), ("ㅇㅂㄷㅇ", NVIDIA), ("ㄴㅇㄹㅁㅌ", NEOLUMITECH), ("ㅇ ㅂ ㄷ ㅇ", NVIDIA)],
)
def test_an_initials_query_finds_the_post_with_that_name(service, q: str, post: str) -> None:
    response = search(service, q)
    assert post in ids(response)[:3]
    assert response.expanded and all(initials(w) == initials(q) for w in response.expanded)
    assert response.suggestion is None and not response.corrected


def test_an_initials_query_is_expanded_to_the_most_prominent_words_first(service) -> None:
    response = search(service, "ㄱㅁㅇㅎ")
    assert response.expanded[0] == "국민의힘"
    assert response.total == search(service, "국민의힘").total
    assert all("<mark>국민의힘</mark>" in h.title_html for h in response.hits if "국민의힘" in h.title)


@pytest.mark.parametrize(("q", "word", "post"), [
    ("ㄱㄱㄷㅅ", "가거도서", "2024-09-11-gageodo-island-concert"),  # a name and its particle
    ("ㅁㄹㄷ", "몰린다", "2024-07-15-summer-music-festival"),  # a verb as the headline prints it
])
def test_an_initials_query_finds_a_headline_word_as_printed(service, q: str, word: str, post: str) -> None:
    response = search(service, q)
    assert word in response.expanded
    assert ids(response)[0] == post


def test_initials_and_words_mix(service) -> None:
    response = search(service, "ㅂㅇㄷ 재선")
    assert ids(response)[0] == BIDEN and not response.partial


def test_initials_that_stand_for_no_word_find_nothing(service) -> None:
    response = search(service, "ㅋㅋㅋㅋㅋ")
    assert response.total == 0 and response.expanded == [] and not response.corrected


# -- GET /api/suggest ------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "word"), [("바읻", "바이든"), ("해릿", "해리스"), ("엔빋", "엔비디아"), ("국미", "국민의힘")])
def test_a_syllable_still_being_composed_completes(client, typed: str, word: str) -> None:
    body = suggest(client, q=typed)
    assert body["query"] == typed and isinstance(body["took_ms"], (int, float))
    terms = [s["text"] for s in body["suggestions"] if s["kind"] == "term"]
    assert word in terms[:3]


def test_initials_complete(client) -> None:
    terms = [s["text"] for s in suggest(client, q="ㄱㅁㅇ")["suggestions"] if s["kind"] == "term"]
    assert terms[0] == "국민의힘"


def _terms(client: Any, q: str) -> list[str]:
    return [s["text"] for s in suggest(client, q=q)["suggestions"] if s["kind"] == "term"]


@pytest.mark.parametrize("typed", ["대통", "대ㅌ", "대토", "대통ㄹ"])
def test_a_word_of_one_post_completes(client, service, typed: str) -> None:
    """대통령 is in one sample post's body and no title: still the index's word."""
    assert service.lexicon().frequency("대통령") == 1 and "대통령" not in service.lexicon().title_df
    assert _terms(client, typed)[0] == "대통령"


@pytest.mark.parametrize("typed", ["Sam", "sam", "SAMS"])
def test_a_latin_prefix_completes_as_the_posts_print_the_word(client, typed: str) -> None:
    """One sample post says 삼성전자(Samsung Electronics) in its body."""
    assert _terms(client, typed)[0] == "Samsung"
    assert _terms(client, "삼성 Sam") == ["삼성 Samsung"]


def test_a_prefix_with_a_slip_completes_as_meant(client) -> None:
    terms = _terms(client, "국밍")
    assert {"국민", "국민의힘"} <= set(terms)
    assert "국민의힘" in _terms(client, "국밍의")


def test_titles_come_after_terms_with_their_link(client, service) -> None:
    suggestions = suggest(client, q="바읻")["suggestions"]
    assert [s["kind"] for s in suggestions] == sorted((s["kind"] for s in suggestions), key=["term", "title"].index)
    title = next(s for s in suggestions if s["kind"] == "title")
    hit = search(service, "바이든").hits[0]
    assert (title["text"], title["url"], title["id"]) == (hit.title, hit.url, BIDEN)
    term = next(s for s in suggestions if s["kind"] == "term")
    assert set(term) == {"text", "kind", "url", "id"} and term["url"] is None and term["id"] is None


def test_the_last_word_completes_after_the_words_before_it(client) -> None:
    terms = [s["text"] for s in suggest(client, q="바이든 해릿")["suggestions"] if s["kind"] == "term"]
    assert terms[0] == "바이든 해리스"


def test_stems_are_not_completions(client) -> None:
    for s in suggest(client, q="ㅂ", limit=MAX_SUGGESTIONS)["suggestions"] + suggest(client, q="밝")["suggestions"]:
        assert s["kind"] == "title" or not is_stem(s["text"].split()[-1])


@pytest.mark.parametrize("q", ["", "   ", "zzzzqqq", "ㅋ", "\x00", "😀", "*", '"'])
def test_nothing_to_complete_is_an_empty_list(client, q: str) -> None:
    body = suggest(client, q=q)
    assert body["suggestions"] == [] or q.strip() not in ("", "\x00")
    assert isinstance(body["suggestions"], list)


def test_an_empty_query_is_an_empty_list(client) -> None:
    assert suggest(client)["suggestions"] == [] and suggest(client, q="")["query"] == ""


@pytest.mark.parametrize("limit", ["1", "3", str(MAX_SUGGESTIONS)])
def test_limit_caps_the_list(client, limit: str) -> None:
    assert 1 <= len(suggest(client, q="ㅂ", limit=limit)["suggestions"]) <= int(limit)
    assert len(suggest(client, q="ㅂ")["suggestions"]) == 10


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": str(MAX_SUGGESTIONS + 1)}, {"limit": "abc"}, {"limit": "-1"}, {"limit": "1.5"}, {"q": "가" * 1001}],
)
def test_a_bad_parameter_is_a_json_400(client, params: dict[str, str]) -> None:
    body = suggest(client, 400, **{"q": "바이", **params})
    param = next(iter(params))
    assert body["error"]["code"] == "bad_parameter" and body["error"]["param"] == param
    with pytest.raises(BadParameter):
        SuggestRequest.from_params({k: [v] for k, v in {"q": "바이", **params}.items()})


def test_no_value_is_a_500(client, nasty_values: list[str]) -> None:
    for value in nasty_values:
        for param in ("q", "limit"):
            response = client.get("/api/suggest", query_string={param: value})
            assert response.status_code in (200, 400), (param, value)
            assert response.headers["Content-Type"] == JSON_TYPE


def test_suggest_allows_no_other_origin_by_default_and_needs_an_index(client, empty_client) -> None:
    assert "Access-Control-Allow-Origin" not in client.get("/api/suggest?q=a", headers={"Origin": "https://x.example"}).headers
    response = empty_client.get("/api/suggest", query_string={"q": "바이"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "index_missing"


# -- JSON and the page -----------------------------------------------------------------


def test_search_json_says_what_was_corrected_and_expanded(client) -> None:
    body = client.get("/api/search", query_string={"q": "해리수"}).get_json()
    assert (body["query"], body["suggestion"], body["corrected"], body["expanded"]) == ("해리수", "해리스", True, [])
    assert body["total"] == 1 and body["hits"][0]["id"] == BIDEN
    body = client.get("/api/search", query_string={"q": "ㅎㄹㅅ"}).get_json()
    assert body["expanded"][0] == "해리스" and body["corrected"] is False and body["suggestion"] is None
    body = client.get("/api/search", query_string={"q": "해리수", "correct": "0"}).get_json()
    assert (body["total"], body["suggestion"], body["corrected"]) == (0, "해리스", False)
    assert client.get("/api/search", query_string={"q": "x", "correct": "2"}).status_code == 400


def test_the_page_says_it_searched_the_correction_and_links_the_original(client) -> None:
    soup = page(client, q="해리수", category="국제")
    notice = soup.select_one(".notice.corrected")
    text = " ".join(notice.get_text().split())
    assert text == "‘해리수’에 맞는 기사가 없어 ‘해리스’로 검색했습니다. ‘해리수’로 검색하기"
    assert notice.select_one("a").get_text() == "해리스"
    assert soup.select_one(".summary").get_text().startswith("‘해리스’ 검색 결과")
    original = notice.select_one("a.original")
    assert query_of(original["href"]) == {"q": ["해리수"], "category": ["국제"], "correct": ["0"]}
    exact = page(client, **{k: v[0] for k, v in query_of(original["href"]).items()})
    assert exact.select("li.hit") == [] and exact.select_one(".notice.corrected") is None
    link = exact.select_one(".notice.suggestion a")
    assert link.get_text() == "해리스" and query_of(link["href"]) == {"q": ["해리스"], "category": ["국제"]}


def test_the_page_offers_the_correction_when_there_are_results(client) -> None:
    soup = page(client, q="바이던 물가")
    notice = soup.select_one(".notice.suggestion")
    assert notice.get_text(" ", strip=True) == "이것을 찾으셨나요? 바이든 물가"
    assert query_of(notice.select_one("a")["href"]) == {"q": ["바이든 물가"]}
    assert soup.select_one(".notice.corrected") is None and soup.select("li.hit")
    assert page(client, q="바이든").select_one(".notice.suggestion") is None


def test_the_page_lists_the_words_an_initials_query_found(client) -> None:
    soup = page(client, q="ㅂㅇㄷ")
    links = soup.select(".notice.expanded a")
    assert links and links[0].get_text() == "바이든" and query_of(links[0]["href"]) == {"q": ["바이든"]}


@pytest.mark.parametrize(("word", "particle"), [("푸틴", "으로"), ("바이든", "으로"), ("해리스", "로"), ("서울", "로"), ("AI", "(으)로")])
def test_ro(word: str, particle: str) -> None:
    assert ro(word) == particle


def test_a_very_long_word_is_not_corrected_and_costs_nothing(service) -> None:
    for q in ("바이던" * 5, "동" * 999, "가나다라마바사아자차카타파하" * 20):
        response = search(service, q)
        assert response.suggestion is None and response.took_ms < 2000
