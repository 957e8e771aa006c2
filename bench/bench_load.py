"""Load benchmark: ``sokbo serve`` under many clients, driven by wrk with real queries.

Starts ``sokbo serve`` on an index of the shared corpus (built in a temporary folder unless
``--index`` names one), makes a Zipf-weighted mix of real queries drawn from the posts (the
same generator as bench_search.py; 20% with a category), and drives ``GET /api/search`` with
Debian's ``wrk`` (a Lua script of those requests): first one client alone (the baseline, in
the same run), then ``--connections`` clients. Prints requests/s, p50/p95/p99, errors, and
RSS (and PSS, which counts pages shared between processes once) of every server process.

    apt-get install wrk
    python bench/bench_load.py --index /tmp/ix                 # an index of ../shared/corpus/_posts
    python bench/bench_load.py --index /tmp/ix --workers 1     # one process, for comparison
    python bench/bench_load.py --posts samples/_posts --duration 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench_search import DEFAULT_POSTS, make_queries
from machine import REFERENCE_KIWI_CHARS_PER_S, machine_speed

ROOT = Path(__file__).resolve().parents[1]
SOKBO = [sys.executable, "-m", "sokbo.indexer"]

LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
errors = 0  -- a global: done() reads each thread's with thread:get
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id * 7919
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("errors") end
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "max": %%f, ' ..
    '"non200": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "status": %%d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
"""


def zipf_paths(queries: list[dict[str, list[str]]], n: int, s: float, seed: int) -> list[str]:
    """``n`` request paths drawn from ``queries`` with Zipf weights (rank r weighs 1/r^s)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** s for rank in range(len(queries))]
    chosen = rng.choices(queries, weights=weights, k=n)
    return ["/api/search?" + urllib.parse.urlencode([(k, v) for k, vs in q.items() for v in vs if v]) for q in chosen]


def with_categories(
    queries: list[dict[str, list[str]]], posts: list, share: float, seed: int
) -> list[dict[str, list[str]]]:
    """Give a category to queries without one until ``share`` of them have one (readers filter)."""
    rng = random.Random(seed)
    categories = [c for p in posts for c in p.categories]  # weighted by use, as readers pick them
    have = sum(bool(q.get("category")) for q in queries)
    for q in queries:
        if have >= share * len(queries):
            break
        if not q.get("category") and q.get("q") and rng.random() < share:
            q["category"] = [rng.choice(categories)]
            have += 1
    return queries


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    index: Path, port: int, workers: int | None, threads: int | None, cache_mb: float | None
) -> subprocess.Popen[bytes]:
    args = [*SOKBO, "serve", "--index", str(index), "--port", str(port)]
    if workers is not None:
        args += ["--workers", str(workers)]
    if threads is not None:
        args += ["--threads", str(threads)]
    env = {**os.environ, **({"SOKBO_CACHE_MB": str(cache_mb)} if cache_mb is not None else {})}
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env)
    wait_for_health(server, port, 180, lambda: server.stderr.read().decode() if server.stderr else "")
    return server


def wait_for_health(server: subprocess.Popen[bytes], port: int, seconds: float, output: Callable[[], str]) -> None:
    """Poll ``/api/health`` on ``port`` until ``server`` answers; if it exits, or does not answer
    within ``seconds`` (it is then stopped), exit with what ``output()`` says it printed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"sokbo serve exited with {server.returncode}: {output()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, 15)
    server.wait()
    raise SystemExit(f"sokbo serve did not answer within {seconds:.0f} s: {output()}")


def processes(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of ``pid`` in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    return fields.get("Rss", 0) / 1024, fields.get("Pss", 0) / 1024


def run_wrk(url: str, script: Path, connections: int, threads: int, duration: int) -> dict[str, float]:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[k] for k in ("non200", "connect", "read", "write", "timeout", "status"))
    return result


