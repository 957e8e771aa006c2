"""Index generations on disk, switched atomically so readers never see a half-built index.

Layout of an index directory::

    INDEX_DIR/
        CURRENT          # name of the live generation, replaced atomically (os.replace)
        gen-000001/      # a complete Whoosh index
        gen-000002.tmp/  # a build in progress (or left by a crash; removed by the next build)

A rebuild writes a new generation beside the live one, fsyncs it, then points ``CURRENT`` at
it. The generation it replaced stays, as the one readers fall back to if the live one is
damaged; any older one is removed. A reader that had a removed one open keeps reading its open
files (POSIX keeps unlinked files readable).

**Whole or damaged.** Every commit records in the generation's ``sokbo.json`` each index file
it left (the table of contents and the segments): size, modification time and CRC-32. A
generation is whole (:meth:`IndexStore.check`) when ``sokbo.json`` is valid JSON, its table of
contents reads, and every file it lists is there with its recorded size; files up to
:data:`SMALL_FILE` are hashed at every check (the table of contents, the segments of recent
small commits), bigger ones only when their modification time differs from the commit's (once
per process for each version of a file), or on request (``thorough``: after a query failed).
Hashing every byte at every open would cost seconds at 100,000 posts, for every publish.

Index files are read without ``mmap`` (:mod:`~sokbo.search.files`): a segment truncated under
a memory map kills the process with SIGBUS, while a short read is an exception that a search
can answer with a 503.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex

from .files import ReadStorage
from .schema import SCHEMA_VERSION, build_schema

CURRENT = "CURRENT"
LOCK = "LOCK"
META = "sokbo.json"
MANIFEST = "manifest.json"
DAMAGED = "DAMAGED"
"""Left in a generation's folder by a process that found it damaged (its one line says how):
readers skip the generation and the next ``sokbo index`` rebuilds it, even when the damage is
of a kind the cheap check does not see (bytes changed under an unchanged modification time)."""
_GEN = re.compile(r"^gen-(\d{6,})$")
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")
"""Whoosh's table-of-contents files (index name ``MAIN``), one per commit: the latest counts."""
SEGMENT_EXT = ".seg"
"""The one file of a Whoosh segment written as a compound file (sokbo writes no other kind)."""
SMALL_FILE = 1 << 20
"""Index files up to this size are hashed at every check: microseconds, and the table of
contents (whose damage makes a whole generation unreadable) is always one of them."""


class IndexBusy(RuntimeError):
    """Another process is writing this index right now."""


class IndexMissing(FileNotFoundError):
    """There is no usable index at the path: build one with ``sokbo index``."""


class IndexDamaged(IndexMissing):
    """The index has no generation that can be read whole (or the one a search used turned out
    damaged): ``sokbo index`` rebuilds it."""


class IndexWriteError(RuntimeError):
    """The index folder cannot be written: read-only, not this user's, or its disk is full.

    ``full`` tells which: the command line exits with a different code for each.
    """

    def __init__(self, message: str, *, full: bool) -> None:
        super().__init__(message)
        self.full = full


@dataclass(frozen=True)
class Unusable:
    """Why a generation (or ``CURRENT``) cannot be read: ``damaged``, or whole but built by
    another version of sokbo."""

    name: str
    reason: str
    damaged: bool = True

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class Opened:
    """A generation opened for reading, and those newer than it that were skipped, and why."""

    name: str
    ix: Any
    skipped: list[Unusable] = field(default_factory=list)


@dataclass
class Generation:
    """One generation being written: its Whoosh index and the files saved beside it."""

    name: str
    path: Path
    ix: Any
    meta: dict[str, Any] = field(default_factory=dict)
    """Saved as ``sokbo.json``: schema version, build and update times, counts, site."""
    manifest: Manifest | None = field(default_factory=dict)
    """Saved as ``manifest.json``: what the indexer needs to tell what changed (None: an edit
    keeps the one the generation has). A function is called for it once the block is done,
    after the commit: building a 100,000-post manifest (0.1-0.2 s) then no longer delays it."""


Notify = Callable[[str], None]
Manifest = dict[str, Any] | Callable[[], dict[str, Any]]


def ignore(*_args: Any) -> None:
    """The callback for messages (or reports) nobody asked for."""


