"""Benchmark: full build and query latency on the shared corpus (or any _posts folder).

Prints the full build's wall time, the index size, and p50/p95 latency over a deterministic
set of varied queries (words, particles, phrases, exclusions, OR, categories, date ranges,
sorts, pages — every one with facets) through the Python API and through HTTP against a
real ``sokbo serve`` process. In the same run it measures the baseline the site has today:
every post's text in memory scanned by a regex of the whole query (what the site's current
search does in the browser, minus the download), and prints the ratio.

    python bench/bench_search.py                      # ../shared/corpus/_posts
    python bench/bench_search.py --posts samples/_posts --queries 200
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from machine import REFERENCE_KIWI_CHARS_PER_S, machine_speed

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTS = ROOT.parent / "shared" / "corpus" / "_posts"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def make_queries(posts: list, n: int, seed: int = 42) -> list[dict[str, list[str]]]:
    """Deterministic, varied request parameters drawn from the posts themselves."""
    rng = random.Random(seed)
    categories = sorted({c for p in posts for c in p.categories})
    months = sorted({p.day.strftime("%Y-%m") for p in posts})
    word = re.compile(r"[가-힣A-Za-z0-9]{2,}")
    kinds = ["title", "body", "particle", "phrase", "exclude", "or", "category", "browse", "range", "single"]
    queries: list[dict[str, list[str]]] = []
    while len(queries) < n:
        kind = kinds[len(queries) % len(kinds)]
        post = rng.choice(posts)
        title_words = word.findall(post.title) or ["뉴스"]
        body_words = word.findall(post.body[:2000]) or title_words
        params: dict[str, list[str]] = {}
        if kind == "title":
            params["q"] = [" ".join(rng.sample(title_words, min(len(title_words), rng.randint(1, 3))))]
        elif kind == "body":
            params["q"] = [" ".join(rng.sample(body_words, min(len(body_words), 2)))]
        elif kind == "particle":
            candidates = [w for w in body_words if w[-1] in "을를이가은는의에"] or body_words
            params["q"] = [rng.choice(candidates)]
        elif kind == "phrase":
            words = post.body.split()
            i = rng.randrange(max(1, len(words) - 3))
            params["q"] = ['"' + " ".join(words[i : i + 3]) + '"']
        elif kind == "exclude":
            params["q"] = [f"{rng.choice(title_words)} -{rng.choice(body_words)}"]
        elif kind == "or":
            params["q"] = [f"{rng.choice(title_words)} OR {rng.choice(body_words)}"]
        elif kind == "category":
            params["q"] = [rng.choice(title_words)]
            params["category"] = rng.sample(categories, min(len(categories), rng.randint(1, 2)))
        elif kind == "browse":
            params["category"] = [rng.choice(categories)] if rng.random() < 0.5 else []
            params["sort"] = [rng.choice(["newest", "oldest"])]
        elif kind == "range":
            month = rng.choice(months)
            params["q"] = [rng.choice(body_words)]
            params["from"] = [f"{month}-01"]
            params["to"] = [f"{month}-28"]
            params["sort"] = ["newest"]
        else:
            params["q"] = [rng.choice(body_words)]
            params["page"] = [str(rng.randint(1, 3))]
        queries.append(params)
    return queries


def regex_baseline(texts: list[str], queries: list[dict[str, list[str]]]) -> list[float]:
    """Today's site search: a regex of the whole query over every post's text."""
    times = []
    for params in queries:
        q = (params.get("q") or [""])[0].replace('"', "")
        started = time.perf_counter()
        pattern = re.compile(re.escape(q), re.IGNORECASE)
        [t for t in texts if pattern.search(t)]
        times.append((time.perf_counter() - started) * 1000)
    return times


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--procs", type=int, default=None, help="build processes (default: sokbo's choice)")
    parser.add_argument("--index", type=Path, help="reuse this index dir and skip the build (built and kept there if absent)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--threads", type=int, help="waitress threads of the server (default: sokbo serve's)")
    args = parser.parse_args()
    if not args.posts.is_dir():
        sys.exit(f"no posts folder at {args.posts}")

    from sokbo.indexer.build import build_index, read_posts, IndexSummary
    from sokbo.indexer.reader import iter_post_files
    from sokbo.indexer.site import Site
    from sokbo.search import SearchRequest, SearchService

    results: dict[str, object] = {"posts_dir": str(args.posts)}
    speed = machine_speed(args.posts)
    factor = speed / REFERENCE_KIWI_CHARS_PER_S
    results.update(kiwi_chars_per_s=round(speed), speed_vs_reference=round(factor, 2))
    print(f"machine: Kiwi {speed:,.0f} chars/s = {factor:.2f}x the reference machine's 85k chars/s")
    tmp = tempfile.TemporaryDirectory(prefix="sokbo-bench-")
    index_dir = args.index or Path(tmp.name) / "index"
    if args.index is None or not args.index.exists():
        started = time.perf_counter()
        summary = build_index(args.posts, index_dir, procs=args.procs)
        wall = time.perf_counter() - started
        results.update(build_seconds=round(wall, 2), posts=summary.posts, failed=summary.failed)
        print(f"build: {summary.line()}")
        print(f"build wall: {wall:.1f} s ({summary.posts / wall:.0f} posts/s; {wall * factor:.1f} s at the reference speed)")
    service = SearchService(index_dir)
    size = service.store.size_bytes()
    results["index_mb"] = round(size / 1e6, 1)
    print(f"index size: {size / 1e6:.1f} MB")

    posts = list(read_posts(iter_post_files(args.posts), Site.from_posts_dir(args.posts), IndexSummary()))
    queries = make_queries(posts, args.queries)

    # Python API: one warm-up pass (Kiwi load, caches), then the measured pass.
    service.warm_up()
    requests = [SearchRequest.from_params(p) for p in queries]
    api_ms, totals = [], []
    for req in requests:
        started = time.perf_counter()
        response = service.search(req)
        api_ms.append((time.perf_counter() - started) * 1000)
        totals.append(response.total)

    # HTTP against a real `sokbo serve` (waitress) process.
    port = free_port()
    env = dict(os.environ, SOKBO_INDEX=str(index_dir))
    server = subprocess.Popen(
        [sys.executable, "-m", "sokbo.indexer", "serve", "--port", str(port)]
        + (["--threads", str(args.threads)] if args.threads else []),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    http_ms: list[float] = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/health", timeout=2).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("sokbo serve did not start")
                time.sleep(0.2)
        for params in queries:  # warm-up pass
            urllib.request.urlopen(base + "/api/search?" + urllib.parse.urlencode(params, doseq=True)).read()
        for params in queries:
            url = base + "/api/search?" + urllib.parse.urlencode(params, doseq=True)
            started = time.perf_counter()
            body = json.loads(urllib.request.urlopen(url).read())
            http_ms.append((time.perf_counter() - started) * 1000)
            assert "hits" in body and "facets" in body
        server_rss = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)

    texts = [f"{p.title}\n{p.excerpt}\n{p.body}" for p in posts]
    base_ms = regex_baseline(texts, queries)

    def line(name: str, values: list[float]) -> dict[str, float]:
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(
            f"{name:<28} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   max {max(values):7.2f} ms"
            f"   (p95 at the reference speed {p95 * factor:6.2f} ms)"
        )
        return {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "max_ms": round(max(values), 2), "p95_ms_at_reference": round(p95 * factor, 2)}

    print(f"\n{len(queries)} queries, all with facets; median hits {statistics.median(totals):.0f}")
    results["api"] = line("python API (search+facets)", api_ms)
    results["http"] = line("HTTP GET /api/search", http_ms)
    results["regex_baseline"] = line("baseline: regex over posts", base_ms)
    print(f"server RSS after the run: {server_rss:.0f} MB")
    results["server_rss_mb"] = round(server_rss)
    download = sum(p.stat().st_size for p in iter_post_files(args.posts))
    results["baseline_download_mb"] = round(download / 1e6, 1)
    print(
        f"baseline/sokbo median time: {percentile(base_ms, 50) / percentile(api_ms, 50):.2f} "
        f"(the baseline scans text already in memory; the site's browser must first download "
        f"{download / 1e6:.0f} MB of posts, and gets no ranking, no particles, no facets)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
