"""Benchmark: did-you-mean, 초성 search and autocomplete on a real index.

Prints the lexicon's build time and memory (from scratch, and again after a commit, when only
new segments are read), then latencies measured the way readers meet them:

* ``GET /api/suggest`` through the Flask app (JSON included) over prefixes of the titles'
  words as a reader types them: cut mid-syllable (대토 for 대통령), or their first 초성;
* did-you-mean alone (``correction.did_you_mean``) and whole searches of misspelt title
  words (one or two keystroke typos, as ``bench_suggest.py`` makes them), with the share of
  them corrected back to the word, and that share for words with a single slip;
* whole searches of 초성 queries (the 초성 of title words), with the share that find the post
  the word came from in their first 10 hits.

Like the other benchmarks it measures the machine's speed first (Kiwi on ~100 posts of
``../shared/corpus/_posts``) and also prints figures scaled to the reference machine.

    python bench/bench_autocomplete.py --index /tmp/sp/ix6          # an index of the corpus
    python bench/bench_autocomplete.py --posts samples/_posts         # builds a temporary index
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_suggest import prefix, rss_mb, typo
from machine import speed_factor

from sokbo.search import SearchRequest, SearchService
from sokbo.search.correction import did_you_mean, post_counter
from sokbo.search.hangul import compose, decompose, initials, slips
from sokbo.search.lexicon import Lexicon, Segments
from sokbo.web import create_app

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTS = ROOT.parent / "shared" / "corpus" / "_posts"
WORD = re.compile("[가-힣]{2,}")


def percentiles(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))], ordered[-1]


def report(name: str, times: list[float], factor: float, figures: dict, extra: str = "") -> None:
    p50, p95, worst = percentiles(times)
    figures[name] = {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "max_ms": round(worst, 2), "n": len(times)}
    print(
        f"{name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {worst:.2f} ms over {len(times)}"
        f" (reference machine: p50 {p50 * factor:.2f} ms, p95 {p95 * factor:.2f} ms){extra}"
    )


def timed(run, items) -> tuple[list[float], list]:
    times, results = [], []
    for item in items:
        started = time.perf_counter()
        results.append(run(item))
        times.append((time.perf_counter() - started) * 1000)
    return times, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="a sokbo index to measure (default: build one of --posts)")
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS, help="posts to index, and to measure the machine on")
    parser.add_argument("--prefixes", type=int, default=500)
    parser.add_argument("--typos", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures: dict = {}

    factor = speed_factor(args.posts)
    figures["machine_factor"] = round(factor, 3)

    index = args.index
    if index is None:
        from sokbo.indexer.build import build_index

        index = Path(tempfile.mkdtemp(prefix="sokbo-bench-")) / "index"
        print(f"building an index of {args.posts} in {index} ...")
        build_index(args.posts, index)
    service = SearchService(index)
    searcher, view = service._searcher()  # noqa: SLF001 - the same reader the app would use
    reader = searcher.reader()
    from sokbo.search.analysis import get_kiwi

    get_kiwi()  # loaded by `sokbo serve` before it listens: not part of any figure

    gc.collect()
    before, started = rss_mb(), time.perf_counter()
    segments = Segments()
    lexicon = Lexicon.read(reader, segments).warm()
    cold = time.perf_counter() - started
    gc.collect()
    grown = rss_mb() - before
    started = time.perf_counter()
    Lexicon.read(reader, segments).warm()
    warm = time.perf_counter() - started
    started = time.perf_counter()
    Lexicon.read(reader, open_reader=service._ix.reader)  # noqa: SLF001 - titles left for later
    terms_only = time.perf_counter() - started
    figures["lexicon"] = {
        "posts": len(view.live), "terms": len(lexicon.df), "speller_words": len(lexicon.speller),
        "completion_terms": len(lexicon.terms), "titles": len(lexicon.titles),
        "build_s": round(cold, 2), "rebuild_s": round(warm, 2), "resident_mb": round(grown),
        "first_search_s": round(terms_only, 2),
    }  # fmt: skip
    print(
        f"lexicon of {len(view.live):,} posts: {len(lexicon.df):,} terms, {len(lexicon.speller):,} in the speller,"
        f" {len(lexicon.terms):,} completion terms, {len(lexicon.titles):,} titles"
    )
    print(
        f"lexicon build: {cold:.2f} s ({cold * factor:.2f} s at the reference speed), +{grown:.0f} MB resident;"
        f" after a commit (segments cached): {warm:.2f} s ({warm * factor:.2f} s);"
        f" what a first search needs (the terms' frequencies): {terms_only:.2f} s"
    )

    rng = random.Random(42)
    titles = list(lexicon._posts)  # noqa: SLF001
    words = [w for t in titles for w in WORD.findall(t)]
    typed = [prefix(rng.choice(words), rng) for _ in range(args.prefixes)]
    app = create_app({"TESTING": True, "INDEX_DIR": str(index)})
    app.extensions["sokbo"]._lexicons._key, app.extensions["sokbo"]._lexicons._lexicon = None, None  # noqa: SLF001
    client = app.test_client()
    client.get("/api/suggest", query_string={"q": "가"})  # the app's own lexicon, built once
    for attempt in ("first", "again"):
        times, bodies = timed(lambda q: client.get("/api/suggest", query_string={"q": q}).get_json(), typed)
        empty = sum(not b["suggestions"] for b in bodies)
        report(f"/api/suggest ({attempt})", times, factor, figures, f"; {empty} prefixes with no completion")
    for q in ("대토", "ㄱㅈ", "이재", "한동"):
        body = client.get("/api/suggest", query_string={"q": q, "limit": 5}).get_json()
        print(f"  {q} → {', '.join(s['text'][:24] for s in body['suggestions'])}")

    frequent = sorted({w for w in words if lexicon.frequency(w) >= 3})
    sample = rng.sample(frequent, min(args.typos, len(frequent)))
    misspelt = [(typo(w, rng)[0], w) for w in sample]
    misspelt = [(bad, good) for bad, good in misspelt if lexicon.frequency(bad) == 0]
    count = post_counter(searcher, view)
    times, fixed = timed(lambda pair: did_you_mean(pair[0], lexicon, count), misspelt)
    right = sum(f == good for f, (_, good) in zip(fixed, misspelt))
    report("did-you-mean", times, factor, figures, f"; {right / len(misspelt):.0%} corrected to the word, "
           f"{sum(f is None for f in fixed) / len(misspelt):.0%} not corrected")  # fmt: skip
    figures["did_you_mean_right"] = round(right / len(misspelt), 3)
    for bad, good in misspelt[:8]:
        print(f"  {bad} → {did_you_mean(bad, lexicon, count)} ({good})")

    slipped = []
    for word in sample:
        keys = decompose(word)
        spots = [i for i, k in enumerate(keys) if slips(k)]
        if spots:
            i = rng.choice(spots)
            bad = compose(keys[:i] + rng.choice(sorted(slips(keys[i]))) + keys[i + 1 :])
            if len(bad) == len(word) and lexicon.frequency(bad) == 0:
                slipped.append((bad, word))
    right = sum(did_you_mean(bad, lexicon, count) == good for bad, good in slipped)
    print(f"did-you-mean, {len(slipped)} words with one slip (a neighbouring key, 푸딘 for 푸틴): {right / len(slipped):.0%} corrected to the word")
    figures["did_you_mean_one_slip_right"] = round(right / len(slipped), 3)

    def run(q: str):
        return service.search(SearchRequest(q=q, sort="relevance"))

    run("워밍업")
    times, responses = timed(run, [bad for bad, _ in misspelt])
    corrected = sum(r.corrected for r in responses)
    report("search, misspelt word", times, factor, figures, f"; {corrected} searched the correction instead")

    named = [(w, t) for t in titles for w in WORD.findall(t) if len(w) >= 3 and lexicon.title_df.get(w, 0) >= 2]
    picks = rng.sample(named, min(args.typos, len(named)))
    times, responses = timed(lambda pair: run(initials(pair[0])), picks)
    found = sum(any(h.title == title for h in r.hits) for r, (_, title) in zip(responses, picks))
    first = sum(bool(r.expanded) and r.expanded[0] == w for r, (w, _) in zip(responses, picks))
    report("search, 초성 query", times, factor, figures,
           f"; the title's post in the top 10 for {found / len(picks):.0%}, the word expanded first for {first / len(picks):.0%}")  # fmt: skip
    figures["initials_top10"] = round(found / len(picks), 3)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
