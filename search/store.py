"""Index generations on disk, switched atomically so readers never see a half-built index.

Layout of an index directory::

    INDEX_DIR/
        CURRENT          # name of the live generation, replaced atomically (os.replace)
        gen-000001/      # a complete Whoosh index
        gen-000002.tmp/  # a build in progress (or left by a crash; removed by the next build)

A rebuild writes a new generation beside the live one, fsyncs it, then points ``CURRENT`` at
it; the old generation is removed only after the switch. A reader that had the old one open
keeps reading its open files (POSIX keeps unlinked files readable).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex

from .schema import SCHEMA_VERSION, build_schema

CURRENT = "CURRENT"
LOCK = "LOCK"
META = "sokbo.json"
MANIFEST = "manifest.json"
_GEN = re.compile(r"^gen-(\d{6,})$")


class IndexBusy(RuntimeError):
    """Another process is writing this index right now."""


class IndexMissing(FileNotFoundError):
    """There is no usable index at the path: build one with ``sokbo index``."""


@dataclass
class Generation:
    """One generation being written: its Whoosh index and the files saved beside it."""

    name: str
    path: Path
    ix: Any
    meta: dict[str, Any] = field(default_factory=dict)
    """Saved as ``sokbo.json``: schema version, build and update times, counts, site."""
    manifest: dict[str, Any] = field(default_factory=dict)
    """Saved as ``manifest.json``: what the indexer needs to tell what changed."""


Notify = Callable[[str], None]


def ignore(*_args: Any) -> None:
    """The callback for messages (or reports) nobody asked for."""


class IndexStore:
    """The generations of one index directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._held = 0

    def current(self) -> str | None:
        """The live generation's name, or None when no index was ever published."""
        try:
            name = (self.root / CURRENT).read_text(encoding="ascii").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name if _GEN.match(name) and (self.root / name).is_dir() else None

    def usable(self) -> bool:
        """Whether there is a live generation this version of sokbo can read."""
        gen = self.current()
        return gen is not None and self.meta(gen).get("schema_version") == SCHEMA_VERSION

    def open(self) -> tuple[str, Any]:
        """``(generation, whoosh index)`` of the live generation."""
        gen = self.current()
        if gen is None:
            raise IndexMissing(f"no sokbo index in {self.root}: build one with `sokbo index POSTS_DIR --index {self.root}`")
        meta = self.meta(gen)
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise IndexMissing(
                f"the index in {self.root} was built by another version of sokbo "
                f"(schema {meta.get('schema_version')}, this one reads {SCHEMA_VERSION}): rebuild it with `sokbo index`"
            )
        return gen, windex.open_dir(str(self.root / gen))

    def meta(self, gen: str) -> dict[str, Any]:
        """What the build recorded beside a generation (schema version, build time, counts)."""
        return _read_json(self.root / gen / META)

    def meta_mtime_ns(self, gen: str) -> int:
        """When a generation's meta was last saved (it is saved after every commit)."""
        return (self.root / gen / META).stat().st_mtime_ns

    def manifest(self, gen: str) -> dict[str, Any]:
        """The indexer's manifest of a generation (empty when there is none)."""
        return _read_json(self.root / gen / MANIFEST)

    @contextmanager
    def new_generation(self, *, wait: bool = False, notify: Notify | None = None) -> Iterator[Generation]:
        """Create an empty index as the next generation; publish it when the block succeeds.

        What the block puts in the generation's ``meta`` and ``manifest`` is saved with it. If
        the block raises (or the process dies) the live generation is untouched.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with self.lock(wait=wait, notify=notify):
            yield from self._build()

    @contextmanager
    def edit_live(self, *, wait: bool = False, notify: Notify | None = None) -> Iterator[Generation]:
        """The live generation, locked for writing in place; its meta and manifest are saved
        (each replaced atomically) when the block succeeds.

        The block commits its own Whoosh writer: that commit is what makes the change visible.
        """
        with self.lock(wait=wait, notify=notify):
            name, ix = self.open()
            gen = Generation(name, self.root / name, ix, self.meta(name), self.manifest(name))
            try:
                yield gen
            finally:
                ix.close()
            _write_json(gen.path / MANIFEST, gen.manifest)
            _write_json(gen.path / META, gen.meta)

    @contextmanager
    def lock(self, *, wait: bool = False, notify: Notify | None = None) -> Iterator[None]:
        """One writer at a time per index directory: wait for it, or raise :class:`IndexBusy`.

        Re-entrant within this object, so a caller can hold it across deciding what to write
        and writing it.
        """
        notify = notify or ignore
        if self._held:
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if not wait:
                    raise IndexBusy(
                        f"{self.root} is being written by {holder}; try again when it has finished "
                        "(or let `sokbo index` wait for it: --wait)"
                    ) from None
                notify(f"waiting for {holder}, which is writing {self.root} ...")
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"sokbo index (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})\n")
            handle.flush()
            self._held = 1
            self._remove_stale(notify)  # we are the only writer: any half-done build is dead
            try:
                yield
            finally:
                self._held = 0
                handle.seek(0)
                handle.truncate()
                handle.flush()
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _build(self) -> Iterator[Generation]:
        number = max((int(m.group(1)) for m in map(_GEN.match, os.listdir(self.root)) if m), default=0) + 1
        name = f"gen-{number:06d}"
        tmp = self.root / f"{name}.tmp"
        tmp.mkdir()
        try:
            ix = windex.create_in(str(tmp), build_schema())
            gen = Generation(name, tmp, ix, {"schema_version": SCHEMA_VERSION})
            yield gen
            ix.close()
            _write_json(tmp / MANIFEST, gen.manifest)
            _write_json(tmp / META, gen.meta)
            _fsync_tree(tmp)
            os.rename(tmp, self.root / name)
            self._point_to(name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        for old in os.listdir(self.root):
            if _GEN.match(old) and old != name:
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
        ones that a run killed just before the switch never made live. Nothing points to them."""
        live = self.current()
        for entry in sorted(os.listdir(self.root)):
            if entry.endswith(".tmp") or (_GEN.match(entry) and live is not None and entry != live):
                path = self.root / entry
                notify(f"removing {path}, left by an interrupted run")
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def size_bytes(self) -> int:
        """Bytes on disk of the live generation."""
        gen = self.current()
        if gen is None:
            return 0
        return sum(p.stat().st_size for p in (self.root / gen).iterdir() if p.is_file())


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically: readers see the old file or the new one, never a torn one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


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
