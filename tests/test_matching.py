"""The evaluator matches exactly the documents Whoosh's own matchers match, deletions included,
and scores each exactly as Whoosh's BM25F does.

Except for one bug of Whoosh 2.7.4 that it fixes: on long posting lists, Whoosh's AndNot matcher
returns some documents that the excluded part matches (found on the corpus: "시럽 -지원" gave a
post containing 지원). So an exclusion's reference is Whoosh's two sides, subtracted, scored by
the positive side (which is what Whoosh's AndNot scores by).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from sokbo.indexer.build import build_index
from sokbo.search import SearchService
from sokbo.search import query as squery
from sokbo.search.analysis import normalize
from sokbo.search.query import Quoted
from sokbo.search.matching import LITERAL_CHECKS, Matches, evaluate, top

from .conftest import SAMPLES

QUERIES = [
    "동맹", "동맹을", "한미동맹", "대통령이", "있습니다", "올림픽 금메달", '"금메달을 획득"', "최저임금 -노동계",
    "푸틴 OR 시진핑", "HBM3E", "삼성전자 반도체", "서울", "2024년", "폭염 OR 열대야 -제주", "국민의힘",
    '"한미 동맹"', "없는단어입니다", "수", "기자", "-기자", '"수 있도록"', '"있다고 밝혔다"', '"밝혔다 있다고"',
    '"최저임금위원회 전원회의"', '"전원회의 최저임금위원회"',
]


def whoosh_reference(q, searcher) -> dict[int, float]:
    """Each document Whoosh's own matchers match, with Whoosh's score; AndNot as a difference."""
    from whoosh import query as wq

    if isinstance(q, wq.AndNot):
        excluded = set(searcher.docs_for_query(q.b))
        return {d: s for d, s in whoosh_reference(q.a, searcher).items() if d not in excluded}
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None, optimize=False)}


def assert_like_whoosh(q, searcher, view, context: object) -> None:
    """Same documents as Whoosh, same scores (unless unscored: -words alone), same top ten."""
    from whoosh import query as wq

    matches = evaluate(q, searcher, view.lengths, view.live_mask)
    expected = whoosh_reference(q, searcher)
    if _quotes(q):
        # A quoted phrase also matches its text as typed, and ranks that higher (see
        # test_quoted_phrases_*): Whoosh's morpheme phrases are a subset, the rest has the text.
        assert set(expected) <= set(matches.docnums()), context
        texts = [" ".join(normalize(t.text).lower().split()) for t in _quotes(q)]
        for docnum in set(matches.docnums()) - set(expected):
            stored = searcher.stored_fields(docnum)
            flat = " ".join(normalize(" ".join(stored.get(f, "") for f in ("title", "summary", "body"))).lower().split())
            assert any(t in flat for t in texts), (context, docnum)
        return
    assert set(matches.docnums()) == set(expected), context
    if isinstance(q, wq.AndNot) and isinstance(q.a, wq.Every):
        return
    for docnum, score in expected.items():
        assert matches.scores[docnum] == pytest.approx(score, rel=1e-9), context
    best = top(matches.scores, np.array(sorted(expected), dtype=int), 0, 10)
    assert [s for _d, s in best] == pytest.approx(sorted(expected.values(), reverse=True)[:10], rel=1e-9), context


def _quotes(q) -> list[Quoted]:
    """The quoted phrases inside ``q``."""
    if isinstance(q, Quoted):
        return [q]
    return [found for sub in getattr(q, "subqueries", ()) or [getattr(q, "a", None), getattr(q, "b", None)] if sub is not None for found in _quotes(sub)]


def assert_same(index_dir: Path) -> None:
    service = SearchService(index_dir)
    searcher, view = service._searcher()
    for text in QUERIES:
        parsed = squery.parse(text)
        for any_clause in (False, True):
            q = squery.build(parsed, any_clause=any_clause)
            if q is None:
                continue
            assert_like_whoosh(q, searcher, view, (text, any_clause))




def test_matches_whooshs_own_matchers_on_the_samples(sample_index: Path) -> None:
    assert_same(sample_index)


@pytest.mark.parametrize("procs", [1, 2])
def test_matches_with_several_segments_and_deleted_documents(tmp_path: Path, procs: int) -> None:
    posts = tmp_path / "_posts"
    shutil.copytree(SAMPLES, posts)
    build_index(posts, tmp_path / "ix", procs=procs, full=True)
    # edits and deletions leave deleted documents in the old segments and add a new one
    for name in sorted(p.name for p in posts.glob("*.md"))[::7]:
        (posts / name).unlink()
    for path in sorted(posts.glob("*.md"))[::5]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\n있습니다 동맹을 서울\n", encoding="utf-8")
    build_index(posts, tmp_path / "ix")
    assert_same(tmp_path / "ix")


def test_top_orders_by_score_then_docnum_and_pages() -> None:
    scores = np.array([1.0, 3.0, 2.0, 3.0, 0.5, 2.0])
    matches = Matches(scores > 0, scores)
    allowed = np.arange(6)
    assert [d for d, _s in top(matches.scores, allowed, 0, 6)] == [1, 3, 2, 5, 0, 4]
    assert [d for d, _s in top(matches.scores, allowed, 1, 3)] == [3, 2]  # a tie at the cut keeps docnum order
    assert [d for d, _s in top(matches.scores, allowed, 2, 3)] == [2]
    assert top(matches.scores, np.array([4, 0]), 0, 10) == [(0, 1.0), (4, 0.5)]
    assert top(matches.scores, np.array([], dtype=int), 0, 10) == []
    assert top(matches.scores, allowed, 6, 16) == []


def test_quoted_phrases_match_the_text_as_typed_and_rank_it_first(sample_index: Path) -> None:
    from whoosh import query as wq

    service = SearchService(sample_index)
    searcher, view = service._searcher()
    # Kiwi reads these runs of words differently on their own than inside their sentences,
    # so the morpheme phrase alone misses the post they were copied from.
    for text, post in (
        ('"무관하게 안정적인 틀을"', "2024-06-05-defense-cost-talks"),
        ('"낮 최고기온이 34℃를"', "2024-09-27-first-chilly-morning"),
        ('"혼성전까지 걸린 금메달"', "2024-08-12-paris-olympics-wrapup"),
    ):
        q = squery.build(squery.parse(text))
        (quoted,) = _quotes(q)
        morphemes = evaluate(wq.Or(quoted.subqueries), searcher, view.lengths, view.live_mask)
        assert post not in {view.ids[d] for d in morphemes.docnums()}, text
        matches = evaluate(q, searcher, view.lengths, view.live_mask)
        assert view.ids[top(matches.scores, np.flatnonzero(matches.mask), 0, 1)[0][0]] == post, text
    # among morpheme matches, the post with the text as typed comes first
    matches = evaluate(squery.build(squery.parse('"한미 동맹"')), searcher, view.lengths, view.live_mask)
    best = searcher.stored_fields(top(matches.scores, np.flatnonzero(matches.mask), 0, 1)[0][0])
    assert "한미 동맹" in " ".join((best["title"], best.get("summary", ""), best.get("body", "")))


def test_posts_with_a_quoted_phrase_as_typed_rank_above_all_others(tmp_path: Path) -> None:
    """Quotes ask for the words as typed: a post that has them so, even once in a long body,
    ranks above posts that only have the same morphemes in a row, even in their titles."""
    import datetime as dt

    from sokbo.search import Post, SearchRequest

    day = dt.date(2024, 7, 1)
    filler = " ".join(f"{n}번째 문단에서는 다른 이야기를 한다." for n in range(60))
    exact = Post(id="exact", title="물가 동향 점검", date=day.isoformat(), day=day, categories=("경제",),
                 body=f"{filler} 금리가 물가에 직접적인 영향을 미치는 것은 분명하다. {filler}")
    decoys = [
        Post(id=f"decoy-{n}", title=f"직접적인 영향 미치는 요인 {n}", date=day.isoformat(), day=day, categories=("경제",),
             body="직접적인 영향 미치는 요인. 방향을 바꾸는 그것은 직접적인 문제다.")
        for n in range(LITERAL_CHECKS - 10)  # more than the 40 the evaluator once read
    ]
    service = SearchService(tmp_path / "ix")
    service.rebuild([*decoys, exact])
    hits = service.search(SearchRequest.from_params({"q": ['"직접적인 영향을 미치는 것은"']})).hits
    assert hits[0].id == "exact"
    assert len(hits) > 1 and {h.id for h in hits[1:]} <= {d.id for d in decoys}  # the others match, below it
