"""SearchService: the one entry point to sokbo's index, for the indexer, the web app and the CLI.

It builds and updates index generations (:mod:`~sokbo.search.store`, :mod:`~sokbo.search.writer`),
keeps a searcher of the live one and what derives from it up to date, and hands each search to
:mod:`~sokbo.search.pipeline`, where a query's whole path reads top to bottom.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .analysis import Analyzer, analyzer_for
from .codec import segment_writer
from .document import Post
from .lexicon import Lexicon, LexiconCache
from .request import SearchRequest
from .response import SearchResponse
from .schema import to_fields
from .store import IndexMissing, IndexStore, Notify, ignore
from .view import IndexView
from .vocabulary import Vocabulary
from .writer import Item, Prepare, Report, write_posts

RELOAD_CHECK_SECONDS = 1.0
"""How often a long-lived service looks for a newly published generation."""


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
        self._analyzer = Analyzer()
        """Kiwi with the live generation's user words, and the analyses it remembers."""
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
        analyzer_for(vocabulary.user_words)  # index-time analysis uses it; before the workers fork
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
            analyzer_for(live.user_words)  # index-time analysis uses it
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
                self._analyzer = analyzer_for(self._vocabulary.user_words)
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
        self._searcher()
        _ = self._analyzer.kiwi
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
        """Run one search: the page of hits, its total and the facets (see :mod:`.pipeline`)."""
        from . import pipeline  # here, not at import: ``sokbo index`` never loads NumPy

        searcher, view = self._searcher()
        return pipeline.search(request, pipeline.Snapshot(searcher, view, self._vocabulary, self._analyzer, self.lexicon))

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


def _as_post(post: Post) -> tuple[Post, Post]:
    return post, post
