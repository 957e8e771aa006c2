"""What the search page shows, computed from a SearchRequest and its SearchResponse.

Every link is the current request with one thing changed (``SearchRequest.as_params``), so
the URL always holds the whole state and a link never loses the query or the filters. Labels
come out in the request's language (:mod:`.i18n`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for

from sokbo.search import SearchRequest, SearchResponse
from sokbo.search.response import Hit
from sokbo.search.hangul import final_consonant
from sokbo.search.request import MAX_PAGE, month_range

from . import i18n
from .i18n import gettext as _

PAGE_WINDOW = 7
"""How many numbered page links the pager shows around the current page."""

SORT_LABELS = {"relevance": "관련도순", "newest": "최신순", "oldest": "오래된순"}

QUICK_PERIODS = (("1일", "최근 1일", 1), ("1주", "최근 1주", 7), ("1개월", "최근 1개월", 30), ("1년", "최근 1년", 365))
"""Quick date ranges: (chip label, full label, days back from today)."""

RECENT_DAYS = 7
"""Posts newer than this show a relative date (3시간 전); older ones their full date."""

QUOTES = "\"'“”‘’"

HISTOGRAM_HEIGHT = 48
"""The month histogram's drawing height; bars scale to the busiest month."""


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False
    description: str = ""
    """A longer accessible name, when the label alone is terse (1주 → 최근 1주)."""


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
class Bar:
    """One month of the histogram, in the SVG's user units."""

    x: int
    height: int
    month: MonthLink


@dataclass(frozen=True)
class SortOption:
    value: str
    """Empty for the default sort, so a new query submitted unchanged gets its own default."""
    label: str
    selected: bool


@dataclass(frozen=True)
class Chip:
    """An active filter beside the result count, with the link that removes it."""

    label: str
    remove_url: str
    content: bool = False
    """The label is the posts' own text (a category), not the page's."""


@dataclass(frozen=True)
class ShownHit:
    """A hit as the page shows it: its date read for people, its image only when safe to show."""

    hit: Hit
    date: PostDate
    thumb: str
    link: str
    """The post's URL when it is a web address or a site path; '' (no link) for anything else."""

    def __getattr__(self, name: str) -> object:
        return getattr(self.hit, name)


@dataclass(frozen=True)
class PostDate:
    """A hit's date: ``text`` as shown (relative when recent), ``full`` always the whole date."""

    iso: str
    text: str
    full: str


def href(search: SearchRequest, **changes: object) -> str:
    """The page's URL for ``search`` with ``changes`` (``None`` removes a parameter).

    A language the reader chose with ``?lang=`` goes along.
    """
    pairs = search.as_params(**changes)
    lang = i18n.chosen_language()
    if lang:
        pairs.append(("lang", lang))
    query = urlencode(pairs)
    base = url_for("pages.search")
    return f"{base}?{query}" if query else base


def today() -> dt.date:
    """Today in the site's time zone (``TIMEZONE``, Asia/Seoul by default)."""
    return dt.datetime.now(site_zone()).date()


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Seoul"))


def korean_date(iso: str) -> str:
    """``2024-07-03`` or ``2024-07-03T09:30:00+09:00`` → ``2024년 7월 3일`` (the date as written)."""
    try:
        return i18n.date_name(dt.date.fromisoformat(iso[:10]), "ko")
    except ValueError:
        return iso


def post_date(iso: str, now: dt.datetime | None = None) -> PostDate:
    """How a hit's date reads: 3시간 전 or 어제 within a week, else 2024년 7월 3일 (in the page's language)."""
    lang = i18n.current()
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return PostDate(iso, iso, iso)
    full = i18n.date_name(day, lang)
    now = now or dt.datetime.now(site_zone())
    return PostDate(iso, relative_date(iso, day, now) or full, full)


