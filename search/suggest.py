"""Did-you-mean, 초성 lookup and autocomplete over the index's own words, in keystroke space.

All three compare 2-set keystroke strings (:func:`.hangul.decompose`), so a syllable still being
typed matches (대토 → 대통령), a slip to a neighbouring key is a small edit (대통렁 → 대통령), and
a 초성 query (ㄱㅈㅇ) finds 김정은. Pure standard library; each structure is built in memory from
``(text, weight)`` pairs (a term and its document frequency, a title and its date, a name and
its count...) and answers in a millisecond or two from 300k of them (``bench/bench_suggest.py``).
"""

from __future__ import annotations

import functools
import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from heapq import heappop, heappush, merge
from itertools import islice
from operator import itemgetter

from .hangul import SLIP_COST, decompose, initials, is_initials_query, jamo_distance, slips

_HANGUL = re.compile("[가-힣]")
_WORD = re.compile(r"[^\W_]+")

FREQUENCY_WEIGHT = 0.25
"""How much a candidate's frequency makes up for its distance in :meth:`Speller.suggest`:
score = distance − FREQUENCY_WEIGHT × log10(1 + frequency), lowest first. A word 100 times as
frequent outweighs one keyboard slip (0.5); ties go to the more frequent word."""


def _heaviest_first(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Each text once, with its largest weight (the same term may come from several fields),
    heaviest first; equal weights keep the order they came in."""
    largest = dict(sorted(pairs, key=itemgetter(1)))  # a heavier duplicate comes later and wins
    return sorted(largest.items(), key=itemgetter(1), reverse=True)  # still stable, reversed


def _typed(text: str) -> str:
    """The keystrokes of ``text`` as the structures compare it: lower case, spaces collapsed."""
    return decompose(" ".join(text.lower().split()))


# Every key of the 2-set layout: what a typo can put in a word's keystrokes.
_JAMO_KEYS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎㅏㅐㅑㅒㅓㅔㅕㅖㅗㅛㅜㅠㅡㅣ"


def _cuts(key: str) -> list[tuple[str, str]]:
    return [(key[:i], key[i:]) for i in range(len(key) + 1)]


def _dropped_or_swapped(key: str) -> list[str]:
    """``key`` with one keystroke deleted or two neighbouring ones swapped: the few cheap edits."""
    cuts = _cuts(key)
    return [a + b[1:] for a, b in cuts if b] + [a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1]


def _slipped(key: str, start: int = 0) -> list[str]:
    """``key`` with one keystroke from ``start`` on replaced by one of its :func:`.hangul.slips`."""
    return [key[:i] + c + key[i + 1 :] for i in range(start, len(key)) for c in slips(key[i])]


SLIP_MIN_KEYS = 4
"""A prefix of fewer keystrokes (대ㅌ: 3) is completed as typed only: a slip in one syllable
and a bit could stand for too many words."""
SLIP_RATIO = 20
"""A completion of a prefix with a slip is offered after the prefix's own completions, and
only when the prefix has none or it is this many times heavier than the heaviest of them
(:class:`Completer`): as :data:`.correction.RATIO` does for a whole word."""


def _prefix_slips(key: str) -> dict[str, float]:
    """The prefixes a reader who typed the keystrokes ``key`` may have meant, each with its
    cost: a key slipped (a neighbouring key or a confusable sound: 국밍 for 국민, ``SLIP_COST``),
    a key typed by mistake or two keys swapped (1). Not the last key dropped: what is left is
    a prefix of everything the typed one is, and more. None for fewer than :data:`SLIP_MIN_KEYS`.

    Example:
        >>> "ㄱㅜㄱㅁㅣㄴ" in _prefix_slips(decompose("국밍")), len(_prefix_slips("ㄷㅐㅌ"))
        (True, 0)
    """
    if len(key) < SLIP_MIN_KEYS:
        return {}
    variants = {v: 1.0 for v in _dropped_or_swapped(key) if v != key[:-1]}
    variants.update((v, SLIP_COST) for v in _slipped(key))
    variants.pop(key, None)
    return variants


def _within_reach(key: str, allowed: float) -> set[str]:
    """The strings a reader who typed ``key`` may have meant, as far as ``allowed`` reaches.

    Within distance 1 that is every one of them: one edit (any jamo key substituted or
    inserted, a key deleted, two swapped) or two slips. Beyond it, only a slip, a deleted key
    (one typed by mistake) or a swap followed by a deletion or a swap: a word typed with a slip
    and a key too many is found, one with a slip and a key missing is not, since inserting any
    of 33 keys after every first edit would multiply the probes by some 30 times the length.
    """
    reach = set(_slipped(key))
    if allowed >= 1:
        cuts = _cuts(key)
        reach.update([a + c + b[1:] for a, b in cuts if b for c in _JAMO_KEYS])
        reach.update([a + c + b for a, b in cuts for c in _JAMO_KEYS])
        reach.update(_dropped_or_swapped(key))
    if allowed >= 2 * SLIP_COST:
        for i in range(len(key)):
            for c in slips(key[i]):
                reach.update(_slipped(key[:i] + c + key[i + 1 :], i + 1))
    if allowed >= 1 + SLIP_COST:
        for first in _slipped(key) + _dropped_or_swapped(key):
            reach.update(_dropped_or_swapped(first))
    return reach


def default_max_distance(word: str) -> float:
    """How far a suggestion for ``word`` may be: 0 for one syllable (too many near words to
    guess), 1 for two (one typo or two slips), 1.5 for three, 2 from four syllables on.

    Example:
        >>> [default_max_distance(w) for w in ("꿈", "푸딘", "대통렁", "국민의힘")]
        [0.0, 1.0, 1.5, 2.0]
    """
    n = len("".join(word.split()))
    return (0.0, 0.0, 1.0, 1.5)[n] if n < 4 else 2.0


class Speller:
    """Did-you-mean: the vocabulary's words within a few keystroke edits of a word.

    Only words containing Hangul are indexed and corrected: the jamo distance is what makes a
    Korean suggestion good, and the rest of an index's vocabulary (numbers, codes, English
    names) is better left alone than corrected letter by letter. Words with the same keystrokes
    (K팝, k팝) count as one, the more frequent.

    The vocabulary is a dict by keystroke string, so building is one pass. A query enumerates
    the strings the reader may have meant (see :func:`_within_reach`: a few hundred to a few
    thousand) and looks them all up at once; each hit is then measured with
    :func:`.hangul.jamo_distance`. A symmetric-delete index (SymSpell) would probe less but
    store ten deletions per word: in pure Python, 300k words took several seconds to build.

    Example:
        >>> speller = Speller([("푸틴", 800), ("대통령", 5000), ("대통합", 30), ("국민의힘", 2000)])
        >>> speller.suggest("푸딘")
        [('푸틴', 0.5, 800)]
        >>> [term for term, _, _ in speller.suggest("대통렁")]
        ['대통령']
    """

    def __init__(self, vocabulary: Iterable[tuple[str, int]]) -> None:
        self._words: dict[str, tuple[str, int]] = {}  # keystrokes → (term, frequency)
        for term, freq in vocabulary:
            if _HANGUL.search(term):
                key = decompose(term.lower())
                known = self._words.get(key)
                if known is None or freq > known[1]:
                    self._words[key] = (term, freq)

    def __len__(self) -> int:
        return len(self._words)

    def suggest(self, word: str, max_distance: float | None = None, limit: int = 5) -> list[tuple[str, float, int]]:
        """Words of the vocabulary near ``word``: ``(term, distance, frequency)``, best first.

        ``max_distance`` defaults to :func:`default_max_distance`; the order is by the score
        described at :data:`FREQUENCY_WEIGHT`. ``word`` itself (in any letter case) is never
        suggested, and a word without Hangul gets nothing. Whether a suggestion is worth showing
        (say, only when it has many more hits than the word) is the caller's call.
        """
        allowed = default_max_distance(word) if max_distance is None else max_distance
        if allowed < SLIP_COST or not _HANGUL.search(word):
            return []
        key = decompose(word.lower())
        found = []
        for meant in _within_reach(key, allowed) & self._words.keys():
            distance = jamo_distance(key, meant, allowed)
            if 0 < distance <= allowed:
                term, freq = self._words[meant]
                found.append((term, distance, freq))
        found.sort(key=lambda c: (c[1] - FREQUENCY_WEIGHT * math.log10(1 + c[2]), -c[2], c[0]))
        return found[:limit]


def _memo(function: Callable[[str], str]) -> Callable[[str], str]:
    """``function`` remembering its answers for one build: one string per distinct answer."""
    return functools.lru_cache(maxsize=None)(function)


def _shared(keys: list[str]) -> dict[str, str]:
    """Each distinct key of ``keys`` to one string object equal to it: 500,000 headline words
    of a 100,000-post site are ~60,000 distinct ones, and a str costs 50 bytes and up."""
    return dict(zip(keys, keys))


class _RankedKeys:
    """Sorted string keys, each naming an item; the items of a key range come out in item order
    (items are numbered heaviest first) without visiting the whole range.

    A segment tree holds the smallest ``item × size + position`` of each power-of-two block of
    positions, so the best of any range is found in O(log n); taking it splits the range in two,
    and a heap of ranges yields the rest in order.
    """

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        """``rows`` are ``(item, key)``; an item may have several keys."""
        items, keys = [item for item, _ in rows], [key for _, key in rows]
        by_key = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = list(map(_shared(keys).__getitem__, map(keys.__getitem__, by_key)))
        size = self._size = 1 << max(0, len(rows) - 1).bit_length()
        tree = array("q", [1 << 62]) * (2 * size)  # 1 << 62: above every real entry
        leaves = [item * size + position for position, item in enumerate(map(items.__getitem__, by_key))]
        tree[size : size + len(rows)] = array("q", leaves)
        while size > 1:  # each level up: the smaller of every pair of children
            size //= 2
            children = tree[2 * size : 4 * size]
            tree[size : 2 * size] = array("q", map(min, children[::2], children[1::2]))
        self._tree = tree

    def _best(self, lo: int, hi: int) -> int:
        """The smallest ``item × size + position`` among positions ``lo..hi-1``."""
        tree, best, lo, hi = self._tree, 1 << 62, lo + self._size, hi + self._size
        while lo < hi:
            if lo & 1:
                best = min(best, tree[lo])
                lo += 1
            if hi & 1:
                hi -= 1
                best = min(best, tree[hi])
            lo, hi = lo >> 1, hi >> 1
        return best

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        keys = self._keys
        lo = bisect_left(keys, prefix)
        if lo == len(keys) or not keys[lo].startswith(prefix):
            return lo, lo  # most probes of a prefix with a slip: one bisection, no key function
        return lo, bisect_right(keys, prefix, lo, key=lambda k: k[: len(prefix)])

    def exact_range(self, key: str) -> tuple[int, int]:
        lo = bisect_left(self._keys, key)
        return lo, bisect_right(self._keys, key, lo)

    def heaviest(self, span: tuple[int, int]) -> Iterator[int]:
        """The items at positions ``lo..hi-1`` (``span``, from :meth:`prefix_range` or
        :meth:`exact_range`), heaviest first, each found in O(log n)."""
        lo, hi = span
        heap: list[tuple[int, int, int]] = []

        def push(a: int, b: int) -> None:
            if a < b:
                heappush(heap, (self._best(a, b), a, b))

        push(lo, hi)
        while heap:
            best, a, b = heappop(heap)
            item, position = divmod(best, self._size)
            yield item
            push(a, position)
            push(position + 1, b)


class _MergedKeys:
    """Several :class:`_RankedKeys` read as one: each part's items are numbered in one merged
    order (heaviest first) by a mapping, and an item mapped to -1 is left out (a deleted post).
    A part's mapping must keep its own order: then a range comes out heaviest first by merging."""

    def __init__(self, parts: Sequence[tuple[_RankedKeys, Sequence[int]]]) -> None:
        self._parts = parts

    def prefix_range(self, prefix: str) -> tuple[tuple[int, int], ...]:
        return tuple(table.prefix_range(prefix) for table, _ in self._parts)

    def heaviest(self, spans: tuple[tuple[int, int], ...]) -> Iterator[int]:
        return merge(*(_mapped(table.heaviest(span), items) for (table, items), span in zip(self._parts, spans)))


