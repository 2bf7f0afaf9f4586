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

Examples
--------
>>> decode_text(b"\\xef\\xbb\\xbfid,name\\n", "x.csv")
('id,name\\n', 'utf-8-sig')
>>> decode_text("名称".encode("gb18030"), "x.csv")[1]
'gb18030'
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import SourceTables

__all__ = ["decode_text", "looks_like_tables", "read_csv_table", "read_tables_source"]

_MAX_CELL = 1_000_000  # characters; longer cells are refused (see docs/security.md)
_MAX_COLUMNS = 1_000  # no label or type has more than a few dozen properties
_MAX_UNZIPPED = 512 * 1024 * 1024  # bytes a workbook may unpack to
_MAX_RATIO = 200  # compression ratio above which a workbook is treated as a zip bomb


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file strictly: UTF-8 (BOM or not), else GB18030; else an error.

    A file that is mostly valid UTF-8 with a few bad bytes (cut short, or lines pasted
    from a GBK file) is an error at the first bad line, never re-read as GB18030:
    that would turn every Chinese character in it into the wrong one.
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
    """Read one CSV file as text cells with provenance columns; return it and its encoding."""
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
    try:
        # header=None: a row with more cells than the header is an error at its line, not a
        # silent shift of every column (pandas would make the first column an index).
        raw = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(
            f"{display}: not a well-formed CSV table ({str(exc).strip()}); check the quoting "
            "and the number of cells on that line"
        ) from None
    header = [str(c).strip() for c in raw.iloc[0].fillna("")]
    df = raw.iloc[1:].fillna("").reset_index(drop=True)
    df.columns = header
    _check_cells(df, display)
    df = _provenance(df, display, first_row=2)
    blank = (df[header] == "").all(axis=1) if header else pd.Series(False, index=df.index)
    return df[~blank].reset_index(drop=True), encoding


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


def _read_workbook(path: Path, source: SourceTables) -> None:
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
    """True for a folder with nodes/ or edges/, or an .xlsx workbook."""
    return (path.is_dir() and ((path / "nodes").is_dir() or (path / "edges").is_dir())) or (
        path.is_file() and path.suffix.lower() == ".xlsx"
    )


def read_tables_source(path: str | Path) -> SourceTables:
    """Read a folder of canonical tables or a workbook into raw tables.

    Raises
    ------
    SourceError
        When the path is missing, holds no tables, or a file cannot be read.
    """
    path = Path(path)
    source = SourceTables(kind="tables", path=str(path))
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise SourceError(
                f"{path}: a table source is a folder with nodes/ and edges/, or one .xlsx workbook"
            )
        _read_workbook(path, source)
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
            if file.stem in target:
                raise SourceError(
                    f"{display}: {file.stem} is given twice in {kind}/; keep one file"
                )
            target[file.stem] = df
            source.rows_read += len(df)
    if not source.nodes and not source.edges:
        raise SourceError(f"{path}: no nodes/*.csv or edges/*.csv tables found")
    return source
