"""Bring a sokbo index up to date with a Jekyll ``_posts`` folder, reporting every problem.

A run first compares the folder with the index's manifest (path → id, size, modification
time, content hash): files whose size and time are unchanged are not even read, and a touched
file whose content hash is unchanged is not re-analysed. Then either

* **incremental** (the default): the new and changed posts are read and written into the
  live generation, and posts whose files are gone are removed, in one commit;
* **full** (``full=True``, no usable index, or most posts changed): every post is read into a
  new generation that goes live atomically.

Both go through one writer (:meth:`SearchService.writer`), and both read and analyse their posts
in worker processes (:mod:`~sokbo.indexer.workers`) when there are enough of them to pay.

A live generation that is damaged (a segment truncated or missing, an unreadable table of
contents, ``CURRENT`` or ``sokbo.json`` corrupt: see :meth:`IndexStore.check`) is rebuilt in
full, and the run says so in one line; so is one that an incremental update finds damaged
(the update is abandoned, the generation marked, and the run starts again).

The flow of one post: :func:`~sokbo.indexer.reader.read_post` (front matter, date, categories,
URL, stripped body) → :class:`~sokbo.search.Post` → the index. A broken post is reported by
file and line and the rest are indexed. The whole run holds the index's writer lock, so two
runs never interleave.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sokbo.search import IndexDamaged, IndexWriter, Post, SearchService
from sokbo.search.analysis import UserWords, load_model, model_loaded
from sokbo.search.vocabulary import Vocabulary

from .check import duplicate_ids
from .problems import Problem, Tally
from .posts import list_posts, post_id
from .reader import read_post
from .site import Site
from .text import prepare as prepare_text
from .workers import CHUNK, Workers

PARALLEL_FROM = 200
"""Below this many posts, worker processes cost more (Kiwi loads once per process) than they save."""


@dataclass
class IndexSummary(Tally):
    """What one ``sokbo index`` run did."""

    posts: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    full: bool = False
    """Whether this run rebuilt the index from scratch (a new generation)."""
    seconds: float = 0.0
    repaired: str | None = None
    """Why the live generation was damaged, when this run rebuilt it for that."""

    def line(self) -> str:
        """The one-line summary printed after a run."""
        return (
            f"{self.posts} posts indexed: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.recovered} recovered, {self.skipped} skipped, {self.failed} failed in {self.seconds:.1f} s"
            + (" (full rebuild of a damaged index)" if self.repaired else " (full rebuild)" if self.full else "")
        )

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        problems = counts.pop("problems")
        return {
            "posts": self.posts,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            **counts,
            "unchanged": self.unchanged,
            "full": self.full,
            "repaired": self.repaired,
            "seconds": round(self.seconds, 3),
            "problems": problems,
        }


MANIFEST_VERSION = 1


def read_posts(
    files: list[Path], site: Site, summary: IndexSummary, on_file: Callable[[Path], None] | None = None
) -> Iterator[Post]:
    """Read each file into a Post, recording problems, skips and failures in ``summary``."""
    for path in files:
        result = read_post(path, site)
        summary.record(path, result.problems, result.post is not None, result.recovered, result.skipped)
        if result.post is not None:
            yield result.post
        if on_file is not None:
            on_file(path)


def default_procs(n_posts: int) -> int:
    """Worker processes for a build of ``n_posts``: both cores for a real site, none for a few posts."""
    return min(2, os.cpu_count() or 1) if n_posts >= PARALLEL_FROM else 1


class FileState(NamedTuple):
    """What the manifest remembers of one post file (saved as the JSON list of its fields).

    Named tuples, not dataclasses: a run makes one for every file of the folder, and at
    100,000 posts a frozen dataclass's ``__init__`` alone took 0.13 s of a publish."""

    id: str
    size: int
    mtime_ns: int
    sha1: str


class Pending(NamedTuple):
    """A post file to read and index in this run."""

    path: str
    rel: str
    state: FileState


@dataclass(frozen=True)
class FileRead:
    """What reading one pending file gave (sent back from a worker process)."""

    pending: Pending
    post_id: str | None
    problems: list[Problem]
    skipped: str | None
    recovered: bool


SavedState = Sequence[Any]
"""A file's state as the manifest saved it: the JSON list of a :class:`FileState`'s fields
(``[id, size, mtime_ns, sha1]``). Kept as read: at 100,000 posts, turning each into a
``FileState`` cost 0.1 s of every publish, and an unchanged file only needs comparing."""


