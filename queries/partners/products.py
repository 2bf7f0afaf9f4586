"""The meta-path products of a batch of sources: each path's evidence of every pair,
the pairs already linked removed.

A product ``first[rows] @ tail`` has as many columns as the graph has nodes, and
scipy sets up a workspace as wide as that for every product (two passes over ten
million columns at the national scale, two thirds of a per-firm partner table's
time).  The tail's entries lie in a few columns only (the kind's targets: thousands of
institutes, alliances or funds), so the products run on a tail narrowed to those
columns (:func:`narrow_tail`) and their entries are put back in the graph's columns.
A tail of firms reaches too many columns to narrow once for all; its products run on
the rows and columns each batch reaches (:func:`reached_product`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from innokg.queries.arrays import GraphArrays
from innokg.queries.few_walks import few_tail, linked_rows
from innokg.queries.metapaths import Kind, MetaPath, Opts, linked_pairs, path_tail, settle_parts
from innokg.queries.sparse_rows import int32_indexed, ranges, row_counts

__all__ = ["reached_product"]

#: The share of the graph's nodes above which a tail's columns are not narrowed: the
#: products would be hardly narrower, and the narrowed columns cost four bytes an entry.
NARROW = 0.25


@dataclass
class Batch:
    """Scores of some sources against every target, path by path."""

    rows: np.ndarray  # source positions, one per matrix row
    parts: dict[str, sp.csr_array]  # meta-path key -> weighted path scores
    total: sp.csr_array  # sum over meta-paths of weight x score, linked pairs removed


def batch(
    A: GraphArrays, kind: Kind, rows: np.ndarray, o: Opts, reverse: bool = False, few: bool = False
) -> Batch:
    """The products of the sources ``rows`` (targets when ``reverse``), every path's
    in canonical form; ``few``: the tails of these rows alone
    (:func:`~innokg.queries.few_walks.few_tail`)."""
    parts: dict[str, sp.csr_array] = {}
    for path in kind.paths:
        parts[path.key] = _product(A, kind, path, o, reverse, rows, few)
    parts = settle_parts(kind.paths, parts)
    total: sp.csr_array | None = None
    for path in kind.paths:
        s = parts[path.key]
        total = path.weight * s if total is None else total + path.weight * s
    assert total is not None
    total = sp.csr_array(total)
    if few:  # the links of these rows only
        block = linked_rows(A, kind, o.year, rows, reverse)
    else:
        linked = linked_pairs(A, kind, o.year)
        if reverse:
            linked = sp.csr_array(linked.T)
        block = linked[rows]
    total = total - total.multiply(block > 0)
    coo = sp.coo_array(total)
    keep = coo.col != rows[coo.row]
    total = sp.csr_array((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=total.shape)
    total.eliminate_zeros()
    return Batch(rows, parts, total)


def _product(
    A: GraphArrays,
    kind: Kind,
    path: MetaPath,
    o: Opts,
    reverse: bool,
    rows: np.ndarray,
    few: bool,
) -> sp.csr_array:
    """Row ``i`` of the result: the path's evidence from ``rows[i]`` to every node,
    summed and sorted by column (the sums and look-ups after it merge rows)."""
    if few:
        return few_tail(A, kind, path, o, reverse, rows).product(rows)
    first, tail, columns = narrow_tail(A, kind, path, o, reverse)
    if not tail.nnz:  # a path no walk completes: nothing to multiply
        return sp.csr_array((len(rows), A.n))
    if columns is None:  # a tail of firms, as wide as the graph
        return reached_product(first[rows], tail)
    narrow = sp.csr_array(_like(first[rows], tail) @ tail)
    narrow.sum_duplicates()
    # the narrow columns are in the graph's order, so each row stays sorted
    part = sp.csr_array(
        (narrow.data, columns[narrow.indices], narrow.indptr), shape=(len(rows), A.n)
    )
    part.has_canonical_format = True
    return part


def reached_product(left: sp.csr_array, right: sp.csr_array) -> sp.csr_array:
    """``left @ right`` in canonical form, multiplied on the rows of ``right`` that
    ``left`` reaches and the columns those rows hold, renumbered: scipy sets up a
    workspace as wide as the product for each product, and a tail of firms is as wide
    as the graph (at ten million nodes a product of 2,500 sources on common suppliers'
    tail took 111 ms against 27 ms, most of it clearing that workspace; the products,
    most of them on that tail, were a fifth of a per-firm partner table's thread
    time).  The same entries, summed in the same order, bit for bit.

    Examples
    --------
    >>> left = sp.csr_array(np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]]))
    >>> right = sp.csr_array(np.array([[0.0, 4.0, 0.0, 1.0], [9.0, 9.0, 9.0, 9.0],
    ...                                [5.0, 0.0, 0.0, 1.0]]))
    >>> product = reached_product(left, right)
    >>> product.toarray().tolist(), product.has_canonical_format
    ([[10.0, 4.0, 0.0, 3.0], [15.0, 0.0, 0.0, 3.0]], True)
    """
    reached, at = np.unique(left.indices, return_inverse=True)
    counts = row_counts(right, reached)
    take = ranges(right.indptr[reached], counts)
    columns, column_at = np.unique(right.indices[take], return_inverse=True)
    small = np.dtype(np.int32)
    rows_of = sp.csr_array(
        (
            right.data[take],
            column_at.ravel().astype(small),
            np.r_[0, np.cumsum(counts)].astype(small),
        ),
        shape=(len(reached), len(columns)),
    )
    left_of = sp.csr_array(
        (left.data, at.ravel().astype(small), left.indptr.astype(small)),
        shape=(left.shape[0], len(reached)),
    )
    narrow = sp.csr_array(left_of @ rows_of)
    narrow.sum_duplicates()
    # the reached columns are in the graph's order, so each row stays sorted
    out = sp.csr_array(
        (narrow.data, columns[narrow.indices], narrow.indptr), shape=(left.shape[0], right.shape[1])
    )
    out.has_canonical_format = True
    return out


def _like(left: sp.csr_array, tail: sp.csr_array) -> sp.csr_array:
    """``left`` with the index type of ``tail`` where that is narrower: scipy multiplies
    in the wider of the two and converts the other's index arrays for each product, and
    the tail's row pointers alone are as long as the graph (80 MB at ten million nodes,
    converted for every batch); a batch's rows are few."""
    wide = left.indices.dtype == left.indptr.dtype == np.int64
    if wide and tail.indices.dtype == tail.indptr.dtype == np.int32:
        return int32_indexed(left)
    return left


