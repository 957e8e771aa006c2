"""sokbo as part of the reader's browser and feed reader: ``/opensearch.xml`` and ``/feed.atom``.

* ``GET /opensearch.xml``: an OpenSearch 1.1 description, so a browser can add sokbo as a
  search engine (search page, suggestions as the reader types, Atom results).
* ``GET /feed.atom``: an Atom 1.0 feed of any search (the parameters of ``/api/search``),
  newest first, so a reader can follow a topic.

Both are built with lxml's serializer, never by pasting strings, so a hostile title, category
or query is text in the XML whatever it holds. Their URLs are absolute, from the request's
host. :func:`feed_link` gives the templates the current search's feed (``_head_links.html``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, request, url_for
from lxml import etree

from sokbo.search import BadParameter, SearchRequest, SearchResponse
from sokbo.search.request import MAX_PAGE

from . import get_service, i18n

ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
MOZ_NS = "http://www.mozilla.org/2006/browser/search/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ATOM_TYPE = "application/atom+xml; charset=utf-8"
OPENSEARCH_TYPE = "application/opensearchdescription+xml; charset=utf-8"
FEED_ENTRIES = 20
"""Entries in a feed unless ``per_page`` says otherwise."""
SHORT_NAME_CHARS = 16
"""OpenSearch's limit on ``ShortName``."""

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all (control characters, lone surrogates): dropped."""

FEED_PARAMS = ("q", "category", "from", "to", "correct")
"""What a feed's URL keeps of a search's: its page and sort are the feed's own."""

STRINGS = {
    "ko": {
        "results": "‘{query}’ 검색 결과",
        "latest": "최신 기사",
        "description": "{site}의 기사 검색",
    },
    "en": {
        "results": "Results for ‘{query}’",
        "latest": "Latest news",
        "description": "Search the news of {site}",
    },
}

bp = Blueprint("feeds", __name__)


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    """The OpenSearch description: the page, suggestions and Atom results, for the request's host."""
    site = site_name()
    lang = i18n.current()
    root = etree.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription", nsmap={None: OPENSEARCH_NS, "moz": MOZ_NS})

    def child(name: str, text: str | None = None, **attributes: str) -> None:
        element = etree.SubElement(root, f"{{{OPENSEARCH_NS}}}{name}", xml_safe_attributes(attributes))
        element.text = xml_safe(text)

    child("ShortName", site[:SHORT_NAME_CHARS])
    child("Description", STRINGS[lang]["description"].format(site=site))
    child("InputEncoding", "UTF-8")
    child("OutputEncoding", "UTF-8")
    child("Language", lang)
    page = url_for("pages.search", _external=True)
    child("Url", type="text/html", method="get", template=f"{page}?q={{searchTerms}}")
    suggest = url_for("api.suggest", _external=True)
    child("Url", type="application/x-suggestions+json", method="get", template=f"{suggest}?format=opensearch&q={{searchTerms}}")
    atom = url_for("feeds.feed", _external=True)
    child("Url", type="application/atom+xml", method="get", template=f"{atom}?q={{searchTerms}}")
    child("Url", type="application/opensearchdescription+xml", rel="self", template=url_for("feeds.opensearch", _external=True))
    etree.SubElement(root, f"{{{MOZ_NS}}}SearchForm").text = xml_safe(page)
    return xml_response(root, OPENSEARCH_TYPE)


@bp.get("/feed.atom")
def feed() -> Response:
    """The newest posts of a search as Atom; a bad parameter is a 400 as in the API."""
    params = request.args.to_dict(flat=False)
    search = SearchRequest.from_params(params)
    if not params.get("per_page"):
        search = dataclasses.replace(search, per_page=FEED_ENTRIES)
    search = dataclasses.replace(search, sort="newest")
    response = get_service().search(search)
    return xml_response(atom_feed(search, response), ATOM_TYPE)


def atom_feed(search: SearchRequest, response: SearchResponse) -> Any:
    """The feed element of ``response`` (a newest-first search), with links for ``search``."""
    lang = i18n.current()
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    root.set(XML_LANG, lang)

    def child(parent: Any, name: str, text: str | None = None, **attributes: str) -> Any:
        element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", xml_safe_attributes(attributes))
        element.text = xml_safe(text)
        return element

    per_page = search.per_page if search.per_page != FEED_ENTRIES else None

    def link(page: int) -> str:
        return feed_url(search, external=True, page=page if page > 1 else None, per_page=per_page)

    child(root, "id", feed_url(search, external=True))
    child(root, "title", feed_title(search, lang))
    child(root, "updated", _updated(response))
    child(root, "link", rel="self", type="application/atom+xml", href=link(search.page))
    # The page of the same search in the same order (sort=newest shows when it is not the default).
    page_query = urlencode(search.as_params(page=None, per_page=None) + _lang_pair())
    page_url = url_for("pages.search", _external=True) + (f"?{page_query}" if page_query else "")
    child(root, "link", rel="alternate", type="text/html", href=page_url)
    if search.page < min(response.pages, MAX_PAGE):
        child(root, "link", rel="next", type="application/atom+xml", href=link(search.page + 1))
    if search.page > 1:
        child(root, "link", rel="previous", type="application/atom+xml", href=link(search.page - 1))
    child(child(root, "author"), "name", site_name())
    child(root, "generator", "sokbo")
    for hit in response.hits:
        entry = child(root, "entry")
        child(entry, "id", entry_id(hit.url, hit.id, hit.date))
        child(entry, "title", hit.title, type="text")
        if urlsplit(hit.url).scheme in ("http", "https", ""):  # never a javascript: link
            child(entry, "link", rel="alternate", type="text/html", href=hit.url)
        moment = rfc3339(hit.date)
        child(entry, "published", moment)
        child(entry, "updated", moment)
        for category in hit.categories:
            child(entry, "category", term=category)
        if hit.snippet:
            # Escaped HTML in which only <mark> is markup (search/snippets.py); the serializer
            # escapes it once more, as Atom's type="html" wants.
            child(entry, "summary", hit.snippet, type="html")
    return root


