"""Make a realistic Jekyll site of N posts (100,000 by default) from the real corpus.

The benchmarks at scale (bench_scale.py) need a site twenty times the shared corpus that still
looks like it to the indexer and to the searches: Korean news text, HTML and Markdown bodies,
the real mix of categories, recurring words and stories. This script reads
``../shared/corpus/_posts`` at run time (nothing of it is kept in the repository) and writes
``--count`` posts to ``--out``, a folder outside the repository, each made of:

* **title**: a real title of the post's category with 0 to 2 of its words swapped for words of
  other titles of that category (a quarter stay as they were);
* **categories**: those of a real post drawn at random, so the corpus's frequencies hold
  (the corpus has no post with two categories; ``--multi-category 0.1`` gives a tenth of the
  posts a second one, drawn from the same mix);
* **body**: as many blocks (paragraphs, headings, images, tables) as that real post has, in runs
  of 2 to 6 consecutive blocks (at most a third of the body) from different posts of the same
  category and format, the first run from the start of a post; HTML or Markdown as that post
  is (96% / 4% in the corpus);
* **excerpt** and ``feature_text``: the start of the body's text, as long as that post's;
  ``image`` (and ``feature_image``) lines as that post's;
* **republished**: ``--republish`` of the posts (0.4%) are one of the last two days' again,
  its title with a tag such as [속보] before it or without its last word; with the few bodies
  that happen to be near-identical, about as many posts as in the corpus (1.4%) then have a
  near-duplicate by sokbo's own measure (search/dedup.py);
* **date**: a day of the ``--years`` years from ``--start`` (weekends and earlier years a little
  quieter); the file is ``YYYY-MM-DD-N.md`` with N unique, in date order, like the corpus's.

Front matter is written as the corpus writes it (titles unquoted), so about as many posts need
their front matter recovered line by line (titles starting with ``[``, an unquoted ``: ``).
The output depends only on the corpus and ``--seed``.

    python bench/make_site.py --out /work/site100k/_posts                  # 100,000 posts
    python bench/make_site.py --out /tmp/site2k/_posts --count 2000 --seed 7
    python bench/make_site.py --out /work/site100k/_posts --force          # replace its posts
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import html
import itertools
import os
import random
import re
import shutil
import sys
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "_posts"

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.DOTALL)
_BLOCKS = re.compile(r"\n[ \t]*\n|\n(?=<(?:p|h[1-6]|figure)[\s>])")
"""Between blocks: a blank line, or a line break before a paragraph, heading or figure (the
corpus's hotel posts put a whole article in lines without a blank one)."""
_TAG = re.compile(r"<[^>]*>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"[#*|`>_~]+")
_SPACE = re.compile(r"\s+")


@dataclass
class Source:
    """What the generator takes from one real post."""

    title: str
    categories: tuple[str, ...]
    blocks: list[str]
    markdown: bool
    excerpt_chars: int
    images: list[str]
    """The post's raw ``image:``/``feature_image:`` front-matter lines."""


def read_corpus(corpus: Path, limit: int | None = None) -> list[Source]:
    """Every readable post of ``corpus`` (or ``limit`` of them, evenly spread): title and
    categories as sokbo's reader reads them (front matter that strict YAML rejects is
    recovered), blocks from the raw body."""
    from sokbo.indexer.reader import iter_post_files, read_post
    from sokbo.indexer.site import Site

    site = Site()
    sources = []
    files = sorted(iter_post_files(corpus))
    if limit is not None:
        files = files[:: max(1, len(files) // limit)][:limit]
    for path in files:
        result = read_post(path, site)
        if result.post is None or not result.post.categories:
            continue
        raw = path.read_text(encoding="utf-8")
        head = _FRONT_MATTER.match(raw)
        if head is None:
            continue
        body = raw[head.end() :].strip("\n")
        blocks = [b.strip("\n") for b in _BLOCKS.split(body) if b.strip()]
        if not blocks:
            continue
        html_blocks = sum(b.lstrip().startswith("<") for b in blocks)
        images = [line for line in head.group(1).splitlines() if line.startswith(("image:", "feature_image:"))]
        sources.append(
            Source(
                title=" ".join(result.post.title.split()),
                categories=result.post.categories,
                blocks=blocks,
                markdown=html_blocks < len(blocks) / 2,
                excerpt_chars=len(result.post.excerpt) or 200,
                images=images,
            )
        )
    return sources


def plain(block: str) -> str:
    """A block's text, roughly (for excerpts): tags, images, links and Markdown marks removed."""
    text = _MD_IMAGE.sub(" ", block)
    text = _MD_LINK.sub(r"\1", text)
    text = html.unescape(_TAG.sub(" ", text))
    return _SPACE.sub(" ", _MD_MARK.sub(" ", text)).strip()


class Generator:
    """Draws posts from the corpus's sources; all randomness from one seeded ``random.Random``."""

    def __init__(self, sources: list[Source], seed: int, multi_category: float) -> None:
        self.rng = random.Random(seed)
        self.sources = sources
        self.multi_category = multi_category
        self.mix = [c for s in sources for c in s.categories]  # each category weighted by its posts
        by_category: dict[str, list[Source]] = defaultdict(list)
        for s in sources:
            by_category[s.categories[0]].append(s)
        self.titles = {c: [s.title.split() for s in group] for c, group in by_category.items()}
        self.pools: dict[tuple[str, bool], list[Source]] = {}
        for c, group in by_category.items():
            for markdown in (False, True):
                same = [s for s in group if s.markdown == markdown]
                self.pools[c, markdown] = same if len(same) >= 5 else group

    def title(self, template: Source) -> str:
        words = template.title.split()
        others = self.titles[template.categories[0]]
        swaps = self.rng.choices((0, 1, 2), weights=(25, 45, 30))[0] if len(words) >= 3 else 0
        for _ in range(swaps):
            donor = self.rng.choice(others)
            if donor:
                words[self.rng.randrange(len(words))] = self.rng.choice(donor)
        return " ".join(words)

    def categories(self, template: Source) -> tuple[str, ...]:
        cats = template.categories
        if self.multi_category and self.rng.random() < self.multi_category:
            extra = self.rng.choice(self.mix)
            if extra not in cats:
                cats = (*cats, extra)
        return cats

    def body(self, template: Source) -> list[str]:
        pool = self.pools[template.categories[0], template.markdown]
        want = len(template.blocks)
        # Runs of at most a third of the body: a short post (Hotel's have 4-6 blocks) made of
        # one run would copy the start of its donor, and its ~17 copies would all be
        # near-duplicates of each other.
        longest = max(1, min(6, want // 3))
        blocks: list[str] = []
        previous = None
        while len(blocks) < want:
            donor = self.rng.choice(pool)
            if donor is previous and len(pool) > 1:
                continue
            start = 0 if not blocks else self.rng.randrange(len(donor.blocks))
            run = self.rng.randint(min(2, longest), longest)
            blocks.extend(donor.blocks[start : start + min(run, want - len(blocks))])
            previous = donor
        return blocks

    def excerpt(self, blocks: list[str], chars: int) -> str:
        text = ""
        for block in blocks:
            words = plain(block)
            if len(words) >= 20:  # skip images, spacers and short headings, as the corpus's do
                text = f"{text} {words}".strip()
                if len(text) >= chars:
                    break
        if not text:  # a body of short blocks only: every post of the corpus has an excerpt
            text = " ".join(filter(None, map(plain, blocks)))
        return text[:chars].rstrip() + ".." if len(text) > chars else text

    def again(self, text: str) -> str:
        """``text`` republished: its title with a tag such as [속보] before it, or without its
        last word (the corpus's near-duplicates: the same story under an almost identical title)."""
        head, sep, body = text.partition("\n---\n")
        lines = head.split("\n")
        title = lines[1][len("title: ") :]
        words = title.split()
        if len(words) > 3 and self.rng.random() < 0.5:
            title = " ".join(words[:-1])
        else:
            title = f"{self.rng.choice(('[속보]', '[종합]', '(종합)', '[단독]'))} {title}"
        lines[1] = f"title: {title}"
        return "\n".join(lines) + sep + body

    def post(self) -> tuple[str, Source, tuple[str, ...]]:
        """A post's text, the real post it was modelled on, and its categories."""
        template = self.rng.choice(self.sources)
        title = self.title(template)
        categories = self.categories(template)
        blocks = self.body(template)
        excerpt = self.excerpt(blocks, template.excerpt_chars)
        lines = ["---", f"title: {title}", "categories:", *(f"  - {c}" for c in categories)]
        if excerpt:
            lines += ["excerpt: >", f"  {excerpt}", "feature_text: >", f"  {excerpt}"]
        lines += [*template.images, "---", ""]
        return "\n".join(lines) + "\n" + "\n\n".join(blocks) + "\n", template, categories


def spread_days(rng: random.Random, n: int, start: dt.date, years: int) -> list[dt.date]:
    """``n`` publication days over ``years`` years from ``start``, sorted: weekends at 60% of a
    weekday, and the site growing from 70% to 100% of its final rate over the period."""
    end = start.replace(year=start.year + years)
    days = [start + dt.timedelta(d) for d in range((end - start).days)]
    weights = [(0.6 if d.weekday() >= 5 else 1.0) * (0.7 + 0.3 * i / len(days)) for i, d in enumerate(days)]
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    return sorted(days[bisect.bisect(cumulative, rng.random() * total)] for _ in range(n))


@dataclass
class Made:
    """What :func:`write_site` wrote."""

    bytes: int = 0
    markdown: int = 0
    multi: int = 0
    republished: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    first: dt.date | None = None
    last: dt.date | None = None


def write_site(
    generator: Generator, out: Path, count: int, start: dt.date, years: int, *, republish: float = 0.004, progress: bool = False
) -> Made:
    """Write ``count`` posts into ``out`` (an existing folder), named ``YYYY-MM-DD-N.md``;
    ``republish`` of them are a post of the last two days again (see :meth:`Generator.again`)."""
    days = spread_days(generator.rng, count, start, years)
    made = Made(first=days[0] if days else None, last=days[-1] if days else None)
    recent: deque[tuple[dt.date, str, Source, tuple[str, ...]]] = deque(maxlen=200)
    for number, day in enumerate(days, start=1):
        while recent and (day - recent[0][0]).days > 2:
            recent.popleft()
        if recent and generator.rng.random() < republish:
            _day, text, template, cats = generator.rng.choice(recent)
            text = generator.again(text)
            made.republished += 1
        else:
            text, template, cats = generator.post()
        recent.append((day, text, template, cats))
        data = text.encode("utf-8")
        fd = os.open(out / f"{day.isoformat()}-{number}.md", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        made.bytes += len(data)
        made.categories.update(cats)
        made.multi += len(cats) > 1
        made.markdown += template.markdown
        if progress and number % 10_000 == 0:
            print(f"  {number:,} posts written", flush=True)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the real posts (default: ../shared/corpus/_posts)")
    parser.add_argument("--out", type=Path, required=True, help="the _posts folder to write, outside the repository")
    parser.add_argument("--count", type=int, default=100_000, help="posts to write")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2020, 1, 1), help="first possible day")
    parser.add_argument("--years", type=int, default=5, help="years the dates spread over")
    parser.add_argument("--republish", type=float, default=0.004, help="share of posts that republish one of the last two days (near-duplicates)")
    parser.add_argument("--multi-category", type=float, default=0.0, help="share of posts given a second category (the corpus: 0)")
    parser.add_argument("--force", action="store_true", help="delete the posts already in --out first")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    out = args.out.resolve()
    if out == ROOT or ROOT in out.parents:
        sys.exit(f"{out} is inside the repository: the corpus's text must not land in it")
    if out.is_dir() and any(out.iterdir()):
        if not args.force:
            sys.exit(f"{out} is not empty (--force deletes what it holds)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    sources = read_corpus(args.corpus)
    read_s = time.perf_counter() - started
    print(f"corpus: {len(sources)} posts read from {args.corpus} in {read_s:.1f} s")

    generator = Generator(sources, args.seed, args.multi_category)
    started = time.perf_counter()
    made = write_site(generator, out, args.count, args.start, args.years, republish=args.republish, progress=True)
    write_s = time.perf_counter() - started
    print(
        f"{args.count:,} posts, {made.bytes / 1e6:,.0f} MB, written to {out} in {write_s:.1f} s "
        f"({args.count / write_s:,.0f} posts/s); {made.first} to {made.last}"
    )
    print(
        f"Markdown posts: {made.markdown / args.count:.1%}; posts with several categories: {made.multi:,}; "
        f"republished: {made.republished:,}"
    )
    top = ", ".join(f"{c} {n / args.count:.1%}" for c, n in made.categories.most_common(8))
    print(f"categories: {len(made.categories)}; {top}, …")


if __name__ == "__main__":
    main()
