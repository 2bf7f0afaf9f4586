"""What the explorer builds as it starts: each node's text and years, the adjacency of
every edge, the id look-up and the search index.

The last three take most of a first start at ten million nodes (the search index alone
about half a minute), so each is kept beside the package (:func:`innokg.queries.kept.kept`),
one version at a time.  Each is keyed by the source of the modules that build it, not
by the whole explorer's: a change to the explorer's pages, routes or questions builds
none of them again, and a change to the search index builds only the search index.
This module is in every key, so it holds only what builds them.
``innokg prepare PACKAGE --explorer`` builds all three ahead of the first start.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...                {"SUPPLIES": [("a", "b")]})
>>> adj = adjacency(G, 2)
>>> adj.indptr.tolist(), adj.nbr.tolist(), adj.out.tolist()
([0, 1, 2], [1, 0], [True, False])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.edge_arrays import ENDS_CODE
from innokg.queries.kept import kept, kept_path
from innokg.serve.adjacency import TypeLists, placed_by_node, sorted_by_node
from innokg.serve.ids import SortedIds
from innokg.serve.search import SearchIndex

__all__ = [
    "ADJACENCY",
    "ID_LOOKUP",
    "KEPT",
    "SEARCH_INDEX",
    "Adjacency",
    "Kept",
    "adjacency",
    "id_lookup",
    "node_column",
    "search_index",
]

#: The libraries whose upgrade may change what is kept (text normalised, sorted, joined).
KEPT_LIBRARIES = ("numpy", "pandas", "pyarrow")


@dataclass(frozen=True)
class Kept:
    """One thing the explorer keeps beside the package.

    ``name`` is its file-name stem, ``what`` what it is, for people, and ``code`` the
    modules whose source, when changed, has it built again."""

    name: str
    what: str
    code: tuple[str, ...]

    def path(self, G: EcosystemGraph) -> Path | None:
        """Where it is kept beside ``G``'s package (None: nothing is kept for ``G``)."""
        return kept_path(G, self.name, {}, code=self.code, libraries=KEPT_LIBRARIES)

    def arrays(
        self,
        G: EcosystemGraph,
        compute: Callable[[], dict[str, np.ndarray]],
        check: Callable[[dict[str, np.ndarray]], bool],
    ) -> dict[str, np.ndarray]:
        """``compute()``'s arrays, read back when kept and ``check`` says they fit.  One
        version is kept, not one per version of the code (the search index is 2.2 GB
        at ten million nodes)."""
        found = kept(
            G,
            self.name,
            {},
            compute,
            check=check,
            what=self.what,
            code=self.code,
            libraries=KEPT_LIBRARIES,
        )
        path = self.path(G)
        try:
            if path is not None and path.is_file():
                for old in path.parent.glob(f"{self.name}-*.npz"):
                    if old != path:
                        old.unlink(missing_ok=True)
        except OSError:
            pass  # a folder that cannot be written to keeps what it has
        return found


# the schema orders the labels, so the nodes' positions, and the edge types
ID_LOOKUP = Kept(
    "explorer-ids",
    "the explorer's id look-up",
    ("innokg.serve.ids", __name__, "innokg.graph.schema"),
)
#: built from the graph's edge ends, so their code is part of its key
ADJACENCY = Kept(
    "explorer-adjacency",
    "the explorer's adjacency",
    ("innokg.serve.adjacency", __name__, *ENDS_CODE),
)
#: its order reads each node's degree, checked against the adjacency's when read back
#: (see :func:`search_index`) rather than keyed by the adjacency's code
SEARCH_INDEX = Kept(
    "search-index", "the search index", ("innokg.serve.search", __name__, "innokg.graph.schema")
)
#: Everything the explorer keeps, for ``innokg prepare --explorer``.
KEPT = (SEARCH_INDEX, ADJACENCY, ID_LOOKUP)


def node_column(G: EcosystemGraph, labels: Sequence[str], name: str) -> pd.Series:
    """A node property over all positions (the labels' tables one after the other), as
    text, missing where a label lacks it."""
    parts = []
    for label in labels:
        df = G.nodes[label]
        if name in df.columns:
            parts.append(df[name].astype("str"))
        else:
            parts.append(pd.Series([None] * len(df), dtype="str"))
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")


def _read_back(
    arrays: dict[str, np.ndarray],
    per_node: str,
    n: int,
    read: Callable[[dict[str, np.ndarray]], Any],
    made: list[Any],
) -> bool:
    """Whether kept ``arrays`` fit a graph of ``n`` nodes (``per_node`` has an entry per
    node and ``read`` takes them); what ``read`` made is appended to ``made``.  A file of
    another shape does not fit: it is built again and replaced."""
    if len(arrays.get(per_node, ())) != n:
        return False
    try:
        made.append(read(arrays))
    except (KeyError, ValueError):
        return False
    return True


def id_lookup(G: EcosystemGraph, ids: pd.Index) -> SortedIds | None:
    """The ids sorted for look-ups, kept beside the package (None: ids that are not all
    short text, looked up in a hash table instead)."""
    made: list[SortedIds | None] = []

    def build() -> dict[str, np.ndarray]:
        made.append(SortedIds.build(ids))
        found = made[-1]
        return found.arrays() if found is not None else {"none": np.ones(1, dtype=bool)}

    def fits(arrays: dict[str, np.ndarray]) -> bool:
        if "none" in arrays:
            made.append(None)
            return True
        return _read_back(arrays, "positions", len(ids), SortedIds.from_arrays, made)

    ID_LOOKUP.arrays(G, build, fits)
    return made[-1]


