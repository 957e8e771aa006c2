"""A search request, validated once for every interface (JSON API, page, CLI).

The web app and the CLI both turn their input into ``{name: [values]}`` and call
:meth:`SearchRequest.from_params`, so the same parameters always mean the same search and a
bad one is always the same :class:`BadParameter` (a 400 on the web, exit code 2 in the CLI).

An empty value (``page=``, as an HTML form sends an empty field) is the same as none; any other
value must be exactly what the API's document (``web/openapi.py``) says, or it is a 400. The
query and the categories, free text, lose their surrounding spaces.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_CHARS = 1000
MAX_CATEGORIES = 50
DEFAULT_SUGGESTIONS = 10
MAX_SUGGESTIONS = 20

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


class BadParameter(ValueError):
    """A request parameter that cannot be used; ``param`` names it for the caller."""

    code = "bad_parameter"

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message

    def as_dict(self) -> dict[str, dict[str, str]]:
        """The body of the API's 400 response."""
        return {"error": {"code": self.code, "param": self.param, "message": self.message}}


@dataclass(frozen=True)
class SearchRequest:
    """What to search for, which posts to consider, and which slice of the ranking to return.

    Example:
        >>> SearchRequest.from_params({"q": ["동맹"], "category": ["정치", "국제"], "page": ["2"]})
        ... # doctest: +ELLIPSIS
        SearchRequest(q='동맹', categories=('정치', '국제'), date_from=None, ..., page=2, per_page=10, correct=True)
    """

    q: str = ""
    categories: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    correct: bool = True
    """Search a corrected query instead when this one finds nothing (``correct=0`` turns it off)."""

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> "SearchRequest":
        """Validate request parameters (each a list of values); unknown names are ignored."""

        def first(name: str) -> str | None:
            values = params.get(name) or []
            return values[0] if values else None

        q = _query(first("q"))
        given = params.get("category") or []
        if len(given) > MAX_CATEGORIES:
            raise BadParameter("category", f"at most {MAX_CATEGORIES} categories can be chosen at once")
        categories = tuple(dict.fromkeys(c.strip() for c in given if c.strip()))
        date_from = _date(first("from"), "from")
        date_to = _date(first("to"), "to")
        month = _month(first("month"))
        if month and (date_from or date_to):
            raise BadParameter("month", "give either 'month' or 'from'/'to', not both")
        if month:
            date_from, date_to = month
        if date_from and date_to and date_from > date_to:
            raise BadParameter("to", f"'to' ({date_to}) is before 'from' ({date_from})")
        sort = first("sort") or ("relevance" if q else "newest")
        if sort not in SORTS:
            raise BadParameter("sort", f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        page = _int(first("page"), "page", 1, 1, MAX_PAGE)
        per_page = _int(first("per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        correct = _flag(first("correct"), "correct", True)
        return cls(q, categories, date_from, date_to, sort, page, per_page, correct)

    def as_params(self, **changes: object) -> list[tuple[str, str]]:
        """This request as URL query pairs (for links that change one thing, e.g. the page)."""
        values = {
            "q": self.q,
            "category": list(self.categories),
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "sort": self.sort if self.sort != ("relevance" if self.q else "newest") else "",
            "page": str(self.page) if self.page != 1 else "",
            "per_page": str(self.per_page) if self.per_page != DEFAULT_PER_PAGE else "",
            "correct": "" if self.correct else "0",
        }
        for key, value in changes.items():
            values[key] = value if isinstance(value, list) else ("" if value is None else str(value))
        pairs: list[tuple[str, str]] = []
        for key, value in values.items():
            for v in value if isinstance(value, list) else [value]:
                if v:
                    pairs.append((key, v))
        return pairs


@dataclass(frozen=True)
class SuggestRequest:
    """``GET /api/suggest``: what the reader has typed so far, and how many completions to return.

    Example:
        >>> SuggestRequest.from_params({"q": ["대토"], "limit": ["5"]})
        SuggestRequest(q='대토', limit=5)
    """

    q: str = ""
    limit: int = DEFAULT_SUGGESTIONS

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> "SuggestRequest":
        """Validate request parameters (each a list of values); unknown names are ignored."""
        q = _query((params.get("q") or [""])[0])
        limit = _int((params.get("limit") or [None])[0], "limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS)
        return cls(q, limit)


TRUE_VALUES = ("1", "true", "yes", "on")
FALSE_VALUES = ("0", "false", "no", "off")
"""What a 0/1 parameter (``correct``) takes, in any case."""


def _query(raw: str | None) -> str:
    """The query without its surrounding spaces; its length is checked as sent."""
    raw = raw or ""
    if len(raw) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"the query is {len(raw)} characters long; at most {MAX_QUERY_CHARS} are allowed")
    return raw.strip()


def _flag(raw: str | None, name: str, default: bool) -> bool:
    if not raw:
        return default
    value = raw.lower()
    if value not in TRUE_VALUES + FALSE_VALUES:
        raise BadParameter(name, f"'{name}' must be 1 or 0, not {raw[:40]!r}")
    return value in TRUE_VALUES


def _date(raw: str | None, name: str) -> dt.date | None:
    if not raw:
        return None
    if not _DATE.fullmatch(raw):
        raise BadParameter(name, f"'{name}' must be a date as YYYY-MM-DD, not {raw[:40]!r}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"'{name}' is not a real date: {raw!r}") from None


def _month(raw: str | None) -> tuple[dt.date, dt.date] | None:
    """``month=2024-07`` → that month's first and last day (a filter the page speaks in)."""
    if not raw:
        return None
    found = _MONTH.fullmatch(raw)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise BadParameter("month", f"'month' must be a month as YYYY-MM, not {raw[:40]!r}")
    return month_range(raw)


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``2024-07`` → (2024-07-01, 2024-07-31).

    Example:
        >>> month_range("2024-02")
        (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    year, number = (int(part) for part in month.split("-"))
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def _int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise BadParameter(name, f"'{name}' must be a whole number from {low} to {high}, not {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, f"'{name}' must be from {low} to {high}, not {value}")
    return value
