"""The unit of indexing: one post, already read and stripped to plain text.

The indexer produces :class:`Post` objects from files; :class:`~sokbo.search.service.SearchService`
writes them to the index. Nothing here knows about files, YAML or HTML.
"""

from __future__ import annotations

import datetime as dt
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
