"""The view of a whole index read from scratch, as sokbo read it before views were kept by
segment: the reference every kept view must equal, value for value."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from sokbo.search import dedup
from sokbo.search.matching import field_lengths
from sokbo.search.schema import GRAM_FIELDS, MORPHEME_FIELDS, split_categories
from sokbo.search.segments import _ordinal
from sokbo.search.view import IndexView
from sokbo.search.words import FIELDS, _RECORD, WordIndex, word_hash


def whole_view(reader: Any) -> IndexView:
    """Every column of ``reader`` read at once; clusters by :func:`dedup.clusters`, words by
    one :class:`WordIndex` of every post."""
    n = reader.doc_count_all()
    live = frozenset(reader.all_doc_ids())
    categories = [split_categories(v) for v in _column(reader, "cats_col", n, b"")]
    months = [v.decode("ascii") for v in _column(reader, "month", n, b"")]
    days = _column(reader, "day", n, 0)
    ts = _column(reader, "ts", n, 0)
    ids = _column(reader, "id", n, "")
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
    cluster = dedup.clusters(_column(reader, "title_sig", n, b""), _column(reader, "body_sig", n, b""), ordinals)
    members: dict[int, list[int]] = {}
    for d in live:
        members.setdefault(cluster[d], []).append(d)
    duplicates = frozenset(d for group in members.values() if len(group) > 1 for d in group)
    live_mask = np.zeros(n, dtype=bool)
    live_mask[list(live)] = True
    return IndexView(
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
        field_lengths(reader, MORPHEME_FIELDS + GRAM_FIELDS),
        np.asarray(rank, dtype=float) / max(1, n - 1),
        WholeWords(_column(reader, "words_sig", n, b"")),  # type: ignore[arg-type]
    )


def _column(reader: Any, name: str, n: int, default: Any) -> list[Any]:
    if not reader.has_column(name):
        return [default] * n
    return list(reader.column_reader(name))


def records(words: WordIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ``(hash, docnum, counts)`` record of a word index, by hash then docnum."""
    if isinstance(words, WholeWords):
        return words._hashes, words._docs, words._tf
    from sokbo.search.words import WordTable

    parts = words._parts or [(WordTable([]), 0)]
    hashes = np.concatenate([np.repeat(t.hashes, np.diff(t.starts)) for t, _ in parts])
    docs = np.concatenate([t.docs.astype(np.int32) + offset for t, offset in parts])
    tf = np.concatenate([t.tf for t, _ in parts])
    order = np.lexsort((docs, hashes))
    return hashes[order], docs[order], tf[order]


def assert_same_view(kept: IndexView, whole: IndexView, words: list[str] = ()) -> None:  # type: ignore[assignment]
    """``kept`` equals ``whole`` in every value (types included where callers rely on them),
    and its word index answers ``words`` alike."""
    for name in ("live", "categories", "months", "days", "rank", "ids", "by_category", "by_month", "cluster", "duplicates"):
        assert getattr(kept, name) == getattr(whole, name), name
    assert all(type(r) is int for r in kept.rank[:50]) and all(type(c) is int for c in kept.cluster[:50])
    assert kept.live_mask.dtype == whole.live_mask.dtype and np.array_equal(kept.live_mask, whole.live_mask)
    assert np.array_equal(kept.recency, whole.recency)
    assert kept.lengths.keys() == whole.lengths.keys()
    for field, lengths in whole.lengths.items():
        assert kept.lengths[field].dtype == lengths.dtype and np.array_equal(kept.lengths[field], lengths), field
    a, b = kept.words, whole.words
    assert a.n == b.n and np.array_equal(a.lengths, b.lengths) and np.array_equal(a._average, b._average)
    for x, y in zip(records(a), records(b)):
        assert x.dtype == y.dtype and np.array_equal(x, y)
    for word in words:
        for x, y in zip(a.counts(word), b.counts(word)):
            assert x.dtype == y.dtype and np.array_equal(x, y), word
        assert np.array_equal(a.posts_with(word), b.posts_with(word)), word
    if words:
        assert np.array_equal(a.mask_with_any([words[:2], words[2:3]]), b.mask_with_any([words[:2], words[2:3]]))
        assert np.array_equal(a.saturation(words, (4.0, 1.5, 1.0)), b.saturation(words, (4.0, 1.5, 1.0)))


class WholeWords(WordIndex):
    """sokbo's former WordIndex storage, verbatim: every post's words sorted by hash at once.
    What derives from ``counts`` (masks, saturation) is WordIndex's own, unchanged."""

    def __init__(self, sketches: Sequence[bytes]) -> None:
        import numpy as np

        dtype = np.dtype(_RECORD)
        sizes = np.fromiter((len(s) // dtype.itemsize for s in sketches), dtype=np.int64, count=len(sketches))
        records = np.frombuffer(b"".join(sketches), dtype=dtype)
        docs = np.repeat(np.arange(len(sketches), dtype=np.int32), sizes)
        tf = np.stack([records[name] for name in FIELDS], axis=1)
        self.n = len(sketches)
        self.lengths = np.stack([np.bincount(docs, weights=tf[:, i], minlength=self.n) for i in range(len(FIELDS))], axis=1)
        """Each post's number of words in each field (docnum × field)."""
        live = self.lengths.sum(axis=1) > 0
        self._average = self.lengths[live].mean(axis=0) if live.any() else np.ones(len(FIELDS))
        order = np.argsort(records["hash"], kind="stable")
        self._hashes = records["hash"][order]
        self._docs = docs[order]
        self._tf = tf[order]

    def _slice(self, word: str) -> slice:
        h = self._hashes.dtype.type(word_hash(word))  # a Python int would convert the whole array
        return slice(self._hashes.searchsorted(h, "left"), self._hashes.searchsorted(h, "right"))

    def posts_with(self, word: str) -> Any:
        """Docnums (ascending) of the posts that have ``word`` as written."""
        return self._docs[self._slice(word)]

    def counts(self, word: str) -> tuple[Any, Any]:
        """The posts that have ``word`` as written, and its count in each of their fields."""
        found = self._slice(word)
        return self._docs[found], self._tf[found]


def _natural(s: str) -> tuple[Any, ...]:
    """The oracle's own order of ids: numbers by value (as ``document.order_key`` sorts them)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s))
