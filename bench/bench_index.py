"""Benchmark: the publishing workflow on the shared corpus (or any _posts folder).

Measured in one run, on a private copy of the posts:

* machine speed: Kiwi's characters/s on a fixed sample of bodies, against the 85k chars/s per
  thread that the project's brief measured on its reference machine (these machines vary by
  2x from hour to hour; the ratio lets figures from different runs be compared);
* a full build (``sokbo index --full``) with 1 process and with 2: wall seconds and posts/s,
  beside the floor that Kiwi alone sets (the characters it must analyse / its speed / 2 cores);
* whole ``sokbo index`` processes (Python start-up and everything else included): after adding
  1 new post to the up-to-date index (with the time that process spent loading the Korean
  model), and after touching nothing (checking that the model was not loaded at all);
* ``sokbo index --watch``: the time from writing a new post file until the watcher has
  committed it, and until a separate reader's search finds it;
* the index size on disk.

    python bench/bench_index.py                         # ../shared/corpus/_posts
    python bench/bench_index.py --posts samples/_posts --no-serial
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from machine import REFERENCE_KIWI_CHARS_PER_S, machine_speed

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTS = ROOT.parent / "shared" / "corpus" / "_posts"
NEW_POST = ROOT / "samples" / "_posts" / "2024-09-11-gageodo-island-concert.md"

# A whole `sokbo index` process that also reports whether it loaded the Korean model.
# It also times the model's loading inside that same process.
RUN_SOKBO = (
    "import os, sys, time\n"
    "from sokbo.search import analysis\n"
    "original, main = analysis.load_kiwi, os.getpid()\n"
    "def timed(words):\n"
    "    started = time.perf_counter(); kiwi = original(words)\n"
    "    where = 'parent' if os.getpid() == main else 'worker'\n"
    "    print('MODEL_LOAD', where, time.perf_counter() - started, file=sys.stderr, flush=True); return kiwi\n"
    "analysis.load_kiwi = timed\n"
    "from sokbo.indexer.cli import main\n"
    "sys.argv[0] = 'sokbo'\n"
    "main()\n"
)
"""``sokbo`` as a process that says on stderr each time one of its processes (itself or a
worker) finished loading the model, where, and how long it took: see :func:`model_load`."""


def model_load(stderr: str) -> tuple[float | None, str | None]:
    """The longest model load a :data:`RUN_SOKBO` process reported and where it was ("parent",
    or "worker": a worker's load overlaps the run's planning); (None, None) when none finished."""
    loads = [(float(seconds), where) for where, seconds in re.findall(r"MODEL_LOAD (parent|worker) ([0-9.]+)", stderr)]
    if not loads:
        return None, None
    seconds, where = max(loads)
    return seconds, where


def sokbo_process(*args: str) -> tuple[float, float | None, dict]:
    """Wall seconds of a whole `sokbo index` process, its model loading seconds (None when it
    did not load the model), and its summary."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN_SOKBO, *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"sokbo {' '.join(args)} failed:\n{done.stderr}")
    return wall, model_load(done.stderr)[0], json.loads(done.stdout)


def analysed_chars(posts: Path) -> int:
    """Characters that Kiwi analyses in a full build: each post's title, summary and body."""
    from sokbo.indexer.build import IndexSummary, read_posts
    from sokbo.indexer.reader import iter_post_files
    from sokbo.indexer.site import Site
    from sokbo.search.schema import summary_text

    found = read_posts(iter_post_files(posts), Site.from_posts_dir(posts), IndexSummary())
    return sum(len(post.title) + len(summary_text(post)) + len(post.body) for post in found)


