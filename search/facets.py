"""Facets: small classes in one registry, each a filter and a count over the same field.

A facet's counts describe the current query with every *other* facet's filter applied, so
choosing one category still shows how many hits the other categories have.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import ClassVar, Protocol

from .request import SearchRequest
from .schema import day_number


class DocTable(Protocol):
    """Per-document values that facets read (see :class:`~sokbo.search.service.IndexView`)."""

    live: frozenset[int]
    days: list[int]
    by_category: dict[str, frozenset[int]]
    by_month: dict[str, frozenset[int]]


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


class Facet:
    """A facet: which documents the request's choice allows, and value counts over a set."""

    name: ClassVar[str]

    def allowed(self, table: DocTable, request: SearchRequest) -> frozenset[int] | None:
        """Docnums the request's choice for this facet allows; None when it chose nothing."""
        raise NotImplementedError

    def counts(self, table: DocTable, docnums: Set[int]) -> list[FacetValue]:
        """How many of ``docnums`` have each value (values with none are left out)."""
        raise NotImplementedError


def _count(groups: dict[str, frozenset[int]], docnums: Set[int]) -> dict[str, int]:
    """Size of each group's overlap with ``docnums``: C-speed set intersections, one per value."""
    counts = {value: len(docnums & group) for value, group in groups.items()}
    return {value: n for value, n in counts.items() if n}


class CategoryFacet(Facet):
    """Posts in any of the chosen categories; counts most frequent first."""

    name = "category"

    def allowed(self, table: DocTable, request: SearchRequest) -> frozenset[int] | None:
        if not request.categories:
            return None
        found: set[int] = set()
        for c in request.categories:
            found |= table.by_category.get(c, frozenset())
        return frozenset(found)

    def counts(self, table: DocTable, docnums: Set[int]) -> list[FacetValue]:
        counts = _count(table.by_category, docnums)
        return [FacetValue(v, n) for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


class MonthFacet(Facet):
    """The date range ``from``..``to`` (inclusive); counts per month in calendar order."""

    name = "month"

    def allowed(self, table: DocTable, request: SearchRequest) -> frozenset[int] | None:
        if request.date_from is None and request.date_to is None:
            return None
        low = day_number(request.date_from) if request.date_from else 0
        high = day_number(request.date_to) if request.date_to else 99999999
        days = table.days
        return frozenset(d for d in table.live if low <= days[d] <= high)

    def counts(self, table: DocTable, docnums: Set[int]) -> list[FacetValue]:
        return [FacetValue(v, n) for v, n in sorted(_count(table.by_month, docnums).items())]


FACETS: tuple[Facet, ...] = (CategoryFacet(), MonthFacet())
"""The registry: the API's ``facets`` object has one key per entry, in this order."""
