"""Positions of node ids, found in Arrow's hash tables.

pandas looks strings up one Python object at a time (and turns an Arrow-backed index
into Python objects at every look-up); Arrow hashes them in C++.  What remains costly
is hashing the ids themselves, a million of them at the 1M benchmark, so:

- the endpoints of every edge type are looked up together, in one pass over one table
  of the ids, the first time a large edge type is asked for;
- a few strings (far fewer than the nodes) are hashed instead, and every id is passed
  through that small table.

Ids that are not all strings (or a missing id) are looked up by pandas, as before.  Both
ways give the same positions: an id's place among the nodes, -1 for a value that is
no node's id (missing values included).

Examples
--------
>>> import pandas as pd
>>> lookup = IdIndex(pd.Index(["a", "b", "c"], dtype="string"))
>>> lookup.positions(["c", None, "x", "a"]).tolist()
[2, -1, -1, 0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innokg.graph.schema import EDGE_TYPES

__all__ = ["IdIndex", "text_in"]

#: Look up the values' distinct strings the other way round when there are fewer than
#: one value for every FEW nodes.
FEW = 4


def _strings(values: object) -> pa.ChunkedArray | None:
    """``values`` as Arrow large strings, or None when some value is not a string
    (nor missing): those are looked up the pandas way."""
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    text = pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
    if not text and not pa.types.is_null(arr.type):  # numbers, bytes, ...
        return None
    return arr.cast(pa.large_string())


def text_in(values: pd.Series, among: Iterable[str]) -> np.ndarray:
    """Which of ``values`` are among the strings ``among``, hashed by Arrow.

    pandas' ``isin`` on Arrow-backed strings goes through Python objects (about half a
    second for 300,000 ids); Arrow's ``is_in`` takes a tenth of that.  A missing value
    is among none; values that are not all strings are compared by pandas as text.

    Parameters
    ----------
    values : pandas.Series
        The values to test.
    among : iterable of str
        The strings sought.

    Returns
    -------
    numpy.ndarray of bool
        Aligned with ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> text_in(pd.Series(["a", None, "c"], dtype="string[pyarrow]"), {"c", "x"}).tolist()
    [False, False, True]
    """
    wanted = [str(x) for x in among]
    strings = _strings(values)
    if strings is None:
        return values.astype(str).isin(set(wanted)).to_numpy(dtype=bool)
    found = pc.is_in(strings, value_set=pa.array(wanted, type=pa.large_string()))
    return np.asarray(pc.fill_null(found, False).to_numpy(), dtype=bool)


def _filled(found: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Arrow look-up results as int64 positions, -1 for a miss."""
    return np.asarray(pc.fill_null(found, -1).to_numpy(), dtype=np.int64)


