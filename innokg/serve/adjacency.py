"""The explorer's adjacency: every edge twice, out from its source and in to its
target, grouped by node.

A node's entries come in one order whichever way they are built: its outgoing edges
in edge order, then its incoming ones in edge order (edge order: the edge types in
the explorer's order, each type's edges in table order).  :func:`sorted_by_node`
sorts every end; :func:`placed_by_node` puts each entry in its place from the edges
listed by node that a package keeps (:meth:`~innokg.queries.edge_arrays.EdgeArrays.
keep_edges_by_node`), with no sort: at ten million nodes the sort took 9 of the
explorer's first start's seconds.

Examples
--------
>>> src, dst = np.array([0, 2, 0]), np.array([1, 0, 0])  # edges 0, 1 and 2 (a loop)
>>> found = sorted_by_node(src, dst, 3, np.int32)
>>> found["indptr"].tolist()
[0, 4, 5, 6]
>>> node0 = slice(0, 4)  # out to 1 and to itself, then in from 2 and from itself
>>> [found[k][node0].tolist() for k in ("nbr", "eid", "out")]
[[1, 0, 2, 0], [0, 2, 1, 2], [True, True, False, False]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["TypeLists", "placed_by_node", "sorted_by_node"]


def _indptr(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    counts = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    return np.concatenate([[0], np.cumsum(counts)])


def sorted_by_node(
    src: np.ndarray, dst: np.ndarray, n: int, small: type[np.integer]
) -> dict[str, np.ndarray]:
    """The adjacency of the edges ``src[i] -> dst[i]`` (positions below ``n``), by
    sorting every end: ``indptr`` (int64, n + 1), and per entry ``nbr`` (the other
    end), ``eid`` (the edge) and ``out`` (True when the node is the edge's source);
    ``nbr`` and ``eid`` in ``small``."""
    m = len(src)
    key = np.concatenate([src, dst])
    order = np.argsort(key, kind="stable").astype(small)
    del key
    out = order < m
    return {
        "indptr": _indptr(src, dst, n),
        "nbr": np.concatenate([dst, src]).astype(small, copy=False)[order],
        "out": out,
        "eid": np.where(out, order, order - m).astype(small),
    }


@dataclass(frozen=True)
class TypeLists:
    """One edge type as :func:`placed_by_node` reads it."""

    #: the type's edges listed by node (:meth:`~innokg.queries.edge_arrays.EdgeArrays.
    #: listed_by_node`): each way, the ends sorted and each one's table row
    listed: dict[str, np.ndarray]
    #: the table rows of the type's edges in the adjacency, ascending (its edges are
    #: numbered from ``first`` in this order)
    rows: np.ndarray
    first: int


def placed_by_node(
    src: np.ndarray,
    dst: np.ndarray,
    n: int,
    small: type[np.integer],
    types: Sequence[TypeLists],
) -> dict[str, np.ndarray]:
    """What :func:`sorted_by_node` gives, put in place from each type's lists by node.

    ``types`` covers every edge of ``src``/``dst``, in edge order.  Each list holds a
    node's edges in table order, so a node's entries of one list (one type, one way)
    are a run of the result: after the node's entries of the lists before it (every
    type's outgoing lists come before the incoming ones).  Lists whose nodes' counts
    do not add up to the edges' (which would leave an entry unset) are not trusted:
    the ends are sorted instead.  That they list these edges, the key they are kept
    under ensures (the package's tables and the code that listed them)."""
    indptr = _indptr(src, dst, n)
    total = int(indptr[-1])
    nbr = np.empty(total, dtype=small)
    eid = np.empty(total, dtype=small)
    out = np.empty(total, dtype=bool)
    degree = np.diff(indptr)
    filled = np.zeros(n, dtype=np.int64)  # each node's entries placed so far
    # the edges' numbers by table row: each type's, for both ways
    numbers = [_numbers(len(t.listed["from-edge"]), t.rows, t.first) for t in types]
    for end, other, outgoing in (("from", dst, True), ("to", src, False)):
        for t, number in zip(types, numbers, strict=True):
            edge = t.listed[f"{end}-edge"]
            node = t.listed[end]
            if number is None:  # every row an edge of the adjacency: numbered in order
                edge = edge.astype(small, copy=False) + t.first
            else:
                edge = number[edge]
                ok = edge >= 0  # an edge left out of the adjacency (an end that is no node)
                edge, node = edge[ok], node[ok]
            if not len(node):
                continue
            # the list's runs, one per node (the ends are sorted): the work is the list's
            # length, not the number of nodes (most types touch few of them)
            starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
            at_node = node[starts]
            counts = np.diff(np.r_[starts, len(node)])
            if np.any(filled[at_node] + counts > degree[at_node]):
                return sorted_by_node(src, dst, n, small)  # lists of other edges
            # a node's run goes after its entries placed so far
            at = np.repeat(indptr[at_node] + filled[at_node] - starts, counts)
            at += np.arange(len(node))
            nbr[at] = other[edge]
            eid[at] = edge
            out[at] = outgoing
            filled[at_node] += counts
    if not np.array_equal(filled, degree):  # lists that do not cover the edges
        return sorted_by_node(src, dst, n, small)
    return {"indptr": indptr, "nbr": nbr, "out": out, "eid": eid}


def _numbers(rows_in_table: int, rows: np.ndarray, first: int) -> np.ndarray | None:
    """Each table row's edge number (-1: not an edge of the adjacency); None when every
    row is one, numbered from ``first`` in table order."""
    if len(rows) == rows_in_table:
        return None  # rows are distinct and ascending: all of them
    number = np.full(rows_in_table, -1, dtype=np.int64)
    number[rows] = np.arange(first, first + len(rows))
    return number
