"""The indexer's worker processes: read and analyse posts on every core.

A run starts its :class:`Workers` before it lists the folder: the first worker forks at once
and loads the Korean model (1-3 s, all of it holding one core) while the parent lists and
plans on the other, so a publish of one post does not wait for the model after the plan.
:meth:`Workers.write` then shares the files out in chunks; each worker reads each file into a
post and a report, writes the post into a part of the index of its own (a :class:`Part` at the
writer's :attr:`~IndexWriter.location`), sends the reports back as it goes, and at the end its
part. The parent passes each report on as it arrives and attaches each part to the writer,
whose one commit publishes them all. So reading, HTML stripping and Kiwi run on every core,
and nothing is visible to readers before the commit.

Why not Whoosh's ``MpWriter``: its parent must build every document itself, so reading posts
competes with the workers for the cores; and its workers block forever on their queue when
the parent is killed, keeping the index's lock files open. Here workers ask the kernel to
kill them when their parent dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import traceback
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from sokbo.search import IndexWriter, Post
from sokbo.search.writer import Part

Item = TypeVar("Item")
Report = TypeVar("Report")
Read = Callable[[Item], tuple[Post | None, Report]]

CHUNK = 16
"""Files handed to a worker at a time: small enough to balance the load at the end."""


class WorkerFailed(RuntimeError):
    """A worker process died, or raised something other than an OSError (its traceback says what)."""


class Workers(Generic[Item, Report]):
    """Worker processes that read items with ``read`` into parts of an index, used as a context.

    ``warm`` runs in each worker as soon as it starts (loading the model), before it waits for
    work; ``early`` workers start when the block is entered. Leaving the block kills the workers
    that were never given work.

    Example:
        >>> with Workers(read, warm, early=1) as workers:                # doctest: +SKIP
        ...     plan = ...                    # meanwhile the worker loads the model
        ...     with service.writer() as writer:
        ...         workers.write(writer, items, on_report)
    """

    def __init__(self, read: Read[Item, Report], warm: Callable[[], None] | None = None, *, early: int = 0) -> None:
        self.read = read
        """What the workers do with an item (the caller may do it too, in its own process)."""
        self._warm = warm
        self._early = early
        self._ctx = multiprocessing.get_context("fork")  # workers inherit `read` and `warm` as they are
        self._jobs: Any = self._ctx.Queue()
        self._results: Any = self._ctx.Queue()
        self._procs: list[Any] = []

    def __enter__(self) -> Self:
        self.start(self._early)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def started(self) -> int:
        """How many workers run (or ran) in this block."""
        return len(self._procs)

    def start(self, procs: int) -> None:
        """Fork workers until ``procs`` of them run."""
        parent = os.getpid()
        while len(self._procs) < procs:
            args = (self._jobs, self._results, self.read, self._warm, parent)
            worker = self._ctx.Process(target=_work, args=args, daemon=True)
            worker.start()
            self._procs.append(worker)

    def write(self, writer: IndexWriter, items: Sequence[Item], on_report: Callable[[Report], None]) -> None:
        """Read ``items`` in the workers (one is started if none runs) into parts of
        ``writer``, and attach the parts; the workers end with it (so call it once a block).

        Raises the first worker's OSError as itself (a full disk is not a bug), anything else
        as :class:`WorkerFailed`; the writer's block then cancels the run.
        """
        self.start(1)
        for start in range(0, len(items), CHUNK):
            self._jobs.put((writer.location, list(items[start : start + CHUNK])))
        for _ in self._procs:
            self._jobs.put(None)
        try:
            _collect(writer, self._procs, self._results, on_report)
        except BaseException:
            self.close()  # before the writer cancels: no worker may still be writing its part
            raise
        for worker in self._procs:
            worker.join()

    def close(self) -> None:
        """Kill the workers still running (given no work, or abandoned on an error)."""
        for worker in self._procs:
            if worker.is_alive():
                worker.kill()
                worker.join()


def write_in_workers(
    writer: IndexWriter, items: Sequence[Item], read: Read[Item, Report], on_report: Callable[[Report], None], procs: int
) -> None:
    """Read ``items`` in ``procs`` worker processes into parts of ``writer``; attach them
    (:class:`Workers` started and used at once)."""
    with Workers(read) as workers:
        workers.start(procs)
        workers.write(writer, items, on_report)


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
            if payload is not None:  # None: the worker was given no work
                writer.attach(payload)
            finished += 1
        elif kind == "oserror":
            raise OSError(*payload)
        else:
            raise WorkerFailed(f"an indexing worker failed:\n{payload}")


def _work(jobs: Any, results: Any, read: Read[Any, Any], warm: Callable[[], None] | None, parent: int) -> None:
    """A worker: warm up, then read and write chunks of items into a part of its own (opened
    at the first chunk's location), then send the part."""
    _die_with_parent(parent)
    try:
        if warm is not None:
            warm()
        part: Part | None = None
        with contextlib.ExitStack() as stack:
            while (job := jobs.get()) is not None:
                location, chunk = job
                if part is None:
                    part = stack.enter_context(Part(location))
                reports = []
                for item in chunk:
                    post, report = read(item)
                    if post is not None:
                        part.add(post)
                    reports.append(report)
                results.put(("reports", reports))
        results.put(("part", part.result if part is not None else None))
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
