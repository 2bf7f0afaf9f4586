"""A few rows of a large table, read where they lie.

The explorer shows a page of edges with their properties: a few rows of an edge table
that, at ten million nodes, holds tens of millions.  Converting the table to one Arrow
chunk at its first use took 3.7 s and 2.7 GB there (the text copied out of the
package's mapped files), and Arrow's ``take`` on a column of several chunks joins the
chunks first (2.3 ms a column at one million nodes).  Here each column is read as it
is stored: Arrow-backed text chunk by chunk (0.1 ms), other arrays by index.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["take_records"]


def take_records(
    df: pd.DataFrame, rows: np.ndarray, columns: list[str] | None = None
) -> list[dict[str, Any]]:
    """The rows of ``df`` at positions ``rows`` as dicts of ``columns`` (default: all),
    missing values as None or ``pd.NA``.

    >>> df = pd.DataFrame({"a": pd.array(["x", None, "z"], dtype="string[pyarrow]"),
    ...                    "b": pd.array([1, None, 3], dtype="Int64")})
    >>> take_records(df, np.array([2, 1]))
    [{'a': 'z', 'b': 3}, {'a': None, 'b': <NA>}]
    """
    rows = np.asarray(rows, dtype=np.int64)
    names = list(df.columns) if columns is None else columns
    taken = {name: _take(df[name].array, rows) for name in names}
    if not taken:
        return [{} for _ in rows]
    return [dict(zip(taken, values, strict=True)) for values in zip(*taken.values(), strict=True)]


def _take(array: Any, rows: np.ndarray) -> list[Any]:
    if isinstance(array, pd.arrays.ArrowExtensionArray):  # Arrow-backed: its own chunks
        return _take_chunked(array.__arrow_array__(), rows)
    return list(array[rows].tolist())  # numpy and pandas' masked arrays take by index


def _take_chunked(chunked: pa.ChunkedArray, rows: np.ndarray) -> list[Any]:
    if chunked.num_chunks == 1:
        return list(chunked.chunk(0).take(pa.array(rows)).to_pylist())
    starts = np.cumsum([0, *(len(c) for c in chunked.chunks)])
    which = np.searchsorted(starts, rows, side="right") - 1
    out: list[Any] = [None] * len(rows)
    for k in np.unique(which).tolist():
        at = np.flatnonzero(which == k)
        values = chunked.chunk(k).take(pa.array(rows[at] - starts[k])).to_pylist()
        for i, v in zip(at.tolist(), values, strict=True):
            out[i] = v
    return out
