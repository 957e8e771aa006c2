"""sokbo's ranking on top of BM25F: what the field weights alone get wrong.

BM25F sums each word's score over the fields, so a post whose title has one word of the query
and whose body repeats the other outranks the post whose title has them all: on the relevance
benchmark's title queries (2–3 words of the headline a reader remembers), that put the post
second or eighth in 1 query in 14. So:

* **every word in the title**: a post whose title matches every clause of the query scores
  :data:`TITLE_HAS_ALL` times more;
* **recency breaks ties**: of posts scored alike (a story republished, a template reused),
  the newer comes first (:data:`RECENCY`).

The title match uses the query's own analysis restricted to the title fields (morphemes and
title bigrams), evaluated like any query (:mod:`~sokbo.search.matching`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import query as squery
from .query import ParsedQuery, Term
from .schema import TITLE_FIELDS
from .vocabulary import Vocabulary

TITLE_HAS_ALL = 1.6
"""Score factor for a post whose title matches every clause (tuned on the benchmark's tune
half: title MRR@10 0.957 at 1.0, 0.984 at 1.15, 0.989 at 1.3, 1.000 at 1.6 and 2.0; the other
sets unchanged)."""
RECENCY = 0.02
"""The newest post's score factor over the oldest's, less one: enough to order posts scored
almost alike by date, too little to reorder any others (no set of the benchmark moved by more
than 0.006 MRR@10 between 0 and 0.1)."""


def title_query(parsed: ParsedQuery, vocabulary: Vocabulary, boosts: Mapping[Term, float] | None = None) -> Any:
    """The query for posts whose title matches every clause of ``parsed`` (None for no words)."""
    if not parsed.clauses:
        return None
    return squery.build(ParsedQuery(parsed.clauses), vocabulary, boosts=boosts, fields=TITLE_FIELDS)


def adjust(matches: Any, in_title: Any, recency: Any) -> None:
    """Apply sokbo's ranking to the BM25F scores of ``matches`` (:class:`.matching.Matches`)
    in place: ``in_title`` is the mask of posts whose title has every word, ``recency`` each
    post's place in date order in [0, 1]. Posts with a quoted phrase as typed
    (``matches.first``) stay above all others."""
    scores = matches.scores
    if in_title is not None:
        scores[in_title] *= TITLE_HAS_ALL
    scores *= 1.0 + RECENCY * recency
    first = matches.first
    if first is not None and first.any():
        others = scores[matches.mask & ~first]
        if len(others):
            scores[first] += others.max()
