"""Error responses: JSON under ``/api``, Korean HTML pages elsewhere, never a traceback.

* ``BadParameter`` → 400 (the API's body is exactly ``BadParameter.as_dict()``);
* ``IndexMissing`` → 503 (no index built yet, or one from another schema version);
* ``IndexDamaged`` → 503 ``index_damaged`` (no generation of the index is whole, or this
  search met a damaged one: the service reopens the newest whole one for the next);
* HTTP errors (404, 405, ...) → their status; a 405 is always JSON, since the page's form
  only sends GET and only programs send anything else;
* anything unexpected → 500. Flask logs it first; in tests (``TESTING``) it propagates
  instead, so a bug fails the test that triggered it.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from sokbo.search import BadParameter, IndexDamaged, IndexMissing

from .api import is_api_request, json_response
from .i18n import gettext as _

INDEX_MISSING_MESSAGE = "the search index is not available: build it with `sokbo index`"
INDEX_DAMAGED_MESSAGE = "the search index is damaged: `sokbo index` rebuilds it; try again in a moment"

PARAM_LABELS = {
    "q": "검색어",
    "category": "분류",
    "from": "시작일",
    "to": "종료일",
    "month": "월",
    "sort": "정렬",
    "page": "페이지",
    "per_page": "쪽당 기사 수",
    "correct": "맞춤법 교정",
    "limit": "개수",
}
"""Korean names of the search parameters, for the 400 page (translated by :mod:`.i18n`)."""

HTTP_PAGES = {
    404: ("페이지를 찾을 수 없습니다", "찾으시는 페이지가 없습니다. 주소를 확인해 주세요."),
}
"""Korean title and message of an HTTP error page, by status."""


def register(app: Flask) -> None:
    """Install the app's error handlers."""
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(IndexMissing, index_missing)
    app.register_error_handler(IndexDamaged, index_damaged)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, internal_error)


def bad_parameter(error: BadParameter) -> Response | tuple[str, int]:
    """400: the API names the parameter in its body; the page names it in Korean."""
    if is_api_request():
        return json_response(error.as_dict(), 400)
    label = _(PARAM_LABELS[error.param]) if error.param in PARAM_LABELS else error.param
    return render_template("error.html", title=_("잘못된 검색 조건"), status=400, error=error, label=label), 400


def index_missing(error: IndexMissing) -> Response | tuple[str, int]:
    """503: the reader learns search is not ready; the operator finds why in the log."""
    current_app.logger.warning("%s", error)
    if is_api_request():
        return json_response({"error": {"code": "index_missing", "message": INDEX_MISSING_MESSAGE}}, 503)
    message = _("검색 색인이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.")
    return render_template("error.html", title=_("검색 준비 중"), status=503, message=message), 503


def index_damaged(error: IndexDamaged) -> Response | tuple[str, int]:
    """503 for this request: the service has said why in the log, once, and reopens the
    newest whole generation for the next request."""
    if is_api_request():
        return json_response({"error": {"code": "index_damaged", "message": INDEX_DAMAGED_MESSAGE}}, 503)
    message = _("검색 색인이 손상되어 복구하는 중입니다. 잠시 후 다시 시도해 주세요.")
    return render_template("error.html", title=_("검색 일시 중단"), status=503, message=message), 503


def http_error(error: HTTPException) -> Response | tuple[str, int]:
    """404, 405, ...: a JSON body for the API (and every 405), a Korean page otherwise."""
    status = error.code or 500
    if is_api_request() or isinstance(error, MethodNotAllowed):
        body = {"error": {"code": _code(error), "message": error.description or error.name}}
        response = json_response(body, status)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
    title, message = HTTP_PAGES.get(status, ("요청을 처리하지 못했습니다", "주소를 확인하거나 처음부터 다시 검색해 주세요."))
    return render_template("error.html", title=_(title), status=status, message=_(message)), status


def internal_error(error: InternalServerError) -> Response | tuple[str, int]:
    """500 without details: the exception is already in the log, never in the response."""
    if is_api_request():
        return json_response({"error": {"code": "internal_error", "message": "an unexpected error occurred"}}, 500)
    message = _("일시적인 오류로 검색하지 못했습니다. 잠시 후 다시 시도해 주세요.")
    return render_template("error.html", title=_("오류"), status=500, message=message), 500


def _code(error: HTTPException) -> str:
    """``Method Not Allowed`` → ``method_not_allowed``."""
    return error.name.lower().replace(" ", "_")
