"""Reader queries: parse what was typed, then build the Whoosh query.

The language is the one readers already know, and no input is ever a syntax error:

* words are ANDed; each must match by morpheme (동맹 finds 동맹을) or by bigrams;
* ``"a phrase"`` matches the words in order (with or without particles between morphemes);
* ``-word`` and ``-"a phrase"`` exclude;
* ``OR`` between two terms makes them alternatives;
* a word of one of the site's synonym groups also matches the group's other words.

Whoosh's own syntax (``field:``, ``*``, ``?``, ``~``, ``^``, brackets, unbalanced quotes) is
plain text here: the parser below never hands the raw string to Whoosh's QueryParser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import Analyzer, bigrams, current_analyzer, normalize, written_words
from .hangul import final_consonant
from .schema import GRAM_FIELDS, MORPHEME_FIELDS, POSITIONED_GRAM_FIELDS, TITLE_GRAMS
from .snippets import Marks, PhraseWords
from .vocabulary import Vocabulary

NO_VOCABULARY = Vocabulary()

MAX_CLAUSES = 32
"""Terms past this many are ignored, as large engines do: a pasted paragraph is not a query."""


@dataclass(frozen=True)
class Term:
    """One thing the reader typed: a word, or a quoted phrase."""

    text: str
    phrase: bool = False
    in_title: bool = False
    """Match the word only as written inside a title (its bigrams in a row): what a 초성 query
    stands for when it is a headline's word as printed (한동훈과 for ㅎㄷㅎㄱ)."""


@dataclass
class ParsedQuery:
    """``clauses`` are ANDed; the terms inside one clause are ORed."""

    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.clauses and not self.excluded


_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse(text: str) -> ParsedQuery:
    """Parse a reader's query; never fails.

    Example:
        >>> [[t.text for t in clause] for clause in parse('동맹 -북한 "군사 원조" 푸틴 OR 시진핑').clauses]
        [['동맹'], ['군사 원조'], ['푸틴', '시진핑']]
    """
    text = normalize(text)
    if text.count('"') % 2:  # an unbalanced quote is just a character
        text = text.replace('"', " ")
    parsed = ParsedQuery()
    pending_or = False
    capped = False  # the last term was left out (past MAX_CLAUSES): an OR after it joins nothing
    for m in _TOKEN.finditer(text):
        negated, quoted, bare = m.group(1), m.group(2), m.group(3)
        if quoted is not None:
            term = Term(" ".join(quoted.split()), phrase=True) if quoted.strip() else None
        elif bare == "OR":
            pending_or = bool(parsed.clauses) and not capped
            continue
        elif bare.startswith("-") and len(bare) > 1:
            negated, term = "-", Term(bare[1:])
        else:
            term = Term(bare)
        if term is None or not _has_word(term.text):
            continue
        if negated:
            parsed.excluded.append(term)
        elif pending_or:
            parsed.clauses[-1].append(term)
        elif len(parsed.clauses) < MAX_CLAUSES:
            parsed.clauses.append([term])
        else:
            capped = True
            pending_or = False
            continue
        capped = pending_or = False
    return parsed


class _Or(wq.Or):
    """Whoosh's Or with its binary tree of union matchers.

    Whoosh would pre-load every posting of every alternative into arrays for segments of under
    5,000 documents; with common words in five fields that was most of a query's time.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


class Quoted(wq.Or):
    """A quoted phrase: its morphemes in order in any field (the alternatives of this Or), or
    its text as typed in a post that has all its words (``loose``).

    Kiwi may analyse a phrase on its own differently than inside a sentence (자리잡고: one verb,
    or a noun and a verb), so the morpheme phrase alone can miss the very post it was copied
    from; the text as typed cannot. The evaluator (:mod:`~sokbo.search.matching`) checks the
    text in the stored posts and ranks posts that contain it as typed above the others.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER

    def __init__(self, subqueries: list[wq.Query], text: str, loose: wq.Query | None) -> None:
        super().__init__(subqueries)
        self.text = text
        self.loose = loose


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@dataclass(frozen=True)
class Analysed:
    """A term's analysis: content morphemes in order, glued compounds, and its bigrams.

    ``whole`` is the typed word as one term when its morphemes leave part of it out but it is
    one noun as written in a sentence (예후: 예 + 후 alone, 예후 in 예후는; 왕가: 왕 + 가).
    """

    morphemes: tuple[str, ...]
    compounds: tuple[str, ...]
    grams: tuple[str, ...]
    whole: str = ""


