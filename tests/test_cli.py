"""The sokbo command through click's runner, and `sokbo serve` as a real process."""

from __future__ import annotations

import json
import re
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from sokbo.indexer.cli import cli

from .conftest import SAMPLES, copy_posts


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_index_reports_problems_with_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-07-01-breaking-us-korea-alliance.md", "2024-06-03-minimum-wage-talks.md"])
    result = runner.invoke(cli, ["index", str(posts), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "2 posts indexed: 2 added" in result.stdout
    assert "1 recovered" in result.stdout
    assert "2024-07-01-breaking-us-korea-alliance.md:2:" in result.stderr


def test_index_json_summary_and_exit_1_when_a_post_fails(runner: CliRunner, tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md", "2024-08-20-draft-cabinet-reshuffle.md"])
    (posts / "not-a-dated-name.md").write_text("---\ntitle: 날짜 없는 글\n---\n본문", encoding="utf-8")
    result = runner.invoke(cli, ["index", str(posts), "--index", str(tmp_path / "ix"), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["posts"], summary["skipped"], summary["failed"]) == (1, 1, 1)
    failed = [p for p in summary["problems"] if p["severity"] == "error"]
    assert failed and failed[0]["path"].endswith("not-a-dated-name.md")


def test_index_reindex_counts_updates_and_removals(runner: CliRunner, tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md", "2024-06-12-samsung-hbm3e-test.md"])
    ix = str(tmp_path / "ix")
    assert runner.invoke(cli, ["index", str(posts), "--index", ix]).exit_code == 0
    (posts / "2024-06-12-samsung-hbm3e-test.md").unlink()
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    result = runner.invoke(cli, ["index", str(posts), "--index", ix, "--json"])
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["updated"], summary["removed"], summary["unchanged"]) == (1, 0, 1, 1)
    assert summary["full"] is False and summary["posts"] == 2
    found = json.loads(runner.invoke(cli, ["search", "가거도", "--index", ix, "--json"]).stdout)
    assert [h["id"] for h in found["hits"]] == ["2024-09-11-gageodo-island-concert"]
    gone = json.loads(runner.invoke(cli, ["search", "HBM3E", "--index", ix, "--json"]).stdout)
    assert gone["total"] == 0


def test_index_never_imports_numpy(tmp_path: Path) -> None:
    """NumPy is for searching; every `sokbo index` after a publish would pay for its import.
    A fresh interpreter: other tests of this session have loaded it."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from sokbo.indexer.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['index', {str(SAMPLES)!r}, '--index', {str(tmp_path / 'ix')!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'numpy' not in sys.modules, 'sokbo index imported numpy'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_index_unusable_arguments_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["index", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(cli, ["index"]).exit_code == 2


def test_search_json_is_the_api_body(runner: CliRunner, sample_index: Path, client) -> None:
    args = ["search", "국민의힘", "--index", str(sample_index), "--category", "정치", "--sort", "newest", "--json"]
    cli_body = json.loads(runner.invoke(cli, args).stdout)
    api_body = client.get("/api/search?q=국민의힘&category=정치&sort=newest").get_json()
    cli_body.pop("took_ms"), api_body.pop("took_ms")
    assert cli_body == api_body and cli_body["total"] > 0


def test_search_env_var_and_human_output(runner: CliRunner, sample_index: Path) -> None:
    result = runner.invoke(cli, ["search", "가거도"], env={"SOKBO_INDEX": str(sample_index)})
    assert result.exit_code == 0
    assert "1 hits" in result.stdout and "[가거도]" in result.stdout
    assert re.search(r"\d+(\.\d+)? ms \(loading the index and the Korean model: \d+\.\d s\)", result.stdout)


def test_search_took_ms_times_the_search_not_the_model(runner: CliRunner, sample_index: Path) -> None:
    """A fresh process loads Kiwi (seconds); took_ms must not include it."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "sokbo.indexer", "search", "대통령 연설", "--index", str(sample_index), "--json"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert json.loads(out.stdout)["took_ms"] < 500


def test_search_month(runner: CliRunner, sample_index: Path) -> None:
    result = runner.invoke(cli, ["search", "", "--index", str(sample_index), "--month", "2024-07", "--json", "--limit", "100"])
    body = json.loads(result.stdout)
    assert body["total"] > 0 and all(h["date"].startswith("2024-07") for h in body["hits"])
    bad = runner.invoke(cli, ["search", "", "--index", str(sample_index), "--month", "2024-07", "--from", "2024-07-02"])
    assert bad.exit_code == 2 and "--month" in bad.stderr


@pytest.mark.parametrize(
    "args, hint",
    [(["--limit", "0"], "--limit"), (["--from", "2024-13-01"], "--from"), (["--page", "x"], "--page")],
)
def test_search_bad_parameters_exit_2(runner: CliRunner, sample_index: Path, args: list[str], hint: str) -> None:
    result = runner.invoke(cli, ["search", "동맹", "--index", str(sample_index), *args])
    assert result.exit_code == 2
    assert hint in result.stderr


def test_search_without_an_index_says_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["search", "동맹", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "sokbo index" in result.stderr


def test_stats(runner: CliRunner, sample_index: Path) -> None:
    result = runner.invoke(cli, ["stats", "--index", str(sample_index), "--json"])
    stats = json.loads(result.stdout)
    assert stats["posts"] == 54 and stats["generation"].startswith("gen-")
    assert stats["updated_at"] >= stats["built_at"] > 0


def test_stats_shows_the_last_update_after_an_incremental_run(runner: CliRunner, tmp_path: Path) -> None:
    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = str(tmp_path / "ix")
    runner.invoke(cli, ["index", str(posts), "--index", ix])
    built = json.loads(runner.invoke(cli, ["stats", "--index", ix, "--json"]).stdout)
    time.sleep(0.05)
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    runner.invoke(cli, ["index", str(posts), "--index", ix])
    after = json.loads(runner.invoke(cli, ["stats", "--index", ix, "--json"]).stdout)
    assert after["posts"] == 2 and after["generation"] == built["generation"]
    assert after["built_at"] == built["built_at"] < after["updated_at"]
    text = runner.invoke(cli, ["stats", "--index", ix]).stdout
    assert "built:" in text and "updated:" in text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_waitress_and_answers(sample_index: Path) -> None:
    port = free_port()
    env = dict(os.environ, SOKBO_INDEX=str(sample_index))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sokbo.indexer", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first_line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%EA%B0%80%EA%B1%B0%EB%8F%84") as r:
                    assert r.headers["Server"] == "sokbo"
                    body = json.loads(r.read())
                break
            except OSError:
                assert time.time() < deadline and proc.poll() is None
                time.sleep(0.2)
        assert body["hits"][0]["id"] == "2024-09-11-gageodo-island-concert"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_second_run_with_no_wait_exits_75_and_keeps_the_index(runner: CliRunner, tmp_path: Path) -> None:
    import fcntl

    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    with open(ix / "LOCK", "a+") as held:  # what a running `sokbo index` holds
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("sokbo index (pid 4242, since 2024-07-01 09:00:00)")
        held.flush()
        result = runner.invoke(cli, ["index", str(posts), "--index", str(ix), "--no-wait", "--full"])
    assert result.exit_code == 75
    assert "is being written by sokbo index (pid 4242" in result.stderr
    found = json.loads(runner.invoke(cli, ["search", "최저임금", "--index", str(ix), "--json"]).stdout)
    assert found["total"] == 1


def test_a_second_run_waits_for_the_first_by_default(runner: CliRunner, tmp_path: Path) -> None:
    import fcntl
    import threading

    posts = copy_posts(tmp_path, ["2024-06-03-minimum-wage-talks.md"])
    ix = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(posts), "--index", str(ix)]).exit_code == 0
    shutil.copy(SAMPLES / "2024-09-11-gageodo-island-concert.md", posts)
    held = open(ix / "LOCK", "a+")
    fcntl.flock(held, fcntl.LOCK_EX)
    release = threading.Timer(1.0, held.close)  # the other run finishes after a second
    release.start()
    started = time.monotonic()
    result = runner.invoke(cli, ["index", str(posts), "--index", str(ix), "--json"])
    release.join()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.9
    assert "waiting for" in result.stderr
    assert json.loads(result.stdout)["added"] == 1
