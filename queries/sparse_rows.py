"""Reading a CSR matrix at some rows only: how many entries they hold, where those
entries lie and which columns they reach, the matrix cut to them; and looking up many
(row, column) pairs among its entries as sorted linear keys.  A product or a diff
over every node is a pass over the whole graph; these cost what the rows hold."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from innokg.queries.sets import find_sorted

__all__ = ["columns_at", "entries", "lookup", "ranges", "row_counts", "rows_only"]


def int32_indexed(m: sp.csr_array) -> sp.csr_array:
    """``m`` with 32-bit indices and row pointers where its entries fit: scipy
    multiplies in the wider index type of its two operands, converting the other's.

    Examples
    --------
    >>> m = sp.csr_array((np.ones(2), np.array([0, 1]), np.array([0, 1, 2])), shape=(2, 2))
    >>> m.indices.dtype == np.int64, int32_indexed(m).indices.dtype == np.int32
    (True, True)
    """
    small = np.dtype(np.int32)
    if m.nnz >= 2**31 - 1 or m.indices.dtype == m.indptr.dtype == small:
        return m
    return sp.csr_array((m.data, m.indices.astype(small), m.indptr.astype(small)), shape=m.shape)


def columns_at(m: sp.csr_array, rows: np.ndarray) -> np.ndarray:
    """The columns (sorted, distinct) of the entries in ``m``'s ``rows``.

    Examples
    --------
    >>> m = sp.csr_array(np.array([[0, 1, 1], [0, 0, 1], [1, 0, 0]]))
    >>> columns_at(m, np.array([0, 1])).tolist()
    [1, 2]
    """
    seen = np.zeros(m.shape[1], dtype=bool)
    seen[m.indices[ranges(m.indptr[rows], row_counts(m, rows))]] = True
    return np.flatnonzero(seen)


def rows_only(m: sp.csr_array, rows: np.ndarray) -> sp.csr_array:
    """``m`` with every row but ``rows`` (sorted, distinct) emptied."""
    starts, stops = m.indptr[rows], m.indptr[rows + 1]
    counts = stops - starts
    take = ranges(starts, counts)
    indptr = np.zeros(m.shape[0] + 1, dtype=np.int64)
    indptr[rows + 1] = counts
    indptr = np.cumsum(indptr).astype(m.indptr.dtype)
    return sp.csr_array((m.data[take], m.indices[take], indptr), shape=m.shape)


def row_counts(m: sp.csr_array, rows: np.ndarray) -> np.ndarray:
    """The entries in each of ``m``'s ``rows``: read at those rows alone (a diff of the
    whole ``indptr`` is a pass over every node, for each chunk of a table)."""
    return m.indptr[rows + 1] - m.indptr[rows]


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions ``starts[k] .. starts[k] + counts[k] - 1`` of every k, in order."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts.astype(np.int64) - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total, dtype=np.int64)


def entries(m: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """The entries of ``m`` as sorted linear keys ``row * ncol + col`` and their values
    (a canonical matrix holds them in that order already; another is sorted).

    Examples
    --------
    >>> m = sp.csr_array(np.array([[0.0, 2.0], [3.0, 0.0]]))
    >>> [x.tolist() for x in entries(m)]
    [[1, 2], [2.0, 3.0]]
    """
    ncol = m.shape[1]
    if m.format == "csr" and m.has_canonical_format:
        rows = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
        return rows * ncol + m.indices, m.data
    coo = sp.coo_array(m)
    keys = coo.row.astype(np.int64) * ncol + coo.col
    order = np.argsort(keys, kind="stable")
    return keys[order], coo.data[order]


def lookup(keys: np.ndarray, data: np.ndarray, want: np.ndarray) -> np.ndarray:
    """The values at linear keys ``want`` among sorted ``keys`` (0 where absent)."""
    at = find_sorted(keys, want)
    return np.where(at >= 0, data[at], 0.0) if len(keys) else np.zeros(len(want))
