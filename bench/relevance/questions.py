"""The question family: natural questions (KorQuAD 1.0, dev split) on posts of their own.

Every distinct ``context`` of the file becomes a post (its article's ``title``, the context as
the body), written as a Jekyll ``_posts`` folder so that every engine, sokbo's own indexer
included, reads it like any site's posts. Each question is a query whose target is the post
of its context. The file's first :data:`HELD_OUT` questions (file order) are an independent
check kept out of every tuning and test: they are skipped by position, their text is never
read.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from queries import Query, half_of

HELD_OUT = 1000
"""The first questions in file order, never read, printed, scored or used."""
FIRST_DAY = dt.date(2001, 1, 1)
"""The synthetic date of the first context's post; the next ones follow :data:`DAYS_APART` apart."""
DAYS_APART = 7
"""Days between two contexts' posts. The paragraphs of one article share its title: posts with
the same title a day or two apart look like one story republished, which a search may fold
into one hit (sokbo does), and the target would then be found through a sibling paragraph."""


@dataclass(frozen=True)
class Questions:
    """What the bench takes from a KorQuAD-shaped file."""

    contexts: list[tuple[str, str]]
    """Every distinct context, in file order, with its article's title: ``(title, context)``."""
    asked: list[tuple[str, int]]
    """The questions after the first :data:`HELD_OUT`, in file order: ``(question, context index)``."""
    held_out: frozenset[int]
    """Contexts that one of the first :data:`HELD_OUT` questions is about (their text is a post
    like any other, but no word is taken from them for the newword family)."""

    @property
    def open_contexts(self) -> list[int]:
        """Contexts that no held-out question is about."""
        return [k for k in range(len(self.contexts)) if k not in self.held_out]


def post_name(context: int) -> str:
    """The post id (file stem) of a context: ``YYYY-MM-DD-qNNNN``, the date synthetic."""
    return f"{FIRST_DAY + dt.timedelta(days=DAYS_APART * context):%Y-%m-%d}-q{context + 1:04d}"


def read_questions(path: Path) -> Questions:
    """Read a SQuAD-format file (``data[].title``, ``data[].paragraphs[].context`` and
    ``.qas[].question``), skipping the first :data:`HELD_OUT` questions unread."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    contexts: list[tuple[str, str]] = []
    index: dict[str, int] = {}
    asked: list[tuple[str, int]] = []
    held_out: set[int] = set()
    seen = 0
    for article in data:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            if context not in index:
                index[context] = len(contexts)
                contexts.append((article["title"], context))
            k = index[context]
            for qa in paragraph["qas"]:
                seen += 1
                if seen <= HELD_OUT:
                    held_out.add(k)  # the question itself is not looked at
                    continue
                asked.append((qa["question"], k))
    return Questions(contexts, asked, frozenset(held_out))


def write_posts(questions: Questions, posts_dir: Path) -> None:
    """One Jekyll post per context in ``posts_dir``: front matter with the title only (a JSON
    string, which YAML reads as a double-quoted scalar), the context as the body."""
    posts_dir.mkdir(parents=True, exist_ok=True)
    for k, (title, context) in enumerate(questions.contexts):
        text = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n{context}\n"
        (posts_dir / f"{post_name(k)}.md").write_text(text, encoding="utf-8")


def question_queries(questions: Questions, limit: int | None, seed: int) -> list[Query]:
    """One query per question (after the held-out ones), target its context's post; with
    ``limit``, that many questions drawn at random (by ``seed``), then in file order."""
    picked = list(range(len(questions.asked)))
    if limit is not None and limit < len(picked):
        picked = sorted(random.Random(f"{seed}/question").sample(picked, limit))
    queries = []
    for k in picked:
        text, context = questions.asked[k]
        target = post_name(context)
        queries.append(Query("question", " ".join(text.split()), target, half_of("question", target), accepted=(target,)))
    return queries
