"""The publishing workflow: incremental runs, crash safety, one writer at a time, live reloads.

Crash tests kill a real ``sokbo index`` subprocess with SIGKILL at chosen points (the point is
chosen by wrapping a function in that subprocess, so no test hook lives in sokbo itself) and
then check that the previous index still answers, that no lock is left held, and that the
next run brings everything up to date.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from sokbo.indexer.build import build_index
from sokbo.search import SearchRequest, SearchService

from .conftest import SAMPLES, copy_posts

ALL = sorted(p.name for p in SAMPLES.glob("*.md"))


def ids_for(index_dir: Path, q: str) -> list[str]:
    response = SearchService(index_dir).search(SearchRequest(q=q, per_page=100))
    return sorted(hit.id for hit in response.hits)


def all_ids(index_dir: Path) -> set[str]:
    return SearchService(index_dir).indexed_ids()


def sokbo(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sokbo.indexer", *args], capture_output=True, text=True, timeout=timeout
    )


# -- incremental runs ---------------------------------------------------------------------


def test_add_edit_delete_and_rename_are_each_reflected(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md", "2024-06-12-samsung-hbm3e-test.md"])
    ix = tmp_path / "ix"
    first = build_index(posts, ix)
    assert first.full and first.added == 2

    # nothing changed: nothing is read
    again = build_index(posts, ix)
    assert (again.full, again.added, again.updated, again.removed, again.unchanged) == (False, 0, 0, 0, 2)

    # add
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    added = build_index(posts, ix)
    assert (added.full, added.added, added.unchanged) == (False, 1, 2)
    assert ids_for(ix, "가거도") == ["2024-09-11-gageodo-island-concert"]

    # edit: the new word is found, the old one is gone
    path = posts / "2024-06-12-samsung-hbm3e-test.md"
    path.write_text(path.read_text(encoding="utf-8").replace("HBM3E", "LPDDR6"), encoding="utf-8")
    edited = build_index(posts, ix)
    assert (edited.added, edited.updated, edited.removed) == (0, 1, 0)
    assert ids_for(ix, "LPDDR6") == ["2024-06-12-samsung-hbm3e-test"]
    assert ids_for(ix, "HBM3E") == []

    # delete
    (posts / "2024-06-03-minimum-wage-talks.md").unlink()
    deleted = build_index(posts, ix)
    assert (deleted.removed, deleted.posts) == (1, 2)
    assert ids_for(ix, "최저임금") == []

    # rename: the old id goes, the new one comes, with the same text
    (posts / "2024-09-11-gageodo-island-concert.md").rename(posts / "2024-09-12-gageodo-concert.md")
    renamed = build_index(posts, ix)
    assert (renamed.added, renamed.removed, renamed.posts) == (1, 1, 2)
    assert ids_for(ix, "가거도") == ["2024-09-12-gageodo-concert"]
    assert all_ids(ix) == {"2024-06-12-samsung-hbm3e-test", "2024-09-12-gageodo-concert"}


def test_a_touched_but_unchanged_post_is_not_reanalysed(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    path = posts / "2024-06-03-minimum-wage-talks.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    summary = build_index(posts, ix)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 1)


def test_moving_a_post_between_folders_keeps_its_id(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    (posts / "economy").mkdir()
    (posts / "2024-06-03-minimum-wage-talks.md").rename(posts / "economy" / "2024-06-03-minimum-wage-talks.md")
    summary = build_index(posts, ix)
    assert (summary.updated, summary.removed, summary.posts) == (1, 0, 1)
    assert ids_for(ix, "최저임금") == ["2024-06-03-minimum-wage-talks"]


def test_a_post_that_becomes_unpublished_or_broken_is_removed(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md", "2024-06-12-samsung-hbm3e-test.md"])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    path = posts / "2024-06-03-minimum-wage-talks.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\npublished: false\n", 1), encoding="utf-8")
    summary = build_index(posts, ix)
    assert (summary.removed, summary.skipped, summary.posts) == (1, 1, 1)
    assert ids_for(ix, "최저임금") == []


def test_a_post_whose_date_categories_or_permalink_changed_is_reindexed(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    path = posts / "2024-06-03-minimum-wage-talks.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - News\n  - 경제\n", "  - 속보\n").replace("---\n", "---\ndate: 2024-06-04\n", 1), encoding="utf-8")
    assert build_index(posts, ix).updated == 1
    hit = SearchService(ix).search(SearchRequest(q="최저임금")).hits[0]
    assert (hit.categories, hit.date) == (["속보"], "2024-06-04")
    # the site's permalink pattern changes every URL: every post is read again
    (posts.parent / "_config.yml").write_text("permalink: /news/:year/:title/\n", encoding="utf-8")
    summary = build_index(posts, ix)
    assert summary.updated == 1
    hit = SearchService(ix).search(SearchRequest(q="최저임금")).hits[0]
    assert hit.url.endswith("/news/2024/minimum-wage-talks/"), hit.url


def test_full_rebuilds_into_a_new_generation(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ALL[:5])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    gen = SearchService(ix).store.current()
    summary = build_index(posts, ix, full=True)
    assert summary.full and summary.updated == 5
    second = SearchService(ix).store.current()
    assert second != gen
    assert (ix / gen).is_dir()  # the generation it replaced stays, to fall back to if it is damaged
    build_index(posts, ix, full=True)
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith("gen-")) == [second, SearchService(ix).store.current()]


def test_a_full_rebuild_reads_changed_new_and_unchanged_files_and_remembers_them_all(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ALL[:5])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    changed = posts / ALL[2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n추가 취재로 드러난 제보자 진술.\n", encoding="utf-8")
    (posts / ALL[7]).write_bytes((SAMPLES / ALL[7]).read_bytes())
    summary = build_index(posts, ix, full=True)
    assert (summary.added, summary.updated, summary.posts) == (1, 5, 6)
    assert all_ids(ix) == {Path(name).stem for name in [*ALL[:5], ALL[7]]}
    assert ids_for(ix, "제보자 진술") == [Path(ALL[2]).stem]
    again = build_index(posts, ix)  # the rebuild's manifest holds every file as it is now
    assert (again.added, again.updated, again.removed, again.unchanged, again.full) == (0, 0, 0, 6, False)


def test_parallel_and_serial_builds_index_the_same_posts(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    a = build_index(SAMPLES, serial, procs=1)
    b = build_index(SAMPLES, parallel, procs=2, full=True)
    assert (a.posts, a.recovered, a.skipped, a.failed) == (b.posts, b.recovered, b.skipped, b.failed)
    assert all_ids(serial) == all_ids(parallel)
    for q in ["동맹", "대통령이", "올림픽 금메달", "HBM3E"]:
        assert ids_for(serial, q) == ids_for(parallel, q), q
    # the parallel build's manifest lets the next run skip everything
    assert build_index(SAMPLES, parallel).unchanged == b.posts


def test_an_update_of_many_posts_in_worker_processes_equals_a_rebuild(tmp_path: Path) -> None:
    """An incremental run reads its posts in workers too: their parts replace the old posts."""
    posts = copy_posts(tmp_path, ALL)
    ix, fresh = tmp_path / "ix", tmp_path / "fresh"
    build_index(posts, ix, procs=1)
    edited = sorted(posts.glob("*.md"))[:20]
    for path in edited:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n\n후속 보도: 쿼크소식 추가 취재.\n", encoding="utf-8")
    (posts / ALL[-1]).unlink()
    summary = build_index(posts, ix, procs=2)
    assert (summary.full, summary.updated, summary.removed) == (False, 20, 1)
    build_index(posts, fresh, procs=1, full=True)
    assert all_ids(ix) == all_ids(fresh)
    for q in ["쿼크소식", "동맹", "대통령이", "HBM3E"]:
        assert ids_for(ix, q) == ids_for(fresh, q), q
    assert len(ids_for(ix, "쿼크소식")) > 1
    assert build_index(posts, ix).unchanged == summary.posts


# -- a running web app ---------------------------------------------------------------------


def test_a_running_web_app_sees_a_post_added_after_it_started(tmp_path: Path) -> None:
    from sokbo.web import create_app

    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    build_index(posts, ix)
    client = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
    assert client.get("/api/search?q=가거도").get_json()["total"] == 0
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    build_index(posts, ix)  # an incremental run: the same generation, a new commit
    deadline = time.monotonic() + 5
    while client.get("/api/search?q=가거도").get_json()["total"] == 0:
        assert time.monotonic() < deadline, "the app never saw the new post"
        time.sleep(0.2)
    build_index(posts, ix, full=True)  # a new generation
    time.sleep(1.1)
    assert client.get("/api/search?q=가거도").get_json()["total"] == 1
    assert client.get("/api/search?q=최저임금").get_json()["total"] == 1


# -- one writer at a time ------------------------------------------------------------------


def test_a_publish_is_committed_before_its_manifest_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest (11 MB at 100,000 posts, 0.1-0.2 s to build) is built once the commit is
    done, and readers already find the post: a publish waits for it no more."""
    from sokbo.indexer import build

    posts = copy_posts(tmp_path, ALL[:5])
    ix = tmp_path / "ix"
    build_index(posts, ix, procs=1)
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    seen: list[list[str]] = []
    manifest = build._manifest

    def spying(*args: object) -> dict:
        seen.append(ids_for(ix, "가거도"))
        return manifest(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_manifest", spying)
    build_index(posts, ix, procs=1)
    assert seen == [["2024-09-11-gageodo-island-concert"]]
    store = SearchService(ix).store
    assert "2024-09-11-gageodo-island-concert.md" in store.manifest(store.current())["files"]


def test_two_concurrent_runs_never_corrupt_the_index(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ALL)
    ix = tmp_path / "ix"
    args = [sys.executable, "-m", "sokbo.indexer", "index", str(posts), "--index", str(ix), "--json", "--full"]
    first = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "waiting for" in err1 + err2
    posts_count = json.loads(out1)["posts"]
    assert json.loads(out2)["posts"] == posts_count
    assert len(all_ids(ix)) == posts_count
    # the second run's generation is live, the first's kept to fall back to
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith("gen-")) == ["gen-000001", "gen-000002"]
    assert SearchService(ix).store.current() == "gen-000002"


