"""Snippets: the best-matching passage of a post, matched words in ``<mark>``.

Highlighting works on the stored plain text with the query's surface strings and morphemes
(동맹 marks the 동맹 of 동맹을), so it never re-runs Kiwi over a whole body at query time. A
quoted phrase is marked as one run wherever its words stand in order (``<mark>군사 원조</mark>``,
``<mark>군사적 원조</mark>``) and its words are not marked alone: they are not what was asked
for. Everything but the ``<mark>`` tags is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from html import escape

SNIPPET_CHARS = 160

PhraseWords = tuple[tuple[str, ...], ...]
"""A quoted phrase as, for each of its words in order, the strings that may stand for it in a
text (the word as typed and its stem: 미국의, 미국)."""

_BETWEEN_WORDS = r"[가-힣]{0,2}\s*"
"""What may separate two words of a phrase in a text: a particle or suffix left on the first
(군사적 원조, 미국의 군사) and spaces, or nothing (군사원조). The phrase search itself matches the
words' morphemes in order, particles aside, or the text as typed."""


@dataclass(frozen=True)
class Marks:
    """What to mark in a text: single words (each wherever it occurs) and quoted phrases (each
    as one run of its words, :data:`PhraseWords`). Phrases come first where both could match."""

    words: tuple[str, ...] = ()
    phrases: tuple[PhraseWords, ...] = ()

    @classmethod
    def of(cls, terms: "Marks | Sequence[str]") -> "Marks":
        """``terms`` as marks: a plain list of strings is words."""
        return terms if isinstance(terms, Marks) else cls(words=tuple(terms))

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """One regex for every phrase (named groups ``p0``, ``p1``, …) then every word, longest first."""
        parts = [f"(?P<p{i}>{_phrase_regex(p)})" for i, p in enumerate(self.phrases) if _phrase_regex(p)]
        words = sorted({w for w in self.words if w}, key=len, reverse=True)
        parts.extend(re.escape(w) for w in words)
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def found_in(self, text: str) -> bool:
        """Whether anything of these marks occurs in ``text``."""
        return self.pattern is not None and self.pattern.search(text) is not None


def _phrase_regex(phrase: PhraseWords) -> str:
    """The regex of one phrase: each word's alternatives (longest first), in order."""
    words = [sorted({a for a in alternatives if a}, key=len, reverse=True) for alternatives in phrase]
    if not words or not all(words):
        return ""
    return _BETWEEN_WORDS.join("(?:" + "|".join(re.escape(a) for a in alternatives) + ")" for alternatives in words)


def _phrase_of(m: re.Match[str]) -> str | None:
    """Which phrase a match is (``p0``, …), or None for a single word."""
    name = m.lastgroup
    return name if name is not None and name.startswith("p") else None


def highlight(text: str, terms: Marks | Sequence[str]) -> str:
    """All of ``text``, escaped, with every matched term or phrase in ``<mark>`` (for titles).

    Example:
        >>> highlight("<b>동맹</b> 강화", ["동맹"])
        '&lt;b&gt;<mark>동맹</mark>&lt;/b&gt; 강화'
        >>> highlight("군사 훈련 뒤 군사 원조", Marks(phrases=((("군사",), ("원조",)),)))
        '군사 훈련 뒤 <mark>군사 원조</mark>'
    """
    pattern = Marks.of(terms).pattern
    if pattern is None:
        return escape(text)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def snippet(text: str, terms: Marks | Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """An escaped passage of about ``size`` characters around the densest matches, a passage
    with a quoted phrase first.

    Example:
        >>> snippet("한국과 미국은 동맹을 강화하기로 했다.", ["동맹"])
        '한국과 미국은 <mark>동맹</mark>을 강화하기로 했다.'
    """
    text = " ".join(text.split())
    if not text:
        return ""
    pattern = Marks.of(terms).pattern
    matches = list(pattern.finditer(text)) if pattern else []
    start = _best_window(text, matches, size)
    end = min(len(text), start + size)
    if matches and end < len(text):
        # Do not cut a match in two at the window's end.
        for m in matches:
            if m.start() < end < m.end():
                end = m.end()
    start, end = _word_bounds(text, start, end, matches)
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
    """Start of the window that holds the most distinct quoted phrases, then the most distinct
    matched words (ties: the earliest), led in by some context that leaves them all inside."""
    if not matches:
        return 0
    best_start, best_end, best_key = 0, 0, (-1, -1, -1)
    for i, first in enumerate(matches):
        phrases: set[str] = set()
        words: set[str] = set()
        count, last_end = 0, first.end()
        for m in matches[i:]:
            if m.end() - first.start() > size:
                break
            phrase = _phrase_of(m)
            if phrase is not None:
                phrases.add(phrase)
            else:
                words.add(m.group().lower())
            count, last_end = count + 1, m.end()
        key = (len(phrases), len(words), count)
        if key > best_key:
            best_key, best_start, best_end = key, first.start(), last_end
    lead = max(0, min(size // 4, size - (best_end - best_start)))
    return max(0, min(best_start - lead, len(text) - size))


def _word_bounds(text: str, start: int, end: int, matches: list[re.Match[str]]) -> tuple[int, int]:
    """Move the window's edges to spaces so no word is cut (within a few characters), never
    past a match inside the window (a phrase has spaces of its own)."""
    inside = [m for m in matches if m.start() >= start and m.end() <= end]
    first, last = (inside[0].start(), inside[-1].end()) if inside else (end, start)
    if start > 0:
        space = text.find(" ", start, min(start + 12, first))
        if space != -1:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", max(end - 12, last), end)
        if space != -1:
            end = space
    return start, end
