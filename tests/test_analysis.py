"""The Korean analyzer: what it keeps, and that index and query time use the same one."""

from __future__ import annotations

import pytest

from sokbo.search.analysis import PART_WEIGHT, bigram_analyzer, bigrams, korean_analyzer, korean_terms, normalize
from sokbo.search.schema import MORPHEME_FIELDS, build_schema


def terms(text: str) -> list[str]:
    return [t for t, *_ in korean_terms(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("동맹을", "동맹"),
        ("대통령이", "대통령"),
        ("정부는", "정부"),
        ("선수들이", "선수"),
        ("푸틴의", "푸틴"),
    ],
)
def test_particles_are_dropped(text: str, expected: str) -> None:
    out = terms(text)
    assert out[0] == expected
    assert text not in out


def test_noun_runs_are_kept_whole_and_by_parts() -> None:
    assert {"한미동맹", "한미", "동맹"} <= set(terms("한미동맹을 강화했다"))
    assert {"국민의힘", "국민", "힘"} <= set(terms("국민의힘이 반대했다"))
    assert "1조원" in terms("1조원 규모")


def test_a_trailing_genitive_is_not_glued() -> None:
    assert "미국의" not in terms("미국의 입장")


def test_foreign_words_numbers_and_hanja() -> None:
    out = terms("Samsung Electronics의 HBM3E 3.5% 美 北")
    assert {"samsung", "electron", "hbm3e", "3.5", "美", "北"} <= set(out)


def test_english_is_case_folded_and_stemmed() -> None:
    assert terms("Running Servers") == terms("run server") == ["run", "server"]
    assert terms("AI chips") == ["ai", "chip"]


@pytest.mark.parametrize("text", ["3.5%", "2024년", "1조원", "30℃", "12단"])
def test_numbers_with_units_are_findable_as_written(text: str) -> None:
    assert text in terms(f"올해 {text} 기록")


def test_headline_hanja_index_as_their_hangul_word_too() -> None:
    positions = {t: p for t, p, *_ in korean_terms("美 대선, 北 미사일 발사…中 반발")}
    assert positions["美"] == positions["미국"]
    assert positions["北"] == positions["북한"]
    assert "중국" in positions
    pair = terms("韓日 정상회담")
    assert {"한국", "일본", "정상회담"} <= set(pair)


def test_verb_and_adjective_stems() -> None:
    assert "먹" in terms("먹었다")
    assert "강화" in terms("강화했다")


def test_a_compounds_parts_weigh_less_than_the_word_itself() -> None:
    weights = [(t, w) for t, _p, _s, _e, w in korean_terms("한미동맹을 넘어 동맹 강화")]
    assert weights == [("한미", PART_WEIGHT), ("동맹", PART_WEIGHT), ("한미동맹", 1.0), ("넘", 1.0), ("동맹", 1.0), ("강화", 1.0)]


def test_glued_compounds_share_the_first_morphemes_position() -> None:
    positions = {t: p for t, p, *_ in korean_terms("한미동맹을 강화")}
    assert positions["한미동맹"] == positions["한미"]
    assert positions["동맹"] == positions["한미"] + 1
    assert positions["강화"] == positions["동맹"] + 1


def test_offsets_point_into_the_text() -> None:
    text = "한국과 미국은 동맹을 강화한다"
    for term, _pos, start, end, _weight in korean_terms(text):
        if term == "동맹":
            assert text[start:end] == "동맹"


def test_empty_and_blank_text() -> None:
    assert terms("") == [] and terms("   \n ") == []


def test_bigrams_run_within_words_and_number_across_them() -> None:
    assert list(bigrams("동맹을 강화, 힘!")) == [
        ("동맹", 0, 0, 2, 1.0),
        ("맹을", 1, 1, 3, 1.0),
        ("강화", 2, 4, 6, 1.0),
        ("힘", 3, 8, 9, 1.0),
    ]


