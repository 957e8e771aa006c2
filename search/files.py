"""Reading index files without ``mmap``, about as fast as with it.

Whoosh maps each segment file into memory, and a segment truncated under a reader then kills
the whole process with SIGBUS on the next page it touches: no Python code can catch that. It
also copies every part of a segment it opens into a ``BytesIO``, per searcher: ``sokbo serve``
on the 96 MB index of the 6,000-post corpus held 1.4 GB RSS (0.5 GB without). Without
``mmap``, Whoosh reads a part through one shared buffered file, a seek and a read in Python
for each small read (and ``pickle.load`` of a postings block's header reads byte by byte):
searches took 1.2 to 1.75 times as long.

Here each part of a segment is read with ``os.pread`` on the segment's file descriptor: one
system call, no shared file position (so any thread may read), no copy of the part; block
headers are unpickled from one small read. Searches take within about 10% of the time they
took with ``mmap``. A truncated file gives a short read, which fails as an ordinary exception
that a search can answer with a 503.
"""

from __future__ import annotations

import io
import os
import pickle
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class ReadStorage(FileStorage):
    """A Whoosh ``FileStorage`` that never maps files and reads segments' parts with pread."""

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return _WholeFile(open(self._fpath(name), "rb"), name=name, **kwargs)  # noqa: SIM115 - Whoosh closes it


class _WholeFile(StructFile):
    """A whole index file; its parts (:meth:`subset`, what a compound segment hands out) read
    with pread."""

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        return _PartFile(self.file.fileno(), offset, length, name or self._name)


class _Part:
    """The bytes ``[offset, offset + length)`` of a file descriptor as a read-only file."""

    def __init__(self, fd: int, offset: int, length: int) -> None:
        self.fd = fd
        self.base = offset
        self.length = length
        self.pos = 0

    def read(self, size: int | None = -1) -> bytes:
        left = self.length - self.pos
        size = left if size is None or size < 0 else min(size, left)
        if size <= 0:
            return b""
        data = os.pread(self.fd, size, self.base + self.pos)
        self.pos += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        start = self.pos
        chunk = self.read(size if size is not None and size >= 0 else 4096)
        while b"\n" not in chunk and self.pos < self.length and (size is None or size < 0):
            more = self.read(4096)
            if not more:
                break
            chunk += more
        end = chunk.find(b"\n")
        if end >= 0:
            chunk = chunk[: end + 1]
        self.pos = start + len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self.pos
        elif whence == os.SEEK_END:
            offset += self.length
        self.pos = offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        """The descriptor belongs to the whole file, which the segment closes."""


class _PartFile(StructFile):
    """A part of a compound segment file (see :class:`_Part`), as Whoosh's readers use it."""

    def __init__(self, fd: int, offset: int, length: int, name: str | None) -> None:
        super().__init__(_Part(fd, offset, length), name=name)

    def get(self, position: int, length: int) -> bytes:
        part: _Part = self.file
        length = max(0, min(length, part.length - position))
        return os.pread(part.fd, length, part.base + position) if length else b""

    def subset(self, position: int, length: int, name: str | None = None) -> StructFile:
        part: _Part = self.file
        return _PartFile(part.fd, part.base + position, length, name or self._name)

    def read_pickle(self) -> Any:
        """One pickled value, from one read when it is small (a postings block's header is)."""
        part: _Part = self.file
        for size in (256, 4096):
            chunk = os.pread(part.fd, min(size, part.length - part.pos), part.base + part.pos)
            buffer = io.BytesIO(chunk)
            try:
                value = pickle.load(buffer)
            except Exception:  # noqa: BLE001 - cut off by the chunk: read more
                if len(chunk) < size:
                    break  # the whole rest was read: fail the ordinary way
                continue
            part.pos += buffer.tell()
            return value
        return pickle.load(part)
