"""A damaged index heals itself: real index files on disk, each kind of damage made here.

Each test builds a small index (two generations when it needs one to fall back to), damages
it the way a disk, an operator or a crash could (a segment truncated, deleted or with bytes
flipped, the table of contents emptied, junk in ``CURRENT``, ``sokbo.json`` corrupt), and
checks that readers open the newest whole generation (or say in one line that there is none),
that a search meeting damage is a 503 and never a dead process, and that the next
``sokbo index`` rebuilds the index and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sokbo.indexer.build import build_index
from sokbo.indexer.cli import cli
from sokbo.search import IndexDamaged, SearchRequest, SearchService

from .conftest import SAMPLES, copy_posts

POSTS = ["2024-06-03-minimum-wage-talks.md", "2024-06-12-samsung-hbm3e-test.md", "2024-09-11-gageodo-island-concert.md"]
GAGEODO = "2024-09-11-gageodo-island-concert"


# -- damage, made on real files -----------------------------------------------------------


def segment(gen: Path) -> Path:
    """The (largest) segment file of a generation."""
    return max(gen.glob("*.seg"), key=lambda p: p.stat().st_size)


def truncate_segment(ix: Path, gen: str) -> None:
    path = segment(ix / gen)
    os.truncate(path, path.stat().st_size // 3)


def delete_segment(ix: Path, gen: str) -> None:
    segment(ix / gen).unlink()


def empty_toc(ix: Path, gen: str) -> None:
    next((ix / gen).glob("_MAIN_*.toc")).write_bytes(b"")


def junk_in_current(ix: Path, gen: str) -> None:
    (ix / "CURRENT").write_bytes(b"\x00\xffgen-\xea\xb0\x80 junk\n")


def flip_bytes(ix: Path, gen: str) -> None:
    path = segment(ix / gen)
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2)
        data = f.read(64)
        f.seek(-len(data), os.SEEK_CUR)
        f.write(bytes(b ^ 0xFF for b in data))


def corrupt_meta(ix: Path, gen: str) -> None:
    (ix / gen / "sokbo.json").write_text('{"schema_version": 7, "files": {', encoding="utf-8")


DAMAGE: dict[str, tuple[Callable[[Path, str], None], str]] = {
    # kind: (how, what the one line says)
    "truncated segment": (truncate_segment, "when it was committed"),
    "deleted segment": (delete_segment, "is missing"),
    "empty table of contents": (empty_toc, "_MAIN_1.toc is 0 bytes"),
    "junk in CURRENT": (junk_in_current, "CURRENT"),
    "flipped bytes": (flip_bytes, "does not match its checksum"),
    "corrupt sokbo.json": (corrupt_meta, "sokbo.json is corrupt"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Posts and an index of them with two generations (built, then rebuilt with --full);
    tests damage copies of it."""
    root = tmp_path_factory.mktemp("damage")
    posts = copy_posts(root, POSTS)
    ix = root / "ix"
    build_index(posts, ix, procs=1)
    build_index(posts, ix, procs=1, full=True)
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith("gen-")) == ["gen-000001", "gen-000002"]
    return posts, ix


def copy_index(built: tuple[Path, Path], tmp_path: Path, *, generations: int = 2) -> tuple[Path, Path]:
    """A copy of the built index (with only its live generation when ``generations`` is 1)."""
    posts, ix = built
    copy = tmp_path / "ix"
    shutil.copytree(ix, copy, copy_function=shutil.copy2)  # copy2: modification times too
    if generations == 1:
        shutil.rmtree(copy / "gen-000001")
    return posts, copy


def ids(service: SearchService, q: str = "") -> list[str]:
    return sorted(hit.id for hit in service.search(SearchRequest(q=q, per_page=100)).hits)


# -- readers open the newest whole generation -----------------------------------------------


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_generation_is_skipped_for_the_previous_one(built, tmp_path: Path, kind: str) -> None:
    _posts, ix = copy_index(built, tmp_path)
    damage, says = DAMAGE[kind]
    damage(ix, "gen-000002")
    lines: list[str] = []
    service = SearchService(ix, notify=lines.append)
    assert ids(service, "가거도") == [GAGEODO]
    assert len(service.indexed_ids()) == 3
    # junk in CURRENT: the newest generation is whole, and serves
    expected = "gen-000002" if kind == "junk in CURRENT" else "gen-000001"
    assert service.stats()["generation"] == expected
    assert len(lines) == 1 and "\n" not in lines[0], lines
    assert "skipped" in lines[0] and says in lines[0] and f"serving {expected}" in lines[0]
    ids(service, "최저임금")
    assert len(lines) == 1  # said once, not at every search


