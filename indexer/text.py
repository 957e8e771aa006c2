"""Turn post bodies and front-matter values into plain text for indexing and snippets.

Jekyll bodies mix HTML blocks and Markdown in one file, so a body is rendered as CommonMark
(raw HTML passes through untouched) and the resulting HTML is then reduced to text.

Measured on the 5,996-post corpus (2-core machine, CPU seconds):

- The HTML is parsed by BeautifulSoup with the lxml builder (the stack's choice); building its
  trees costs about 15 CPU-seconds for the corpus, against ~160 s for Kiwi's analysis.
- Text is taken in one walk over the tree, never editing it: linear in the HTML (a 5 MB post
  of 30,000 paragraphs strips in 2.5 CPU-seconds; marking blocks with ``insert_after`` took
  minutes, as it looks each element up among its siblings).
- Rendering Markdown costs about as much as parsing the HTML (2.3 s against 2.2 s), and nine
  bodies in ten have no Markdown syntax at all: they skip rendering (see
  :func:`_needs_markdown`), which gives the same text for every one of them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["body_to_text", "html_to_text", "plain_text", "prepare"]


@functools.cache
def _markdown() -> Any:
    """The CommonMark renderer, built on first use (with BeautifulSoup, imported lazily: a
    ``sokbo index`` run that finds nothing changed never reads a post and starts faster)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def prepare() -> None:
    """Import the HTML parser and build the Markdown renderer now (about 0.06 s): an indexing
    worker does it while its parent still plans the run, not when its first post arrives."""
    _extract_text("<p>.</p>")
    _markdown()


_DROPPED = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")
"""Elements whose content is code or media, never article text."""

_BLOCKS = (
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
)
"""Elements that end a line: their text never runs into their neighbours'."""

_CELLS = ("td", "th")
"""Table cells: kept on their row's line, separated by a space."""

_DROPPED_SET, _BLOCKS_SET, _CELLS_SET = frozenset(_DROPPED), frozenset(_BLOCKS), frozenset(_CELLS)

_LEFTOVERS = (
    # A tag the author escaped by mistake (``&lt;h2 data-ke-size="size26">``) is markup too.
    (re.compile(
        r"</?(?:a|b|blockquote|br|div|em|h[1-6]|hr|i|img|li|ol|p|span|strong|table|tbody|td|th"
        r"|thead|tr|u|ul)(?:\s[^<>]*)?/?>",
        re.IGNORECASE,
    ), " "),
    # Markdown that CommonMark leaves alone inside HTML blocks or next to Korean letters
    # (``**강조**는`` is not emphasis under its flanking rules). Source line breaks are spaces
    # by now, so these match after a space as well as at a line start.
    (re.compile(r"\*\*+"), ""),
    (re.compile(r"(?:^|(?<= ))(?:#{1,6}(?= )|```\S*|~~~\S*)", re.MULTILINE), ""),
    (re.compile(r"!\[[^\]]{0,300}\]\([^)]{0,500}\)"), ""),
    (re.compile(r"\[([^\]]{0,300})\]\([^)]{0,500}\)"), r"\1"),
    # The delimiter row of a pipe table that CommonMark did not accept as a table.
    (re.compile(r"(?:^|(?<= ))\|?(?: ?:?-{3,}:? ?\|)+(?: ?:?-{3,}:?)?(?= |$)", re.MULTILINE), ""),
)
"""Markup that survives rendering as literal text: (pattern, replacement), applied in order to
tidied text (no line starts or ends with a space)."""

_MARKDOWN_MARKS = ("*", "`", "\\", "](", "![")
"""Emphasis, code, escapes, links and images: any of them means a body needs rendering."""
_UNDERSCORE_EMPHASIS = re.compile(r"_(?!\w)|[^\w]_")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>")
_MARKDOWN_BLOCK = re.compile(
    r"\n {0,3}(?:#{1,6}[ \t\n]|>|[-+*][ \t\n]|\d{1,9}[.)][ \t\n]|```|~~~|(?:=+|-+|_+)[ \t]*\n"
    r"|\|?[ \t]*:?-+:?[ \t]*\||\[[^\]\n]+\]:)"
    r"|\n(?: {4}|\t)[ \t]*[^<\s]"
)
"""Lines that start a Markdown block: heading, quote, list item, fence, setext underline or
rule, table delimiter row, link definition, indented code."""
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n(?![ \t]*</?t[dh][\s>/])")
"""A blank line, which ends a paragraph, except before a table cell (a new HTML block there)."""

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ue000\ufffe\uffff]")
"""Characters libxml2 cannot hold (control characters, lone surrogates): it would reject the
whole text. Also the private-use character that marks line breaks while extracting."""

_BREAK = "\ue000"
"""Marks a line break the HTML asks for (a block's edge, ``<br>``, a line of ``<pre>``), as
opposed to a line break in the source, which HTML shows as a space."""

