"""Benchmark at scale: a 100,000-post site (bench/make_site.py), built, served and published to.

Measured in one run, on the site ``--posts`` and the index ``--index``:

* **build**: a full ``sokbo index --full`` as its own process (built unless ``--reuse`` and the
  index exists): wall seconds, posts/s, and the peak memory of its processes (the main one and
  its analysis workers, polled from /proc: the largest process and the sum at any moment);
* **index size** on disk: the live generation, and the whole folder (a full build keeps the
  generation it replaced);
* **searches**: ``sokbo serve --workers 1`` (one process, so its RSS is the server's), its
  start-up time, then one client's p50/p95 over ``--queries`` real queries over HTTP, every one
  with its facets (``GET /api/search``): words, phrases, exclusions, OR, pages, browsing, a fifth
  with a category, and some with a month; each query is asked once after a warm-up on other
  queries, and the server's result cache is off (``--cache-mb 0``) so every answer is computed;
* **RSS** of the server after those searches, and its peak (VmHWM) then and after publishing;
* **publish latency**, ``--publishes`` times: while the server runs, a new post with a word no
  other post has is written into the posts folder, ``sokbo index POSTS`` (incremental) starts,
  and ``/api/search?q=<word>`` is asked every 20 ms until the post is found. Printed: the time
  from starting ``sokbo index`` until found, the ``sokbo index`` process's own time (and how much
  of it was loading the Korean model), and the server's share (found minus the process's exit;
  the server looks for a new commit five times a second, then reads its per-commit columns). The
  posts are then deleted and indexed away again (timed too), so a re-run with ``--reuse``
  finds the site and the index as they were; their names carry the run's time, so a run that
  was killed cannot collide with the next (whose first step removes what it left).
* **publish with a resident indexer**, ``--publishes`` times too: ``sokbo index POSTS --watch``
  runs beside the server (the model loaded once, as on a site that publishes all day); the time
  from writing a post's file until the server finds it.
* **baseline**, in the same run: with ``--baseline-index`` (an index of the 5,996-post corpus)
  the same queries against a server of that index, and its RSS.

Figures are also given at the reference machine's speed (machine.py), and against the targets
(one client's p95 ≤ 150 ms with facets, publish ≤ 2 s, RSS ≤ 1.5 GB).

    python bench/make_site.py --out /work/site100k/_posts
    python bench/bench_scale.py --posts /work/site100k/_posts --index /work/ix-100k \\
        --baseline-index /work/ix-corpus --json /work/scale.json
    python bench/bench_scale.py --posts /work/site100k/_posts --index /work/ix-100k --reuse   # no build
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench_index import RUN_SOKBO, model_load
from bench_load import free_port, processes, wait_for_health, with_categories
from bench_search import DEFAULT_POSTS, make_queries, percentile
from machine import speed_factor

SOKBO = [sys.executable, "-m", "sokbo.indexer"]
PUBLISHED = "-bench-publish-"
"""In the names of the posts this benchmark adds (and deletes again)."""
TARGET_P95_MS = 150
TARGET_PUBLISH_S = 2.0
TARGET_RSS_MB = 1536


def status_kb(pid: int, field: str) -> int:
    """A ``/proc/PID/status`` figure in kB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemoryWatch:
    """Polls a process tree's memory every ``every`` seconds until stopped: the peak of the
    tree's summed RSS, and the largest peak (VmHWM) of any one of its processes."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid, self.every = pid, every
        self.peak_sum_kb = 0
        self.peak_one_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = processes(self.pid)
            self.peak_sum_kb = max(self.peak_sum_kb, sum(status_kb(p, "VmRSS") for p in pids))
            self.peak_one_kb = max([self.peak_one_kb, *(status_kb(p, "VmHWM") for p in pids)])
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, limit: float = 180) -> float:
    """Wait until ``pid`` is idle (under 5% of a core over a second: the server has done what a
    commit makes it do in the background, the lexicon's rebuild), at most ``limit`` seconds;
    the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(1)
        if cpu_seconds(pid) - before < 0.05:
            break
    return time.perf_counter() - started


def code_version() -> str:
    """Where the ``sokbo`` these processes run comes from, and its git commit (the installed
    code is what ``python -m sokbo.indexer`` runs, whatever this checkout holds)."""
    import sokbo.search

    root = Path(sokbo.search.__file__).resolve().parents[1]
    git = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"], check=False, capture_output=True, text=True)
    return f"{root} at {git.stdout.strip() or 'no git commit'}"


def du_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(posts: Path, index: Path, log: Path) -> dict:
    """A full build as its own process: its summary, wall seconds and peak memory."""
    print(f"building {index} from {posts} (sokbo index --full; problems in {log}) …", flush=True)
    started = time.perf_counter()
    with log.open("w") as err:
        process = subprocess.Popen([*SOKBO, "index", str(posts), "--index", str(index), "--full", "--json"], stdout=subprocess.PIPE, stderr=err, text=True)
        watch = MemoryWatch(process.pid)
        out, _ = process.communicate()
        watch.stop()
    wall = time.perf_counter() - started
    if process.returncode not in (0, 1):  # 1: some posts failed, the rest are indexed
        raise SystemExit(f"sokbo index --full exited with {process.returncode}: see {log}")
    summary = json.loads(out)
    return {"summary": summary, "wall_s": wall, "peak_sum_mb": watch.peak_sum_kb / 1024, "peak_one_mb": watch.peak_one_kb / 1024}


def start_server(index: Path, port: int, cache_mb: float, log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """``sokbo serve --workers 1`` on ``index`` and the seconds until it answered."""
    env = {**os.environ, "SOKBO_CACHE_MB": str(cache_mb)}
    args = [*SOKBO, "serve", "--index", str(index), "--port", str(port), "--workers", "1", "--no-access-log"]
    started = time.perf_counter()
    with log.open("w") as err:
        server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True, env=env)
    wait_for_health(server, port, 600, log.read_text)  # a 100k index takes ~30 s to open
    return server, time.perf_counter() - started


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


def get(base: str, params: dict[str, list[str]] | list[tuple[str, str]]) -> tuple[dict, float]:
    """``GET /api/search`` with ``params``: the answer and its client-side milliseconds."""
    url = base + "/api/search?" + urllib.parse.urlencode(params, doseq=True)
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = json.loads(r.read())
    return body, (time.perf_counter() - started) * 1000


def sample_posts(posts: Path, n: int) -> tuple[list, int]:
    """``n`` posts read evenly across the site (reading all 100,000 would take minutes)."""
    from sokbo.indexer.reader import iter_post_files, read_post
    from sokbo.indexer.site import Site

    files = [f for f in sorted(iter_post_files(posts)) if PUBLISHED not in f.name]
    site = Site.from_posts_dir(posts)
    chosen = files[:: max(1, len(files) // n)]
    return [r.post for r in (read_post(f, site) for f in chosen) if r.post is not None], len(files)


def with_months(queries: list[dict[str, list[str]]], months: list[str], share: float, seed: int) -> None:
    """Give ``month`` to queries that have words and no dates, until ``share`` of all have one."""
    rng = random.Random(seed)
    for q in queries:
        if sum("month" in x for x in queries) >= share * len(queries):
            break
        if q.get("q") and not any(k in q for k in ("from", "to")) and rng.random() < share * 2:
            q["month"] = [rng.choice(months)]


def kind(params: dict[str, list[str]]) -> str:
    if not params.get("q"):
        return "browse (no words)"
    if params.get("category"):
        return "with a category"
    if params.get("month"):
        return "with a month"
    if params.get("from"):
        return "with dates"
    return "words only"


def measure_queries(base: str, queries: list[dict[str, list[str]]], warm: list[dict[str, list[str]]]) -> dict:
    for params in warm:
        get(base, params)
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    server_ms, totals = [], []
    for params in queries:
        body, ms = get(base, params)
        assert "hits" in body and "category" in body["facets"] and "month" in body["facets"], body
        times.append(ms)
        server_ms.append(body["took_ms"])
        totals.append(body["total"])
        by_kind.setdefault(kind(params), []).append(ms)
    return {"ms": times, "server_ms": server_ms, "totals": totals, "by_kind": by_kind}


def letters(n: int) -> str:
    """``n`` in base 26, as lowercase letters: a word the analyser keeps whole."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


def sokbo_index_timed(posts: Path, index: Path) -> subprocess.Popen[str]:
    """An incremental ``sokbo index`` process that also says how long it spent loading the model
    (bench_index.py's wrapper): read its result with :func:`index_result`."""
    return subprocess.Popen([sys.executable, "-c", RUN_SOKBO, "index", str(posts), "--index", str(index), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def index_result(process: subprocess.Popen[str]) -> tuple[dict, float | None]:
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"sokbo index exited with {process.returncode}:\n{err}")
    return json.loads(out), model_load(err)[0]


def found(body: dict, slug: str) -> bool:
    # the new post copies one of the site's: it may be folded under another as a near-duplicate
    return any(slug in (h["id"], *(s["id"] for s in h.get("similar", []))) for h in body["hits"])


def publish(base: str, posts: Path, index: Path, template: Path, slug: str, word: str) -> dict:
    """Write a post with ``word`` in it, run ``sokbo index``, and poll the server until it finds
    it: seconds from the process's start until found, and where they went."""
    text = template.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    head = head.replace("\ntitle: ", f"\ntitle: {word} ", 1)
    (posts / f"{slug}.md").write_text(f"{head}{sep}\n<p>{word} 관련 속보입니다.</p>\n{body}", encoding="utf-8")
    params = [("q", word), ("correct", "0")]
    started = time.perf_counter()
    process = sokbo_index_timed(posts, index)
    outcome: list = []
    exited: list[float] = []

    def wait() -> None:  # the process's exit, timed while the main thread polls the server
        try:
            outcome.append(index_result(process))
        except SystemExit as exc:
            outcome.append(exc)
        exited.append(time.perf_counter() - started)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    polls: list[tuple[float, float, float]] = []  # (seconds since start, client ms, server took_ms)
    while True:
        answer, ms = get(base, params)
        polls.append((time.perf_counter() - started, ms, answer["took_ms"]))
        if found(answer, slug):
            seen = time.perf_counter() - started
            break
        if outcome and isinstance(outcome[0], SystemExit):
            raise outcome[0]
        if time.perf_counter() - started > 300:
            raise SystemExit(f"the server did not find {slug} within 300 s of starting sokbo index")
        time.sleep(0.02)
    waiter.join()
    if isinstance(outcome[0], SystemExit):
        raise outcome[0]
    (summary, model_s), index_s = outcome[0], exited[0]
    if summary.get("added") != 1:
        raise SystemExit(f"sokbo index did not add exactly the one post: {summary}")
    after = [p for p in polls if p[0] >= index_s]
    return {
        "found_s": seen,
        "index_s": index_s,
        "index_own_s": summary.get("seconds"),
        "model_load_s": model_s,
        "server_s": seen - index_s,
        "polls": len(polls),
        "slowest_poll_ms": max(p[1] for p in after) if after else None,
        "slowest_poll_took_ms": max(after, key=lambda p: p[1])[2] if after else None,
        "found_took_ms": polls[-1][2],
        "summary": {k: summary.get(k) for k in ("posts", "added", "updated", "removed", "unchanged")},
    }


def unpublish(base: str, posts: Path, index: Path, slugs: list[str], word: str | None) -> dict | None:
    """Delete the posts this benchmark added and index their removal; poll until the server no
    longer finds ``word`` (None when there was nothing to delete)."""
    files = [posts / f"{s}.md" for s in slugs]
    files = [f for f in files if f.exists()]
    if not files:
        return None
    for f in files:
        f.unlink()
    started = time.perf_counter()
    summary, model_s = index_result(sokbo_index_timed(posts, index))
    exited = time.perf_counter() - started
    while word is not None:
        body, _ = get(base, [("q", word), ("correct", "0")])
        if not body["hits"]:
            break
        if time.perf_counter() - started > 300:
            raise SystemExit(f"the server still finds {word} 300 s after its post was removed")
        time.sleep(0.02)
    return {"gone_s": time.perf_counter() - started, "index_s": exited, "model_load_s": model_s, "removed": summary.get("removed")}


def publish_watched(
    base: str, posts: Path, index: Path, templates: list[Path], slugs: list[str], words: list[str], server_pid: int
) -> list[float]:
    """With a resident ``sokbo index --watch`` (the model loaded once): write each post, on an
    idle server as the one-shot publishes are, and time until the server finds it; then delete
    them all and wait for the watcher to index that. Returns the seconds from writing each file
    until found."""
    watcher = subprocess.Popen(
        [*SOKBO, "index", str(posts), "--index", str(index), "--watch", "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    runs: list[dict] = []
    threading.Thread(target=lambda: [runs.append(json.loads(x)) for x in watcher.stdout], daemon=True).start()  # type: ignore[union-attr]

    def wait_runs(n: int) -> None:
        deadline = time.monotonic() + 600
        while len(runs) < n:
            if time.monotonic() > deadline or watcher.poll() is not None:
                raise SystemExit(f"sokbo index --watch made {len(runs)} runs, not {n}")
            time.sleep(0.02)

    found_s: list[float] = []
    try:
        wait_runs(1)  # its first run: the folder as it is
        for template, slug, word in zip(templates, slugs, words):
            text = template.read_text(encoding="utf-8")
            head, sep, body = text.partition("\n---\n")
            head = head.replace("\ntitle: ", f"\ntitle: {word} ", 1)
            settle(server_pid)  # the previous publish's lexicon rebuild is done
            seen = len(runs)
            started = time.perf_counter()
            (posts / f"{slug}.md").write_text(f"{head}{sep}\n<p>{word} 관련 속보입니다.</p>\n{body}", encoding="utf-8")
            while not found(get(base, [("q", word), ("correct", "0")])[0], slug):
                if time.perf_counter() - started > 120:
                    raise SystemExit(f"the server did not find {slug} within 120 s of writing it")
                time.sleep(0.02)
            found_s.append(time.perf_counter() - started)
            wait_runs(seen + 1)
        seen = len(runs)
        for slug in slugs:
            (posts / f"{slug}.md").unlink()
        wait_runs(seen + 1)
        while get(base, [("q", words[-1]), ("correct", "0")])[0]["hits"]:
            time.sleep(0.05)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
        for slug in slugs:
            (posts / f"{slug}.md").unlink(missing_ok=True)
    return found_s


def line(name: str, values: list[float], factor: float) -> dict[str, float]:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    print(f"  {name:<26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(values):7.1f} ms  (n={len(values)}; p95 at the reference speed {p95 * factor:6.1f} ms)")
    return {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "max_ms": round(max(values), 1), "n": len(values), "p95_ms_at_reference": round(p95 * factor, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=Path, required=True, help="the site's _posts (bench/make_site.py)")
    parser.add_argument("--index", type=Path, required=True, help="its index: built there (replacing it) unless --reuse")
    parser.add_argument("--reuse", action="store_true", help="use --index as it is when it exists: no build")
    parser.add_argument("--baseline-index", type=Path, help="an index of the 5,996-post corpus: the same queries against it")
    parser.add_argument("--queries", type=int, default=300, help="measured queries (each asked once)")
    parser.add_argument("--sample", type=int, default=1000, help="posts read to draw the queries from")
    parser.add_argument("--publishes", type=int, default=5, help="posts published while the server runs")
    parser.add_argument("--cache-mb", type=float, default=0, help="the server's result cache (SOKBO_CACHE_MB; 0: every answer computed)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_POSTS, help="posts to measure the machine's speed on")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not args.posts.is_dir():
        sys.exit(f"no posts folder at {args.posts}")
    logs = args.index.parent / f"{args.index.name}-bench-logs"
    logs.mkdir(parents=True, exist_ok=True)

    from sokbo.search import SearchService

    results: dict[str, object] = {"posts_dir": str(args.posts), "index": str(args.index), "when": dt.datetime.now().isoformat(timespec="seconds")}
    results["sokbo"] = code_version()
    print(f"sokbo: {results['sokbo']}")
    factor = speed_factor(args.corpus if args.corpus.is_dir() else args.posts)
    results["speed_vs_reference"] = round(factor, 2)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (other people's work shares them)")

    # Leftovers of a run that was killed: delete them now, indexed away before anything is measured.
    leftovers = sorted(f.stem for f in args.posts.iterdir() if PUBLISHED in f.name)

    if args.reuse and (args.index / "CURRENT").exists():
        print(f"reusing {args.index} (no build)")
    else:
        built = build(args.posts, args.index, logs / "build.log")
        s = built["summary"]
        rate = s["posts"] / built["wall_s"]
        results["build"] = {
            "wall_s": round(built["wall_s"], 1),
            "posts": s["posts"],
            "failed": s.get("failed"),
            "recovered": s.get("recovered"),
            "posts_per_s": round(rate, 1),
            "wall_s_at_reference": round(built["wall_s"] * factor, 1),
            "peak_rss_sum_mb": round(built["peak_sum_mb"]),
            "peak_rss_one_process_mb": round(built["peak_one_mb"]),
        }
        print(
            f"full build: {built['wall_s']:.1f} s wall ({built['wall_s'] / 60:.1f} min), {rate:.1f} posts/s; {s['posts']:,} posts, "
            f"{s.get('recovered')} recovered, {s.get('failed')} failed; {built['wall_s'] * factor:.0f} s at the reference speed"
        )
        print(f"  build memory: peak {built['peak_sum_mb']:.0f} MB RSS summed over its processes, largest process {built['peak_one_mb']:.0f} MB")

    store = SearchService(args.index).store
    live, whole = store.size_bytes(), du_bytes(args.index)
    results.update(index_mb=round(live / 1e6, 1), index_folder_mb=round(whole / 1e6, 1))
    print(f"index size: {live / 1e6:,.0f} MB live generation ({whole / 1e6:,.0f} MB the whole folder, the previous generation included)")

    started = time.perf_counter()
    sample, n_files = sample_posts(args.posts, args.sample)
    categories = sorted({c for p in sample for c in p.categories})
    months = sorted({p.day.strftime("%Y-%m") for p in sample})
    queries = make_queries(sample, args.queries, seed=args.seed)
    with_categories(queries, sample, 0.2, args.seed)
    with_months(queries, months, 0.15, args.seed)
    warm = make_queries(sample, 100, seed=args.seed + 1000)
    kinds = {k: sum(kind(q) == k for q in queries) for k in sorted({kind(q) for q in queries})}
    print(
        f"queries: {len(queries)} from {len(sample)} of the {n_files:,} posts ({time.perf_counter() - started:.1f} s to read them), "
        f"{len(categories)} categories, {len(months)} months; " + ", ".join(f"{n} {k}" for k, n in kinds.items())
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server, startup = start_server(args.index, port, args.cache_mb, logs / "serve.log")
    published: list[str] = []
    try:
        pid = server.pid
        print(f"\nsokbo serve --workers 1 (pid {pid}) answered after {startup:.1f} s (model, index, lexicon); RSS then {status_kb(pid, 'VmRSS') / 1024:.0f} MB")
        results["serve_startup_s"] = round(startup, 1)
        if leftovers:
            left = unpublish(base, args.posts, args.index, leftovers, None)
            print(f"removed {len(leftovers)} posts an earlier run left: {left}")
        measured = measure_queries(base, queries, warm)
        rss, hwm = status_kb(pid, "VmRSS") / 1024, status_kb(pid, "VmHWM") / 1024
        print(f"\n{len(queries)} queries over HTTP, one client, every answer with its facets (median hits {statistics.median(measured['totals']):.0f}):")
        results["http"] = line("all", measured["ms"], factor)
        results["http_by_kind"] = {k: line(k, v, factor) for k, v in sorted(measured["by_kind"].items())}
        results["server_took_ms"] = line("(the server's took_ms)", measured["server_ms"], factor)
        results.update(rss_after_queries_mb=round(rss), peak_rss_after_queries_mb=round(hwm))
        print(f"server RSS after the queries: {rss:.0f} MB (peak so far {hwm:.0f} MB)")

        runs, slugs = [], []
        stamp = letters(time.time_ns() // 1_000_000)
        today = dt.date.today().isoformat()
        files = sorted(f for f in args.posts.iterdir() if f.suffix == ".md" and PUBLISHED not in f.name)
        rng = random.Random(args.seed)
        print(f"\npublishing {args.publishes} posts, one at a time, while the server runs:")
        for i in range(args.publishes):
            waited = settle(pid)  # each publish on an idle server, as publishes minutes apart are
            slug = f"{today}{PUBLISHED}{stamp}-{i}"
            word = f"pub{stamp}{letters(i)}"
            published.append(slug)
            run = publish(base, args.posts, args.index, rng.choice(files), slug, word)
            run["server_busy_before_s"] = round(waited, 1)
            runs.append(run)
            slugs.append(word)
            model = f"{run['model_load_s']:.2f} s" if run["model_load_s"] is not None else "no time"
            more = "more" if run["server_s"] >= 0 else "before it exited"
            print(
                f"  {i + 1}: found {run['found_s']:.2f} s after `sokbo index` started; the process took {run['index_s']:.2f} s "
                f"({model} loading the model, {run['index_own_s']} s its run as it reports it); the server {abs(run['server_s']):.2f} s {more} "
                f"(the answer that found it took {run['found_took_ms']:.0f} ms; slowest poll after the process exited {run['slowest_poll_ms'] or 0:.0f} ms, "
                f"{run['slowest_poll_took_ms'] or 0:.0f} ms of it in the search); before it, the server was busy {waited - 1:.0f} s more"
            )
        rss_end = status_kb(pid, "VmRSS") / 1024
        found_s = [r["found_s"] for r in runs]
        results["publish"] = {
            "runs": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in runs],
            "found_s_median": round(statistics.median(found_s), 2),
            "index_s_median": round(statistics.median(r["index_s"] for r in runs), 2),
            "server_s_median": round(statistics.median(r["server_s"] for r in runs), 2),
        }
        print(
            f"  median: found {statistics.median(found_s):.2f} s (each: {', '.join(f'{t:.2f}' for t in found_s)}); "
            f"`sokbo index` {statistics.median(r['index_s'] for r in runs):.2f} s, the server {statistics.median(r['server_s'] for r in runs):.2f} s"
        )
        settle(pid)
        rss_settled = status_kb(pid, "VmRSS") / 1024
        gone = unpublish(base, args.posts, args.index, published, slugs[-1] if slugs else None)
        published = []
        if gone:
            results["unpublish"] = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in gone.items()}
            print(
                f"  the {gone['removed']} posts deleted again: gone from the answers {gone['gone_s']:.2f} s after `sokbo index` started "
                f"(the process {gone['index_s']:.2f} s)"
            )
        if args.publishes:
            settle(pid)
            wslugs = [f"{today}{PUBLISHED}{stamp}-w{i}" for i in range(args.publishes)]
            published = list(wslugs)
            wfound = publish_watched(base, args.posts, args.index, [rng.choice(files) for _ in wslugs], wslugs, [f"pub{stamp}w{letters(i)}" for i in range(args.publishes)], pid)
            published = []
            results["publish_watched"] = {"found_s": [round(t, 3) for t in wfound], "found_s_median": round(statistics.median(wfound), 2)}
            print(
                f"  with a resident indexer (`sokbo index --watch`, the model loaded once): found {statistics.median(wfound):.2f} s "
                f"(median; each: {', '.join(f'{t:.2f}' for t in wfound)}) after the post's file was written"
            )
        hwm_end = status_kb(pid, "VmHWM") / 1024
        results.update(rss_end_mb=round(rss_end), rss_idle_mb=round(rss_settled), peak_rss_mb=round(hwm_end))
        print(f"server RSS right after the last publish: {rss_end:.0f} MB; once idle {rss_settled:.0f} MB; peak over the run {hwm_end:.0f} MB")
    finally:
        stop_server(server)
        for slug in published:  # a run that failed midway: leave the site as it was
            (args.posts / f"{slug}.md").unlink(missing_ok=True)

    if args.baseline_index:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server, startup = start_server(args.baseline_index, port, args.cache_mb, logs / "serve-baseline.log")
        try:
            measured = measure_queries(base, queries, warm)
            rss = status_kb(server.pid, "VmRSS") / 1024
        finally:
            stop_server(server)
        print(f"\nbaseline: the same {len(queries)} queries against {args.baseline_index} (server up in {startup:.1f} s; median hits {statistics.median(measured['totals']):.0f}):")
        results["baseline_http"] = line("all", measured["ms"], factor)
        results["baseline_rss_mb"] = round(rss)
        print(f"  baseline server RSS after the queries: {rss:.0f} MB")

    print("\ntargets (this machine):")
    http = results["http"]
    publish_s = results["publish"]["found_s_median"]  # type: ignore[index]
    rss_peak = results["peak_rss_mb"]
    for label, met in (
        (f"one client's p95 with facets ≤ {TARGET_P95_MS} ms: {http['p95_ms']:.0f} ms", http["p95_ms"] <= TARGET_P95_MS),  # type: ignore[index]
        (f"publish visible ≤ {TARGET_PUBLISH_S:.0f} s after `sokbo index` starts: median {publish_s:.2f} s, worst {max(found_s):.2f} s", max(found_s) <= TARGET_PUBLISH_S),
        (f"server RSS ≤ {TARGET_RSS_MB / 1024:.1f} GB: peak {rss_peak} MB ({rss_settled:.0f} MB idle after publishing)", rss_peak <= TARGET_RSS_MB),  # type: ignore[operator]
    ):
        print(f"  [{'met' if met else 'not met'}] {label}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
