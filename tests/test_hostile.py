"""Hostile and broken sites through the real ``sokbo`` command: nothing leaks, nothing that was
not deleted is removed, and an index folder that cannot be written ends in one line and its
own exit code. Every hostile file, folder and file system is made here, for real.

Permissions: root ignores ``chmod``. When the tests run as root, the commands that must meet a
permission run as root without the capabilities that override permissions (``setpriv``), and
the tests skip, saying why, where that cannot be done.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sokbo.indexer.cli import EXIT_CANNOT_WRITE, EXIT_WRITE_FAILED, cli

from .conftest import ROOT, SAMPLES, copy_posts

WAGES = "2024-06-03-minimum-wage-talks.md"  # 최저임금
HBM = "2024-06-12-samsung-hbm3e-test.md"  # HBM3E
ISLAND = "2024-09-11-gageodo-island-concert.md"  # 가거도

_NO_OVERRIDE = ("--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def sokbo(*args: str, prefix: tuple[str, ...] = (), limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the ``sokbo`` command as a process of its own."""

    def one_gigabyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    return subprocess.run(
        [*prefix, sys.executable, "-m", "sokbo.indexer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=one_gigabyte if limit_memory else None,
    )


@pytest.fixture()
def unprivileged(tmp_path: Path) -> tuple[str, ...]:
    """A command prefix under which file permissions hold, or a skip saying why there is none."""
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0)
    try:
        prefix: tuple[str, ...] = ()
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root, where chmod denies nothing, and setpriv is absent")
            prefix = (setpriv, *_NO_OVERRIDE)
        denied = subprocess.run([*prefix, "ls", str(probe)], capture_output=True)
        if denied.returncode == 0:
            pytest.skip("permissions are not enforced here (root without setpriv's capability drop)")
        return prefix
    finally:
        probe.chmod(0o700)


