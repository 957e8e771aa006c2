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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as windex

from .schema import SCHEMA_VERSION, build_schema

CURRENT = "CURRENT"
LOCK = "LOCK"
META = "sokbo.json"
_GEN = re.compile(r"^gen-(\d{6,})$")


class IndexBusy(RuntimeError):
    """Another process is building this index right now."""


class IndexMissing(FileNotFoundError):
    """There is no usable index at the path: build one with ``sokbo index``."""


class IndexStore:
    """The generations of one index directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def current(self) -> str | None:
        """The live generation's name, or None when no index was ever published."""
        try:
            name = (self.root / CURRENT).read_text(encoding="ascii").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name if _GEN.match(name) and (self.root / name).is_dir() else None

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
        try:
            return json.loads((self.root / gen / META).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    @contextmanager
    def new_generation(self) -> Iterator[tuple[Any, dict[str, Any]]]:
        """Create an empty index as the next generation; publish it when the block succeeds.

        Yields ``(whoosh index, meta)``; what the block puts in ``meta`` is saved with it. If the
        block raises (or the process dies) the live generation is untouched.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with self._build_lock():
            yield from self._build()

    @contextmanager
    def _build_lock(self) -> Iterator[None]:
        """One build at a time per index directory.

        An flock is released by the kernel when its process dies, so a killed build never
        leaves a stale lock behind.
        """
        with open(self.root / LOCK, "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusy(f"another `sokbo index` is building {self.root}; try again when it has finished") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _build(self) -> Iterator[tuple[Any, dict[str, Any]]]:
        self._remove_stale()
        number = max((int(m.group(1)) for m in map(_GEN.match, os.listdir(self.root)) if m), default=0) + 1
        name = f"gen-{number:06d}"
        tmp = self.root / f"{name}.tmp"
        tmp.mkdir()
        try:
            ix = windex.create_in(str(tmp), build_schema())
            meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
            yield ix, meta
            ix.close()
            (tmp / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
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

    def _remove_stale(self) -> None:
        """Builds that a crash left half-done are garbage: nothing points to them."""
        for entry in os.listdir(self.root):
            if entry.endswith(".tmp"):
                path = self.root / entry
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
