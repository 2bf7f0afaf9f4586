"""The integer-indexed views of one graph (:class:`GraphArrays`): positions, edges,
matrices, places and industries.

Built once per graph and kept by :func:`innokg.queries.arrays.arrays`, which documents
how positions are laid out; ids are looked up by :mod:`innokg.queries.id_index`.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.id_index import IdIndex
from innokg.queries.kept import kept, kept_path, kept_result
from innokg.queries.sets import distinct
from innokg.queries.sparse_rows import ranges

__all__ = ["GraphArrays"]

#: Where a node without a place (or industry) of its own takes it from:
#: (edge type, True when the node is the edge's target).
_INHERIT = (
    ("HOSTS", True),  # a maker team: its host
    ("ESTABLISHED", True),  # a platform, fund or team: who set it up
    ("OPERATES", True),  # a platform: its operator
    ("LEADS", False),  # a person: what they lead
)


def _listed_by_node(src: np.ndarray, dst: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Each end of the edges in sorted order (``from``, ``to``) and the edge of each
    (``from-edge``, ``to-edge``); ends in the narrowest width that holds ``n`` nodes."""
    small = np.int32 if n < np.iinfo(np.int32).max else np.int64
    edge_small = np.int32 if len(src) < np.iinfo(np.int32).max else np.int64
    out = {}
    for end, a in (("from", src), ("to", dst)):
        order = np.argsort(a, kind="stable")
        out[end] = a[order].astype(small)
        out[f"{end}-edge"] = order.astype(edge_small)
    return out


def _lists_fit(edges: int, found: dict[str, np.ndarray]) -> bool:
    """Whether lists by node read back hold ``edges`` edges each way."""
    return all(len(found.get(k, ())) == edges for k in ("from", "to", "from-edge", "to-edge"))


