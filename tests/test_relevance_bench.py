"""The relevance benchmark's query generator and metrics (bench/relevance), on samples/_posts.

No corpus, questions file, npm or Pagefind needed: these check that the queries are
deterministic and fair (every target exists, every inflected noun is absent bare from its
post, memory and multi queries leave few other posts), that the question family never uses the
held-out questions (on a made-up file), and that the metrics are computed right.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

BENCH = Path(__file__).resolve().parents[1] / "bench" / "relevance"
sys.path.insert(0, str(BENCH))

from corpus import Corpus, load_corpus, words  # noqa: E402
from engine import Answer, terms  # noqa: E402
from engine_fts5 import Fts5Engine, to_sql  # noqa: E402
from engine_whoosh import WhooshEngine  # noqa: E402
from hangul import INITIALS, chosung, compose, decompose, misspell, neighbours  # noqa: E402
from metrics import TARGETS, ahead, chance_mrr10, first_rank, percentile, same_query, score, unanswerable_score  # noqa: E402
from queries import POST_SETS, SETS, Generator, Query, half_of, particle_only_nouns, printed_words  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(SAMPLES)


@pytest.fixture(scope="module")
def queries(corpus: Corpus) -> list[Query]:
    return Generator(corpus).generate(200, seed=7)


def test_same_seed_same_queries(corpus: Corpus, queries: list[Query]) -> None:
    assert Generator(load_corpus(SAMPLES)).generate(200, seed=7) == queries
    assert Generator(corpus).generate(200, seed=8) != queries


def test_every_set_is_made_and_targets_are_posts(corpus: Corpus, queries: list[Query]) -> None:
    ids = {p.id for p in corpus.posts}
    assert {q.set for q in queries} == set(POST_SETS) and set(POST_SETS) < set(SETS)
    for q in queries:
        assert q.target_id in ids and q.target_id in q.accepted and set(q.accepted) <= ids
        assert q.half == half_of(q.set, q.target_id)
        assert (q.expected_suggestion is not None) == (q.set == "misspelt")
    for name in POST_SETS:  # at most one query per post and set
        targets = [q.target_id for q in queries if q.set == name]
        assert len(targets) == len(set(targets)) <= len(corpus.posts)


def test_per_set_caps_the_number(corpus: Corpus) -> None:
    few = Generator(corpus).generate(3, seed=7)
    assert [q.set for q in few] == [s for s in POST_SETS for _ in range(3)]
    some = Generator(corpus).generate(3, seed=7, sets=("multi", "title"))
    assert some == [q for q in few if q.set in ("title", "multi")]  # a set's queries do not depend on the others


def test_inflected_nouns_are_never_bare_in_their_post(corpus: Corpus, queries: list[Query]) -> None:
    from sokbo.search.analysis import get_kiwi

    posts = {p.id: (p, text) for p, text in zip(corpus.posts, corpus.texts)}
    inflected = [q for q in queries if q.set == "inflected"]
    assert len(inflected) >= 10
    for q in inflected:
        post, text = posts[q.target_id]
        assert q.text in text  # it is there ...
        assert q.text not in words(text)  # ... but never as a word of its own
        assert all(w.startswith(q.text) for w in words(text) if q.text in w)
        nouns = {t.form for t in get_kiwi().tokenize(text) if t.tag in ("NNG", "NNP")}
        assert q.text in nouns


def test_queries_come_from_their_target(corpus: Corpus, queries: list[Query]) -> None:
    posts = {p.id: p for p in corpus.posts}
    for q in queries:
        post = posts[q.target_id]
        if q.set == "title":
            assert 2 <= len(q.text.split()) <= 3 and all(w in words(post.title) for w in q.text.split())
        elif q.set == "body":
            assert all(w in words(post.body) and w not in post.title for w in q.text.split())
        elif q.set == "phrase":
            assert q.text.startswith('"') and q.text.endswith('"') and 3 <= len(q.text.split()) <= 5
            assert q.text.strip('"') in " ".join(post.body.split())
        elif q.set == "chosung":
            assert q.text and set(q.text) <= set(INITIALS)
            assert any(q.text in chosung(w) for w in words(post.title))
        elif q.set == "misspelt":
            assert q.expected_suggestion is not None
            assert all(w in words(post.title) for w in q.expected_suggestion.split())
            changed = [(a, b) for a, b in zip(q.text, q.expected_suggestion) if a != b]
            assert len(q.text) == len(q.expected_suggestion) and len(changed) == 1
            (typo, right), = changed
            assert sum(x != y for x, y in zip(decompose(typo), decompose(right))) == 1
        elif q.set in ("memory_title", "memory_body"):  # words as printed, particles included
            source = post.title if q.set == "memory_title" else post.body
            chosen = q.text.split()
            assert 2 <= len(chosen) <= 4 and len(set(chosen)) == len(chosen)
            assert all(len(w) >= 2 and w in printed_words(source) for w in chosen)
        elif q.set == "multi":
            assert 2 <= len(q.text.split()) <= 3


def test_hangul_arithmetic() -> None:
    assert compose(*decompose("한")) == "한"
    assert chosung("대한민국 2024") == "ㄷㅎㅁㄱ"
    assert "ㄲ" in neighbours("ㄱ") and "ㄷ" in neighbours("ㄱ") and "ㅅ" in neighbours("ㄱ")
    assert neighbours("ㅘ") == []  # two keystrokes: no single slip
    typo = misspell("나라", random.Random(1), known={"나라"})
    assert typo is not None and typo != "나라" and len(typo) == 2


def test_metrics_on_a_hand_made_ranking() -> None:
    ranking = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]
    assert first_rank(ranking, ("c", "x")) == 3
    assert first_rank(ranking, ("l",)) == 12
    assert first_rank(ranking, ("x",)) is None
    s = score([1, 2, 12, None], [1.0, 2.0, 3.0, 4.0], [True, False, True, False])
    assert s.n == 4
    assert s.mrr10 == pytest.approx((1 + 0.5) / 4)
    assert s.r10 == 0.5 and s.r1000 == 0.75 and s.suggestion == 0.5
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0 and percentile([], 95) == 0.0
    assert same_query("푸른  하늘", "푸른 하늘") and not same_query(None, "푸른 하늘")
    assert chance_mrr10(1) == 1.0 and chance_mrr10(0) == 1.0
    assert chance_mrr10(4) == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    assert chance_mrr10(20) == pytest.approx(sum(1 / r for r in range(1, 11)) / 20)  # ranks past 10 score 0
    assert chance_mrr10(5, accepted=2) == chance_mrr10(4)


def test_sokbo_is_judged_ahead_only_of_baselines_that_ran() -> None:
    from metrics import Score
    from run import judge

    def at(mrr10: float) -> Score:
        return Score(n=10, mrr10=mrr10, r10=1.0, r1000=1.0, p50_ms=1.0, p95_ms=1.0, suggestion=None)

    def ahead_verdicts(scores: dict[str, dict[str, Score]]) -> list[dict[str, object]]:
        return [v for v in judge(scores) if str(v["target"]).startswith("ahead")]

    assert ahead_verdicts({"body": {"sokbo": at(0.5)}}) == []  # alone: nothing to be ahead of
    [behind] = ahead_verdicts({"body": {"sokbo": at(0.90), "pagefind": at(0.89)}})
    assert behind["met"] is False and "pagefind" in str(behind["value"])
    [ahead_] = ahead_verdicts({"body": {"sokbo": at(0.92), "pagefind": at(0.89)}})
    assert ahead_["met"] is True


def test_inflected_chance_counts_the_posts_that_contain_the_noun(corpus: Corpus, queries: list[Query]) -> None:
    from run import inflected_chance

    inflected = [q for q in queries if q.set == "inflected"]
    expected = sum(chance_mrr10(len(corpus.containing(q.text)), len(q.accepted)) for q in inflected) / len(inflected)
    assert inflected_chance(corpus, queries) == pytest.approx(expected)
    assert 0 < expected <= 1
    assert inflected_chance(corpus, [q for q in queries if q.set != "inflected"]) is None


def test_query_terms_and_fts5_sql() -> None:
    assert terms('한국 "오늘 날씨 맑음"  "" 비') == [("한국", False), ("오늘 날씨 맑음", True), ("비", False)]
    sql = to_sql("일기예보 비")
    assert sql is not None and "MATCH" in sql[0] and "LIKE" in sql[0] and sql[1][0] == '"일기예보"'
    assert to_sql("비") is not None and "MATCH" not in to_sql("비")[0]  # type: ignore[index]
    assert to_sql('""') is None


def test_baselines_find_title_queries(corpus: Corpus, queries: list[Query]) -> None:
    title = [q for q in queries if q.set == "title"][:10]
    for engine in (WhooshEngine(), Fts5Engine()):
        engine.build(corpus)
        try:
            found = [first_rank(engine.search(q.text, frozenset(q.accepted)).ids, q.accepted) for q in title]
        finally:
            engine.close()
        assert sum(r is not None for r in found) >= 8, engine.name


def test_sokbo_meets_every_target_on_posts_outside_the_corpus(corpus: Corpus, queries: list[Query], sample_index: Path) -> None:
    """The issue's goals, measured on the team's own posts (all queries: too few to halve):
    the ranking was tuned on the corpus's tune half and must generalise to posts it never saw."""
    from engine_sokbo import SokboEngine

    engine = SokboEngine(sample_index)
    engine.build(corpus)
    try:
        answers = [engine.search(q.text, frozenset(q.accepted)) for q in queries]
    finally:
        engine.close()
    for target in (t for t in TARGETS if t.set in POST_SETS):  # newword: see test_newword_*
        picked = [(q, a) for q, a in zip(queries, answers) if q.set == target.set]
        suggestions = [same_query(a.suggestion, q.expected_suggestion) for q, a in picked] if target.set == "misspelt" else None
        s = score([first_rank(a.ids, q.accepted) for q, a in picked], [a.ms for _q, a in picked], suggestions)
        assert s.n >= 40 and target.met(s), (target.label(), s)