PARTIAL_WEIGHT = 0.2
"""Score factor of a word's morphemes when they leave part of the word out and the word
itself is a noun (``Analysed.whole``): a post that says 예후 ranks above the posts that only
say 후 (after), which the word alone would match by its morphemes. On the relevance
benchmark's inflected queries (tune half, 411 with 800 a set), MRR@10 0.566 at 1.0, 0.578 at
0.5, 0.579 at 0.2 and below; 0.562 without the whole word."""


def analyse(term: Term, analyzer: Analyzer | None = None) -> Analysed:
    """Run the index's analyzers over one term (remembered by ``analyzer``, by default the
    process's current one: readers repeat their words)."""
    analyzer = analyzer or current_analyzer()
    return analyzer.memo(("analyse", term), lambda: _analyse(term, analyzer))


def _analyse(term: Term, analyzer: Analyzer) -> Analysed:
    morphemes: list[str] = []
    compounds: list[str] = []
    seen_pos: set[int] = set()
    for text, pos, *_ in analyzer.terms(term.text):
        if pos in seen_pos:
            compounds.append(text)
        else:
            seen_pos.add(pos)
            morphemes.append(text)
    whole = "" if term.phrase else _whole_word(term.text.lower(), morphemes, compounds, analyzer)
    return Analysed(tuple(morphemes), tuple(compounds), tuple(g for g, *_ in bigrams(term.text)), whole)


def whole_word(term: Term, known: Callable[[str], bool] | None = None, analyzer: Analyzer | None = None) -> str:
    """The typed word as one term (:attr:`Analysed.whole`), or, when Kiwi alone leaves part of
    it out and ``known`` says the index has it as a term, the word itself: 이식 (a transplant)
    alone is 이 (this) + 식, in posts it is 이식 after a noun (뼈 이식과)."""
    a = analyse(term, analyzer)
    if a.whole or term.phrase or known is None:
        return a.whole
    word = term.text.lower()
    return word if _in_pieces(word, a.morphemes) and known(word) else ""


def _whole_word(word: str, morphemes: list[str], compounds: list[str], analyzer: Analyzer) -> str:
    """``word`` when its morphemes cover only part of it and it is one noun as written
    (see :class:`Analysed`), else "".

    Kiwi reads a word typed alone without the sentence that tells a noun from a shorter noun
    and a particle (주목도: 주목 + 도 "also"; 예후: 예 + 후). Followed by a particle, as the
    word stands in a post, it is read as it is indexed (주목도는 → 주목도).
    """
    if not _in_pieces(word, morphemes):
        return ""
    if word in compounds:
        return word
    particle = "은" if final_consonant(word[-1]) else "는"
    return word if any(text == word for text, *_ in analyzer.terms(word + particle)) else ""


def _in_pieces(word: str, morphemes: Sequence[str]) -> bool:
    """Whether ``word``, one Hangul word, is not just its morphemes end to end (예후: 후)."""
    return bool(_HANGUL.search(word)) and word.isalnum() and "".join(morphemes) != word


_HANGUL = re.compile("[가-힣]")


def term_query(
    term: Term,
    fields: Collection[str] | None = None,
    known: Callable[[str], bool] | None = None,
    analyzer: Analyzer | None = None,
) -> wq.Query | None:
    """The Whoosh query for one term, or None when nothing of it is searchable (in ``fields``,
    when given: only those fields are searched; ``known`` tells which words the index has as
    terms, see :func:`whole_word`)."""
    a = analyse(term, analyzer)
    whole = whole_word(term, known, analyzer)
    if term.in_title:
        if not a.grams or (fields is not None and TITLE_GRAMS not in fields):
            return None
        return wq.Term(TITLE_GRAMS, a.grams[0]) if len(a.grams) == 1 else wq.Phrase(TITLE_GRAMS, list(a.grams))
    alternatives: list[wq.Query] = []
    for f in MORPHEME_FIELDS if fields is None else [f for f in MORPHEME_FIELDS if f in fields]:
        if term.phrase and len(a.morphemes) > 1:
            alternatives.append(wq.Phrase(f, list(a.morphemes)))
            continue
        parts: list[wq.Query] = []
        if a.morphemes and not (whole and fields is not None):  # the title has 왕 is not: it has 왕가
            unique = list(dict.fromkeys(a.morphemes))
            q = wq.Term(f, unique[0]) if len(unique) == 1 else wq.And([wq.Term(f, m) for m in unique])
            parts.append(q.with_boost(PARTIAL_WEIGHT) if whole else q)
        parts.extend(wq.Term(f, c) for c in dict.fromkeys((*a.compounds, whole) if whole else a.compounds))
        if parts:
            alternatives.append(parts[0] if len(parts) == 1 else _Or(parts))
    if a.grams:
        for f in GRAM_FIELDS if fields is None else [f for f in GRAM_FIELDS if f in fields]:
            if len(a.grams) == 1:
                alternatives.append(wq.Term(f, a.grams[0]))
            elif f in POSITIONED_GRAM_FIELDS:
                alternatives.append(wq.Phrase(f, list(a.grams)))
            elif not term.phrase:  # without positions, bigrams cannot check a phrase's order
                alternatives.append(wq.And([wq.Term(f, g) for g in dict.fromkeys(a.grams)]))
    if not alternatives:
        return None
    if term.phrase and len(term.text.split()) > 1 and fields is None:
        return Quoted(alternatives, term.text, term_query(Term(term.text), known=known, analyzer=analyzer))
    return alternatives[0] if len(alternatives) == 1 else _Or(alternatives)


