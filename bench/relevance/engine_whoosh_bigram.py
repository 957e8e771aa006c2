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

from typing import Any

from engine_whoosh import WhooshEngine


def collapse(text: str) -> str:
    """Whitespace runs (line breaks included) as single spaces: bigrams across them are ``x y``."""
    return " ".join(text.split())


class WhooshBigramEngine(WhooshEngine):
    name = "whoosh_bigram"

    def analyzer(self) -> Any:
        from whoosh.analysis import LowercaseFilter, NgramTokenizer

        return NgramTokenizer(minsize=2, maxsize=2) | LowercaseFilter()

    def parser_options(self) -> dict[str, Any]:
        from whoosh.qparser import OrGroup

        return {"group": OrGroup}

    def text(self, value: str) -> str:
        return collapse(value)