# -- kill -9 at several points -------------------------------------------------------------

# Runs `sokbo index` with one function wrapped so that the indexing process is SIGKILLed there.
CRASHER = textwrap.dedent(
    """
    import os, signal, sys
    point = sys.argv.pop(1)
    MAIN = os.getpid()

    def die():
        os.kill(MAIN, signal.SIGKILL)  # from a worker too: it is the main process that dies
        signal.pause()

    def after(obj, name, nth=1):
        original = getattr(obj, name)
        calls = []
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            calls.append(1)
            if len(calls) >= nth:
                die()
            return result
        setattr(obj, name, wrapper)

    def before(obj, name, nth=1):
        original = getattr(obj, name)
        calls = []
        def wrapper(*args, **kwargs):
            calls.append(1)
            if len(calls) >= nth:
                die()
            return original(*args, **kwargs)
        setattr(obj, name, wrapper)

    import whoosh.index, whoosh.writing
    import sokbo.search.writer, sokbo.search.store, sokbo.search.service
    if point == "analysis":       # a worker, in the middle of analysing posts
        before(sokbo.search.writer, "to_fields", nth=5)
    elif point == "segment":      # a worker has written its segment, nothing is committed
        after(whoosh.writing.SegmentWriter, "_finalize_segment")
    elif point == "toc":          # the new generation's table of contents is half written
        before(whoosh.index.TOC, "write")
    elif point == "switch":       # the generation is complete but CURRENT not yet switched
        before(sokbo.search.store.IndexStore, "_point_to")
    elif point == "update-commit": # an incremental commit: segment written, no new TOC yet
        before(whoosh.index.TOC, "write")
    elif point == "manifest":     # incremental: committed, manifest not yet saved
        before(sokbo.search.store, "_write_json")
    elif point == "meta":         # incremental: committed, manifest saved, its files not yet recorded
        before(sokbo.search.store, "_write_json", nth=2)
    from sokbo.indexer.cli import main
    sys.argv[0] = "sokbo"
    main()
    """
)


