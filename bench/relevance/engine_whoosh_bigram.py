"""Baseline: Whoosh 2.7.4 over overlapping character bigrams, ORed: the plain Whoosh set-up for CJK.

This is what a developer writes when Whoosh's StandardAnalyzer finds nothing inside Korean
words: index every two consecutive characters and let any shared bigram match. Same three
fields and BM25F field boosts as sokbo and the ``whoosh`` baseline (title 4, summary 1.5,
body 1), no Korean analysis, no stop words.

Analyzer: ``NgramTokenizer(minsize=2, maxsize=2) | LowercaseFilter()`` (exactly Whoosh's
``NgramAnalyzer(2)``), not ``NgramWordAnalyzer(2, 2)``. Both give the same bigrams inside a
word, but ``NgramFilter`` (under NgramWordAnalyzer) leaves every bigram of a word at the
word's own position, so Whoosh's ``Phrase`` query, which needs its terms at consecutive
positions, finds nothing for any quoted phrase with a word of three or more characters (e.g.
``"대한민국 만세"``: 대한, 한민, 민국 all at one position). NgramTokenizer numbers the bigrams
one after another, so quoted phrases work as Whoosh intends. Its price is that bigrams also
run across spaces and punctuation (``늘 ``, `` 날``); those only ever match inside a quoted
phrase, since the query parser splits unquoted text into words before analysing each one.
Text is indexed with whitespace collapsed to single spaces (as for the fts5 baseline), so a
phrase matches across a line break.

Queries: ``MultifieldParser(["title", "summary", "body"], schema, group=OrGroup)``: a word
analyses into its bigrams, which the parser ORs (its ``multitoken_query`` follows the group),
and the words are ORed too; ``"..."`` is a Whoosh phrase of the bigrams. A one-character word
gives a one-character term, which matches nothing (the index holds only bigrams).
``searcher.search(q, limit=1000)`` is timed, with the parse. One writer, one commit.
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

from corpus import Corpus, summary
from engine import MAX_RANK, Answer
from engine_whoosh import WEIGHTS


def collapse(text: str) -> str:
    """Whitespace runs (line breaks included) as single spaces: bigrams across them are ``x y``."""
    return " ".join(text.split())


class WhooshBigramEngine:
    name = "whoosh_bigram"

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.searcher: Any = None
        self.parser: Any = None

    def build(self, corpus: Corpus) -> None:
        from whoosh import index
        from whoosh.analysis import LowercaseFilter, NgramTokenizer
        from whoosh.fields import ID, TEXT, Schema
        from whoosh.qparser import MultifieldParser, OrGroup

        analyzer = NgramTokenizer(minsize=2, maxsize=2) | LowercaseFilter()
        fields = {name: TEXT(analyzer=analyzer, field_boost=w) for name, w in WEIGHTS.items()}
        schema = Schema(id=ID(stored=True, unique=True), **fields)
        self._tmp = tempfile.TemporaryDirectory(prefix="relevance-whoosh-bigram-")
        ix = index.create_in(self._tmp.name, schema)
        writer = ix.writer(limitmb=256, procs=1)
        for post in corpus.posts:
            writer.add_document(id=post.id, title=collapse(post.title), summary=collapse(summary(post)),
                                body=collapse(post.body))
        writer.commit()
        self.searcher = ix.searcher()
        self.parser = MultifieldParser(list(WEIGHTS), schema, group=OrGroup)

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        started = time.perf_counter()
        results = self.searcher.search(self.parser.parse(collapse(text)), limit=MAX_RANK)
        ms = (time.perf_counter() - started) * 1000
        return Answer([hit["id"] for hit in results], ms)

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        if self._tmp is not None:
            self._tmp.cleanup()
