"""Per-document values of one index generation (dates, categories, near-duplicate clusters,
field lengths, words as written), read once from its columns when a searcher opens."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import dedup
from .schema import GRAM_FIELDS, MORPHEME_FIELDS, split_categories
from .words import WordIndex


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
        import numpy as np  # here, not at import: ``sokbo index`` never loads NumPy

        from .matching import field_lengths

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
        live_mask = np.zeros(n, dtype=bool)
        live_mask[list(live)] = True
        lengths = field_lengths(reader, MORPHEME_FIELDS + GRAM_FIELDS)
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
            np.asarray(rank, dtype=float) / max(1, n - 1),
            WordIndex(list(_column(reader, "words_sig", n, b""))),
        )


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


