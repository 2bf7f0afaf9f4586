"""Positions of node ids for the explorer's requests, by binary search in the ids sorted.

A hash table of the ids as Python strings (what pandas builds) took 8 s of the
explorer's start at ten million nodes, and about a gigabyte for the strings.  The ids
here are one NumPy array of fixed-width UTF-8 bytes, sorted, with each one's position
beside it: kept with the package, it is read back mapped, and a look-up of k ids is
k binary searches (a few microseconds each).  Ids longer than :data:`MAX_BYTES` would
make that array wide, so such a graph keeps the hash table.

Examples
--------
>>> import pandas as pd
>>> ids = SortedIds.build(pd.Index(["b", "郑州", "a"]))
>>> ids.positions(["a", "郑州", "x", "", None, 3]).tolist()
[2, 1, -1, -1, -1, -1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["MAX_BYTES", "SortedIds"]

#: The longest id (in UTF-8 bytes) kept as a fixed-width array: at ten million nodes
#: each byte of width is 10 MB (the same ids as Python strings in a hash table take
#: more than 100 bytes each).  Real Henan's longest id, a platform's, is 89 bytes.
MAX_BYTES = 128


class SortedIds:
    """The ids, sorted as bytes, and the position of each."""

    def __init__(self, keys: np.ndarray, positions: np.ndarray) -> None:
        self.keys = keys
        self.positions_sorted = positions

    @classmethod
    def build(cls, ids: pd.Index) -> SortedIds | None:
        """The sorted ids of ``ids`` (None when an id is not text, is empty, or is
        longer than :data:`MAX_BYTES`)."""
        try:
            text = pa.chunked_array([pa.array(np.asarray(ids.array), from_pandas=True)])
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, UnicodeError):
            return None
        if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
            return None
        if len(text) == 0:
            return cls(np.zeros(0, dtype="S1"), np.zeros(0, dtype=np.int64))
        lengths = pc.binary_length(text)
        if text.null_count or pc.min(lengths).as_py() == 0:
            return None
        width = pc.max(lengths).as_py()
        if width > MAX_BYTES:
            return None
        if pc.any(pc.match_substring(text, "\x00")).as_py():
            return None  # fixed-width bytes end at the first NUL
        keys = _fixed_width(text.combine_chunks().cast(pa.large_string()), width)
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], order.astype(np.int64))

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to keep beside the package."""
        return {"keys": self.keys, "positions": self.positions_sorted}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> SortedIds:
        """The sorted ids :meth:`arrays` gave (``ValueError`` when they do not hold them)."""
        keys, positions = arrays["keys"], arrays["positions"]
        if keys.dtype.kind != "S" or len(keys) != len(positions):
            raise ValueError("the kept ids do not fit")
        return cls(keys, positions)

    def positions(self, values: Iterable[Any]) -> np.ndarray:
        """The position of each value (-1 for one that is no node's id, or not text)."""
        values = list(values)
        out = np.full(len(values), -1, dtype=np.int64)
        width = self.keys.dtype.itemsize
        wanted = [
            (i, b)
            for i, v in enumerate(values)
            # a lone surrogate (JSON allows one) is no node's id: its bytes match no UTF-8
            if isinstance(v, str)
            and v
            and "\x00" not in v
            and len(b := v.encode("utf-8", "surrogatepass")) <= width
        ]
        if not wanted or not len(self.keys):
            return out
        at, probes = zip(*wanted, strict=True)
        probe = np.array(probes, dtype=self.keys.dtype)
        found = np.searchsorted(self.keys, probe)
        found = np.minimum(found, len(self.keys) - 1)
        hit = self.keys[found] == probe
        rows = np.asarray(at)[hit]
        out[rows] = self.positions_sorted[found[hit]]
        return out


def _fixed_width(text: pa.LargeStringArray, width: int) -> np.ndarray:
    """Arrow strings (none missing) as one array of ``width``-byte UTF-8 values, padded
    with NULs, copied from Arrow's buffers a million at a time rather than one string
    at a time."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[
        text.offset : text.offset + len(text) + 1
    ]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    out = np.zeros((len(text), width), dtype=np.uint8)
    for lo in range(0, len(text), _STEP):
        part = offsets[lo : lo + _STEP + 1]
        lengths = np.diff(part)
        rows = np.repeat(np.arange(lo, lo + len(lengths)), lengths)
        cols = np.arange(int(lengths.sum())) - np.repeat(part[:-1] - part[0], lengths)
        out[rows, cols] = data[part[0] : part[-1]]
    return out.view(f"S{width}").ravel()


#: Ids copied into the fixed-width array at a time (their positions take 16 bytes a
#: byte of id while they are copied).
_STEP = 1 << 20
