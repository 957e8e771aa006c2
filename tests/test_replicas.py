"""Read replicas: an index copied by ``sokbo replicate`` to a second folder and served from there
by a second, real ``sokbo serve``, which follows every copy without a restart and never sees a
half-copied index (README, "Serving from replicas").

Two folders on this machine stand for the two machines: rsync copies to a folder as it copies
to ``host:folder``, in the same steps.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from .conftest import copy_posts

POSTS = [
    "2024-06-03-minimum-wage-talks.md",
    "2024-06-12-samsung-hbm3e-test.md",
    "2024-06-20-early-heatwave.md",
    "2024-07-05-kbo-allstar-game.md",
]
WORD = "복제서버"
"""In the posts added on the primary only: a search for it finds 0 posts, then 1, then 2."""


@pytest.fixture()
def rsync() -> None:
    if shutil.which("rsync") is None:
        if os.environ.get("CI"):  # .ci/run installs it: a missing rsync there is a failure
            pytest.fail("CI must provide rsync (apt-get install rsync)")
        pytest.skip("sokbo replicate copies with rsync: install it with `apt-get install rsync` to run these tests")


def _post(posts: Path, day: str, title: str) -> None:
    (posts / f"{day}-replica.md").write_text(
        f"---\ntitle: {title}\ncategories: [News]\n---\n\n{WORD} 시험 기사: {title}.\n", encoding="utf-8"
    )


def _files(index: Path) -> list[str]:
    """Every file of an index folder but the writer's lock, relative to it."""
    return sorted(p.relative_to(index).as_posix() for p in index.rglob("*") if p.is_file() and p.name != "LOCK")


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Poller(threading.Thread):
    """Asks the replica's server for /healthz and a search, over and over, until stopped.

    Each answer is kept apart (``health``: status, generation, posts; ``searches``: status,
    hits): the two of one round may come from different worker processes, which each look
    for a new commit on their own.
    """

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.health: list[tuple[int, str, int]] = []
        self.searches: list[tuple[int, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                status, body = _get(f"{self.base}/healthz")
                self.health.append((status, body.get("generation", json.dumps(body)[:300]), body.get("posts", -1)))
                status, body = _get(f"{self.base}/api/search?q={urllib.parse.quote(WORD)}")
                self.searches.append((status, body.get("total", -1)))
            except (OSError, ValueError) as exc:  # no answer, or not JSON: as much a failure as a 5xx
                self.health.append((0, repr(exc), -1))
            time.sleep(0.01)

    def latest(self) -> tuple[str, int, int]:
        """Generation, posts and hits answered after this call began, by both workers."""
        count, deadline = len(self.health), time.monotonic() + 20
        while len(self.health) < count + 4:
            assert self.is_alive() and time.monotonic() < deadline, "the poller stopped getting answers"
            time.sleep(0.02)
        assert len(set(self.health[-2:])) == 1 and len(set(self.searches[-2:])) == 1, (self.health[-4:], self.searches[-4:])
        (_status, generation, posts), (_ok, hits) = self.health[-1], self.searches[-1]
        return generation, posts, hits


def test_a_replica_server_follows_each_copy_without_a_restart_and_never_sees_it_half_made(rsync: None, tmp_path: Path) -> None:
    """A primary and a replica folder; a real ``sokbo serve`` (two workers) on the replica,
    asked over and over while the primary changes and is copied: (a) an incremental run's
    commit, (b) two full rebuilds (a new generation, and the one the replica serves dropped),
    (c) what the primary dropped is removed from the replica. Between the steps of each copy a
    new reader finds the replica whole, and the server has a second to look at it too."""
    from sokbo.indexer.build import build_index
    from sokbo.indexer.cli import cli
    from sokbo.search.replica import STEPS, replicate
    from sokbo.search.service import RELOAD_CHECK_SECONDS
    from sokbo.search.store import IndexStore
    from sokbo.web.server import bind

    posts = copy_posts(tmp_path, POSTS)
    primary, replica = tmp_path / "primary", tmp_path / "replica"
    build_index(posts, primary, procs=1)
    first = CliRunner().invoke(cli, ["replicate", str(primary), str(replica)])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"{replica} serves gen-000001 (its CURRENT switched to it): ")
    assert _files(replica) == _files(primary)

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    log = tmp_path / "serve.err"
    with open(log, "wb") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "sokbo.indexer", "serve", "--index", str(replica), "--port", str(port), "--workers", "2", "--threads", "2"],
            stdout=subprocess.PIPE, stderr=err, text=True,
        )
    base = f"http://127.0.0.1:{port}"
    poller = Poller(base)
    try:
        assert server.stdout is not None
        assert "with 2 worker(s)" in server.stdout.readline()
        threading.Thread(target=server.stdout.read, daemon=True).start()  # the access log: never let the pipe fill
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(f"{base}/healthz")[0] == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the replica's server did not answer"
                time.sleep(0.1)
        poller.start()
        steps: list[tuple[str, str]] = []

        def between(step: str) -> None:
            """After each step of a copy: a reader that looks now finds the copy whole; then
            give the running server the time to look at it too."""
            opened = IndexStore(replica).open_whole()
            opened.ix.close()
            assert opened.skipped == [], (step, opened.skipped)
            steps.append((step, opened.name))
            if step != STEPS[-1]:
                time.sleep(RELOAD_CHECK_SECONDS + 0.3)

        # (a) An incremental run on the primary commits into the live generation; the copy
        # follows it there.
        _post(posts, "2024-08-01", "복제 첫 기사")
        summary = build_index(posts, primary, procs=1)
        assert (summary.added, summary.full) == (1, False)
        replicate(primary, str(replica), progress=between)
        assert steps == [(step, "gen-000001") for step in STEPS]
        assert _files(replica) == _files(primary)  # the commit's replaced table of contents removed too
        assert poller.latest() == ("gen-000001", 5, 1)

        # (b) Two full rebuilds on the primary before the next copy: it holds gen-000002 (the
        # fallback) and gen-000003 (live), and has removed gen-000001, which the replica serves.
        _post(posts, "2024-08-02", "복제 둘째 기사")
        for _ in range(2):
            assert build_index(posts, primary, procs=1, full=True).full
        assert sorted(p.name for p in primary.glob("gen-*")) == ["gen-000002", "gen-000003"]
        (replica / "gen-000001" / ".MAIN_x.seg.Ab12Cd").write_bytes(b"a copy killed while writing this")
        steps.clear()
        done = replicate(primary, str(replica), progress=between)
        assert done.switched and done.generation == "gen-000003" and done.removed > 0
        assert steps == [("segments", "gen-000001"), ("commits", "gen-000001"), ("current", "gen-000003"), ("prune", "gen-000003")]
        # (c) What the primary dropped is gone from the replica too: gen-000001, which its
        # server served until the switch, with the temporary file in it.
        assert _files(replica) == _files(primary)
        assert sorted(p.name for p in replica.glob("gen-*")) == ["gen-000002", "gen-000003"]
        assert poller.latest() == ("gen-000003", 6, 2)
        time.sleep(0.3)
        poller.stop.set()
        poller.join(timeout=10)

        # Every answer during the copies was a 200 of one whole state: never a 5xx, never the fallback.
        health, searches = Counter(poller.health), Counter(poller.searches)
        assert set(health) <= {(200, "gen-000001", 4), (200, "gen-000001", 5), (200, "gen-000003", 6)}, health
        assert set(searches) <= {(200, 0), (200, 1), (200, 2)}, searches
        assert len(poller.health) > 100, health
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        poller.stop.set()
        if server.poll() is None:  # the test failed: SIGTERM, on which the server stops its workers too
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    said = log.read_text(encoding="utf-8", errors="replace")
    assert "damaged" not in said and "skipped" not in said, said


