"""Safe-by-default response headers, on every response: pages, API, feeds, errors, static files.

* ``Content-Security-Policy``: scripts, styles, fetches and forms only from sokbo itself; no
  inline script or style; images from anywhere (posts' thumbnails live on other hosts); no
  plugins, no ``<base>``; no page may frame sokbo.
* ``X-Frame-Options: DENY``: the same for browsers that predate ``frame-ancestors``.
* ``X-Content-Type-Options: nosniff``: JSON and XML are never read as a script or a page.
* ``Referrer-Policy: strict-origin-when-cross-origin``: a click from the results to a post
  tells the news site only that the reader came from sokbo's origin, never the query (which
  is in the URL); within sokbo the full URL is kept, and nothing is sent from https to http.
  ``same-origin`` would hide even that a reader came from search, which the site's own
  statistics want and which reveals nothing about the reader.
* ``Cross-Origin-Resource-Policy: same-origin``: no other site loads sokbo's responses as
  images, scripts or styles, except where a view says otherwise (the embed's script and
  stylesheet, :mod:`.embed`). CORP never applies to the API's CORS requests (:mod:`.cors`).

Views may set their own value of any of these (``setdefault`` keeps it).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Add :data:`HEADERS` to every response of ``app``."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Each of :data:`HEADERS` that the view did not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