def search_index(
    G: EcosystemGraph, labels: Sequence[str], ids: pd.Index, degree: np.ndarray
) -> SearchIndex:
    """The search index of every node's name, English name, id and credit and stock
    codes (ranked by ``degree``), kept beside the package once built: at ten million
    nodes building it took 34 s of the explorer's start."""

    def fresh() -> SearchIndex:
        return SearchIndex(
            node_column(G, labels, "name"),
            node_column(G, labels, "name_en"),
            pd.Series(ids).astype("str"),
            node_column(G, labels, "credit_code"),
            node_column(G, labels, "stock_code"),
            degree,
        )

    if SEARCH_INDEX.path(G) is None:
        return fresh()  # not a package's tables as read: nothing to keep
    made: list[SearchIndex] = []

    def build() -> dict[str, np.ndarray]:
        made.append(fresh())
        return made[-1].arrays()

    def fits(arrays: dict[str, np.ndarray]) -> bool:
        order = arrays.get("order", np.zeros(0, dtype=np.int64))
        if len(order) != len(ids) or not _ranked(order, degree):
            return False
        return _read_back(arrays, "order", len(ids), SearchIndex.from_arrays, made)

    SEARCH_INDEX.arrays(G, build, fits)
    return made[-1]


def _ranked(order: np.ndarray, degree: np.ndarray) -> bool:
    """Whether ``order`` is every node once, by decreasing ``degree`` and then position:
    the order :class:`SearchIndex` ranks by (one such order exists).

    >>> degree = np.array([1, 3, 1])
    >>> _ranked(np.array([1, 0, 2]), degree), _ranked(np.array([2, 0, 1]), degree)
    (True, False)
    """
    n = len(degree)
    if order.ndim != 1 or order.dtype.kind not in "iu" or len(order) != n:
        return False
    if n and (order.min() < 0 or order.max() >= n):
        return False
    if n and np.bincount(order, minlength=n).max() > 1:
        return False
    d, pos = degree[order], order
    return bool(np.all((d[:-1] > d[1:]) | ((d[:-1] == d[1:]) & (pos[:-1] < pos[1:]))))


class Adjacency(NamedTuple):
    """Every edge once (its type, its row in that type's table, its two ends) and twice
    grouped by node: node p's entries are ``indptr[p]:indptr[p + 1]`` of ``nbr`` (the
    other end), ``eid`` (the edge) and ``out`` (True when p is the edge's source)."""

    edge_type: np.ndarray  # index in EDGE_TYPES
    edge_row: np.ndarray
    edge_src: np.ndarray
    edge_dst: np.ndarray
    indptr: np.ndarray
    nbr: np.ndarray
    out: np.ndarray
    eid: np.ndarray


def adjacency(G: EcosystemGraph, n: int) -> Adjacency:
    """Every edge of ``G`` (``n`` nodes) twice, out from its source and in to its
    target, grouped by node; the grouping kept beside the package.

    The edges' ends are the graph's (:meth:`~innokg.queries.arrays.GraphArrays.edges`),
    kept with the package: at ten million nodes, looking up the 97 million ends' ids
    again took 24 s of the explorer's start.  Positions and rows are 32-bit where they
    fit (1.4 GB at ten million nodes, against 2.7 GB in 64 bits)."""
    from innokg.queries.arrays import arrays

    A = arrays(G)
    names = [t for t in EDGE_TYPES if len(G.edges[t])]
    total = sum(len(G.edges[t]) for t in names)
    small = np.int32 if max(n, 2 * total) < np.iinfo(np.int32).max else np.int64
    types, rows, src, dst = [], [], [], []
    for etype in names:
        s, d = A.edges(etype)
        types.append(np.full(len(s), list(EDGE_TYPES).index(etype), dtype=np.int8))
        rows.append(A.edge_rows(etype).astype(small))
        src.append(s.astype(small))
        dst.append(d.astype(small))
    cat = lambda parts, dt: np.concatenate(parts) if parts else np.zeros(0, dt)  # noqa: E731
    edge_src, edge_dst = cat(src, small), cat(dst, small)
    m = len(edge_src)

    def by_node() -> dict[str, np.ndarray]:
        listed = [A.listed_by_node(t) for t in names]
        if any(x is None for x in listed):
            return sorted_by_node(edge_src, edge_dst, n, small)
        firsts = np.cumsum([0] + [len(r) for r in rows])[:-1]
        lists = [TypeLists(x, r, int(f)) for x, r, f in zip(listed, rows, firsts, strict=True)]
        return placed_by_node(edge_src, edge_dst, n, small, lists)

    # kept: at ten million nodes, placing the 97 million ends from the lists by node
    # takes 4 to 5 s of the first start (sorting them, 9 to 10 s)
    found = ADJACENCY.arrays(
        G,
        by_node,
        lambda a: len(a.get("indptr", ())) == n + 1 and len(a.get("nbr", ())) == 2 * m,
    )
    return Adjacency(
        cat(types, np.int8),
        cat(rows, small),
        edge_src,
        edge_dst,
        found["indptr"],
        found["nbr"],
        found["out"],
        found["eid"],
    )
