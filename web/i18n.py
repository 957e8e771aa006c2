"""The page's language: Korean first, English too.

Templates and views write their strings in Korean, the site's language, inside ``_()``;
:data:`ENGLISH` maps each of them to English. The language of a request is ``?lang=`` when
given (and then kept in every link), else the best of ``Accept-Language``, else Korean.

Example:
    >>> translate("{count}건", "en", count="1,204")
    '1,204 results'
    >>> translate("{count}건", "ko", count="1,204")
    '1,204건'
"""

from __future__ import annotations

import datetime as dt

from flask import g, request
from markupsafe import Markup

LANGUAGES = {"ko": "한국어", "en": "English"}
"""Each language the page speaks, named in itself (for the switcher)."""

DEFAULT_LANGUAGE = "ko"

ENGLISH: dict[str, str] = {
    # base.html
    "속보 검색": "Sokbo news search",
    "본문 바로가기": "Skip to results",
    "검색 도우미": "Search helper",
    # the search form and its suggestions
    "검색": "Search",
    "검색어": "Search terms",
    "기사 검색": "Search news",
    "검색어 추천": "Suggestions",
    "기사": "Article",
    "검색어를 입력하면 추천 검색어가 나타납니다. 위아래 화살표로 고르고 Enter로 검색합니다.":
        "Suggestions appear as you type. Use the up and down arrows to choose and Enter to search.",
    # headings and the results line
    "최신 기사": "Latest news",
    "‘{query}’ 검색 결과": "Results for ‘{query}’",
    "{page}쪽": "page {page}",
    "{count}건": "{count} results",
    "{seconds}초": "{seconds} s",
    "검색 결과 수": "Number of results",
    # filters
    "검색 조건": "Filters",
    "적용한 조건": "Active filters",
    "분류": "Category",
    "기간": "Date",
    "정렬": "Sort",
    "해당 분류 없음": "No categories",
    "조건 적용": "Apply",
    "모든 조건 해제": "Clear all",
    "{name} 조건 해제": "Remove filter {name}",
    "{first} 이후": "since {first}",
    "{last} 이전": "until {last}",
    "{first} ~ {last}": "{first} – {last}",
    "최근": "Recent",
    "최근 1일": "Past day",
    "최근 1주": "Past week",
    "최근 1개월": "Past month",
    "최근 1년": "Past year",
    "1일": "1 day",
    "1주": "1 week",
    "1개월": "1 month",
    "1년": "1 year",
    "월별 기사 수": "Results by month",
    "{month}: {count}건": "{month}: {count} results",
    "시작일": "From",
    "종료일": "To",
    "기간 해제": "Any time",
    "관련도순": "Relevance",
    "최신순": "Newest",
    "오래된순": "Oldest",
    # notices
    "모든 단어를 포함한 기사가 없어 일부 단어가 일치하는 기사를 보여 드립니다.":
        "No post has every word, so posts with some of them are shown.",
    "‘{query}’에 맞는 기사가 없어 ‘{link}’{ro} 검색했습니다.": "Nothing matched ‘{query}’, so ‘{link}’ was searched instead.",
    "‘{query}’{ro} 검색하기": "Search for ‘{query}’ as typed",
    "이것을 찾으셨나요?": "Did you mean",
    "초성으로 찾은 단어:": "Words found by their initials:",
    # hits
    "검색 결과": "Results",
    "비슷한 기사 {count}건": "{count} similar posts",
    # empty states
    "이 페이지에는 기사가 없습니다. 결과는 모두 {count}건입니다.": "This page has no posts; there are {count} results in all.",
    "첫 페이지로 가기": "Go to the first page",
    "‘{query}’에 대한 검색 결과가 없습니다.": "No results for ‘{query}’.",
    "맞춤법이 맞는지 확인해 보세요.": "Check the spelling.",
    "더 짧거나 일반적인 단어로 검색해 보세요.": "Try shorter or more general words.",
    "선택한 분류와 기간을 해제하고 다시 검색해 보세요.": "Remove the chosen categories and dates and search again.",
    "분류와 기간 해제": "Remove categories and dates",
    "선택한 조건에 맞는 기사가 없습니다.": "No posts match the chosen filters.",
    "조건 해제하고 전체 기사 보기": "Clear the filters and show every post",
    "아직 색인된 기사가 없습니다.": "No posts have been indexed yet.",
    # pager
    "페이지 이동": "Pages",
    "이전": "Previous",
    "다음": "Next",
    "{page}쪽으로": "Page {page}",
    # relative dates
    "방금": "just now",
    "{n}분 전": "{n} min ago",
    "{n}시간 전": "{n} h ago",
    "오늘": "today",
    "어제": "yesterday",
    "{n}일 전": "{n} days ago",
    # error pages
    "잘못된 검색 조건": "Invalid search",
    "검색 조건 중 ‘{label}’({param}) 값을 사용할 수 없습니다. 주소를 확인하거나 처음부터 다시 검색해 주세요.":
        "The value of ‘{label}’ ({param}) cannot be used. Check the address or start a new search.",
    "처음부터 다시 검색": "Start a new search",
    "검색 준비 중": "Search is getting ready",
    "검색 색인이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.":
        "The search index is not ready yet. Please try again in a moment.",
    "검색 일시 중단": "Search paused",
    "검색 색인이 손상되어 복구하는 중입니다. 잠시 후 다시 시도해 주세요.":
        "The search index is damaged and is being repaired. Please try again in a moment.",
    "페이지를 찾을 수 없습니다": "Page not found",
    "찾으시는 페이지가 없습니다. 주소를 확인해 주세요.": "There is no page at this address. Please check it.",
    "요청을 처리하지 못했습니다": "The request could not be handled",
    "주소를 확인하거나 처음부터 다시 검색해 주세요.": "Check the address or start a new search.",
    "오류": "Error",
    "일시적인 오류로 검색하지 못했습니다. 잠시 후 다시 시도해 주세요.":
        "A temporary error stopped the search. Please try again in a moment.",
    # parameter names (the 400 page)
    "페이지": "page",
    "월": "month",
    "쪽당 기사 수": "posts per page",
    "맞춤법 교정": "spelling correction",
    "개수": "limit",
}
"""English for every Korean string the page shows (a test checks none is missing)."""

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def translate(text: str, lang: str, **values: object) -> str:
    """``text`` (Korean) in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    if lang == "en":
        text = ENGLISH.get(text, text)
    return text.format(**values) if values else text


def negotiate() -> str:
    """The current request's language: a valid ``?lang=``, else Accept-Language, else Korean."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def chosen_language() -> str | None:
    """``?lang=`` when the reader chose one: links and the form carry it on."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else None


def current() -> str:
    """The language of the request being served (negotiated once per request)."""
    if "lang" not in g:
        g.lang = negotiate()
    lang: str = g.lang
    return lang


def gettext(text: str, **values: object) -> str:
    """``translate`` in the current request's language: the templates' ``_()``."""
    return translate(text, current(), **values)


def gettext_markup(text: str, **values: object) -> Markup:
    """``gettext`` for a sentence with HTML inside (a link): the sentence is ours, every value
    that is not already Markup is escaped."""
    return Markup(translate(text, current())).format(**values)


def month_name(day: dt.date, lang: str) -> str:
    """``2024년 7월`` / ``Jul 2024``."""
    if lang == "en":
        return f"{MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}년 {day.month}월"


def date_name(day: dt.date, lang: str) -> str:
    """``2024년 7월 3일`` / ``Jul 3, 2024``: a Korean page keeps Korean dates."""
    if lang == "en":
        return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"
    return f"{day.year}년 {day.month}월 {day.day}일"