def build_index(posts: Path) -> Path:
    index = Path(tempfile.mkdtemp(prefix="sokbo-load-")) / "index"
    print(f"building an index of {posts} in {index} …", flush=True)
    subprocess.run([*SOKBO, "index", str(posts), "--index", str(index)], check=True, stdout=subprocess.DEVNULL)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    parser.add_argument("--index", type=Path, help="an index of --posts (default: build one)")
    parser.add_argument("--queries", type=int, default=600, help="distinct queries in the mix")
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of the mix")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=30, help="seconds of the loaded run")
    parser.add_argument("--baseline-duration", type=int, default=10, help="seconds of the one-client run")
    parser.add_argument("--workers", type=int, help="sokbo serve --workers (default: its own)")
    parser.add_argument("--threads", type=int, help="sokbo serve --threads (default: its own)")
    parser.add_argument("--cache-mb", type=float, help="the server's result cache (SOKBO_CACHE_MB; 0: every search computed)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    from sokbo.indexer.build import IndexSummary, read_posts
    from sokbo.indexer.reader import iter_post_files
    from sokbo.indexer.site import Site

    speed = machine_speed(args.posts)
    print(f"machine: {os.cpu_count()} cores, Kiwi at {speed / REFERENCE_KIWI_CHARS_PER_S:.2f}x the reference speed")
    posts = list(read_posts(iter_post_files(args.posts), Site.from_posts_dir(args.posts), IndexSummary()))
    queries = with_categories(make_queries(posts, args.queries, seed=args.seed), posts, 0.2, args.seed)
    paths = zipf_paths(queries, 20_000, args.zipf, args.seed)
    with_category = sum("category=" in p for p in paths) / len(paths)
    print(f"{len(posts)} posts; {len(queries)} distinct queries, Zipf s={args.zipf}, {with_category:.0%} of requests with a category")

    index = args.index or build_index(args.posts)
    work = Path(tempfile.mkdtemp(prefix="sokbo-wrk-"))
    (work / "paths.txt").write_text("\n".join(paths) + "\n")
    script = work / "mix.lua"
    script.write_text(LUA % {"paths": work / "paths.txt"})

    port = free_port()
    server = start_server(index, port, args.workers, args.threads, args.cache_mb)
    try:
        url = f"http://127.0.0.1:{port}"
        for path in paths[:200]:  # every process warm: Kiwi, the lexicon, the first segments
            urllib.request.urlopen(url + path, timeout=30).read()
        one = run_wrk(url, script, 1, 1, args.baseline_duration)
        many = run_wrk(url, script, args.connections, min(args.connections, 4), args.duration)
        pids = processes(server.pid)
        memory = {pid: memory_mb(pid) for pid in pids}
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)

    print()
    print(f"{'run':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'requests':>10}")
    for name, r in (("1 client", one), (f"{args.connections} clients", many)):
        print(f"{name:<16}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}{r['errors']:>8.0f}{r['requests']:>10.0f}")
    print(f"throughput with {args.connections} clients: {many['rps'] / one['rps']:.2f}x one client's")
    print()
    print("server processes (MB):")
    for pid, (rss, pss) in memory.items():
        print(f"  pid {pid}: RSS {rss:7.0f}  PSS {pss:7.0f}")
    print(f"  total PSS {sum(p for _, p in memory.values()):.0f} MB, largest RSS {max(r for r, _ in memory.values()):.0f} MB")
    targets = [
        (f"≥ 200 requests/s with {args.connections} clients", many["rps"] >= 200),
        ("p95 ≤ 100 ms", many["p95"] <= 100),
        ("p99 ≤ 250 ms", many["p99"] <= 250),
        ("0 errors", many["errors"] == 0 and one["errors"] == 0),
        ("≤ 800 MB RSS per process", max(r for r, _ in memory.values()) <= 800),
    ]
    print()
    for label, met in targets:
        print(f"  [{'met' if met else 'not met'}] {label}")


if __name__ == "__main__":
    main()
