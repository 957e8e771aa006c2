"""The indexer's worker processes: read and analyse posts on every core.

:func:`write_in_workers` forks worker processes after the run's writer is open (so they
inherit it, and the model it loaded). Each takes chunks of files from a queue, reads each
into a post and a report, writes the post into a part of the index of its own
(:meth:`IndexWriter.part`), and sends the reports back as it goes; at the end, its part. The
parent passes each report on as it arrives and attaches each part to the writer, whose one
commit publishes them all. So reading, HTML stripping and Kiwi run on every core, and
nothing is visible to readers before the commit.

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

from sokbo.search import IndexWriter, Post

Item = TypeVar("Item")
Report = TypeVar("Report")
Read = Callable[[Item], tuple[Post | None, Report]]

CHUNK = 16
"""Files handed to a worker at a time: small enough to balance the load at the end."""


class WorkerFailed(RuntimeError):
    """A worker process died, or raised something other than an OSError (its traceback says what)."""


def write_in_workers(
    writer: IndexWriter, items: Sequence[Item], read: Read[Item, Report], on_report: Callable[[Report], None], procs: int
) -> None:
    """Read ``items`` in ``procs`` worker processes into parts of ``writer``; attach them.

    Raises the first worker's OSError as itself (a full disk is not a bug), anything else as
    :class:`WorkerFailed`; the writer's block then cancels the run.
    """
    ctx = multiprocessing.get_context("fork")  # workers inherit the writer and `read` as they are
    jobs: Any = ctx.Queue()
    results: Any = ctx.Queue()
    for start in range(0, len(items), CHUNK):
        jobs.put(list(items[start : start + CHUNK]))
    for _ in range(procs):
        jobs.put(None)
    parent = os.getpid()
    workers = [ctx.Process(target=_work, args=(writer, jobs, results, read, parent), daemon=True) for _ in range(procs)]
    for worker in workers:
        worker.start()
    try:
        _collect(writer, workers, results, on_report)
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()


def _collect(writer: IndexWriter, workers: list[Any], results: Any, on_report: Callable[[Any], None]) -> None:
    """Pass reports on and attach parts until every worker has finished."""
    finished = 0
    while finished < len(workers):
        try:
            kind, payload = results.get(timeout=1.0)
        except queue.Empty:
            dead = [w for w in workers if w.exitcode not in (None, 0)]
            if dead:
                raise WorkerFailed(f"an indexing worker died (exit code {dead[0].exitcode})") from None
            continue
        if kind == "reports":
            for report in payload:
                on_report(report)
        elif kind == "part":
            writer.attach(payload)
            finished += 1
        elif kind == "oserror":
            raise OSError(*payload)
        else:
            raise WorkerFailed(f"an indexing worker failed:\n{payload}")


def _work(writer: IndexWriter, jobs: Any, results: Any, read: Read[Any, Any], parent: int) -> None:
    """A worker: read and write chunks of items into a part of its own, then send the part."""
    _die_with_parent(parent)
    try:
        with writer.part() as part:
            while (chunk := jobs.get()) is not None:
                reports = []
                for item in chunk:
                    post, report = read(item)
                    if post is not None:
                        part.add(post)
                    reports.append(report)
                results.put(("reports", reports))
        results.put(("part", part.result))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        error = first_os_error(exc)
        if error is not None:
            results.put(("oserror", (error.errno, error.strerror, error.filename)))
        else:
            results.put(("error", traceback.format_exc()))
        results.close()
        results.join_thread()
        os._exit(1)
    results.close()
    results.join_thread()


def first_os_error(exc: BaseException) -> OSError | None:
    """The first OSError with an errno in ``exc``'s chain (a cleanup may fail the same way)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current
        current = current.__cause__ or current.__context__
    return None


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
