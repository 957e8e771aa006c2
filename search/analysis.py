"""Korean text analysis: Whoosh tokenizers and filters built on kiwipiepy.

Two analyzers, each used at both index and query time:

* :func:`korean_analyzer` — Kiwi morphological analysis. Emits nouns, proper nouns, numbers,
  foreign words, Hanja, roots and verb/adjective stems, plus the joined surface of a noun run
  inside one word (한미동맹, 국민의힘, 1조원, 3.5%) at the position of its first morpheme, so a
  compound matches whole and by its parts. Particles and endings are dropped: 동맹을 → 동맹.
  English words are case-folded and stemmed (chips → chip). A headline's one-character
  Hanja abbreviation also yields its Hangul word at the same position (美 → 미국, 北 → 북한),
  so either spelling finds both.
* :func:`bigram_analyzer` — overlapping character bigrams of each word (a one-character word
  stays whole). It makes every word findable even where Kiwi splits it oddly; in titles, where
  positions are kept, a word's bigrams must also be consecutive.

Kiwi takes 1–2 s and ~600 MB to load, so one instance per process is built lazily on first
use with ``num_workers=0`` (its thread pool hangs in a forked child). Its typo and multi-word
dictionaries are not loaded: they double the load time (which every ``sokbo index`` run after a
publish pays), and the multi-word one turns names such as 카멀라 해리스 into one term with a
space that no query word can match by morpheme.
"""

from __future__ import annotations

import re
import sys
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from whoosh.analysis import Composable, Token, Tokenizer
from whoosh.lang.porter2 import stem

T = TypeVar("T")

UserWords = tuple[tuple[str, str, float], ...]


def load_kiwi(user_words: UserWords) -> Any:
    """A new Kiwi with ``user_words`` (1–3.5 s, ~600 MB): only :class:`Analyzer` calls this."""
    import warnings

    from kiwipiepy import Kiwi

    with warnings.catch_warnings():
        # kiwipiepy warns that num_workers=0 means "single thread" since 0.21:
        # that is exactly what a forking process needs.
        warnings.simplefilter("ignore", DeprecationWarning)
        kiwi = Kiwi(num_workers=0, load_typo_dict=False, load_multi_dict=False)
    for word, tag, score in user_words:
        kiwi.add_user_word(word, tag, score)
    kiwi.tokenize("")  # finish its lazy initialisation now, not on a reader's query
    return kiwi


class Analyzer:
    """Kiwi with one site's user words, and every cache derived from them.

    An index generation is analysed with its site's user dictionary, so a service searching
    it holds the analyzer for those words (:func:`analyzer_for`); a rebuild with another
    dictionary brings a new analyzer, and with it empty caches: nothing analysed with the old
    words survives. Kiwi is loaded on first use (Kiwi cannot forget a word, so each analyzer
    has its own).

    Example:
        >>> a = Analyzer()
        >>> a.memo(("upper", "x"), lambda: "X"), a.memo(("upper", "x"), lambda: "?")
        ('X', 'X')
    """

    MEMO_BYTES = 32 * 1024 * 1024
    """Memory :meth:`memo` may hold, measured (not counted in entries): readers repeat their
    words, but one query of 1,000 characters analyses to ~80 KB, so a cap by entries let
    ~4,000 long queries hold hundreds of MB."""

    def __init__(self, user_words: UserWords = ()) -> None:
        self.user_words = tuple(user_words)
        self._kiwi: Any = None
        self._lock = threading.Lock()
        self._memo: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._memo_bytes = 0

    @property
    def kiwi(self) -> Any:
        """This analyzer's Kiwi, loaded on first use."""
        if self._kiwi is None:
            with self._lock:
                if self._kiwi is None:
                    self._kiwi = load_kiwi(self.user_words)
        return self._kiwi

    @property
    def loaded(self) -> bool:
        return self._kiwi is not None

    @property
    def memo_bytes(self) -> int:
        """What :meth:`memo` holds now, in bytes (keys and values, measured when stored)."""
        return self._memo_bytes

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, remembered under ``key`` for this analyzer, least recently used out
        first once the memo holds :attr:`MEMO_BYTES`."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key][0]
        value = compute()
        size = deep_size((key, value))
        if size > self.MEMO_BYTES // 64:
            return value  # one huge entry would evict hundreds of common ones
        with self._lock:
            if key not in self._memo:
                self._memo[key] = (value, size)
                self._memo_bytes += size
            while self._memo_bytes > self.MEMO_BYTES:
                _key, (_value, dropped) = self._memo.popitem(last=False)
                self._memo_bytes -= dropped
        return value

    def terms(self, text: str) -> Iterator[tuple[str, int, int, int, float]]:
        """:func:`korean_terms` with this analyzer's Kiwi."""
        return _korean_terms(self.kiwi, text)


