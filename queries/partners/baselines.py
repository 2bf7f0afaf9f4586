"""Plain Adamic-Adar over the untyped graph: the baseline the typed scores are
compared with."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.metapaths import path_weights
from innokg.queries.node_text import string_column
from innokg.queries.partners.stream import THREADS
from innokg.queries.sparse_rows import int32_indexed

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
    away (of ``target_label``, if given) that is not yet a neighbour, by sparse
    products.  The baseline, over the same untyped simple graph as :func:`adamic_adar`.
    The sources are cut into ``THREADS`` runs of about as many two-step walks, computed
    on threads of their own.

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
        ``source`` and ``target``, the node ids as categoricals (each id stored once,
        a small integer code per pair; the categories are the ids that occur, in the
        graph's order), and ``score`` (float); grouped by source in the order of
        ``sources``.

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
    adj = int32_indexed(A.adjacency(tuple(edge_types or EDGE_TYPES), year=year))
    rows = A.index(list(sources))
    if (rows < 0).any():
        raise QueryError("every source must be a node of the graph")
    walks = _walks(adj, rows, A.mask(target_label) if target_label is not None else None)
    cuts = _cuts(walks, THREADS)
    room = _shared_room(walks, cuts, adj.indices.dtype)
    places = [int(walks.bound[c - 1]) if c else 0 for c in cuts[:-1]]  # where each run writes
    if len(cuts) == 2:
        parts = [_candidates(walks, cuts[0], cuts[1])]
    else:  # the sparse products run outside the GIL
        runs = [(room, place) if room is not None else None for place in places]
        with ThreadPoolExecutor(len(cuts) - 1, thread_name_prefix="innokg-aa") as pool:
            parts = list(pool.map(functools.partial(_candidates, walks), cuts[:-1], cuts[1:], runs))
    if room is None or len(parts) == 1:
        u, v, s = (x[0] if len(x) == 1 else np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        n = _packed(room, places, [len(x[0]) for x in parts])
        del parts, runs  # views of the room, which is now cut to the pairs
        for x in room:  # the tail that held later runs goes back: realloc, not a copy
            x.resize(n, refcheck=False)
        u, v, s = room
    return pd.DataFrame(
        {"source": _categorical(A, u), "target": _categorical(A, v), "score": s}, copy=False
    )


def _categorical(A: GraphArrays, positions: np.ndarray) -> pd.Categorical:
    """The ids of the nodes at ``positions`` as categories: each id once, in the
    graph's order, and a code per pair.  ``positions`` are recoded in place.

    The 4.4 million pairs of the 100k demo's large and medium firms hold 35 MB of
    codes instead of 132 MB of ids as text, and a fresh process's first touch of new
    memory was most of this call's time (docs/performance.md).

    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abcd"]})
    >>> _categorical(arrays(G), np.array([3, 1, 3], dtype=np.int32)).tolist()
    ['d', 'b', 'd']
    """
    used = np.zeros(A.n, dtype=bool)
    used[positions] = True
    code = np.cumsum(used, dtype=positions.dtype) - 1
    # a slice at a time: ``np.take(code, positions, out=positions)`` copied all of them
    # twice (widened to 64 bits, and the output apart from its input)
    for i in range(0, len(positions), _SLICE):
        positions[i : i + _SLICE] = code[positions[i : i + _SLICE]]
    names = pd.Index(string_column(A.id_text(np.flatnonzero(used))))
    return pd.Categorical.from_codes(positions, categories=names, validate=False)


#: Positions recoded at a time by :func:`_categorical`.
_SLICE = 1 << 20
#: Sources per product: one bit each in a 64-bit word per node marks their neighbours.
_ROWS = 64
#: Room for this many pairs of a run of sources at first (the bound on them, if lower):
#: 16 million pairs are 256 MB, unmapped until written.  Where the bound on every run's
#: pairs is within it, the runs share one set of arrays (:func:`_shared_room`).
_FIRST_ROOM = 1 << 24
#: At most this many entries in one product (a bound: the sources' neighbours'
#: degrees), so a product's arrays stay a few megabytes and are reused from the heap.
_ENTRIES = 1 << 18


class _Walks(NamedTuple):
    """What every group of sources reads: the graph, each node's Adamic-Adar weight,
    the sources' rows of the graph, and how many two-step walks start at each source
    (``reach``; ``bound`` its running sum)."""

    adj: sp.csr_array
    weights: np.ndarray
    rows: np.ndarray
    near: sp.csr_array
    reach: np.ndarray
    bound: np.ndarray
    #: a word per node with every bit set where the node is not a wanted target
    unmarked: np.ndarray


def _walks(adj: sp.csr_array, rows: np.ndarray, wanted: np.ndarray | None) -> _Walks:
    deg = np.diff(adj.indptr)
    near = sp.csr_array(adj[rows])
    reach = np.zeros(len(rows), dtype=np.int64)
    has = np.diff(near.indptr) > 0
    if near.nnz:
        reach[has] = np.add.reduceat(deg[near.indices], near.indptr[:-1][has])
    unmarked = np.zeros(adj.shape[0], dtype=np.uint64)
    if wanted is not None:
        unmarked[~wanted] = np.uint64(2**64 - 1)
    weights = path_weights(deg.astype(float), "aa")
    return _Walks(adj, weights, rows, near, reach, np.cumsum(reach), unmarked)


def _cuts(walks: _Walks, parts: int) -> list[int]:
    """Where to cut the sources into up to ``parts`` runs of about as many two-step
    walks each, at least two groups of sources to a run.

    >>> w = _Walks(*[None] * 5, np.cumsum([10] * 300), None)
    >>> _cuts(w, 2), _cuts(w, 1), _cuts(w._replace(bound=np.arange(100)), 2)
    ([0, 150, 300], [0, 300], [0, 100])
    >>> _cuts(w._replace(bound=np.array([], dtype=int)), 2)
    [0, 0]
    """
    n = len(walks.bound)
    parts = max(1, min(parts, n // (2 * _ROWS)))
    total = int(walks.bound[-1]) if n else 0
    inner = np.searchsorted(walks.bound, [total * i // parts for i in range(1, parts)], "right")
    return [0, *sorted({int(c) for c in inner} - {0, n}), n]


class _Room(NamedTuple):
    """Arrays the pairs are written into: source and target positions, scores."""

    u: np.ndarray
    v: np.ndarray
    s: np.ndarray


def _room(n: int, dtype: np.dtype) -> _Room:
    return _Room(np.empty(n, dtype=dtype), np.empty(n, dtype=dtype), np.empty(n))


def _shared_room(walks: _Walks, cuts: list[int], dtype: np.dtype) -> _Room | None:
    """One set of arrays for every run of sources, each run writing from the place
    its bound gives it (the two-step walks before it), when all the runs' bounds fit in
    ``_FIRST_ROOM``; None for one run, or more walks than that."""
    total = int(walks.bound[-1]) if len(walks.bound) else 0
    return _room(total, dtype) if len(cuts) > 2 and total <= _FIRST_ROOM else None


def _candidates(
    walks: _Walks, first: int, last: int, into: tuple[_Room, int] | None = None
) -> _Room:
    """The source positions, target positions and scores of every pair two steps
    apart and not linked, for sources ``first:last``, a few sources at a time; written
    into ``into``'s arrays from its place, when given.

    Each group of sources is multiplied alone; their neighbours (and themselves) are
    marked in a bit per source of one word per node, and each entry of the product is
    kept unless its source's bit is set at its column.  (One product over every source,
    less the product masked by the neighbours, passed over millions of entries five
    times, each into newly mapped memory.)"""
    adj, weights, rows, near, reach, bound, unmarked = walks
    total = int(bound[last - 1] - bound[first] + reach[first]) if last > first else 0
    # written in place, so the pairs are not gathered from pieces into new arrays; the
    # bound counts every two-step walk, so past _FIRST_ROOM the arrays grow as filled
    # (not those of ``into``: their room is this run's whole bound)
    u, v, s = into[0] if into is not None else _room(min(total, _FIRST_ROOM), adj.indices.dtype)
    place = into[1] if into is not None else 0
    marks = unmarked.copy()
    filled, start = place, first
    while start < last:
        stop = int(np.searchsorted(bound, bound[start] - reach[start] + _ENTRIES, "right"))
        stop = min(max(stop, start + 1), start + _ROWS, last)
        lo, hi = near.indptr[start], near.indptr[stop]
        cols, ptr = near.indices[lo:hi], near.indptr[start : stop + 1] - lo
        left = sp.csr_array((weights[cols], cols, ptr), shape=(stop - start, adj.shape[0]))
        product = left @ adj
        own = rows[start:stop]
        bit = np.left_shift(np.uint64(1), np.arange(stop - start, dtype=np.uint64))
        np.bitwise_or.at(marks, cols, np.repeat(bit, np.diff(ptr)))
        np.bitwise_or.at(marks, own, bit)
        keep = marks[product.indices]
        keep &= np.repeat(bit, np.diff(product.indptr))
        keep = keep == 0
        marks[cols] = unmarked[cols]
        marks[own] = unmarked[own]
        kept = np.r_[0, np.cumsum(keep)][product.indptr]
        k = int(kept[-1])
        if filled + k > len(u):
            assert into is None, "a run wrote past its bound"  # the bound is every walk
            room = min(total, max(2 * len(u), filled + k))
            u, v, s = (_grown(x, room, filled) for x in (u, v, s))
        u[filled : filled + k] = np.repeat(own, np.diff(kept))
        v[filled : filled + k] = product.indices[keep]
        s[filled : filled + k] = product.data[keep]
        filled += k
        start = stop
    return _Room(u[place:filled], v[place:filled], s[place:filled])


def _packed(room: _Room, places: list[int], lengths: list[int]) -> int:
    """Move the runs written at ``places`` (``lengths`` pairs each) of ``room`` down to
    follow one another from the start; how many pairs there are.

    A run's bound is close to its pairs, so the moves write little memory not written
    already (gathering the runs into new arrays wrote all of it again).  Each move goes
    through a small buffer, forward: a run never moves up, so no value is overwritten
    before it is read.

    >>> r = _Room(*(np.array([1, 2, 0, 0, 3, 4, 5, 0]) for _ in range(3)))
    >>> _packed(r, [0, 4], [2, 3]), r.u[:5].tolist()
    (5, [1, 2, 3, 4, 5])
    """
    filled = 0
    for place, n in zip(places, lengths, strict=True):
        if place == filled:  # in its place already
            filled += n
            continue
        for x in room:
            buffer = np.empty(min(n, _SLICE), dtype=x.dtype)
            for i in range(0, n, _SLICE):
                k = min(_SLICE, n - i)
                buffer[:k] = x[place + i : place + i + k]
                x[filled + i : filled + i + k] = buffer[:k]
        filled += n
    return filled


def _grown(x: np.ndarray, room: int, filled: int) -> np.ndarray:
    """``x`` with room for ``room`` values, its first ``filled`` kept."""
    out = np.empty(room, dtype=x.dtype)
    out[:filled] = x[:filled]
    return out
