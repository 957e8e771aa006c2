"""SearchService: the one entry point to sokbo's index, for the indexer, the web app and the CLI.

A query goes: :func:`~sokbo.search.query.parse` → Whoosh query → the documents it matches
and their BM25F scores (:func:`~sokbo.search.matching.evaluate`) → facet filters and counts
over per-document columns (:class:`IndexView`) → the best-scored page
(:func:`~sokbo.search.matching.top`) → snippets → :class:`SearchResponse`, whose
:meth:`~SearchResponse.as_dict` is the JSON body.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


from . import correction, dedup, ranking
from . import query as squery
from .analysis import get_kiwi, use_user_words
from .codec import segment_writer
from .document import Post
from .facets import FACETS, FacetValue
from .lexicon import Lexicon, LexiconCache
from .request import SearchRequest
from .schema import GRAM_FIELDS, MORPHEME_FIELDS, split_categories, to_fields
from .snippets import highlight, snippet
from .store import IndexMissing, IndexStore, Notify, ignore
from .vocabulary import Vocabulary
from .words import WordIndex
from .writer import Item, Prepare, Report, write_posts

RELOAD_CHECK_SECONDS = 1.0
"""How often a long-lived service looks for a newly published generation."""


@dataclass(frozen=True)
class Similar:
    """A near-duplicate post folded under a hit (the same story, republished)."""

    id: str
    title: str
    url: str
    date: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "url": self.url, "date": self.date}


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    url: str
    date: str
    categories: list[str]
    snippet: str
    score: float | None
    title_html: str
    image: str
    similar: list[Similar] = field(default_factory=list)
    """Near-duplicates of this post that also matched, folded under it (비슷한 기사 n건)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "title_html": self.title_html,
            "url": self.url,
            "date": self.date,
            "categories": self.categories,
            "snippet": self.snippet,
            "score": self.score,
            "image": self.image,
            "similar": [s.as_dict() for s in self.similar],
        }


@dataclass(frozen=True)
class SearchResponse:
    """One page of results with facets: :meth:`as_dict` is the JSON API's body."""

    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float
    partial: bool = False
    """True when no post had every word and these are the best partial matches."""
    suggestion: str | None = None
    """A corrected query when words of this one look misspelt (see :mod:`~sokbo.search.correction`)."""
    corrected: bool = False
    """True when the query found nothing and these are the results of ``suggestion`` instead."""
    expanded: list[str] = field(default_factory=list)
    """The words 초성 in the query were searched as (ㄱㅈㅇ → 김정은, ...)."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.request.q,
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "sort": self.request.sort,
            "took_ms": self.took_ms,
            "partial": self.partial,
            "hits": [h.as_dict() for h in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "corrected": self.corrected,
            "expanded": self.expanded,
        }


@dataclass
class IndexView:
    """Per-document values of one index generation, read once from its columns.

    Facets, filters and date sorting work on these arrays (indexed by docnum) instead of
    reading stored documents: a few milliseconds for thousands of posts.
    """

    live: frozenset[int]
    categories: list[tuple[str, ...]]
    months: list[str]
    days: list[int]
    rank: list[int]
    """Position of each docnum in date order (oldest first; ties by natural id order)."""
    ids: list[str]
    by_category: dict[str, frozenset[int]] = field(default_factory=dict)
    by_month: dict[str, frozenset[int]] = field(default_factory=dict)
    cluster: list[int] = field(default_factory=list)
    """Each docnum's near-duplicate cluster (see :mod:`~sokbo.search.dedup`)."""
    duplicates: frozenset[int] = frozenset()
    """Live docnums that have a live near-duplicate: only results with one of these fold."""
    live_mask: Any = None
    """``live`` as a NumPy bool array (for :mod:`~sokbo.search.matching`)."""
    lengths: dict[str, Any] = field(default_factory=dict)
    """Each searchable field's length per docnum, as NumPy arrays: BM25's length norm."""
    recency: Any = None
    """Each docnum's place in date order as a NumPy array, 0 the oldest, 1 the newest."""
    words: Any = None
    """Each post's words as written (:class:`~sokbo.search.words.WordIndex`)."""

    @classmethod
    def read(cls, reader: Any) -> "IndexView":
        n = reader.doc_count_all()
        live = frozenset(reader.all_doc_ids())
        categories = [split_categories(v) for v in _column(reader, "cats_col", n, b"")]
        months = [v.decode("ascii") for v in _column(reader, "month", n, b"")]
        days = list(_column(reader, "day", n, 0))
        ts = list(_column(reader, "ts", n, 0))
        ids = list(_column(reader, "id", n, ""))
        order = sorted(range(n), key=lambda d: (ts[d], _natural(ids[d])))
        rank = [0] * n
        for position, d in enumerate(order):
            rank[d] = position
        by_category: dict[str, set[int]] = {}
        by_month: dict[str, set[int]] = {}
        for d in live:
            for c in categories[d]:
                by_category.setdefault(c, set()).add(d)
            by_month.setdefault(months[d], set()).add(d)
        ordinals = [_ordinal(day) for day in days]
        cluster = dedup.clusters(list(_column(reader, "title_sig", n, b"")), list(_column(reader, "body_sig", n, b"")), ordinals)
        members: dict[int, list[int]] = {}
        for d in live:
            members.setdefault(cluster[d], []).append(d)
        duplicates = frozenset(d for group in members.values() if len(group) > 1 for d in group)
        live_mask = matching().np.zeros(n, dtype=bool)
        live_mask[list(live)] = True
        lengths = matching().field_lengths(reader, MORPHEME_FIELDS + GRAM_FIELDS)
        return cls(
            live,
            categories,
            months,
            days,
            rank,
            ids,
            {c: frozenset(s) for c, s in by_category.items()},
            {m: frozenset(s) for m, s in by_month.items()},
            cluster,
            duplicates,
            live_mask,
            lengths,
            matching().np.asarray(rank, dtype=float) / max(1, n - 1),
            WordIndex(list(_column(reader, "words_sig", n, b""))),
        )


