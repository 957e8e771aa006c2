"""Baseline: SQLite FTS5 with the trigram tokenizer (SQLite ≥ 3.34), as a site owner would set it up.

One row per post (title, summary, body; whitespace collapsed so a phrase matches across line
breaks). Each query word or quoted phrase becomes an FTS5 string, ANDed, ranked by
``bm25()`` with column weights title 4, summary 1.5, body 1. A trigram index cannot match
strings shorter than 3 characters, so such words are ANDed as ``LIKE '%word%'`` on the three
columns instead; a query of only such words is ordered by how many of them the title has,
then newest first.
"""

from __future__ import annotations

import sqlite3
import time

from corpus import Corpus, summary
from engine import MAX_RANK, Answer, Unavailable, terms

_RANK = "bm25(posts, 0.0, 4.0, 1.5, 1.0)"
"""Column weights in column order: id (not indexed), title, summary, body."""
_LIKE = "LIKE ? ESCAPE '\\'"


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def to_sql(text: str) -> tuple[str, list[str]] | None:
    """The SELECT (and its parameters) for a query; None when the query has no term."""
    matches: list[str] = []
    shorts: list[str] = []
    for value, _phrase in terms(text):
        (matches if len(value) >= 3 else shorts).append(value)
    if not matches and not shorts:
        return None
    conditions = ["posts MATCH ?"] if matches else []
    params = [" AND ".join(map(_fts_string, matches))] if matches else []
    for value in shorts:
        conditions.append(f"({' OR '.join(f'{c} {_LIKE}' for c in ('title', 'summary', 'body'))})")
        params.extend([_like(value)] * 3)
    if matches:
        order = _RANK
    else:  # nothing for bm25(): posts with the words in the title first, then the newest
        order = " + ".join(f"(title {_LIKE})" for _ in shorts) + " DESC, rowid DESC"
        params.extend(_like(value) for value in shorts)
    return f"SELECT id FROM posts WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT {MAX_RANK}", params


class Fts5Engine:
    name = "fts5"

    def __init__(self) -> None:
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: Corpus) -> None:
        if sqlite3.sqlite_version_info < (3, 34, 0):
            raise Unavailable(f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer (3.34+ has)")
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE posts USING fts5(id UNINDEXED, title, summary, body, tokenize='trigram')")
        self.db.executemany(
            "INSERT INTO posts (id, title, summary, body) VALUES (?, ?, ?, ?)",
            ((p.id, p.title, " ".join(summary(p).split()), " ".join(p.body.split())) for p in corpus.posts),
        )
        self.db.commit()

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        assert self.db is not None
        sql = to_sql(text)
        started = time.perf_counter()
        rows = self.db.execute(*sql).fetchall() if sql else []
        return Answer([row[0] for row in rows], (time.perf_counter() - started) * 1000)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
