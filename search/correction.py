"""Did-you-mean and 초성 expansion: a reader's query, corrected or expanded from the index's words.

* :func:`correct` (and :func:`did_you_mean`, its text) finds each word of the query that the
  index does not know (or knows far less than a word a typo or two away from it) and returns
  the query with those words replaced: 바이던의 발언 → 바이든의 발언; and whether that may be
  searched instead of the query, or only offered. Phrases, excluded words, 초성 and the site's
  synonyms and user words are left as typed, and a word the analyser's dictionary knows is a
  new word, not a typo (독도 is not 속도).
* :func:`expand_initials` turns a word typed in 초성 (ㄱㅈㅇ) into the alternatives the index
  has for it (김정은, 국정원, ...), each boosted by how prominent it is, so a name of many
  headlines ranks above a word of a few bodies.

Both read a :class:`~sokbo.search.lexicon.Lexicon`; neither changes the query's syntax.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .analysis import normalize
from .hangul import SLIP_COST, is_initials_query
from .lexicon import TITLE_WEIGHT, Lexicon, is_dictionary_noun
from .query import _TOKEN, ParsedQuery, Term, analyse, build, parse
from .schema import GRAM_FIELDS, TITLE_FIELDS
from .vocabulary import Vocabulary

RATIO = 20
"""A correction must be in this many times more posts than the word as typed (and in one at
least, when the word is in none). A word the index has is only corrected for a slip (a
neighbouring key, 푸딘 for 푸틴: :data:`.hangul.SLIP_COST`), never for another edit: 수출 is
not a typo of 서울."""
MAX_KNOWN = 5
"""A word in more posts than this is taken as meant (a typo that common is a spelling). A
word's posts are those with it as an index term or with its text (its character bigrams):
the index keeps no adverbs (다시) nor words as inflected (몰린), but the text of both is in
thousands of posts, and a typo's in none or two. Its morphemes do not count: Kiwi reads a
typo alone as whatever common pieces fit (이재면: 이재 and an ending)."""
MAX_WORD_LENGTH = 7
"""Longer words are not corrected: the strings a typo may have made grow with the length (a
7-syllable word takes some 20 ms, a pasted 1,000-syllable one would take gigabytes)."""
MAX_WORDS = 8
"""Words of a query looked at for corrections (each costs a millisecond or so)..."""
BUDGET_SECONDS = 0.03
"""... and no word is looked at once this long was spent on the others."""
CANDIDATES = 3
"""Equally near corrections of one word weighed against the query's other words."""
EXPANSIONS = 10
"""초성 words searched for one 초성 query word."""
MIN_BOOST = 0.05
"""The least boost of a 초성 word (see :func:`expand_initials`)."""

PARTICLES = sorted(
    "은 는 이 가 을 를 의 에 에서 에게 께서 으로 로 와 과 도 만 까지 부터 처럼 보다 이나 나 이랑 랑 한테 "
    "이다 이라 라고 이라고 마저 조차 밖에 뿐".split(),
    key=len,
    reverse=True,
)
"""Particles a reader types after a name (바이던의): the word before them is corrected alone."""

_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)
_HANGUL = re.compile("[가-힣]")

Counter = Callable[[Any], int]
"""The number of live posts a Whoosh query matches (:func:`post_counter`)."""


@dataclass(frozen=True)
class Correction:
    """What :func:`correct` makes of a query."""

    text: str
    """The query with its misspelt words corrected: what "이것을 찾으셨나요?" offers."""
    searchable: bool
    """Whether it may be searched instead of the query when the query finds nothing: only
    when every word it corrects is a string the analyser's dictionary does not know (바이던,
    해리수; 바비 for 마비 may be what the reader meant) and is one slip from its correction (a
    neighbouring key or a confusable sound, :data:`.hangul.SLIP_COST`) or a correction in
    :data:`RATIO` posts at least: a name the dictionary does not know yet is as likely as a
    typo of two slips or of another key of a word the index has in a post or two."""


