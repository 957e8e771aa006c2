"""Near-duplicate posts: the same story republished under an almost identical title or body.

Each post gets two small sketches at index time: the smallest hashes of its title's character
bigrams and of its body's word 3-shingles (bottom-k MinHash). Two sketches that agree on a
share of the smallest hashes of their union estimate that share of common bigrams or
shingles (Jaccard). Two posts are the same story when their titles are nearly the same and
they appeared within a few days of each other (on the corpus, such republications rewrite
the body), or when their bodies are nearly the same. Clusters are found once per index
version: candidates are posts filed under one of their few smallest hashes, then each pair is
checked. Search shows each cluster's best hit once, with the others folded under it.

Example:
    >>> a = sketch_title("[속보] 김건희 여사 탄핵 청문회 증인 채택…사실상 탄핵 예비 절차")
    >>> b = sketch_title("김건희 여사 탄핵 청문회 증인 채택… 사실상 탄핵 예비 절차")
    >>> c = sketch_title("보람동 에어컨 청소 가격 비용과 추천 업체")
    >>> similarity(a, b) >= SIMILARITY > similarity(a, c)
    True
"""

from __future__ import annotations

import heapq
import re
import struct
import zlib
from collections.abc import Sequence

from .analysis import normalize

SKETCH = 32
"""Hashes kept per text: the estimate's error is about 1/sqrt(SKETCH)."""
SIMILARITY = 0.7
"""Estimated overlap from which two titles (or two bodies) are the same (the samples'
republished story: 0.75 for both)."""
DAYS_APART = 3
"""Nearly the same title counts as the same story only this close in time."""
_PROBES = 2
"""Smallest hashes under which a post is filed to find its candidates."""
_CROWDED = 20
"""A hash shared by more posts than this is boilerplate (a site's footer), not a story."""
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TAG = re.compile(r"^\s*[\[(【<][^\])】>]{1,12}[\])】>]")  # [속보], (종합), 【단독】 before a title


def _pack(hashes: set[int]) -> bytes:
    smallest = heapq.nsmallest(SKETCH, hashes)
    return struct.pack(f"<{len(smallest)}I", *smallest)


def sketch_title(title: str) -> bytes:
    """The sketch of a title's character bigrams, ignoring a [속보]-like tag, spaces and punctuation."""
    chars = "".join(_WORD.findall(normalize(_TAG.sub("", title)).lower()))
    return _pack({zlib.crc32(chars[i : i + 2].encode("utf-8")) for i in range(len(chars) - 1)})


def sketch_body(text: str) -> bytes:
    """The sketch of a text's word 3-shingles (empty for no words)."""
    words = _WORD.findall(normalize(text).lower())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))} if words else set()
    return _pack({zlib.crc32(s.encode("utf-8")) for s in shingles})


def _hashes(packed: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(packed) // 4}I", packed)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the sets behind two sketches."""
    return _similarity(frozenset(_hashes(a)), frozenset(_hashes(b)))


def _similarity(ha: frozenset[int], hb: frozenset[int]) -> float:
    if not ha or not hb:
        return 0.0
    both = ha & hb
    union = sorted(ha | hb)[:SKETCH]
    return sum(1 for h in union if h in both) / len(union)


def _near(ha: frozenset[int], hb: frozenset[int]) -> bool:
    """``_similarity(ha, hb) >= SIMILARITY``, rejecting most pairs by a cheap upper bound."""
    if len(ha & hb) < SIMILARITY * min(SKETCH, len(ha | hb)):
        return False
    return _similarity(ha, hb) >= SIMILARITY


def clusters(titles: Sequence[bytes], bodies: Sequence[bytes], days: Sequence[int]) -> list[int]:
    """A cluster number per post (its smallest member's index): near-duplicates share one.

    ``titles`` and ``bodies`` are the posts' sketches, ``days`` their dates as day numbers
    (anything where a difference of 1 is one day).
    """
    parent = list(range(len(titles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    title_sets = [frozenset(_hashes(t)) for t in titles]
    body_sets = [frozenset(_hashes(b)) for b in bodies]

    def same(i: int, j: int) -> bool:
        if abs(days[i] - days[j]) <= DAYS_APART and _near(title_sets[i], title_sets[j]):
            return True
        return _near(body_sets[i], body_sets[j])

    for sketches in (titles, bodies):
        filed: dict[int, list[int]] = {}
        for i, packed in enumerate(sketches):
            for h in _hashes(packed)[:_PROBES]:
                filed.setdefault(h, []).append(i)
        for members in filed.values():
            if not 2 <= len(members) <= _CROWDED:
                continue
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if root(i) != root(j) and same(i, j):
                        a, b = root(i), root(j)
                        parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(len(titles))]
