"""SearchService: the one entry point to sokbo's index, for the indexer, the web app and the CLI.

It builds and updates index generations (:mod:`~sokbo.search.store`, :mod:`~sokbo.search.writer`),
keeps a searcher of the live one and what derives from it up to date, and hands each search to
:mod:`~sokbo.search.pipeline`, where a query's whole path reads top to bottom.

A damaged index never takes the service down: it reads the newest generation that is whole
(saying once, in the log, which it skipped and why), and a search that meets damage anyway
raises :class:`~sokbo.search.store.IndexDamaged` (a 503) after which the next one reopens the
newest whole generation.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from . import config
from .analysis import Analyzer, analyzer_for
from .cache import PostingsCache, ResultCache
from .document import Post
from .lexicon import Lexicon, LexiconCache
from .request import BadParameter, SearchRequest
from .response import SearchResponse
from .store import IndexBusy, IndexDamaged, IndexMissing, IndexStore, IndexWriteError, Notify, Opened, Unusable
from .view import IndexView
from .vocabulary import Vocabulary
from .writer import IndexWriter

RELOAD_CHECK_SECONDS = 0.05
"""How often a long-lived service looks for a newly published generation or commit, at most
(when a search comes). A look costs a read of ``CURRENT``, a listing of the generation's
folder and a stat, ~50 µs, so even a server answering hundreds of searches a second spends
a few milliseconds a second on it; a publish should be visible well within the 2 s a site
owner waits for it, and waiting up to 0.2 s for the look was a tenth of that at 100,000 posts."""

T = TypeVar("T")


@dataclass(frozen=True)
class LiveIndex:
    """The live index as a run of the indexer finds it, to decide what the run writes."""

    usable: bool
    """There is a whole live generation to update."""
    damage: str | None
    """Why the live generation must be rebuilt (None when it is whole, or there is none)."""
    fallback: str | None
    """The generation readers are answered from while it is damaged."""
    manifest: dict[str, Any] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)


def _log(message: str) -> None:
    """Where a service says what it skipped, by default: the ``sokbo`` logger."""
    logging.getLogger("sokbo").warning("%s", message)


class SearchService:
    """Search and build one sokbo index directory.

    Example:
        >>> service = SearchService("sokbo-index")                        # doctest: +SKIP
        >>> service.rebuild(posts)                                        # doctest: +SKIP
        >>> service.search(SearchRequest(q="동맹")).as_dict()["total"]     # doctest: +SKIP
        3
    """

    def __init__(self, index_dir: str | Path, *, notify: Notify | None = None) -> None:
        """``notify`` gets each line about a damaged generation (default: the ``sokbo`` logger)."""
        self.store = IndexStore(index_dir)
        self._notify = notify or _log
        self._told: set[str] = set()
        """Lines already said: a generation skipped every second is said to be skipped once."""
        self._failure: IndexMissing | None = None
        """Why there is nothing to search, until the next check."""
        self._lock = threading.Lock()
        self._gen: str | None = None
        self._ix: Any = None
        self._view: IndexView | None = None
        self._view_key: tuple[str, int] | None = None
        self._views: Any = None
        """The :class:`~sokbo.search.segments.ViewCache` of this index: a commit reads only its new segments."""
        self._toc = -1
        self._checked = 0.0
        self._local = threading.local()
        self._vocabulary = Vocabulary()
        self._analyzer = Analyzer()
        """Kiwi with the live generation's user words, and the analyses it remembers."""
        self._meta_stamp: tuple[str, int] | None = None
        self._lexicons = LexiconCache()
        self.results = ResultCache(config.result_cache_bytes())
        """Recent responses by index version and request: readers repeat their searches."""
        postings = config.postings_cache_bytes()
        self.postings = PostingsCache(postings) if postings else None
        """Decoded posting lists by segment: what most of a search's time goes to on a large index."""

    # -- building ---------------------------------------------------------------------

    @contextmanager
    def writer(
        self,
        *,
        full: bool = False,
        vocabulary: Vocabulary | None = None,
        meta: dict[str, Any] | None = None,
        wait: bool = False,
        notify: Notify | None = None,
    ) -> Iterator[IndexWriter]:
        """A writer of this index for one run, committed when the block ends (see :mod:`.writer`).

        ``full``: into a new, empty generation that goes live atomically when the block ends,
        analysed with ``vocabulary``'s user words; until then searches are served from the
        previous one. Else into the live generation (posts replace those of the same id),
        analysed with the user words it was built with; ``vocabulary``'s synonyms, when given,
        replace its own. ``meta`` is saved with the generation, and so is ``writer.manifest``.
        An update that meets a damaged index marks it and raises :class:`IndexDamaged` (the
        next full build repairs it).

        Example:
            >>> with service.writer(full=True) as writer:                 # doctest: +SKIP
            ...     writer.add(post)
            >>> writer.posts                                              # doctest: +SKIP
            1
        """
        if full:
            with self._writing_new(vocabulary or Vocabulary(), meta, wait=wait, notify=notify) as writer:
                yield writer
        else:
            with self._writing_live(vocabulary, meta, wait=wait, notify=notify) as writer:
                yield writer
        self._checked = 0.0  # look at the new commit on the next search

    @contextmanager
    def _writing_new(
        self, vocabulary: Vocabulary, meta: dict[str, Any] | None, *, wait: bool, notify: Notify | None
    ) -> Iterator[IndexWriter]:
        with self.store.new_generation(wait=wait, notify=notify) as gen:
            analyzer_for(vocabulary.user_words)  # index-time analysis here uses it (loaded on first use)
            with IndexWriter(gen.ix, replace=False) as writer:
                yield writer
            now = time.time()
            gen.meta.update(meta or {})
            gen.meta.update({"vocabulary": vocabulary.as_meta(), "posts": writer.posts, "built_at": now, "updated_at": now})
            gen.manifest = writer.manifest or {}

    @contextmanager
    def _writing_live(
        self, vocabulary: Vocabulary | None, meta: dict[str, Any] | None, *, wait: bool, notify: Notify | None
    ) -> Iterator[IndexWriter]:
        name = self.store.current()
        try:
            with self.store.edit_live(wait=wait, notify=notify) as gen:
                live = Vocabulary.from_meta(gen.meta.get("vocabulary", {}))
                analyzer_for(live.user_words)  # index-time analysis uses it
                if vocabulary is not None:
                    gen.meta["vocabulary"] = replace(live, synonyms=vocabulary.synonyms).as_meta()
                with IndexWriter(gen.ix, replace=True) as writer:
                    yield writer
                gen.meta.update(meta or {})
                gen.meta.update({"posts": writer.posts, "updated_at": time.time()})
                if writer.manifest is not None:
                    gen.manifest = writer.manifest
        except (IndexMissing, IndexWriteError, IndexBusy):
            raise
        except Exception as exc:
            problem = self.store.check(name, thorough=True) if name else None
            if problem is None or not problem.damaged:
                raise
            self.store.mark_damaged(problem)  # the next run (or a retry) rebuilds it
            raise IndexDamaged(f"the index in {self.store.root} is damaged ({problem}): it must be rebuilt") from exc

    def rebuild(self, posts: Iterable[Post], *, vocabulary: Vocabulary | None = None, wait: bool = False) -> int:
        """Index ``posts`` into a new generation and publish it atomically; returns the count.

        Example:
            >>> service.rebuild([post])                                   # doctest: +SKIP
            1
        """
        with self.writer(full=True, vocabulary=vocabulary, wait=wait) as writer:
            for post in posts:
                writer.add(post)
        return writer.posts

    def update(self, posts: Iterable[Post], delete_ids: Iterable[str] = (), *, wait: bool = False) -> int:
        """Remove ``delete_ids``, then add ``posts`` (replacing those of the same id), in one
        commit to the live generation; returns the number of posts afterwards."""
        with self.writer(wait=wait) as writer:
            for post_id in delete_ids:
                writer.delete(post_id)
            for post in posts:
                writer.add(post)
        return writer.posts

    def live(self) -> LiveIndex:
        """What a writer finds of the live index (call it holding :meth:`writing`): whether it
        can be updated, why it must be rebuilt, its manifest and vocabulary."""
        problem = self.store.live_problem(writing=True)
        damaged = problem is not None and problem.damaged
        usable = problem is None and self.store.current() is not None
        return LiveIndex(
            usable=usable,
            damage=str(problem) if damaged else None,
            fallback=self.store.fallback() if damaged else None,
            manifest=self.manifest() if usable else {},
            vocabulary=self.vocabulary() if usable else Vocabulary(),
        )

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
        latest commit, each checked whole (at most every :data:`RELOAD_CHECK_SECONDS`: a few
        stats and a read of the small files); when it is not, fall back to the newest generation that is."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            if self._ix is not None:
                return
            if self._failure is not None:
                raise self._failure
        with self._lock:
            self._checked = now
            try:
                if not self._follow_commits():
                    self._open(self.store.open_whole())
            except IndexMissing as exc:
                self._gen, self._ix, self._failure = None, None, exc
                if isinstance(exc, IndexDamaged):
                    self._tell(str(exc))
                raise
            self._failure = None

    def _follow_commits(self) -> bool:
        """When the generation open is the live one, follow it to its latest commit (checked
        whole); False when another generation must be opened."""
        live = self.store.current()
        if self._ix is None or live is None or live != self._gen:
            return False
        try:
            toc = self._ix.latest_generation()
            stamp = (live, self.store.meta_mtime_ns(live))
        except OSError:  # the generation was removed under us
            return False
        if self.store.marked(live):  # another process (a sibling server worker) found it damaged
            return False
        if (toc, stamp) == (self._toc, self._meta_stamp):
            return True
        if self.store.check(live) is not None:
            return False
        self._toc = toc
        if stamp != self._meta_stamp:  # saved after each commit: synonyms may have changed
            self._read_vocabulary(live)
            self._meta_stamp = stamp
        return True

    def _open(self, opened: Opened) -> None:
        """Serve ``opened``, saying once which generations were skipped and why."""
        if opened.skipped:
            skipped = "; ".join(f"{p.name} ({p.reason})" for p in opened.skipped)
            self._tell(f"index {self.store.root}: skipped {skipped}; serving {opened.name}")
        if opened.name == self._gen and self._ix is not None:
            opened.ix.close()
        else:
            self._gen, self._ix = opened.name, opened.ix
            self._meta_stamp = None
        self._toc = self._ix.latest_generation()
        stamp = (opened.name, self.store.meta_mtime_ns(opened.name))
        if stamp != self._meta_stamp:
            self._read_vocabulary(opened.name)
            self._meta_stamp = stamp

    def _read_vocabulary(self, gen: str) -> None:
        self._vocabulary = Vocabulary.from_meta(self.store.meta(gen).get("vocabulary", {}))
        self._analyzer = analyzer_for(self._vocabulary.user_words)

    def _tell(self, line: str) -> None:
        """Say ``line`` (once)."""
        if line not in self._told:
            self._told.add(line)
            self._notify(line)

    def _guarded(self, call: Callable[[], T]) -> T:
        """``call()``; when it fails because the generation it read is damaged (checked
        thoroughly: every file hashed), :class:`IndexDamaged` instead, and the next call opens
        the newest generation that is whole. Any other error passes unchanged."""
        gen = self._gen
        try:
            return call()
        except (IndexMissing, BadParameter):
            raise
        except Exception as exc:
            gen = gen or self._gen
            problem = self.store.check(gen, thorough=True) if gen else None
            if problem is None:
                raise
            self._condemn(problem)
            raise IndexDamaged(f"the index in {self.store.root} is damaged ({problem}): `sokbo index` rebuilds it") from exc

    def _condemn(self, problem: Unusable) -> None:
        """Stop serving a generation a search found damaged (and mark it, so that the next
        ``sokbo index`` rebuilds it): the next call reopens."""
        self.store.mark_damaged(problem)
        with self._lock:
            if self._gen == problem.name:
                self._gen, self._ix, self._checked = None, None, 0.0
        self._tell(f"index {self.store.root}: a search met damage in {problem}; answered 503, reopening the newest whole generation")

    def _searcher(self) -> tuple[Any, IndexView]:
        """This thread's searcher of the live generation, and that generation's view."""
        for _attempt in range(2):
            self._refresh()
            with self._lock:
                gen, ix, toc = self._gen, self._ix, self._toc
            if ix is not None:
                break  # else another thread found it damaged a moment ago: reopen
        else:
            raise self._failure or IndexDamaged(f"the index in {self.store.root} is damaged: `sokbo index` rebuilds it")
        local = self._local
        if getattr(local, "gen", None) != (gen, toc) or local.searcher is None:
            # The previous searcher is not closed here: a search that started on it (an outer
            # call of this thread, one that reads the lexicon) keeps it until it is done, and
            # dropping the last reference closes its files. Closing it here made a publish that
            # landed mid-search a 500 (ReaderClosed).
            local.searcher = ix.searcher()
            local.gen = (gen, toc)
        local.ix = ix
        searcher = local.searcher
        key = (gen or "", searcher.reader().generation())
        with self._lock:
            if self._view_key != key:
                # The previous view's arrays go back to the heap here. They are not trimmed now:
                # the pages given back would be faulted in again by this very search (0.1-0.2 s
                # at 100,000 posts); the lexicon's rebuild, which every commit starts, trims once
                # both the old view and the old lexicon are gone.
                self._view = self._read_view(searcher.reader(), gen or "")
                self._view_key = key
            view = self._view
        assert view is not None
        return searcher, view

    def _read_view(self, reader: Any, gen: str) -> IndexView:
        """The view of ``reader`` (hold ``_lock``), from the segments' values kept so far."""
        if self._views is None:
            from .segments import ViewCache  # here, not at import: ``sokbo index`` never loads NumPy

            self._views = ViewCache()
        return self._views.view(reader, gen)

    def warm_up(self) -> None:
        """Load Kiwi, open the index and read its lexicon now, so the first reader does not wait seconds."""
        self._guarded(self._searcher)
        _ = self._analyzer.kiwi
        self._guarded(lambda: self.lexicon().warm())

    def lexicon(self, *, wait: bool = False) -> Lexicon:
        """The live index's own words: did-you-mean, 초성 search and autocomplete draw from them.

        Read on first use (its words in a few tenths of a second for 6,000 posts; titles and
        lookup structures when first needed). After the index changes it is rebuilt in the
        background from the new segments only, and the previous one answers meanwhile;
        ``wait=True`` waits for the rebuild.
        """
        def get() -> Lexicon:
            searcher, _view = self._searcher()
            key = (self._local.gen[0] or "", searcher.reader().generation())
            return self._lexicons.get(key, self._local.ix.reader, wait=wait)

        return self._guarded(get)

    def available(self) -> bool:
        """Whether there is an index to search."""
        try:
            self._refresh()
        except IndexMissing:
            return False
        return True

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run one search: the page of hits, its total and the facets (see :mod:`.pipeline`).

        A request already answered on this version of the index is answered from
        :attr:`results` (its ``took_ms`` is then the lookup's)."""
        from . import pipeline  # here, not at import: ``sokbo index`` never loads NumPy

        def run() -> SearchResponse:
            started = time.perf_counter()
            searcher, view = self._searcher()
            version = self._version_of(searcher)
            cached = self.results.get(version, request)
            if cached is not None:
                return replace(cached, took_ms=round((time.perf_counter() - started) * 1000, 2))
            snap = pipeline.Snapshot(searcher, view, self._vocabulary, self._analyzer, self.lexicon, self.postings)
            response = pipeline.search(request, snap)
            self.results.put(version, request, response)
            return response

        return self._guarded(run)

    def version(self) -> tuple[str, int]:
        """What the answers depend on: the live generation and its latest commit (which also
        saves its synonyms): equal versions give equal answers to equal requests (ETags use it)."""
        searcher, _view = self._guarded(self._searcher)
        return self._version_of(searcher)

    def _version_of(self, searcher: Any) -> tuple[str, int]:
        """The version ``searcher`` (this thread's, just returned by _searcher) reads."""
        gen, _toc = self._local.gen
        return (gen or "", searcher.reader().generation())

    def indexed_ids(self) -> set[str]:
        """Ids of every post in the live index."""
        _searcher, view = self._guarded(self._searcher)
        return {view.ids[d] for d in view.live}

    def stats(self) -> dict[str, Any]:
        """Posts, categories, date range, size and generation of the live index."""
        _searcher, view = self._guarded(self._searcher)
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
            "size_bytes": self.store.size_bytes(gen or None),
            "built_at": meta.get("built_at"),
            "updated_at": meta.get("updated_at", meta.get("built_at")),
        }