_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
"""Zero-width characters, which would split or glue words invisibly."""


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML fragment.

    Scripts, styles and similar code elements and comments are dropped, entities decoded, image
    alt text left out (it describes a picture, it is not article text). Block elements and table
    cells become line breaks and spaces so that words of neighbouring blocks never run together;
    paragraphs stay on their own lines (the snippet code relies on them).
    """
    return _tidy(_extract_text(html))


def body_to_text(src: str) -> str:
    """Return the plain text of a post body that mixes HTML blocks and Markdown.

    The body is rendered as CommonMark with pipe tables (raw HTML passes through) and the HTML
    reduced to text as :func:`html_to_text` does. A body without Markdown syntax, most of them,
    skips rendering (see :func:`_needs_markdown`). Markdown the renderer leaves as literal text
    (emphasis stuck to Korean letters, headings and links inside HTML blocks, malformed pipe
    tables) and tags the author escaped by mistake are then removed.
    """
    if _needs_markdown(src):
        html = _markdown().render(src)
    else:
        # What rendering would still have done: a blank line ends a paragraph.
        html = _PARAGRAPH_END.sub("<br>", src)
    text = _tidy(_extract_text(html))
    changes = 0
    for pattern, replacement in _LEFTOVERS:
        text, count = pattern.subn(replacement, text)
        changes += count
    return _tidy(text) if changes else text


def plain_text(value: str) -> str:
    """Return a front-matter value (excerpt, feature text) as one line of plain text.

    Such values may hold Markdown (``## 헤드라인``) or HTML just like a body does; most hold
    neither and need no parsing at all.
    """
    if "<" in value or "&" in value or _needs_markdown(value):
        return body_to_text(value).replace("\n", " ")
    return " ".join(_INVISIBLE.sub("", value).split())


def _needs_markdown(src: str) -> bool:
    """Tell whether rendering ``src`` as Markdown could give other text than reading it as HTML.

    Conservative: any emphasis, code, escape, link, image, autolink or block-starting line
    counts. Checked on the corpus: the 5,361 bodies it lets through give exactly the text that
    rendering gives. The plain ``in`` tests come first because they run at C speed.
    """
    return (
        any(mark in src for mark in _MARKDOWN_MARKS)
        or ("_" in src and bool(_UNDERSCORE_EMPHASIS.search(src) or src.startswith("_")))
        or ("<" in src and bool(_AUTOLINK.search(src)))
        or bool(_MARKDOWN_BLOCK.search(f"\n{src}\n"))
    )


def _extract_text(html: str) -> str:
    """Return the text of ``html`` with line breaks where the HTML shows them, before tidying.

    Like a browser, source line breaks count as spaces (``<td>`` cells on separate source lines
    stay on one row, a wrapped Markdown paragraph stays one paragraph) except inside ``<pre>``.
    """
    if not html or html.isspace():
        return ""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_NOT_XML.sub(" ", html), "lxml")
    return "".join(_walk_text(soup)).replace("\n", " ").replace(_BREAK, "\n")


def _walk_text(root: Any) -> list[str]:
    """Return the pieces of ``root``'s text in document order, with line-break marks.

    One pass over the tree that never edits it, so it takes time in proportion to the HTML:
    inserting marks into the tree instead (``insert_after`` looks the element up among its
    siblings) took minutes for a 5 MB post of 30,000 paragraphs. A stack, not recursion, so
    deeply nested HTML cannot exhaust Python's stack. The strings kept are those ``get_text``
    keeps: plain text and CDATA, never comments, doctypes or processing instructions.
    """
    from bs4.element import CData, NavigableString, Tag

    text_types = (NavigableString, CData)
    pieces: list[str] = []
    # Each entry: (a node and whether it is inside <pre>) or (None, a mark to emit when an
    # element ends).
    stack: list[tuple[Any, Any]] = [(child, False) for child in reversed(root.contents)]
    while stack:
        node, state = stack.pop()
        if node is None:
            pieces.append(state)
        elif isinstance(node, Tag):
            name = node.name
            if name in _DROPPED_SET:
                continue
            in_pre = state or name == "pre"
            if name in _BLOCKS_SET:
                pieces.append(_BREAK)
                stack.append((None, _BREAK + _BREAK))
            elif name in _CELLS_SET:
                pieces.append(" ")
                stack.append((None, " "))
            elif name == "br":
                stack.append((None, _BREAK))
            stack.extend((child, in_pre) for child in reversed(node.contents))
        elif type(node) in text_types:
            pieces.append(node.replace("\n", _BREAK) if state else node)
    return pieces


def _tidy(text: str) -> str:
    """Collapse runs of spaces to one and runs of line breaks to one; trim every line.

    ``str.split`` does it at C speed and knows every Unicode space (``&nbsp;``, U+3000); regular
    expressions took about three times as long on the corpus.
    """
    lines = (" ".join(line.split()) for line in _INVISIBLE.sub("", text).splitlines())
    return "\n".join(line for line in lines if line)
