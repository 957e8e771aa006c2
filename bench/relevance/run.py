"""Relevance benchmark: known-item queries from the posts, sokbo against three baselines.

Generates six sets of known-item queries from a ``_posts`` folder (deterministic for a seed),
runs them through sokbo, Whoosh with its StandardAnalyzer, SQLite FTS5 (trigram) and
Pagefind on the same posts, prints MRR@10, recall@10, recall@1000 and latency per set and
engine, marks which of the issue's targets sokbo meets, and writes everything (every query
with each engine's rank) to a JSON file. See bench/relevance/README.md.

    python bench/relevance/run.py                                  # ../shared/corpus/_posts
    python bench/relevance/run.py --index /tmp/ix                  # reuse an index of those posts
    python bench/relevance/run.py --posts samples/_posts --half all
    python bench/relevance/run.py --limit-posts 300 --engines sokbo,fts5   # while developing
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))  # bench/machine.py

from corpus import Corpus, load_corpus  # noqa: E402
from engine import Answer, Engine, Unavailable  # noqa: E402
from engine_fts5 import Fts5Engine  # noqa: E402
from engine_pagefind import PagefindEngine  # noqa: E402
from engine_sokbo import SokboEngine  # noqa: E402
from engine_whoosh import WhooshEngine  # noqa: E402
from machine import REFERENCE_KIWI_CHARS_PER_S, machine_speed  # noqa: E402
from metrics import HEADLINE, LABELS, MARGIN, TARGETS, Score, ahead, chance_mrr10, first_rank, same_query, score  # noqa: E402
from queries import SETS, Generator, Query  # noqa: E402

DEFAULT_POSTS = ROOT.parent / "shared" / "corpus" / "_posts"
DEFAULT_JSON = ROOT / "bench" / "results" / "relevance.json"
ENGINES = ("sokbo", "whoosh", "fts5", "pagefind")


def make_engine(name: str, index: Path | None) -> Engine:
    factories: dict[str, Callable[[], Engine]] = {
        "sokbo": lambda: SokboEngine(index),
        "whoosh": WhooshEngine,
        "fts5": Fts5Engine,
        "pagefind": PagefindEngine,
    }
    return factories[name]()


def versions() -> dict[str, str]:
    """Versions of what is measured, for the JSON file."""
    found = {"sqlite": sqlite3.sqlite_version}
    for name in ("sokbo", "whoosh", "kiwipiepy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    package = HERE / "node_modules" / "pagefind" / "package.json"
    if package.is_file():
        found["pagefind"] = json.loads(package.read_text(encoding="utf-8"))["version"]
    return found


def run_engine(engine: Engine, corpus: Corpus, queries: Sequence[Query]) -> tuple[float, list[Answer]]:
    """Build the engine, then answer every query (after one untimed warm-up query)."""
    started = time.perf_counter()
    engine.build(corpus)
    build_s = time.perf_counter() - started
    try:
        if queries:
            engine.search(queries[0].text, frozenset())
        return build_s, [engine.search(q.text, frozenset(q.accepted)) for q in queries]
    finally:
        engine.close()


def print_table(scores: dict[str, dict[str, Score]], engines: Sequence[str]) -> None:
    header = f"{'set':<12} {'engine':<9} {'MRR@10':>7} {'R@10':>6} {'R@1000':>7} {'p50 ms':>8} {'p95 ms':>8} {'n':>5}  suggestion right"
    print(header)
    print("-" * len(header))
    for set_name in SETS:
        for name in engines:
            s = scores[set_name].get(name)
            if s is None:
                continue
            suggestion = f"{s.suggestion:.3f}" if s.suggestion is not None else "—" if set_name == "misspelt" else ""
            print(f"{set_name:<12} {name:<9} {s.mrr10:>7.3f} {s.r10:>6.3f} {s.r1000:>7.3f} "
                  f"{s.p50_ms:>8.1f} {s.p95_ms:>8.1f} {s.n:>5}  {suggestion}")


def judge(scores: dict[str, dict[str, Score]]) -> list[dict[str, object]]:
    """The targets for sokbo, each with its value and whether it is met (sokbo must have run)."""
    verdicts: list[dict[str, object]] = []
    for target in TARGETS:
        s = scores.get(target.set, {}).get("sokbo")
        value = None if s is None else getattr(s, target.metric)
        verdicts.append({"target": target.label(), "value": value, "met": s is not None and target.met(s)})
    behind = []
    for set_name, by_engine in scores.items():
        metric = HEADLINE[set_name]
        ours = getattr(by_engine["sokbo"], metric)
        for name, theirs in by_engine.items():
            value = getattr(theirs, metric)
            if name != "sokbo" and not ahead(ours, value):
                behind.append(f"{set_name} {LABELS[metric]}: sokbo {ours:.3f} vs {name} {value:.3f}")
    verdicts.append({"target": f"ahead of every baseline on every set by ≥ {MARGIN:.2f}",
                     "value": "; ".join(behind) or None, "met": not behind})
    return verdicts


def inflected_chance(corpus: Corpus, queries: Sequence[Query]) -> float | None:
    """MRR@10 of the inflected queries if each engine ordered the posts that contain the noun
    at random: what ranking adds shows against this. The generator picks posts that write the
    noun only with particles, which a post about the noun seldom does (a headline drops them),
    so targets lean to posts that mention it in passing. On the corpus's test half with
    ``--per-set 800``, 1% of the targets have the noun in their title against 7% of the other
    posts that contain it, and say it 1.4 times against 1.9: any ranking by how much a post is
    about the noun scores near or below this figure (None when there are no inflected queries)."""
    picked = [q for q in queries if q.set == "inflected"]
    if not picked:
        return None
    return sum(chance_mrr10(len(corpus.containing(q.text)), len(q.accepted)) for q in picked) / len(picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS, help="a Jekyll _posts folder (default: %(default)s)")
    parser.add_argument("--per-set", type=int, default=200, help="queries generated per set, both halves (default: 200)")
    parser.add_argument("--half", choices=("test", "tune", "all"), default="test",
                        help="which half of the queries to run: test is held back from tuning (default: test)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from: " + ", ".join(ENGINES))
    parser.add_argument("--index", type=Path, help="an existing sokbo index of these posts: skip sokbo's build")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="write the results here (default: %(default)s)")
    parser.add_argument("--limit-posts", type=int, help="only the first N post files (for development)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    if unknown := [n for n in names if n not in ENGINES]:
        parser.error(f"unknown engine(s): {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    if not args.posts.is_dir():
        sys.exit(f"no posts folder at {args.posts}")

    speed = machine_speed(args.posts)
    print(f"machine: Kiwi {speed:,.0f} chars/s = {speed / REFERENCE_KIWI_CHARS_PER_S:.2f}x the reference machine's 85k chars/s")
    started = time.perf_counter()
    corpus = load_corpus(args.posts, args.limit_posts)
    print(f"posts: {len(corpus.posts)} read from {args.posts} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    generated = Generator(corpus).generate(args.per_set, args.seed)
    queries = [q for q in generated if args.half == "all" or q.half == args.half]
    counts = ", ".join(f"{s} {sum(q.set == s for q in queries)}" for s in SETS)
    print(f"queries: {len(generated)} generated (seed {args.seed}, up to {args.per_set} per set) in "
          f"{time.perf_counter() - started:.1f} s; {args.half} half: {counts}")

    answers: dict[str, list[Answer]] = {}
    engines_info: dict[str, dict[str, object]] = {}
    for name in names:
        print(f"{name}: {'opening ' + str(args.index) if name == 'sokbo' and args.index else 'indexing'} ...", flush=True)
        try:
            build_s, answers[name] = run_engine(make_engine(name, args.index), corpus, queries)
        except Unavailable as reason:
            print(f"  skipped: {reason}")
            engines_info[name] = {"skipped": str(reason)}
            continue
        engines_info[name] = {"build_s": round(build_s, 2), "index_reused": name == "sokbo" and args.index is not None}
        print(f"  built in {build_s:.1f} s; {len(queries)} queries answered")

    scores: dict[str, dict[str, Score]] = {s: {} for s in SETS}
    for name, given in answers.items():
        for set_name in SETS:
            picked = [(q, a) for q, a in zip(queries, given) if q.set == set_name]
            if not picked:
                continue
            suggestions = [same_query(a.suggestion, q.expected_suggestion) for q, a in picked] if set_name == "misspelt" and name == "sokbo" else None
            scores[set_name][name] = score([first_rank(a.ids, q.accepted) for q, a in picked], [a.ms for _q, a in picked], suggestions)
    scores = {s: by_engine for s, by_engine in scores.items() if by_engine}

    print()
    print(f"{args.half} half of the queries on {len(corpus.posts)} posts (suggestion right: sokbo only; baselines make none)")
    print_table(scores, list(answers))
    chance = inflected_chance(corpus, queries)
    if chance is not None:
        print(f"inflected by chance: a random order of the posts that contain the noun gives MRR@10 {chance:.3f}")
    verdicts = judge(scores) if "sokbo" in answers else []
    print()
    print("targets for sokbo:" if verdicts else "targets: not judged (sokbo did not run)")
    for v in verdicts:
        value = v["value"] if isinstance(v["value"], str) or v["value"] is None else f"{v['value']:.3f}"
        print(f"  [{'met' if v['met'] else 'not met'}] {v['target']}" + (f"  ({value})" if value else ""))

    report = {
        "posts_dir": str(args.posts), "posts": len(corpus.posts), "limit_posts": args.limit_posts,
        "seed": args.seed, "per_set": args.per_set, "half": args.half,
        "kiwi_chars_per_s": round(speed), "versions": versions(), "engines": engines_info,
        "scores": {s: {n: sc.as_dict() for n, sc in by_engine.items()} for s, by_engine in scores.items()},
        "targets": verdicts,
        "inflected_chance_mrr10": None if chance is None else round(chance, 4),
        "queries": [
            {
                "set": q.set, "text": q.text, "target": q.target_id, "accepted": list(q.accepted), "half": q.half,
                "expected_suggestion": q.expected_suggestion,
                "rank": {n: first_rank(a[i].ids, q.accepted) for n, a in answers.items()},
                "ms": {n: round(a[i].ms, 2) for n, a in answers.items()},
                "suggestion": answers["sokbo"][i].suggestion if "sokbo" in answers else None,
            }
            for i, q in enumerate(queries)
        ],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.json}")


if __name__ == "__main__":
    main()
