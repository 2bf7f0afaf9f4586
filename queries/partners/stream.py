"""The partner table in pieces, source firms a chunk at a time: a table for every firm
of a province has millions of rows, and whoever writes it to a file need hold only one
chunk of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.metapaths import Kind, Method
from innokg.queries.partners.candidates import (
    _Ask,
    _ask,
    _no_candidates,
    _Plan,
    _plan,
    _rank,
    _some_without,
    _table,
    candidate_partners,
)
from innokg.queries.partners.kinds import _kinds
from innokg.queries.partners.table import _COLUMNS

__all__ = ["CHUNK_FIRMS", "iter_candidate_partners"]

#: Source firms ranked and explained per chunk by default: with 20 partners each,
#: 100,000 rows of a kind at a time (a few hundred MB while they are built).
CHUNK_FIRMS = 5_000


def iter_candidate_partners(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    k: int = 20,
    per_source: int | None = None,
    node: str | None = None,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    sizes: Sequence[str] | None = None,
    method: Method = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
    batch_size: int = 2048,
    scope: str = "province",
    notes: bool = True,
    chunk_firms: int = CHUNK_FIRMS,
    progress: Callable[[str], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """:func:`candidate_partners` as consecutive pieces of its table.

    With ``per_source`` every source's partners depend on that source alone, so the
    sources of each kind are ranked and explained ``chunk_firms`` at a time and each
    chunk is handed on before the next is built; the pieces, one after the other, are
    the rows of :func:`candidate_partners` (same order, scores and explanations).
    Without ``per_source``, or for one ``node``, the table is small and comes whole.
    The request is checked at once: a bad option raises here, not at the first piece.

    Parameters
    ----------
    G : EcosystemGraph
    kinds, k, per_source, node, year, city, industry, sizes, method, hub_cap, tail_cap, \
batch_size, scope, notes
        As for :func:`candidate_partners`.
    chunk_firms : int
        Sources per chunk: memory grows with it (about ``chunk_firms x per_source``
        rows at a time), time hardly.
    progress : callable, optional
        Called with a short line (``"enterprise-institute: sources 1-5,000 of
        86,906"``) as each chunk starts.

    Yields
    ------
    pandas.DataFrame
        Pieces with the columns of :func:`candidate_partners`, none of them empty
        unless the whole table is (then one empty piece, so that a writer knows the
        columns).

    Raises
    ------
    QueryError, NodeNotFound
        As :func:`candidate_partners`; also for ``chunk_firms`` below 1.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...     {"SUPPLIES": [("a", "d"), ("b", "d"), ("c", "d")]},
    ... )
    >>> pieces = list(iter_candidate_partners(
    ...     G, kinds=["enterprise-enterprise"], per_source=1, chunk_firms=2, notes=False))
    >>> [piece["source"].tolist() for piece in pieces]
    [['a', 'b'], ['c']]
    >>> whole = candidate_partners(G, kinds=["enterprise-enterprise"], per_source=1, notes=False)
    >>> pd.concat(pieces, ignore_index=True).equals(whole)
    True
    """
    if chunk_firms < 1:
        raise QueryError("chunk_firms must be at least 1")
    options: dict[str, Any] = {
        "kinds": kinds,
        "k": k,
        "per_source": per_source,
        "node": node,
        "year": year,
        "city": city,
        "industry": industry,
        "sizes": sizes,
        "method": method,
        "hub_cap": hub_cap,
        "tail_cap": tail_cap,
        "batch_size": batch_size,
        "scope": scope,
        "notes": notes,
    }
    if per_source is None or node is not None:  # a short table: no need to split it
        return iter([candidate_partners(G, **options)])
    bases = _kinds(kinds)
    scoring = (year, method, hub_cap, tail_cap)
    ask = _ask(G, scoring, k, per_source, node, scope, batch_size, (city, industry, sizes))
    return _pieces(ask, bases, notes, chunk_firms, progress)


def _pieces(
    ask: _Ask,
    bases: list[Kind],
    notes: bool,
    chunk_firms: int,
    progress: Callable[[str], None] | None,
) -> Iterator[pd.DataFrame]:
    said: list[pd.DataFrame] = []  # the one-line notes, after every ranked pair
    given = 0
    for base in bases:
        plan = _plan(ask, base)
        if plan is None:
            continue
        if isinstance(plan, pd.DataFrame):
            said.append(plan)
            continue
        found = covered = 0
        cached = set(ask.A.memo)
        for piece in _kind_pieces(ask, plan, chunk_firms, progress):
            found += len(piece)
            covered += piece["source"].nunique()  # a source's rows are in one piece
            if len(piece):
                given += 1
                yield piece.astype(_COLUMNS)
        _forget(ask, plan.kind, cached)
        if not found:
            said.append(_no_candidates(plan.base, plan.kind))
        elif (note := _some_without(plan.base, covered, len(plan.sides[0][0]))) is not None:
            said.append(note)
    if notes and said:
        given += 1
        yield pd.concat(said, ignore_index=True).astype(_COLUMNS)
    if not given:
        yield _table(ask, [], None)


def _forget(ask: _Ask, kind: Kind, cached: set[object]) -> None:
    """Drop what was cached for this kind alone while its pieces were made (its
    meta-paths' products and their sorted entries): no later kind uses them, and a
    table of every firm would otherwise hold every kind's at once.  What was cached
    before is kept."""
    memo = ask.A.memo
    for key in [k for k in memo if k not in cached]:
        if (
            isinstance(key, tuple)
            and len(key) > 1
            and str(key[0]).startswith(("partners-", "reasons-"))
            and key[1] == kind.key
        ):
            del memo[key]


def _kind_pieces(
    ask: _Ask, plan: _Plan, chunk_firms: int, progress: Callable[[str], None] | None
) -> Iterator[pd.DataFrame]:
    for rows, reverse, allowed in plan.sides:
        for start in range(0, len(rows), chunk_firms):
            part = rows[start : start + chunk_firms]
            if progress is not None:
                progress(
                    f"{plan.base.key}: sources {start + 1:,}-{start + len(part):,} of {len(rows):,}"
                )
            yield _rank(ask, plan, part, reverse, allowed)