@dataclass(frozen=True)
class _Fix:
    """The corrections of one typed word, nearest first, and what the word is."""

    candidates: list[str]
    distance: float
    """How far the candidates are from the typed word (:func:`.hangul.jamo_distance`)."""
    posts: list[int]
    """How many posts have each candidate (its document frequency)."""
    in_dictionary: bool
    """The typed word (or the word before its particle) is a noun of the analyser's dictionary."""


def did_you_mean(q: str, lexicon: Lexicon, count: Counter, vocabulary: Vocabulary | None = None) -> str | None:
    """``q`` with its misspelt words corrected (:attr:`Correction.text`), or None when no word needs it."""
    found = correct(q, lexicon, count, vocabulary)
    return found.text if found else None


def correct(q: str, lexicon: Lexicon, count: Counter, vocabulary: Vocabulary | None = None) -> Correction | None:
    """``q`` with its misspelt words corrected, and whether that may be searched instead of
    ``q``; None when no word needs it.

    A word is corrected when the index does not know it, or knows it far less than a word a
    typo or two from it (:func:`word_corrections`). A word of the site's synonyms or user
    dictionary (``vocabulary``) never is: 국힘 finds 국민의힘's posts. Then:

    * A noun of the analyser's dictionary (:func:`.lexicon.is_dictionary_noun`) that the index
      does not know is a new word before it is a typo (독도, 푸틴, 이재명 on a site that never
      printed them): it is only corrected when one headline has the correction and every other
      word of the query (보안 바비 → 보안 마비, as a title says), and then only offered.
      Not even a word a slip from a very common one: of the dictionary's nouns that the 5,996
      posts of the shared corpus lack, 1,433 are one slip from a word in 1% of them, and even
      of the 73 a slip from a word in 20% of them, some 4 in 10 are words, not typos
      (``bench/bench_newwords.py --slips``).
    * A string the dictionary does not know (바이던, 해리수, 푸딘) is a typo; but when it is more
      than a slip from its correction and that is in fewer than :data:`RATIO` posts (a foreign
      name the dictionary lacks may well be two slips from some rare word of the index), the
      correction is only offered, and in a query of several words, only when it finds posts
      with all of them.

    The result is searchable (:attr:`Correction.searchable`) when every word it corrects is a
    string the dictionary does not know, one slip from its correction or corrected to a word
    of :data:`RATIO` posts or more.

    When a word has several corrections equally near, the one that finds the most posts
    together with the query's other words wins (아늘 학대 → 아들 학대, not 아늑 학대), a post
    whose title has them all counting :data:`.lexicon.TITLE_WEIGHT` times (the words of a
    remembered headline: 파리올림픽 다라 → 파리올림픽 따라, as a title says, not 다리).

    Example (with a lexicon where 바이든 is in 171 posts and 바이던 in none):
        >>> correct('바이던의 "바이던" 발언 -바이던', lexicon, count)   # doctest: +SKIP
        Correction(text='바이든의 "바이던" 발언 -바이던', searchable=True)
    """
    text = normalize(q)
    if text.count('"') % 2:  # as query.parse reads it
        text = text.replace('"', " ")
    words = [m for m in _TOKEN.finditer(text) if m.group(3) is not None]
    typed = [m for m in words if m.group(3) != "OR" and not m.group(3).startswith("-") and not is_initials_query(m.group(3))]
    protected = _protected(vocabulary)
    fixes: dict[int, str] = {}  # where a word starts in text -> its correction
    new_words: set[int] = set()  # ... of those, the words the dictionary knows
    unsure: set[int] = set()  # ... and those more than a slip from a correction in few posts
    deadline = time.perf_counter() + BUDGET_SECONDS
    for n, m in enumerate(typed):
        if n >= MAX_WORDS or time.perf_counter() > deadline:
            break
        fix = _word_fix(m.group(3), lexicon, count, protected)
        if fix is None:
            continue
        best = 0
        if len(fix.candidates) > 1 and len(typed) > 1:
            found = [_weigh(_replace(text, {**fixes, m.start(3): c}, words), count) for c in fix.candidates]
            best = found.index(max(found))  # the most posts; a tie: the speller's order
        fixes[m.start(3)] = fix.candidates[best]
        if fix.in_dictionary:
            new_words.add(m.start(3))
        if fix.distance > SLIP_COST and fix.posts[best] < RATIO:
            unsure.add(m.start(3))
    others = {k: v for k, v in fixes.items() if k not in new_words}
    for start in new_words:  # a new word, unless a headline says the correction with the other words
        if len(typed) < 2 or not _in_a_title(_replace(text, {**others, start: fixes[start]}, words), count):
            del fixes[start]
    for start in sorted(unsure - new_words) if len(typed) > 1 else ():
        if not count_query(_replace(text, fixes, words), count):  # it does not go with the other words
            del fixes[start]
    if not fixes:
        return None
    return Correction(_replace(text, fixes, words), searchable=not (new_words | unsure) & fixes.keys())