def with_synonyms(terms: list[Term], vocabulary: Vocabulary) -> list[Term]:
    """``terms`` and, after each word, the other words of its synonym groups (phrases stay as typed)."""
    out: dict[Term, None] = {}
    for term in terms:
        out[term] = None
        if not term.phrase:
            out.update(dict.fromkeys(Term(w) for w in vocabulary.expansions(term.text)))
    return list(out)


def build(
    parsed: ParsedQuery,
    vocabulary: Vocabulary = NO_VOCABULARY,
    *,
    any_clause: bool = False,
    boosts: Mapping[Term, float] | None = None,
    fields: Collection[str] | None = None,
    known: Callable[[str], bool] | None = None,
    analyzer: Analyzer | None = None,
) -> wq.Query | None:
    """The Whoosh query for a parsed query; None when it matches every document.

    ``any_clause`` ORs the clauses instead of ANDing them (any one will do). ``boosts`` multiplies the scores of
    some terms (the words a 초성 query stands for, by how likely they are meant). ``fields``
    searches only those fields (e.g. the title's: which posts have every word in the title).
    ``known`` tells which words the index has as terms (see :func:`whole_word`).
    """
    clauses = [q for q in clause_queries(parsed, vocabulary, boosts=boosts, fields=fields, known=known, analyzer=analyzer) if q is not None]
    excluded = excluded_query(parsed, vocabulary, known, analyzer)
    if clauses:
        positive: wq.Query = clauses[0] if len(clauses) == 1 else (_Or(clauses) if any_clause else wq.And(clauses))
    elif parsed.clauses:
        positive = wq.NullQuery  # typed words, none searchable: nothing matches
    else:
        positive = wq.Every()
    if excluded is not None:
        positive = wq.AndNot(positive, excluded)
    if isinstance(positive, wq.Every):
        return None
    return positive


def clause_queries(
    parsed: ParsedQuery,
    vocabulary: Vocabulary = NO_VOCABULARY,
    *,
    boosts: Mapping[Term, float] | None = None,
    fields: Collection[str] | None = None,
    known: Callable[[str], bool] | None = None,
    analyzer: Analyzer | None = None,
) -> list[wq.Query | None]:
    """One Whoosh query per clause of ``parsed`` (its alternatives and their synonyms ORed), in
    order; None for a clause with nothing searchable (in ``fields``, when given)."""
    out: list[wq.Query | None] = []
    for alternatives in parsed.clauses:
        terms = with_synonyms(alternatives, vocabulary)
        subs = [_boosted(q, boosts, t) for q, t in ((term_query(t, fields, known, analyzer), t) for t in terms) if q is not None]
        out.append(None if not subs else subs[0] if len(subs) == 1 else _Or(subs))
    return out


def excluded_query(
    parsed: ParsedQuery,
    vocabulary: Vocabulary = NO_VOCABULARY,
    known: Callable[[str], bool] | None = None,
    analyzer: Analyzer | None = None,
) -> wq.Query | None:
    """The query for everything excluded (``-word``), or None when nothing is."""
    excluded = [q for q in (term_query(t, known=known, analyzer=analyzer) for t in with_synonyms(parsed.excluded, vocabulary)) if q is not None]
    return None if not excluded else excluded[0] if len(excluded) == 1 else _Or(excluded)


def is_inflected(alternatives: Sequence[Term], analyzer: Analyzer | None = None) -> bool:
    """Whether a clause's words were typed with a particle or an ending (동맹을, 강조했다), not
    as their bare analysis (동맹, 한미동맹): the wording then says more than the topic."""
    for term in alternatives:
        if term.phrase or term.in_title:
            continue
        a = analyse(term, analyzer)
        bare = {*a.morphemes, *a.compounds, a.whole}
        if any(w not in bare for w in written_words(term.text)):
            return True
    return False


