"""Read Jekyll post files into :class:`~sokbo.search.document.Post` objects.

Reading never raises for a bad post: everything wrong with a file becomes a
:class:`~sokbo.indexer.problems.Problem` naming the file and line, and the post is still read
whenever something usable is there (recovered front matter, the file name's date, the slug as
title).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sokbo.indexer.frontmatter import TITLE_EXTRA, read_front_matter
from sokbo.indexer.problems import Problem
from sokbo.indexer.site import Site
from sokbo.indexer.text import body_to_text, plain_text
from sokbo.search.document import Post

__all__ = ["POST_EXTENSIONS", "ReadResult", "iter_post_files", "read_post"]

POST_EXTENSIONS = (".md", ".markdown", ".html")

_POST_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)\.(?i:md|markdown|html)")

_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{1,2})?)?"
)
"""Dates as posts write them: ``2024-08-14``, ``2024-08-14 09:30``, ``2024-08-14 09:30:00 +0900``,
``2024-08-14T09:30:00+09:00``, ``... Z``."""

_FALSE = {"false", "no", "off"}
"""How YAML 1.1 (which Jekyll reads) writes false: recovered front matter keeps them as text."""


@dataclass
class ReadResult:
    """What reading one post file gave."""

    post: Post | None
    """The post, or None when it was skipped or could not be read (see ``problems``)."""
    problems: list[Problem] = field(default_factory=list)
    skipped: str | None = None
    """Why a readable post is not to be indexed, e.g. ``published: false``."""
    recovered: bool = False
    """True when its front matter was not valid YAML and was recovered line by line."""


def iter_post_files(posts_dir: Path | str) -> list[Path]:
    """Return the post files (``*.md``, ``*.markdown``, ``*.html``) under ``posts_dir``, sorted
    by file name (so by date, whatever subfolder they are in).

    Like Jekyll, names starting with ``.``, ``_`` or ``#`` or ending with ``~`` are ignored,
    files and folders alike (so ``_drafts`` and editor backups are never read).
    """
    root = Path(posts_dir)
    found: list[tuple[str, str]] = []  # (name, path): os.scandir, not pathlib, is what keeps
    folders = [str(root)]              # a "nothing changed" run on 6,000 posts well under a second
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if _ignored(entry.name):
                continue
            if entry.is_dir():
                folders.append(entry.path)
            elif entry.name.lower().endswith(POST_EXTENSIONS) and entry.is_file():
                found.append((entry.name, entry.path))
    return [Path(path) for _name, path in sorted(found)]


def read_post(path: Path, site: Site) -> ReadResult:
    """Read the post file ``path`` of ``site``; never raises.

    The id is the file stem; the date comes from ``date:`` or else the file name; the URL from
    the site's permalink pattern (or the post's own ``permalink:``). Problems that still leave a
    post are warnings; a file that gives no post carries an error.
    """
    where = str(path)
    try:
        return _read(Path(path), site, where)
    except Exception as error:  # noqa: BLE001 - one odd file must not stop an indexing run
        message = f"cannot read the post: {type(error).__name__}: {error}"
        return ReadResult(None, [Problem(where, None, message, "error")])


def _read(path: Path, site: Site, where: str) -> ReadResult:
    name = _POST_NAME.fullmatch(path.name)
    if name is None:
        message = "file name is not a post name: YYYY-MM-DD-slug.md (or .markdown, .html)"
        return ReadResult(None, [Problem(where, None, message, "error")])
    year, month, day, slug = name.groups()
    try:
        file_day = dt.date(int(year), int(month), int(day))
    except ValueError as error:
        message = f"file name has no real date ({error})"
        return ReadResult(None, [Problem(where, None, message, "error")])
    try:
        raw = path.read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        return ReadResult(None, [Problem(where, None, message, "error")])

    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        line = raw[: error.start].count(b"\n") + 1
        message = "not valid UTF-8: undecodable bytes replaced by U+FFFD"
        problems.append(Problem(where, line, message))

    front = read_front_matter(text, where)
    problems.extend(front.problems)
    data = front.data
    if _is_false(data.get("published")):
        return ReadResult(None, problems, skipped="published: false", recovered=front.recovered)

    moment: dt.date = file_day
    date_text = file_day.isoformat()
    if _text(data.get("date")):
        parsed = _parse_date(data["date"], site.tzinfo)
        if parsed is None:
            message = f"date {_text(data['date'])!r} is not a date; the file name's date is used"
            problems.append(Problem(where, front.key_lines.get("date", front.start_line), message))
        else:
            moment, date_text = parsed

    title = _text(data.get("title"))
    if not title:
        title = slug
        message = "no title; the file name's slug is used"
        problems.append(Problem(where, front.key_lines.get("title", front.start_line), message))
    categories = _names(data.get("categories"), data.get("category"))
    body = body_to_text(front.body)
    if data.get(TITLE_EXTRA):
        body = f"{data[TITLE_EXTRA]}\n{body}".strip()

    post = Post(
        id=path.stem,
        title=title,
        date=date_text,
        day=moment.date() if isinstance(moment, dt.datetime) else moment,
        categories=categories,
        tags=_names(data.get("tags"), data.get("tag")),
        excerpt=plain_text(_text(data.get("excerpt"), keep_lines=True)),
        feature_text=plain_text(_text(data.get("feature_text"), keep_lines=True)),
        body=body,
        url=site.url_for(
            slug,
            categories,
            moment,
            _text(data.get("slug")) or None,
            permalink=_text(data.get("permalink")) or None,
        ),
        image=_text(data.get("image")) or _text(data.get("feature_image")),
        path=where,
    )
    return ReadResult(post, problems, recovered=front.recovered)


def _ignored(name: str) -> bool:
    return name.startswith((".", "_", "#")) or name.endswith("~")


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in _FALSE)


def _text(value: Any, *, keep_lines: bool = False) -> str:
    """Return a front-matter value as text: None is "", lists (and mappings' values) are
    joined with ", ".

    Whitespace is collapsed to single spaces unless ``keep_lines`` (for values that are
    Markdown, where line starts matter).
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        text = ", ".join(filter(None, (_text(item) for item in value)))
    else:
        text = str(value)
    return text.strip() if keep_lines else " ".join(text.split())


def _names(*values: Any) -> tuple[str, ...]:
    """Return category or tag names from lists or strings, in order, without duplicates.

    Strings are split on whitespace as Jekyll does, and on commas as people also write them.
    """
    names: list[str] = []
    for value in values:
        if isinstance(value, str):
            names.extend(re.split(r"[\s,]+", value))
        elif isinstance(value, (list, tuple)):
            names.extend(_text(item) for item in value)
        elif value is not None:
            names.append(_text(value))
    return tuple(dict.fromkeys(name for name in names if name))


def _parse_date(value: Any, zone: dt.tzinfo | None) -> tuple[dt.date, str] | None:
    """Return the moment a ``date:`` value gives and its ISO 8601 form, or None.

    A time written without an offset is taken in the site's zone when it has one.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return value, value.isoformat()
    else:
        match = _DATE.fullmatch(str(value).strip())
        if match is None:
            return None
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        try:
            if hour is None:
                only_day = dt.date(int(year), int(month), int(day))
                return only_day, only_day.isoformat()
            moment = dt.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                int((fraction or "0").ljust(6, "0")), _offset(offset),
            )
        except ValueError:
            return None
    if moment.tzinfo is None and zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment, moment.isoformat()


def _offset(text: str | None) -> dt.tzinfo | None:
    """Return the zone of ``Z``, ``+0900``, ``+09:00`` or ``+9``; None when there is none."""
    if text is None:
        return None
    if text == "Z":
        return dt.timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
    return dt.timezone(-delta if text[0] == "-" else delta)