@pytest.mark.parametrize("kind", [k for k in DAMAGE if k != "junk in CURRENT"])
def test_with_no_whole_generation_every_reader_gets_a_one_line_error(built, tmp_path: Path, kind: str) -> None:
    from sokbo.web import create_app

    _posts, ix = copy_index(built, tmp_path, generations=1)
    damage, says = DAMAGE[kind]
    damage(ix, "gen-000002")
    lines: list[str] = []
    with pytest.raises(IndexDamaged) as raised:
        SearchService(ix, notify=lines.append).search(SearchRequest(q="가거도"))
    message = str(raised.value)
    assert "\n" not in message and says in message and "sokbo index" in message
    assert "another version" not in message
    assert lines == [message]

    client = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
    api = client.get("/api/search?q=가거도")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "index_damaged"
    page = client.get("/?q=가거도")
    assert page.status_code == 503
    assert "검색 색인이 손상되어" in page.get_data(as_text=True)
    assert client.get("/?q=가거도&lang=en").status_code == 503
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["error"]["code"] == "index_damaged"


def test_junk_in_current_with_one_generation_still_serves_it(built, tmp_path: Path) -> None:
    _posts, ix = copy_index(built, tmp_path, generations=1)
    junk_in_current(ix, "gen-000002")
    assert ids(SearchService(ix, notify=lambda _line: None), "가거도") == [GAGEODO]


def test_a_corrupt_sokbo_json_is_not_another_version(built, tmp_path: Path) -> None:
    runner = CliRunner()
    _posts, ix = copy_index(built, tmp_path, generations=1)
    corrupt_meta(ix, "gen-000002")
    result = runner.invoke(cli, ["search", "가거도", "--index", str(ix)])
    assert result.exit_code == 1
    assert "sokbo.json is corrupt (not valid JSON)" in result.stderr
    assert "another version" not in result.stderr


# -- a search that meets damage -------------------------------------------------------------


def test_a_segment_truncated_under_a_service_is_a_503_then_the_previous_generation(built, tmp_path: Path) -> None:
    _posts, ix = copy_index(built, tmp_path)
    lines: list[str] = []
    service = SearchService(ix, notify=lines.append)
    assert ids(service, "가거도") == [GAGEODO]  # the live segment is open now
    path = segment(ix / "gen-000002")
    os.truncate(path, 4096)  # in place: the open files see it too
    words = ["최저임금", "삼성", "HBM3E", "콘서트", "가거도 섬", "임금 협상"]
    with pytest.raises(IndexDamaged):
        for q in words:  # each reads posting lists the truncation removed
            service.search(SearchRequest(q=q))
    assert any("met damage in gen-000002" in line for line in lines), lines
    assert (ix / "gen-000002" / "DAMAGED").is_file()  # the next `sokbo index` rebuilds it
    assert ids(service, "가거도") == [GAGEODO]  # the next search: from the previous generation
    assert service.stats()["generation"] == "gen-000001"


# -- `sokbo index` repairs --------------------------------------------------------------------


@pytest.mark.parametrize("kind", DAMAGE)
def test_an_incremental_index_run_rebuilds_a_damaged_index_and_says_so(built, tmp_path: Path, kind: str) -> None:
    posts, ix = copy_index(built, tmp_path, generations=1)
    damage, says = DAMAGE[kind]
    damage(ix, "gen-000002")
    result = CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix), "--json"])
    assert result.exit_code == 0, result.output
    told = [line for line in result.stderr.splitlines() if "is damaged" in line]
    assert len(told) == 1 and says in told[0] and "rebuilding it in full" in told[0], result.stderr
    summary = json.loads(result.stdout)
    assert summary["full"] and summary["repaired"] and summary["posts"] == 3
    service = SearchService(ix)
    assert service.store.check(service.store.current() or "") is None
    assert service.store.current() == "gen-000003"
    assert ids(service, "가거도") == [GAGEODO]
    # the damaged generation is gone (with junk in CURRENT, gen-000002 is whole: it is kept to
    # fall back to); the next run has nothing to do
    kept = ["gen-000002"] if kind == "junk in CURRENT" else []
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith("gen-")) == [*kept, "gen-000003"]
    again = json.loads(CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix), "--json"]).stdout)
    assert (again["full"], again["repaired"], again["unchanged"]) == (False, None, 3)


