"""Did-you-mean and 초성 expansion: a reader's query, corrected or expanded from the index's words.

* :func:`did_you_mean` finds each word of the query that the index does not know (or knows
  far less than a word a typo or two away from it) and returns the query with those words
  replaced: 바이던의 발언 → 바이든의 발언. Phrases, excluded words and 초성 are left as typed.
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
from typing import Any

from .analysis import normalize
from .hangul import SLIP_COST, is_initials_query
from .lexicon import Lexicon
from .query import _TOKEN, ParsedQuery, Term, analyse, build, parse
from .schema import GRAM_FIELDS

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


def did_you_mean(q: str, lexicon: Lexicon, count: Counter) -> str | None:
    """``q`` with its misspelt words corrected, or None when no word needs it.

    When a word has several corrections equally near, the one that finds the most posts
    together with the query's other words wins (아늘 학대 → 아들 학대, not 아늑 학대).

    Example (with a lexicon where 바이든 is in 171 posts and 바이던 in none):
        >>> did_you_mean('바이던의 "바이던" 발언 -바이던', lexicon, count)   # doctest: +SKIP
        '바이든의 "바이던" 발언 -바이던'
    """
    text = normalize(q)
    if text.count('"') % 2:  # as query.parse reads it
        text = text.replace('"', " ")
    words = [m for m in _TOKEN.finditer(text) if m.group(3) is not None]
    typed = [m for m in words if m.group(3) != "OR" and not m.group(3).startswith("-") and not is_initials_query(m.group(3))]
    fixes: dict[int, str] = {}  # where a word starts in text -> its correction
    deadline = time.perf_counter() + BUDGET_SECONDS
    for n, m in enumerate(typed):
        if n >= MAX_WORDS or time.perf_counter() > deadline:
            break
        candidates = word_corrections(m.group(3), lexicon, count)
        if len(candidates) > 1 and len(typed) > 1:
            found = [count_query(_replace(text, {**fixes, m.start(3): c}, words), count) for c in candidates]
            candidates = [candidates[found.index(max(found))]]  # the most posts; a tie: the speller's order
        if candidates:
            fixes[m.start(3)] = candidates[0]
    return _replace(text, fixes, words) if fixes else None


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
    punctuation and particle kept; none for a word the index knows.

    A word the analyser does not take whole may be a name and its particle (푸딘의, 바이던의:
    Kiwi reads the latter as 바이 + endings), so the word before a particle is also tried.
    A word, or a word before its particle, that the index has in more than
    :data:`MAX_KNOWN` posts is never corrected; see :data:`RATIO` for the others.
    """
    lead, core, trail = _EDGE.match(word).groups()  # type: ignore[union-attr]
    if len(core) > MAX_WORD_LENGTH or not _HANGUL.search(core) or any(ch.isdigit() for ch in core):
        return []
    a = analyse(Term(core))
    cores = [(core, "")]
    if core.lower() not in a.morphemes and core.lower() not in a.compounds:
        cores += [(core[: -len(p)], p) for p in PARTICLES if core.endswith(p) and len(core) - len(p) >= 2]
    for stem, particle in cores:
        known = _known(stem, lexicon, count)
        if known > MAX_KNOWN:
            if particle or len(cores) == 1:
                return []  # a word the index knows well (and its particle: 우크라이나가)
            continue  # the whole word: what the index knows may be a piece of it (바이 of 바이던의)
        found = [
            (distance, f"{lead}{candidate}{particle}{trail}")
            for candidate, distance, df in lexicon.corrections(stem)
            if df >= RATIO * known + 1 and (not known or distance <= SLIP_COST)
        ]
        if found:
            nearest = min(distance for distance, _ in found)
            return [c for distance, c in found if distance == nearest][:CANDIDATES]
    return []


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
