"""bench/make_site.py, on 300 posts of the shared corpus: the posts it makes are posts sokbo
reads (none lost, front matter recovered as often as the corpus needs), with the corpus's
categories, dates in the period asked, unique names, and the same posts from the same seed.
Skipped where ../shared is absent."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, corpus_or_skip

sys.path.insert(0, str(ROOT / "bench"))

from make_site import Generator, read_corpus, write_site  # noqa: E402


@pytest.fixture(scope="module")
def sources() -> list:
    return read_corpus(corpus_or_skip(), limit=300)


def make(sources: list, out: Path, seed: int) -> None:
    out.mkdir(parents=True)
    write_site(Generator(sources, seed, 0.0), out, 50, dt.date(2020, 1, 1), 5)


def test_made_posts_read_as_posts(sources: list, tmp_path: Path) -> None:
    from sokbo.indexer.reader import iter_post_files, read_post
    from sokbo.indexer.site import Site

    posts = tmp_path / "site" / "_posts"
    make(sources, posts, seed=3)
    files = iter_post_files(posts)
    assert len(files) == 50 and len({f.stem for f in files}) == 50
    results = [read_post(f, Site()) for f in files]
    assert all(r.post is not None for r in results), [r.problems for r in results if r.post is None]
    read = [r.post for r in results if r.post]
    real = {c for s in sources for c in s.categories}
    for post in read:
        assert post.title and post.body and post.excerpt
        assert set(post.categories) <= real
        assert dt.date(2020, 1, 1) <= post.day < dt.date(2025, 1, 1)
        assert post.id.startswith(post.day.isoformat())
    assert sum(r.recovered for r in results) <= 5  # the corpus: 29 of 5,996
    assert len({p.title for p in read}) >= 40  # recombined, not copied: few repeat


def test_same_seed_same_site(sources: list, tmp_path: Path) -> None:
    make(sources, tmp_path / "a", seed=9)
    make(sources, tmp_path / "b", seed=9)
    make(sources, tmp_path / "c", seed=10)
    a, b, c = ({f.name: f.read_bytes() for f in (tmp_path / x).iterdir()} for x in "abc")
    assert a == b
    assert a != c