class IndexStore:
    """The generations of one index directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._held = 0
        self._hashed: dict[tuple[str, int, int, int], int] = {}
        """CRC-32 of each index file hashed by this process, by (path, size, mtime, inode)."""
        self._manifest: tuple[tuple[str, int, int, int], dict[str, Any] | None] | None = None
        """The last manifest parsed, by (path, size, mtime, inode): at 100,000 posts it is 11 MB
        of JSON, which a run needs three times (checked, planned from, kept)."""

    def current(self) -> str | None:
        """The live generation's name, or None when no index was ever published (or ``CURRENT``
        is unreadable: see :meth:`pointer`)."""
        name, _problem = self.pointer()
        return name

    def pointer(self) -> tuple[str | None, Unusable | None]:
        """What ``CURRENT`` names: ``(generation, None)``, ``(None, None)`` when there is no
        ``CURRENT`` (no index was ever published), or ``(None, why)`` when it is damaged."""
        try:
            raw = (self.root / CURRENT).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None, None
        except OSError as exc:
            return None, Unusable(CURRENT, f"cannot be read ({exc.strerror})")
        name = raw.decode("ascii", "replace").strip()
        if not _GEN.match(name):
            return None, Unusable(CURRENT, f"does not name a generation ({_shown(raw)})")
        if not (self.root / name).is_dir():
            return None, Unusable(CURRENT, f"names {name}, which is missing")
        return name, None

    def generations(self) -> list[str]:
        """The complete generations on disk, newest first (the live one among them)."""
        try:
            names = os.listdir(self.root)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted((n for n in names if _GEN.match(n)), key=lambda n: int(n[4:]), reverse=True)

    def usable(self) -> bool:
        """Whether the live generation is whole and this version of sokbo can read it."""
        return self.live_problem() is None and self.current() is not None

    def live_problem(self, *, writing: bool = False) -> Unusable | None:
        """Why the live generation cannot be used (None when it can, or when there is none).

        ``writing``: for the indexer, which also needs the generation's manifest.
        """
        gen, problem = self.pointer()
        if problem is not None or gen is None:
            return problem
        problem = self.check(gen)
        if problem is None and writing and self._manifest_or_none(gen) is None:
            problem = Unusable(gen, f"{MANIFEST} is corrupt (not valid JSON)")
        return problem

    def open(self) -> tuple[str, Any]:
        """``(generation, whoosh index)`` of the live generation, checked whole first."""
        gen, problem = self.pointer()
        if gen is not None:
            problem = self.check(gen)
            if problem is None:
                return gen, _open_index(self.root / gen)
        raise self._unusable([problem] if problem else [])

    def open_whole(self) -> Opened:
        """The newest generation that is whole: the live one, else the newest one before it
        (the one a rebuild replaced), with what was skipped and why.

        Raises :class:`IndexMissing` when there is no index, :class:`IndexDamaged` when no
        generation is whole.
        """
        live, pointer_problem = self.pointer()
        skipped = [pointer_problem] if pointer_problem else []
        names = self.generations()
        if live is not None:  # newer ones were never published (a run killed before the switch)
            names = [n for n in names if int(n[4:]) <= int(live[4:])]
        for name in names:
            problem = self.check(name)
            if problem is None:
                try:
                    return Opened(name, _open_index(self.root / name), skipped)
                except Exception as exc:  # noqa: BLE001 - checked whole a moment ago: a race
                    problem = Unusable(name, f"cannot be opened ({_error(exc)})")
            skipped.append(problem)
        raise self._unusable(skipped)

    def fallback(self) -> str | None:
        """The generation readers fall back to while the live one is damaged: the newest whole
        one before it (None when there is none)."""
        live, problem = self.pointer()
        names = self.generations()
        if live is not None:
            names = [n for n in names if int(n[4:]) < int(live[4:])]
        elif problem is None:
            return None
        return next((n for n in names if self.check(n) is None), None)

    def _unusable(self, skipped: list[Unusable]) -> IndexMissing:
        """The error for an index none of whose generations (``skipped``) can be read."""
        if not skipped:
            return IndexMissing(f"no sokbo index in {self.root}: build one with `sokbo index POSTS_DIR --index {self.root}`")
        if not any(problem.damaged for problem in skipped):
            return IndexMissing(f"the index in {self.root} was {skipped[0].reason}: rebuild it with `sokbo index`")
        why = "; ".join(str(problem) for problem in skipped)
        return IndexDamaged(f"the index in {self.root} is damaged and no generation of it is whole ({why}): `sokbo index` rebuilds it")

    # -- whole or damaged -------------------------------------------------------------

    def check(self, gen: str, *, thorough: bool = False) -> Unusable | None:
        """Why generation ``gen`` cannot be read whole, or None when it can.

        Checked: ``sokbo.json`` (valid JSON, this schema version), the table of contents (the
        latest, readable), every segment it lists (there, with the size recorded at its commit,
        small files hashed, big ones hashed when they changed since), and that Whoosh opens
        every segment. ``thorough`` hashes every file. A commit being made while this runs
        (its table of contents replaced, merged segments removed) is checked again.
        """
        for _attempt in range(3):
            before = self._latest_toc(gen)
            problem = self._check(gen, thorough)
            if problem is None or self._latest_toc(gen) == before:
                return problem
        return problem

    def _check(self, gen: str, thorough: bool) -> Unusable | None:
        path = self.root / gen
        if not path.is_dir():
            return Unusable(gen, "its folder is missing")
        if (path / DAMAGED).exists():
            return Unusable(gen, _read_note(path / DAMAGED))
        if not (path / META).is_file():
            return Unusable(gen, f"{META} is missing")
        try:
            meta = _parse_json((path / META).read_bytes())
        except OSError as exc:
            return Unusable(gen, f"{META} cannot be read ({exc.strerror})")
        if meta is None:
            return Unusable(gen, f"{META} is corrupt (not valid JSON)")
        if meta.get("schema_version") != SCHEMA_VERSION:
            version = meta.get("schema_version")
            return Unusable(gen, f"built by another version of sokbo (schema {version}, this one reads {SCHEMA_VERSION})", damaged=False)
        toc = self._latest_toc(gen)
        if toc is None:
            return Unusable(gen, "it has no table of contents (_MAIN_*.toc)")
        recorded = meta.get("files") if isinstance(meta.get("files"), dict) else {}
        if toc in recorded and (problem := self._check_file(gen, toc, recorded[toc], thorough)):
            return problem
        storage = ReadStorage(str(path))
        try:
            segments = windex.TOC.read(storage, "MAIN").segments
        except Exception as exc:  # noqa: BLE001 - a damaged file fails in any of many ways
            return Unusable(gen, f"its table of contents {toc} cannot be read ({_error(exc)})")
        for segment in segments:
            name = segment.segment_id() + SEGMENT_EXT
            if not (path / name).is_file():
                return Unusable(gen, f"segment {name} is missing")
            if name in recorded and (problem := self._check_file(gen, name, recorded[name], thorough)):
                return problem
        try:
            reader = storage.open_index().reader()  # opens every segment: its header and directory
            reader.close()
        except Exception as exc:  # noqa: BLE001 - as above
            return Unusable(gen, f"a segment cannot be opened ({_error(exc)})")
        return None

    def marked(self, gen: str) -> bool:
        """Whether a process found generation ``gen`` damaged (a stat: cheap to ask often)."""
        return (self.root / gen / DAMAGED).exists()

    def mark_damaged(self, problem: Unusable) -> None:
        """Leave a note in a damaged generation's folder (see :data:`DAMAGED`), if it can be
        written: a reader of a read-only copy only skips the generation itself."""
        try:
            (self.root / problem.name / DAMAGED).write_text(problem.reason + "\n", encoding="utf-8")
        except OSError:
            pass

    def _check_file(self, gen: str, name: str, record: Any, thorough: bool) -> Unusable | None:
        """Whether index file ``name`` is as its commit recorded it (``[size, mtime_ns, crc]``)."""
        try:
            size, mtime_ns, crc = record
            stat = (self.root / gen / name).stat()
        except FileNotFoundError:
            return Unusable(gen, f"{name} is missing")
        except (TypeError, ValueError):
            return None  # a record this version does not understand: nothing to compare
        if stat.st_size != size:
            return Unusable(gen, f"{name} is {stat.st_size:,} bytes, {size:,} when it was committed")
        known = (str(self.root / gen / name), stat.st_size, stat.st_mtime_ns, stat.st_ino) in self._hashed
        if known or size <= SMALL_FILE or thorough or stat.st_mtime_ns != mtime_ns:
            try:
                if self._crc(self.root / gen / name, stat) != crc:
                    return Unusable(gen, f"{name} does not match its checksum (its bytes changed since it was committed)")
            except OSError as exc:
                return Unusable(gen, f"{name} cannot be read ({exc.strerror})")
        return None

    def _crc(self, path: Path, stat: os.stat_result) -> int:
        """The CRC-32 of a file, hashed once per process for each (size, mtime, inode) of it."""
        key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
        crc = self._hashed.get(key)
        if crc is None:
            crc = 0
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    crc = zlib.crc32(chunk, crc)
            if len(self._hashed) > 10_000:
                self._hashed.clear()
            self._hashed[key] = crc
        return crc

    def _latest_toc(self, gen: str) -> str | None:
        return _latest_toc(self.root / gen)

    def record_files(self, gen: Generation) -> None:
        """Record in ``gen.meta`` every index file of its latest commit (size, modification
        time, CRC-32), for :meth:`check`; files already recorded unchanged are not hashed again."""
        previous = gen.meta.get("files") if isinstance(gen.meta.get("files"), dict) else {}
        storage = ReadStorage(str(gen.path))
        toc = _latest_toc(gen.path)
        names = [toc] if toc else []
        names += [s.segment_id() + SEGMENT_EXT for s in windex.TOC.read(storage, "MAIN").segments]
        files: dict[str, list[Any]] = {}
        for name in names:
            stat = (gen.path / name).stat()
            old = previous.get(name)
            if isinstance(old, list) and len(old) == 3 and old[:2] == [stat.st_size, stat.st_mtime_ns]:
                files[name] = old
            else:
                files[name] = [stat.st_size, stat.st_mtime_ns, self._crc(gen.path / name, stat)]
        gen.meta["files"] = files

    def meta(self, gen: str) -> dict[str, Any]:
        """What the build recorded beside a generation (schema version, build time, counts)."""
        return _read_json(self.root / gen / META)

    def meta_mtime_ns(self, gen: str) -> int:
        """When a generation's meta was last saved (it is saved after every commit)."""
        return (self.root / gen / META).stat().st_mtime_ns

    def manifest(self, gen: str) -> dict[str, Any]:
        """The indexer's manifest of a generation (empty when there is none)."""
        return self._manifest_or_none(gen) or {}

    def _manifest_or_none(self, gen: str) -> dict[str, Any] | None:
        """:func:`_read_json_or_none` of a generation's manifest, parsed once while the file
        stays the same. Callers must not change what it returns."""
        path = self.root / gen / MANIFEST
        try:
            stat = path.stat()
        except OSError:
            return _read_json_or_none(path)
        key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if self._manifest is None or self._manifest[0] != key:
            self._manifest = (key, _read_json_or_none(path))
        return self._manifest[1]

    @contextmanager
    def new_generation(self, *, wait: bool = False, notify: Notify | None = None) -> Iterator[Generation]:
        """Create an empty index as the next generation; publish it when the block succeeds.

        What the block puts in the generation's ``meta`` and ``manifest`` is saved with it. If
        the block raises (or the process dies) the live generation is untouched. A folder that
        cannot be written, or a full disk, raises :class:`IndexWriteError`.
        """
        with self.write_errors():
            self.root.mkdir(parents=True, exist_ok=True)
            with self.lock(wait=wait, notify=notify):
                yield from self._build()

    @contextmanager
    def edit_live(self, *, wait: bool = False, notify: Notify | None = None) -> Iterator[Generation]:
        """The live generation, checked whole and locked for writing in place; its meta and
        manifest are saved (each replaced atomically) when the block succeeds.

        The block commits its own Whoosh writer: that commit is what makes the change visible.
        Raises :class:`IndexDamaged` when the live generation is not whole (rebuild it instead),
        :class:`IndexWriteError` when the folder cannot be written or the disk is full.
        """
        with self.write_errors(), self.lock(wait=wait, notify=notify):
            name, ix = self.open()
            gen = Generation(name, self.root / name, ix, self.meta(name), manifest=None)
            try:
                yield gen
            except BaseException:
                _tidy(gen.path)  # a full disk: free what the failed commit wrote
                raise
            finally:
                ix.close()
            self.record_files(gen)
            if gen.manifest is not None:  # else the one it has stays
                _write_json(gen.path / MANIFEST, _resolved(gen.manifest))
            _write_json(gen.path / META, gen.meta)

    @contextmanager
    def write_errors(self) -> Iterator[None]:
        """Turn the errors of an index folder that cannot be written (read-only, another user's)
        or of a full disk into one :class:`IndexWriteError` that says so in one line.

        Other errors pass, and so does a permission error on a file outside the index folder
        (a post that cannot be read is the indexer's to report).
        """
        try:
            yield
        except OSError as exc:
            name = exc.filename or self.root
            inside = str(Path(os.path.abspath(name))).startswith(os.path.abspath(self.root))
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise IndexWriteError(
                    f"cannot write the index in {self.root}: the disk is full ({exc.strerror}); "
                    "readers keep its last complete state: free some space and run again",
                    full=True,
                ) from exc
            if exc.errno == errno.EROFS or (exc.errno in (errno.EACCES, errno.EPERM) and inside):
                raise IndexWriteError(
                    f"cannot write the index in {self.root}: {exc.strerror} ({name}); "
                    "make the folder writable by this user, or index into another one with --index",
                    full=False,
                ) from exc
            raise

    @contextmanager
    def lock(self, *, wait: bool = False, notify: Notify | None = None, holder: str = "sokbo index") -> Iterator[None]:
        """One writer at a time per index directory: wait for it, or raise :class:`IndexBusy`.

        Re-entrant within this object, so a caller can hold it across deciding what to write
        and writing it. ``holder`` names the command in the lock's note, which a waiting run shows.
        """
        notify = notify or ignore
        if self._held:
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1
            return
        with self.write_errors():
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
                if not wait:
                    raise IndexBusy(
                        f"{self.root} is being written by {holder}; try again when it has finished "
                        "(or let `sokbo index` wait for it: --wait)"
                    ) from None
                notify(f"waiting for {holder}, which is writing {self.root} ...")
                fcntl.flock(fd, fcntl.LOCK_EX)
            _note(fd, f"{holder} (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})\n")
            self._held = 1
            try:
                self._remove_stale(notify)  # we are the only writer: any half-done build is dead
                yield
            finally:
                self._held = 0
                _note(fd, "")
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _build(self) -> Iterator[Generation]:
        previous = self.current()
        number = max((int(m.group(1)) for m in map(_GEN.match, os.listdir(self.root)) if m), default=0) + 1
        name = f"gen-{number:06d}"
        tmp = self.root / f"{name}.tmp"
        tmp.mkdir()
        try:
            ix = windex.create_in(str(tmp), build_schema())
            gen = Generation(name, tmp, ix, {"schema_version": SCHEMA_VERSION})
            yield gen
            ix.close()
            self.record_files(gen)
            _write_json(tmp / MANIFEST, _resolved(gen.manifest or {}))
            _write_json(tmp / META, gen.meta)
            _fsync_tree(tmp)
            os.rename(tmp, self.root / name)
            self._point_to(name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._remove_replaced(name, previous)

    def _remove_replaced(self, live: str, previous: str | None) -> None:
        """After ``live`` was published, keep one generation before it to fall back to (the one
        it replaced, or when that is damaged the newest whole one) and remove the others."""
        older = [g for g in self.generations() if int(g[4:]) < int(live[4:])]
        if previous in older:
            older.remove(previous)
            older.insert(0, previous)
        kept = next((g for g in older if self.check(g) is None), None)
        for old in older:
            if old != kept:
                shutil.rmtree(self.root / old, ignore_errors=True)

    def _point_to(self, name: str) -> None:
        tmp = self.root / f"{CURRENT}.tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / CURRENT)
        _fsync_dir(self.root)

    def _remove_stale(self, notify: Notify) -> None:
        """Remove what interrupted runs left: half-built generations (``*.tmp``) and complete
        ones that a run killed just before the switch never made live (newer than the live
        one). Nothing points to them. Older ones are what readers fall back to: they stay."""
        live = self.current()
        if live is not None:
            _tidy(self.root / live)
        for entry in sorted(os.listdir(self.root)):
            if entry.endswith(".tmp") or (_GEN.match(entry) and live is not None and int(entry[4:]) > int(live[4:])):
                path = self.root / entry
                notify(f"removing {path}, left by an interrupted run")
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def size_bytes(self, gen: str | None = None) -> int:
        """Bytes on disk of a generation (default: the live one).

        Files come and go while this counts (a commit removes merged segments, a copy renames
        its temporary files): one that vanished between the listing and its ``stat`` counts 0,
        where it used to fail ``GET /healthz`` with a 500.
        """
        gen = gen or self.current()
        if gen is None:
            return 0
        total = 0
        try:
            with os.scandir(self.root / gen) as entries:
                for entry in entries:
                    try:
                        if entry.is_file():
                            total += entry.stat().st_size
                    except FileNotFoundError:
                        continue
        except (FileNotFoundError, NotADirectoryError):  # the generation itself was removed
            return 0
        return total


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object file's content; empty when it is missing or corrupt."""
    return _read_json_or_none(path) or {}


def _read_json_or_none(path: Path) -> dict[str, Any] | None:
    """A JSON object file's content; empty when it is missing, None when it is corrupt (or
    cannot be read)."""
    try:
        return _parse_json(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError:
        return None


def _parse_json(raw: bytes) -> dict[str, Any] | None:
    """A JSON object, or None when ``raw`` is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None
    return data if isinstance(data, dict) else None


def _resolved(manifest: Manifest) -> dict[str, Any]:
    return manifest() if callable(manifest) else manifest


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically: readers see the old file or the new one, never a torn one."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:  # dumps, then one write: json.dump writes in
            f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))  # small chunks, 2x slower
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk: leave no half-written file behind
        raise


def _open_index(path: Path) -> Any:
    """Open the Whoosh index in ``path``, reading without ``mmap`` (see :mod:`.files`)."""
    return ReadStorage(str(path)).open_index()


def _latest_toc(path: Path) -> str | None:
    """The name of the latest table of contents in a generation's folder (None if none)."""
    try:
        names = os.listdir(path)
    except OSError:
        return None
    tocs = [(int(m.group(1)), n) for n in names if (m := _TOC.match(n))]
    return max(tocs)[1] if tocs else None


_WHOOSH_LEFTOVER = re.compile(r"^(MAIN_[0-9a-z]+)\.|^_MAIN_\d+\.toc\.|^MAIN\.tmp$")
"""A segment's file, a table of contents being written, Whoosh's folder for sorting postings."""


def _tidy(path: Path) -> None:
    """Remove what a failed or killed writer left in a generation's folder: the files of
    segments its table of contents does not list, and Whoosh's temporary files. Readers only
    open what the table of contents lists; the caller holds the writer's lock."""
    try:
        keep = {s.segment_id() for s in windex.TOC.read(ReadStorage(str(path)), "MAIN").segments}
        names = os.listdir(path)
    except Exception:  # noqa: BLE001 - a damaged generation is rebuilt, not tidied
        return
    for name in names:
        m = _WHOOSH_LEFTOVER.match(name)
        if m is None or (m.group(1) is not None and m.group(1) in keep):
            continue
        if (path / name).is_dir():
            shutil.rmtree(path / name, ignore_errors=True)
        else:
            (path / name).unlink(missing_ok=True)


def _note(fd: int, text: str) -> None:
    """Replace the lock file's note of who holds it. Only a note: on a full disk (or a file
    that cannot be written) the lock holds without it, and writing the index says what is wrong."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, text.encode("utf-8"), 0)
    except OSError:
        pass


def _read_note(path: Path) -> str:
    """The reason a :data:`DAMAGED` note gives."""
    try:
        note = path.read_bytes()[:300].decode("utf-8", "replace").strip()
    except OSError:
        note = ""
    return f"found damaged earlier: {note}" if note else "found damaged earlier"


def _error(exc: BaseException) -> str:
    """An exception as a short line: its type and the start of its message."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:100]}" if text else type(exc).__name__


def _shown(raw: bytes) -> str:
    """The start of a file's bytes, printable: for a message."""
    return repr(raw[:24]) + ("..." if len(raw) > 24 else "")


def _fsync_tree(path: Path) -> None:
    for p in path.iterdir():
        if p.is_file():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
