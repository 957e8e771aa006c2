"""The whole shared corpus indexed once: none lost, recovered titles searchable, relevance.

Skipped where ../shared is absent. Expectations come from the files; no corpus text is here.
"""

from __future__ import annotations

import random
import re

import pytest

from sokbo.indexer.build import IndexSummary, build_index, read_posts
from sokbo.indexer.reader import iter_post_files
from sokbo.indexer.site import Site
from sokbo.search import Post, SearchRequest, SearchService
from sokbo.search.analysis import get_kiwi

from .conftest import corpus_or_skip

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def corpus_posts() -> list[Post]:
    posts_dir = corpus_or_skip()
    return list(read_posts(iter_post_files(posts_dir), Site.from_posts_dir(posts_dir), IndexSummary()))


@pytest.fixture(scope="module")
def corpus_service(tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchService, IndexSummary]:
    posts_dir = corpus_or_skip()
    index_dir = tmp_path_factory.mktemp("corpus-index")
    summary = build_index(posts_dir, index_dir)
    return SearchService(index_dir), summary


def search(service: SearchService, q: str, **params: str) -> list[str]:
    """Ids found, in order: each hit's, then those of the near-duplicates folded under it."""
    request = SearchRequest.from_params({"q": [q], "per_page": ["100"], **{k: [v] for k, v in params.items()}})
    return [i for h in service.search(request).hits for i in (h.id, *(s.id for s in h.similar))]


def test_every_post_is_indexed(corpus_service, corpus_posts) -> None:
    service, summary = corpus_service
    assert summary.failed == 0 and summary.posts == len(corpus_posts) == 5996
    assert service.indexed_ids() == {p.id for p in corpus_posts}


def test_recovered_posts_are_found_by_their_title(corpus_service, corpus_posts) -> None:
    service, summary = corpus_service
    recovered = {p.path for p in summary.problems if "recovered" in p.message}
    assert len(recovered) >= 29
    by_path = {p.path: p for p in corpus_posts}
    for path in recovered:
        post = by_path[path]
        day = post.day.isoformat()
        assert post.id in search(service, post.title, **{"from": day, "to": day})[:3], path


def sample(posts: list[Post], n: int, seed: int = 7) -> list[Post]:
    return random.Random(seed).sample(posts, n)


def test_title_words_find_the_post_first(corpus_service, corpus_posts) -> None:
    service, _ = corpus_service
    titles: dict[str, int] = {}
    for p in corpus_posts:
        titles[p.title] = titles.get(p.title, 0) + 1
    unique = [p for p in corpus_posts if titles[p.title] == 1 and len(p.title.split()) >= 3]
    ranks = []
    for post in sample(unique, 60):
        found = search(service, post.title)
        ranks.append(found.index(post.id) + 1 if post.id in found else None)
    assert all(r is not None and r <= 10 for r in ranks), ranks
    first = sum(1 for r in ranks if r == 1) / len(ranks)
    assert first >= 0.9, ranks


_PARTICLES = ("JKS", "JKO", "JKB", "JKG", "JX", "JC")


def particle_only_noun(post: Post) -> str | None:
    """A noun of two or more syllables that the body has only with a particle attached."""
    text = post.body
    tokens = get_kiwi().tokenize(text)
    for tok, nxt in zip(tokens, tokens[1:]):
        if tok.tag != "NNG" or len(tok.form) < 2 or nxt.tag not in _PARTICLES or nxt.start != tok.end:
            continue
        noun = tok.form
        bare = re.search(re.escape(noun) + r"(?=[\s.,!?·\"')\]]|$)", text)
        if not bare and noun not in post.title and noun not in post.excerpt:
            return noun
    return None


def test_a_noun_with_a_particle_attached_finds_its_post(corpus_service, corpus_posts) -> None:
    service, _ = corpus_service
    checked = 0
    for post in sample(corpus_posts, 80, seed=11):
        noun = particle_only_noun(post)
        if noun is None:
            continue
        day = post.day.isoformat()
        assert post.id in search(service, noun, **{"from": day, "to": day}), (post.path, noun)
        checked += 1
    assert checked >= 30


def test_every_kind_of_query_answers_and_matches_whooshs_own_matching(corpus_service, corpus_posts) -> None:
    """Real posting lists span many blocks: matching and scoring must still equal Whoosh's,
    and ranking (with and without filters, exclusions, phrases, pages) must never fail."""
    from sokbo.search import query as squery
    from .test_matching import assert_like_whoosh

    service, _ = corpus_service
    word = re.compile(r"[가-힣A-Za-z0-9]{2,}")
    rng = random.Random(5)
    queries: list[dict[str, str]] = [{"q": "있습니다"}, {"q": "있습니다 -기자"}, {"q": '"수 있는"'}, {"q": "-있습니다"}]
    for post in sample(corpus_posts, 25, seed=5):
        title, body = word.findall(post.title) or ["뉴스"], word.findall(post.body[:1500]) or ["뉴스"]
        run = post.body.split()
        i = rng.randrange(max(1, len(run) - 3))
        queries += [
            {"q": f"{rng.choice(title)} -{rng.choice(body)}"},
            {"q": f"{rng.choice(title)} OR {rng.choice(body)}", "page": "2"},
            {"q": '"' + " ".join(run[i : i + 3]) + '"'},
            {"q": rng.choice(body), "category": post.categories[0] if post.categories else ""},
        ]
    searcher, view = service._searcher()
    for params in queries:
        request = SearchRequest.from_params({k: [v] for k, v in params.items() if v})
        response = service.search(request)
        assert response.total >= len(response.hits), params
        q = squery.build(squery.parse(params["q"]))
        if q is not None:
            assert_like_whoosh(q, searcher, view, params)


