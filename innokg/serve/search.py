"""Search over every node's names and codes, fast enough for a million nodes.

Each searched field (the name; the pinyin initials of the name, the English name,
the id, the credit code, the stock code) is one long string holding one line per
node, normalised (full-width forms folded, lower case).  Nodes are written in order
of importance (most links first), so a scan with ``str.find`` meets the
best-connected matches first and stops once it has enough: a common word such as
郑州 answers in about a millisecond at a million nodes.  A query that matches little
costs one pass over the strings it searches (measured at 1M nodes on a busy machine:
40-75 ms for the 22M characters of names; ``pyarrow.compute.match_substring`` over
the same text took 250 ms and more).  A query with a character outside ASCII
searches the names; any other query the initials, English names, ids and codes.

Pinyin initials come from GB 2312, whose 3,755 first-level characters are ordered by
pinyin: their code ranges give the initial without a dictionary.  Second-level
characters (ordered by radical) have none, except the few of Henan's place names
listed in :data:`EXTRA_INITIALS`; a character with two readings gets its GB 2312
one (行 is x).  郑州宇通客车 has the initials ``zzytkc``.

Examples
--------
>>> initials("郑州宇通客车股份有限公司")
'zzytkcgfyxgs'
>>> initials("漯河市双汇")
'lhssh'
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

__all__ = ["EXTRA_INITIALS", "SearchIndex", "initials", "normalise"]

# GB 2312 section * 100 + position of the first first-level character of each initial.
_BOUNDS = (1601, 1637, 1833, 2078, 2274, 2302, 2433, 2594, 2787, 3106, 3212, 3472, 3635)
_BOUNDS += (3722, 3730, 3858, 4027, 4086, 4390, 4558, 4684, 4925, 5249, 5590)
_LETTERS = "abcdefghjklmnopqrstwxyz"

#: Initials of second-level GB 2312 characters in Henan's place names, and of place
#: names whose reading differs from the first-level order (浚县 is Xùn, 泌阳 Bì).
EXTRA_INITIALS = {
    "漯": "l",
    "濮": "p",
    "郾": "y",
    "荥": "x",
    "淇": "q",
    "杞": "q",
    "睢": "s",
    "郏": "j",
    "渑": "m",
    "偃": "y",
    "嵩": "s",
    "亳": "b",
    "鄢": "y",
    "栾": "l",
    "柘": "z",
    "潢": "h",
    "淅": "x",
    "颍": "y",
    "陟": "z",
    "瀍": "c",
    "邙": "m",
    "浚": "x",
    "泌": "b",
}


#: Separates the fields of a node and the nodes in the search strings; queries have it
#: replaced by a space, so a match never spans two fields.
_SEP = "\n"


@cache
def _initials_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for section in range(16, 56):
        for position in range(1, 95):
            code = section * 100 + position
            if code >= _BOUNDS[-1]:
                break
            try:
                char = bytes([section + 0xA0, position + 0xA0]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            table[ord(char)] = _LETTERS[bisect.bisect_right(_BOUNDS, code) - 1]
    table.update({ord(k): v for k, v in EXTRA_INITIALS.items()})
    return table


#: Full-width ASCII forms (（, Ａ, ０) and the ideographic space, to their plain forms.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalise(text: str) -> str:
    """Text as it is searched: full-width forms folded to plain ones, lower case, one line.

    >>> normalise("ＺＺ（示例）E01")
    'zz(示例)e01'
    """
    return text.translate(_WIDTH).lower().replace(_SEP, " ").replace("\r", " ")


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


#: Characters of a long string turned into code points at a time: at ten million nodes
#: a field's 400 million characters at once took 1.6 GB for each copy of them.  A
#: million at a time makes buffers of 4 MB, which the C allocator hands out again once
#: freed; buffers of 64 MB (16 million characters) it mapped anew each time, and the
#: kernel zeroed every page (docs/explorer.md: the page faults halved at ten million).
_SLICE = 1 << 20


def _line_slices(text: str) -> list[tuple[int, int]]:
    """``text`` cut into slices of about :data:`_SLICE` characters, each ending at a
    line's end (so that lower-casing a slice is lower-casing its lines)."""
    out, lo = [], 0
    while lo < len(text):
        hi = text.find(_SEP, lo + _SLICE) + 1 if lo + _SLICE < len(text) else len(text)
        hi = hi if hi > 0 else len(text)
        out.append((lo, hi))
        lo = hi
    return out