def _mapped(items: Iterator[int], mapping: Sequence[int]) -> Iterator[int]:
    return (found for item in items if (found := mapping[item]) >= 0)


class Completer:
    """Autocomplete: the heaviest entries (titles, names, terms) that a prefix can start.

    An entry matches when its keystrokes start with the prefix's (대토 → 대통령, 국ㅁ → 국민의힘,
    갓 → 가스), or, ranked after every such match, when one of its later words does (경제 →
    "정부, 새 경제정책 발표"). Later words are keyed by themselves alone, to keep memory in
    proportion to the entries: a prefix running over two words only matches at the entry's start.
    A 초성 prefix (:func:`.hangul.is_initials_query`) matches the 초성 of the entry or, after
    those, of a later word: ㄱㅈ → 김정은. Asked to, a Hangul prefix with a slip (국밍 for 국민)
    is completed too, after those (:func:`_prefix_slips`). Entries are deduplicated by text
    (largest weight; with ``distinct=False`` only in what :meth:`complete` answers); equal
    weights rank in the order the entries came in. :meth:`merged` reads several as one.

    Example:
        >>> completer = Completer([("대통령", 50), ("대통합", 9), ("대토론회", 3), ("김정은", 20)])
        >>> completer.complete("대토")
        [('대통령', 50), ('대통합', 9), ('대토론회', 3)]
        >>> completer.complete("ㄱㅈ")
        [('김정은', 20)]
        >>> completer.complete("대퉁", slips=True)
        [('대통령', 50), ('대통합', 9)]
    """

    def __init__(self, entries: Iterable[tuple[str, int]], *, distinct: bool = True) -> None:
        ordered = _heaviest_first(entries) if distinct else sorted(entries, key=itemgetter(1), reverse=True)
        self._entries: Sequence[tuple[str, int]] = [entry for entry in ordered if entry[0].strip()]
        texts = [text for text, _ in self._entries]
        later = [
            (item, word[0])
            for item, text in enumerate(texts)
            if not text.isalnum()  # else one word, the entry itself
            for word in _WORD.finditer(text)
            if word.start()
        ]
        typed, initial = _memo(_typed), _memo(initials)  # later words repeat (발표, 정부)
        self._typed = (
            _RankedKeys([(item, _typed(text)) for item, text in enumerate(texts)]),
            _RankedKeys([(item, typed(word)) for item, word in later]),
        )
        self._initials = (
            _RankedKeys([(item, c) for item, text in enumerate(texts) if (c := initials(text))]),
            _RankedKeys([(item, c) for item, word in later if (c := initial(word))]),
        )

    @classmethod
    def merged(cls, entries: Sequence[tuple[str, int]], parts: Sequence[tuple[Completer, Sequence[int]]]) -> Completer:
        """One completer over ``parts``, sharing their keys: ``entries`` are every item, heaviest
        first, and each part comes with, for each of its own items (:attr:`entries` order), the
        item of ``entries`` it is, or -1 to leave it out. A part's items must keep their order
        in ``entries``. Example: one completer per segment of an index, some posts deleted.
        """
        self = cls.__new__(cls)
        self._entries = entries
        self._typed = tuple(_MergedKeys([(p._typed[t], m) for p, m in parts]) for t in (0, 1))  # type: ignore[assignment]
        self._initials = tuple(_MergedKeys([(p._initials[t], m) for p, m in parts]) for t in (0, 1))  # type: ignore[assignment]
        return self

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> Sequence[tuple[str, int]]:
        """Every ``(entry, weight)``, heaviest first: an item is a position in it."""
        return self._entries

    def complete(self, prefix: str, limit: int = 10, slips: bool = False) -> list[tuple[str, int]]:
        """Up to ``limit`` ``(entry, weight)`` for ``prefix``: entry starts by weight, then later
        words; with ``slips``, then the completions of the prefix with a slip fixed (see
        :data:`SLIP_RATIO`)."""
        if is_initials_query(prefix):
            tables, key = self._initials, initials(prefix)
        else:
            tables, key = self._typed, _typed(prefix)
        if not key or limit <= 0:
            return []
        entries = self._entries
        found: dict[str, int] = {}  # text -> item, in order, once each (an entry may match twice)
        for item in (item for table in tables for item in table.heaviest(table.prefix_range(key))):
            found.setdefault(entries[item][0], item)
            if len(found) == limit:
                break
        if slips and len(found) < limit and tables is self._typed and _HANGUL.search(prefix):
            heaviest = entries[min(found.values())][1] if found else 0
            for item in self._slipped(key, limit):
                if entries[item][0] not in found and entries[item][1] >= SLIP_RATIO * heaviest:
                    found[entries[item][0]] = item
                    if len(found) == limit:
                        break
        return [entries[item] for item in found.values()]

    def _slipped(self, key: str, limit: int) -> list[int]:
        """Up to ``limit`` items that the keystrokes ``key`` start but for a slip (see
        :func:`_prefix_slips`): those a slip away first, then those a key dropped or two swapped
        away; heaviest first within each."""
        entries = self._entries
        found: dict[int, float] = {}
        for variant, cost in _prefix_slips(key).items():
            for table in self._typed:
                texts: set[str] = set()  # `limit` distinct entries (a title may be several posts')
                for item in table.heaviest(table.prefix_range(variant)):
                    found[item] = min(cost, found.get(item, cost))
                    texts.add(entries[item][0])
                    if len(texts) == limit:
                        break
        best: dict[str, int] = {}
        for item in sorted(found, key=lambda item: (found[item], item)):
            best.setdefault(entries[item][0], item)
        return list(best.values())[:limit]


