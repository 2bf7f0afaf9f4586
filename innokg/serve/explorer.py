"""What the explorer serves, as plain Python: search, nodes, neighbours, questions, Cypher.

:class:`Explorer` holds one graph package open, read-only: its tables
(:class:`innokg.graph.ecosystem.EcosystemGraph`), an adjacency of every edge in both
directions (integer arrays, built once from the edge tables), a
:class:`innokg.serve.search.SearchIndex` and the package's embedded database for
Cypher.  Its methods return JSON-ready dicts; :mod:`innokg.serve.routes` puts them
on HTTP.  It is made of parts: this module (the graph, search, nodes, neighbours,
edges, tables), :class:`~innokg.serve.questions.Questions` (clusters, gaps,
partners, indicators and the city map, computed by the public functions of
:mod:`innokg.queries` on first use and kept), :class:`~innokg.serve.cypher.Cypher`
and :mod:`innokg.serve.navigate` (facets, shortest paths); what it builds as it starts,
and keeps beside the package, is built by :mod:`innokg.serve.startup`.

Examples
--------
>>> from innokg.graph.testing import make_graph
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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.package import DATABASE_FILE
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.sets import distinct
from innokg.serve import startup
from innokg.serve.cypher import Cypher
from innokg.serve.limits import CYPHER_SECONDS, LIMITS, NotFound, NotReady
from innokg.serve.questions import Questions
from innokg.serve.take import take_records

__all__ = [
    "CYPHER_SECONDS",
    "LIMITS",
    "Explorer",
    "NotFound",
    "NotReady",
    "keep_explorer",
    "table_file",
]


class Explorer(Questions, Cypher):
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
        n = len(self.ids)
        self.n = n
        self._sorted_ids = startup.id_lookup(G, self.ids)
        self._positions: pd.Index | None = None
        if self._sorted_ids is None:  # ids that are not all short text
            # look-ups in an object index: pandas converts an Arrow-backed one at every call
            self._positions = pd.Index(np.asarray(self.ids, dtype=object), dtype=object)
            self._positions.get_indexer([""])  # its hash table, now rather than at a request
        self.labels = tuple(NODE_LABELS)
        sizes = [len(G.nodes[label]) for label in self.labels]
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.start = {label: int(bounds[i]) for i, label in enumerate(self.labels)}
        self.label_code = np.repeat(np.arange(len(sizes), dtype=np.int8), sizes)
        self.names = _Names(startup.node_column(G, self.labels, "name"))
        #: each node's years (NaN where unknown), for the page's year filter
        self.since = _node_years(G, self.labels, "since")
        self.until = _node_years(G, self.labels, "until")
        #: per edge: its type (index in EDGE_TYPES), its row in that type's table, its
        #: ends; per node p, its entries ``indptr[p]:indptr[p + 1]`` of ``nbr`` (the
        #: other end), ``eid`` (the edge) and ``out`` (True when p is the source)
        adj = startup.adjacency(G, n)
        self.edge_type, self.edge_row = adj.edge_type, adj.edge_row
        self.edge_src, self.edge_dst = adj.edge_src, adj.edge_dst
        self.indptr, self.nbr, self.out, self.eid = adj.indptr, adj.nbr, adj.out, adj.eid
        self.degree = np.diff(self.indptr)
        self.index = startup.search_index(G, self.labels, self.ids, self.degree)
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

    # --- small helpers ----------------------------------------------------------------

    def lookup(self, ids: Any) -> np.ndarray:
        """Positions of ``ids`` (-1 for ids not in the graph)."""
        values = ids.to_numpy(dtype=object) if isinstance(ids, pd.Series) else list(ids)
        if self._positions is None:
            return self._sorted_ids.positions(values)  # type: ignore[union-attr]
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
        """Compute what colours, filters and node pages use (cities, industries, clusters).

        On a large graph the clusters are computed by a child process and read back
        (:mod:`innokg.serve.apart`): in this process, Leiden would hold up every request
        until it is done."""
        from innokg.queries.clusters import cluster_labels
        from innokg.serve import apart

        self.places()
        with self._lock("cluster_labels"):
            if self.n >= apart.APART_NODES:
                apart.keep_clusters_apart(self.G)  # if it cannot, they are computed here
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
            size = startup.node_column(self.G, self.labels, "size")
            self._cache["size"] = size.fillna("").to_numpy(dtype=object)
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
        eids = distinct(eids)
        types = self.edge_type[eids]
        for t in distinct(types).tolist():
            these = eids[types == t]
            df = self.G.edges[etypes[t]]
            props = [c for c in df.columns if c not in ("from_id", "to_id")]
            records = take_records(df, self.edge_row[these], props)
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
        pos = distinct(pos[pos >= 0])
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


# --- module helpers -------------------------------------------------------------------


def keep_explorer(package: str | Path) -> bool:
    """Build what the explorer's first start on ``package`` builds (the search index,
    the id look-up and the adjacency) and keep it beside the package, for
    ``innokg prepare --explorer``; whether all three are kept (not when the package's
    folder cannot be written, or keeping is off)."""
    G = EcosystemGraph.open(package)
    Explorer(G).close()
    paths = [part.path(G) for part in startup.KEPT]
    return all(p is not None and p.is_file() for p in paths)


def _node_years(G: EcosystemGraph, labels: Sequence[str], name: str) -> np.ndarray:
    """A year property (``since``, ``until``) over all positions, NaN where unknown."""
    parts = [
        pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if name in df.columns
        else np.full(len(df), np.nan)
        for df in (G.nodes[label] for label in labels)
    ]
    return np.concatenate(parts) if parts else np.zeros(0)


class _Names:
    """Each node's name by position ("" where it has none), read from one Arrow array:
    at ten million nodes, ten million Python strings held 0.8 GB more.

    >>> names = _Names(pd.Series(["甲", None], dtype="str"))
    >>> names[0], names[1], len(names)
    ('甲', '', 2)
    """

    def __init__(self, column: pd.Series) -> None:
        import pyarrow as pa

        array = pa.array(column.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        self._array = array.fill_null("")

    def __getitem__(self, pos: int) -> str:
        text: str = self._array[int(pos)].as_py()
        return text

    def __len__(self) -> int:
        return len(self._array)


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
