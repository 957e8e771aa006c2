"""The embeddable search: ``/embed.js`` and ``/embed.css``, for the Jekyll site's own pages.

The site puts one element and one script on its ``search.html``::

    <div data-sokbo-search></div>
    <script src="https://search.example.com/embed.js" async></script>

and the script (``static/embed.js``) draws a search box and results there, calling
``/api/search`` across origins (allowed by :mod:`.cors`) and loading ``embed.css`` itself.
Both files are loaded by another origin's page, so they say
``Cross-Origin-Resource-Policy: cross-origin`` (sokbo's other responses are same-origin).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

bp = Blueprint("embed", __name__)

CACHE_SECONDS = 600
"""How long the site's readers' browsers keep the files before asking again (ETag)."""


@bp.get("/embed.js")
def script() -> Response:
    """The embed's script (no framework, no build step)."""
    return _asset("embed.js")


@bp.get("/embed.css")
def stylesheet() -> Response:
    """The embed's stylesheet, scoped to ``.sokbo-embed``."""
    return _asset("embed.css")


def _asset(name: str) -> Response:
    response = current_app.send_static_file(name)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response
