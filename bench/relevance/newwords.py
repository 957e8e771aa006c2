"""The newword family: real words that no post contains, which a reader may well search for.

Nothing can be found for them, so there is no rank to measure: what counts is that sokbo
neither silently searches a look-alike instead (``corrected``) nor often offers one ("did you
mean"). The words come from text independent of the posts searched: the question family's
contexts (KorQuAD) when the posts are the shared corpus, else the shared corpus's posts.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from corpus import Corpus
from queries import Query, half_of

_HANGUL = re.compile(r"[가-힣]+")
_NOUNS = ("NNP", "NNG")
SOURCE_POSTS = 400
"""Posts of the shared corpus read (a random sample by seed) when they are the words' source."""
MIN_DOCUMENTS = 2
"""A source word must appear in this many source documents (articles, or posts): a word used
twice, apart, is a real word, not a misreading of one text."""
WITH_COMMON = 1 / 3
"""Share of queries that add a word the posts do contain (독도 영유권-like)."""


def nouns(kiwi: Any, text: str) -> set[str]:
    """Nouns of ``text`` per Kiwi (NNP/NNG), Hangul only, 2–5 syllables, that stand as a word of
    their own somewhere in ``text``: as printed, at the start of a word, and the whole word or
    followed by particles only (so not a piece of a compound, 기득 of 기득권)."""
    tokens = kiwi.tokenize(text)
    found = set()
    for k, t in enumerate(tokens):
        if t.tag not in _NOUNS or not 2 <= len(t.form) <= 5 or not _HANGUL.fullmatch(t.form):
            continue
        if text[t.start : t.end] != t.form or (t.start > 0 and _HANGUL.match(text[t.start - 1])):
            continue
        end = t.end
        alone = end == len(text) or not _HANGUL.match(text[end])
        for after in tokens[k + 1 : k + 4]:
            if alone or after.start != end or not after.tag.startswith("J"):
                break
            end = after.end
            alone = end == len(text) or not _HANGUL.match(text[end])
        if alone:
            found.add(t.form)
    return found


def document_counts(kiwi: Any, documents: Iterable[str]) -> Counter[str]:
    """In how many of ``documents`` each noun (see :func:`nouns`) appears."""
    counts: Counter[str] = Counter()
    for text in documents:
        counts.update(nouns(kiwi, text))
    return counts


def words_of_questions(kiwi: Any, questions: Any) -> Counter[str]:
    """Nouns of the question family's contexts, counted per article (its paragraphs are one
    document); contexts that a held-out question is about are left out."""
    articles: dict[str, list[str]] = {}
    for k in questions.open_contexts:
        title, context = questions.contexts[k]
        articles.setdefault(title, []).append(context)
    return document_counts(kiwi, ("\n".join(texts) for _title, texts in sorted(articles.items())))


def words_of_posts(kiwi: Any, posts_dir: Path, seed: int, sample: int = SOURCE_POSTS) -> Counter[str]:
    """Nouns of a random sample of the posts of ``posts_dir`` (title and body), counted per post."""
    from sokbo.indexer.reader import iter_post_files, read_post
    from sokbo.indexer.site import Site

    files = iter_post_files(posts_dir)
    files = sorted(random.Random(f"{seed}/newword-source").sample(files, min(sample, len(files))))
    site = Site.from_posts_dir(posts_dir)
    posts = [r.post for r in (read_post(f, site) for f in files) if r.post is not None]
    return document_counts(kiwi, (f"{p.title}\n{p.body}" for p in posts))


def common_words(kiwi: Any, corpus: Corpus, top: int = 300) -> list[str]:
    """Words the posts do contain, often: Hangul words of 2–4 syllables in at least
    max(2, n/100) posts that Kiwi reads alone as one common noun (NNG), most frequent first."""
    floor = max(2, len(corpus.posts) // 100)
    frequent = sorted(
        (w for w, df in corpus.df.items() if df >= floor and 2 <= len(w) <= 4 and _HANGUL.fullmatch(w)),
        key=lambda w: (-corpus.df[w], w),
    )
    found = []
    for word in frequent:
        tokens = kiwi.tokenize(word)
        if len(tokens) == 1 and tokens[0].tag == "NNG" and tokens[0].form == word:
            found.append(word)
            if len(found) == top:
                break
    return found


def newword_queries(corpus: Corpus, counts: Counter[str], common: list[str], per_set: int, seed: int) -> list[Query]:
    """Up to ``per_set`` queries of one word that no post contains (in at least
    :data:`MIN_DOCUMENTS` source documents), a :data:`WITH_COMMON` share of them with one of
    ``common`` added, the two in random order."""
    rng = random.Random(f"{seed}/newword")
    pool = sorted(w for w, c in counts.items() if c >= MIN_DOCUMENTS)
    rng.shuffle(pool)
    queries: list[Query] = []
    for word in pool:
        if len(queries) == per_set:
            break
        if corpus.containing_all([word]):
            continue
        text = word
        if common and rng.random() < WITH_COMMON:
            pair = [word, rng.choice(common)]
            rng.shuffle(pair)
            text = " ".join(pair)
        queries.append(Query("newword", text, "", half_of("newword", word), new_word=word))
    return queries


def is_single(query: Query) -> bool:
    """Whether a newword query is the new word alone (else it has a common word too)."""
    return query.text == query.new_word
