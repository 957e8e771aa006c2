"""One search, top to bottom: parse → analyse → match → score → correct → facet → fold and
page → snippet.

:func:`search` is the whole path a query takes; each stage is a short function below it, in
the order they run, over one :class:`Snapshot` of the index (a searcher, its per-document
:class:`~sokbo.search.view.IndexView`, the site's vocabulary and the index's lexicon).
:class:`~sokbo.search.service.SearchService` only keeps the snapshot up to date and calls
:func:`search`. Where each stage's rules live:

* parse: :mod:`~sokbo.search.query` (the query language), :mod:`~sokbo.search.correction`
  (초성 expansion, did-you-mean);
* analyse and match: :mod:`~sokbo.search.query` (Korean analysis of each word into a Whoosh
  query), :mod:`~sokbo.search.matching` (posting lists as arrays, BM25F);
* score: :mod:`~sokbo.search.scoring` (the one scoring model);
* facet: :mod:`~sokbo.search.facets`; fold: :mod:`~sokbo.search.dedup`;
  snippet: :mod:`~sokbo.search.snippets`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import correction, scoring
from . import query as squery
from .facets import FACETS
from .lexicon import Lexicon
from .matching import Matches, evaluate, evaluate_each, top
from .query import ParsedQuery, Term
from .request import SearchRequest
from .response import Hit, SearchResponse, Similar
from .analysis import Analyzer, written_words
from .cache import PostingsCache
from .schema import MORPHEME_FIELDS, TITLE_FIELDS, StoredPost, from_stored
from .snippets import Marks, highlight, snippet
from .view import IndexView
from .vocabulary import Vocabulary

def required(words: int, *, question: bool = False) -> int:
    """How many of a query's content words a post must have: both of two, a majority of three
    or four, and any one of five or more, or of a question (it has a question word: 누구,
    어디, 몇): a sentence rather than a few keywords, whose answer seldom repeats most of its
    words. Posts with more of the words rank first (:data:`.scoring.WEIGHTS`' coverage). On
    the relevance benchmark's questions (test half, 481), MRR@10 0.929 with a majority of
    every query, 0.937 with a third (at least two), 0.943 with any one of five or more; on
    its tune half (519), any one of a question's words found 3 answers more in the top 10
    than a majority of its three or four (0.946 → 0.948).

    Example:
        >>> [required(n) for n in range(1, 8)], required(3, question=True)
        ([1, 2, 2, 3, 1, 1, 1], 1)
    """
    if question:
        return 1
    return words if words <= 2 else words // 2 + 1 if words <= 4 else 1


@dataclass(frozen=True)
class Snapshot:
    """What one search reads: a searcher of the live generation and what derives from it."""

    searcher: Any
    view: IndexView
    vocabulary: Vocabulary
    analyzer: Analyzer
    """Kiwi with the generation's user words, and the query analyses it remembers."""
    lexicon: Callable[[], Lexicon]
    postings: PostingsCache | None = None
    """Decoded posting lists kept across searches (by segment: valid across commits)."""


@dataclass
class Found:
    """The posts a query matches (``mask``, over docnums) and the evidence to score them."""

    mask: np.ndarray
    clauses: list[Matches]
    """Each searchable clause's matches and BM25F scores, in query order."""
    kept: list[int]
    """Which clauses of the parsed query those are (a clause with nothing searchable has none)."""
    weak: list[bool]
    partial: bool
    """No post has every content word: these are the best partial matches."""
    needed: int = 1
    """How many of the query's content words a post had to have to match: :func:`required`,
    or one when no post had that many."""


def search(request: SearchRequest, snap: Snapshot) -> SearchResponse:
    """Run one search: the page of hits, its total, the facets and any correction."""
    started = time.perf_counter()
    parsed, expanded, boosts = parse(request.q, snap)
    found = match(parsed, boosts, snap)
    fix = correction.correct(request.q, snap.lexicon(), correction.post_counter(snap.searcher, snap.view), snap.vocabulary) if not parsed.empty else None
    suggestion = fix.text if fix else None
    if fix and fix.searchable and request.correct and (found is None or not found.mask.any() or found.partial):
        fixed = search(replace(request, q=suggestion, correct=False), snap)
        if fixed.total and (found is None or not found.mask.any() or not fixed.partial):  # the correction does better
            again = replace(fixed.request, q=request.q, correct=True)
            return replace(fixed, request=again, took_ms=_since(started), suggestion=suggestion, corrected=True)
    scores = score(parsed, boosts, found, snap) if found is not None and request.sort == "relevance" else None
    matched = snap.view.live if found is None else frozenset(np.flatnonzero(found.mask).tolist())
    final, facets = facet(matched, request, snap.view)
    if request.sort == "relevance" and (scores is None or not scores[list(final)].any()):
        request = replace(request, sort="newest")  # nothing to rank by (no words, or only -words)
    page, stories = fold_and_page(final, scores, request, snap.view)
    marks = squery.highlight_marks(parsed, snap.vocabulary, snap.analyzer)
    hits = [_hit(snap.searcher, docnum, s, marks, similar) for docnum, s, similar in page]
    partial = found is not None and found.partial and bool(found.mask.any())
    return SearchResponse(
        request, len(final), hits, facets, _since(started), partial, suggestion, expanded=expanded, stories=stories
    )


# -- parse ----------------------------------------------------------------------------


def parse(q: str, snap: Snapshot) -> tuple[ParsedQuery, list[str], dict[Term, float]]:
    """The reader's query parsed, with 초성 words expanded to the index's words they stand for
    (and how likely each is meant, as a boost)."""
    parsed = squery.parse(q)
    if parsed.empty:
        return parsed, [], {}
    return correction.expand_initials(q, parsed, snap.lexicon())


# -- analyse and match ----------------------------------------------------------------


def match(parsed: ParsedQuery, boosts: dict[Term, float], snap: Snapshot) -> Found | None:
    """The posts that have enough of the query's content words (:func:`required`; any one
    when none has that many), less the excluded ones. None when the query has
    no words to match (every live post, less the excluded, matches)."""
    known, analyzer, view = _index_term_check(snap.searcher), snap.analyzer, snap.view
    queries = squery.clause_queries(parsed, snap.vocabulary, boosts=boosts, known=known, analyzer=analyzer)
    excluded = squery.excluded_query(parsed, snap.vocabulary, known, analyzer)
    if not parsed.clauses:
        q = None if excluded is None else squery.build(parsed, snap.vocabulary, known=known, analyzer=analyzer)
        return None if q is None else Found(evaluate(q, snap.searcher, view.lengths, view.live_mask, snap.postings).mask, [], [], [], False)
    kept = [i for i, q in enumerate(queries) if q is not None]
    if not kept:  # typed words, none of them searchable
        return Found(np.zeros(len(view.live_mask), dtype=bool), [], [], [], False)
    clauses = evaluate_each([queries[i] for i in kept] + ([excluded] if excluded is not None else []), snap.searcher, view.lengths, view.live_mask, snap.postings)
    allowed = ~clauses.pop().mask if excluded is not None else view.live_mask
    weak = [squery.is_weak(parsed.clauses[i], analyzer) for i in kept]
    strong = [c.mask for c, w in zip(clauses, weak) if not w] or [c.mask for c in clauses]
    count = np.sum(strong, axis=0) * allowed
    asked = any(squery.asks(parsed.clauses[i], analyzer) for i in kept)
    needed = required(len(strong), question=asked)
    mask = count >= needed
    if not mask.any():
        needed = 1
        mask = count >= needed
    return Found(mask, clauses, kept, weak, partial=not (count == len(strong)).any(), needed=needed)


def _index_term_check(searcher: Any) -> Callable[[str], bool]:
    """Whether the index has a word as a term of a morpheme field (see :func:`.query.whole_word`)."""

    def known(word: str) -> bool:
        return any(searcher.doc_frequency(f, word) for f in MORPHEME_FIELDS)

    return known


# -- score ----------------------------------------------------------------------------


def score(parsed: ParsedQuery, boosts: dict[Term, float], found: Found, snap: Snapshot) -> np.ndarray | None:
    """Each matching post's score (:func:`.scoring.score`), None when the query has no words."""
    if not found.clauses or not found.mask.any():
        return None
    view, mask, analyzer = snap.view, found.mask, snap.analyzer
    clauses = [parsed.clauses[i] for i in found.kept]
    known = _index_term_check(snap.searcher)
    titled = squery.clause_queries(ParsedQuery(clauses), snap.vocabulary, boosts=boosts, fields=TITLE_FIELDS, known=known, analyzer=analyzer)
    in_title = iter(evaluate_each([q for q in titled if q is not None], snap.searcher, view.lengths, mask, snap.postings))
    typed = [[written_words(t.text) for t in c if not (t.in_title or t in boosts)] for c in clauses]  # as the reader typed them
    inflected = [squery.is_inflected(c, analyzer) for c in clauses]
    phrases = [c.first & mask for c in found.clauses if c.first is not None]
    evidence = scoring.Evidence(
        matched=np.array([c.mask & mask for c in found.clauses]),
        in_title=np.array([next(in_title).mask if q is not None else np.zeros_like(mask) for q in titled]),
        typed=np.array([view.words.mask_with_any(alternatives) & mask for alternatives in typed]),
        weak=found.weak,
        needed=found.needed,
        inflected=inflected,
        bm25=sum(c.scores * (scoring.WEAK if w else 1.0) for c, w in zip(found.clauses, found.weak)),
        typed_weight=tuple(view.words.saturation(words, scoring.TYPED_FIELDS) for words in _typed_by_kind(typed, inflected)),
        phrase=np.logical_or.reduce(phrases) if phrases else None,
        recency=view.recency,
    )
    return scoring.score(evidence, mask)


def _typed_by_kind(typed: list[list[list[str]]], inflected: list[bool]) -> tuple[list[str], list[str]]:
    """The words as typed of the clauses typed inflected, and those of the clauses typed bare."""
    kinds: tuple[list[str], list[str]] = ([], [])
    for alternatives, kind in zip(typed, inflected):
        kinds[0 if kind else 1].extend(w for words in alternatives for w in words)
    return kinds


# -- facet ----------------------------------------------------------------------------


def facet(matched: frozenset[int], request: SearchRequest, view: IndexView) -> tuple[frozenset[int], dict[str, Any]]:
    """The posts every filter allows, and each facet's counts with the *other* filters applied."""
    allowed = {f.name: f.allowed(view, request) for f in FACETS}
    final = _intersect(matched, allowed.values())
    counts = {f.name: f.counts(view, _intersect(matched, (a for n, a in allowed.items() if n != f.name))) for f in FACETS}
    return final, counts


def _intersect(base: frozenset[int], filters: Iterable[frozenset[int] | None]) -> frozenset[int]:
    result = base
    for f in filters:
        if f is not None:
            result = result & f
    return result


# -- fold and page --------------------------------------------------------------------


def fold_and_page(
    final: frozenset[int], scores: np.ndarray | None, request: SearchRequest, view: IndexView
) -> tuple[list[tuple[int, float | None, list[int]]], int]:
    """The requested page as ``(docnum, score, folded near-duplicates)``, and the number of
    stories (results once near-duplicates fold: what the pages divide).

    Near-duplicates fold under the first of them shown: the page then starts later in the
    order, by at most the number of posts folded away."""
    start = (request.page - 1) * request.per_page
    stop = start + request.per_page
    copies = final & view.duplicates
    folded_away = len(copies) - len({view.cluster[d] for d in copies})
    first = 0 if copies else start
    ordered: list[tuple[int, float | None]]
    if request.sort == "relevance" and scores is not None:
        ranked = np.fromiter(final, dtype=int, count=len(final))
        ordered = [(d, round(s, 4)) for d, s in top(scores, ranked, first, stop + folded_away)]
    else:
        by_date = sorted(final, key=view.rank.__getitem__, reverse=request.sort != "oldest")
        ordered = [(d, None) for d in by_date[first : stop + folded_away]]
    results = _fold(ordered, copies, view, stop - first) if copies else [(d, s, []) for d, s in ordered]
    return results[start - first : stop - first], len(final) - folded_away


def _fold(
    ordered: list[tuple[int, float | None]], copies: frozenset[int], view: IndexView, want: int
) -> list[tuple[int, float | None, list[int]]]:
    """The first ``want`` results as ``(docnum, score, folded docnums)``: each near-duplicate
    cluster appears once, at its first member in ``ordered``, carrying every other member in
    ``copies`` (the matching posts that have a near-duplicate), in the order shown, then by
    docnum.

    Linear in ``ordered`` and ``copies``: at 100,000 posts a common word matches tens of
    thousands of near-duplicates, and looking for each cluster's members among all of them
    (per cluster shown) took seconds."""
    results: list[tuple[int, float | None, list[int]]] = []
    shown: dict[int, int] = {}  # cluster -> its place in results
    for d, s in ordered:
        if len(results) >= want:
            break
        if d in copies:
            if view.cluster[d] in shown:
                continue
            shown[view.cluster[d]] = len(results)
        results.append((d, s, []))
    members: dict[int, list[int]] = {c: [] for c in shown}
    for m in copies:
        if (found := members.get(view.cluster[m])) is not None:
            found.append(m)
    position = {d: i for i, (d, _score) in enumerate(ordered)}
    for cluster, i in shown.items():
        d, s, _ = results[i]
        others = [m for m in members[cluster] if m != d]
        results[i] = (d, s, sorted(others, key=lambda m: (position.get(m, len(position)), m)))
    return results


# -- snippet --------------------------------------------------------------------------


def _hit(searcher: Any, docnum: int, score: float | None, marks: Marks, similar: list[int]) -> Hit:
    """One result: its stored fields, the title and a passage with the query's words and
    phrases marked (from the summary when only it has them)."""
    stored = from_stored(searcher.stored_fields(docnum))
    source = stored.body
    if stored.summary and not marks.found_in(stored.body) and marks.found_in(stored.summary):
        source = stored.summary
    elif not stored.body:
        source = stored.summary
    return Hit(
        id=stored.id,
        title=stored.title,
        url=stored.url,
        date=stored.date,
        categories=list(stored.categories),
        snippet=snippet(source, marks),
        score=score,
        title_html=highlight(stored.title, marks),
        image=stored.image,
        similar=[_similar(from_stored(searcher.stored_fields(d))) for d in similar],
    )


def _similar(stored: StoredPost) -> Similar:
    return Similar(stored.id, stored.title, stored.url, stored.date)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
