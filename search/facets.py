"""Facets: small classes in one registry, each a filter and a count over the same field.

A facet's counts describe the current query with every *other* facet's filter applied, so
choosing one category still shows how many hits the other categories have.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from .request import SearchRequest
from .schema import day_number


class DocTable(Protocol):
    """Per-document values that facets read (see :class:`~sokbo.search.service.IndexView`)."""

    live: frozenset[int]
    categories: list[tuple[str, ...]]
    months: list[str]
    days: list[int]
    by_category: dict[str, frozenset[int]]


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

    def counts(self, table: DocTable, docnums: Iterable[int]) -> list[FacetValue]:
        raise NotImplementedError


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

    def counts(self, table: DocTable, docnums: Iterable[int]) -> list[FacetValue]:
        counter: Counter[str] = Counter()
        cats = table.categories
        for d in docnums:
            counter.update(cats[d])
        return [FacetValue(v, n) for v, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


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

    def counts(self, table: DocTable, docnums: Iterable[int]) -> list[FacetValue]:
        months = table.months
        counter = Counter(months[d] for d in docnums)
        return [FacetValue(v, n) for v, n in sorted(counter.items())]


FACETS: tuple[Facet, ...] = (CategoryFacet(), MonthFacet())
"""The registry: the API's ``facets`` object has one key per entry, in this order."""
