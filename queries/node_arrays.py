"""The nodes of one graph as positions (:class:`NodeArrays`): ids to positions and
back, each label's span, node properties as arrays, and what existed in a given year.

The first layer of :class:`~innokg.queries.graph_arrays.GraphArrays`, the class to use
(:func:`innokg.queries.arrays.arrays` keeps one per graph and documents how positions
are laid out); ids are looked up by :mod:`innokg.queries.id_index`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.schema import NODE_LABELS
from innokg.queries.id_index import IdIndex
from innokg.queries.kept import kept
from innokg.queries.sets import distinct

__all__ = ["NodeArrays", "rows_alive"]


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


def rows_alive(df: pd.DataFrame, year: int) -> np.ndarray:
    """Rows of a node or edge table that existed in ``year``."""
    since = _year_values(df["since"]) if "since" in df.columns else np.full(len(df), np.nan)
    until = _year_values(df["until"]) if "until" in df.columns else np.full(len(df), np.nan)
    return ~(since > year) & ~(until < year)


class NodeArrays:
    """The positions of one graph's nodes and their properties: the first layer of
    :class:`~innokg.queries.graph_arrays.GraphArrays`, built from a graph as it is (the
    same parameter, the same error when two nodes share an id)."""

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
        >>> NodeArrays(G).index(["b", "x", "a"]).tolist()
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
        >>> NodeArrays(G).id_text(np.array([1, 0, 1])).to_pylist()
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
        >>> NodeArrays(G).position("b")
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
        >>> NodeArrays(G).span("Region").tolist()
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
        >>> NodeArrays(G).mask("Region").tolist()
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
        >>> NodeArrays(G).label(1)
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
        >>> NodeArrays(G).column("Enterprise", "name").tolist()
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
        >>> NodeArrays(G).values("since").tolist()
        [2010.0, nan]
        >>> NodeArrays(G).values("size", dtype="object", fill="").tolist()
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
        >>> NodeArrays(G).isin("size", ["large", "medium"]).tolist()
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
        >>> NodeArrays(G).values_at("level", np.array([1, 0]), dtype="object", fill="").tolist()
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
        >>> NodeArrays(G).names_at(np.array([1, 1, 0])).tolist()
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
        >>> NodeArrays(G).names.tolist()
        ['甲', '乙']
        """
        return self.values("name", dtype="object", fill="")

    # --- years ----------------------------------------------------------------------

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
        >>> A = NodeArrays(G)
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
        >>> NodeArrays(G).alive(2008).tolist(), NodeArrays(G).alive(None).tolist()
        ([False, False], [True, True])
        """
        year = self.as_of(year)
        key = ("alive", year)
        if key not in self.memo:
            if year is None:
                self.memo[key] = np.ones(self.n, dtype=bool)
            else:  # as rows_alive, over the since and until read once for every year
                since, until = self.values("since"), self.values("until")
                self.memo[key] = ~(since > year) & ~(until < year)
        return self.memo[key]
