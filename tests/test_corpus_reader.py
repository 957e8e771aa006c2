"""All 5,996 real posts of the shared corpus are read, none lost, markup gone.

Expectations are computed from the files themselves; no corpus text is written here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sokbo.indexer.reader import ReadResult, iter_post_files, read_post
from sokbo.indexer.site import Site

pytestmark = pytest.mark.corpus

CORPUS = (Path(__file__).parents[1] / "../shared/corpus/_posts").resolve()
CORPUS_SIZE = 5996


@pytest.fixture(scope="module")
def corpus() -> dict[Path, ReadResult]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); it exists only next to the team's checkout")
    site = Site.from_posts_dir(CORPUS, base_url="https://news.example.org")
    return {path: read_post(path, site) for path in iter_post_files(CORPUS)}


def raw(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def front_matter_block(text: str) -> str:
    """The lines between the opening and the closing ``---``."""
    lines = text.split("\n")
    end = lines.index("---", 1)
    return "\n".join(lines[1:end])


def strict_yaml_rejects(text: str) -> bool:
    try:
        yaml.load(front_matter_block(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return True
    return False


def test_no_post_is_lost(corpus: dict[Path, ReadResult]) -> None:
    assert len(corpus) == len(list(CORPUS.glob("*.md"))) == CORPUS_SIZE
    lost = [str(path) for path, result in corpus.items() if result.post is None]
    assert lost == []
    assert len({result.post.id for result in corpus.values() if result.post}) == CORPUS_SIZE
    problems = [problem for result in corpus.values() for problem in result.problems]
    assert [str(problem) for problem in problems if problem.severity == "error"] == []


def test_broken_front_matter_is_recovered_with_its_real_title(corpus: dict[Path, ReadResult]) -> None:
    broken = {path for path in corpus if strict_yaml_rejects(raw(path))}
    assert 25 <= len(broken) <= 40
    assert {path for path, result in corpus.items() if result.recovered} == broken
    for path in broken:
        result = corpus[path]
        title_line = next(line for line in raw(path).split("\n") if line.startswith("title:"))
        expected = " ".join(title_line[len("title:") :].strip().strip("'\"").split())
        assert result.post is not None and expected
        assert result.post.title == expected, path
        assert [problem.severity for problem in result.problems] == ["warning"], path
        problem = result.problems[0]
        assert problem.path == str(path) and problem.line is not None and 2 <= problem.line <= 10


def test_titles_are_single_clean_lines(corpus: dict[Path, ReadResult]) -> None:
    for path, result in corpus.items():
        title = result.post.title
        assert title and "\n" not in title and not title.startswith("---"), path


def test_bodies_hold_no_markup(corpus: dict[Path, ReadResult]) -> None:
    for path, result in corpus.items():
        body = result.post.body
        assert body, path
        for markup in ("<script", "<p ", "data-ke-size", "<style", "&nbsp;", "**"):
            assert markup not in body, (path, markup)


@pytest.mark.parametrize("tag", ["script", "style"])
def test_script_and_style_contents_are_absent(corpus: dict[Path, ReadResult], tag: str) -> None:
    element = re.compile(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", re.DOTALL | re.IGNORECASE)
    holders = [path for path in corpus if element.search(raw(path))]
    assert len(holders) == 1
    body = corpus[holders[0]].post.body
    for attributes, content in element.findall(raw(holders[0])):
        pieces = re.findall(r'"([^"]+)"', attributes) + [line.strip() for line in content.splitlines()]
        for piece in pieces:
            if len(piece) > 3:
                assert piece not in body, piece


def test_urls_are_built(corpus: dict[Path, ReadResult]) -> None:
    for path, result in corpus.items():
        url = result.post.url
        assert url.startswith("https://news.example.org/") and "//" not in url[len("https://") :], path
        assert url.endswith(f"/{result.post.day:%Y/%m/%d}/{path.stem.split('-', 3)[3]}/"), path
