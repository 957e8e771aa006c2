"""The index's own words: what did-you-mean, 초성 search and autocomplete draw from.

A :class:`Lexicon` is read from one index generation's reader: every term of the morpheme
fields (``title``, ``summary``, ``body``) with its document frequency, and (when first
wanted) the title, URL and Latin words as printed of every live post. From them it builds the
structures of :mod:`~sokbo.search.suggest`, each on first use:

* a :class:`~sokbo.search.suggest.Speller` over the Hangul words, weighted by document
  frequency;
* a :class:`~sokbo.search.suggest.Completer` of terms (every Hangul word, and the Latin words
  as the posts print them: Samsung) and an :class:`~sokbo.search.suggest.InitialsIndex` over
  the Hangul words of two posts or a title, both weighted so that a word of the headlines
  (names, events) comes before a word only the bodies use: every post whose title has the word
  counts :data:`TITLE_WEIGHT` times;
* a :class:`~sokbo.search.suggest.Completer` of titles, the newest first, and an
  :class:`~sokbo.search.suggest.InitialsIndex` of the titles' words as printed.

Reading is per segment and cached by segment id (:class:`Segments`): after an incremental
commit only the new segment is read, and only its titles get a completer of their own (the
titles' completer reads every segment's as one: :meth:`.Completer.merged`). The structures are built on first use; a
:class:`LexiconCache` rebuilds a service's lexicon in the background after the index changes.
"""

from __future__ import annotations

import logging
import re
import struct
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from heapq import merge
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from . import memory
from .analysis import get_kiwi
from .document import order_key
from .hangul import final_consonant
from .schema import MORPHEME_FIELDS, from_stored
from .suggest import Completer, InitialsIndex, Speller
from .whoosh_internals import segment_id, term_table

if TYPE_CHECKING:  # NumPy is for searching: `sokbo index` never imports it
    import numpy as np

TITLE_WEIGHT = 100
"""How many body mentions one title is worth when ranking completions and 초성 expansions."""
MIN_TERM_DF = 2
"""A word no title has must be in this many posts to be searched for a 초성 query word (a
completion needs no such floor: it only comes after heavier ones)."""

_WORD = re.compile("[가-힣]{2,}")
"""The words the structures hold: Hangul only (not 3조원, #트럼프 or k팝: a typo of 5조원 is not
3조원, and a completion is shown as the reader would type it), two syllables or more."""
_TITLE_WORD = re.compile("[가-힣]{2,8}")
"""A headline's word as printed, particles and endings included (한동훈과, 궁금하다)."""
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


def latin_words(text: str) -> list[str]:
    """The Latin words ``text`` prints (Samsung, HBM3E, AI): runs of ASCII letters and digits
    that start with a letter, two characters or more. The index keeps them lower-cased and
    stemmed (electronics as electron), which is no word to offer a reader who types ``Elec``.

    Example:
        >>> latin_words("삼성전자 HBM3E, 3nm·AI칩 and X")
        ['HBM3E', 'AI', 'and']
    """
    # Runs, then a filter: a regex with look-arounds, tried at every Hangul syllable, took
    # 40% of reading a segment's posts for the lexicon (2.4 of 6 s for 50,000 posts).
    return [w for w in _ALNUM_RUN.findall(text) if len(w) > 1 and w[0].isalpha()]


_LENGTHS = struct.Struct("!ii")  # Whoosh's ordered hash file: key length, value length
_DOC_FREQ = struct.Struct("!I")  # W3TermInfo: flags (B), weight (f), doc frequency (I), ...
_DOC_FREQ_OFFSET = 5
T = TypeVar("T")


@dataclass(frozen=True)
class Completion:
    """One autocomplete suggestion: a term to search for, or a post's title (with its link)."""

    text: str
    kind: str
    """``term`` or ``title``."""
    url: str | None = None
    id: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "kind": self.kind, "url": self.url, "id": self.id}


Post = tuple[str, str, str, int] | tuple[str, str, str, int, tuple[str, ...]]
"""``(title, url, id, recency[, latin])`` of a live post; recency grows from the oldest post to
the newest; ``latin`` are the Latin words the post prints (:func:`latin_words`), once each."""