def deep_size(value: Any, seen: set[int] | None = None) -> int:
    """Bytes held by ``value`` and what it contains (strings, numbers, tuples, lists, sets,
    dicts, dataclasses and objects with ``__dict__``/``__slots__``), each object once.

    Example:
        >>> deep_size(("ab", "ab")) == sys.getsizeof(("ab", "ab")) + sys.getsizeof("ab")
        True
    """
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return size
    if isinstance(value, dict):
        return size + sum(deep_size(k, seen) + deep_size(v, seen) for k, v in value.items())
    if isinstance(value, (tuple, list, set, frozenset)):
        return size + sum(deep_size(item, seen) for item in value)
    fields = getattr(value, "__dict__", None)
    if fields is not None:
        return size + deep_size(fields, seen)
    slots = getattr(type(value), "__slots__", ())
    return size + sum(deep_size(getattr(value, name), seen) for name in slots if hasattr(value, name))


_current = Analyzer()
_current_lock = threading.Lock()


def analyzer_for(user_words: UserWords) -> Analyzer:
    """The process's analyzer for ``user_words``: the current one when its words are these,
    else a new one, which becomes current (the one index-time analysis uses)."""
    global _current
    with _current_lock:
        if _current.user_words != tuple(user_words):
            _current = Analyzer(user_words)
        return _current


def model_loaded(user_words: UserWords) -> bool:
    """Whether this process has Kiwi loaded for ``user_words`` already (a process that forks
    then hands it to its children for free)."""
    return _current.user_words == tuple(user_words) and _current.loaded


def load_model(user_words: UserWords) -> None:
    """Load Kiwi for ``user_words`` now (1-3 s), as the analyzer index-time analysis uses."""
    analyzer_for(user_words).kiwi  # noqa: B018 - the property loads it


def current_analyzer() -> Analyzer:
    """The analyzer that index-time analysis (the schema's tokenizer) uses in this process."""
    return _current


def use_user_words(words: UserWords) -> bool:
    """Analyse with these ``(word, tag, score)`` user words from now on (the site's dictionary);
    whether that changed the current analyzer."""
    before = _current
    return analyzer_for(words) is not before


def get_kiwi() -> Any:
    """The current analyzer's Kiwi (loaded on first call)."""
    return _current.kiwi


def kiwi_loaded() -> bool:
    """Whether this process has already paid for loading Kiwi."""
    return _current.loaded


# Morpheme tags that carry meaning on their own (Sejong tag set as Kiwi uses it).
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NR", "SN", "SL", "SH", "XR", "VV", "VA", "W_HASHTAG", "W_SERIAL", "W_EMAIL"}
)
# Tags that may be part of a noun run glued into one surface (한미+동맹, 국민+의+힘, 1+조+원).
_RUN_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH", "XPN", "XSN", "XR"})
# A genitive particle inside a word glues names such as 국민의힘 but never ends a run.
_RUN_INNER_TAGS = frozenset({"JKG"})
# Unit symbols that Kiwi tags SW: glued to the number before them (3.5%, 30℃).
UNIT_SYMBOLS = frozenset("%‰℃℉°$€£¥₩")

