"""sokbo itself, through its Python API (the same calls the web app makes)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import Corpus
from engine import MAX_RANK, Answer, Unavailable

PER_PAGE = 100
"""sokbo's largest page: the timed call is the first one; more pages only for recall@1000."""


class SokboEngine:
    name = "sokbo"

    def __init__(self, index_dir: Path | None = None) -> None:
        """``index_dir``: an existing index of the same posts, used as it is (no build)."""
        self.index_dir = index_dir
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.service: Any = None

    def build(self, corpus: Corpus) -> None:
        from sokbo.indexer.build import build_index
        from sokbo.search import IndexMissing, SearchService

        if self.index_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="relevance-sokbo-")
            self.index_dir = Path(self._tmp.name) / "index"
            build_index(corpus.posts_dir, self.index_dir, site=corpus.site)
        self.service = SearchService(self.index_dir)
        try:
            self.service.warm_up()
        except IndexMissing as error:  # e.g. an --index built by another version of sokbo
            raise Unavailable(str(error)) from None
        indexed = self.service.indexed_ids()
        posts = {p.id for p in corpus.posts}
        if indexed != posts:
            print(f"  warning: the index at {self.index_dir} holds {len(indexed - posts)} posts that are not "
                  f"among these posts and lacks {len(posts - indexed)} of them")

    def _page(self, text: str, page: int) -> Any:
        from sokbo.search import SearchRequest

        request = SearchRequest.from_params({"q": [text], "per_page": [str(PER_PAGE)], "page": [str(page)]})
        return self.service.search(request)

    def search(self, text: str, accepted: frozenset[str]) -> Answer:
        started = time.perf_counter()
        first = self._page(text, 1)
        ms = (time.perf_counter() - started) * 1000
        ids = _ids(first.hits, accepted)
        page = 1
        while len(ids) < min(first.total, MAX_RANK) and accepted.isdisjoint(ids):
            page += 1
            more = _ids(self._page(text, page).hits, accepted)
            if not more:
                break
            ids.extend(more)
        return Answer(ids[:MAX_RANK], ms, getattr(first, "suggestion", None), bool(getattr(first, "corrected", False)))

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _ids(hits: list[Any], accepted: frozenset[str]) -> list[str]:
    """One id per hit; a hit that carries an accepted post among its folded near-duplicates
    (its ``similar``, shown under it as 비슷한 기사) found that post at its rank."""
    out = []
    for hit in hits:
        folded = [s.id for s in getattr(hit, "similar", ())]
        out.append(next((i for i in (hit.id, *folded) if i in accepted), hit.id))
    return out
