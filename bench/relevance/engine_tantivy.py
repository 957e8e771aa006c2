"""Baseline: Tantivy (PyPI ``tantivy``, the Rust engine's official bindings) with its n-gram tokenizer.

The "Tantivy n-gram" a developer sets up for Korean: fields title, summary and body analysed
by ``TextAnalyzerBuilder(Tokenizer.ngram(min_gram=2, max_gram=2, prefix_only=False))
.filter(Filter.lowercase())`` registered as ``ngram2``, and a stored ``id`` (``raw``
tokenizer); an index in RAM, one writer (``num_threads=1``, default 128 MB heap), one commit.
Text is indexed with whitespace collapsed to single spaces (as for the fts5 baseline).

Queries go through ``index.parse_query(q, ["title", "summary", "body"], field_boosts={"title":
4, "summary": 1.5, "body": 1})`` with Tantivy's default disjunction (OR between words), BM25
per field, boosted, summed over the fields. How Tantivy's n-grams behave, as shipped:

- The n-gram tokenizer reads a field's whole text as one string (bigrams run across spaces
  and punctuation) and gives every bigram position 0.
- The query parser turns a word that analyses into several bigrams into a phrase query of
  them; with every position 0, that phrase matches a field holding all of the word's
  bigrams, anywhere. So each word's bigrams are in effect ANDed, and the words ORed.
- A quoted phrase is likewise the phrase query of all its bigrams (those across its spaces
  included), i.e. a field with all of them, in any order: not a true phrase.
- A one-character word gives no bigram and is dropped.

Escaping: each word and phrase of the query (:func:`engine.terms`) goes to the parser as a
quoted string with backslashes doubled. Inside quotes Tantivy's grammar takes every
character literally (``*``, ``(``, ``title:``, ``AND`` are text, not syntax), and for an
n-gram field a quoted word parses to the same query as the bare word, so quoting changes
only the syntax. Should the parser still refuse a query, it is retried as its letters and
digits only through ``parse_query_lenient``. ``searcher.search(q, limit=1000)`` is timed,
with the parse; the stored ids are read afterwards, untimed, until the target is found.
"""

from __future__ import annotations

import re
import time
from importlib import metadata
from typing import Any

from corpus import Corpus, summary
from engine import MAX_RANK, Answer, Unavailable, terms
from engine_whoosh import WEIGHTS
from engine_whoosh_bigram import collapse

TOKENIZER = "ngram2"
FIELDS = list(WEIGHTS)


def quoted(value: str) -> str:
    """``value`` as a Tantivy quoted string: literal text (``terms`` never leaves a ``"`` in it)."""
    return '"' + value.replace("\\", "\\\\").replace('"', "") + '"'


def to_query(text: str) -> str:
    """The query string given to Tantivy's parser: every word and phrase quoted."""
    return " ".join(quoted(value) for value, _phrase in terms(text))


def stripped(text: str) -> str:
    """The fallback: letters and digits only, each run quoted."""
    return " ".join(quoted(word) for word in re.findall(r"\w+", text))


class TantivyEngine:
    name = "tantivy"

    def __init__(self) -> None:
        """Raises :class:`Unavailable` when the ``tantivy`` package is not installed, or too old."""
        try:
            import tantivy
        except ImportError as error:
            raise Unavailable(f'the tantivy package is not installed ({error}); pip install -e ".[bench]"') from None
        if not hasattr(tantivy, "TextAnalyzerBuilder"):
            raise Unavailable(f"tantivy {metadata.version('tantivy')} cannot register an n-gram analyzer (0.22.2+ can)")
        self.tantivy: Any = tantivy
        self.index: Any = None
        self.searcher: Any = None

    def build(self, corpus: Corpus) -> None:
        tantivy = self.tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in FIELDS:
            builder.add_text_field(name, stored=False, tokenizer_name=TOKENIZER)
        self.index = tantivy.Index(builder.build())  # no path: in RAM
        analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(min_gram=2, max_gram=2, prefix_only=False))
                    .filter(tantivy.Filter.lowercase()).build())
        self.index.register_tokenizer(TOKENIZER, analyzer)
        writer = self.index.writer(num_threads=1)
        for post in corpus.posts:
            writer.add_document(tantivy.Document(id=post.id, title=collapse(post.title),
                                                 summary=collapse(summary(post)), body=collapse(post.body)))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def parse(self, text: str) -> Any:
        try:
            return self.index.parse_query(to_query(text), FIELDS, field_boosts=WEIGHTS)
        except ValueError:
            query, _errors = self.index.parse_query_lenient(stripped(text), FIELDS, field_boosts=WEIGHTS)
            return query

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        started = time.perf_counter()
        hits = self.searcher.search(self.parse(text), limit=MAX_RANK).hits
        ms = (time.perf_counter() - started) * 1000
        ids: list[str] = []
        for _score, address in hits:
            ids.append(self.searcher.doc(address)["id"][0])
            if ids[-1] in accepted:
                break
        return Answer(ids, ms)

    def close(self) -> None:
        self.searcher = None
        self.index = None
