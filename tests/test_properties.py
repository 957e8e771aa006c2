"""Property-based tests (hypothesis) of what every request goes through first: the reader's query
syntax (search/query.py ``parse``) and the parameters (search/request.py ``from_params``).

Each property holds for any input, not only for the examples the other tests name. The number
of examples is bounded (``FUZZ``) so the whole file runs in a few seconds.
"""

from __future__ import annotations

import string
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sokbo.search import BadParameter, SearchRequest
from sokbo.search.query import MAX_CLAUSES, ParsedQuery, Term, parse
from sokbo.search.request import SuggestRequest
from sokbo.web.openapi import SEARCH_PARAMS, SUGGEST_PARAMS

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the query parser ----------------------------------------------------------------------

SYNTAX = ['"', "-", " ", "OR", "\t", "\u3000", "(", ")", "*", ":", "~", "^", "？", "＂"]
queries = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(alphabet="동맹ㄱㅈㅇ가abc1", min_size=1, max_size=4))).map(" ".join),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(min_size=1, max_size=3))).map("".join),
)


def terms_of(parsed: ParsedQuery) -> list[Term]:
    return [t for clause in parsed.clauses for t in clause] + parsed.excluded


@FUZZ
@given(queries)
def test_parse_never_fails_and_gives_clean_terms(text: str) -> None:
    parsed = parse(text)
    assert len(parsed.clauses) <= MAX_CLAUSES
    assert all(parsed.clauses), "a clause has at least one term"
    for term in terms_of(parsed):
        assert term.text and term.text == term.text.strip()
        assert any(ch.isalnum() for ch in term.text), "a term has something to search"
        assert unicodedata.is_normalized("NFC", term.text)
        if term.phrase:
            assert '"' not in term.text and "  " not in term.text
        else:
            assert not any(ch.isspace() for ch in term.text)
            assert term.text != "OR" or term in parsed.excluded
    assert parsed.empty == (not terms_of(parsed))


def unparse(parsed: ParsedQuery) -> str:
    """The query a reader would type for ``parsed``."""

    def show(term: Term) -> str:
        return f'"{term.text}"' if term.phrase else term.text

    words = [" OR ".join(show(t) for t in clause) for clause in parsed.clauses]
    return " ".join(words + [f"-{show(t)}" for t in parsed.excluded])


@FUZZ
@given(queries)
def test_parse_is_idempotent_through_the_syntax(text: str) -> None:
    """Typing back what was understood is understood the same (words with a stray quote aside:
    the syntax has no way to write those)."""
    parsed = parse(text)
    if any('"' in t.text for t in terms_of(parsed)):
        return
    assert parse(unparse(parsed)) == parsed


WORD = st.text(alphabet=string.ascii_lowercase + "가나다동맹", min_size=1, max_size=5).filter(lambda w: w != "or")
PHRASE = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
TERM = st.one_of(WORD.map(Term), PHRASE.map(lambda p: Term(p, phrase=True)))
CLAUSE = st.lists(TERM, min_size=1, max_size=3)


@FUZZ
@given(
    st.one_of(st.lists(CLAUSE, max_size=6), st.lists(CLAUSE, min_size=MAX_CLAUSES - 1, max_size=MAX_CLAUSES + 3)),
    st.lists(TERM, max_size=3),
)
def test_what_is_typed_is_what_is_parsed(clauses: list[list[Term]], excluded: list[Term]) -> None:
    """A query written from clauses of alternatives and exclusions parses back to them, its
    clauses past MAX_CLAUSES left out whole (never glued to the last one kept)."""
    parsed = parse(unparse(ParsedQuery(clauses, excluded)))
    assert parsed.clauses == clauses[:MAX_CLAUSES]
    assert parsed.excluded == excluded


# -- the parameters ----------------------------------------------------------------------------

VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "0", "1", "100", "1000", "1001", "true", "OFF", "newest", "relevance", "oldest", "json", "opensearch"]),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()[:7]),
    st.integers(-5, 2000).map(str),
    st.text(alphabet="0123456789-: ", max_size=11),
)
PARAMS = st.dictionaries(
    st.one_of(st.sampled_from(SEARCH_PARAMS + SUGGEST_PARAMS), st.text(max_size=5)),
    st.lists(VALUES, max_size=3),
    max_size=8,
)


def as_mapping(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


@FUZZ
@given(PARAMS)
def test_search_parameters_round_trip_or_name_the_bad_one(params: dict[str, list[str]]) -> None:
    """Any parameters give a request that its own URL gives back, or a BadParameter naming one of
    the search's parameters: never another exception."""
    try:
        request = SearchRequest.from_params(params)
    except BadParameter as exc:
        assert exc.param in SEARCH_PARAMS
        assert exc.as_dict()["error"] == {"code": "bad_parameter", "param": exc.param, "message": exc.message}
        return
    assert SearchRequest.from_params(as_mapping(request.as_params())) == request
    assert 1 <= request.page and 1 <= request.per_page
    assert not (request.date_from and request.date_to and request.date_from > request.date_to)


@FUZZ
@given(PARAMS)
def test_suggest_parameters_are_a_request_or_name_the_bad_one(params: dict[str, list[str]]) -> None:
    try:
        request = SuggestRequest.from_params(params)
    except BadParameter as exc:
        assert exc.param in SUGGEST_PARAMS
        return
    assert SuggestRequest.from_params({"q": [request.q], "limit": [str(request.limit)]}) == request