def _built(method: Callable[[Lexicon], T]) -> T:
    """A property computed on first use, once, whichever thread asks first."""
    key = f"_built_{method.__name__}"

    def get(self: Lexicon) -> T:
        value = self.__dict__.get(key)
        if value is None:
            with self._lock:
                value = self.__dict__.get(key)
                if value is None:
                    value = self.__dict__[key] = method(self)
        return value

    get.__doc__ = method.__doc__
    return property(get)  # type: ignore[return-value]


class Lexicon:
    """The words of one index generation (see the module docstring).

    Its structures are built on first use, so a process that only searches (``sokbo search``)
    pays for the document frequencies alone, and for the speller only when a word is rare:
    :meth:`warm` builds them all now.
    """

    def __init__(
        self, df: dict[str, int], title_df: dict[str, int], posts: Live | Iterable[Post] | Callable[[], Live | Iterable[Post]]
    ) -> None:
        """``df``: every term's largest document frequency over the morpheme fields;
        ``title_df``: the same in titles; ``posts``: the live posts (a :class:`Live` as
        :class:`Segments` reads them, or any posts), or a function that reads them."""
        self.df = df
        self.title_df = title_df
        self._posts_source = posts
        self._lock = threading.RLock()

    def warm(self) -> "Lexicon":
        """Build every structure now (at startup, not on a reader's first keystroke)."""
        for structure in (self.speller, self.terms, self.initials, self.title_initials, self.titles):
            assert structure is not None
        return self

    @_built
    def _words(self) -> list[str]:
        return [t for t in self.df if _WORD.fullmatch(t)]

    @_built
    def _weighted(self) -> list[tuple[str, int]]:
        """Every Hangul word with its :meth:`weight`, a word of one post's body included: most
        words of a small site are in one post each (대통령 is in one of the 55 samples), and such
        a word only comes after every heavier word that completes the same keystrokes."""
        return [(t, self.weight(t)) for t in self._words]

    @_built
    def _prominent(self) -> list[tuple[str, int]]:
        """The words of :attr:`_weighted` in a title or in :data:`MIN_TERM_DF` posts at least."""
        return [(t, w) for t, w in self._weighted if t in self.title_df or self.df[t] >= MIN_TERM_DF]

    @_built
    def _latin(self) -> list[tuple[str, int]]:
        """The Latin words the posts print, each as most posts print it (Samsung, not samsung),
        weighted as :meth:`weight` weighs a term: the posts printing it in any letter case, and
        :data:`TITLE_WEIGHT` times those whose title does. Only words the index has as a term
        (as its analyser keeps them: lower-cased and stemmed), so each finds what it says."""
        from whoosh.lang.porter2 import stem

        live = self._live
        forms, posts, titles = live.latin() if live.latin is not None else LatinCounts.of(self._rows)
        return [
            (max(printed, key=lambda w: (printed[w], not w.islower(), w)), titles.get(lower, 0) * TITLE_WEIGHT + posts[lower])
            for lower, printed in forms.items()
            if lower in self.df or stem(lower) in self.df
        ]

    @_built
    def speller(self) -> Speller:
        """Did-you-mean over the Hangul words, by document frequency, and over the headlines'
        words as printed (완벽한, 좁혔다: the index keeps only stems), by the titles printing them."""
        return Speller([*((t, self.df[t]) for t in self._words), *self._title_words.items()])

    @_built
    def _title_words(self) -> dict[str, int]:
        """The titles' Hangul words as printed that are not index terms, and how many titles print each."""
        counts = Counter(chain.from_iterable(set(_TITLE_WORD.findall(title)) for title in self._posts))
        return {w: n for w, n in counts.items() if w not in self.df}

    @_built
    def terms(self) -> Completer:
        """Completions of words, the most prominent (:meth:`weight`) first."""
        return Completer([*self._weighted, *self._latin])

    @_built
    def initials(self) -> InitialsIndex:
        """초성 lookup of words, the most prominent (:meth:`weight`) first."""
        return InitialsIndex(self._prominent)

    @_built
    def title_initials(self) -> InitialsIndex:
        """초성 lookup of the headlines' words as printed (한동훈과, 궁금하다) that are not index
        terms, by the number of titles that print them (each :data:`TITLE_WEIGHT` times)."""
        return InitialsIndex((w, n * TITLE_WEIGHT) for w, n in self._title_words.items())

    @_built
    def _live(self) -> Live:
        source = self._posts_source
        try:
            found = source() if callable(source) else source
            if isinstance(found, Live):
                return found
            posts = sorted(found, key=lambda p: p[3])
        except Exception:  # noqa: BLE001 - e.g. a replaced generation's files are gone
            logging.getLogger(__name__).warning("reading the posts' titles failed", exc_info=True)
            posts = []  # this lexicon is being replaced: no titles until the new one is ready
        return Live([(p[0], p[1], p[2], p[3], p[4] if len(p) > 4 else ()) for p in posts], None)  # type: ignore[misc]

    @property
    def _rows(self) -> list[tuple[str, str, str, int, tuple[str, ...]]]:
        """The live posts (:data:`Post`), oldest first, each with its Latin words (maybe none)."""
        return self._live.posts

    @_built
    def _posts(self) -> dict[str, tuple[str, str, int]]:
        """Each title's URL, id and recency, from the newest post of that title."""
        return {title: (url, post_id, recency) for title, url, post_id, recency, _ in self._rows if title.strip()}

    @_built
    def titles(self) -> Completer:
        """Completions of titles, the newest first: one :class:`.Completer` per segment, read
        as one (:meth:`.Completer.merged`), so a publish builds one for its new posts only."""
        rows = self._rows
        last = len(rows) - 1
        entries = [(rows[last - item][0], rows[last - item][3]) for item in range(len(rows))]
        parts = self._live.titles() if self._live.titles is not None else None
        if parts is None:  # posts given as they are: one part of them all
            part = Completer([(row[0], row_number) for row_number, row in enumerate(rows)], distinct=False)
            parts = [(part, [last - row_number for _, row_number in part.entries])]
        return Completer.merged(entries, parts)

    def weight(self, term: str) -> int:
        """How prominent ``term`` is: posts that have it, a title's counting :data:`TITLE_WEIGHT` times."""
        return self.title_df.get(term, 0) * TITLE_WEIGHT + self.df.get(term, 0)

    def frequency(self, term: str) -> int:
        """The number of posts with ``term`` (lower-cased) as an index term, 0 if none."""
        return self.df.get(term.lower(), 0)

    def complete(self, prefix: str, limit: int = 10) -> list[Completion]:
        """Up to ``limit`` completions of what a reader is typing: terms, then titles.

        Terms complete the last word (the words before it are kept: 한미 동 → 한미 동맹); titles
        complete the whole prefix, at their start or at a later word. When both have enough,
        at least half of the list is terms. Verb and adjective stems (밝히) are left out. A
        prefix with a slip (국밍) also completes as the word meant (국민의힘), after what it
        completes as typed (:meth:`.Completer.complete`, ``slips``).
        """
        prefix = " ".join(prefix.split())
        if not prefix or limit <= 0:
            return []
        head, _, last = prefix.rpartition(" ")
        lead = f"{head} " if head else ""
        terms = [lead + t for t, _ in self.terms.complete(last, 2 * limit, slips=True) if not is_stem(t)][:limit] if last else []
        titles = [t for t, _ in self.titles.complete(prefix, limit, slips=True)]
        n_terms = min(len(terms), limit - min(len(titles), limit // 2))
        out = [Completion(t, "term") for t in terms[:n_terms]]
        for title in titles[: limit - n_terms]:
            url, post_id, _ = self._posts[title]
            out.append(Completion(title, "title", url, post_id))
        return out

    def expand_initials(self, query: str, limit: int = 10) -> list[tuple[str, int]]:
        """The most prominent words whose 초성 are exactly those of ``query`` (ㄱㅈㅇ → 김정은, ...),
        with their :meth:`weight`; verb and adjective stems (가져오) are left out."""
        return [(t, w) for t, w in self.initials.lookup(query, limit=2 * limit) if not is_stem(t)][:limit]

    def title_words_for_initials(self, query: str, limit: int = 10) -> list[tuple[str, int]]:
        """Headline words as printed whose 초성 are exactly those of ``query`` (ㅎㄷㅎㄱ →
        한동훈과), most printed first, with their weight: the titles a 초성 query may mean."""
        return self.title_initials.lookup(query, limit=limit)

    def corrections(self, word: str) -> list[tuple[str, float, int]]:
        """Words of the index a typo or two from ``word``, best first: ``(word, distance,
        document frequency)`` (see :meth:`.Speller.suggest`); verb and adjective stems (걸치
        for 갈치) are left out."""
        return [(t, distance, df) for t, distance, df in self.speller.suggest(word) if not is_stem(t)]

    @classmethod
    def read(cls, reader: Any, segments: Segments | None = None, open_reader: Callable[[], Any] | None = None) -> "Lexicon":
        """The lexicon of the index ``reader`` reads.

        ``segments`` keeps what each segment gave, so that the next read only reads new
        segments. The posts' titles are read now from ``reader``, or, given ``open_reader``,
        only when a title is first wanted, from a reader it opens then.
        """
        segments = Segments() if segments is None else segments
        fields: dict[str, dict[bytes, int]] = {f: {} for f in MORPHEME_FIELDS}
        for leaf, _offset in _leaves(reader):
            for f, terms in segments.terms(leaf).items():
                merged = fields[f]
                if not merged:
                    merged.update(terms)
                else:
                    for t, n in terms.items():
                        merged[t] = merged.get(t, 0) + n
        df: dict[str, int] = {}
        title_df: dict[str, int] = {}
        for f in MORPHEME_FIELDS:
            decoded = {t.decode("utf-8", "replace"): n for t, n in fields[f].items()}
            if f == "title":
                title_df = decoded
            for t, n in decoded.items():
                if n > df.get(t, 0):
                    df[t] = n
        if open_reader is None:
            return cls(df, title_df, segments.live(reader))
        return cls(df, title_df, lambda: segments.read_live(open_reader))


class Live(NamedTuple):
    """The live posts of an index (:data:`Post`), oldest first, and functions giving what is
    kept per segment: the completers of their titles with the item of :attr:`Lexicon.titles`
    each of their items is (see :meth:`.Completer.merged`), and their :class:`LatinCounts`
    summed. None for posts given as a list."""

    posts: list[Post]
    titles: Callable[[], list[tuple[Completer, Sequence[int]]]] | None
    latin: Callable[[], LatinCounts] | None = None


class LatinCounts(NamedTuple):
    """Of some posts: each Latin word (lower-cased) as each way it is printed, with the posts
    printing it so; the posts that print it in any letter case; and those whose title does."""

    forms: dict[str, dict[str, int]]
    posts: dict[str, int]
    titles: dict[str, int]

    @classmethod
    def of(cls, rows: Iterable[tuple[Any, ...]]) -> LatinCounts:
        """The counts of these posts (rows: title first, Latin words last)."""
        forms: dict[str, dict[str, int]] = {}
        posts: dict[str, int] = {}
        titles: dict[str, int] = {}
        for row in rows:
            title, latin = row[0], row[-1]
            for lower in {w.lower() for w in latin_words(title)}:
                titles[lower] = titles.get(lower, 0) + 1
            for word in latin:
                printed = forms.setdefault(word.lower(), {})
                printed[word] = printed.get(word, 0) + 1
            for lower in {w.lower() for w in latin}:
                posts[lower] = posts.get(lower, 0) + 1
        return cls(forms, posts, titles)

    @classmethod
    def summed(cls, parts: Sequence[LatinCounts]) -> LatinCounts:
        """The counts of the posts of all ``parts`` (each part's own posts)."""
        if len(parts) == 1:
            return parts[0]
        total = cls({}, {}, {})
        for part in parts:
            for lower, printed in part.forms.items():
                into = total.forms.get(lower)
                if into is None:
                    total.forms[lower] = dict(printed)
                else:
                    for word, n in printed.items():
                        into[word] = into.get(word, 0) + n
            for mine, theirs in ((total.posts, part.posts), (total.titles, part.titles)):
                for lower, n in theirs.items():
                    mine[lower] = mine.get(lower, 0) + n
        return total


class _SegmentTitles:
    """A segment's posts (deleted ones included) in the order of a lexicon's rows (by day, then
    id), and a completer of their titles, built on first use: the newest post first."""

    def __init__(self, rows: list[tuple[str, str, str, str, tuple[str, ...]]]) -> None:
        self.keys = [order_key(date, post_id) for _, _, post_id, date, _ in rows]
        self.order = sorted(range(len(rows)), key=self.keys.__getitem__)
        self.keys = [self.keys[doc] for doc in self.order]
        self._rows = rows
        self._lock = threading.Lock()
        self._completer: Completer | None = None
        self._docs: np.ndarray | None = None

    @property
    def completer(self) -> Completer:
        """The titles, one item per post: an item's weight is its place in :attr:`order`."""
        with self._lock:
            if self._completer is None:
                rows = self._rows
                completer = Completer([(rows[doc][0], place) for place, doc in enumerate(self.order)], distinct=False)
                import numpy as np

                self._docs = np.asarray([self.order[place] for _, place in completer.entries], dtype=np.int64)
                self._completer = completer
            return self._completer

    @property
    def docs(self) -> np.ndarray:
        """Each item's document number in the segment."""
        self.completer  # noqa: B018 - builds both
        assert self._docs is not None
        return self._docs


class Segments:
    """What each segment of an index gave a lexicon, by segment id: its terms with their
    document frequencies, and its posts (read only when titles are wanted). Segments that
    leave the index (merged away, or of an older generation) are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._terms: dict[str, dict[str, dict[bytes, int]]] = {}
        self._posts: dict[str, list[tuple[str, str, str, str, tuple[str, ...]]]] = {}
        self._titles: dict[str, _SegmentTitles] = {}
        self._latin: dict[str, tuple[int, LatinCounts]] = {}
        """Each segment's :class:`LatinCounts` of its live posts, with its number of deleted
        posts then (a segment's deletions only grow, so the number tells whether they changed)."""

    def __len__(self) -> int:
        return len(self._terms)

    def ids(self) -> set[str]:
        with self._lock:
            return set(self._terms) | set(self._posts) | set(self._titles) | set(self._latin)

    def terms(self, leaf: Any) -> dict[str, dict[bytes, int]]:
        return self._cached(self._terms, leaf, lambda: {f: dict(_field_terms(leaf, f)) for f in MORPHEME_FIELDS})

    def live(self, reader: Any) -> Live:
        """The live posts of ``reader``, oldest first (by day, then id), with their recency,
        and the per-segment completers of their titles (built when first wanted, then kept)."""
        runs, segments, deletions = [], [], []
        for leaf, _offset in _leaves(reader):
            deleted = leaf.is_deleted if leaf.has_deletions() else None
            deletions.append((segment_id(leaf), leaf.doc_count_all() - leaf.doc_count()))
            rows = self._cached(self._posts, leaf, lambda: _stored_posts(leaf))
            titles = self._cached(self._titles, leaf, lambda: _SegmentTitles(rows))  # noqa: B023 - called at once
            run = len(runs)
            runs.append([(key, run, doc) for key, doc in zip(titles.keys, titles.order) if not (deleted and deleted(doc))])
            segments.append((titles, rows))
        ordered = list(merge(*runs))  # each run is in order already
        posts: list[Post] = []
        import numpy as np

        row_of = [np.full(len(rows), -1, dtype=np.int64) for _, rows in segments]
        for n, (_, run, doc) in enumerate(ordered):
            title, url, post_id, _, latin = segments[run][1][doc]
            posts.append((title, url, post_id, n, latin))
            row_of[run][doc] = n
        last = len(posts) - 1

        def title_parts() -> list[tuple[Completer, Sequence[int]]]:
            parts = []
            for (titles, _), rows in zip(segments, row_of):
                items = rows[titles.docs]  # each item's row, -1 if deleted: then the merged item
                parts.append((titles.completer, array("q", np.where(items >= 0, last - items, -1).tobytes())))
            return parts

        def latin_counts() -> LatinCounts:
            parts = []
            for (key, n_deleted), run, (_, rows) in zip(deletions, runs, segments):
                with self._lock:
                    found = self._latin.get(key) if key is not None else None
                if found is None or found[0] != n_deleted:
                    found = (n_deleted, LatinCounts.of(rows[doc] for _, _, doc in run))
                    if key is not None:
                        with self._lock:
                            self._latin[key] = found
                parts.append(found[1])
            return LatinCounts.summed(parts)

        return Live(posts, title_parts, latin_counts)

    def read_live(self, open_reader: Callable[[], Any]) -> Live:
        reader = open_reader()
        try:
            return self.live(reader)
        finally:
            reader.close()

    def keep(self, ids: set[str]) -> None:
        """Forget every segment but these."""
        with self._lock:
            for cache in (self._terms, self._posts, self._titles, self._latin):
                for stale in set(cache) - ids:
                    del cache[stale]

    def _cached(self, cache: dict[str, Any], leaf: Any, read: Callable[[], Any]) -> Any:
        key = segment_id(leaf)
        with self._lock:
            found = cache.get(key) if key is not None else None
        if found is None:
            found = read()
            if key is not None:
                with self._lock:
                    cache[key] = found
        return found


@lru_cache(maxsize=65536)
def is_stem(term: str) -> bool:
    """Whether an index term is the stem of a verb or an adjective (걸치, 밝히, 새롭), which the
    index keeps for matching but a reader never types alone.

    The index does not keep part-of-speech tags, so Kiwi is asked twice: a stem followed by
    다 reads as a stem, and a noun followed by 를 reads as that noun; a word that passes both
    (인하: 인하다 and 금리 인하를) counts as a noun.

    Example:
        >>> [w for w in ("걸치", "밝히", "새롭", "황당하", "갈치", "인하", "바이든") if is_stem(w)]
        ['걸치', '밝히', '새롭', '황당하']
    """
    kiwi = get_kiwi()
    tokens = kiwi.tokenize(term + "다", z_coda=False)
    first = tokens[0].tag.split("-", 1)[0] if tokens else ""
    verb = (first in _STEM_TAGS and tokens[0].form == term) or (
        len(tokens) > 1 and tokens[1].tag in ("XSV", "XSA") and tokens[0].form + tokens[1].form == term
    )
    if not verb:
        return False
    tokens = kiwi.tokenize(term + "를", z_coda=False)
    noun = len(tokens) > 1 and tokens[0].form == term and tokens[0].tag.startswith("NN") and tokens[1].tag == "JKO"
    return not noun


_STEM_TAGS = frozenset({"VV", "VA", "VX"})


@lru_cache(maxsize=65536)
def is_dictionary_noun(word: str) -> bool:
    """Whether the analyser's dictionary (Kiwi's, with the site's user words) has ``word`` as
    one noun or proper noun: read alone, or followed by a particle, as one NNG or NNP that is
    not Kiwi's guess for a string it does not know (its ``oov`` tokens: typos are guessed
    nouns too, 푸딘 and 대통렁 among them).

    A word the dictionary knows and no post has is a new word before it is a typo: a news site
    prints new names every day (독도, 푸틴 and 이재명 are no typos of 속도, 부팅 and 인명).

    Example:
        >>> [w for w in ("독도", "푸틴", "이재명", "하이브", "계엄", "바비") if not is_dictionary_noun(w)]
        []
        >>> [w for w in ("푸딘", "대통렁", "바이던", "해리수", "국힘", "불찬") if is_dictionary_noun(w)]
        []
    """
    if not word:
        return False
    kiwi = get_kiwi()
    final = final_consonant(word[-1])
    for particle in ("", "은" if final else "는", "을" if final else "를", "의"):
        tokens = kiwi.tokenize(word + particle, z_coda=False)
        if not tokens or tokens[0].form != word or tokens[0].tag not in _NOUN_TAGS or getattr(tokens[0], "oov", False):
            continue
        if all(t.tag.startswith("J") for t in tokens[1:]) and (particle or len(tokens) == 1):
            return True
    return False


_NOUN_TAGS = frozenset({"NNG", "NNP"})


class LexiconCache:
    """The lexicon of the index a service reads, built on first use and rebuilt when the index
    changes; what each segment gave is kept, so a rebuild reads only the new segments.

    The first build happens in the calling thread. A rebuild happens in the background, and
    until it is done every caller gets the previous lexicon: a suggestion from a lexicon one
    commit old is still a good one, and no reader waits seconds for the first query after a
    publish. ``wait=True`` waits for the rebuild instead (tests, benchmarks).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._key: Any = None
        self._lexicon: Lexicon | None = None
        self._segments = Segments()
        self.build_seconds = 0.0
        """How long the last build took."""

    def get(self, key: Any, open_reader: Callable[[], Any], *, wait: bool = False) -> Lexicon:
        """The lexicon for ``key`` (an index version); ``open_reader()`` gives a reader of that
        version when one must be built (it is closed after)."""
        with self._lock:
            current, lexicon = self._key, self._lexicon
        if current == key and lexicon is not None:
            return lexicon
        if lexicon is None or wait:
            with self._building:
                self._build(key, open_reader)
        elif self._building.acquire(blocking=False):  # else a rebuild is already under way
            threading.Thread(target=self._build_in_background, args=(key, open_reader), daemon=True).start()
        with self._lock:
            assert self._lexicon is not None
            return self._lexicon

    def _build_in_background(self, key: Any, open_reader: Callable[[], Any]) -> None:
        try:
            self._build(key, open_reader, warm=True)
        except Exception:  # noqa: BLE001 - e.g. the generation was removed: the next call retries
            logging.getLogger(__name__).warning("rebuilding the lexicon failed", exc_info=True)
        finally:
            self._building.release()

    def _build(self, key: Any, open_reader: Callable[[], Any], warm: bool = False) -> None:
        """Build the lexicon of ``key`` unless it is already there (hold ``_building``); with
        ``warm``, also its structures (a rebuild, while the previous lexicon answers)."""
        with self._lock:
            if self._key == key and self._lexicon is not None:
                return
        started = time.perf_counter()
        reader = open_reader()
        try:
            lexicon = Lexicon.read(reader, self._segments, open_reader)
            self._segments.keep({k for k in (segment_id(leaf) for leaf, _ in _leaves(reader)) if k is not None})
        finally:
            reader.close()
        if warm:
            lexicon.warm()
        with self._lock:
            self._key, self._lexicon = key, lexicon
            self.build_seconds = time.perf_counter() - started
        if warm:  # a rebuild after a publish, in the background: the previous lexicon (and
            memory.trim()  # view) are let go by now, and their heap pages can go back


def _leaves(reader: Any) -> list[tuple[Any, int]]:
    leaves = reader.leaf_readers()
    return list(leaves) if leaves else [(reader, 0)]


def _stored_posts(leaf: Any) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """``(title, url, id, date, latin)`` by segment docnum (deleted documents included);
    ``latin``: the Latin words of the title, summary and body as printed, once each (the
    stored document is read whole anyway)."""
    posts = []
    for docnum in range(leaf.doc_count_all()):
        stored = from_stored(leaf.stored_fields(docnum))
        latin = tuple(set(latin_words(stored.text)))
        posts.append((stored.title, stored.url, stored.id, stored.date, latin))
    return posts


def _field_terms(leaf: Any, field: str) -> Iterator[tuple[bytes, int]]:
    """``(term, document frequency)`` of one field of one segment.

    Read straight from the terms file when it is Whoosh 2.7.4's (the project pins it): a
    term's record starts with its doc frequency, and decoding whole term infos would unpickle
    every inlined posting list (3x slower on the corpus). Anything else: Whoosh's own API.
    """
    try:
        from whoosh.util.numeric import pack_ushort

        table, number = term_table(leaf, field)
        start = table.closest_key_pos(pack_ushort(number))
        end = table.closest_key_pos(pack_ushort(number + 1)) if number < 0xFFFF else None
        end = table.endofdata if end is None else end
        data = table.dbfile.get(start, end - start) if start is not None else b""
    except KeyError:  # no term of this field in this segment
        return
    except AttributeError:
        if field in leaf.indexed_field_names():
            yield from ((term, info.doc_frequency()) for term, info in leaf.iter_field(field))
        return
    lengths, doc_freq = _LENGTHS.unpack_from, _DOC_FREQ.unpack_from
    position, size = 0, len(data)
    while position < size:
        key_length, value_length = lengths(data, position)
        key = position + _LENGTHS.size
        yield data[key + 2 : key + key_length], doc_freq(data, key + key_length + _DOC_FREQ_OFFSET)[0]
        position = key + key_length + value_length
