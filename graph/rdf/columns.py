"""Whole columns as RDF text, with Arrow's string kernels instead of a Python loop per value.

Every function here returns, for a column, exactly the text the one-value-at-a-time
rules give (:func:`~innokg.graph.rdf.iris.encode_id`, :func:`escape_text`,
:func:`~innokg.graph.rdf.turtle.xsd_double`); the rare values those kernels cannot
spell the same way (non-ASCII ids, control characters, very small or very large
doubles) are handed to the Python rules, one distinct value at a time.

Examples
--------
>>> import pandas as pd
>>> encode_column(pd.Series(["E1", "region:41", "-x", "甲"], dtype="string")).to_pylist()
['E1', 'region%3A41', '%2Dx', '%E7%94%B2']
>>> quoted_text(pd.Series(['say "hi"', None], dtype="string")).to_pylist()
['"say \\\\"hi\\\\""', None]
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innokg.graph.rdf.iris import encode_id

__all__ = [
    "CONTROL",
    "affix",
    "concat",
    "double_text",
    "encode_column",
    "escape_text",
    "int_text",
    "lit",
    "quoted_text",
    "text_bytes",
    "to_text",
    "xsd_double",
]

TEXT = pa.large_string()
_END = 2**62  # a slice position past the end of any value
#: Control characters a quoted string spells as ``\\uXXXX`` (tab, newline and return aside).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL_BYTES = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
#: Escapes of a quoted string, in the order they apply (the backslash first).
_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
#: Bytes an id keeps as they are (quote's unreserved set less ``.`` and ``~``).
_ID_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def escape_text(text: str) -> str:
    """Escape ``text`` for a double-quoted Turtle or N-Triples string.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text with backslash, quote, newline, return and tab escaped, and other
        control characters as ``\\uXXXX``.

    Examples
    --------
    >>> print(escape_text('a "b"\\n\\x01'))
    a \\"b\\"\\n\\u0001
    """
    for char, escaped in _ESCAPES:
        text = text.replace(char, escaped)
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def xsd_double(value: float) -> str:
    """The xsd:double lexical form of ``value`` that reads back as the same float.

    Parameters
    ----------
    value : float
        Any float, NaN and infinities included.

    Returns
    -------
    str
        Python's shortest round-trip spelling, or ``NaN``, ``INF``, ``-INF``.

    Examples
    --------
    >>> xsd_double(0.1), xsd_double(2.0), xsd_double(float("-inf"))
    ('0.1', '2.0', '-INF')
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def lit(text: str) -> pa.Scalar:
    """``text`` as an Arrow scalar of the columns' string type.

    Parameters
    ----------
    text : str
        A constant piece of the output.

    Returns
    -------
    pyarrow.Scalar
        A ``large_string`` scalar, to join with columns.

    Examples
    --------
    >>> lit(" a ").as_py()
    ' a '
    """
    return pa.scalar(text, TEXT)


def affix(arr: pa.Array, before: str = "", after: str = "") -> pa.Array:
    """Each value with ``before`` and ``after`` around it (missing stays missing).

    Parameters
    ----------
    arr : pyarrow.Array
        A text column.
    before, after : str
        Constant text to put around every value.

    Returns
    -------
    pyarrow.Array
        The column with the constants added (a byte-slice insert, much cheaper than
        joining with a constant column).

    Examples
    --------
    >>> import pyarrow as pa
    >>> affix(pa.array(["a", None], pa.large_string()), "<", ">").to_pylist()
    ['<a>', None]
    """
    if before:
        arr = pc.binary_replace_slice(arr, 0, 0, before)
    if after:
        arr = pc.binary_replace_slice(arr, _END, _END, after)
    return arr