def test_a_commits_table_of_contents_or_meta_copied_alone_leaves_the_copy_whole(rsync: None, tmp_path: Path) -> None:
    """Step 2 copies a commit's table of contents and its ``sokbo.json`` one after the other
    (and a copy may stop between them): the copy is whole with either of them alone, and
    searches the new commit as soon as its table of contents is there."""
    from sokbo.indexer.build import build_index
    from sokbo.search import SearchRequest, SearchService
    from sokbo.search.replica import replicate
    from sokbo.search.store import META, IndexStore

    posts = copy_posts(tmp_path, POSTS[:2])
    primary, replica = tmp_path / "primary", tmp_path / "replica"
    build_index(posts, primary, procs=1)
    replicate(primary, str(replica))
    _post(posts, "2024-08-01", "복제 첫 기사")
    assert not build_index(posts, primary, procs=1).full
    gen = "gen-000001"
    new = sorted(p.name for p in (primary / gen).iterdir() if not (replica / gen / p.name).exists())
    toc = [name for name in new if name.endswith(".toc")]
    assert len(toc) == 1 and all(name.endswith(".seg") for name in new if name not in toc), new
    for name in new:  # step 1: the commit's segments
        if name not in toc:
            shutil.copy2(primary / gen / name, replica / gen / name)
    for alone, hits in ((toc[0], 1), (META, 0)):
        copy = tmp_path / f"with-{alone}"
        shutil.copytree(replica, copy)
        shutil.copy2(primary / gen / alone, copy / gen / alone)
        opened = IndexStore(copy).open_whole()
        opened.ix.close()
        assert (opened.name, opened.skipped) == (gen, []), alone
        assert SearchService(copy).search(SearchRequest(q=WORD)).as_dict()["total"] == hits, alone


