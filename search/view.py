"""Per-document values of one index version (dates, categories, near-duplicate clusters,
field lengths, words as written), read from its columns when a searcher opens (segment by
segment, each read once: :mod:`~sokbo.search.segments`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
        """The view of ``reader``'s index read from scratch (a service keeps a
        :class:`~sokbo.search.segments.ViewCache` instead, which reads only new segments)."""
        from .segments import ViewCache  # here, not at import: ``sokbo index`` never loads NumPy

        return ViewCache().view(reader)