def concat(*parts: pa.Array | str, skip_null: bool = False) -> pa.Array:
    """Join columns and constants row by row.

    Parameters
    ----------
    *parts : pyarrow.Array or str
        Text columns of one length, and constants; at least one column.
    skip_null : bool
        Treat a missing value as empty text; by default a row with any missing
        part is missing.

    Returns
    -------
    pyarrow.Array
        One text per row.

    Examples
    --------
    >>> import pyarrow as pa
    >>> concat("<", pa.array(["a", None], pa.large_string()), ">").to_pylist()
    ['<a>', None]
    >>> concat("<", pa.array(["a", None], pa.large_string()), ">", skip_null=True).to_pylist()
    ['<a>', '<>']
    """
    # a constant rides on a neighbouring column with no missing values (or on any
    # column when a missing value empties the row anyway); the rest are joined
    columns: list[pa.Array | str] = []
    pending = ""
    length = next(len(p) for p in parts if not isinstance(p, str))
    for part in parts:
        if isinstance(part, str):
            last = columns[-1] if columns else None
            if isinstance(last, pa.Array) and (not skip_null or last.null_count == 0):
                columns[-1] = affix(last, after=part)
            else:
                pending += part
            continue
        if skip_null and part.null_count == len(part):
            continue  # adds nothing to any row
        if pending and (not skip_null or part.null_count == 0):
            part, pending = affix(part, before=pending), ""
        elif pending:
            columns.append(pending)
            pending = ""
        columns.append(part)
    if pending:
        columns.append(pending)
    arrays = [c for c in columns if isinstance(c, pa.Array)]
    if not arrays:
        return pa.array(np.full(length, "".join(map(str, columns)), dtype=object), TEXT)
    if len(columns) == 1 and (not skip_null or arrays[0].null_count == 0):
        return arrays[0]
    args = [lit(c) if isinstance(c, str) else c for c in columns]
    if skip_null:
        return pc.binary_join_element_wise(
            *args, lit(""), null_handling="replace", null_replacement=""
        )
    return pc.binary_join_element_wise(*args, lit(""))


def text_bytes(arr: pa.Array) -> memoryview:
    """The UTF-8 bytes of a text column's values, end to end, without copying.

    Parameters
    ----------
    arr : pyarrow.Array
        A ``string`` or ``large_string`` array (missing values count as empty).

    Returns
    -------
    memoryview
        The values' bytes, in order.

    Examples
    --------
    >>> import pyarrow as pa
    >>> bytes(text_bytes(pa.array(["ab", "c", "d"]).slice(1)))
    b'cd'
    """
    if len(arr) == 0:
        return memoryview(b"")
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    _, offsets, data = arr.buffers()
    ends = np.frombuffer(offsets, dtype=width)[arr.offset : arr.offset + len(arr) + 1]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(ends[0]) : int(ends[-1])]


def _byte_counts(arr: pa.Array) -> np.ndarray:
    """How often each byte value occurs in the column's text."""
    return np.bincount(np.frombuffer(text_bytes(arr), dtype=np.uint8), minlength=256)


