"""sokbo's Whoosh codec: Whoosh 2.7.4's files, with posting blocks and positions as arrays.

Whoosh writes a posting list in blocks of up to 128 postings, each a pickled tuple of Python
ints, floats and (for a field with positions) one pickled list of positions per posting, and
a pickled header before it. At 100,000 posts, unpickling those took most of a phrase query's
time (a common word has thousands of blocks; a phrase reads the positions of each candidate).
This codec writes each block as a fixed header and packed arrays instead (:class:`Block`):
docnum deltas, weights, each posting's value length and the values one after another, and
:class:`ArrayPositions` stores a posting's positions as 4-byte integers, so a block's
postings and positions are read with one ``numpy.frombuffer`` each
(:mod:`~sokbo.search.matching`). Whoosh's own matcher interface still reads them (merges,
``all_items``), through the same subclass. The postings of other files (terms, lengths,
stored fields, columns) are Whoosh's own.

Measured on the corpus, most of a segment's commit time went to two more things this codec changes:

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

A postings file starts with :data:`MAGIC` (Whoosh's own codec starts its with another), so
Whoosh's stock reader refuses it instead of misreading it.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import accumulate
from typing import Any, NamedTuple

from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .whoosh_internals import length_bytes

INLINE_LIMIT = 8
"""Posting lists shorter than this live in the term's record (measured: 35% less commit time)."""
LIMIT_MB = 256
"""Memory for in-flight postings per writer before Whoosh spills sorted runs to disk."""


MAGIC = b"SKB1"
"""The first bytes of each posting list in blocks (Whoosh's codec writes ``W3Bl``)."""
_HEADER = struct.Struct("<iIIdBBBB")
"""A block's header: its data's length in bytes (negative: the list's last block), postings,
last docnum, highest weight, shortest and longest field length (as Whoosh's length bytes),
how weights are stored (:data:`_ONES`, :data:`_SAME`, :data:`_EACH`) and whether the data
is zlib-compressed."""
_ONES, _SAME, _EACH = 0, 1, 2
_SWAP = sys.byteorder == "big"
"""Arrays are stored little-endian; a big-endian machine swaps them on the way."""


