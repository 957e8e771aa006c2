"""Which files of a Jekyll ``_posts`` folder are posts: every rule in one place, each refusal
reported with its file.

The rules, Jekyll's (4.4, its defaults) where it has one, and sokbo's where it is stricter:

* **Names.** Files and folders whose names start with ``.``, ``_`` or ``#`` or end with ``~``
  are ignored, like Jekyll does (``_drafts``, editor backups). A post is named
  ``YYYY-MM-DD-slug.EXT`` with a real date.
* **Extensions.** Jekyll's Markdown extensions (its default ``markdown_ext``: ``.markdown``,
  ``.mkdown``, ``.mkdn``, ``.mkd``, ``.md``) and ``.html``. Jekyll publishes a dated file of any
  extension; sokbo reports one with another extension (``2024-06-12-x.txt``) as not indexed, and
  leaves other files (images, notes) alone.
* **Content.** A post starts with a front-matter block (``---`` lines); a file without one is
  not indexed (sokbo's rule, see :data:`NO_FRONT_MATTER`). Empty files, binary files (NUL bytes)
  and UTF-16 or UTF-32 files (Jekyll reads posts as UTF-8 and skips those that are not) are not
  posts either. See :func:`content_refusal`.
* **Links stay inside.** A symbolic link is followed only to a regular file inside the posts
  folder; a link out of it, to a folder, dangling or in a loop is reported and not read, so a
  push cannot publish ``/etc/passwd``. A file reached through a link and under its own name is
  read once, under its own name. Folders are never entered through links, so no loop can recur.
* **Special files** (FIFOs, devices, sockets) are never opened: reading a FIFO would block.
* **Unreadable folders** are errors listed in :attr:`Listing.unreadable`, so that the index keeps
  the posts it holds from them (they were not deleted, only not seen).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

__all__ = [
    "MARKDOWN_EXTENSIONS",
    "NO_FRONT_MATTER",
    "POST_EXTENSIONS",
    "Listing",
    "content_refusal",
    "has_post_extension",
    "is_ignored",
    "list_posts",
    "post_id",
    "post_name",
]

MARKDOWN_EXTENSIONS = (".markdown", ".mkdown", ".mkdn", ".mkd", ".md")
"""Jekyll's default ``markdown_ext`` (``markdown,mkdown,mkdn,mkd,md``), matched in any case."""

POST_EXTENSIONS = (*MARKDOWN_EXTENSIONS, ".html")
"""Extensions of the files sokbo indexes as posts."""

_POST_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)\.[^.]+")
_DATED = re.compile(r"\d{4}-\d{1,2}-\d{1,2}-.+\.[^.]+")
"""A name Jekyll would take for a post whatever its extension (its ``DATE_FILENAME_MATCHER``)."""

NO_FRONT_MATTER = "no front matter: sokbo indexes files that start with a '---' line"
"""Why a file without a front-matter block is not indexed. Jekyll 4 would still publish it
(with no title, no categories); sokbo asks for the block so that a stray note or export in
``_posts`` is not indexed as a post, and says so."""

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
"""Byte-order marks of encodings Jekyll does not read posts in (UTF-32 first: its little-endian
mark starts with UTF-16's)."""


def is_ignored(name: str) -> bool:
    """Tell whether Jekyll ignores a file or folder of this name (hidden, ``_drafts``, backups)."""
    return name.startswith((".", "_", "#")) or name.endswith("~")


def has_post_extension(name: str) -> bool:
    """Tell whether a file name has one of :data:`POST_EXTENSIONS` (in any case)."""
    return name.lower().endswith(POST_EXTENSIONS)


def post_id(path: str | os.PathLike[str]) -> str:
    """The id of the post in the file ``path``: its name without the extension (the index's key).

    Example:
        >>> post_id("_posts/2024/2024-06-12-budget.md")
        '2024-06-12-budget'

    The same as ``os.path.splitext(os.path.basename(path))[0]``, in a third of its time: a
    publish takes the id of every file of the site (100,000 of them) to find duplicates.
    """
    path = os.fspath(path)
    name = path[path.rfind(os.sep) + 1 :]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 and name[:dot].lstrip(".") else name


def post_name(name: str) -> tuple[str, str, str, str] | str:
    """Return a post file name's year, month, day and slug, or why it is not a post's name.

    The date is only split off here; whether it is a real date the reader checks.
    """
    if not has_post_extension(name):
        return f"not a post's extension ({', '.join(POST_EXTENSIONS)})"
    if _has_undecodable(name):
        return "file name is not valid UTF-8: not indexed"
    if any(unicodedata.category(char) == "Cc" for char in name):
        return "file name holds a control character (a line break, a tab …): not indexed"
    match = _POST_NAME.fullmatch(name)
    if match is None:
        return "file name is not a post name: YYYY-MM-DD-slug.md (or .markdown, .mkd, .html …)"
    year, month, day, slug = match.groups()
    return year, month, day, slug


def content_refusal(raw: bytes) -> str | None:
    """Return why a file holding ``raw`` is not a post (empty, UTF-16/32, binary), or None.

    UTF-16 is refused rather than decoded: Jekyll reads posts as UTF-8 and skips one that is
    not, so the site does not publish it and the search must not find it.
    """
    if not raw.strip():
        return "empty file"
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            return f"{encoding} text: Jekyll reads posts as UTF-8 (save it as UTF-8)"
    if b"\x00" in raw:
        return "binary file (it holds NUL bytes; or UTF-16 text without a byte-order mark)"
    return None


def _has_undecodable(name: str) -> bool:
    """Tell whether a file name holds bytes that are not UTF-8 (decoded as lone surrogates)."""
    return not name.isascii() and any("\udc80" <= char <= "\udcff" for char in name)


