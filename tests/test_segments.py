"""A running service keeps its view segment by segment: after every commit (adds, deletions,
updates, merges, a rebuild) the view equals the whole index read from scratch, and a publish
reads only its new segment."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from sokbo.search import Post, SearchService
from sokbo.search.dedup import Clustering, Sketches, clusters, sketch_body, sketch_title
from sokbo.search.view import IndexView

from .conftest import SAMPLES
from .whole_view import assert_same_view, whole_view

WORDS = ["의대", "동맹", "정부", "발표했다", "최저임금", "없는말"]


@pytest.fixture(scope="module")
def sample_posts() -> list[Post]:
    from sokbo.indexer.build import IndexSummary, read_posts
    from sokbo.indexer.reader import iter_post_files
    from sokbo.indexer.site import Site

    return list(read_posts(iter_post_files(SAMPLES), Site.from_posts_dir(SAMPLES), IndexSummary()))


def republished(post: Post, n: int) -> Post:
    """``post`` again under a new id a day later: a near-duplicate of it."""
    return dataclasses.replace(post, id=f"{post.id}-again-{n}", title=f"[속보] {post.title}", url=f"{post.url}again-{n}/")


def current(service: SearchService) -> tuple[IndexView, list[str]]:
    """The service's view after following the latest commit, and its segments' ids; checked
    against the whole index read from scratch."""
    service._checked = 0.0  # the once-a-second check is due
    searcher, view = service._searcher()
    reader = searcher.reader()
    assert_same_view(view, whole_view(reader), WORDS)
    return view, [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.doc_count_all()]


def test_the_kept_view_equals_the_whole_index_after_every_commit(tmp_path: Path, sample_posts: list[Post]) -> None:
    posts = sorted(sample_posts, key=lambda p: p.id)
    service = SearchService(tmp_path)
    service.rebuild(posts[:30])
    view, segments = current(service)
    assert len(view.live) == 30 and service._views.reads == len(segments)
    seen = set(segments)
    merged = False
    steps = [
        ([*posts[30:35]], []),  # adds
        ([republished(posts[3], 1)], []),  # a near-duplicate of an old post, in a new segment
        ([], [posts[0].id, posts[31].id]),  # deletions only: no new segment
        ([dataclasses.replace(posts[5], title="제목을 고친 기사")], []),  # an update: deleted there, added here
        ([posts[35]], [republished(posts[3], 1).id]),
        *[([p], []) for p in posts[36:44]],  # one post a commit: Whoosh merges the small segments
        ([republished(posts[40], 2), republished(posts[41], 3)], [posts[2].id]),
    ]
    for added, deleted in steps:
        reads = service._views.reads
        service.update(added, deleted)
        view, now = current(service)
        new = set(now) - seen
        assert service._views.reads - reads == len(new)  # only the new segments (a merged one is new)
        merged |= bool(seen - set(now) - {segments[0]})
        seen |= new
    assert merged, "no commit merged segments: the test did not cover a merge"
    assert len(view.duplicates) >= 4  # the republished posts fold under their originals
    service.rebuild(posts)  # a new generation: every segment is new, the old ones are forgotten
    reads = service._views.reads
    view, now = current(service)
    assert len(view.live) == len(posts) and service._views.reads - reads == len(now)
    assert set(service._views._segments) == {f"{service._gen}/{s}" for s in now}


def test_a_publish_reads_only_its_new_segment(tmp_path: Path, sample_posts: list[Post]) -> None:
    service = SearchService(tmp_path)
    service.rebuild(sample_posts[:40])
    current(service)
    kept = dict(service._views._segments)
    service.update([republished(sample_posts[0], 1)])
    view, segments = current(service)
    assert len(segments) == len(kept) + 1
    for key, values in kept.items():  # the old segments' values are the same objects
        assert service._views._segments[key] is values
    assert service._views.reads == len(kept) + 1
    assert len(view.live) == 41 and len(view.duplicates) == 2


def test_a_deletion_only_commit_reuses_the_joined_segments(tmp_path: Path, sample_posts: list[Post]) -> None:
    service = SearchService(tmp_path)
    service.rebuild(sample_posts[:10])
    service.update([sample_posts[10]])
    before, _ = current(service)
    service.update([], [sample_posts[10].id])
    after, _ = current(service)
    assert after.words is before.words and after.cluster is before.cluster
    assert len(after.live) == len(before.live) - 1


def test_a_view_of_an_empty_index(tmp_path: Path) -> None:
    service = SearchService(tmp_path)
    service.rebuild([])
    view, _ = current(service)
    assert view.live == frozenset() and view.rank == [] and view.words.n == 0
    assert view.words.posts_with("정부").tolist() == []


def test_clustering_follows_segments_as_clusters_of_the_whole() -> None:
    """Small segments coming and going, with crowded hashes (more posts than dedup counts)
    and hashes that stop being crowded when a merge drops deleted posts."""
    rng = random.Random(7)
    stories = ["정부, 내년 예산안 677조원 확정", "서울 아파트값 5주 연속 상승", "의대 수시 원서접수 시작", "한미 동맹 70주년 기념식"]
    posts = []
    for n in range(400):
        title = rng.choice(stories) + (" (종합)" if rng.random() < 0.3 else f" {rng.randrange(1000)}")
        body = " ".join(rng.choice(["가격", "정부", "발표", "시장", "전망", "예산"]) for _ in range(rng.randrange(0, 12)))
        posts.append((sketch_title(title), sketch_body(body), rng.randrange(0, 30)))
    check_clustering_follows(posts, rng, steps=60)


def check_clustering_follows(posts: list[tuple[bytes, bytes, int]], rng: random.Random, steps: int) -> None:
    """Segments of ``posts`` (title sketch, body sketch, day) added, deleted from and merged at
    random: after each step :class:`Clustering` gives :func:`clusters` of the whole."""
    segments: dict[str, list[tuple[bytes, bytes, int]]] = {}
    clustering = Clustering()
    sketches: dict[str, Sketches] = {}
    pending = list(posts)
    for step in range(steps):
        if pending and (rng.random() < 0.6 or len(segments) < 2):
            size = rng.choice([1, 2, 5, max(1, len(posts) // 10)])
            segments[f"s{step}"], pending = pending[:size], pending[size:]
        elif len(segments) >= 2:
            merging = rng.sample(sorted(segments), rng.randrange(2, min(5, len(segments)) + 1))
            merged = [p for k in list(segments) if k in merging for p in segments.pop(k)]
            segments[f"m{step}"] = [p for p in merged if rng.random() > 0.2]  # a merge drops the deleted posts
        for key, part in segments.items():
            if key not in sketches:
                sketches[key] = Sketches.of([p[0] for p in part], [p[1] for p in part], [p[2] for p in part])
        sketches = {k: sketches[k] for k in segments}
        clustering.update(sketches)
        whole = [p for part in segments.values() for p in part]
        offsets, at = {}, 0
        for key, part in segments.items():
            offsets[key], at = at, at + len(part)
        expected = clusters([p[0] for p in whole], [p[1] for p in whole], [p[2] for p in whole])
        assert clustering.clusters(offsets, len(whole)).tolist() == expected, step


def test_a_view_that_fails_midway_leaves_nothing_half_kept(tmp_path: Path, sample_posts: list[Post], monkeypatch: pytest.MonkeyPatch) -> None:
    from sokbo.search import segments

    service = SearchService(tmp_path)
    service.rebuild(sample_posts[:20])
    current(service)
    service.update([sample_posts[20]])
    read = segments.SegmentValues.read
    monkeypatch.setattr(segments.SegmentValues, "read", classmethod(lambda cls, leaf: (_ for _ in ()).throw(OSError("gone"))))
    service._checked = 0.0
    with pytest.raises(OSError):
        service._searcher()
    monkeypatch.setattr(segments.SegmentValues, "read", read)
    view, _ = current(service)  # every segment read again, and right
    assert len(view.live) == 21


def test_a_word_index_of_segments_answers_as_one_of_every_post() -> None:
    """Tables of small and large segments (posts in two bytes, or four past 65,536) joined at
    their offsets answer as one table of every post."""
    import numpy as np

    from sokbo.search.words import WordIndex, WordTable, sketch_words

    texts = ["동맹을 강화", "동맹 강화 동맹", "", "강화된 동맹을", "정부 발표"]
    small = [sketch_words(t, "", t) for t in texts]
    large = [b""] * 70_000 + [sketch_words("동맹을", "", "강화")]
    parts = [(WordTable(small), 0), (WordTable(large), len(small)), (WordTable(small), len(small) + len(large))]
    assert parts[1][0].docs.dtype == np.int32 and parts[0][0].docs.dtype == np.uint16
    joined, whole = WordIndex.joined(parts), WordIndex(small + large + small)
    for word in ("동맹을", "강화", "정부", "없는말"):
        for x, y in zip(joined.counts(word), whole.counts(word)):
            assert x.dtype == y.dtype and np.array_equal(x, y), word
    assert np.array_equal(joined.saturation(["동맹을", "강화"], (4.0, 1.5, 1.0)), whole.saturation(["동맹을", "강화"], (4.0, 1.5, 1.0)))
    assert joined.posts_with("동맹을").tolist() == [0, 3, len(small) + 70_000, len(small) + len(large), len(small) + len(large) + 3]