def _protected(vocabulary: Vocabulary | None) -> frozenset[str]:
    """The words of the site's synonym groups and user dictionary, lower-cased: never corrected
    (국힘 finds the posts of 국민의힘: it is no typo of 국한)."""
    if vocabulary is None:
        return frozenset()
    words = [w for group in vocabulary.synonyms for w in group] + [w for w, *_ in vocabulary.user_words]
    return frozenset(normalize(w).lower() for w in words)


def _weigh(text: str, count: Counter) -> int:
    """How well the query ``text`` goes together: the posts with every word, those whose title
    has every word counting :data:`TITLE_WEIGHT` times (the words of a remembered headline)."""
    return count_query(text, count) + TITLE_WEIGHT * _in_a_title(text, count)


def _in_a_title(text: str, count: Counter) -> int:
    """The number of posts whose title has every word of the query ``text``."""
    q = build(parse(text), fields=TITLE_FIELDS)
    return count(q) if q is not None else 0


def _replace(text: str, fixes: dict[int, str], words: list[re.Match[str]]) -> str:
    """``text`` with the words that start at the keys of ``fixes`` replaced."""
    out: list[str] = []
    done = 0
    for m in words:
        if m.start(3) in fixes:
            out += [text[done : m.start(3)], fixes[m.start(3)]]
            done = m.end(3)
    return "".join(out) + text[done:]


def count_query(text: str, count: Counter) -> int:
    """The number of posts the query ``text`` finds (every word, as a search does)."""
    q = build(parse(text))
    return count(q) if q is not None else 0


def word_corrections(word: str, lexicon: Lexicon, count: Counter) -> list[str]:
    """The corrections of one typed word, the nearest only, best first, each with the word's
    punctuation and particle kept; none for a word the index knows (see :func:`_word_fix`)."""
    fix = _word_fix(word, lexicon, count)
    return fix.candidates if fix else []


def _word_fix(word: str, lexicon: Lexicon, count: Counter, protected: frozenset[str] = frozenset()) -> _Fix | None:
    """The corrections of one typed word, the nearest only, best first, each with the word's
    punctuation and particle kept, and whether the word is a noun of the analyser's dictionary
    (:func:`.lexicon.is_dictionary_noun`); None for a word the index knows, or ``protected``.

    A word the analyser does not take whole may be a name and its particle (푸딘의, 바이던의:
    Kiwi reads the latter as 바이 + endings), so the word before a particle is also tried.
    A word, or a word before its particle, that the index has in more than
    :data:`MAX_KNOWN` posts is never corrected; see :data:`RATIO` for the others.
    """
    lead, core, trail = _EDGE.match(word).groups()  # type: ignore[union-attr]
    if len(core) > MAX_WORD_LENGTH or not _HANGUL.search(core) or any(ch.isdigit() for ch in core):
        return None
    if core.lower() in protected:
        return None
    a = analyse(Term(core))
    cores = [(core, "")]
    if core.lower() not in a.morphemes and core.lower() not in a.compounds:
        cores += [(core[: -len(p)], p) for p in PARTICLES if core.endswith(p) and len(core) - len(p) >= 2]
    for stem, particle in cores:
        if stem.lower() in protected:
            return None
        known = _known(stem, lexicon, count)
        if known > MAX_KNOWN:
            if particle or len(cores) == 1:
                return None  # a word the index knows well (and its particle: 우크라이나가)
            continue  # the whole word: what the index knows may be a piece of it (바이 of 바이던의)
        found = [
            (distance, f"{lead}{candidate}{particle}{trail}", df)
            for candidate, distance, df in lexicon.corrections(stem)
            if df >= RATIO * known + 1 and (not known or distance <= SLIP_COST)
        ]
        if found:
            nearest = min(distance for distance, _, _ in found)
            near = [(c, df) for distance, c, df in found if distance == nearest][:CANDIDATES]
            return _Fix([c for c, _ in near], nearest, [df for _, df in near], is_dictionary_noun(stem))
    return None