def test_a_manifest_that_does_not_list_the_files_as_saved_is_a_full_rebuild_not_a_crash(tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, POSTS)
    ix = tmp_path / "ix"
    build_index(posts, ix, procs=1)
    manifest = ix / "gen-000001" / "manifest.json"
    saved = json.loads(manifest.read_text(encoding="utf-8"))
    saved["files"][POSTS[2]] = [GAGEODO, 12]  # an entry cut short (a hand edit, a bad copy)
    manifest.write_text(json.dumps(saved), encoding="utf-8")
    (posts / POSTS[2]).unlink()  # deleted meanwhile: only a rebuild can tell it is gone
    result = CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix), "--json"])
    assert result.exit_code == 0, result.output
    told = [line for line in result.stderr.splitlines() if "is damaged" in line]
    assert len(told) == 1 and f"the entry of {POSTS[2]!r}" in told[0] and "answered from it until then" in told[0], result.stderr
    summary = json.loads(result.stdout)
    assert summary["full"] and summary["repaired"] and summary["posts"] == 2
    assert ids(SearchService(ix), "가거도") == []
    again = json.loads(CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix), "--json"]).stdout)
    assert (again["full"], again["repaired"], again["unchanged"]) == (False, None, 2)


def test_a_repair_keeps_the_whole_previous_generation_to_fall_back_to(built, tmp_path: Path) -> None:
    posts, ix = copy_index(built, tmp_path)
    truncate_segment(ix, "gen-000002")
    result = CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix)])
    assert result.exit_code == 0, result.output
    assert "searches are answered from gen-000001 until then" in result.stderr
    assert "(full rebuild of a damaged index)" in result.stdout
    assert sorted(p.name for p in ix.iterdir() if p.name.startswith("gen-")) == ["gen-000001", "gen-000003"]