def test_words_as_printed() -> None:
    text = "[속보] 대통령, 연설에서 '협치' 강조했다…3.5% 오른 1,000명·K-pop (종합) 尹 a"
    assert printed_words(text) == ["속보", "대통령", "연설에서", "협치", "강조했다", "3.5", "오른", "1,000명", "K-pop", "종합"]


def test_containing_is_a_full_scan_made_fast(corpus: Corpus) -> None:
    """The character-pair index returns exactly what scanning every text returns."""
    probes = ["대통령", "있다", "정부가", "the", "The", "2024", "없는말없는말", "다", "a"]
    probes += [w for t in corpus.texts[:5] for w in words(t)[:8]]
    for w in probes:
        assert corpus.containing(w) == [i for i, t in enumerate(corpus.texts) if w in t], w
    pairs = [["대통령", "정부"], ["올해", "처음"], ["KBO", "리그"], ["없는말", "대통령"]]
    for chosen in pairs:
        folded = [c.casefold() for c in chosen]
        expected = [i for i, t in enumerate(corpus.texts) if all(c in t.casefold() for c in folded)]
        assert corpus.containing_all(chosen) == expected, chosen


def few_others(corpus: Corpus, q: Query) -> int:
    """How many posts besides the target and its duplicates contain every word of ``q``
    (checked by scanning every post)."""
    folded = [w.casefold() for w in q.text.split()]
    return sum(
        all(w in text.casefold() for w in folded) and post.id not in q.accepted
        for post, text in zip(corpus.posts, corpus.texts)
    )