def feed_url(search: SearchRequest, external: bool = False, page: int | None = None, per_page: int | None = None) -> str:
    """The feed of ``search``'s query and filters (``page`` and ``per_page`` when given), ``?lang=`` kept."""
    pairs = [(k, v) for k, v in search.as_params(sort=None, page=None, per_page=None) if k in FEED_PARAMS]
    if per_page is not None:
        pairs.append(("per_page", str(per_page)))
    if page is not None:
        pairs.append(("page", str(page)))
    pairs += _lang_pair()
    base = url_for("feeds.feed", _external=external)
    return f"{base}?{urlencode(pairs)}" if pairs else base


def feed_title(search: SearchRequest, lang: str, filters: bool = True) -> str:
    """``‘동맹’ 검색 결과 (정치, 국제) - 속보 검색``: the query, its filters (unless not wanted) and the site."""
    strings = STRINGS[lang]
    title = strings["results"].format(query=search.q) if search.q else strings["latest"]
    chosen = list(search.categories) if filters else []
    if filters and (search.date_from or search.date_to):
        chosen.append(f"{search.date_from or ''}~{search.date_to or ''}")
    if chosen:
        title += f" ({', '.join(chosen)})"
    return f"{title} - {site_name()}"


def site_name() -> str:
    """The app's ``SITE_TITLE`` in the request's language (as the page's own header shows it)."""
    return i18n.gettext(current_app.config["SITE_TITLE"])


def feed_link() -> dict[str, str]:
    """The current request's search as a feed: ``url`` and ``title`` for ``<link rel="alternate">``,
    and ``site``, the site's name for the OpenSearch link.

    The title names the query, not the filters: the page's strings are all in its language,
    and a category is the site's own word (the feed's own title names them).

    A request whose parameters are not a valid search (an error page) links the newest posts.
    """
    try:
        search = SearchRequest.from_params(request.args.to_dict(flat=False))
    except BadParameter:
        search = SearchRequest()
    return {"url": feed_url(search), "title": feed_title(search, i18n.current(), filters=False), "site": site_name()}


@bp.app_context_processor
def feed_globals() -> dict[str, Any]:
    """``feed_link()`` for every template (the head's links)."""
    return {"feed_link": feed_link}


def entry_id(url: str, post_id: str, date: str) -> str:
    """A permanent IRI for a post: its URL when that is absolute, else a ``tag:`` URI of its id."""
    if urlsplit(url).scheme in ("http", "https"):
        return url
    return f"tag:{request.host.split(':')[0]},{date[:10]}:{post_id}"


def rfc3339(date: str) -> str:
    """A post's ISO date with a time and a zone, as Atom wants it.

    A date without a time is midnight UTC and a time without a zone is UTC, as the index
    sorts them (``Post.timestamp``).

    Example:
        >>> rfc3339("2024-07-03"), rfc3339("2024-08-14T09:30:00+09:00")
        ('2024-07-03T00:00:00Z', '2024-08-14T09:30:00+09:00')
    """
    try:
        moment = dt.datetime.fromisoformat(date) if "T" in date else dt.datetime.combine(dt.date.fromisoformat(date[:10]), dt.time())
    except ValueError:
        moment = dt.datetime(1970, 1, 1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _lang_pair() -> list[tuple[str, str]]:
    """``[("lang", "en")]`` when the reader chose a language with ``?lang=``, so links keep it."""
    lang = i18n.chosen_language()
    return [("lang", lang)] if lang else []


def _updated(response: SearchResponse) -> str:
    """The newest entry's date; without entries, when the index last changed."""
    if response.hits:
        return max((rfc3339(hit.date) for hit in response.hits), key=_timestamp)
    changed = get_service().stats().get("updated_at")
    moment = dt.datetime.fromtimestamp(changed, dt.timezone.utc) if changed else dt.datetime.now(dt.timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _timestamp(moment: str) -> float:
    return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp()


def xml_safe(text: str | None) -> str | None:
    """``text`` without the characters XML cannot hold (a post's stray control character)."""
    return NOT_XML.sub("", text) if text else text


def xml_safe_attributes(attributes: dict[str, str]) -> dict[str, str]:
    return {name: NOT_XML.sub("", value) for name, value in attributes.items()}


def xml_response(root: Any, content_type: str) -> Response:
    """``root`` serialized as UTF-8 XML with its declaration."""
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return Response(body, content_type=content_type)
