"""Which documents a query matches, and how well: posting lists as NumPy arrays.

Facets need every matching document and the page needs the best ten. Whoosh gets both by
walking a tree of matchers one posting at a time in Python; for words as common as 있습니다
(its stem in 5,600 posts, its bigrams in as many, in five fields) that walk was nearly all of
a query's time. Here each term's posting list is read a block at a time into arrays (the
codec stores blocks as arrays: :mod:`~sokbo.search.codec`), scored with BM25F in one
vectorised step, and ``And``/``Or``/``AndNot`` become operations on dense arrays over the
index's document numbers. A phrase is the intersection of its words, then positions are read
for those documents only, rarest word first, as arrays of ``(docnum, start)`` keys.

Sets and scores are exactly Whoosh's: ``searcher.docs_for_query`` and Whoosh's BM25F scores
for the same query (tests check both). NumPy is imported only here, when searching, so
``sokbo index`` does not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from .analysis import bigrams, normalize
from .query import Quoted
from .schema import GRAM_FIELDS, from_stored
from .cache import PostingsCache
from .whoosh_internals import block_matcher, blocks, field_b, field_length_bytes, segment_id, unwrap_deletions

LITERAL_CHECKS = 60
"""At most this many posts are read to look for a quoted phrase as typed (the best-scored)."""


@dataclass
class Matches:
    """A query's result over every docnum: whether each document matches, and its score."""

    mask: np.ndarray
    scores: np.ndarray
    first: np.ndarray | None = None
    """Documents that rank above all others whatever their scores: those with a quoted phrase
    exactly as typed (None: no such tier)."""

    def docnums(self) -> list[int]:
        return np.flatnonzero(self.mask).tolist()


