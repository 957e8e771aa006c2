"""Recent search responses, kept for the index version they were computed on.

Readers repeat themselves (the same headline words, the first page of a popular topic), and a
response depends only on the index and the request: a response computed once is the answer
until the index changes. Entries are keyed by the index version and the normalised request,
so a publish (a new version) makes every older entry unreachable; they age out, least recently
used first, within a budget in bytes (measured, not counted).

Example:
    >>> cache = ResultCache(max_bytes=1_000_000)
    >>> cache.get(("gen-1", 7), SearchRequest(q="동맹")) is None
    True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from .analysis import deep_size
from .request import SearchRequest
from .response import SearchResponse

Version = tuple[Any, ...]


def normalised(request: SearchRequest) -> SearchRequest:
    """``request`` with what does not change its answer made canonical (the order of categories)."""
    return replace(request, categories=tuple(sorted(request.categories)))


class BytesLRU:
    """A thread-safe map that forgets its least recently used entries past ``max_bytes``
    (each entry's size given when it is put)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Any) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        """Remember ``value`` unless it would take more than a sixteenth of the budget."""
        if size > self.max_bytes // 16:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped


class ResultCache(BytesLRU):
    """A byte-bounded LRU of search responses keyed by ``(index version, normalised request)``."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__(max_bytes)

    def get(self, version: Version, request: SearchRequest) -> SearchResponse | None:  # type: ignore[override]
        """The response remembered for ``request`` on ``version``, with the asker's request in it."""
        found = super().get((version, normalised(request)))
        if found is None:
            return None
        return replace(found, request=request) if found.request != request else found

    def put(self, version: Version, request: SearchRequest, response: SearchResponse) -> None:  # type: ignore[override]
        """Remember ``response``; the least recently used entries go when the budget is spent."""
        super().put((version, normalised(request)), response, deep_size(response))


class PostingsCache(BytesLRU):
    """Decoded posting lists by ``(segment, field, term)``: a segment never changes once written
    (its deleted documents are masked at search time), so a list read once serves every later
    search that asks for the term, across commits, until the segment is merged away.

    Readers ask for the same few hundred words again and again, and decoding a common word's
    blocks (Whoosh pickles and compresses each) is most of a search's time on a large index.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__(max_bytes)
