"""The relevance benchmark's bigram baselines (bench/relevance): Whoosh over character bigrams
and Tantivy's n-gram tokenizer, each built on samples/_posts.

Each must find a post by two words of its title, answer a quoted phrase, and never raise on
whatever a reader types. The Tantivy tests skip when the optional ``tantivy`` package is absent
(``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES

BENCH = Path(__file__).resolve().parents[1] / "bench" / "relevance"
sys.path.insert(0, str(BENCH))

from corpus import WORD, Corpus, load_corpus, words  # noqa: E402
from engine import Answer, Engine, Unavailable  # noqa: E402
from engine_whoosh_bigram import WhooshBigramEngine  # noqa: E402

HOSTILE = ['"', "(", ")", "title:", "title:(", 'title:"', "*", "~", "AND", "OR OR", "NOT", "-", "+", "^2", "[a TO b]",
           "{", "\\", '"a\\"', '"unterminated', '""', "", "   ", "a:b", "IN", "가 나", "ㄷㅎㅁㄱ", "x" * 500, "가" * 500,
           ("한국 " * 100)[:500]]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(SAMPLES)


def built(engine: Engine, corpus: Corpus) -> Iterator[Engine]:
    engine.build(corpus)
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture(scope="module")
def whoosh_bigram(corpus: Corpus) -> Iterator[Engine]:
    yield from built(WhooshBigramEngine(), corpus)


@pytest.fixture(scope="module")
def tantivy(corpus: Corpus) -> Iterator[Engine]:
    pytest.importorskip("tantivy")
    from engine_tantivy import TantivyEngine

    try:
        engine = TantivyEngine()
    except Unavailable as reason:  # a tantivy older than 0.22.2
        pytest.skip(str(reason))
    yield from built(engine, corpus)


@pytest.fixture(params=["whoosh_bigram", "tantivy"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue(request.param)


def rank(answer: Answer, accepted: tuple[str, ...]) -> int | None:
    return next((i for i, pid in enumerate(answer.ids, 1) if pid in accepted), None)


def title_pairs(corpus: Corpus) -> list[tuple[str, tuple[str, ...]]]:
    """For each post whose first two title words (of ≥ 2 characters) no other title has both
    of: those words, and the ids that count as that post (it and its republished copies)."""
    pairs = []
    for post in corpus.posts:
        chosen = [w for w in words(post.title) if len(w) >= 2][:2]
        if len(chosen) == 2 and corpus.identifies(post, chosen):
            pairs.append((" ".join(chosen), corpus.duplicates[post.id]))
    return pairs


def unique_phrase(corpus: Corpus) -> tuple[str, str, str]:
    """Three consecutive words of a body line (no punctuation attached, ≥ 8 characters) that no
    other post has, even case-folded; with its post's id, and the same words in reverse order."""
    texts = [t.casefold() for t in corpus.texts]
    for post in corpus.posts:
        for line in post.body.splitlines():
            tokens = line.split()
            for i in range(len(tokens) - 2):
                run = tokens[i:i + 3]
                phrase = " ".join(run)
                if all(WORD.fullmatch(t) for t in run) and len(phrase) >= 8 and sum(phrase.casefold() in t for t in texts) == 1:
                    return phrase, post.id, " ".join(reversed(run))
    raise AssertionError("no unique phrase in the sample posts")


def test_finds_a_post_by_two_words_of_its_title(engine: Engine, corpus: Corpus) -> None:
    pairs = title_pairs(corpus)
    assert len(pairs) >= 30
    for text, accepted in pairs:
        found = rank(engine.search(text, frozenset()), accepted)
        assert found is not None and found <= 3, (engine.name, text, found)


def test_quoted_phrase(engine: Engine, corpus: Corpus) -> None:
    phrase, target, _reversed = unique_phrase(corpus)
    answer = engine.search(f'"{phrase}"', frozenset())
    assert answer.ids and answer.ids[0] == target, (engine.name, phrase, answer.ids[:5])


def test_whoosh_bigram_phrase_is_a_phrase(whoosh_bigram: Engine, corpus: Corpus) -> None:
    """Only the post with the words in that order: bigrams have consecutive positions."""
    phrase, target, reversed_phrase = unique_phrase(corpus)
    assert whoosh_bigram.search(f'"{phrase}"', frozenset()).ids == [target]
    assert target not in whoosh_bigram.search(f'"{reversed_phrase}"', frozenset()).ids
    assert target in whoosh_bigram.search(reversed_phrase, frozenset()).ids  # unquoted: any bigram


def test_whoosh_bigram_ors_the_bigrams(whoosh_bigram: Engine, corpus: Corpus) -> None:
    """A word matches posts that share only some of its bigrams (here: one of them)."""
    text, accepted = title_pairs(corpus)[0]
    word = max(text.split(), key=len)
    assert len(word) >= 2
    altered = word[:2] + "\ue000" * 3  # its first bigram, then private-use characters no post has
    assert rank(whoosh_bigram.search(altered, frozenset()), accepted) is not None


def test_never_raises_on_hostile_queries(engine: Engine) -> None:
    for text in HOSTILE:
        answer = engine.search(text, frozenset())
        assert isinstance(answer.ids, list) and answer.ms >= 0, (engine.name, text)
    assert engine.search("", frozenset()).ids == []


def test_tantivy_quoting_changes_only_the_syntax(tantivy: Engine) -> None:
    """A bare word and the same word quoted parse to the same Tantivy query (an n-gram field);
    syntax characters inside quotes are text."""
    from engine_tantivy import FIELDS, WEIGHTS, to_query

    index = tantivy.index  # type: ignore[attr-defined]
    assert to_query('한국 "오늘 날씨" title: AND') == '"한국" "오늘 날씨" "title:" "AND"'
    assert to_query('a\\b ""') == '"a\\\\b"'
    bare = index.parse_query("대한민국 만세", FIELDS, field_boosts=WEIGHTS)
    assert str(bare) == str(index.parse_query(to_query("대한민국 만세"), FIELDS, field_boosts=WEIGHTS))


def test_tantivy_missing_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine_tantivy import TantivyEngine

    monkeypatch.setitem(sys.modules, "tantivy", None)  # import tantivy now raises ImportError
    with pytest.raises(Unavailable, match="tantivy"):
        TantivyEngine()


def test_tantivy_retries_a_refused_query_leniently(tantivy: Engine, corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    class Refusing:
        """The real index, but its strict parser refuses every query."""

        def __init__(self, index: Any) -> None:
            self.index = index

        def parse_query(self, *args: Any, **kwargs: Any) -> Any:
            raise ValueError("Syntax Error")

        def parse_query_lenient(self, *args: Any, **kwargs: Any) -> Any:
            return self.index.parse_query_lenient(*args, **kwargs)

    monkeypatch.setattr(tantivy, "index", Refusing(tantivy.index))  # type: ignore[attr-defined]
    text, accepted = title_pairs(corpus)[0]
    assert rank(tantivy.search(text + " (", frozenset()), accepted) == 1
    assert tantivy.search('title:( "', frozenset()).ids is not None
