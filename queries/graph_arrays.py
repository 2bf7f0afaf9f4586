"""The integer-indexed views of one graph (:class:`GraphArrays`): positions, edges,
matrices, places and industries.

Built once per graph and kept by :func:`innokg.queries.arrays.arrays`, which documents
how positions are laid out.  The class is built in three layers, one module each: the
nodes' positions and properties (:mod:`innokg.queries.node_arrays`), the edges' ends
(:mod:`innokg.queries.edge_arrays`), and here the sparse matrices and each node's city
and industry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from innokg.queries.edge_arrays import ENDS_CODE, EdgeArrays
from innokg.queries.kept import kept

__all__ = ["ARRAYS_CODE", "GraphArrays"]

#: The modules of the three layers, for what is kept from their results.
ARRAYS_CODE = (
    "innokg.queries.node_arrays",
    "innokg.queries.edge_arrays",
    "innokg.queries.graph_arrays",
)

#: Where a node without a place (or industry) of its own takes it from:
#: (edge type, True when the node is the edge's target).
_INHERIT = (
    ("HOSTS", True),  # a maker team: its host
    ("ESTABLISHED", True),  # a platform, fund or team: who set it up
    ("OPERATES", True),  # a platform: its operator
    ("LEADS", False),  # a person: what they lead
)


def _first(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct key, the value of its first occurrence."""
    uniq, first = np.unique(keys, return_index=True)
    return uniq, values[first]


class GraphArrays(EdgeArrays):
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

    # --- matrices ---------------------------------------------------------------------

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
            r, c, d = self._coo(edge_types, year, binary, weight)
            assert d is not None
            if symmetric:
                r, c, d = np.concatenate([r, c]), np.concatenate([c, r]), np.concatenate([d, d])
            m = sp.csr_array((d, (r, c)), shape=(self.n, self.n))
            m.sum_duplicates()
            if binary:
                m.data[:] = 1.0
            self.memo[key] = m
        return self.memo[key]

    def _coo(
        self,
        edge_types: Sequence[str],
        year: int | None,
        binary: bool,
        weight: str | None,
        values: bool = True,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The rows, columns and values of :meth:`matrix`'s entries, one per edge (no
        values without ``values``)."""
        rows, cols, data = [], [], []
        for spec in edge_types:
            etype, reverse = spec.removesuffix("^-1"), spec.endswith("^-1")
            src, dst = self.edges(etype, year=year)
            if reverse:
                src, dst = dst, src
            rows.append(src)
            cols.append(dst)
            if not values:
                continue
            if binary or weight is None:
                data.append(np.ones(len(src)))
            else:
                data.append(np.nan_to_num(self.edge_values(etype, weight, year=year), nan=1.0))
        r = np.concatenate(rows) if rows else np.array([], np.int64)
        c = np.concatenate(cols) if cols else np.array([], np.int64)
        d = np.concatenate(data) if data else np.array([], float)
        return r, c, d if values else None

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
        key = self.adjacency_key(edge_types, year=year)
        year = self.as_of(year)
        if key not in self.memo:
            built = self.matrix_key(edge_types, year=year, symmetric=True)
            if built in self.memo:  # the symmetric matrix less its diagonal
                coo = self.memo[built].tocoo()
                r, c = coo.row, coo.col
            else:
                # from the edges, their self-links dropped first: one sparse build, and
                # the symmetric matrix is not kept beside it (at ten million nodes the
                # unspanned pairs' peak fell by 0.8 GB)
                r, c, _ = self._coo(edge_types, year, True, None, values=False)
                r, c = np.concatenate([r, c]), np.concatenate([c, r])
            off = r != c
            m = sp.csr_array((np.ones(int(off.sum())), (r[off], c[off])), shape=(self.n, self.n))
            m.sum_duplicates()
            m.data[:] = 1.0
            self.memo[key] = m
        return self.memo[key]

    def adjacency_key(
        self, edge_types: Sequence[str], *, year: int | None = None
    ) -> tuple[object, ...]:
        """The memo key :meth:`adjacency` keeps that graph under."""
        return ("adjacency", tuple(edge_types), self.as_of(year))

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
                code=(*ENDS_CODE, "innokg.queries.graph_arrays"),
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
