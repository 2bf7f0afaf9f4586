"""The edges of one graph as position arrays (:class:`EdgeArrays`): each edge type's
ends (read from what is kept beside the package where there is), a few nodes' edges
found by binary search in the edges listed by node, and edge properties aligned with
the ends.

The second layer of :class:`~innokg.queries.graph_arrays.GraphArrays`, the class to use.
"""

from __future__ import annotations

import functools

import numpy as np

from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.kept import kept, kept_path, kept_result
from innokg.queries.node_arrays import NodeArrays, rows_alive
from innokg.queries.sparse_rows import ranges

__all__ = ["ENDS_CODE", "EdgeArrays"]

#: The modules whose source decides the edge ends' positions (for what is kept).
ENDS_CODE = (
    "innokg.queries.node_arrays",
    "innokg.queries.edge_arrays",
    "innokg.queries.id_index",
    "innokg.graph.schema",
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


class EdgeArrays(NodeArrays):
    """The edges of one graph as positions: the second layer of
    :class:`~innokg.queries.graph_arrays.GraphArrays`, over its nodes' positions."""

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
        >>> [x.tolist() for x in EdgeArrays(G).edges("SUPPLIES")]
        [[0, 2], [1, 1]]
        >>> [x.tolist() for x in EdgeArrays(G).edges("SUPPLIES", year=2018)]
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
        >>> [x.tolist() for x in EdgeArrays(G).edges_at("SUPPLIES", np.array([1]), backwards=True)]
        [[1, 1], [0, 2]]
        """
        year = self.as_of(year)
        ends = self._kept_ends() if year is None else None
        index = self.listed_by_node(etype) if year is None else None
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
        >>> [x.tolist() for x in EdgeArrays(G).edges_marked("SUPPLIES", np.array([False, True]))]
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
                code=ENDS_CODE,
                check=functools.partial(_lists_fit, len(src)),
            )
            self.memo[("by-node", etype)] = found
            done.append(etype)
        return done

    def listed_by_node(self, etype: str) -> dict[str, np.ndarray] | None:
        """The edges of ``etype`` listed by node when kept (:meth:`keep_edges_by_node`),
        else None: a command does not sort every edge to look at a few nodes.

        Each way (``from``, ``to``): every edge's end in sorted order (-1 first, for an
        end that is no node) and, under ``from-edge`` and ``to-edge``, its row in the
        edge table, rows in ascending order within a node."""
        key = ("by-node", etype)
        if key not in self.memo:
            ends = self._kept_ends()
            found = None
            if ends is not None and etype in ends:
                found = kept_result(self.G, _by_node_name(etype), {}, code=ENDS_CODE)
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
        >>> EdgeArrays(G).edge_count("SUPPLIES"), EdgeArrays(G).edge_count("SUPPLIES", year=2018)
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
        >>> EdgeArrays(G).edge_rows("SUPPLIES", year=2018).tolist()
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
        >>> EdgeArrays(G).edge_values("SUPPLIES", "weight", fill=1.0).tolist()
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
                keep = keep & rows_alive(self.G.edges[etype], year)
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
            if kept_path(self.G, "ends", {}, code=ENDS_CODE) is None or not types:
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

            found = kept(self.G, "ends", {}, compute, code=ENDS_CODE, check=fits)
            # as kept (int32 below two billion nodes): each type is widened to int64 by
            # _edges when first asked for (all at once took 2 s at ten million nodes)
            self.memo["kept-ends"] = {t: (found[f"{t}-from"], found[f"{t}-to"]) for t in types}
        ends: dict[str, tuple[np.ndarray, np.ndarray]] | None = self.memo["kept-ends"]
        return ends
