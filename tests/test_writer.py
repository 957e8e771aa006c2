"""The one way posts enter an index: ``with service.writer(...) as writer``, in this process or
through parts written by the indexer's worker processes, on real index files."""

from __future__ import annotations

import ast
import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sokbo.indexer.workers import WorkerFailed, Workers, write_in_workers
from sokbo.search import IndexWriteError, Post, SearchRequest, SearchService

ROOT = Path(__file__).resolve().parents[1]


BODIES = {"예산안": "국회 본회의에서 예산안이 통과됐다.", "환율": "외환시장에서 환율이 급등했다."}


def post(n: int, topic: str = "예산안") -> Post:
    day = dt.date(2024, 7, 1) + dt.timedelta(days=n % 300)
    return Post(id=f"post-{n}", title=f"{topic} 소식 {n}", date=day.isoformat(), day=day, categories=("정치",), body=BODIES[topic])


def found(service: SearchService, q: str) -> list[str]:
    """Every post that matches ``q``, near-duplicates folded under a hit included."""
    hits = service.search(SearchRequest(q=q, per_page=100)).hits
    return sorted([h.id for h in hits] + [s.id for h in hits for s in h.similar])


def read_post(n: int) -> tuple[Post | None, str]:
    """``read`` for the workers: odd numbers are posts about 환율, the rest are not posts."""
    return (post(n, "환율") if n % 2 else None), f"read {n}"


def test_a_full_build_goes_live_when_its_block_ends(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    with service.writer(full=True) as writer:
        for n in range(3):
            writer.add(post(n))
        writer.manifest = {"files": {"a.md": 1}}
    assert writer.posts == 3
    assert found(service, "예산안") == ["post-0", "post-1", "post-2"]
    assert service.manifest() == {"files": {"a.md": 1}}


def test_an_exception_in_the_block_cancels_the_run_and_keeps_the_index(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    service.rebuild([post(1)])
    for full in (True, False):
        with pytest.raises(ValueError), service.writer(full=full) as writer:
            writer.add(post(2))
            writer.delete("post-1")
            raise ValueError("the indexer failed half-way")
        assert found(service, "예산안") == ["post-1"], full
    assert sorted(p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")) == ["gen-000001"]


def test_an_update_replaces_by_id_deletes_and_keeps_the_manifest_unless_given(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    with service.writer(full=True) as writer:
        for n in range(3):
            writer.add(post(n))
        writer.manifest = {"kept": True}
    with service.writer() as writer:
        writer.delete("post-0")
        writer.add(post(1, "환율"))
    assert writer.posts == 2
    assert found(service, "예산안") == ["post-2"]
    assert found(service, "환율") == ["post-1"]
    assert service.manifest() == {"kept": True}


def test_parts_from_worker_processes_publish_in_one_commit_and_replace_by_id(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    service.rebuild(post(n) for n in range(60))
    reports: list[str] = []
    with service.writer() as writer:  # an update: the workers' posts replace those of their ids
        writer.add(post(100))
        write_in_workers(writer, list(range(40)), read_post, reports.append, procs=2)
    assert sorted(reports, key=lambda r: int(r.split()[1])) == [f"read {n}" for n in range(40)]
    assert writer.posts == 61
    assert found(service, "환율") == sorted(f"post-{n}" for n in range(1, 40, 2))
    assert len(found(service, "예산안")) == 61 - 20
    assert service.stats()["posts"] == 61


def test_a_full_build_in_workers_equals_one_in_this_process(tmp_path: Path) -> None:
    here, there = SearchService(tmp_path / "here"), SearchService(tmp_path / "there")
    with here.writer(full=True) as writer:
        for n in range(50):
            item, _ = read_post(n)
            if item is not None:
                writer.add(item)
    with there.writer(full=True) as writer:
        write_in_workers(writer, list(range(50)), read_post, lambda _r: None, procs=2)
    assert here.indexed_ids() == there.indexed_ids()
    assert found(here, "환율") == found(there, "환율")


def _warm_slowly(mark: Path) -> None:
    """``warm`` for the workers: what loading the model stands for, slow and leaving a mark."""
    import time

    time.sleep(0.3)
    (mark / str(os.getpid())).touch()


def test_workers_started_before_the_writer_opens_write_into_it(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    service.rebuild(post(n) for n in range(10))
    marks = tmp_path / "warm"
    marks.mkdir()
    with Workers(read_post, lambda: _warm_slowly(marks), early=2) as workers:
        assert workers.started == 2
        with service.writer() as writer:  # opened after the workers forked, as a run plans first
            workers.write(writer, [1, 3, 4], lambda _r: None)  # one chunk: one worker gets no work
    assert len(list(marks.iterdir())) == 2  # each warmed up before it took work
    assert writer.posts == 10  # post-1 and post-3 replaced, 4 is not a post
    assert found(service, "환율") == ["post-1", "post-3"]


def test_workers_given_no_work_are_stopped_and_write_nothing(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    service.rebuild([post(1)])
    before = sorted(p.name for p in (tmp_path / "ix" / "gen-000001").iterdir())
    with Workers(read_post, lambda: None, early=1) as workers:
        pid = workers._procs[0].pid
    assert not Path(f"/proc/{pid}").exists()
    assert sorted(p.name for p in (tmp_path / "ix" / "gen-000001").iterdir()) == before


def test_a_run_in_a_fresh_process_loads_the_model_in_its_worker_only(tmp_path: Path) -> None:
    """``sokbo index`` of one new post: the early worker loads the model while the run plans,
    and the run's own process never loads it (a publish waits for it once, not twice)."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2024-07-01-a.md").write_text("---\ntitle: 환율 급등\n---\n외환시장에서 환율이 급등했다.\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from sokbo.indexer.build import build_index\n"
        "from sokbo.search.analysis import model_loaded\n"
        "summary = build_index(sys.argv[1], sys.argv[2])\n"
        "print(summary.added, model_loaded(()))\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(posts), str(tmp_path / "ix")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "False"]
    assert found(SearchService(tmp_path / "ix"), "환율") == ["2024-07-01-a"]


def _fail_with_full_disk(n: int) -> tuple[Post | None, str]:
    if n == 33:
        raise OSError(errno.ENOSPC, "No space left on device", "/ix/seg")
    return read_post(n)


def _fail_with_a_bug(n: int) -> tuple[Post | None, str]:
    if n == 33:
        raise KeyError("a bug in reading")
    return read_post(n)


def test_a_workers_full_disk_comes_back_as_one_and_nothing_is_published(tmp_path: Path) -> None:
    service = SearchService(tmp_path / "ix")
    service.rebuild([post(1)])
    with pytest.raises(IndexWriteError, match="the disk is full") as raised, service.writer(full=True) as writer:
        write_in_workers(writer, list(range(60)), _fail_with_full_disk, lambda _r: None, procs=2)
    assert raised.value.full and isinstance(raised.value.__cause__, OSError)
    assert raised.value.__cause__.errno == errno.ENOSPC
    with pytest.raises(WorkerFailed, match="a bug in reading"), service.writer() as writer:
        write_in_workers(writer, list(range(60)), _fail_with_a_bug, lambda _r: None, procs=2)
    assert found(service, "예산안") == ["post-1"] and found(service, "환율") == []


def test_the_library_never_calls_up_into_the_indexer_or_the_web_app() -> None:
    for path in sorted((ROOT / "search").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                name = node.module if node.level == 0 else f"sokbo.search.{node.module}"
                assert not name.startswith(("sokbo.indexer", "sokbo.web")), f"{path.name} imports {name}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith(("sokbo.indexer", "sokbo.web")) for a in node.names), path.name