def _normalise_joined(text: str) -> str:
    """:func:`normalise` for a long string of lines, as array operations, a slice at a time."""
    if text.isascii():
        return text.lower()
    parts = []
    for lo, hi in _line_slices(text):
        cp = _codepoints(text[lo:hi]).copy()
        wide = (cp >= 0xFF01) & (cp <= 0xFF5E)
        cp[wide] -= 0xFEE0
        cp[cp == 0x3000] = 0x20
        parts.append(cp.tobytes().decode("utf-32-le").lower())
    return "".join(parts)


@cache
def _initials_lut() -> np.ndarray:
    """Code point (below U+10000) -> initial, ASCII letter, digit or separator; 0 drops it."""
    lut = np.zeros(0x10000, dtype=np.uint8)
    for c in "abcdefghijklmnopqrstuvwxyz0123456789" + _SEP:
        lut[ord(c)] = ord(c)
    for code, letter in _initials_table().items():
        lut[code] = ord(letter)
    return lut


def _initials_joined(text: str) -> str:
    """The initials of each line of a normalised string of lines."""
    parts = []
    for lo, hi in _line_slices(text):
        out = _initials_lut()[np.minimum(_codepoints(text[lo:hi]), 0xFFFF)]
        parts.append(out[out != 0].tobytes().decode("ascii"))
    return "".join(parts)


def initials(text: str) -> str:
    """The pinyin initials of the Chinese characters in ``text``, with its ASCII letters
    and digits; other characters are dropped (see the module's notes on coverage)."""
    return _initials_joined(normalise(text))


