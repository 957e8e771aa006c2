"""Which files of a ``_posts`` folder are posts: Jekyll's names and extensions, front matter
required, and links that never lead out of the folder. Every hostile file is made here."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sokbo.indexer.check import check_posts
from sokbo.indexer.posts import MARKDOWN_EXTENSIONS, Listing, list_posts, post_id
from sokbo.indexer.reader import read_post
from sokbo.indexer.site import Site

POST = "---\ntitle: 반도체 수출 석 달 연속 증가\ncategories: [경제]\n---\n반도체 수출이 늘었다.\n"


@pytest.fixture()
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "site" / "_posts"
    folder.mkdir(parents=True)
    return folder


def write(folder: Path, name: str, text: str | bytes = POST) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def names(listing: Listing, root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in listing.files]


def problems(listing: Listing) -> dict[str, tuple[str, str]]:
    """Each problem by file name: (severity, message)."""
    return {Path(p.path).name: (p.severity, p.message) for p in listing.problems}


# -- links never lead out -------------------------------------------------------------------


def test_a_link_to_a_file_outside_is_not_followed(posts: Path, tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.md", "---\ntitle: root:x:0:0\n---\nroot:x:0:0:root:/root:/bin/bash\n")
    (posts / "2024-10-06-passwd.md").symlink_to("/etc/passwd")
    (posts / "2024-10-07-secret.md").symlink_to(secret)
    (posts / "2024-10-08-relative.md").symlink_to(Path("..") / ".." / "secret.md")
    write(posts, "2024-10-05-real.md")
    listing = list_posts(posts)
    assert names(listing, posts) == ["2024-10-05-real.md"]
    for name in ("2024-10-06-passwd.md", "2024-10-07-secret.md", "2024-10-08-relative.md"):
        assert problems(listing)[name] == ("error", "symlink to outside the posts folder, not indexed")
    assert listing.failed == 3


def test_a_link_to_a_folder_outside_is_not_entered(posts: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    write(outside, "2024-01-01-stolen.md")
    (posts / "more").symlink_to(outside)
    (posts / "usr").symlink_to("/usr")
    listing = list_posts(posts)
    assert listing.files == []
    assert problems(listing)["more"] == ("error", "symlink to a folder outside the posts folder: not read")
    assert problems(listing)["usr"][0] == "error"


def test_link_loops_are_reported_and_never_followed(posts: Path) -> None:
    write(posts, "2024/2024-06-12-a.md")
    (posts / "loop").symlink_to(".")
    (posts / "2024" / "up").symlink_to("..")
    (posts / "2024-06-13-x.md").symlink_to("2024-06-13-y.md")  # a loop of two file links
    (posts / "2024-06-13-y.md").symlink_to("2024-06-13-x.md")
    listing = list_posts(posts)
    assert names(listing, posts) == ["2024/2024-06-12-a.md"]
    found = problems(listing)
    assert found["loop"][0] == "warning" and "not followed" in found["loop"][1]
    assert found["up"][0] == "warning"
    assert found["2024-06-13-x.md"][0] == "error" and "cannot be followed" in found["2024-06-13-x.md"][1]
    assert check_posts(posts).posts == 1


def test_a_dangling_link_is_reported(posts: Path) -> None:
    (posts / "2024-06-14-gone.md").symlink_to("2024-06-14-renamed.md")
    (posts / "images").symlink_to("../assets/images")  # not a post: a warning only
    listing = list_posts(posts)
    assert listing.files == []
    assert problems(listing)["2024-06-14-gone.md"][0] == "error"
    assert "dangling" in problems(listing)["2024-06-14-gone.md"][1]
    assert problems(listing)["images"][0] == "warning"
    assert (listing.failed, listing.skipped) == (1, 0)


def test_a_link_inside_the_folder_is_read_once(posts: Path) -> None:
    write(posts, "2024-06-12-real.md")
    (posts / "2024-06-12-alias.md").symlink_to("2024-06-12-real.md")
    (posts / "2024-06-12-again.md").symlink_to("2024-06-12-alias.md")
    write(posts, "_archive/2024-01-02-old.md")  # ignored folder, but a link may bring it in
    (posts / "2024-01-02-old.md").symlink_to("_archive/2024-01-02-old.md")
    (posts / "news").symlink_to(".")
    listing = list_posts(posts)
    assert names(listing, posts) == ["2024-01-02-old.md", "2024-06-12-real.md"]
    found = problems(listing)
    assert found["2024-06-12-alias.md"][0] == "warning" and "read once" in found["2024-06-12-alias.md"][1]
    assert found["2024-06-12-again.md"][0] == "warning"
    assert listing.failed == listing.skipped == 0
    report = check_posts(posts)
    assert (report.posts, report.failed) == (2, 0)


def test_a_posts_folder_that_is_itself_a_link_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real_posts"
    write(real, "2024-06-12-a.md")
    (real / "2024-06-12-b.md").symlink_to("2024-06-12-a.md")
    (tmp_path / "_posts").symlink_to(real)
    listing = list_posts(tmp_path / "_posts")
    assert names(listing, tmp_path / "_posts") == ["2024-06-12-a.md"]


def test_special_files_are_never_opened(posts: Path) -> None:
    os.mkfifo(posts / "2024-06-24-fifo.md")  # reading it would block forever
    (posts / "2024-06-25-pipe.md").symlink_to("2024-06-24-fifo.md")
    listing = list_posts(posts)
    assert listing.files == []
    assert problems(listing)["2024-06-24-fifo.md"][0] == "error"
    assert problems(listing)["2024-06-25-pipe.md"] == ("error", "symlink to a special file (not a regular file): not indexed")
    result = read_post(posts / "2024-06-24-fifo.md", Site())  # called directly: refused, no wait
    assert result.post is None and "not a regular file" in result.problems[0].message


# -- names and extensions ----------------------------------------------------------------------


def test_jekylls_markdown_extensions_and_html_are_posts(posts: Path) -> None:
    extensions = [*MARKDOWN_EXTENSIONS, ".html", ".MD", ".Mkd"]
    for n, extension in enumerate(extensions, start=10):
        write(posts, f"2024-06-{n}-post{extension}")
    write(posts, "2024-06-30-notes.txt")
    write(posts, "2024-06-30-old.textile")
    write(posts, "2024-06-30-photo.jpg", b"\xff\xd8\xff\xe0")
    write(posts, "README.txt", "notes")
    listing = list_posts(posts)
    assert [path.suffix for path in listing.files] == extensions
    assert {name for name, (severity, _) in problems(listing).items()} == {
        "2024-06-30-notes.txt", "2024-06-30-old.textile", "2024-06-30-photo.jpg",
    }
    assert "not a post's extension" in problems(listing)["2024-06-30-notes.txt"][1]
    assert (listing.skipped, listing.failed) == (3, 0)
    report = check_posts(posts)
    assert (report.posts, report.skipped, report.failed) == (len(extensions), 3, 0)


def test_a_file_name_with_control_characters_is_refused_and_printed_escaped(posts: Path) -> None:
    write(posts, "2024-06-21-a\n2024-06-21-FAKE.md:1: error: forged.md")
    report = check_posts(posts)
    assert report.failed == 1
    [problem] = report.problems
    assert "\n" not in str(problem) and "\\n2024-06-21-FAKE.md" in str(problem)
    assert problem.as_dict()["path"].endswith("a\\n2024-06-21-FAKE.md:1: error: forged.md")


# -- what a file holds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b"\n \n", "empty file"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        (codecs.BOM_UTF16_LE + POST.encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF16_BE + POST.encode("utf-16-be"), "UTF-16"),
        (POST.encode("utf-16-le"), "binary file"),  # no byte-order mark: NUL bytes all the same
        (codecs.BOM_UTF32_LE + POST.encode("utf-32-le"), "UTF-32"),
        (b"just a note, no front matter\n", "no front matter"),
    ],
)
def test_files_that_are_not_posts_are_skipped_with_the_reason(posts: Path, raw: bytes, reason: str) -> None:
    write(posts, "2024-06-12-odd.md", raw)
    report = check_posts(posts)
    assert (report.posts, report.skipped, report.failed) == (0, 1, 0)
    [problem] = report.problems
    assert problem.severity == "warning" and problem.message.startswith("not indexed: ")
    assert reason in problem.message


def test_a_utf8_byte_order_mark_is_fine(posts: Path) -> None:
    write(posts, "2024-06-12-bom.md", codecs.BOM_UTF8 + POST.encode())
    report = check_posts(posts)
    assert (report.posts, report.problems) == (1, [])


@given(st.lists(st.text(alphabet="ab.-가/", max_size=6), min_size=1, max_size=4))
def test_a_post_id_is_the_file_name_without_its_extension_as_os_path_says(parts: list[str]) -> None:
    path = "/".join(parts)
    assert post_id(path) == os.path.splitext(os.path.basename(path))[0]
    assert post_id(Path("_posts") / "2024-06-12-budget.md") == "2024-06-12-budget"