def to_text(series: pd.Series) -> pa.Array:
    """A pandas column as an Arrow text column (missing values stay missing).

    Parameters
    ----------
    series : pandas.Series
        Text, or values whose ``str`` is wanted.

    Returns
    -------
    pyarrow.Array
        A ``large_string`` array.

    Examples
    --------
    >>> import pandas as pd
    >>> to_text(pd.Series(["a", None])).to_pylist()
    ['a', None]
    """
    arr = pa.array(series.astype("string").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if arr.type == TEXT else arr.cast(TEXT)


def _replace_rows(arr: pa.Array, mask: np.ndarray, values: list[str]) -> pa.Array:
    if not values:
        return arr
    return pc.replace_with_mask(arr, pa.array(mask), pa.array(values, TEXT))


def encode_column(ids: pd.Series) -> pa.Array:
    """:func:`~innokg.graph.rdf.iris.encode_id` of every id in a column.

    Ids of ASCII letters, digits, ``_`` and ``-`` need at most their leading ``-``
    encoded; other ASCII characters are replaced one kind at a time over the whole
    column; ids with other characters are encoded in Python, each distinct one once.

    Parameters
    ----------
    ids : pandas.Series
        Node ids.

    Returns
    -------
    pyarrow.Array
        One IRI segment per id (missing where the id is).

    Examples
    --------
    >>> import pandas as pd
    >>> encode_column(pd.Series(["a.b", "100%", "x y"])).to_pylist()
    ['a%2Eb', '100%25', 'x%20y']
    """
    arr = to_text(ids)
    counts = _byte_counts(arr)
    out = arr
    present = [b for b in np.flatnonzero(counts[:128]) if b not in _ID_SAFE]
    # '%' first: the replacements of the others bring in '%' of their own
    for b in sorted(present, key=lambda b: b != ord("%")):
        out = pc.replace_substring(out, chr(b), f"%{b:02X}")
    if counts[ord("-")]:
        out = pc.replace_substring_regex(out, "^-", "%2D", max_replacements=1)
    if counts[128:].any():
        wide = ~np.asarray(pc.fill_null(pc.string_is_ascii(arr), True), dtype=bool)
        texts = pd.Series(np.asarray(arr.filter(pa.array(wide)).to_pylist(), dtype=object))
        codes, uniques = pd.factorize(texts)
        encoded = np.array([encode_id(u) for u in uniques], dtype=object)
        out = _replace_rows(out, wide, list(encoded[codes]))
    return out


def quoted_text(series: pd.Series) -> pa.Array:
    """Each value as a double-quoted, escaped string literal (missing stays missing).

    Parameters
    ----------
    series : pandas.Series
        Text values.

    Returns
    -------
    pyarrow.Array
        ``"..."`` per value, escaped as :func:`escape_text` does.

    Examples
    --------
    >>> import pandas as pd
    >>> quoted_text(pd.Series(["a\\\\b", "line\\nbreak"])).to_pylist()
    ['"a\\\\\\\\b"', '"line\\\\nbreak"']
    """
    arr = to_text(series)
    counts = _byte_counts(arr)
    out = arr
    for char, escaped in _ESCAPES:
        if counts[ord(char)]:
            out = pc.replace_substring(out, char, escaped)
    if counts[_CONTROL_BYTES].any():
        hit = np.asarray(pc.fill_null(pc.match_substring_regex(out, _CONTROL_RE2), False))
        fixed = [
            CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", s)
            for s in out.filter(pa.array(hit)).to_pylist()
        ]
        out = _replace_rows(out, hit, fixed)
    return concat('"', out, '"')


def int_text(series: pd.Series) -> pa.Array:
    """Whole numbers in decimal (missing stays missing).

    Parameters
    ----------
    series : pandas.Series
        Integer values.

    Returns
    -------
    pyarrow.Array
        The decimal text of each.

    Examples
    --------
    >>> import pandas as pd
    >>> int_text(pd.Series([2016, None, -3], dtype="Int64")).to_pylist()
    ['2016', None, '-3']
    """
    arr = pa.array(series.astype("Int64").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.cast(arr, TEXT)


def double_text(values: np.ndarray, present: np.ndarray) -> pa.Array:
    """:func:`xsd_double` of each present value; missing elsewhere.

    Arrow spells a double with the same shortest digits as Python; where it writes
    them positionally (no exponent) and Python would too (``1e-4 <= |v| < 1e16``),
    only a whole number's ``.0`` differs.  The rest are spelt by Python.

    Parameters
    ----------
    values : numpy.ndarray
        Floats.
    present : numpy.ndarray
        Which of them have a value.

    Returns
    -------
    pyarrow.Array
        The lexical forms.

    Examples
    --------
    >>> import numpy as np
    >>> double_text(np.array([0.5, 3.0, 1e20, np.nan]), np.array([1, 1, 1, 0], bool)).to_pylist()
    ['0.5', '3.0', '1e+20', None]
    """
    values = np.where(present, values, 0.0)
    text = pc.cast(pa.array(values), TEXT)
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        plain = np.isfinite(values) & ((size >= 1e-4) | (size == 0)) & (size < 1e16)
    has_e = np.asarray(pc.match_substring(text, "e"), dtype=bool)
    plain &= ~has_e
    whole = plain & (values == np.floor(np.where(plain, values, 0.0)))
    text = pc.if_else(pa.array(whole), concat(text, ".0"), text)
    other = present & ~plain
    if other.any():
        text = _replace_rows(text, other, [xsd_double(v) for v in values[other]])
    return pc.if_else(pa.array(present), text, pa.scalar(None, TEXT))
