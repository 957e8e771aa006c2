"""sokbo's one scoring model: BM25F plus bounded evidence, added up.

A post's score for a query is a weighted sum of features, each in [0, 1] (:data:`WEIGHTS`):
its BM25F scaled to the best post's, the share of the query's words it has, the share its
title has (when the title alone would match the query), how much the words weigh in it
exactly as typed, the share of the words typed with
a particle that it has exactly so, and whether it has a quoted phrase as typed; times
(1 + RECENCY × its place in date order), which only breaks near-ties.

Every term is a measured signal with a ceiling, so no single one can bury a post that the
others say is the right one: a post with every word in its headline and all over its body
beats a post that happens to have the words exactly as typed once. The shares weigh each word
by its rarity (an idf), and words with no content of their own (무엇을, 왜, 어떻게: see
:func:`.query.is_weak`) by :data:`WEAK` of that, so a question's question words say little.

The weights were fitted together on the tune halves of every query family of
``bench/relevance`` (reader memory of titles and bodies, multi-word inflected, questions,
titles, bodies, inflected, misspelt, 초성, phrases; ``bench/relevance/fit.py``); a feature
is kept only where it helps across them. The figures are in :data:`WEIGHTS`' docstring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WEIGHTS: dict[str, float] = {
    "bm25": 0.1,
    "coverage": 1.5,
    "title": 0.2,
    "typed": 0.8,
    "typed_bare": 0.3,
    "typed_share": 0.8,
    "phrase": 4.0,
}
"""Each feature's weight (:func:`features`; every feature is in [0, 1]):

* ``bm25``: BM25F of the query's morphemes and bigrams, scaled to the best post's;
* ``coverage``: the share of the query's words the post has (by morpheme or bigram), each
  word weighed by its rarity;
* ``title``: the same share for its title, only when the title alone has as many of the
  query's content words as a post must have to match (:func:`titled`): a headline with one
  word of two shares a topic with the query, and BM25F's title weight already counts it;
