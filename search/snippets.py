"""Snippets: the best-matching passage of a post, matched words in ``<mark>``.

Highlighting works on the stored plain text with the query's surface strings and morphemes
(동맹 marks the 동맹 of 동맹을), so it never re-runs Kiwi over a whole body at query time.
Everything but the ``<mark>`` tags is HTML-escaped.
"""

from __future__ import annotations

import re
from html import escape

SNIPPET_CHARS = 160


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    terms = [t for t in terms if t]
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> str:
    """All of ``text``, escaped, with every matched term in ``<mark>`` (for titles).

    Example:
        >>> highlight("<b>동맹</b> 강화", ["동맹"])
        '&lt;b&gt;<mark>동맹</mark>&lt;/b&gt; 강화'
    """
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def snippet(text: str, terms: list[str], size: int = SNIPPET_CHARS) -> str:
    """An escaped passage of about ``size`` characters around the densest matches.

    Example:
        >>> snippet("한국과 미국은 동맹을 강화하기로 했다.", ["동맹"])
        '한국과 미국은 <mark>동맹</mark>을 강화하기로 했다.'
    """
    text = " ".join(text.split())
    if not text:
        return ""
    pattern = _pattern(terms)
    matches = list(pattern.finditer(text)) if pattern else []
    start = _best_window(text, matches, size)
    end = min(len(text), start + size)
    if matches and end < len(text):
        # Do not cut a match in two at the window's end.
        for m in matches:
            if m.start() < end < m.end():
                end = m.end()
    start, end = _word_bounds(text, start, end)
    out = ["…" if start > 0 else ""]
    pos = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        pos = m.end()
    out.append(escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def _best_window(text: str, matches: list[re.Match[str]], size: int) -> int:
    """Start of the window that holds the most distinct matched words (ties: the earliest)."""
    if not matches:
        return 0
    best_start, best_key = 0, (-1, -1)
    for i, first in enumerate(matches):
        distinct: set[str] = set()
        count = 0
        for m in matches[i:]:
            if m.end() - first.start() > size:
                break
            distinct.add(m.group().lower())
            count += 1
        key = (len(distinct), count)
        if key > best_key:
            best_key, best_start = key, first.start()
    # Lead in with some context before the first match.
    return max(0, min(best_start - size // 4, len(text) - size))


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the window's edges to spaces so no word is cut (within a few characters)."""
    if start > 0:
        space = text.find(" ", start, start + 12)
        if space != -1:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", end - 12, end)
        if space != -1:
            end = space
    return start, end