@pytest.fixture()
def restore_modes(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths whose modes a test takes away; given back so that pytest can remove them."""
    taken: list[Path] = []
    yield taken
    for path in taken:
        path.chmod(0o755)
        for inner, folders, files in os.walk(path):
            for name in [*folders, *files]:
                os.chmod(os.path.join(inner, name), 0o755)


def search_ids(runner: CliRunner, ix: Path, query: str) -> list[str]:
    result = runner.invoke(cli, ["search", query, "--index", str(ix), "--json"])
    assert result.exit_code == 0, result.output
    return [hit["id"] for hit in json.loads(result.stdout)["hits"]]


# -- nothing leaks -------------------------------------------------------------------------------


def test_search_never_shows_a_file_a_link_points_out_to(runner: CliRunner, tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, [WAGES])
    (posts / "2024-10-06-passwd.md").symlink_to("/etc/passwd")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2024-10-07-root.md").write_text("---\ntitle: root\n---\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (posts / "elsewhere").symlink_to(outside)
    (posts / "loop").symlink_to(".")
    ix = tmp_path / "ix"
    result = runner.invoke(cli, ["index", str(posts), "--index", str(ix)])
    assert result.exit_code == 1, result.output
    assert "1 posts indexed" in result.stdout
    assert "2024-10-06-passwd.md: symlink to outside the posts folder, not indexed" in result.stderr
    found = runner.invoke(cli, ["search", "root", "--index", str(ix), "--json"])
    body = json.loads(found.stdout)
    assert body["total"] == 0 and "root:x:0" not in found.stdout
    assert search_ids(runner, ix, "최저임금") == [WAGES[:-3]]


def test_an_alias_bomb_fails_its_post_fast_within_a_gigabyte(tmp_path: Path) -> None:
    from .test_reader import alias_bomb

    posts = copy_posts(tmp_path, [WAGES])
    (posts / "2024-06-22-bomb.md").write_text(alias_bomb(), encoding="utf-8")
    started = time.monotonic()
    done = sokbo("check", str(posts), "--json", limit_memory=True)
    assert time.monotonic() - started < 60
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert (report["posts"], report["failed"]) == (1, 1)
    [problem] = report["problems"]
    assert problem["path"].endswith("2024-06-22-bomb.md") and "YAML aliases" in problem["message"]


def test_a_file_name_cannot_forge_a_report_line(runner: CliRunner, tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, [WAGES])
    forged = "2024-06-21-a\n2024-06-01-FAKE.md:1: error: forged.md"  # the second line a forgery
    (posts / forged).write_text("---\ntitle: x\n---\n본문", encoding="utf-8")
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(posts / "2024-06-21-a\\n"))
    as_json = json.loads(runner.invoke(cli, ["check", str(posts), "--json"]).stdout)
    assert "\\n" in as_json["problems"][0]["path"] and "\n" not in as_json["problems"][0]["path"]


# -- nothing removed that was not deleted ----------------------------------------------------------


def test_a_folder_that_cannot_be_listed_keeps_its_posts(
    runner: CliRunner, tmp_path: Path, unprivileged: tuple[str, ...], restore_modes: list[Path]
) -> None:
    posts = copy_posts(tmp_path, [WAGES])
    (posts / "2024").mkdir()
    shutil.copy(SAMPLES / HBM, posts / "2024" / HBM)
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    shutil.copy(SAMPLES / ISLAND, posts / ISLAND)
    (posts / "2024").chmod(0)
    restore_modes.append(posts / "2024")

    done = sokbo("index", str(posts), "--index", str(ix), "--json", prefix=unprivileged)
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["added"], summary["removed"], summary["failed"], summary["posts"]) == (1, 0, 1, 3)
    [problem] = summary["problems"]
    assert problem["path"] == str(posts / "2024") and problem["severity"] == "error"
    assert problem["message"] == "cannot list the folder: Permission denied; the posts indexed from it are kept"
    assert search_ids(runner, ix, "HBM3E") == [HBM[:-3]]

    # A rebuild would have to drop it: refused, and the index stays as it is.
    done = sokbo("index", str(posts), "--index", str(ix), "--full", "--json", prefix=unprivileged)
    assert done.returncode == 1
    assert "the index was not rebuilt" in done.stdout
    assert search_ids(runner, ix, "HBM3E") == [HBM[:-3]]

    (posts / "2024").chmod(0o755)
    (posts / "2024" / HBM).unlink()  # deleted for real this time: removed
    summary = json.loads(runner.invoke(cli, ["index", str(posts), "--index", str(ix), "--json"]).stdout)
    assert (summary["removed"], summary["failed"], summary["posts"]) == (1, 0, 2)


def test_the_posts_folder_itself_unreadable_removes_nothing(
    runner: CliRunner, tmp_path: Path, unprivileged: tuple[str, ...], restore_modes: list[Path]
) -> None:
    posts = copy_posts(tmp_path, [WAGES, HBM])
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    posts.chmod(0o300)  # may be entered, not listed
    restore_modes.append(posts)
    done = sokbo("index", str(posts), "--index", str(ix), prefix=unprivileged)
    assert done.returncode == 2 and "is not readable" in done.stderr  # click refuses it first
    # The library (a watch, a script) meets it too: the whole index is held.
    code = (
        "import json\n"
        "from sokbo.indexer.build import build_index\n"
        f"print(json.dumps(build_index({str(posts)!r}, {str(ix)!r}).as_dict()))\n"
    )
    done = subprocess.run([*unprivileged, sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["removed"], summary["posts"], summary["failed"]) == (0, 2, 1)
    assert summary["problems"][0]["path"] == str(posts)
    posts.chmod(0o755)
    assert search_ids(runner, ix, "최저임금") == [WAGES[:-3]]


def test_a_changed_file_that_cannot_be_read_stays_as_it_was(
    runner: CliRunner, tmp_path: Path, unprivileged: tuple[str, ...], restore_modes: list[Path]
) -> None:
    posts = copy_posts(tmp_path, [WAGES, HBM])
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    changed = posts / HBM
    changed.write_text(changed.read_text(encoding="utf-8") + "\n추가 문단.\n", encoding="utf-8")
    changed.chmod(0)
    restore_modes.append(changed)
    done = sokbo("index", str(posts), "--index", str(ix), "--json", prefix=unprivileged)
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["removed"], summary["updated"], summary["posts"], summary["failed"]) == (0, 0, 2, 1)
    [problem] = summary["problems"]
    assert problem["path"] == str(changed) and "stays in the index as it was" in problem["message"]
    assert search_ids(runner, ix, "HBM3E") == [HBM[:-3]]


# -- an index folder that cannot be written ------------------------------------------------------


def test_a_read_only_index_folder_is_one_line_and_exit_73(
    runner: CliRunner, tmp_path: Path, unprivileged: tuple[str, ...], restore_modes: list[Path]
) -> None:
    posts = copy_posts(tmp_path, [WAGES])
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    shutil.copy(SAMPLES / HBM, posts / HBM)
    restore_modes.append(ix)
    for inner, folders, files in os.walk(ix, topdown=False):
        for name in [*folders, *files]:
            os.chmod(os.path.join(inner, name), 0o555)
    ix.chmod(0o555)
    for args in ([], ["--full"]):
        done = sokbo("index", str(posts), "--index", str(ix), *args, prefix=unprivileged)
        assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.splitlines()[-1] == (
            f"sokbo: cannot write in the index folder {ix}: Permission denied; the index is as it was"
        )
    fresh = tmp_path / "fresh"  # an index to create in a folder that cannot be written
    fresh.mkdir(mode=0o555)
    restore_modes.append(fresh)
    done = sokbo("index", str(posts), "--index", str(fresh / "ix"), "--json", prefix=unprivileged)
    assert done.returncode == EXIT_CANNOT_WRITE and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["ok"] is False
    assert search_ids(runner, ix, "최저임금") == [WAGES[:-3]]


def _unshare_or_skip() -> str:
    """``unshare``, when this machine lets a process mount in a namespace of its own."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is absent: no way to make a small or read-only file system here")
    probe = subprocess.run([unshare, "-rm", "mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a user namespace here ({probe.stderr.decode().strip()})")
    return unshare


def _in_namespace(unshare: str, mount: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``sokbo ARGS`` after the shell command ``mount`` in a mount namespace of its own."""
    command = f"{mount} && exec \"$@\""
    return subprocess.run(
        [unshare, "-rm", "sh", "-c", command, "sh", sys.executable, "-m", "sokbo.indexer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_read_only_file_system_is_exit_73(runner: CliRunner, tmp_path: Path) -> None:
    unshare = _unshare_or_skip()
    posts = copy_posts(tmp_path, [WAGES])
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    shutil.copy(SAMPLES / HBM, posts / HBM)
    read_only = f"mount --bind {ix} {ix} && mount -o remount,bind,ro {ix}"
    done = _in_namespace(unshare, read_only, "index", str(posts), "--index", str(ix))
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"sokbo: cannot write in the index folder {ix}: Read-only file system; the index is as it was"
    )


def test_a_full_disk_is_one_line_and_exit_74_and_the_next_run_recovers(runner: CliRunner, tmp_path: Path) -> None:
    unshare = _unshare_or_skip()
    posts = copy_posts(tmp_path, [WAGES, HBM])
    ix = tmp_path / "ix"
    ix.mkdir()
    for procs in ("1", "2"):  # written here, and by worker processes
        done = _in_namespace(unshare, f"mount -t tmpfs -o size=96k tmpfs {ix}", "index", str(posts), "--index", str(ix), "--procs", procs)
        assert done.returncode == EXIT_WRITE_FAILED, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.splitlines()[-1].startswith(f"sokbo: the disk of the index folder {ix} is full (")

    # An incremental run on a disk that fills up: nothing changes, and room again repairs it.
    fill = f"mount -t tmpfs -o size=8m tmpfs {ix}"
    script = (
        f"{fill} && {sys.executable} -m sokbo.indexer index {posts} --index {ix} -q >/dev/null 2>&1"
        f" && cp {SAMPLES / ISLAND} {posts}"
        f" && (dd if=/dev/zero of={ix}/filler bs=64k >/dev/null 2>&1; true)"
        f" && {sys.executable} -m sokbo.indexer index {posts} --index {ix}; echo \"exit $?\""
        f" && rm {ix}/filler && {sys.executable} -m sokbo.indexer index {posts} --index {ix} --json"
    )
    done = subprocess.run([unshare, "-rm", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert f"exit {EXIT_WRITE_FAILED}" in done.stdout, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout.split(f"exit {EXIT_WRITE_FAILED}", 1)[1])["added"] == 1
