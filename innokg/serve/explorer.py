"""What the explorer serves, as plain Python: search, nodes, neighbours, questions, Cypher.

:class:`Explorer` holds one graph package open, read-only: its tables
(:class:`innokg.graph.ecosystem.EcosystemGraph`), an adjacency of every edge in both
directions (integer arrays, built once from the edge tables), a
:class:`innokg.serve.search.SearchIndex` and the package's embedded database for
Cypher.  Its methods return JSON-ready dicts; :mod:`innokg.serve.app` puts them on
HTTP.  The questions' tables (clusters, gaps, partners, indicators) are computed by
the public functions of :mod:`innokg.queries` on first use and kept.

Examples
--------
>>> from tests.factory import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...     {"SUPPLIES": [("a", "b", {"product": "钢材"})]},
... )
>>> ex = Explorer(G)
>>> [n["id"] for n in ex.search("甲")["results"]]
['a']
>>> page = ex.neighbours("a")
>>> [(e["from"], e["type"], e["to"]) for e in page["edges"]], page["more"]
([('a', 'SUPPLIES', 'b')], 0)
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError, NodeNotFound, QueryError
from innokg.graph.package import DATABASE_FILE
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.graph.stores.embedded import EmbeddedStore
from innokg.serve.search import SearchIndex

__all__ = ["CYPHER_SECONDS", "LIMITS", "Explorer", "NotFound", "NotReady", "table_file"]

#: Caps on what one request returns.
LIMITS = {
    "search": 50,  # results of one search
    "neighbours": 500,  # neighbours in one page
    "edges_nodes": 3000,  # nodes whose edges among them one request may ask for
    "edges": 20000,  # edges one request returns
    "cluster_nodes": 400,  # members drawn in a cluster view
    "table_rows": 5000,  # rows of a table as JSON (CSV and Excel carry all)
    "cypher_rows": 5000,  # rows of a Cypher result
    "cypher_graph": 1000,  # nodes of a Cypher result drawn as a graph
}

#: Seconds a Cypher query may run before the database stops it.
CYPHER_SECONDS = 10.0

_PARTNER_KINDS = (
    "enterprise-institute",
    "enterprise-enterprise",
    "fund-team",
    "fund-enterprise",
    "enterprise-alliance",
)
_INDICATOR_BY = ("province", "city", "industry", "year")


class NotReady(InnokgError):
    """The package lacks what a request needs (its embedded database, for Cypher)."""


class NotFound(InnokgError):
    """A request names something the graph does not hold (a cluster id)."""


class Explorer:
    """One graph, read-only, as the explorer's API sees it.

    Parameters
    ----------
    G : EcosystemGraph
        The graph (``EcosystemGraph.open(package)``).
    database : path, optional
        The embedded database for Cypher; by default the package's own, when it has
        one.  Without one, Cypher requests get a clear error.
    cypher_seconds : float
        How long one Cypher query may run.
    """

    def __init__(
        self,
        G: EcosystemGraph,
        *,
        database: str | Path | None = None,
        cypher_seconds: float = CYPHER_SECONDS,
    ) -> None:
        self.G = G
        self.ids: pd.Index = G.node_ids
        # look-ups in an object index: pandas converts an Arrow-backed one at every call
        self._positions = pd.Index(np.asarray(self.ids, dtype=object), dtype=object)
        self._positions.get_indexer([""])  # its hash table, now rather than at a request
        n = len(self.ids)
        self.n = n
        self.labels = tuple(NODE_LABELS)
        sizes = [len(G.nodes[label]) for label in self.labels]
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.start = {label: int(bounds[i]) for i, label in enumerate(self.labels)}
        self.label_code = np.repeat(np.arange(len(sizes), dtype=np.int8), sizes)
        name = self._column("name")
        self.names = name.fillna("").to_numpy(dtype=object)
        #: each node's years (NaN where unknown), for the page's year filter
        self.since = self._years("since")
        self.until = self._years("until")
        self._adjacency()
        self.index = SearchIndex(
            name,
            self._column("name_en"),
            pd.Series(self.ids).astype("str"),
            self._column("credit_code"),
            self._column("stock_code"),
            self.degree,
        )
        if database is None and G.path is not None and (G.path / DATABASE_FILE).exists():
            database = G.path / DATABASE_FILE
        self.database = Path(database) if database is not None else None
        self.cypher_seconds = cypher_seconds
        self._store: Any = None
        self._store_lock = threading.Lock()
        self._cache: dict[Any, Any] = {}
        self._locks: dict[Any, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._city: np.ndarray | None = None
        self._industry: np.ndarray | None = None
        self._cluster: np.ndarray | None = None

    # --- building -------------------------------------------------------------------

    def _column(self, name: str) -> pd.Series:
        """A node property over all positions, as text (missing where a label lacks it)."""
        parts = []
        for label in self.labels:
            df = self.G.nodes[label]
            if name in df.columns:
                parts.append(df[name].astype("str"))
            else:
                parts.append(pd.Series([None] * len(df), dtype="str"))
        return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")

    def _years(self, name: str) -> np.ndarray:
        parts = [
            pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            if name in df.columns
            else np.full(len(df), np.nan)
            for df in (self.G.nodes[label] for label in self.labels)
        ]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _adjacency(self) -> None:
        """Every edge twice (out from its source, in to its target), grouped by node."""
        import pyarrow as pa
        import pyarrow.compute as pc

        # every endpoint looked up at once, in Arrow: pandas took five times as long
        names = [t for t in EDGE_TYPES if len(self.G.edges[t])]
        ends = [_arrow(self.G.edges[t][c]) for t in names for c in ("from_id", "to_id")]
        ids = [_arrow(self.G.nodes[label]["id"]) for label in self.labels]
        if ends:
            found = pc.index_in(pa.concat_arrays(ends), value_set=pa.concat_arrays(ids))
            pos = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            pos = np.zeros(0, dtype=np.int64)
        types, rows, src, dst = [], [], [], []
        at = 0
        for etype in names:
            m = len(self.G.edges[etype])
            s, d = pos[at : at + m], pos[at + m : at + 2 * m]
            at += 2 * m
            ok = (s >= 0) & (d >= 0)
            types.append(np.full(int(ok.sum()), list(EDGE_TYPES).index(etype), dtype=np.int8))
            rows.append(np.flatnonzero(ok).astype(np.int64))
            src.append(s[ok])
            dst.append(d[ok])
        cat = lambda parts, dt: np.concatenate(parts) if parts else np.zeros(0, dt)  # noqa: E731
        #: per edge: its type (index in EDGE_TYPES), its row in that type's table, endpoints
        self.edge_type = cat(types, np.int8)
        self.edge_row = cat(rows, np.int64)
        self.edge_src = cat(src, np.int64)
        self.edge_dst = cat(dst, np.int64)
        m = len(self.edge_type)
        key = np.concatenate([self.edge_src, self.edge_dst])
        order = np.argsort(key, kind="stable")
        #: entries of node p: ``indptr[p]:indptr[p + 1]`` of ``nbr`` (the other end),
        #: ``eid`` (the edge) and ``out`` (True when p is the edge's source)
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(key, minlength=self.n))])
        self.nbr = np.concatenate([self.edge_dst, self.edge_src])[order]
        self.eid = np.concatenate([np.arange(m), np.arange(m)])[order]
        self.out = order < m
        self.degree = np.diff(self.indptr)

    # --- small helpers ----------------------------------------------------------------

    def lookup(self, ids: Any) -> np.ndarray:
        """Positions of ``ids`` (-1 for ids not in the graph)."""
        values = ids.to_numpy(dtype=object) if isinstance(ids, pd.Series) else list(ids)
        return self._positions.get_indexer(pd.Index(values, dtype=object)).astype(np.int64)

    def position(self, node_id: str) -> int:
        pos = int(self.lookup([node_id])[0])
        if pos < 0:
            raise NodeNotFound(node_id)
        return pos

    def label(self, pos: int) -> str:
        return self.labels[int(self.label_code[pos])]

    def _row(self, pos: int) -> dict[str, Any]:
        label = self.label(pos)
        rec = self.G.nodes[label].iloc[pos - self.start[label]].to_dict()
        return {k: _plain(v) for k, v in rec.items() if not _missing(v)}

    def cities(self) -> np.ndarray | None:
        """Each node's city (a Region position, -1 unknown), once the warm-up computed it."""
        return self._city

    def clusters(self) -> np.ndarray | None:
        """Each node's supply cluster (-1 none), once the warm-up computed it."""
        return self._cluster

    def places(self) -> tuple[np.ndarray, np.ndarray]:
        """Each node's city and industry (positions, -1 unknown), computed once."""
        from innokg.queries.arrays import arrays

        with self._lock("arrays"):
            if self._city is None or self._industry is None:
                found = arrays(self.G)
                self._industry = found.industry()
                self._city = found.city()
        return self._city, self._industry

    def warm_up(self) -> None:
        """Compute what colours, filters and node pages use (cities, industries, clusters)."""
        from innokg.queries.clusters import cluster_labels

        self.places()
        with self._lock("cluster_labels"):
            self._cluster = cluster_labels(self.G)

    def summaries(self, positions: Iterable[int]) -> list[dict[str, Any]]:
        """What the page draws and filters of each node: id, label, name, city,
        industry, cluster, degree, and its size class and years where known."""
        pos = np.fromiter(positions, dtype=np.int64)
        city, industry, cluster = self._city, self._industry, self._cluster
        size = self._size_class()
        out = []
        for p in pos.tolist():
            c = int(city[p]) if city is not None else -1
            i = int(industry[p]) if industry is not None else -1
            item: dict[str, Any] = {
                "id": str(self.ids[p]),
                "label": self.label(p),
                "name": str(self.names[p]),
                "degree": int(self.degree[p]),
                "city": str(self.names[c]) if c >= 0 else None,
                "industry": str(self.names[i]) if i >= 0 else None,
                "cluster": int(cluster[p]) if cluster is not None and cluster[p] >= 0 else None,
            }
            if size[p]:
                item["size"] = size[p]
            for key, years in (("since", self.since), ("until", self.until)):
                if not math.isnan(years[p]):
                    item[key] = int(years[p])
            out.append(item)
        return out

    def summaries_of(self, node_ids: list[str]) -> list[dict[str, Any]]:
        """:meth:`summaries` of nodes by id (unknown ids are left out)."""
        if len(node_ids) > LIMITS["edges_nodes"]:
            raise QueryError(
                f"{len(node_ids):,} nodes; ask for at most {LIMITS['edges_nodes']:,} at once"
            )
        pos = self.lookup([str(i) for i in node_ids])
        return self.summaries(pos[pos >= 0].tolist())

    def _size_class(self) -> np.ndarray:
        if "size" not in self._cache:
            self._cache["size"] = self._column("size").fillna("").to_numpy(dtype=object)
        return self._cache["size"]

    def _lock(self, key: Any) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(key, threading.Lock())

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key in self._cache:
            return self._cache[key]
        with self._lock(key):  # one computation per key, however many ask at once
            if key not in self._cache:
                self._cache[key] = compute()
        return self._cache[key]

    # --- the API --------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """The package (title, counts, whether synthetic) and the schema's names."""
        from innokg.viz import EDGE_COLOURS, LABEL_STYLE

        m = self.G.manifest
        return {
            "title": str(m.get("title") or (self.G.path.name if self.G.path else "graph")),
            "synthetic": bool(m.get("synthetic")),
            "built_at": m.get("built_at"),
            "schema_version": m.get("schema_version"),
            "nodes": int(self.n),
            "edges": len(self.edge_type),
            "cypher": self.database is not None,
            "labels": [
                {
                    "name": label,
                    "zh": spec.zh,
                    "en": spec.en,
                    "count": len(self.G.nodes[label]),
                    "colour": LABEL_STYLE.get(label, ("#888888", "dot"))[0],
                }
                for label, spec in NODE_LABELS.items()
            ],
            "edge_types": [
                {
                    "name": etype,
                    "zh": spec.zh,
                    "en": spec.en,
                    "count": len(self.G.edges[etype]),
                    "colour": EDGE_COLOURS.get(etype, "#999999"),
                }
                for etype, spec in EDGE_TYPES.items()
            ],
            "ready": {
                "cities": self._city is not None and self._industry is not None,
                "clusters": self._cluster is not None,
            },
            "limits": LIMITS,
        }

    def search(self, q: str, *, limit: int = 20, label: str | None = None) -> dict[str, Any]:
        """Nodes whose name, initials, English name, id or codes match ``q``."""
        limit = max(1, min(int(limit), LIMITS["search"]))
        if label is not None and label not in NODE_LABELS:
            raise QueryError(f"unknown label {label!r}; known: {', '.join(NODE_LABELS)}")
        want = limit if label is None else min(limit * 20, 1000)
        hits = self.index.search(q, limit=want)
        if label is not None:
            code = self.labels.index(label)
            hits = [h for h in hits if self.label_code[h.pos] == code]
        hits = hits[:limit]
        results = self.summaries(h.pos for h in hits)
        for item, hit in zip(results, hits, strict=True):
            item["match"] = ("exact", "prefix", "contains")[hit.rank]
        return {"query": q, "results": results}

    def node(self, node_id: str) -> dict[str, Any]:
        """One node: its properties, provenance and neighbours counted by type."""
        pos = self.position(node_id)
        label = self.label(pos)
        props = self._row(pos)
        spec = NODE_LABELS[label]
        names = {p.name: {"zh": p.zh, "en": p.en} for p in spec.props}
        item = self.summaries([pos])[0]
        item["properties"] = [
            {
                "name": k,
                "zh": names.get(k, {}).get("zh", k),
                "en": names.get(k, {}).get("en", k),
                "value": v,
            }
            for k, v in props.items()
            if k not in ("source", "since", "until")
        ]
        item["provenance"] = {k: props.get(k) for k in ("source", "since", "until")}
        item["label_zh"], item["label_en"] = spec.zh, spec.en
        item["groups"] = self._groups(pos)
        return item

    def _groups(self, pos: int) -> list[dict[str, Any]]:
        lo, hi = int(self.indptr[pos]), int(self.indptr[pos + 1])
        if hi == lo:
            return []
        t = self.edge_type[self.eid[lo:hi]].astype(np.int64)
        out = self.out[lo:hi].astype(np.int64)
        lab = self.label_code[self.nbr[lo:hi]].astype(np.int64)
        key = (t * 2 + out) * 64 + lab
        keys, counts = np.unique(key, return_counts=True)
        etypes = list(EDGE_TYPES)
        groups = []
        for k, c in zip(keys.tolist(), counts.tolist(), strict=True):
            t_, rest = divmod(k, 128)
            direction, lab_ = divmod(rest, 64)
            groups.append(
                {
                    "type": etypes[t_],
                    "direction": "out" if direction else "in",
                    "label": self.labels[lab_],
                    "count": c,
                }
            )
        return sorted(groups, key=lambda g: -g["count"])

    def neighbours(
        self,
        node_id: str,
        *,
        edge_type: str | None = None,
        label: str | None = None,
        direction: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> dict[str, Any]:
        """A page of a node's neighbours (best connected first) and the edges to them.

        ``total`` counts what the filters keep; ``more`` is how many lie past this page.
        """
        pos = self.position(node_id)
        limit = max(0, min(int(limit), LIMITS["neighbours"]))
        offset = max(0, int(offset))
        lo, hi = int(self.indptr[pos]), int(self.indptr[pos + 1])
        keep = np.ones(hi - lo, dtype=bool)
        if edge_type is not None:
            if edge_type not in EDGE_TYPES:
                raise QueryError(f"unknown edge type {edge_type!r}; known: {', '.join(EDGE_TYPES)}")
            keep &= self.edge_type[self.eid[lo:hi]] == list(EDGE_TYPES).index(edge_type)
        if label is not None:
            if label not in NODE_LABELS:
                raise QueryError(f"unknown label {label!r}; known: {', '.join(NODE_LABELS)}")
            keep &= self.label_code[self.nbr[lo:hi]] == self.labels.index(label)
        if direction is not None:
            if direction not in ("in", "out"):
                raise QueryError(f"direction is 'in' or 'out', not {direction!r}")
            keep &= self.out[lo:hi] == (direction == "out")
        idx = lo + np.flatnonzero(keep)
        nbr = self.nbr[idx]
        # one entry per neighbour: its best-connected first, ties by position
        order = np.lexsort((nbr, -self.degree[nbr]))
        idx, nbr = idx[order], nbr[order]
        first = np.unique(nbr, return_index=True)[1]
        chosen = np.sort(first)
        total = len(chosen)
        page = chosen[offset : offset + limit]
        shown = nbr[page]
        wanted = np.isin(nbr, shown)  # every edge to a shown neighbour, parallel ones too
        edges = self._edges(self.eid[idx[wanted]])
        return {
            "id": node_id,
            "total": int(total),
            "offset": offset,
            "more": int(max(0, total - offset - len(page))),
            "nodes": self.summaries(shown.tolist()),
            "edges": edges,
        }

    def _edge_table(self, t: int) -> Any:
        """An edge type's properties as an Arrow table (a take of a few rows is cheap;
        pandas spent 8 ms per type on it)."""
        key = ("edge_table", t)
        if key not in self._cache:
            import pyarrow as pa

            df = self.G.edges[list(EDGE_TYPES)[t]].drop(columns=["from_id", "to_id"])
            # one chunk: a take from a table of many chunks cost 9 ms at 1M nodes
            self._cache[key] = pa.Table.from_pandas(df, preserve_index=False).combine_chunks()
        return self._cache[key]

    def edge_records(self, eids: np.ndarray) -> list[dict[str, Any]]:
        """Edges (by their number here) as the page draws them; see :meth:`_edges`."""
        return self._edges(eids)

    def facets(self) -> dict[str, Any]:
        """What the canvas can be filtered by (:func:`innokg.serve.navigate.facets`)."""
        from innokg.serve.navigate import facets

        return self._cached("facets", lambda: facets(self))

    def path(
        self, source: str, target: str, *, max_hops: int = 6, types: list[str] | None = None
    ) -> dict[str, Any]:
        """A shortest path (:func:`innokg.serve.navigate.shortest_path`)."""
        from innokg.serve.navigate import shortest_path

        return shortest_path(self, source, target, max_hops=max_hops, types=types)

    def _edges(self, eids: np.ndarray) -> list[dict[str, Any]]:
        """Edges as the page draws them, with their properties (provenance included)."""
        etypes = list(EDGE_TYPES)
        out: list[dict[str, Any]] = []
        eids = np.unique(eids)
        types = self.edge_type[eids]
        for t in np.unique(types).tolist():
            these = eids[types == t]
            records = self._edge_table(t).take(self.edge_row[these]).to_pylist()
            for e, rec in zip(these.tolist(), records, strict=True):
                out.append(
                    {
                        "key": f"e{e}",
                        "type": etypes[t],
                        "from": str(self.ids[self.edge_src[e]]),
                        "to": str(self.ids[self.edge_dst[e]]),
                        "properties": {k: _plain(v) for k, v in rec.items() if not _missing(v)},
                    }
                )
        return out

    def edges_among(self, node_ids: list[str]) -> dict[str, Any]:
        """Every edge between the given nodes (the page's links among what it shows)."""
        if len(node_ids) > LIMITS["edges_nodes"]:
            raise QueryError(
                f"{len(node_ids):,} nodes; ask for the edges among at most "
                f"{LIMITS['edges_nodes']:,} at once"
            )
        pos = self.lookup([str(i) for i in node_ids])
        pos = np.unique(pos[pos >= 0])
        inside = np.zeros(self.n, dtype=bool)
        inside[pos] = True
        lo, hi = self.indptr[pos], self.indptr[pos + 1]
        if len(pos) == 0 or int((hi - lo).sum()) == 0:
            return {"edges": [], "more": 0}
        idx = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)])
        idx = idx[self.out[idx] & inside[self.nbr[idx]]]
        eids = self.eid[idx]
        cap = LIMITS["edges"]
        return {"edges": self._edges(eids[:cap]), "more": int(max(0, len(eids) - cap))}

    # --- the questions -------------------------------------------------------------

    def cluster_table(self) -> pd.DataFrame:
        from innokg.queries.clusters import supply_clusters

        return self._cached("clusters", lambda: supply_clusters(self.G))

    def members(self, cluster: int) -> pd.DataFrame:
        from innokg.queries.clusters import cluster_members

        every = self._cached("members", lambda: cluster_members(self.G))
        if cluster not in set(every["cluster"].tolist()):
            known = sorted(set(every["cluster"].tolist()))
            shown = ", ".join(map(str, known[:20])) + (" ..." if len(known) > 20 else "")
            raise NotFound(f"no cluster {cluster}; the clusters are {shown or 'none'}")
        return every[every["cluster"] == cluster].reset_index(drop=True)

    def cluster_graph(self, cluster: int, *, max_nodes: int | None = None) -> dict[str, Any]:
        """One cluster drawn on its supply backbone, with positions.

        The members kept are, in order: the chain leader, its suppliers inside the
        cluster (tier 1), their suppliers (tier 2), then the others by their number of
        SUPPLIES links inside the cluster; every SUPPLIES edge among those drawn is
        drawn, so the links survive the cut.
        """
        cap = min(int(max_nodes or LIMITS["cluster_nodes"]), LIMITS["cluster_nodes"])
        members = self.members(cluster)
        table = self.cluster_table()
        row = table[table["cluster"] == cluster]
        pos = self.lookup(members["id"].astype(str))
        inside = np.zeros(self.n, dtype=bool)
        inside[pos] = True
        sup = list(EDGE_TYPES).index("SUPPLIES")
        mask = (self.edge_type == sup) & inside[self.edge_src] & inside[self.edge_dst]
        mask &= self.edge_src != self.edge_dst
        e_in = np.flatnonzero(mask)
        s, d = self.edge_src[e_in], self.edge_dst[e_in]
        links = np.bincount(np.concatenate([s, d]), minlength=self.n)
        roles = dict(zip(pos.tolist(), members["role"].astype(str).tolist(), strict=True))
        leader = [p for p, r in roles.items() if r == "chain_leader"]
        tier = np.full(self.n, 99, dtype=np.int64)
        frontier = np.array(leader, dtype=np.int64)
        if len(frontier):
            tier[frontier] = 0
        for depth in (1, 2):  # suppliers of the leader, then theirs
            if not len(frontier):
                break
            up = s[np.isin(d, frontier)]
            up = np.unique(up[tier[up] > depth])
            tier[up] = depth
            frontier = up
        order = sorted(pos.tolist(), key=lambda p: (tier[p], -links[p], p))
        drawn = np.array(order[:cap], dtype=np.int64)
        keep = np.zeros(self.n, dtype=bool)
        keep[drawn] = True
        e_drawn = e_in[keep[s] & keep[d]]
        xy = _layout(drawn, self.edge_src[e_drawn], self.edge_dst[e_drawn])
        nodes = self.summaries(drawn.tolist())
        for item, p, (x, y) in zip(nodes, drawn.tolist(), xy.tolist(), strict=True):
            item.update(
                x=x,
                y=y,
                role=roles.get(p, ""),
                tier=int(tier[p]) if tier[p] < 99 else None,
                inside_links=int(links[p]),
            )
        connected = np.unique(np.concatenate([self.edge_src[e_drawn], self.edge_dst[e_drawn]]))
        return {
            "cluster": int(cluster),
            "profile": _records(row)[0] if len(row) else {},
            "members": len(members),
            "drawn": len(drawn),
            "supplies_inside": len(e_in),
            "supplies_drawn": len(e_drawn),
            "connected_drawn": len(connected),
            "nodes": nodes,
            "edges": self._edges(e_drawn),
        }

    def gaps(self, kind: str | None = None) -> pd.DataFrame:
        from innokg.queries.gaps import GAP_KINDS, collaboration_gaps

        if kind is None:
            return self._cached(("gaps", None), lambda: collaboration_gaps(self.G))
        if kind not in GAP_KINDS:
            raise QueryError(f"unknown gap kind {kind!r}; known: {', '.join(GAP_KINDS)}")
        return self._cached(("gaps", kind), lambda: GAP_KINDS[kind][0](self.G))

    def partners(self, kind: str | None = None, *, k: int = 20) -> pd.DataFrame:
        from innokg.queries.partners import candidate_partners

        if kind is not None and kind not in _PARTNER_KINDS:
            raise QueryError(f"unknown partner kind {kind!r}; known: {', '.join(_PARTNER_KINDS)}")
        k = max(1, min(int(k), 200))
        kinds = [kind] if kind else None
        return self._cached(
            ("partners", kind, k), lambda: candidate_partners(self.G, kinds=kinds, k=k)
        )

    def indicators(self, by: str = "province") -> pd.DataFrame:
        from innokg.queries.indicators import latest_year, policy_indicators

        if by not in _INDICATOR_BY:
            raise QueryError(f"indicators by {by!r}? use one of {', '.join(_INDICATOR_BY)}")
        return self._cached(
            ("indicators", by),
            lambda: policy_indicators(self.G, by=by, year=latest_year(self.G)),  # type: ignore[arg-type]
        )

    def city_map(self, indicator: str, lang: str = "zh") -> str:
        """A city indicator as a map of the province's cities (:mod:`innokg.maps`), SVG."""
        from innokg.maps import indicator_map

        if lang not in ("zh", "en"):
            raise QueryError(f"lang is zh or en, not {lang!r}")
        known = self.indicators("city")["indicator"].astype(str).unique().tolist()
        if indicator not in known:
            raise NotFound(
                f"no city indicator {indicator!r}; the graph's are {', '.join(known) or 'none'}"
            )
        return self._cached(
            ("map", indicator, lang), lambda: indicator_map(self.G, indicator, lang=lang).svg
        )

    def node_questions(self, node_id: str) -> dict[str, Any]:
        """The questions about one node: its cluster and leader, its gaps, partners."""
        from innokg.queries.clusters import cluster_members
        from innokg.queries.partners import candidate_partners

        pos = self.position(node_id)
        out: dict[str, Any] = {"id": node_id, "cluster": None}
        if self.label(pos) == "Enterprise":
            every = self._cached("members", lambda: cluster_members(self.G))
            mine = every[every["id"] == node_id]
            if len(mine):
                c = int(mine["cluster"].iloc[0])
                table = self.cluster_table()
                row = table[table["cluster"] == c]
                profile = _records(row)[0] if len(row) else {}
                out["cluster"] = {
                    "cluster": c,
                    "role": str(mine["role"].iloc[0]),
                    "role_zh": str(mine["role_zh"].iloc[0]),
                    "label": profile.get("label"),
                    "size": profile.get("size"),
                    "leader": profile.get("leader"),
                    "leader_name": profile.get("leader_name"),
                }
        gaps = self.gaps()
        out["gaps"] = self.table(gaps[gaps["entity"].astype(str) == node_id])
        partners = candidate_partners(self.G, node=node_id, k=10)
        out["partners"] = self.table(partners)
        return out

    # --- tables -------------------------------------------------------------------

    def table(self, df: pd.DataFrame, *, limit: int | None = None) -> dict[str, Any]:
        """A table as JSON: columns, rows (at most ``limit``), and which columns hold
        node ids (the page links them)."""
        limit = LIMITS["table_rows"] if limit is None else limit
        head = df.head(limit)
        data = json.loads(
            head.to_json(orient="split", index=False, force_ascii=False, default_handler=str)
        )
        links = []
        for col in head.columns:
            values = head[col]
            if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
                sample = values.dropna().astype(str)
                sample = sample[sample != ""].head(200)
                if len(sample) and (self.lookup(sample) >= 0).all():
                    links.append(str(col))
        return {
            "columns": [str(c) for c in data["columns"]],
            "rows": data["data"],
            "total": len(df),
            "truncated": len(df) > len(head),
            "links": links,
        }

    # --- Cypher -------------------------------------------------------------------

    def _open_store(self) -> Any:
        if self.database is None:
            raise NotReady(
                "this package has no embedded database, so Cypher is unavailable; rebuild "
                "it with `innokg build` (without --no-database) or `innokg demo`"
            )
        if self._store is None:
            self._store = _TimedStore(self.database, self.cypher_seconds)
        return self._store

    def library(self) -> list[dict[str, Any]]:
        """The library's named queries, with the example values that fit this graph."""
        from innokg.queries.library import example_graph, load_library

        which = example_graph(self.G.manifest)
        out = []
        for q in load_library().values():
            out.append(
                {
                    "name": q.name,
                    "title_zh": q.title_zh,
                    "title_en": q.title_en,
                    "description_en": q.description_en,
                    "params": [
                        {"name": p.name, "type": p.type, "required": p.required, "en": p.en}
                        for p in q.params
                    ],
                    "example": _jsonable(q.examples(which)),
                    "text": q.text_for("neo4j"),
                }
            )
        return out

    def cypher(
        self,
        query: str | None = None,
        params: dict[str, Any] | None = None,
        *,
        name: str | None = None,
        limit: int | None = None,
    ) -> tuple[pd.DataFrame, bool]:
        """Run a read-only query (its text, or a library query by ``name``).

        Returns the rows (at most ``limit``) and whether there were more.
        """
        from innokg.queries.library import adapt, get_query, run_query

        cap = min(int(limit or LIMITS["cypher_rows"]), LIMITS["cypher_rows"])
        params = dict(params or {})
        if (query is None) == (name is None):
            raise QueryError("give a query's text or the name of a library query, not both")
        with self._store_lock:  # one query at a time on the one connection
            store = self._open_store()
            try:
                if name is not None:
                    df = run_query(store, get_query(name), params, limit=cap + 1)
                else:
                    df = store.run(adapt(str(query), store.dialect), params, limit=cap + 1)
            except QueryError as exc:
                if "Interrupted" in str(exc):
                    raise QueryError(
                        f"the query ran for more than {self.cypher_seconds:g} s and was "
                        "stopped; narrow its MATCH or add a LIMIT"
                    ) from None
                raise
        return df.head(cap), len(df) > cap

    def cypher_graph(self, df: pd.DataFrame) -> dict[str, Any]:
        """The nodes a result returns (values with an ``id``) and the edges among them."""
        found: dict[str, None] = {}

        def walk(value: Any) -> None:
            if len(found) >= LIMITS["cypher_graph"]:
                return
            if isinstance(value, dict):
                if "_label" in value and "id" in value and value["_label"] in NODE_LABELS:
                    found[str(value["id"])] = None
                for v in value.values():
                    if isinstance(v, dict | list):
                        walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        for value in df.to_numpy().ravel().tolist():
            walk(value)
        if not found:
            return {"nodes": [], "edges": []}
        pos = self.lookup(list(found))
        pos = pos[pos >= 0]
        nodes = self.summaries(pos.tolist())
        return {"nodes": nodes, "edges": self.edges_among([n["id"] for n in nodes])["edges"]}

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


