"""sokbo's one scoring model: BM25F plus bounded evidence, added up.

A post's score for a query is a weighted sum of features, each in [0, 1] (:data:`WEIGHTS`):
its BM25F scaled to the best post's, the share of the query's words it has, the share its
title has, the share it has exactly as typed, how much those words as typed weigh in it,
whether it has a quoted phrase as typed, and how near each other it has the words; times
(1 + RECENCY × its place in date order), which only breaks near-ties.

Every term is a measured signal with a ceiling, so no single one can bury a post that the
others say is the right one: a post with every word in its headline and all over its body
beats a post that happens to have the words exactly as typed once. The shares weigh each word
by its rarity (an idf), and words with no content of their own (무엇을, 왜, 어떻게: see
:func:`.query.is_weak`) by :data:`WEAK` of that, so a question's question words say little.

The constants were tuned together on the tune halves of every query family of
``bench/relevance`` (reader memory of titles and bodies, multi-word inflected, questions,
titles, bodies, inflected, misspelt, 초성, phrases); each is kept only where it helps across
them. The figures are in the constants' docstrings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

WEIGHTS: dict[str, float] = {
    "bm25": 0.2,
    "grams": 0.0,
    "coverage": 3.0,
    "title": 0.3,
    "typed": 0.8,
    "typed_bare": 0.5,
    "typed_tf": 0.3,
    "typed_tf_bare": 0.3,
    "phrase": 4.0,
    "proximity": 0.0,
}
"""Each feature's weight (:func:`features`; every feature is in [0, 1]):

* ``bm25``: BM25F of the query's morphemes and bigrams, scaled to the best post's;
* ``grams``: BM25F of every character bigram of the query's words, ORed, scaled to the best
  post's: partial credit for words written another way (유년시절, 유년 시절);
* ``coverage``: the share of the query's words the post has (by morpheme or bigram);
* ``title``: the share of the query's words its title has;
* ``typed`` / ``typed_bare``: the share of the query's words it has exactly as typed, for
  words typed with a particle or ending (동맹을: the reader's wording) / typed bare (동맹),
  when it has two of them or more as typed: words as typed together say which text the
  reader recalls, one word's form alone only how it happened to be inflected;
* ``typed_tf`` / ``typed_tf_bare``: how much those words as written weigh in it (BM25's
  saturating term frequency with its length norm: one mention in a long body counts little);
* ``phrase``: it has a quoted phrase exactly as typed (quotes ask for exactly that);
* ``proximity``: how near each other it has the query's words (:func:`proximity`), read for
  the :data:`PROXIMITY_DEPTH` best posts only.
"""
RECENCY = 0.02
"""The newest post's score factor over the oldest's, less one: orders posts scored almost
alike by date, too little to reorder any others."""
WEAK = 0.1
"""How much a word with no content of its own counts in the shares and in BM25F, relative
to a content word of the same rarity."""
TYPED_FIELDS = (4.0, 0.0, 1.0)
"""Field weights (title, summary, body) in the BM25F of the words as typed (an excerpt mostly
repeats the body's first lines)."""
PROXIMITY_DEPTH = 100
"""Proximity is read for this many best posts by the other evidence (positions cost reads)."""


@dataclass
class Evidence:
    """What is known of each post (arrays over docnums) for one query, clause by clause.

    ``matched``, ``in_title`` and ``typed`` hold one boolean row per clause of the query;
    ``weak`` and ``inflected`` say which clauses have no content of their own and which were
    typed with a particle or an ending. ``bm25`` is each post's BM25F for the whole query,
    ``grams`` the BM25F of its bigrams ORed, ``typed_tf`` the weight of the words as typed of
    the inflected clauses and of the bare ones (:meth:`.words.WordIndex.saturation`), ``phrase`` the posts with a quoted phrase exactly as typed (or None)."""

    matched: np.ndarray
    in_title: np.ndarray
    typed: np.ndarray
    weak: Sequence[bool]
    inflected: Sequence[bool]
    bm25: np.ndarray
    grams: np.ndarray
    typed_tf: tuple[np.ndarray, np.ndarray]
    phrase: np.ndarray | None
    recency: np.ndarray
    near: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    """Proximity of the query's words (:func:`proximity`) for the best posts by given scores."""


def clause_weights(matched: np.ndarray, weak: Sequence[bool]) -> np.ndarray:
    """Each clause's weight in the shares: its idf over the posts that match it, times
    :data:`WEAK` for a clause with no content of its own."""
    n = matched.shape[1]
    df = matched.sum(axis=1)
    idf = np.array([math.log(1 + n / (1 + d)) for d in df])
    return idf * np.where(np.asarray(weak, dtype=bool), WEAK, 1.0)


def features(e: Evidence, among: np.ndarray) -> dict[str, np.ndarray]:
    """Every feature but proximity, over docnums, each in [0, 1] (see :data:`WEIGHTS`)."""
    weights = clause_weights(e.matched, e.weak)
    inflected = np.asarray(e.inflected, dtype=bool)
    total = weights.sum() or 1.0

    def share(rows: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
        w = weights if which is None else weights * which
        return w @ rows.astype(float) / total

    together = e.typed.sum(axis=0) >= 2  # one word's form says how it was inflected, not which text
    found = {
        "bm25": _scaled(e.bm25, among),
        "grams": _scaled(e.grams, among),
        "coverage": share(e.matched),
        "title": share(e.in_title),
        "typed": share(e.typed, inflected) * together,
        "typed_bare": share(e.typed, ~inflected) * together,
        "typed_tf": e.typed_tf[0] * together,
        "typed_tf_bare": e.typed_tf[1] * together,
    }
    if e.phrase is not None:
        found["phrase"] = e.phrase.astype(float)
    return found


def score(e: Evidence, among: np.ndarray) -> np.ndarray:
    """Each post's score (0 outside ``among``, the posts that match)."""
    scores = np.zeros(len(among))
    for name, values in features(e, among).items():
        if WEIGHTS[name]:
            scores += WEIGHTS[name] * values
    if WEIGHTS["proximity"] and e.near is not None:
        scores += WEIGHTS["proximity"] * e.near(scores, among)
    scores *= 1.0 + RECENCY * e.recency
    scores[~among] = 0.0
    return scores


def proximity(where: Sequence[Sequence[int]], clauses: int) -> float:
    """How near each other the query's words are in a post, in [0, 1]: the words it has over
    the narrowest stretch of words that holds one of each, times the share of the query's
    ``clauses`` it has (``where`` holds the positions of each word it has). 1 for every word
    next to each other; 0 for fewer than two.

    Example:
        >>> proximity([[3], [4]], 2), proximity([[3], [10]], 2), proximity([[3, 20], [19]], 3)
        (1.0, 0.25, 0.6666666666666666)
    """
    present = [sorted(p) for p in where if p]
    if len(present) < 2:
        return 0.0
    events = sorted((p, i) for i, ps in enumerate(present) for p in ps)
    need, have, left, best = len(present), {}, 0, math.inf
    for right, (pos, i) in enumerate(events):
        have[i] = have.get(i, 0) + 1
        while len(have) == need:
            best = min(best, pos - events[left][0] + 1)
            j = events[left][1]
            have[j] -= 1
            if not have[j]:
                del have[j]
            left += 1
    return need / best * need / clauses


def _scaled(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """``values`` divided by their largest among ``among`` (all zeros stay zeros)."""
    best = float(values[among].max()) if among.any() else 0.0
    return values / best if best > 0 else np.zeros_like(values, dtype=float)