def narrow_tail(
    A: GraphArrays, kind: Kind, path: MetaPath, o: Opts, reverse: bool
) -> tuple[sp.csr_array, sp.csr_array, np.ndarray | None]:
    """:func:`~innokg.queries.metapaths.path_tail` with the tail's empty columns left
    out: the first step, the narrowed tail, and the graph column of each of its
    columns (sorted).  The narrowed tail shares its values and row pointers with the
    tail; only the column of each entry is its own.  A tail that reaches more than
    :data:`NARROW` of the nodes (a kind whose targets are firms) is left as it is, with
    None for the columns.  Memoised beside the tail.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> from innokg.queries.partners import KINDS
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in "abcdefghij"]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")]},
    ... )
    >>> A = arrays(G)
    >>> kind = KINDS["enterprise-enterprise"]
    >>> path = next(p for p in kind.paths if p.key == "common_buyers")
    >>> first, tail, columns = narrow_tail(A, kind, path, Opts(), False)
    >>> columns.tolist(), tail.shape
    ([0, 1], (10, 2))
    """
    key = ("partners-tail-narrow", kind.key, path.key, o, reverse)
    if key not in A.memo:
        first, tail = path_tail(A, kind, path, o, reverse)
        seen = np.zeros(A.n, dtype=bool)
        seen[tail.indices] = True  # a pass over the entries, not a sort of them
        columns = np.flatnonzero(seen)
        if len(columns) > A.n * NARROW:  # little narrower, for a copy of every column
            A.memo[key] = (first, tail, None)
        else:
            where = np.zeros(A.n, dtype=tail.indices.dtype)
            where[columns] = np.arange(len(columns))
            at = where[tail.indices]
            shape = (tail.shape[0], len(columns))
            A.memo[key] = (first, sp.csr_array((tail.data, at, tail.indptr), shape=shape), columns)
    found: tuple[sp.csr_array, sp.csr_array, np.ndarray | None] = A.memo[key]
    return found