def test_replicate_copies_nothing_from_a_folder_without_a_whole_index(rsync: None, tmp_path: Path, sample_index: Path) -> None:
    from sokbo.indexer.cli import cli

    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["replicate", str(empty), str(tmp_path / "replica")])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: nothing copied: no sokbo index in {empty}"
    assert list(empty.iterdir()) == [] and not (tmp_path / "replica").exists()  # not even a LOCK left behind

    damaged = tmp_path / "damaged"
    shutil.copytree(sample_index, damaged, ignore=shutil.ignore_patterns("LOCK"))
    live = damaged / (damaged / "CURRENT").read_text().strip()
    segment = max(live.glob("*.seg"), key=lambda p: p.stat().st_size)
    with open(segment, "r+b") as f:
        f.truncate(segment.stat().st_size // 2)
    result = CliRunner().invoke(cli, ["replicate", str(damaged), str(tmp_path / "replica")])
    assert result.exit_code == 1
    assert "nothing copied: the live generation of" in result.output and "is not whole" in result.output
    assert not (tmp_path / "replica").exists()


def test_a_file_that_vanishes_while_healthz_counts_the_size_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rsync renames each temporary file it wrote (and a commit removes merged segments) while
    a server lists the generation for its size: that file counts 0 instead of failing /healthz."""
    from sokbo.search import store as store_module
    from sokbo.search.store import IndexStore

    gen = tmp_path / "gen-000001"
    gen.mkdir()
    (gen / "kept.seg").write_bytes(b"x" * 10)
    (gen / ".renamed.seg.XyZ123").write_bytes(b"y" * 7)
    listed = list(os.scandir(gen))  # listed now, as a server would: then rsync renames one
    (gen / ".renamed.seg.XyZ123").unlink()

    class Listing:
        def __enter__(self) -> list[os.DirEntry[str]]:
            return listed

        def __exit__(self, *_exc: object) -> None:
            return None

    with monkeypatch.context() as patched:
        patched.setattr(store_module.os, "scandir", lambda _path: Listing())
        size = IndexStore(tmp_path).size_bytes("gen-000001")
    assert size == 10
