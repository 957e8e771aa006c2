"""sokbo's ranking on top of BM25F: what the field weights alone get wrong.

BM25F sums each word's score over the fields, so a post whose title has one word of the query
and whose body repeats the other outranks the post whose title has them all: on the relevance
benchmark's title queries (2–3 words of the headline a reader remembers), that put the post
second or eighth in 1 query in 14. So:

* **every word in the title**: a post whose title matches every clause of the query scores
  :data:`TITLE_HAS_ALL` times more;
* **every word as typed** (a query of two words or more): posts that have all of them as
  written (동맹을 for 동맹을; :mod:`~sokbo.search.words`) rank above the posts that match only
  by morphemes. Matching by morphemes finds 동맹을 for 동맹; but of the posts that match, the
  one that uses the reader's very words is the one she recalls (the relevance benchmark's body
  queries, 2–3 words of a post's body: MRR@10 0.829 → 0.913 on the held-out half, no other
  set lower than 0.01). Among those posts, the one where her words weigh most comes first:
  they are ranked by BM25F of the words as written (:data:`TYPED_WEIGHTS`), not of their
  morphemes, which also count every other form of a word. One word alone says nothing of
  the kind, and is left to BM25F;
* **recency breaks ties**: of posts scored alike (a story republished, a template reused),
  the newer comes first (:data:`RECENCY`);
* **quoted phrases as typed** stay above everything (see :mod:`~sokbo.search.matching`).

The title match uses the query's own analysis restricted to the title fields (morphemes and
title bigrams), evaluated like any query (:mod:`~sokbo.search.matching`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import query as squery
from .query import ParsedQuery, Term
from .schema import TITLE_FIELDS
from .vocabulary import Vocabulary
from .words import WordIndex

TITLE_HAS_ALL = 1.6
"""Score factor for a post whose title matches every clause (tuned on the benchmark's tune
half: title MRR@10 0.957 at 1.0, 0.984 at 1.15, 0.989 at 1.3, 1.000 at 1.6 and 2.0; the other
sets unchanged)."""
TYPED_WEIGHTS = (4.0, 0.0, 1.0)
"""Field weights (title, summary, body) of the words as typed, ranking the posts that have
them all. Tuned on the benchmark's tune half with 800 queries a set (388 body, 393 title
queries): body MRR@10 0.944 with morpheme BM25F, 0.953 with these; summary weighted 0.5, 1 or
1.5: 0.948-0.947 (an excerpt mostly repeats the body's first lines); the title at 1 instead of
4: title queries 0.988 instead of 1.000."""
TIER_MARGIN = 1.0
"""What a tier's lowest score is lifted to above the best score below the tier: strictly
above, even for a post whose words as typed score 0 (all of them in its excerpt)."""
RECENCY = 0.02
"""The newest post's score factor over the oldest's, less one: enough to order posts scored
almost alike by date, too little to reorder any others (no set of the benchmark moved by more
than 0.006 MRR@10 between 0 and 0.1)."""


def title_query(
    parsed: ParsedQuery,
    vocabulary: Vocabulary,
    boosts: Mapping[Term, float] | None = None,
    known: Callable[[str], bool] | None = None,
) -> Any:
    """The query for posts whose title matches every clause of ``parsed`` (None for no words)."""
    if not parsed.clauses:
        return None
    return squery.build(ParsedQuery(parsed.clauses), vocabulary, boosts=boosts, fields=TITLE_FIELDS, known=known)


@dataclass
class Typed:
    """The posts that have every word of a query as typed, and their BM25F for those words."""

    mask: Any
    scores: Any


def as_typed(parsed: ParsedQuery, words: WordIndex, among: Any) -> Typed | None:
    """The posts of ``among`` that have every word of ``parsed`` as typed, with the BM25F
    of those words as written, for a query of two words or more (None otherwise, or when no
    post has them all): one word as typed says little (동맹 or 동맹을 is the same topic),
    several say which text the reader recalls."""
    clauses = squery.as_typed_words(parsed)
    if len(clauses) < 2:
        return None
    mask = among.copy()
    for alternatives in clauses:
        either = words.mask_with_all(alternatives[0])
        for other in alternatives[1:]:
            either |= words.mask_with_all(other)
        mask &= either
    if not mask.any():
        return None
    typed = [w for alternatives in clauses for alternative in alternatives for w in alternative]
    return Typed(mask, words.bm25f(typed, TYPED_WEIGHTS))


def adjust(matches: Any, in_title: Any, typed: Typed | None, recency: Any) -> None:
    """Apply sokbo's ranking to the BM25F scores of ``matches`` (:class:`.matching.Matches`)
    in place: ``in_title`` is the mask of posts whose title has every word, ``typed`` the posts
    with every word as typed and their scores, ``recency`` each post's place in date order in
    [0, 1]. Posts with a quoted phrase as typed (``matches.first``) stay above all others."""
    scores = matches.scores
    if typed is not None:
        scores[typed.mask] = typed.scores[typed.mask]
    if in_title is not None:
        scores[in_title] *= TITLE_HAS_ALL
    scores *= 1.0 + RECENCY * recency
    for tier in (None if typed is None else typed.mask, matches.first):  # each above everything below it
        if tier is not None and tier.any():
            others = scores[matches.mask & ~tier]
            if len(others):
                scores[tier] += others.max() + TIER_MARGIN
