"""Check a Jekyll ``_posts`` folder without indexing it: ``sokbo check POSTS_DIR``.

Reads every post exactly as :mod:`.build` does, so it reports the same problems, but never
analyses the Korean: the model (2-3.5 s and about 600 MB) is not loaded, which makes the check
cheap enough for a pre-commit or ``post-receive`` hook. Nothing here imports the analyzer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import Problem, Tally
from .posts import list_posts, post_id
from .reader import read_post
from .site import Site

__all__ = ["CheckReport", "check_posts", "duplicate_ids", "format_problem"]


@dataclass
class CheckReport(Tally):
    """What ``sokbo check`` found: counts like :class:`~sokbo.indexer.build.IndexSummary`'s."""

    files: int = 0
    """Post files read."""
    posts: int = 0
    """Posts that ``sokbo index`` would index (some possibly recovered)."""

    def line(self) -> str:
        """The one-line summary printed after a check."""
        return (
            f"{self.files} files checked: {self.posts} posts can be indexed, "
            f"{self.recovered} recovered, {self.skipped} skipped, {self.failed} failed"
        )

    def as_dict(self) -> dict[str, Any]:
        """The report for ``--json``: the counts, ``ok`` and every problem."""
        counts = self.counts()
        problems = counts.pop("problems")
        return {"files": self.files, "posts": self.posts, **counts, "ok": self.ok, "problems": problems}


def format_problem(problem: Problem) -> str:
    """Return ``file:line: severity: message`` (compiler style, so editors can jump to it).

    Control characters in the file name or message are escaped: one problem, one line.
    """
    return f"{problem.where()}: {problem.severity}: {problem.shown_message}"


def duplicate_ids(files: Sequence[str | Path]) -> list[Problem]:
    """Return an error for every file whose post id (its stem) an earlier file already gives.

    The id is the index's key, so of two such files only one can be indexed; each error names
    both files. ``files`` is taken in order (:func:`~sokbo.indexer.posts.list_posts` sorts
    them by name).
    """
    first: dict[str, str | Path] = {}
    problems: list[Problem] = []
    for path in files:
        stem = post_id(path)
        earlier = first.setdefault(stem, path)
        if earlier is not path:
            message = f"same post id {stem!r} as {earlier}: only one of them can be indexed"
            problems.append(Problem(str(path), None, message, "error"))
    return problems


def check_posts(posts_dir: Path | str, site: Site | None = None) -> CheckReport:
    """Read every post of ``posts_dir`` as ``sokbo index`` would, without indexing anything.

    A post with a duplicate id counts as failed (it cannot be indexed beside the other one).

    Example:
        >>> check_posts("samples/_posts").line()                       # doctest: +SKIP
        '55 files checked: 54 posts can be indexed, 4 recovered, 1 skipped, 0 failed'
    """
    posts_dir = Path(posts_dir)
    if not posts_dir.is_dir():
        raise NotADirectoryError(f"{posts_dir} is not a folder of posts")
    site = site or Site.from_posts_dir(posts_dir)
    listing = list_posts(posts_dir)
    files = listing.files
    report = CheckReport(files=len(files))
    report.record_listing(listing.problems, listing.failed, listing.skipped)
    readable: set[str] = set()
    for path in files:
        result = read_post(path, site)
        report.record(path, result.problems, result.post is not None, result.recovered, result.skipped)
        if result.post is not None:
            report.posts += 1
            readable.add(str(path))
    for problem in duplicate_ids(files):
        report.problems.append(problem)
        if problem.path in readable:
            report.posts -= 1
            report.failed += 1
    return report
