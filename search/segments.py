"""A searcher's view of the index, kept segment by segment: a commit reads only its new segments.

Whoosh keeps an index as segments that never change once written, but for which of their
documents are deleted. A commit adds a segment (and Whoosh's merge policy may replace a few
small ones with one merged segment); a reader numbers documents segment after segment (a
document's docnum is its segment's offset plus its docnum in the segment). So what a view
derives from a segment's columns (:class:`SegmentValues`) is read once and kept by segment
while the segment is in the index; a new view joins the segments' values at their offsets
(:class:`Joined`, kept while the segments are the same) and applies the commit's deletions
(:class:`ViewCache`). The near-duplicate clusters of the segments are kept up to date by
:class:`~sokbo.search.dedup.Clustering`.

Each view is exactly what :meth:`IndexView.read <sokbo.search.view.IndexView.read>` of the
whole index gives (tests check it after adds, deletions, updates and merges).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import dedup
from .document import order_key
from .matching import field_lengths
from .schema import GRAM_FIELDS, MORPHEME_FIELDS, split_categories
from .view import IndexView
from .whoosh_internals import column_values
from .words import WordIndex, WordTable

DateKey = str
"""A post's place in date order: :func:`.document.order_key` of its timestamp and id."""


@dataclass(frozen=True)
class SegmentValues:
    """What a view derives from one segment (by the segment's docnums, deleted ones included)."""

    n: int
    categories: list[tuple[str, ...]]
    months: list[str]
    days: list[int]
    ids: list[str]
    dates: list[DateKey]
    by_date: list[int]
    """The segment's docnums in date order (equal dates by docnum)."""
    by_category: dict[str, np.ndarray]
    by_month: dict[str, np.ndarray]
    sketches: dedup.Sketches
    lengths: dict[str, np.ndarray]
    words: WordTable

    @classmethod
    def read(cls, leaf: Any) -> "SegmentValues":
        """Read one segment's columns (``leaf``: a reader of that segment alone)."""
        n = leaf.doc_count_all()
        categories = [split_categories(v) for v in _column(leaf, "cats_col", n, b"")]
        months = [v.decode("ascii") for v in _column(leaf, "month", n, b"")]
        days = _column(leaf, "day", n, 0)
        ids = _column(leaf, "id", n, "")
        dates = [order_key(int(ts), i) for ts, i in zip(_column(leaf, "ts", n, 0), ids)]
        ordinals = [_ordinal(day) for day in days]
        return cls(
            n,
            categories,
            months,
            days,
            ids,
            dates,
            sorted(range(n), key=dates.__getitem__),
            _groups((d, c) for d, cs in enumerate(categories) for c in cs),
            _groups(enumerate(months)),
            dedup.Sketches.of(_column(leaf, "title_sig", n, b""), _column(leaf, "body_sig", n, b""), ordinals),
            field_lengths(leaf, MORPHEME_FIELDS + GRAM_FIELDS),
            WordTable(_column(leaf, "words_sig", n, b"")),
        )


@dataclass(frozen=True)
class Joined:
    """What a view derives from its segments alone, over the reader's docnums: everything but
    which documents are deleted (the same for every commit that only deletes)."""

    n: int
    categories: list[tuple[str, ...]]
    months: list[str]
    days: list[int]
    ids: list[str]
    order: np.ndarray
    """Docnums in date order (the next commit's starts from it)."""
    rank: list[int]
    recency: np.ndarray
    by_category: dict[str, np.ndarray]
    """Every docnum (deleted ones included) of each category."""
    by_month: dict[str, np.ndarray]
    cluster: list[int]
    clusters: np.ndarray
    """``cluster`` as a NumPy array."""
    lengths: dict[str, np.ndarray]
    words: WordIndex

    @classmethod
    def of(cls, segments: Sequence[tuple[SegmentValues, int]], clusters: np.ndarray, order: np.ndarray) -> "Joined":
        """Join ``(segment, docnum offset)`` pairs (in docnum order); ``clusters`` is each
        docnum's near-duplicate cluster, ``order`` the docnums in date order."""
        n = sum(s.n for s, _ in segments)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        fields = MORPHEME_FIELDS + GRAM_FIELDS
        return cls(
            n,
            _chain(s.categories for s, _ in segments),
            _chain(s.months for s, _ in segments),
            _chain(s.days for s, _ in segments),
            _chain(s.ids for s, _ in segments),
            order,
            rank.tolist(),
            rank.astype(float) / max(1, n - 1),
            _offset_groups((s.by_category, offset) for s, offset in segments),
            _offset_groups((s.by_month, offset) for s, offset in segments),
            clusters.tolist(),
            clusters,
            {f: np.concatenate([np.ones(0)] + [s.lengths[f] for s, _ in segments]) for f in fields},
            WordIndex.joined([(s.words, offset) for s, offset in segments]),
        )

    def view(self, live_mask: np.ndarray) -> IndexView:
        """The view of these segments when the documents of ``live_mask`` are the live ones."""
        live_docs = np.flatnonzero(live_mask)
        clusters = self.clusters[live_docs]
        shared = np.bincount(clusters, minlength=self.n)[clusters] > 1  # a live near-duplicate
        return IndexView(
            frozenset(live_docs.tolist()),
            self.categories,
            self.months,
            self.days,
            self.rank,
            self.ids,
            _live_groups(self.by_category, live_mask),
            _live_groups(self.by_month, live_mask),
            self.cluster,
            frozenset(live_docs[shared].tolist()),
            live_mask,
            self.lengths,
            self.recency,
            self.words,
        )


