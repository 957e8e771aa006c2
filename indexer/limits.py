"""How much one post file may make sokbo read, parse and store: every limit in one place.

A site's ``_posts`` folder is written by whoever can push to it, so a file may be huge, hostile
(a YAML alias bomb) or just broken. Past a limit the post is cut or refused, with a warning or
an error naming the file, and the other posts are indexed as usual. Each limit is far above
anything in the 5,996 real posts sokbo is measured on (their largest: an 18.9 KB file, a
211-character title, a 561-character excerpt, one category).
"""

from __future__ import annotations

MAX_POST_BYTES = 2 * 1024 * 1024
"""A larger post file is indexed up to here (cut at a paragraph or line end), with a warning:
stripping and analysing the whole of a 5 MB post held the writer lock for minutes."""

MAX_FRONT_MATTER_BYTES = 64 * 1024
"""A larger front matter refuses the post: real ones are well under a kilobyte."""

MAX_FRONT_MATTER_VALUES = 100_000
"""Values in the front matter once YAML aliases (``*name``) are expanded; more refuses the
post. Nine levels of nine aliases (503 bytes) expand to 387 million values; without aliases,
64 KB of front matter holds at most about 33,000 (``[a,a,a,…]``), so only aliases reach this."""

MAX_FRONT_MATTER_DEPTH = 32
"""Lists and mappings nested deeper than this refuse the post (reading them recurses)."""

MAX_NAMES = 50
"""Categories, and tags, kept per post (each list on its own); the rest are dropped with a
warning. 10,000 categories made every result page 3.4 MB and the post's URL 240,000 characters."""

MAX_NAME_CHARS = 100
"""A longer category or tag is cut to this many characters, with a warning."""

MAX_TITLE_CHARS = 500
"""A longer title is cut to this many characters, with a warning."""

MAX_EXCERPT_CHARS = 2_000
"""A longer ``excerpt`` or ``feature_text`` is cut to this many characters, with a warning."""

MAX_IMAGE_CHARS = 2_048
"""A longer ``image`` URL is dropped, with a warning (a cut URL would point nowhere)."""
