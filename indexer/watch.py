"""``sokbo index --watch``: keep the index up to date while posts are being written.

The process keeps Kiwi loaded and waits for the file system (the ``watchdog`` package: inotify
on Linux) to report a change under the posts folder; once the folder has been quiet for a
moment (an editor saves in several steps), it runs the same incremental
:func:`~sokbo.indexer.build.build_index` as a normal ``sokbo index``, with the same lock and
the same atomic commit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sokbo.search.analysis import get_kiwi

from .build import IndexSummary, build_index
from .posts import POST_EXTENSIONS
from .site import Site

QUIET_SECONDS = 0.05
"""How long the folder must be still before a run starts (editors save in several steps)."""


class _Changes:
    """Collects file-system events that may concern a post."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.last = 0.0

    def dispatch(self, event: Any) -> None:  # watchdog's handler protocol
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if event.is_directory or any(str(p).lower().endswith(POST_EXTENSIONS) for p in paths if p):
            if event.event_type in ("opened", "closed_no_write"):
                return  # reading a file changes nothing
            self.last = time.monotonic()
            self.event.set()


def watch(
    posts_dir: Path,
    index_dir: Path,
    site: Site,
    on_run: Callable[[IndexSummary], None],
    *,
    synonyms: Path | None = None,
    user_dict: Path | None = None,
    stop: threading.Event | None = None,
    ready: Callable[[], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Index ``posts_dir`` now, then again after every change, until ``stop`` is set (or Ctrl+C).

    A run that fails (the disk is full, the index folder was removed) is passed to
    ``on_error`` and the watch goes on: the next change tries again. Without ``on_error``
    it raises.
    """
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    get_kiwi()  # loaded once, kept for every run
    changes = _Changes()
    observer = Observer()
    observer.schedule(changes, str(posts_dir), recursive=True)  # type: ignore[arg-type]
    observer.start()

    def run() -> IndexSummary:
        return build_index(posts_dir, index_dir, site=site, synonyms=synonyms, user_dict=user_dict, wait=True)

    try:
        on_run(run())
        if ready is not None:
            ready()
        while not stop.is_set():
            if not changes.event.wait(0.2):
                continue
            while time.monotonic() - changes.last < QUIET_SECONDS:
                time.sleep(QUIET_SECONDS / 2)
            changes.event.clear()
            try:
                summary = run()
            except Exception as error:  # noqa: BLE001 - a server that watches must keep watching
                if on_error is None:
                    raise
                on_error(error)
                continue
            on_run(summary)
    finally:
        observer.stop()
        observer.join()