class ViewCache:
    """The views of one index as commits change it: each segment's values are read once, and
    kept while the segment is in the index, so a commit costs in proportion to its new
    segments (plus joining arrays). Not thread-safe: the caller holds a lock."""

    def __init__(self) -> None:
        self._segments: dict[str, SegmentValues] = {}
        self._clustering = dedup.Clustering()
        self._joined: tuple[tuple[str, ...], Joined] | None = None
        self.reads = 0
        """How many segments were read so far (tests and benchmarks)."""

    def forget(self) -> None:
        """Drop every segment's values: the next view reads every segment."""
        self._segments, self._clustering, self._joined = {}, dedup.Clustering(), None

    def view(self, reader: Any, generation: str = "") -> IndexView:
        """The view of ``reader`` (of the index generation named ``generation``: segment ids
        are unique within one)."""
        leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers() if leaf.doc_count_all()]
        keys = tuple(f"{generation}/{leaf.segment().segment_id()}" for leaf, _ in leaves)
        try:
            joined = self._join(leaves, keys)
        except BaseException:
            self.forget()  # what may be half updated
            raise
        live_mask = np.ones(joined.n, dtype=bool)
        for leaf, offset in leaves:
            if leaf.has_deletions():
                live_mask[[offset + d for d in leaf.segment().deleted_docs()]] = False
        return joined.view(live_mask)

    def _join(self, leaves: list[tuple[Any, int]], keys: tuple[str, ...]) -> Joined:
        before = self._joined
        if before is not None and before[0] == keys:
            return before[1]
        segments = {key: self._segments.get(key) or self._read(leaf) for key, (leaf, _) in zip(keys, leaves)}
        self._segments = segments  # the segments that left the index are forgotten
        self._clustering.update({key: s.sketches for key, s in segments.items()})
        offsets = {key: offset for key, (_, offset) in zip(keys, leaves)}
        ordered = [(segments[k], offsets[k]) for k in keys]
        n = sum(s.n for s in segments.values())
        kept = sum(segments[k].n for k in _common_prefix(before[0], keys)) if before else 0
        order = _date_order(ordered, kept, before[1].order if before else None)
        joined = Joined.of(ordered, self._clustering.clusters(offsets, n), order)
        self._joined = (keys, joined)
        return joined

    def _read(self, leaf: Any) -> SegmentValues:
        self.reads += 1
        return SegmentValues.read(leaf)


def _column(reader: Any, name: str, n: int, default: Any) -> list[Any]:
    if not reader.has_column(name):
        return [default] * n
    return column_values(reader, name)


def _ordinal(day: int) -> int:
    """A ``YYYYMMDD`` day number as days since year 1 (0 when there is none)."""
    try:
        return dt.date(day // 10000, day // 100 % 100, day % 100).toordinal()
    except ValueError:
        return 0


def _chain(lists: Iterable[list[Any]]) -> list[Any]:
    return list(itertools.chain.from_iterable(lists))


def _groups(pairs: Iterable[tuple[int, str]]) -> dict[str, np.ndarray]:
    """The docnums (ascending) of each value, from ``(docnum, value)`` pairs in docnum order."""
    groups: dict[str, list[int]] = {}
    for d, value in pairs:
        groups.setdefault(value, []).append(d)
    return {value: np.asarray(docs, dtype=np.int64) for value, docs in groups.items()}


def _offset_groups(parts: Iterable[tuple[dict[str, np.ndarray], int]]) -> dict[str, np.ndarray]:
    """Segments' groups joined, each segment's docnums moved by its offset."""
    joined: dict[str, list[np.ndarray]] = {}
    for groups, offset in parts:
        for value, docs in groups.items():
            joined.setdefault(value, []).append(docs + offset)
    return {value: np.concatenate(docs) for value, docs in joined.items()}


def _live_groups(groups: dict[str, np.ndarray], live_mask: np.ndarray) -> dict[str, frozenset[int]]:
    """Each group's live docnums; groups without any are left out."""
    out = {}
    for value, docs in groups.items():
        live = docs[live_mask[docs]]
        if len(live):
            out[value] = frozenset(live.tolist())
    return out


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """The keys that ``a`` and ``b`` start with alike."""
    return [x for x, _ in itertools.takewhile(lambda pair: pair[0] == pair[1], zip(a, b))]


def _date_order(segments: Sequence[tuple[SegmentValues, int]], kept: int, before: np.ndarray | None) -> np.ndarray:
    """Docnums in date order (equal dates by docnum). ``before`` is the previous commit's
    order, whose first ``kept`` docnums are the same posts: when the posts after them are
    few (a publish), each is placed in it by a binary search; else the segments' own orders
    are merged (Timsort merges runs)."""
    dates = _chain(s.dates for s, _ in segments)
    n = len(dates)
    new = _chain([d + offset for d in s.by_date] for s, offset in segments if offset >= kept)
    if before is None or not kept or len(new) > n // 8:
        runs = _chain([d + offset for d in s.by_date] for s, offset in segments)
        return np.asarray(sorted(runs, key=dates.__getitem__), dtype=np.int64)
    new.sort(key=dates.__getitem__)
    base = before[before < kept]
    places = [bisect.bisect_right(base, dates[d], key=dates.__getitem__) for d in new]
    return np.insert(base, places, new)
