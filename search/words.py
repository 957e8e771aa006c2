"""Which posts have a word exactly as written (동맹을, not 동맹): for ranking, not matching.

Matching is by morphemes (동맹 finds 동맹을), but among the posts that match, those that have
every word of the query as typed are most likely the one a reader recalls by its wording
(:mod:`~sokbo.search.ranking`). A post's distinct words are kept at index time as a sorted
array of 32-bit hashes in a column (:func:`sketch_words`); when a searcher opens, all of them
become one array sorted by hash (:class:`WordIndex`), where the posts of a word are a binary
search away. A Whoosh field of the same words cost 12% more build time and 32% more disk
(measured on 600 corpus posts and the corpus): every distinct word of every post a posting.
A hash collision can only lift a post in the ranking, never make it match.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from typing import Any

from .analysis import written_words


def word_hash(word: str) -> int:
    """The 32-bit hash under which a word (as :func:`.analysis.written_words` gives it) is kept."""
    return zlib.crc32(word.encode("utf-8"))


def sketch_words(text: str) -> bytes:
    """A post's distinct words as written, as sorted packed hashes (its ``words_sig`` column)."""
    hashes = sorted({word_hash(w) for w in written_words(text)})
    return struct.pack(f"<{len(hashes)}I", *hashes)


class WordIndex:
    """Every post's words as written, by hash: which posts have a word.

    Example:
        >>> index = WordIndex([sketch_words("동맹을 강화"), sketch_words("동맹 강화"), b""])
        >>> index.posts_with("동맹을").tolist(), index.posts_with("강화").tolist()
        ([0], [0, 1])
    """

    def __init__(self, sketches: Sequence[bytes]) -> None:
        import numpy as np

        counts = np.fromiter((len(s) // 4 for s in sketches), dtype=np.int64, count=len(sketches))
        hashes = np.frombuffer(b"".join(sketches), dtype="<u4")
        docs = np.repeat(np.arange(len(sketches), dtype=np.int32), counts)
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._docs = docs[order]
        self.n = len(sketches)

    def posts_with(self, word: str) -> Any:
        """Docnums (ascending) of the posts that have ``word`` as written."""
        h = self._hashes.dtype.type(word_hash(word))  # a Python int would convert the whole array
        lo, hi = self._hashes.searchsorted(h, "left"), self._hashes.searchsorted(h, "right")
        return self._docs[lo:hi]

    def mask_with_all(self, words: Sequence[str]) -> Any:
        """A boolean array over docnums: the posts that have every one of ``words``."""
        import numpy as np

        mask = np.ones(self.n, dtype=bool)
        for word in dict.fromkeys(words):
            has = np.zeros(self.n, dtype=bool)
            has[self.posts_with(word)] = True
            mask &= has
        return mask
