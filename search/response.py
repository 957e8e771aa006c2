"""What a search returns: hits, facets and the words around them; :meth:`SearchResponse.as_dict`
is the JSON API's body (and ``sokbo search --json``'s), in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .facets import FacetValue
from .request import SearchRequest


@dataclass(frozen=True)
class Similar:
    """A near-duplicate post folded under a hit (the same story, republished)."""

    id: str
    title: str
    url: str
    date: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "url": self.url, "date": self.date}


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    url: str
    date: str
    categories: list[str]
    snippet: str
    score: float | None
    title_html: str
    image: str
    similar: list[Similar] = field(default_factory=list)
    """Near-duplicates of this post that also matched, folded under it (비슷한 기사 n건)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "title_html": self.title_html,
            "url": self.url,
            "date": self.date,
            "categories": self.categories,
            "snippet": self.snippet,
            "score": self.score,
            "image": self.image,
            "similar": [s.as_dict() for s in self.similar],
        }


@dataclass(frozen=True)
class SearchResponse:
    """One page of results with facets: :meth:`as_dict` is the JSON API's body."""

    request: SearchRequest
    total: int
    """Posts matched: every post the query and the filters allow, near-duplicates included,
    so it equals the sum of the month facet's counts."""
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float
    partial: bool = False
    """True when no post had every word and these are the best partial matches."""
    suggestion: str | None = None
    """A corrected query when words of this one look misspelt (see :mod:`~sokbo.search.correction`)."""
    corrected: bool = False
    """True when these are the results of ``suggestion`` instead of the query as typed."""
    expanded: list[str] = field(default_factory=list)
    """The words 초성 in the query were searched as (ㄱㅈㅇ → 김정은, ...)."""
    stories: int | None = None
    """Results to page through: ``total`` less the near-duplicates folded under another hit
    (each hit's ``similar``). None means none folded (``total``)."""

    @property
    def pages(self) -> int:
        """Pages of ``per_page`` stories."""
        return max(1, -(-self.story_count // self.request.per_page))

    @property
    def story_count(self) -> int:
        return self.total if self.stories is None else self.stories

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.request.q,
            "total": self.total,
            "stories": self.story_count,
            "pages": self.pages,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "sort": self.request.sort,
            "took_ms": self.took_ms,
            "partial": self.partial,
            "hits": [h.as_dict() for h in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "corrected": self.corrected,
            "expanded": self.expanded,
        }


