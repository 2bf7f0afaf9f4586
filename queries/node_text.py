"""A text property of some nodes as Arrow strings, taken straight from the node tables.

``GraphArrays.values(name, dtype="object")`` turns every node's value into a Python
string and keeps the array: at ten million nodes 3.8 s and 1.4 GB for the names, to
write a table that needs a few million of them.  The node tables already hold their
text as Arrow strings, label after label in position order, so the tables' own chunks,
laid end to end, are the property over all positions; Arrow takes the wanted rows from
them in C++, with no copy of the whole column and no Python object per row.

Examples
--------
>>> import numpy as np
>>> from innokg.graph.testing import make_graph
>>> from innokg.queries.arrays import arrays
>>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲", "size": "large"},
...                                {"id": "b", "name": "乙"}],
...                 "Region": [{"id": "4101", "name": "郑州市", "level": "city"}]})
>>> node_text(arrays(G), "name", np.array([2, 1, 0])).to_pylist()
['郑州市', '乙', '甲']
>>> node_text(arrays(G), "size", np.array([0, 1, 2])).to_pylist()  # missing, and no column
['large', '', '']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innokg.queries.graph_arrays import GraphArrays

__all__ = ["id_order", "node_text", "string_column", "text_ranks"]


def node_text(A: GraphArrays, name: str, pos: np.ndarray, fill: str = "") -> pa.ChunkedArray:
    """The property ``name`` of the nodes at ``pos`` as Arrow large strings (``fill``
    where a node's label has no such column or its value is missing), what
    ``A.values(name, dtype="object", fill=fill)[pos]`` holds, without a Python string
    per node.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    name : str
        The node property (``"id"``, ``"name"``, ...).
    pos : numpy.ndarray
        Node positions (integers in ``[0, A.n)``).
    fill : str
        The text where a node has no value.

    Returns
    -------
    pyarrow.ChunkedArray
        Large strings, one per position, none missing.
    """
    pos = np.asarray(pos, dtype=np.int64)
    chunks, starts = _chunks(A, name)
    which = np.searchsorted(starts, pos, side="right") - 1
    order = np.argsort(which, kind="stable")
    ends = np.searchsorted(which[order], np.arange(len(chunks) + 1))
    pieces = [pa.array([], pa.large_string())]
    for c in np.flatnonzero(np.diff(ends)):
        at = order[ends[c] : ends[c + 1]]
        local = pa.array(pos[at] - starts[c])
        pieces.append(pc.take(chunks[c], local).cast(pa.large_string()))
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.arange(len(order))
    taken = pc.take(pa.concat_arrays(pieces), pa.array(inverse))
    return pa.chunked_array([pc.fill_null(taken, pa.scalar(fill, pa.large_string()))])


def _chunks(A: GraphArrays, name: str) -> tuple[list[pa.Array], np.ndarray]:
    """The property's Arrow chunks over every position, label after label, and the
    position each starts at (kept: references to the tables' own buffers).  A take
    from a chunked column joins its chunks first, every time: at ten million nodes
    0.8 s for a few names, asked once per chunk of a partner table; each chunk is
    taken from on its own instead, and only the rows taken are widened to large
    strings."""
    key = ("node-text-chunks", name)
    if key not in A.memo:
        chunks: list[pa.Array] = []
        for label in A.label_names:
            df = A.G.nodes[label]
            if not len(df):
                continue
            if name not in df.columns:
                chunks.append(pa.nulls(len(df), pa.large_string()))
                continue
            found = pa.chunked_array(pa.array(df[name].array, from_pandas=True))
            if not (pa.types.is_string(found.type) or pa.types.is_large_string(found.type)):
                found = pc.cast(found, pa.string())  # numbers written as text
            chunks.extend(c for c in found.chunks if len(c))
        sizes = np.array([len(c) for c in chunks], dtype=np.int64)
        A.memo[key] = (chunks, np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64))
    found_chunks: tuple[list[pa.Array], np.ndarray] = A.memo[key]
    return found_chunks


def text_ranks(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each string's place in code-point order (Python's and Arrow's order of text),
    equal strings sharing one: the distinct strings are ranked, once each.

    Examples
    --------
    >>> text_ranks(pa.array(["b", "a", "b", "é"])).tolist()
    [1, 0, 1, 2]
    """
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    found = pc.dictionary_encode(text)
    ranks = np.asarray(pc.rank(found.dictionary, sort_keys="ascending"), dtype=np.int64) - 1
    return ranks[np.asarray(found.indices, dtype=np.int64)]


def id_order(A: GraphArrays, pos: np.ndarray) -> np.ndarray:
    """Integers in the order of the ids of the nodes at ``pos``: sorting by them sorts
    by id.  The positions themselves when they are all of one label whose table is in
    id order (a validated graph's tables are), the ids' ranks otherwise.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in ("b", "a")],
    ...                 "Region": [{"id": "0", "name": "r"}]})
    >>> A = arrays(G)
    >>> A.ids.tolist(), id_order(A, np.array([1, 0, 1])).tolist()
    (['a', 'b', '0'], [1, 0, 1])
    >>> id_order(A, np.array([0, 2])).tolist()  # two labels: ranked
    [1, 0]
    """
    pos = np.asarray(pos, dtype=np.int64)
    code = A.label_code[pos]
    if len(pos) and (code == code[0]).all() and _in_id_order(A, A.label_names[int(code[0])]):
        return pos
    return text_ranks(node_text(A, "id", pos))


def _in_id_order(A: GraphArrays, label: str) -> bool:
    """Whether the table of ``label`` lists its nodes by increasing id."""
    key = ("ids in order", label)
    if key not in A.memo:
        ids = pa.chunked_array(pa.array(A.G.nodes[label]["id"].array, from_pandas=True))
        ids = ids.cast(pa.large_string()) if pa.types.is_string(ids.type) else ids
        ok = len(ids) < 2 or pc.all(pc.less(ids[:-1], ids[1:])).as_py()
        A.memo[key] = bool(ok) and pa.types.is_large_string(ids.type) and not ids.null_count
    found: bool = A.memo[key]
    return found


def string_column(values: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """Arrow strings as a pandas string column, without a copy."""
    return pd.arrays.ArrowStringArray(values.cast(pa.large_string()))
