"""Writing posts into a Whoosh index, in this process or in worker processes.

The caller gives items (for the indexer: post files) and a ``prepare(item) -> (Post | None,
report)`` function. With ``procs`` > 1, each worker process prepares its share of the items
(reading, HTML stripping), analyses them (Kiwi) and writes its own segment; the parent only
hands out chunks of items, passes each report to ``on_report`` as it arrives, and commits
all segments together in one atomic table-of-contents write. So every expensive step runs
on every core, and nothing is visible to readers before that last write.

Why not Whoosh's ``MpWriter``: its parent must build every document itself, so reading posts
competes with the workers for the cores; and its workers block forever on their queue when
the parent is killed, keeping the index's lock files open. Here workers ask the kernel to
kill them when their parent dies.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .codec import segment_writer
from .document import Post
from .schema import to_fields
from .whoosh_internals import discard_segment, finalize_segment, publish_segments, release

Item = TypeVar("Item")
Report = TypeVar("Report")
Prepare = Callable[[Item], tuple[Post | None, Report]]

CHUNK = 16
"""Items handed to a worker at a time: small enough to balance the load at the end."""


def write_posts(
    ix: Any,
    items: Sequence[Item],
    prepare: Prepare[Item, Report],
    on_report: Callable[[Report], None],
    *,
    procs: int = 1,
) -> int:
    """Add the posts that ``prepare`` makes of ``items`` to the empty index ``ix``; commit.

    Returns the number of posts added. Raises (and commits nothing) if a worker fails.
    """
    if procs <= 1 or len(items) <= CHUNK:
        return _write_here(ix, items, prepare, on_report)
    return _write_in_workers(ix, items, prepare, on_report, procs)


def _write_here(ix: Any, items: Sequence[Item], prepare: Prepare[Item, Report], on_report: Callable[[Report], None]) -> int:
    count = 0
    with segment_writer(ix) as writer:  # commits at the end, cancels on an exception
        for item in items:
            post, report = prepare(item)
            if post is not None:
                writer.add_document(**to_fields(post))
                count += 1
            on_report(report)
    return count


def _write_in_workers(
    ix: Any, items: Sequence[Item], prepare: Prepare[Item, Report], on_report: Callable[[Report], None], procs: int
) -> int:
    ctx = multiprocessing.get_context("fork")  # workers inherit `prepare` as it is, closures included
    jobs: Any = ctx.Queue()
    results: Any = ctx.Queue()
    for start in range(0, len(items), CHUNK):
        jobs.put(list(items[start : start + CHUNK]))
    parent = os.getpid()
    workers = [ctx.Process(target=_work, args=(ix, jobs, results, prepare, parent), daemon=True) for _ in range(procs)]
    for worker in workers:
        jobs.put(None)
    for worker in workers:
        worker.start()
    segments: list[Any] = []
    count = 0
    finished = 0
    try:
        while finished < len(workers):
            try:
                kind, payload = results.get(timeout=1.0)
            except queue.Empty:
                dead = [w for w in workers if w.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"an indexing worker died (exit code {dead[0].exitcode})") from None
                continue
            if kind == "reports":
                for report in payload:
                    on_report(report)
            elif kind == "oserror":  # raised as itself: a full disk is not a bug
                raise OSError(*payload)
            elif kind == "done":
                segment, added = payload
                if segment is not None:
                    segments.append(segment)
                count += added
                finished += 1
            else:
                raise RuntimeError(f"an indexing worker failed:\n{payload}")
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
    # One writer (holding Whoosh's lock) publishes the workers' segments in one TOC write.
    writer = segment_writer(ix)
    try:
        publish_segments(writer, segments)
    except BaseException:
        writer.cancel()
        raise
    release(writer)
    return count


def _work(ix: Any, jobs: Any, results: Any, prepare: Prepare[Any, Any], parent: int) -> None:
    """A worker: prepare, analyse and write chunks of items into one segment of its own."""
    _die_with_parent(parent)
    try:
        writer = segment_writer(ix, _lk=False)
        added = 0
        while (chunk := jobs.get()) is not None:
            reports = []
            for item in chunk:
                post, report = prepare(item)
                if post is not None:
                    writer.add_document(**to_fields(post))
                    added += 1
                reports.append(report)
            results.put(("reports", reports))
        if added:
            segment = finalize_segment(writer)
        else:
            discard_segment(writer)
            segment = None
        results.put(("done", (segment, added)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        if isinstance(exc, OSError) and exc.errno is not None:
            results.put(("oserror", (exc.errno, exc.strerror, exc.filename)))
        else:
            results.put(("error", traceback.format_exc()))
        results.close()
        results.join_thread()
        os._exit(1)
    results.close()
    results.join_thread()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere).

    Without it, a worker of a killed ``sokbo index`` would wait forever for work, holding
    open the files (and locks) it inherited.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
