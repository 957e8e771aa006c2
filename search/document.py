"""The unit of indexing: one post, already read and stripped to plain text.

The indexer produces :class:`Post` objects from files; :class:`~sokbo.search.service.SearchService`
writes them to the index. Nothing here knows about files, YAML or HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Post:
    """A post ready to index.

    Example:
        >>> Post(id="2024-07-03-alliance", title="한미 동맹", date="2024-07-03",
        ...      day=dt.date(2024, 7, 3), categories=("정치",), body="동맹을 강화한다")
        ... # doctest: +ELLIPSIS
        Post(id='2024-07-03-alliance', ...)
    """

    id: str
    """The file stem, e.g. ``2024-06-12-10``: unique and stable."""
    title: str
    date: str
    """ISO 8601 as the post gives it: ``2024-06-12`` or ``2024-08-14T09:30:00+09:00``."""
    day: dt.date
    """The publication day as written (no time-zone conversion): used by date filters and facets."""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    excerpt: str = ""
    feature_text: str = ""
    body: str = ""
    """Plain text: HTML and Markdown already stripped."""
    url: str = ""
    image: str = ""
    path: str = ""
    """Where the post was read from (for reports); not searched."""

    @property
    def timestamp(self) -> float:
        """Seconds since the epoch of ``date`` (midnight UTC for a date-only post): the sort key."""
        moment = dt.datetime.fromisoformat(self.date) if "T" in self.date else None
        if moment is None:
            moment = dt.datetime.combine(self.day, dt.time())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return moment.timestamp()


def order_key(when: str | int, post_id: str) -> str:
    """A string that sorts posts by ``when`` (a day ``YYYY-MM-DD``, or a timestamp in whole
    seconds), then by id with numbers in numeric order (post-9 before post-10): one short
    string a post, where a tuple of the id's parts took ~780 bytes (80 MB at 100,000 posts).

    Example:
        >>> ids = ["2024-01-02-post-10", "2024-01-02-a", "2024-01-02-post-9", "2024-01-02-post"]
        >>> sorted(ids, key=lambda i: order_key("2024-01-02", i))
        ['2024-01-02-a', '2024-01-02-post', '2024-01-02-post-9', '2024-01-02-post-10']
        >>> order_key(-1, "z") < order_key(0, "a") < order_key(86_400, "a")
        True
    """
    # a timestamp in fixed width, so that text order is number order; a day without its time
    moment = f"{when + _EPOCH_SHIFT:013x}" if isinstance(when, int) else when[:10]
    return moment + "\x00" + _DIGITS.sub(_number, post_id)


_EPOCH_SHIFT = 1 << 48
"""Added to a timestamp before it is written in hex: any second of ±8.9 million years is then
a positive number of 13 hex digits."""
_DIGITS = re.compile(r"\d+")


def _number(digits: re.Match[str]) -> str:
    """A run of digits as a string that sorts by its value and before any text: a mark below
    every printable character, then the number of digits, then the digits."""
    value = digits[0].lstrip("0") or "0"
    return "\x01" + chr(0x30 + len(value)) + value