HANJA_WORDS: dict[str, str] = {
    "美": "미국", "中": "중국", "北": "북한", "南": "남한", "日": "일본", "韓": "한국", "英": "영국",
    "獨": "독일", "佛": "프랑스", "露": "러시아", "印": "인도", "加": "캐나다", "濠": "호주", "伊": "이탈리아",
    "與": "여당", "野": "야당", "靑": "청와대", "檢": "검찰", "軍": "군",
}
"""One-character Hanja that Korean headlines use for a word (美 for 미국): each indexes as both."""

_SPACE = re.compile(r"\s+")
# Characters that never belong to a word for the bigram field.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# Full-width ASCII (ＡＢＣ１２３) and the ideographic space, as Korean IMEs type them.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    """NFC-compose Hangul and fold full-width ASCII, so the same word is always the same string.

    NFKC is not used: it would turn the compatibility jamo of 초성 (ㄱㅈㅇ) into combining ones.
    """
    return unicodedata.normalize("NFC", text).translate(_WIDTH)


class TermTokenizer(Tokenizer):
    """A Whoosh tokenizer over a function that gives ``(text, position, startchar, endchar, weight)``.

    Subclasses name the function in ``terms``; Whoosh's pipeline (positions, character
    offsets, ``tokenize=False`` for whole values) is handled here once.
    """

    @staticmethod
    def terms(value: str) -> Iterator[tuple[str, int, int, int, float]]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos, startchar, endchar, weight in self.terms(value) if tokenize else [(value, 0, 0, len(value), 1.0)]:
            t.text = text
            t.boost = weight
            if keeporiginal:
                t.original = text
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + startchar
                t.endchar = start_char + endchar
            yield t


PART_WEIGHT = 0.5
"""Weight of a morpheme inside a glued compound (사무 in 사무총장): a post that says the word
itself (사무) ranks above one that only has it inside a longer noun."""


def korean_terms(text: str) -> Iterator[tuple[str, int, int, int, float]]:
    """``(term, position, startchar, endchar, weight)`` for each index term of ``text``, with
    the current analyzer (:func:`current_analyzer`; the schema's tokenizer calls this).

    Content morphemes take consecutive positions; the glued surface of a noun run shares
    the position of the run's first morpheme, and the run's own morphemes weigh
    ``PART_WEIGHT``.

    Example:
        >>> [(t, w) for t, _p, _s, _e, w in korean_terms("한미동맹을 강화했다")]
        [('한미', 0.5), ('동맹', 0.5), ('한미동맹', 1.0), ('강화', 1.0)]
    """
    return _current.terms(text)


PIECE_CHARS = 10_000
"""Kiwi reads a text this long at a time, cut at a line break (else a space). Its time grows
faster than the text on one huge string (58,000 characters in 2.1 s, 232,000 in 20.8 s; the
same line by line 1.2 s and 4.5 s), and a post holds paragraphs, not one sentence."""


def _tokens(kiwi: Any, text: str) -> Iterator[tuple[str, str, int, int]]:
    """Kiwi's tokens of ``text`` as ``(form, tag, start, length)``, a piece at a time."""
    for offset, piece in _pieces(text, PIECE_CHARS):
        for tok in kiwi.tokenize(piece, z_coda=False):
            yield tok.form, tok.tag, offset + tok.start, tok.len


def _pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    r"""``text`` in pieces of at most ``limit`` characters with their offsets, cut after a line
    break, else after a space, else anywhere.

    Example:
        >>> list(_pieces("ab\ncd ef", 4))
        [(0, 'ab\n'), (3, 'cd '), (6, 'ef')]
    """
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n"), window.rfind(" ") if "\n" not in window else -1) + 1
        cut = cut if cut > 0 else limit
        yield start, text[start : start + cut]
        start += cut
    if start < len(text):
        yield start, text[start:]


def _korean_terms(kiwi: Any, text: str) -> Iterator[tuple[str, int, int, int, float]]:
    text = normalize(text)
    if not text.strip():
        return
    pos = -1
    run: list[tuple[int, int, str]] = []  # (start, end, tag) of a noun run inside one word
    run_pos = 0
    members: list[tuple[str, int, int, int]] = []  # the run's content terms, held until it ends

    def end_run() -> Iterator[tuple[str, int, int, int, float]]:
        while run and run[-1][2] in _RUN_INNER_TAGS:
            run.pop()  # 미국의: a trailing genitive is not part of the name
        glued = len(run) >= 2
        for term in members:
            yield (*term, PART_WEIGHT if glued else 1.0)
        if glued:
            start, end = run[0][0], run[-1][1]
            yield text[start:end].lower(), run_pos, start, end, 1.0
        members.clear()

    # z_coda=False: no splitting of a trailing consonant added for style (했닼): rare in news,
    # and skipping it makes analysis 10-30% faster.
    for form, full_tag, start, length in _tokens(kiwi, text):
        tag = full_tag.split("-", 1)[0]  # VV-R / VA-I mark (ir)regular stems: same stem
        if tag == "SW" and form in UNIT_SYMBOLS:
            tag = "NNB"  # a unit, like 원 in 1조원
        end = start + length
        extends = bool(run) and start == run[-1][1] and (tag in _RUN_TAGS or tag in _RUN_INNER_TAGS)
        if not extends:
            yield from end_run()
            run = []
            if tag in _RUN_TAGS:
                run_pos = pos + 1
        in_run = extends or tag in _RUN_TAGS
        if in_run:
            run.append((start, end, tag))
        if tag in CONTENT_TAGS:
            pos += 1
            form = form.lower()
            terms = [(stem(form) if tag == "SL" else form, pos, start, end)]
            if tag == "SH":
                terms += [(w, pos, start, end) for w in dict.fromkeys(HANJA_WORDS[c] for c in form if c in HANJA_WORDS)]
            if in_run:
                members.extend(terms)
            else:
                yield from ((*t, 1.0) for t in terms)
    yield from end_run()


def bigrams(text: str) -> Iterator[tuple[str, int, int, int, float]]:
    """``(bigram, position, startchar, endchar, weight)`` for each word of ``text``.

    Words of Latin letters and digits have none: Kiwi keeps them whole (SL, SN), and their
    bigrams would only add false matches (qoogle would match every page with "google").

    Example:
        >>> [b for b, *_ in bigrams("동맹을 강화 NATO")]
        ['동맹', '맹을', '강화']
    """
    text = normalize(text).lower()
    pos = 0
    for m in _WORD.finditer(text):
        word, start = m.group(), m.start()
        if word.isascii():
            continue  # Latin letters and digits: Kiwi never splits those oddly
        if len(word) == 1:
            yield word, pos, start, start + 1, 1.0
            pos += 1
            continue
        for i in range(len(word) - 1):
            yield word[i : i + 2], pos, start + i, start + i + 2, 1.0
            pos += 1


class KoreanTokenizer(TermTokenizer):
    """Kiwi morphemes as Whoosh tokens (see the module docstring for what is kept)."""

    terms = staticmethod(korean_terms)


class BigramTokenizer(TermTokenizer):
    """Overlapping character bigrams within each word; positions run on across words, so
    the bigrams of a phrase are consecutive in the index exactly when the phrase is."""

    terms = staticmethod(bigrams)


def written_words(text: str) -> list[str]:
    """The words of ``text`` as written: letters and digits between spaces and punctuation,
    lower-cased, nothing removed or stemmed (동맹을 stays 동맹을).

    Example:
        >>> written_words("한미 동맹을 (NATO) 3.5%")
        ['한미', '동맹을', 'nato', '3', '5']
    """
    return _WORD.findall(normalize(text).lower())


def korean_analyzer() -> Composable:
    """The morpheme analyzer stored in the schema (index time) and used by queries."""
    return KoreanTokenizer()


def bigram_analyzer() -> Composable:
    """The character-bigram analyzer stored in the schema and used by queries."""
    return BigramTokenizer()


def words(text: str) -> list[str]:
    """Split a query or text on whitespace (the unit a reader types)."""
    return [w for w in _SPACE.split(normalize(text)) if w]