@pytest.mark.parametrize(
    "point, full",
    [
        ("analysis", True),
        ("segment", True),
        ("toc", True),
        ("switch", True),
        ("update-commit", False),
        ("manifest", False),
        ("meta", False),
    ],
)
def test_kill_9_leaves_the_index_usable_and_the_next_run_repairs(tmp_path: Path, point: str, full: bool) -> None:
    posts = copy_posts(tmp_path, ALL[:30])
    ix = tmp_path / "ix"
    build_index(posts, ix, procs=1)
    before_ids = all_ids(ix)
    assert ids_for(ix, "가거도") == []
    # the change the killed run was making: one post added, one edited, one deleted
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    (posts / ALL[0]).unlink()
    edited = posts / ALL[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n폭풍전야라는 말이 나왔다.\n", encoding="utf-8")

    args = ["index", str(posts), "--index", str(ix), "--procs", "2"] + (["--full"] if full else [])
    killed = subprocess.run(
        [sys.executable, "-c", CRASHER, point, *args], capture_output=True, text=True, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # The index still opens and answers: the old state, or (killed after the commit) the new.
    ids = all_ids(ix)
    assert ids in (before_ids, before_ids - {Path(ALL[0]).stem} | {"2024-09-11-gageodo-island-concert"})
    assert ids_for(ix, "최저임금") or ids_for(ix, "가거도")

    # No lock is left held (by the dead process or an orphaned worker): --no-wait goes ahead.
    time.sleep(0.5)
    repair = sokbo("index", str(posts), "--index", str(ix), "--no-wait", "--json")
    assert repair.returncode == 0, repair.stderr
    assert all_ids(ix) == before_ids - {Path(ALL[0]).stem} | {"2024-09-11-gageodo-island-concert"}
    assert ids_for(ix, "가거도") == ["2024-09-11-gageodo-island-concert"]
    assert ids_for(ix, "폭풍전야") == [Path(ALL[1]).stem]
    assert not [p for p in ix.iterdir() if p.name.endswith(".tmp")]
    assert [p.name for p in ix.iterdir() if p.name.startswith("gen-")] == [SearchService(ix).store.current()]
    if point in ("analysis", "segment", "toc", "switch"):
        assert "left by an interrupted run" in repair.stderr
    # and the run after that has nothing left to do
    again = json.loads(sokbo("index", str(posts), "--index", str(ix), "--json").stdout)
    assert (again["added"], again["updated"], again["removed"]) == (0, 0, 0)


# -- watch mode ----------------------------------------------------------------------------


def test_watch_picks_up_an_added_an_edited_and_a_deleted_post(tmp_path: Path) -> None:
    from sokbo.indexer.site import Site
    from sokbo.indexer.watch import watch

    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    runs = []
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch, args=(posts, ix, Site(), runs.append), kwargs={"stop": stop, "ready": ready.set})
    thread.start()
    try:
        assert ready.wait(60)
        service = SearchService(ix)

        def becomes(q: str, expected: list[str]) -> None:
            deadline = time.monotonic() + 10
            while True:
                service._checked = 0.0  # this test polls faster than the app looks for commits
                found = sorted(h.id for h in service.search(SearchRequest(q=q)).hits)
                if found == expected:
                    return
                assert time.monotonic() < deadline, (q, found, [r.line() for r in runs])
                time.sleep(0.05)

        shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
        becomes("가거도", ["2024-09-11-gageodo-island-concert"])
        path = posts / "2024-06-03-minimum-wage-talks.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n\n폭풍전야였다.\n", encoding="utf-8")
        becomes("폭풍전야", ["2024-06-03-minimum-wage-talks"])
        path.unlink()
        becomes("최저임금", [])
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    assert all(run.ok for run in runs)


def test_watch_reports_a_failed_run_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sokbo.indexer import watch as watch_module
    from sokbo.indexer.site import Site

    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    real = watch_module.build_index
    calls: list[int] = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first change: as if the disk were full
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(watch_module, "build_index", flaky)
    runs, errors = [], []
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=watch_module.watch,
        args=(posts, ix, Site(), runs.append),
        kwargs={"stop": stop, "ready": ready.set, "on_error": errors.append},
    )
    thread.start()
    try:
        assert ready.wait(60)
        shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
        deadline = time.monotonic() + 10
        while not errors:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        shutil.copy(SAMPLES / "2024-06-12-samsung-hbm3e-test.md", posts)
        while sum(run.added for run in runs[1:]) < 2:
            assert time.monotonic() < deadline + 10, [run.line() for run in runs]
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(30)
    assert "No space left" in str(errors[0])
    # the post of the failed run is picked up by a later one
    assert all_ids(ix) >= {"2024-09-11-gageodo-island-concert", "2024-06-12-samsung-hbm3e-test"}
