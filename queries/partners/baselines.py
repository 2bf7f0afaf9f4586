"""Plain Adamic-Adar over the untyped graph: the baseline the typed scores are
compared with."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import arrays
from innokg.queries.metapaths import path_weights

__all__ = ["adamic_adar", "adamic_adar_candidates"]


def adamic_adar(
    G: EcosystemGraph,
    pairs: Sequence[tuple[str, str]],
    *,
    edge_types: Sequence[str] | None = None,
    year: int | None = None,
) -> np.ndarray:
    """Plain Adamic-Adar index of node pairs over the untyped simple graph.

    The graph is every edge of ``edge_types`` (default all), undirected, without
    parallel edges or loops: the graph networkx's ``adamic_adar_index`` sees after
    ``nx.Graph(G.to_networkx(edge_types=...).to_undirected())``, and the scores equal
    its scores.  A baseline for the typed scores; computed as a sparse product.

    Parameters
    ----------
    G : EcosystemGraph
    pairs : sequence of (str, str)
        Node id pairs.
    edge_types : sequence of str, optional
        Edge types of the graph (default all).
    year : int, optional
        As of this year.

    Returns
    -------
    numpy.ndarray
        One score per pair: the sum over common neighbours ``z`` of ``1 / log(deg z)``.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c")]})
    >>> round(float(adamic_adar(G, [("a", "b")])[0]), 6)  # 1 / log 2
    1.442695
    """
    from innokg.graph.schema import EDGE_TYPES

    A = arrays(G)
    adj = A.adjacency(tuple(edge_types or EDGE_TYPES), year=year)
    u = A.index([p[0] for p in pairs])
    v = A.index([p[1] for p in pairs])
    if (u < 0).any() or (v < 0).any():
        raise QueryError("every pair must name two nodes of the graph")
    deg = np.diff(adj.indptr).astype(float)
    w = sp.diags_array(path_weights(deg, "aa"))
    left = sp.csr_array(adj[u] @ w)
    return np.asarray(left.multiply(adj[v]).sum(axis=1)).ravel()


def adamic_adar_candidates(
    G: EcosystemGraph,
    sources: Sequence[str],
    *,
    target_label: str | None = None,
    edge_types: Sequence[str] | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Plain Adamic-Adar of every candidate pair of ``sources``: each node two steps
    away (of ``target_label``, if given) that is not yet a neighbour, in one sparse
    product.  The baseline, over the same untyped simple graph as :func:`adamic_adar`.

    Parameters
    ----------
    G : EcosystemGraph
    sources : sequence of str
        Node ids whose candidates are listed.
    target_label : str, optional
        Only candidates of this label (``"ResearchInstitute"``); default any node.
    edge_types : sequence of str, optional
        The edge types of the simple graph; default every edge type.
    year : int, optional
        As of this year: only edges and nodes that existed then.

    Returns
    -------
    pandas.DataFrame
        ``source`` (str), ``target`` (str), ``score`` (float), grouped by source.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c"), ("d", "c"), ("a", "d")]})
    >>> adamic_adar_candidates(G, ["a"]).round(4).to_dict("records")
    [{'source': 'a', 'target': 'b', 'score': 0.9102}]
    """
    from innokg.graph.schema import EDGE_TYPES

    A = arrays(G)
    adj = A.adjacency(tuple(edge_types or EDGE_TYPES), year=year)
    rows = A.index(list(sources))
    if (rows < 0).any():
        raise QueryError("every source must be a node of the graph")
    deg = np.diff(adj.indptr).astype(float)
    near = sp.csr_array(adj[rows])
    scores = sp.csr_array(sp.csr_array(near @ sp.diags_array(path_weights(deg, "aa"))) @ adj)
    scores = sp.csr_array(scores - scores.multiply(near > 0))  # neighbours already
    scores.eliminate_zeros()
    coo = sp.coo_array(scores)
    u, v, s = rows[coo.row], coo.col, coo.data
    keep = u != v
    if target_label is not None:
        keep &= A.mask(target_label)[v]
    u, v, s = u[keep], v[keep], s[keep]  # row-major: grouped by source already
    ids = pd.Series(A.ids, dtype="string")
    return pd.DataFrame(
        {
            "source": ids.take(u).reset_index(drop=True),
            "target": ids.take(v).reset_index(drop=True),
            "score": s,
        }
    )
