"""The canonical table source: a folder of node and edge tables, or one workbook.

A folder holds ``nodes/<Label>.csv`` and ``edges/<TYPE>.csv`` (or ``.parquet``);
a workbook (``.xlsx``) holds one sheet per label or type, named by it.  Headers are
the schema's property names (see ``docs/schema.md``); edge tables start with
``from_id`` and ``to_id``.

CSV files may be UTF-8 (with or without a BOM) or GB18030/GBK, as Chinese
government spreadsheets often are.  The encoding is detected by decoding strictly,
UTF-8 first, and the one used is reported; a file that is neither is an error, never
a silent guess.

Cells are read as text; typing and every check against the schema happen in
:func:`innokg.graph.validate.validate_tables`, which names file, row and column.  Row
numbers are those a spreadsheet shows: the header is row 1.

Columns of a node table that match no property (a registration extract's 经营期限,
say) are kept in the node's ``attributes``, one JSON object per row, with a warning
naming them (``extra_columns="keep"``, the default); with ``"reject"`` they are left
for validation to report as one problem naming the file and the columns.

Examples
--------
>>> decode_text(b"\\xef\\xbb\\xbfid,name\\n", "x.csv")
('id,name\\n', 'utf-8-sig')
>>> decode_text("名称".encode("gb18030"), "x.csv")[1]
'gb18030'
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from innokg.graph.errors import SourceError
from innokg.graph.headers import HEADER_ALIASES, canonical_header, header_key, suggest_column
from innokg.graph.schema import NODE_LABELS
from innokg.graph.validate import EXTRA_COLUMN_MODES, pack_attributes, unmatched_columns
from innokg.loaders.base import SourceTables

__all__ = [
    "DEFECT_COLUMN",
    "HEADER_ALIASES",
    "canonical_header",
    "decode_text",
    "header_key",
    "looks_like_tables",
    "read_csv_table",
    "read_tables_source",
    "suggest_column",
]

#: A private column: why a row could not be read as a row of its table (validation
#: reports it at the row; a lenient build rejects that row alone).
DEFECT_COLUMN = "_defect"

_MAX_CELL = 1_000_000  # characters; longer cells are refused (see docs/security.md)
_MAX_FIELD = 64 * 1024 * 1024  # characters the CSV parser takes in one cell
_MAX_COLUMNS = 1_000  # no label or type has more than a few dozen properties
_MAX_UNZIPPED = 512 * 1024 * 1024  # bytes a workbook may unpack to
_MAX_RATIO = 200  # compression ratio above which a workbook is treated as a zip bomb


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file strictly: UTF-8 (BOM or not), else GB18030; else an error.

    A file that is mostly valid UTF-8 with a few bad bytes (cut short, or lines pasted
    from a GBK file) is an error at the first bad line, never re-read as GB18030:
    that would turn every Chinese character in it into the wrong one.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file as messages name it (``nodes/Enterprise.csv``).

    Returns
    -------
    tuple of (str, str)
        The text and the encoding used: ``utf-8``, ``utf-8-sig`` (with a BOM) or
        ``gb18030``.

    Raises
    ------
    SourceError
        For UTF-16, NUL bytes, a UTF-8 file with bad bytes (naming the line) or text
        in neither encoding.

    Examples
    --------
    >>> decode_text("id,name\\n1,郑州\\n".encode("gb18030"), "x.csv")
    ('id,name\\n1,郑州\\n', 'gb18030')
    >>> decode_text("名称,郑州".encode("utf-8")[:-1], "x.csv")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: x.csv: line 1: the file ends in the middle of a character; ...
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"{name}: is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead"
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(
            f"{name}: line {line} contains NUL bytes; this is not a text table "
            "(save it as CSV, UTF-8)"
        )
    try:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        bad = exc
    line = data[: bad.start].count(b"\n") + 1
    high = sum(1 for b in data if b >= 0x80)
    replaced = data.decode("utf-8", errors="replace").count("\ufffd")
    if replaced * 4 < high:  # mostly UTF-8: a damaged or mixed file, not a GB18030 one
        if bad.reason == "unexpected end of data":
            raise SourceError(
                f"{name}: line {line}: the file ends in the middle of a "
                "character; it was probably cut short: export it again"
            )
        raise SourceError(
            f"{name}: line {line} has bytes that are not UTF-8 while the rest "
            "of the file is UTF-8 (mixed encodings?); re-save it as UTF-8"
        )
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise SourceError(
            f"{name}: line {line} is neither UTF-8 nor GB18030 (byte offset {bad.start});"
            " re-save the file as UTF-8"
        ) from None


def read_csv_table(path: Path, display: str) -> tuple[pd.DataFrame, str]:
    """Read one CSV file as text cells with provenance columns; return it and its encoding.

    A row with more or fewer cells than the header is not a stop: it is kept with the
    reason in a ``_defect`` column (its cells cut or padded to the header), so that
    validation reports every such row at once and a lenient build rejects just it.

    Parameters
    ----------
    path : Path
        The CSV file, UTF-8 or GB18030 (see :func:`decode_text`).
    display : str
        The file as messages and the ``_file`` column name it.

    Returns
    -------
    tuple of (DataFrame, str)
        Every cell as text (blank rows dropped), ``_defect`` when some row is not
        well formed, ``_file`` and ``_row`` (the spreadsheet row: the header is row
        1); and the encoding used.

    Raises
    ------
    SourceError
        When the file is empty, cannot be decoded, repeats a column or has a cell
        too long to be data.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "Region.csv"
    >>> _ = path.write_text("id,name\\nr1,郑州市,city\\n\\nr2,开封市\\n", encoding="gb18030")
    >>> df, encoding = read_csv_table(path, "nodes/Region.csv")
    >>> encoding
    'gb18030'
    >>> df[["id", "name", "_row"]].values.tolist()
    [['r1', '郑州市', 2], ['r2', '开封市', 4]]
    >>> df["_defect"].tolist()
    ['not a well-formed CSV row (line 2 has 3 cells but the header has 2); ...', '']
    >>> tmp.cleanup()
    """
    text, encoding = decode_text(path.read_bytes(), display)
    if "\ufeff" in text:
        raise SourceError(
            f"{display}: a byte-order mark stands inside the file (line "
            f"{text[: text.index(chr(0xFEFF))].count(chr(10)) + 1}); files were "
            "probably joined together: remove it and re-save as UTF-8"
        )
    if not text.strip():
        raise SourceError(f"{display}: the file is empty; give it a header row at least")
    first_line = text.split("\n", 1)[0]
    if first_line.count(",") >= _MAX_COLUMNS:
        raise SourceError(
            f"{display}: the header has {first_line.count(',') + 1:,} columns (limit "
            f"{_MAX_COLUMNS:,}); this is not an innokg table"
        )
    records, lines = _parse_csv(text, display)
    header = [c.strip() for c in records[0]]
    width = len(header)
    body = records[1:]
    defects: list[str] = []
    # only the rows of another width need a look (most files have none)
    for k in [k for k, n in enumerate(map(len, body)) if n != width]:
        cells = body[k]
        n = len(cells)
        if n == 0 or not any(c.strip() for c in cells):
            body[k] = [""] * width  # a blank line: dropped below
            continue
        start, end = lines[k + 1] if lines is not None else (k + 2, k + 2)
        where = f"line {start}" if start == end else f"lines {start}-{end}"
        if n > width:
            extra = [c for c in cells[width:] if c.strip()]
            what = f"has {n:,} cells but the header has {width}"
            cells = cells[:width]
            if not extra:
                what += " (the extra cells are empty: a trailing comma?)"
        else:
            what = f"has {n} cell(s) but the header has {width}"
            cells = cells + [""] * (width - n)
        if not defects:
            defects = [""] * len(body)
        defects[k] = f"not a well-formed CSV row ({where} {what}); check its quoting and commas"
        body[k] = cells
    df = (
        pd.DataFrame(body, columns=header, dtype=str)
        if body
        else pd.DataFrame({c: pd.Series(dtype=str) for c in header})
    )
    _check_cells(df, display)
    if any(defects):
        df[DEFECT_COLUMN] = defects
    df = _provenance(df, display, first_row=2)
    blank = (df[header] == "").all(axis=1) if header else pd.Series(False, index=df.index)
    return df[~blank].reset_index(drop=True), encoding


def _parse_csv(text: str, display: str) -> tuple[list[list[str]], list[tuple[int, int]] | None]:
    """Every record of a CSV text, with the lines each spans (a quoted cell may span more);
    None for the lines when each record is one line (record k on line k + 1)."""
    if csv.field_size_limit() < _MAX_FIELD:
        csv.field_size_limit(_MAX_FIELD)  # longer cells are refused with a clear message
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
        if records and reader.line_num == len(records):
            return records, None
        # a quoted cell spans lines: read again, noting the lines of each record
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records, start = [], 1
        lines: list[tuple[int, int]] = []
        for cells in reader:
            records.append(cells)
            lines.append((start, reader.line_num))
            start = reader.line_num + 1
    except csv.Error as exc:
        why = f"{exc} at line {reader.line_num}: a quote is probably never closed"
        try:  # pandas words the same failure as earlier versions of innokg reported it
            pd.read_csv(io.StringIO(text), header=None, dtype=str, engine="c")
        except (pd.errors.ParserError, ValueError) as pexc:
            why = str(pexc).strip()
        raise SourceError(
            f"{display}: not a well-formed CSV table ({why}); check the quoting and the "
            "number of cells on that line"
        ) from None
    if not records:
        raise SourceError(f"{display}: the file is empty; give it a header row at least")
    return records, lines


#: Signs of text decoded with the wrong encoding before it reached innokg: U+FFFD
#: replacement characters, GBK's 锟斤拷 / 烫烫烫 for them, UTF-8 read as Latin-1/cp1252.
_MOJIBAKE_RE = re.compile(
    "\ufffd|锟斤拷|烫烫烫|屯屯屯|[\u00c2\u00c3][\u0080-\u00bf]"
    "|[\u00e4-\u00e9][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]{2}"
)
GARBLED_WARNING = (
    "text holds U+FFFD replacement characters or mojibake (decoded with the wrong "
    "encoding before it reached innokg); re-export these rows from the original"
)


def _garbled_rows(df: pd.DataFrame) -> pd.Series:
    """True for rows where any text cell looks garbled."""
    hit = pd.Series(False, index=df.index)
    for col in df.columns:
        if str(col).startswith("_") or not (
            pd.api.types.is_string_dtype(df[col].dtype) or df[col].dtype == object
        ):
            continue
        text = df[col].astype("string")
        maybe = text.str.contains("[\ufffd\u00c2-\u00e9锟烫屯]", regex=True).fillna(False)
        if maybe.any():
            hit |= maybe & text.str.contains(_MOJIBAKE_RE).fillna(False)
    return hit


def _prepare(
    df: pd.DataFrame, name: str, display: str, source: SourceTables, extra: str = "keep"
) -> pd.DataFrame:
    """Canonical headers, extra columns kept in ``attributes`` and garbled-text
    warnings, for one table read."""
    df, renamed = canonical_header(df, name, display)
    if renamed:
        shown = ", ".join(f"{a!r} as {b!r}" for a, b in renamed)
        source.warnings.append(f"{display}: read the header {shown}")
        source.ledger.fix("header renamed to the schema's column", len(renamed))
    if extra == "keep" and name in NODE_LABELS:
        df = _keep_extra_columns(df, name, display, source)
    garbled = _garbled_rows(df)
    if garbled.any():
        rows = df.loc[garbled, "_row"].astype(int).tolist()
        shown = ", ".join(str(r) for r in rows[:10]) + (
            f" and {len(rows) - 10:,} more" if len(rows) > 10 else ""
        )
        source.warnings.append(f"{display}: row(s) {shown}: {GARBLED_WARNING}")
        source.ledger.warn(
            GARBLED_WARNING, len(rows), where=[f"{display}, row {r}" for r in rows[:3]]
        )
    return df


def _keep_extra_columns(
    df: pd.DataFrame, name: str, display: str, source: SourceTables
) -> pd.DataFrame:
    """Fold the columns that match no property into ``attributes``, saying which.

    The rows that keep a value are counted as a warning naming the columns (and the
    property a misspelt one probably means).  Merging then treats ``attributes`` like
    any property (the first source's value is kept where two sources give one node).
    """
    extra = unmatched_columns(df, name)
    if not extra:
        return df
    packed = pack_attributes(df, name)
    if packed is df:  # a required column is missing: validation reports the table
        return df
    guesses = [
        f"{g!r} for {c!r}" for c in extra if (g := suggest_column(c, name)) and g not in df.columns
    ]
    hint = f"; did you mean {', '.join(guesses)}? rename to use the property" if guesses else ""
    shown = ", ".join(repr(c) for c in extra)
    message = (
        f"{display}: kept column(s) {shown} in attributes (they match no property of {name}){hint}"
    )
    source.warnings.append(message)
    kept = packed["attributes"].notna()
    source.ledger.warn(
        message,
        int(kept.sum()),
        where=[f"{display}, row {r}" for r in packed.loc[kept, "_row"].head(3).tolist()],
    )
    return packed


def _check_cells(df: pd.DataFrame, display: str) -> None:
    seen: set[str] = set()
    for col in df.columns:
        if col in seen:
            raise SourceError(f"{display}: column {col!r} appears twice in the header; keep one")
        seen.add(col)
    for col in df.columns:
        lengths = df[col].str.len()
        if len(lengths) and lengths.max() > _MAX_CELL:
            row = int(lengths.idxmax()) + 2
            raise SourceError(
                f"{display}, row {row}, column {col!r}: a cell of "
                f"{lengths.max():,} characters (limit {_MAX_CELL:,})"
            )


def _provenance(df: pd.DataFrame, display: str, *, first_row: int) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs["file"] = display  # names the file even when it has no rows
    df["_file"] = display
    df["_row"] = range(first_row, first_row + len(df))
    return df


def _read_parquet(path: Path, display: str) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise SourceError(f"{display}: not a readable Parquet file ({exc})") from None
    return _provenance(df, display, first_row=1)


def _read_workbook(path: Path, source: SourceTables, extra: str) -> None:
    try:
        import openpyxl
    except ImportError:
        raise SourceError(
            "reading .xlsx needs the Excel extra: pip install 'innokg[excel]'"
        ) from None
    from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

    _check_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise SourceError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    for sheet in book.worksheets:
        display = f"{path.name}[{sheet.title}]"
        if sheet.sheet_state != "visible":
            source.warnings.append(f"{display}: sheet is hidden; read all the same")
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            continue
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        body = [["" if v is None else str(v) for v in r] for r in rows[1:]]
        df = _provenance(pd.DataFrame(body, columns=header, dtype=str), display, first_row=2)
        df = df.loc[:, [c for c in df.columns if c != ""]]
        df = _prepare(df, sheet.title, display, source, extra)
        target = source.nodes if sheet.title in NODE_LABELS else source.edges
        if sheet.title not in NODE_LABELS and sheet.title not in EDGE_TYPES:
            source.unknown.append(display)
        target[sheet.title] = df
        source.rows_read += len(df)
    book.close()


def _check_zip(path: Path) -> None:
    """Refuse a workbook that would unpack to far more than it holds (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > _MAX_UNZIPPED or unpacked / packed > _MAX_RATIO:
        raise SourceError(
            f"{path.name}: unpacks to {unpacked:,} bytes from {packed:,} (ratio "
            f"{unpacked / packed:,.0f}); refusing it as a possible zip bomb"
        )


def looks_like_tables(path: Path) -> bool:
    """True for a folder with nodes/ or edges/, or an .xlsx workbook.

    Parameters
    ----------
    path : Path
        The file or folder given as a source.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> looks_like_tables(folder), looks_like_tables(folder / "graph.xlsx")
    (False, False)
    >>> (folder / "nodes").mkdir()
    >>> looks_like_tables(folder)
    True
    >>> tmp.cleanup()
    """
    return (path.is_dir() and ((path / "nodes").is_dir() or (path / "edges").is_dir())) or (
        path.is_file() and path.suffix.lower() == ".xlsx"
    )


def read_tables_source(path: str | Path, *, extra_columns: str = "keep") -> SourceTables:
    """Read a folder of canonical tables or a workbook into raw tables.

    Parameters
    ----------
    path : path
        A folder with ``nodes/`` and ``edges/``, or an ``.xlsx`` workbook.
    extra_columns : {"keep", "reject"}
        Columns of a node table that match no property: kept in ``attributes`` (with
        a warning naming them), or left for validation to reject.

    Returns
    -------
    SourceTables
        One raw table per file or sheet, named by its label or type, with every cell
        as text and ``_file`` and ``_row`` columns.

    Raises
    ------
    SourceError
        When the path is missing, holds no tables, or a file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> (folder / "nodes").mkdir()
    >>> (folder / "edges").mkdir()
    >>> _ = (folder / "nodes" / "Region.csv").write_text(
    ...     "id,name,level\\nr1,郑州市,city\\nr2,河南省,province\\n", encoding="gb18030")
    >>> _ = (folder / "edges" / "LOCATED_IN.csv").write_text(
    ...     "from_id,to_id\\nr1,r2\\n", encoding="utf-8")
    >>> src = read_tables_source(folder)
    >>> for row in src.nodes["Region"].itertuples(index=False):
    ...     print(*row)
    r1 郑州市 city nodes/Region.csv 2
    r2 河南省 province nodes/Region.csv 3
    >>> src.edges["LOCATED_IN"].values.tolist()
    [['r1', 'r2', 'edges/LOCATED_IN.csv', 2]]
    >>> src.rows_read, src.warnings
    (3, ['nodes/Region.csv: read as GB18030'])
    >>> tmp.cleanup()
    """
    if extra_columns not in EXTRA_COLUMN_MODES:
        raise ValueError(f"extra_columns is one of {EXTRA_COLUMN_MODES}, not {extra_columns!r}")
    path = Path(path)
    source = SourceTables(kind="tables", path=str(path))
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise SourceError(
                f"{path}: a table source is a folder with nodes/ and edges/, or one .xlsx workbook"
            )
        _read_workbook(path, source, extra_columns)
        return source
    for kind, target in (("nodes", source.nodes), ("edges", source.edges)):
        folder = path / kind
        if not folder.is_dir():
            continue
        for file in sorted(folder.iterdir()):
            display = f"{kind}/{file.name}"
            suffix = file.suffix.lower()
            if suffix == ".csv":
                df, encoding = read_csv_table(file, display)
                if encoding == "gb18030":
                    source.warnings.append(f"{display}: read as GB18030")
            elif suffix == ".parquet":
                df = _read_parquet(file, display)
            else:
                source.warnings.append(f"{display}: skipped (not .csv or .parquet)")
                continue
            df = _prepare(df, file.stem, display, source, extra_columns)
            if file.stem in target:
                raise SourceError(
                    f"{display}: {file.stem} is given twice in {kind}/; keep one file"
                )
            target[file.stem] = df
            source.rows_read += len(df)
    if not source.nodes and not source.edges:
        raise SourceError(f"{path}: no nodes/*.csv or edges/*.csv tables found")
    return source
