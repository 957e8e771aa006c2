"""Query parsing: the reader's syntax, and no input is ever an error."""

from __future__ import annotations

import pytest

from sokbo.search.query import MAX_CLAUSES, Term, build, highlight_terms, parse


def test_words_are_clauses() -> None:
    assert parse("한미 동맹").clauses == [[Term("한미")], [Term("동맹")]]


def test_phrase_exclusion_and_or() -> None:
    parsed = parse('"군사 원조" -북한 -"정전 협정" 푸틴 OR 시진핑')
    assert parsed.clauses == [[Term("군사 원조", phrase=True)], [Term("푸틴"), Term("시진핑")]]
    assert parsed.excluded == [Term("북한"), Term("정전 협정", phrase=True)]


def test_or_at_the_edges_is_ignored() -> None:
    assert parse("OR 동맹 OR").clauses == [[Term("동맹")]]
    assert parse("or 동맹").clauses == [[Term("or")], [Term("동맹")]]


def test_unbalanced_quote_is_text() -> None:
    assert parse('"군사 원조').clauses == [[Term("군사")], [Term("원조")]]


@pytest.mark.parametrize(
    "text",
    [
        "title:동맹", "동맹*", "동?", "동맹~2", "동맹^3", "[a TO b]", "(동맹", "동맹)", "{x}", '"', '""',
        "-", "--", "- -", "OR", "AND NOT", "NOT", "\\", "/", "&&", "||", "!", "\x00", "😀", "%", "동맹" * 500,
        "ㄱㅈㅇ", "   ", "",
    ],
)
def test_every_syntax_character_is_just_text(text: str) -> None:
    parsed = parse(text)
    build(parsed)  # must not raise
    build(parsed, any_clause=True)


def test_symbol_only_input_has_no_clauses() -> None:
    assert parse("* ? ~ ^ ( )").empty


def test_huge_queries_are_capped() -> None:
    parsed = parse(" ".join(f"단어{i}" for i in range(500)))
    assert len(parsed.clauses) == MAX_CLAUSES


def test_words_past_the_cap_are_left_out_whole_never_ored_into_the_last_clause() -> None:
    words = [f"단어{i}" for i in range(MAX_CLAUSES)]
    parsed = parse(" ".join(words) + " 푸틴 OR 시진핑 OR 바이든")
    assert parsed.clauses == [[Term(w)] for w in words]
    assert parse(" ".join(words[:-1]) + " 푸틴 OR 시진핑 바이든").clauses[-1] == [Term("푸틴"), Term("시진핑")]


def test_empty_query_matches_everything() -> None:
    assert build(parse("")) is None


def test_only_exclusions_still_build_a_query() -> None:
    assert build(parse("-북한")) is not None


def test_highlight_terms_include_surface_and_morphemes() -> None:
    out = highlight_terms(parse("동맹을 국민의힘"))
    assert {"동맹을", "동맹", "국민의힘"} <= set(out)
    assert out == sorted(out, key=len, reverse=True)


@pytest.mark.parametrize(
    ("word", "whole"),
    [
        ("예후", "예후"),  # alone: 예 + 후 (after)
        ("주목도", "주목도"),  # alone: 주목 + 도 (also)
        ("왕가", "왕가"),  # alone: 왕 + 가
        ("동맹", ""),  # its morpheme is the word
        ("동맹을", ""),  # a noun and its particle: the noun is what is searched
        ("먹었다", ""),  # a verb
        ("chips", ""),
    ],
)
def test_a_word_kiwi_splits_alone_is_also_searched_whole(word: str, whole: str) -> None:
    from sokbo.search.query import analyse

    assert analyse(Term(word)).whole == whole


def test_the_pieces_of_a_word_searched_whole_count_less_and_not_for_titles() -> None:
    from sokbo.search.query import PARTIAL_WEIGHT, term_query

    q = term_query(Term("예후"))
    text = str(q)
    assert "body:예후" in text and f"body:후^{PARTIAL_WEIGHT}" in text
    assert "후^" not in str(term_query(Term("예후"), fields=("title", "title_grams")))


def test_a_word_the_index_has_as_a_term_is_searched_whole() -> None:
    from sokbo.search.query import whole_word

    assert whole_word(Term("이식")) == ""  # alone, and followed by a particle: 이 + 식
    assert whole_word(Term("이식"), known={"이식"}.__contains__) == "이식"
    assert whole_word(Term("이식"), known=set().__contains__) == ""
    assert whole_word(Term("동맹"), known=lambda w: True) == ""  # Kiwi has it whole already
    assert whole_word(Term("chips"), known=lambda w: True) == ""
    assert whole_word(Term("뼈 이식", phrase=True), known=lambda w: True) == ""
