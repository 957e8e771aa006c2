"""Benchmark: what a server pays to see a new commit (the index's view), and a publish's delay.

A searcher's view (:class:`~sokbo.search.view.IndexView`: columns, date order, facet sets,
near-duplicate clusters, field lengths, words as written) is what every search reads; each
commit of ``sokbo index`` makes a running server build it again before the new post is
visible. This prints:

* the view of the whole index read from scratch (``IndexView.read``), part by part;
* a simulated publish, several times: a copy of the index, a service that has searched,
  one post added with ``SearchService.update`` (a new small segment), and the next search,
  which builds the new view; with the same search on an unchanged index for comparison;
* the process's resident memory.

    python bench/bench_view.py --index /work/ix-corpus            # copied first: never written
    python bench/bench_view.py --index /work/ix-100k --publishes 5 --json out.json
    python bench/bench_view.py --index IX --whole     # and publishes as before (whole view per commit)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUERY = "정부 발표"
"""A search made before the publishes."""
MARK = "벤치마크용어"
"""A word only the published posts have (with their number): the search after a publish
looks for it, cheap to answer, and must find the new post."""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(call: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    out = call()
    return out, (time.perf_counter() - started) * 1000


def breakdown(reader: Any) -> dict[str, float]:
    """Milliseconds of each part of a view read from scratch, every segment read (what a
    server's first search pays; a commit pays the per-segment parts for its new segments)."""
    from collections import defaultdict

    from sokbo.search import dedup, segments as sg
    from sokbo.search.matching import field_lengths
    from sokbo.search.schema import GRAM_FIELDS, MORPHEME_FIELDS
    from sokbo.search.words import WordTable

    ms: dict[str, float] = defaultdict(float)
    leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers() if leaf.doc_count_all()]
    for leaf, _offset in leaves:
        n = leaf.doc_count_all()
        columns = {}
        for name, default in (("cats_col", b""), ("month", b""), ("day", 0), ("ts", 0), ("id", ""), ("title_sig", b""), ("body_sig", b""), ("words_sig", b"")):
            columns[name], t = timed(lambda: sg._column(leaf, name, n, default))
            ms[f"segment: column {name}"] += t
        dates, t = timed(lambda: [(ts, sg._natural(i)) for ts, i in zip(columns["ts"], columns["id"])])
        ms["segment: date keys (natural ids)"] += t
        ms["segment: date order"] += timed(lambda: sorted(range(n), key=dates.__getitem__))[1]
        ms["segment: sketches"] += timed(lambda: dedup.Sketches.of(columns["title_sig"], columns["body_sig"], [sg._ordinal(d) for d in columns["day"]]))[1]
        ms["segment: field lengths"] += timed(lambda: field_lengths(leaf, MORPHEME_FIELDS + GRAM_FIELDS))[1]
        ms["segment: WordTable"] += timed(lambda: WordTable(columns["words_sig"]))[1]
    cache = sg.ViewCache()
    values, ms["segments read (SegmentValues.read, all)"] = timed(lambda: [(sg.SegmentValues.read(leaf), offset) for leaf, offset in leaves])
    clustering = dedup.Clustering()
    keys = [str(i) for i in range(len(values))]
    _, ms["clustering (first, every hash)"] = timed(lambda: clustering.update({k: v.sketches for k, (v, _) in zip(keys, values)}))
    cluster, ms["clusters (join the edges)"] = timed(lambda: clustering.clusters({k: o for k, (_, o) in zip(keys, values)}, sum(v.n for v, _ in values)))
    order, ms["date order (the segments' orders merged)"] = timed(lambda: sg._date_order(values, 0, None))
    joined, ms["Joined.of (arrays at offsets)"] = timed(lambda: sg.Joined.of(values, cluster, order))
    import numpy as np

    _, ms["Joined.view (deletions, facet sets)"] = timed(lambda: joined.view(np.ones(joined.n, dtype=bool)))
    _, ms["ViewCache.view (whole, from scratch)"] = timed(lambda: cache.view(reader))
    return dict(ms)


def a_post(service: Any, n: int) -> Any:
    """A new post: a real post's text republished under a new id today (it is a near-duplicate)."""
    import datetime as dt

    from sokbo.search import Post

    searcher, view = service._searcher()
    d = sorted(view.live)[n * 7919 % len(view.live)]
    stored = searcher.stored_fields(d)
    day = dt.date.today()
    return Post(id=f"{day}-bench-{n}", title=f"{stored.get('title', '')} {MARK}{n} (종합)", date=day.isoformat(), day=day,
                categories=tuple(filter(None, stored.get("categories", "").split(","))),
                body=stored.get("body", ""), url=f"https://example.org/bench/{n}/")


