"""The index schema: one place for every field, its analyzer and its weight.

Searchable text comes in two analyses: Kiwi morphemes (``title``, ``summary``, ``body``) and
character bigrams (``title_grams``, ``grams``). Weights are BM25F field boosts: the title and
the summary (excerpt + feature text) count above the body; bigrams count least, they are
the net that catches what morphemes miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import bigram_analyzer, korean_analyzer
from .codec import ArrayPositions
from .dedup import sketch_body, sketch_title
from .document import Post
from .words import sketch_words

# Weights of the searchable fields (BM25F field boosts).
FIELD_WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "summary": 1.5,
    "body": 1.0,
    "title_grams": 1.2,
    "grams": 0.3,
}
MORPHEME_FIELDS = ("title", "summary", "body")
TITLE_GRAMS = "title_grams"
GRAM_FIELDS = (TITLE_GRAMS, "grams")
POSITIONED_GRAM_FIELDS = frozenset({TITLE_GRAMS})
"""Bigram fields that keep positions, where a word's bigrams must be consecutive."""
TITLE_FIELDS = ("title", TITLE_GRAMS)
"""The searchable fields made of the title."""

SCHEMA_VERSION = 9
"""Bumped whenever the schema or the analysis changes, so an old index is rebuilt, not misread."""

# Separates multi-valued column values (categories).
_SEP = "\x1f"


def build_schema() -> Schema:
    """The schema of a sokbo index."""
    kor = korean_analyzer()
    grams = bigram_analyzer()
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=_positioned(TEXT(analyzer=kor, stored=True, field_boost=FIELD_WEIGHTS["title"])),
        summary=_positioned(TEXT(analyzer=kor, stored=True, field_boost=FIELD_WEIGHTS["summary"])),
        body=_positioned(TEXT(analyzer=kor, stored=True, field_boost=FIELD_WEIGHTS["body"])),
        title_grams=_positioned(TEXT(analyzer=grams, field_boost=FIELD_WEIGHTS["title_grams"])),
        # Without positions: they would double the cost of a full build (measured: the body's
        # bigrams are more postings than all morpheme fields together). Phrases in the body
        # are matched by morpheme positions instead.
        grams=TEXT(analyzer=grams, phrase=False, field_boost=FIELD_WEIGHTS["grams"]),
        categories=KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        tags=KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        # Columns are what facets, filters and sorting read: one small array per field.
        cats_col=COLUMN(columns.VarBytesColumn()),
        month=COLUMN(columns.VarBytesColumn()),
        # Near-duplicate sketches (dedup.py): read for every post when a searcher opens.
        title_sig=COLUMN(columns.VarBytesColumn()),
        body_sig=COLUMN(columns.VarBytesColumn()),
        # Each post's words as written, hashed, with their counts (words.py): read for every post when a searcher opens.
        words_sig=COLUMN(columns.VarBytesColumn()),
        day=NUMERIC(int, bits=32, stored=False, sortable=True, signed=False),
        ts=NUMERIC(int, bits=64, stored=False, sortable=True),
        date=STORED(),
        url=STORED(),
        image=STORED(),
        path=STORED(),
    )


def _positioned(field: TEXT) -> TEXT:
    """``field`` with its positions stored as arrays (:class:`~sokbo.search.codec.ArrayPositions`)."""
    field.format = ArrayPositions(field_boost=field.format.field_boost)
    return field


def summary_text(post: Post) -> str:
    """Excerpt and feature text, once each (the corpus repeats one in the other)."""
    parts = [post.excerpt]
    if post.feature_text and post.feature_text not in post.excerpt:
        parts.append(post.feature_text)
    return "\n".join(p for p in parts if p)


def day_number(day: "object") -> int:
    """``YYYYMMDD`` as an int: compact, sortable, and readable in a debugger."""
    return day.year * 10000 + day.month * 100 + day.day  # type: ignore[attr-defined]


def to_fields(post: Post) -> dict[str, object]:
    """The Whoosh document of a post."""
    summary = summary_text(post)
    categories = list(dict.fromkeys(post.categories))
    return {
        "id": post.id,
        "title": post.title,
        "summary": summary,
        "body": post.body,
        "title_grams": post.title,
        "grams": "\n".join((summary, post.body)),
        "categories": ",".join(c.replace(",", " ") for c in categories),
        "tags": ",".join(t.replace(",", " ") for t in post.tags),
        "cats_col": _SEP.join(categories).encode("utf-8"),
        "month": post.day.strftime("%Y-%m").encode("ascii"),
        "title_sig": sketch_title(post.title),
        "body_sig": sketch_body("\n".join((summary, post.body))),
        "words_sig": sketch_words(post.title, summary, post.body),
        "day": day_number(post.day),
        "ts": int(post.timestamp),
        "date": post.date,
        "url": post.url,
        "image": post.image,
        "path": post.path,
    }


@dataclass(frozen=True)
class StoredPost:
    """A post as the index gives it back: the stored fields of :func:`to_fields`."""

    id: str
    title: str = ""
    summary: str = ""
    """Excerpt and feature text (see :func:`summary_text`)."""
    body: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    date: str = ""
    url: str = ""
    image: str = ""
    path: str = ""

    @property
    def text(self) -> str:
        """Title, summary and body: everything a reader can read of the post."""
        return "\n".join((self.title, self.summary, self.body))


def from_stored(stored: dict[str, Any]) -> StoredPost:
    """The inverse of :func:`to_fields` for what it stores (a searcher's ``stored_fields``).

    Example:
        >>> from_stored({"id": "a", "title": "한미 동맹", "categories": "정치,외교"}).categories
        ('정치', '외교')
    """
    return StoredPost(
        id=stored["id"],
        title=stored.get("title", ""),
        summary=stored.get("summary", ""),
        body=stored.get("body", ""),
        categories=tuple(c for c in stored.get("categories", "").split(",") if c),
        tags=tuple(t for t in stored.get("tags", "").split(",") if t),
        date=stored.get("date", ""),
        url=stored.get("url", ""),
        image=stored.get("image", ""),
        path=stored.get("path", ""),
    )


def split_categories(raw: bytes) -> tuple[str, ...]:
    """Decode a ``cats_col`` value."""
    return tuple(raw.decode("utf-8").split(_SEP)) if raw else ()
