"""What the explorer's filters and paths need: the graph's facets, shortest paths.

:func:`facets` lists what the page can filter the canvas by (cities, industries,
years, evidence), with how many nodes or edges hold each value; :func:`shortest_path`
finds a fewest-links path between two nodes over the explorer's adjacency, edges
taken in either direction.  Both work on an :class:`~innokg.serve.explorer.Explorer`
and return JSON-ready dicts.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> from innokg.serve.explorer import Explorer
>>> G = make_graph(
...     {"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
...     {"SUPPLIES": [("a", "b"), ("c", "b"), ("c", "d")]},
... )
>>> shortest_path(Explorer(G), "a", "d")["path"]
['a', 'b', 'c', 'd']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES, EVIDENCE
from innokg.serve.limits import NotFound

if TYPE_CHECKING:
    from innokg.serve.explorer import Explorer

__all__ = ["FACET_VALUES", "MAX_HOPS", "facets", "shortest_path"]

#: At most this many links in a path asked for (a path search beyond it visits most
#: of a large graph and says little).
MAX_HOPS = 12
#: At most this many cities or industries listed as facets (the most common first).
FACET_VALUES = 500


def facets(ex: Explorer) -> dict[str, Any]:
    """What the canvas can be filtered by, over the whole graph.

    ``cities`` and ``industries`` (each ``id``, ``name``, ``count`` of nodes, most
    first), ``years`` (the earliest and latest year any node or edge records) and
    ``evidence`` (each kind and its number of edges).
    """
    city, industry = ex.places()
    out: dict[str, Any] = {
        "cities": _counted(ex, city),
        "industries": _counted(ex, industry),
    }
    years = [ex.since, ex.until]
    evidence: dict[str, int] = {}
    for etype in EDGE_TYPES:
        df = ex.G.edges[etype]
        if not len(df):
            continue
        for col in ("since", "until"):
            if col in df.columns:
                years.append(pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float))
        for kind, count in df["evidence"].astype(str).value_counts().items():
            evidence[str(kind)] = evidence.get(str(kind), 0) + int(count)
    known = np.concatenate(years)
    known = known[~np.isnan(known)]
    out["years"] = {
        "min": int(known.min()) if len(known) else None,
        "max": int(known.max()) if len(known) else None,
    }
    order = [k for k in EVIDENCE if k in evidence] + sorted(set(evidence) - set(EVIDENCE))
    out["evidence"] = [{"name": k, "count": evidence[k]} for k in order]
    return out


def _counted(ex: Explorer, where: np.ndarray) -> list[dict[str, Any]]:
    """The positions ``where`` points to, each with how many nodes point to it."""
    counts = np.bincount(where[where >= 0], minlength=ex.n)
    found = np.flatnonzero(counts)
    order = sorted(found.tolist(), key=lambda p: (-int(counts[p]), str(ex.names[p]), p))
    return [
        {"id": str(ex.ids[p]), "name": str(ex.names[p]), "count": int(counts[p])}
        for p in order[:FACET_VALUES]
    ]


def shortest_path(
    ex: Explorer,
    source: str,
    target: str,
    *,
    max_hops: int = 6,
    types: list[str] | None = None,
) -> dict[str, Any]:
    """A path of the fewest links from ``source`` to ``target``, edges either way.

    Searched from both ends at once, a whole level at a time from the end whose next
    level is cheaper, so a hub on one side does not flood the search.  Of the
    shortest paths, the one through the lowest positions (the first-found parents) is
    returned, the same every time.

    Parameters
    ----------
    ex : Explorer
    source, target : str
        Node ids.
    max_hops : int
        Give up beyond this many links (1 to :data:`MAX_HOPS`).
    types : list of str, optional
        Use only these edge types (default: all).

    Returns
    -------
    dict
        ``path`` (the ids in order), ``hops``, ``nodes`` (their summaries, in order)
        and ``edges`` (one per link, in order).

    Raises
    ------
    NodeNotFound
        An id not in the graph.
    NotFound
        No path at all, or none of at most ``max_hops`` links.
    QueryError
        ``max_hops`` out of range, an unknown edge type.
    """
    if not 1 <= int(max_hops) <= MAX_HOPS:
        raise QueryError(f"max must be between 1 and {MAX_HOPS}, not {max_hops}")
    a, b = ex.position(source), ex.position(target)
    allowed = None
    if types:
        unknown = [t for t in types if t not in EDGE_TYPES]
        if unknown:
            raise QueryError(f"unknown edge type {unknown[0]!r}; known: {', '.join(EDGE_TYPES)}")
        allowed = np.isin(np.arange(len(EDGE_TYPES)), [list(EDGE_TYPES).index(t) for t in types])
    if a == b:
        return _answer(ex, source, target, [a], [])
    sides = [_Side(ex.n, a), _Side(ex.n, b)]
    while sides[0].depth + sides[1].depth < max_hops:
        cost = [int(ex.degree[s.frontier].sum()) for s in sides]
        k = 0 if cost[0] <= cost[1] else 1
        new = sides[k].grow(ex, allowed)
        meet = new[sides[1 - k].parent[new] != -2]
        if len(meet):
            m = int(meet.min())
            head, head_edges = sides[0].walk(m)
            tail, tail_edges = sides[1].walk(m)
            return _answer(ex, source, target, head[::-1] + tail[1:], head_edges[::-1] + tail_edges)
        if not len(new):
            raise NotFound(
                f"no path between {source!r} and {target!r}"
                + (f" over {', '.join(types)} edges" if types else "")
                + ": they are not connected"
            )
    raise NotFound(
        f"no path of at most {max_hops} links between {source!r} and {target!r}"
        + (f" over {', '.join(types)} edges" if types else "")
        + (f"; ask with a larger max (at most {MAX_HOPS})" if max_hops < MAX_HOPS else "")
    )


class _Side:
    """One end of the search: what it reached, through which node and edge."""

    def __init__(self, n: int, start: int) -> None:
        #: the node each reached node was reached from (-1 the start, -2 not reached)
        self.parent = np.full(n, -2, dtype=np.int64)
        self.edge = np.full(n, -1, dtype=np.int64)
        self.parent[start] = -1
        self.frontier = np.array([start], dtype=np.int64)
        self.depth = 0

    def grow(self, ex: Explorer, allowed: np.ndarray | None) -> np.ndarray:
        """Reach one level further; the newly reached nodes, in order of position."""
        f = self.frontier
        lo = ex.indptr[f]
        lens = ex.indptr[f + 1] - lo
        total = int(lens.sum())
        # every adjacency entry of the frontier, in order: owner by owner
        idx = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(total)
        owner = np.repeat(f, lens)
        nbr, eid = ex.nbr[idx], ex.eid[idx]
        keep = self.parent[nbr] == -2
        if allowed is not None:
            keep &= allowed[ex.edge_type[eid]]
        nbr, eid, owner = nbr[keep], eid[keep], owner[keep]
        new, first = np.unique(nbr, return_index=True)
        self.parent[new] = owner[first]
        self.edge[new] = eid[first]
        self.frontier = new
        self.depth += 1
        return new

    def walk(self, node: int) -> tuple[list[int], list[int]]:
        """The nodes from ``node`` back to the start, and the edges between them."""
        nodes, edges = [node], []
        while self.parent[nodes[-1]] >= 0:
            edges.append(int(self.edge[nodes[-1]]))
            nodes.append(int(self.parent[nodes[-1]]))
        return nodes, edges


def _answer(
    ex: Explorer, source: str, target: str, nodes: list[int], edges: list[int]
) -> dict[str, Any]:
    records = {e["key"]: e for e in ex.edge_records(np.array(edges, dtype=np.int64))}
    return {
        "from": source,
        "to": target,
        "hops": len(edges),
        "path": [str(ex.ids[p]) for p in nodes],
        "nodes": ex.summaries(nodes),
        "edges": [records[f"e{e}"] for e in edges],
    }
