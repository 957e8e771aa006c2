"""Read Jekyll post files into :class:`~sokbo.search.document.Post` objects.

Reading never raises for a bad post: everything wrong with a file becomes a
:class:`~sokbo.indexer.problems.Problem` naming the file and line, and the post is still read
whenever something usable is there (recovered front matter, the file name's date, the slug as
title). Which files are posts at all is decided in :mod:`~sokbo.indexer.posts`; how much of a
file is read, in :mod:`~sokbo.indexer.limits`.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sokbo.indexer.frontmatter import TITLE_EXTRA, read_front_matter
from sokbo.indexer.limits import (
    MAX_EXCERPT_CHARS,
    MAX_IMAGE_CHARS,
    MAX_NAME_CHARS,
    MAX_NAMES,
    MAX_POST_BYTES,
    MAX_TITLE_CHARS,
)
from sokbo.indexer.posts import NO_FRONT_MATTER, POST_EXTENSIONS, content_refusal, list_posts, post_id, post_name
from sokbo.indexer.problems import Problem
from sokbo.indexer.site import Site
from sokbo.indexer.text import body_to_text, plain_text
from sokbo.search.document import Post

__all__ = ["POST_EXTENSIONS", "ReadResult", "iter_post_files", "read_post"]

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
    """Return the post files under ``posts_dir``, sorted by file name (so by date, whatever
    subfolder they are in): :func:`~sokbo.indexer.posts.list_posts` without its report.

    Like Jekyll, names starting with ``.``, ``_`` or ``#`` or ending with ``~`` are ignored,
    files and folders alike (so ``_drafts`` and editor backups are never read); links out of
    the folder are never followed.
    """
    return list_posts(posts_dir).files


def read_post(path: str | Path, site: Site) -> ReadResult:
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
    name = post_name(path.name)
    if isinstance(name, str):
        return ReadResult(None, [Problem(where, None, name, "error")])
    year, month, day, slug = name
    try:
        file_day = dt.date(int(year), int(month), int(day))
    except ValueError as error:
        message = f"file name has no real date ({error})"
        return ReadResult(None, [Problem(where, None, message, "error")])
    try:
        raw, size = _read_head(path)
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        return ReadResult(None, [Problem(where, None, message, "error")])
    refusal = content_refusal(raw)
    if refusal is not None:
        return ReadResult(None, skipped=refusal)

    problems: list[Problem] = []
    if len(raw) > MAX_POST_BYTES:
        raw = _cut(raw)
        size = max(size, MAX_POST_BYTES + 1)
        message = f"the file is {size / 2**20:.1f} MB: only its first {MAX_POST_BYTES / 2**20:g} MB are indexed"
        problems.append(Problem(where, None, message))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        line = raw[: error.start].count(b"\n") + 1
        message = "not valid UTF-8: undecodable bytes replaced by U+FFFD"
        problems.append(Problem(where, line, message))

    front = read_front_matter(text, where)
    if front.missing:
        return ReadResult(None, skipped=NO_FRONT_MATTER)
    problems.extend(front.problems)
    if any(problem.severity == "error" for problem in problems):
        return ReadResult(None, problems)
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

    capped = _Capped(where, front.key_lines, front.start_line, problems)
    title = capped.text("title", _text(data.get("title")), MAX_TITLE_CHARS)
    if not title:
        title = slug
        message = "no title; the file name's slug is used"
        problems.append(Problem(where, front.key_lines.get("title", front.start_line), message))
    categories = capped.names("categories", _names(data.get("categories"), data.get("category")))
    body = body_to_text(front.body)
    if data.get(TITLE_EXTRA):
        body = f"{data[TITLE_EXTRA]}\n{body}".strip()
    excerpt = capped.text("excerpt", _text(data.get("excerpt"), keep_lines=True), MAX_EXCERPT_CHARS)
    feature_text = capped.text("feature_text", _text(data.get("feature_text"), keep_lines=True), MAX_EXCERPT_CHARS)

    post = Post(
        id=post_id(path),
        title=title,
        date=date_text,
        day=moment.date() if isinstance(moment, dt.datetime) else moment,
        categories=categories,
        tags=capped.names("tags", _names(data.get("tags"), data.get("tag"))),
        excerpt=plain_text(excerpt),
        feature_text=plain_text(feature_text),
        body=body,
        url=site.url_for(
            slug,
            categories,
            moment,
            _text(data.get("slug")) or None,
            permalink=_text(data.get("permalink")) or None,
        ),
        image=capped.url("image", _text(data.get("image")) or _text(data.get("feature_image"))),
        path=where,
    )
    return ReadResult(post, problems, recovered=front.recovered)


def _read_head(path: Path) -> tuple[bytes, int]:
    """Return the first :data:`MAX_POST_BYTES` (and one more) of a regular file, and its size.

    A FIFO or device is refused without blocking on it (the folder listing leaves them out;
    this guards a file swapped for one since).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read(MAX_POST_BYTES + 1), status.st_size


def _cut(raw: bytes) -> bytes:
    """Return the first :data:`MAX_POST_BYTES` of ``raw`` or fewer, ending at a paragraph end,
    else a line end (in the last 64 KB), else between two UTF-8 characters."""
    head = raw[:MAX_POST_BYTES]
    floor = MAX_POST_BYTES - 64 * 1024
    for end in (b"\n\n", b"\n"):
        at = head.rfind(end, floor)
        if at > 0:
            return head[:at]
    cut = MAX_POST_BYTES
    while cut > floor and raw[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
        cut -= 1
    return raw[:cut]


@dataclass
class _Capped:
    """Cuts front-matter values to their limits, with a warning on the value's line for each."""

    where: str
    key_lines: dict[str, int]
    start_line: int
    problems: list[Problem]

    def warn(self, key: str, message: str) -> None:
        line = self.key_lines.get(key, self.start_line)
        self.problems.append(Problem(self.where, line, f"{key}: {message}"))

    def text(self, key: str, value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        self.warn(key, f"{len(value):,} characters, cut to the first {limit:,}")
        return value[:limit].rstrip()

    def names(self, key: str, names: tuple[str, ...]) -> tuple[str, ...]:
        if len(names) > MAX_NAMES:
            self.warn(key, f"{len(names):,} given, only the first {MAX_NAMES} are kept")
            names = names[:MAX_NAMES]
        if any(len(name) > MAX_NAME_CHARS for name in names):
            self.warn(key, f"names longer than {MAX_NAME_CHARS} characters are cut to {MAX_NAME_CHARS}")
            names = tuple(dict.fromkeys(name[:MAX_NAME_CHARS].rstrip() for name in names))
        return names

    def url(self, key: str, value: str) -> str:
        if len(value) <= MAX_IMAGE_CHARS:
            return value
        self.warn(key, f"a URL of {len(value):,} characters (over {MAX_IMAGE_CHARS:,}) is left out")
        return ""


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