def watch_latency(posts: Path, index_dir: Path, n: int) -> tuple[list[float], list[float]]:
    """Seconds from writing a post until `--watch` has committed it / until a reader finds it."""
    from sokbo.search import SearchRequest, SearchService

    watcher = subprocess.Popen(
        [sys.executable, "-m", "sokbo.indexer", "index", str(posts), "--index", str(index_dir), "--watch", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True).start()  # type: ignore[union-attr]

    def next_run() -> dict:
        try:
            run = json.loads(lines.get(timeout=60))
        except queue.Empty:
            raise SystemExit("sokbo index --watch reported no run within 60 s") from None
        if "error" in run:
            raise SystemExit(f"sokbo index --watch: {run['error']}")
        return run

    committed, found = [], []
    try:
        next_run()  # the first run: the folder as it is
        service = SearchService(index_dir)
        service.warm_up()  # this reader's own model loading is not the watcher's latency
        for i in range(n):
            slug = f"2026-11-25-watch-{i}"
            text = NEW_POST.read_text(encoding="utf-8").replace("가거도", f"가거도{i}호")
            started = time.perf_counter()
            (posts / f"{slug}.md").write_text(text, encoding="utf-8")
            summary = next_run()
            committed.append(time.perf_counter() - started)
            assert summary["added"] == 1, summary
            while True:
                service._checked = 0.0  # poll the index now, not on the app's once-a-second tick
                hits = service.search(SearchRequest(q=f"가거도{i}호")).hits
                # the new post copies a sample: it may be folded under it as a near-duplicate
                if any(slug in (h.id, *(s.id for s in h.similar)) for h in hits):
                    break
                time.sleep(0.005)
            found.append(time.perf_counter() - started)
            time.sleep(0.3)
    finally:
        watcher.terminate()
        watcher.wait(10)
    return committed, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    parser.add_argument("--no-serial", action="store_true", help="skip the 1-process full build (the slowest part)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each whole-process measurement")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not args.posts.is_dir():
        sys.exit(f"no posts folder at {args.posts}")

    from sokbo.search import SearchService

    results: dict[str, object] = {"posts_dir": str(args.posts)}
    work = Path(tempfile.mkdtemp(prefix="sokbo-bench-index-"))
    try:
        posts = work / "site" / "_posts"
        shutil.copytree(args.posts, posts)

        speed = machine_speed(posts)
        factor = speed / REFERENCE_KIWI_CHARS_PER_S
        results.update(kiwi_chars_per_s=round(speed), speed_vs_reference=round(factor, 2))
        print(f"machine: Kiwi {speed:,.0f} chars/s = {factor:.2f}x the reference machine's 85k chars/s")

        chars = analysed_chars(posts)
        floor = chars / speed / 2
        results.update(analysed_chars=chars, kiwi_alone_2proc_s=round(floor, 1))
        print(
            f"Kiwi alone on these posts: {chars:,} chars / {speed:,.0f} chars/s / 2 cores = {floor:.1f} s wall "
            f"({chars / REFERENCE_KIWI_CHARS_PER_S / 2:.1f} s at the reference speed): no 2-process build is faster"
        )

        builds = [2] if args.no_serial else [2, 1]
        for procs in builds:
            ix = work / f"ix-{procs}"
            wall, loaded, summary = sokbo_process("index", str(posts), "--index", str(ix), "--full", "--procs", str(procs), "--json")
            rate = summary["posts"] / wall
            results[f"full_build_{procs}proc_s"] = round(wall, 1)
            results[f"full_build_{procs}proc_posts_per_s"] = round(rate, 1)
            print(
                f"full build, {procs} process{'es' if procs > 1 else ''}: {wall:6.1f} s wall, {rate:5.1f} posts/s "
                f"({summary['posts']} posts; {wall * factor:.1f} s at the reference speed)"
            )
        if not args.no_serial:
            speedup = results["full_build_1proc_s"] / results["full_build_2proc_s"]  # type: ignore[operator]
            results["parallel_speedup"] = round(speedup, 2)
            print(f"2 processes vs 1: {speedup:.2f}x faster")
        ix = work / "ix-2"
        size = SearchService(ix).store.size_bytes()
        results["index_mb"] = round(size / 1e6, 1)
        print(f"index size: {size / 1e6:.1f} MB")

        unchanged = []
        for _ in range(args.repeat):
            wall, loaded, summary = sokbo_process("index", str(posts), "--index", str(ix), "--json")
            assert summary["unchanged"] == summary["posts"], summary  # (its early worker may load the model, unwaited)
            unchanged.append(wall)
        one_new, loads = [], []
        for i in range(args.repeat):
            shutil.copy(NEW_POST, posts / f"2026-11-25-bench-{i}.md")
            wall, loaded, summary = sokbo_process("index", str(posts), "--index", str(ix), "--json")
            assert summary["added"] == 1 and loaded is not None, summary
            one_new.append(wall)
            loads.append(loaded)
        load = statistics.median(loads)
        results["nothing_changed_s"] = round(statistics.median(unchanged), 2)
        results["one_new_post_s"] = round(statistics.median(one_new), 2)
        results["one_new_post_model_load_s"] = round(load, 2)
        print(
            f"`sokbo index`, nothing changed (whole process, the model never waited for): median {statistics.median(unchanged):.2f} s "
            f"of {', '.join(f'{t:.2f}' for t in unchanged)}"
        )
        print(
            f"`sokbo index`, 1 new post (whole process, model loaded): median {statistics.median(one_new):.2f} s "
            f"of {', '.join(f'{t:.2f}' for t in one_new)}; of which loading the model {load:.2f} s"
        )

        committed, found = watch_latency(posts, ix, max(5, args.repeat))
        results["watch_commit_s"] = {"median": round(statistics.median(committed), 3), "max": round(max(committed), 3)}
        results["watch_found_s"] = {"median": round(statistics.median(found), 3), "max": round(max(found), 3)}
        print(
            f"--watch, new post written -> committed: median {statistics.median(committed):.3f} s, max {max(committed):.3f} s; "
            f"-> found by a reader: median {statistics.median(found):.3f} s, max {max(found):.3f} s\n"
            f"  (each: {', '.join(f'{t:.2f}' for t in found)})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
