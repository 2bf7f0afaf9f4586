"""Compact integer-indexed arrays of a graph, built once from its tables and cached.

The questions in :mod:`queries` work on positions, not on ids: every node's position
is its place in :attr:`innokg.graph.ecosystem.EcosystemGraph.node_ids` (label by label in
schema order, rows sorted by id), so the nodes of one label occupy one contiguous
span.  From the edge tables this module derives, once per graph:

- the endpoints of every edge type as integer arrays (``pandas`` index look-ups, no
  Python loop over rows);
- scipy CSR matrices for any set of edge types, directed or symmetric;
- the city and the industry of every node that has one, following LOCATED_IN
  (county -> city, zone -> region) and, for nodes without a place of their own, the
  organisation behind them (a maker team's host, a platform's operator, a person's
  organisation);
- masks of what existed in a given year.

Everything is cached on a :class:`GraphArrays` kept per graph object (a weak
reference: it goes when the graph goes).  Build a new graph rather than editing the
tables of one that has been queried, or call :func:`clear_cache`.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...     {"SUPPLIES": [("a", "b")]},
... )
>>> A = arrays(G)
>>> A.index(["b", "a"]).tolist()
[1, 0]
>>> A.adjacency(("SUPPLIES",)).toarray()[:2, :2].tolist()
[[0.0, 1.0], [1.0, 0.0]]
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, ORGANISATIONS

__all__ = [
    "ORGANISATIONS",
    "ORG_EDGES",
    "GraphArrays",
    "Scope",
    "arrays",
    "clear_cache",
    "graph_scope",
    "resolve_city",
    "resolve_industries",
]

#: Edge types of the organisation network (structural holes, brokers, partner baselines).
ORG_EDGES = (
    "SUPPLIES",
    "COLLABORATES_WITH",
    "MEMBER_OF",
    "INVESTS_IN",
    "ESTABLISHED",
    "OPERATES",
    "HOSTS",
)

#: Where a node without a place (or industry) of its own takes it from:
#: (edge type, True when the node is the edge's target).
_INHERIT = (
    ("HOSTS", True),  # a maker team: its host
    ("ESTABLISHED", True),  # a platform, fund or team: who set it up
    ("OPERATES", True),  # a platform: its operator
    ("LEADS", False),  # a person: what they lead
)

_CACHE: weakref.WeakKeyDictionary[EcosystemGraph, GraphArrays] = weakref.WeakKeyDictionary()


def arrays(G: EcosystemGraph) -> GraphArrays:
    """The cached :class:`GraphArrays` of ``G`` (built on first use)."""
    found = _CACHE.get(G)
    if found is None:
        found = GraphArrays(G)
        _CACHE[G] = found
    return found


def clear_cache(G: EcosystemGraph) -> None:
    """Forget the arrays (and cached results) of ``G``, after editing its tables."""
    _CACHE.pop(G, None)


def _year_values(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _first(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct key, the value of its first occurrence."""
    uniq, first = np.unique(keys, return_index=True)
    return uniq, values[first]


