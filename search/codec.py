"""sokbo's Whoosh codec: Whoosh 2.7.4's own format, with two of its costs removed.

Measured on the corpus, most of a segment's commit time went to two things this codec changes:

* **Rare terms get a block each.** Most terms of a news corpus occur in one to a few posts,
  and Whoosh wrote each such posting list as a pickled, zlib-compressed block in the postings
  file. Its codec can store short lists inside the term's own record instead (``inlinelimit``)
  but 2.7.4 calls a misspelt method there (``set_inline`` for ``set_inlined``), so any limit
  above 1 crashed. Inlined, a rare term costs no block to write and no seek to read.
  An inlined list of a field that stores no per-posting values (the ``id`` field) is read
  back with a ``None`` value per posting, as Whoosh's block reader gives: its ``ListMatcher``
  would answer ``''`` (text), which its merge of segments rejects, and list no items at all.
* **Field lengths are read one posting at a time.** Writing a posting list and scoring a
  document (BM25 needs each field's length) both ask for one document's length through a
  column reader; here each field's lengths are decoded into a list once per segment reader.

The on-disk format is Whoosh's own, so any Whoosh 2.7.4 can still read the index.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from .whoosh_internals import length_bytes

INLINE_LIMIT = 8
"""Posting lists shorter than this live in the term's record (measured: 35% less commit time)."""
LIMIT_MB = 256
"""Memory for in-flight postings per writer before Whoosh spills sorted runs to disk."""


class _PostingsWriter(whoosh3.W3PostingsWriter):
    def finish_postings(self) -> Any:
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo


class _PerDocReader(whoosh3.W3PerDocReader):
    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._lengths: dict[str, list[int | None]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            stored = length_bytes(self, fieldname)  # read at once, not one read a document
            if stored is None:
                return default
            # As Whoosh decodes them, a zero byte (no such field in that post) included.
            lengths = self._lengths[fieldname] = [byte_to_length(b) if b else None for b in stored]
        return lengths[docnum]


class SokboCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with short posting lists inlined and field lengths cached."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_LIMIT)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _PostingsWriter(
            dbfile, blocklimit=self._blocklimit, byteids=byteids, compression=self._compression, inlinelimit=self._inlinelimit
        )

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if not terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        ids, weights, values = terminfo.inlined_postings()
        values = values or (None,) * len(ids)  # no values stored: one None each, as in a block
        return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _PerDocReader(storage, segment)


def segment_writer(ix: Any, **kwargs: Any) -> Any:
    """A Whoosh writer on ``ix`` that writes with :class:`SokboCodec` (use it as a context)."""
    return SegmentWriter(ix, codec=SokboCodec(), limitmb=LIMIT_MB, **kwargs)
