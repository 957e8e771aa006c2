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


class ResultCache:
    """A byte-bounded LRU of search responses keyed by ``(index version, normalised request)``."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[Version, SearchRequest], tuple[SearchResponse, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: Version, request: SearchRequest) -> SearchResponse | None:
        """The response remembered for ``request`` on ``version``, with the asker's request in it."""
        key = (version, normalised(request))
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return replace(entry[0], request=request) if entry[0].request != request else entry[0]

    def put(self, version: Version, request: SearchRequest, response: SearchResponse) -> None:
        """Remember ``response``; the least recently used entries go when the budget is spent."""
        key = (version, normalised(request))
        size = deep_size(response)
        if size > self.max_bytes // 16:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (response, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, (_response, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
