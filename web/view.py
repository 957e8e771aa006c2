"""What the search page shows, computed from a SearchRequest and its SearchResponse.

Every link is the current request with one thing changed (``SearchRequest.as_params``), so
the URL always holds the whole state and a link never loses the query or the filters.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import url_for

from sokbo.search import SearchRequest, SearchResponse
from sokbo.search.hangul import final_consonant
from sokbo.search.request import MAX_PAGE

PAGE_WINDOW = 7
"""How many numbered page links the pager shows around the current page."""

SORT_LABELS = {"relevance": "관련도순", "newest": "최신순", "oldest": "오래된순"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Pager:
    previous: Link | None
    pages: list[Link]
    next: Link | None


@dataclass(frozen=True)
class CategoryOption:
    value: str
    count: int
    checked: bool


@dataclass(frozen=True)
class MonthLink:
    label: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class SortOption:
    value: str
    """Empty for the default sort, so a new query submitted unchanged gets its own default."""
    label: str
    selected: bool


def href(search: SearchRequest, **changes: object) -> str:
    """The page's URL for ``search`` with ``changes`` (``None`` removes a parameter)."""
    query = urlencode(search.as_params(**changes))
    base = url_for("pages.search")
    return f"{base}?{query}" if query else base


def korean_date(iso: str) -> str:
    """``2024-07-03`` or ``2024-07-03T09:30:00+09:00`` → ``2024년 7월 3일`` (the date as written)."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.year}년 {day.month}월 {day.day}일"


def ro(word: str) -> str:
    """The particle 으로/로 for ``word``: 푸틴으로, 바이든으로, but 해리스로 and 서울로 (ㄹ).

    After anything but a Hangul syllable (a digit, a Latin letter) it is written ``(으)로``.
    """
    final = final_consonant(word.rstrip()[-1:])
    if final is None:
        return "(으)로"
    return "로" if final in ("", "ㄹ") else "으로"


def seconds(took_ms: float) -> str:
    """``7.9`` (ms) → ``0.01`` (seconds, as the results line shows them)."""
    return f"{took_ms / 1000:.2f}"


def pager(search: SearchRequest, response: SearchResponse) -> Pager | None:
    """이전 / a window of numbered pages / 다음; None when everything fits on one page."""
    last = min(response.pages, MAX_PAGE)
    if last <= 1:
        return None
    page = search.page
    first = max(1, min(page - PAGE_WINDOW // 2, last - PAGE_WINDOW + 1))
    numbers = range(first, min(last, first + PAGE_WINDOW - 1) + 1)
    pages = [Link(str(n), href(search, page=n), current=n == page) for n in numbers]
    previous = Link("이전", href(search, page=min(page - 1, last))) if page > 1 else None
    following = Link("다음", href(search, page=page + 1)) if page < last else None
    return Pager(previous, pages, following)


def category_options(search: SearchRequest, response: SearchResponse) -> list[CategoryOption]:
    """The category facet as checkboxes; a chosen category with no hits stays listed (at 0)."""
    counts = {f.value: f.count for f in response.facets.get("category", [])}
    for chosen in search.categories:
        counts.setdefault(chosen, 0)
    return [CategoryOption(value, count, value in search.categories) for value, count in counts.items()]


def month_links(search: SearchRequest, response: SearchResponse) -> list[MonthLink]:
    """The month facet, newest first; each link sets from/to to that month's first and last day."""
    links = []
    for facet in reversed(response.facets.get("month", [])):
        first, last = month_range(facet.value)
        url = href(search, **{"from": first.isoformat(), "to": last.isoformat(), "page": None})
        current = (search.date_from, search.date_to) == (first, last)
        links.append(MonthLink(f"{first.year}년 {first.month}월", facet.count, url, current))
    return links


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``2024-07`` → (2024-07-01, 2024-07-31)."""
    year, number = (int(part) for part in month.split("-"))
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def sort_options(search: SearchRequest) -> list[SortOption]:
    """The sort select; the default sort for the current query submits as empty."""
    default = "relevance" if search.q else "newest"
    return [
        SortOption("" if value == default else value, label, value == search.sort)
        for value, label in SORT_LABELS.items()
    ]


def without_dates(search: SearchRequest) -> str:
    """The current search over every date."""
    return href(search, **{"from": None, "to": None, "page": None})


def without_filters(search: SearchRequest) -> str:
    """The current query over every category and date."""
    return href(search, **{"category": [], "from": None, "to": None, "page": None})