* ``typed`` / ``typed_bare``: how much the query's words weigh in it exactly as typed, for
  words typed with a particle or an ending (동맹을: the reader's wording) / typed bare (동맹):
  BM25's saturating term frequency with its length norm, so one mention in a long body counts
  little; only when it has two of the words or more as typed (words as typed together say
  which text the reader recalls; one word's form alone only how it happened to be inflected);
* ``typed_share``: the share of the words typed with a particle or an ending that it has
  exactly so (a reader who types 연설에서 quotes the text; a bare 연설 is only a topic), under
  the same condition of two words or more;
* ``phrase``: it has a quoted phrase exactly as typed (quotes ask for exactly that).

Fitted together on the tune halves of every family of ``bench/relevance`` (12 families, 2,250
queries; ``bench/relevance/fit.py``): mean MRR@10 0.889 on the tune halves and 0.900 on the
test halves. ``typed_share`` is the one feature that costs a family something (questions
-0.007 tune, -0.002 test) for more elsewhere (reader memory of bodies +0.018 tune, +0.015
test). Measured and left out, since they helped no family but one: BM25F of every
character bigram of the query's words ORed (partial credit for 유년시절 against 유년 시절:
questions +0.003, no other family gained), and proximity, the query's words over the
narrowest stretch of a body that holds them all (titles and bodies lost up to 0.012,
questions unchanged). The same share for words typed bare too gained 0.002 on the tune
halves and 0.004 on the test halves, but let a festival report that says "대통령 사진과 연설"
once in sixty sentences beat the headline "대통령, 광복절 연설에서 통일 강조" for 대통령 연설:
bare words count only by how much they weigh.

The title share once counted any query word in a title: for 2–3 rare nouns of a body, a post
with one of them in its headline (and a piece of 수원시청점 for 시청) came above the post
whose body has them all. Counted only when the title alone would match (:func:`titled`), with
the weights unchanged (a refit moved none): bodies 0.914 → 0.920 on the test half and 0.938 →
0.949 on the tune half (800 a set: 0.940 → 0.950 and 0.938 → 0.946), reader memory of bodies
0.944 → 0.948 and 0.943 → 0.945, every other family unchanged (``run.py --half all``).
"""
RECENCY = 0.02
"""The newest post's score factor over the oldest's, less one: orders posts scored almost
alike by date, too little to reorder any others."""
WEAK = 0.1
"""How much a word with no content of its own counts in the shares and in BM25F, relative
to a content word of the same rarity."""
TYPED_FIELDS = (4.0, 0.0, 1.0)
"""Field weights (title, summary, body) in how much the words as typed weigh (an excerpt mostly
repeats the body's first lines)."""


@dataclass
class Evidence:
    """What is known of each post (arrays over docnums) for one query, clause by clause.

    ``matched``, ``in_title`` and ``typed`` (has its words as typed) hold one boolean row per
    clause of the query; ``weak`` says which clauses have no content of their own,
    ``needed`` how many of the content clauses a post had to have to match (as matching
    decided: :func:`.pipeline.required`, or one when no post had that many), ``inflected``
    which were typed with a particle or an ending. ``bm25`` is each post's
    BM25F for the whole query; ``typed_weight`` how much the words as typed weigh in it, for
    the clauses typed with a particle or an ending and for those typed bare
    (:meth:`.words.WordIndex.saturation`); ``phrase`` the posts with a quoted phrase exactly
    as typed (or None)."""

    matched: np.ndarray
    in_title: np.ndarray
    typed: np.ndarray
    weak: Sequence[bool]
    needed: int
    inflected: Sequence[bool]
    bm25: np.ndarray
    typed_weight: tuple[np.ndarray, np.ndarray]
    phrase: np.ndarray | None
    recency: np.ndarray


def clause_weights(matched: np.ndarray, weak: Sequence[bool]) -> np.ndarray:
    """Each clause's weight in the shares: an idf from how many of the query's matches have it
    (a word every match has tells them apart least), times :data:`WEAK` for a clause with no
    content of its own."""
    n = matched.shape[1]
    df = matched.sum(axis=1)
    idf = np.array([math.log(1 + n / (1 + d)) for d in df])
    return idf * np.where(np.asarray(weak, dtype=bool), WEAK, 1.0)


def features(e: Evidence, among: np.ndarray) -> dict[str, np.ndarray]:
    """Every feature, over docnums, each in [0, 1] (see :data:`WEIGHTS`)."""
    weights = clause_weights(e.matched, e.weak)
    total = weights.sum() or 1.0

    def share(rows: np.ndarray) -> np.ndarray:
        return weights @ rows.astype(float) / total

    together = e.typed.sum(axis=0) >= 2  # one word's form says how it was inflected, not which text
    found = {
        "bm25": _scaled(e.bm25, among),
        "coverage": share(e.matched),
        "title": share(e.in_title) * titled(e),
        "typed": e.typed_weight[0] * together,
        "typed_share": share(e.typed & np.asarray(e.inflected, dtype=bool)[:, None]) * together,
        "typed_bare": e.typed_weight[1] * together,
    }
    if e.phrase is not None:
        found["phrase"] = e.phrase.astype(float)
    return found


def titled(e: Evidence) -> np.ndarray:
    """Whether each post's title alone has as many of the query's content words as a post
    must have to match (``e.needed``): both of two, a majority of three or four. A title with
    one word of two shares a topic with the query; BM25F's title weight already counts that."""
    strong = ~np.asarray(e.weak, dtype=bool)
    if not strong.any():
        strong[:] = True
    return e.in_title[strong].sum(axis=0) >= e.needed


def score(e: Evidence, among: np.ndarray) -> np.ndarray:
    """Each post's score (0 outside ``among``, the posts that match)."""
    scores = np.zeros(len(among))
    for name, values in features(e, among).items():
        if WEIGHTS[name]:
            scores += WEIGHTS[name] * values
    scores *= 1.0 + RECENCY * e.recency
    scores[~among] = 0.0
    return scores


def _scaled(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """``values`` divided by their largest among ``among`` (all zeros stay zeros)."""
    best = float(values[among].max()) if among.any() else 0.0
    return values / best if best > 0 else np.zeros_like(values, dtype=float)
