"""Which posts have a word exactly as written (동맹을, not 동맹), and how often: for ranking,
not matching.

Matching is by morphemes (동맹 finds 동맹을), but among the posts that match, one that has the
query's words as typed, and where her very words weigh most, is more likely the one a reader
recalls by its wording (:mod:`~sokbo.search.scoring`). A post's
distinct words are kept at index time in a column (:func:`sketch_words`): for each word, its
32-bit hash and how often it is written in the title, the summary and the body. When a
searcher opens, each segment's become one array sorted by hash (:class:`WordTable`, kept
while the segment lives), where the posts of a word and their counts are a binary search
away (:class:`WordIndex`: one search per segment). A Whoosh field of the same words
cost 12% more build time and 32% more disk (measured on 600 corpus posts and the corpus):
every distinct word of every post a posting. A hash collision can only reorder posts that
match anyway, never make one match.
"""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from whoosh.scoring import BM25F

from .analysis import written_words

FIELDS = ("title", "summary", "body")
"""The parts of a post whose words are counted, in the order of a record's counts."""
_RECORD = [("hash", "<u4"), ("title", "u1"), ("summary", "u1"), ("body", "u1")]
"""One word of one post: its hash, then its count in each of :data:`FIELDS` (at most 255)."""
_PACK = struct.Struct("<IBBB")
_MAX_COUNT = 255
K1, B = BM25F().K1, BM25F().B
"""BM25's term-frequency saturation and length normalisation: Whoosh's, as for the morphemes."""


def word_hash(word: str) -> int:
    """The 32-bit hash under which a word (as :func:`.analysis.written_words` gives it) is kept."""
    return zlib.crc32(word.encode("utf-8"))


def sketch_words(title: str, summary: str, body: str) -> bytes:
    """A post's distinct words as written with their counts per field, sorted by hash (its
    ``words_sig`` column): 7 bytes a word, as :data:`_RECORD` (packed here without NumPy,
    which ``sokbo index`` never loads)."""
    t, s, b = (Counter(map(word_hash, written_words(text))) for text in (title, summary, body))
    pack, most = _PACK.pack, _MAX_COUNT
    return b"".join(pack(h, min(t[h], most), min(s[h], most), min(b[h], most)) for h in sorted(t.keys() | s.keys() | b.keys()))