# --- module helpers -------------------------------------------------------------------


class _TimedStore(EmbeddedStore):
    """The package's embedded database, read-only, with a time limit on every query.

    :class:`~innokg.graph.stores.embedded.EmbeddedStore` has no time limit of its own,
    so the limit is set on its connection, and again after each reconnection (the
    store reconnects after a failed query).
    """

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(path, read_only=True)
        self._ms = max(1, int(seconds * 1000))
        self._conn.set_query_timeout(self._ms)

    def _reconnect(self) -> None:
        super()._reconnect()
        self._conn.set_query_timeout(self._ms)


def _layout(nodes: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Positions of ``nodes`` (Fruchterman-Reingold from a circle: the same every time)."""
    import igraph as ig

    n = len(nodes)
    if n == 0:
        return np.zeros((0, 2))
    local = {int(p): i for i, p in enumerate(nodes.tolist())}
    g = ig.Graph(n=n, edges=[(local[int(a)], local[int(b)]) for a, b in zip(src, dst, strict=True)])
    angle = 2 * math.pi * np.arange(n) / max(n, 1)
    seed = np.column_stack([np.cos(angle), np.sin(angle)]) * math.sqrt(n)
    xy = np.array(g.layout_fruchterman_reingold(seed=seed.tolist(), niter=300).coords)
    span = np.ptp(xy, axis=0)
    span[span == 0] = 1
    return np.round((xy - xy.min(axis=0)) / span.max() * 100, 3)


def _arrow(series: pd.Series) -> Any:
    """A column as one Arrow large-string array (the type every part is cast to)."""
    import pyarrow as pa

    array = pa.array(series.astype("str").array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records", force_ascii=False, default_handler=str))


def table_file(df: pd.DataFrame, fmt: str, title: str) -> tuple[bytes, str]:
    """A table as a CSV or Excel file whose cells cannot run as formulas."""
    from innokg.output import render

    if fmt == "csv":
        return ("\ufeff" + render(df, "csv")).encode("utf-8"), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        import tempfile

        from innokg.exports import write_sheets

        # written like every other workbook innokg makes: bold frozen header, filter,
        # widths to fit, ids as text, formulas neutralised
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "table.xlsx"
            write_sheets({title[:31] or "result": df}, path)
            data = path.read_bytes()
        return data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raise QueryError(f"format {fmt!r}? use csv or xlsx")
