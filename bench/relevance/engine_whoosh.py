"""Baseline: Whoosh 2.7.4 with its StandardAnalyzer, the naive version of this project.

Same three fields and BM25F weights as sokbo (title 4, summary 1.5, body 1), no Korean
analysis: Whoosh's own tokenizer, lowercasing and English stop words. Queries go through
Whoosh's MultifieldParser with its default AND grouping; quotes make phrases natively.
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

from corpus import Corpus, summary
from engine import MAX_RANK, Answer

WEIGHTS = {"title": 4.0, "summary": 1.5, "body": 1.0}


class WhooshEngine:
    name = "whoosh"

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.searcher: Any = None
        self.parser: Any = None

    def analyzer(self) -> Any:
        """The analyzer of every text field."""
        from whoosh.analysis import StandardAnalyzer

        return StandardAnalyzer()

    def parser_options(self) -> dict[str, Any]:
        """Options of the MultifieldParser beyond the fields and schema (its default AND group)."""
        return {}

    def text(self, value: str) -> str:
        """A post's field or a query, as this engine indexes and parses it."""
        return value

    def build(self, corpus: Corpus) -> None:
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema
        from whoosh.qparser import MultifieldParser

        analyzer = self.analyzer()
        fields = {name: TEXT(analyzer=analyzer, field_boost=w) for name, w in WEIGHTS.items()}
        schema = Schema(id=ID(stored=True, unique=True), **fields)
        self._tmp = tempfile.TemporaryDirectory(prefix=f"relevance-{self.name}-")
        ix = index.create_in(self._tmp.name, schema)
        writer = ix.writer(limitmb=256, procs=1)
        for post in corpus.posts:
            writer.add_document(id=post.id, title=self.text(post.title), summary=self.text(summary(post)), body=self.text(post.body))
        writer.commit()
        self.searcher = ix.searcher()
        self.parser = MultifieldParser(list(WEIGHTS), schema, **self.parser_options())

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        started = time.perf_counter()
        results = self.searcher.search(self.parser.parse(self.text(text)), limit=MAX_RANK)
        ms = (time.perf_counter() - started) * 1000
        return Answer([hit["id"] for hit in results], ms)

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        if self._tmp is not None:
            self._tmp.cleanup()