class InitialsIndex:
    """초성 search: the terms whose syllables begin with exactly the given consonants.

    Example:
        >>> index = InitialsIndex([("김정은", 20), ("국정원", 7), ("김정일", 9), ("김정숙", 2)])
        >>> index.lookup("ㄱㅈㅇ")
        [('김정은', 20), ('김정일', 9), ('국정원', 7)]
        >>> index.lookup("ㄱㅈ", prefix=True, limit=2)
        [('김정은', 20), ('김정일', 9)]
    """

    def __init__(self, terms: Iterable[tuple[str, int]]) -> None:
        self._terms = _heaviest_first(terms)
        self._table = _RankedKeys([(item, c) for item, (term, _) in enumerate(self._terms) if (c := initials(term))])

    def lookup(self, query: str, limit: int = 10, prefix: bool = False) -> list[tuple[str, int]]:
        """Up to ``limit`` ``(term, weight)``, heaviest first, whose 초성 equal those of ``query``
        (or, with ``prefix``, start with them). ``query`` is reduced to its 초성 first."""
        key = initials(query)
        if not key or limit <= 0:
            return []
        lo, hi = self._table.prefix_range(key) if prefix else self._table.exact_range(key)
        return [self._terms[item] for item in islice(self._table.heaviest((lo, hi)), limit)]
