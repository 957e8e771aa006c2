"""Giving memory the process has freed back to the system.

A long-lived ``sokbo serve`` rebuilds its lexicon and its view of the index after every
publish, and frees the previous ones. Python hands objects larger than 512 bytes to the C
allocator, and glibc's keeps freed heap pages mapped when a live allocation sits above them,
so each publish left the server ~120 MB bigger (measured at 100,000 posts) although nothing
held the memory. :func:`trim` asks glibc to return those pages (``malloc_trim``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    """glibc, when this process runs on it (None elsewhere: musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def trim() -> bool:
    """Return the C heap's free pages to the system; whether it could (glibc only).

    Takes a few milliseconds on a heap of a gigabyte and holds the allocator's locks meanwhile:
    call it after letting go of something big, from a thread no reader waits on.
    """
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
