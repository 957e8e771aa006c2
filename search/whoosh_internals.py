"""Whoosh 2.7.4's private internals that sokbo uses, in one module that checks the version.

sokbo reads posting lists a block at a time (:mod:`~sokbo.search.matching`), publishes the
segments its worker processes wrote in one commit (:mod:`~sokbo.search.writer`), reads a
field's terms straight from the terms file (:mod:`~sokbo.search.lexicon`) and takes BM25F's
per-field length normalisation (:mod:`~sokbo.search.matching`). None of that is Whoosh's
public API, so every private name is touched here and nowhere else, and importing sokbo with
any other Whoosh fails at once with a message, instead of misreading an index. The one other
place is :mod:`~sokbo.search.codec`, which extends Whoosh's own codec classes (subclasses
see their parents' attributes) and imports this module for the same check.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import whoosh
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn, TranslatingColumnReader, VarBytesColumn
from whoosh.matching.wrappers import FilterMatcher

PINNED = (2, 7, 4)
"""The one Whoosh release whose internals this module knows (pyproject.toml pins it)."""

if tuple(whoosh.__version__) != PINNED:
    raise ImportError(
        f"sokbo needs Whoosh {'.'.join(map(str, PINNED))} exactly (it reads Whoosh's internals: "
        f"search/whoosh_internals.py), but Whoosh {whoosh.versionstring()} is installed: "
        f"pip install 'Whoosh=={'.'.join(map(str, PINNED))}'"
    )


# -- posting lists (matching) ---------------------------------------------------------


def block_matcher(matcher: Any) -> Any | None:
    """The matcher of a posting list stored in blocks by sokbo's codec, deletions unwrapped
    (the caller masks deleted documents itself); None for anything else (a short list stored
    inline). Read its blocks with :func:`blocks`, each one's arrays with its ``block()``."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher if isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "block") else None


def blocks(matcher: Any) -> Iterator[Any]:
    """``matcher`` (from :func:`block_matcher`) moved to each of its blocks in turn; its
    ``block_max_id()`` is the block's last docnum (known without decoding the block)."""
    while True:
        yield matcher
        if matcher._lastblock:
            return
        matcher._next_block()


def unwrap_deletions(matcher: Any) -> Any:
    """A posting list's matcher without the filter that skips deleted documents."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def field_b(weighting: Any, field: str) -> float:
    """BM25F's length normalisation ``B`` for ``field`` (its per-field value, else the default)."""
    return weighting._field_B.get(field, weighting.B)


def column_values(reader: Any, name: str) -> list[Any]:
    """Every document's value of the column ``name`` of a segment's ``reader``, in docnum order,
    as ``list(reader.column_reader(name))`` gives them, but read in one piece: Whoosh reads one
    value a read, 1.4 million reads when a 100,000-post index opens."""
    column = reader.column_reader(name)
    translating = isinstance(column, TranslatingColumnReader)
    raw = column.raw_column() if translating else column
    values = _raw_values(raw)
    if values is None:
        return list(column)
    return list(map(column._translate, values)) if translating else values


def _raw_values(raw: Any) -> list[Any] | None:
    """The values of a variable-bytes or numeric column reader, read at once (None: another kind)."""
    if type(raw) is VarBytesColumn.Reader:  # the values one after another, in docnum order
        lengths = raw._lengths
        data = raw._dbfile.get(raw._basepos, sum(lengths))
        ends = list(accumulate(lengths))
        return [data[end - length : end] for end, length in zip(ends, lengths)]
    if type(raw) is NumericColumn.Reader and not raw._reverse:  # fixed width, then defaults
        count = raw._count
        data = raw._dbfile.get(raw._basepos, count * raw._fixedlen)
        values = list(struct.unpack(f"!{count}{raw._typecode}", data)) if count else []
        return values + [raw._default] * (raw._doccount - count)
    return None


def field_length_bytes(reader: Any, field: str) -> list[int] | None:
    """Each document's length of ``field`` in a segment's ``reader``, as the byte Whoosh
    stores (``whoosh.util.numeric.byte_to_length`` decodes it; 0: no such field in that
    document), read at once; None when the segment stores no lengths of ``field`` (or when
    ``reader`` is an empty index's, which has no segment)."""
    perdoc = getattr(reader, "_perdoc", None)
    return None if perdoc is None else length_bytes(perdoc, field)


def length_bytes(perdoc: Any, field: str) -> list[int] | None:
    """:func:`field_length_bytes` of a per-document reader (None: no lengths of ``field``)."""
    column = length_column(perdoc, field)
    return None if column is None else (_raw_values(column) or list(column))


def length_column(perdoc: Any, field: str) -> Any | None:
    """The column of ``field``'s lengths (one byte a document) of a per-document reader."""
    from whoosh.codec import whoosh3

    return perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)


# -- segments (writer) ----------------------------------------------------------------


def finalize_segment(writer: Any) -> Any:
    """Write a worker's segment files without committing them; the segment, to publish."""
    return writer._finalize_segment()


def discard_segment(writer: Any) -> None:
    """Close a writer's own (empty) segment without writing it."""
    writer._close_segment()


def publish_segments(writer: Any, segments: list[Any], *, merge: bool) -> None:
    """Commit the index's current segments (with the writer's deletions; small ones merged
    when ``merge``, as Whoosh's ``commit`` does), the writer's own new segment and ``segments``
    in one table-of-contents write. Then :func:`release` the writer."""
    kept = writer._merge_segments(None, False, merge)
    if writer._added:
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(kept + segments)


def release(writer: Any) -> None:
    """Finish a writer whose table of contents was written: release its lock."""
    writer._finish()


# -- terms (lexicon) ------------------------------------------------------------------


def term_table(leaf: Any, field: str) -> tuple[Any, int]:
    """A segment's terms table (a hash file of every field's terms in order) and the number
    by which ``field``'s terms are keyed in it; KeyError when the segment has no such field."""
    return leaf._terms._tindex, leaf._terms._fieldmap[field]


# -- segments (caches) ----------------------------------------------------------------


def segment_id(leaf: Any) -> str | None:
    """The id of the segment a leaf reader reads: stable for as long as the segment exists, so
    what is derived from it can be kept across commits. None for a reader without segments
    (an empty index)."""
    try:
        return str(leaf.segment().segment_id())
    except Exception:  # noqa: BLE001 - not a segment reader
        return None
