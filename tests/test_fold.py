"""Folding near-duplicates into pages (``pipeline.fold_and_page``), against a plain oracle."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from sokbo.search.pipeline import _fold


def oracle(ordered: list[tuple[int, float | None]], copies: frozenset[int], cluster: list[int], want: int) -> list:
    """The rule, written as plainly as possible: each cluster at its first member shown,
    carrying its other matching members in the order shown, then by docnum."""
    position = {d: i for i, (d, _s) in enumerate(ordered)}
    results, seen = [], set()
    for d, s in ordered:
        if d in copies:
            if cluster[d] in seen:
                continue
            seen.add(cluster[d])
            others = [m for m in copies if m != d and cluster[m] == cluster[d]]
            results.append((d, s, sorted(others, key=lambda m: (position.get(m, len(position)), m))))
        else:
            results.append((d, s, []))
    return results[:want]


@st.composite
def folding(draw: st.DrawFn) -> tuple[list[tuple[int, float | None]], frozenset[int], list[int], int]:
    n = draw(st.integers(1, 60))
    cluster = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    matching = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1))
    sizes: dict[int, int] = {}
    for c in cluster:
        sizes[c] = sizes.get(c, 0) + 1
    copies = frozenset(d for d in matching if sizes[cluster[d]] > 1)
    shown = draw(st.integers(0, len(matching)))  # the order may stop before every match
    ordered = [(d, float(len(matching) - i)) for i, d in enumerate(matching[:shown])]
    return ordered, copies, cluster, draw(st.integers(0, len(matching) + 2))


@settings(max_examples=300, deadline=None)
@given(folding())
def test_folding_equals_the_plain_rule(case: tuple[list[tuple[int, float | None]], frozenset[int], list[int], int]) -> None:
    ordered, copies, cluster, want = case
    assert _fold(ordered, copies, SimpleNamespace(cluster=cluster), want) == oracle(ordered, copies, cluster, want)


def test_a_cluster_carries_members_beyond_the_page_after_those_shown() -> None:
    cluster = [0, 0, 1, 0, 2]
    ordered = [(3, 3.0), (2, 2.0), (0, 1.0)]  # 1 (cluster 0) matches but is not in the order
    folded = _fold(ordered, frozenset({0, 1, 3}), SimpleNamespace(cluster=cluster), 2)
    assert folded == [(3, 3.0, [0, 1]), (2, 2.0, [])]
