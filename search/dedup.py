"""Near-duplicate posts: the same story republished under an almost identical title or body.

Each post gets two small sketches at index time: the smallest hashes of its title's character
bigrams and of its body's word 3-shingles (bottom-k MinHash). Two sketches that agree on a
share of the smallest hashes of their union estimate that share of common bigrams or
shingles (Jaccard). Two posts are the same story when their titles are nearly the same and
they appeared within a few days of each other (on the corpus, such republications rewrite
the body), or when their bodies are nearly the same. Clusters are found per index version:
candidates are posts filed under one of their few smallest hashes, then each pair is checked
(:func:`clusters`; :class:`Clustering` checks again only where a commit's segments changed
the candidates). Search shows each cluster's best hit once, with the others folded under it.

Example:
    >>> a = sketch_title("[속보] 김건희 여사 탄핵 청문회 증인 채택…사실상 탄핵 예비 절차")
    >>> b = sketch_title("김건희 여사 탄핵 청문회 증인 채택… 사실상 탄핵 예비 절차")
    >>> c = sketch_title("보람동 에어컨 청소 가격 비용과 추천 업체")
    >>> similarity(a, b) >= SIMILARITY > similarity(a, c)
    True
"""

from __future__ import annotations

import heapq
import itertools
import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def _same(title_a: frozenset[int], body_a: frozenset[int], day_a: int, title_b: frozenset[int], body_b: frozenset[int], day_b: int) -> bool:
    """Whether two posts are the same story: near titles a few days apart, or near bodies."""
    if abs(day_a - day_b) <= DAYS_APART and _near(title_a, title_b):
        return True
    return _near(body_a, body_b)


def clusters(titles: Sequence[bytes], bodies: Sequence[bytes], days: Sequence[int]) -> list[int]:
    """A cluster number per post (its smallest member's index): near-duplicates share one.

    ``titles`` and ``bodies`` are the posts' sketches, ``days`` their dates as day numbers
    (anything where a difference of 1 is one day). The clusters are the connected parts of
    the graph whose edges join two posts filed under one hash (one of each one's
    :data:`_PROBES` smallest title hashes, or body hashes) shared by at most
    :data:`_CROWDED` posts, when they are the same story: :class:`Clustering` finds the
    same clusters segment by segment.
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
        return _same(title_sets[i], body_sets[i], days[i], title_sets[j], body_sets[j], days[j])

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


Ref = tuple[str, int]
"""A post as a segment's key and its docnum in that segment: what a commit does not renumber."""
_EDGE = ("kind", "hash", "segment", "post", "other segment", "other post")
"""The columns of an edge of :class:`Clustering`: the kind of hash (0 titles, 1 bodies) and
the hash the two posts are filed under, then each post as its segment's number and docnum."""


@dataclass(frozen=True)
class Sketches:
    """One segment's posts as clustering reads them (indexed by the segment's docnums).

    The sketches stay packed (about 300 bytes a post): as sets, which comparing them needs,
    they would take ten times as much, so a post's sets are made when a commit compares it.
    """

    titles: Sequence[bytes]
    bodies: Sequence[bytes]
    days: Sequence[int]
    filed: tuple[tuple[Any, Any], tuple[Any, Any]]
    """For titles, then bodies: the hashes posts are filed under (sorted, NumPy) and the post
    filed under each (ascending among equal hashes)."""

    @classmethod
    def of(cls, titles: Sequence[bytes], bodies: Sequence[bytes], days: Sequence[int]) -> "Sketches":
        """``titles``' and ``bodies``' sketches and ``days`` as :func:`clusters` takes them."""
        import numpy as np

        filed = []
        for sketches in (titles, bodies):
            probes = [(h, i) for i, packed in enumerate(sketches) for h in _hashes(packed[: 4 * _PROBES])]
            keys = np.fromiter((h for h, _ in probes), dtype=np.uint32, count=len(probes))
            posts = np.fromiter((i for _, i in probes), dtype=np.int32, count=len(probes))
            order = np.argsort(keys, kind="stable")
            filed.append((keys[order], posts[order]))
        return cls(titles, bodies, days, (filed[0], filed[1]))

    def post(self, i: int) -> tuple[frozenset[int], frozenset[int], int]:
        """Post ``i``'s title and body hashes as sets, and its day: what :func:`_same` compares."""
        return frozenset(_hashes(self.titles[i])), frozenset(_hashes(self.bodies[i])), self.days[i]