def test_memory_queries_leave_a_few_posts_to_rank(corpus: Corpus, queries: list[Query]) -> None:
    """The target has every word of its query, in its title (memory_title) or body
    (memory_body); at most a few other posts have them all."""
    generator = Generator(corpus)
    for name in ("memory_title", "memory_body"):
        made = [q for q in queries if q.set == name]
        assert len(made) >= 40, name
        assert len({len(q.text.split()) for q in made}) >= 2  # 2, 3 or 4 words
        for q in made:
            target = next(p for p in corpus.posts if p.id == q.target_id)
            where = target.title if name == "memory_title" else target.body
            assert all(w.casefold() in where.casefold() for w in q.text.split()), q
            assert few_others(corpus, q) <= generator.few_df, q
    # generic words are not filtered out: some query has a word that most posts contain
    body = [q for q in queries if q.set == "memory_body"]
    common = {w for w, df in corpus.df.items() if df >= len(corpus.posts) // 4}
    assert any(w.casefold() in common for q in body for w in q.text.split())


def test_multi_queries_are_nouns_written_only_with_particles(corpus: Corpus, queries: list[Query]) -> None:
    from sokbo.search.analysis import get_kiwi

    posts = {p.id: (p, text) for p, text in zip(corpus.posts, corpus.texts)}
    made = [q for q in queries if q.set == "multi"]
    assert len(made) >= 20
    for q in made:
        post, text = posts[q.target_id]
        nouns = q.text.split()
        assert 2 <= len(nouns) <= 3 and set(nouns) <= particle_only_nouns(get_kiwi(), post)
        assert all(n in text and n not in words(text) for n in nouns)  # there, never bare
        assert few_others(corpus, q) <= Generator(corpus).few_df


def test_ahead_by_a_margin() -> None:
    assert ahead(0.52, 0.50) and not ahead(0.51, 0.50) and not ahead(0.50, 0.50)
    assert ahead(1.0, 1.0) and ahead(1.0, 0.99)  # nothing can do better than 1.000
    labels = [t.label() for t in TARGETS]
    assert "newword silently replaced = 0.00" in labels and "newword suggestion offered ≤ 0.10" in labels
    assert "misspelt suggestion right ≥ 0.90" in labels


# -- newword ---------------------------------------------------------------------------

MADE_UP = ["독도", "푸틴", "이재명", "지진"]
"""Real words the sample posts do not contain (checked below)."""


def test_newword_queries_use_only_words_no_post_has(corpus: Corpus) -> None:
    from newwords import is_single, newword_queries

    assert not any(w in t for w in MADE_UP for t in corpus.texts)
    present = words(corpus.posts[0].title)[0]
    counts = Counter({**{w: 2 for w in MADE_UP}, present: 5, "한번만": 1})
    made = newword_queries(corpus, counts, ["경기", "정부"], 10, seed=7)
    assert sorted(q.new_word for q in made) == sorted(MADE_UP)  # not the present one, nor the once-seen one
    assert made == newword_queries(corpus, counts, ["경기", "정부"], 10, seed=7)
    for q in made:
        assert q.set == "newword" and q.target_id == "" and q.accepted == () and q.half == half_of("newword", q.new_word)
        assert is_single(q) or sorted(q.text.split()) in (sorted([q.new_word, "경기"]), sorted([q.new_word, "정부"]))
    with_common = newword_queries(corpus, Counter({f"없는말{k}": 2 for k in range(60)}), ["경기"], 60, seed=7)
    assert 5 < sum(not is_single(q) for q in with_common) < 40  # both shapes


def test_newword_metrics() -> None:
    answers = [Answer([], 1.0), Answer([], 2.0, "지난", corrected=True), Answer(["x"], 3.0, "독서"), Answer([], 4.0)]
    s = unanswerable_score([a.corrected for a in answers], [a.suggestion is not None for a in answers], [a.ms for a in answers])
    assert s.n == 4 and s.replaced == 0.25 and s.offered == 0.5 and not s.ranked
    assert s.as_dict()["mrr@10"] is None and s.as_dict()["silently_replaced"] == 0.25
    replaced, offered = (t for t in TARGETS if t.set == "newword")
    assert not replaced.met(s) and not offered.met(s)
    clean = unanswerable_score([False] * 20, [True] + [False] * 19, [1.0] * 20)
    assert replaced.met(clean) and offered.met(clean)


def test_newword_answers_of_sokbo(corpus: Corpus, sample_index: Path) -> None:
    """sokbo's answer carries ``corrected`` and ``suggestion``, which the newword figures count."""
    from engine_sokbo import SokboEngine
    from newwords import newword_queries

    made = newword_queries(corpus, Counter({w: 2 for w in MADE_UP}), [], 10, seed=7)
    engine = SokboEngine(sample_index)
    engine.build(corpus)
    try:
        answers = [engine.search(q.text, frozenset()) for q in made]
        typo = engine.search("민주댱", frozenset())  # no post has it; a post has 민주당
    finally:
        engine.close()
    assert all(isinstance(a.corrected, bool) for a in answers)
    assert all(not a.ids for a, q in zip(answers, made) if not a.corrected)  # nothing has the word
    assert typo.corrected and typo.suggestion == "민주당" and typo.ids


# -- question --------------------------------------------------------------------------


def korquad_like(path: Path, held_out: int = 1000) -> Path:
    """A SQuAD-format file of ``held_out + 3`` questions on three contexts, two of them of one
    article (one title, two posts); the held-out questions have no text at all, so that
    reading one fails. The last three questions: the 2nd context (whose other questions are
    held out), the 3rd, the 1st again (repeated under its article: the same post)."""
    contexts = [
        ("가상 도시", "가상 도시는 바닷가에 있다. 인구는 삼만 명이다."),
        ("가상 도시", "가상 도시의 축제는 봄에 열린다. 벚꽃이 유명하다."),
        ("가상 인물", "가상 인물은 화가였다. 그는 바다를 즐겨 그렸다."),
    ]
    order = [0] * (held_out // 2) + [1] * (held_out - held_out // 2 + 1) + [2, 0]
    articles: list[dict[str, object]] = []
    last = None
    for k, c in enumerate(order):
        title, context = contexts[c]
        if c != last:
            if not articles or articles[-1]["title"] != title:
                articles.append({"title": title, "paragraphs": []})
            articles[-1]["paragraphs"].append({"context": context, "qas": []})  # type: ignore[union-attr]
            last = c
        qa: dict[str, object] = {"id": f"q{k}", "answers": []}
        if k >= held_out:
            qa["question"] = f"질문 {k}번 축제는 언제 열리나?"
        articles[-1]["paragraphs"][-1]["qas"].append(qa)  # type: ignore[index]
    path.write_text(json.dumps({"version": "test", "data": articles}, ensure_ascii=False), encoding="utf-8")
    return path


def test_questions_family_skips_the_held_out_questions(tmp_path: Path) -> None:
    from questions import question_queries, read_questions, write_posts

    questions = read_questions(korquad_like(tmp_path / "q.json"))
    assert [k for _text, k in questions.asked] == [1, 2, 0]  # only the last 3 of 1,003, file order
    assert [text.split()[1] for text, _k in questions.asked] == ["1000번", "1001번", "1002번"]
    assert len(questions.contexts) == 3 and questions.held_out == {0, 1} and questions.open_contexts == [2]
    write_posts(questions, tmp_path / "_posts")
    posts = load_corpus(tmp_path / "_posts", same_title_same_story=False)
    assert [(p.title, " ".join(p.body.split())) for p in posts.posts] == questions.contexts
    assert all(posts.duplicates[p.id] == (p.id,) for p in posts.posts)  # one title, two posts: not one story
    made = question_queries(questions, None, seed=7)
    ids = [p.id for p in posts.posts]
    assert [(q.text.split()[1], q.target_id) for q in made] == [("1000번", ids[1]), ("1001번", ids[2]), ("1002번", ids[0])]
    assert all(q.accepted == (q.target_id,) and q.half == half_of("question", q.target_id) for q in made)
    assert len(question_queries(questions, 2, seed=7)) == 2


def test_run_dumps_the_queries_of_the_sets_asked_for(tmp_path: Path) -> None:
    """run.py --sets ... --dump-queries: the generated queries, all halves, and no engine run."""
    out = tmp_path / "queries.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--posts", str(SAMPLES), "--sets", "memory_title,question",
         "--questions-file", str(korquad_like(tmp_path / "q.json")), "--per-set", "5", "--dump-queries", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))["queries"]
    assert Counter(r["set"] for r in rows) == {"memory_title": 5, "question": 3}
    assert {r["corpus"] for r in rows if r["set"] == "question"} == {"question posts"}
    assert "indexing" not in done.stdout
