"""Giving freed memory back to the system (search/memory.py), measured on this process."""

from __future__ import annotations

import pytest

from sokbo.search import memory


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(memory._libc() is None, reason="malloc_trim is glibc's")
def test_trim_gives_freed_heap_pages_back() -> None:
    memory.trim()
    blocks = [bytes(4000) + bytes([i % 256]) for i in range(40_000)]  # ~160 MB in heap-sized blocks
    pin = bytes(4000) + b"pin"  # allocated above them: the heap cannot shrink from its top
    del blocks
    freed = rss_mb()
    assert memory.trim()
    assert freed - rss_mb() > 80, "trim gave back less than half of what was freed"
    assert pin.endswith(b"pin")