class GraphArrays:
    """Integer-indexed views of one graph; see the module docstring.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.  Its node ids must be unique (validated graphs are).
    """

    def __init__(self, G: EcosystemGraph) -> None:
        self.G = G
        self.ids: pd.Index = G.node_ids
        if not self.ids.is_unique:
            raise QueryError("node ids are not unique across labels; validate the tables first")
        self.n = len(self.ids)
        self.label_names: tuple[str, ...] = tuple(NODE_LABELS)
        sizes = [len(G.nodes[label]) for label in self.label_names]
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.spans: dict[str, tuple[int, int]] = {
            label: (int(bounds[i]), int(bounds[i + 1])) for i, label in enumerate(self.label_names)
        }
        self.label_code = np.repeat(np.arange(len(sizes), dtype=np.int8), sizes)
        #: A store for derived results (clusters, places, ...), keyed by the caller.
        self.memo: dict[Hashable, Any] = {}

    # --- positions ------------------------------------------------------------------

    def index(self, ids: Iterable[str] | pd.Series | np.ndarray) -> np.ndarray:
        """Positions of ``ids`` (-1 for ids not in the graph)."""
        values = ids if isinstance(ids, pd.Series | np.ndarray) else list(ids)
        return self.ids.get_indexer(pd.Index(values)).astype(np.int64)

    def position(self, node_id: str) -> int:
        """The position of one node.

        Raises
        ------
        NodeNotFound
        """
        pos = int(self.index([node_id])[0])
        if pos < 0:
            raise NodeNotFound(node_id)
        return pos

    def span(self, label: str) -> np.ndarray:
        """The positions of every node of ``label``."""
        start, stop = self.spans[label]
        return np.arange(start, stop, dtype=np.int64)

    def mask(self, *labels: str) -> np.ndarray:
        """A boolean mask of the nodes with any of ``labels``."""
        out = np.zeros(self.n, dtype=bool)
        for label in labels:
            start, stop = self.spans[label]
            out[start:stop] = True
        return out

    def label(self, pos: int) -> str:
        return self.label_names[int(self.label_code[pos])]

    def column(self, label: str, name: str) -> pd.Series:
        """One column of a node table (positions ``span(label)`` in order)."""
        return self.G.nodes[label][name].reset_index(drop=True)

    def values(self, name: str, *, dtype: str = "float64", fill: Any = np.nan) -> np.ndarray:
        """A node property over all nodes (``fill`` where a label lacks it or it is missing)."""
        key = ("values", name, dtype, repr(fill))
        if key not in self.memo:
            parts = []
            for label in self.label_names:
                df = self.G.nodes[label]
                if name in df.columns:
                    parts.append(df[name].to_numpy(dtype=dtype, na_value=fill))
                else:
                    parts.append(np.full(len(df), fill, dtype=dtype))
            self.memo[key] = np.concatenate(parts) if parts else np.array([], dtype=dtype)
        return self.memo[key]

    @property
    def names(self) -> np.ndarray:
        """Every node's ``name`` (object array, aligned with positions)."""
        return self.values("name", dtype="object", fill="")

    # --- edges ----------------------------------------------------------------------

    def edges(self, etype: str, *, year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Endpoints of the edges of ``etype`` as position arrays ``(src, dst)``.

        With ``year``, only edges that existed that year between nodes that existed.
        """
        src, dst, keep = self._edges(etype, year)
        return src[keep], dst[keep]

    def edge_rows(self, etype: str, *, year: int | None = None) -> np.ndarray:
        """The table rows (``iloc`` positions) kept by :meth:`edges`, in the same order."""
        _, _, keep = self._edges(etype, year)
        return np.flatnonzero(keep)

    def edge_values(
        self, etype: str, name: str, *, year: int | None = None, fill: float = np.nan
    ) -> np.ndarray:
        """A numeric edge property, aligned with :meth:`edges`."""
        df = self.G.edges[etype]
        if name not in df.columns:
            return np.full(len(self.edge_rows(etype, year=year)), fill)
        col = df[name].to_numpy(dtype="float64", na_value=fill)
        return col[self.edge_rows(etype, year=year)]

    def _edges(self, etype: str, year: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        key = ("edges", etype, year)
        if key not in self.memo:
            if year is not None:
                src, dst, keep = self._edges(etype, None)
                alive = self.alive(year)
                keep = keep & _alive(self.G.edges[etype], year)
                keep &= alive[np.maximum(src, 0)] & alive[np.maximum(dst, 0)]
                self.memo[key] = (src, dst, keep)
                return self.memo[key]
            if etype not in EDGE_TYPES:
                raise QueryError(f"unknown edge type {etype!r}; known: {', '.join(EDGE_TYPES)}")
            df = self.G.edges[etype]
            src = self.index(df["from_id"])
            dst = self.index(df["to_id"])
            self.memo[key] = (src, dst, (src >= 0) & (dst >= 0))
        return self.memo[key]

    def alive(self, year: int | None) -> np.ndarray:
        """Mask of the nodes that existed in ``year`` (all nodes for None)."""
        key = ("alive", year)
        if key not in self.memo:
            if year is None:
                self.memo[key] = np.ones(self.n, dtype=bool)
            else:
                self.memo[key] = np.concatenate(
                    [_alive(self.G.nodes[label], year) for label in self.label_names]
                )
        return self.memo[key]

    def matrix(
        self,
        edge_types: Sequence[str],
        *,
        year: int | None = None,
        symmetric: bool = False,
        binary: bool = True,
        weight: str | None = None,
    ) -> sp.csr_array:
        """An n x n CSR matrix of the edges of ``edge_types``.

        Parameters
        ----------
        edge_types : sequence of str
            Edge types to include.  ``"TYPE^-1"`` reverses a type.
        year : int, optional
            Only what existed that year.
        symmetric : bool
            Add the transpose (an undirected view).
        binary : bool
            1 for every linked pair, however many edges link it.  Otherwise the sum of
            ``weight`` (1 where missing) over parallel edges.
        weight : str, optional
            Edge property used as weight when ``binary`` is false.
        """
        key = ("matrix", tuple(edge_types), year, symmetric, binary, weight)
        if key not in self.memo:
            rows, cols, data = [], [], []
            for spec in edge_types:
                etype, reverse = spec.removesuffix("^-1"), spec.endswith("^-1")
                src, dst = self.edges(etype, year=year)
                if reverse:
                    src, dst = dst, src
                rows.append(src)
                cols.append(dst)
                if binary or weight is None:
                    data.append(np.ones(len(src)))
                else:
                    data.append(np.nan_to_num(self.edge_values(etype, weight, year=year), nan=1.0))
            r = np.concatenate(rows) if rows else np.array([], np.int64)
            c = np.concatenate(cols) if cols else np.array([], np.int64)
            d = np.concatenate(data) if data else np.array([], float)
            if symmetric:
                r, c, d = np.concatenate([r, c]), np.concatenate([c, r]), np.concatenate([d, d])
            m = sp.csr_array((d, (r, c)), shape=(self.n, self.n))
            m.sum_duplicates()
            if binary:
                m.data[:] = 1.0
            self.memo[key] = m
        return self.memo[key]

    def adjacency(self, edge_types: Sequence[str], *, year: int | None = None) -> sp.csr_array:
        """The simple undirected graph of ``edge_types``: symmetric, binary, no self-loops."""
        key = ("adjacency", tuple(edge_types), year)
        if key not in self.memo:
            coo = self.matrix(edge_types, year=year, symmetric=True).tocoo()
            off = coo.row != coo.col
            self.memo[key] = sp.csr_array(
                (coo.data[off], (coo.row[off], coo.col[off])), shape=(self.n, self.n)
            )
        return self.memo[key]

    def igraph(
        self, edge_types: Sequence[str], labels: Sequence[str], *, year: int | None = None
    ) -> tuple[ig.Graph, np.ndarray]:
        """The simple undirected igraph of ``edge_types`` among the nodes of ``labels``.

        Returns the graph and the positions of its vertices (vertex ``i`` is node
        ``nodes[i]``).
        """
        key = ("igraph", tuple(edge_types), tuple(labels), year)
        if key not in self.memo:
            nodes = np.flatnonzero(self.mask(*labels))
            sub = self.adjacency(edge_types, year=year)[nodes][:, nodes]
            upper = sp.triu(sub, k=1).tocoo()
            edges = np.column_stack([upper.row, upper.col]).astype(np.int64)
            g = ig.Graph(n=len(nodes), directed=False)
            g.add_edges(edges)  # much faster than passing the edges to the constructor
            self.memo[key] = (g, nodes)
        return self.memo[key]

    # --- places and industries --------------------------------------------------------

    def city(self) -> np.ndarray:
        """The position of each node's city Region (-1 where unknown)."""
        if "city" not in self.memo:
            self.memo["city"] = self._city()
        return self.memo["city"]

    def _inherit(self, out: np.ndarray) -> np.ndarray:
        for _ in range(2):  # a team hosted by a platform set up by an enterprise
            for etype, node_is_target in _INHERIT:
                src, dst = self.edges(etype)
                child, parent = (dst, src) if node_is_target else (src, dst)
                ok = (out[child] < 0) & (out[parent] >= 0)
                if ok.any():
                    keys, vals = _first(child[ok], out[parent[ok]])
                    out[keys] = vals
        return out

    def _city(self) -> np.ndarray:
        out = np.full(self.n, -1, dtype=np.int64)
        start, stop = self.spans["Region"]
        level = self.column("Region", "level").to_numpy(dtype=object, na_value="")
        region = np.arange(start, stop)
        out[region[level == "city"]] = region[level == "city"]
        src, dst = self.edges("LOCATED_IN")
        is_region = self.label_code == self.label_names.index("Region")
        up = is_region[src] & is_region[dst]
        for _ in range(3):  # county -> city, and deeper divisions
            ok = up & (out[src] < 0) & (out[dst] >= 0)
            if not ok.any():
                break
            keys, vals = _first(src[ok], out[dst[ok]])
            out[keys] = vals
        zone = self.label_code == self.label_names.index("Zone")
        for target_ok in (is_region, zone):  # regions first, then zones (a zone has a city)
            ok = ~is_region[src] & target_ok[dst] & (out[src] < 0) & (out[dst] >= 0)
            if ok.any():
                keys, vals = _first(src[ok], out[dst[ok]])
                out[keys] = vals
        return self._inherit(out)

    def industry(self) -> np.ndarray:
        """The position of each node's first-listed Industry (-1 where unknown)."""
        if "industry" not in self.memo:
            out = np.full(self.n, -1, dtype=np.int64)
            src, dst = self.edges("IN_INDUSTRY")
            if len(src):
                keys, vals = _first(src, dst)
                out[keys] = vals
            self.memo["industry"] = self._inherit(out)
        return self.memo["industry"]

    def in_city(self, city: int | None) -> np.ndarray:
        """Mask of nodes in ``city`` (a Region position); all nodes for None."""
        if city is None:
            return np.ones(self.n, dtype=bool)
        return self.city() == city

    def in_industries(self, industries: np.ndarray | None) -> np.ndarray:
        """Mask of nodes in any of ``industries`` (positions); all nodes for None."""
        if industries is None:
            return np.ones(self.n, dtype=bool)
        out = np.isin(self.industry(), industries)
        src, dst = self.edges("IN_INDUSTRY")
        out[src[np.isin(dst, industries)]] = True
        return out


def _alive(df: pd.DataFrame, year: int) -> np.ndarray:
    """Rows of a node or edge table that existed in ``year``."""
    since = _year_values(df["since"]) if "since" in df.columns else np.full(len(df), np.nan)
    until = _year_values(df["until"]) if "until" in df.columns else np.full(len(df), np.nan)
    return ~(since > year) & ~(until < year)


def _norm(text: str) -> str:
    return str(text).strip().casefold()


def resolve_city(G: EcosystemGraph, city: str | None) -> int | None:
    """The position of the city Region named by ``city``.

    Accepts a region id (``region:4101``), a division code (``4101``), a Chinese name
    with or without 市 (``郑州市``, ``郑州``) or an English name (``Zhengzhou``).

    Raises
    ------
    QueryError
        When nothing (or more than one city) matches; the message lists cities.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}]})
    >>> resolve_city(G, "郑州") == resolve_city(G, "region:4101") == 0
    True
    """
    if city is None:
        return None
    A = arrays(G)
    df = G.nodes["Region"].reset_index(drop=True)
    want = _norm(city)
    cols = {
        "id": df["id"],
        "code": df.get("code", pd.Series([None] * len(df))),
        "name": df["name"],
        "name_en": df.get("name_en", pd.Series([None] * len(df))),
    }
    hit = np.zeros(len(df), dtype=bool)
    for name, col in cols.items():
        text = col.astype("string").fillna("").map(_norm).to_numpy(dtype=object)
        hit |= text == want
        if name == "name":
            hit |= np.array([t.removesuffix("市") == want.removesuffix("市") for t in text], bool)
    level = df["level"].astype("string").fillna("").to_numpy(dtype=object)
    cities = df.loc[level == "city", "name"].astype(str).tolist()
    found = np.flatnonzero(hit)
    if len(found) == 0:
        shown = "、".join(cities[:20]) + ("…" if len(cities) > 20 else "")
        raise QueryError(
            f"no city named {city!r} in this graph; give a city's name (e.g. 郑州 or 郑州市), "
            f"its code or its region id. Cities here: {shown or 'none'}"
        )
    pos = A.spans["Region"][0] + found
    city_pos = np.unique(A.city()[pos])
    city_pos = city_pos[city_pos >= 0]
    if len(city_pos) != 1 or level[found[0]] != "city":
        names = ", ".join(str(df["name"].iloc[i]) for i in found[:5])
        raise QueryError(
            f"{city!r} names {names}, not exactly one city; give a prefecture-level city "
            "(e.g. 郑州市) or its region id"
        )
    return int(city_pos[0])


def resolve_industries(G: EcosystemGraph, industry: str | None) -> np.ndarray | None:
    """Positions of the Industry named by ``industry`` and of every class under it.

    Accepts an id (``industry:gbt4754:C36``), a code (``C36``), a Chinese or English
    name.  Narrower classes come from SUBCLASS_OF, so ``C`` means all manufacturing.

    Raises
    ------
    QueryError
        When no industry matches.
    """
    if industry is None:
        return None
    A = arrays(G)
    df = G.nodes["Industry"].reset_index(drop=True)
    want = _norm(industry)
    hit = np.zeros(len(df), dtype=bool)
    for name in ("id", "code", "name", "name_en"):
        if name in df.columns:
            hit |= (df[name].astype("string").fillna("").map(_norm) == want).to_numpy(bool)
    if not hit.any():
        codes = ", ".join(df["code"].astype(str).head(12)) if len(df) else "none"
        raise QueryError(
            f"no industry {industry!r} in this graph; give an industry id, code or name "
            f"(codes here include {codes})"
        )
    start = A.spans["Industry"][0]
    chosen = set((start + np.flatnonzero(hit)).tolist())
    src, dst = A.edges("SUBCLASS_OF")
    while True:  # add narrower classes until nothing new
        more = set(src[np.isin(dst, list(chosen))].tolist()) - chosen
        if not more:
            break
        chosen |= more
    return np.array(sorted(chosen), dtype=np.int64)


# --- the province a graph is about ---------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The province a graph is about, and which nodes lie in it."""

    region: int  # position of the province Region
    name: str  # its Chinese name (河南省)
    name_en: str  # its English name (Henan)
    inside: np.ndarray  # bool per node: located (through any chain of LOCATED_IN) in it


def graph_scope(G: EcosystemGraph) -> Scope | None:
    """The province the graph is about, or None.

    A graph has a scope when it has one province-level Region (or several, one of which
    the manifest's ``scope`` names) and some enterprise is located in it, through any
    chain of LOCATED_IN (firm -> county -> city -> province, firm -> zone -> ...).  The
    real Henan build has one: Henan's firms and their chain neighbours of other
    provinces, which are located nowhere in the graph.
    """
    A = arrays(G)
    key = ("partners-scope",)
    if key in A.memo:
        return A.memo[key]
    A.memo[key] = None
    start, stop = A.spans["Region"]
    level = A.column("Region", "level").to_numpy(dtype=object, na_value="")
    provinces = np.flatnonzero(level == "province")
    if len(provinces) == 0:
        return None
    names = A.column("Region", "name").astype("string").fillna("").to_numpy(dtype=object)
    names_en = (
        A.column("Region", "name_en").astype("string").fillna("").to_numpy(dtype=object)
        if "name_en" in G.nodes["Region"].columns
        else np.full(stop - start, "", dtype=object)
    )
    manifest = getattr(G, "manifest", None) or {}
    wanted = str(manifest.get("scope") or "").strip().lower()
    region_id = str(manifest.get("scope_region") or "")
    ids = A.column("Region", "id").astype("string").fillna("").to_numpy(dtype=object)
    if region_id and region_id in set(ids[provinces]):
        provinces = np.array([i for i in provinces if ids[i] == region_id])
    elif len(provinces) > 1:
        hit = [
            i
            for i in provinces
            if wanted
            and (str(names_en[i]).lower().startswith(wanted) or str(names[i]).startswith(wanted))
        ]
        if len(hit) != 1:
            return None
        provinces = np.array(hit)
    i = int(provinces[0])
    region = start + i
    inside = np.zeros(A.n, dtype=bool)
    inside[region] = True
    src, dst = A.edges("LOCATED_IN")
    for _ in range(6):  # firm -> zone -> county -> city -> province
        grow = inside[dst] & ~inside[src]
        if not grow.any():
            break
        inside[src[grow]] = True
    city = A.city()  # teams, platforms, ... placed through their host
    inside |= (city >= 0) & inside[np.maximum(city, 0)]
    if not (inside & A.mask("Enterprise")).any():
        return None
    name_en = str(names_en[i]) or (wanted.title() if wanted else "") or str(names[i])
    A.memo[key] = Scope(region, str(names[i]), name_en, inside)
    return A.memo[key]