def rot_bytes(path: Path) -> None:
    """Change bytes of a segment's stored posts and postings (not the headers read at open) and
    keep its modification time: as a failing disk would."""
    stat = path.stat()
    with open(path, "r+b") as f:
        for start, length in parts_of_segment(path, "_stored.col", ".pst"):
            f.seek(start + length // 4)
            f.write(b"\xa5" * (length // 2))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


MORE = ["2024-07-03-hanmi-alliance-seminar.md", "2024-07-22-biden-exits-race.md", "2024-09-10-neolumitech-series-b.md",
        "2024-07-30-marketbada-settlement-delay.md", "2024-08-22-bok-holds-rate.md"]  # fmt: skip


def test_damage_the_cheap_check_misses_is_found_by_the_update_and_rebuilt(
    built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes changed under an unchanged modification time: the check before writing does not
    hash big files, so the update meets the damage when Whoosh merges that segment; the files
    are then hashed, the generation marked, and the same run rebuilds the index in full."""
    monkeypatch.setattr("sokbo.search.store.SMALL_FILE", 0)  # this test's segments count as big
    posts, ix = copy_index(built, tmp_path, generations=1)
    base = segment(ix / "gen-000002")
    for name in MORE[:4]:  # four more commits: five segments
        shutil.copy(SAMPLES / name, posts)
        assert build_index(posts, ix).added == 1
    rot_bytes(base)
    shutil.copy(SAMPLES / MORE[4], posts)  # with five before it, Whoosh merges them, base included
    result = CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix), "--json"])
    assert result.exit_code == 0, result.output
    told = [line for line in result.stderr.splitlines() if "is damaged" in line]
    assert len(told) == 1 and "does not match its checksum" in told[0], result.stderr
    summary = json.loads(result.stdout)
    assert summary["repaired"] and summary["full"] and summary["posts"] == 8
    assert ids(SearchService(ix), "가거도") == [GAGEODO]


def test_damage_a_search_meets_is_marked_and_the_next_index_run_rebuilds(
    built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sokbo.search.store.SMALL_FILE", 0)
    posts, ix = copy_index(built, tmp_path, generations=1)
    lines: list[str] = []
    service = SearchService(ix, notify=lines.append)
    rot_bytes(segment(ix / "gen-000002"))
    with pytest.raises(IndexDamaged):
        service.search(SearchRequest())  # the newest posts, with their stored text
    assert any("does not match its checksum" in line for line in lines), lines
    result = CliRunner().invoke(cli, ["index", str(posts), "--index", str(ix), "--json"])
    assert result.exit_code == 0, result.output
    assert "found damaged earlier" in result.stderr
    assert json.loads(result.stdout)["repaired"]
    assert ids(service, "가거도") == [GAGEODO]  # the same service: it reopens the new generation


def parts_of_segment(path: Path, *suffixes: str) -> list[tuple[int, int]]:
    """Where the parts of a compound segment file with these name endings are: (offset, length)."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.structfile import StructFile

    with open(path, "rb") as f:
        directory = CompoundStorage(StructFile(f), use_mmap=False)._dir
    return [(info["offset"], info["length"]) for name, info in directory.items() if name.endswith(suffixes)]


# -- `sokbo serve`, a real process ------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real ``sokbo serve`` process on a free port."""

    def __init__(self, ix: Path) -> None:
        self.port = free_port()
        self.log = ix.parent / "serve.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sokbo.indexer", "serve", "--index", str(ix), "--port", str(self.port),
             "--workers", "2", "--threads", "2"],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "w"),  # noqa: SIM115 - closed with the process
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/health", timeout=5).read()
                return
            except urllib.error.HTTPError:
                return  # answering (a 503 without an index)
            except OSError:
                assert self.proc.poll() is None, self.stderr()
                assert time.monotonic() < deadline, self.stderr()
                time.sleep(0.2)

    def get(self, q: str) -> tuple[int, dict]:
        url = f"http://127.0.0.1:{self.port}/api/search?" + urllib.parse.urlencode({"q": q})
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)


def test_serve_starts_on_a_damaged_index_answers_503_and_heals_after_sokbo_index(built, tmp_path: Path) -> None:
    posts, ix = copy_index(built, tmp_path, generations=1)
    truncate_segment(ix, "gen-000002")
    server = Server(ix)
    try:
        status, body = server.get("가거도")
        assert status == 503 and body["error"]["code"] == "index_damaged"
        told = [line for line in server.stderr().splitlines() if "damaged" in line]
        assert told and told[0].startswith("sokbo: the index in") and "Traceback" not in server.stderr()
        repair = subprocess.run(
            [sys.executable, "-m", "sokbo.indexer", "index", str(posts), "--index", str(ix)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert repair.returncode == 0, repair.stderr
        deadline = time.monotonic() + 10
        while (result := server.get("가거도"))[0] != 200:
            assert time.monotonic() < deadline, result
            time.sleep(0.2)
        assert [hit["id"] for hit in result[1]["hits"]] == [GAGEODO]
        assert server.proc.poll() is None
    finally:
        server.stop()


def test_serve_skips_a_damaged_generation_at_start(built, tmp_path: Path) -> None:
    _posts, ix = copy_index(built, tmp_path)
    delete_segment(ix, "gen-000002")
    server = Server(ix)
    try:
        status, body = server.get("가거도")
        assert status == 200 and [hit["id"] for hit in body["hits"]] == [GAGEODO]
        skipped = [line for line in server.stderr().splitlines() if "skipped" in line]
        assert len(skipped) == 1 and "gen-000002" in skipped[0] and "serving gen-000001" in skipped[0]
    finally:
        server.stop()


def test_a_segment_truncated_under_a_running_server_is_a_503_not_a_dead_process(built, tmp_path: Path) -> None:
    """Whoosh maps segment files into memory by default: truncating one under a running server
    killed it with SIGBUS. sokbo reads them without mmap, so a short read is an exception."""
    _posts, ix = copy_index(built, tmp_path)
    server = Server(ix)
    try:
        assert server.get("가거도")[0] == 200  # the live segment is open
        os.truncate(segment(ix / "gen-000002"), 4096)
        statuses = []
        for q in ["최저임금", "삼성", "HBM3E", "콘서트", "가거도 섬", "임금 협상"]:
            status, body = server.get(q)
            statuses.append(status)
            if status == 503:
                assert body["error"]["code"] == "index_damaged"
                break
        assert 503 in statuses, statuses
        assert server.proc.poll() is None, f"sokbo serve died ({server.proc.returncode}): {server.stderr()}"
        # Then the previous generation answers: at once in the worker that met the damage, and
        # within a second in the other (it sees the DAMAGED mark, or meets the damage itself).
        deadline = time.monotonic() + 10
        while (result := server.get("가거도"))[0] != 200:
            assert result[0] == 503 and result[1]["error"]["code"] == "index_damaged", result
            assert time.monotonic() < deadline, result
            time.sleep(0.2)
        assert [hit["id"] for hit in result[1]["hits"]] == [GAGEODO]
        assert server.proc.poll() is None
        assert "met damage in gen-000002" in server.stderr() and "Traceback" not in server.stderr()
    finally:
        server.stop()


# -- a folder that cannot be written, a full disk ---------------------------------------------


def namespace_or_skip() -> list[str]:
    """A command prefix that runs in a private mount namespace as (mapped) root, where a
    read-only bind mount and a small tmpfs are real kernel limits, even for root, and vanish
    with the process. Skips where Linux user namespaces are not allowed."""
    prefix = ["unshare", "--mount", "--map-root-user", "--"]
    if shutil.which("unshare") is None:
        pytest.skip("needs util-linux's unshare: a read-only folder and a full disk are made in a private mount namespace")
    probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=64k tmpfs /tmp"],
                           capture_output=True, text=True)  # fmt: skip
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not allowed here, so no read-only mount or small disk can be made: {probe.stderr.strip()}")
    return prefix


def in_namespace(prefix: list[str], script: str, **env: str) -> subprocess.CompletedProcess[str]:
    sokbo = f"{sys.executable} -m sokbo.indexer"
    return subprocess.run(
        [*prefix, "sh", "-c", script], capture_output=True, text=True, timeout=600,
        env={**os.environ, "SOKBO": sokbo, **env},
    )  # fmt: skip


def test_a_read_only_index_folder_is_one_line_and_exit_73(tmp_path: Path) -> None:
    prefix = namespace_or_skip()
    posts = copy_posts(tmp_path, POSTS[:2])
    ix = tmp_path / "ix"
    build_index(posts, ix, procs=1)
    shutil.copy(SAMPLES / POSTS[2], posts)
    done = in_namespace(
        prefix,
        'mount --bind "$IX" "$IX" && mount -o remount,bind,ro "$IX" || exit 99\n'
        '$SOKBO index "$POSTS" --index "$IX"; echo "index exit $?"\n'
        '$SOKBO search 최저임금 --index "$IX" --json; echo "search exit $?"\n',
        IX=str(ix), POSTS=str(posts),
    )  # fmt: skip
    assert done.returncode != 99, done.stderr
    assert "index exit 73" in done.stdout, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "Read-only file system" in errors[0] and str(ix) in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert "search exit 0" in done.stdout  # reading a read-only index is fine
    assert build_index(posts, ix).added == 1  # writable again: the post is indexed


def test_a_full_disk_is_one_line_and_exit_74_and_the_index_keeps_its_state(tmp_path: Path) -> None:
    prefix = namespace_or_skip()
    posts = copy_posts(tmp_path, [p.name for p in sorted(SAMPLES.glob("*.md"))[:20]])
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (
        'mount -t tmpfs -o size=6m tmpfs "$DISK" || exit 99\n'
        'mkdir "$DISK/posts" && cp "$POSTS"/*.md "$DISK/posts/" && mv "$DISK/posts/$LAST" "$DISK/$LAST"\n'
        '$SOKBO index "$DISK/posts" --index "$DISK/ix" --procs 1 -q; echo "first exit $?"\n'
        'dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null; sync\n'
        'mv "$DISK/$LAST" "$DISK/posts/$LAST"\n'
        '$SOKBO index "$DISK/posts" --index "$DISK/ix" -q; echo "incremental exit $?"\n'
        '$SOKBO index "$DISK/posts" --index "$DISK/ix" --full --procs 2 -q; echo "full exit $?"\n'
        'ls "$DISK/ix"; ls "$DISK/ix"/gen-*\n'
        '$SOKBO search --index "$DISK/ix" --json --limit 100 > "$OUT"; echo "search exit $?"\n'
        'rm "$DISK/filler"\n'
        '$SOKBO index "$DISK/posts" --index "$DISK/ix" -q; echo "freed exit $?"\n'
        '$SOKBO search --index "$DISK/ix" --json --limit 100 > "$OUT.after"\n'
    )
    last = sorted(posts.iterdir())[-1].name
    out = tmp_path / "search.json"
    done = in_namespace(prefix, script, DISK=str(disk), POSTS=str(posts), LAST=last, OUT=str(out))
    assert done.returncode != 99, done.stderr
    log = done.stdout + done.stderr
    assert "first exit 0" in done.stdout, log
    assert "incremental exit 74" in done.stdout and "full exit 74" in done.stdout, log
    full = [line for line in done.stderr.splitlines() if "is full" in line]
    assert len(full) == 2 and all(line.startswith("sokbo: the disk of the index folder") for line in full), log
    assert "Traceback" not in done.stderr
    assert ".tmp" not in done.stdout  # no half-built generation is left behind
    before = json.loads(out.read_text(encoding="utf-8"))
    assert before["total"] > 0 and Path(last).stem not in [hit["id"] for hit in before["hits"]]
    assert "freed exit 0" in done.stdout, log
    after = json.loads((tmp_path / "search.json.after").read_text(encoding="utf-8"))
    assert Path(last).stem in [hit["id"] for hit in after["hits"]]
