"""Real servers and a real browser for the tests, in one place.

:func:`sokbo_server` runs the app over an index behind sokbo's own waitress server
(``web/server.py``, as ``sokbo serve`` runs it) in a thread; :func:`chromium` launches
Debian's Chromium through Playwright, skipping (or, under CI, failing) where it is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("SOKBO_ARTIFACTS", "test-artifacts"))
"""Where screenshots of each state go (CI keeps them as artifacts; git ignores the folder)."""


@contextmanager
def sokbo_server(index: Path, threads: int = 2, **config: Any) -> Iterator[tuple[str, int]]:
    """The app over ``index`` (with ``config``) served on a free local port: its address."""
    from sokbo.web import create_app
    from sokbo.web.server import bind, make_server

    sock = bind("127.0.0.1", 0)
    server = make_server(create_app({"INDEX_DIR": str(index), **config}), sock, threads=threads)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", sock.getsockname()[1]
    finally:
        server.close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (apt-get install chromium; browsers cannot be downloaded here)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):  # .ci/run installs it: a missing browser there is a failure
            pytest.fail(f"CI must provide chromium at {CHROMIUM}")
        pytest.skip(f"no chromium binary at {CHROMIUM}: install it with `apt-get install chromium` to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install sokbo[test])")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