def relative_date(iso: str, day: dt.date, now: dt.datetime) -> str | None:
    """``3시간 전`` for a time within a day, ``어제`` / ``4일 전`` within a week; None beyond (or in the future)."""
    moment = _moment(iso, now.tzinfo)
    if moment is not None:
        seconds = (now - moment).total_seconds()
        if 0 <= seconds < 60:
            return _("방금")
        if 0 < seconds < 3600:
            return _("{n}분 전", n=int(seconds // 60))
        if 0 < seconds < 86400:
            return _("{n}시간 전", n=int(seconds // 3600))
    days = (now.date() - day).days
    if days < 0 or days >= RECENT_DAYS:
        return None
    return _("오늘") if days == 0 else _("어제") if days == 1 else _("{n}일 전", n=days)


def _moment(iso: str, zone: dt.tzinfo | None) -> dt.datetime | None:
    """The post's time when its date has one (a date alone has none)."""
    if len(iso) <= 10:
        return None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


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


def unquoted(query: str) -> str:
    """The query as the summary quotes it: ``"군사 원조"`` → ``군사 원조``, so quotes never nest."""
    inner = query[1:-1]
    if len(query) >= 2 and query[0] in QUOTES and query[-1] in QUOTES and not any(q in inner for q in QUOTES):
        return inner.strip()
    return query


def shown_hits(response: SearchResponse) -> list[ShownHit]:
    """The page's hits, with dates and thumbnails ready to print."""
    now = dt.datetime.now(site_zone())
    return [
        ShownHit(hit, post_date(hit.date, now), web_address(hit.image), web_address(hit.url)) for hit in response.hits
    ]


def web_address(url: str) -> str:
    """``url`` when it is an http(s) address or a path on the site; '' for anything else
    (``javascript:``, ``data:``, a protocol-relative ``//host``): a post's image and link."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    return url if not parts.scheme and url.startswith("/") and not url.startswith("//") else ""


thumbnail = web_address


def pager(search: SearchRequest, response: SearchResponse) -> Pager | None:
    """이전 / a window of numbered pages / 다음; None when everything fits on one page."""
    last = min(response.pages, MAX_PAGE)
    if last <= 1:
        return None
    page = search.page
    first = max(1, min(page - PAGE_WINDOW // 2, last - PAGE_WINDOW + 1))
    numbers = range(first, min(last, first + PAGE_WINDOW - 1) + 1)
    pages = [Link(str(n), href(search, page=n), n == page, _("{page}쪽으로", page=n)) for n in numbers]
    previous = Link(_("이전"), href(search, page=min(page - 1, last))) if page > 1 else None
    following = Link(_("다음"), href(search, page=page + 1)) if page < last else None
    return Pager(previous, pages, following)


def category_options(search: SearchRequest, response: SearchResponse) -> list[CategoryOption]:
    """The category facet as checkboxes; a chosen category with no hits stays listed (at 0)."""
    counts = {f.value: f.count for f in response.facets.get("category", [])}
    for chosen in search.categories:
        counts.setdefault(chosen, 0)
    return [CategoryOption(value, count, value in search.categories) for value, count in counts.items()]


def month_links(search: SearchRequest, response: SearchResponse) -> list[MonthLink]:
    """The month facet, newest first; each link sets from/to to that month's first and last day."""
    lang = i18n.current()
    links = []
    for facet in reversed(response.facets.get("month", [])):
        first, last = month_range(facet.value)
        url = href(search, **{"from": first.isoformat(), "to": last.isoformat(), "page": None})
        current = (search.date_from, search.date_to) == (first, last)
        links.append(MonthLink(i18n.month_name(first, lang), facet.count, url, current))
    return links


def histogram(months: list[MonthLink]) -> list[Bar]:
    """The months as bars, oldest on the left, each as tall as its share of the busiest month."""
    busiest = max((m.count for m in months), default=0)
    bars = []
    for x, month in enumerate(reversed(months)):
        height = max(2, round(HISTOGRAM_HEIGHT * month.count / busiest)) if busiest else 0
        bars.append(Bar(x, height, month))
    return bars


def quick_periods(search: SearchRequest) -> list[Link]:
    """최근 1일 / 1주 / 1개월 / 1년: from that many days ago (in the site's zone) to today."""
    day = today()
    links = []
    for label, description, days in QUICK_PERIODS:
        start = day - dt.timedelta(days=days)
        url = href(search, **{"from": start.isoformat(), "to": None, "page": None})
        current = search.date_from == start and search.date_to is None
        links.append(Link(_(label), url, current, _(description)))
    return links


def sort_options(search: SearchRequest) -> list[SortOption]:
    """The sort select; the default sort for the current query submits as empty."""
    default = "relevance" if search.q else "newest"
    return [
        SortOption("" if value == default else value, _(label), value == search.sort)
        for value, label in SORT_LABELS.items()
    ]


def chips(search: SearchRequest) -> list[Chip]:
    """Each active filter (a category, the dates, a sort that is not the default) with its removal."""
    found = [
        Chip(category, href(search, category=[c for c in search.categories if c != category], page=None), True)
        for category in search.categories
    ]
    if search.date_from or search.date_to:
        found.append(Chip(date_range_label(search), without_dates(search)))
    if search.sort != ("relevance" if search.q else "newest"):
        found.append(Chip(_(SORT_LABELS[search.sort]), href(search, sort=None, page=None)))
    return found


def date_range_label(search: SearchRequest) -> str:
    """2024년 7월 / 2024년 7월 1일 이후 / 2024년 7월 1일 ~ 2024년 7월 9일."""
    lang = i18n.current()
    first, last = search.date_from, search.date_to
    if first and last and first.day == 1 and (first, last) == month_range(f"{first.year}-{first.month}"):
        return i18n.month_name(first, lang)
    if first and last:
        return _("{first} ~ {last}", first=i18n.date_name(first, lang), last=i18n.date_name(last, lang))
    if first:
        return _("{first} 이후", first=i18n.date_name(first, lang))
    assert last is not None
    return _("{last} 이전", last=i18n.date_name(last, lang))


def without_dates(search: SearchRequest) -> str:
    """The current search over every date."""
    return href(search, **{"from": None, "to": None, "page": None})


def without_filters(search: SearchRequest) -> str:
    """The current query over every category and date."""
    return href(search, **{"category": [], "from": None, "to": None, "sort": None, "page": None})