@dataclass
class Listing:
    """The post files of a folder, and every entry left out with why."""

    paths: list[str] = field(default_factory=list)
    """Files to read as posts, sorted by name (so by date, whatever subfolder they are in).
    Strings: a run at 100,000 posts looks at each only to compare it with the index, and
    making a ``Path`` of each cost more than listing the folder."""
    problems: list[Problem] = field(default_factory=list)
    """What was left out: errors for posts that cannot be read, warnings for the rest."""
    failed: int = 0
    """Entries left out that were meant as posts (a link out, a dangling link, a folder that
    cannot be listed)."""
    skipped: int = 0
    """Dated files that are not posts (another extension)."""
    unreadable: list[str] = field(default_factory=list)
    """Folders that could not be listed, relative to the posts folder, ``/``-separated ("" for
    the folder itself): the index keeps what it holds from them."""

    @property
    def files(self) -> list[Path]:
        """:attr:`paths` as ``Path`` objects."""
        return [Path(path) for path in self.paths]

    def refuse(self, path: str, message: str, *, error: bool, counted: bool = True) -> None:
        """Report one entry left out; ``counted`` entries count as failed (errors) or skipped."""
        self.problems.append(Problem(path, None, message, "error" if error else "warning"))
        if counted and error:
            self.failed += 1
        elif counted:
            self.skipped += 1


def list_posts(posts_dir: Path | str) -> Listing:
    """Return the post files under ``posts_dir`` and every entry left out (see the rules above).

    Never raises for what it finds: a folder that cannot be listed, a link out or in a loop is
    a problem in the listing. A missing ``posts_dir`` gives an empty listing.
    """
    root = os.fspath(posts_dir)
    prefix = len(root.rstrip(os.sep)) + 1
    listing = Listing()
    if not os.path.isdir(root):
        return listing
    real_root = os.path.realpath(root)
    found: list[tuple[str, str]] = []  # (name, path): os.scandir, not pathlib, is what keeps
    links: list[str] = []              # a "nothing changed" run on 6,000 posts well under a second
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as error:
            _unreadable(listing, folder, folder[prefix:] if folder != root else "", error)
            continue
        for entry in entries:
            if is_ignored(entry.name):
                continue
            try:
                kind = _kind(entry)
            except OSError as error:
                kind = None
                if has_post_extension(entry.name):
                    listing.refuse(entry.path, f"cannot read the file: {_reason(error)}", error=True)
            if kind == "link":
                links.append(entry.path)
            elif kind == "folder":
                folders.append(entry.path)
            elif kind == "file" and has_post_extension(entry.name):
                found.append((entry.name, entry.path))
            elif kind is not None and _DATED.fullmatch(entry.name):
                _not_a_post(listing, entry.path, entry.name, kind)
    # Folders are never entered through links, so a file found by walking is where it seems.
    seen = {os.path.join(real_root, path[prefix:]) for _name, path in found} if links else set()
    for path in sorted(links):
        target = _follow(listing, path, real_root)
        if target is None:
            continue
        if target in seen:
            message = "symlink to a file read as a post already: read once, not indexed again"
            listing.refuse(path, message, error=False, counted=False)
        else:
            seen.add(target)
            found.append((os.path.basename(path), path))
    listing.paths = [path for _name, path in sorted(found)]
    listing.problems.sort(key=lambda problem: problem.path)
    return listing


def _kind(entry: os.DirEntry[str]) -> str | None:
    """Return what a folder entry is, without following links: link, folder, file or special."""
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    if entry.is_file(follow_symlinks=False):
        return "file"
    return "special"


def _follow(listing: Listing, path: str, real_root: str) -> str | None:
    """Return the real path of the file a link leads to, when it may be read as a post.

    Links to folders are never followed; links out of the posts folder, dangling or in a loop
    are reported (as errors when their name is a post's: a post the site meant is missing).
    """
    name = os.path.basename(path)
    as_post = has_post_extension(name)
    try:
        target = os.path.realpath(path, strict=True)
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        listing.refuse(path, "dangling symlink (its target does not exist): not indexed", error=as_post, counted=as_post)
        return None
    except OSError as error:
        listing.refuse(path, f"symlink that cannot be followed ({_reason(error)}): not indexed", error=as_post, counted=as_post)
        return None
    inside = os.path.commonpath([real_root, target]) == real_root
    if stat.S_ISDIR(mode):
        if inside:
            message = "symlink to a folder inside the posts folder: not followed (each post is read once, where it is)"
            listing.refuse(path, message, error=False, counted=False)
        else:
            listing.refuse(path, "symlink to a folder outside the posts folder: not read", error=True)
        return None
    if not as_post:
        return None
    if not inside:
        listing.refuse(path, "symlink to outside the posts folder, not indexed", error=True)
        return None
    if not stat.S_ISREG(mode):
        listing.refuse(path, "symlink to a special file (not a regular file): not indexed", error=True)
        return None
    return target


def _not_a_post(listing: Listing, path: str, name: str, kind: str) -> None:
    """Report a dated file that is not indexed: another extension, or not a regular file."""
    if kind == "special":
        if has_post_extension(name):
            listing.refuse(path, "not a regular file (a FIFO, socket or device): not indexed", error=True)
        return
    if kind == "file":
        extension = os.path.splitext(name)[1]
        message = f"not indexed: {extension} is not a post's extension ({', '.join(POST_EXTENSIONS)})"
        listing.refuse(path, message, error=False)


def _unreadable(listing: Listing, folder: str, rel: str, error: OSError) -> None:
    """Report a folder that cannot be listed, and remember it so its posts stay indexed."""
    listing.unreadable.append(rel.replace(os.sep, "/"))
    message = f"cannot list the folder: {_reason(error)}; the posts indexed from it are kept"
    listing.refuse(folder, message, error=True)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
