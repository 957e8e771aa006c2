"""The postings cache at scale: one client's latency with and without it, in one run.

Opens the index ``--index`` twice in this process, once with the decoded-postings cache off
(``SOKBO_POSTINGS_MB=0``) and once with its default, and asks both the same real queries
(bench_search.py's generator, from ``--posts``), the result cache off in both so every
answer is computed. Queries repeat as readers' do (a Zipf mix), so the cache's effect is
what a server sees once warm. Prints p50/p95 for each and their ratio.

    python bench/bench_postings.py --index /tmp/ix100k --posts ../shared/corpus/_posts
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from bench_search import DEFAULT_POSTS, make_queries

from sokbo.indexer.reader import iter_post_files, read_post
from sokbo.indexer.site import Site
from sokbo.search import SearchRequest, SearchService


def service(index: Path, postings_mb: str) -> SearchService:
    os.environ["SOKBO_CACHE_MB"] = "0"
    os.environ["SOKBO_POSTINGS_MB"] = postings_mb
    made = SearchService(index)
    made.warm_up()
    return made


def timings(svc: SearchService, requests: list[SearchRequest]) -> list[float]:
    out = []
    for request in requests:
        started = time.perf_counter()
        svc.search(request)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS, help="where the queries are drawn from")
    parser.add_argument("--queries", type=int, default=200, help="distinct queries")
    parser.add_argument("--asked", type=int, default=600, help="searches, drawn Zipf-weighted from them")
    args = parser.parse_args()
    files = iter_post_files(args.posts)
    posts = [r.post for r in (read_post(f, Site()) for f in files[:: max(1, len(files) // 1000)]) if r.post]
    distinct = [SearchRequest.from_params(p) for p in make_queries(posts, args.queries)]
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(distinct))]
    asked = rng.choices(distinct, weights, k=args.asked)
    rows = {}
    for label, megabytes in (("postings cache off", "0"), ("postings cache on", "")):
        svc = service(args.index, megabytes)
        timings(svc, distinct[:20])  # warm-up: the lexicon and the first reads
        measured = timings(svc, asked)
        cuts = statistics.quantiles(measured, n=100)
        rows[label] = (cuts[49], cuts[94])
        extra = f"  cache {svc.postings.bytes / 2**20:.0f} MB, hits {svc.postings.hits}, misses {svc.postings.misses}" if svc.postings else ""
        print(f"{label:20} p50 {cuts[49]:7.1f} ms  p95 {cuts[94]:7.1f} ms  (n={len(measured)}){extra}", flush=True)
        del svc
    (off50, off95), (on50, on95) = rows.values()
    print(f"ratio on/off: p50 {on50 / off50:.2f}, p95 {on95 / off95:.2f}")


if __name__ == "__main__":
    main()