def _known(word: str, lexicon: Lexicon, count: Counter) -> int:
    """How many posts have ``word`` as written: as an index term or, when that is
    :data:`MAX_KNOWN` or fewer, as text (its character bigrams, all in one field).

    Not by its morphemes: alone, Kiwi reads a typo as pieces that are common (이재면: 이재 and
    an ending; 예후 for 이후 would be 예 + 후), which would hide every such typo."""
    known = lexicon.frequency(word)
    if known > MAX_KNOWN:
        return known
    a = analyse(Term(word))
    if a.grams:
        known = max(known, count(_in_one_field(GRAM_FIELDS, a.grams)))
    return known


def _in_one_field(fields: Sequence[str], terms: Sequence[str]) -> Any:
    """Posts with every one of ``terms`` in one of ``fields``."""
    from whoosh import query as wq

    unique = list(dict.fromkeys(terms))
    return wq.Or([wq.And([wq.Term(f, t) for t in unique]) for f in fields])


def post_counter(searcher: Any, view: Any) -> Counter:
    """A :data:`Counter` over ``searcher``'s live posts (``view`` is its IndexView)."""
    from . import matching

    def count(q: Any) -> int:
        return int(matching.evaluate(q, searcher, view.lengths, view.live_mask).mask.sum())

    return count


def expand_initials(
    q: str, parsed: ParsedQuery, lexicon: Lexicon, limit: int = EXPANSIONS
) -> tuple[ParsedQuery, list[str], dict[Term, float]]:
    """``parsed`` with each 초성 word (ㄱㅈㅇ) ORed with the index's words it can stand for,
    and with the headlines' words as printed that it can stand for (ㅎㄷㅎㄱ: 한동훈과, matched
    only as printed in a title).

    Returns the new query, the words added (most prominent first) and a boost for each: the
    square root of its weight relative to the first's, so that posts about the word the
    reader most likely means come first while BM25 would favour the rarest. A query of single
    spaced consonants (ㅇ ㅅ ㅇ) is one 초성 word. The 초성 as typed stay an alternative (ㅋㅋ
    is also text).
    """
    if is_initials_query(q) and all(len(t.text) == 1 for c in parsed.clauses for t in c):
        parsed = ParsedQuery([[Term("".join(q.split()))]], parsed.excluded)
    expanded: dict[str, None] = {}
    boosts: dict[Term, float] = {}
    clauses: list[list[Term]] = []
    for alternatives in parsed.clauses:
        clause: list[Term] = []
        for term in alternatives:
            clause.append(term)
            if term.phrase or not is_initials_query(term.text):
                continue
            words = [(Term(w), weight) for w, weight in lexicon.expand_initials(term.text, limit)]
            words += [(Term(w, in_title=True), weight) for w, weight in lexicon.title_words_for_initials(term.text, limit)]
            heaviest = max((weight for _t, weight in words), default=1)
            for t, weight in sorted(words, key=lambda found: -found[1]):
                if t not in clause:
                    clause.append(t)
                    boosts[t] = max(MIN_BOOST, math.sqrt(weight / heaviest))
                    expanded[t.text] = None
        clauses.append(clause)
    if not expanded:
        return parsed, [], {}
    return ParsedQuery(clauses, parsed.excluded), list(expanded), boosts
