"""The reader's search page at ``/``: a plain GET form and links, no JavaScript.

The page reads the same parameters as ``GET /api/search`` (validated by the same
``SearchRequest.from_params``), so a page URL and an API URL with the same query string show
the same search.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from sokbo.search import SearchRequest
from sokbo.search.request import DEFAULT_PER_PAGE

from . import get_service, view

bp = Blueprint("pages", __name__)


@bp.get("/")
def search() -> str:
    """Search results (or the newest posts when there is no query) with facets and a pager."""
    search_request = SearchRequest.from_params(request.args.to_dict(flat=False))
    response = get_service().search(search_request)
    return render_template(
        "search.html",
        search=search_request,
        response=response,
        filtered=bool(search_request.categories or search_request.date_from or search_request.date_to),
        custom_per_page=search_request.per_page != DEFAULT_PER_PAGE,
        categories=view.category_options(search_request, response),
        months=view.month_links(search_request, response),
        sorts=view.sort_options(search_request),
        pager=view.pager(search_request, response),
        without_dates=view.without_dates(search_request),
        without_filters=view.without_filters(search_request),
    )


@bp.app_context_processor
def page_globals() -> dict[str, Any]:
    """What every template (search and error pages) can use."""
    return {"site_title": current_app.config["SITE_TITLE"], "href": view.href}


bp.add_app_template_filter(view.korean_date, "korean_date")
bp.add_app_template_filter(view.seconds, "seconds")
bp.add_app_template_filter(view.ro, "ro")