class WordTable:
    """One segment's words as written: every (word hash, post, counts) record, by hash.

    Segments never change, so a searcher keeps each one's table from commit to commit and a
    new commit sorts only its own new segment's words (:meth:`WordIndex.joined`). Each hash
    is kept once, with where its records start (a word has many posts), and a post as two
    bytes in a segment of at most 65,536: 5 bytes a record instead of 11 (at 100k posts,
    28 million records: 140 MB instead of 300).
    """

    def __init__(self, sketches: Sequence[bytes]) -> None:
        import numpy as np

        dtype = np.dtype(_RECORD)
        sizes = np.fromiter((len(s) // dtype.itemsize for s in sketches), dtype=np.int64, count=len(sketches))
        records = np.frombuffer(b"".join(sketches), dtype=dtype)
        tf = np.stack([records[name] for name in FIELDS], axis=1)
        self.n = len(sketches)
        self.lengths = _sums(tf, sizes)
        """Each post's number of words in each field (docnum × field)."""
        # By hash, then by record (so by post): one sort of a unique 64-bit key, no stable argsort.
        key = (records["hash"].astype(np.uint64) << np.uint64(32)) | np.arange(len(records), dtype=np.uint64)
        key.sort()
        order = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
        hashes = (key >> np.uint64(32)).astype(np.uint32)
        del key
        first = np.flatnonzero(np.concatenate([[True], hashes[1:] != hashes[:-1]])[: len(hashes)])
        self.hashes = hashes[first]
        """Each hash once, ascending."""
        self.starts = np.append(first, len(hashes))
        """Where each hash's records start (and, last, where the records end)."""
        post = np.repeat(np.arange(self.n, dtype=np.uint16 if self.n <= 1 << 16 else np.int32), sizes)
        self.docs = post[order]
        """Each record's post (ascending among a hash's records)."""
        self.tf = tf[order]

    def find(self, word: str) -> slice:
        """The records of ``word``."""
        h = self.hashes.dtype.type(word_hash(word))  # a Python int would convert the whole array
        i = int(self.hashes.searchsorted(h))
        if i < len(self.hashes) and self.hashes[i] == h:
            return slice(int(self.starts[i]), int(self.starts[i + 1]))
        return slice(0, 0)


_SUM_RECORDS = 1 << 20
"""Records summed at a time by :func:`_sums`. Summed in one go, a segment's 14 million records
were first widened to 64 bits whole: 336 MB of new memory at each server start, and its page
faults took 1.5-3.4 s a segment, against 0.04 s a slice at a time."""


def _sums(tf: Any, sizes: Any) -> Any:
    """Each post's counts summed over its records (``sizes[i]`` records each, in order), as
    floats (posts × fields), a bounded slice of records at a time."""
    import numpy as np

    out = np.zeros((len(sizes), tf.shape[1]))
    starts = np.cumsum(sizes) - sizes
    first = 0
    while first < len(sizes):
        last = int(np.searchsorted(starts, starts[first] + _SUM_RECORDS, side="right"))  # one post at least
        has = first + np.flatnonzero(sizes[first:last])
        if len(has):
            base = starts[first]
            out[has] = np.add.reduceat(tf[base : starts[last - 1] + sizes[last - 1]], starts[has] - base, axis=0, dtype=np.int64)
        first = last
    return out


class WordIndex:
    """Every post's words as written, by hash: which posts have a word, and how often.

    Made of one :class:`WordTable` per segment, each at its segment's docnum offset: a word is
    a binary search in each (a query looks up a few words), and a commit adds a table.

    Example:
        >>> index = WordIndex([sketch_words("동맹을 강화", "", "동맹을"), sketch_words("", "동맹 강화", ""), b""])
        >>> index.posts_with("동맹을").tolist(), index.posts_with("강화").tolist()
        ([0], [0, 1])
        >>> index.counts("동맹을")
        (array([0], dtype=int32), array([[1, 0, 1]], dtype=uint8))
    """

    def __init__(self, sketches: Sequence[bytes]) -> None:
        """The index of these posts' sketches (docnums 0, 1, …), as one table."""
        self._join([(WordTable(sketches), 0)])

    @classmethod
    def joined(cls, parts: Sequence[tuple[WordTable, int]]) -> "WordIndex":
        """The index of segments' tables, each ``(table, docnum offset)`` in docnum order."""
        index = cls.__new__(cls)
        index._join(parts)
        return index

    def _join(self, parts: Sequence[tuple[WordTable, int]]) -> None:
        import numpy as np

        expected = 0
        for table, offset in parts:
            assert offset == expected, "segments in docnum order, without gaps"
            expected += table.n
        self._parts = [(table, np.int32(offset)) for table, offset in parts]
        self.n = expected
        self.lengths = np.concatenate([t.lengths for t, _ in parts]) if parts else np.zeros((0, len(FIELDS)))
        """Each post's number of words in each field (docnum × field)."""
        live = self.lengths.sum(axis=1) > 0
        self._average = self.lengths[live].mean(axis=0) if live.any() else np.ones(len(FIELDS))

    def posts_with(self, word: str) -> Any:
        """Docnums (ascending) of the posts that have ``word`` as written."""
        return self.counts(word)[0]

    def counts(self, word: str) -> tuple[Any, Any]:
        """The posts that have ``word`` as written, and its count in each of their fields."""
        import numpy as np

        found = [(table, offset, table.find(word)) for table, offset in self._parts]
        docs = [table.docs[records].astype(np.int32) + offset for table, offset, records in found]
        tf = [table.tf[records] for table, _, records in found]
        if not docs:
            return np.zeros(0, dtype=np.int32), np.zeros((0, len(FIELDS)), dtype=np.uint8)
        return np.concatenate(docs), np.concatenate(tf)

    def mask_with_all(self, words: Sequence[str]) -> Any:
        """A boolean array over docnums: the posts that have every one of ``words``."""
        import numpy as np

        mask = np.ones(self.n, dtype=bool)
        for word in dict.fromkeys(words):
            has = np.zeros(self.n, dtype=bool)
            has[self.posts_with(word)] = True
            mask &= has
        return mask

    def mask_with_any(self, alternatives: Sequence[Sequence[str]]) -> Any:
        """A boolean array over docnums: the posts that have every word of one of ``alternatives``."""
        import numpy as np

        mask = np.zeros(self.n, dtype=bool)
        for words in alternatives:
            if words:
                mask |= self.mask_with_all(words)
        return mask

    def saturation(self, words: Sequence[str], weights: Sequence[float]) -> Any:
        """How much ``words`` as written weigh in each post, over docnums, in [0, 1): for each
        word, BM25's saturating term frequency ``t / (t + K1·norm)`` of its counts boosted by
        field ``weights``, with the length norm of those fields; the mean over the words.
        Unlike a BM25F scaled to the best post's, one mention in a long body stays small
        however few posts there are."""
        import numpy as np

        unique = list(dict.fromkeys(words))
        out = np.zeros(self.n)
        if not unique:
            return out
        w = np.asarray(weights, dtype=float)
        length = self.lengths @ w
        average = float(self._average @ w) or 1.0
        norm = K1 * ((1 - B) + B * length / average)
        for word in unique:
            docs, tf = self.counts(word)
            t = tf.astype(float) @ w
            out[docs] += t / (t + norm[docs])
        return out / len(unique)
