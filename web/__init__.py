"""sokbo's web app: the reader's search page at ``/`` and the JSON API under ``/api``.

Built by :func:`create_app` (Flask's application-factory pattern), so tests, ``sokbo serve`` and
any WSGI server each get an app bound to their own index directory. All searching goes through
one :class:`~sokbo.search.SearchService` per app; this package never touches Whoosh.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from sokbo.search import SearchService
from sokbo.search.config import cors_origins, index_dir

EXTENSION = "sokbo"
"""The key of the app's SearchService in ``app.extensions``."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """An app serving the index in ``INDEX_DIR`` (default: ``$SOKBO_INDEX`` or ``./sokbo-index``).

    ``test_config`` overrides the defaults, e.g. ``{"TESTING": True, "INDEX_DIR": "/tmp/ix"}``.
    ``TIMEZONE`` is the site's (relative dates and quick periods count days in it);
    ``CONTENT_LANGUAGE`` the posts' (marked on their text when the page is in another).
    ``CORS_ORIGINS`` (default ``$SOKBO_CORS_ORIGINS``) lists the origins whose pages may read
    the API; ValueError names one that is not an origin.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=str(index_dir()),
        SITE_TITLE="속보 검색",
        TIMEZONE="Asia/Seoul",
        CONTENT_LANGUAGE="ko",
        CORS_ORIGINS=cors_origins(),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)

    app.extensions[EXTENSION] = SearchService(app.config["INDEX_DIR"])

    from . import access_log, api, compress, cors, embed, errors, feeds, health, openapi, pages, security
    from .host import HostCheck

    compress.init_app(app)  # first: after_request functions run last-registered first
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    errors.register(app)
    cors.init_app(app)
    security.init_app(app)
    access_log.init_app(app)
    app.wsgi_app = HostCheck(app.wsgi_app)  # type: ignore[method-assign]
    return app


def get_service() -> SearchService:
    """The current app's SearchService (one per app, shared by every request and thread)."""
    service: SearchService = current_app.extensions[EXTENSION]
    return service