class ArrayPositions(formats.Positions):
    """Whoosh's ``Positions`` format, each posting's positions stored as 4-byte integers
    (little-endian) instead of a pickled list of deltas: decoded in one call, and a block's
    positions, laid end to end, as one array.

    Example:
        >>> f = ArrayPositions(field_boost=2.0)
        >>> f.decode_positions(f.encode([3, 8, 20])), f.decode_frequency(f.encode([3, 8, 20]))
        ([3, 8, 20], 3)
    """

    def encode(self, poslist: Any) -> bytes:
        return _packed(array("I", poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return _unpacked("I", valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4


class Block(NamedTuple):
    """One block of a posting list as stored: arrays, decoded without a per-posting step."""

    deltas: array
    """Docnums as differences (the first from 0), ``array("I")``."""
    weights: None | float | array
    """None: every weight 1.0; a float: all the same; else ``array("f")``, one each."""
    lengths: array | None
    """Each posting's value length in bytes (``array("I")``); None: the field stores no values."""
    values: bytes
    """The postings' values end to end (for :class:`ArrayPositions`: 4-byte positions)."""


def _packed(values: array) -> bytes:
    if _SWAP:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _unpacked(typecode: str, data: bytes) -> array:
    values = array(typecode)
    values.frombytes(data)
    if _SWAP:
        values.byteswap()
    return values


class _PostingsWriter(whoosh3.W3PostingsWriter):
    def _write_block(self, last: bool = False) -> None:
        if self._byteids:  # term vectors (sokbo's schema has none): Whoosh's own blocks
            return super()._write_block(last)
        if not self._blockcount:
            self._postfile.write(MAGIC)
        self._terminfo.add_block(self)
        ids, weights, values = self._ids, self._weights, self._values
        deltas = array("I", (b - a for a, b in zip((0, *ids), ids)))
        if all(w == 1.0 for w in weights):
            kind, stored_weights = _ONES, b""
        elif all(w == weights[0] for w in weights):
            kind, stored_weights = _SAME, struct.pack("<d", weights[0])
        else:
            kind, stored_weights = _EACH, _packed(weights)
        data = _packed(deltas) + stored_weights
        if values:
            if len(values) != len(ids):  # Whoosh keeps only non-empty values: they must be all
                raise ValueError(f"{len(ids)} postings but {len(values)} values in a block of {self._terminfo!r}")
            data += _packed(array("I", map(len, values))) + b"".join(values)
        compressed = zlib.compress(data, self._compression) if self._compression else data
        is_compressed = len(compressed) < len(data)
        if is_compressed:
            data = compressed
        self._postfile.write(
            _HEADER.pack(-len(data) if last else len(data), len(ids), ids[-1], self._maxweight,
                         length_to_byte(self._minlength), length_to_byte(self._maxlength), kind, is_compressed)
        )
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def finish_postings(self) -> Any:
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo


class _LeafMatcher(whoosh3.W3LeafMatcher):
    """Whoosh's block matcher over :class:`_PostingsWriter`'s blocks; :meth:`block` gives
    the block it is at as arrays."""

    def _read_header(self) -> None:
        magic = self._postfile.get(self._startoffset, len(MAGIC))
        if magic != MAGIC:
            raise ValueError(f"not a sokbo posting list (it starts with {magic!r})")
        self._baseoffset = self._startoffset + len(MAGIC)

    def _goto(self, position: int) -> None:
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        length, count, last, weight, shortest, longest, kind, packed = _HEADER.unpack(self._postfile.get(position, _HEADER.size))
        self._lastblock = length < 0
        self._dataoffset = position + _HEADER.size
        self._nextoffset = self._dataoffset + abs(length)
        self._blocklength, self._maxid, self._maxweight, self._compression = count, last, weight, packed
        self._weightkind = kind
        self._minlength, self._maxlength = byte_to_length(shortest), byte_to_length(longest)

    def block(self) -> Block:
        """The block the matcher is at, read and decoded once."""
        if self._data is None:
            self._read_data()
        return self._data

    def _read_data(self) -> None:
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if self._compression:
            data = zlib.decompress(data)
        n, at = self._blocklength, 4 * self._blocklength
        weights: None | float | array = None
        if self._weightkind == _SAME:
            weights, at = struct.unpack_from("<d", data, at)[0], at + 8
        elif self._weightkind == _EACH:
            weights, at = _unpacked("f", data[at : at + 4 * n]), at + 4 * n
        lengths = _unpacked("I", data[at : at + 4 * n]) if at < len(data) else None
        values = data[at + 4 * n :] if lengths is not None else b""
        if at > len(data) or (lengths is not None and (len(lengths) != n or sum(lengths) != len(values))):
            # A damaged block must fail (the service then checks the generation), not misread.
            raise ValueError(f"damaged posting block at {self._dataoffset}: its sizes do not add up")
        self._data = Block(_unpacked("I", data[: 4 * n]), weights, lengths, values)

    def _read_ids(self) -> None:
        self._ids = list(accumulate(self.block().deltas))

    def _read_weights(self) -> None:
        weights = self.block().weights
        if weights is None or isinstance(weights, float):
            self._weights = array("f", [1.0 if weights is None else weights]) * self._blocklength
        else:
            self._weights = weights

    def _read_values(self) -> None:
        block = self.block()
        if block.lengths is None:
            self._values = (None,) * self._blocklength
            return
        ends = list(accumulate(block.lengths))
        self._values = tuple(block.values[end - length : end] for end, length in zip(ends, block.lengths))


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
    """Whoosh's W3 codec with posting blocks as arrays, short posting lists inlined and
    field lengths cached."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_LIMIT)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _PostingsWriter(
            dbfile, blocklimit=self._blocklimit, byteids=byteids, compression=self._compression, inlinelimit=self._inlinelimit
        )

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if not terminfo.is_inlined():
            offset, length = terminfo.extent()
            return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
        ids, weights, values = terminfo.inlined_postings()
        values = values or (None,) * len(ids)  # no values stored: one None each, as in a block
        return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _PerDocReader(storage, segment)


def segment_writer(ix: Any, **kwargs: Any) -> Any:
    """A Whoosh writer on ``ix`` that writes with :class:`SokboCodec` (use it as a context)."""
    return SegmentWriter(ix, codec=SokboCodec(), limitmb=LIMIT_MB, **kwargs)