# -- did-you-mean, 초성 and autocomplete on the whole corpus -----------------------------


def _title_words(service: SearchService, corpus_posts: list[Post], least: int, *, in_titles: bool = False) -> list[str]:
    """Words of the titles (2-5 syllables, not verb stems) in at least ``least`` posts, or titles."""
    from sokbo.search.lexicon import is_stem

    lexicon = service.lexicon()
    counts = lexicon.title_df if in_titles else lexicon.df
    words = {w for p in corpus_posts for w in re.findall("[가-힣]{2,5}", p.title)}
    return sorted(w for w in words if counts.get(w, 0) >= least and not is_stem(w))


def test_a_slip_of_one_key_in_a_common_word_is_corrected(corpus_service, corpus_posts) -> None:
    from sokbo.search.hangul import compose, decompose, slips

    service, _ = corpus_service
    lexicon = service.lexicon()
    rng = random.Random(7)
    pairs = []
    for word in rng.sample(_title_words(service, corpus_posts, 20), 150):
        keys = decompose(word)
        spots = [i for i, k in enumerate(keys) if slips(k)]
        i = rng.choice(spots)
        typo = compose(keys[:i] + rng.choice(sorted(slips(keys[i]))) + keys[i + 1 :])
        if typo != word and len(typo) == len(word) and lexicon.frequency(typo) == 0:
            pairs.append((typo, word))
    corrected = sum(service.search(SearchRequest(q=typo)).suggestion == word for typo, word in pairs)
    assert len(pairs) >= 100 and corrected >= 0.7 * len(pairs), (corrected, len(pairs))


def test_words_the_corpus_has_are_not_corrected(corpus_service, corpus_posts) -> None:
    service, _ = corpus_service
    words = random.Random(8).sample(_title_words(service, corpus_posts, 3), 300)
    suggested = [w for w in words if service.search(SearchRequest(q=w)).suggestion is not None]
    assert len(suggested) <= 3, suggested


def test_the_initials_of_a_headline_word_find_it(corpus_service, corpus_posts) -> None:
    from sokbo.search.hangul import initials

    service, _ = corpus_service
    words = [w for w in _title_words(service, corpus_posts, 5, in_titles=True) if len(w) >= 3]
    picked = random.Random(9).sample(words, min(150, len(words)))
    expanded = [service.search(SearchRequest(q=initials(w))).expanded for w in picked]
    assert all(w in found for w, found in zip(picked, expanded))
    assert sum(found[0] == w for w, found in zip(picked, expanded)) >= 0.7 * len(picked)


def test_a_headline_word_being_typed_is_completed(corpus_service, corpus_posts) -> None:
    from sokbo.search.hangul import compose, decompose

    service, _ = corpus_service
    words = [w for w in _title_words(service, corpus_posts, 5, in_titles=True) if len(w) >= 3]
    picked = random.Random(10).sample(words, min(150, len(words)))
    lexicon = service.lexicon()
    completed = 0
    for word in picked:
        keys = decompose(word)
        typed = compose(keys[: max(2, len(keys) - 2)])  # a syllable or two still to come
        completed += word in [c.text for c in lexicon.complete(typed)]
    assert completed >= 0.9 * len(picked), completed


# -- the view kept by segment, on real data ------------------------------------------


def test_the_corpus_view_equals_the_whole_index_read_at_once(corpus_service, corpus_posts) -> None:
    from .whole_view import assert_same_view, whole_view

    service, _summary = corpus_service
    searcher, view = service._searcher()
    words = [w for p in corpus_posts[::500] for w in p.title.split()[:2]]
    assert_same_view(view, whole_view(searcher.reader()), words)
    assert len(view.duplicates) > 40  # the corpus has republished stories


def test_clustering_by_segment_gives_the_corpus_clusters(corpus_service) -> None:
    """The corpus's sketches in segments that come, lose posts and merge at random: each
    step's clusters are those of the whole (crowded hashes and all)."""
    from .test_segments import check_clustering_follows

    service, _summary = corpus_service
    reader = service._searcher()[0].reader()
    columns = [list(reader.column_reader(name)) for name in ("title_sig", "body_sig", "day")]
    from sokbo.search.segments import _ordinal

    posts = [(t, b, _ordinal(d)) for t, b, d in zip(*columns)]
    check_clustering_follows(posts, random.Random(14), steps=30)


def test_a_publish_to_the_corpus_reads_one_segment(corpus_service, corpus_posts, tmp_path) -> None:
    import dataclasses
    import shutil

    from .whole_view import assert_same_view, whole_view

    service, _summary = corpus_service
    copy = tmp_path / "ix"
    shutil.copytree(service.store.root, copy)
    published = SearchService(copy)
    published._searcher()
    reads = published._views.reads
    post = corpus_posts[100]
    published.update([dataclasses.replace(post, id=post.id + "-again", title="[종합] " + post.title)], [corpus_posts[7].id])
    published._checked = 0.0
    searcher, view = published._searcher()
    assert published._views.reads == reads + 1
    assert_same_view(view, whole_view(searcher.reader()), post.title.split()[:3])
    again = view.ids.index(post.id + "-again")
    assert view.cluster[again] == view.cluster[view.ids.index(post.id)] and again in view.duplicates