class IdIndex:
    """Positions of node ids, looked up in Arrow's hash tables where the ids allow.

    Parameters
    ----------
    ids : pandas.Index
        Every node id; a node's position is its place here.

    Examples
    --------
    >>> import pandas as pd
    >>> lookup = IdIndex(pd.Index(["a", "b"]))
    >>> lookup.unique(), lookup.positions(pd.Series(["b", "b"])).tolist()
    (True, [1, 1])
    """

    def __init__(self, ids: pd.Index) -> None:
        self.ids = ids
        strings = _strings(ids)
        #: The ids as Arrow strings (None: some id is not a string, or is missing, and
        #: pandas looks them up).
        self.strings = strings if strings is not None and not strings.null_count else None
        self._ends: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def unique(self) -> bool:
        """Whether no id occurs twice.

        Sorted, no two neighbours are equal: Arrow sorts a million strings several times
        faster than pandas hashes them.

        Examples
        --------
        >>> import pandas as pd
        >>> IdIndex(pd.Index(["a", "b", "a"])).unique()
        False
        """
        if self.strings is None or len(self.strings) < 2:
            return bool(self.ids.is_unique)
        flat = self.strings.combine_chunks()
        ordered = flat.take(pc.array_sort_indices(flat))
        same = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
        return not pc.any(same).as_py()

    def positions(self, values: Iterable[str] | pd.Series | np.ndarray) -> np.ndarray:
        """The position of each of ``values`` (-1 where it is no node's id).

        Parameters
        ----------
        values : iterable of str, Series or array
            Ids to look up; missing values give -1.

        Returns
        -------
        numpy.ndarray
            int64 positions, aligned with ``values``.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> lookup = IdIndex(pd.Index(["a", "b", "c"]))
        >>> lookup.positions(["b", "z"]).tolist(), lookup.positions(np.array([1])).tolist()
        ([1, -1], [-1])
        """
        items = values if isinstance(values, pd.Series | np.ndarray) else list(values)
        strings = _strings(items) if self.strings is not None else None
        if strings is None or self.strings is None:
            return self.ids.get_indexer(pd.Index(items)).astype(np.int64)
        if len(strings) * FEW < len(self.ids):
            return self._few(strings, self.strings)
        return _filled(pc.index_in(strings, value_set=self.strings))

    @staticmethod
    def _few(strings: pa.ChunkedArray, ids: pa.ChunkedArray) -> np.ndarray:
        """Positions of far fewer strings than ids: hash the strings' distinct values
        and pass every id through that small table, rather than hash every id."""
        if len(strings) == 0:
            return np.zeros(0, dtype=np.int64)
        codes = pc.dictionary_encode(strings.combine_chunks())
        place = np.full(len(codes.dictionary) + 1, -1, dtype=np.int64)  # [-1]: missing
        at = _filled(pc.index_in(ids, value_set=codes.dictionary))
        hit = np.flatnonzero(at >= 0)
        place[at[hit]] = hit
        return place[_filled(codes.indices)]

    def edge_ends(
        self, edges: Mapping[str, pd.DataFrame], etype: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the ends (``from_id``, ``to_id``) of every edge of ``etype``.

        The first large edge type asked for has the ends of every edge type in
        ``edges`` looked up at once (one table of the ids, kept for none of them); a
        small type alone passes the ids through its own ends.  The answers are kept:
        give the same tables at every call.

        Parameters
        ----------
        edges : mapping of edge type to table
            The edge tables (``EcosystemGraph.edges``).
        etype : str
            The edge type asked for.

        Returns
        -------
        tuple of numpy.ndarray
            int64 positions of the sources and of the targets, -1 where an end is no
            node's id.

        Examples
        --------
        >>> import pandas as pd
        >>> lookup = IdIndex(pd.Index(["a", "b"]))
        >>> edges = {"SUPPLIES": pd.DataFrame({"from_id": ["a", "x"], "to_id": ["b", "a"]})}
        >>> [x.tolist() for x in lookup.edge_ends(edges, "SUPPLIES")]
        [[0, -1], [1, 0]]
        """
        if etype not in self._ends:
            df = edges[etype]
            if self.strings is None or 2 * len(df) * FEW < len(self.ids):
                self._ends[etype] = (self.positions(df["from_id"]), self.positions(df["to_id"]))
            else:
                self._all_ends(edges, etype)
        return self._ends[etype]

    def _all_ends(self, edges: Mapping[str, pd.DataFrame], etype: str) -> None:
        """Look up the ends of every edge type not looked up yet, in one pass."""
        todo = [t for t in (*EDGE_TYPES, etype) if t in edges and t not in self._ends]
        todo = list(dict.fromkeys(todo))
        columns = [_strings(edges[t][end]) for t in todo for end in ("from_id", "to_id")]
        strings = [col for col in columns if col is not None]
        if len(strings) < len(columns) or self.strings is None:  # some end is not text
            df = edges[etype]
            self._ends[etype] = (self.positions(df["from_id"]), self.positions(df["to_id"]))
            return
        chunks = [chunk for col in strings for chunk in col.chunks]
        found = _filled(
            pc.index_in(pa.chunked_array(chunks, type=pa.large_string()), value_set=self.strings)
        )
        bounds = np.cumsum([0] + [len(col) for col in strings])
        for i, t in enumerate(todo):
            start, middle, stop = bounds[2 * i], bounds[2 * i + 1], bounds[2 * i + 2]
            self._ends[t] = (found[start:middle], found[middle:stop])
