"""Benchmark: Speller and Completer on a synthetic vocabulary (build time, memory, latency).

The words are made of syllables drawn with skewed weights for initial, vowel and final (ㅇ, ㄱ,
ㅈ... and ㅏ, ㅓ, ㅗ... and no final or ㄴ, ㅇ, ㄹ far more often than the rest), so they crowd
together the way real Korean does, and frequencies follow Zipf's law. Queries are vocabulary
words with one or two typos (a neighbouring key, a wrong jamo, a missing, extra or swapped key)
for ``suggest``, and words or titles cut mid-syllable, or their 초성, for ``complete``.

Like the other benchmarks it first measures the machine's speed (Kiwi on ~100 posts of
``../shared/corpus/_posts``, when present) and also prints times scaled to the reference machine.

    python bench/bench_suggest.py                      # 300k terms, 6k titles, 1,000 queries
    python bench/bench_suggest.py --terms 50000 --queries 200
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import TypeVar

from machine import speed_factor

from sokbo.search.hangul import compose, decompose, initials, slips
from sokbo.search.suggest import Completer, Speller

DEFAULT_POSTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "_posts"

CHO = {"ㅇ": 20, "ㄱ": 14, "ㅈ": 10, "ㅅ": 10, "ㄷ": 9, "ㅂ": 7, "ㅎ": 7, "ㄴ": 6, "ㄹ": 5, "ㅁ": 5,
       "ㅊ": 3, "ㅌ": 2, "ㅍ": 2, "ㅋ": 1, "ㄲ": 1, "ㄸ": 1, "ㅆ": 1, "ㅃ": 1, "ㅉ": 1}
JUNG = {"ㅏ": 20, "ㅓ": 12, "ㅗ": 12, "ㅣ": 12, "ㅜ": 8, "ㅡ": 8, "ㅐ": 6, "ㅔ": 3, "ㅕ": 5, "ㅘ": 3,
        "ㅛ": 2, "ㅠ": 2, "ㅑ": 1, "ㅚ": 2, "ㅝ": 1, "ㅢ": 2, "ㅟ": 1, "ㅖ": 1, "ㅙ": 1}
JONG = {"": 45, "ㄴ": 14, "ㅇ": 13, "ㄹ": 10, "ㄱ": 8, "ㅁ": 4, "ㅂ": 2, "ㅅ": 1, "ㄷ": 1, "ㅆ": 1, "ㄺ": 1}
T = TypeVar("T")
KEYS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎㅏㅐㅑㅒㅓㅔㅕㅖㅗㅛㅜㅠㅡㅣ"


def vocabulary(n: int, rng: random.Random) -> list[tuple[str, int]]:
    """``n`` distinct words of 2–5 skewed syllables, with Zipf frequencies."""
    syllables = {
        compose(decompose(c + v + f)): wc * wv * wf
        for c, wc in CHO.items()
        for v, wv in JUNG.items()
        for f, wf in JONG.items()
    }
    population, cum_weights = list(syllables), list(accumulate(syllables.values()))
    words: dict[str, None] = {}
    while len(words) < n:
        length = rng.choices((2, 3, 4, 5), (40, 35, 18, 7))[0]
        words["".join(rng.choices(population, cum_weights=cum_weights, k=length))] = None
    return [(word, max(1, 200_000 // rank)) for rank, word in enumerate(words, 1)]


def typo(word: str, rng: random.Random) -> tuple[str, int]:
    """``word`` with one or two keystroke typos, composed back into syllables; and how many."""
    keys = original = decompose(word)
    made = 0
    while made < rng.choice((1, 1, 2)) or keys == original:
        i = rng.randrange(len(keys))
        kind = rng.choice(("slip", "slip", "substitute", "delete", "insert", "swap"))
        if kind == "slip" and slips(keys[i]):
            keys = keys[:i] + rng.choice(sorted(slips(keys[i]))) + keys[i + 1 :]
        elif kind == "substitute":
            keys = keys[:i] + rng.choice(KEYS.replace(keys[i], "")) + keys[i + 1 :]
        elif kind == "delete" and len(keys) > 4:
            keys = keys[:i] + keys[i + 1 :]
        elif kind == "insert":
            keys = keys[:i] + rng.choice(KEYS) + keys[i:]
        elif kind == "swap" and i + 1 < len(keys) and keys[i] != keys[i + 1]:
            keys = keys[:i] + keys[i + 1] + keys[i] + keys[i + 2 :]
        else:
            continue
        made += 1
    return compose(keys), made


def prefix(text: str, rng: random.Random) -> str:
    """What a reader has typed so far of ``text``: a cut mid-syllable, or its first 초성."""
    if rng.random() < 0.2:
        return initials(text)[: rng.randint(2, 3)]
    keys = decompose(text)
    return compose(keys[: rng.randint(2, min(len(keys), 8))])


def rss_mb() -> float:
    """The process's resident memory now."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def build(name: str, make: Callable[[], T], factor: float) -> T:
    gc.collect()
    before, started = rss_mb(), time.perf_counter()
    built = make()
    seconds = time.perf_counter() - started
    gc.collect()
    grown = rss_mb() - before
    print(f"{name}: built in {seconds:.2f} s ({seconds * factor:.2f} s at the reference speed), +{grown:.0f} MB resident")
    return built


def latency(name: str, run: Callable[[str], object], queries: list[str], factor: float) -> None:
    times = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[round(0.95 * (len(times) - 1))]
    print(
        f"{name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms"
        f" (at the reference speed: p50 {p50 * factor:.2f} ms, p95 {p95 * factor:.2f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=300_000)
    parser.add_argument("--titles", type=int, default=6_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS, help="posts to measure the machine's speed on")
    args = parser.parse_args()
    factor = speed_factor(args.posts)
    rng = random.Random(42)
    terms = vocabulary(args.terms, rng)
    titles = [(" ".join(w for w, _ in rng.sample(terms[:20_000], rng.randint(4, 8))), i) for i in range(args.titles)]
    print(f"{len(terms):,} synthetic terms, {len(titles):,} titles ({rss_mb():.0f} MB resident)")

    speller = build("Speller", lambda: Speller(terms), factor)
    completer = build("Completer", lambda: Completer(terms + titles), factor)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    sample = [w for w, _ in rng.sample(terms[:50_000], args.queries)]
    misspelt = [typo(word, rng) for word in sample]
    latency("suggest", speller.suggest, [text for text, _ in misspelt], factor)
    for edits in (1, 2):
        cases = [(text, word) for (text, made), word in zip(misspelt, sample) if made == edits]
        suggested = [[term for term, _, _ in speller.suggest(text)] for text, _ in cases]
        first = sum(terms[:1] == [word] for terms, (_, word) in zip(suggested, cases))
        among = sum(word in terms for terms, (_, word) in zip(suggested, cases))
        print(
            f"suggest, {len(cases)} words with {edits} typo{'s' if edits > 1 else ''}: the word first for"
            f" {first / len(cases):.0%}, among the 5 suggestions for {among / len(cases):.0%}"
        )
    typed = [prefix(text, rng) for text, _ in rng.sample(terms[:50_000] + titles, args.queries)]
    latency("complete", completer.complete, typed, factor)


if __name__ == "__main__":
    main()