@dataclass
class Plan:
    """What a run has to do to bring the index up to date with the folder."""

    pending: list[Pending]
    kept: dict[str, FileState | SavedState]
    """Files unchanged since the last run, by relative path (index 0 of a state is its id)."""
    gone: dict[str, FileState | SavedState]
    """Files in the manifest that are gone or changed: their old ids may have to go."""
    duplicates: list[Problem]
    held: dict[str, FileState | SavedState] = dataclasses.field(default_factory=dict)
    """Files in the manifest that could not be seen or read this time (their folder cannot be
    listed, or the file cannot be read): not deleted, so their posts stay as they are. Also in
    ``kept``."""
    problems: list[Problem] = dataclasses.field(default_factory=list)
    """Errors about files in ``held`` that were seen but could not be read."""
    readable: list[str] = dataclasses.field(default_factory=list)
    """The paths of every file that can be indexed (pending or kept), in order."""
    root: str = ""
    """The posts folder those paths are under (their relative paths key the manifest)."""

    def every(self) -> list[Pending]:
        """Every file that can be indexed (pending or kept), in order: what a full build reads.
        Made on demand: a publish of one post needs only :attr:`pending`."""
        pending = {item.path: item for item in self.pending}
        prefix = _prefix(self.root)
        every = []
        for path in self.readable:
            if path in pending:
                every.append(pending[path])
            else:
                rel = _relative(path, prefix)
                every.append(Pending(path, rel, FileState(*self.kept[rel])))
        return every

    def ids(self) -> set[str]:
        """The ids of the posts the index holds before this run (kept or gone)."""
        return {state[0] for states in (self.kept, self.gone) for state in states.values()}


def plan_run(
    files: Sequence[str], root: Path, manifest: dict[str, Any], site: Site, unreadable: Sequence[str] = ()
) -> Plan:
    """Compare the files with the manifest: unchanged ones are kept, the rest are pending.

    Size and modification time decide without reading; when they differ, the content hash
    does (a touched but unchanged file is not re-analysed). If the site's settings changed
    (URLs depend on them), every file is pending. A file of the manifest under one of the
    ``unreadable`` folders (relative, ``/``-separated; "" is ``root`` itself), or one that is
    there but cannot be read, is held: kept as it is, never removed.

    A publish runs this over every file of the site, so the loop makes no object for an
    unchanged file (at 100,000 posts each one made per file cost about 0.1 s).
    """
    same_site = manifest.get("version") == MANIFEST_VERSION and manifest.get("site") == _site_key(site)
    known: dict[str, SavedState] = dict(manifest.get("files", {}))
    plan = Plan([], {}, {}, duplicate_ids(files), root=str(root))
    duplicates = {problem.path for problem in plan.duplicates}
    kept, readable = plan.kept, plan.readable
    prefix = _prefix(root)
    for path in files:
        if duplicates and path in duplicates:
            continue
        rel = _relative(path, prefix)
        old = known.pop(rel, None)
        try:
            stat = os.stat(path)
            if same_site and old is not None and old[1] == stat.st_size and old[2] == stat.st_mtime_ns:
                kept[rel] = old
                readable.append(path)
                continue
            digest = _sha1(path)
        except OSError as error:
            if old is not None:
                message = f"cannot read the file: {error.strerror or error}; its post stays in the index as it was"
                plan.problems.append(Problem(path, None, message, "error"))
                kept[rel] = plan.held[rel] = old
                continue
            digest, stat = "", None  # reading it will report the problem
        state = FileState(post_id(path), stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0, digest)
        readable.append(path)
        if same_site and old is not None and old[3] == digest and old[0] == state.id:
            kept[rel] = state  # touched, not changed
            continue
        if old is not None:
            plan.gone[rel] = old
        plan.pending.append(Pending(path, rel, state))
    for rel, old in known.items():  # files no longer listed: deleted, or not seen this time
        if any(not folder or rel.startswith(f"{folder}/") for folder in unreadable):
            kept[rel] = plan.held[rel] = old
        else:
            plan.gone[rel] = old
    return plan


def _prefix(root: str | Path) -> int:
    """How many characters of a path under ``root`` name ``root`` and its separator."""
    return len(str(root).rstrip(os.sep)) + 1


def _relative(path: str, prefix: int) -> str:
    """A path under the posts folder as the manifest keys it (``/``-separated): by slicing,
    as pathlib's ``relative_to`` costs 40 µs a file, seconds at 100,000 posts."""
    return path[prefix:].replace(os.sep, "/")


def _sha1(path: str) -> str:
    """The content hash of a file, read in blocks (a post may be of any size)."""
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _site_key(site: Site) -> dict[str, Any]:
    return dataclasses.asdict(site)


VOCABULARY_DIR = "_sokbo"
"""Folder of the site (beside ``_posts``) where ``synonyms.txt`` and ``userdict.txt`` are found."""