def _index_term_check(searcher: Any) -> Callable[[str], bool]:
    """A check of whether the index has a word as a term of a morpheme field (for
    :func:`.query.whole_word`)."""

    def known(word: str) -> bool:
        return any(searcher.doc_frequency(f, word) for f in MORPHEME_FIELDS)

    return known


def matching() -> Any:
    """:mod:`~sokbo.search.matching`, imported on first search: ``sokbo index`` never loads NumPy."""
    from . import matching as module

    return module


def _column(reader: Any, name: str, n: int, default: Any) -> Iterable[Any]:
    if not reader.has_column(name):
        return [default] * n
    return list(reader.column_reader(name))


def _ordinal(day: int) -> int:
    """A ``YYYYMMDD`` day number as days since year 1 (0 when there is none)."""
    try:
        return dt.date(day // 10000, day // 100 % 100, day % 100).toordinal()
    except ValueError:
        return 0


def _natural(s: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s))


class SearchService:
    """Search and build one sokbo index directory.

    Example:
        >>> service = SearchService("sokbo-index")                        # doctest: +SKIP
        >>> service.rebuild(posts)                                        # doctest: +SKIP
        >>> service.search(SearchRequest(q="동맹")).as_dict()["total"]     # doctest: +SKIP
        3
    """

    def __init__(self, index_dir: str | Path) -> None:
        self.store = IndexStore(index_dir)
        self._lock = threading.Lock()
        self._gen: str | None = None
        self._ix: Any = None
        self._view: IndexView | None = None
        self._view_key: tuple[str, int] | None = None
        self._toc = -1
        self._checked = 0.0
        self._local = threading.local()
        self._vocabulary = Vocabulary()
        self._meta_stamp: tuple[str, int] | None = None
        self._lexicons = LexiconCache()

    # -- building ---------------------------------------------------------------------

    def rebuild(
        self,
        items: Sequence[Item],
        prepare: Prepare[Item, Report] | None = None,
        *,
        procs: int = 1,
        on_report: Callable[[Report], None] | None = None,
        meta: dict[str, Any] | None = None,
        manifest: Callable[[], dict[str, Any]] | None = None,
        vocabulary: Vocabulary | None = None,
        wait: bool = False,
        notify: Notify | None = None,
    ) -> int:
        """Index ``items`` into a new generation and publish it atomically; returns the count.

        ``items`` are Posts, or anything ``prepare`` turns into ``(Post | None, report)``
        (run in the worker processes when ``procs`` > 1, so reading is parallel too). Each
        report goes to ``on_report`` in the parent. ``manifest()`` is called after the last
        item and saved with the generation, and so is the site's ``vocabulary`` (its user
        words analyse the posts). Until this returns, searches are served from the previous
        generation.
        """
        prepare = prepare or _as_post  # type: ignore[assignment]
        vocabulary = vocabulary or Vocabulary()
        use_user_words(vocabulary.user_words)  # before the workers fork
        with self.store.new_generation(wait=wait, notify=notify) as gen:
            count = write_posts(gen.ix, items, prepare, on_report or ignore, procs=procs)
            now = time.time()
            gen.meta.update(meta or {})
            gen.meta["vocabulary"] = vocabulary.as_meta()
            gen.meta.update({"posts": count, "built_at": now, "updated_at": now})
            gen.manifest = manifest() if manifest else {}
        self._checked = 0.0  # look at the new generation on the next search
        return count

    def update(
        self,
        posts: Iterable[Post],
        delete_ids: Iterable[str] = (),
        *,
        manifest: Callable[[], dict[str, Any]] | None = None,
        synonyms: Vocabulary | None = None,
        wait: bool = False,
        notify: Notify | None = None,
    ) -> int:
        """Replace or add ``posts`` (by id) and remove ``delete_ids`` in the live generation.

        One Whoosh commit at the end: readers see all of the change or none of it.
        ``manifest()`` is called after the last post and saved after the commit. Posts are
        analysed with the live generation's user words (other user words need a rebuild);
        the synonyms of ``synonyms``, when given, replace the live ones. Returns the number of
        posts in the index afterwards.
        """
        with self.store.edit_live(wait=wait, notify=notify) as gen:
            live = Vocabulary.from_meta(gen.meta.get("vocabulary", {}))
            use_user_words(live.user_words)
            if synonyms is not None:
                gen.meta["vocabulary"] = replace(live, synonyms=synonyms.synonyms).as_meta()
            with segment_writer(gen.ix) as writer:  # commits at the end, cancels on an exception
                for doc_id in delete_ids:
                    writer.delete_by_term("id", doc_id)
                for post in posts:
                    writer.update_document(**to_fields(post))
            count = gen.ix.doc_count()  # from the table of contents: no segment is opened
            gen.meta.update({"posts": count, "updated_at": time.time()})
            if manifest is not None:
                gen.manifest = manifest()
        self._checked = 0.0
        return count

    def writing(self, *, wait: bool = False, notify: Notify | None = None) -> Any:
        """A context that holds this index's writer lock (see :meth:`IndexStore.lock`)."""
        return self.store.lock(wait=wait, notify=notify)

    def manifest(self) -> dict[str, Any]:
        """The live generation's manifest (empty when there is no usable index)."""
        gen = self.store.current()
        return self.store.manifest(gen) if gen and self.store.usable() else {}

    def vocabulary(self) -> Vocabulary:
        """The live generation's synonyms and user words (none when there is no usable index)."""
        gen = self.store.current()
        return Vocabulary.from_meta(self.store.meta(gen).get("vocabulary", {})) if gen and self.store.usable() else Vocabulary()

    # -- reading ----------------------------------------------------------------------

    def _refresh(self) -> None:
        """Follow ``CURRENT`` to a newly published generation, and the live generation to its
        latest commit (checked at most once a second: a stat and a directory listing)."""
        now = time.monotonic()
        if self._ix is not None and now - self._checked < RELOAD_CHECK_SECONDS:
            return
        with self._lock:
            self._checked = now
            gen = self.store.current()
            if gen is None or gen != self._gen or self._ix is None:
                gen, ix = self.store.open()
                self._gen, self._ix = gen, ix
            try:
                self._toc = self._ix.latest_generation()
                stamp = (gen, self.store.meta_mtime_ns(gen))
            except OSError:  # the generation was removed under us: reopen next time
                self._checked = 0.0
                return
            if stamp != self._meta_stamp:  # saved after each commit: synonyms may have changed
                self._vocabulary = Vocabulary.from_meta(self.store.meta(gen).get("vocabulary", {}))
                if use_user_words(self._vocabulary.user_words):
                    squery.analyse.cache_clear()
                self._meta_stamp = stamp

    def _searcher(self) -> tuple[Any, IndexView]:
        """This thread's searcher of the live generation, and that generation's view."""
        self._refresh()
        local = self._local
        if getattr(local, "gen", None) != (self._gen, self._toc) or local.searcher is None:
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
            local.searcher = self._ix.searcher()
            local.gen = (self._gen, self._toc)
        searcher = local.searcher
        key = (self._gen or "", searcher.reader().generation())
        with self._lock:
            if self._view_key != key:
                self._view = IndexView.read(searcher.reader())
                self._view_key = key
            view = self._view
        assert view is not None
        return searcher, view

    def warm_up(self) -> None:
        """Load Kiwi, open the index and read its lexicon now, so the first reader does not wait seconds."""
        get_kiwi()
        self._searcher()
        self.lexicon().warm()

    def lexicon(self, *, wait: bool = False) -> Lexicon:
        """The live index's own words: did-you-mean, 초성 search and autocomplete draw from them.

        Read on first use (its words in a few tenths of a second for 6,000 posts; titles and
        lookup structures when first needed). After the index changes it is rebuilt in the
        background from the new segments only, and the previous one answers meanwhile;
        ``wait=True`` waits for the rebuild.
        """
        searcher, _view = self._searcher()
        ix, key = self._ix, (self._gen or "", searcher.reader().generation())
        return self._lexicons.get(key, ix.reader, wait=wait)

    def available(self) -> bool:
        """Whether there is an index to search."""
        try:
            self._refresh()
        except IndexMissing:
            return False
        return True

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run one search: the page of hits, its total and the facets."""
        started = time.perf_counter()
        searcher, view = self._searcher()
        parsed = squery.parse(request.q)
        lexicon = self.lexicon() if not parsed.empty else None
        parsed, expanded, boosts = correction.expand_initials(request.q, parsed, lexicon) if lexicon else (parsed, [], {})
        vocabulary = self._vocabulary
        known = _index_term_check(searcher)
        q = squery.build(parsed, vocabulary, boosts=boosts, known=known)
        partial = False
        matches = None if q is None else matching().evaluate(q, searcher, view.lengths, view.live_mask)
        if matches is not None and not matches.mask.any() and len(parsed.clauses) > 1:
            q = squery.build(parsed, vocabulary, any_clause=True, boosts=boosts, known=known)
            if q is not None:
                matches = matching().evaluate(q, searcher, view.lengths, view.live_mask)
                partial = bool(matches.mask.any())
        if matches is not None and matches.mask.any() and request.sort == "relevance":  # else dates order
            tq = ranking.title_query(parsed, vocabulary, boosts, known)
            in_title = None if tq is None else matching().evaluate(tq, searcher, view.lengths, matches.mask).mask
            typed = ranking.as_typed(parsed, view.words, matches.mask)
            ranking.adjust(matches, in_title, typed, view.recency)
        matched = view.live if matches is None else frozenset(matches.docnums())
        fix = correction.correct(request.q, lexicon, correction.post_counter(searcher, view), vocabulary) if lexicon else None
        suggestion = fix.text if fix else None
        if fix and fix.searchable and request.correct and (not matched or partial):  # no post has every word typed
            fixed = self.search(replace(request, q=suggestion, correct=False))
            if fixed.total and (not matched or not fixed.partial):  # the correction does better: show it
                took = round((time.perf_counter() - started) * 1000, 2)
                again = replace(fixed.request, q=request.q, correct=True)
                return replace(fixed, request=again, took_ms=took, suggestion=suggestion, corrected=True)

        allowed = {f.name: f.allowed(view, request) for f in FACETS}
        final = _intersect(matched, allowed.values())
        facets = {
            f.name: f.counts(view, _intersect(matched, (a for n, a in allowed.items() if n != f.name)))
            for f in FACETS
        }

        ranked = matching().np.fromiter(final, dtype=int, count=len(final)) if matches is not None else None
        if request.sort == "relevance" and (ranked is None or not matches.scores[ranked].any()):
            request = replace(request, sort="newest")  # nothing to rank by (no words, or only -words)
        start = (request.page - 1) * request.per_page
        stop = start + request.per_page
        # Near-duplicates fold under the first of them: then the whole order is needed.
        # Near-duplicates fold under the first of them: the page then starts later in the order,
        # by at most the number of posts folded away.
        copies = final & view.duplicates
        folded_away = len(copies) - len({view.cluster[d] for d in copies})
        first = 0 if copies else start
        ordered: list[tuple[int, float | None]]
        if request.sort == "relevance":
            top = matching().top(matches, ranked, first, stop + folded_away)
            ordered = [(d, round(score, 4)) for d, score in top]
        else:
            by_date = sorted(final, key=view.rank.__getitem__, reverse=request.sort != "oldest")
            ordered = [(d, None) for d in by_date[first : stop + folded_away]]
        results = _fold(ordered, copies, view) if copies else [(d, s, []) for d, s in ordered]
        total = len(final) - folded_away
        page = results[start - first : stop - first]

        terms = squery.highlight_terms(parsed, vocabulary)
        hits = [self._hit(searcher, docnum, score, terms, similar) for docnum, score, similar in page]
        took = round((time.perf_counter() - started) * 1000, 2)
        return SearchResponse(request, total, hits, facets, took, partial, suggestion, expanded=expanded)

    def _hit(self, searcher: Any, docnum: int, score: float | None, terms: list[str], similar: list[int]) -> Hit:
        stored = searcher.stored_fields(docnum)
        body, summary = stored.get("body", ""), stored.get("summary", "")
        source = body
        if terms and summary and not _contains_any(body, terms) and _contains_any(summary, terms):
            source = summary
        elif not body:
            source = summary
        return Hit(
            id=stored["id"],
            title=stored.get("title", ""),
            url=stored.get("url", ""),
            date=stored.get("date", ""),
            categories=[c for c in stored.get("categories", "").split(",") if c],
            snippet=snippet(source, terms),
            score=score,
            title_html=highlight(stored.get("title", ""), terms),
            image=stored.get("image", ""),
            similar=[_similar(searcher.stored_fields(d)) for d in similar],
        )

    def indexed_ids(self) -> set[str]:
        """Ids of every post in the live index."""
        _searcher, view = self._searcher()
        return {view.ids[d] for d in view.live}

    def stats(self) -> dict[str, Any]:
        """Posts, categories, date range, size and generation of the live index."""
        searcher, view = self._searcher()
        days = sorted(view.days[d] for d in view.live)
        gen = self._gen or ""
        meta = self.store.meta(gen)

        def iso(day: int) -> str:
            return f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}"

        return {
            "index": str(self.store.root),
            "generation": gen,
            "posts": len(view.live),
            "categories": {c: len(s) for c, s in sorted(view.by_category.items(), key=lambda kv: -len(kv[1]))},
            "first_date": iso(days[0]) if days else None,
            "last_date": iso(days[-1]) if days else None,
            "size_bytes": self.store.size_bytes(),
            "built_at": meta.get("built_at"),
            "updated_at": meta.get("updated_at", meta.get("built_at")),
        }


def _fold(
    ordered: list[tuple[int, float | None]], copies: frozenset[int], view: IndexView
) -> list[tuple[int, float | None, list[int]]]:
    """``(docnum, score, folded docnums)`` per result: each near-duplicate cluster appears once,
    at its first member in ``ordered``, carrying every other member in ``copies`` (the
    matching posts that have a near-duplicate), in the order shown, then by docnum."""
    position = {d: i for i, (d, _score) in enumerate(ordered)}
    results: list[tuple[int, float | None, list[int]]] = []
    seen: set[int] = set()
    for d, score in ordered:
        if d not in copies:
            results.append((d, score, []))
            continue
        cluster = view.cluster[d]
        if cluster in seen:
            continue
        seen.add(cluster)
        others = [m for m in copies if m != d and view.cluster[m] == cluster]
        results.append((d, score, sorted(others, key=lambda m: (position.get(m, len(position)), m))))
    return results


def _similar(stored: dict[str, Any]) -> Similar:
    return Similar(stored["id"], stored.get("title", ""), stored.get("url", ""), stored.get("date", ""))


def _as_post(post: Post) -> tuple[Post, Post]:
    return post, post


def _intersect(base: frozenset[int], filters: Iterable[frozenset[int] | None]) -> frozenset[int]:
    result = base
    for f in filters:
        if f is not None:
            result = result & f
    return result


def _contains_any(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return any(t in lowered for t in terms)