def field_lengths(reader: Any, fields: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each field's length in every document (as Whoosh stores it, 1 at least), for BM25's
    length norm: a document without the field counts as 1 long, as Whoosh's reader gives it."""
    n = reader.doc_count_all()
    out = {f: np.ones(n) for f in fields}
    for leaf, offset in reader.leaf_readers():
        for f in fields:
            stored = field_length_bytes(leaf, f)
            if stored:
                lengths = _BYTE_LENGTHS[np.asarray(stored, dtype=np.intp)]
                out[f][offset : offset + len(lengths)] = lengths
    return out


_BYTE_LENGTHS = np.array([byte_to_length(b) or 1 for b in range(256)], dtype=float)
"""The length each stored byte stands for (``whoosh.util.numeric.byte_to_length``), 1 at least."""


def evaluate(
    q: Any, searcher: Any, lengths: dict[str, np.ndarray], live: np.ndarray, postings: PostingsCache | None = None
) -> Matches:
    """The live documents that ``q`` matches, each with Whoosh's BM25F score for ``q``."""
    return evaluate_each([q], searcher, lengths, live, postings)[0]


def evaluate_each(
    queries: list[Any], searcher: Any, lengths: dict[str, np.ndarray], live: np.ndarray, postings: PostingsCache | None = None
) -> list[Matches]:
    """:func:`evaluate` for each of ``queries``, reading each term's postings once (and from
    ``postings`` when it has them: decoded lists kept across searches)."""
    evaluator = _Evaluator(searcher, lengths, postings)
    return [_live(evaluator.run(q), live) for q in queries]


def _live(result: Matches, live: np.ndarray) -> Matches:
    result.mask &= live
    result.scores[~result.mask] = 0.0
    if result.first is not None:
        result.first &= result.mask
    return result


def top(scores: np.ndarray, allowed: np.ndarray, start: int, stop: int) -> list[tuple[int, float]]:
    """``(docnum, score)`` of ranks ``start`` to ``stop`` among ``allowed`` docnums, by
    ``scores`` (over every docnum).

    Best score first; equal scores in docnum order, as Whoosh breaks ties.
    """
    if not len(allowed) or start >= stop:
        return []
    scores = scores[allowed]
    if stop < len(allowed):  # only the first `stop` need sorting
        keep = np.argpartition(-scores, stop - 1)[:stop]
        threshold = scores[keep].min()
        keep = np.flatnonzero(scores >= threshold)  # every tie at the cut, for a stable order
        allowed, scores = allowed[keep], scores[keep]
    order = np.lexsort((allowed, -scores))[start:stop]
    return [(int(allowed[i]), float(scores[i])) for i in order]


class _Evaluator:
    def __init__(self, searcher: Any, lengths: dict[str, np.ndarray], cache: PostingsCache | None) -> None:
        self.searcher = searcher
        self.cache = cache
        self.lengths = lengths
        self.n = searcher.doc_count_all()
        self.leaves = list(searcher.reader().leaf_readers())
        self.weighting = searcher.weighting
        self.terms: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.texts: dict[int, str] = {}

    def empty(self) -> Matches:
        return Matches(np.zeros(self.n, dtype=bool), np.zeros(self.n))

    def run(self, q: Any) -> Matches:
        result = self._run(q)
        if q.boost != 1.0:
            result.scores *= q.boost
        return result

    def _run(self, q: Any) -> Matches:
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.And):
            parts = [self.run(sub) for sub in q.subqueries]
            return _intersection(parts) if parts else self.empty()
        if isinstance(q, Quoted):
            return self.quoted(q)
        if isinstance(q, wq.Or):
            result = self.empty()
            for sub in q.subqueries:
                part = self.run(sub)
                result.mask |= part.mask
                result.scores += part.scores
                result.first = _either(result.first, part.first)
            return result
        if isinstance(q, wq.AndNot):
            result = self.run(q.a)
            result.mask &= ~self.run(q.b).mask
            result.scores[~result.mask] = 0.0
            return result
        if isinstance(q, wq.Phrase) and q.slop == 1 and q.words:
            return self.phrase(q.fieldname, list(q.words))
        if q is wq.NullQuery:
            return self.empty()
        # Anything else (Every): Whoosh's own matcher, unscored.
        result = self.empty()
        result.mask[list(self.searcher.docs_for_query(q))] = True
        return result

    def quoted(self, q: Quoted) -> Matches:
        """The phrase's morpheme matches, plus the posts that contain it as typed, which rank
        above every post that does not (quotes ask for the words exactly as typed).

        Which posts to read for the text as typed: those that have every bigram of the phrase
        (a post that contains it has them all), best-scored first; for a phrase of Latin
        letters and digits only (no bigrams), the posts that have all its words.
        """
        result = self.empty()
        for sub in q.subqueries:
            part = self.run(sub)
            result.mask |= part.mask
            result.scores += part.scores
        grams = list(dict.fromkeys(g for g, *_ in bigrams(q.text)))
        if grams:
            pool = _intersection([self._any_field(GRAM_FIELDS, g) for g in grams])
        elif q.loose is not None and int(result.mask.sum()) < LITERAL_CHECKS:
            pool = self.run(q.loose)
        else:
            pool = result
        candidates = np.flatnonzero(pool.mask)
        if len(candidates) > LITERAL_CHECKS:
            best = (result.scores + pool.scores)[candidates]
            candidates = candidates[np.argpartition(-best, LITERAL_CHECKS - 1)[:LITERAL_CHECKS]]
        wanted = _flat(q.text)
        literal = [int(d) for d in candidates if wanted in self.text(int(d))]
        if literal:
            ahead = float(result.scores.max())  # every literal match above every other match
            added = [d for d in literal if not result.mask[d]]
            result.mask[added] = True
            result.scores[added] = pool.scores[added]
            result.scores[literal] += ahead
            result.first = np.zeros(self.n, dtype=bool)
            result.first[literal] = True
        return result

    def _any_field(self, fields: tuple[str, ...], text: str) -> Matches:
        """Documents with ``text`` in any of ``fields``, scored by the sum (Whoosh's Or)."""
        result = self.empty()
        for field in fields:
            part = self.term(field, text)
            result.mask |= part.mask
            result.scores += part.scores
        return result

    def text(self, docnum: int) -> str:
        """A post's title, summary and body, flattened as :func:`_flat` does."""
        found = self.texts.get(docnum)
        if found is None:
            found = self.texts[docnum] = _flat(from_stored(self.searcher.stored_fields(docnum)).text)
        return found

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Docnums and BM25F scores of one term's postings (deleted documents included)."""
        key = (field, text)
        found = self.terms.get(key)
        if found is None:
            ids: list[np.ndarray] = []
            weights: list[np.ndarray] = []
            for reader, offset in self.leaves:
                if key in reader:
                    i, w = self._leaf_postings(reader, field, text)
                    ids.append(i + offset)
                    weights.append(w)
            if ids:
                docs, tf = np.concatenate(ids), np.concatenate(weights)
                found = docs, self.bm25(field, text, docs, tf)
            else:
                found = np.zeros(0, dtype=np.int64), np.zeros(0)
            self.terms[key] = found
        return found

    def _leaf_postings(self, reader: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One segment's ``(docnums, weights)`` of a term, from the cache when it has them."""
        segment = segment_id(reader) if self.cache is not None else None
        if segment is None:
            return _read_postings(reader.postings(field, text))
        key = (segment, field, text)
        found = self.cache.get(key)  # type: ignore[union-attr]
        if found is None:
            ids, weights = _read_postings(reader.postings(field, text))
            found = ids.astype(np.int32), weights  # weights as read: scores stay exactly Whoosh's
            self.cache.put(key, found, found[0].nbytes + found[1].nbytes + 200)  # type: ignore[union-attr]
        return found

    def bm25(self, field: str, text: str, docs: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F (``whoosh.scoring.bm25``) for every posting at once."""
        s = self.searcher
        if not s.schema[field].scorable:
            return tf
        w = self.weighting
        b = field_b(w, field)
        k1 = w.K1
        idf = s.idf(field, text)
        avgfl = s.avg_field_length(field) or 1
        fl = self.lengths[field][docs] if field in self.lengths else 1.0
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def term(self, field: str, text: str) -> Matches:
        docs, scores = self.postings(field, text)
        result = self.empty()
        result.mask[docs] = True
        result.scores[docs] = scores
        return result

    def phrase(self, field: str, words: list[str]) -> Matches:
        """Documents with ``words`` at consecutive positions, scored as the sum of the words.

        The candidates are the documents that have every word; positions are then read word
        by word, rarest first, each time only for the documents that still have a place where
        the phrase could start.
        """
        result = _intersection([self.term(field, w) for w in words])
        if len(words) > 1 and result.mask.any():
            found = self._phrase_docs(field, words, np.flatnonzero(result.mask))
            result.mask[:] = False
            result.mask[found] = True
            result.scores[~result.mask] = 0.0
        return result

    def _phrase_docs(self, field: str, words: list[str], candidates: np.ndarray) -> list[int]:
        order = sorted(range(len(words)), key=lambda i: len(self.postings(field, words[i])[0]))
        found: list[int] = []
        for reader, offset in self.leaves:
            end = offset + reader.doc_count_all()
            docs = candidates[(candidates >= offset) & (candidates < end)] - offset
            starts: np.ndarray | None = None  # docnum << 32 | where the phrase would start (+ len(words))
            for i in order:
                if not len(docs):
                    break
                at_docs, positions = _positions(reader, field, words[i], docs)
                keys = np.unique((at_docs << 32) | (positions - i + len(words)))
                starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
                docs = np.unique(starts >> 32)
            found.extend((docs + offset).tolist())
        return found


def _flat(text: str) -> str:
    """Text for finding a phrase as typed: normalised, lower case, one space between words."""
    return " ".join(normalize(text).lower().split())


def _intersection(parts: list[Matches]) -> Matches:
    """Documents in every part, scored by the sum of the parts' scores (Whoosh's And)."""
    mask = parts[0].mask.copy()
    first = None
    for part in parts[1:]:
        mask &= part.mask
    for part in parts:
        first = _either(first, part.first)
    return Matches(mask, np.where(mask, sum(p.scores for p in parts), 0.0), None if first is None else first & mask)


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """The union of two optional masks."""
    if a is None or b is None:
        return b if a is None else a
    return a | b


def _read_postings(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """All ``(docnums, weights)`` of one segment's posting list, deleted documents included."""
    blocked = block_matcher(matcher)  # deletions unwrapped: the caller masks every non-live document
    if blocked is not None:  # whole blocks at once: no per-posting calls
        deltas: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        lasts: list[int] = []
        for at in blocks(blocked):
            block = at.block()
            deltas.append(np.frombuffer(block.deltas, dtype=np.uint32))
            weights.append(_weights(block.weights, len(block.deltas)))
            lasts.append(at.block_max_id())
        return _docnums(deltas, lasts), np.concatenate(weights)
    matcher = unwrap_deletions(matcher)
    docs: list[int] = []
    tf: list[float] = []
    while matcher.is_active():  # short lists stored inline (see codec.py), and anything else
        docs.append(matcher.id())
        tf.append(matcher.weight())
        matcher.next()
    return np.asarray(docs, dtype=np.int64), np.asarray(tf, dtype=np.float64)


def _docnums(deltas: list[np.ndarray], lasts: list[int]) -> np.ndarray:
    """The docnums of blocks read in order (skipping any between them), from each block's
    deltas and last docnum: each block's first delta is from 0, so it is made from the
    previous block's last docnum and one sum runs over them all."""
    joined = np.concatenate(deltas).astype(np.int64)
    joined[np.cumsum([len(d) for d in deltas[:-1]], dtype=np.int64)] -= np.asarray(lasts[:-1], dtype=np.int64)
    return np.cumsum(joined)


def _weights(stored: Any, count: int) -> np.ndarray:
    """A block's weights as float64 (stored: None for all 1.0, one float for all, or an array)."""
    if stored is None:
        return np.ones(count)
    if isinstance(stored, float):
        return np.full(count, stored)
    return np.frombuffer(stored, dtype=np.float32).astype(np.float64)


def _positions(reader: Any, field: str, word: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position of ``word`` in ``docs`` (ascending, in this segment's numbering), as
    ``(docnums, positions)`` arrays (int64) of the same length.

    Reads only the blocks that hold one of ``docs``, and selects their positions in one step.
    """
    none = np.zeros(0, dtype=np.int64)
    if not len(docs) or (field, word) not in reader:
        return none, none
    matcher = reader.postings(field, word)
    blocked = block_matcher(matcher)  # `docs` are live already
    at_docs: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    if blocked is None:  # a short list stored inline (see codec.py)
        matcher = unwrap_deletions(matcher)
        wanted = set(docs.tolist())
        while matcher.is_active():
            if matcher.id() in wanted:
                found = np.asarray(matcher.value_as("positions"), dtype=np.int64)
                at_docs.append(np.full(len(found), matcher.id(), dtype=np.int64))
                positions.append(found)
            matcher.next()
    else:
        deltas: list[np.ndarray] = []
        lasts: list[int] = []
        counts: list[np.ndarray] = []
        values: list[bytes] = []
        i = 0
        for at in blocks(blocked):
            if i >= len(docs):
                break
            last = at.block_max_id()
            if last < docs[i]:  # no wanted doc is in this block
                continue
            i = int(np.searchsorted(docs, last, side="right"))
            block = at.block()  # positions: each posting's value, 4 bytes a position
            deltas.append(np.frombuffer(block.deltas, dtype=np.uint32))
            lasts.append(last)
            counts.append(np.frombuffer(block.lengths, dtype=np.uint32) // 4)
            values.append(block.values)
        if deltas:  # one selection over every block read
            owners = np.repeat(_docnums(deltas, lasts), np.concatenate(counts))
            keep = np.isin(owners, docs)
            at_docs.append(owners[keep])
            positions.append(np.frombuffer(b"".join(values), dtype="<u4")[keep].astype(np.int64))
    if not at_docs:
        return none, none
    return np.concatenate(at_docs), np.concatenate(positions)