def vocabulary_files(posts_dir: Path, synonyms: Path | None, user_dict: Path | None) -> tuple[Path | None, Path | None]:
    """The vocabulary files to use: those given, else the site's ``_sokbo/`` ones that exist."""
    folder = Path(posts_dir).parent / VOCABULARY_DIR

    def found(given: Path | None, name: str) -> Path | None:
        return given if given is not None else (folder / name if (folder / name).is_file() else None)

    return found(synonyms, "synonyms.txt"), found(user_dict, "userdict.txt")


def build_index(
    posts_dir: str | Path,
    index_dir: str | Path,
    *,
    site: Site | None = None,
    synonyms: Path | None = None,
    user_dict: Path | None = None,
    procs: int | None = None,
    full: bool = False,
    wait: bool = False,
    notify: Callable[[str], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> IndexSummary:
    """Bring the index in ``index_dir`` up to date with the posts of ``posts_dir``.

    Incremental unless ``full`` (or there is no usable index yet, or most posts changed, or
    the user dictionary changed: it changes how every post is analysed). The synonyms and the
    user dictionary are the files given, else the site's ``_sokbo/synonyms.txt`` and
    ``_sokbo/userdict.txt`` when they exist (see :mod:`sokbo.search.vocabulary`).
    ``on_plan`` gets the number of files to read, ``on_file`` each file read. ``wait``: wait
    for another run on the same index instead of raising :class:`~sokbo.search.IndexBusy`.

    A damaged live generation is rebuilt in full (``summary.repaired`` says why); the index
    folder that cannot be written, or a full disk, raises :class:`~sokbo.search.IndexWriteError`.

    Example:
        >>> build_index("samples/_posts", "sokbo-index").line()          # doctest: +SKIP
        '54 posts indexed: 54 added, 0 updated, 0 removed, 4 recovered, 1 skipped, 0 failed in 9.8 s (full rebuild)'
    """
    attempt = functools.partial(
        _build_index, posts_dir, index_dir, site=site, synonyms=synonyms, user_dict=user_dict, procs=procs,
        full=full, wait=wait, notify=notify, on_plan=on_plan, on_file=on_file,
    )
    try:
        return attempt()
    except IndexDamaged:  # an update met damage the up-front check missed, and marked it:
        return attempt()  # this attempt rebuilds it in full


def _build_index(
    posts_dir: str | Path,
    index_dir: str | Path,
    *,
    site: Site | None,
    synonyms: Path | None,
    user_dict: Path | None,
    procs: int | None,
    full: bool,
    wait: bool,
    notify: Callable[[str], None] | None,
    on_plan: Callable[[int], None] | None,
    on_file: Callable[[Path], None] | None,
) -> IndexSummary:
    """One attempt of :func:`build_index`."""
    started = time.perf_counter()
    posts_dir = Path(posts_dir)
    if not posts_dir.is_dir():
        raise NotADirectoryError(f"{posts_dir} is not a folder of posts")
    site = site or Site.from_posts_dir(posts_dir)
    service = SearchService(index_dir)
    summary = IndexSummary()
    vocabulary, warnings = Vocabulary.read(*vocabulary_files(posts_dir, synonyms, user_dict))
    summary.problems.extend(Problem(w.path, w.line, w.message) for w in warnings)
    # Unless this process has the model already, one worker starts now and loads it while this
    # process lists and plans: a publish of one post then waits for the model only once.
    early = 1 if procs != 1 and not model_loaded(vocabulary.user_words) else 0
    warm = functools.partial(_warm, vocabulary.user_words)
    with Workers(_Reader(site), warm, early=early) as workers, service.writing(wait=wait, notify=notify):
        live = service.live()
        damage = live.damage or (manifest_damage(live.manifest) if live.usable else None)
        if damage is not None:
            full, summary.repaired = True, damage
            if notify is not None:
                meanwhile = (
                    "searches are answered from it" if live.damage is None
                    else f"searches are answered from {live.fallback}" if live.fallback else "searches fail with a 503"
                )
                notify(f"the index in {index_dir} is damaged ({damage}): rebuilding it in full; {meanwhile} until then")
        if live.usable and live.vocabulary.user_words != vocabulary.user_words:
            full = True
            if notify is not None:
                notify("the user dictionary changed: every post is analysed again")
        listing = list_posts(posts_dir)
        files = listing.paths
        summary.record_listing(listing.problems, listing.failed, listing.skipped)
        plan = plan_run(files, posts_dir, {} if damage else live.manifest, site, listing.unreadable)
        summary.record_listing([*plan.duplicates, *plan.problems], len(plan.duplicates) + len(plan.problems), 0)
        before = plan.ids()
        summary.full = full or not live.usable or (
            len(plan.pending) >= PARALLEL_FROM and len(plan.pending) > len(files) / 2 and not plan.held
        )
        if summary.full and plan.held:
            # A rebuild reads every post again: the held ones cannot be, and would be lost.
            summary.record_listing([_cannot_rebuild(posts_dir, plan)], 1, 0)
            summary.posts = len(before)
            summary.seconds = time.perf_counter() - started
            return summary
        todo = plan.every() if summary.full else plan.pending
        if on_plan is not None:
            on_plan(len(todo))
        indexed: dict[str, FileState | SavedState] = {} if summary.full else dict(plan.kept)
        """Each file whose post is in the index after this run, by relative path: the new manifest."""

        def on_report(report: FileRead) -> None:
            summary.record(report.pending.path, report.problems, report.post_id is not None, report.recovered, report.skipped)
            if report.post_id is not None:
                indexed[report.pending.rel] = report.pending.state
            if on_file is not None:
                on_file(Path(report.pending.path))

        if summary.full or todo or plan.gone or live.vocabulary.synonyms != vocabulary.synonyms:
            meta = {"posts_dir": str(posts_dir.resolve()), "base_url": site.base_url, "permalink": site.permalink}
            with service.writer(full=summary.full, vocabulary=vocabulary, meta=meta, notify=notify) as writer:
                if not summary.full:
                    for state in plan.gone.values():  # a changed post is added again below
                        writer.delete(state[0])
                _write(writer, todo, workers, on_report, procs or default_procs(len(todo)))
                writer.manifest = functools.partial(_manifest, site, posts_dir, indexed)  # once committed
            summary.posts = writer.posts
        else:
            summary.posts = len(plan.kept)
        now = {state[0] for state in indexed.values()}
        changed = {state[0] for rel, state in indexed.items() if rel not in plan.kept or summary.full}
        summary.unchanged = len(now) - len(changed)
        summary.added = len(changed - before)
        summary.updated = len(changed & before)
        summary.removed = len(before - now)
    summary.seconds = time.perf_counter() - started
    return summary


def _warm(user_words: UserWords) -> None:
    """Ready a worker for its first post while the parent plans: the model, then the HTML
    parser (a publish of one post otherwise waits for both after the plan)."""
    load_model(user_words)
    prepare_text()


def _write(
    writer: IndexWriter, todo: list[Pending], workers: Workers[Pending, FileRead], on_report: Callable[[FileRead], None], procs: int
) -> None:
    """Read the files of ``todo`` into ``writer``: in ``procs`` worker processes when that pays
    or when one was started early (it holds the model), else here."""
    if todo and (workers.started or (procs > 1 and len(todo) > CHUNK)):
        workers.start(procs if len(todo) > CHUNK else 1)
        workers.write(writer, todo, on_report)
        return
    for pending in todo:
        post, report = workers.read(pending)
        if post is not None:
            writer.add(post)
        on_report(report)


def _manifest(site: Site, posts_dir: Path, indexed: dict[str, FileState | SavedState]) -> dict[str, Any]:
    """The manifest saved with the index: what the next run compares the folder with."""
    return {
        "version": MANIFEST_VERSION,
        "site": _site_key(site),
        "posts_dir": str(posts_dir.resolve()),
        "files": dict(sorted(indexed.items())),  # each state a JSON list
    }


def manifest_damage(manifest: dict[str, Any]) -> str | None:
    """Why a generation's manifest cannot be trusted to plan an update (its files are not
    listed as :func:`_manifest` saves them: a hand edit, a bad copy), or None. Such an index
    is rebuilt in full rather than updated from a list that may hide deleted posts.

    Example:
        >>> manifest_damage({"files": {"2024/a.md": ["a", 10, 1, "x"], "b.md": ["b", 10]}})
        "manifest.json is damaged: the entry of 'b.md' is not [id, size, mtime, hash]"
    """
    files = manifest.get("files", {})
    if not isinstance(files, dict):
        return "manifest.json is damaged: its files are not a table"
    for rel, state in files.items():
        if not (type(state) is list and len(state) == 4 and type(state[0]) is str):
            return f"manifest.json is damaged: the entry of {rel!r} is not [id, size, mtime, hash]"
    return None


def _cannot_rebuild(posts_dir: Path, plan: Plan) -> Problem:
    """The error of a rebuild refused because some posts in the index cannot be read now."""
    message = (
        f"the index was not rebuilt: {len(plan.held)} of its posts are in files or folders that "
        "cannot be read now (see above), and a rebuild would drop them; fix those and run again"
    )
    return Problem(str(posts_dir), None, message, "error")


@dataclass(frozen=True)
class _Reader:
    """Read one pending file (in a worker process, or here) into its post and its report."""

    site: Site

    def __call__(self, pending: Pending) -> tuple[Post | None, FileRead]:
        result = read_post(pending.path, self.site)
        post_id = result.post.id if result.post is not None else None
        return result.post, FileRead(pending, post_id, result.problems, result.skipped, result.recovered)