INTERROGATIVES = frozenset("무엇 뭐 누구 누가 언제 어디 어느 어떤 어떻 어찌 왜 몇 무슨 얼마 어째서 웬".split())
"""Korean question words (and the stem of 어떻게, 어떤): a closed class, like English's
what/who/when. A question's answer seldom contains them, so they never decide which posts
match and weigh little (:func:`is_weak`)."""


def asks(alternatives: Sequence[Term], analyzer: Analyzer | None = None) -> bool:
    """Whether a clause is a question word (누구, 어디인가, 몇): its query is a question.

    Example:
        >>> [asks([Term(w)]) for w in ("어디인가", "몇", "다시", "왜곡", "동맹")]
        [True, True, False, False, False]
    """
    starts = any(term.text.startswith(tuple(INTERROGATIVES)) for term in alternatives)
    return starts and is_weak(alternatives, analyzer)  # 왜곡 starts like 왜 but is a word of its own


def is_weak(alternatives: Sequence[Term], analyzer: Analyzer | None = None) -> bool:
    """Whether a clause carries no content of its own: every alternative is a plain word whose
    analysis has no content morpheme (무엇을, 왜, 다시) or only question words (어떻게). Weak
    clauses are optional in matching and weigh little in scoring (:mod:`~sokbo.search.scoring`)."""
    for term in alternatives:
        if term.phrase or term.in_title:
            return False
        a = analyse(term, analyzer)
        if any(m not in INTERROGATIVES for m in (*a.morphemes, *a.compounds, *filter(None, [a.whole]))):
            return False
    return True


def _boosted(q: wq.Query, boosts: Mapping[Term, float] | None, term: Term) -> wq.Query:
    boost = boosts.get(term, 1.0) if boosts else 1.0
    return q if boost == 1.0 else q.with_boost(q.boost * boost)


def highlight_terms(parsed: ParsedQuery, vocabulary: Vocabulary = NO_VOCABULARY, analyzer: Analyzer | None = None) -> list[str]:
    """The words to mark in snippets: what was typed, its synonyms and what they analyse to.

    A quoted phrase of several words is not among them: its words alone are not what was asked
    for (:func:`highlight_phrases` marks it whole)."""
    found: dict[str, None] = {}
    for alternatives in parsed.clauses:
        for term in with_synonyms(alternatives, vocabulary):
            if _is_multiword_phrase(term):
                continue
            a = analyse(term, analyzer)
            pieces = [term.text, *term.text.split(), *a.compounds, *a.morphemes, a.whole]
            for piece in pieces:
                piece = _strip_punctuation(piece)
                if len(piece) > 1 or (piece and piece == term.text):
                    found[piece.lower()] = None
    return sorted(found, key=len, reverse=True)


def highlight_phrases(parsed: ParsedQuery, analyzer: Analyzer | None = None) -> list[PhraseWords]:
    """The quoted phrases of several words to mark as one run each: for every word of a phrase,
    the word as typed and its stem (미국 of 미국의), so that the run is found with another
    particle in the text, as the phrase search finds it."""
    phrases: dict[PhraseWords, None] = {}
    for alternatives in parsed.clauses:
        for term in alternatives:
            if _is_multiword_phrase(term):
                words = [w for w in (_strip_punctuation(w).lower() for w in term.text.split()) if w]
                phrases[tuple(_word_forms(w, analyzer) for w in words)] = None
    return list(phrases)


def highlight_marks(parsed: ParsedQuery, vocabulary: Vocabulary = NO_VOCABULARY, analyzer: Analyzer | None = None) -> Marks:
    """Everything to mark in a hit's title and snippet: the words and the quoted phrases."""
    return Marks(tuple(highlight_terms(parsed, vocabulary, analyzer)), tuple(highlight_phrases(parsed, analyzer)))


def _is_multiword_phrase(term: Term) -> bool:
    return term.phrase and len(term.text.split()) > 1


def _strip_punctuation(piece: str) -> str:
    return piece.strip(".,!?\"'()[]{}<>:;~^*")


def _word_forms(word: str, analyzer: Analyzer | None) -> tuple[str, ...]:
    """A phrase word as typed and, when its first morphemes spell a shorter start of it, that
    stem (미국의 → 미국; 늘렸다, whose stem 늘리 is not spelt in it, stays as typed)."""
    stem, prefix = "", ""
    for morpheme in analyse(Term(word), analyzer).morphemes:
        prefix += morpheme
        if not word.startswith(prefix):
            break
        stem = prefix
    return (word, stem) if stem and stem != word else (word,)