def publishes(index: Path, count: int, whole: bool = False) -> dict[str, Any]:
    """Add one post ``count`` times to a copy of ``index``; each time, the commit's time, and
    the next search's (for a word only the new post has: it must find it), which builds the new view;
    then the same search again (the view built). With ``whole``, the service reads the whole
    index at each commit, as it did before views were kept by segment (tests/whole_view.py):
    the comparison, in the same conditions. Also the process's RSS before and after."""
    from sokbo.search import SearchRequest, SearchService

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-view-") as tmp:
        copy = Path(tmp) / "ix"
        shutil.copytree(index, copy, symlinks=True)
        service = SearchService(copy)
        spent: list[float] = []
        read_view = service._read_view
        if whole:
            from tests.whole_view import whole_view

            read_view = lambda reader, gen: whole_view(reader)  # noqa: E731

        def timed_read_view(reader: Any, gen: str) -> Any:
            view, ms = timed(lambda: read_view(reader, gen))
            spent.append(ms)
            return view

        service._read_view = timed_read_view  # type: ignore[method-assign]
        service.warm_up()
        service.lexicon(wait=True)
        service.search(SearchRequest(q=QUERY))
        rss_before = rss_mb()
        for i in range(count):
            post = a_post(service, i)
            _, commit = timed(lambda: SearchService(copy).update([post]))
            service._checked = 0.0  # as if the once-a-second check were due now
            reads = getattr(service._views, "reads", 0)
            request = SearchRequest(q=f"{MARK}{i}")
            response, first = timed(lambda: service.search(request))
            assert post.id in {i for h in response.hits for i in (h.id, *(s.id for s in h.similar))}, post.title
            _, steady = timed(lambda: service.search(request))
            segments = len(list(service._searcher()[0].reader().leaf_readers()))
            runs.append({"commit_ms": commit, "next_search_ms": first, "view_ms": spent.pop(), "steady_search_ms": steady,
                         "segments": segments, "segments_read": getattr(service._views, "reads", 0) - reads})
            service.lexicon(wait=True)  # the background lexicon rebuild is not what is timed here
        return {"runs": runs, "rss_mb_before": rss_before, "rss_mb_after": rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="an index folder (read only: copied before any write)")
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--whole", action="store_true", help="also time publishes with the whole index read at each commit (as before)")
    args = parser.parse_args()
    os.environ.setdefault("SOKBO_CACHE_MB", "0")  # every search computed
    from sokbo.search import SearchService

    results: dict[str, Any] = {"index": str(args.index), "publishes": publishes(args.index, args.publishes)}
    report(results["publishes"], "views kept by segment")
    if args.whole:
        results["publishes_whole"] = publishes(args.index, args.publishes, whole=True)
        report(results["publishes_whole"], "the whole index read at each commit (as before)")
    with tempfile.TemporaryDirectory(prefix="bench-view-") as tmp:
        copy = Path(tmp) / "ix"
        shutil.copytree(args.index, copy, symlinks=True)
        service = SearchService(copy)
        (searcher, view), cold = timed(service._searcher)
        results.update(posts=len(view.live), segments=len(list(searcher.reader().leaf_readers())), first_view_ms=cold)
        results["breakdown_ms"] = breakdown(searcher.reader())
    print(f"{results['posts']:,} posts in {results['segments']} segments; a service's first view {cold:.0f} ms; from scratch:")
    for name, ms in results["breakdown_ms"].items():
        print(f"  {name:42s} {ms:8.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def report(figures: dict[str, Any], label: str) -> None:
    runs = figures["runs"]
    print(f"publishes, {label}:")
    for r in runs:
        print(f"  commit {r['commit_ms']:6.0f} ms, next search {r['next_search_ms']:6.0f} ms, of which the view {r['view_ms']:7.1f} ms"
              f" (the search again {r['steady_search_ms']:5.0f} ms); {r['segments']} segments, {r['segments_read']} read")
    print(f"  median: next search {statistics.median(r['next_search_ms'] for r in runs):.0f} ms, its view"
          f" {statistics.median(r['view_ms'] for r in runs):.1f} ms; RSS {figures['rss_mb_before']:.0f} MB before the"
          f" publishes, {figures['rss_mb_after']:.0f} MB after")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.whole_view, for --whole
    main()
