"""Which posts have a word exactly as written (동맹을, not 동맹), and how often: for ranking,
not matching.

Matching is by morphemes (동맹 finds 동맹을), but among the posts that match, one that has the
query's words as typed, and where her very words weigh most, is more likely the one a reader
recalls by its wording (:mod:`~sokbo.search.scoring`). A post's
distinct words are kept at index time in a column (:func:`sketch_words`): for each word, its
32-bit hash and how often it is written in the title, the summary and the body. When a
searcher opens, all of them become one array sorted by hash (:class:`WordIndex`), where the
posts of a word and their counts are a binary search away. A Whoosh field of the same words
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


class WordIndex:
    """Every post's words as written, by hash: which posts have a word, and how often.

    Example:
        >>> index = WordIndex([sketch_words("동맹을 강화", "", "동맹을"), sketch_words("", "동맹 강화", ""), b""])
        >>> index.posts_with("동맹을").tolist(), index.posts_with("강화").tolist()
        ([0], [0, 1])
        >>> index.counts("동맹을")
        (array([0], dtype=int32), array([[1, 0, 1]], dtype=uint8))
    """

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