class SearchIndex:
    """Names, initials, English names and codes of a graph's nodes, searchable.

    Parameters
    ----------
    names, names_en, ids, credit_codes, stock_codes : pandas.Series
        One value per node position (missing values allowed, except ids).
    importance : numpy.ndarray
        A score per position; among equal matches the higher-scored come first.

    Examples
    --------
    >>> s = pd.Series
    >>> index = SearchIndex(s(["郑州宇通客车", "宇通配件厂"]), s(["Yutong Bus", None]),
    ...                     s(["E1", "E2"]), s([None, None]), s(["600066", None]),
    ...                     np.array([1.0, 5.0]))
    >>> [(h.pos, h.rank) for h in index.search("宇通")]
    [(1, 1), (0, 2)]
    >>> [(h.pos, h.rank) for h in index.search("zzyt")], index.search("600066")[0].pos
    ([(0, 1)], 0)
    >>> [(h.pos, h.rank) for h in index.search("bus")]
    [(0, 1)]
    """

    def __init__(
        self,
        names: pd.Series,
        names_en: pd.Series,
        ids: pd.Series,
        credit_codes: pd.Series,
        stock_codes: pd.Series,
        importance: np.ndarray,
    ) -> None:
        n = len(ids)
        #: row (importance order) -> node position
        self.order = np.lexsort((np.arange(n), -np.asarray(importance, dtype=np.float64)))

        def text(series: pd.Series) -> str:
            # one normalisation of all values joined, not one call per value, and joined
            # by Arrow rather than through a Python string per value
            return _normalise_joined(_joined(series, self.order))

        def latin(series: pd.Series) -> _Lines:
            return _Lines(text(series), n, gram=3)

        # the Latin fields on a thread of their own while this one does the names: about
        # half of the work each, and much of it (Arrow's joins, NumPy's passes) lets the
        # other run
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            others = [pool.submit(latin, f) for f in (names_en, ids, credit_codes, stock_codes)]
            name = text(names)
            self._cjk = [_Lines(name, n, gram=2)]
            # every name's initials at once, from the joined names
            self._latin = [_Lines(_initials_joined(name), n, gram=3)]
            self._latin += [f.result() for f in others]
        finally:  # on an error (or Ctrl-C) the fields not yet begun are not built
            pool.shutdown(cancel_futures=True)

    def __len__(self) -> int:
        return len(self.order)

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as NumPy arrays (the text of each field as UTF-8 bytes), for
        keeping beside the package: :meth:`from_arrays` gives it back without building
        it again (at ten million nodes building takes about half a minute).

        >>> s = pd.Series
        >>> index = SearchIndex(s(["郑州宇通客车"]), s(["Yutong Bus"]), s(["E1"]),
        ...                     s([None]), s([None]), np.array([1.0]))
        >>> again = SearchIndex.from_arrays(index.arrays())
        >>> [(h.pos, h.rank) for h in again.search("郑州")], again.search("bus")[0].rank
        ([(0, 1)], 1)
        """
        out = {"order": self.order}
        for i, lines in enumerate([*self._cjk, *self._latin]):
            out[f"text{i}"] = np.frombuffer(lines.text.encode("utf-8"), dtype=np.uint8)
            out[f"bits{i}"] = lines.bits
            out[f"starts{i}"] = lines.starts
            out[f"shape{i}"] = np.array([lines.gram, lines.empty], dtype=np.int64)
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> SearchIndex:
        """The index :meth:`arrays` gave (``ValueError`` when they do not hold one)."""
        index = cls.__new__(cls)
        index.order = arrays["order"]
        fields = []
        for i in range(_FIELDS):
            gram, empty = (int(v) for v in arrays[f"shape{i}"])
            text = str(memoryview(arrays[f"text{i}"]), "utf-8")  # decoded, not copied first
            starts = arrays[f"starts{i}"]
            if len(starts) != len(index.order) + 1:
                raise ValueError("the kept search index does not fit its nodes")
            fields.append(_Lines.kept(text, arrays[f"bits{i}"], starts, gram, bool(empty)))
        index._cjk, index._latin = fields[:1], fields[1:]
        return index

    def search(self, query: str, *, limit: int = 20) -> list[Hit]:
        """The best ``limit`` nodes for ``query``.

        Exact matches first (rank 0: a name, id, credit code, stock code or English
        name equal to the query), then those with a field or a word of one that begins
        with it (rank 1: name, initials, English name, id, codes), then those holding
        it anywhere (rank 2); the best connected first within a rank.
        """
        q = normalise(query).strip()
        if not q or limit <= 0:
            return []
        ranks: dict[int, int] = {}
        for lines in self._latin if q.isascii() else self._cjk:
            for row, rank in lines.search(q, limit):
                ranks[row] = min(ranks.get(row, 2), rank)
        best = sorted(ranks.items(), key=lambda kv: (kv[1], kv[0]))[:limit]
        return [Hit(int(self.order[row]), rank) for row, rank in best]


def _joined(series: pd.Series, order: np.ndarray) -> str:
    """The values of ``series`` in ``order``, one line each ("" where missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(series.astype("str").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.large_string()).take(pa.array(order)).fill_null("")
    if pc.any(pc.match_substring_regex(values, r"[\r\n]")).as_py():  # seldom: half the cost
        values = pc.replace_substring_regex(values, r"[\r\n]", " ")
    lines = pa.LargeListArray.from_arrays(pa.array([0, len(values)], pa.int64()), values)
    text: str = pc.binary_join(lines, pa.scalar(_SEP, pa.large_string()))[0].as_py()
    return text


@dataclass(frozen=True)
class Hit:
    """One search result: the node's position and its rank (0 exact, 1 prefix, 2 within)."""

    pos: int
    rank: int


#: Characters per block of the n-gram filter, and how far a block's n-grams reach into
#: the next (the longest needle the filter serves).
_BLOCK = 1 << 14
_REACH = 64
#: Buckets of the n-gram hash (one bit each per block).
_BUCKETS = 1 << 16


def _grams(cp: np.ndarray, n: int) -> np.ndarray:
    """The hash bucket of every run of ``n`` code points."""
    m = len(cp) - n + 1
    h = cp[:m].astype(np.uint64)
    for k in range(1, n):
        h = h * np.uint64(1_000_003) + cp[k : m + k]
    return (h & np.uint64(_BUCKETS - 1)).astype(np.int64)


#: Searched fields: the name, its initials, the English name, the id and two codes.
_FIELDS = 6


class _Lines:
    """One field of every node, one line per node (importance order), in one string.

    A filter of n-grams per block of the string (bigrams for names, trigrams for
    Latin text; hashed into :data:`_BUCKETS` bits) lets a scan skip the blocks that
    cannot hold the needle: at a million nodes a search for something rare reads a
    few blocks instead of the whole string.
    """

    def __init__(self, joined: str, n: int, *, gram: int) -> None:
        self.text = text = _SEP + joined + _SEP
        ascii_ = text.isascii()

        def points(lo: int, hi: int) -> np.ndarray:
            part = text[lo:hi]
            return np.frombuffer(part.encode("ascii"), np.uint8) if ascii_ else _codepoints(part)

        self.gram = gram
        # no values at all (only the n + 1 separators): every scan is skipped
        self.empty = len(text) == n + 1
        blocks = (len(text) + _BLOCK - 1) // _BLOCK
        self.bits = np.zeros((blocks, _BUCKETS // 8), dtype=np.uint8)
        seen = np.zeros(_BUCKETS, dtype=bool)
        starts = []
        # the text's code points a stretch of blocks at a time (see _SLICE), each read once
        # for the line starts and the blocks' n-grams
        step = max(_SLICE // _BLOCK, 1) * _BLOCK
        for lo in range(0, len(text), step):
            cp = points(lo, lo + step + _REACH + gram - 1)
            starts.append(np.flatnonzero(cp[:step] == 10) + lo + 1)
            for b in range(lo // _BLOCK, 0 if self.empty else min(blocks, (lo + step) // _BLOCK)):
                at = b * _BLOCK - lo
                part = cp[at : at + _BLOCK + _REACH + gram - 1]
                if len(part) >= gram:
                    seen[:] = False
                    seen[_grams(part, gram)] = True
                    self.bits[b] = np.packbits(seen)
        #: offset of each line's first character in ``text`` (and one past the last line)
        self.starts = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
        if len(self.starts) != n + 1:
            raise ValueError(f"{len(self.starts) - 1} lines for {n} nodes")

    @classmethod
    def kept(
        cls, text: str, bits: np.ndarray, starts: np.ndarray, gram: int, empty: bool
    ) -> _Lines:
        """A field as :meth:`SearchIndex.arrays` kept it."""
        lines = cls.__new__(cls)
        lines.text, lines.bits, lines.starts = text, bits, starts
        lines.gram, lines.empty = gram, empty
        blocks = (len(text) + _BLOCK - 1) // _BLOCK
        if bits.shape != (blocks, _BUCKETS // 8) or starts[-1:].tolist() != [len(text)]:
            raise ValueError("the kept search index does not fit its text")
        return lines

    def line(self, row: int) -> str:
        return self.text[self.starts[row] : self.starts[row + 1] - 1]

    def _ranges(self, needle: str) -> list[tuple[int, int]]:
        """Where a match of ``needle`` may start: ``(from, to)`` offsets, in order."""
        if len(needle) < self.gram or len(needle) > _REACH:
            return [(0, len(self.text))]
        h = _grams(_codepoints(needle), self.gram)
        hit = (self.bits[:, h >> 3] & (128 >> (h & 7)).astype(np.uint8)).all(axis=1)
        out: list[tuple[int, int]] = []
        for b in np.flatnonzero(hit).tolist():
            lo, hi = b * _BLOCK, min((b + 1) * _BLOCK, len(self.text))
            if out and out[-1][1] == lo:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        return out

    def scan(self, needle: str, want: int) -> list[int]:
        """The first ``want`` rows whose line holds ``needle`` (a leading separator
        stands for the start of the line)."""
        rows: list[int] = []
        shift = 1 if needle.startswith(_SEP) else 0
        text, starts, last = self.text, self.starts, len(self.starts) - 1
        for lo, hi in self._ranges(needle):
            end = hi + len(needle) - 1  # a match starting before hi may end past it
            i = text.find(needle, lo, end)
            while i >= 0 and len(rows) < want:
                row = int(np.searchsorted(starts, i + shift, "right")) - 1
                if row >= last:
                    break
                if not rows or rows[-1] != row:
                    rows.append(row)
                i = text.find(needle, max(int(starts[row + 1]) - shift, i + 1), end)
            if len(rows) >= want:
                break
        return rows

    def search(self, q: str, limit: int) -> list[tuple[int, int]]:
        """``(row, rank)`` of the best matches of ``q`` in this field."""
        if self.empty:
            return []
        rows = self.scan(q, limit)
        if len(rows) == limit:
            # a common word: the lines that begin with it may lie past the first found
            rows += self.scan(_SEP + q, limit)
        return [(row, self.rank(row, q)) for row in rows]

    def rank(self, row: int, q: str) -> int:
        """0: the line equals ``q``; 1: it or a word of it begins with ``q``; 2: else."""
        line = self.line(row)
        if line == q:
            return 0
        return 1 if line.startswith(q) or f" {q}" in line else 2