class Clustering:
    """:func:`clusters` of an index made of segments, kept up to date as segments come and go.

    A hash's posts, and so the edges found under it, change only when a segment that files
    a post under it arrives or leaves (deleted posts stay in their segment, and in their
    clusters, as in :func:`clusters` of the whole index). A commit re-examines those hashes
    alone; every other hash keeps its edges. The edges (near-duplicates are few) join into
    clusters over the reader's docnums at each commit (segments' offsets change when a merge
    removes one), with NumPy.

    Example:
        >>> a, b = sketch_title("정부, 내년 예산안 확정"), sketch_title("[속보] 정부, 내년 예산안 확정")
        >>> clustering = Clustering()
        >>> clustering.update({"s1": Sketches.of([a], [b""], [100])})
        >>> clustering.update({"s1": Sketches.of([a], [b""], [100]), "s2": Sketches.of([b, a], [b"", b""], [101, 900])})
        >>> clustering.clusters({"s1": 0, "s2": 1}, 3).tolist()
        [0, 0, 2]
    """

    def __init__(self) -> None:
        import numpy as np

        self._segments: dict[str, Sketches] = {}
        self._serials: dict[str, int] = {}
        """A number per segment, never reused: edges name posts by it."""
        self._counted = 0
        self._edges = np.zeros((0, len(_EDGE)), dtype=np.int64)
        """Every same-story pair of posts filed under one hash, a row each (see :data:`_EDGE`)."""

    def update(self, segments: Mapping[str, Sketches]) -> None:
        """Follow the index to ``segments`` (by key: a key names one unchanging segment)."""
        import numpy as np

        changed = [s for k, s in self._segments.items() if k not in segments]
        changed += [s for k, s in segments.items() if k not in self._segments]
        self._serials = {key: self._serials[key] if key in self._serials else self._new_serial() for key in segments}
        self._segments = dict(segments)
        for kind in range(2):
            touched = [s.filed[kind][0] for s in changed]
            if touched:
                self._refile(kind, np.unique(np.concatenate(touched)))

    def _new_serial(self) -> int:
        self._counted += 1
        return self._counted

    def clusters(self, offsets: Mapping[str, int], n: int) -> Any:
        """Each post's cluster (its smallest member's docnum) as a NumPy array, each segment at
        its docnum ``offset`` among ``n`` documents."""
        import numpy as np

        cluster = np.arange(n, dtype=np.int64)
        if len(self._edges):
            serials = np.asarray([self._serials[key] for key in offsets], dtype=np.int64)
            at = np.asarray(list(offsets.values()), dtype=np.int64)
            order = np.argsort(serials)
            serials, at = serials[order], at[order]
            e = self._edges
            a = at[serials.searchsorted(e[:, 2])] + e[:, 3]
            b = at[serials.searchsorted(e[:, 4])] + e[:, 5]
            _connect(cluster, a, b)
        return cluster

    def _refile(self, kind: int, hashes: Any) -> None:
        """Find again the edges under ``hashes`` (sorted, unique) among the segments' posts."""
        import numpy as np

        serial = self._serials
        rows = []
        for h, members in self._groups(kind, hashes):
            posts = [self._segments[key].post(i) for key, i in members]
            for x, y in itertools.combinations(range(len(members)), 2):
                if _same(*posts[x], *posts[y]):
                    (ka, i), (kb, j) = members[x], members[y]
                    rows.append((kind, h, serial[ka], i, serial[kb], j))
        e = self._edges
        stale = (e[:, 0] == kind) & np.isin(e[:, 1], hashes)
        self._edges = np.concatenate([e[~stale], np.asarray(rows, dtype=np.int64).reshape(-1, len(_EDGE))])

    def _groups(self, kind: int, hashes: Any) -> list[tuple[int, list[Ref]]]:
        """Each of ``hashes`` under which 2 to :data:`_CROWDED` posts are filed (as
        :func:`clusters` compares them), with those posts in segment order, then by docnum."""
        import numpy as np

        spans = []
        for key, sketches in self._segments.items():
            filed, posts = sketches.filed[kind]
            spans.append((key, posts, filed.searchsorted(hashes, "left"), filed.searchsorted(hashes, "right")))
        sizes = sum((hi - lo for _, _, lo, hi in spans), np.zeros(len(hashes), dtype=np.int64))
        wanted = np.flatnonzero((sizes >= 2) & (sizes <= _CROWDED))
        groups: list[list[Ref]] = [[] for _ in wanted]
        for key, posts, lo, hi in spans:
            for group, start, stop in zip(groups, lo[wanted].tolist(), hi[wanted].tolist()):
                group.extend((key, p) for p in posts[start:stop].tolist())
        return list(zip(hashes[wanted].tolist(), groups))


def _connect(labels: Any, a: Any, b: Any) -> None:
    """Give each post (``labels``: its own docnum) the smallest docnum of its connected part
    of the edges ``a[i]``–``b[i]``, in place. Labels only fall, always to a docnum of the same
    part: at rest the part's smallest, which no label can fall below."""
    import numpy as np

    while True:
        low = np.minimum(labels[a], labels[b])
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        while not np.array_equal(jumped := labels[labels], labels):  # follow labels to their own labels
            labels[:] = jumped
        if np.array_equal(labels[a], labels[b]):
            return
