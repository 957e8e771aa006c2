"""The set of documents a query matches, by set algebra over posting lists.

Facets need every matching document, not just the best ten. Whoosh finds them by walking a
tree of matchers one posting at a time in Python: for a word as common as 있습니다 (its stem
in 5,600 posts, its bigrams in as many, in five fields) that walk was most of a query's time.
Here each term's posting list is read a block at a time into a set, and ``And``/``Or``/
``AndNot`` become C-speed set operations. A phrase is the intersection of its words' sets,
then positions are read for those documents only.

The result is exactly the set Whoosh's ``searcher.docs_for_query`` gives (a test checks it);
ranking the page still goes through Whoosh's scorer.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


def matched_docs(q: Any, searcher: Any) -> set[int]:
    """Docnums (in ``searcher``'s numbering) of the live documents that ``q`` matches."""
    return _Evaluator(searcher).docs(q)


class _Evaluator:
    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.leaves = list(searcher.reader().leaf_readers())
        self.cache: dict[tuple[str, str], set[int]] = {}

    def docs(self, q: Any) -> set[int]:
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.And):
            sets = sorted((self.docs(sub) for sub in q.subqueries), key=len)
            if not sets:
                return set()
            result = set(sets[0])
            for other in sets[1:]:
                if not result:
                    break
                result &= other
            return result
        if isinstance(q, wq.Or):
            result = set()
            for sub in q.subqueries:
                result |= self.docs(sub)
            return result
        if isinstance(q, wq.AndNot):
            result = set(self.docs(q.a))
            if result:
                result -= self.docs(q.b)
            return result
        if q is wq.NullQuery:
            return set()
        if isinstance(q, wq.Phrase) and q.slop == 1 and q.words:
            return self.phrase(q.fieldname, list(q.words))
        return set(self.searcher.docs_for_query(q))  # anything else: Whoosh's own

    def phrase(self, field: str, words: list[str]) -> set[int]:
        """Documents with ``words`` at consecutive positions.

        The candidates are the documents that have every word (set intersection); positions
        are then read word by word, rarest first, each time only for the documents that still
        have a place where the phrase could start.
        """
        candidates = self.docs(wq.And([wq.Term(field, w) for w in dict.fromkeys(words)]))
        if not candidates or len(words) == 1:
            return candidates
        order = sorted(range(len(words)), key=lambda i: len(self.term(field, words[i])))
        found: set[int] = set()
        ordered = sorted(candidates)
        for reader, offset in self.leaves:
            end = offset + reader.doc_count_all()
            docs = [d - offset for d in ordered if offset <= d < end]
            starts: dict[int, set[int]] = {}
            for n, i in enumerate(order):
                positions = _positions(reader, field, words[i], docs)
                narrowed: dict[int, set[int]] = {}
                for d in docs:
                    here = {p - i for p in positions.get(d, ())}
                    if n:
                        here &= starts[d]
                    if here:
                        narrowed[d] = here
                starts = narrowed
                docs = sorted(starts)
                if not docs:
                    break
            found.update(d + offset for d in docs)
        return found

    def term(self, field: str, text: str) -> set[int]:
        key = (field, text)
        found = self.cache.get(key)
        if found is None:
            found = set()
            for reader, offset in self.leaves:
                if (field, text) in reader:
                    _add_postings(found, reader.postings(field, text), offset)
            self.cache[key] = found
        return found


def _positions(reader: Any, field: str, word: str, docs: list[int]) -> dict[int, list[int]]:
    """Positions of ``word`` in each of ``docs`` (ascending, in this segment's numbering)."""
    out: dict[int, list[int]] = {}
    if (field, word) not in reader:
        return out
    matcher = reader.postings(field, word)
    for d in docs:
        if not matcher.is_active():
            break
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                break
        if matcher.id() == d:
            out[d] = matcher.value_as("positions")
    return out


def _add_postings(into: set[int], matcher: Any, offset: int) -> None:
    """Add the docnums of one segment's posting list, minus its deleted documents."""
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and matcher._exclude:  # noqa: SLF001 - Whoosh 2.7.4 is pinned
        deleted, matcher = matcher._ids, matcher.child  # noqa: SLF001
    ids: set[int] = set()
    if type(matcher) is W3LeafMatcher:
        # Whole blocks of ids at once (Whoosh 2.7.4's block layout): no per-posting calls.
        while True:
            if matcher._ids is None:  # noqa: SLF001
                matcher._read_ids()  # noqa: SLF001
            ids.update(matcher._ids)  # noqa: SLF001
            if matcher._lastblock:  # noqa: SLF001
                break
            matcher._next_block()  # noqa: SLF001
    else:
        ids.update(matcher.all_ids())
    if deleted:
        ids -= deleted
    into.update(ids if not offset else map(offset.__add__, ids))
