"""What every engine of the benchmark provides, and the query syntax they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from corpus import Corpus

MAX_RANK = 1000
"""The deepest rank any metric looks at (recall@1000)."""


class Unavailable(RuntimeError):
    """An engine cannot run on this machine (e.g. no Node.js): it is skipped with this reason."""


@dataclass(frozen=True)
class Answer:
    """One engine's answer to one query."""

    ids: list[str]
    """Post ids in rank order, up to :data:`MAX_RANK`; an engine may stop early once an id of the
    query's accepted set is in the list (fetching further changes no metric, only time)."""
    ms: float
    """Wall time of the search call itself (what a reader waits for the first results)."""
    suggestion: str | None = None
    """A "did you mean" query, from engines that make one."""
    corrected: bool = False
    """True when the engine searched its suggestion instead of the query as typed (sokbo's
    ``corrected``: the query found nothing, the results are the suggestion's)."""


class Engine(Protocol):
    name: str

    def build(self, corpus: Corpus) -> None:
        """Index the corpus's posts (or open an existing index of them)."""

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        """Run the query ``text`` as a reader typed it."""

    def close(self) -> None:
        """Free whatever the engine holds (processes, temporary files)."""


_TERM = re.compile(r'"([^"]*)"|(\S+)')


def terms(text: str) -> list[tuple[str, bool]]:
    """A query's words and quoted phrases, as ``(text, is_phrase)``; quotes are never part of a word."""
    found: list[tuple[str, bool]] = []
    for phrase, word in _TERM.findall(text):
        value = " ".join(phrase.split()) if phrase else word.replace('"', "")
        if value:
            found.append((value, bool(phrase)))
    return found
