"""The reader's search page at ``/``: a GET form and links, enhanced by a small script.

The page reads the same parameters as ``GET /api/search`` (validated by the same
``SearchRequest.from_params``), so a page URL and an API URL with the same query string show
the same search. Without JavaScript every control still works: the filters submit with
their 조건 적용 button, the search box is a plain text field.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from sokbo.search import SearchRequest
from sokbo.search.request import DEFAULT_PER_PAGE

from . import access_log, get_service, i18n, view
from .i18n import gettext as _

bp = Blueprint("pages", __name__)


@bp.get("/")
def search() -> str:
    """Search results (or the newest posts when there is no query) with facets and a pager."""
    search_request = SearchRequest.from_params(request.args.to_dict(flat=False))
    response = get_service().search(search_request)
    access_log.record_hits(response.total)
    months = view.month_links(search_request, response)
    query_text = view.unquoted(response.suggestion if response.corrected else search_request.q)
    return render_template(
        "search.html",
        search=search_request,
        response=response,
        hits=view.shown_hits(response),
        query_text=query_text,
        heading=_("‘{query}’ 검색 결과", query=query_text) if search_request.q else _("최신 기사"),
        filtered=bool(search_request.categories or search_request.date_from or search_request.date_to),
        custom_per_page=search_request.per_page != DEFAULT_PER_PAGE,
        categories=view.category_options(search_request, response),
        months=months,
        bars=view.histogram(months),
        bar_height=view.HISTOGRAM_HEIGHT,
        periods=view.quick_periods(search_request),
        sorts=view.sort_options(search_request),
        sort_label=_(view.SORT_LABELS[search_request.sort]),
        chips=view.chips(search_request),
        pager=view.pager(search_request, response),
        without_dates=view.without_dates(search_request),
        without_filters=view.without_filters(search_request),
    )


@bp.after_app_request
def vary_by_language(response: Response) -> Response:
    """Pages differ by Accept-Language, so caches must keep them apart."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response


@bp.app_context_processor
def page_globals() -> dict[str, Any]:
    """What every template (search and error pages) can use."""
    return {
        "site_title": _(current_app.config["SITE_TITLE"]),
        "href": view.href,
        "_": _,
        "_markup": i18n.gettext_markup,
        "lang": i18n.current(),
        "chosen_lang": i18n.chosen_language(),
        "languages": i18n.LANGUAGES,
        "language_url": language_url,
        "content_lang": content_language(),
    }


def content_language() -> str | None:
    """The posts' language (``CONTENT_LANGUAGE``) when the page speaks another: their text is marked with it."""
    content: str = current_app.config.get("CONTENT_LANGUAGE", "ko")
    return content if content != i18n.current() else None


def language_url(lang: str) -> str:
    """This page in another language: the search page keeps its query, other pages go home."""
    if request.endpoint != "pages.search":
        return url_for("pages.search", lang=lang)
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{url_for('pages.search')}?{urlencode([*pairs, ('lang', lang)])}"


bp.add_app_template_filter(lambda iso: view.post_date(iso), "post_date")
bp.add_app_template_filter(view.seconds, "seconds")
bp.add_app_template_filter(view.web_address, "web_address")
bp.add_app_template_filter(view.ro, "ro")