def test_normalize_folds_full_width_but_keeps_compatibility_jamo() -> None:
    assert normalize("ＡＩ　반도체") == "AI 반도체"
    assert normalize("ㄱㅈㅇ") == "ㄱㅈㅇ"


def test_the_schema_uses_the_same_analyzers_as_queries() -> None:
    schema = build_schema()
    for name in MORPHEME_FIELDS:
        assert schema[name].analyzer == korean_analyzer()
    assert schema["grams"].analyzer == bigram_analyzer()
    indexed = [t.text for t in schema["body"].analyzer("한미동맹을 강화했다")]
    assert indexed == terms("한미동맹을 강화했다")


def test_the_analyzer_is_usable_by_whoosh_in_every_mode() -> None:
    analyzer = korean_analyzer()
    tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer("동맹을 강화", positions=True, chars=True)]
    assert tokens[0] == ("동맹", 0, 0, 2)
    assert [t.text for t in analyzer("동맹을", tokenize=False)] == ["동맹을"]


def test_latin_and_digit_words_have_no_bigrams() -> None:
    assert [b for b, *_ in bigrams("Samsung HBM3E 2024 삼성")] == ["삼성"]


# -- the analyzer's memo is bounded in bytes ---------------------------------------------


def test_the_memo_is_bounded_in_bytes_and_drops_the_least_recently_used() -> None:
    from sokbo.search.analysis import Analyzer, deep_size

    analyzer = Analyzer()
    analyzer.MEMO_BYTES = 200_000
    for i in range(1_000):
        analyzer.memo(("k", i), lambda i=i: "가" * 500 + str(i))
        if i % 10 == 0:
            analyzer.memo(("k", 0), lambda: "recomputed")  # used again and again: kept
    assert 0 < analyzer.memo_bytes <= 200_000
    assert analyzer.memo(("k", 0), lambda: "recomputed") != "recomputed"
    assert analyzer.memo(("k", 1), lambda: "recomputed") == "recomputed"  # long gone
    assert analyzer.memo(("k", 999), lambda: "recomputed").endswith("999")
    before = analyzer.memo_bytes
    huge = analyzer.memo(("huge",), lambda: "x" * 100_000)  # more than 1/64 of the budget
    assert len(huge) == 100_000 and analyzer.memo_bytes == before
    assert deep_size(("k", "가" * 500)) > 1_000


def test_long_distinct_queries_do_not_grow_the_memo_past_its_budget() -> None:
    from sokbo.search import query
    from sokbo.search.analysis import Analyzer

    analyzer = Analyzer()
    analyzer.MEMO_BYTES = 1_000_000
    words = ["대통령", "국회", "동맹", "반도체", "수출", "올림픽", "태풍", "물가"]
    for i in range(60):
        text = " ".join(words[(i + j) % len(words)] + str(j) for j in range(120))  # ~1,000 characters
        for term in query.parse(text).clauses[0][:1] + [query.Term(text, phrase=True)]:
            query.analyse(term, analyzer)
    assert analyzer.memo_bytes <= 1_000_000


def test_a_huge_text_is_read_in_pieces_with_offsets_and_positions_kept() -> None:
    """Kiwi slows sharply on one huge string; a long body is read a piece at a time, and its
    terms still point at the right characters, in order."""
    from sokbo.search.analysis import PIECE_CHARS, korean_terms, normalize

    sentence = "대통령이 광복절 연설에서 통일을 강조했다. "
    lines = PIECE_CHARS // 30
    text = "\n".join(sentence * 3 for _ in range(lines))  # over two pieces
    assert len(text) > 2 * PIECE_CHARS
    terms = list(korean_terms(text))
    text = normalize(text)
    nouns = [(form, start, end) for form, _pos, start, end, _w in terms if form in ("대통령", "광복절", "연설", "통일")]
    assert len(nouns) == 4 * 3 * lines
    assert all(text[start:end] == form for form, start, end in nouns)
    positions = [pos for _f, pos, *_ in terms]
    assert positions == sorted(positions) and positions[-1] >= len(nouns) - 1
