"""Fit sokbo's scoring weights on the tune halves of every query family at once.

sokbo's score is a weighted sum of bounded features (``sokbo.search.scoring.WEIGHTS``). This
runs each query once through sokbo, records every candidate post's
features, and then searches the weights by coordinate ascent on the mean over families of
MRR@10 (R@10 for chosung) in memory, in milliseconds a setting. It prints the path it took,
each family's figure at the start and at the end, and the same on the test half (held back
from the fit: if a family's test figure falls while its tune figure rises, the weight is
fitted to that family's generator, not to readers).

    python bench/relevance/fit.py --case /tmp/ix:/tmp/queries.json --case /tmp/kq-ix:/tmp/kq.json

Queries come from ``run.py --dump-queries``. Near-duplicate folding is not modelled (a
query's accepted posts are its target and the posts republished under its title), nor are
corrections searched instead of a query that finds posts with some of its words only (the
correction's features are recorded when sokbo searched it). ``--cache FILE`` keeps the
recorded features, so that other starting points (``--start``) or weights held fixed
(``--frozen``) take seconds.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics import HEADLINE  # noqa: E402

TOP = 10
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0)


@dataclass
class Recorded:
    """One query's candidates: features (candidate × feature), recency, content-word counts."""

    family: str
    half: str
    names: list[str]
    x: np.ndarray
    recency: np.ndarray
    count: np.ndarray
    strong: int
    target: np.ndarray
    """Which candidates are accepted answers."""
    docnums: np.ndarray


def record(service: Any, q: dict[str, Any], calls: list[tuple[Any, Any]]) -> Recorded | None:
    from sokbo.search import SearchRequest, scoring

    calls.clear()
    service.search(SearchRequest.from_params({"q": [q["text"]], "per_page": ["10"]}))
    if not calls:
        return None
    evidence, among = calls[-1]  # the results shown are scored last (after any correction searched)
    feats = scoring.features(evidence, among)
    names = sorted(feats)
    docs = np.flatnonzero(among)
    _, view = service._searcher()  # noqa: SLF001 - the bench reads sokbo's own state
    accepted = set(q["accepted"])
    strong = ~np.asarray(evidence.weak, dtype=bool)
    if not strong.any():
        strong[:] = True
    count = evidence.matched[strong][:, docs].sum(axis=0)
    return Recorded(
        q["set"], q["half"], names,
        np.stack([feats[n][docs] for n in names], axis=1).astype(np.float32),
        evidence.recency[docs], count, int(strong.sum()),
        np.array([view.ids[d] in accepted for d in docs]), docs,
    )


def rank(r: Recorded, weights: dict[str, float], recency: float) -> int | None:
    from sokbo.search.pipeline import required

    keep = r.count >= required(r.strong)
    if not keep.any():
        keep = r.count >= 1
    w = np.array([weights.get(n, 0.0) for n in r.names], dtype=np.float32)
    s = (r.x @ w) * (1 + recency * r.recency)
    s = np.where(keep, s, -np.inf)
    hits = np.flatnonzero(r.target & keep)
    if not len(hits):
        return None
    best = hits[np.argmax(s[hits])]
    ahead = np.sum(s > s[best]) + np.sum((s == s[best]) & (r.docnums < r.docnums[best]))
    return int(ahead) + 1


def figures(recs: list[Recorded], half: str, weights: dict[str, float], recency: float) -> dict[str, float]:
    by: dict[str, list[int | None]] = {}
    for r in recs:
        if r.half == half:
            by.setdefault(r.family, []).append(rank(r, weights, recency))
    out = {}
    for family, ranks in by.items():
        if HEADLINE.get(family) == "r10":
            out[family] = sum(x is not None and x <= TOP for x in ranks) / len(ranks)
        else:
            out[family] = sum(1 / x for x in ranks if x and x <= TOP) / len(ranks)
    return out


def show(label: str, f: dict[str, float]) -> None:
    print(f"{label:<34}" + "".join(f"{f[k]:>9.3f}" for k in sorted(f)) + f"{statistics.mean(f.values()):>9.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", required=True, help="INDEX_DIR:QUERIES_JSON (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip", default="newword", help="families not fitted (comma-separated)")
    parser.add_argument("--cache", type=Path, help="keep the recorded features in this file and reuse them (same queries, same code); "
                        "read with pickle: only a file this tool wrote")
    parser.add_argument("--start", default="", help="starting weights instead of sokbo's, e.g. bm25=1,coverage=0")
    parser.add_argument("--frozen", default="", help="weights left as they start (comma-separated)")
    args = parser.parse_args()

    if args.cache is not None and args.cache.is_file():
        recs = pickle.loads(args.cache.read_bytes())
    else:
        recs = record_all(args.case, set(args.skip.split(",")))
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps(recs))
    fit(recs, args.start, args.rounds, set(filter(None, args.frozen.split(","))))


def record_all(cases: list[str], skip: set[str]) -> list[Recorded]:
    """Every query of ``cases`` (``INDEX:QUERIES``) run once, its candidates' features recorded."""
    from sokbo.search import SearchService, scoring

    calls: list[tuple[Any, Any]] = []
    original = scoring.score

    def recording(e: Any, among: Any) -> Any:
        calls.append((e, among.copy()))
        return original(e, among)

    scoring.score = recording
    recs: list[Recorded] = []
    for case in cases:
        index, path = case.split(":", 1)
        service = SearchService(index)
        service.warm_up()
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        queries = data["queries"] if isinstance(data, dict) else data
        for q in queries:
            if q["set"] in skip:
                continue
            r = record(service, q, calls)
            if r is not None:
                recs.append(r)
        print(f"{path}: {sum(1 for r in recs)} queries recorded so far", flush=True)
    scoring.score = original
    return recs


def fit(recs: list[Recorded], start: str, rounds: int, frozen: set[str]) -> None:
    """Coordinate ascent from sokbo's weights (or ``start``), printing each improvement."""
    from sokbo.search import scoring

    weights = dict(scoring.WEIGHTS)
    for item in filter(None, start.split(",")):
        name, value = item.split("=")
        weights[name] = float(value)
    families = sorted({r.family for r in recs})
    print(f"{'':<34}" + "".join(f"{f[:8]:>9}" for f in families) + f"{'mean':>9}")
    start_tune, start_test = figures(recs, "tune", weights, scoring.RECENCY), figures(recs, "test", weights, scoring.RECENCY)
    show("tune, current weights", start_tune)
    best = statistics.mean(start_tune.values())
    for _ in range(rounds):
        changed = False
        for name in [n for n in weights if n not in frozen]:
            for value in GRID:
                trial = {**weights, name: value}
                m = statistics.mean(figures(recs, "tune", trial, scoring.RECENCY).values())
                if m > best + 1e-4:
                    best, weights, changed = m, trial, True
                    show(f"{name}={value:.3g}", figures(recs, "tune", weights, scoring.RECENCY))
        if not changed:
            break
    print("weights:", {k: round(v, 3) for k, v in weights.items()})
    show("tune, fitted", figures(recs, "tune", weights, scoring.RECENCY))
    show("test, current weights", start_test)
    show("test, fitted", figures(recs, "test", weights, scoring.RECENCY))


if __name__ == "__main__":
    main()