def _node_ends(a: np.ndarray, b: np.ndarray, hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The kept ends ``a[hit]``, ``b[hit]`` as int64, without the edges one of whose
    ends is no node of the graph (kept as -1)."""
    hit = hit[(a[hit] >= 0) & (b[hit] >= 0)]
    return a[hit].astype(np.int64), b[hit].astype(np.int64)


def _by_node_name(etype: str) -> str:
    """The kept name of an edge type's lists by node (letters, digits and dashes)."""
    return "by-node-" + etype.lower().replace("_", "-")


#: The modules whose source decides the edge ends' positions (for what is kept).
_ENDS_CODE = ("innokg.queries.graph_arrays", "innokg.queries.id_index", "innokg.graph.schema")


def _year_values(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _year_bounds(G: EcosystemGraph) -> tuple[float, float]:
    """The latest ``since`` and the earliest ``until`` over every node and edge table
    (NaN where none is recorded), the years read as the masks read them: a year between
    the two leaves nothing out.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> text = pd.DataFrame({"since": ["2010", "999", None]})  # numbers, not text order
    >>> _year_bounds(SimpleNamespace(nodes={"Enterprise": text}, edges={}))
    (2010.0, nan)
    """

    def bound(col: pd.Series, latest: bool) -> float:
        if not pd.api.types.is_numeric_dtype(col.dtype):  # as _year_values reads it
            values = _year_values(col)
            values = values[~np.isnan(values)]
            return float(values.max() if latest else values.min()) if len(values) else np.nan
        found = col.max() if latest else col.min()
        return float(found) if pd.notna(found) else np.nan

    tables = [*G.nodes.values(), *G.edges.values()]
    since = [bound(df["since"], True) for df in tables if "since" in df.columns]
    until = [bound(df["until"], False) for df in tables if "until" in df.columns]
    since, until = [x for x in since if not np.isnan(x)], [x for x in until if not np.isnan(x)]
    return max(since, default=np.nan), min(until, default=np.nan)


def _first(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct key, the value of its first occurrence."""
    uniq, first = np.unique(keys, return_index=True)
    return uniq, values[first]


class GraphArrays:
    """Integer-indexed views of one graph; see :mod:`innokg.queries.arrays`.

    Use :func:`innokg.queries.arrays.arrays` for the cached instance of a graph rather
    than building one.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.  Its node ids must be unique (validated graphs are).

    Raises
    ------
    QueryError
        When two nodes share an id.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
    >>> A = GraphArrays(G)
    >>> A.n, A.spans["Enterprise"], A.ids.tolist()
    (2, (0, 2), ['a', 'b'])
    """

    def __init__(self, G: EcosystemGraph) -> None:
        self.G = G
        self.ids: pd.Index = G.node_ids
        self._lookup = IdIndex(self.ids)
        self.n = len(self.ids)
        # kept: sorting ten million ids to check them took 1.7 s in every command
        checked = kept(G, "ids-unique", {}, lambda: {"unique": np.array([self._lookup.unique()])})
        if not checked["unique"].all():
            raise QueryError("node ids are not unique across labels; validate the tables first")
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
        """Positions of ``ids`` (-1 for ids not in the graph).

        Parameters
        ----------
        ids : iterable of str, Series or array
            Node ids; missing values and unknown ids give -1.

        Returns
        -------
        numpy.ndarray
            int64 positions, aligned with ``ids``.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).index(["b", "x", "a"]).tolist()
        [1, -1, 0]
        """
        return self._lookup.positions(ids)

    def id_text(self, at: np.ndarray) -> pa.Array:
        """The ids of the nodes at positions ``at`` as Arrow text (``large_string``),
        taken from the ids' own Arrow column where there is one: indexing the pandas
        Index of ten million ids took half a second the first time.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).id_text(np.array([1, 0, 1])).to_pylist()
        ['b', 'a', 'b']
        """
        strings = self._lookup.strings
        at = np.asarray(at, dtype=np.int64)
        if strings is None or not len(at):
            return pa.array(np.asarray(self.ids[at].astype(str), dtype=object), pa.large_string())
        # each chunk's own rows taken from it: a take from the whole column joins its
        # chunks first, a copy of every id for a few of them
        starts = np.cumsum([0] + [len(c) for c in strings.chunks])
        chunk = np.searchsorted(starts, at, side="right") - 1
        order = np.argsort(chunk, kind="stable")
        parts = [
            strings.chunks[j].take(pa.array(at[order][chunk[order] == j] - starts[j]))
            for j in distinct(chunk)
        ]
        taken = pa.concat_arrays([p.cast(pa.large_string()) for p in parts])
        back = np.empty(len(at), dtype=np.int64)
        back[order] = np.arange(len(at))
        return taken.take(pa.array(back))  # in the order asked

    def position(self, node_id: str) -> int:
        """The position of one node.

        Parameters
        ----------
        node_id : str
            The node's id.

        Raises
        ------
        NodeNotFound
            When no node has that id.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).position("b")
        1
        """
        pos = int(self.index([node_id])[0])
        if pos < 0:
            raise NodeNotFound(node_id)
        return pos

    def span(self, label: str) -> np.ndarray:
        """The positions of every node of ``label``.

        Parameters
        ----------
        label : str
            A node label of the schema.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}],
        ...                 "Region": [{"id": "r", "name": "郑州市", "level": "city"}]})
        >>> GraphArrays(G).span("Region").tolist()
        [1]
        """
        start, stop = self.spans[label]
        return np.arange(start, stop, dtype=np.int64)

    def mask(self, *labels: str) -> np.ndarray:
        """A boolean mask of the nodes with any of ``labels``.

        Parameters
        ----------
        *labels : str
            Node labels of the schema.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}],
        ...                 "Region": [{"id": "r", "name": "郑州市", "level": "city"}]})
        >>> GraphArrays(G).mask("Region").tolist()
        [False, True]
        """
        out = np.zeros(self.n, dtype=bool)
        for label in labels:
            start, stop = self.spans[label]
            out[start:stop] = True
        return out

    def label(self, pos: int) -> str:
        """The label of the node at ``pos``.

        Parameters
        ----------
        pos : int
            A node position.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}],
        ...                 "Region": [{"id": "r", "name": "郑州市", "level": "city"}]})
        >>> GraphArrays(G).label(1)
        'Region'
        """
        return self.label_names[int(self.label_code[pos])]

    def column(self, label: str, name: str) -> pd.Series:
        """One column of a node table (positions ``span(label)`` in order).

        Parameters
        ----------
        label : str
            A node label.
        name : str
            A column of its table.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).column("Enterprise", "name").tolist()
        ['甲', '乙']
        """
        return self.G.nodes[label][name].reset_index(drop=True)

    def values(self, name: str, *, dtype: str = "float64", fill: Any = np.nan) -> np.ndarray:
        """A node property over all nodes (``fill`` where a label lacks it or it is missing).

        Parameters
        ----------
        name : str
            The property (column) name.
        dtype : str
            The array's type (``"object"`` for text).
        fill : object
            The value where a node has none.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲", "since": 2010},
        ...                                {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).values("since").tolist()
        [2010.0, nan]
        >>> GraphArrays(G).values("size", dtype="object", fill="").tolist()
        ['', '']
        """
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

    def isin(self, name: str, values: Sequence[str]) -> np.ndarray:
        """Whether each node's ``name`` is one of ``values`` (False where its label lacks
        the property or the node has none), compared where the column is stored, with
        no Python string per node: at ten million nodes, turning a text column into
        Python strings for :func:`numpy.isin` took a second.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲", "size": "large"},
        ...                                {"id": "b", "name": "乙"}],
        ...                 "Region": [{"id": "r", "name": "郑州市", "level": "city"}]})
        >>> GraphArrays(G).isin("size", ["large", "medium"]).tolist()
        [True, False, False]
        """
        out = np.zeros(self.n, dtype=bool)
        for label in self.label_names:
            df = self.G.nodes[label]
            if name in df.columns:
                start, stop = self.spans[label]
                out[start:stop] = df[name].isin(list(values)).to_numpy(dtype=bool)
        return out

    def values_at(
        self, name: str, pos: np.ndarray, *, dtype: str = "float64", fill: Any = np.nan
    ) -> np.ndarray:
        """``values(name, dtype=dtype, fill=fill)[pos]``, converting only the rows at
        ``pos`` unless the whole column is converted already (a few names of a large
        graph: about 0.2 s saved per column at 1M).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}],
        ...                 "Region": [{"id": "r", "name": "郑州市", "level": "city"}]})
        >>> GraphArrays(G).values_at("level", np.array([1, 0]), dtype="object", fill="").tolist()
        ['city', '']
        """
        key = ("values", name, dtype, repr(fill))
        pos = np.asarray(pos, dtype=np.int64)
        if key in self.memo:
            found: np.ndarray = self.memo[key][pos]
            return found
        out = np.full(len(pos), fill, dtype=dtype)
        codes = self.label_code[pos]
        for code in distinct(codes):
            label = self.label_names[int(code)]
            df = self.G.nodes[label]
            if name in df.columns:
                sel = np.flatnonzero(codes == code)
                local = pos[sel] - self.spans[label][0]
                out[sel] = df[name].iloc[local].to_numpy(dtype=dtype, na_value=fill)
        return out

    def names_at(self, pos: np.ndarray) -> np.ndarray:
        """``names[pos]``, converting only the names at ``pos`` unless every node's is
        converted already (:meth:`values_at`): a cluster profile shows a few thousand
        names, and every node's took 2.3 s at ten million nodes.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).names_at(np.array([1, 1, 0])).tolist()
        ['乙', '乙', '甲']
        """
        return self.values_at("name", pos, dtype="object", fill="")

    @property
    def names(self) -> np.ndarray:
        """Every node's ``name`` (object array, aligned with positions).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
        >>> GraphArrays(G).names.tolist()
        ['甲', '乙']
        """
        return self.values("name", dtype="object", fill="")

    # --- edges ----------------------------------------------------------------------

    def edges(self, etype: str, *, year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Endpoints of the edges of ``etype`` as position arrays ``(src, dst)``.

        With ``year``, only edges that existed that year between nodes that existed.
        Edges whose ends are not nodes of the graph are left out.

        Parameters
        ----------
        etype : str
            An edge type of the schema.
        year : int, optional
            Only what existed that year.

        Raises
        ------
        QueryError
            For an unknown edge type.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
        ...                     {"id": "c", "name": "丙"}]},
        ...     {"SUPPLIES": [("a", "b"), ("c", "b", {"since": 2020})]},
        ... )
        >>> [x.tolist() for x in GraphArrays(G).edges("SUPPLIES")]
        [[0, 2], [1, 1]]
        >>> [x.tolist() for x in GraphArrays(G).edges("SUPPLIES", year=2018)]
        [[0], [1]]
        """
        year = self.as_of(year)
        src, dst, keep = self._edges(etype, year)
        every = ("edges-every", etype, year)
        if every not in self.memo:
            self.memo[every] = bool(keep.all())
        if not self.memo[every]:
            return src[keep], dst[keep]
        # every edge kept (ends resolved, alive): the memoised arrays themselves, read
        # only, not a copy of five million positions for each caller
        ends = src.view(), dst.view()
        for x in ends:
            x.flags.writeable = False
        return ends

    def edges_at(
        self, etype: str, rows: np.ndarray, *, year: int | None = None, backwards: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The edges of :meth:`edges` that leave one of ``rows`` (sorted, distinct
        positions; that reach one, walked ``backwards``), as (that node, the other
        end), int64, in no particular order.

        One firm's walks look at a few nodes' edges.  With the edges listed by node
        (:meth:`keep_edges_by_node`, kept by ``innokg prepare``) each node's are found
        by binary search; otherwise every edge of the type is looked at once, in the
        kept ends as they are (widening every edge's ends to look took longer than the
        look itself).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
        ...                     {"id": "c", "name": "丙"}]},
        ...     {"SUPPLIES": [("a", "b"), ("c", "b"), ("b", "a")]},
        ... )
        >>> [x.tolist() for x in GraphArrays(G).edges_at("SUPPLIES", np.array([1]), backwards=True)]
        [[1, 1], [0, 2]]
        """
        year = self.as_of(year)
        ends = self._kept_ends() if year is None else None
        index = self._by_node(etype) if year is None else None
        if ends is not None and index is not None:
            end = "to" if backwards else "from"
            at = index[end]
            wanted = np.asarray(rows).astype(at.dtype)  # searched in the index's width
            lo = np.searchsorted(at, wanted, "left")
            take = ranges(lo, np.searchsorted(at, wanted, "right") - lo)
            other = ends[etype][0 if backwards else 1][index[f"{end}-edge"][take]]
            ok = other >= 0  # an end that is no node is -1
            return at[take][ok].astype(np.int64), other[ok].astype(np.int64)
        want = np.zeros(self.n, dtype=bool)
        want[rows] = True
        narrow = self._narrow_ends(etype, year)
        if narrow is not None:
            a, b = narrow[::-1] if backwards else narrow
            return _node_ends(a, b, np.flatnonzero(want[a]))
        src, dst = self.edges(etype, year=year)
        a, b = (dst, src) if backwards else (src, dst)
        hit = np.flatnonzero(want[a])
        return a[hit], b[hit]

    def edges_marked(
        self, etype: str, marked: np.ndarray, *, year: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The edges of :meth:`edges` whose table row ``marked`` holds (one bool per
        row of the edge table), as (from, to), int64, in edge order.

        Read from the kept ends as they are when the type was not asked for whole
        before: a few marked edges (the guessed ones) do not need every edge's ends
        widened and every kept row listed.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        ...     {"SUPPLIES": [("a", "b"), ("b", "a")]},
        ... )
        >>> [x.tolist() for x in GraphArrays(G).edges_marked("SUPPLIES", np.array([False, True]))]
        [[1], [0]]
        """
        narrow = self._narrow_ends(etype, year)
        if narrow is not None:
            return _node_ends(*narrow, np.flatnonzero(marked))
        src, dst = self.edges(etype, year=year)
        on = marked[self.edge_rows(etype, year=year)]
        return src[on], dst[on]

    def keep_edges_by_node(self) -> list[str]:
        """List every edge type's edges by node, both ways, and keep the lists beside
        the package (the edge types listed; none when the graph keeps nothing).

        A list is each edge's end in sorted order and the edge it belongs to (8 bytes
        an edge each way); :meth:`edges_at` then finds a node's edges by binary search
        rather than look at every edge of the type: at ten million nodes one firm's
        partners looked at every edge of a type some forty times, 4 s in all.
        """
        done = []
        ends = self._kept_ends()
        for etype in EDGE_TYPES:
            if ends is None or etype not in ends:
                continue
            src, dst = ends[etype]
            found = kept(
                self.G,
                _by_node_name(etype),
                {},
                functools.partial(_listed_by_node, src, dst, self.n),
                code=_ENDS_CODE,
                check=functools.partial(_lists_fit, len(src)),
            )
            self.memo[("by-node", etype)] = found
            done.append(etype)
        return done

    def _by_node(self, etype: str) -> dict[str, np.ndarray] | None:
        """The edges of ``etype`` listed by node when kept (:meth:`keep_edges_by_node`),
        else None: a command does not sort every edge to look at a few nodes."""
        key = ("by-node", etype)
        if key not in self.memo:
            ends = self._kept_ends()
            found = None
            if ends is not None and etype in ends:
                found = kept_result(self.G, _by_node_name(etype), {}, code=_ENDS_CODE)
                if found is not None and not _lists_fit(len(ends[etype][0]), found):
                    found = None
            self.memo[key] = found
        index: dict[str, np.ndarray] | None = self.memo[key]
        return index

    def edge_count(self, etype: str, *, year: int | None = None) -> int:
        """How many edges :meth:`edges` gives, counted in the kept ends as they are
        when not asked for before (widening a type's ends costs a pass over them).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        ...     {"SUPPLIES": [("a", "b"), ("b", "a", {"since": 2020})]},
        ... )
        >>> GraphArrays(G).edge_count("SUPPLIES"), GraphArrays(G).edge_count("SUPPLIES", year=2018)
        (2, 1)
        """
        narrow = self._narrow_ends(etype, year)
        if narrow is not None:
            src, dst = narrow  # counted, not taken: an end that is no node is -1
            return int(np.count_nonzero((src >= 0) & (dst >= 0)))
        return len(self.edges(etype, year=year)[0])

    def _narrow_ends(self, etype: str, year: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        """The kept ends of ``etype`` as kept (int32 below two billion nodes, -1 for an
        end that is no node), when :meth:`edges` would give them all (``year`` None) and
        they were not widened yet; else None.  A look at a few of them costs less than
        widening every one first."""
        if self.as_of(year) is not None or ("edges", etype, None) in self.memo:
            return None
        ends = self._kept_ends()
        return ends[etype] if ends is not None and etype in ends else None

    def edge_rows(self, etype: str, *, year: int | None = None) -> np.ndarray:
        """The table rows (``iloc`` positions) kept by :meth:`edges`, in the same order.

        Parameters
        ----------
        etype : str
            An edge type of the schema.
        year : int, optional
            Only what existed that year.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        ...     {"SUPPLIES": [("a", "b", {"since": 2020}), ("b", "a")]},
        ... )
        >>> GraphArrays(G).edge_rows("SUPPLIES", year=2018).tolist()
        [1]
        """
        _, _, keep = self._edges(etype, year)
        return np.flatnonzero(keep)

    def edge_values(
        self, etype: str, name: str, *, year: int | None = None, fill: float = np.nan
    ) -> np.ndarray:
        """A numeric edge property, aligned with :meth:`edges`.

        Parameters
        ----------
        etype : str
            An edge type of the schema.
        name : str
            The property (column) name.
        year : int, optional
            Only what existed that year.
        fill : float
            The value where an edge has none (or its type lacks the property).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        ...     {"SUPPLIES": [("a", "b", {"weight": 2.5}), ("b", "a")]},
        ... )
        >>> GraphArrays(G).edge_values("SUPPLIES", "weight", fill=1.0).tolist()
        [2.5, 1.0]
        """
        df = self.G.edges[etype]
        if name not in df.columns:
            return np.full(len(self.edge_rows(etype, year=year)), fill)
        col = df[name].to_numpy(dtype="float64", na_value=fill)
        return col[self.edge_rows(etype, year=year)]

    def _edges(self, etype: str, year: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        year = self.as_of(year)
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
            ends = self._kept_ends()
            if ends is not None and etype in ends:
                # widened when first asked for (a command reads a few of the types);
                # the wide copy replaces the kept one
                src, dst = (x.astype(np.int64, copy=False) for x in ends[etype])
                ends[etype] = (src, dst)
            else:
                src, dst = self._lookup.edge_ends(self.G.edges, etype)
            self.memo[key] = (src, dst, (src >= 0) & (dst >= 0))
        return self.memo[key]

    def _kept_ends(self) -> dict[str, tuple[np.ndarray, np.ndarray]] | None:
        """Every edge type's end positions, kept beside the package (None: the graph
        keeps nothing, and each type is looked up when first asked for).

        Looking up five million edge ends among a million ids costs about a second at
        the 1M benchmark, in every command; read back, the positions cost milliseconds.
        """
        if "kept-ends" not in self.memo:
            types = [t for t in EDGE_TYPES if t in self.G.edges]
            if kept_path(self.G, "ends", {}, code=_ENDS_CODE) is None or not types:
                self.memo["kept-ends"] = None
                return None
            small = np.int32 if self.n < np.iinfo(np.int32).max else np.int64

            def compute() -> dict[str, np.ndarray]:
                out = {}
                for t in types:
                    src, dst = self._lookup.edge_ends(self.G.edges, t)
                    out[f"{t}-from"], out[f"{t}-to"] = src.astype(small), dst.astype(small)
                return out

            def fits(found: dict[str, np.ndarray]) -> bool:
                return all(
                    len(found.get(f"{t}-{end}", ())) == len(self.G.edges[t])
                    for t in types
                    for end in ("from", "to")
                )

            found = kept(self.G, "ends", {}, compute, code=_ENDS_CODE, check=fits)
            # as kept (int32 below two billion nodes): each type is widened to int64 by
            # _edges when first asked for (all at once took 2 s at ten million nodes)
            self.memo["kept-ends"] = {t: (found[f"{t}-from"], found[f"{t}-to"]) for t in types}
        ends: dict[str, tuple[np.ndarray, np.ndarray]] | None = self.memo["kept-ends"]
        return ends

    def as_of(self, year: int | None) -> int | None:
        """``year``, or None when it leaves nothing out: every node and edge of the
        graph existed in it (no ``since`` later, no ``until`` earlier), so the graph
        as of ``year`` is the whole graph.

        The arrays, matrices and kept results as of such a year are those of every
        year, and are computed and kept once under None: in the demo and in real Henan
        the latest year, which the brief answers as of, is such a year.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲", "since": 2010},
        ...                                {"id": "b", "name": "乙", "until": 2020}]})
        >>> A = GraphArrays(G)
        >>> A.as_of(2009), A.as_of(2010), A.as_of(2020), A.as_of(2021), A.as_of(None)
        (2009, None, None, 2021, None)
        """
        if year is None:
            return None
        bounds = self.memo.get("year-bounds")
        if bounds is None:
            bounds = self.memo["year-bounds"] = _year_bounds(self.G)
        latest_since, earliest_until = bounds
        return year if latest_since > year or earliest_until < year else None

    def alive(self, year: int | None) -> np.ndarray:
        """Mask of the nodes that existed in ``year`` (all nodes for None).

        A node exists from its ``since`` to its ``until``, either open when missing.

        Parameters
        ----------
        year : int or None
            The year.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲", "since": 2010},
        ...                                {"id": "b", "name": "乙", "until": 2005}]})
        >>> GraphArrays(G).alive(2008).tolist(), GraphArrays(G).alive(None).tolist()
        ([False, False], [True, True])
        """
        year = self.as_of(year)
        key = ("alive", year)
        if key not in self.memo:
            if year is None:
                self.memo[key] = np.ones(self.n, dtype=bool)
            else:  # as _alive, over the since and until read once for every year
                since, until = self.values("since"), self.values("until")
                self.memo[key] = ~(since > year) & ~(until < year)
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

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        ...     {"SUPPLIES": [("a", "b", {"weight": 2.0}), ("a", "b", {"weight": 3.0})]},
        ... )
        >>> A = GraphArrays(G)
        >>> A.matrix(("SUPPLIES",)).toarray().tolist()
        [[0.0, 1.0], [0.0, 0.0]]
        >>> A.matrix(("SUPPLIES^-1",), binary=False, weight="weight").toarray().tolist()
        [[0.0, 0.0], [5.0, 0.0]]
        """
        year = self.as_of(year)
        key = self.matrix_key(
            edge_types, year=year, symmetric=symmetric, binary=binary, weight=weight
        )
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

    def matrix_key(
        self,
        edge_types: Sequence[str],
        *,
        year: int | None = None,
        symmetric: bool = False,
        binary: bool = True,
        weight: str | None = None,
    ) -> tuple[object, ...]:
        """The memo key :meth:`matrix` keeps that matrix under (whether it is built
        already decides, elsewhere, between it and a few of its rows)."""
        return ("matrix", tuple(edge_types), self.as_of(year), symmetric, binary, weight)

    def adjacency(self, edge_types: Sequence[str], *, year: int | None = None) -> sp.csr_array:
        """The simple undirected graph of ``edge_types``: symmetric, binary, no self-loops.

        Parameters
        ----------
        edge_types : sequence of str
            Edge types to include.
        year : int, optional
            Only what existed that year.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        ...     {"SUPPLIES": [("a", "b"), ("b", "a")]},
        ... )
        >>> GraphArrays(G).adjacency(("SUPPLIES",)).toarray().tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        year = self.as_of(year)
        key = ("adjacency", tuple(edge_types), year)
        if key not in self.memo:
            coo = self.matrix(edge_types, year=year, symmetric=True).tocoo()
            off = coo.row != coo.col
            self.memo[key] = sp.csr_array(
                (coo.data[off], (coo.row[off], coo.col[off])), shape=(self.n, self.n)
            )
        return self.memo[key]

    # --- places and industries --------------------------------------------------------

    def city(self) -> np.ndarray:
        """The position of each node's city Region (-1 where unknown).

        A node takes the city it is located in, through counties and zones; a node
        without a place of its own takes its organisation's (a maker team its host, a
        platform its operator, a person what they lead).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
        ...      "MakerTeam": [{"id": "t", "name": "团队"}],
        ...      "Region": [{"id": "4101", "name": "郑州市", "level": "city"},
        ...                 {"id": "410102", "name": "中原区", "level": "county"}]},
        ...     {"LOCATED_IN": [("a", "410102"), ("410102", "4101")], "HOSTS": [("a", "t")]},
        ... )
        >>> GraphArrays(G).city().tolist()  # a, b, t, 郑州市, 中原区
        [3, -1, 3, 3, 3]
        """
        if "city" not in self.memo:
            # kept: the passes over every node and LOCATED_IN link took 2.5 s at ten
            # million nodes, in every command that asks where things are
            found = kept(
                self.G,
                "city",
                {},
                lambda: {"city": self._city()},
                code=_ENDS_CODE,
                check=lambda found: len(found["city"]) == self.n,
            )
            self.memo["city"] = found["city"]
        city: np.ndarray = self.memo["city"]
        return city

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
        """The position of each node's first-listed Industry (-1 where unknown).

        Nodes without an industry of their own take their organisation's, as in
        :meth:`city`.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
        ...      "Industry": [{"id": "c36", "name": "汽车制造业", "code": "C36"}]},
        ...     {"IN_INDUSTRY": [("b", "c36")]},
        ... )
        >>> GraphArrays(G).industry().tolist()
        [-1, 2, -1]
        """
        if "industry" not in self.memo:
            out = np.full(self.n, -1, dtype=np.int64)
            src, dst = self.edges("IN_INDUSTRY")
            if len(src):
                keys, vals = _first(src, dst)
                out[keys] = vals
            self.memo["industry"] = self._inherit(out)
        return self.memo["industry"]

    def in_city(self, city: int | None) -> np.ndarray:
        """Mask of nodes in ``city`` (a Region position); all nodes for None.

        Parameters
        ----------
        city : int or None
            The position of a city Region (see :func:`resolve_city`).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
        ...      "Region": [{"id": "zz", "name": "郑州市", "level": "city"}]},
        ...     {"LOCATED_IN": [("b", "zz")]},
        ... )
        >>> GraphArrays(G).in_city(2).tolist()
        [False, True, True]
        """
        if city is None:
            return np.ones(self.n, dtype=bool)
        return self.city() == city

    def in_industries(self, industries: np.ndarray | None) -> np.ndarray:
        """Mask of nodes in any of ``industries`` (positions); all nodes for None.

        A node is in an industry when it is its :meth:`industry` or when any of its
        IN_INDUSTRY edges points there.

        Parameters
        ----------
        industries : numpy.ndarray or None
            Industry positions (see :func:`resolve_industries`).

        Examples
        --------
        >>> import numpy as np
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
        ...      "Industry": [{"id": "c36", "name": "汽车制造业", "code": "C36"},
        ...                   {"id": "c38", "name": "电气机械", "code": "C38"}]},
        ...     {"IN_INDUSTRY": [("a", "c36"), ("a", "c38"), ("b", "c36")]},
        ... )
        >>> GraphArrays(G).in_industries(np.array([3])).tolist()
        [True, False, False, False]
        """
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
