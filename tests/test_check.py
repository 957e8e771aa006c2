"""``sokbo check``: every problem ``sokbo index`` would report, without the Korean analyzer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sokbo.indexer.check import check_posts, duplicate_ids
from sokbo.indexer.cli import cli

from .conftest import ROOT, SAMPLES

CLEAN = ["2024-06-03-minimum-wage-talks.md", "2024-06-12-samsung-hbm3e-test.md"]

GOOD = "---\ntitle: 반도체 수출 석 달 연속 증가\ncategories: [경제]\n---\n반도체 수출이 늘었다.\n"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def posts(tmp_path: Path) -> Path:
    """An empty ``site/_posts`` folder (no _config.yml: the default site)."""
    folder = tmp_path / "site" / "_posts"
    folder.mkdir(parents=True)
    return folder


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_clean_folder_exits_0(runner: CliRunner, posts: Path) -> None:
    for name in CLEAN:
        shutil.copy(SAMPLES / name, posts / name)
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 files checked: 2 posts can be indexed, 0 recovered, 0 skipped, 0 failed"
    assert result.stderr == ""


def test_broken_yaml_is_recovered_with_its_line(runner: CliRunner, posts: Path) -> None:
    path = write(posts, "2024-07-01-breaking.md", "---\ntitle: [속보] 한미 정상 통화\ncategories: 정치\n---\n본문\n")
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 0, result.output
    assert "1 posts can be indexed, 1 recovered" in result.stdout
    assert f"{path}:2: warning: front matter is not valid YAML" in result.stderr


def test_not_utf8_is_a_warning_with_its_line(runner: CliRunner, posts: Path) -> None:
    path = write(posts, "2024-07-02-bytes.md", b"---\ntitle: ok\n---\n\xff\xfe broken\n")
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 0, result.output
    assert f"{path}:4: warning: not valid UTF-8" in result.stderr


def test_a_file_that_gives_no_post_exits_1_naming_it(runner: CliRunner, posts: Path) -> None:
    write(posts, "2024-07-03-fine.md", GOOD)
    no_day = write(posts, "2024-02-30-no-such-day.md", GOOD)
    undated = write(posts, "notes.md", GOOD)
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 1, result.output
    assert "3 files checked: 1 posts can be indexed, 0 recovered, 0 skipped, 2 failed" in result.stdout
    assert f"{no_day}: error: file name has no real date" in result.stderr
    assert f"{undated}: error: file name is not a post name" in result.stderr


def test_unpublished_post_is_skipped(runner: CliRunner, posts: Path) -> None:
    path = write(posts, "2024-07-04-draft.md", "---\ntitle: 초안\npublished: false\n---\n본문\n")
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 0, result.output
    assert "0 posts can be indexed, 0 recovered, 1 skipped, 0 failed" in result.stdout
    assert f"{path}: warning: not indexed: published: false" in result.stderr


def test_duplicate_ids_are_errors_naming_both_files(runner: CliRunner, posts: Path) -> None:
    first = write(posts, "a/2024-07-01-x.md", GOOD)
    second = write(posts, "b/2024-07-01-x.md", GOOD)
    result = runner.invoke(cli, ["check", str(posts)])
    assert result.exit_code == 1, result.output
    assert "2 files checked: 1 posts can be indexed, 0 recovered, 0 skipped, 1 failed" in result.stdout
    assert f"{second}: error: same post id '2024-07-01-x' as {first}" in result.stderr


def test_duplicate_ids_across_extensions(tmp_path: Path) -> None:
    files = [tmp_path / "2024-07-01-x.html", tmp_path / "2024-07-01-x.md", tmp_path / "2024-07-02-y.md"]
    (problem,) = duplicate_ids(files)
    assert (problem.path, problem.severity) == (str(files[1]), "error")
    assert str(files[0]) in problem.message
    assert duplicate_ids(files[1:]) == []


def test_json_report(runner: CliRunner, posts: Path) -> None:
    write(posts, "2024-07-03-fine.md", GOOD)
    write(posts, "2024-07-04-draft.md", "---\ntitle: 초안\npublished: no\n---\n")
    write(posts, "2024-07-05-broken.md", "---\ntitle: 대변인: 추가 조치 없다\n---\n본문\n")
    write(posts, "not-a-post.md", GOOD)
    result = runner.invoke(cli, ["check", str(posts), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    counts = {key: report[key] for key in ("files", "posts", "recovered", "skipped", "failed", "ok")}
    assert counts == {"files": 4, "posts": 2, "recovered": 1, "skipped": 1, "failed": 1, "ok": False}
    assert {p["severity"] for p in report["problems"]} == {"warning", "error"}
    assert all(set(p) == {"path", "line", "severity", "message"} for p in report["problems"])


def test_samples_match_what_index_reports() -> None:
    report = check_posts(SAMPLES)
    assert report.ok
    assert (report.files, report.posts, report.skipped, report.failed) == (55, 54, 1, 0)


def test_bad_usage_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["check", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(cli, ["check"]).exit_code == 2


def test_check_never_imports_the_analyzer() -> None:
    """Run in a fresh interpreter: other tests of this session may have loaded kiwipiepy."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from sokbo.indexer.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['check', {str(SAMPLES)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'kiwipiepy' not in sys.modules, 'sokbo check imported kiwipiepy'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
