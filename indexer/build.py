"""Build a sokbo index from a Jekyll ``_posts`` folder: read every post, report every problem.

The flow of one post: :func:`~sokbo.indexer.reader.read_post` (front matter, date, categories,
URL, stripped body) → :class:`~sokbo.search.Post` → :meth:`SearchService.rebuild`, which
analyses it and writes it to a new index generation that goes live atomically at the end.
A broken post is reported by file and line and the rest are indexed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sokbo.search import Post, SearchService

from .problems import Problem
from .reader import iter_post_files, read_post
from .site import Site

PARALLEL_FROM = 200
"""Below this many posts, worker processes cost more (Kiwi loads once per process) than they save."""


@dataclass
class IndexSummary:
    """What one ``sokbo index`` run did."""

    posts: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    recovered: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every post was indexed (some possibly recovered): the CLI's exit code 0."""
        return self.failed == 0

    def line(self) -> str:
        """The one-line summary printed after a run."""
        return (
            f"{self.posts} posts indexed: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.recovered} recovered, {self.skipped} skipped, {self.failed} failed in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "recovered": self.recovered,
            "skipped": self.skipped,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
            "problems": [
                {"path": p.path, "line": p.line, "severity": p.severity, "message": p.message} for p in self.problems
            ],
        }


def read_posts(
    files: list[Path], site: Site, summary: IndexSummary, on_file: Callable[[Path], None] | None = None
) -> Iterator[Post]:
    """Read each file into a Post, recording problems, skips and failures in ``summary``."""
    for path in files:
        result = read_post(path, site)
        summary.problems.extend(result.problems)
        if result.post is not None:
            summary.recovered += result.recovered
            yield result.post
        elif result.skipped:
            summary.skipped += 1
            summary.problems.append(Problem(str(path), None, f"not indexed: {result.skipped}", "warning"))
        else:
            summary.failed += 1
        if on_file is not None:
            on_file(path)


def default_procs(n_posts: int) -> int:
    """Worker processes for a build of ``n_posts``: both cores for a real site, none for a few posts."""
    return min(2, os.cpu_count() or 1) if n_posts >= PARALLEL_FROM else 1


def build_index(
    posts_dir: str | Path,
    index_dir: str | Path,
    *,
    site: Site | None = None,
    procs: int | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> IndexSummary:
    """Index every post of ``posts_dir`` into ``index_dir`` and publish it atomically.

    Example:
        >>> build_index("samples/_posts", "sokbo-index").line()          # doctest: +SKIP
        '47 posts indexed: 47 added, 0 updated, 0 removed, 4 recovered, 1 skipped, 0 failed in 9.8 s'
    """
    started = time.perf_counter()
    posts_dir = Path(posts_dir)
    if not posts_dir.is_dir():
        raise NotADirectoryError(f"{posts_dir} is not a folder of posts")
    site = site or Site.from_posts_dir(posts_dir)
    service = SearchService(index_dir)
    before = service.indexed_ids() if service.available() else set()
    files = iter_post_files(posts_dir)
    summary = IndexSummary()
    ids: list[str] = []

    def posts() -> Iterator[Post]:
        for post in read_posts(files, site, summary, on_file):
            ids.append(post.id)
            yield post

    n = service.rebuild(
        posts(),
        procs=procs or default_procs(len(files)),
        meta={"posts_dir": str(posts_dir.resolve()), "base_url": site.base_url, "permalink": site.permalink},
    )
    now = set(ids)
    summary.posts = n
    summary.added = len(now - before)
    summary.updated = len(now & before)
    summary.removed = len(before - now)
    summary.seconds = time.perf_counter() - started
    return summary
